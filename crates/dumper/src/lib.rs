//! mysqlbinlog-compatible rendering (filled in below).
