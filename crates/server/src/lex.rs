//! Statements as tokens: enough to route a client's statement (session
//! chatter, operator statements, reads) and to read the small grammars of
//! the statements the endpoint answers itself.

/// One token; words keep their spelling (compare with [`Token::is`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    Word(String),
    /// A back-quoted identifier.
    Quoted(String),
    /// A '…' or "…" string, unescaped.
    Str(String),
    Number(String),
    /// `@@name`, `@@session.name`, `@@global.name` (without the `@@`).
    SysVar(String),
    /// `@name` (without the `@`).
    UserVar(String),
    Punct(char),
}

impl Token {
    /// A keyword or unquoted identifier, case-insensitively.
    pub fn is(&self, word: &str) -> bool {
        matches!(self, Token::Word(w) if w.eq_ignore_ascii_case(word))
    }

    /// An identifier, quoted or not.
    pub fn ident(&self) -> Option<&str> {
        match self {
            Token::Word(w) | Token::Quoted(w) => Some(w),
            _ => None,
        }
    }
}

fn unescape(s: &str, quote: char) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('0') => out.push('\0'),
                Some('Z') => out.push('\x1a'),
                Some(o) => out.push(o),
                None => {}
            }
        } else if c == quote && it.peek() == Some(&quote) {
            it.next();
            out.push(quote);
        } else {
            out.push(c);
        }
    }
    out
}

/// The tokens of one statement (comments already stripped). `None` when a
/// quote is not closed.
pub fn tokens(sql: &str) -> Option<Vec<Token>> {
    let b: Vec<char> = sql.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let word_char = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    while i < b.len() {
        let c = b[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' || c == '"' || c == '`' {
            let mut j = i + 1;
            loop {
                if j >= b.len() {
                    return None;
                }
                if b[j] == '\\' && c != '`' {
                    j += 2;
                    continue;
                }
                if b[j] == c {
                    if b.get(j + 1) == Some(&c) {
                        j += 2;
                        continue;
                    }
                    break;
                }
                j += 1;
            }
            let inner: String = b[i + 1..j].iter().collect();
            out.push(if c == '`' {
                Token::Quoted(inner.replace("``", "`"))
            } else {
                Token::Str(unescape(&inner, c))
            });
            i = j + 1;
        } else if c == '@' {
            let sys = b.get(i + 1) == Some(&'@');
            let mut j = i + if sys { 2 } else { 1 };
            let start = j;
            if !sys && matches!(b.get(j), Some('`' | '\'' | '"')) {
                let q = b[j];
                j += 1;
                while j < b.len() && b[j] != q {
                    j += 1;
                }
                let name: String = b[start + 1..j.min(b.len())].iter().collect();
                out.push(Token::UserVar(name));
                i = j + 1;
                continue;
            }
            while j < b.len() && (word_char(b[j]) || b[j] == '.') {
                j += 1;
            }
            let name: String = b[start..j].iter().collect();
            out.push(if sys {
                Token::SysVar(name)
            } else {
                Token::UserVar(name)
            });
            i = j;
        } else if c.is_ascii_digit() {
            let mut j = i;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == '.') {
                j += 1;
            }
            out.push(Token::Number(b[i..j].iter().collect()));
            i = j;
        } else if word_char(c) {
            let mut j = i;
            while j < b.len() && word_char(b[j]) {
                j += 1;
            }
            out.push(Token::Word(b[i..j].iter().collect()));
            i = j;
        } else {
            out.push(Token::Punct(c));
            i += 1;
        }
    }
    Some(out)
}

/// Calls `f` with the offset of every byte outside quotes and comments
/// (backslash escapes count in '…' and "…"; `-- `, `#` and `/* */`
/// comments are skipped whole).
pub fn each_outside_quotes(sql: &str, mut f: impl FnMut(usize, u8)) {
    let b = sql.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            q @ (b'\'' | b'"' | b'`') => {
                i += 1;
                while i < b.len() && b[i] != q {
                    if b[i] == b'\\' && q != b'`' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            c => f(i, c),
        }
        i += 1;
    }
}

/// Splits a COM_QUERY's text into statements at `;` outside quotes and
/// comments; empty statements are dropped.
pub fn split_statements(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut start = 0;
    each_outside_quotes(sql, |i, c| {
        if c == b';' {
            out.push(sql[start..i].to_owned());
            start = i + 1;
        }
    });
    if start < sql.len() {
        out.push(sql[start..].to_owned());
    }
    out.retain(|s| !understudy_sql::lexical::strip_comments(s).trim().is_empty());
    out
}

/// SQL's LIKE: `%` any run, `_` one character, `\` escapes; ASCII case
/// folded (as the names it matches are compared in MySQL).
pub fn like(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let t: Vec<char> = text.to_lowercase().chars().collect();
    fn go(p: &[char], t: &[char]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some(('%', rest)) => (0..=t.len()).any(|k| go(rest, &t[k..])),
            Some(('_', rest)) => !t.is_empty() && go(rest, &t[1..]),
            Some(('\\', rest)) if !rest.is_empty() => {
                t.first() == Some(&rest[0]) && go(&rest[1..], &t[1..])
            }
            Some((c, rest)) => t.first() == Some(c) && go(rest, &t[1..]),
        }
    }
    go(&p, &t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_of_chatter() {
        let t =
            tokens("select @@session.auto_increment_increment AS x, 'it''s', `a``b`, @v LIMIT 1")
                .unwrap();
        assert!(t[0].is("SELECT"));
        assert_eq!(
            t[1],
            Token::SysVar("session.auto_increment_increment".into())
        );
        assert!(t[2].is("as"));
        assert_eq!(t[5], Token::Str("it's".into()));
        assert_eq!(t[7], Token::Quoted("a`b".into()));
        assert_eq!(t[9], Token::UserVar("v".into()));
        assert_eq!(t[11], Token::Number("1".into()));
        assert_eq!(tokens("select 'open"), None);
    }

    #[test]
    fn statements_split_outside_quotes_and_comments() {
        assert_eq!(
            split_statements("SELECT ';'; /* ; */ SELECT 2 -- ;\n;"),
            vec![
                "SELECT ';'".to_owned(),
                " /* ; */ SELECT 2 -- ;\n".to_owned()
            ]
        );
    }

    #[test]
    fn like_patterns() {
        assert!(like("version%", "version_comment"));
        assert!(like("VERSION", "version"));
        assert!(like("a\\_b", "a_b"));
        assert!(!like("a\\_b", "axb"));
        assert!(like("_", "x"));
        assert!(!like("max%", "version"));
    }
}
