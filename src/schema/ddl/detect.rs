//! Which dialect a dump is written in, from the markers its tools leave.

use crate::dialect::Dialect;

/// Bytes of a text looked at.
pub(super) const SAMPLE: usize = 64 * 1024;

/// Markers that name one dialect, looked for at the start of a line
/// (after spaces), in any case.
const LINE_MARKERS: &[(&str, Dialect)] = &[
    ("-- postgresql database dump", Dialect::Postgres),
    ("\\restrict ", Dialect::Postgres),
    ("\\connect ", Dialect::Postgres),
    ("select pg_catalog.set_config(", Dialect::Postgres),
    ("set default_table_access_method", Dialect::Postgres),
    ("set standard_conforming_strings", Dialect::Postgres),
    ("-- mysql dump", Dialect::MySql),
    ("-- mariadb dump", Dialect::MySql),
    ("/*!40101 set", Dialect::MySql),
    ("/*m!999999", Dialect::MySql),
    ("lock tables `", Dialect::MySql),
    ("delimiter ", Dialect::MySql),
    ("source ", Dialect::MySql),
    ("pragma ", Dialect::Sqlite),
    ("begin transaction;", Dialect::Sqlite),
    ("create table sqlite_sequence", Dialect::Sqlite),
];

/// The dialect a DDL text or dump is written in, from the markers of the
/// tools that write them, found in its first 64 KiB; `None` when it has
/// none (read it with the generic dialect then). What counts, in this
/// order:
///
/// - the first line that only one dialect writes: `pg_dump`'s header,
///   `\restrict`, `\connect`, `SELECT pg_catalog.set_config(...)` for
///   PostgreSQL; `mysqldump` / `mariadb-dump` headers, `/*!40101 SET`,
///   `LOCK TABLES`, the mysql client's `DELIMITER` and `source` for MySQL;
///   `PRAGMA`, `BEGIN TRANSACTION;` (`sqlite3 .dump`) and `sqlite_sequence`
///   for SQLite;
/// - else the quoting: `` `name` `` for MySQL, `[name]` for SQLite,
///   `$$` and `::` casts for PostgreSQL; the most frequent wins.
///
/// ```
/// use sqlrel::dialect::Dialect;
/// use sqlrel::schema::detect_dialect;
///
/// assert_eq!(detect_dialect("PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n"), Some(Dialect::Sqlite));
/// assert_eq!(detect_dialect("CREATE TABLE `t` (`id` int);"), Some(Dialect::MySql));
/// assert_eq!(detect_dialect("CREATE TABLE t (id int);"), None);
/// ```
pub fn detect_dialect(text: &str) -> Option<Dialect> {
    detect(text.as_bytes())
}

pub(super) fn detect(sample: &[u8]) -> Option<Dialect> {
    let sample = &sample[..sample.len().min(SAMPLE)];
    for line in sample.split(|&b| b == b'\n') {
        let start = line
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(line.len());
        let line = &line[start..];
        for (marker, dialect) in LINE_MARKERS {
            if line.len() >= marker.len()
                && line[..marker.len()].eq_ignore_ascii_case(marker.as_bytes())
            {
                return Some(*dialect);
            }
        }
    }
    let mut backticks = 0usize;
    let mut brackets = 0usize;
    let mut postgres = 0usize;
    let mut prev = b'\n';
    for (i, &b) in sample.iter().enumerate() {
        match b {
            b'`' => backticks += 1,
            b'[' if matches!(prev, b' ' | b'\t' | b'\n' | b'(' | b',' | b'.') => {
                let name = sample[i + 1..]
                    .iter()
                    .take_while(|&&c| c.is_ascii_alphanumeric() || c == b'_' || c == b' ')
                    .count();
                let first = sample.get(i + 1).copied().unwrap_or(b']');
                if name > 0 && sample.get(i + 1 + name) == Some(&b']') && !first.is_ascii_digit() {
                    brackets += 1;
                }
            }
            b'$' if prev == b'$' => postgres += 1,
            b':' if prev == b':' => postgres += 1,
            _ => {}
        }
        prev = b;
    }
    let counts = [
        (backticks / 2, Dialect::MySql),
        (brackets, Dialect::Sqlite),
        (postgres, Dialect::Postgres),
    ];
    counts
        .iter()
        .filter(|(n, _)| *n > 0)
        .max_by_key(|(n, _)| *n)
        .map(|(_, d)| *d)
}
