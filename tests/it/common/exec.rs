//! Running sqlrel statements on the three engines of [`super::engines`] in
//! both rendered forms (`build()` with bound values, `to_string()` with
//! values inlined) and comparing rows.

use sqlrel::query::{Dialect, Select};

use super::engines::{Engine, MySql, Postgres, Sqlite};

/// Rows as the engines return them: every column an integer or NULL.
pub type Rows = Vec<Vec<Option<i64>>>;

/// Rows of `N` non-NULL integers each.
pub fn rows<const N: usize>(rows: &[[i64; N]]) -> Rows {
    rows.iter()
        .map(|r| r.iter().map(|v| Some(*v)).collect())
        .collect()
}

/// One-column rows.
pub fn ids(ids: &[i64]) -> Rows {
    ids.iter().map(|v| vec![Some(*v)]).collect()
}

/// A fresh database of the engine speaking `dialect`. The server engines
/// panic with set-up instructions when their URL is missing: a test decides
/// to skip before, with [`super::engines::skip_without_server!`].
pub fn engine(dialect: Dialect, case: &str) -> Box<dyn Engine> {
    match dialect {
        Dialect::Sqlite => Box::new(Sqlite::new()),
        Dialect::Postgres => Box::new(Postgres::new(case)),
        Dialect::MySql => Box::new(MySql::new(case)),
    }
}

/// A named statement and the rows it must return.
pub struct Check {
    pub name: String,
    pub select: sqlrel::Result<Select>,
    pub expected: Rows,
}

impl Check {
    pub fn new(name: impl Into<String>, select: sqlrel::Result<Select>, expected: Rows) -> Self {
        Check {
            name: name.into(),
            select,
            expected,
        }
    }
}

/// Runs `select` on `db` in both forms; `Err` describes every mismatch.
pub fn run_both(db: &mut dyn Engine, select: &Select, expected: &Rows) -> Result<(), String> {
    let dialect = db.dialect();
    let mut problems = Vec::new();
    let bound = select
        .build(dialect)
        .map_err(|e| format!("build failed: {e}"))?;
    let inlined = select
        .to_string(dialect)
        .map_err(|e| format!("to_string failed: {e}"))?;
    for (form, sql, values) in [
        ("build", bound.0, bound.1.0),
        ("to_string", inlined, Vec::new()),
    ] {
        match db.rows(&sql, &values) {
            Ok(rows) if rows == *expected => {}
            Ok(rows) => problems.push(format!(
                "{form}: rows {rows:?}, expected {expected:?}\n    {sql}\n    values {values:?}"
            )),
            Err(e) => problems.push(format!("{form}: {e}\n    {sql}\n    values {values:?}")),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n  "))
    }
}

/// Runs every check on `db` (already loaded) and panics listing all
/// failures. Returns the number of statements executed.
pub fn run_checks(db: &mut dyn Engine, checks: &[Check]) -> usize {
    let mut failures = Vec::new();
    let mut executed = 0;
    for check in checks {
        match &check.select {
            Ok(select) => {
                executed += 2;
                if let Err(e) = run_both(db, select, &check.expected) {
                    failures.push(format!("{} ({}):\n  {e}", check.name, db.dialect()));
                }
            }
            Err(e) => failures.push(format!("{}: statement not built: {e}", check.name)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} checks fail on {}:\n{}",
        failures.len(),
        checks.len(),
        db.dialect(),
        failures.join("\n")
    );
    executed
}

/// The SQL of every check in every dialect (inlined form, plus the bound
/// form and its values), for snapshots.
pub fn sql_listing(checks: &[Check]) -> String {
    use std::fmt::Write;
    let mut text = String::new();
    for check in checks {
        writeln!(text, "## {}", check.name).unwrap();
        match &check.select {
            Ok(select) => {
                for dialect in Dialect::ALL {
                    let sql = select.to_string(dialect).expect("to_string");
                    writeln!(text, "{dialect}: {sql}").unwrap();
                }
            }
            Err(e) => writeln!(text, "error: {e}").unwrap(),
        }
        text.push('\n');
    }
    text
}
