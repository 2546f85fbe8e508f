//! The three engines emitted SQL is executed on: SQLite (bundled,
//! in memory), PostgreSQL (`DATABASE_URL`) and MariaDB/MySQL (`MYSQL_URL`).
//! Each loaded case lives in its own schema / database, dropped afterwards.

use std::sync::atomic::{AtomicU32, Ordering};

use sea_query::Value as SqValue;
use sqlrel::query::Dialect;

static NEXT: AtomicU32 = AtomicU32::new(0);

fn unique_name(case: &str) -> String {
    let clean: String = case
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(30)
        .collect();
    format!(
        "sqlrel_{}_{}_{}",
        clean,
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// How to give the tests their servers.
const SERVER_SETUP: &str = "Run the suite with `scripts/test.sh`, which starts throwaway \
    PostgreSQL and MariaDB servers and sets DATABASE_URL and MYSQL_URL, or point the variable at \
    a server you own (DATABASE_URL=postgres://user@host:port/db, \
    MYSQL_URL=mysql://user:pass@host:port/db).";

/// The URL in `var`, if set and not empty.
fn env_url(var: &str) -> Option<String> {
    std::env::var(var).ok().filter(|url| !url.is_empty())
}

/// Whether a missing server URL fails a test instead of skipping it:
/// `SQLREL_REQUIRE_SERVERS` set to anything but `0` (`scripts/test.sh` sets
/// it, so a run meant to use servers cannot pass without them).
fn servers_required() -> bool {
    std::env::var_os("SQLREL_REQUIRE_SERVERS").is_some_and(|v| !v.is_empty() && v != "0")
}

/// The URL of the server in `var` (`DATABASE_URL` or `MYSQL_URL`) for the
/// calling test, or `None` when `var` is unset: the test is then skipped
/// (see [`skip_without_server!`]), which is announced on stderr at once and again
/// in a summary when the test binary exits. With `SQLREL_REQUIRE_SERVERS`
/// set, a missing URL panics with the set-up instructions instead.
pub fn require_server(var: &str) -> Option<String> {
    require(var, "")
}

/// [`require_server`] for the part of a test that runs on that server
/// (e.g. `"its PostgreSQL part"`), when the rest runs without it: the
/// caller skips only that part, and the notices say so.
pub fn require_server_for_part(var: &str, part: &str) -> Option<String> {
    require(var, &format!(" ({part})"))
}

fn require(var: &str, part: &str) -> Option<String> {
    if let Some(url) = env_url(var) {
        return Some(url);
    }
    if servers_required() {
        panic!(
            "{var} is not set, and SQLREL_REQUIRE_SERVERS asks for every server test to run: \
             these tests execute SQL on a real server. {SERVER_SETUP}"
        );
    }
    skipped::record(var, part);
    None
}

/// The path of the command-line tool `tool` (e.g. `sqlite3`, `pg_dump`)
/// for the calling test, found by `find`; `None` when it is not installed:
/// the test is then skipped as a server test is. With
/// `SQLREL_REQUIRE_SERVERS` set, a missing tool panics instead
/// (`scripts/test.sh` installs the tools the tests use).
pub fn require_tool(
    tool: &str,
    find: impl FnOnce() -> Option<std::path::PathBuf>,
) -> Option<std::path::PathBuf> {
    if let Some(path) = find() {
        return Some(path);
    }
    if servers_required() {
        panic!(
            "the {tool} command is not installed, and SQLREL_REQUIRE_SERVERS asks for every \
             server test to run; scripts/test.sh installs it"
        );
    }
    skipped::record(&format!("{tool} command"), "");
    None
}

/// Returns from the calling test, skipping it, unless the server whose URL
/// is in `$var` is configured; see [`require_server`].
macro_rules! skip_without_server {
    ($var:literal) => {
        if $crate::common::engines::require_server($var).is_none() {
            return;
        }
    };
}
pub(crate) use skip_without_server;

/// One behaviour, one test per engine: `on_each_engine!(name => run);`
/// declares a module `name` holding the tests `on_sqlite`, `on_postgres`
/// and `on_mariadb`, each calling `run(dialect)` of the enclosing module.
/// The server ones are skipped when their URL is unset
/// ([`skip_without_server!`]). Attributes (docs) go on the module.
macro_rules! on_each_engine {
    ($(#[$attr:meta])* $name:ident => $run:ident) => {
        $(#[$attr])*
        mod $name {
            use sqlrel::query::Dialect;

            #[test]
            fn on_sqlite() {
                super::$run(Dialect::Sqlite);
            }

            #[test]
            fn on_postgres() {
                $crate::common::engines::skip_without_server!("DATABASE_URL");
                super::$run(Dialect::Postgres);
            }

            #[test]
            fn on_mariadb() {
                $crate::common::engines::skip_without_server!("MYSQL_URL");
                super::$run(Dialect::MySql);
            }
        }
    };
}
pub(crate) use on_each_engine;

/// The variable holding the URL of `dialect`'s server; `None` for SQLite,
/// which runs in memory.
pub fn server_var(dialect: Dialect) -> Option<&'static str> {
    match dialect {
        Dialect::Sqlite => None,
        Dialect::Postgres => Some("DATABASE_URL"),
        Dialect::MySql => Some("MYSQL_URL"),
    }
}

/// The URL of a server for a test that has already passed
/// [`skip_without_server!`]; panics with set-up instructions when absent, so a
/// server test that forgot that check fails rather than passes.
pub fn server_url(var: &str) -> String {
    env_url(var).unwrap_or_else(|| {
        panic!("{var} is not set: these tests execute SQL on a real server. {SERVER_SETUP}")
    })
}

/// The notices of skipped server tests.
mod skipped {
    use std::io::Write;
    use std::sync::{Mutex, PoisonError};

    /// `test (part)`, if the whole test was not skipped, and the missing
    /// variable, for every skip so far.
    static SKIPPED: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

    // C's atexit: the test harness has no hook after the last test, and
    // the summary belongs after the harness's own report.
    unsafe extern "C" {
        fn atexit(callback: extern "C" fn()) -> std::ffi::c_int;
    }

    /// Announces that the running test (the harness names each test's
    /// thread after it), or the `part` of it, is skipped for lack of `var`.
    /// Written to the stderr handle itself: the harness captures
    /// `eprintln!` of passing tests.
    pub fn record(var: &str, part: &str) {
        let test = std::thread::current()
            .name()
            .unwrap_or("<unnamed test>")
            .to_owned()
            + part;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED (no {var}): {test} — run scripts/test.sh to start throwaway servers, \
             or set {var}"
        );
        let mut skipped = SKIPPED.lock().unwrap_or_else(PoisonError::into_inner);
        if skipped.is_empty() {
            // SAFETY: registers a plain function without captured state;
            // it only reads SKIPPED and writes to stderr.
            unsafe {
                atexit(summary);
            }
        }
        skipped.push((test, var.to_owned()));
    }

    /// Lists the skipped tests once, after the harness's report.
    extern "C" fn summary() {
        let mut skipped = SKIPPED.lock().unwrap_or_else(PoisonError::into_inner);
        skipped.sort();
        let mut text = format!(
            "\n==================== SERVER TESTS SKIPPED: {} ====================\n",
            skipped.len()
        );
        for (test, var) in skipped.iter() {
            text.push_str(&format!("  {test} (no {var})\n"));
        }
        text.push_str(&format!(
            "Counted as passed above, these did not run (a named part: only that part did not run).\n{}\n\
             ===================================================================\n",
            super::SERVER_SETUP
        ));
        let _ = std::io::stderr().write_all(text.as_bytes());
    }
}

/// A database holding one loaded case.
pub trait Engine {
    /// The dialect the engine speaks.
    fn dialect(&self) -> Dialect;
    /// Runs DDL or data statements.
    fn execute(&mut self, sql: &str);
    /// Runs a query with bound values; every selected column must be an
    /// integer (possibly NULL, returned as `None`).
    fn rows(&mut self, sql: &str, values: &[SqValue]) -> Result<Vec<Vec<Option<i64>>>, String>;
}

/// In-memory SQLite.
pub struct Sqlite(rusqlite::Connection);

impl Sqlite {
    pub fn new() -> Self {
        Sqlite(rusqlite::Connection::open_in_memory().expect("open in-memory SQLite"))
    }
}

fn sqlite_value(v: &SqValue) -> rusqlite::types::Value {
    use rusqlite::types::Value as V;
    match v {
        SqValue::Bool(b) => b.map_or(V::Null, |b| V::Integer(b.into())),
        SqValue::BigInt(i) => i.map_or(V::Null, V::Integer),
        // LIMIT / OFFSET are bound unsigned.
        SqValue::BigUnsigned(u) => u.map_or(V::Null, |u| V::Integer(u as i64)),
        SqValue::Int(i) => i.map_or(V::Null, |i| V::Integer(i.into())),
        SqValue::Double(x) => x.map_or(V::Null, V::Real),
        SqValue::String(s) => s.clone().map_or(V::Null, V::Text),
        SqValue::Bytes(b) => b.clone().map_or(V::Null, V::Blob),
        other => panic!("unexpected value {other:?}"),
    }
}

impl Engine for Sqlite {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn execute(&mut self, sql: &str) {
        self.0
            .execute_batch(sql)
            .unwrap_or_else(|e| panic!("SQLite: {e}\n{sql}"));
    }

    fn rows(&mut self, sql: &str, values: &[SqValue]) -> Result<Vec<Vec<Option<i64>>>, String> {
        let mut stmt = self.0.prepare(sql).map_err(|e| e.to_string())?;
        let params: Vec<rusqlite::types::Value> = values.iter().map(sqlite_value).collect();
        let width = stmt.column_count();
        let rows = stmt
            .query_map(rusqlite::params_from_iter(params), |r| {
                (0..width).map(|i| r.get::<_, Option<i64>>(i)).collect()
            })
            .map_err(|e| e.to_string())?;
        rows.collect::<Result<_, _>>().map_err(|e| e.to_string())
    }
}

/// A PostgreSQL schema of its own, dropped on drop.
pub struct Postgres {
    client: postgres::Client,
    schema: String,
}

impl Postgres {
    pub fn new(case: &str) -> Self {
        let url = server_url("DATABASE_URL");
        let mut client = postgres::Client::connect(&url, postgres::NoTls)
            .unwrap_or_else(|e| panic!("cannot connect to PostgreSQL at DATABASE_URL: {e}"));
        let schema = unique_name(case);
        client
            .batch_execute(&format!(
                "CREATE SCHEMA \"{schema}\"; SET search_path TO \"{schema}\";"
            ))
            .expect("create schema");
        Postgres { client, schema }
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self.client.batch_execute(&format!(
            "DROP SCHEMA IF EXISTS \"{}\" CASCADE",
            self.schema
        ));
    }
}

/// A sea-query value bound to whatever type PostgreSQL inferred for the
/// placeholder.
#[derive(Debug)]
struct PgParam(SqValue);

impl postgres::types::ToSql for PgParam {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use postgres::types::{IsNull, Type};
        match &self.0 {
            SqValue::BigInt(Some(i)) => match *ty {
                Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                Type::FLOAT8 => (*i as f64).to_sql(ty, out),
                Type::TEXT | Type::VARCHAR => i.to_string().to_sql(ty, out),
                _ => i.to_sql(ty, out),
            },
            SqValue::BigUnsigned(Some(u)) => i64::try_from(*u)?.to_sql(ty, out),
            SqValue::Double(Some(x)) => match *ty {
                Type::FLOAT4 => (*x as f32).to_sql(ty, out),
                _ => x.to_sql(ty, out),
            },
            SqValue::String(Some(s)) => s.to_sql(ty, out),
            SqValue::Bool(Some(b)) => b.to_sql(ty, out),
            SqValue::Bytes(Some(b)) => b.to_sql(ty, out),
            _ => Ok(IsNull::Yes),
        }
    }

    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

impl Engine for Postgres {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn execute(&mut self, sql: &str) {
        self.client
            .batch_execute(sql)
            .unwrap_or_else(|e| panic!("PostgreSQL: {e}\n{sql}"));
    }

    fn rows(&mut self, sql: &str, values: &[SqValue]) -> Result<Vec<Vec<Option<i64>>>, String> {
        let params: Vec<PgParam> = values.iter().cloned().map(PgParam).collect();
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = params
            .iter()
            .map(|p| p as &(dyn postgres::types::ToSql + Sync))
            .collect();
        let rows = self
            .client
            .query(sql, &refs)
            .map_err(|e| format!("{e:?}"))?;
        Ok(rows
            .iter()
            .map(|r| {
                (0..r.len())
                    .map(|i| {
                        r.try_get::<_, Option<i64>>(i)
                            .or_else(|_| r.try_get::<_, Option<i32>>(i).map(|v| v.map(i64::from)))
                            .or_else(|_| r.try_get::<_, Option<i16>>(i).map(|v| v.map(i64::from)))
                            .expect("integer column")
                    })
                    .collect()
            })
            .collect())
    }
}

/// A MariaDB/MySQL database of its own, dropped on drop.
pub struct MySql {
    conn: mysql::Conn,
    database: String,
}

impl MySql {
    pub fn new(case: &str) -> Self {
        use mysql::prelude::Queryable;
        let url = server_url("MYSQL_URL");
        let opts = mysql::Opts::from_url(&url).unwrap_or_else(|e| panic!("bad MYSQL_URL: {e}"));
        let mut conn = mysql::Conn::new(opts)
            .unwrap_or_else(|e| panic!("cannot connect to MariaDB at MYSQL_URL: {e}"));
        let database = unique_name(case);
        conn.query_drop(format!("CREATE DATABASE `{database}`"))
            .expect("create database (the MYSQL_URL user needs CREATE on *.*)");
        conn.select_db(&database).expect("use database");
        MySql { conn, database }
    }
}

impl Drop for MySql {
    fn drop(&mut self) {
        use mysql::prelude::Queryable;
        let _ = self
            .conn
            .query_drop(format!("DROP DATABASE IF EXISTS `{}`", self.database));
    }
}

fn mysql_value(v: &SqValue) -> mysql::Value {
    match v {
        SqValue::BigInt(Some(i)) => mysql::Value::Int(*i),
        SqValue::Int(Some(i)) => mysql::Value::Int((*i).into()),
        SqValue::BigUnsigned(Some(u)) => mysql::Value::UInt(*u),
        SqValue::Bool(Some(b)) => mysql::Value::Int((*b).into()),
        SqValue::Double(Some(x)) => mysql::Value::Double(*x),
        SqValue::String(Some(s)) => mysql::Value::Bytes(s.clone().into_bytes()),
        SqValue::Bytes(Some(b)) => mysql::Value::Bytes(b.clone()),
        _ => mysql::Value::NULL,
    }
}

impl Engine for MySql {
    fn dialect(&self) -> Dialect {
        Dialect::MySql
    }

    fn execute(&mut self, sql: &str) {
        use mysql::prelude::Queryable;
        for statement in sql.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            self.conn
                .query_drop(statement)
                .unwrap_or_else(|e| panic!("MariaDB: {e}\n{statement}"));
        }
    }

    fn rows(&mut self, sql: &str, values: &[SqValue]) -> Result<Vec<Vec<Option<i64>>>, String> {
        use mysql::prelude::Queryable;
        let params = if values.is_empty() {
            mysql::Params::Empty
        } else {
            mysql::Params::Positional(values.iter().map(mysql_value).collect())
        };
        let rows: Vec<mysql::Row> = self.conn.exec(sql, params).map_err(|e| e.to_string())?;
        Ok(rows
            .into_iter()
            .map(|r| {
                r.unwrap()
                    .into_iter()
                    .map(|v| match v {
                        mysql::Value::NULL => None,
                        mysql::Value::Int(i) => Some(i),
                        mysql::Value::UInt(u) => i64::try_from(u).ok(),
                        mysql::Value::Bytes(b) => String::from_utf8_lossy(&b).parse().ok(),
                        other => panic!("unexpected MariaDB value {other:?}"),
                    })
                    .collect()
            })
            .collect())
    }
}

/// A sqlrel value as the sea-query value the engines bind.
pub fn value(v: &sqlrel::expr::Value) -> SqValue {
    use sqlrel::expr::Value as V;
    match v {
        V::Null => SqValue::String(None),
        V::Bool(b) => SqValue::Bool(Some(*b)),
        V::Int(i) => SqValue::BigInt(Some(*i)),
        V::Float(x) => SqValue::Double(Some(*x)),
        V::Text(s) => SqValue::String(Some(s.clone())),
        V::Bytes(b) => SqValue::Bytes(Some(b.clone())),
        V::Decimal(d) => SqValue::String(Some(d.as_str().to_owned())),
        other => panic!("no engine binding for {other:?}"),
    }
}
