//! The common statement of statement-based binlogs read without the SQL
//! parser: `INSERT|REPLACE [IGNORE] [INTO] t [(cols)] VALUES (…), …`
//! whose values are all plain literals (numbers, single-quoted strings,
//! NULL, DEFAULT). It gives exactly what the parser gives (a test holds
//! the two readers to that on random statements and the corpus); any
//! other form is left to the parser.

use sqlparser::ast::{Expr, UnaryOperator, Value as Literal};
use sqlparser::tokenizer::Span;

use super::{InsertMode, InsertStmt};
use crate::ddl::TableName;

struct Lexer<'a> {
    s: &'a [u8],
    at: usize,
}

impl<'a> Lexer<'a> {
    fn skip_space(&mut self) {
        while self
            .s
            .get(self.at)
            .is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.at += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_space();
        self.s.get(self.at).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    /// An unquoted word (letters, digits, `_`, `$`).
    fn word(&mut self) -> Option<&'a str> {
        self.skip_space();
        let start = self.at;
        while self
            .s
            .get(self.at)
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$'))
        {
            self.at += 1;
        }
        let w = std::str::from_utf8(&self.s[start..self.at]).ok()?;
        (!w.is_empty()).then_some(w)
    }

    /// A keyword, case-insensitively; the position is kept when absent.
    fn keyword(&mut self, k: &str) -> bool {
        let save = self.at;
        match self.word() {
            Some(w) if w.eq_ignore_ascii_case(k) => true,
            _ => {
                self.at = save;
                false
            }
        }
    }

    /// An identifier: a word that is not all digits, or `back quoted`.
    fn ident(&mut self) -> Option<String> {
        if self.eat(b'`') {
            let mut out = Vec::new();
            loop {
                let c = *self.s.get(self.at)?;
                self.at += 1;
                if c == b'`' {
                    if self.s.get(self.at) == Some(&b'`') {
                        self.at += 1;
                    } else {
                        break;
                    }
                }
                out.push(c);
            }
            let name = String::from_utf8(out).ok()?;
            return (!name.is_empty()).then_some(name);
        }
        let w = self.word()?;
        if w.bytes().all(|c| c.is_ascii_digit()) || is_reserved(w) {
            return None;
        }
        Some(w.to_owned())
    }

    /// A single-quoted string, unescaped as MySQL reads it (`\%` and
    /// `\_` keep their backslash, for LIKE).
    fn string(&mut self) -> Option<String> {
        if !self.eat(b'\'') {
            return None;
        }
        let mut out = Vec::new();
        loop {
            let c = *self.s.get(self.at)?;
            self.at += 1;
            match c {
                b'\'' if self.s.get(self.at) == Some(&b'\'') => {
                    self.at += 1;
                    out.push(b'\'');
                }
                b'\'' => break,
                b'\\' => {
                    let n = *self.s.get(self.at)?;
                    self.at += 1;
                    match n {
                        b'0' => out.push(0),
                        b'b' => out.push(8),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'Z' => out.push(0x1a),
                        b'%' | b'_' => out.extend_from_slice(&[b'\\', n]),
                        // The parser reads these two otherwise than MySQL
                        // (BEL and FF); the statement goes to it, which
                        // refuses them.
                        b'a' | b'f' => return None,
                        n if n.is_ascii() => out.push(n),
                        _ => return None,
                    }
                }
                c => out.push(c),
            }
        }
        String::from_utf8(out).ok()
    }

    /// `digits[.digits]`.
    fn number(&mut self) -> Option<&'a str> {
        self.skip_space();
        let start = self.at;
        let digits = |l: &mut Self| {
            let from = l.at;
            while l.s.get(l.at).is_some_and(u8::is_ascii_digit) {
                l.at += 1;
            }
            l.at > from
        };
        if !digits(self) {
            return None;
        }
        if self.s.get(self.at) == Some(&b'.') {
            self.at += 1;
            if !digits(self) {
                return None;
            }
        }
        // `1e5`, `1x` and the like are the parser's.
        if self
            .s
            .get(self.at)
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$' | b'.'))
        {
            return None;
        }
        std::str::from_utf8(&self.s[start..self.at]).ok()
    }

    /// One value of a VALUES row: `None` inside for DEFAULT.
    fn value(&mut self) -> Option<Option<Expr>> {
        let lit = |v: Literal| Expr::Value(v.with_span(Span::empty()));
        match self.peek()? {
            b'\'' => Some(Some(lit(Literal::SingleQuotedString(self.string()?)))),
            b'-' => {
                self.at += 1;
                let n = self.number()?;
                Some(Some(Expr::UnaryOp {
                    op: UnaryOperator::Minus,
                    expr: Box::new(lit(Literal::Number(n.to_owned(), false))),
                }))
            }
            c if c.is_ascii_digit() => {
                let n = self.number()?;
                Some(Some(lit(Literal::Number(n.to_owned(), false))))
            }
            _ => {
                if self.keyword("NULL") {
                    Some(Some(lit(Literal::Null)))
                } else if self.keyword("DEFAULT") {
                    Some(None)
                } else {
                    None
                }
            }
        }
    }
}

/// Words that cannot name a table or column unquoted here (they would
/// start another clause).
fn is_reserved(w: &str) -> bool {
    [
        "VALUES",
        "VALUE",
        "SET",
        "SELECT",
        "INTO",
        "IGNORE",
        "PARTITION",
        "WITH",
        "TABLE",
    ]
    .iter()
    .any(|k| w.eq_ignore_ascii_case(k))
}

/// The statement, if it is a literal-only INSERT or REPLACE … VALUES.
pub(super) fn insert(sql: &str, default_db: &str) -> Option<InsertStmt> {
    let mut l = Lexer {
        s: sql.as_bytes(),
        at: 0,
    };
    let replace = if l.keyword("REPLACE") {
        true
    } else if l.keyword("INSERT") {
        false
    } else {
        return None;
    };
    let ignore = !replace && l.keyword("IGNORE");
    l.keyword("INTO");
    let first = l.ident()?;
    let table = if l.eat(b'.') {
        TableName {
            db: first,
            name: l.ident()?,
        }
    } else {
        TableName {
            db: default_db.to_owned(),
            name: first,
        }
    };
    let columns = if l.eat(b'(') {
        let mut cols = vec![l.ident()?];
        while l.eat(b',') {
            cols.push(l.ident()?);
        }
        if !l.eat(b')') {
            return None;
        }
        Some(cols)
    } else {
        None
    };
    if !l.keyword("VALUES") {
        return None;
    }
    let mut rows = Vec::new();
    loop {
        if !l.eat(b'(') {
            return None;
        }
        let mut row = Vec::new();
        if l.peek() != Some(b')') {
            row.push(l.value()?);
            while l.eat(b',') {
                row.push(l.value()?);
            }
        }
        if !l.eat(b')') {
            return None;
        }
        rows.push(row);
        if !l.eat(b',') {
            break;
        }
    }
    l.eat(b';');
    if l.peek().is_some() {
        return None;
    }
    Some(InsertStmt {
        row_alias: None,
        table,
        columns,
        rows,
        mode: if replace {
            InsertMode::Replace
        } else if ignore {
            InsertMode::Ignore
        } else {
            InsertMode::Insert
        },
        on_duplicate: Vec::new(),
        select: None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::{Dml, parse_dml_slowly};
    use super::*;

    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }

        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len() as u64) as usize]
        }
    }

    fn slow(sql: &str) -> Option<InsertStmt> {
        match parse_dml_slowly(sql, "db") {
            Ok(Dml::Insert(i)) => Some(i),
            _ => None,
        }
    }

    fn statement(r: &mut Rng) -> String {
        let space = |r: &mut Rng| r.pick(&[" ", "  ", "\n", "\t", " \r\n "]).to_owned();
        let ident = |r: &mut Rng| {
            r.pick(&[
                "t",
                "`t`",
                "T_1",
                "`odd ``name`",
                "$x",
                "c2",
                "`values`",
                "`日本`",
            ])
            .to_owned()
        };
        let value = |r: &mut Rng| -> String {
            match r.below(7) {
                0 => r.below(100_000).to_string(),
                1 => format!("-{}", r.below(1000)),
                2 => format!("{}.{:03}", r.below(1000), r.below(1000)),
                3 => r.pick(&["NULL", "null", "DEFAULT", "default"]).to_owned(),
                4 => format!("- {}", r.below(9)),
                _ => {
                    let parts: Vec<&str> = (0..r.below(6))
                        .map(|_| {
                            r.pick(&[
                                "a", "é", "\\'", "''", "\\\\", "\\n", "\\t", "\\0", "\\Z", "\\%",
                                "\\_", "\\x", "\\\"", "\"", " ", "日本", "\\b", "\\r", "%",
                            ])
                        })
                        .collect();
                    format!("'{}'", parts.concat())
                }
            }
        };
        let verb = r.pick(&["INSERT", "insert", "INSERT IGNORE", "REPLACE", "Replace"]);
        let into = r.pick(&["INTO ", "", "into "]);
        let table = if r.below(2) == 0 {
            ident(r)
        } else {
            format!("{}.{}", ident(r), ident(r))
        };
        let ncols = r.below(4) as usize;
        let cols = if ncols == 0 {
            String::new()
        } else {
            let names: Vec<String> = (0..ncols).map(|_| ident(r)).collect();
            format!("({})", names.join(&format!(",{}", space(r))))
        };
        let width = ncols.max(1);
        let rows: Vec<String> = (0..1 + r.below(3))
            .map(|_| {
                let vals: Vec<String> = (0..width).map(|_| value(r)).collect();
                format!("({})", vals.join(", "))
            })
            .collect();
        let s1 = space(r);
        let end = r.pick(&["", ";", " ;", "\n"]);
        format!(
            "{verb} {into}{table}{s1}{cols} VALUES{}{}{end}",
            space(r),
            rows.join(",")
        )
    }

    /// The fast reader reads what the SQL parser reads, or leaves the
    /// statement to it.
    #[test]
    fn reads_literal_inserts_as_the_parser_does() {
        let mut r = Rng(0x9e37_79b9_7f4a_7c15);
        let mut fast_read = 0;
        for _ in 0..5000 {
            let sql = statement(&mut r);
            if let Some(f) = insert(&sql, "db") {
                fast_read += 1;
                assert_eq!(Some(f), slow(&sql), "{sql}");
            }
        }
        assert!(fast_read > 4000, "only {fast_read} read without the parser");
        for sql in [
            "INSERT INTO t VALUES (1), (2)",
            "INSERT INTO t (a, b) VALUES ('x', -3.25) ;",
            "REPLACE t VALUES (DEFAULT, NULL, 'it''s')",
            "INSERT IGNORE INTO d.t(a)VALUES('\\%\\_')",
        ] {
            let f = insert(sql, "db");
            assert!(f.is_some(), "{sql}");
            assert_eq!(f, slow(sql), "{sql}");
        }
        for sql in [
            "INSERT INTO t VALUES (1e3)",
            "INSERT INTO t VALUES (0x41)",
            "INSERT INTO t VALUES (_utf8mb4'a')",
            "INSERT INTO t VALUES ('a' 'b')",
            "INSERT INTO t VALUES (\"dq\")",
            "INSERT INTO t VALUES (1) ON DUPLICATE KEY UPDATE a = 1",
            "INSERT INTO t SET a = 1",
            "INSERT INTO t SELECT 1",
            "INSERT /* c */ INTO t VALUES (1)",
            "INSERT INTO t VALUES (1) -- c",
            "INSERT INTO t VALUES (NOW())",
            "INSERT LOW_PRIORITY INTO t VALUES (1)",
            "INSERT INTO t VALUES ('\\a')",
        ] {
            assert_eq!(insert(sql, "db"), None, "{sql}");
        }
        // MySQL reads '\a' as 'a'; the parser would not: refused.
        assert!(parse_dml_slowly("INSERT INTO t VALUES ('x\\fy')", "db").is_err());
        assert!(parse_dml_slowly("INSERT INTO t VALUES ('x\\\\fy')", "db").is_ok());
    }
}
