-- Every column type both MySQL 9.7 and MariaDB store, with edge values.
-- Timestamps are pinned so that event times (and --start-datetime) are
-- the same on every recording.
SET TIMESTAMP=1900000000;
SET sql_mode='';
CREATE DATABASE IF NOT EXISTS us_types;
USE us_types;
CREATE TABLE ints (
  id INT PRIMARY KEY AUTO_INCREMENT,
  ti TINYINT, tu TINYINT UNSIGNED, si SMALLINT, su SMALLINT UNSIGNED,
  mi MEDIUMINT, mu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED,
  bi BIGINT, bu BIGINT UNSIGNED, bo BOOL
);
INSERT INTO ints VALUES
  (NULL, -128, 255, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295, -9223372036854775808, 18446744073709551615, 1),
  (NULL, 127, 0, 32767, 0, 8388607, 0, 2147483647, 0, 9223372036854775807, 0, 0),
  (NULL, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, NULL),
  (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
SET TIMESTAMP=1900000010;
CREATE TABLE nums (
  id INT PRIMARY KEY,
  f FLOAT, d DOUBLE, fu FLOAT UNSIGNED, dm DOUBLE(20,5),
  dec1 DECIMAL(5,2), dec2 DECIMAL(65,30), dec3 DECIMAL(10,0), dec4 DECIMAL(18,9) UNSIGNED, dec5 DECIMAL(1,1), dec6 DECIMAL(30,10)
);
INSERT INTO nums VALUES
  (1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
  (2, -1.5, -2.25, 1.5, -12345.6789, -999.99, -12345678901234567890123456789012345.123456789012345678901234567890, -9999999999, 999999999.999999999, -0.9, -12345678901234567890.1234567890),
  (3, 3.40282e38, 1.7976931348623157e308, 1.17549e-38, 99999.5, 999.99, 99999999999999999999999999999999999.999999999999999999999999999999, 9999999999, 0.000000001, 0.9, 0.0000000001),
  (4, 1/3, 1/3, 0.1, 0.1, 0.01, 0.000000000000000000000000000001, 1, 1, 0.1, 1),
  (5, 123456789, 1e-300, 100000, 1e15, -0.01, -1, -1, 100, -0.1, -100.5),
  (6, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
SET TIMESTAMP=1900000020;
CREATE TABLE temporal (
  id INT PRIMARY KEY,
  d DATE, t TIME, t1 TIME(1), t3 TIME(3), t6 TIME(6),
  dt DATETIME, dt2 DATETIME(2), dt4 DATETIME(4), dt6 DATETIME(6),
  ts TIMESTAMP NULL DEFAULT NULL, ts1 TIMESTAMP(1) NULL DEFAULT NULL, ts3 TIMESTAMP(3) NULL DEFAULT NULL, ts6 TIMESTAMP(6) NULL DEFAULT NULL,
  y YEAR
);
SET time_zone='+00:00';
INSERT INTO temporal VALUES
  (1, '2024-02-29', '12:34:56', '12:34:56.7', '-12:34:56.789', '838:59:59.000000', '2024-02-29 12:34:56', '1000-01-01 00:00:00.01', '9999-12-31 23:59:59.9999', '2001-02-03 04:05:06.123456', '2038-01-19 03:14:07', '1970-01-01 00:00:01.5', '2000-01-01 00:00:00.001', '2020-06-15 12:00:00.999999', 2024),
  (2, '0000-00-00', '-838:59:59', '-00:00:00.5', '-00:00:01.001', '-838:59:59.000000', '0000-00-00 00:00:00', '0000-00-00 00:00:00.00', '2024-01-01 00:00:00.5', '2024-01-01 00:00:00.000001', NULL, NULL, NULL, NULL, 0),
  (3, '1000-01-01', '00:00:00', '00:00:00.0', '-00:00:00.001', '-00:00:00.000001', '1000-01-01 00:00:00', '2024-12-31 23:59:59.99', '1999-12-31 23:59:59.0001', '9999-12-31 23:59:59.999999', '1970-01-01 00:00:01', '2038-01-19 03:14:07.9', '2024-02-29 10:20:30.400', '1999-01-01 00:00:00.000001', 1901),
  (4, '9999-12-31', '-01:02:03', '-23:59:59.9', '100:00:00.123', '-12:00:00.654321', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 2155),
  (5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
SET time_zone=SYSTEM;
SET TIMESTAMP=1900000030;
CREATE TABLE strs (
  id INT PRIMARY KEY,
  c CHAR(10), vc VARCHAR(300), c_latin1 CHAR(5) CHARACTER SET latin1, vc_latin1 VARCHAR(20) CHARACTER SET latin1,
  vb VARBINARY(20), b BINARY(4), big_c CHAR(255) CHARACTER SET utf8mb4,
  tt TINYTEXT, tx TEXT, mt MEDIUMTEXT, lt LONGTEXT,
  tb TINYBLOB, bl BLOB, mb MEDIUMBLOB, lb LONGBLOB,
  e ENUM('a','b','c'), e_big ENUM('v000','v001','v002','v003','v004','v005','v006','v007','v008','v009','v010','v011','v012','v013','v014','v015','v016','v017','v018','v019','v020','v021','v022','v023','v024','v025','v026','v027','v028','v029','v030','v031','v032','v033','v034','v035','v036','v037','v038','v039','v040','v041','v042','v043','v044','v045','v046','v047','v048','v049','v050','v051','v052','v053','v054','v055','v056','v057','v058','v059','v060','v061','v062','v063','v064','v065','v066','v067','v068','v069','v070','v071','v072','v073','v074','v075','v076','v077','v078','v079','v080','v081','v082','v083','v084','v085','v086','v087','v088','v089','v090','v091','v092','v093','v094','v095','v096','v097','v098','v099','v100','v101','v102','v103','v104','v105','v106','v107','v108','v109','v110','v111','v112','v113','v114','v115','v116','v117','v118','v119','v120','v121','v122','v123','v124','v125','v126','v127','v128','v129','v130','v131','v132','v133','v134','v135','v136','v137','v138','v139','v140','v141','v142','v143','v144','v145','v146','v147','v148','v149','v150','v151','v152','v153','v154','v155','v156','v157','v158','v159','v160','v161','v162','v163','v164','v165','v166','v167','v168','v169','v170','v171','v172','v173','v174','v175','v176','v177','v178','v179','v180','v181','v182','v183','v184','v185','v186','v187','v188','v189','v190','v191','v192','v193','v194','v195','v196','v197','v198','v199','v200','v201','v202','v203','v204','v205','v206','v207','v208','v209','v210','v211','v212','v213','v214','v215','v216','v217','v218','v219','v220','v221','v222','v223','v224','v225','v226','v227','v228','v229','v230','v231','v232','v233','v234','v235','v236','v237','v238','v239','v240','v241','v242','v243','v244','v245','v246','v247','v248','v249','v250','v251','v252','v253','v254','v255','v256','v257'),
  s SET('x','y','z'), s_big SET('a0','a1','a2','a3','a4','a5','a6','a7','a8','a9','b0','b1','b2','b3','b4','b5','b6','b7','b8','b9','c0','c1','c2','c3','c4','c5','c6','c7','c8','c9','d0','d1','d2','d3','d4','d5','d6','d7','d8','d9','e0','e1','e2','e3','e4','e5','e6','e7','e8','e9','f0','f1','f2','f3','f4','f5','f6','f7','f8','f9','g0','g1','g2','g3')
);
INSERT INTO strs VALUES
  (1, 'abc', 'plain ascii', 'ab', 'latin', 0x00FF7F80, 0x01020304, 'x', 'tiny', 'text', 'medium', 'long', 0x00, 0xDEADBEEF, '', 0x0A0D09, 'a', 'v257', 'x,z', 'a0,g3'),
  (2, 'quote''s', 'back\\slash and "double"', 'é', 'café', 0x27, 0x5C, REPEAT('ü', 255), 'tab\there', 'new\nline\r\nwin', 'ctrl \0 \b \Z end', '😀 emoji ☃', 'bin''quote', 0x08090A0B0C0D1B7F, REPEAT('m', 1000), REPEAT(0xAB, 300), 'c', 'v000', '', 'b5,c5'),
  (3, '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', 'b', 'v128', 'x,y,z', ''),
  (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
SET TIMESTAMP=1900000040;
CREATE TABLE bits (id INT PRIMARY KEY, b1 BIT(1), b7 BIT(7), b8 BIT(8), b9 BIT(9), b17 BIT(17), b64 BIT(64));
INSERT INTO bits VALUES (1, b'1', b'1010101', b'11111111', b'100000001', b'10000000000000001', 0xFFFFFFFFFFFFFFFF),
  (2, b'0', b'0', b'0', b'0', b'0', b'0'), (3, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE TABLE geo (id INT PRIMARY KEY, g GEOMETRY, p POINT);
INSERT INTO geo VALUES (1, ST_GeomFromText('LINESTRING(0 0,1 1,2 1)'), ST_GeomFromText('POINT(1.5 -2.25)')), (2, NULL, NULL);
SET TIMESTAMP=1900000050;
UPDATE ints SET ti = ti + 1, bu = 42 WHERE id IN (2, 3);
UPDATE strs SET vc = CONCAT(vc, '!'), e = 'c' WHERE id <= 3;
UPDATE temporal SET y = 1999, dt6 = '2011-11-11 11:11:11.111111' WHERE id = 1;
DELETE FROM bits WHERE id = 2;
DELETE FROM nums WHERE id >= 5;
CREATE TABLE nopk (a INT, b VARCHAR(10));
INSERT INTO nopk VALUES (1, 'x'), (1, 'x'), (2, NULL);
DELETE FROM nopk WHERE a = 1 LIMIT 1;
UPDATE nopk SET b = 'y' WHERE b IS NULL;
SET TIMESTAMP=1900000060;
-- A statement whose rows span several row events (binlog_row_event_max_size).
CREATE TABLE wide (id INT PRIMARY KEY, pad VARCHAR(2000));
INSERT INTO wide SELECT n, REPEAT(CHAR(65 + n % 26), 1500) FROM (
  SELECT a.N + b.N * 10 + 1 AS n FROM
  (SELECT 0 AS N UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) a,
  (SELECT 0 AS N UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3) b) nums;
UPDATE wide SET pad = REPEAT('z', 1900) WHERE id <= 12;
DELETE FROM wide WHERE id > 30;
