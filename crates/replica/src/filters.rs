//! Replication filters (`--replicate-*`), evaluated as MySQL's replica
//! does (MySQL manual, "How Servers Evaluate Replication Filtering Rules"):
//!
//! 1. Database stage: with `replicate-do-db` rules the database must match
//!    one of them; otherwise, with `replicate-ignore-db` rules, it must
//!    match none. The database is the *default* database for a statement
//!    (DDL is always a statement, even with `binlog_format=ROW`), the
//!    database named by CREATE/ALTER/DROP DATABASE, and the changed table's
//!    database for a row event.
//! 2. Table stage, when table rules exist: the updated tables in order,
//!    each against do-table (execute), ignore-table (ignore), wild-do-table
//!    (execute), wild-ignore-table (ignore); the first table that matches
//!    a rule decides. When none matches, the statement runs only if there
//!    are no do rules. A row event has one table.
//!
//! `replicate-rewrite-db` renames the default database of a statement and
//! the database of a row event's table before the rules are tested; table
//! names qualified in a statement are not rewritten, nor are database
//! statements. Names compare case-sensitively (`lower_case_table_names=0`,
//! the Unix default). Wild patterns are LIKE patterns (`%`, `_`, `\`
//! escapes); a table pattern of `%` also lets database statements through.

use understudy_sql::TableName;

/// A `db_pattern.table_pattern` of `replicate-wild-*-table`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WildTable {
    pub db: String,
    pub table: String,
}

impl WildTable {
    fn matches(&self, db: &str, table: &str) -> bool {
        like(self.db.as_bytes(), db.as_bytes()) && like(self.table.as_bytes(), table.as_bytes())
    }

    fn text(&self) -> String {
        format!("{}.{}", self.db, self.table)
    }
}

/// The `replicate-*` rules of a replica.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub do_db: Vec<String>,
    pub ignore_db: Vec<String>,
    pub do_table: Vec<TableName>,
    pub ignore_table: Vec<TableName>,
    pub wild_do_table: Vec<WildTable>,
    pub wild_ignore_table: Vec<WildTable>,
    /// (from, to) pairs of `replicate-rewrite-db`.
    pub rewrite_db: Vec<(String, String)>,
}

fn split_table(opt: &str, v: &str) -> Result<(String, String), String> {
    match v.split_once('.') {
        Some((d, t)) if !d.is_empty() && !t.is_empty() => Ok((d.to_owned(), t.to_owned())),
        _ => Err(format!(
            "--{opt}={v}: expected DB_NAME.TABLE_NAME (a '.' between them)"
        )),
    }
}

impl Filters {
    /// Adds one option as MySQL spells it (`replicate-do-db`, …) with its
    /// value; errors name the option.
    pub fn add(&mut self, option: &str, value: &str) -> Result<(), String> {
        let v = value.trim();
        match option {
            "replicate-do-db" => self.do_db.push(v.to_owned()),
            "replicate-ignore-db" => self.ignore_db.push(v.to_owned()),
            "replicate-do-table" | "replicate-ignore-table" => {
                let (db, name) = split_table(option, v)?;
                let t = TableName { db, name };
                if option == "replicate-do-table" {
                    self.do_table.push(t);
                } else {
                    self.ignore_table.push(t);
                }
            }
            "replicate-wild-do-table" | "replicate-wild-ignore-table" => {
                let (db, table) = split_table(option, v)?;
                let w = WildTable { db, table };
                if option == "replicate-wild-do-table" {
                    self.wild_do_table.push(w);
                } else {
                    self.wild_ignore_table.push(w);
                }
            }
            "replicate-rewrite-db" => {
                let (from, to) = v
                    .split_once("->")
                    .map(|(f, t)| (f.trim(), t.trim()))
                    .filter(|(f, t)| !f.is_empty() && !t.is_empty())
                    .ok_or_else(|| {
                        format!("--replicate-rewrite-db={v}: expected FROM_NAME->TO_NAME")
                    })?;
                self.rewrite_db.push((from.to_owned(), to.to_owned()));
            }
            _ => return Err(format!("unknown replication filter option --{option}")),
        }
        Ok(())
    }

    /// The rules back from the `Replicate_*` fields that
    /// [`Filters::status_fields`] wrote (for `verify`, which reads a
    /// replica's status).
    pub fn from_status_fields(fields: &[(String, String)]) -> Result<Filters, String> {
        let mut f = Filters::default();
        for (k, v) in fields {
            let option = match k.as_str() {
                "Replicate_Do_DB" => "replicate-do-db",
                "Replicate_Ignore_DB" => "replicate-ignore-db",
                "Replicate_Do_Table" => "replicate-do-table",
                "Replicate_Ignore_Table" => "replicate-ignore-table",
                "Replicate_Wild_Do_Table" => "replicate-wild-do-table",
                "Replicate_Wild_Ignore_Table" => "replicate-wild-ignore-table",
                "Replicate_Rewrite_DB" => {
                    for pair in v.split("),").filter(|p| !p.is_empty()) {
                        let pair = pair.trim_start_matches('(').trim_end_matches(')');
                        let (from, to) = pair
                            .split_once(',')
                            .ok_or_else(|| format!("Replicate_Rewrite_DB: '{v}'"))?;
                        f.add("replicate-rewrite-db", &format!("{from}->{to}"))?;
                    }
                    continue;
                }
                _ => continue,
            };
            for item in v.split(',').filter(|s| !s.is_empty()) {
                f.add(option, item)?;
            }
        }
        Ok(f)
    }

    /// Whether no rule is set (everything is applied).
    pub fn is_empty(&self) -> bool {
        *self == Filters::default()
    }

    fn has_table_rules(&self) -> bool {
        !(self.do_table.is_empty()
            && self.ignore_table.is_empty()
            && self.wild_do_table.is_empty()
            && self.wild_ignore_table.is_empty())
    }

    /// `replicate-rewrite-db`: the database a source database is applied
    /// to (the first rule for it wins).
    pub fn rewrite<'a>(&'a self, db: &'a str) -> &'a str {
        self.rewrite_to(db).unwrap_or(db)
    }

    /// The database `db` is rewritten to, if a rule names it.
    pub fn rewrite_to(&self, db: &str) -> Option<&str> {
        self.rewrite_db
            .iter()
            .find(|(from, _)| from == db)
            .map(|(_, to)| to.as_str())
    }

    /// Stage 1. `None`: no database (no default database selected), which
    /// MySQL lets through.
    pub fn db_ok(&self, db: Option<&str>) -> bool {
        let Some(db) = db.filter(|d| !d.is_empty()) else {
            return true;
        };
        if !self.do_db.is_empty() {
            return self.do_db.iter().any(|d| d == db);
        }
        !self.ignore_db.iter().any(|d| d == db)
    }

    /// Stage 2 for the tables a statement (or a row event) updates, in
    /// order.
    pub fn tables_ok(&self, tables: &[TableName]) -> bool {
        if !self.has_table_rules() {
            return true;
        }
        for t in tables {
            if self.do_table.contains(t) {
                return true;
            }
            if self.ignore_table.contains(t) {
                return false;
            }
            if self.wild_do_table.iter().any(|w| w.matches(&t.db, &t.name)) {
                return true;
            }
            if self
                .wild_ignore_table
                .iter()
                .any(|w| w.matches(&t.db, &t.name))
            {
                return false;
            }
        }
        self.do_table.is_empty() && self.wild_do_table.is_empty()
    }

    /// A row event on `db.table` (`db` already rewritten).
    pub fn row_ok(&self, db: &str, table: &str) -> bool {
        if self.is_empty() {
            return true;
        }
        self.db_ok(Some(db))
            && self.tables_ok(&[TableName {
                db: db.to_owned(),
                name: table.to_owned(),
            }])
    }

    /// A statement run with `default_db` (already rewritten) that updates
    /// `tables`.
    pub fn statement_ok(&self, default_db: Option<&str>, tables: &[TableName]) -> bool {
        self.db_ok(default_db) && self.tables_ok(tables)
    }

    /// CREATE/ALTER/DROP DATABASE `db`: the named database takes the
    /// default database's place, and wild table rules apply when their
    /// table pattern is `%`.
    pub fn database_statement_ok(&self, db: &str) -> bool {
        if !self.db_ok(Some(db)) {
            return false;
        }
        let whole_db = |w: &WildTable| w.table == "%" && like(w.db.as_bytes(), db.as_bytes());
        if self.wild_ignore_table.iter().any(whole_db) {
            return false;
        }
        self.wild_do_table.is_empty() || self.wild_do_table.iter().any(whole_db)
    }

    /// The `Replicate_*` fields of SHOW REPLICA STATUS (MySQL's order;
    /// Replicate_Rewrite_DB as `(from,to),(from,to)`).
    pub fn status_fields(&self) -> Vec<(&'static str, String)> {
        let tables = |v: &[TableName]| v.iter().map(|t| t.to_string()).collect::<Vec<_>>();
        let wild = |v: &[WildTable]| v.iter().map(WildTable::text).collect::<Vec<_>>();
        vec![
            ("Replicate_Do_DB", self.do_db.join(",")),
            ("Replicate_Ignore_DB", self.ignore_db.join(",")),
            ("Replicate_Do_Table", tables(&self.do_table).join(",")),
            (
                "Replicate_Ignore_Table",
                tables(&self.ignore_table).join(","),
            ),
            (
                "Replicate_Wild_Do_Table",
                wild(&self.wild_do_table).join(","),
            ),
            (
                "Replicate_Wild_Ignore_Table",
                wild(&self.wild_ignore_table).join(","),
            ),
            (
                "Replicate_Rewrite_DB",
                self.rewrite_db
                    .iter()
                    .map(|(f, t)| format!("({f},{t})"))
                    .collect::<Vec<_>>()
                    .join(","),
            ),
        ]
    }
}

/// SQL LIKE with `%`, `_` and `\` escapes, byte for byte (case-sensitive).
fn like(pattern: &[u8], s: &[u8]) -> bool {
    // Iterative matcher with one backtrack point for the last `%`.
    let (mut p, mut i) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    loop {
        if p < pattern.len() {
            match pattern[p] {
                b'%' => {
                    star = Some((p, i));
                    p += 1;
                    continue;
                }
                b'_' if i < s.len() => {
                    p += 1;
                    i += 1;
                    continue;
                }
                b'\\' if p + 1 < pattern.len() && i < s.len() && s[i] == pattern[p + 1] => {
                    p += 2;
                    i += 1;
                    continue;
                }
                // An escaped character that does not match.
                b'\\' if p + 1 < pattern.len() => {}
                c if c != b'_' && i < s.len() && s[i] == c => {
                    p += 1;
                    i += 1;
                    continue;
                }
                _ => {}
            }
        } else if i == s.len() {
            return true;
        }
        match star {
            Some((sp, si)) if si < s.len() => {
                star = Some((sp, si + 1));
                p = sp + 1;
                i = si + 1;
            }
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(db: &str, name: &str) -> TableName {
        TableName {
            db: db.into(),
            name: name.into(),
        }
    }

    fn filters(opts: &[(&str, &str)]) -> Filters {
        let mut f = Filters::default();
        for (o, v) in opts {
            f.add(o, v).unwrap_or_else(|e| panic!("{e}"));
        }
        f
    }

    #[test]
    fn like_patterns() {
        for (p, s, want) in [
            ("foo%", "foo", true),
            ("foo%", "foobar", true),
            ("foo%", "fo", false),
            ("%", "", true),
            ("b_r", "bar", true),
            ("b_r", "br", false),
            ("%a%b", "xxaxxb", true),
            ("%a%b", "xxaxxbc", false),
            ("my\\_own\\%db", "my_own%db", true),
            ("my\\_own\\%db", "my1ownAABCdb", false),
            ("my_own%db", "my1ownAABCdb", true),
            ("Foo", "foo", false),
        ] {
            assert_eq!(like(p.as_bytes(), s.as_bytes()), want, "{p} ~ {s}");
        }
    }

    #[test]
    fn no_rules_apply_everything() {
        let f = Filters::default();
        assert!(f.is_empty());
        assert!(f.statement_ok(Some("x"), &[t("x", "y")]));
        assert!(f.row_ok("x", "y"));
        assert!(f.database_statement_ok("x"));
    }

    /// The manual's example: `replicate-do-db=sales` and, with `USE
    /// prices`, `UPDATE sales.january …` is not replicated as a statement;
    /// as rows, the table's database decides.
    #[test]
    fn do_db_checks_the_default_database_for_statements() {
        let f = filters(&[("replicate-do-db", "sales")]);
        assert!(!f.statement_ok(Some("prices"), &[t("sales", "january")]));
        assert!(f.row_ok("sales", "january"));
        assert!(!f.row_ok("prices", "list"));
        // No default database: let through (MySQL 5.5+).
        assert!(f.statement_ok(None, &[t("sales", "january")]));
    }

    /// `replicate-ignore-db=sales` with `USE prices; UPDATE
    /// sales.january …`: the statement *is* replicated.
    #[test]
    fn ignore_db_checks_the_default_database_for_statements() {
        let f = filters(&[("replicate-ignore-db", "sales")]);
        assert!(f.statement_ok(Some("prices"), &[t("sales", "january")]));
        assert!(!f.row_ok("sales", "january"));
        assert!(!f.statement_ok(Some("sales"), &[t("prices", "x")]));
    }

    /// do-db rules make ignore-db rules moot.
    #[test]
    fn do_db_wins_over_ignore_db() {
        let f = filters(&[
            ("replicate-do-db", "a"),
            ("replicate-ignore-db", "a"),
            ("replicate-ignore-db", "b"),
        ]);
        assert!(f.db_ok(Some("a")));
        assert!(!f.db_ok(Some("b")));
        assert!(!f.db_ok(Some("c")));
    }

    /// The manual's example of mixed rules: `replicate-do-db=db1` and
    /// `replicate-do-table=db2.mytbl2`; with `USE db1`, `INSERT INTO
    /// mytbl1 …` passes the database stage but is ignored at the table
    /// stage (a do-table rule exists and does not match). The same holds
    /// for every table of db1.
    #[test]
    fn manual_mixed_rules_example() {
        let f = filters(&[
            ("replicate-do-db", "db1"),
            ("replicate-do-table", "db2.mytbl2"),
        ]);
        assert!(f.db_ok(Some("db1")));
        assert!(!f.statement_ok(Some("db1"), &[t("db1", "mytbl1")]));
        assert!(!f.row_ok("db1", "anything"));
        // db2 fails the database stage before its do-table rule is seen.
        assert!(!f.row_ok("db2", "mytbl2"));
    }

    /// Table rules in the manual's order: do-table, ignore-table,
    /// wild-do-table, wild-ignore-table; the first matching table decides;
    /// with do rules, a statement matching nothing is ignored.
    #[test]
    fn table_stage_order() {
        let f = filters(&[
            ("replicate-do-table", "d.keep"),
            ("replicate-ignore-table", "d.skip"),
            ("replicate-wild-do-table", "d.k%"),
            ("replicate-wild-ignore-table", "d.%"),
        ]);
        assert!(f.row_ok("d", "keep"));
        assert!(!f.row_ok("d", "skip"));
        assert!(f.row_ok("d", "kite"));
        assert!(!f.row_ok("d", "other"));
        assert!(!f.row_ok("e", "other"), "do rules exist, nothing matched");
        // Multi-table statement: the first table that matches decides.
        assert!(!f.statement_ok(Some("d"), &[t("d", "skip"), t("d", "keep")]));
        assert!(f.statement_ok(Some("d"), &[t("x", "y"), t("d", "keep")]));
        // Only ignore rules: what matches nothing is applied.
        let g = filters(&[("replicate-ignore-table", "d.skip")]);
        assert!(g.row_ok("e", "other"));
        assert!(!g.row_ok("d", "skip"));
    }

    /// `replicate-wild-do-table=foo%.bar%`: only tables whose database
    /// starts with foo and whose name starts with bar.
    #[test]
    fn manual_wild_example() {
        let f = filters(&[("replicate-wild-do-table", "foo%.bar%")]);
        assert!(f.row_ok("foo1", "bar2"));
        assert!(f.row_ok("foo", "bar"));
        assert!(!f.row_ok("foo1", "baz"));
        assert!(!f.row_ok("xfoo", "bar"));
        // Database statements only pass a `%` table pattern.
        assert!(!f.database_statement_ok("foo1"));
        let g = filters(&[("replicate-wild-do-table", "foo%.%")]);
        assert!(g.database_statement_ok("foo1"));
        assert!(!g.database_statement_ok("bar"));
        let h = filters(&[("replicate-wild-ignore-table", "tmp%.%")]);
        assert!(!h.database_statement_ok("tmp_x"));
        assert!(h.database_statement_ok("app"));
        // A wild pattern with escaped wildcards (the manual's my\_own\%db).
        let e = filters(&[("replicate-wild-do-table", "my\\_own\\%db.%")]);
        assert!(e.row_ok("my_own%db", "t"));
        assert!(!e.row_ok("my1ownAABCdb", "t"));
    }

    #[test]
    fn database_statements_use_the_named_database() {
        let f = filters(&[("replicate-do-db", "sales")]);
        assert!(f.database_statement_ok("sales"));
        assert!(!f.database_statement_ok("prices"));
    }

    #[test]
    fn rewrite_db() {
        let f = filters(&[
            ("replicate-rewrite-db", "olddb->newdb"),
            ("replicate-rewrite-db", " a -> b "),
        ]);
        assert_eq!(f.rewrite("olddb"), "newdb");
        assert_eq!(f.rewrite("a"), "b");
        assert_eq!(f.rewrite("other"), "other");
        assert_eq!(
            f.status_fields().last().map(|(_, v)| v.as_str()),
            Some("(olddb,newdb),(a,b)")
        );
    }

    #[test]
    fn bad_options_are_errors() {
        let mut f = Filters::default();
        assert!(f.add("replicate-do-table", "nodot").is_err());
        assert!(f.add("replicate-wild-do-table", ".t").is_err());
        assert!(f.add("replicate-rewrite-db", "a-b").is_err());
        assert!(f.add("replicate-frobnicate", "x").is_err());
        assert!(f.is_empty());
    }

    #[test]
    fn status_fields_in_mysql_order() {
        let f = filters(&[
            ("replicate-do-db", "a"),
            ("replicate-do-db", "b"),
            ("replicate-ignore-table", "a.x"),
            ("replicate-wild-ignore-table", "a.tmp%"),
        ]);
        let fields = f.status_fields();
        let names: Vec<&str> = fields.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            names,
            [
                "Replicate_Do_DB",
                "Replicate_Ignore_DB",
                "Replicate_Do_Table",
                "Replicate_Ignore_Table",
                "Replicate_Wild_Do_Table",
                "Replicate_Wild_Ignore_Table",
                "Replicate_Rewrite_DB"
            ]
        );
        assert_eq!(fields[0].1, "a,b");
        assert_eq!(fields[3].1, "a.x");
        assert_eq!(fields[5].1, "a.tmp%");
    }

    #[test]
    fn status_fields_read_back() {
        let f = filters(&[
            ("replicate-do-db", "a"),
            ("replicate-do-db", "b"),
            ("replicate-do-table", "a.x"),
            ("replicate-wild-do-table", "a.t%"),
            ("replicate-wild-ignore-table", "b.%"),
            ("replicate-rewrite-db", "p->a"),
            ("replicate-rewrite-db", "q->b"),
        ]);
        let fields: Vec<(String, String)> = f
            .status_fields()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        assert_eq!(Filters::from_status_fields(&fields), Ok(f));
        assert_eq!(Filters::from_status_fields(&[]), Ok(Filters::default()));
    }
}
