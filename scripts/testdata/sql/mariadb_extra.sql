-- MariaDB-only features: sequences, system versioning, INET6/UUID,
-- compressed columns, JSON as text.
SET TIMESTAMP=1900000700;
CREATE DATABASE IF NOT EXISTS us_maria;
USE us_maria;
CREATE SEQUENCE seq1 START WITH 10 INCREMENT BY 5;
CREATE TABLE ids (id INT PRIMARY KEY, nv INT);
INSERT INTO ids VALUES (1, NEXT VALUE FOR seq1), (2, NEXT VALUE FOR seq1);
CREATE TABLE hist (id INT PRIMARY KEY, v INT) WITH SYSTEM VERSIONING;
INSERT INTO hist VALUES (1, 1);
UPDATE hist SET v = 2 WHERE id = 1;
DELETE FROM hist WHERE id = 1;
CREATE TABLE net (id INT PRIMARY KEY, ip INET6, u UUID, j JSON, cz VARCHAR(100) COMPRESSED, bz BLOB COMPRESSED);
INSERT INTO net VALUES (1, '2001:db8::1', '123e4567-e89b-12d3-a456-426614174000', '{"a": [1, 2]}', REPEAT('compress me ', 5), REPEAT('blob ', 20)),
  (2, '::ffff:10.0.0.1', NULL, NULL, NULL, NULL);
SET @@session.gtid_domain_id = 7;
INSERT INTO ids VALUES (3, 3);
SET @@session.gtid_domain_id = 0;
SET @@session.skip_replication = 1;
INSERT INTO ids VALUES (4, 4);
SET @@session.skip_replication = 0;
