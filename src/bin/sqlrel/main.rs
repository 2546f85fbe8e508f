//! `sqlrel`: inspect a schema's relationships and expand relationship-aware
//! SQL text, from the command line.

mod db;
mod inspect;
mod source;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use serde_json::json;
use sqlrel::query::Dialect;
use sqlrel::sql_text::{ValueStyle, expand};

use source::Source;

#[derive(Parser)]
#[command(
    name = "sqlrel",
    version,
    about = "Relationship-aware SQL: inspect relationships and expand relationship calls into SQL",
    after_help = "Examples:\n  sqlrel inspect --schema shop.sql --automap --format json\n  sqlrel sql --schema shop.sql --relationships rels.toml --dialect sqlite \\\n      \"SELECT customers.id FROM customers WHERE customers.orders.any()\""
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
        after_help = "Example:\n  sqlrel sql --schema shop.sql --automap --dialect postgres --params \\\n      \"SELECT customers.id FROM customers WHERE customers.orders.any(orders.total > 100)\"\n\nThe grammar of relationship calls: docs/sql-text.md in the sqlrel repository."
    )]
    Sql {
        #[command(flatten)]
        source: Source,
        /// Target dialect.
        #[arg(long, value_enum, default_value_t = DialectArg::Postgres)]
        dialect: DialectArg,
        /// Print {"sql": ..., "params": [...]} with placeholders instead of
        /// SQL with values inlined.
        #[arg(long)]
        params: bool,
        /// The relationship-aware SELECT (grammar: docs/sql-text.md).
        query: String,
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
            let registry = source.registry()?;
            Ok(inspect::render(&registry, format, out)?)
        }
        Command::Sql {
            source,
            dialect,
            params,
            query,
        } => {
            let registry = source.registry()?;
            let dialect = Dialect::from(dialect);
            let style = if params {
                ValueStyle::Placeholders
            } else {
                ValueStyle::Inline
            };
            let expansion = expand(&registry, &query, dialect, style)?;
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
    }
}
