//! A table's rows written out: `tsv` as `mysql --batch
//! --skip-column-names` prints `SELECT *`, `csv` (a header line, RFC 4180
//! quoting, NULL as an empty unquoted field), and `sql`, which reloads
//! into MySQL (a CREATE TABLE from the catalog's schema and multi-row
//! INSERTs, sent as `SET NAMES binary` so that every string reaches its
//! column byte for byte, like `mysqldump --default-character-set=binary`).

use std::io::{self, Write};

use understudy_sql::{Column, ColumnType, DefaultValue, TableSchema};

use crate::row::Cell;
use crate::text::{batch_field, cell_raw_text, cell_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Tsv,
    Csv,
    Sql,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Format, String> {
        match s {
            "tsv" => Ok(Format::Tsv),
            "csv" => Ok(Format::Csv),
            "sql" => Ok(Format::Sql),
            _ => Err(format!("unknown format '{s}' (tsv, csv, sql)")),
        }
    }
}

/// INSERT statements are cut at about this many bytes (mysqldump's
/// default `net_buffer_length` is 16 KiB; larger statements load faster
/// and stay far below `max_allowed_packet`).
const INSERT_BYTES: usize = 1 << 20;

/// Writes one table's rows in a format.
#[derive(Debug)]
pub struct Exporter<'a, W: Write> {
    out: W,
    format: Format,
    name: &'a str,
    schema: &'a TableSchema,
    /// The columns `SELECT *` shows (invisible ones are left out).
    visible: Vec<usize>,
    line: Vec<u8>,
    /// Rows in the INSERT being built (`sql`).
    in_insert: usize,
}

fn quote_ident(s: &str) -> String {
    format!("`{}`", s.replace('`', "``"))
}

/// A string literal with MySQL's escapes (as mysqldump writes them).
fn quote_bytes(out: &mut Vec<u8>, b: &[u8]) {
    out.push(b'\'');
    for &c in b {
        match c {
            0 => out.extend_from_slice(b"\\0"),
            b'\'' => out.extend_from_slice(b"\\'"),
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            0x1a => out.extend_from_slice(b"\\Z"),
            _ => out.push(c),
        }
    }
    out.push(b'\'');
}

fn is_binary(ty: &ColumnType) -> bool {
    matches!(
        ty,
        ColumnType::Binary(_)
            | ColumnType::VarBinary(_)
            | ColumnType::Blob { .. }
            | ColumnType::Geometry
            | ColumnType::Vector(_)
    )
}

fn is_numeric(ty: &ColumnType) -> bool {
    matches!(
        ty,
        ColumnType::Int { .. }
            | ColumnType::Decimal { .. }
            | ColumnType::Float
            | ColumnType::Double
            | ColumnType::Year
    )
}

/// A cell as an SQL literal for a column of type `ty`.
fn sql_value(out: &mut Vec<u8>, c: &Cell, ty: &ColumnType) {
    // As stored: the dump is read with SET NAMES binary.
    let Some(text) = cell_raw_text(c, ty) else {
        out.extend_from_slice(b"NULL");
        return;
    };
    match (c, ty) {
        (Cell::Bit(v), _) => out.extend_from_slice(format!("b'{v:b}'").as_bytes()),
        (_, ColumnType::Json) => {
            out.extend_from_slice(b"_utf8mb4");
            quote_bytes(out, &text);
        }
        (_, t) if is_binary(t) && !text.is_empty() => {
            out.extend_from_slice(b"0x");
            for b in &text {
                out.extend_from_slice(format!("{b:02X}").as_bytes());
            }
        }
        (_, t) if is_numeric(t) => out.extend_from_slice(&text),
        _ => quote_bytes(out, &text),
    }
}

/// The column's definition in a CREATE TABLE. A generated column becomes
/// a plain one holding the generated values (an INSERT cannot write to a
/// generated column; the replica does not keep its expression).
fn column_sql(c: &Column, auto_increment: bool) -> String {
    let mut s = format!("{} {}", quote_ident(&c.name), c.ty.sql());
    if !c.nullable {
        s.push_str(" NOT NULL");
    }
    match &c.default {
        DefaultValue::None => {}
        DefaultValue::Null if c.nullable => s.push_str(" DEFAULT NULL"),
        DefaultValue::Null => {}
        DefaultValue::Literal(v) => {
            let mut q = Vec::new();
            if is_numeric(&c.ty) && !v.is_empty() {
                q.extend_from_slice(v.as_bytes());
            } else {
                quote_bytes(&mut q, v.as_bytes());
            }
            s.push_str(" DEFAULT ");
            s.push_str(&String::from_utf8_lossy(&q));
        }
        DefaultValue::Expression(e) => {
            let upper = e.to_ascii_uppercase();
            if ["CURRENT_TIMESTAMP", "NOW", "LOCALTIME"]
                .iter()
                .any(|f| upper.starts_with(f))
            {
                s.push_str(&format!(" DEFAULT {e}"));
            } else {
                s.push_str(&format!(" DEFAULT ({e})"));
            }
        }
    }
    if auto_increment {
        s.push_str(" AUTO_INCREMENT");
    }
    if c.invisible {
        s.push_str(" /*!80023 INVISIBLE */");
    }
    if c.generated {
        s.push_str(" /* generated on the source */");
    }
    s
}

/// Whether a stored row is current: not a history row of a MariaDB
/// system-versioned table, whose row end is then below its greatest
/// value (TIMESTAMP'2038-01-19 03:14:07.999999', or from MariaDB 11.5
/// 2106-02-07 06:28:15.999999).
pub fn current_row(schema: &TableSchema, cells: &[Cell]) -> bool {
    let Some((_, end)) = &schema.system_time else {
        return true;
    };
    let Some(i) = schema.column_index(end) else {
        return true;
    };
    matches!(
        cells.get(i),
        Some(Cell::Timestamp {
            seconds: 0x7fff_ffff | 0xffff_ffff,
            micros: 999_999
        })
    )
}

/// `CREATE TABLE name (…)` for a schema, as the sql format writes it.
pub fn create_table_sql(name: &str, schema: &TableSchema) -> String {
    let mut parts: Vec<String> = schema
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            // AUTO_INCREMENT needs a key: kept where the key leads with it.
            let ai = c.auto_increment && schema.primary_key.first() == Some(&i);
            format!("  {}", column_sql(c, ai))
        })
        .collect();
    if !schema.primary_key.is_empty() {
        let cols: Vec<String> = schema
            .primary_key_names()
            .into_iter()
            .map(quote_ident)
            .collect();
        parts.push(format!("  PRIMARY KEY ({})", cols.join(",")));
    }
    let charset = match &schema.charset {
        Some(c) => format!(" DEFAULT CHARSET={c}"),
        None => String::new(),
    };
    format!(
        "CREATE TABLE {} (\n{}\n){charset};\n",
        quote_ident(name),
        parts.join(",\n")
    )
}

impl<'a, W: Write> Exporter<'a, W> {
    /// Starts the output (CSV header; SQL preamble and CREATE TABLE).
    /// `comment` goes into the SQL header (the replica position).
    pub fn begin(
        mut out: W,
        format: Format,
        name: &'a str,
        schema: &'a TableSchema,
        comment: &str,
    ) -> io::Result<Self> {
        let visible: Vec<usize> = (0..schema.columns.len())
            .filter(|&i| !schema.columns[i].invisible || format == Format::Sql)
            .collect();
        if format != Format::Sql {
            for c in &schema.columns {
                if let ColumnType::Char { charset, .. }
                | ColumnType::VarChar { charset, .. }
                | ColumnType::Text { charset, .. } = &c.ty
                    && !crate::charset::supported(charset.as_deref())
                {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidInput,
                        format!(
                            "column {} is in character set {}, which understudy cannot show in UTF-8 (--format sql writes it as stored)",
                            c.name,
                            charset.as_deref().unwrap_or("")
                        ),
                    ));
                }
            }
        }
        match format {
            Format::Tsv => {}
            Format::Csv => {
                let mut line = Vec::new();
                for (n, &i) in visible.iter().enumerate() {
                    if n > 0 {
                        line.push(b',');
                    }
                    csv_field(&mut line, Some(schema.columns[i].name.as_bytes()));
                }
                line.extend_from_slice(b"\r\n");
                out.write_all(&line)?;
            }
            Format::Sql => {
                let head = format!(
                    "-- understudy export of table {name}\n-- {comment}\n\
                     /*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n\
                     /*!40101 SET NAMES binary */;\n\
                     /*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;\n\
                     /*!40103 SET TIME_ZONE='+00:00' */;\n\
                     /*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;\n\
                     DROP TABLE IF EXISTS {q};\n{create}",
                    q = quote_ident(name),
                    create = create_table_sql(name, schema),
                );
                out.write_all(head.as_bytes())?;
            }
        }
        Ok(Exporter {
            out,
            format,
            name,
            schema,
            visible,
            line: Vec::new(),
            in_insert: 0,
        })
    }

    /// Writes one stored row (cells in schema order); history rows of a
    /// system-versioned table are left out, as `SELECT *` leaves them.
    pub fn row(&mut self, cells: &[Cell]) -> io::Result<()> {
        if !current_row(self.schema, cells) {
            return Ok(());
        }
        let cols = &self.schema.columns;
        match self.format {
            Format::Tsv | Format::Csv => {
                self.line.clear();
                for (n, &i) in self.visible.iter().enumerate() {
                    let text = cells.get(i).and_then(|c| cell_text(c, &cols[i].ty));
                    if self.format == Format::Tsv {
                        if n > 0 {
                            self.line.push(b'\t');
                        }
                        batch_field(&mut self.line, text.as_deref());
                    } else {
                        if n > 0 {
                            self.line.push(b',');
                        }
                        csv_field(&mut self.line, text.as_deref());
                    }
                }
                self.line.extend_from_slice(if self.format == Format::Tsv {
                    b"\n"
                } else {
                    b"\r\n"
                });
                self.out.write_all(&self.line)
            }
            Format::Sql => {
                if self.in_insert == 0 {
                    self.line.clear();
                    self.line.extend_from_slice(
                        format!("INSERT INTO {} VALUES ", quote_ident(self.name)).as_bytes(),
                    );
                } else {
                    self.line.push(b',');
                }
                self.line.push(b'(');
                for (n, &i) in self.visible.iter().enumerate() {
                    if n > 0 {
                        self.line.push(b',');
                    }
                    let c = cells.get(i).unwrap_or(&Cell::Null);
                    sql_value(&mut self.line, c, &cols[i].ty);
                }
                self.line.push(b')');
                self.in_insert += 1;
                if self.line.len() >= INSERT_BYTES {
                    self.end_insert()?;
                }
                Ok(())
            }
        }
    }

    fn end_insert(&mut self) -> io::Result<()> {
        if self.in_insert > 0 {
            self.line.extend_from_slice(b";\n");
            self.out.write_all(&self.line)?;
            self.in_insert = 0;
        }
        Ok(())
    }

    /// Ends the output and flushes it.
    pub fn finish(mut self) -> io::Result<()> {
        if self.format == Format::Sql {
            self.end_insert()?;
            self.out.write_all(
                b"/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;\n\
                  /*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;\n\
                  /*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;\n",
            )?;
        }
        self.out.flush()
    }
}

/// One CSV field: NULL empty and unquoted; a value quoted when it is
/// empty or holds a comma, quote, CR or LF (quotes doubled).
fn csv_field(out: &mut Vec<u8>, text: Option<&[u8]>) {
    let Some(b) = text else {
        return;
    };
    if !b.is_empty() && !b.iter().any(|c| matches!(c, b',' | b'"' | b'\r' | b'\n')) {
        out.extend_from_slice(b);
        return;
    }
    out.push(b'"');
    for &c in b {
        if c == b'"' {
            out.push(b'"');
        }
        out.push(c);
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> TableSchema {
        let mut id = Column::new(
            "id",
            ColumnType::Int {
                bytes: 4,
                unsigned: false,
            },
        );
        id.nullable = false;
        id.auto_increment = true;
        let mut name = Column::new(
            "name",
            ColumnType::VarChar {
                len: 10,
                charset: None,
            },
        );
        name.default = DefaultValue::Literal("it's".into());
        let raw = Column::new("raw", ColumnType::VarBinary(4));
        let mut hidden = Column::new("h", ColumnType::Bit(3));
        hidden.invisible = true;
        TableSchema {
            system_time: None,
            columns: vec![id, name, raw, hidden],
            primary_key: vec![0],
            charset: Some("utf8mb4".into()),
            indexes: Some(Vec::new()),
            collation: None,
            foreign_keys: Vec::new(),
        }
    }

    fn render(format: Format, rows: &[Vec<Cell>]) -> String {
        let s = schema();
        let mut out = Vec::new();
        let mut e =
            Exporter::begin(&mut out, format, "t", &s, "test").unwrap_or_else(|e| panic!("{e}"));
        for r in rows {
            e.row(r).unwrap_or_else(|e| panic!("{e}"));
        }
        e.finish().unwrap_or_else(|e| panic!("{e}"));
        String::from_utf8_lossy(&out).into_owned()
    }

    fn rows() -> Vec<Vec<Cell>> {
        vec![
            vec![
                Cell::Int(1),
                Cell::Bytes(b"a,\"b\"\n".to_vec()),
                Cell::Bytes(vec![0, 0xff]),
                Cell::Bit(5),
            ],
            vec![
                Cell::Int(2),
                Cell::Bytes(Vec::new()),
                Cell::Null,
                Cell::Null,
            ],
        ]
    }

    #[test]
    fn tsv_and_csv() {
        assert_eq!(
            render(Format::Tsv, &rows()),
            "1\ta,\"b\"\\n\t\\0\u{fffd}\n2\t\tNULL\n"
        );
        assert_eq!(
            render(Format::Csv, &rows()),
            "id,name,raw\r\n1,\"a,\"\"b\"\"\n\",\0\u{fffd}\r\n2,\"\",\r\n"
        );
    }

    #[test]
    fn sql_creates_and_inserts() {
        let out = render(Format::Sql, &rows());
        assert!(out.contains("/*!40101 SET NAMES binary */;\n"), "{out}");
        assert!(
            out.contains(
                "CREATE TABLE `t` (\n  `id` int NOT NULL AUTO_INCREMENT,\n  `name` varchar(10) DEFAULT 'it\\'s',\n  `raw` varbinary(4),\n  `h` bit(3) /*!80023 INVISIBLE */,\n  PRIMARY KEY (`id`)\n) DEFAULT CHARSET=utf8mb4;\n"
            ),
            "{out}"
        );
        assert!(
            out.contains(
                "INSERT INTO `t` VALUES (1,'a,\\\"b\\\"\\n',0x00FF,b'101'),(2,'',NULL,NULL);\n"
            ),
            "{out}"
        );
    }
}
