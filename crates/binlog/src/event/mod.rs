//! Decoding one framed event into a typed `Event`.
//!
//! One module per event type (or family), named after MySQL's event. Every
//! decoder takes the event body (after the common header, without the
//! checksum) and the post-header length the format description declares,
//! and fails on a body too short for what it says it holds. Bytes after
//! the fields a decoder knows are left alone (servers add fields at the
//! end of events over time, and pad some), except where a layout is fixed
//! enough to say they are damage. Event types this codec does not know
//! are returned as `Event::Unknown` with their bytes — never dropped.

pub mod group_replication_events;
pub mod gtid_event;
pub mod incident_event;
pub mod intvar_event;
pub mod load_events;
pub(crate) mod mariadb_compression;
pub mod mariadb_events;
pub mod misc_events;
pub mod previous_gtids_event;
pub mod query_event;
pub mod rotate_event;
pub mod rows_event;
pub mod table_map_event;
pub mod transaction_payload_event;
pub mod user_var_event;

pub use group_replication_events::{TransactionContextEvent, ViewChangeEvent};
pub use gtid_event::GtidEvent;
pub use incident_event::IncidentEvent;
pub use intvar_event::{IntvarEvent, RandEvent, XidEvent};
pub use load_events::{DeleteFileEvent, ExecuteLoadQueryEvent, LoadBlockEvent};
pub use mariadb_events::{
    BinlogCheckpointEvent, GtidListEvent, MariaGtidEvent, StartEncryptionEvent,
};
pub use misc_events::{HeartbeatEvent, RowsQueryEvent, XaPrepareEvent};
pub use previous_gtids_event::PreviousGtidsEvent;
pub use query_event::{QueryEvent, StatusVars};
pub use rotate_event::RotateEvent;
pub use rows_event::{Row, RowDecoder, RowRef, RowsEvent, RowsKind};
pub use table_map_event::TableMapEvent;
pub use transaction_payload_event::TransactionPayloadEvent;
pub use user_var_event::UserVarEvent;

use crate::error::{DecodeError, Result};
use crate::event_type::*;
use crate::format_description_event::{FormatDescription, StartEventV3};
use crate::reader::RawEvent;

#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event<'a> {
    FormatDescription(FormatDescription),
    StartV3(StartEventV3),
    Query(Box<QueryEvent<'a>>),
    Stop,
    Rotate(RotateEvent<'a>),
    Intvar(IntvarEvent),
    Rand(RandEvent),
    UserVar(UserVarEvent<'a>),
    Xid(XidEvent),
    Incident(IncidentEvent<'a>),
    Heartbeat(HeartbeatEvent<'a>),
    BeginLoadQuery(LoadBlockEvent<'a>),
    AppendBlock(LoadBlockEvent<'a>),
    ExecuteLoadQuery(Box<ExecuteLoadQueryEvent<'a>>),
    DeleteFile(DeleteFileEvent),
    TableMap(Box<TableMapEvent<'a>>),
    Rows(RowsEvent<'a>),
    RowsQuery(RowsQueryEvent<'a>),
    Gtid(Box<GtidEvent<'a>>),
    PreviousGtids(PreviousGtidsEvent),
    TransactionContext(TransactionContextEvent<'a>),
    ViewChange(ViewChangeEvent<'a>),
    XaPrepare(XaPrepareEvent<'a>),
    TransactionPayload(TransactionPayloadEvent<'a>),
    Ignorable(&'a [u8]),
    AnnotateRows(&'a [u8]),
    BinlogCheckpoint(BinlogCheckpointEvent<'a>),
    MariaGtid(MariaGtidEvent<'a>),
    MariaGtidList(GtidListEvent),
    StartEncryption(StartEncryptionEvent),
    /// A type this codec does not know (or an obsolete one it does not
    /// decode, such as the 4.x/5.0 LOAD_EVENT family), kept whole.
    Unknown {
        type_code: u8,
        body: &'a [u8],
    },
}

fn post_header(fde: &FormatDescription, type_code: u8, default: usize) -> usize {
    fde.post_header_len(type_code).unwrap_or(default)
}

/// Decodes a framed event with the format description in force.
pub fn decode<'a>(raw: &RawEvent<'a>, fde: &FormatDescription) -> Result<Event<'a>> {
    let body = raw.body;
    let t = raw.type_code;
    Ok(match t {
        // Its body with the checksum, whose algorithm it declares; the
        // header of a format description is always 19 bytes.
        FORMAT_DESCRIPTION_EVENT => Event::FormatDescription(FormatDescription::parse(
            raw.raw
                .get(crate::header::LOG_EVENT_HEADER_LEN..)
                .ok_or(DecodeError::Truncated {
                    what: "format description header",
                    need: crate::header::LOG_EVENT_HEADER_LEN,
                    have: raw.raw.len(),
                })?,
        )?),
        START_EVENT_V3 => Event::StartV3(StartEventV3::parse(body)?),
        QUERY_EVENT => Event::Query(QueryEvent::parse_boxed(body, post_header(fde, t, 13))?),
        QUERY_COMPRESSED_EVENT => Event::Query(Box::new(QueryEvent::parse_compressed(
            body,
            post_header(fde, t, 13),
        )?)),
        STOP_EVENT => Event::Stop,
        ROTATE_EVENT => Event::Rotate(RotateEvent::parse(body, post_header(fde, t, 8))?),
        INTVAR_EVENT => Event::Intvar(IntvarEvent::parse(body)?),
        RAND_EVENT => Event::Rand(RandEvent::parse(body)?),
        USER_VAR_EVENT => Event::UserVar(UserVarEvent::parse(body)?),
        XID_EVENT => Event::Xid(XidEvent::parse(body)?),
        INCIDENT_EVENT => Event::Incident(IncidentEvent::parse(body, post_header(fde, t, 2))?),
        HEARTBEAT_LOG_EVENT => Event::Heartbeat(HeartbeatEvent::parse_v1(body)?),
        HEARTBEAT_LOG_EVENT_V2 => Event::Heartbeat(HeartbeatEvent::parse_v2(body)?),
        BEGIN_LOAD_QUERY_EVENT => {
            Event::BeginLoadQuery(LoadBlockEvent::parse(body, post_header(fde, t, 4))?)
        }
        APPEND_BLOCK_EVENT => {
            Event::AppendBlock(LoadBlockEvent::parse(body, post_header(fde, t, 4))?)
        }
        EXECUTE_LOAD_QUERY_EVENT => Event::ExecuteLoadQuery(Box::new(
            ExecuteLoadQueryEvent::parse(body, post_header(fde, t, 26))?,
        )),
        DELETE_FILE_EVENT => Event::DeleteFile(DeleteFileEvent::parse(body)?),
        TABLE_MAP_EVENT => {
            Event::TableMap(TableMapEvent::parse_boxed(body, post_header(fde, t, 8))?)
        }
        PRE_GA_WRITE_ROWS_EVENT..=PRE_GA_DELETE_ROWS_EVENT
        | WRITE_ROWS_EVENT_V1..=DELETE_ROWS_EVENT_V1
        | WRITE_ROWS_EVENT..=DELETE_ROWS_EVENT
        | PARTIAL_UPDATE_ROWS_EVENT
        | WRITE_ROWS_COMPRESSED_EVENT_V1..=DELETE_ROWS_COMPRESSED_EVENT => {
            let default = if rows_event::rows_kind(t).is_some_and(|k| k.1 == 2) {
                10
            } else {
                8
            };
            Event::Rows(RowsEvent::parse(body, t, post_header(fde, t, default))?)
        }
        ROWS_QUERY_LOG_EVENT => Event::RowsQuery(RowsQueryEvent::parse(body)?),
        GTID_LOG_EVENT => Event::Gtid(Box::new(GtidEvent::parse(body, false)?)),
        ANONYMOUS_GTID_LOG_EVENT => Event::Gtid(Box::new(GtidEvent::parse(body, true)?)),
        GTID_TAGGED_LOG_EVENT => Event::Gtid(Box::new(GtidEvent::parse_tagged(body)?)),
        PREVIOUS_GTIDS_LOG_EVENT => Event::PreviousGtids(PreviousGtidsEvent::parse(body)?),
        TRANSACTION_CONTEXT_EVENT => {
            Event::TransactionContext(TransactionContextEvent::parse(body)?)
        }
        VIEW_CHANGE_EVENT => Event::ViewChange(ViewChangeEvent::parse(body)?),
        XA_PREPARE_LOG_EVENT => Event::XaPrepare(XaPrepareEvent::parse(body)?),
        TRANSACTION_PAYLOAD_EVENT => {
            Event::TransactionPayload(TransactionPayloadEvent::parse(body)?)
        }
        IGNORABLE_LOG_EVENT => Event::Ignorable(body),
        ANNOTATE_ROWS_EVENT => Event::AnnotateRows(body),
        BINLOG_CHECKPOINT_EVENT => Event::BinlogCheckpoint(BinlogCheckpointEvent::parse(body)?),
        GTID_EVENT => Event::MariaGtid(MariaGtidEvent::parse(body)?),
        GTID_LIST_EVENT => Event::MariaGtidList(GtidListEvent::parse(body)?),
        START_ENCRYPTION_EVENT => Event::StartEncryption(StartEncryptionEvent::parse(body)?),
        _ => Event::Unknown { type_code: t, body },
    })
}

/// Like `decode`, but an error says which event failed.
pub fn decode_at<'a>(
    raw: &RawEvent<'a>,
    fde: &FormatDescription,
) -> std::result::Result<Event<'a>, crate::ReadError> {
    decode(raw, fde).map_err(|source: DecodeError| crate::ReadError::Decode {
        offset: raw.offset,
        type_name: type_name(raw.type_code),
        source,
    })
}
