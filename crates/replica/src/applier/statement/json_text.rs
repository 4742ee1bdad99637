//! MySQL JSON values into columns: JSON text stored into a JSON column as
//! the server stores it (parsed by `understudy_sql::dml::json`, written
//! in MySQL's binary format), and a JSON value — a JSON column's, a JSON
//! function's — stored into any column.

use understudy_binlog::value::json::{JsonDoc, encode_json};
use understudy_sql::collation::Collation;
use understudy_sql::dml::eval::EvalError;
use understudy_sql::dml::json::{self, parse_text};
use understudy_sql::dml::value::{Coll, Derivation, Text, Value};
use understudy_sql::{Column, ColumnType};
use understudy_store::Cell;

use super::cast::{StoreRules, value_cell};

fn encode(doc: &JsonDoc) -> Result<Vec<u8>, EvalError> {
    encode_json(&doc.as_value()).map_err(|e| EvalError::unsupported(format!("a JSON value: {e}")))
}

/// The binary document of JSON text (MySQL's 3140 when it is not JSON).
pub(super) fn json_from_text(text: &str) -> Result<Vec<u8>, EvalError> {
    let doc = parse_text(text.as_bytes()).map_err(|e| EvalError::Sql {
        errno: 3140,
        message: format!("Invalid JSON text: {e}"),
    })?;
    encode(&doc)
}

/// A JSON value stored into `col`: a JSON column takes the document;
/// a string column its text (utf8mb4); other columns a JSON number as
/// that number. Anything else is not stored yet.
pub(super) fn json_cell(
    doc: &JsonDoc,
    col: &Column,
    rules: StoreRules<'_>,
) -> Result<Cell, EvalError> {
    match &col.ty {
        ColumnType::Json if !rules.mariadb => return encode(doc).map(Cell::Json),
        ColumnType::Char { .. }
        | ColumnType::VarChar { .. }
        | ColumnType::Text { .. }
        | ColumnType::Binary(_)
        | ColumnType::VarBinary(_)
        | ColumnType::Blob { .. } => {
            let text = Value::Str(
                json::render(doc).into_bytes(),
                Text::Collated(Coll::new(Collation::Utf8Bin, Derivation::Implicit)),
            );
            return value_cell(&text, col, rules);
        }
        _ => {}
    }
    let number = json::as_number(doc).ok_or_else(|| {
        EvalError::unsupported(format!(
            "storing the JSON value {} into column {} ({})",
            json::render(doc),
            col.name,
            col.ty.sql()
        ))
    })?;
    value_cell(&number, col, rules)
}

#[cfg(test)]
mod tests {
    use super::*;
    use understudy_binlog::value::json::{parse_json, render_json};

    #[test]
    fn documents_as_mysql_stores_them() {
        let text = |s: &str| render_json(&parse_json(&json_from_text(s).unwrap()).unwrap());
        assert_eq!(
            text(r#"{"bb": 1, "a": [true, null, 1.5, -2], "b": "x", "a": 3}"#),
            r#"{"a": 3, "b": "x", "bb": 1}"#
        );
        assert_eq!(text("1e2"), "100.0");
        assert_eq!(text("18446744073709551615"), "18446744073709551615");
        assert!(matches!(
            json_from_text("{bad}"),
            Err(EvalError::Sql { errno: 3140, .. })
        ));
    }
}
