//! Where the schema and the relationships come from: `--schema` (DDL, a
//! file or `-` for standard input) or `--db` (reflection),
//! `--relationships` (TOML) and/or `--automap`; what the flags leave out,
//! the project file (`sqlrel.toml`) may give.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, ValueEnum};
use sqlrel::registry::Registry;
use sqlrel::relationship_file as file;
use sqlrel::schema::{DdlDialect, Schema};

use crate::project::{FILE_NAME, Project};
use crate::{Failure, db};

#[derive(Args)]
pub(crate) struct Source {
    /// DDL file describing the tables (`-`: standard input): a script, or a
    /// dump of pg_dump, mysqldump / mariadb-dump or sqlite3 (.dump, .schema)
    /// as it is, data included.
    #[arg(long, value_name = "FILE.sql", conflicts_with = "db")]
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
    /// Project file to read [default: the nearest sqlrel.toml from the
    /// current directory up]; flags override it.
    #[arg(long, value_name = "FILE.toml", conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Read no project file.
    #[arg(long)]
    no_config: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum DdlDialectArg {
    Generic,
    Postgres,
    Mysql,
    Sqlite,
}

/// Where the schema is read from.
enum SchemaFrom {
    Ddl(PathBuf),
    Stdin,
    Db(String),
}

/// The flags with the project file's settings under them.
pub(crate) struct Settings {
    schema: SchemaFrom,
    ddl_dialect: Option<DdlDialectArg>,
    db_schemas: Vec<String>,
    limits: db::Limits,
    relationships: Option<PathBuf>,
    automap: bool,
    /// The project file's `dialect`, for `sqlrel sql`.
    pub(crate) dialect: Option<String>,
}

impl Settings {
    /// Whether the schema is read from standard input.
    pub(crate) fn reads_stdin(&self) -> bool {
        matches!(self.schema, SchemaFrom::Stdin)
    }
}

/// A text file: a leading byte-order mark is dropped, and bytes that are not
/// UTF-8 are bad input (status 2) with their offset and position.
pub(crate) fn read(path: &Path) -> Result<String, Failure> {
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::Io(format!("cannot read {}: {e}", path.display())))?;
    text_of(bytes, &path.display().to_string())
}

/// `bytes` read from `origin` as text, as [`read`] takes a file's.
pub(crate) fn text_of(bytes: Vec<u8>, origin: &str) -> Result<String, Failure> {
    let bom = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let text = &bytes[bom..];
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
            let offset = e.valid_up_to() + bom;
            Err(Failure::Sqlrel(sqlrel::Error::Parse {
                what: origin.to_owned(),
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

/// A `ValueEnum` value written in the project file.
fn project_value<T: ValueEnum>(key: &str, value: &str) -> Result<T, Failure> {
    T::from_str(value, true).map_err(|_| {
        let allowed: Vec<String> = T::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value().map(|p| p.get_name().to_owned()))
            .collect();
        Failure::Sqlrel(sqlrel::Error::InvalidArgument {
            message: format!(
                "in {FILE_NAME}: {key} = {value:?} is not one of: {}",
                allowed.join(", ")
            ),
        })
    })
}

impl Source {
    /// The flags, with what they leave out taken from the project file.
    pub(crate) fn settings(&self) -> Result<Settings, Failure> {
        let project = if self.no_config {
            None
        } else {
            Project::load(self.config.as_deref())?
        };
        let project = project.unwrap_or_default();
        let schema = match (&self.schema, &self.db) {
            (Some(path), _) if path == Path::new("-") => SchemaFrom::Stdin,
            (Some(path), _) => SchemaFrom::Ddl(path.clone()),
            (None, Some(url)) => SchemaFrom::Db(url.clone()),
            (None, None) => match (&project.schema, &project.db) {
                (Some(_), Some(_)) => {
                    return Err(Failure::Sqlrel(sqlrel::Error::InvalidArgument {
                        message: format!("{FILE_NAME} sets both schema and db; keep one"),
                    }));
                }
                (Some(path), None) => SchemaFrom::Ddl(project.path(path)),
                (None, Some(url)) => SchemaFrom::Db(url.clone()),
                (None, None) => {
                    return Err(Failure::Usage(format!(
                        "no schema: give --schema FILE.sql (- for standard input) or --db URL, \
                         or set schema or db in a {FILE_NAME}"
                    )));
                }
            },
        };
        let ddl_dialect = match (self.ddl_dialect, &project.ddl_dialect) {
            (Some(d), _) => Some(d),
            (None, Some(d)) => Some(project_value("ddl_dialect", d)?),
            (None, None) => None,
        };
        Ok(Settings {
            schema,
            ddl_dialect,
            db_schemas: if self.db_schemas.is_empty() {
                project.db_schemas.clone()
            } else {
                self.db_schemas.clone()
            },
            limits: db::Limits {
                connect: Duration::from_secs(self.connect_timeout),
                statement: Duration::from_secs(self.statement_timeout),
            },
            relationships: self
                .relationships
                .clone()
                .or_else(|| project.relationships.as_deref().map(|p| project.path(p))),
            automap: self.automap || project.automap,
            dialect: project.dialect.clone(),
        })
    }
}

impl Settings {
    fn schema(&self) -> Result<Schema, Failure> {
        let schema = self.read_schema()?;
        let origin = match &self.schema {
            SchemaFrom::Ddl(path) => path.display().to_string(),
            SchemaFrom::Stdin => "standard input".to_owned(),
            SchemaFrom::Db(url) => db::redacted(url),
        };
        report_warnings(&schema, &origin);
        Ok(schema)
    }

    fn read_schema(&self) -> Result<Schema, Failure> {
        let dialect = match self.ddl_dialect {
            None => DdlDialect::Detect,
            Some(DdlDialectArg::Generic) => DdlDialect::Generic,
            Some(DdlDialectArg::Postgres) => DdlDialect::Postgres,
            Some(DdlDialectArg::Mysql) => DdlDialect::MySql,
            Some(DdlDialectArg::Sqlite) => DdlDialect::Sqlite,
        };
        // Read as a stream: a dump with data is never held in memory.
        let (read, origin) = match &self.schema {
            SchemaFrom::Db(url) => return db::reflect(url, &self.db_schemas, self.limits),
            SchemaFrom::Stdin => (
                Schema::read_ddl(std::io::stdin().lock(), dialect),
                "standard input".to_owned(),
            ),
            SchemaFrom::Ddl(path) => {
                let file = std::fs::File::open(path)
                    .map_err(|e| Failure::Io(format!("cannot read {}: {e}", path.display())))?;
                (Schema::read_ddl(file, dialect), path.display().to_string())
            }
        };
        read.map_err(|e| match e.root() {
            sqlrel::Error::Io { message } => {
                Failure::Io(format!("cannot read {origin}: {message}"))
            }
            _ => Failure::Sqlrel(e.context(format!("in {origin}"))),
        })
    }

    /// The configured registry.
    pub(crate) fn registry(&self) -> Result<Registry, Failure> {
        let schema = self.schema()?;
        if self.relationships.is_none() && !self.automap {
            eprintln!(
                "sqlrel: hint: no relationships are configured; add --automap to derive them \
                 from the foreign keys, or --relationships FILE.toml to declare them"
            );
        }
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
