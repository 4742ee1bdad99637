//! GTID sets (MySQL) and GTID positions (MariaDB), with their text forms,
//! their binary forms and their algebra.
//!
//! - MySQL: [`GtidSet`] maps each ([`Uuid`], [`Tag`]) to intervals of
//!   transaction numbers. Text as MySQL prints and parses it (`text.rs`),
//!   the Previous_gtids body in both formats (`binary.rs`), and union,
//!   subtraction, intersection and inclusion as `GTID_SUBTRACT` /
//!   `GTID_SUBSET` compute them.
//! - MySQL's variable-length integers, shared with the tagged Gtid event:
//!   [`varlen`].
//! - MariaDB: [`MariaGtid`], the one-per-domain position [`MariaGtidList`],
//!   and the raw GTID_LIST content [`MariaGtidEntries`].
//!
//! Every text form and separator here was compared with MySQL 9.7 and
//! MariaDB 10.11 output; each module says what was checked.

mod binary;
mod gtid_set;
mod intervals;
mod mariadb;
mod tag;
mod text;
mod uuid;
pub mod varlen;

#[cfg(test)]
mod tests_mariadb;
#[cfg(test)]
mod tests_mysql;
#[cfg(test)]
mod tests_props;

pub use binary::GtidSetFormat;
pub use gtid_set::{GnoOutOfRange, GtidSet, MYSQL_SEPARATOR};
pub use intervals::{Interval, MAX_GNO};
pub use mariadb::{MariaGtid, MariaGtidEntries, MariaGtidList};
pub use tag::{MAX_TAG_LEN, Tag};
pub use text::GtidParseError;
pub use uuid::Uuid;
