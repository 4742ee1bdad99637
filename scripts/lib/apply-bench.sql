-- The applier bench workload (MySQL 9.7 and MariaDB 10.11 alike): a
-- sysbench-like table and procedures for each phase.
--   CALL sbtest.fill(n)          n single-row INSERT transactions
--   CALL sbtest.bulk(t, rows)    t transactions of `rows` rows each (sbtest2)
--   CALL sbtest.updates(n, max)  n single-row UPDATEs by primary key
--   CALL sbtest.deletes(n)       n single-row DELETEs by primary key
CREATE DATABASE sbtest;
CREATE TABLE sbtest.sbtest1 (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, k INT NOT NULL DEFAULT 0,
  c CHAR(120) NOT NULL DEFAULT '', pad CHAR(60) NOT NULL DEFAULT '', KEY k_1 (k));
CREATE TABLE sbtest.sbtest2 LIKE sbtest.sbtest1;
CREATE TABLE sbtest.seq (n INT NOT NULL PRIMARY KEY);
DELIMITER //
CREATE FUNCTION sbtest.cval() RETURNS CHAR(120) NO SQL NOT DETERMINISTIC
  RETURN CONCAT_WS('-', LPAD(FLOOR(RAND() * 1e11), 11, '0'), LPAD(FLOOR(RAND() * 1e11), 11, '0'),
    LPAD(FLOOR(RAND() * 1e11), 11, '0'), LPAD(FLOOR(RAND() * 1e11), 11, '0'), LPAD(FLOOR(RAND() * 1e11), 11, '0'),
    LPAD(FLOOR(RAND() * 1e11), 11, '0'), LPAD(FLOOR(RAND() * 1e11), 11, '0'), LPAD(FLOOR(RAND() * 1e11), 11, '0'),
    LPAD(FLOOR(RAND() * 1e11), 11, '0'), LPAD(FLOOR(RAND() * 1e11), 11, '0'))//
CREATE FUNCTION sbtest.padval() RETURNS CHAR(60) NO SQL NOT DETERMINISTIC
  RETURN CONCAT_WS('-', LPAD(FLOOR(RAND() * 1e11), 11, '0'), LPAD(FLOOR(RAND() * 1e11), 11, '0'),
    LPAD(FLOOR(RAND() * 1e11), 11, '0'), LPAD(FLOOR(RAND() * 1e11), 11, '0'), LPAD(FLOOR(RAND() * 1e11), 11, '0'))//
CREATE PROCEDURE sbtest.fill(n INT)
BEGIN
  DECLARE i INT DEFAULT 0;
  WHILE i < n DO
    INSERT INTO sbtest.sbtest1 (k, c, pad) VALUES (FLOOR(RAND() * n), sbtest.cval(), sbtest.padval());
    SET i = i + 1;
  END WHILE;
END//
CREATE PROCEDURE sbtest.bulk(t INT, rows_per INT)
BEGIN
  DECLARE i INT DEFAULT 0;
  START TRANSACTION;
  WHILE i < rows_per DO
    INSERT INTO sbtest.seq VALUES (i + 1);
    SET i = i + 1;
  END WHILE;
  COMMIT;
  SET i = 0;
  WHILE i < t DO
    INSERT INTO sbtest.sbtest2 (k, c, pad)
      SELECT FLOOR(RAND() * 1000000), sbtest.cval(), sbtest.padval() FROM sbtest.seq;
    SET i = i + 1;
  END WHILE;
END//
CREATE PROCEDURE sbtest.updates(n INT, max_id BIGINT)
BEGIN
  DECLARE i INT DEFAULT 0;
  DECLARE v BIGINT;
  WHILE i < n DO
    SET v = 1 + FLOOR(RAND() * max_id);
    UPDATE sbtest.sbtest1 SET k = k + 1 WHERE id = v;
    SET i = i + 1;
  END WHILE;
END//
CREATE PROCEDURE sbtest.deletes(n INT)
BEGIN
  DECLARE i INT DEFAULT 1;
  WHILE i <= n DO
    DELETE FROM sbtest.sbtest1 WHERE id = i;
    SET i = i + 1;
  END WHILE;
END//
DELIMITER ;
