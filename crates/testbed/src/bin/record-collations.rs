//! Records how real servers collate each character of the Basic
//! Multilingual Plane and of the emoji and symbol blocks U+1F000..U+1FAFF,
//! into `testdata/collations/<collation>.tsv`: one
//! line per code point whose answer is not the identity — the code
//! point, the hex of `WEIGHT_STRING(c COLLATE <collation>)`, and the hex
//! (UTF-8) of `UPPER(c)` and `LOWER(c)` under it. The statement
//! executor compares and case-maps text with these tables
//! (`understudy_sql::collation`).
//!
//! `utf8mb4_0900_ai_ci` and `utf8mb4_general_ci` come from MySQL 9.7; the
//! recording of MariaDB 10.11's `utf8mb4_general_ci` must be the same
//! table, and is checked to be.
//!
//! Usage: `record-collations [ROOT]` (ROOT: the repository, default `.`).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

use understudy_testbed::{Server, ServerKind, ServerOptions};

type Error = Box<dyn std::error::Error>;

/// One query: every BMP code point but the surrogates, in chunks the
/// recursion limit allows.
fn query(collation: &str, from: u32, to: u32) -> String {
    let c = "CONVERT(CHAR(n USING utf32) USING utf8mb4)";
    format!(
        "WITH RECURSIVE cp(n) AS (SELECT {from} UNION ALL SELECT n + 1 FROM cp WHERE n < {to}) \
         SELECT n, HEX(WEIGHT_STRING({c} COLLATE {collation})), \
         HEX(UPPER({c} COLLATE {collation})), HEX(LOWER({c} COLLATE {collation})) \
         FROM cp WHERE n NOT BETWEEN 55296 AND 57343;"
    )
}

/// What a server answers for each BMP code point: (code point,
/// weights, UPPER, LOWER).
type Answers = Vec<(u32, Vec<u16>, String, String)>;

fn answers(server: &Server, collation: &str, mariadb: bool) -> Result<Answers, Error> {
    let depth = if mariadb {
        "max_recursive_iterations"
    } else {
        "cte_max_recursion_depth"
    };
    let mut out = Vec::new();
    for start in (0..0x10000u32).step_by(0x1000).chain([0x1f000]) {
        let text = server.sql(&format!(
            "SET SESSION {depth} = 10000; {}",
            query(
                collation,
                start,
                start + if start == 0x1f000 { 0xaff } else { 0xfff }
            )
        ))?;
        for line in text.lines() {
            let f: Vec<&str> = line.split('\t').collect();
            let [n, weight, upper, lower] = f.as_slice() else {
                return Err(format!("{collation}: unexpected line {line:?}").into());
            };
            let one = |hex: &str| -> Result<String, Error> {
                let bytes = (0..hex.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&hex[i..i + 2], 16))
                    .collect::<Result<Vec<u8>, _>>()?;
                Ok(String::from_utf8(bytes)?)
            };
            let weights = (0..weight.len())
                .step_by(4)
                .map(|i| u16::from_str_radix(&weight[i..i + 4], 16))
                .collect::<Result<Vec<u16>, _>>()?;
            out.push((n.parse()?, weights, one(upper)?, one(lower)?));
        }
    }
    Ok(out)
}

/// UCA's implicit weights' first unit for a code point no table lists
/// (0xFB40 for the unified ideographs, 0xFB80 for the others, 0xFBC0 for
/// unassigned code points), when `w` is one of them.
fn implicit_base(cp: u32, w: &[u16]) -> Option<u16> {
    [0xfb40u32, 0xfb80, 0xfbc0].into_iter().find_map(|base| {
        (w == [(base + (cp >> 15)) as u16, ((cp & 0x7fff) | 0x8000) as u16]).then_some(base as u16)
    })
}

/// A Hangul syllable's weights: those of its conjoining jamo.
fn hangul(cp: u32, weights: &HashMap<u32, Vec<u16>>) -> Option<Vec<u16>> {
    let s = cp.checked_sub(0xac00).filter(|&s| s < 11172)?;
    let (l, v, t) = (0x1100 + s / 588, 0x1161 + (s % 588) / 28, 0x11a7 + s % 28);
    let mut out = weights.get(&l)?.clone();
    out.extend(weights.get(&v)?);
    if t != 0x11a7 {
        out.extend(weights.get(&t)?);
    }
    Some(out)
}

/// How a code point's weights are written.
#[derive(PartialEq)]
enum Kind {
    /// Its own code point (general_ci): not written.
    Own,
    /// UCA's implicit weights with this first unit: `i first last base`.
    Implicit(u16),
    /// Its jamo's weights: `h first last`.
    Hangul,
    /// One weight, rising by one with the code point: `r first last
    /// weight` (`w cp weight` alone).
    Single(u16),
    /// The same weights for a run of code points: `s first last
    /// weights` (`w cp weights` alone; none: ignorable).
    Same(Vec<u16>),
}

/// The table a collation's answers make, and `c cp upper lower` where a
/// case differs.
fn table(collation: &str, answers: &Answers) -> Result<String, Error> {
    let uca = !collation.contains("general");
    let all: HashMap<u32, Vec<u16>> = answers
        .iter()
        .map(|(cp, w, _, _)| (*cp, w.clone()))
        .collect();
    let hex = |w: &[u16]| w.iter().map(|x| format!("{x:04X}")).collect::<String>();
    let mut text =
        format!("# {collation}: recorded from real servers by record-collations; see its notes\n");
    // The open run: first and last code point, and its kind.
    let mut run: Option<(u32, u32, Kind)> = None;
    let flush = |run: &mut Option<(u32, u32, Kind)>, text: &mut String| {
        let Some((a, b, kind)) = run.take() else {
            return;
        };
        let _ = match kind {
            Kind::Own => Ok(()),
            Kind::Implicit(base) => writeln!(text, "i {a:04X} {b:04X} {base:04X}"),
            Kind::Hangul => writeln!(text, "h {a:04X} {b:04X}"),
            Kind::Single(w) if a == b => writeln!(text, "w {a:04X} {w:04X}"),
            Kind::Single(w) => writeln!(text, "r {a:04X} {b:04X} {w:04X}"),
            Kind::Same(w) if a == b => writeln!(text, "w {a:04X} {}", hex(&w)),
            Kind::Same(w) => writeln!(text, "s {a:04X} {b:04X} {}", hex(&w)),
        };
    };
    let mut previous: Option<&Vec<u16>> = None;
    for (cp, w, _, _) in answers {
        let repeated = previous == Some(w);
        previous = Some(w);
        let kind = if !uca && w.as_slice() == [*cp as u16] {
            Kind::Own
        } else if let Some(base) = implicit_base(*cp, w).filter(|_| uca) {
            Kind::Implicit(base)
        } else if uca && hangul(*cp, &all).as_ref() == Some(w) {
            Kind::Hangul
        } else if let ([one], false) = (w.as_slice(), repeated) {
            Kind::Single(*one)
        } else {
            Kind::Same(w.clone())
        };
        let continues = match (&run, &kind) {
            (Some((a, b, Kind::Single(first))), Kind::Single(one)) => {
                *b + 1 == *cp && u32::from(*first) + (*cp - *a) == u32::from(*one)
            }
            (Some((_, b, open)), k) => *b + 1 == *cp && open == k,
            (None, _) => false,
        };
        if continues {
            if let Some(r) = run.as_mut() {
                r.1 = *cp;
            }
            continue;
        }
        flush(&mut run, &mut text);
        run = Some((*cp, *cp, kind));
    }
    flush(&mut run, &mut text);
    // (MySQL's UPPER and LOWER give an empty string for a character
    // whose other case is longer in UTF-8: `-`.)
    let points = |s: &str| -> String {
        if s.is_empty() {
            return "-".into();
        }
        s.chars()
            .map(|c| format!("{:04X}", c as u32))
            .collect::<Vec<_>>()
            .join(",")
    };
    for (cp, _, upper, lower) in answers {
        let c = char::from_u32(*cp).ok_or("not a character")?.to_string();
        if *upper != c || *lower != c {
            writeln!(text, "c {cp:04X} {} {}", points(upper), points(lower))?;
        }
    }
    Ok(text)
}

/// Pairs of characters of `from..=to` (the string `ab`) whose weights
/// are not `a`'s then `b`'s: contractions, which the executor's tables
/// do not hold. Characters with no weight (combining marks, controls)
/// are left out of the check; the executor refuses them.
fn contractions(server: &Server, collation: &str, from: u32, to: u32) -> Result<String, Error> {
    let c =
        |col: &str| format!("CONVERT(CHAR({col} USING utf32) USING utf8mb4) COLLATE {collation}");
    Ok(server.sql(&format!(
        "SET SESSION cte_max_recursion_depth = 100000; \
         WITH RECURSIVE cp(n) AS (SELECT {from} UNION ALL SELECT n + 1 FROM cp WHERE n < {to}), \
         ch AS (SELECT n, {} AS s, WEIGHT_STRING({}) AS w FROM cp WHERE n NOT BETWEEN 55296 AND 57343) \
         SELECT HEX(a.n), HEX(b.n) FROM ch a JOIN ch b \
         WHERE LENGTH(a.w) > 0 AND LENGTH(b.w) > 0 \
         AND WEIGHT_STRING(CONCAT(a.s, b.s)) <> CONCAT(a.w, b.w) LIMIT 50;",
        c("n"),
        c("n")
    ))?)
}

/// The ranges the executor compares under the UCA collations (with the
/// CJK ideographs and Hangul syllables, whose weights are computed):
/// checked here to hold no contraction.
const RANGES: [(u32, u32); 7] = [
    (0, 0x52f),
    (0x1e00, 0x1fff),
    (0x2000, 0x22ff),
    (0x3000, 0x303f),
    (0x3040, 0x30ff),
    (0xff00, 0xffef),
    (0x1f000, 0x1faff),
];

fn main() -> Result<(), Error> {
    let root = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    let dir = root.join("crates/sql/src/collation");
    fs::create_dir_all(&dir)?;
    let mysql = Server::start(ServerKind::Mysql97, ServerOptions::new())?;
    let mut recorded = Vec::new();
    for collation in [
        "utf8mb4_0900_ai_ci",
        "utf8mb4_unicode_ci",
        "utf8mb4_general_ci",
    ] {
        let a = answers(&mysql, collation, false)?;
        let text = table(collation, &a)?;
        eprintln!("{collation}: {} lines", text.lines().count());
        fs::write(dir.join(format!("{collation}.txt")), text)?;
        recorded.push(a);
    }
    let (general, unicode) = (recorded.remove(2), recorded.remove(1));
    for collation in ["utf8mb4_0900_ai_ci", "utf8mb4_unicode_ci"] {
        for (from, to) in RANGES {
            let found = contractions(&mysql, collation, from, to)?;
            if !found.is_empty() {
                return Err(format!(
                    "{collation}: contractions in U+{from:04X}..U+{to:04X}: {found}"
                )
                .into());
            }
        }
    }
    drop(mysql);
    let mariadb = Server::start(ServerKind::Mariadb1011, ServerOptions::new())?;
    for (collation, ours) in [
        ("utf8mb4_general_ci", &general),
        ("utf8mb4_unicode_ci", &unicode),
    ] {
        let theirs = answers(&mariadb, collation, true)?;
        if theirs != *ours {
            let first = theirs
                .iter()
                .zip(ours.iter())
                .find(|(a, b)| a != b)
                .map(|(a, b)| format!("MariaDB {a:?}, MySQL {b:?}"))
                .unwrap_or_else(|| "different lengths".into());
            return Err(format!("{collation} differs between the servers: {first}").into());
        }
    }
    Ok(())
}
