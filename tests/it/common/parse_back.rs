//! Emitted SQL parsed back with sqlparser, in the dialect it was rendered
//! for: the statements are well-formed SQL of that dialect, including the
//! ones no engine here executes.

use sqlparser::dialect::{
    Dialect as ParserDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect,
};
use sqlparser::parser::Parser;
use sqlrel::query::{Dialect, Select};

use super::exec::Check;

/// A statement to parse back: a label for failure messages, the dialect it
/// was rendered for, and its SQL.
pub type Rendered = (String, Dialect, String);

/// sqlparser's dialect for `dialect`.
fn parser_dialect(dialect: Dialect) -> Box<dyn ParserDialect> {
    match dialect {
        Dialect::Postgres => Box::new(PostgreSqlDialect {}),
        Dialect::MySql => Box::new(MySqlDialect {}),
        Dialect::Sqlite => Box::new(SQLiteDialect {}),
    }
}

/// `select` in every dialect, in both forms (`build()` with placeholders,
/// `to_string()` with the values inlined), labelled `name`.
pub fn both_forms(name: &str, select: &Select) -> Vec<Rendered> {
    let mut rendered = Vec::new();
    for dialect in Dialect::ALL {
        let bound = select.build(dialect).expect("build").0;
        let inlined = select.to_string(dialect).expect("to_string");
        for sql in [bound, inlined] {
            rendered.push((name.to_owned(), dialect, sql));
        }
    }
    rendered
}

/// [`both_forms`] of every check whose statement was built.
pub fn checks_rendered(checks: &[Check]) -> Vec<Rendered> {
    checks
        .iter()
        .filter_map(|check| Some(both_forms(&check.name, check.select.as_ref().ok()?)))
        .flatten()
        .collect()
}

/// Parses every statement back with sqlparser's dialect of its own and
/// panics listing each one rejected. Returns how many were parsed, for the
/// caller to check that the set did not shrink.
pub fn assert_parses_back(statements: impl IntoIterator<Item = Rendered>) -> usize {
    let mut failures = Vec::new();
    let mut checked = 0;
    for (name, dialect, sql) in statements {
        checked += 1;
        if let Err(e) = Parser::parse_sql(parser_dialect(dialect).as_ref(), &sql) {
            failures.push(format!("{name} {dialect}: {e}\n  {sql}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} statements rejected by sqlparser:\n{}",
        failures.len(),
        failures.join("\n")
    );
    checked
}
