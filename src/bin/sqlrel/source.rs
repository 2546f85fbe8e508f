//! Where the schema and the relationships come from: `--schema` (DDL) or
//! `--db` (reflection), `--relationships` (TOML) and/or `--automap`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, ValueEnum};
use sqlrel::registry::Registry;
use sqlrel::relationship_file as file;
use sqlrel::schema::{DdlDialect, Schema};

use crate::{Failure, db};

#[derive(Args)]
pub(crate) struct Source {
    /// DDL file describing the tables: a script, or a dump of pg_dump,
    /// mysqldump / mariadb-dump or sqlite3 (.dump, .schema) as it is, data
    /// included.
    #[arg(
        long,
        value_name = "FILE.sql",
        required_unless_present = "db",
        conflicts_with = "db"
    )]
    schema: Option<PathBuf>,
    /// SQL dialect the DDL file is written in [default: detected from the
    /// file's markers (pg_dump, mysqldump and sqlite3 headers, quoting);
    /// generic when it has none].
    #[arg(long, value_enum)]
    ddl_dialect: Option<DdlDialectArg>,
    /// A live database to reflect: sqlite:PATH or postgres://user@host/db.
    #[arg(long, value_name = "URL")]
    db: Option<String>,
    /// PostgreSQL schema to reflect (repeatable; default: public).
    #[arg(long = "db-schema", value_name = "NAME")]
    db_schemas: Vec<String>,
    /// Seconds --db may take to connect to a server.
    #[arg(long, value_name = "SECS", default_value_t = 5)]
    connect_timeout: u64,
    /// Seconds --db may take to read the catalog once connected (or to wait
    /// for a locked SQLite database).
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    statement_timeout: u64,
    /// TOML relationship file; format: docs/relationship-file.md in the sqlrel
    /// repository.
    #[arg(long, value_name = "FILE.toml")]
    relationships: Option<PathBuf>,
    /// Generate relationships from the foreign keys (SQLAlchemy's automap);
    /// relationships from --relationships win over generated ones.
    #[arg(long)]
    automap: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum DdlDialectArg {
    Generic,
    Postgres,
    Mysql,
    Sqlite,
}

/// A text file: a leading byte-order mark is dropped, and bytes that are not
/// UTF-8 are bad input (status 2) with their offset and position.
fn read(path: &Path) -> Result<String, Failure> {
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::Io(format!("cannot read {}: {e}", path.display())))?;
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    match std::str::from_utf8(text) {
        Ok(text) => Ok(text.to_owned()),
        Err(e) => {
            let valid = &text[..e.valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&valid[line_start..])
                .chars()
                .count()
                + 1;
            let offset = e.valid_up_to() + (bytes.len() - text.len());
            Err(Failure::Sqlrel(sqlrel::Error::Parse {
                what: path.display().to_string(),
                message: format!(
                    "invalid UTF-8 at byte {offset} (0x{:02X}); save the file as UTF-8",
                    bytes.get(offset).copied().unwrap_or_default()
                ),
                position: Some(sqlrel::Position {
                    line: line as u64,
                    column: column as u64,
                }),
            }))
        }
    }
}

/// Prints what reading the schema skipped or dropped, on stderr.
fn report_warnings(schema: &Schema, origin: &str) {
    for warning in schema.warnings() {
        eprintln!("sqlrel: warning: in {origin}: {warning}");
    }
}

impl Source {
    fn schema(&self) -> Result<Schema, Failure> {
        let schema = self.read_schema()?;
        let origin = match &self.schema {
            Some(path) => path.display().to_string(),
            None => db::redacted(self.db.as_deref().unwrap_or_default()),
        };
        report_warnings(&schema, &origin);
        Ok(schema)
    }

    fn read_schema(&self) -> Result<Schema, Failure> {
        if let Some(path) = &self.schema {
            // Read as a stream: a dump with data is never held in memory.
            let file = std::fs::File::open(path)
                .map_err(|e| Failure::Io(format!("cannot read {}: {e}", path.display())))?;
            let dialect = match self.ddl_dialect {
                None => DdlDialect::Detect,
                Some(DdlDialectArg::Generic) => DdlDialect::Generic,
                Some(DdlDialectArg::Postgres) => DdlDialect::Postgres,
                Some(DdlDialectArg::Mysql) => DdlDialect::MySql,
                Some(DdlDialectArg::Sqlite) => DdlDialect::Sqlite,
            };
            return Schema::read_ddl(file, dialect).map_err(|e| match e.root() {
                sqlrel::Error::Io { message } => {
                    Failure::Io(format!("cannot read {}: {message}", path.display()))
                }
                _ => Failure::Sqlrel(e.context(format!("in {}", path.display()))),
            });
        }
        let limits = db::Limits {
            connect: Duration::from_secs(self.connect_timeout),
            statement: Duration::from_secs(self.statement_timeout),
        };
        db::reflect(
            self.db.as_deref().unwrap_or_default(),
            &self.db_schemas,
            limits,
        )
    }

    /// The configured registry.
    pub(crate) fn registry(&self) -> Result<Registry, Failure> {
        let schema = self.schema()?;
        let configs = match &self.relationships {
            Some(path) => {
                let text = read(path)?;
                file::load(&text, &schema)
                    .map_err(|e| Failure::Sqlrel(e.context(format!("in {}", path.display()))))?
            }
            None => Vec::new(),
        };
        let mut builder = Registry::builder(schema);
        for config in configs {
            builder.add_relationship(config);
        }
        if self.automap {
            builder = builder.automap();
        }
        Ok(builder.configure()?)
    }
}
