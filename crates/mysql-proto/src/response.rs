//! The server's generic answers (OK, ERR, EOF) and text result sets.

use crate::error::{ProtoError, Result, ServerError};
use crate::packet::MAX_PACKET;
use crate::wire::Reader;

/// `SERVER_MORE_RESULTS_EXISTS` in the status flags.
pub const MORE_RESULTS_EXISTS: u16 = 0x0008;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OkPacket {
    pub affected_rows: u64,
    pub last_insert_id: u64,
    pub status: u16,
    pub warnings: u16,
    pub info: Vec<u8>,
}

/// Parses an OK packet (header 0x00, or 0xfe when it ends a result set).
pub fn parse_ok(payload: &[u8]) -> Result<OkPacket> {
    let mut r = Reader::new(payload);
    let h = r.u8("OK packet")?;
    if h != 0x00 && h != 0xfe {
        return Err(ProtoError::invalid(
            "OK packet",
            format!("header 0x{h:02x}"),
        ));
    }
    let affected_rows = r.lenenc_int("OK affected rows")?.unwrap_or(0);
    let last_insert_id = r.lenenc_int("OK last insert id")?.unwrap_or(0);
    let (status, warnings) = if r.remaining() >= 4 {
        (r.u16("OK status")?, r.u16("OK warnings")?)
    } else {
        (0, 0)
    };
    Ok(OkPacket {
        affected_rows,
        last_insert_id,
        status,
        warnings,
        info: r.rest().to_vec(),
    })
}

/// Parses an ERR packet (header 0xff). Never fails: a short packet gives
/// what it has. `skip` is 0 for a plain ERR packet.
pub fn parse_err(payload: &[u8], skip: usize) -> ServerError {
    let p = payload.get(skip + 1..).unwrap_or_default();
    let code = match p {
        [a, b, ..] => u16::from_le_bytes([*a, *b]),
        _ => 0,
    };
    let mut rest = p.get(2..).unwrap_or_default();
    let mut state = "HY000".to_owned();
    if rest.first() == Some(&b'#') && rest.len() >= 6 {
        state = String::from_utf8_lossy(&rest[1..6]).into_owned();
        rest = &rest[6..];
    }
    ServerError {
        code,
        state,
        message: String::from_utf8_lossy(rest).into_owned(),
    }
}

/// True for an EOF packet (0xfe and shorter than 9 bytes; a longer 0xfe
/// payload is a row or an OK-as-EOF with CLIENT_DEPRECATE_EOF).
pub fn is_eof(payload: &[u8]) -> bool {
    payload.first() == Some(&0xfe) && payload.len() < 9
}

/// A whole text result set, or the OK of a statement that returns none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryResult {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Option<Vec<u8>>>>,
    pub ok: OkPacket,
}

impl QueryResult {
    /// The first row's column `name` as text.
    pub fn get(&self, name: &str) -> Option<String> {
        let i = self
            .columns
            .iter()
            .position(|c| c.eq_ignore_ascii_case(name))?;
        let v = self.rows.first()?.get(i)?.as_ref()?;
        Some(String::from_utf8_lossy(v).into_owned())
    }

    /// Row 0, column 0 as text.
    pub fn scalar(&self) -> Option<String> {
        let v = self.rows.first()?.first()?.as_ref()?;
        Some(String::from_utf8_lossy(v).into_owned())
    }

    pub fn more_results(&self) -> bool {
        self.ok.status & MORE_RESULTS_EXISTS != 0
    }
}

/// A row vector emptied for the next payload, its allocation kept
/// (collecting an empty iterator into a vector of the same layout reuses
/// the allocation).
pub fn recycle_row(mut row: Vec<Option<&[u8]>>) -> Vec<Option<&'static [u8]>> {
    row.clear();
    row.into_iter().map(|_| None).collect()
}

/// What a payload added to a streamed result.
#[derive(Debug, PartialEq, Eq)]
pub enum Feed<'p> {
    /// Column definitions or an EOF: nothing for the caller yet.
    Pending,
    /// One row, its values borrowed from the payload (`None`: NULL).
    Row(Vec<Option<&'p [u8]>>),
    /// The result is complete (its rows are empty when streamed).
    Done(QueryResult),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Start,
    Columns { left: u64 },
    ColumnsEof,
    Rows,
}

/// Reads the answer to COM_QUERY one payload at a time.
#[derive(Debug)]
pub struct ResultReader {
    deprecate_eof: bool,
    state: State,
    result: QueryResult,
}

impl ResultReader {
    /// `deprecate_eof`: CLIENT_DEPRECATE_EOF was negotiated.
    pub fn new(deprecate_eof: bool) -> Self {
        ResultReader {
            deprecate_eof,
            state: State::Start,
            result: QueryResult::default(),
        }
    }

    /// Takes the next payload; the result once it is complete.
    pub fn feed(&mut self, p: &[u8]) -> Result<Option<QueryResult>> {
        match self.feed_streaming(p)? {
            Feed::Pending => Ok(None),
            Feed::Row(row) => {
                self.result
                    .rows
                    .push(row.into_iter().map(|v| v.map(<[u8]>::to_vec)).collect());
                Ok(None)
            }
            Feed::Done(r) => Ok(Some(r)),
        }
    }

    /// Like [`ResultReader::feed`], but hands each row back as it comes
    /// (borrowed from the payload) instead of keeping it: a result of any
    /// size in constant memory. The columns are known once the first row
    /// arrives ([`ResultReader::columns`]).
    pub fn feed_streaming<'p>(&mut self, p: &'p [u8]) -> Result<Feed<'p>> {
        self.feed_streaming_into(p, Vec::new())
    }

    /// [`ResultReader::feed_streaming`] with a row vector to fill (its
    /// allocation is reused; see [`recycle_row`]).
    pub fn feed_streaming_into<'p>(
        &mut self,
        p: &'p [u8],
        mut row: Vec<Option<&'p [u8]>>,
    ) -> Result<Feed<'p>> {
        if p.first() == Some(&0xff) {
            return Err(parse_err(p, 0).into());
        }
        match self.state {
            State::Start => {
                if p.first() == Some(&0x00) {
                    self.result.ok = parse_ok(p)?;
                    return Ok(Feed::Done(std::mem::take(&mut self.result)));
                }
                if p.first() == Some(&0xfb) {
                    return Err(ProtoError::invalid(
                        "result",
                        "LOCAL INFILE request (not supported)",
                    ));
                }
                let n = Reader::new(p)
                    .lenenc_int("column count")?
                    .ok_or_else(|| ProtoError::invalid("column count", "NULL"))?;
                self.state = State::Columns { left: n };
                if n == 0 {
                    self.state = self.after_columns();
                }
            }
            State::Columns { left } => {
                let mut r = Reader::new(p);
                for what in ["catalog", "schema", "table", "org_table"] {
                    r.lenenc_bytes(what)?;
                }
                let name = r.lenenc_bytes("column name")?.unwrap_or_default();
                self.result
                    .columns
                    .push(String::from_utf8_lossy(name).into_owned());
                self.state = if left <= 1 {
                    self.after_columns()
                } else {
                    State::Columns { left: left - 1 }
                };
            }
            State::ColumnsEof => {
                if !is_eof(p) {
                    return Err(ProtoError::invalid("result", "no EOF after columns"));
                }
                self.state = State::Rows;
            }
            State::Rows => {
                // A row may start with 0xfe too (a value of 16 MiB or
                // more); the OK that ends rows is always shorter.
                let ok_end = self.deprecate_eof && p.first() == Some(&0xfe) && p.len() < MAX_PACKET;
                if is_eof(p) || ok_end {
                    if self.deprecate_eof {
                        self.result.ok = parse_ok(p)?;
                    } else {
                        let mut r = Reader::new(p);
                        r.u8("EOF")?;
                        self.result.ok.warnings = r.u16("EOF warnings").unwrap_or(0);
                        self.result.ok.status = r.u16("EOF status").unwrap_or(0);
                    }
                    self.state = State::Start;
                    return Ok(Feed::Done(std::mem::take(&mut self.result)));
                }
                let mut r = Reader::new(p);
                row.clear();
                row.reserve(self.result.columns.len());
                for _ in 0..self.result.columns.len() {
                    row.push(r.lenenc_bytes("row value")?);
                }
                return Ok(Feed::Row(row));
            }
        }
        Ok(Feed::Pending)
    }

    /// The column names read so far.
    pub fn columns(&self) -> &[String] {
        &self.result.columns
    }

    fn after_columns(&self) -> State {
        if self.deprecate_eof {
            State::Rows
        } else {
            State::ColumnsEof
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::put_lenenc_bytes;

    #[test]
    fn a_recycled_row_keeps_its_allocation() {
        let payload = b"abc".to_vec();
        let mut row: Vec<Option<&[u8]>> = Vec::with_capacity(32);
        row.push(Some(&payload[..]));
        let ptr = row.as_ptr() as usize;
        let spare = recycle_row(row);
        assert!(spare.is_empty() && spare.capacity() >= 32);
        assert_eq!(spare.as_ptr() as usize, ptr);
    }

    fn column(name: &str) -> Vec<u8> {
        let mut p = Vec::new();
        for s in ["def", "", "", "", name, name] {
            put_lenenc_bytes(&mut p, s.as_bytes());
        }
        p.extend_from_slice(&[0x0c, 45, 0, 0, 0, 0, 0, 253, 0, 0, 0, 0, 0]);
        p
    }

    #[test]
    fn a_result_set_with_and_without_eof() {
        for deprecate in [false, true] {
            let mut r = ResultReader::new(deprecate);
            assert!(r.feed(&[2]).unwrap().is_none());
            assert!(r.feed(&column("File")).unwrap().is_none());
            assert!(r.feed(&column("Position")).unwrap().is_none());
            if !deprecate {
                assert!(r.feed(&[0xfe, 0, 0, 2, 0]).unwrap().is_none());
            }
            let mut row = Vec::new();
            put_lenenc_bytes(&mut row, b"binlog.000001");
            row.push(0xfb);
            assert!(r.feed(&row).unwrap().is_none());
            let end: &[u8] = if deprecate {
                &[0xfe, 0, 0, 2, 0, 0, 0]
            } else {
                &[0xfe, 0, 0, 2, 0]
            };
            let res = r.feed(end).unwrap().unwrap();
            assert_eq!(res.columns, ["File", "Position"]);
            assert_eq!(res.get("file").as_deref(), Some("binlog.000001"));
            assert_eq!(res.rows[0][1], None);
            assert!(!res.more_results());
        }
    }

    #[test]
    fn errors_carry_code_state_and_text() {
        let mut p = vec![0xff];
        p.extend_from_slice(&1045u16.to_le_bytes());
        p.extend_from_slice(b"#28000Access denied");
        let e = parse_err(&p, 0);
        assert_eq!((e.code, e.state.as_str()), (1045, "28000"));
        assert_eq!(e.message, "Access denied");
        assert!(ResultReader::new(true).feed(&p).is_err());
        let _ = parse_err(&[], 0);
        let _ = parse_err(&[0xff, 1], 0);
    }

    #[test]
    fn ok_packet() {
        let ok = parse_ok(&[0, 1, 0, 2, 0, 0, 0]).unwrap();
        assert_eq!((ok.affected_rows, ok.status), (1, 2));
        assert!(parse_ok(&[0, 0xfc]).is_err());
    }
}
