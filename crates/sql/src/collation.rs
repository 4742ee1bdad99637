//! The collations understudy evaluates: how MySQL and MariaDB compare,
//! match (LIKE) and case-map UTF-8 text under `utf8mb4_0900_ai_ci`,
//! `utf8mb4_unicode_ci`, `utf8mb4_general_ci` (and their `utf8mb3`
//! twins), `utf8mb4_bin` and `utf8mb4_0900_bin`.
//!
//! The weights and case mappings are the servers' own answers, recorded
//! by `record-collations` (`WEIGHT_STRING`, `UPPER`, `LOWER` of every
//! character of the Basic Multilingual Plane on MySQL 9.7, the same on
//! MariaDB 10.11) into `collation/*.txt`. Under the UCA collations a
//! string's weights are its characters' weights one after the other:
//! the recorder checks that no pair of characters in the ranges used
//! here contracts. Text with a character outside them — or one the
//! table cannot answer for — gets no answer (`None`), never a guess.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Collation {
    /// One understudy does not evaluate.
    #[default]
    Unknown,
    /// `utf8mb4_bin`, `utf8mb3_bin`: code points, PAD SPACE.
    Utf8Bin,
    /// `utf8mb4_0900_bin` (MariaDB's `utf8mb4_nopad_bin`): bytes, NO PAD.
    Utf8NoPadBin,
    /// `utf8mb4_general_ci`, `utf8mb3_general_ci`: one weight per
    /// character, PAD SPACE.
    GeneralCi,
    /// `utf8mb4_unicode_ci`, `utf8mb3_unicode_ci` (UCA 4.0.0): PAD SPACE.
    UnicodeCi,
    /// `utf8mb4_0900_ai_ci` (UCA 9.0.0, accents and case ignored): NO PAD.
    Uca0900AiCi,
}

/// The UCA ranges `record-collations` checks for contractions, and the
/// ideographs and Hangul syllables whose weights are computed.
const UCA_RANGES: [(u32, u32); 10] = [
    (0, 0x52f),
    (0x1e00, 0x1fff),
    (0x2000, 0x22ff),
    (0x3000, 0x303f),
    (0x3040, 0x30ff),
    (0x3400, 0x4dbf),
    (0x4e00, 0x9fff),
    (0xac00, 0xd7a3),
    (0xff00, 0xffef),
    (0x1f000, 0x1faff),
];

/// The code points the tables hold.
const RECORDED: u32 = 0x1fb00;

impl Collation {
    /// The collation of a name as `SHOW COLLATION` spells it.
    pub fn named(name: &str) -> Collation {
        let lower;
        let name = if name.bytes().any(|b| b.is_ascii_uppercase()) {
            lower = name.to_ascii_lowercase();
            lower.as_str()
        } else {
            name
        };
        match name {
            "utf8mb4_bin" | "utf8mb3_bin" | "utf8_bin" => Collation::Utf8Bin,
            "utf8mb4_0900_bin" | "utf8mb4_nopad_bin" | "utf8mb3_nopad_bin" => {
                Collation::Utf8NoPadBin
            }
            "utf8mb4_general_ci" | "utf8mb3_general_ci" | "utf8_general_ci" => Collation::GeneralCi,
            "utf8mb4_unicode_ci" | "utf8mb3_unicode_ci" | "utf8_unicode_ci" => Collation::UnicodeCi,
            "utf8mb4_0900_ai_ci" => Collation::Uca0900AiCi,
            _ => Collation::Unknown,
        }
    }

    fn table(self) -> Option<&'static Table> {
        static GENERAL: OnceLock<Table> = OnceLock::new();
        static UNICODE: OnceLock<Table> = OnceLock::new();
        static UCA0900: OnceLock<Table> = OnceLock::new();
        match self {
            Collation::GeneralCi => Some(GENERAL.get_or_init(|| {
                Table::parse(include_str!("collation/utf8mb4_general_ci.txt"), false)
            })),
            Collation::UnicodeCi => Some(UNICODE.get_or_init(|| {
                Table::parse(include_str!("collation/utf8mb4_unicode_ci.txt"), true)
            })),
            Collation::Uca0900AiCi => Some(UCA0900.get_or_init(|| {
                Table::parse(include_str!("collation/utf8mb4_0900_ai_ci.txt"), true)
            })),
            _ => None,
        }
    }

    /// The weight a space has (PAD SPACE collations compare a shorter
    /// string as if padded with spaces); `None`: NO PAD.
    fn pad(self) -> Option<u16> {
        match self {
            Collation::Utf8Bin | Collation::GeneralCi => Some(0x20),
            Collation::UnicodeCi => self.table()?.weights(' ').and_then(|w| w.first().copied()),
            _ => None,
        }
    }

    /// A character's weights; `None` when not known.
    fn char_weights(self, c: char) -> Option<Vec<u16>> {
        match self {
            Collation::Utf8Bin | Collation::Utf8NoPadBin => {
                let cp = c as u32;
                Some(vec![(cp >> 16) as u16, cp as u16])
            }
            _ => self.table()?.weights(c).map(<[u16]>::to_vec),
        }
    }

    /// Text's weights, one character's after another.
    fn weights(self, s: &str) -> Option<Vec<u16>> {
        let mut out = Vec::with_capacity(s.len());
        for c in s.chars() {
            out.extend(self.char_weights(c)?);
        }
        Some(out)
    }

    /// Two strings compared (`None`: not UTF-8, or a character the
    /// collation's table cannot answer for).
    pub fn compare(self, a: &[u8], b: &[u8]) -> Option<Ordering> {
        if self == Collation::Utf8NoPadBin {
            return Some(a.cmp(b));
        }
        let (a, b) = (std::str::from_utf8(a).ok()?, std::str::from_utf8(b).ok()?);
        if self == Collation::Unknown {
            return None;
        }
        let (wa, wb) = (self.weights(a)?, self.weights(b)?);
        let pad = match self.pad() {
            None => return Some(wa.cmp(&wb)),
            Some(p) => p,
        };
        // (Code points of utf8mb4_bin are two units each: a space is
        // [0, 0x20].)
        let unit = if self == Collation::Utf8Bin { 2 } else { 1 };
        let n = wa.len().min(wb.len());
        match wa[..n].cmp(&wb[..n]) {
            Ordering::Equal => {}
            o => return Some(o),
        }
        let (rest, flip) = if wa.len() > n {
            (&wa[n..], false)
        } else {
            (&wb[n..], true)
        };
        let space: &[u16] = if unit == 2 { &[0, pad] } else { &[pad] };
        for w in rest.chunks(unit) {
            match w.cmp(space) {
                Ordering::Equal => continue,
                o => return Some(if flip { o.reverse() } else { o }),
            }
        }
        Some(Ordering::Equal)
    }

    /// A key equal for two strings exactly when the collation compares
    /// them equal (what a unique key holds), `None` as for [`compare`].
    ///
    /// [`compare`]: Collation::compare
    pub fn sort_key(self, s: &[u8]) -> Option<Vec<u8>> {
        match self {
            Collation::Unknown => None,
            Collation::Utf8NoPadBin => Some(s.to_vec()),
            _ => {
                let mut w = self.weights(std::str::from_utf8(s).ok()?)?;
                if let Some(pad) = self.pad() {
                    let unit = if self == Collation::Utf8Bin { 2 } else { 1 };
                    while w.len() >= unit
                        && w[w.len() - 1] == pad
                        && (unit == 1 || w[w.len() - 2] == 0)
                    {
                        w.truncate(w.len() - unit);
                    }
                }
                Some(w.iter().flat_map(|x| x.to_be_bytes()).collect())
            }
        }
    }

    /// A character's one weight, where it has exactly one (`None`: none,
    /// an expansion to several, or not known): what finding text
    /// (LOCATE, INSTR) compares character by character.
    pub fn single_weight(self, c: char) -> Option<u16> {
        match self {
            Collation::Unknown | Collation::Utf8Bin | Collation::Utf8NoPadBin => None,
            _ => match self.table()?.weights(c)? {
                [w] => Some(*w),
                _ => None,
            },
        }
    }

    /// Whether LIKE takes two characters as the same.
    pub fn same_char(self, a: char, b: char) -> Option<bool> {
        match self {
            Collation::Unknown => None,
            Collation::Utf8Bin | Collation::Utf8NoPadBin => Some(a == b),
            _ => {
                let t = self.table()?;
                let (wa, wb) = (t.weights(a)?, t.weights(b)?);
                // (LIKE on characters without weight is not followed.)
                if wa.is_empty() || wb.is_empty() {
                    return None;
                }
                Some(wa == wb)
            }
        }
    }

    /// `UPPER(s)` (`upper`) or `LOWER(s)` under the collation.
    pub fn change_case(self, s: &str, upper: bool) -> Option<String> {
        match self {
            Collation::Unknown => None,
            Collation::Utf8Bin | Collation::Utf8NoPadBin => {
                // (The bin collations map case as general_ci does.)
                Collation::GeneralCi.change_case(s, upper)
            }
            _ => {
                let t = self.table()?;
                let mut out = String::with_capacity(s.len());
                for c in s.chars() {
                    if (c as u32) >= RECORDED {
                        return None;
                    }
                    let map = if upper { &t.upper } else { &t.lower };
                    match map.get(&c) {
                        None => out.push(c),
                        Some(Some(to)) => out.push_str(to),
                        // MySQL gives up on a character whose other
                        // case is longer: not followed.
                        Some(None) => return None,
                    }
                }
                Some(out)
            }
        }
    }
}

/// A collation's recorded weights and case mappings.
struct Table {
    /// Each recorded character's weights (a range of `pool`), `None`
    /// where not known.
    index: Vec<Option<(u32, u8)>>,
    pool: Vec<u16>,
    upper: HashMap<char, Option<String>>,
    lower: HashMap<char, Option<String>>,
    uca: bool,
}

fn hex(s: &str) -> u32 {
    u32::from_str_radix(s, 16).unwrap_or(u32::MAX)
}

impl Table {
    /// Reads `record-collations`' lines (see its notes). A line that does
    /// not read leaves its characters unknown.
    fn parse(text: &str, uca: bool) -> Table {
        let mut t = Table {
            index: vec![None; RECORDED as usize],
            pool: Vec::new(),
            upper: HashMap::new(),
            lower: HashMap::new(),
            uca,
        };
        if !uca {
            // general_ci: a character's own code point unless listed.
            for cp in 0..0x10000u32 {
                t.set(cp, &[cp as u16]);
            }
        }
        let mut hangul = Vec::new();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let f: Vec<&str> = line.split(' ').collect();
            match f.as_slice() {
                ["w", cp, w] => {
                    let units: Vec<u16> = (0..w.len() / 4)
                        .map(|i| hex(&w[i * 4..i * 4 + 4]) as u16)
                        .collect();
                    t.set(hex(cp), &units);
                }
                ["w", cp] => t.set(hex(cp), &[]),
                ["s", a, b, w] => {
                    let units: Vec<u16> = (0..w.len() / 4)
                        .map(|i| hex(&w[i * 4..i * 4 + 4]) as u16)
                        .collect();
                    for cp in hex(a)..=hex(b) {
                        t.set(cp, &units);
                    }
                }
                ["r", a, b, w] => {
                    for (k, cp) in (hex(a)..=hex(b)).enumerate() {
                        t.set(cp, &[(hex(w) as usize + k) as u16]);
                    }
                }
                ["i", a, b, base] => {
                    for cp in hex(a)..=hex(b) {
                        let w = [
                            (hex(base) + (cp >> 15)) as u16,
                            ((cp & 0x7fff) | 0x8000) as u16,
                        ];
                        t.set(cp, &w);
                    }
                }
                ["h", a, b] => hangul.push((hex(a), hex(b))),
                ["c", cp, up, low] => {
                    let chars = |s: &str| -> Option<String> {
                        (*s != *"-").then(|| {
                            s.split(',')
                                .filter_map(|p| char::from_u32(hex(p)))
                                .collect()
                        })
                    };
                    if let Some(c) = char::from_u32(hex(cp)) {
                        t.upper.insert(c, chars(up));
                        t.lower.insert(c, chars(low));
                    }
                }
                _ => {}
            }
        }
        for (a, b) in hangul {
            for cp in a..=b {
                let s = cp - 0xac00;
                let mut jamo = vec![0x1100 + s / 588, 0x1161 + (s % 588) / 28];
                if s % 28 != 0 {
                    jamo.push(0x11a7 + s % 28);
                }
                let w: Option<Vec<u16>> = jamo
                    .iter()
                    .map(|&j| t.raw(j).map(<[u16]>::to_vec))
                    .collect::<Option<Vec<_>>>()
                    .map(|v| v.concat());
                if let Some(w) = w {
                    t.set(cp, &w);
                }
            }
        }
        t
    }

    fn set(&mut self, cp: u32, w: &[u16]) {
        let (Some(slot), Ok(len)) = (self.index.get_mut(cp as usize), u8::try_from(w.len())) else {
            return;
        };
        *slot = Some((self.pool.len() as u32, len));
        self.pool.extend_from_slice(w);
    }

    /// A character's weights, when the table answers for it: under UCA
    /// only in the checked ranges, and a character without weight only
    /// when it is a control character.
    fn weights(&self, c: char) -> Option<&[u16]> {
        let cp = c as u32;
        if cp > 0xffff && !self.uca {
            // general_ci gives every supplementary character one weight.
            return Some(&[0xfffd]);
        }
        if self.uca && !UCA_RANGES.iter().any(|&(a, b)| (a..=b).contains(&cp)) {
            return None;
        }
        let w = self.raw(cp)?;
        if w.is_empty() && !c.is_control() {
            return None;
        }
        Some(w)
    }

    fn raw(&self, cp: u32) -> Option<&[u16]> {
        let (at, len) = (*self.index.get(cp as usize)?)?;
        self.pool.get(at as usize..at as usize + usize::from(len))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Collation::*;

    fn cmp(c: Collation, a: &str, b: &str) -> Option<Ordering> {
        c.compare(a.as_bytes(), b.as_bytes())
    }

    #[test]
    fn case_and_accents() {
        use Ordering::*;
        assert_eq!(cmp(Uca0900AiCi, "a", "Á"), Some(Equal));
        assert_eq!(cmp(Uca0900AiCi, "ß", "ss"), Some(Equal));
        assert_eq!(cmp(Uca0900AiCi, "a ", "a"), Some(Greater));
        assert_eq!(cmp(GeneralCi, "ß", "s"), Some(Equal));
        assert_eq!(cmp(GeneralCi, "a ", "A"), Some(Equal));
        assert_eq!(cmp(GeneralCi, "a\t", "a"), Some(Less));
        assert_eq!(cmp(UnicodeCi, "ß", "ss"), Some(Equal));
        assert_eq!(cmp(UnicodeCi, "Straße ", "STRASSE"), Some(Equal));
        assert_eq!(cmp(Utf8Bin, "a ", "a"), Some(Equal));
        assert_eq!(cmp(Utf8Bin, "a", "B"), Some(Greater));
        assert_eq!(cmp(Utf8NoPadBin, "a ", "a"), Some(Greater));
        assert_eq!(cmp(Uca0900AiCi, "ก", "a"), None);
        assert_eq!(cmp(UnicodeCi, "😀", "😁"), Some(Equal));
        assert_eq!(cmp(Uca0900AiCi, "😀", "😁"), Some(Less));
        assert_eq!(cmp(Unknown, "a", "a"), None);
        assert_eq!(Uca0900AiCi.same_char('é', 'E'), Some(true));
        assert_eq!(Uca0900AiCi.same_char('ß', 's'), Some(false));
        assert_eq!(
            GeneralCi.change_case("straße ǆ", true).as_deref(),
            Some("STRAßE Ǆ")
        );
        assert_eq!(Uca0900AiCi.change_case("xȺ", false), None);
        assert_eq!(Uca0900AiCi.change_case("ⱥ", true).as_deref(), Some("Ⱥ"));
    }

    #[test]
    fn sort_keys_are_equal_when_the_strings_are() {
        let words = [
            "a", "A", "a ", "á", "ß", "ss", "SS", "s", "", " ", "a\t", "Ω", "ω", "😀", "😁", "abc",
            "ABC  ",
        ];
        for c in [Uca0900AiCi, UnicodeCi, GeneralCi, Utf8Bin, Utf8NoPadBin] {
            for a in words {
                for b in words {
                    let same = cmp(c, a, b) == Some(Ordering::Equal);
                    let keys = c.sort_key(a.as_bytes()) == c.sort_key(b.as_bytes());
                    assert_eq!(same, keys, "{c:?} {a:?} {b:?}");
                }
            }
        }
    }

    #[test]
    fn hangul_and_ideographs_have_weights() {
        let t = Uca0900AiCi.table().unwrap();
        assert_eq!(t.weights('一'), Some(&[0xfb40, 0x4e00 | 0x8000][..]));
        assert!(t.weights('한').is_some_and(|w| w.len() == 3));
        assert!(t.weights('\u{0301}').is_none());
    }
}
