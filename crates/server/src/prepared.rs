//! Prepared statements (COM_STMT_PREPARE / EXECUTE / SEND_LONG_DATA /
//! RESET / CLOSE): a statement's text is kept with its `?` markers; an
//! execution puts each bound value in as a literal and runs the text
//! like any other statement. Results go back in the binary row format.

use std::collections::HashMap;

use understudy_mysql_proto::binary::Param;

use crate::lex::each_outside_quotes;

/// A statement prepared on one connection.
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    pub sql: String,
    pub params: usize,
    /// The parameter types of the last execution.
    pub types: Vec<(u8, bool)>,
    /// Values sent by COM_STMT_SEND_LONG_DATA since the last execution.
    pub long_data: Vec<Option<Vec<u8>>>,
}

/// A connection's statements by id.
#[derive(Debug, Default)]
pub struct Statements {
    by_id: HashMap<u32, Prepared>,
    next: u32,
}

impl Statements {
    pub fn prepare(&mut self, sql: &str) -> (u32, usize) {
        self.next = self.next.wrapping_add(1).max(1);
        let params = markers(sql).len();
        self.by_id.insert(
            self.next,
            Prepared {
                sql: sql.to_owned(),
                params,
                types: vec![],
                long_data: vec![None; params],
            },
        );
        (self.next, params)
    }

    pub fn get_mut(&mut self, id: u32) -> Option<&mut Prepared> {
        self.by_id.get_mut(&id)
    }

    pub fn close(&mut self, id: u32) {
        self.by_id.remove(&id);
    }

    pub fn clear(&mut self) {
        self.by_id.clear();
    }
}

/// The byte offsets of the `?` markers outside quotes and comments.
pub fn markers(sql: &str) -> Vec<usize> {
    let mut out = Vec::new();
    each_outside_quotes(sql, |i, c| {
        if c == b'?' {
            out.push(i);
        }
    });
    out
}

/// A bound value as an SQL literal.
fn literal(p: &Param) -> String {
    match p {
        Param::Null => "NULL".into(),
        Param::Int(v) => v.to_string(),
        Param::UInt(v) => v.to_string(),
        Param::Double(v) if v.is_finite() => format!("{v:?}"),
        Param::Double(_) => "NULL".into(),
        Param::Bytes(b) => match std::str::from_utf8(b) {
            Ok(s) => quote(s),
            Err(_) => {
                let hex: String = b.iter().map(|x| format!("{x:02X}")).collect();
                format!("X'{hex}'")
            }
        },
        Param::Temporal(s) | Param::Time(s) => quote(s),
    }
}

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\'' => out.push_str("''"),
            '\\' => out.push_str("\\\\"),
            '\0' => out.push_str("\\0"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// The statement's text with each marker replaced by its value.
pub fn bind(sql: &str, params: &[Param]) -> String {
    let mut out = String::with_capacity(sql.len() + params.len() * 8);
    let mut last = 0;
    for (at, p) in markers(sql).into_iter().zip(params) {
        out.push_str(&sql[last..at]);
        out.push_str(&literal(p));
        last = at + 1;
    }
    out.push_str(&sql[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_outside_quotes_and_comments() {
        let sql = "SELECT '?', `a?`, c FROM t /* ? */ WHERE a = ? AND b = ? -- ?";
        assert_eq!(markers(sql).len(), 2);
        assert_eq!(
            bind(sql, &[Param::Int(-3), Param::Bytes(b"it's \\ x".to_vec())]),
            "SELECT '?', `a?`, c FROM t /* ? */ WHERE a = -3 AND b = 'it''s \\\\ x' -- ?"
        );
        assert_eq!(
            bind("? ?", &[Param::Null, Param::Bytes(vec![0xff])]),
            "NULL X'FF'"
        );
        assert_eq!(bind("?", &[Param::Double(0.5)]), "0.5");
    }
}
