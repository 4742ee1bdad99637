//! PREVIOUS_GTIDS_LOG_EVENT (35): the GTID set executed before this binlog
//! began, in `Gtid_set` binary form (see `GtidSet::decode_binary`).

use crate::error::Result;
use crate::gtid::GtidSet;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviousGtidsEvent {
    pub gtid_set: GtidSet,
}

impl PreviousGtidsEvent {
    pub fn parse(body: &[u8]) -> Result<Self> {
        Ok(PreviousGtidsEvent {
            gtid_set: GtidSet::decode_binary(body)?,
        })
    }
}
