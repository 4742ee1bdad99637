//! `LOAD DATA … INFILE` as statement-based binlogs carry it: the
//! statement (read here) and the file's bytes (in the load events), split
//! into rows of fields by its FIELDS and LINES options as MySQL splits
//! them.

use sqlparser::ast::Expr;
use sqlparser::dialect::MySqlDialect;
use sqlparser::tokenizer::{Location, Token, Tokenizer, Word};

use super::{Dml, parse_dml};
use crate::ddl::TableName;
use crate::error::SqlError;
use crate::lexical::clip;

/// Where a field of the file goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadTarget {
    Column(String),
    /// `@name` (lowercase): a user variable the SET clause reads.
    Variable(String),
}

/// What a LOAD DATA statement says about its file and table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadData {
    pub table: TableName,
    /// Where the fields go (`None`: every column, in order).
    pub columns: Option<Vec<LoadTarget>>,
    /// `SET column = expr, …`, evaluated for each row after its fields.
    pub set: Vec<(String, Expr)>,
    /// CHARACTER SET of the file, when given.
    pub charset: Option<String>,
    pub fields_terminated: Vec<u8>,
    pub enclosed: Option<u8>,
    pub escaped: Option<u8>,
    pub lines_starting: Vec<u8>,
    pub lines_terminated: Vec<u8>,
    pub ignore_lines: u64,
}

/// Reads a LOAD DATA statement (`default_db`: the event's database).
pub fn parse_load(sql: &str, default_db: &str) -> Result<LoadData, SqlError> {
    let unsupported = |what: &str| SqlError::Unsupported(format!("{what}: {}", clip(sql)));
    let (tokens, starts): (Vec<Token>, Vec<Location>) = Tokenizer::new(&MySqlDialect {}, sql)
        .tokenize_with_location()
        .map_err(|e| SqlError::Parse(format!("{e}: {}", clip(sql))))?
        .into_iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .map(|t| (t.token, t.span.start))
        .collect();
    let mut at = 0;
    let word = |t: Option<&Token>| match t {
        Some(Token::Word(Word {
            value, quote_style, ..
        })) => Some((value.clone(), quote_style.is_some())),
        _ => None,
    };
    let is = |t: Option<&Token>, k: &str| matches!(word(t), Some((w, false)) if w.eq_ignore_ascii_case(k));
    let string = |t: Option<&Token>| match t {
        Some(Token::SingleQuotedString(s)) => Some(s.clone().into_bytes()),
        _ => None,
    };
    let single = |b: Vec<u8>, what: &str| -> Result<Option<u8>, SqlError> {
        match b.as_slice() {
            [] => Ok(None),
            [c] => Ok(Some(*c)),
            _ => Err(unsupported(&format!(
                "LOAD DATA with a {what} of several bytes"
            ))),
        }
    };
    let expect = |k: &str, at: &mut usize| -> Result<(), SqlError> {
        if is(tokens.get(*at), k) {
            *at += 1;
            Ok(())
        } else {
            Err(unsupported(&format!(
                "LOAD DATA without {k} where expected"
            )))
        }
    };
    expect("LOAD", &mut at)?;
    expect("DATA", &mut at)?;
    while ["LOW_PRIORITY", "CONCURRENT", "LOCAL"]
        .iter()
        .any(|k| is(tokens.get(at), k))
    {
        at += 1;
    }
    expect("INFILE", &mut at)?;
    string(tokens.get(at)).ok_or_else(|| unsupported("LOAD DATA without a file name"))?;
    at += 1;
    if is(tokens.get(at), "REPLACE") || is(tokens.get(at), "IGNORE") {
        // The event's own duplicate handling says the same.
        at += 1;
    }
    expect("INTO", &mut at)?;
    expect("TABLE", &mut at)?;
    let (first, _) = word(tokens.get(at)).ok_or_else(|| unsupported("LOAD DATA's table"))?;
    at += 1;
    let table = if tokens.get(at) == Some(&Token::Period) {
        let (name, _) = word(tokens.get(at + 1)).ok_or_else(|| unsupported("LOAD DATA's table"))?;
        at += 2;
        TableName { db: first, name }
    } else {
        TableName {
            db: default_db.to_owned(),
            name: first,
        }
    };
    let mut load = LoadData {
        table,
        columns: None,
        set: Vec::new(),
        charset: None,
        fields_terminated: b"\t".to_vec(),
        enclosed: None,
        escaped: Some(b'\\'),
        lines_starting: Vec::new(),
        lines_terminated: b"\n".to_vec(),
        ignore_lines: 0,
    };
    let by_string = |at: &mut usize| -> Result<Vec<u8>, SqlError> {
        if !is(tokens.get(*at), "BY") {
            return Err(unsupported("LOAD DATA option without BY"));
        }
        let s = string(tokens.get(*at + 1)).ok_or_else(|| unsupported("LOAD DATA option"))?;
        *at += 2;
        Ok(s)
    };
    while at < tokens.len() {
        let t = tokens.get(at);
        if is(t, "CHARACTER") && is(tokens.get(at + 1), "SET") || is(t, "CHARSET") {
            at += if is(t, "CHARSET") { 1 } else { 2 };
            let (cs, _) =
                word(tokens.get(at)).ok_or_else(|| unsupported("LOAD DATA's CHARACTER SET"))?;
            load.charset = Some(cs.to_ascii_lowercase());
            at += 1;
        } else if is(t, "FIELDS") || is(t, "COLUMNS") {
            at += 1;
            loop {
                if is(tokens.get(at), "TERMINATED") {
                    at += 1;
                    load.fields_terminated = by_string(&mut at)?;
                } else if is(tokens.get(at), "OPTIONALLY") || is(tokens.get(at), "ENCLOSED") {
                    at += if is(tokens.get(at), "OPTIONALLY") {
                        2
                    } else {
                        1
                    };
                    load.enclosed = single(by_string(&mut at)?, "ENCLOSED BY")?;
                } else if is(tokens.get(at), "ESCAPED") {
                    at += 1;
                    load.escaped = single(by_string(&mut at)?, "ESCAPED BY")?;
                } else {
                    break;
                }
            }
        } else if is(t, "LINES") {
            at += 1;
            loop {
                if is(tokens.get(at), "STARTING") {
                    at += 1;
                    load.lines_starting = by_string(&mut at)?;
                } else if is(tokens.get(at), "TERMINATED") {
                    at += 1;
                    load.lines_terminated = by_string(&mut at)?;
                } else {
                    break;
                }
            }
        } else if is(t, "IGNORE") {
            let n = match tokens.get(at + 1) {
                Some(Token::Number(n, _)) => n.parse().ok(),
                _ => None,
            };
            load.ignore_lines = n.ok_or_else(|| unsupported("LOAD DATA … IGNORE"))?;
            if !(is(tokens.get(at + 2), "LINES") || is(tokens.get(at + 2), "ROWS")) {
                return Err(unsupported("LOAD DATA … IGNORE"));
            }
            at += 3;
        } else if t == Some(&Token::LParen) {
            at += 1;
            let mut cols = Vec::new();
            loop {
                let target = match (tokens.get(at), word(tokens.get(at + 1))) {
                    (Some(Token::AtSign), Some((v, true))) => {
                        at += 1;
                        LoadTarget::Variable(v.to_lowercase())
                    }
                    (Some(Token::AtSign), _) => match tokens.get(at + 1) {
                        Some(Token::SingleQuotedString(v) | Token::DoubleQuotedString(v)) => {
                            at += 1;
                            LoadTarget::Variable(v.to_lowercase())
                        }
                        _ => return Err(unsupported("LOAD DATA's column list")),
                    },
                    _ => match word(tokens.get(at)) {
                        Some((c, false)) if c.starts_with('@') => {
                            LoadTarget::Variable(c[1..].to_lowercase())
                        }
                        Some((c, _)) => LoadTarget::Column(c),
                        None => return Err(unsupported("LOAD DATA's column list")),
                    },
                };
                cols.push(target);
                at += 1;
                match tokens.get(at) {
                    Some(Token::Comma) => at += 1,
                    Some(Token::RParen) => {
                        at += 1;
                        break;
                    }
                    _ => return Err(unsupported("LOAD DATA's column list")),
                }
            }
            load.columns = Some(cols);
        } else if t == Some(&Token::SemiColon) {
            at += 1;
        } else if is(t, "SET") {
            // The rest is the assignments, read as an UPDATE's.
            let from = starts
                .get(at + 1)
                .and_then(|l| offset(sql, *l))
                .ok_or_else(|| unsupported("LOAD DATA's SET"))?;
            let rest = sql[from..].trim_end().trim_end_matches(';');
            match parse_dml(&format!("UPDATE t SET {rest}"), default_db)? {
                Dml::Update(u) if u.selection.is_none() && u.order_by.is_empty() => {
                    load.set = u.assignments;
                }
                _ => return Err(unsupported("LOAD DATA's SET")),
            }
            break;
        } else {
            return Err(unsupported("this LOAD DATA clause (PARTITION…)"));
        }
    }
    if load.fields_terminated.is_empty() || load.lines_terminated.is_empty() {
        return Err(unsupported("LOAD DATA with fixed-width rows"));
    }
    Ok(load)
}

/// The byte offset of a tokenizer location (1-based line and column,
/// in characters).
fn offset(sql: &str, at: Location) -> Option<usize> {
    let (mut line, mut column) = (1, 1);
    for (i, c) in sql.char_indices() {
        if (line, column) == (at.line, at.column) {
            return Some(i);
        }
        if c == '\n' {
            (line, column) = (line + 1, 1);
        } else {
            column += 1;
        }
    }
    None
}

/// The file's rows: each field's bytes, `None` for NULL (`\N`, or the
/// word NULL unenclosed when fields are enclosed).
pub fn load_rows(spec: &LoadData, data: &[u8]) -> Vec<Vec<Option<Vec<u8>>>> {
    let (ft, lt) = (&spec.fields_terminated[..], &spec.lines_terminated[..]);
    let at = |pos: usize, s: &[u8]| data[pos..].starts_with(s);
    let mut rows = Vec::new();
    let mut pos = 0;
    let mut skipped = 0;
    while pos < data.len() {
        if !spec.lines_starting.is_empty() {
            // The text before the prefix goes; a line without it, whole.
            let line_end = find(data, pos, lt).unwrap_or(data.len());
            match find(&data[..line_end], pos, &spec.lines_starting) {
                Some(p) => pos = p + spec.lines_starting.len(),
                None => {
                    pos = line_end + lt.len();
                    continue;
                }
            }
        }
        let mut fields = Vec::new();
        loop {
            let mut field = Vec::new();
            let mut null = false;
            if spec.enclosed.is_some_and(|q| data.get(pos) == Some(&q)) {
                let q = data[pos];
                pos += 1;
                while pos < data.len() {
                    let c = data[pos];
                    if c == q {
                        if data.get(pos + 1) == Some(&q) {
                            field.push(q);
                            pos += 2;
                            continue;
                        }
                        if pos + 1 == data.len() || at(pos + 1, ft) || at(pos + 1, lt) {
                            pos += 1;
                            break;
                        }
                        field.push(c);
                        pos += 1;
                    } else if Some(c) == spec.escaped && pos + 1 < data.len() {
                        field.push(unescape(data[pos + 1]));
                        pos += 2;
                    } else {
                        field.push(c);
                        pos += 1;
                    }
                }
            } else {
                let start = pos;
                while pos < data.len() && !at(pos, ft) && !at(pos, lt) {
                    let c = data[pos];
                    if Some(c) == spec.escaped && pos + 1 < data.len() {
                        field.push(unescape(data[pos + 1]));
                        pos += 2;
                    } else {
                        field.push(c);
                        pos += 1;
                    }
                }
                let raw = &data[start..pos];
                null = spec.escaped.is_some_and(|e| raw == [e, b'N'])
                    || spec.enclosed.is_some() && raw == b"NULL";
            }
            fields.push((!null).then_some(field));
            if pos < data.len() && at(pos, ft) {
                pos += ft.len();
                continue;
            }
            if pos < data.len() && at(pos, lt) {
                pos += lt.len();
            }
            break;
        }
        if skipped < spec.ignore_lines {
            skipped += 1;
            continue;
        }
        rows.push(fields);
    }
    rows
}

fn find(data: &[u8], from: usize, s: &[u8]) -> Option<usize> {
    (from..=data.len().saturating_sub(s.len())).find(|&i| data[i..].starts_with(s))
}

/// The byte an escape sequence stands for.
fn unescape(c: u8) -> u8 {
    match c {
        b'0' => 0,
        b'b' => 8,
        b'n' => b'\n',
        b'r' => b'\r',
        b't' => b'\t',
        b'Z' => 0x1a,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_statement_and_splits_the_file() {
        let l = parse_load(
            "LOAD DATA LOCAL INFILE '/tmp/SQL_LOAD_MB-1-0' IGNORE INTO TABLE `d`.`t` \
             CHARACTER SET utf8mb4 FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"' \
             ESCAPED BY '\\\\' LINES STARTING BY '>' TERMINATED BY '\\n' IGNORE 1 LINES (`a`, b)",
            "x",
        )
        .unwrap();
        assert_eq!(l.table.to_string(), "d.t");
        let col = |c: &str| LoadTarget::Column(c.to_owned());
        assert_eq!(l.columns, Some(vec![col("a"), col("b")]));
        assert_eq!((l.enclosed, l.escaped), (Some(b'"'), Some(b'\\')));
        assert_eq!(l.charset.as_deref(), Some("utf8mb4"));
        let data = b">head,er\nskip me\n>1,\"a,\"\"b\"\"\"\n>\\N,NULL\n>2,x\\ty\n>3,\"NULL\"";
        let rows = load_rows(&l, data);
        let s = |v: &str| Some(v.as_bytes().to_vec());
        assert_eq!(
            rows,
            vec![
                vec![s("1"), s("a,\"b\"")],
                vec![None, None],
                vec![s("2"), s("x\ty")],
                vec![s("3"), s("NULL")],
            ]
        );
        let plain = parse_load("LOAD DATA INFILE 'f' INTO TABLE t", "x").unwrap();
        assert_eq!(
            load_rows(&plain, b"1\ta\n2\t\\N\n\n"),
            vec![vec![s("1"), s("a")], vec![s("2"), None], vec![s("")]]
        );
        // As MySQL 9.7 logs it.
        let set = parse_load(
            "LOAD DATA LOCAL INFILE '/tmp/SQL_LOAD_MB-1-0' INTO TABLE `ldt`.`t` FIELDS \
             TERMINATED BY ',' ENCLOSED BY '' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' \
             (`name`, @`Num`, @w, @'x y') SET `n`= @num * 10,\n `up`= CONCAT(UPPER(@w), name)",
            "x",
        )
        .unwrap();
        let var = |v: &str| LoadTarget::Variable(v.to_owned());
        assert_eq!(
            set.columns,
            Some(vec![col("name"), var("num"), var("w"), var("x y")])
        );
        let assigned: Vec<String> = set.set.iter().map(|(c, e)| format!("{c} = {e}")).collect();
        assert_eq!(assigned, ["n = @num * 10", "up = CONCAT(UPPER(@w), name)"]);
        for sql in [
            "LOAD DATA INFILE 'f' INTO TABLE t (a, @v) SET b = @v WHERE 1",
            "LOAD DATA INFILE 'f' INTO TABLE t PARTITION (p0)",
            "LOAD DATA INFILE 'f' INTO TABLE t FIELDS TERMINATED BY ''",
        ] {
            assert!(parse_load(sql, "x").is_err(), "{sql}");
        }
    }
}
