//! Column types as a MySQL table definition declares them.

use serde::{Deserialize, Serialize};

use crate::error::SqlError;

/// A column's declared type. Integer display widths and ZEROFILL are not
/// kept (MySQL 8.0.17+ deprecates them and prints values without them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ColumnType {
    /// TINYINT (1), SMALLINT (2), MEDIUMINT (3), INT (4), BIGINT (8).
    Int {
        bytes: u8,
        unsigned: bool,
    },
    Decimal {
        precision: u8,
        scale: u8,
    },
    Float,
    Double,
    /// BIT(n), 1 ≤ n ≤ 64.
    Bit(u8),
    Year,
    Date,
    /// TIME(fsp).
    Time(u8),
    DateTime(u8),
    Timestamp(u8),
    /// CHAR(n) in a character set (`None`: the table's).
    Char {
        len: u32,
        charset: Option<String>,
    },
    VarChar {
        len: u32,
        charset: Option<String>,
    },
    Binary(u32),
    VarBinary(u32),
    /// TINYTEXT (1) … LONGTEXT (4): the length prefix's bytes.
    Text {
        pack: u8,
        charset: Option<String>,
    },
    Blob {
        pack: u8,
    },
    Enum(Vec<String>),
    Set(Vec<String>),
    Json,
    Geometry,
    /// VECTOR(n) of f32.
    Vector(u32),
    /// MariaDB's INET4: 4 bytes, shown dotted.
    Inet4,
    /// MariaDB's INET6: 16 bytes, shown as RFC 5952 text.
    Inet6,
    /// MariaDB's UUID: 16 bytes, shown in 8-4-4-4-12 hex.
    Uuid,
}

impl ColumnType {
    pub fn is_integer(&self) -> bool {
        matches!(self, ColumnType::Int { .. })
    }

    pub fn is_unsigned(&self) -> bool {
        matches!(self, ColumnType::Int { unsigned: true, .. })
    }

    /// Whether values are character strings (trailing-space rules and
    /// charsets apply).
    /// The fixed size of MariaDB's INET4, INET6 and UUID values (binary
    /// strings in row images, shown as text).
    pub fn fixed_binary_text(&self) -> Option<usize> {
        match self {
            ColumnType::Inet4 => Some(4),
            ColumnType::Inet6 | ColumnType::Uuid => Some(16),
            _ => None,
        }
    }

    pub fn is_text(&self) -> bool {
        matches!(
            self,
            ColumnType::Char { .. } | ColumnType::VarChar { .. } | ColumnType::Text { .. }
        )
    }

    /// The type as a column definition writes it (`int unsigned`,
    /// `decimal(12,3)`, `varchar(40) CHARACTER SET latin1`,
    /// `enum('a','b')`), as `SHOW CREATE TABLE` spells it.
    pub fn sql(&self) -> String {
        let cs = |c: &Option<String>| match c {
            Some(c) => format!(" CHARACTER SET {c}"),
            None => String::new(),
        };
        let list = |m: &[String]| {
            m.iter()
                .map(|s| format!("'{}'", s.replace('\\', "\\\\").replace('\'', "''")))
                .collect::<Vec<_>>()
                .join(",")
        };
        let fsp = |f: u8| {
            if f > 0 {
                format!("({f})")
            } else {
                String::new()
            }
        };
        let pack = |p: u8| match p {
            1 => "tiny",
            3 => "medium",
            4 => "long",
            _ => "",
        };
        match self {
            ColumnType::Int { bytes, unsigned } => {
                let n = match bytes {
                    1 => "tinyint",
                    2 => "smallint",
                    3 => "mediumint",
                    4 => "int",
                    _ => "bigint",
                };
                if *unsigned {
                    format!("{n} unsigned")
                } else {
                    n.to_owned()
                }
            }
            ColumnType::Decimal { precision, scale } => format!("decimal({precision},{scale})"),
            ColumnType::Float => "float".into(),
            ColumnType::Double => "double".into(),
            ColumnType::Bit(n) => format!("bit({n})"),
            ColumnType::Year => "year".into(),
            ColumnType::Date => "date".into(),
            ColumnType::Time(f) => format!("time{}", fsp(*f)),
            ColumnType::DateTime(f) => format!("datetime{}", fsp(*f)),
            ColumnType::Timestamp(f) => format!("timestamp{}", fsp(*f)),
            ColumnType::Char { len, charset } => format!("char({len}){}", cs(charset)),
            ColumnType::VarChar { len, charset } => format!("varchar({len}){}", cs(charset)),
            ColumnType::Binary(n) => format!("binary({n})"),
            ColumnType::VarBinary(n) => format!("varbinary({n})"),
            ColumnType::Text { pack: p, charset } => format!("{}text{}", pack(*p), cs(charset)),
            ColumnType::Blob { pack: p } => format!("{}blob", pack(*p)),
            ColumnType::Enum(m) => format!("enum({})", list(m)),
            ColumnType::Set(m) => format!("set({})", list(m)),
            ColumnType::Json => "json".into(),
            ColumnType::Geometry => "geometry".into(),
            ColumnType::Vector(n) => format!("vector({n})"),
            ColumnType::Inet4 => "inet4".into(),
            ColumnType::Inet6 => "inet6".into(),
            ColumnType::Uuid => "uuid".into(),
        }
    }
}

/// Parses a type as the SQL parser prints it (`INT UNSIGNED`,
/// `DECIMAL(10,2)`, `ENUM('a', 'b')`, `VARCHAR(20)`), with the column's
/// `CHARACTER SET` option if any (`binary` turns CHAR into BINARY, TEXT
/// into BLOB).
pub fn parse_type(text: &str, charset: Option<&str>) -> Result<ColumnType, SqlError> {
    let err = || SqlError::Type(text.to_owned());
    let upper = text.trim().to_ascii_uppercase();
    let (head, args, rest) = split_type(&upper);
    let mut words = rest.split_whitespace().collect::<Vec<_>>();
    let unsigned = words.contains(&"UNSIGNED");
    words.retain(|w| !matches!(*w, "UNSIGNED" | "SIGNED" | "ZEROFILL"));
    let nums = || -> Result<Vec<u32>, SqlError> {
        args.split(',')
            .filter(|s| !s.trim().is_empty())
            .map(|s| s.trim().parse::<u32>().map_err(|_| err()))
            .collect()
    };
    let binary_cs = charset.is_some_and(|c| c.eq_ignore_ascii_case("binary"));
    let cs = charset.map(|c| c.to_ascii_lowercase());
    let int = |bytes| Ok(ColumnType::Int { bytes, unsigned });
    let fsp = || -> Result<u8, SqlError> {
        let n = nums()?;
        let f = n.first().copied().unwrap_or(0);
        if f > 6 {
            return Err(err());
        }
        Ok(f as u8)
    };
    let len1 =
        |default: u32| -> Result<u32, SqlError> { Ok(nums()?.first().copied().unwrap_or(default)) };
    let head = match (head.as_str(), words.first().copied()) {
        ("DOUBLE", Some("PRECISION")) => "DOUBLE",
        ("LONG", Some("VARCHAR")) => "MEDIUMTEXT",
        (h, _) => h,
    };
    match head {
        "TINYINT" | "INT1" => int(1),
        "BOOL" | "BOOLEAN" => Ok(ColumnType::Int {
            bytes: 1,
            unsigned: false,
        }),
        "SMALLINT" | "INT2" => int(2),
        "MEDIUMINT" | "INT3" | "MIDDLEINT" => int(3),
        "INT" | "INTEGER" | "INT4" => int(4),
        "BIGINT" | "INT8" => int(8),
        "SERIAL" => Ok(ColumnType::Int {
            bytes: 8,
            unsigned: true,
        }),
        "DECIMAL" | "DEC" | "NUMERIC" | "FIXED" => {
            let n = nums()?;
            let precision = n.first().copied().unwrap_or(10);
            let scale = n.get(1).copied().unwrap_or(0);
            if precision == 0 || precision > 65 || scale > 30 || scale > precision {
                return Err(err());
            }
            Ok(ColumnType::Decimal {
                precision: precision as u8,
                scale: scale as u8,
            })
        }
        "FLOAT" => match nums()?.as_slice() {
            // FLOAT(p): p > 24 is a DOUBLE.
            [p] if *p > 24 => Ok(ColumnType::Double),
            _ => Ok(ColumnType::Float),
        },
        "FLOAT4" => Ok(ColumnType::Float),
        "DOUBLE" | "REAL" | "FLOAT8" => Ok(ColumnType::Double),
        "BIT" => {
            let n = len1(1)?;
            if n == 0 || n > 64 {
                return Err(err());
            }
            Ok(ColumnType::Bit(n as u8))
        }
        "YEAR" => Ok(ColumnType::Year),
        "DATE" => Ok(ColumnType::Date),
        "TIME" => Ok(ColumnType::Time(fsp()?)),
        "DATETIME" => Ok(ColumnType::DateTime(fsp()?)),
        "TIMESTAMP" => Ok(ColumnType::Timestamp(fsp()?)),
        "CHAR" | "CHARACTER" | "NCHAR" if binary_cs => Ok(ColumnType::Binary(len1(1)?)),
        "CHAR" | "CHARACTER" | "NCHAR" => Ok(ColumnType::Char {
            len: len1(1)?,
            charset: cs,
        }),
        "VARCHAR" | "NVARCHAR" | "CHARACTER VARYING" if binary_cs => {
            Ok(ColumnType::VarBinary(len1(0)?))
        }
        "VARCHAR" | "NVARCHAR" | "CHARACTER VARYING" => Ok(ColumnType::VarChar {
            len: len1(0)?,
            charset: cs,
        }),
        "BINARY" => Ok(ColumnType::Binary(len1(1)?)),
        "VARBINARY" => Ok(ColumnType::VarBinary(len1(0)?)),
        "TINYTEXT" | "TEXT" | "MEDIUMTEXT" | "LONGTEXT" => {
            let pack = match head {
                "TINYTEXT" => 1,
                "MEDIUMTEXT" => 3,
                "LONGTEXT" => 4,
                // TEXT(n) picks the smallest type that holds n characters.
                _ => text_pack(nums()?.first().copied()),
            };
            Ok(if binary_cs {
                ColumnType::Blob { pack }
            } else {
                ColumnType::Text { pack, charset: cs }
            })
        }
        "TINYBLOB" => Ok(ColumnType::Blob { pack: 1 }),
        "BLOB" => Ok(ColumnType::Blob {
            pack: text_pack(nums()?.first().copied()),
        }),
        "MEDIUMBLOB" => Ok(ColumnType::Blob { pack: 3 }),
        "LONGBLOB" => Ok(ColumnType::Blob { pack: 4 }),
        "ENUM" => Ok(ColumnType::Enum(quoted_list(text)?)),
        "SET" => Ok(ColumnType::Set(quoted_list(text)?)),
        "JSON" => Ok(ColumnType::Json),
        "GEOMETRY" | "POINT" | "LINESTRING" | "POLYGON" | "MULTIPOINT" | "MULTILINESTRING"
        | "MULTIPOLYGON" | "GEOMETRYCOLLECTION" | "GEOMCOLLECTION" => Ok(ColumnType::Geometry),
        "VECTOR" => Ok(ColumnType::Vector(len1(2048)?)),
        "INET4" => Ok(ColumnType::Inet4),
        "INET6" => Ok(ColumnType::Inet6),
        "UUID" => Ok(ColumnType::Uuid),
        _ => Err(err()),
    }
}

/// TEXT(n)/BLOB(n): the smallest of TINY (< 256), plain (< 65536),
/// MEDIUM (< 2^24) that holds n bytes.
fn text_pack(n: Option<u32>) -> u8 {
    match n {
        Some(n) if n < 256 => 1,
        Some(n) if n >= 1 << 24 => 4,
        Some(n) if n >= 1 << 16 => 3,
        _ => 2,
    }
}

/// `NAME(args) rest` → (NAME, args, rest).
fn split_type(upper: &str) -> (String, String, String) {
    match upper.find('(') {
        Some(open) => {
            let close = upper.rfind(')').unwrap_or(upper.len());
            let head = upper[..open].trim().to_owned();
            let args = upper[open + 1..close.max(open + 1)].to_owned();
            let rest = upper.get(close + 1..).unwrap_or("").to_owned();
            (head, args, rest)
        }
        None => {
            let mut it = upper.splitn(2, char::is_whitespace);
            let head = it.next().unwrap_or("").to_owned();
            (head, String::new(), it.next().unwrap_or("").to_owned())
        }
    }
}

/// The quoted members of `ENUM('a', 'b''c')`, as written (original case).
fn quoted_list(text: &str) -> Result<Vec<String>, SqlError> {
    let err = || SqlError::Type(text.to_owned());
    let open = text.find('(').ok_or_else(err)?;
    let mut out = Vec::new();
    let mut chars = text[open + 1..].chars().peekable();
    loop {
        match chars.next() {
            Some('\'') => {
                let mut s = String::new();
                loop {
                    match chars.next().ok_or_else(err)? {
                        '\'' if chars.peek() == Some(&'\'') => {
                            chars.next();
                            s.push('\'');
                        }
                        '\'' => break,
                        '\\' => match chars.next().ok_or_else(err)? {
                            'n' => s.push('\n'),
                            't' => s.push('\t'),
                            '0' => s.push('\0'),
                            c => s.push(c),
                        },
                        c => s.push(c),
                    }
                }
                // MySQL drops a member's trailing spaces.
                s.truncate(s.trim_end_matches(' ').len());
                out.push(s);
            }
            Some(',') | Some(' ') => {}
            Some(')') => return Ok(out),
            _ => return Err(err()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> ColumnType {
        match parse_type(s, None) {
            Ok(t) => t,
            Err(e) => panic!("{s}: {e}"),
        }
    }

    #[test]
    fn integer_and_numeric_types() {
        assert_eq!(
            t("INT(11) UNSIGNED"),
            ColumnType::Int {
                bytes: 4,
                unsigned: true
            }
        );
        assert_eq!(
            t("MEDIUMINT"),
            ColumnType::Int {
                bytes: 3,
                unsigned: false
            }
        );
        assert_eq!(
            t("SERIAL"),
            ColumnType::Int {
                bytes: 8,
                unsigned: true
            }
        );
        assert_eq!(
            t("DECIMAL(10,2)"),
            ColumnType::Decimal {
                precision: 10,
                scale: 2
            }
        );
        assert_eq!(
            t("NUMERIC"),
            ColumnType::Decimal {
                precision: 10,
                scale: 0
            }
        );
        assert_eq!(t("FLOAT(30)"), ColumnType::Double);
        assert_eq!(t("FLOAT(7,3)"), ColumnType::Float);
        assert_eq!(t("DOUBLE PRECISION"), ColumnType::Double);
        assert_eq!(t("BIT(5)"), ColumnType::Bit(5));
        assert!(parse_type("BIT(65)", None).is_err());
        assert!(parse_type("DECIMAL(66,2)", None).is_err());
    }

    #[test]
    fn strings_temporal_and_lists() {
        assert_eq!(t("DATETIME(6)"), ColumnType::DateTime(6));
        assert_eq!(t("TIMESTAMP"), ColumnType::Timestamp(0));
        assert!(parse_type("TIME(7)", None).is_err());
        assert_eq!(
            parse_type("CHAR(3)", Some("binary")),
            Ok(ColumnType::Binary(3))
        );
        assert_eq!(
            parse_type("VARCHAR(20)", Some("Latin1")),
            Ok(ColumnType::VarChar {
                len: 20,
                charset: Some("latin1".into())
            })
        );
        assert_eq!(
            t("TEXT(100)"),
            ColumnType::Text {
                pack: 1,
                charset: None
            }
        );
        assert_eq!(t("LONGBLOB"), ColumnType::Blob { pack: 4 });
        assert_eq!(
            t("ENUM('a', 'b c', 'it''s')"),
            ColumnType::Enum(vec!["a".into(), "b c".into(), "it's".into()])
        );
        assert_eq!(t("POINT"), ColumnType::Geometry);
        assert_eq!(t("VECTOR(3)"), ColumnType::Vector(3));
        assert!(parse_type("WIDGET", None).is_err());
    }

    /// `sql()` writes what `parse_type` reads back.
    #[test]
    fn sql_text_round_trips() {
        for s in [
            "tinyint",
            "int unsigned",
            "bigint",
            "decimal(12,3)",
            "float",
            "double",
            "bit(10)",
            "year",
            "date",
            "time(2)",
            "datetime",
            "timestamp(6)",
            "char(5)",
            "varchar(40) CHARACTER SET latin1",
            "binary(4)",
            "varbinary(16)",
            "tinytext",
            "text",
            "mediumtext CHARACTER SET utf8mb4",
            "longblob",
            "blob",
            "enum('red','it''s')",
            "set('a','b')",
            "json",
            "geometry",
            "vector(3)",
        ] {
            let (ty, cs) = match s.split_once(" CHARACTER SET ") {
                Some((t, c)) => (t, Some(c)),
                None => (s, None),
            };
            let parsed = parse_type(ty, cs).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(parsed.sql(), s);
        }
    }
}
