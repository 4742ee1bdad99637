//! MySQL's binary JSON: the format of JSON columns in row events.
//!
//! * `binary.rs`: [`parse_json`] decodes a document (layout drawn there,
//!   after `sql-common/json_binary.h`) into a borrowed [`JsonValue`] tree.
//!   The tree is built eagerly; nesting is capped at [`MAX_DEPTH`] and the
//!   number of values at the input length, so any input decodes in linear
//!   time and memory or fails with a [`DecodeError`](crate::DecodeError).
//! * `text.rs`: [`render_json`] prints a value exactly as MySQL does
//!   (`CAST(j AS CHAR)`), [`render_json_row`] as `mysqlbinlog -v` prints a
//!   JSON column on a row line.
//! * `diff.rs`: partial-update diff lists (`PARTIAL_UPDATE_ROWS_EVENT`,
//!   `binlog_row_value_options=PARTIAL_JSON`) and their `mysqlbinlog` form.
//! * `encode.rs`: [`encode_json`], the inverse of [`parse_json`].
//! * `owned.rs`: [`JsonDoc`], a value that owns its parts, for programs
//!   that build or change documents.

mod binary;
mod diff;
mod encode;
mod opaque;
mod owned;
#[cfg(test)]
mod tests;
mod text;

pub use binary::{
    JsonValue, MAX_DEPTH, MYSQL_TYPE_DATE, MYSQL_TYPE_DATETIME, MYSQL_TYPE_DECIMAL_NEW,
    MYSQL_TYPE_TIME, MYSQL_TYPE_TIMESTAMP, parse_json,
};
pub use diff::{JsonDiff, JsonDiffOperation, parse_json_diffs, render_json_diffs};
pub use encode::{JsonEncodeError, encode_json};
pub use owned::JsonDoc;
pub use text::{render_json, render_json_into, render_json_row, render_json_unquoted, sql_quote};
