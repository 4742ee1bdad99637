//! MySQL's JSON path expressions (MySQL manual, "Searching and Modifying
//! JSON Values"): `$`, then legs — `.key`, `."quoted key"`, `.*`, `[n]`,
//! `[last]`, `[last - n]`, `[m to n]`, `[*]` and `**` — with whitespace
//! allowed around legs; and the values a path selects in a document, with
//! MySQL's auto-wrapping (a cell leg on a non-array is the value itself).

use understudy_binlog::value::json::JsonDoc;

/// An array position: from the start, or back from the last cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Index {
    At(usize),
    /// `last - n`.
    Last(usize),
}

impl Index {
    /// The cell of an array of `len` cells, or where it would be: may be
    /// past the end, or before the start (`Err` of how far).
    pub(super) fn resolve(self, len: usize) -> Result<usize, usize> {
        match self {
            Index::At(i) => Ok(i),
            Index::Last(n) => {
                let back = n.saturating_add(1);
                len.checked_sub(back).ok_or_else(|| back - len)
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Leg {
    Member(Vec<u8>),
    AnyMember,
    Cell(Index),
    Range(Index, Index),
    AnyCell,
    /// `**`: the value and everything under it.
    Ellipsis,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Path {
    pub legs: Vec<Leg>,
}

/// A path's text that is not a path: where it goes wrong (MySQL's 3143
/// names the character position).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct BadPath(pub usize);

struct Reader<'a> {
    s: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn spaces(&mut self) {
        while self.s.get(self.at).is_some_and(u8::is_ascii_whitespace) {
            self.at += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        let hit = self.s.get(self.at) == Some(&c);
        if hit {
            self.at += 1;
        }
        hit
    }

    fn bad<T>(&self) -> Result<T, BadPath> {
        Err(BadPath(self.at))
    }

    fn number(&mut self) -> Result<usize, BadPath> {
        let start = self.at;
        while self.s.get(self.at).is_some_and(u8::is_ascii_digit) {
            self.at += 1;
        }
        std::str::from_utf8(&self.s[start..self.at])
            .ok()
            .and_then(|d| d.parse().ok())
            .ok_or(BadPath(start))
    }

    fn index(&mut self) -> Result<Index, BadPath> {
        if self.s[self.at..].starts_with(b"last") {
            self.at += 4;
            self.spaces();
            if self.eat(b'-') {
                self.spaces();
                return Ok(Index::Last(self.number()?));
            }
            return Ok(Index::Last(0));
        }
        Ok(Index::At(self.number()?))
    }

    fn cell(&mut self) -> Result<Leg, BadPath> {
        self.spaces();
        if self.eat(b'*') {
            self.spaces();
            return if self.eat(b']') {
                Ok(Leg::AnyCell)
            } else {
                self.bad()
            };
        }
        let from = self.index()?;
        self.spaces();
        let leg = if self.s[self.at..].starts_with(b"to")
            && self.s.get(self.at + 2).is_some_and(u8::is_ascii_whitespace)
        {
            self.at += 2;
            self.spaces();
            let to = self.index()?;
            if let (Index::At(a), Index::At(b)) | (Index::Last(b), Index::Last(a)) = (from, to)
                && a > b
            {
                return self.bad();
            }
            self.spaces();
            Leg::Range(from, to)
        } else {
            Leg::Cell(from)
        };
        if self.eat(b']') { Ok(leg) } else { self.bad() }
    }

    fn member(&mut self) -> Result<Leg, BadPath> {
        self.spaces();
        if self.eat(b'*') {
            return Ok(Leg::AnyMember);
        }
        if self.s.get(self.at) == Some(&b'"') {
            let start = self.at;
            self.at += 1;
            while let Some(&c) = self.s.get(self.at) {
                self.at += if c == b'\\' { 2 } else { 1 };
                if c == b'"' {
                    let key: String = serde_json::from_slice(&self.s[start..self.at])
                        .map_err(|_| BadPath(start))?;
                    return Ok(Leg::Member(key.into_bytes()));
                }
            }
            return Err(BadPath(start));
        }
        // An ECMAScript identifier: a letter, `_` or `$`, then those and
        // digits (any non-ASCII character counts as a letter here).
        let rest = std::str::from_utf8(&self.s[self.at..]).map_err(|_| BadPath(self.at))?;
        let mut end = 0;
        for (i, c) in rest.char_indices() {
            let ok = c.is_alphabetic()
                || c == '_'
                || c == '$'
                || !c.is_ascii()
                || (i > 0 && c.is_ascii_digit());
            if !ok {
                break;
            }
            end = i + c.len_utf8();
        }
        if end == 0 {
            return self.bad();
        }
        let key = rest.as_bytes()[..end].to_vec();
        self.at += end;
        Ok(Leg::Member(key))
    }
}

impl Path {
    pub(super) fn parse(text: &[u8]) -> Result<Path, BadPath> {
        let mut r = Reader { s: text, at: 0 };
        r.spaces();
        if !r.eat(b'$') {
            return r.bad();
        }
        let mut legs = Vec::new();
        loop {
            r.spaces();
            if r.at == text.len() {
                break;
            }
            let leg = if r.eat(b'.') {
                r.member()?
            } else if r.eat(b'[') {
                r.cell()?
            } else if text[r.at..].starts_with(b"**") {
                r.at += 2;
                if legs.last() == Some(&Leg::Ellipsis) {
                    return r.bad();
                }
                Leg::Ellipsis
            } else {
                return r.bad();
            };
            legs.push(leg);
        }
        if legs.last() == Some(&Leg::Ellipsis) {
            return r.bad();
        }
        Ok(Path { legs })
    }

    /// Whether the path can select more than one value (`*`, `**`, ranges).
    pub(super) fn is_wild(&self) -> bool {
        self.legs.iter().any(|l| {
            matches!(
                l,
                Leg::AnyMember | Leg::AnyCell | Leg::Range(..) | Leg::Ellipsis
            )
        })
    }

    /// The values the path selects, in document order, each once.
    pub(super) fn find<'d>(&self, doc: &'d JsonDoc) -> Vec<&'d JsonDoc> {
        let mut out = Vec::new();
        walk(doc, &self.legs, true, &mut out);
        out
    }

    /// Like [`find`](Self::find) without auto-wrapping (JSON_KEYS).
    pub(super) fn find_unwrapped<'d>(&self, doc: &'d JsonDoc) -> Vec<&'d JsonDoc> {
        let mut out = Vec::new();
        walk(doc, &self.legs, false, &mut out);
        out
    }
}

fn push<'d>(out: &mut Vec<&'d JsonDoc>, v: &'d JsonDoc) {
    if !out.iter().any(|x| std::ptr::eq(*x, v)) {
        out.push(v);
    }
}

/// Every value of `v` and under it, the value first (document order).
pub(super) fn preorder<'d>(v: &'d JsonDoc, out: &mut Vec<&'d JsonDoc>) {
    out.push(v);
    match v {
        JsonDoc::Array(a) => a.iter().for_each(|x| preorder(x, out)),
        JsonDoc::Object(m) => m.iter().for_each(|(_, x)| preorder(x, out)),
        _ => {}
    }
}

fn walk<'d>(v: &'d JsonDoc, legs: &[Leg], wrap: bool, out: &mut Vec<&'d JsonDoc>) {
    let Some((leg, rest)) = legs.split_first() else {
        push(out, v);
        return;
    };
    match (leg, v) {
        (Leg::Member(k), JsonDoc::Object(m)) => {
            if let Some((_, x)) = m.iter().find(|(mk, _)| mk == k) {
                walk(x, rest, wrap, out);
            }
        }
        (Leg::AnyMember, JsonDoc::Object(m)) => {
            m.iter().for_each(|(_, x)| walk(x, rest, wrap, out))
        }
        (Leg::AnyCell, JsonDoc::Array(a)) => a.iter().for_each(|x| walk(x, rest, wrap, out)),
        (Leg::Cell(i), JsonDoc::Array(a)) => {
            if let Some(x) = i.resolve(a.len()).ok().and_then(|i| a.get(i)) {
                walk(x, rest, wrap, out);
            }
        }
        (Leg::Range(from, to), JsonDoc::Array(a)) if !a.is_empty() => {
            let start = from.resolve(a.len()).unwrap_or(0);
            let Ok(end) = to.resolve(a.len()) else {
                return;
            };
            for x in a.iter().take(end.min(a.len() - 1) + 1).skip(start) {
                walk(x, rest, wrap, out);
            }
        }
        // Auto-wrapping: a non-array is an array of itself.
        (Leg::Cell(i), _) if wrap && i.resolve(1) == Ok(0) => walk(v, rest, wrap, out),
        (Leg::Range(from, _), x)
            if wrap && !matches!(x, JsonDoc::Array(_)) && from.resolve(1) == Ok(0) =>
        {
            walk(v, rest, wrap, out)
        }
        (Leg::Ellipsis, _) => {
            let mut all = Vec::new();
            preorder(v, &mut all);
            for x in all {
                walk(x, rest, wrap, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse_as_mysql_reads_them() {
        let p = |s: &str| Path::parse(s.as_bytes()).map(|p| p.legs);
        assert_eq!(
            p(" $ . a [ last - 1 ].\"b c\"[1 to last]"),
            Ok(vec![
                Leg::Member(b"a".to_vec()),
                Leg::Cell(Index::Last(1)),
                Leg::Member(b"b c".to_vec()),
                Leg::Range(Index::At(1), Index::Last(0)),
            ])
        );
        assert_eq!(p("$**.é"), Ok(vec![Leg::Ellipsis, Leg::Member("é".into())]));
        for bad in [
            "",
            "a",
            "$.",
            "$.1a",
            "$[1 to 0]",
            "$**",
            "$***.a",
            "$[x]",
            "$.\"a",
        ] {
            assert!(p(bad).is_err(), "{bad}");
        }
    }
}
