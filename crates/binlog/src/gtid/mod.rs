//! GTID sets (MySQL) and GTID positions (MariaDB). Being written.
