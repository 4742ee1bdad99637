-- JSON partial updates (run with binlog_row_image=MINIMAL and
-- binlog_row_value_options=PARTIAL_JSON).
SET TIMESTAMP=1900000500;
CREATE DATABASE IF NOT EXISTS us_json;
USE us_json;
CREATE TABLE j (id INT PRIMARY KEY, a JSON, b JSON, c INT);
INSERT INTO j VALUES
  (1, '{"k": 1, "s": "abc", "arr": [1, 2, 3], "o": {"p": "q"}}', '[10, 20]', 1),
  (2, '{"k": 2}', '{"x": "y"}', 2);
UPDATE j SET a = JSON_SET(a, '$.k', 100) WHERE id = 1;
UPDATE j SET a = JSON_REPLACE(a, '$.s', 'xyz', '$.arr[1]', 'two') WHERE id = 1;
UPDATE j SET a = JSON_REMOVE(a, '$.o') WHERE id = 1;
UPDATE j SET a = JSON_SET(a, '$.k', 3, '$.new', JSON_OBJECT('deep', JSON_ARRAY(1, 2))), b = JSON_ARRAY_INSERT(b, '$[0]', 5), c = 3 WHERE id = 1;
UPDATE j SET a = JSON_SET(a, '$.k', 'it''s'), b = JSON_REPLACE(b, '$.x', 1.5) WHERE id = 2;
UPDATE j SET a = JSON_SET(a, '$.k', NULL, '$.t', TRUE) WHERE id = 2;
UPDATE j SET a = '{"replaced": "whole"}' WHERE id = 2;
UPDATE j SET c = c + 1;
