//! GTID events: MySQL's GTID / anonymous / tagged GTID events and the
//! transaction-level events that come with them (XA prepare).

use understudy_binlog::RawEvent;
use understudy_binlog::event::gtid_event::FLAG_MAY_HAVE_SBR;
use understudy_binlog::event::{GtidEvent, XaPrepareEvent};
use understudy_binlog::gtid::Uuid;

use crate::printer::Printer;
use crate::text::{Buf, tm};
use crate::w;

/// `2026-02-06 09:04:47.207196 UTC` for a microsecond timestamp, in the
/// caller's time zone.
fn local_micros(out: &mut Buf, us: u64, zone: (i32, String)) {
    let secs = (us / 1_000_000) as i64;
    let t = tm(secs, zone.0);
    w!(
        out,
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:06} {}",
        t.year,
        t.month,
        t.day,
        t.hour,
        t.minute,
        t.second,
        us % 1_000_000,
        zone.1
    );
}

/// XID as mysqlbinlog prints it: `X'hex',X'hex',format`.
pub(crate) fn xid(out: &mut Buf, gtrid: &[u8], bqual: &[u8], format_id: i64) {
    out.s("X'");
    for b in gtrid {
        w!(out, "{b:02x}");
    }
    out.s("',X'");
    for b in bqual {
        w!(out, "{b:02x}");
    }
    w!(out, "',{format_id}");
}

impl Printer<'_> {
    pub(crate) fn print_gtid(&mut self, raw: &RawEvent<'_>, g: &GtidEvent<'_>, log_pos: u64) {
        self.event_header(raw, log_pos);
        let (last, seq) = g.logical_clock.unwrap_or((0, 0));
        let rbr_only = g.flags & FLAG_MAY_HAVE_SBR == 0;
        let oct = g.original_commit_timestamp.unwrap_or(0);
        let ict = g.immediate_commit_timestamp.unwrap_or(0);
        w!(
            &mut self.out,
            "{}\tlast_committed={last}\tsequence_number={seq}\trbr_only={}\toriginal_committed_timestamp={oct}\timmediate_commit_timestamp={ict}\ttransaction_length={}\n",
            if g.anonymous {
                "Anonymous_GTID"
            } else {
                "GTID"
            },
            if rbr_only { "yes" } else { "no" },
            g.transaction_length.unwrap_or(0)
        );
        self.end_header();
        if rbr_only {
            self.out
                .s("/*!50718 SET TRANSACTION ISOLATION LEVEL READ COMMITTED*//*!*/;\n");
        }
        w!(&mut self.out, "# original_commit_timestamp={oct} (");
        let zone = self.tz_named((oct / 1_000_000) as i64);
        local_micros(&mut self.out, oct, zone);
        w!(&mut self.out, ")\n# immediate_commit_timestamp={ict} (");
        let zone = self.tz_named((ict / 1_000_000) as i64);
        local_micros(&mut self.out, ict, zone);
        self.out.s(")\n");
        w!(
            &mut self.out,
            "/*!80001 SET @@session.original_commit_timestamp={oct}*//*!*/;\n"
        );
        w!(
            &mut self.out,
            "/*!80014 SET @@session.original_server_version={}*//*!*/;\n",
            g.original_server_version.unwrap_or(0)
        );
        w!(
            &mut self.out,
            "/*!80014 SET @@session.immediate_server_version={}*//*!*/;\n",
            g.immediate_server_version.unwrap_or(0)
        );
        if g.anonymous {
            self.out.s("SET @@SESSION.GTID_NEXT= 'ANONYMOUS'/*!*/;\n");
        } else {
            w!(&mut self.out, "SET @@SESSION.GTID_NEXT= '{}", Uuid(g.uuid));
            if !g.tag.is_empty() {
                self.out.ch(b':');
                self.out.raw(g.tag);
            }
            w!(&mut self.out, ":{}'/*!*/;\n", g.gno);
        }
    }

    pub(crate) fn print_xa_prepare(
        &mut self,
        raw: &RawEvent<'_>,
        x: &XaPrepareEvent<'_>,
        log_pos: u64,
    ) {
        if self.opts.short_form && self.tool == crate::printer::Tool::MySql {
            // mysqlbinlog keeps this event's line even in --short-form.
            self.event_line(raw, log_pos);
        } else {
            self.event_header(raw, log_pos);
        }
        self.out.s(if self.tool == crate::printer::Tool::MariaDb {
            "XID = "
        } else {
            "XA PREPARE "
        });
        xid(&mut self.out, x.gtrid, x.bqual, i64::from(x.format_id));
        self.out.ch(b'\n');
        self.end_header();
        if x.one_phase {
            self.out.s("XA COMMIT ");
            xid(&mut self.out, x.gtrid, x.bqual, i64::from(x.format_id));
            self.out.s(" ONE PHASE\n/*!*/;\n");
        } else {
            self.out.s("XA PREPARE ");
            xid(&mut self.out, x.gtrid, x.bqual, i64::from(x.format_id));
            self.out.s("\n/*!*/;\n");
        }
    }
}
