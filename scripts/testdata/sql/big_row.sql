-- One row over 16 MiB (a row event larger than a protocol packet).
SET TIMESTAMP=1900000800;
CREATE DATABASE IF NOT EXISTS us_big;
USE us_big;
CREATE TABLE big (id INT PRIMARY KEY, data LONGBLOB);
INSERT INTO big VALUES (1, REPEAT('0123456789abcdef', 1100000));
INSERT INTO big VALUES (2, 'small');
