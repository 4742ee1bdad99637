//! Collation ids → (character set, collation) as the servers know them.
//! The tables are `collations/mysql97.tsv` and `collations/mariadb1011.tsv`
//! (`id charset collation`, sorted by id), written by
//! scripts/gen/collations.py from MySQL 9.7's and MariaDB 10.11's
//! `information_schema`; they are read once, on first use.

use std::sync::OnceLock;

type Table = Vec<(u16, &'static str, &'static str)>;

fn parse(text: &'static str) -> Table {
    let mut t: Table = text
        .lines()
        .filter_map(|line| {
            let mut f = line.split('\t');
            Some((f.next()?.parse().ok()?, f.next()?, f.next()?))
        })
        .collect();
    t.sort_unstable_by_key(|&(id, _, _)| id);
    t
}

pub fn mysql() -> &'static [(u16, &'static str, &'static str)] {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| parse(include_str!("collations/mysql97.tsv")))
}

pub fn mariadb() -> &'static [(u16, &'static str, &'static str)] {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| parse(include_str!("collations/mariadb1011.tsv")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_whole_and_sorted() {
        for (t, len) in [(mysql(), 286), (mariadb(), 1242)] {
            assert_eq!(t.len(), len);
            assert!(t.windows(2).all(|w| w[0].0 < w[1].0));
        }
        fn find(
            t: &'static [(u16, &'static str, &'static str)],
            id: u16,
        ) -> Option<(&'static str, &'static str)> {
            t.iter().find(|r| r.0 == id).map(|r| (r.1, r.2))
        }
        assert_eq!(find(mysql(), 255), Some(("utf8mb4", "utf8mb4_0900_ai_ci")));
        assert_eq!(find(mariadb(), 45), Some(("utf8mb4", "utf8mb4_general_ci")));
        assert_eq!(find(mysql(), 63), Some(("binary", "binary")));
    }
}
