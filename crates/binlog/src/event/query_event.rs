//! QUERY_EVENT (2), and the query part of EXECUTE_LOAD_QUERY_EVENT (18) and
//! MariaDB's QUERY_COMPRESSED_EVENT (165).
//!
//! Post-header (13 bytes in binlog v4, 11 before): `thread_id:4
//! exec_time:4 db_len:1 error_code:2 [status_vars_len:2]`, then any extra
//! post-header bytes of the event type. Body: `status_vars
//! db:[db_len] \0 query:[rest]`. Status variables are `code:1 value` pairs
//! whose value layout depends on the code; an unknown code ends parsing
//! (the server does the same: it cannot know the length).

use std::borrow::Cow;

use crate::cursor::Cursor;
use crate::error::{DecodeError, Result};

pub const Q_FLAGS2_CODE: u8 = 0;
pub const Q_SQL_MODE_CODE: u8 = 1;
pub const Q_CATALOG_CODE: u8 = 2;
pub const Q_AUTO_INCREMENT: u8 = 3;
pub const Q_CHARSET_CODE: u8 = 4;
pub const Q_TIME_ZONE_CODE: u8 = 5;
pub const Q_CATALOG_NZ_CODE: u8 = 6;
pub const Q_LC_TIME_NAMES_CODE: u8 = 7;
pub const Q_CHARSET_DATABASE_CODE: u8 = 8;
pub const Q_TABLE_MAP_FOR_UPDATE_CODE: u8 = 9;
pub const Q_MASTER_DATA_WRITTEN_CODE: u8 = 10;
pub const Q_INVOKER: u8 = 11;
pub const Q_UPDATED_DB_NAMES: u8 = 12;
pub const Q_MICROSECONDS: u8 = 13;
pub const Q_COMMIT_TS: u8 = 14;
pub const Q_COMMIT_TS2: u8 = 15;
pub const Q_EXPLICIT_DEFAULTS_FOR_TIMESTAMP: u8 = 16;
pub const Q_DDL_LOGGED_WITH_XID: u8 = 17;
pub const Q_DEFAULT_COLLATION_FOR_UTF8MB4: u8 = 18;
pub const Q_SQL_REQUIRE_PRIMARY_KEY: u8 = 19;
pub const Q_DEFAULT_TABLE_ENCRYPTION: u8 = 20;
/// MariaDB: microseconds of the statement's start (3 bytes).
pub const Q_HRNOW: u8 = 128;
/// MariaDB: XID of a DDL's implicit commit (8 bytes).
pub const Q_XID: u8 = 129;
/// MariaDB 10.5+: extra GTID flags (1 byte).
pub const Q_GTID_FLAGS3: u8 = 130;
/// MariaDB 11.2+: per-charset default collations (count + pairs).
pub const Q_CHARACTER_SET_COLLATIONS: u8 = 131;

/// "Too many databases": Q_UPDATED_DB_NAMES then carries no names.
pub const OVER_MAX_DBS_IN_EVENT_MTS: u8 = 254;

/// OPTION_* bits of Q_FLAGS2_CODE that the dumper prints.
pub const OPTION_AUTO_IS_NULL: u32 = 1 << 14;
pub const OPTION_NOT_AUTOCOMMIT: u32 = 1 << 19;
pub const OPTION_NO_FOREIGN_KEY_CHECKS: u32 = 1 << 26;
pub const OPTION_RELAXED_UNIQUE_CHECKS: u32 = 1 << 27;
/// MariaDB's own Q_FLAGS2_CODE bits (observed on MariaDB 10.11 and 11.8).
pub const OPTION_NO_CHECK_CONSTRAINT_CHECKS: u32 = 1 << 15;
pub const OPTION_EXPLICIT_DEF_TIMESTAMP: u32 = 1 << 24;
pub const OPTION_IF_EXISTS: u32 = 1 << 28;
pub const OPTION_INSERT_HISTORY: u32 = 1 << 30;

/// The session context a query was logged with. `None` = not logged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusVars<'a> {
    pub flags2: Option<u32>,
    pub sql_mode: Option<u64>,
    pub catalog: Option<&'a [u8]>,
    pub auto_increment: Option<(u16, u16)>,
    /// (character_set_client, collation_connection, collation_server)
    pub charset: Option<(u16, u16, u16)>,
    pub time_zone: Option<&'a [u8]>,
    pub lc_time_names: Option<u16>,
    pub charset_database: Option<u16>,
    pub table_map_for_update: Option<u64>,
    pub master_data_written: Option<u32>,
    /// (user, host)
    pub invoker: Option<(&'a [u8], &'a [u8])>,
    /// `Some(None)` = more databases than the event can name.
    pub updated_db_names: Option<Option<Vec<&'a [u8]>>>,
    pub microseconds: Option<u32>,
    pub commit_ts: Option<u64>,
    pub explicit_defaults_for_timestamp: Option<u8>,
    pub ddl_xid: Option<u64>,
    pub default_collation_for_utf8mb4: Option<u16>,
    pub sql_require_primary_key: Option<u8>,
    pub default_table_encryption: Option<u8>,
    pub hrnow: Option<u32>,
    pub mariadb_xid: Option<u64>,
    pub gtid_flags3: Option<u8>,
    /// With Q_GTID_FLAGS3 saying COMMIT or ROLLBACK ALTER: the sequence
    /// number of the START ALTER it ends.
    pub start_alter_seq_no: Option<u64>,
    pub character_set_collations: Option<&'a [u8]>,
    /// First status-variable code this decoder did not know, if any.
    pub unknown_code: Option<u8>,
}

impl<'a> StatusVars<'a> {
    #[inline]
    pub fn parse(bytes: &'a [u8]) -> Result<Self> {
        Self::parse_until(bytes, None)
    }

    /// Parses like an older reader that does not know code `stop_at` (and
    /// so cannot read anything after it) would.
    pub fn parse_until(bytes: &'a [u8], stop_at: Option<u8>) -> Result<Self> {
        let mut v = StatusVars::default();
        v.read(bytes, stop_at)?;
        Ok(v)
    }

    /// `parse_until` into `self` (which must be empty): a query event's
    /// status variables are decoded where they are kept, not moved there.
    #[inline]
    fn read(&mut self, bytes: &'a [u8], stop_at: Option<u8>) -> Result<()> {
        let v = self;
        let mut c = Cursor::new(bytes);
        while !c.is_empty() {
            let code = c.u8("status variable code")?;
            if Some(code) == stop_at {
                v.unknown_code = Some(code);
                break;
            }
            match code {
                Q_FLAGS2_CODE => v.flags2 = Some(c.u32("Q_FLAGS2_CODE")?),
                Q_SQL_MODE_CODE => v.sql_mode = Some(c.u64("Q_SQL_MODE_CODE")?),
                Q_CATALOG_CODE => {
                    v.catalog = Some(c.str_u8("Q_CATALOG_CODE")?);
                    c.skip(1, "Q_CATALOG_CODE terminator")?;
                }
                Q_AUTO_INCREMENT => {
                    v.auto_increment =
                        Some((c.u16("Q_AUTO_INCREMENT")?, c.u16("Q_AUTO_INCREMENT")?))
                }
                Q_CHARSET_CODE => {
                    v.charset = Some((
                        c.u16("Q_CHARSET_CODE")?,
                        c.u16("Q_CHARSET_CODE")?,
                        c.u16("Q_CHARSET_CODE")?,
                    ))
                }
                Q_TIME_ZONE_CODE => v.time_zone = Some(c.str_u8("Q_TIME_ZONE_CODE")?),
                Q_CATALOG_NZ_CODE => v.catalog = Some(c.str_u8("Q_CATALOG_NZ_CODE")?),
                Q_LC_TIME_NAMES_CODE => v.lc_time_names = Some(c.u16("Q_LC_TIME_NAMES_CODE")?),
                Q_CHARSET_DATABASE_CODE => {
                    v.charset_database = Some(c.u16("Q_CHARSET_DATABASE_CODE")?)
                }
                Q_TABLE_MAP_FOR_UPDATE_CODE => {
                    v.table_map_for_update = Some(c.u64("Q_TABLE_MAP_FOR_UPDATE_CODE")?)
                }
                Q_MASTER_DATA_WRITTEN_CODE => {
                    v.master_data_written = Some(c.u32("Q_MASTER_DATA_WRITTEN_CODE")?)
                }
                Q_INVOKER => {
                    let user = c.str_u8("Q_INVOKER user")?;
                    let host = c.str_u8("Q_INVOKER host")?;
                    v.invoker = Some((user, host));
                }
                Q_UPDATED_DB_NAMES => {
                    let n = c.u8("Q_UPDATED_DB_NAMES count")?;
                    if n == OVER_MAX_DBS_IN_EVENT_MTS {
                        v.updated_db_names = Some(None);
                    } else {
                        let mut names = Vec::with_capacity(usize::from(n));
                        for _ in 0..n {
                            names.push(c.cstr("Q_UPDATED_DB_NAMES name")?);
                        }
                        v.updated_db_names = Some(Some(names));
                    }
                }
                Q_MICROSECONDS => v.microseconds = Some(c.u24("Q_MICROSECONDS")?),
                Q_COMMIT_TS => v.commit_ts = Some(c.u64("Q_COMMIT_TS")?),
                Q_COMMIT_TS2 => v.commit_ts = Some(c.u64("Q_COMMIT_TS2")?),
                Q_EXPLICIT_DEFAULTS_FOR_TIMESTAMP => {
                    v.explicit_defaults_for_timestamp =
                        Some(c.u8("Q_EXPLICIT_DEFAULTS_FOR_TIMESTAMP")?)
                }
                Q_DDL_LOGGED_WITH_XID => v.ddl_xid = Some(c.u64("Q_DDL_LOGGED_WITH_XID")?),
                Q_DEFAULT_COLLATION_FOR_UTF8MB4 => {
                    v.default_collation_for_utf8mb4 =
                        Some(c.u16("Q_DEFAULT_COLLATION_FOR_UTF8MB4")?)
                }
                Q_SQL_REQUIRE_PRIMARY_KEY => {
                    v.sql_require_primary_key = Some(c.u8("Q_SQL_REQUIRE_PRIMARY_KEY")?)
                }
                Q_DEFAULT_TABLE_ENCRYPTION => {
                    v.default_table_encryption = Some(c.u8("Q_DEFAULT_TABLE_ENCRYPTION")?)
                }
                Q_HRNOW => v.hrnow = Some(c.u24("Q_HRNOW")?),
                Q_XID => v.mariadb_xid = Some(c.u64("Q_XID")?),
                Q_GTID_FLAGS3 => {
                    use super::mariadb_events::{FL_COMMIT_ALTER_E1, FL_ROLLBACK_ALTER_E1};
                    let flags = c.u8("Q_GTID_FLAGS3")?;
                    v.gtid_flags3 = Some(flags);
                    if flags & (FL_COMMIT_ALTER_E1 | FL_ROLLBACK_ALTER_E1) != 0 {
                        v.start_alter_seq_no = Some(c.u64("Q_GTID_FLAGS3 start alter seq_no")?);
                    }
                }
                Q_CHARACTER_SET_COLLATIONS => {
                    let start = c.position();
                    let n = c.u8("Q_CHARACTER_SET_COLLATIONS count")?;
                    c.skip(usize::from(n) * 4, "Q_CHARACTER_SET_COLLATIONS pairs")?;
                    v.character_set_collations = Some(&bytes[start..c.position()]);
                }
                other => {
                    v.unknown_code = Some(other);
                    break;
                }
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryEvent<'a> {
    pub thread_id: u32,
    pub exec_time: u32,
    pub error_code: u16,
    pub status_vars: StatusVars<'a>,
    /// The status variables as stored.
    pub status_vars_raw: &'a [u8],
    pub db: &'a [u8],
    pub query: Cow<'a, [u8]>,
}

/// The common query post-header and status variables; returns the event
/// and the cursor positioned after the NUL that ends the database name.
/// `post_header_len` is the FDE's value for the event type; bytes past the
/// common 13 (EXECUTE_LOAD_QUERY's extra fields) are returned separately.
pub(crate) fn parse_query_head<'a>(
    body: &'a [u8],
    post_header_len: usize,
) -> Result<(QueryEvent<'a>, &'a [u8], Cursor<'a>)> {
    let mut ev = QueryEvent::default();
    let (extra, c) = read_query_head(&mut ev, body, post_header_len)?;
    Ok((ev, extra, c))
}

/// `parse_query_head` into an empty event.
#[inline]
fn read_query_head<'a>(
    ev: &mut QueryEvent<'a>,
    body: &'a [u8],
    post_header_len: usize,
) -> Result<(&'a [u8], Cursor<'a>)> {
    let mut c = Cursor::new(body);
    ev.thread_id = c.u32("query thread_id")?;
    ev.exec_time = c.u32("query exec_time")?;
    let db_len = usize::from(c.u8("query db_len")?);
    ev.error_code = c.u16("query error_code")?;
    let (status_len, common) = if post_header_len >= 13 {
        (usize::from(c.u16("query status_vars_len")?), 13)
    } else {
        (0, 11)
    };
    let extra = c.bytes(
        post_header_len.saturating_sub(common),
        "query extra post-header",
    )?;
    ev.status_vars_raw = c.bytes(status_len, "query status variables")?;
    ev.status_vars.read(ev.status_vars_raw, None)?;
    ev.db = c.bytes(db_len, "query database name")?;
    let nul = c.u8("query database terminator")?;
    if nul != 0 {
        return Err(DecodeError::invalid(
            "query database terminator",
            format!("{nul:#04x} instead of NUL"),
        ));
    }
    Ok((extra, c))
}

impl<'a> QueryEvent<'a> {
    pub fn parse(body: &'a [u8], post_header_len: usize) -> Result<Self> {
        let (mut ev, _, mut c) = parse_query_head(body, post_header_len)?;
        ev.query = Cow::Borrowed(c.rest());
        Ok(ev)
    }

    /// `parse`, decoding straight into the box the event is kept in.
    #[inline]
    pub fn parse_boxed(body: &'a [u8], post_header_len: usize) -> Result<Box<Self>> {
        let mut ev = Box::<QueryEvent<'a>>::default();
        let (_, mut c) = read_query_head(&mut ev, body, post_header_len)?;
        ev.query = Cow::Borrowed(c.rest());
        Ok(ev)
    }

    /// MariaDB QUERY_COMPRESSED_EVENT: the query text is compressed.
    pub fn parse_compressed(body: &'a [u8], post_header_len: usize) -> Result<Self> {
        let (mut ev, _, mut c) = parse_query_head(body, post_header_len)?;
        ev.query = Cow::Owned(super::mariadb_compression::uncompress(c.rest())?);
        Ok(ev)
    }
}
