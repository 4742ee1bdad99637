//! GTID events: MySQL's GTID / anonymous / tagged GTID events and the
//! transaction-level events that come with them (XA prepare).

use understudy_binlog::RawEvent;
use understudy_binlog::event::gtid_event::FLAG_MAY_HAVE_SBR;
use understudy_binlog::event::{GtidEvent, XaPrepareEvent};

use crate::printer::Printer;
use crate::text::{Buf, tm};
use crate::w;

/// `2026-02-06 09:04:47` for a Unix time shifted by `offset` seconds.
fn date_time(out: &mut Buf, secs: i64, offset: i32) {
    let t = tm(secs, offset);
    if (0..10_000).contains(&t.year) {
        out.zpad(t.year as u64, 4);
    } else {
        w!(out, "{:04}", t.year);
    }
    out.ch(b'-');
    out.zpad(u64::from(t.month), 2);
    out.ch(b'-');
    out.zpad(u64::from(t.day), 2);
    out.ch(b' ');
    out.zpad(u64::from(t.hour), 2);
    out.ch(b':');
    out.zpad(u64::from(t.minute), 2);
    out.ch(b':');
    out.zpad(u64::from(t.second), 2);
}

/// The last commit-timestamp second rendered: its date and time, and
/// ` ZONE`, in the caller's zone.
#[derive(Debug)]
pub(crate) struct CommitSecond {
    secs: i64,
    date_time: Buf,
    zone: String,
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
        let out = &mut self.out;
        out.s(if g.anonymous {
            "Anonymous_GTID"
        } else {
            "GTID"
        });
        out.s("\tlast_committed=");
        out.i64(last);
        out.s("\tsequence_number=");
        out.i64(seq);
        out.s(if rbr_only {
            "\trbr_only=yes"
        } else {
            "\trbr_only=no"
        });
        out.s("\toriginal_committed_timestamp=");
        out.u64(oct);
        out.s("\timmediate_commit_timestamp=");
        out.u64(ict);
        out.s("\ttransaction_length=");
        out.u64(g.transaction_length.unwrap_or(0));
        out.ch(b'\n');
        self.end_header();
        if rbr_only {
            self.out
                .s("/*!50718 SET TRANSACTION ISOLATION LEVEL READ COMMITTED*//*!*/;\n");
        }
        for (name, us) in [
            ("# original_commit_timestamp=", oct),
            ("# immediate_commit_timestamp=", ict),
        ] {
            self.out.s(name);
            self.out.u64(us);
            self.out.s(" (");
            self.commit_time(us);
            self.out.s(")\n");
        }
        let out = &mut self.out;
        out.s("/*!80001 SET @@session.original_commit_timestamp=");
        out.u64(oct);
        out.s("*//*!*/;\n/*!80014 SET @@session.original_server_version=");
        out.u64(u64::from(g.original_server_version.unwrap_or(0)));
        out.s("*//*!*/;\n/*!80014 SET @@session.immediate_server_version=");
        out.u64(u64::from(g.immediate_server_version.unwrap_or(0)));
        out.s("*//*!*/;\n");
        if g.anonymous {
            out.s("SET @@SESSION.GTID_NEXT= 'ANONYMOUS'/*!*/;\n");
        } else {
            out.s("SET @@SESSION.GTID_NEXT= '");
            crate::text::uuid(out, &g.uuid);
            if !g.tag.is_empty() {
                out.ch(b':');
                out.raw(g.tag);
            }
            out.ch(b':');
            out.i64(g.gno);
            out.s("'/*!*/;\n");
        }
    }

    /// `2026-02-06 09:04:47.207196 UTC` for a microsecond timestamp, in
    /// the caller's time zone. The last second's text is kept: a GTID's
    /// two timestamps, and neighbouring transactions, mostly share it.
    fn commit_time(&mut self, us: u64) {
        let secs = (us / 1_000_000) as i64;
        if self.commit_second.as_ref().is_none_or(|c| c.secs != secs) {
            let (offset, zone) = self.tz_named(secs);
            let mut text = Buf::default();
            date_time(&mut text, secs, offset);
            self.commit_second = Some(CommitSecond {
                secs,
                date_time: text,
                zone,
            });
        }
        let c = self.commit_second.as_ref().expect("just set");
        self.out.raw(&c.date_time.0);
        self.out.ch(b'.');
        self.out.zpad(us % 1_000_000, 6);
        self.out.ch(b' ');
        self.out.s(&c.zone);
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
