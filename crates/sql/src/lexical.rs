//! The lexical side of DDL: comments, leading words, and the rewrites
//! that let the SQL parser take what MySQL writes (quotes respected
//! everywhere).

/// With `b[i]` an opening quote (', " or `), the index just past its
/// closing quote (or the end): backslash escapes count inside ' and ",
/// a doubled quote closes and reopens.
fn skip_quoted(b: &[u8], i: usize) -> usize {
    let q = b[i];
    let mut j = i + 1;
    while j < b.len() && b[j] != q {
        if b[j] == b'\\' && q != b'`' {
            j += 1;
        }
        j += 1;
    }
    (j + 1).min(b.len())
}

fn is_quote(c: u8) -> bool {
    matches!(c, b'\'' | b'"' | b'`')
}

pub(crate) fn clip(sql: &str) -> String {
    let s = sql.trim();
    match s.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// Removes `-- …`, `# …` and `/* … */` comments outside quotes; a
/// `/*!NNNNN … */` versioned comment keeps its content (the server runs
/// it).
pub fn strip_comments(sql: &str) -> String {
    let b = sql.as_bytes();
    let mut out = String::with_capacity(sql.len());
    let mut i = 0;
    let mut start = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            c if is_quote(c) => i = skip_quoted(b, i),
            b'/' if b.get(i + 1) == Some(&b'*') => {
                out.push_str(&sql[start..i]);
                let end = sql[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e);
                if b.get(i + 2) == Some(&b'!') {
                    let inner = &sql[i + 3..end];
                    let inner = inner.trim_start_matches(|c: char| c.is_ascii_digit());
                    out.push(' ');
                    out.push_str(&strip_comments(inner));
                    out.push(' ');
                } else {
                    out.push(' ');
                }
                i = (end + 2).min(b.len());
                start = i;
            }
            b'#' => {
                out.push_str(&sql[start..i]);
                i = sql[i..].find('\n').map_or(b.len(), |e| i + e);
                start = i;
            }
            b'-' if b.get(i + 1) == Some(&b'-')
                && b.get(i + 2).is_none_or(|c| c.is_ascii_whitespace()) =>
            {
                out.push_str(&sql[start..i]);
                i = sql[i..].find('\n').map_or(b.len(), |e| i + e);
                start = i;
            }
            _ => i += 1,
        }
    }
    out.push_str(&sql[start..]);
    out
}

pub(crate) fn leading_words(sql: &str, n: usize) -> Vec<String> {
    sql.split(|c: char| c.is_ascii_whitespace() || c == '(' || c == ';')
        .filter(|w| !w.is_empty())
        .take(n)
        .map(|w| w.to_ascii_uppercase())
        .collect()
}

pub(crate) fn starts_with_words(words: &[String], prefix: &str) -> bool {
    let p: Vec<&str> = prefix.split(' ').collect();
    p.len() <= words.len() && p.iter().zip(words).all(|(a, b)| a == b)
}

/// Rewrites what the parser does not take: ZEROFILL and NATIONAL, a
/// trailing `PARTITION BY …` (partitioning does not change rows), table
/// options in ALTER TABLE (ENGINE=…, ROW_FORMAT=…, FORCE…), and `START
/// TRANSACTION` after CREATE TABLE … SELECT.
pub(crate) fn normalize(sql: &str) -> String {
    let b = sql.as_bytes();
    let mut i = 0;
    let mut depth = 0i32;
    // The previous word outside quotes: (start, upper case).
    let mut prev: Option<(usize, String)> = None;
    let mut cut_at: Option<usize> = None;
    let mut remove: Vec<(usize, usize)> = Vec::new();
    while i < b.len() && cut_at.is_none() {
        let c = b[i];
        if is_quote(c) {
            i = skip_quoted(b, i);
            continue;
        }
        if c == b'(' {
            depth += 1;
        } else if c == b')' {
            depth -= 1;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            let s = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            let w = sql[s..i].to_ascii_uppercase();
            if w == "ZEROFILL" || w == "NATIONAL" {
                remove.push((s, i));
            }
            match &prev {
                Some((p, pw)) if depth == 0 && w == "BY" && pw == "PARTITION" => cut_at = Some(*p),
                _ => prev = Some((s, w)),
            }
            continue;
        }
        i += 1;
    }
    let end = cut_at.unwrap_or(sql.len());
    let mut out = String::with_capacity(sql.len());
    let mut last = 0;
    for (s, e) in remove.into_iter().filter(|(s, _)| *s < end) {
        out.push_str(&sql[last..s]);
        last = e;
    }
    out.push_str(&sql[last..end]);
    let upper = out.to_ascii_uppercase();
    if upper.trim_start().starts_with("ALTER") {
        out = drop_alter_table_options(&out);
    }
    let trimmed = out.trim_end();
    if trimmed.to_ascii_uppercase().ends_with("START TRANSACTION") {
        out = trimmed[..trimmed.len() - "START TRANSACTION".len()].to_owned();
    }
    out
}

/// Table options that may stand as ALTER TABLE clauses; a replica keeps
/// none of them.
const TABLE_OPTIONS: &[&str] = &[
    "ENGINE",
    "ROW_FORMAT",
    "KEY_BLOCK_SIZE",
    "COMMENT",
    "STATS_PERSISTENT",
    "STATS_AUTO_RECALC",
    "STATS_SAMPLE_PAGES",
    "PACK_KEYS",
    "CHECKSUM",
    "COMPRESSION",
    "ENCRYPTION",
    "MAX_ROWS",
    "MIN_ROWS",
    "AVG_ROW_LENGTH",
    "DELAY_KEY_WRITE",
    "FORCE",
    "DEFAULT CHARSET",
    "DEFAULT CHARACTER SET",
    "CHARSET",
    "CHARACTER SET",
    "DEFAULT COLLATE",
    "COLLATE",
    "ORDER BY",
    "AUTO_INCREMENT",
];

/// Drops top-level ALTER TABLE clauses that are only table options.
fn drop_alter_table_options(sql: &str) -> String {
    let Some(head_end) = find_table_name_end(sql) else {
        return sql.to_owned();
    };
    let (head, clauses) = sql.split_at(head_end);
    let kept: Vec<String> = split_top_level(clauses)
        .into_iter()
        .filter(|cl| {
            let u = cl.trim().to_ascii_uppercase();
            !TABLE_OPTIONS.iter().any(|o| {
                u.strip_prefix(o)
                    .is_some_and(|r| r.is_empty() || r.starts_with([' ', '=', '\t', '\n']))
            })
        })
        .map(drop_key_as_drop_index)
        .collect();
    if kept.is_empty() {
        // Only options: an ALTER the catalog does not see. The parser
        // takes `ALTER TABLE t ALGORITHM=COPY` and yields no operation.
        return format!("{head} ALGORITHM=DEFAULT");
    }
    format!("{head} {}", kept.join(","))
}

/// `DROP KEY name` is MySQL's synonym of `DROP INDEX name`, which the
/// parser takes.
fn drop_key_as_drop_index(clause: &str) -> String {
    let t = clause.trim_start();
    let mut words = t.splitn(3, |c: char| c.is_ascii_whitespace());
    match (words.next(), words.next(), words.next()) {
        (Some(d), Some(k), Some(rest))
            if d.eq_ignore_ascii_case("DROP") && k.eq_ignore_ascii_case("KEY") =>
        {
            format!(" DROP INDEX {rest}")
        }
        _ => clause.to_owned(),
    }
}

/// Tokens of `sql` outside quotes, in order, with their byte ranges:
/// upper-case words, and punctuation as one-character strings (a quoted
/// string is one `'` token).
fn tokens_outside_quotes(sql: &str) -> Vec<(usize, usize, String)> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let s = i;
        if is_quote(c) {
            i = skip_quoted(b, i);
            out.push((s, i, "'".to_owned()));
        } else if c.is_ascii_alphanumeric() || c == b'_' {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            out.push((s, i, sql[s..i].to_ascii_uppercase()));
        } else {
            i += 1;
            if !c.is_ascii_whitespace() {
                out.push((s, i, (c as char).to_string()));
            }
        }
    }
    out
}

/// What may follow MariaDB's COMPRESSED column attribute; a column that
/// is named `compressed` is followed by its type instead.
const AFTER_COLUMN_ATTRIBUTE: &[&str] = &[
    ",",
    ")",
    "=",
    "NOT",
    "NULL",
    "DEFAULT",
    "CHARACTER",
    "CHARSET",
    "COLLATE",
    "COMMENT",
    "AFTER",
    "FIRST",
    "INVISIBLE",
    "UNIQUE",
    "PRIMARY",
    "KEY",
    "CHECK",
    "REFERENCES",
    "GENERATED",
    "AS",
];

/// The comment that stands for MariaDB's COMPRESSED column attribute in
/// what the parser is given ([`mark_compressed`]).
pub(crate) const COMPRESSED_MARK: &str = "understudy:compressed";

fn is_table_ddl(t: &[(usize, usize, String)]) -> bool {
    matches!(
        (
            t.first().map(|x| x.2.as_str()),
            t.get(1).map(|x| x.2.as_str())
        ),
        (
            Some("CREATE" | "ALTER"),
            Some("TABLE" | "TEMPORARY" | "ONLINE" | "IGNORE" | "OR")
        )
    )
}

/// MariaDB's `COMPRESSED[=method]` column attribute, which the parser
/// does not take, becomes `COMMENT 'understudy:compressed'` (a column
/// may have two comments; the parser keeps both).
pub(crate) fn mark_compressed(sql: &str) -> String {
    let t = tokens_outside_quotes(sql);
    if !is_table_ddl(&t) {
        return sql.to_owned();
    }
    let mut out = String::with_capacity(sql.len());
    let mut last = 0;
    let mut i = 0;
    while i < t.len() {
        let attribute = t[i].2 == "COMPRESSED"
            && i > 0
            && t[i - 1].2 != "="
            && t.get(i + 1)
                .is_none_or(|n| AFTER_COLUMN_ATTRIBUTE.contains(&n.2.as_str()));
        if !attribute {
            i += 1;
            continue;
        }
        let start = t[i].0;
        let mut end = t[i].1;
        if t.get(i + 1).is_some_and(|n| n.2 == "=") && t.get(i + 2).is_some() {
            // COMPRESSED=zlib
            end = t[i + 2].1;
            i += 2;
        }
        out.push_str(&sql[last..start]);
        out.push_str(&format!(" COMMENT '{COMPRESSED_MARK}' "));
        last = end;
        i += 1;
    }
    out.push_str(&sql[last..]);
    out
}

/// MariaDB's `WITH SYSTEM VERSIONING` removed from a CREATE or ALTER
/// TABLE: after CREATE TABLE's column list it makes the table
/// system-versioned (the second value: true); on a column (`WITH` or
/// `WITHOUT SYSTEM VERSIONING`) it only chooses what the source records
/// in its history, which its row events carry.
pub(crate) fn strip_system_versioning(sql: &str) -> (String, bool) {
    let t = tokens_outside_quotes(sql);
    if !is_table_ddl(&t) {
        return (sql.to_owned(), false);
    }
    let create = t[0].2 == "CREATE";
    let mut out = String::with_capacity(sql.len());
    let (mut last, mut depth, mut versioned) = (0, 0i32, false);
    for (i, tok) in t.iter().enumerate() {
        match tok.2.as_str() {
            "(" => depth += 1,
            ")" => depth -= 1,
            "WITH" | "WITHOUT"
                if t.get(i + 1).is_some_and(|n| n.2 == "SYSTEM")
                    && t.get(i + 2).is_some_and(|n| n.2 == "VERSIONING") =>
            {
                if create && depth == 0 && tok.2 == "WITH" {
                    versioned = true;
                }
                out.push_str(&sql[last..tok.0]);
                last = t[i + 2].1;
            }
            _ => {}
        }
    }
    out.push_str(&sql[last..]);
    (out, versioned)
}

/// A MariaDB table feature understudy does not replicate, named if
/// `sql` (a CREATE or ALTER TABLE without comments, after
/// [`strip_system_versioning`]) uses one: such a statement stops the
/// applier rather than being applied wrongly.
pub(crate) fn unsupported_feature(sql: &str) -> Option<&'static str> {
    let t = tokens_outside_quotes(sql);
    if !is_table_ddl(&t) {
        return None;
    }
    let words: Vec<&str> = t.iter().map(|x| x.2.as_str()).collect();
    let versioning = words.windows(2).any(|p| {
        matches!(
            p,
            ["SYSTEM", "VERSIONING"] | ["ROW", "START" | "END"] | ["FOR", "SYSTEM_TIME"]
        )
    });
    if versioning {
        return Some(
            "MariaDB system versioning other than CREATE TABLE … WITH SYSTEM VERSIONING \
             (explicit ROW START/END columns and periods, ALTER TABLE … SYSTEM VERSIONING)",
        );
    }
    None
}

/// End of `ALTER [ONLINE|IGNORE] TABLE name` in `sql`.
fn find_table_name_end(sql: &str) -> Option<usize> {
    let upper = sql.to_ascii_uppercase();
    let t = upper.find("TABLE")? + "TABLE".len();
    let rest = &sql[t..];
    let skip = rest.len() - rest.trim_start().len();
    let b = rest.trim_start().as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            c if is_quote(c) => i = skip_quoted(b, i),
            c if c.is_ascii_whitespace() => break,
            _ => i += 1,
        }
    }
    Some(t + skip + i)
}

fn split_top_level(s: &str) -> Vec<&str> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let (mut depth, mut start, mut i) = (0i32, 0, 0);
    while i < b.len() {
        match b[i] {
            c if is_quote(c) => {
                i = skip_quoted(b, i);
                continue;
            }
            b'(' => depth += 1,
            b')' => depth -= 1,
            b',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(&s[start.min(s.len())..]);
    out.into_iter().filter(|c| !c.trim().is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_stop_at_quotes() {
        assert_eq!(
            normalize(
                "CREATE TABLE t (a INT ZEROFILL, b VARCHAR(20) DEFAULT 'ZEROFILL PARTITION BY') \
                 PARTITION BY HASH(a) PARTITIONS 4"
            ),
            "CREATE TABLE t (a INT , b VARCHAR(20) DEFAULT 'ZEROFILL PARTITION BY') "
        );
        assert_eq!(
            normalize("ALTER TABLE `a b` ENGINE=InnoDB, ADD c INT, COMMENT 'x, y'"),
            "ALTER TABLE `a b`  ADD c INT"
        );
        assert_eq!(
            normalize("ALTER TABLE t DROP KEY `k`, drop key k2"),
            "ALTER TABLE t  DROP INDEX `k`, DROP INDEX k2"
        );
        assert_eq!(
            strip_system_versioning(
                "CREATE TABLE h (id INT, n INT WITHOUT SYSTEM VERSIONING) WITH SYSTEM VERSIONING"
            ),
            ("CREATE TABLE h (id INT, n INT ) ".to_owned(), true)
        );
        assert_eq!(
            strip_system_versioning("ALTER TABLE h ADD c INT WITH SYSTEM VERSIONING"),
            ("ALTER TABLE h ADD c INT ".to_owned(), false)
        );
        assert!(unsupported_feature("ALTER TABLE h ADD SYSTEM VERSIONING").is_some());
        assert!(
            unsupported_feature(
                "CREATE TABLE h (s TIMESTAMP(6) GENERATED ALWAYS AS ROW START, \
                 e TIMESTAMP(6) GENERATED ALWAYS AS ROW END, PERIOD FOR SYSTEM_TIME(s, e))"
            )
            .is_some()
        );
        assert_eq!(
            unsupported_feature("CREATE TABLE h (row_start INT, `end` INT)"),
            None
        );
        assert_eq!(
            mark_compressed("CREATE TABLE c (b BLOB COMPRESSED, v VARCHAR(9) COMPRESSED=zlib)"),
            "CREATE TABLE c (b BLOB  COMMENT 'understudy:compressed' , \
             v VARCHAR(9)  COMMENT 'understudy:compressed' )"
        );
        let untouched = "CREATE TABLE c (compressed INT, s CHAR(3) DEFAULT 'COMPRESSED') \
                         ROW_FORMAT=COMPRESSED";
        assert_eq!(mark_compressed(untouched), untouched);
        assert_eq!(
            mark_compressed("ALTER TABLE c ADD compressed BLOB COMPRESSED NOT NULL"),
            "ALTER TABLE c ADD compressed BLOB  COMMENT 'understudy:compressed'  NOT NULL"
        );
        assert_eq!(skip_quoted(b"'it\\'s' x", 0), 7);
        assert_eq!(skip_quoted(b"'open", 0), 5);
    }
}
