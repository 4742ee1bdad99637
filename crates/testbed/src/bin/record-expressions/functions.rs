//! String search and padding, byte and bit functions, POW and the
//! logarithms, and calendar functions (week modes, TIMESTAMPDIFF,
//! EXTRACT, TIME_TO_SEC …): recorded on both servers.

/// The expressions, in a fixed order.
pub fn expressions() -> Vec<String> {
    let mut out = Vec::new();
    strings(&mut out);
    bytes(&mut out);
    numbers(&mut out);
    calendar(&mut out);
    out
}

fn strings(out: &mut Vec<String>) {
    let subjects = [
        "'abc'",
        "'aBcabc'",
        "''",
        "NULL",
        "123",
        "'a,b,c'",
        "'café'",
        "X'616263'",
        "'x.y.z'",
        "_binary'aBc'",
    ];
    for s in subjects {
        for n in ["'b'", "'B'", "''", "'bc'", "'é'", "NULL", "2"] {
            out.push(format!("INSTR({s}, {n})"));
        }
        for p in ["", ", 3", ", 0", ", 1", ", 2", ", 4", ", -1", ", NULL"] {
            out.push(format!("LOCATE('b', {s}{p})"));
            out.push(format!("LOCATE('', {s}{p})"));
        }
        out.push(format!("LOCATE('C', {s}, 2)"));
        out.push(format!("POSITION('c' IN {s})"));
        for n in ["1", "2", "-1", "-2", "0", "5", "-5", "NULL"] {
            out.push(format!("SUBSTRING_INDEX({s}, ',', {n})"));
            out.push(format!("SUBSTRING_INDEX({s}, 'b', {n})"));
        }
        out.push(format!("SUBSTRING_INDEX({s}, '', 1)"));
        out.push(format!("SUBSTRING_INDEX({s}, 'bc', 1)"));
        out.push(format!("FIND_IN_SET('b', {s})"));
        out.push(format!("FIND_IN_SET({s}, 'x,abc,ABC')"));
        out.push(format!("FIND_IN_SET({s}, '')"));
        for (len, p) in [
            ("5", "'xy'"),
            ("2", "'-'"),
            ("-1", "'x'"),
            ("6", "''"),
            ("3", "'é'"),
            ("0", "'x'"),
            ("NULL", "'x'"),
            ("4", "NULL"),
        ] {
            out.push(format!("LPAD({s}, {len}, {p})"));
            out.push(format!("RPAD({s}, {len}, {p})"));
        }
        for (p, l, n) in [
            ("2", "1", "'XY'"),
            ("0", "1", "'X'"),
            ("1", "0", "'X'"),
            ("2", "100", "'X'"),
            ("2", "-1", "'Z'"),
            ("3", "1", "''"),
            ("9", "1", "'X'"),
            ("NULL", "1", "'X'"),
        ] {
            out.push(format!("INSERT({s}, {p}, {l}, {n})"));
        }
        out.push(format!("ELT(2, {s}, 'q')"));
        out.push(format!("ELT(1, {s}, 'q')"));
        out.push(format!("NULLIF({s}, 'abc')"));
        out.push(format!("NULLIF({s}, 'ABC')"));
        out.push(format!("NULLIF({s}, 123)"));
        out.push(format!("FIELD({s}, 'x', 'ABC', 'abc')"));
        out.push(format!("FIELD({s}, 123, 'abc')"));
        out.push(format!("SPACE(LENGTH({s}))"));
        for f in ["HEX", "ASCII", "ORD", "BIT_LENGTH", "TO_BASE64", "CRC32"] {
            out.push(format!("{f}({s})"));
        }
        // (HEX: bytes that are not UTF-8 do not survive the recording.)
        out.push(format!("HEX(UNHEX({s}))"));
        out.push(format!("UNHEX(HEX({s}))"));
        out.push(format!("FROM_BASE64(TO_BASE64({s}))"));
    }
    for e in [
        "FIELD(2, '1', '2.0')",
        "FIELD('1.0', '1', 2)",
        "FIELD('b', 'a', 'B')",
        "FIELD(NULL, NULL, 1)",
        "FIELD(1.5, 1, 1.50)",
        "FIELD(3, 1, 2)",
        "FIELD('x', 'y')",
        "FIELD(2.5e0, '2.5')",
        "ELT(0, 'a')",
        "ELT(3, 'a', 'b')",
        "ELT(NULL, 'a')",
        "ELT(-1, 'a')",
        "ELT(2, 'a', 2.50)",
        "ELT(1, NULL, 'b')",
        "SPACE(3)",
        "SPACE(0)",
        "SPACE(-1)",
        "SPACE(NULL)",
        "CONCAT('[', SPACE(2), ']')",
        "NULLIF(1, 1.0)",
        "NULLIF(1, '1')",
        "NULLIF(NULL, 1)",
        "NULLIF(1, NULL)",
        "NULLIF('a', 'A')",
        "NULLIF('a ', 'a')",
        "NULLIF(2, 3)",
        "NULLIF(2.50, 2.5)",
        "LOCATE('s', 'ß' COLLATE utf8mb4_general_ci)",
        "LOCATE('e', 'café' COLLATE utf8mb4_general_ci)",
        "LOCATE('E', 'CAFÉ' COLLATE utf8mb4_unicode_ci)",
        "LOCATE('x', 'éx' COLLATE utf8mb4_general_ci)",
        "INSTR('Ünïcödé' COLLATE utf8mb4_general_ci, 'NIC')",
        "INSTR('Ünïcödé', 'NIC')",
        "INSTR('Ünïcödé' COLLATE utf8mb4_bin, 'nïc')",
        "INSTR('Ünïcödé' COLLATE utf8mb4_bin, 'NÏC')",
        "LOCATE('b', 'tab\\there')",
        "LOCATE('日本', 'こんにちは日本')",
        "LOCATE('É', 'café')",
        "LOCATE('ss', 'ßx')",
        "INSTR('Straße', 'SS')",
        "LOCATE('é', 'café')",
        "LOCATE('b', 'abcb', 3)",
        "LOCATE('bb', 'abbb', 3)",
        "INSTR('aaa', 'aa')",
        "SUBSTRING_INDEX('www.mysql.com', '.', 2)",
        "SUBSTRING_INDEX('www.mysql.com', '.', -2)",
        "SUBSTRING_INDEX('aaa', 'aa', 1)",
        "SUBSTRING_INDEX('aaa', 'aa', -1)",
        "SUBSTRING_INDEX('a::b::c', '::', 2)",
        "SUBSTRING_INDEX('café', 'é', 1)",
        "FIND_IN_SET('b', 'a,b,c')",
        "FIND_IN_SET('B', 'a,b,c')",
        "FIND_IN_SET('', 'a,,c')",
        "FIND_IN_SET('', '')",
        "FIND_IN_SET('a,b', 'a,b')",
        "FIND_IN_SET('c', 'a,b,c,')",
        "FIND_IN_SET(NULL, 'a')",
        "FIND_IN_SET('a', NULL)",
        "FIND_IN_SET(2, '1,2,3')",
        "LPAD('hi', 5, 'ab')",
        "RPAD('hi', 5, 'ab')",
        "LPAD('héllo', 3, '*')",
        "RPAD('日本', 4, '語')",
        "LPAD(12, 5, 0)",
        "LPAD('', 2, 'x')",
        "INSERT('Quadratic', 3, 4, 'What')",
        "INSERT('Quadratic', -1, 4, 'What')",
        "INSERT('Quadratic', 3, 100, 'What')",
        "INSERT('日本語', 2, 1, 'x')",
    ] {
        out.push(e.to_owned());
    }
}

fn bytes(out: &mut Vec<String>) {
    for e in [
        "HEX(255)",
        "HEX(0)",
        "HEX(-1)",
        "HEX(2.5)",
        "HEX(-2.5)",
        "HEX(2.4)",
        "HEX(2.5e0)",
        "HEX(3.5e0)",
        "HEX(-3.5e0)",
        "HEX(18446744073709551615)",
        "HEX(-9223372036854775807)",
        "HEX(NULL)",
        "HEX('é')",
        "HEX(X'00FF')",
        "HEX('')",
        "UNHEX('4A4b')",
        "UNHEX('A')",
        "UNHEX('XY')",
        "UNHEX('4G')",
        "UNHEX(41)",
        "UNHEX('')",
        "UNHEX(NULL)",
        "CHAR(65, 66, NULL, 67)",
        "CHAR(256) = X'0100'",
        "CHAR(0) = X'00'",
        "CHAR(65536) = X'010000'",
        "CHAR(NULL) = ''",
        "LENGTH(CHAR(16777216))",
        "BIN(5)",
        "BIN(0)",
        "BIN(-1)",
        "BIN(NULL)",
        "OCT(8)",
        "OCT(0)",
        "OCT(-8)",
        "ASCII('')",
        "ASCII('A')",
        "ASCII(2)",
        "ASCII(NULL)",
        "ORD('€')",
        "ORD('a')",
        "ORD('')",
        "ORD(X'E282AC')",
        "ORD('😀')",
        "BIT_LENGTH('日本')",
        "CRC32('MySQL')",
        "CRC32('')",
        "CRC32(NULL)",
        "CRC32(123)",
        "TO_BASE64('')",
        "TO_BASE64('a')",
        "TO_BASE64('ab')",
        "TO_BASE64(NULL)",
        "TO_BASE64(12)",
        "FROM_BASE64('YWJj')",
        "FROM_BASE64('YWI=')",
        "FROM_BASE64('YQ==')",
        "FROM_BASE64('YWJ')",
        "FROM_BASE64('Y===')",
        "FROM_BASE64('YW=j')",
        "FROM_BASE64('')",
        "FROM_BASE64('@@@@')",
        "FROM_BASE64(NULL)",
    ] {
        out.push(e.to_owned());
    }
}

fn numbers(out: &mut Vec<String>) {
    for x in [
        "2", "0", "-1", "0.5", "'4'", "NULL", "1e10", "100", "1", "'x'", "2.5e0",
    ] {
        for f in ["SQRT", "EXP", "LN", "LOG", "LOG2", "LOG10"] {
            out.push(format!("{f}({x})"));
        }
        out.push(format!("POW({x}, 2)"));
        out.push(format!("POW(2, {x})"));
        out.push(format!("POWER({x}, 0.5)"));
        out.push(format!("LOG(2, {x})"));
        out.push(format!("LOG({x}, 8)"));
    }
    for e in [
        "EXP(1000)",
        "POW(10, 400)",
        "POW(0, -1)",
        "POW(-8, 1/3)",
        "POW(-2, 3)",
        "POW(2, -2)",
        "SQRT(2) * SQRT(2)",
        "LOG(10, 100)",
        "LOG(1, 2)",
        "LOG(0.5, 4)",
        "LN(EXP(2))",
        "POW(2, 0.5) + 1",
        "SQRT(16) = 4",
        "SQRT(18446744073709551615)",
    ] {
        out.push(e.to_owned());
    }
}

fn calendar(out: &mut Vec<String>) {
    let dates = [
        "'2024-01-01'",
        "'2023-01-01'",
        "'2024-12-30'",
        "'2024-12-31'",
        "'2021-01-03'",
        "'2020-12-31 23:59:59'",
        "'2000-02-29 10:11:12.5'",
        "'1999-12-31'",
        "'0001-01-01'",
        "'9999-12-31'",
        "NULL",
        "'2024-02-30'",
        "'10:11:12'",
        "20240315",
        "'2024-03-15 07:08:09.123456'",
    ];
    for d in dates {
        for f in [
            "DAYOFWEEK",
            "WEEKDAY",
            "DAYOFYEAR",
            "QUARTER",
            "DAYNAME",
            "MONTHNAME",
            "YEARWEEK",
        ] {
            out.push(format!("{f}({d})"));
        }
        for m in 0..8 {
            out.push(format!("WEEK({d}, {m})"));
            out.push(format!("YEARWEEK({d}, {m})"));
        }
        for u in [
            "YEAR",
            "QUARTER",
            "MONTH",
            "WEEK",
            "DAY",
            "HOUR",
            "MINUTE",
            "SECOND",
            "MICROSECOND",
        ] {
            out.push(format!("EXTRACT({u} FROM {d})"));
            out.push(format!("TIMESTAMPDIFF({u}, {d}, '2024-03-31 12:00:00')"));
            out.push(format!("TIMESTAMPDIFF({u}, '2024-03-31 12:00:00', {d})"));
            out.push(format!("TIMESTAMPADD({u}, 1, {d})"));
            out.push(format!("TIMESTAMPADD({u}, -13, {d})"));
        }
        out.push(format!("TIME_TO_SEC({d})"));
    }
    // Every day around the turn of the years 2020 to 2028, in every mode.
    for y in 2020..=2028 {
        for (m, d) in (1..=7).map(|d| (1, d)).chain((25..=31).map(|d| (12, d))) {
            for mode in 0..8 {
                out.push(format!("WEEK('{y}-{m:02}-{d:02}', {mode})"));
                out.push(format!("YEARWEEK('{y}-{m:02}-{d:02}', {mode})"));
            }
        }
    }
    for e in [
        "WEEK('2024-06-15')",
        "WEEK('2024-06-15', NULL)",
        "WEEK('2024-06-15', 9)",
        "TIMESTAMPDIFF(MONTH, '2024-01-31', '2024-02-29')",
        "TIMESTAMPDIFF(MONTH, '2024-02-29', '2024-01-31')",
        "TIMESTAMPDIFF(YEAR, '2000-02-29', '2024-02-28')",
        "TIMESTAMPDIFF(YEAR, '2000-02-29', '2024-02-29')",
        "TIMESTAMPDIFF(MONTH, '2024-01-31 10:00:00', '2024-02-29 11:00:00')",
        "TIMESTAMPDIFF(MONTH, '2024-01-15 10:00:00', '2024-02-15 09:59:59')",
        "TIMESTAMPDIFF(SECOND, '2024-01-01', '2024-01-01 00:00:01.9')",
        "TIMESTAMPDIFF(SECOND, '2024-01-01 00:00:01.9', '2024-01-01')",
        "TIMESTAMPDIFF(DAY, '2024-01-01 12:00:00', '2024-01-02 11:59:59')",
        "TIMESTAMPDIFF(SQL_TSI_DAY, '2024-01-01', '2024-03-01')",
        "TIMESTAMPDIFF(MINUTE, NULL, '2024-01-01')",
        "TIMESTAMPADD(MONTH, 1, '2024-01-31')",
        "TIMESTAMPADD(YEAR, 1, '2024-02-29')",
        "TIMESTAMPADD(SECOND, 86400, '2024-01-01')",
        "TIMESTAMPADD(DAY, NULL, '2024-01-01')",
        "TIMESTAMPADD(YEAR, 10000, '2024-01-01')",
        "MAKEDATE(2024, 60)",
        "MAKEDATE(24, 1)",
        "MAKEDATE(70, 1)",
        "MAKEDATE(69, 365)",
        "MAKEDATE(100, 1)",
        "MAKEDATE(2024, 0)",
        "MAKEDATE(2024, 400)",
        "MAKEDATE(9999, 365)",
        "MAKEDATE(9999, 366)",
        "MAKEDATE(NULL, 1)",
        "MAKEDATE(2024, NULL)",
        "FROM_DAYS(739251)",
        "FROM_DAYS(366)",
        "FROM_DAYS(730000)",
        "FROM_DAYS(3652424)",
        "FROM_DAYS(NULL)",
        "TIME_TO_SEC('10:00:00')",
        "TIME_TO_SEC('-01:00:00')",
        "TIME_TO_SEC('838:59:59')",
        "TIME_TO_SEC('12')",
        "TIME_TO_SEC('1:2')",
        "TIME_TO_SEC('10:00:00.5')",
        "TIME_TO_SEC('2024-01-01 10:00:00')",
        "TIME_TO_SEC('1 10:00:00')",
        "TIME_TO_SEC(NULL)",
        "SEC_TO_TIME(0)",
        "SEC_TO_TIME(3661)",
        "SEC_TO_TIME(-3661)",
        "SEC_TO_TIME(3020399)",
        "SEC_TO_TIME(3020400)",
        "SEC_TO_TIME(259200)",
        "SEC_TO_TIME(NULL)",
        "CONCAT(SEC_TO_TIME(59), '')",
    ] {
        out.push(e.to_owned());
    }
    let times = [
        "'10:00:00'",
        "'09:00:01.5'",
        "'09:00:01.50'",
        "'-01:30:00'",
        "'838:00:00'",
        "'2 03:04:05'",
        "'2024-01-02 00:00:00'",
        "'2024-01-01 23:00:00.125'",
        "'2024-02-29'",
        "'abc'",
        "NULL",
        "1",
        "130",
        "2.5",
        "'00:00:00.000001'",
    ];
    for x in times {
        out.push(format!("TIME({x})"));
        for y in times {
            out.push(format!("TIMEDIFF({x}, {y})"));
            out.push(format!("ADDTIME({x}, {y})"));
            out.push(format!("SUBTIME({x}, {y})"));
        }
    }
    for e in [
        "TIMEDIFF('838:59:59', '-838:59:59')",
        "ADDTIME('9999-12-31 23:00:00', '02:00:00')",
        "ADDTIME('2024-02-28 23:00:00', '25:00:00')",
        "SUBTIME('2024-03-01 00:00:00', '00:00:00.5')",
        "CONCAT(TIMEDIFF('10:00', '09:00'), '')",
        "TIMEDIFF('10:00:00', '09:00:00') = '01:00:00'",
        "TIME('10:11')",
        "TIME('2024-01-01 10:11:12.5')",
    ] {
        out.push(e.to_owned());
    }
    for (text, format) in [
        ("01/02/2024", "%m/%d/%Y"),
        ("1/2/2024", "%m/%d/%Y"),
        ("1/2/24", "%c/%e/%y"),
        ("1/2/70", "%c/%e/%y"),
        ("2024-02-29", "%Y-%m-%d"),
        ("2023-02-29", "%Y-%m-%d"),
        ("2024-13-01", "%Y-%m-%d"),
        ("2024-01", "%Y-%m"),
        ("2024-01-01x", "%Y-%m-%d"),
        ("2024-01-01", "%Y-%m-%d %H"),
        ("March 5 2024", "%M %e %Y"),
        ("mar 5 2024", "%b %e %Y"),
        ("Sept 5 2024", "%b %e %Y"),
        ("5 March 2024 1:07 PM", "%e %M %Y %l:%i %p"),
        ("5 March 2024 12:07 am", "%e %M %Y %h:%i %p"),
        ("2024-02-29 23:59:58", "%Y-%m-%d %H:%i:%s"),
        ("2024-02-29 23:59:58.5", "%Y-%m-%d %T.%f"),
        ("2024-02-29 23:59:58.123456", "%Y-%m-%d %H:%i:%s.%f"),
        ("20240229", "%Y%m%d"),
        ("2024022912", "%Y%m%d%H"),
        ("10:30", "%H:%i"),
        ("10:30:15", "%T"),
        ("1:30 PM", "%h:%i %p"),
        ("12:00", "%h:%i"),
        ("2024-1-5", "%Y-%c-%e"),
        ("  2024-01-05", "%Y-%m-%d"),
        ("2024-01-05", " %Y-%m-%d"),
        ("2024 01 05", "%Y %m %d"),
        ("2024  01   05", "%Y %m %d"),
        ("2024/01/05", "%Y-%m-%d"),
        ("24-1-5 7", "%y-%c-%e %k"),
        ("100%", "%Y%%"),
        ("2024-00-05", "%Y-%m-%d"),
        ("0000-01-05", "%Y-%m-%d"),
        ("99-12-31", "%y-%m-%d"),
        ("9999-12-31 23:59:59", "%Y-%m-%d %T"),
        ("2024-01-05", "%Y-%m-%d %p"),
        ("", "%Y"),
        ("2024", ""),
    ] {
        out.push(format!("STR_TO_DATE('{text}', '{format}')"));
    }
    for e in [
        "STR_TO_DATE(NULL, '%Y')",
        "STR_TO_DATE('2024-01-05', NULL)",
        "STR_TO_DATE('2024-01-05', '%Y-%m-%d') + INTERVAL 1 DAY",
        "DATEDIFF(STR_TO_DATE('01/31/2024', '%m/%d/%Y'), '2024-01-01')",
        "CONCAT(STR_TO_DATE('2024-01-05 10', '%Y-%m-%d %H'), '')",
    ] {
        out.push(e.to_owned());
    }
}
