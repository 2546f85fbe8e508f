//! `sqlrel`: inspect a schema's relationships and expand relationship-aware
//! SQL text, from the command line.

mod db;
mod inspect;
mod project;
mod source;

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use serde_json::json;
use sqlrel::query::Dialect;
use sqlrel::sql_text::{ValueStyle, expand};

use source::Source;

#[derive(Parser)]
#[command(
    name = "sqlrel",
    version,
    about = "Relationship-aware SQL: inspect relationships and expand relationship calls into SQL",
    after_help = "Examples:\n  sqlrel inspect --schema shop.sql --automap --format json\n  sqlrel sql --schema shop.sql --relationships shop_relationships.toml --dialect sqlite \\\n      \"SELECT customers.id FROM customers WHERE customers.orders.any()\"\n\nSettings a project repeats (schema, relationships, automap, dialect) may live in a\nsqlrel.toml in the current directory or a parent; flags override it."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print every configured relationship (backrefs included).
    #[command(
        after_help = "Example:\n  sqlrel inspect --schema shop.sql --automap --format mermaid"
    )]
    Inspect {
        #[command(flatten)]
        source: Source,
        /// Output format; the JSON contract: docs/inspect-json.md in the sqlrel
        /// repository.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Expand relationship calls in a SELECT into SQL for a dialect.
    #[command(
        after_help = "Example:\n  sqlrel sql --schema shop.sql --automap --dialect postgres --params \\\n      \"SELECT customers.id FROM customers WHERE customers.orders_collection.any(orders.status = 'open')\"\n\nThe query may also come from a file (--file) or standard input (- or nothing).\nThe grammar of relationship calls: docs/sql-text.md in the sqlrel repository."
    )]
    Sql {
        #[command(flatten)]
        source: Source,
        /// Target dialect [default: the project file's, else postgres].
        #[arg(long, value_enum)]
        dialect: Option<DialectArg>,
        /// Print {"sql": ..., "params": [...]} with placeholders instead of
        /// SQL with values inlined.
        #[arg(long)]
        params: bool,
        /// Read the query from this file.
        #[arg(long, value_name = "FILE.sql", conflicts_with = "query")]
        file: Option<std::path::PathBuf>,
        /// The relationship-aware SELECT (grammar: docs/sql-text.md); `-` or
        /// nothing: read it from standard input.
        query: Option<String>,
    },
    /// Print a completion script for a shell (e.g. `sqlrel completions bash
    /// > /etc/bash_completion.d/sqlrel`).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// Output formats of `inspect`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// A readable table.
    Text,
    /// JSON, a stable contract (docs/inspect-json.md).
    Json,
    /// A Mermaid erDiagram.
    Mermaid,
    /// A Graphviz digraph.
    Dot,
}

#[derive(Clone, Copy, ValueEnum)]
enum DialectArg {
    Postgres,
    Mysql,
    Sqlite,
}

impl From<DialectArg> for Dialect {
    fn from(d: DialectArg) -> Self {
        match d {
            DialectArg::Postgres => Dialect::Postgres,
            DialectArg::Mysql => Dialect::MySql,
            DialectArg::Sqlite => Dialect::Sqlite,
        }
    }
}

/// Why the tool stops: an input or configuration problem (status 2), an
/// I/O problem (status 1), or output that cannot be written (status 1, or
/// 0 for a closed pipe).
pub(crate) enum Failure {
    Sqlrel(sqlrel::Error),
    Io(String),
    /// A command line that cannot work (status 2, kind `usage`).
    Usage(String),
    Output(std::io::Error),
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Output(e)
    }
}

impl From<sqlrel::Error> for Failure {
    fn from(e: sqlrel::Error) -> Self {
        Failure::Sqlrel(e)
    }
}

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let json_errors = wants_json(&args);
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        // Usage mistakes in a JSON mode are JSON too; help and version are
        // printed as usual.
        Err(e) if json_errors && e.use_stderr() => {
            let message = e.render().to_string();
            print_json_error("usage", None, message.trim_end());
            return ExitCode::from(2);
        }
        Err(e) => e.exit(),
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let result = run(cli, &mut out).and_then(|()| out.flush().map_err(Failure::Output));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`sqlrel ... | head`) is not worth a message.
        Err(Failure::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Failure::Output(e)) => {
            eprintln!("sqlrel: cannot write the output: {e}");
            ExitCode::from(1)
        }
        Err(Failure::Io(message)) => {
            if json_errors {
                print_json_error("io", None, &message);
            } else {
                eprintln!("sqlrel: {message}");
            }
            ExitCode::from(1)
        }
        Err(Failure::Usage(message)) => {
            if json_errors {
                print_json_error("usage", None, &message);
            } else {
                eprintln!("sqlrel: {message}");
            }
            ExitCode::from(2)
        }
        Err(Failure::Sqlrel(e)) => {
            if json_errors {
                print_json_error(e.kind().as_str(), e.relationship(), &e.to_string());
            } else {
                eprintln!("sqlrel: {e}");
            }
            ExitCode::from(2)
        }
    }
}

/// Whether the command line asks for JSON (`inspect --format json`, `sql
/// --params`), read from the raw arguments so that it holds for mistakes
/// in them too.
fn wants_json(args: &[std::ffi::OsString]) -> bool {
    let args: Vec<&str> = args.iter().filter_map(|a| a.to_str()).collect();
    args.contains(&"--params")
        || args.contains(&"--format=json")
        || args.windows(2).any(|w| w == ["--format", "json"])
}

/// The error object of docs/inspect-json.md, on stdout.
fn print_json_error(kind: &str, relationship: Option<&str>, message: &str) {
    let error = json!({"error": {
        "kind": kind,
        "relationship": relationship,
        "message": message,
    }});
    println!(
        "{}",
        serde_json::to_string_pretty(&error).unwrap_or_default()
    );
}

/// Runs the command, writing its output to `out` (streamed: a large
/// `inspect --format json` is never held whole in memory).
fn run(cli: Cli, out: &mut dyn Write) -> Result<(), Failure> {
    match cli.command {
        Command::Inspect { source, format } => {
            let registry = source.settings()?.registry()?;
            Ok(inspect::render(&registry, format, out)?)
        }
        Command::Sql {
            source,
            dialect,
            params,
            file,
            query,
        } => {
            let settings = source.settings()?;
            let query = read_query(query, file, settings.reads_stdin())?;
            let dialect = match (dialect, &settings.dialect) {
                (Some(d), _) => d,
                (None, Some(d)) => DialectArg::from_str(d, true).map_err(|_| {
                    Failure::Sqlrel(sqlrel::Error::InvalidArgument {
                        message: format!(
                            "in {}: dialect = {d:?} is not one of: postgres, mysql, sqlite",
                            project::FILE_NAME
                        ),
                    })
                })?,
                (None, None) => DialectArg::Postgres,
            };
            let registry = settings.registry()?;
            let style = if params {
                ValueStyle::Placeholders
            } else {
                ValueStyle::Inline
            };
            let expansion = expand(&registry, &query, Dialect::from(dialect), style)?;
            // What SQLAlchemy would warn about the relationships used.
            for rel in &expansion.relationships {
                for warning in rel.warnings() {
                    eprintln!("sqlrel: warning: {}: {warning}", rel.key());
                }
            }
            if params {
                let params: Vec<serde_json::Value> =
                    expansion.values.iter().map(inspect::value_json).collect();
                writeln!(out, "{}", json!({"sql": expansion.sql, "params": params}))?;
            } else {
                writeln!(out, "{}", expansion.sql)?;
            }
            Ok(())
        }
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "sqlrel", out);
            Ok(())
        }
    }
}

/// The query of `sqlrel sql`: the argument, the `--file`, or standard
/// input (`-`, or no argument when standard input is not a terminal).
fn read_query(
    query: Option<String>,
    file: Option<std::path::PathBuf>,
    schema_on_stdin: bool,
) -> Result<String, Failure> {
    // A file's or standard input's last newline is not part of the query.
    if let Some(path) = file {
        return source::read(&path).map(|q| q.trim_end().to_owned());
    }
    let from_stdin = match query {
        Some(query) if query != "-" => return Ok(query),
        Some(_) => true,
        None => !std::io::stdin().is_terminal(),
    };
    let usage = |message: &str| Failure::Usage(message.to_owned());
    if !from_stdin {
        return Err(usage(
            "no query: give it as an argument, with --file FILE.sql, or on standard input",
        ));
    }
    if schema_on_stdin {
        return Err(usage(
            "standard input cannot hold both the schema (--schema -) and the query; give the \
             query as an argument or with --file",
        ));
    }
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| Failure::Io(format!("cannot read the query from standard input: {e}")))?;
    source::text_of(bytes, "standard input").map(|q| q.trim_end().to_owned())
}
