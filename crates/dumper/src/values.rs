//! Row values as `mysqlbinlog -v` prints them (`### SET @1=…`), with the
//! `-vv` type comments, and user-variable values.

use understudy_binlog::DecodeError;
use understudy_binlog::event::RowsEvent;
use understudy_binlog::event::rows_event::{RowRef, RowsKind};
use understudy_binlog::event::user_var_event::{self, UserVarValue};
use understudy_binlog::value::column_type::*;
use understudy_binlog::value::decimal::decode_decimal;
use understudy_binlog::value::json;
use understudy_binlog::value::{ColumnMeta, ColumnValue, Value};

use crate::printer::Tool;
use crate::rows::TableInfo;
use crate::session::{backquoted, collation};
use crate::text::{Buf, hex_upper};
use crate::w;

pub(crate) fn print_rows_verbose(
    out: &mut Buf,
    tool: Tool,
    verbose: u8,
    table: &TableInfo,
    r: &RowsEvent<'_>,
) -> Result<usize, DecodeError> {
    let mut n = 0usize;
    let (verb, first, second) = match r.kind {
        RowsKind::Write => ("### INSERT INTO ", "### SET\n", None),
        RowsKind::Delete => ("### DELETE FROM ", "### WHERE\n", None),
        RowsKind::Update | RowsKind::PartialUpdate => {
            ("### UPDATE ", "### WHERE\n", Some("### SET\n"))
        }
    };
    // `db`.`table` once per event.
    let mut name = Buf::default();
    backquoted(&mut name, &table.db);
    name.ch(b'.');
    backquoted(&mut name, &table.table);
    let mut rows = r.decoder(&table.columns)?;
    while let Some(row) = rows.next_row() {
        let row: RowRef<'_, '_> = row?;
        n += 1;
        out.s(verb);
        out.raw(&name.0);
        out.ch(b'\n');
        let (img1, img2) = match r.kind {
            RowsKind::Write => (row.after, None),
            RowsKind::Delete => (row.before, None),
            _ => (row.before, row.after),
        };
        out.s(first);
        if let Printed::GaveUp = image(out, tool, verbose, table, img1.unwrap_or_default())? {
            break;
        }
        if let (Some(s), Some(img)) = (second, img2) {
            out.s(s);
            if let Printed::GaveUp = image(out, tool, verbose, table, img)? {
                break;
            }
        }
    }
    Ok(n)
}

/// Whether the rest of the event can be printed (mysqlbinlog gives up on
/// a rows event at the first column type it cannot print).
enum Printed {
    Ok,
    GaveUp,
}

/// Rows in an event as mariadb-binlog counts them without `-v`: it sizes
/// rows with a table of column lengths that lacks GEOMETRY and the
/// COMPRESSED types, and stops counting after the first row holding one.
pub(crate) fn count_rows(table: &TableInfo, r: &RowsEvent<'_>) -> Result<usize, DecodeError> {
    let has_unsized = |img: Option<&[ColumnValue<'_>]>| {
        img.into_iter().flatten().any(|cv| {
            !cv.value.is_null()
                && matches!(
                    table.columns[cv.index].column_type,
                    MYSQL_TYPE_GEOMETRY
                        | MYSQL_TYPE_VARCHAR_COMPRESSED
                        | MYSQL_TYPE_BLOB_COMPRESSED
                )
        })
    };
    let mut n = 0;
    let mut rows = r.decoder(&table.columns)?;
    while let Some(row) = rows.next_row() {
        let row = row?;
        n += 1;
        if has_unsized(row.before) || has_unsized(row.after) {
            break;
        }
    }
    Ok(n)
}

fn image(
    out: &mut Buf,
    tool: Tool,
    verbose: u8,
    table: &TableInfo,
    cols: &[ColumnValue<'_>],
) -> Result<Printed, DecodeError> {
    for cv in cols {
        let col = &table.columns[cv.index];
        out.s("###   @");
        out.u64(cv.index as u64 + 1);
        out.ch(b'=');
        if tool == Tool::MySql && col.column_type == MYSQL_TYPE_GEOMETRY {
            // mysqlbinlog 9.7 has no printer for GEOMETRY.
            w!(
                out,
                "!! Don't know how to handle column type={} meta={} ({:04x})\n",
                col.column_type,
                col.meta,
                col.meta
            );
            return Ok(Printed::GaveUp);
        }
        value(out, tool, col, &cv.value, cv.index)?;
        if verbose > 1 {
            out.s(" /* ");
            type_comment(out, col, table.vector_dims[cv.index]);
            w!(
                out,
                " meta={} nullable={} is_null={} */",
                col.meta,
                u8::from(table.is_nullable(cv.index)),
                u8::from(cv.value.is_null())
            );
        }
        out.ch(b'\n');
    }
    Ok(Printed::Ok)
}

/// String bytes in quotes as each tool prints them: mysqlbinlog 9.7
/// escapes quotes, backslashes and control characters (`\n`-style where C
/// has one, `\xNN` otherwise); mariadb-binlog writes every control byte as
/// `\xNN` and everything else as is.
pub(crate) fn quoted(out: &mut Buf, tool: Tool, b: &[u8]) {
    let mysql = tool == Tool::MySql;
    out.ch(b'\'');
    let mut rest = b;
    // Runs of bytes printed as they are, copied whole.
    while let Some(i) = first_special(rest, mysql) {
        out.raw(&rest[..i]);
        let c = rest[i];
        match (tool, c) {
            (Tool::MySql, b'\'') => out.s("\\'"),
            (Tool::MySql, b'\\') => out.s("\\\\"),
            (Tool::MySql, b'\n') => out.s("\\n"),
            (Tool::MySql, b'\t') => out.s("\\t"),
            (Tool::MySql, b'\r') => out.s("\\r"),
            (Tool::MySql, 0x08) => out.s("\\b"),
            (Tool::MySql, 0x0c) => out.s("\\f"),
            _ => {
                out.s("\\x");
                out.hex8(c);
            }
        }
        rest = &rest[i + 1..];
    }
    out.raw(rest);
    out.ch(b'\'');
}

/// The first byte `quoted` escapes: a control byte, and for mysqlbinlog a
/// quote or a backslash. Eight bytes at a time: most strings have none.
fn first_special(b: &[u8], mysql: bool) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH != 0;
    let special = |c: u8| c < 0x20 || (mysql && (c == b'\'' || c == b'\\'));
    let mut chunks = b.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let x = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        let control = x.wrapping_sub(ONES * 0x20) & !x & HIGH != 0;
        let quote = mysql
            && (has_zero(x ^ (ONES * u64::from(b'\''))) || has_zero(x ^ (ONES * u64::from(b'\\'))));
        if control || quote {
            return chunk.iter().position(|&c| special(c)).map(|i| at + i);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&c| special(c))
        .map(|i| at + i)
}

fn signed_and_unsigned(out: &mut Buf, v: &Value<'_>) {
    if let Value::Int { value, .. } = *v {
        out.i64(value);
        if value < 0 {
            out.s(" (");
            out.u64(v.unsigned().unwrap_or(0));
            out.ch(b')');
        }
    }
}

fn value(
    out: &mut Buf,
    tool: Tool,
    col: &ColumnMeta,
    v: &Value<'_>,
    index: usize,
) -> Result<(), DecodeError> {
    match *v {
        Value::Null => out.s("NULL"),
        Value::Int { .. } => signed_and_unsigned(out, v),
        Value::Float(f) => {
            let s = crate::cfmt::g(f64::from(f), 6);
            w!(out, "{s:<20}");
        }
        Value::Double(d) => out.s(&crate::cfmt::g(d, 20)),
        Value::Decimal {
            bytes,
            precision,
            scale,
        } => {
            let (d, _) = decode_decimal(bytes, precision, scale)?;
            w!(out, "{d}");
        }
        Value::Year(y) => w!(out, "{}", 1900 + u32::from(y)),
        Value::Date(d) => w!(out, "'{:04}:{:02}:{:02}'", d.year, d.month, d.day),
        Value::Time { time: t, fsp } => {
            w!(
                out,
                "'{}{:02}:{:02}:{:02}",
                if t.negative { "-" } else { "" },
                t.hours,
                t.minutes,
                t.seconds
            );
            frac(out, t.micros, fsp);
            out.ch(b'\'');
        }
        Value::DateTime { datetime: d, fsp } => {
            w!(
                out,
                "'{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
                d.year,
                d.month,
                d.day,
                d.hour,
                d.minute,
                d.second
            );
            frac(out, d.micros, fsp);
            out.ch(b'\'');
        }
        Value::Timestamp {
            seconds,
            micros,
            fsp,
        } => {
            w!(out, "{seconds}");
            frac(out, micros, fsp);
        }
        Value::String(s) | Value::Blob(s) | Value::Geometry(s) => quoted(out, tool, s),
        Value::Enum(e) => w!(out, "{e}"),
        // The stored (little-endian) bytes in order, each most significant
        // bit first.
        Value::Set(s) => {
            out.s("b'");
            for byte in s.to_le_bytes().iter().take(col.length as usize) {
                for i in (0..8).rev() {
                    out.ch(if byte >> i & 1 == 1 { b'1' } else { b'0' });
                }
            }
            out.ch(b'\'');
        }
        Value::Bit(b) => {
            let nbits = col.length as usize;
            out.s("b'");
            for i in (0..nbits).rev() {
                let byte = b.len() - 1 - i / 8;
                out.ch(if b[byte] >> (i % 8) & 1 == 1 {
                    b'1'
                } else {
                    b'0'
                });
            }
            out.ch(b'\'');
        }
        // A document mysqlbinlog cannot parse prints as `Invalid JSON`.
        Value::Json(j) => match json::parse_json(j) {
            Ok(doc) => out.s(&json::render_json_row(&doc)),
            Err(_) => out.s("Invalid JSON"),
        },
        Value::JsonDiff(d) => match json::parse_json_diffs(d) {
            Ok(diffs) => out.s(&json::render_json_diffs(&diffs, &format!("@{}", index + 1))),
            Err(_) => out.s("Invalid JSON"),
        },
        Value::Vector(v) => {
            out.ch(b'[');
            for (i, c) in v.chunks(4).enumerate() {
                if i > 0 {
                    out.ch(b',');
                }
                if c.len() == 4 {
                    let f = f32::from_le_bytes([c[0], c[1], c[2], c[3]]);
                    out.s(&crate::cfmt::e(f64::from(f), 5));
                }
            }
            out.ch(b']');
        }
    }
    Ok(())
}

fn frac(out: &mut Buf, micros: u32, fsp: u8) {
    if fsp > 0 {
        let digits = micros / 10u32.pow(6 - u32::from(fsp.min(6)));
        w!(out, ".{:0width$}", digits, width = usize::from(fsp));
    }
}

fn type_comment(out: &mut Buf, col: &ColumnMeta, vector_dims: Option<u64>) {
    match col.column_type {
        MYSQL_TYPE_TINY => out.s("TINYINT"),
        MYSQL_TYPE_SHORT => out.s("SHORTINT"),
        MYSQL_TYPE_INT24 => out.s("MEDIUMINT"),
        MYSQL_TYPE_LONG => out.s("INT"),
        MYSQL_TYPE_LONGLONG => out.s("LONGINT"),
        MYSQL_TYPE_FLOAT => out.s("FLOAT"),
        MYSQL_TYPE_DOUBLE => out.s("DOUBLE"),
        MYSQL_TYPE_NEWDECIMAL => w!(out, "DECIMAL({},{})", col.length, col.scale),
        MYSQL_TYPE_YEAR => out.s("YEAR"),
        MYSQL_TYPE_DATE | MYSQL_TYPE_NEWDATE => out.s("DATE"),
        MYSQL_TYPE_TIME => out.s("TIME"),
        MYSQL_TYPE_TIME2 => w!(out, "TIME({})", col.meta),
        MYSQL_TYPE_DATETIME => out.s("DATETIME"),
        MYSQL_TYPE_DATETIME2 => w!(out, "DATETIME({})", col.meta),
        MYSQL_TYPE_TIMESTAMP => out.s("TIMESTAMP"),
        MYSQL_TYPE_TIMESTAMP2 => w!(out, "TIMESTAMP({})", col.meta),
        MYSQL_TYPE_VARCHAR | MYSQL_TYPE_VAR_STRING => w!(out, "VARSTRING({})", col.length),
        MYSQL_TYPE_STRING => match col.real_type {
            MYSQL_TYPE_ENUM => w!(
                out,
                "ENUM({} byte{})",
                col.length,
                if col.length == 1 { "" } else { "s" }
            ),
            MYSQL_TYPE_SET => w!(out, "SET({} bytes)", col.length),
            _ => w!(out, "STRING({})", col.length),
        },
        MYSQL_TYPE_BIT => w!(out, "BIT({})", col.length),
        MYSQL_TYPE_BLOB | MYSQL_TYPE_TINY_BLOB | MYSQL_TYPE_MEDIUM_BLOB | MYSQL_TYPE_LONG_BLOB => {
            match col.length {
                1 => out.s("TINYBLOB/TINYTEXT"),
                2 => out.s("BLOB/TEXT"),
                3 => out.s("MEDIUMBLOB/MEDIUMTEXT"),
                _ => out.s("LONGBLOB/LONGTEXT"),
            }
        }
        MYSQL_TYPE_VARCHAR_COMPRESSED => w!(out, "VARSTRING({}) COMPRESSED", col.length),
        MYSQL_TYPE_BLOB_COMPRESSED => out.s("BLOB/TEXT COMPRESSED"),
        MYSQL_TYPE_JSON => out.s("JSON"),
        MYSQL_TYPE_GEOMETRY => out.s("GEOMETRY"),
        MYSQL_TYPE_VECTOR => w!(out, "VECTOR({})", vector_dims.unwrap_or(0)),
        other => w!(out, "#{other}"),
    }
}

/// A user variable's value as `SET @x:=…` prints it.
pub(crate) fn user_var_value(out: &mut Buf, tool: Tool, v: &UserVarValue<'_>) {
    match v.value_type {
        user_var_event::STRING_RESULT => {
            let (cs, coll) = collation(tool, u64::from(v.charset)).unwrap_or(("?", "?"));
            match tool {
                Tool::MySql => {
                    w!(out, "_{cs} 0x");
                    hex_upper(out, v.value);
                }
                Tool::MariaDb => {
                    w!(out, "_{cs} X'");
                    hex_upper(out, v.value);
                    out.ch(b'\'');
                }
            }
            out.s(" COLLATE ");
            backquoted(out, coll.as_bytes());
        }
        user_var_event::REAL_RESULT => {
            if v.value.len() == 8 {
                let mut b = [0u8; 8];
                b.copy_from_slice(v.value);
                out.s(&crate::cfmt::g(f64::from_le_bytes(b), 14));
            }
        }
        user_var_event::INT_RESULT => {
            let mut b = [0u8; 8];
            let n = v.value.len().min(8);
            b[..n].copy_from_slice(&v.value[..n]);
            let i = i64::from_le_bytes(b);
            if v.flags.unwrap_or(0) & user_var_event::UNSIGNED_F != 0 {
                w!(out, "{}", i as u64);
            } else {
                w!(out, "{i}");
            }
        }
        user_var_event::DECIMAL_RESULT => {
            if v.value.len() >= 2 {
                match decode_decimal(&v.value[2..], v.value[0], v.value[1]) {
                    Ok((d, _)) => w!(out, "{d}"),
                    Err(_) => out.s("NULL"),
                }
            }
        }
        _ => out.s("NULL"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The word-at-a-time scan finds what a byte-by-byte one does.
    #[test]
    fn first_special_matches_a_plain_scan() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..20_000 {
            let len = (next() % 40) as usize;
            let b: Vec<u8> = (0..len)
                .map(|_| match next() % 8 {
                    0 => (next() % 0x20) as u8,
                    1 => b'\'',
                    2 => b'\\',
                    3 => 0x80 | (next() % 0x80) as u8,
                    _ => b'a' + (next() % 26) as u8,
                })
                .collect();
            for mysql in [true, false] {
                let plain = b
                    .iter()
                    .position(|&c| c < 0x20 || (mysql && (c == b'\'' || c == b'\\')));
                assert_eq!(first_special(&b, mysql), plain, "{b:?} mysql={mysql}");
            }
        }
    }
}
