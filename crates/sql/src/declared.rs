//! The character set and collation a CREATE DATABASE / CREATE TABLE
//! declares in its options (`DEFAULT CHARSET=…`, `COLLATE …`).

pub(crate) fn table_charset(options: &str) -> Option<String> {
    let upper = options.to_ascii_uppercase();
    let word = |at: usize| {
        let rest = options[at..]
            .trim_start()
            .trim_start_matches('=')
            .trim_start();
        let w: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        (!w.is_empty()).then(|| w.to_ascii_lowercase())
    };
    let named = upper
        .find("CHARSET")
        .map(|i| i + "CHARSET".len())
        .or_else(|| {
            upper
                .find("CHARACTER SET")
                .map(|i| i + "CHARACTER SET".len())
        });
    match named {
        Some(at) => word(at),
        None => upper
            .find("COLLATE")
            .and_then(|i| word(i + "COLLATE".len()))
            .map(|c| charset_of_collation(&c)),
    }
}

/// A table's (or database's) declared collation: its COLLATE, else its
/// CHARACTER SET standing for that set's default collation.
pub(crate) fn declared_collation(options: &str) -> Option<String> {
    let upper = options.to_ascii_uppercase();
    let named = upper.find("COLLATE").and_then(|i| {
        let rest = options[i + "COLLATE".len()..]
            .trim_start()
            .trim_start_matches('=')
            .trim_start()
            .trim_start_matches(['\'', '"', '`']);
        let w: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        (!w.is_empty()).then(|| w.to_ascii_lowercase())
    });
    named.or_else(|| table_charset(options))
}

/// The character set a collation belongs to: its name up to the first
/// `_` (`latin1_swedish_ci` → latin1, `utf8mb4_0900_ai_ci` → utf8mb4).
pub fn charset_of_collation(collation: &str) -> String {
    collation
        .split('_')
        .next()
        .unwrap_or(collation)
        .to_ascii_lowercase()
}
