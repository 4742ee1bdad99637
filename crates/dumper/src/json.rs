//! `--format json`: one JSON object per event (JSON Lines), with row values
//! typed — something mysqlbinlog does not offer.
//!
//! Every object has `offset`, `end`, `type` (MySQL's name), `type_code`,
//! `timestamp`, `server_id`, `log_pos` and `flags`, and the event's fields
//! under `event`. Row values are keyed by column name when the table map
//! carries names (binlog_row_metadata=FULL), else `@1`, `@2`, …: integers
//! as numbers (unsigned when the table map says so), DECIMAL as a string,
//! dates and times as strings, TIMESTAMP as a UTC ISO-8601 string, text as a
//! string when it is UTF-8 and `{"hex": …}` otherwise, JSON columns as
//! JSON. Events inside a transaction payload follow it, with `in_payload`.
//! Position and datetime bounds apply; GTID and database filters do not.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::ops::ControlFlow;

use serde_json::{Map, Value as J, json};
use understudy_binlog::event::rows_event::RowsKind;
use understudy_binlog::event::{self, Event, TableMapEvent};
use understudy_binlog::event_type::type_name;
use understudy_binlog::gtid::Uuid;
use understudy_binlog::stream::each_event;
use understudy_binlog::value::column_type::*;
use understudy_binlog::value::decimal::decode_decimal;
use understudy_binlog::value::json::{
    JsonDiffOperation, JsonValue, parse_json, parse_json_diffs, render_json,
};
use understudy_binlog::value::{ColumnMeta, ColumnValue, Value};
use understudy_binlog::{RawEvent, ReadError};

use crate::options::Options;
use crate::printer::Outcome;

fn text(b: &[u8]) -> J {
    match std::str::from_utf8(b) {
        Ok(s) => J::String(s.to_string()),
        Err(_) => json!({ "hex": hex(b) }),
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn json_doc(v: &JsonValue<'_>) -> J {
    match v {
        JsonValue::Null => J::Null,
        JsonValue::Bool(b) => J::Bool(*b),
        JsonValue::Int(i) => json!(i),
        JsonValue::UInt(u) => json!(u),
        JsonValue::Double(d) => json!(d),
        JsonValue::String(s) => J::String(String::from_utf8_lossy(s).into_owned()),
        JsonValue::Array(a) => J::Array(a.iter().map(json_doc).collect()),
        JsonValue::Object(o) => J::Object(
            o.iter()
                .map(|(k, v)| (String::from_utf8_lossy(k).into_owned(), json_doc(v)))
                .collect(),
        ),
        JsonValue::Opaque { .. } => serde_json::from_str(&render_json(v)).unwrap_or(J::Null),
    }
}

/// What `--format json` keeps of a table map.
struct Table {
    db: String,
    name: String,
    columns: Vec<ColumnMeta>,
    names: Vec<String>,
    unsigned: Vec<bool>,
}

impl Table {
    fn from_event(t: &TableMapEvent<'_>) -> Self {
        // One name per column whatever the metadata holds (a damaged map
        // may name fewer or more): `@N` where it names none.
        let given = t.optional.column_names.as_deref().unwrap_or_default();
        let names = (0..t.columns.len())
            .map(|i| match given.get(i) {
                Some(n) => String::from_utf8_lossy(n).into_owned(),
                None => format!("@{}", i + 1),
            })
            .collect();
        // The signedness bitmap covers numeric columns, most significant bit first.
        let mut unsigned = vec![false; t.columns.len()];
        if let Some(bits) = t.optional.signedness {
            let mut k = 0;
            for (i, c) in t.columns.iter().enumerate() {
                if is_numeric(c.column_type) {
                    unsigned[i] = bits.get(k / 8).is_some_and(|b| b & (0x80 >> (k % 8)) != 0);
                    k += 1;
                }
            }
        }
        Table {
            db: String::from_utf8_lossy(t.database).into_owned(),
            name: String::from_utf8_lossy(t.table).into_owned(),
            columns: t.columns.clone(),
            names,
            unsigned,
        }
    }
}

fn value(t: &Table, cv: &ColumnValue<'_>) -> J {
    match cv.value {
        Value::Null => J::Null,
        Value::Int { value, .. } if t.unsigned[cv.index] => json!(cv.value.unsigned().unwrap_or(value as u64)),
        Value::Int { value, .. } => json!(value),
        Value::Float(f) => serde_json::Number::from_f64(f64::from(f)).map_or(J::String(f.to_string()), J::Number),
        Value::Double(d) => serde_json::Number::from_f64(d).map_or(J::String(d.to_string()), J::Number),
        Value::Decimal { bytes, precision, scale } => {
            decode_decimal(bytes, precision, scale).map_or(J::Null, |(d, _)| J::String(d.to_string()))
        }
        Value::Year(y) => json!(1900 + u32::from(y)),
        Value::Date(d) => J::String(format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)),
        Value::Time { time: t, fsp } => J::String(format!(
            "{}{:02}:{:02}:{:02}{}",
            if t.negative { "-" } else { "" },
            t.hours,
            t.minutes,
            t.seconds,
            frac(t.micros, fsp)
        )),
        Value::DateTime { datetime: d, fsp } => J::String(format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}{}",
            d.year,
            d.month,
            d.day,
            d.hour,
            d.minute,
            d.second,
            frac(d.micros, fsp)
        )),
        Value::Timestamp { seconds, micros, fsp } => {
            let tm = crate::text::tm(i64::from(seconds), 0);
            J::String(format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}Z",
                tm.year,
                tm.month,
                tm.day,
                tm.hour,
                tm.minute,
                tm.second,
                frac(micros, fsp)
            ))
        }
        Value::String(s) | Value::Blob(s) => text(s),
        Value::Enum(e) => json!(e),
        Value::Set(s) => json!(s),
        Value::Bit(b) => json!(b.iter().fold(0u128, |a, &x| a << 8 | u128::from(x)) as u64),
        Value::Json(j) => parse_json(j).map_or_else(|_| json!({ "invalid_json_hex": hex(j) }), |d| json_doc(&d)),
        Value::JsonDiff(d) => match parse_json_diffs(d) {
            Ok(diffs) => J::Array(
                diffs
                    .iter()
                    .map(|d| {
                        let op = match d.operation {
                            JsonDiffOperation::Replace => "replace",
                            JsonDiffOperation::Insert => "insert",
                            JsonDiffOperation::Remove => "remove",
                        };
                        json!({ "op": op, "path": String::from_utf8_lossy(d.path), "value": d.value.as_ref().map(json_doc) })
                    })
                    .collect(),
            ),
            Err(_) => json!({ "invalid_json_diff_hex": hex(d) }),
        },
        Value::Geometry(g) => json!({ "hex": hex(g) }),
        Value::Vector(v) => J::Array(
            v.chunks_exact(4)
                .map(|c| {
                    let f = f32::from_le_bytes([c[0], c[1], c[2], c[3]]);
                    serde_json::Number::from_f64(f64::from(f)).map_or(J::Null, J::Number)
                })
                .collect(),
        ),
    }
}

fn frac(micros: u32, fsp: u8) -> String {
    if fsp == 0 {
        String::new()
    } else {
        let digits = micros / 10u32.pow(6 - u32::from(fsp.min(6)));
        format!(".{digits:0width$}", width = usize::from(fsp))
    }
}

fn image(t: &Table, cols: &Option<Vec<ColumnValue<'_>>>) -> J {
    match cols {
        None => J::Null,
        Some(cols) => J::Object(
            cols.iter()
                .map(|cv| (t.names[cv.index].clone(), value(t, cv)))
                .collect(),
        ),
    }
}

struct JsonDump {
    out: Vec<u8>,
    tables: HashMap<u64, Table>,
}

impl JsonDump {
    fn event(
        &mut self,
        raw: &RawEvent<'_>,
        ev: &Event<'_>,
        fde: &understudy_binlog::FormatDescription,
        in_payload: Option<u64>,
    ) -> Result<(), ReadError> {
        let err = |source| ReadError::Decode {
            offset: raw.offset,
            type_name: type_name(raw.type_code),
            source,
        };
        let body: J = match ev {
            Event::FormatDescription(f) => json!({
                "binlog_version": f.binlog_version, "server_version": f.server_version,
                "create_timestamp": f.create_timestamp, "checksum_alg": f.checksum_alg,
            }),
            Event::Query(q) => json!({
                "thread_id": q.thread_id, "exec_time": q.exec_time, "error_code": q.error_code,
                "database": text(q.db), "query": text(&q.query),
                "sql_mode": q.status_vars.sql_mode, "flags2": q.status_vars.flags2,
                "charset": q.status_vars.charset.map(|c| [c.0, c.1, c.2]),
                "time_zone": q.status_vars.time_zone.map(text),
            }),
            Event::ExecuteLoadQuery(l) => json!({
                "thread_id": l.query.thread_id, "database": text(l.query.db), "query": text(&l.query.query),
                "file_id": l.file_id, "fn_pos_start": l.fn_pos_start, "fn_pos_end": l.fn_pos_end,
            }),
            Event::Rotate(r) => json!({ "next_log": text(r.next_log), "position": r.position }),
            Event::Xid(x) => json!({ "xid": x.xid }),
            Event::Intvar(i) => json!({ "kind": i.kind, "value": i.value }),
            Event::Rand(r) => json!({ "seed1": r.seed1, "seed2": r.seed2 }),
            Event::UserVar(u) => json!({
                "name": text(u.name),
                "value": u.value.as_ref().map(|v| json!({ "type": v.value_type, "charset": v.charset, "hex": hex(v.value), "flags": v.flags })),
            }),
            Event::BeginLoadQuery(b) | Event::AppendBlock(b) => {
                json!({ "file_id": b.file_id, "length": b.data.len() })
            }
            Event::DeleteFile(d) => json!({ "file_id": d.file_id }),
            Event::TableMap(t) => {
                let table = Table::from_event(t);
                let v = json!({
                    "table_id": t.table_id, "database": table.db, "table": table.name,
                    "columns": table.columns.iter().enumerate().map(|(i, c)| json!({
                        "name": table.names[i], "type": c.column_type, "real_type": c.real_type,
                        "meta": c.meta, "nullable": t.is_nullable(i), "unsigned": table.unsigned[i],
                    })).collect::<Vec<_>>(),
                });
                self.tables.insert(t.table_id, table);
                v
            }
            Event::Rows(r) => {
                let table = self.tables.get(&r.table_id).ok_or_else(|| {
                    err(understudy_binlog::DecodeError::Invalid {
                        what: "rows event",
                        detail: format!("table id {} was not mapped", r.table_id),
                    })
                })?;
                let mut rows = Vec::new();
                for row in r.rows_with(&table.columns).map_err(err)? {
                    let row = row.map_err(err)?;
                    rows.push(json!({ "before": image(table, &row.before), "after": image(table, &row.after) }));
                }
                let kind = match r.kind {
                    RowsKind::Write => "write",
                    RowsKind::Update => "update",
                    RowsKind::Delete => "delete",
                    RowsKind::PartialUpdate => "partial_update",
                };
                json!({ "kind": kind, "table_id": r.table_id, "database": table.db, "table": table.name, "flags": r.flags, "rows": rows })
            }
            Event::RowsQuery(q) => json!({ "query": text(q.query) }),
            Event::AnnotateRows(q) => json!({ "query": text(q) }),
            Event::Gtid(g) => {
                let gtid = if g.anonymous {
                    "ANONYMOUS".to_string()
                } else if g.tag.is_empty() {
                    format!("{}:{}", Uuid(g.uuid), g.gno)
                } else {
                    format!(
                        "{}:{}:{}",
                        Uuid(g.uuid),
                        String::from_utf8_lossy(g.tag),
                        g.gno
                    )
                };
                json!({
                    "gtid": gtid, "last_committed": g.logical_clock.map(|c| c.0), "sequence_number": g.logical_clock.map(|c| c.1),
                    "immediate_commit_timestamp": g.immediate_commit_timestamp, "original_commit_timestamp": g.original_commit_timestamp,
                    "transaction_length": g.transaction_length, "immediate_server_version": g.immediate_server_version,
                    "original_server_version": g.original_server_version,
                })
            }
            Event::PreviousGtids(p) => {
                json!({ "gtid_set": p.gtid_set.to_string_with_separator(",") })
            }
            Event::XaPrepare(x) => {
                json!({ "one_phase": x.one_phase, "format_id": x.format_id, "gtrid_hex": hex(x.gtrid), "bqual_hex": hex(x.bqual) })
            }
            Event::MariaGtid(g) => {
                json!({ "gtid": format!("{}-{}-{}", g.domain_id, raw.header.server_id, g.seq_no), "flags2": g.flags2, "commit_id": g.commit_id })
            }
            Event::MariaGtidList(l) => {
                json!({ "gtids": l.gtids.iter().map(|g| g.to_string()).collect::<Vec<_>>() })
            }
            Event::BinlogCheckpoint(c) => json!({ "log": text(c.log_name) }),
            Event::StartEncryption(e) => {
                json!({ "scheme": e.scheme, "key_version": e.key_version, "nonce_hex": hex(&e.nonce) })
            }
            Event::Incident(i) => json!({ "incident": i.incident, "message": text(i.message) }),
            Event::TransactionPayload(p) => {
                json!({ "payload_size": p.payload_size, "compression_type": p.compression_type, "uncompressed_size": p.uncompressed_size })
            }
            Event::Unknown { type_code, body } => {
                json!({ "unknown_type_code": type_code, "body_hex": hex(body) })
            }
            Event::Stop => json!({}),
            _ => json!({ "body_hex": hex(raw.body) }),
        };
        let mut obj = Map::new();
        obj.insert("offset".into(), json!(raw.offset));
        obj.insert("end".into(), json!(raw.end_offset()));
        obj.insert("type".into(), json!(type_name(raw.type_code)));
        obj.insert("type_code".into(), json!(raw.type_code));
        obj.insert("timestamp".into(), json!(raw.header.timestamp));
        obj.insert("server_id".into(), json!(raw.header.server_id));
        obj.insert("log_pos".into(), json!(raw.header.log_pos));
        obj.insert("flags".into(), json!(raw.header.flags));
        if let Some(p) = in_payload {
            obj.insert("in_payload".into(), json!(p));
        }
        obj.insert("event".into(), body);
        self.out
            .extend_from_slice(J::Object(obj).to_string().as_bytes());
        self.out.push(b'\n');
        if let Event::TransactionPayload(p) = ev {
            crate::payload::each_inner(raw, p, fde, |iraw, iev, ifde| {
                self.event(iraw, iev, ifde, Some(raw.offset))
            })?;
        }
        Ok(())
    }
}

/// Dumps one file as JSON Lines.
pub(crate) fn dump_json<R: Read + ?Sized>(
    input: &mut R,
    opts: &Options,
    sink_out: &mut dyn Write,
) -> io::Result<Outcome> {
    let mut d = JsonDump {
        out: Vec::new(),
        tables: HashMap::new(),
    };
    let mut events = 0;
    let mut error = None;
    let mut started = false;
    let mut written = Ok(());
    let read_error = each_event(input, opts.verify_checksum, |raw, fde| {
        let ev = match event::decode_at(raw, fde) {
            Ok(ev) => ev,
            Err(e) => {
                error = Some(e);
                return ControlFlow::Break(());
            }
        };
        let ts = i64::from(raw.header.timestamp);
        if opts.past_stop(raw.offset, raw.header.timestamp) {
            return ControlFlow::Break(());
        }
        started |= opts.start_position.is_none_or(|s| raw.offset >= s)
            && opts.start_datetime.is_none_or(|s| ts >= s);
        if !started {
            return ControlFlow::Continue(());
        }
        events += 1;
        if let Err(e) = d.event(raw, &ev, fde, None) {
            error = Some(e);
            return ControlFlow::Break(());
        }
        if d.out.len() >= 1 << 20 {
            written = sink_out.write_all(&d.out);
            d.out.clear();
            if written.is_err() {
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    });
    written?;
    // A file that cannot be read further: what was made of it still goes
    // out before the error.
    let read_error = match read_error {
        Ok(e) => e,
        Err(e) => {
            let _ = sink_out.write_all(&d.out);
            return Err(e);
        }
    };
    sink_out.write_all(&d.out)?;
    Ok(Outcome {
        events,
        stderr: Vec::new(),
        error: error.or(read_error),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the file_reader fuzz target: a table map whose metadata
    /// names fewer columns than it has.
    #[test]
    fn every_column_has_a_name() {
        let long = ColumnMeta {
            column_type: MYSQL_TYPE_LONG,
            real_type: MYSQL_TYPE_LONG,
            meta: 0,
            length: 4,
            scale: 0,
        };
        let mut t = TableMapEvent {
            columns: vec![long; 3],
            ..TableMapEvent::default()
        };
        t.optional.column_names = Some(vec![b"id".as_slice()]);
        assert_eq!(Table::from_event(&t).names, ["id", "@2", "@3"]);
        t.optional.column_names = Some(vec![b"a".as_slice(); 5]);
        assert_eq!(Table::from_event(&t).names, ["a", "a", "a"]);
    }
}
