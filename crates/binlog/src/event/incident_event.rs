//! INCIDENT_EVENT (26): `incident:2 message_len:1 message` — something
//! happened on the source that replicas cannot reproduce (e.g. lost events).

use crate::cursor::Cursor;
use crate::error::{DecodeError, Result};

pub const INCIDENT_NONE: u16 = 0;
pub const INCIDENT_LOST_EVENTS: u16 = 1;
/// Number of defined incidents; anything at or above is invalid.
pub const INCIDENT_COUNT: u16 = 2;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentEvent<'a> {
    pub incident: u16,
    pub message: &'a [u8],
}

impl<'a> IncidentEvent<'a> {
    pub fn parse(body: &'a [u8], post_header_len: usize) -> Result<Self> {
        let mut c = Cursor::new(body);
        let incident = c.u16("incident number")?;
        c.skip(post_header_len.saturating_sub(2), "incident post-header")?;
        if incident == INCIDENT_NONE || incident >= INCIDENT_COUNT {
            return Err(DecodeError::invalid(
                "incident number",
                format!("{incident}"),
            ));
        }
        let message = if c.is_empty() {
            &[][..]
        } else {
            c.str_u8("incident message")?
        };
        Ok(IncidentEvent { incident, message })
    }
}
