//! Query events and the statement context around them (Intvar, Rand,
//! User_var): the `SET …` lines that recreate the source's session, each
//! printed only when it differs from what was printed last.

use understudy_binlog::event::load_events::ExecuteLoadQueryEvent;
use understudy_binlog::event::query_event::{
    OPTION_AUTO_IS_NULL, OPTION_EXPLICIT_DEF_TIMESTAMP, OPTION_IF_EXISTS, OPTION_INSERT_HISTORY,
    OPTION_NO_CHECK_CONSTRAINT_CHECKS, OPTION_NO_FOREIGN_KEY_CHECKS, OPTION_NOT_AUTOCOMMIT,
    OPTION_RELAXED_UNIQUE_CHECKS, Q_CHARACTER_SET_COLLATIONS, QueryEvent, StatusVars,
};
use understudy_binlog::event::{Event, intvar_event, user_var_event};
use understudy_binlog::header::{LOG_EVENT_SUPPRESS_USE_F, LOG_EVENT_THREAD_SPECIFIC_F};
use understudy_binlog::{Flavor, RawEvent};

use crate::printer::{Printer, Tool};
use crate::text::Buf;
use crate::w;

/// What has been printed of the session context so far.
#[derive(Debug, Default)]
pub(crate) struct Session {
    db: Option<Vec<u8>>,
    thread_id: Option<u32>,
    flags2: Option<u32>,
    sql_mode: Option<u64>,
    auto_increment: Option<(u16, u16)>,
    pub(crate) charset: Option<(u16, u16, u16)>,
    time_zone: Option<Vec<u8>>,
    lc_time_names: Option<u16>,
    charset_database: Option<u16>,
    default_collation_for_utf8mb4: Option<u16>,
    /// Bodies of Intvar/Rand/User_var events, printed before the query.
    pub(crate) context: Buf,
}

/// MySQL 8.0 removed these sql_mode bits; mysqlbinlog masks them for 8.0+.
const SQL_MODE_REMOVED_IN_80: u64 = 0x1003ff00;

/// Statements that begin or end a transaction (mysqlbinlog keeps the
/// current database across them).
pub(crate) fn is_trans_keyword(q: &[u8]) -> bool {
    const WORDS: [&[u8]; 9] = [
        b"BEGIN",
        b"COMMIT",
        b"ROLLBACK",
        b"SAVEPOINT",
        b"XA START",
        b"XA END",
        b"XA PREPARE",
        b"XA COMMIT",
        b"XA ROLLBACK",
    ];
    WORDS
        .iter()
        .any(|w| q.len() >= w.len() && q[..w.len()].eq_ignore_ascii_case(w))
}

pub(crate) fn collation(tool: Tool, id: u64) -> Option<(&'static str, &'static str)> {
    let table = match tool {
        Tool::MySql => crate::collations::mysql(),
        Tool::MariaDb => crate::collations::mariadb(),
    };
    let id = u16::try_from(id).ok()?;
    table
        .binary_search_by_key(&id, |&(i, _, _)| i)
        .ok()
        .map(|i| (table[i].1, table[i].2))
}

/// Records `v` as printed; true if it differs from what was printed last.
fn changed<T: PartialEq>(slot: &mut Option<T>, v: T) -> bool {
    if slot.as_ref() == Some(&v) {
        false
    } else {
        *slot = Some(v);
        true
    }
}

/// `SET @@session.foreign_key_checks=…, …` for the Q_FLAGS2 options in
/// `flips`, in each tool's order and with each tool's list.
fn print_flags2(
    out: &mut Buf,
    tool: Tool,
    fde: &understudy_binlog::FormatDescription,
    f: u32,
    flips: u32,
) {
    let mut list: Vec<(u32, &str, bool)> = vec![
        (OPTION_NO_FOREIGN_KEY_CHECKS, "foreign_key_checks", true),
        (OPTION_AUTO_IS_NULL, "sql_auto_is_null", false),
        (OPTION_RELAXED_UNIQUE_CHECKS, "unique_checks", true),
        (OPTION_NOT_AUTOCOMMIT, "autocommit", true),
    ];
    if tool == Tool::MariaDb {
        list.push((
            OPTION_NO_CHECK_CONSTRAINT_CHECKS,
            "check_constraint_checks",
            true,
        ));
        // Seen for 10.11 and 11.8 binlogs, not for 10.5 and older.
        if fde.flavor == Flavor::MariaDb && fde.version >= (10, 10, 0) {
            list.push((OPTION_IF_EXISTS, "sql_if_exists", false));
            list.push((
                OPTION_EXPLICIT_DEF_TIMESTAMP,
                "explicit_defaults_for_timestamp",
                false,
            ));
        }
        list.push((
            OPTION_INSERT_HISTORY,
            "system_versioning_insert_history",
            false,
        ));
    }
    let mut first = true;
    for (bit, name, inverted) in list {
        if flips & bit == 0 {
            continue;
        }
        let on = (f & bit != 0) != inverted;
        out.s(if first { "SET " } else { ", " });
        w!(out, "@@session.{name}={}", u8::from(on));
        first = false;
    }
    if !first {
        out.s("/*!*/;\n");
    }
}

pub(crate) fn backquoted(out: &mut Buf, name: &[u8]) {
    out.ch(b'`');
    for &b in name {
        if b == b'`' {
            out.ch(b'`');
        }
        out.ch(b);
    }
    out.ch(b'`');
}

impl Printer<'_> {
    pub(crate) fn print_query(
        &mut self,
        raw: &RawEvent<'_>,
        q: &QueryEvent<'_>,
        log_pos: u64,
        load: Option<&ExecuteLoadQueryEvent<'_>>,
    ) {
        self.event_header(raw, log_pos);
        let name = if load.is_some() {
            "Execute_load_query"
        } else if raw.type_code == understudy_binlog::event_type::QUERY_COMPRESSED_EVENT {
            "Query_compressed"
        } else {
            "Query"
        };
        let out = &mut self.out;
        out.s(name);
        out.s("\tthread_id=");
        out.u64(u64::from(q.thread_id));
        out.s("\texec_time=");
        out.u64(u64::from(q.exec_time));
        out.s("\terror_code=");
        out.u64(u64::from(q.error_code));
        if self.tool == Tool::MariaDb {
            let xid = if q.status_vars.character_set_collations.is_some() {
                0
            } else {
                q.status_vars.mariadb_xid.unwrap_or(0)
            };
            w!(&mut self.out, "\txid={xid}");
        } else if let Some(xid) = q.status_vars.ddl_xid {
            w!(&mut self.out, "\tXid = {xid}");
        }
        self.out.ch(b'\n');
        self.end_header();
        self.print_session(raw, q);
        match load {
            Some(l) => {
                let data = self.load_files.take(l.file_id);
                let path = self.load_sink.store(l.file_id, &data);
                crate::load::rewrite(&mut self.out, l, &path);
            }
            None => self.out.raw(&q.query),
        }
        self.out.s("\n/*!*/;\n");
        if let Some(l) = load.filter(|_| !self.opts.short_form) {
            w!(&mut self.out, "# file_id: {} \n", l.file_id);
        }
    }

    fn print_session(&mut self, raw: &RawEvent<'_>, q: &QueryEvent<'_>) {
        // mariadb-binlog 10.11 does not know MariaDB 11's per-charset
        // collation list and reads no status variable after it.
        let limited;
        let sv = if self.tool == Tool::MariaDb && q.status_vars.character_set_collations.is_some() {
            limited = StatusVars::parse_until(q.status_vars_raw, Some(Q_CHARACTER_SET_COLLATIONS))
                .unwrap_or_default();
            &limited
        } else {
            &q.status_vars
        };
        let out = &mut self.out;
        let s = &mut self.session;
        if self.tool == Tool::MariaDb && is_trans_keyword(&q.query) {
            // mariadb-binlog leaves the database alone around BEGIN/COMMIT.
        } else if raw.header.flags & LOG_EVENT_SUPPRESS_USE_F != 0 {
            // CREATE/DROP DATABASE and the like: the next query must say
            // `use` again. Transaction keywords leave the database alone.
            if !is_trans_keyword(&q.query) {
                s.db = Some(Vec::new());
            }
        } else if s.db.as_deref() != Some(q.db) {
            s.db = Some(q.db.to_vec());
            if !q.db.is_empty() {
                out.s("use ");
                backquoted(out, q.db);
                out.s("/*!*/;\n");
            }
        }
        out.s("SET TIMESTAMP=");
        out.u64(u64::from(raw.header.timestamp));
        let us = match self.tool {
            Tool::MySql => sv.microseconds,
            Tool::MariaDb => sv.hrnow.filter(|&us| us != 0),
        };
        if let Some(us) = us {
            out.ch(b'.');
            if us < 1_000_000 {
                out.zpad(u64::from(us), 6);
            } else {
                w!(out, "{us:06}");
            }
        }
        out.s("/*!*/;\n");
        let thread_specific =
            raw.header.flags & LOG_EVENT_THREAD_SPECIFIC_F != 0 || s.thread_id.is_none();
        if thread_specific && changed(&mut s.thread_id, q.thread_id) {
            // --short-form hides thread ids.
            let shown = if self.opts.short_form {
                999_999_999
            } else {
                q.thread_id
            };
            w!(out, "SET @@session.pseudo_thread_id={shown}/*!*/;\n");
        }
        if let Some(f) = sv.flags2 {
            // The first query prints every option; later ones only those
            // that changed.
            let flips = s.flags2.map_or(u32::MAX, |prev| prev ^ f);
            if flips != 0 {
                print_flags2(out, self.tool, &self.fde, f, flips);
                s.flags2 = Some(f);
            }
        }
        if let Some(m) = sv.sql_mode
            && changed(&mut s.sql_mode, m)
        {
            w!(out, "SET @@session.sql_mode={m}");
            if self.tool == Tool::MySql && m & SQL_MODE_REMOVED_IN_80 != 0 {
                w!(out, "/*!80005 &~0x{SQL_MODE_REMOVED_IN_80:x}*/");
            }
            out.s("/*!*/;\n");
        }
        let ai = sv.auto_increment.unwrap_or((1, 1));
        if changed(&mut s.auto_increment, ai) {
            w!(
                out,
                "SET @@session.auto_increment_increment={}, @@session.auto_increment_offset={}/*!*/;\n",
                ai.0,
                ai.1
            );
        }
        if let Some(cs) = sv.charset
            && changed(&mut s.charset, cs)
        {
            let name = collation(self.tool, u64::from(cs.0)).map_or("?", |c| c.0);
            w!(out, "/*!\\C {name} *//*!*/;\n");
            match self.tool {
                Tool::MySql => w!(
                    out,
                    "SET @@session.character_set_client={},@@session.collation_connection={},@@session.collation_server={}/*!*/;\n",
                    cs.0,
                    cs.1,
                    cs.2
                ),
                Tool::MariaDb => w!(
                    out,
                    "SET @@session.character_set_client={name},@@session.collation_connection={},@@session.collation_server={}/*!*/;\n",
                    cs.1,
                    cs.2
                ),
            }
        }
        if let Some(tz) = sv.time_zone
            && s.time_zone.as_deref() != Some(tz)
        {
            out.s("SET @@session.time_zone='");
            out.raw(tz);
            out.s("'/*!*/;\n");
            s.time_zone = Some(tz.to_vec());
        }
        let lc = sv.lc_time_names.unwrap_or(0);
        if changed(&mut s.lc_time_names, lc) {
            w!(out, "SET @@session.lc_time_names={lc}/*!*/;\n");
        }
        let cd = sv.charset_database.unwrap_or(0);
        if changed(&mut s.charset_database, cd) {
            if cd == 0 {
                out.s("SET @@session.collation_database=DEFAULT/*!*/;\n");
            } else {
                w!(out, "SET @@session.collation_database={cd}/*!*/;\n");
            }
        }
        // These three are printed whenever the event has them.
        if let Some(v) = sv.explicit_defaults_for_timestamp {
            w!(
                out,
                "SET @@session.explicit_defaults_for_timestamp={v}/*!*/;\n"
            );
        }
        if let Some(v) = sv.default_collation_for_utf8mb4
            && changed(&mut s.default_collation_for_utf8mb4, v)
        {
            w!(
                out,
                "/*!80011 SET @@session.default_collation_for_utf8mb4={v}*//*!*/;\n"
            );
        }
        if let Some(v) = sv.default_table_encryption {
            w!(
                out,
                "/*!80016 SET @@session.default_table_encryption={v}*//*!*/;\n"
            );
        }
        if let Some(v) = sv.sql_require_primary_key {
            w!(
                out,
                "/*!80013 SET @@session.sql_require_primary_key={v}*//*!*/;\n"
            );
        }
    }

    /// Intvar, Rand and User_var: `# at` now, the rest just before the
    /// query they belong to (mysqlbinlog); mariadb-binlog prints them in
    /// place.
    pub(crate) fn print_stmt_context(&mut self, raw: &RawEvent<'_>, ev: &Event<'_>, log_pos: u64) {
        let deferred = self.tool == Tool::MySql;
        if deferred {
            if !self.opts.short_form {
                self.at_line(raw.offset);
            }
            let main = std::mem::replace(&mut self.out, std::mem::take(&mut self.session.context));
            if !self.opts.short_form {
                self.event_line(raw, log_pos);
            }
            self.print_stmt_context_body(ev);
            self.session.context = std::mem::replace(&mut self.out, main);
        } else {
            self.event_header(raw, log_pos);
            self.print_stmt_context_body(ev);
        }
    }

    /// The description (left out by `--short-form`) and the statement.
    fn print_stmt_context_body(&mut self, ev: &Event<'_>) {
        let short = self.opts.short_form;
        let desc = |out: &mut Buf, d: &str| {
            if !short {
                out.s(d);
            }
        };
        match ev {
            Event::Intvar(i) => {
                desc(&mut self.out, "Intvar\n");
                self.end_header();
                let name = match i.kind {
                    intvar_event::LAST_INSERT_ID_EVENT => "LAST_INSERT_ID",
                    intvar_event::INSERT_ID_EVENT => "INSERT_ID",
                    _ => "INVALID_INT",
                };
                w!(&mut self.out, "SET {name}={}/*!*/;\n", i.value);
            }
            Event::Rand(r) => {
                desc(&mut self.out, "Rand\n");
                self.end_header();
                w!(
                    &mut self.out,
                    "SET @@RAND_SEED1={}, @@RAND_SEED2={}/*!*/;\n",
                    r.seed1,
                    r.seed2
                );
            }
            Event::UserVar(u) => {
                desc(&mut self.out, "User_var\n");
                self.end_header();
                self.print_user_var(u);
            }
            _ => {}
        }
    }

    fn print_user_var(&mut self, u: &user_var_event::UserVarEvent<'_>) {
        // mysqlbinlog 9.7 wraps the SET in a session charset switch: client
        // and server utf8mb3_general_ci (33), connection 33 for strings and
        // NULL, the variable's own collation for numbers; then it restores
        // what the last query set.
        let mysql = self.tool == Tool::MySql;
        let saved = self.session.charset;
        if mysql {
            let conn = match &u.value {
                Some(v) if v.value_type != user_var_event::STRING_RESULT => v.charset,
                _ => 33,
            };
            w!(&mut self.out, "/*!\\C utf8mb3 *//*!*/;\n");
            w!(
                &mut self.out,
                "SET @@session.character_set_client=33,@@session.collation_connection={conn},@@session.collation_server=33/*!*/;\n"
            );
        }
        self.out.s("SET @");
        backquoted(&mut self.out, u.name);
        self.out.s(":=");
        match &u.value {
            Some(v) => crate::values::user_var_value(&mut self.out, self.tool, v),
            None => self.out.s("NULL"),
        }
        self.out.s("/*!*/;\n");
        if !mysql {
            return;
        }
        if let Some((a, b, c)) = saved {
            let name = collation(self.tool, u64::from(a)).map_or("?", |c| c.0);
            w!(&mut self.out, "/*!\\C {name} *//*!*/;\n");
            w!(
                &mut self.out,
                "SET @@session.character_set_client={a},@@session.collation_connection={b},@@session.collation_server={c}/*!*/;\n"
            );
        }
    }
}
