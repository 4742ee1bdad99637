-- MySQL-only types and features: JSON, VECTOR, generated and invisible
-- columns, functional indexes.
SET TIMESTAMP=1900000400;
CREATE DATABASE IF NOT EXISTS us_mysql;
USE us_mysql;
CREATE TABLE docs (
  id INT PRIMARY KEY,
  j JSON,
  v VECTOR(4),
  name VARCHAR(50) AS (j->>'$.name'),
  age INT AS (j->'$.age') STORED,
  secret VARCHAR(10) INVISIBLE DEFAULT 'hidden',
  KEY ((CAST(j->>'$.age' AS UNSIGNED)))
);
INSERT INTO docs (id, j, v) VALUES
  (1, '{"name": "ann", "age": 30, "tags": ["a", "b"], "nested": {"x": 1.5, "y": null, "z": true}}', TO_VECTOR('[1, 2.5, -3, 1e-10]')),
  (2, '[1, -2, 3.25, "it''s", "back\\\\slash", "line\\nbreak", "☃", 9223372036854775807, 18446744073709551615, -9223372036854775808]', TO_VECTOR('[0, 0, 0, 0]')),
  (3, JSON_OBJECT('d', CAST('2024-02-29' AS DATE), 't', CAST('-12:34:56.789' AS TIME(3)), 'dt', CAST('2024-01-02 03:04:05.678' AS DATETIME(3)), 'dec', CAST(12.50 AS DECIMAL(5,2)), 'bin', CAST(x'00ff' AS BINARY)), NULL),
  (4, '"just a string"', TO_VECTOR('[3.4028234e38, -1.17549435e-38, 0.1, 100]')),
  (5, 'null', NULL),
  (6, '{}', NULL),
  (7, '[]', NULL),
  (8, NULL, NULL);
UPDATE docs SET j = JSON_SET(j, '$.age', 31) WHERE id = 1;
DELETE FROM docs WHERE id = 7;
SET TIMESTAMP=1900000410;
CREATE TABLE gipk_off (a INT);
INSERT INTO gipk_off VALUES (1);
SET sql_generate_invisible_primary_key = ON;
CREATE TABLE gipk_on (a INT, b VARCHAR(5));
INSERT INTO gipk_on (a, b) VALUES (1, 'one'), (2, 'two');
UPDATE gipk_on SET b = 'TWO' WHERE a = 2;
SET sql_generate_invisible_primary_key = OFF;
SET default_table_encryption = OFF, sql_require_primary_key = OFF;
CREATE TABLE after_vars (a INT PRIMARY KEY);
