//! TRANSACTION_PAYLOAD_EVENT: the header line, then every inner event
//! printed as if it stood in the file at the payload's end offset, between
//! `# Start of compressed events.` and `# End of compressed events.`.

use understudy_binlog::event::{self, Event, TransactionPayloadEvent};
use understudy_binlog::event_type::{TRANSACTION_PAYLOAD_EVENT, type_name};
use understudy_binlog::format_description_event::BINLOG_CHECKSUM_ALG_OFF;
use understudy_binlog::{DecodeError, EventReader, FormatDescription, RawEvent, ReadError};

use crate::printer::Printer;
use crate::w;

impl Printer<'_> {
    pub(crate) fn print_payload(
        &mut self,
        raw: &RawEvent<'_>,
        p: &TransactionPayloadEvent<'_>,
        log_pos: u64,
    ) -> Result<(), ReadError> {
        self.event_header(raw, log_pos);
        let ctype = match p.compression_type {
            0 => "ZSTD".to_string(),
            255 => "NONE".to_string(),
            n => n.to_string(),
        };
        w!(
            &mut self.out,
            "Transaction_Payload\t\tpayload_size={}\tcompression_type={ctype}\tuncompressed_size={}\n",
            p.payload_size,
            p.uncompressed_size
        );
        self.end_header();
        let short = self.opts.short_form;
        if !short {
            self.out.s("# Start of compressed events.\n");
        }
        let end = raw.end_offset();
        let with_crc = self.fde.has_checksum();
        let fde = self.fde.clone();
        each_inner(raw, p, &fde, |ev_raw, ev, _| {
            // mysqlbinlog shows each inner event as it would stand in a
            // binlog: at the payload's end, with the payload's end_log_pos
            // and a checksum over the event re-serialized with one.
            let mut header = ev_raw.header;
            header.log_pos = raw.header.log_pos;
            let mut bytes = ev_raw.raw.to_vec();
            let mut checksum = None;
            if with_crc {
                let size = (bytes.len() + 4) as u32;
                bytes[9..13].copy_from_slice(&size.to_le_bytes());
                let crc = crc32fast::hash(&bytes);
                bytes.extend_from_slice(&crc.to_le_bytes());
                header.event_size = size;
                checksum = Some(crc);
            }
            let shown = RawEvent {
                offset: end,
                header,
                type_code: ev_raw.type_code,
                raw: &bytes,
                body: ev_raw.body,
                checksum,
            };
            if !self.filtered(&shown, ev) {
                self.print(&shown, ev)?;
            }
            Ok(())
        })?;
        if !short {
            self.out.s("# End of compressed events.\n");
        }
        Ok(())
    }
}

/// Frames and decodes the events inside a transaction payload (stored
/// without checksums) and hands each to `f`. Any error names the payload's
/// offset. A payload inside a payload is an error: no server writes one,
/// and following them would nest without end.
pub(crate) fn each_inner(
    raw: &RawEvent<'_>,
    p: &TransactionPayloadEvent<'_>,
    fde: &FormatDescription,
    mut f: impl FnMut(&RawEvent<'_>, &Event<'_>, &FormatDescription) -> Result<(), ReadError>,
) -> Result<(), ReadError> {
    let err = |source| ReadError::Decode {
        offset: raw.offset,
        type_name: type_name(raw.type_code),
        source,
    };
    let inner = p.uncompressed().map_err(err)?;
    let mut fde = fde.clone();
    fde.checksum_alg = Some(BINLOG_CHECKSUM_ALG_OFF);
    let mut reader = EventReader::at(&inner, 0, 0, fde);
    while let Some(next) = reader.next_event() {
        let ev_raw = next.map_err(|e| match e {
            ReadError::Decode { source, .. } => err(source),
            other => err(DecodeError::Invalid {
                what: "transaction payload",
                detail: other.to_string(),
            }),
        })?;
        if ev_raw.type_code == TRANSACTION_PAYLOAD_EVENT {
            return Err(err(DecodeError::Invalid {
                what: "transaction payload",
                detail: "a transaction payload inside a transaction payload".into(),
            }));
        }
        let ev = event::decode(&ev_raw, reader.fde()).map_err(err)?;
        f(&ev_raw, &ev, reader.fde())?;
    }
    Ok(())
}
