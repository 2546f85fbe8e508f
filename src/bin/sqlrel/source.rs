//! Where the schema and the relationships come from: `--schema` (DDL) or
//! `--db` (reflection), `--relationships` (TOML) and/or `--automap`.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use sqlrel::registry::Registry;
use sqlrel::relationship_file as file;
use sqlrel::schema::{DdlDialect, Schema};

use crate::Failure;

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

fn read(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map_err(|e| Failure::Io(format!("cannot read {}: {e}", path.display())))
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
            None => self.db.clone().unwrap_or_default(),
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
        let url = self.db.as_deref().unwrap_or_default();
        if let Some(path) = url.strip_prefix("sqlite:") {
            let path = path.trim_start_matches("//");
            if !Path::new(path).exists() {
                return Err(Failure::Io(format!("no SQLite database at {path}")));
            }
            let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
            let conn = rusqlite::Connection::open_with_flags(path, flags)
                .map_err(|e| Failure::Io(format!("cannot open {path}: {e}")))?;
            return Ok(sqlrel::reflect::sqlite(&conn)?);
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let mut client = postgres::Client::connect(url, postgres::NoTls)
                .map_err(|e| Failure::Io(format!("cannot connect to {url}: {e}")))?;
            let schemas: Vec<&str> = if self.db_schemas.is_empty() {
                vec!["public"]
            } else {
                self.db_schemas.iter().map(String::as_str).collect()
            };
            return Ok(sqlrel::reflect::postgres(&mut client, &schemas)?);
        }
        Err(Failure::Sqlrel(sqlrel::Error::InvalidArgument {
            message: format!("--db must be sqlite:PATH or postgres://..., not {url:?}"),
        }))
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
