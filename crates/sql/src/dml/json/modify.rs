//! Changing a document at a plain path (JSON_SET, JSON_INSERT,
//! JSON_REPLACE, JSON_REMOVE, JSON_ARRAY_APPEND, JSON_ARRAY_INSERT) and
//! merging documents (JSON_MERGE_PATCH, JSON_MERGE_PRESERVE), as MySQL
//! 9.7 does: a cell leg on a non-array is the value itself (`[0]`,
//! `[last]`) or a place next to it, which wraps both in an array.

use understudy_binlog::value::json::JsonDoc;

use super::key_order;
use super::path::Leg;
use crate::dml::eval::EvalError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Change {
    /// Replace or add.
    Set,
    /// Add only.
    Insert,
    /// Replace only.
    Replace,
}

/// Where an object's members go: MySQL keeps them sorted (and each key
/// once), MariaDB as written (a new key last; a repeated key's first
/// member is the one a path names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Keys {
    Sorted,
    Written,
}

/// The value a plain path names, if the document has it.
fn locate<'d>(doc: &'d mut JsonDoc, legs: &[Leg]) -> Option<&'d mut JsonDoc> {
    let mut cur = doc;
    for leg in legs {
        cur = match (cur, leg) {
            (JsonDoc::Object(m), Leg::Member(k)) => {
                m.iter_mut().find(|(mk, _)| mk == k).map(|e| &mut e.1)?
            }
            (JsonDoc::Array(a), Leg::Cell(i)) => {
                let i = i.resolve(a.len()).ok()?;
                a.get_mut(i)?
            }
            (v, Leg::Cell(i)) if !matches!(v, JsonDoc::Array(_)) && i.resolve(1) == Ok(0) => v,
            _ => return None,
        };
    }
    Some(cur)
}

/// JSON_SET, JSON_INSERT or JSON_REPLACE of one path and value.
pub(super) fn change(doc: &mut JsonDoc, legs: &[Leg], value: JsonDoc, how: Change, keys: Keys) {
    let Some((last, parent)) = legs.split_last() else {
        if how != Change::Insert {
            *doc = value;
        }
        return;
    };
    let Some(target) = locate(doc, parent) else {
        return;
    };
    let (add, replace) = (how != Change::Replace, how != Change::Insert);
    match (target, last) {
        (JsonDoc::Object(m), Leg::Member(k)) => {
            let at = match keys {
                Keys::Sorted => m.binary_search_by(|(mk, _)| key_order(mk, k)),
                Keys::Written => m.iter().position(|(mk, _)| mk == k).ok_or(m.len()),
            };
            match at {
                Ok(i) if replace => m[i].1 = value,
                Err(i) if add => m.insert(i, (k.clone(), value)),
                _ => {}
            }
        }
        (JsonDoc::Array(a), Leg::Cell(i)) => match i.resolve(a.len()) {
            Ok(i) if i < a.len() && replace => a[i] = value,
            Ok(i) if i < a.len() => {}
            Ok(_) if add => a.push(value),
            Err(_) if add => a.insert(0, value),
            _ => {}
        },
        (JsonDoc::Array(_), _) => {}
        (v, Leg::Cell(i)) => match i.resolve(1) {
            Ok(0) if replace => *v = value,
            Ok(0) => {}
            Ok(_) if add => *v = JsonDoc::Array(vec![std::mem::replace(v, JsonDoc::Null), value]),
            Err(_) if add => *v = JsonDoc::Array(vec![value, std::mem::replace(v, JsonDoc::Null)]),
            _ => {}
        },
        _ => {}
    }
}

/// JSON_REMOVE of one path (`$` itself stays; of repeated keys, the
/// first).
pub(super) fn remove(doc: &mut JsonDoc, legs: &[Leg]) {
    let Some((last, parent)) = legs.split_last() else {
        return;
    };
    match (locate(doc, parent), last) {
        // `[0]` of a non-array is the value itself.
        (Some(v), Leg::Cell(i)) if !matches!(v, JsonDoc::Array(_)) && i.resolve(1) == Ok(0) => {
            remove(doc, parent)
        }
        (Some(JsonDoc::Object(m)), Leg::Member(k)) => {
            if let Some(i) = m.iter().position(|(mk, _)| mk == k) {
                m.remove(i);
            }
        }
        (Some(JsonDoc::Array(a)), Leg::Cell(i)) => {
            if let Ok(i) = i.resolve(a.len())
                && i < a.len()
            {
                a.remove(i);
            }
        }
        _ => {}
    }
}

/// JSON_ARRAY_APPEND: onto the array at the path, or a non-array made
/// an array of itself and the value.
pub(super) fn array_append(doc: &mut JsonDoc, legs: &[Leg], value: JsonDoc) {
    match locate(doc, legs) {
        Some(JsonDoc::Array(a)) => a.push(value),
        Some(v) => *v = JsonDoc::Array(vec![std::mem::replace(v, JsonDoc::Null), value]),
        None => {}
    }
}

/// JSON_ARRAY_INSERT: the path must end in a cell (MySQL's 3165); past
/// the end is the end.
pub(super) fn array_insert(
    doc: &mut JsonDoc,
    legs: &[Leg],
    value: JsonDoc,
) -> Result<(), EvalError> {
    let Some((Leg::Cell(i), parent)) = legs.split_last() else {
        return Err(EvalError::Sql {
            errno: 3165,
            message: "A path expression is not a path to a cell in an array.".into(),
        });
    };
    if let Some(JsonDoc::Array(a)) = locate(doc, parent) {
        let at = i.resolve(a.len()).unwrap_or(0).min(a.len());
        a.insert(at, value);
    }
    Ok(())
}

/// RFC 7396 merge of `patch` into `doc` (both given, `patch` an object).
pub(super) fn merge_patch(doc: JsonDoc, patch: JsonDoc) -> JsonDoc {
    let JsonDoc::Object(changes) = patch else {
        return patch;
    };
    let mut members = match doc {
        JsonDoc::Object(m) => m,
        _ => Vec::new(),
    };
    for (k, v) in changes {
        let at = members.binary_search_by(|(mk, _)| key_order(mk, &k));
        match (at, v) {
            (Ok(i), JsonDoc::Null) => {
                members.remove(i);
            }
            (Err(_), JsonDoc::Null) => {}
            (Ok(i), v) => {
                let old = std::mem::replace(&mut members[i].1, JsonDoc::Null);
                members[i].1 = merge_patch(old, v);
            }
            (Err(i), v) => members.insert(i, (k, merge_patch(JsonDoc::Null, v))),
        }
    }
    JsonDoc::Object(members)
}

/// JSON_MERGE_PRESERVE of two documents: arrays concatenate, objects
/// merge their members (a shared key's values merged the same way),
/// anything else becomes an array of both.
pub(super) fn merge_preserve(a: JsonDoc, b: JsonDoc) -> JsonDoc {
    match (a, b) {
        (JsonDoc::Object(mut x), JsonDoc::Object(y)) => {
            for (k, v) in y {
                match x.binary_search_by(|(mk, _)| key_order(mk, &k)) {
                    Ok(i) => {
                        let old = std::mem::replace(&mut x[i].1, JsonDoc::Null);
                        x[i].1 = merge_preserve(old, v);
                    }
                    Err(i) => x.insert(i, (k, v)),
                }
            }
            JsonDoc::Object(x)
        }
        (a, b) => {
            let mut items = match a {
                JsonDoc::Array(x) => x,
                other => vec![other],
            };
            match b {
                JsonDoc::Array(y) => items.extend(y),
                other => items.push(other),
            }
            JsonDoc::Array(items)
        }
    }
}
