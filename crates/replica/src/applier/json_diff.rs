//! Partial JSON updates (`binlog_row_value_options=PARTIAL_JSON`): the
//! diffs of a PARTIAL_UPDATE_ROWS_EVENT applied to the stored document, as
//! the source applied them (REPLACE a value that exists, INSERT a member or
//! an array element, REMOVE a value; MySQL manual, "JSON partial updates").
//! The result is encoded as MySQL's binary JSON with object keys in
//! MySQL's order (by length, then bytewise).

use understudy_binlog::value::json::{
    JsonDiffOperation, JsonDoc, encode_json, parse_json, parse_json_diffs,
};

/// One step of a JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Leg {
    Member(Vec<u8>),
    Index(usize),
}

/// A concrete path as diffs carry it: `$`, then `.key`, `."quoted key"`
/// or `[n]` legs (no wildcards: a diff names one place).
fn parse_path(p: &[u8]) -> Result<Vec<Leg>, String> {
    let bad = || format!("JSON diff path '{}'", String::from_utf8_lossy(p));
    let rest = p.strip_prefix(b"$").ok_or_else(bad)?;
    let mut legs = Vec::new();
    let mut i = 0;
    while i < rest.len() {
        match rest[i] {
            b' ' => i += 1,
            b'.' => {
                i += 1;
                if rest.get(i) == Some(&b'"') {
                    i += 1;
                    let mut key = Vec::new();
                    loop {
                        match rest.get(i).copied().ok_or_else(bad)? {
                            b'"' => {
                                i += 1;
                                break;
                            }
                            b'\\' => {
                                let c = rest.get(i + 1).copied().ok_or_else(bad)?;
                                key.push(match c {
                                    b'n' => b'\n',
                                    b't' => b'\t',
                                    b'r' => b'\r',
                                    b'b' => 8,
                                    b'f' => 12,
                                    other => other,
                                });
                                i += 2;
                            }
                            c => {
                                key.push(c);
                                i += 1;
                            }
                        }
                    }
                    legs.push(Leg::Member(key));
                } else {
                    let start = i;
                    while i < rest.len() && !matches!(rest[i], b'.' | b'[' | b' ') {
                        i += 1;
                    }
                    if i == start {
                        return Err(bad());
                    }
                    legs.push(Leg::Member(rest[start..i].to_vec()));
                }
            }
            b'[' => {
                let close = rest[i..].iter().position(|&c| c == b']').ok_or_else(bad)? + i;
                let n = std::str::from_utf8(&rest[i + 1..close])
                    .ok()
                    .and_then(|s| s.trim().parse::<usize>().ok())
                    .ok_or_else(bad)?;
                legs.push(Leg::Index(n));
                i = close + 1;
            }
            _ => return Err(bad()),
        }
    }
    Ok(legs)
}

/// MySQL's key order: shorter first, then bytewise.
fn key_order(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

fn node<'d>(doc: &'d mut JsonDoc, legs: &[Leg]) -> Option<&'d mut JsonDoc> {
    let mut cur = doc;
    for leg in legs {
        cur = match (cur, leg) {
            (JsonDoc::Object(m), Leg::Member(k)) => {
                m.iter_mut().find(|(mk, _)| mk == k).map(|e| &mut e.1)?
            }
            (JsonDoc::Array(a), Leg::Index(n)) => a.get_mut(*n)?,
            // MySQL's auto-wrapping: [0] of a scalar is the scalar.
            (d, Leg::Index(0)) if !matches!(d, JsonDoc::Array(_)) => d,
            _ => return None,
        };
    }
    Some(cur)
}

fn apply_one(
    doc: &mut JsonDoc,
    op: JsonDiffOperation,
    legs: &[Leg],
    value: Option<JsonDoc>,
) -> Result<(), String> {
    let Some((last, parent_path)) = legs.split_last() else {
        // The whole document.
        return match (op, value) {
            (JsonDiffOperation::Replace, Some(v)) => {
                *doc = v;
                Ok(())
            }
            _ => Err("a JSON diff that inserts or removes the whole document".into()),
        };
    };
    let parent = node(doc, parent_path).ok_or("the JSON diff's path is not in the document")?;
    match (op, parent, last, value) {
        (JsonDiffOperation::Replace, JsonDoc::Object(m), Leg::Member(k), Some(v)) => {
            let e = m
                .iter_mut()
                .find(|(mk, _)| mk == k)
                .ok_or("JSON REPLACE of a member that does not exist")?;
            e.1 = v;
        }
        (JsonDiffOperation::Replace, JsonDoc::Array(a), Leg::Index(n), Some(v)) => {
            *a.get_mut(*n)
                .ok_or("JSON REPLACE past the end of an array")? = v;
        }
        (JsonDiffOperation::Insert, JsonDoc::Object(m), Leg::Member(k), Some(v)) => {
            match m.binary_search_by(|(mk, _)| key_order(mk, k)) {
                Ok(i) => m[i].1 = v,
                Err(i) => m.insert(i, (k.clone(), v)),
            }
        }
        (JsonDiffOperation::Insert, JsonDoc::Array(a), Leg::Index(n), Some(v)) => {
            let at = (*n).min(a.len());
            a.insert(at, v);
        }
        (JsonDiffOperation::Remove, JsonDoc::Object(m), Leg::Member(k), None) => {
            m.retain(|(mk, _)| mk != k);
        }
        (JsonDiffOperation::Remove, JsonDoc::Array(a), Leg::Index(n), None) => {
            if *n < a.len() {
                a.remove(*n);
            }
        }
        _ => return Err("a JSON diff that does not fit the document".into()),
    }
    Ok(())
}

/// The stored document (MySQL binary JSON) after the diff list `diffs`
/// (a PARTIAL_UPDATE_ROWS_EVENT column value).
pub fn apply_json_diffs(stored: &[u8], diffs: &[u8]) -> Result<Vec<u8>, String> {
    let before = parse_json(stored).map_err(|e| format!("stored JSON: {e}"))?;
    let mut doc = JsonDoc::from_value(&before);
    for d in parse_json_diffs(diffs).map_err(|e| format!("JSON diff: {e}"))? {
        let legs = parse_path(d.path)?;
        apply_one(
            &mut doc,
            d.operation,
            &legs,
            d.value.as_ref().map(JsonDoc::from_value),
        )?;
    }
    encode_json(&doc.as_value()).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use understudy_binlog::value::json::render_json;

    /// A binary document from a small tree.
    fn bin(d: &JsonDoc) -> Vec<u8> {
        encode_json(&d.as_value()).unwrap_or_default()
    }

    fn text(b: &[u8]) -> String {
        parse_json(b).map(|v| render_json(&v)).unwrap_or_default()
    }

    /// A diff list as a PARTIAL_UPDATE_ROWS_EVENT carries it.
    fn diffs(list: &[(u8, &str, Option<JsonDoc>)]) -> Vec<u8> {
        let mut out = Vec::new();
        for (op, path, value) in list {
            out.push(*op);
            out.push(path.len() as u8);
            out.extend_from_slice(path.as_bytes());
            if let Some(v) = value {
                let b = bin(v);
                out.push(b.len() as u8);
                out.extend_from_slice(&b);
            }
        }
        out
    }

    #[test]
    fn replace_insert_remove() {
        let doc = JsonDoc::Object(vec![
            (b"a".to_vec(), JsonDoc::Int(1)),
            (
                b"b".to_vec(),
                JsonDoc::Array(vec![JsonDoc::Int(1), JsonDoc::Int(2)]),
            ),
            (b"x y".to_vec(), JsonDoc::String(b"s".to_vec())),
        ]);
        let d = diffs(&[
            (0, "$.a", Some(JsonDoc::Int(7))),
            (1, "$.b[1]", Some(JsonDoc::String(b"new".to_vec()))),
            (1, "$.zz", Some(JsonDoc::Bool(true))),
            (2, "$.\"x y\"", None),
            (0, "$.b[0]", Some(JsonDoc::Null)),
        ]);
        let out = apply_json_diffs(&bin(&doc), &d).unwrap_or_default();
        assert_eq!(text(&out), r#"{"a": 7, "b": [null, "new", 2], "zz": true}"#);
    }

    #[test]
    fn bad_diffs_are_errors() {
        let doc = JsonDoc::Object(vec![(b"a".to_vec(), JsonDoc::Int(1))]);
        for d in [
            diffs(&[(0, "$.missing", Some(JsonDoc::Int(1)))]),
            diffs(&[(1, "$.a.b", Some(JsonDoc::Int(1)))]),
            diffs(&[(0, "a", Some(JsonDoc::Int(1)))]),
        ] {
            assert!(apply_json_diffs(&bin(&doc), &d).is_err());
        }
        assert_eq!(
            parse_path(b"$.a[3].\"q\\\"k\""),
            Ok(vec![
                Leg::Member(b"a".to_vec()),
                Leg::Index(3),
                Leg::Member(b"q\"k".to_vec())
            ])
        );
    }
}
