//! Relationship predicates on every relationship shape, checked four ways:
//! the SQL for all three dialects is snapshotted (tests/it/snapshots/), parses
//! back with sqlparser's matching dialect, and returns the same rows as
//! SQLAlchemy on SQLite, PostgreSQL and MariaDB. Where SQLAlchemy's rows are
//! wrong, the fixture says why and gives the right rows
//! (`sqlalchemy_wrong`).

use crate::common;

use std::fmt::Write;

use serde_json::Value as Json;
use std::sync::Arc;

use sqlrel::expr::{Expr, TableAlias};
use sqlrel::query::{Dialect, Order, Select};
use sqlrel::registry::Registry;
use sqlrel::schema::Table;

use common::case::{Case, load_dir};
use common::exec::engine;
use common::oracle::{assert_no_failures, normalize};
use common::parse_back::{assert_parses_back, both_forms};
use common::predicate::predicate;

type Rows = Vec<Vec<Option<i64>>>;

enum Expected {
    Rows(Rows),
    Error(String),
}

struct Planned {
    name: String,
    predicate: Json,
    statement: Result<Select, sqlrel::Error>,
    expected: Expected,
}

fn json_rows(v: &Json) -> Rows {
    v.as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            r.as_array()
                .expect("row")
                .iter()
                .map(Json::as_i64)
                .collect()
        })
        .collect()
}

/// The query `q` as the recorder runs it: `SELECT pk FROM table WHERE
/// predicate ORDER BY pk`, or, for a `join` query, `SELECT parent pk,
/// target pk FROM parent [LEFT] JOIN target ORDER BY both`.
fn statement(registry: &Registry, q: &Json) -> Result<Select, sqlrel::Error> {
    let table = q["table"].as_str().expect("table");
    let schema = registry.schema();
    let t = schema.table(table)?;
    let key = |table: &Arc<Table>, alias: Option<&TableAlias>| -> Vec<Expr> {
        schema
            .columns_of(table)
            .filter(|c| table.primary_key().contains(&c.column_id()))
            .map(|c| match alias {
                Some(alias) => Expr::aliased_col(c, alias.clone()),
                None => Expr::col(c),
            })
            .collect()
    };
    let mut columns = key(t, None);
    let mut select = Select::from(t);
    if let Some(join) = q.get("join") {
        let rel = registry.relationship(join.as_str().expect("relationship"))?;
        let alias = TableAlias::named("j");
        columns.extend(key(rel.target(), Some(&alias)));
        select = if q.get("outer").and_then(Json::as_bool) == Some(true) {
            select.outer_join_as(rel, "j")?
        } else {
            select.join_as(rel, "j")?
        };
    } else {
        select = select.filter(predicate(registry, &q["where"])?);
    }
    select = select.columns(columns.clone());
    for column in columns {
        select = select.order_by(column, Order::Asc);
    }
    Ok(select)
}

fn plan(case: &Case, oracle: &Json) -> (Registry, Vec<Planned>) {
    let registry = case
        .registry()
        .unwrap_or_else(|e| panic!("{}: configure failed: {e}", case.name));
    let planned = case
        .queries
        .iter()
        .map(|q| {
            let name = q["name"].as_str().expect("query name").to_owned();
            let result = &oracle["queries"][&name];
            let refusal = q
                .get("sqlrel_refuses")
                .filter(|r| r.get("in").and_then(Json::as_str) != Some("text"));
            let expected = if let Some(refusal) = refusal {
                Expected::Error(refusal["message"].as_str().unwrap_or("").to_owned())
            } else if let Some(right) = q.get("sqlalchemy_wrong") {
                Expected::Rows(json_rows(&right["rows"]))
            } else if let Some(err) = result.get("error") {
                Expected::Error(err["message"].as_str().unwrap_or("").to_owned())
            } else {
                Expected::Rows(json_rows(&result["rows"]))
            };
            Planned {
                statement: statement(&registry, q),
                predicate: q.get("where").cloned().unwrap_or_else(
                    || serde_json::json!({"join": q["join"], "outer": q.get("outer")}),
                ),
                name,
                expected,
            }
        })
        .collect();
    (registry, planned)
}

fn cases() -> Vec<(Case, Json)> {
    let cases: Vec<_> = load_dir("tests/fixtures/queries")
        .into_iter()
        .map(|(_, case, oracle)| (case, oracle))
        .collect();
    assert!(cases.len() >= 9, "query fixtures missing");
    cases
}

/// SQLAlchemy's comparator errors must be ours too (sqlrel appends the
/// relationship's name; SQLAlchemy's object reprs are cut off).
fn same_error(ours: &sqlrel::Error, theirs: &str) -> bool {
    let theirs = normalize(theirs.split(" on object ").next().unwrap_or(theirs));
    ours.to_string().starts_with(theirs.trim_end_matches('.'))
}

#[test]
fn comparator_sql_snapshots() {
    for (case, oracle) in cases() {
        let (_, planned) = plan(&case, &oracle);
        let mut text = String::new();
        for p in &planned {
            writeln!(text, "## {}\n{}", p.name, canonical(&p.predicate)).unwrap();
            match &p.statement {
                Ok(select) => {
                    for dialect in Dialect::ALL {
                        let sql = select.to_string(dialect).expect("render");
                        writeln!(text, "{dialect}: {sql}").unwrap();
                    }
                }
                Err(e) => writeln!(text, "error: {e}").unwrap(),
            }
            text.push('\n');
        }
        insta::assert_snapshot!(case.name.clone(), text);
    }
}

/// JSON with object keys sorted, whatever map serde_json was built with
/// (the `cli` feature turns on `preserve_order`).
fn canonical(v: &Json) -> String {
    match v {
        Json::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            let inner: Vec<String> = entries
                .into_iter()
                .map(|(k, v)| format!("{}:{}", Json::String(k.clone()), canonical(v)))
                .collect();
            format!("{{{}}}", inner.join(","))
        }
        Json::Array(items) => format!(
            "[{}]",
            items.iter().map(canonical).collect::<Vec<_>>().join(",")
        ),
        other => other.to_string(),
    }
}

#[test]
fn emitted_sql_parses_back_in_each_dialect() {
    let mut statements = Vec::new();
    for (case, oracle) in cases() {
        let (_, planned) = plan(&case, &oracle);
        for p in &planned {
            if let Ok(select) = &p.statement {
                statements.extend(both_forms(&format!("{}/{}", case.name, p.name), select));
            }
        }
    }
    let checked = assert_parses_back(statements);
    assert!(checked > 1000, "only {checked} statements checked");
}

/// Loads every case into a fresh database of the engine speaking `dialect`
/// and compares rows.
fn rows_match_sqlalchemy(dialect: Dialect) {
    let mut failures = Vec::new();
    let mut executed = 0;
    for (case, oracle) in cases() {
        let (_, planned) = plan(&case, &oracle);
        let mut db = engine(dialect, &case.name);
        db.execute(&case.ddl);
        for statement in &case.data {
            db.execute(statement);
        }
        for p in &planned {
            let label = format!("{}/{} ({})", case.name, p.name, db.dialect());
            match (&p.statement, &p.expected) {
                (Ok(select), Expected::Rows(expected)) => {
                    let (sql, values) = select.build(db.dialect()).expect("build");
                    executed += 1;
                    match db.rows(&sql, &values.0) {
                        Ok(rows) if rows == *expected => {}
                        Ok(rows) => failures.push(format!(
                            "{label}: rows {rows:?}, expected {expected:?}\n  {sql}"
                        )),
                        Err(e) => failures.push(format!("{label}: {e}\n  {sql}")),
                    }
                }
                (Err(e), Expected::Error(message)) if same_error(e, message) => {}
                (Err(e), Expected::Error(message)) => {
                    failures.push(format!("{label}: error {e}, SQLAlchemy: {message}"))
                }
                (Err(e), Expected::Rows(_)) => {
                    failures.push(format!("{label}: unexpected error {e}"))
                }
                (Ok(_), Expected::Error(message)) => {
                    failures.push(format!("{label}: built, SQLAlchemy raised {message}"))
                }
            }
        }
    }
    assert_no_failures(executed, 300, &failures);
}

common::engines::on_each_engine!(rows_match_sqlalchemy => rows_match_sqlalchemy);
