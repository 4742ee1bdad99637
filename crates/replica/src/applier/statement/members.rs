//! Values stored into ENUM and SET columns: a string names a member (or
//! members, comma-separated, for SET) as the column's collation compares
//! them, trailing spaces aside; a number is the member's index (ENUM) or
//! the members' bit mask (SET). What does not name members — which the
//! source stores as the error value `''`, or refuses in strict mode —
//! is not applied yet.

use understudy_sql::collation::Collation;
use understudy_sql::dml::eval::EvalError;
use understudy_sql::dml::value::{Text, Value};
use understudy_sql::{Column, ColumnType};
use understudy_store::Cell;

fn trim_end(s: &str) -> &str {
    s.trim_end_matches(' ')
}

/// The index (1-based) of the member `s` names.
fn member(members: &[String], collation: Collation, s: &str) -> Option<usize> {
    let s = trim_end(s);
    // An exact match is the one member equal under any collation (a
    // column's members are distinct under its own).
    if let Some(i) = members.iter().position(|m| trim_end(m) == s) {
        return Some(i + 1);
    }
    let mut equal = members.iter().enumerate().filter(|(_, m)| {
        collation.compare(trim_end(m).as_bytes(), s.as_bytes()) == Some(std::cmp::Ordering::Equal)
    });
    match (equal.next(), equal.next()) {
        (Some((i, _)), None) => Some(i + 1),
        _ => None,
    }
}

/// `v` as the cell of ENUM or SET column `col` (`None`: not one).
pub(super) fn member_cell(v: &Value, col: &Column) -> Option<Result<Cell, EvalError>> {
    let (members, set) = match &col.ty {
        ColumnType::Enum(m) => (m, false),
        ColumnType::Set(m) => (m, true),
        _ => return None,
    };
    let collation = col
        .collation
        .as_deref()
        .map_or(Collation::Unknown, Collation::named);
    let refused = || {
        Err(EvalError::unsupported(format!(
            "storing a value that names no member of {} {} ({})",
            if set { "SET" } else { "ENUM" },
            col.name,
            col.ty.sql()
        )))
    };
    let number = |n: u64| -> Result<Cell, EvalError> {
        let count = members.len() as u32;
        match (set, n) {
            (false, 1..) if n <= u64::from(count) => Ok(Cell::Enum(n as u16)),
            (true, _) if count >= 64 || n >> count == 0 => Ok(Cell::Set(n)),
            _ => refused(),
        }
    };
    Some(match v {
        Value::Int(i) => u64::try_from(*i).map_or_else(|_| refused(), number),
        Value::UInt(u) => number(*u),
        Value::Str(b, Text::Collated(_)) | Value::Member(b, ..) => {
            let Ok(s) = std::str::from_utf8(b) else {
                return Some(refused());
            };
            if set {
                let mut mask = 0u64;
                // (An empty element is an error on the source.)
                for part in s.split(',').filter(|_| !s.is_empty()) {
                    match member(members, collation, part) {
                        Some(i) => mask |= 1 << (i - 1),
                        None => return Some(refused()),
                    }
                }
                Ok(Cell::Set(mask))
            } else {
                match member(members, collation, s) {
                    Some(i) => Ok(Cell::Enum(i as u16)),
                    // A string of digits not naming a member is an index.
                    None if !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()) => {
                        s.parse().map_or_else(|_| refused(), number)
                    }
                    None => refused(),
                }
            }
        }
        _ => refused(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(ty: ColumnType, collation: &str) -> Column {
        let mut c = Column::new("c", ty);
        c.collation = Some(collation.into());
        c
    }

    #[test]
    fn members_by_name_and_number() {
        let names = vec!["active".to_owned(), "gone".to_owned(), "Straße".to_owned()];
        let e = col(ColumnType::Enum(names.clone()), "utf8mb4_0900_ai_ci");
        let s = |x: &str| Value::Str(x.as_bytes().to_vec(), Text::TEXT);
        let cell = |v: Value, c: &Column| member_cell(&v, c).unwrap().ok();
        assert_eq!(cell(s("gone"), &e), Some(Cell::Enum(2)));
        assert_eq!(cell(s("ACTIVE  "), &e), Some(Cell::Enum(1)));
        assert_eq!(cell(s("strasse"), &e), Some(Cell::Enum(3)));
        assert_eq!(cell(s("2"), &e), Some(Cell::Enum(2)));
        assert_eq!(cell(Value::Int(3), &e), Some(Cell::Enum(3)));
        assert_eq!(cell(Value::Int(4), &e), None);
        assert_eq!(cell(s("nope"), &e), None);
        let bin = col(ColumnType::Enum(names.clone()), "utf8mb4_bin");
        assert_eq!(cell(s("ACTIVE"), &bin), None);
        let set = col(ColumnType::Set(names), "utf8mb4_general_ci");
        assert_eq!(cell(s("gone,ACTIVE"), &set), Some(Cell::Set(0b011)));
        assert_eq!(cell(s(""), &set), Some(Cell::Set(0)));
        assert_eq!(cell(Value::UInt(5), &set), Some(Cell::Set(0b101)));
        assert_eq!(cell(Value::UInt(8), &set), None);
        assert_eq!(cell(s("gone,x"), &set), None);
        assert_eq!(cell(s(",gone"), &set), None);
    }
}
