//! The SQL dialects sqlrel reads and writes: shared vocabulary of every
//! layer (DDL parsing in `schema`, rendering in `query`, SQL text in
//! `sql_text`), so it depends on nothing else in the crate.

use std::fmt;

/// A target SQL dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// PostgreSQL: `"quoted"` identifiers, `$1` placeholders.
    Postgres,
    /// MySQL / MariaDB: `` `quoted` `` identifiers, `?` placeholders.
    MySql,
    /// SQLite: `"quoted"` identifiers, `?` placeholders.
    Sqlite,
}

impl Dialect {
    /// Every dialect, for loops in tests and tools.
    pub const ALL: [Dialect; 3] = [Dialect::Postgres, Dialect::MySql, Dialect::Sqlite];

    /// `postgres`, `mysql` or `sqlite`.
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgres",
            Dialect::MySql => "mysql",
            Dialect::Sqlite => "sqlite",
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Dialect {
    type Err = crate::error::Error;

    /// Accepts `postgres`/`postgresql`/`pg`, `mysql`/`mariadb` and
    /// `sqlite`/`sqlite3`, in any case.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument) for any other
    /// name.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" | "pg" => Ok(Dialect::Postgres),
            "mysql" | "mariadb" => Ok(Dialect::MySql),
            "sqlite" | "sqlite3" => Ok(Dialect::Sqlite),
            _ => Err(crate::error::Error::invalid(format!(
                "unknown dialect '{s}' (expected postgres, mysql or sqlite)"
            ))),
        }
    }
}

impl Dialect {
    /// The sqlparser dialect that reads this dialect's SQL.
    pub(crate) fn parser_dialect(self) -> Box<dyn sqlparser::dialect::Dialect> {
        use sqlparser::dialect::{MySqlDialect, PostgreSqlDialect, SQLiteDialect};
        match self {
            Dialect::Postgres => Box::new(PostgreSqlDialect {}),
            Dialect::MySql => Box::new(MySqlDialect {}),
            Dialect::Sqlite => Box::new(SQLiteDialect {}),
        }
    }
}
