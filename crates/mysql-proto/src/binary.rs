//! The binary protocol of prepared statements, server side: the
//! COM_STMT_PREPARE answer, COM_STMT_EXECUTE's parameters, and result
//! rows in binary form, made from the text MySQL shows for each value.

use crate::error::{ProtoError, Result};
use crate::serve::types;
use crate::wire::{Reader, put_lenenc_bytes, put_u16, put_u32};

/// COM_STMT_PREPARE's OK: statement id, result columns, parameters.
pub fn prepare_ok(stmt_id: u32, columns: u16, params: u16, warnings: u16) -> Vec<u8> {
    let mut out = vec![0x00];
    put_u32(&mut out, stmt_id);
    put_u16(&mut out, columns);
    put_u16(&mut out, params);
    out.push(0);
    put_u16(&mut out, warnings);
    out
}

/// One bound parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    Null,
    Int(i64),
    UInt(u64),
    Double(f64),
    /// Strings, DECIMAL text, blobs: the bytes sent.
    Bytes(Vec<u8>),
    /// DATE, DATETIME, TIMESTAMP: `YYYY-MM-DD[ HH:MM:SS[.ffffff]]`.
    Temporal(String),
    /// TIME: `[-]H:MM:SS[.ffffff]`.
    Time(String),
}

/// A parsed COM_STMT_EXECUTE (the command byte already taken off).
#[derive(Debug, Clone, PartialEq)]
pub struct Execute {
    pub stmt_id: u32,
    pub flags: u8,
    pub params: Vec<Param>,
    /// Each parameter's type and unsigned flag (kept for executions that
    /// do not send them again).
    pub types: Vec<(u8, bool)>,
}

/// The statement id a COM_STMT_EXECUTE is for.
pub fn execute_stmt_id(payload: &[u8]) -> Result<u32> {
    Reader::new(payload).u32("COM_STMT_EXECUTE statement id")
}

fn temporal(r: &mut Reader<'_>, time: bool) -> Result<Param> {
    let n = r.u8("temporal length")?;
    let b = r.bytes(usize::from(n), "temporal value")?;
    let u16_at = |i: usize| u16::from_le_bytes([b[i], b[i + 1]]);
    let u32_at = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    let frac = |us: u32| {
        if us > 0 {
            format!(".{us:06}")
        } else {
            String::new()
        }
    };
    if time {
        if n == 0 {
            return Ok(Param::Time("00:00:00".into()));
        }
        if n != 8 && n != 12 {
            return Err(ProtoError::invalid("TIME parameter", format!("length {n}")));
        }
        let neg = if b[0] == 1 { "-" } else { "" };
        let hours = u64::from(u32_at(1)) * 24 + u64::from(b[5]);
        let us = if n == 12 { u32_at(8) } else { 0 };
        return Ok(Param::Time(format!(
            "{neg}{hours:02}:{:02}:{:02}{}",
            b[6],
            b[7],
            frac(us)
        )));
    }
    match n {
        0 => Ok(Param::Temporal("0000-00-00 00:00:00".into())),
        4 => Ok(Param::Temporal(format!(
            "{:04}-{:02}-{:02}",
            u16_at(0),
            b[2],
            b[3]
        ))),
        7 | 11 => {
            let us = if n == 11 { u32_at(7) } else { 0 };
            Ok(Param::Temporal(format!(
                "{:04}-{:02}-{:02} {:02}:{:02}:{:02}{}",
                u16_at(0),
                b[2],
                b[3],
                b[4],
                b[5],
                b[6],
                frac(us)
            )))
        }
        _ => Err(ProtoError::invalid(
            "DATETIME parameter",
            format!("length {n}"),
        )),
    }
}

/// Reads a COM_STMT_EXECUTE for a statement of `count` parameters.
/// `previous`: the types of the last execution (when this one sends
/// none); `long_data[i]`: parameter `i` came by COM_STMT_SEND_LONG_DATA
/// (its value is not in this packet; it comes back as an empty
/// [`Param::Bytes`] for the caller to fill).
pub fn parse_execute(
    payload: &[u8],
    count: usize,
    previous: &[(u8, bool)],
    long_data: &[bool],
) -> Result<Execute> {
    let mut r = Reader::new(payload);
    let stmt_id = r.u32("COM_STMT_EXECUTE statement id")?;
    let flags = r.u8("COM_STMT_EXECUTE flags")?;
    r.u32("COM_STMT_EXECUTE iteration count")?;
    if count == 0 {
        return Ok(Execute {
            stmt_id,
            flags,
            params: vec![],
            types: vec![],
        });
    }
    let nulls = r
        .bytes(count.div_ceil(8), "parameter NULL bitmap")?
        .to_vec();
    let bound = r.u8("new-params-bound flag")?;
    let types: Vec<(u8, bool)> = if bound == 1 {
        (0..count)
            .map(|_| -> Result<(u8, bool)> {
                let t = r.u8("parameter type")?;
                let f = r.u8("parameter flags")?;
                Ok((t, f & 0x80 != 0))
            })
            .collect::<Result<_>>()?
    } else if previous.len() == count {
        previous.to_vec()
    } else {
        return Err(ProtoError::invalid(
            "COM_STMT_EXECUTE",
            "no parameter types (never bound)",
        ));
    };
    let mut params = Vec::with_capacity(count);
    for (i, &(t, unsigned)) in types.iter().enumerate() {
        if nulls[i / 8] & (1 << (i % 8)) != 0 {
            params.push(Param::Null);
            continue;
        }
        if long_data.get(i).copied().unwrap_or(false) {
            params.push(Param::Bytes(Vec::new()));
            continue;
        }
        let p = match t {
            types::NULL => Param::Null,
            types::TINY => {
                let v = r.u8("TINY parameter")?;
                if unsigned {
                    Param::UInt(u64::from(v))
                } else {
                    Param::Int(i64::from(v as i8))
                }
            }
            types::SHORT | types::YEAR => {
                let v = r.u16("SHORT parameter")?;
                if unsigned {
                    Param::UInt(u64::from(v))
                } else {
                    Param::Int(i64::from(v as i16))
                }
            }
            types::LONG | types::INT24 => {
                let v = r.u32("LONG parameter")?;
                if unsigned {
                    Param::UInt(u64::from(v))
                } else {
                    Param::Int(i64::from(v as i32))
                }
            }
            types::LONGLONG => {
                let v = r.u64("LONGLONG parameter")?;
                if unsigned {
                    Param::UInt(v)
                } else {
                    Param::Int(v as i64)
                }
            }
            types::FLOAT => {
                let v = r.u32("FLOAT parameter")?;
                Param::Double(f64::from(f32::from_bits(v)))
            }
            types::DOUBLE => Param::Double(f64::from_bits(r.u64("DOUBLE parameter")?)),
            types::DATE | types::DATETIME | types::TIMESTAMP => temporal(&mut r, false)?,
            types::TIME => temporal(&mut r, true)?,
            _ => Param::Bytes(
                r.lenenc_bytes("parameter value")?
                    .unwrap_or_default()
                    .to_vec(),
            ),
        };
        params.push(p);
    }
    Ok(Execute {
        stmt_id,
        flags,
        params,
        types,
    })
}

fn num<T: std::str::FromStr>(text: &[u8], what: &'static str) -> Result<T> {
    std::str::from_utf8(text)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| ProtoError::invalid(what, String::from_utf8_lossy(text).into_owned()))
}

/// `YYYY-MM-DD[ HH:MM:SS[.ffffff]]` in binary (the shortest form).
fn put_datetime(out: &mut Vec<u8>, text: &[u8]) -> Result<()> {
    let s =
        std::str::from_utf8(text).map_err(|_| ProtoError::invalid("DATETIME value", "not text"))?;
    let bad = || ProtoError::invalid("DATETIME value", s.to_owned());
    let (date, time) = s.split_once(' ').unwrap_or((s, ""));
    let mut d = date
        .splitn(3, '-')
        .map(|p| p.parse::<u32>().map_err(|_| bad()));
    let (y, mo, da) = (
        d.next().ok_or_else(bad)??,
        d.next().ok_or_else(bad)??,
        d.next().ok_or_else(bad)??,
    );
    let (mut h, mut mi, mut se, mut us) = (0, 0, 0, 0);
    if !time.is_empty() {
        let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
        let mut t = hms
            .splitn(3, ':')
            .map(|p| p.parse::<u32>().map_err(|_| bad()));
        (h, mi, se) = (
            t.next().ok_or_else(bad)??,
            t.next().ok_or_else(bad)??,
            t.next().ok_or_else(bad)??,
        );
        if !frac.is_empty() {
            us = format!("{frac:0<6}")
                .get(..6)
                .ok_or_else(bad)?
                .parse()
                .map_err(|_| bad())?;
        }
    }
    let n: u8 = if us > 0 {
        11
    } else if h + mi + se > 0 {
        7
    } else if y + mo + da > 0 {
        4
    } else {
        0
    };
    out.push(n);
    if n >= 4 {
        put_u16(out, y as u16);
        out.extend_from_slice(&[mo as u8, da as u8]);
    }
    if n >= 7 {
        out.extend_from_slice(&[h as u8, mi as u8, se as u8]);
    }
    if n == 11 {
        put_u32(out, us);
    }
    Ok(())
}

/// `[-]H:MM:SS[.ffffff]` in binary.
fn put_time(out: &mut Vec<u8>, text: &[u8]) -> Result<()> {
    let s = std::str::from_utf8(text).map_err(|_| ProtoError::invalid("TIME value", "not text"))?;
    let bad = || ProtoError::invalid("TIME value", s.to_owned());
    let (neg, rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let (hms, frac) = rest.split_once('.').unwrap_or((rest, ""));
    let mut t = hms
        .splitn(3, ':')
        .map(|p| p.parse::<u32>().map_err(|_| bad()));
    let (h, mi, se) = (
        t.next().ok_or_else(bad)??,
        t.next().ok_or_else(bad)??,
        t.next().ok_or_else(bad)??,
    );
    let us: u32 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<6}")
            .get(..6)
            .ok_or_else(bad)?
            .parse()
            .map_err(|_| bad())?
    };
    if !neg && h + mi + se + us == 0 {
        out.push(0);
        return Ok(());
    }
    out.push(if us > 0 { 12 } else { 8 });
    out.push(u8::from(neg));
    put_u32(out, h / 24);
    out.extend_from_slice(&[(h % 24) as u8, mi as u8, se as u8]);
    if us > 0 {
        put_u32(out, us);
    }
    Ok(())
}

/// A binary result row from the text MySQL shows for each value, by
/// the column's type (`unsigned` from its flags).
pub fn binary_row(columns: &[(u8, bool)], values: &[Option<&[u8]>]) -> Result<Vec<u8>> {
    let mut out = vec![0x00];
    let bitmap_at = out.len();
    out.resize(bitmap_at + (columns.len() + 7 + 2) / 8, 0);
    for (i, (&(t, unsigned), v)) in columns.iter().zip(values).enumerate() {
        let Some(v) = v else {
            let bit = i + 2;
            out[bitmap_at + bit / 8] |= 1 << (bit % 8);
            continue;
        };
        match t {
            types::LONGLONG => {
                let b = if unsigned {
                    num::<u64>(v, "LONGLONG value")?.to_le_bytes()
                } else {
                    num::<i64>(v, "LONGLONG value")?.to_le_bytes()
                };
                out.extend_from_slice(&b);
            }
            types::LONG | types::INT24 => {
                let b = if unsigned {
                    num::<u32>(v, "LONG value")?.to_le_bytes()
                } else {
                    num::<i32>(v, "LONG value")?.to_le_bytes()
                };
                out.extend_from_slice(&b);
            }
            types::SHORT | types::YEAR => {
                let b = if unsigned || t == types::YEAR {
                    num::<u16>(v, "SHORT value")?.to_le_bytes()
                } else {
                    num::<i16>(v, "SHORT value")?.to_le_bytes()
                };
                out.extend_from_slice(&b);
            }
            types::TINY => out.push(if unsigned {
                num::<u8>(v, "TINY value")?
            } else {
                num::<i8>(v, "TINY value")? as u8
            }),
            types::DOUBLE => out.extend_from_slice(&num::<f64>(v, "DOUBLE value")?.to_le_bytes()),
            types::FLOAT => out.extend_from_slice(&num::<f32>(v, "FLOAT value")?.to_le_bytes()),
            types::DATE | types::DATETIME | types::TIMESTAMP => put_datetime(&mut out, v)?,
            types::TIME => put_time(&mut out, v)?,
            _ => put_lenenc_bytes(&mut out, v),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn execute_with_every_kind_of_parameter() {
        let mut p = vec![];
        put_u32(&mut p, 7);
        p.push(0);
        put_u32(&mut p, 1);
        p.push(0b0000_0100); // the third is NULL
        p.push(1);
        for (t, f) in [
            (types::LONGLONG, 0),
            (types::VAR_STRING, 0),
            (types::LONG, 0),
            (types::DATETIME, 0),
            (types::TINY, 0x80),
        ] {
            p.extend_from_slice(&[t, f]);
        }
        p.extend_from_slice(&(-5i64).to_le_bytes());
        put_lenenc_bytes(&mut p, b"it's");
        p.extend_from_slice(&[7]);
        put_u16(&mut p, 2024);
        p.extend_from_slice(&[2, 29, 13, 5, 9]);
        p.push(200);
        let e = parse_execute(&p, 5, &[], &[]).unwrap();
        assert_eq!(e.stmt_id, 7);
        assert_eq!(
            e.params,
            vec![
                Param::Int(-5),
                Param::Bytes(b"it's".to_vec()),
                Param::Null,
                Param::Temporal("2024-02-29 13:05:09".into()),
                Param::UInt(200),
            ]
        );
        // A second execution without types reuses these.
        let mut q = p[..9].to_vec();
        q.extend_from_slice(&[0b0001_1111, 0]);
        let again = parse_execute(&q, 5, &e.types, &[]).unwrap();
        assert!(again.params.iter().all(|p| *p == Param::Null));
        for n in 0..p.len() {
            let _ = parse_execute(&p[..n], 5, &[], &[]);
        }
    }

    #[test]
    fn rows_in_binary() {
        let cols = [
            (types::LONGLONG, false),
            (types::VAR_STRING, false),
            (types::DATETIME, false),
            (types::TIME, false),
            (types::DOUBLE, false),
        ];
        let r = binary_row(
            &cols,
            &[
                Some(b"-2"),
                None,
                Some(b"2024-02-29 13:05:09.5"),
                Some(b"-26:00:01"),
                Some(b"0.5"),
            ],
        )
        .unwrap();
        assert_eq!(r[0], 0);
        assert_eq!(r[1], 0b0000_1000); // column 1 (+2) is NULL
        assert_eq!(&r[2..10], &(-2i64).to_le_bytes());
        assert_eq!(
            &r[10..22],
            &[11, 0xe8, 0x07, 2, 29, 13, 5, 9, 0x20, 0xa1, 0x07, 0]
        );
        assert_eq!(&r[22..31], &[8, 1, 1, 0, 0, 0, 2, 0, 1]);
        assert_eq!(&r[31..], &0.5f64.to_le_bytes());
        assert!(binary_row(&cols[..1], &[Some(b"x")]).is_err());
    }
}
