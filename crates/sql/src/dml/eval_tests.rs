//! The evaluator's unit tests: operators, and NOW() and its kin.

mod operators {
    use super::super::*;
    use sqlparser::dialect::MySqlDialect;
    use sqlparser::parser::Parser;

    fn ev(sql: &str) -> Result<Value, EvalError> {
        let e = Parser::new(&MySqlDialect {})
            .try_with_sql(sql)
            .unwrap()
            .parse_expr()
            .unwrap();
        eval(&e, &NoRow)
    }

    fn text(v: Value) -> String {
        match v {
            Value::Null => "NULL".into(),
            Value::Int(i) => i.to_string(),
            Value::UInt(u) => u.to_string(),
            Value::Decimal(d) => d.to_string(),
            Value::Double(f) => f.to_string(),
            Value::Str(b, _) | Value::Member(b, ..) => String::from_utf8_lossy(&b).into_owned(),
            Value::Temporal(t) => t.to_string(),
            Value::Json(doc) => crate::dml::json::render(&doc),
            Value::Time(t) => t.to_string(),
        }
    }

    #[test]
    fn operators_as_mysql_evaluates_them() {
        let cases = [
            ("1 + 2 * 3", "7"),
            ("7 / 2", "3.5000"),
            ("7 DIV 2", "3"),
            ("-7 % 3", "-1"),
            ("1.50 * 2", "3.00"),
            ("1 / 0", "NULL"),
            ("NULL = NULL", "NULL"),
            ("NULL <=> NULL", "1"),
            ("1 <=> NULL", "0"),
            ("NULL AND 0", "0"),
            ("NULL OR 1", "1"),
            ("NULL AND 1", "NULL"),
            ("1 XOR 1", "0"),
            ("NOT 0", "1"),
            ("2 IN (1, 2, NULL)", "1"),
            ("3 IN (1, 2, NULL)", "NULL"),
            ("3 NOT IN (1, 2)", "1"),
            ("5 BETWEEN 1 AND 5", "1"),
            ("5 NOT BETWEEN 6 AND 9", "1"),
            ("'10' > 9", "1"),
            ("'abc' = 'abd'", "0"),
            ("IFNULL(NULL, 3)", "3"),
            ("COALESCE(NULL, NULL, 'x')", "x"),
            ("IF(1 > 2, 'a', 'b')", "b"),
            ("X'4142'", "AB"),
            ("TRUE + 1", "2"),
            ("18446744073709551615", "18446744073709551615"),
            ("1e2", "100"),
            ("(1 IS NULL) + (NULL IS NULL)", "1"),
            ("CONCAT('a', 1, 2.50)", "a12.50"),
            ("CONCAT('a', NULL)", "NULL"),
            ("REPEAT('ab', 3)", "ababab"),
            ("REPEAT('ab', -1)", ""),
            ("LENGTH('café')", "5"),
            ("ABS(-2.5)", "2.5"),
            ("ABS(-3)", "3"),
        ];
        for (sql, want) in cases {
            assert_eq!(text(ev(sql).unwrap()), want, "{sql}");
        }
    }

    #[test]
    fn what_is_not_known_is_an_error() {
        assert!(matches!(ev("'a' = 'A'"), Err(EvalError::Unsupported(_))));
        assert!(matches!(ev("NOW()"), Err(EvalError::Unsupported(_))));
        assert!(matches!(
            ev("9223372036854775807 + 1"),
            Err(EvalError::Sql { errno: 1690, .. })
        ));
        assert!(matches!(
            ev("x + 1"),
            Err(EvalError::Sql { errno: 1054, .. })
        ));
    }
}

mod clock {
    use super::super::*;
    use sqlparser::dialect::MySqlDialect;
    use sqlparser::parser::Parser;

    /// 2024-02-29 23:59:58.123456 UTC, in a session at +02:00.
    struct At;

    impl Row for At {
        fn column(&self, _: Option<&str>, name: &str) -> Result<Value, EvalError> {
            NoRow.column(None, name)
        }

        fn context(&self) -> &dyn Context {
            self
        }
    }

    impl Context for At {
        fn clock(&self) -> Result<Clock, EvalError> {
            let t = |day, hour| Temporal {
                year: 2024,
                month: if day == 1 { 3 } else { 2 },
                day,
                hour,
                minute: 59,
                second: 58,
                micros: 123_456,
                date: false,
                fsp: 6,
            };
            Ok(Clock {
                local: t(1, 1),
                utc: t(29, 23),
                unix: 1_709_251_198,
            })
        }
    }

    fn ev(sql: &str, row: &dyn Row) -> Result<String, EvalError> {
        let e = Parser::new(&MySqlDialect {})
            .try_with_sql(sql)
            .unwrap()
            .parse_expr()
            .unwrap();
        eval(&e, row).map(|v| match v {
            Value::Temporal(t) => t.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Time(t) => t.to_string(),
            other => format!("{other:?}"),
        })
    }

    #[test]
    fn now_and_its_kin_read_the_statement_clock() {
        for (sql, want) in [
            ("NOW()", "2024-03-01 01:59:58"),
            ("CURRENT_TIMESTAMP", "2024-03-01 01:59:58"),
            ("CURRENT_TIMESTAMP(3)", "2024-03-01 01:59:58.123"),
            ("LOCALTIMESTAMP(6)", "2024-03-01 01:59:58.123456"),
            ("UTC_TIMESTAMP(2)", "2024-02-29 23:59:58.12"),
            ("CURDATE()", "2024-03-01"),
            ("CURRENT_DATE", "2024-03-01"),
            ("UTC_DATE()", "2024-02-29"),
            ("UNIX_TIMESTAMP()", "1709251198"),
            ("CURTIME()", "01:59:58"),
            ("CURRENT_TIME", "01:59:58"),
            ("CURRENT_TIME(4)", "01:59:58.1234"),
            ("UTC_TIME(1)", "23:59:58.1"),
        ] {
            assert_eq!(ev(sql, &At).unwrap(), want, "{sql}");
        }
        for sql in ["NOW(7)", "CURTIME(7)", "UTC_TIME(-1)"] {
            assert!(
                matches!(ev(sql, &At), Err(EvalError::Sql { errno: 1426, .. })),
                "{sql}"
            );
        }
        assert!(matches!(
            ev("NOW(1, 2)", &At),
            Err(EvalError::Sql { errno: 1582, .. })
        ));
        // Without the event's time there is no NOW().
        assert!(matches!(
            ev("NOW()", &NoRow),
            Err(EvalError::Unsupported(_))
        ));
    }
}
