-- XA transactions: prepared then committed, rolled back, one phase.
SET TIMESTAMP=1900000300;
CREATE DATABASE IF NOT EXISTS us_xa;
USE us_xa;
CREATE TABLE x (id INT PRIMARY KEY, v VARCHAR(10));
XA START 'trx1', 'branch', 1;
INSERT INTO x VALUES (1, 'xa1');
XA END 'trx1', 'branch', 1;
XA PREPARE 'trx1', 'branch', 1;
XA COMMIT 'trx1', 'branch', 1;
XA START X'0102ff';
INSERT INTO x VALUES (2, 'xa2');
XA END X'0102ff';
XA PREPARE X'0102ff';
XA ROLLBACK X'0102ff';
XA START 'one';
INSERT INTO x VALUES (3, 'xa3');
XA END 'one';
XA COMMIT 'one' ONE PHASE;
