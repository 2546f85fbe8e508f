//! Relationship-aware SQL text: a SELECT in ordinary SQL in which a
//! relationship may be called as a method on `table.relationship`.
//!
//! ```sql
//! SELECT users.id, users.name FROM users
//! WHERE users.addresses.any(addresses.email LIKE '%@example.com')
//!   AND NOT users.orders.any()
//! ```
//!
//! Methods: `any(pred?)`, `has(pred?)`, `contains(col => value, ...)`,
//! `is(col => value, ...)` (a scalar equals a row), `is_not(col => value,
//! ...)`, `is_none()`, `is_not_none()`. Inside the parentheses, columns of
//! the target table refer to the related row (aliased for self-referential
//! relationships); `table` may also be an alias of the FROM clause
//! (`FROM users u WHERE u.addresses.any()`).
//!
//! [`expand_sql`] parses the text with sqlparser, builds each call with the
//! same comparator the Rust API uses, renders it for the dialect and puts it
//! in place of the call. Everything around the calls is kept exactly as
//! written, so the text should already be in the target dialect's SQL.
//!
//! ```
//! use sqlrel::dialect::Dialect;
//! use sqlrel::registry::Registry;
//! use sqlrel::relationship::RelationshipConfig;
//! use sqlrel::schema::Schema;
//! use sqlrel::sql_text::expand_sql;
//!
//! let schema = Schema::from_ddl(
//!     "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
//!      CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), email TEXT);",
//! )?;
//! let registry = Registry::builder(schema)
//!     .relationship(RelationshipConfig::new("users", "addresses", "addresses").backref("user"))
//!     .configure()?;
//! let sql = expand_sql(
//!     &registry,
//!     "SELECT u.name FROM users u WHERE u.addresses.any(addresses.email LIKE '%@x.com')",
//!     Dialect::Sqlite,
//! )?;
//! assert_eq!(
//!     sql,
//!     r#"SELECT u.name FROM users u WHERE (EXISTS(SELECT 1 FROM "addresses" WHERE "u"."id" = "addresses"."user_id" AND "addresses"."email" LIKE '%@x.com'))"#
//! );
//! # Ok::<(), sqlrel::Error>(())
//! ```

mod build;
mod calls;
mod check;
mod scope;

use std::cell::RefCell;
use std::ops::ControlFlow;

use sqlparser::ast::{self as sql, Spanned, Statement};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Location, TokenWithSpan, Tokenizer};

use crate::error::{Error, Position, Result};
use crate::expr::Value;
use crate::expr::parse::{CallHook, Converter};
use crate::query::{Dialect, Placeholders, predicate_sql};
use crate::registry::Registry;
use crate::relationship::Relationship;
use build::RelationshipCalls;
use calls::{TokenIndex, find_calls};
use scope::Scope;

/// The relationship methods of SQL text.
const METHODS: [&str; 7] = [
    "any",
    "has",
    "contains",
    "is",
    "is_not",
    "is_none",
    "is_not_none",
];

/// Expands the relationship calls of `text` into SQL for `dialect`, with
/// values inlined (escaped by the dialect's rules).
///
/// # Errors
///
/// - [`Error::Parse`], with the position when known, for text that is not
///   exactly one `SELECT`, and for a call written wrongly: arguments its method
///   does not take (see the module docs), a value that is not a literal, a
///   predicate using what [`parse_condition`](crate::expr::parse_condition)
///   does not support.
/// - [`Error::UnknownRelationship`] for a call on a relationship the registry
///   does not hold, and [`Error::UnknownTable`] or [`Error::UnknownColumn`] for
///   a name in a predicate that the schema lacks.
/// - The errors of the relationship predicates (see
///   [`Comparator`](crate::comparator::Comparator)): [`Error::InvalidRequest`]
///   for a method that does not apply (e.g. `any()` on a scalar),
///   [`Error::MissingValue`] for a row that lacks a column the comparison
///   needs, [`Error::InvalidArgument`] for `is_not` against a target without a
///   primary key.
/// - [`Error::Render`] for a call that cannot be rendered for `dialect` (e.g.
///   its predicate calls a function whose name is not a plain identifier).
///
/// The errors of building a call, other than [`Error::Parse`], come inside an
/// [`Error::Context`] giving the call's place in the text; [`Error::kind`]
/// looks through it.
pub fn expand_sql(registry: &Registry, text: &str, dialect: Dialect) -> Result<String> {
    expand(registry, text, dialect, ValueStyle::Inline).map(|e| e.sql)
}

/// Expands the relationship calls of `text` into SQL for `dialect`, with
/// the calls' values written as placeholders (`$1`... for PostgreSQL, `?`
/// otherwise) and returned in order. The text itself must not contain
/// placeholders.
///
/// # Errors
///
/// As [`expand_sql`], and [`Error::Parse`] when the text already holds
/// placeholders.
pub fn expand_sql_with_params(
    registry: &Registry,
    text: &str,
    dialect: Dialect,
) -> Result<(String, Vec<Value>)> {
    let expansion = expand(registry, text, dialect, ValueStyle::Placeholders)?;
    Ok((expansion.sql, expansion.values))
}

/// How the values of the calls are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueStyle {
    /// As literals, escaped by the dialect's rules.
    Inline,
    /// As placeholders (`$1`... for PostgreSQL, `?` otherwise), their values
    /// returned in order.
    Placeholders,
}

/// Relationship-aware text expanded: the SQL, and what went into it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Expansion<'r> {
    /// The SQL for the dialect.
    pub sql: String,
    /// The placeholders' values in order ([`ValueStyle::Placeholders`]).
    pub values: Vec<Value>,
    /// The relationships the calls use, in order of first use: a program
    /// can show their [`warnings`](Relationship::warnings), as `sqlrel sql`
    /// does.
    pub relationships: Vec<&'r Relationship>,
}

/// Expands the relationship calls of `text` into SQL for `dialect`, the
/// values written as `style` says, and reports the relationships used.
///
/// ```
/// use sqlrel::dialect::Dialect;
/// use sqlrel::registry::Registry;
/// use sqlrel::relationship::RelationshipConfig;
/// use sqlrel::schema::Schema;
/// use sqlrel::sql_text::{ValueStyle, expand};
///
/// let schema = Schema::from_ddl(
///     "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
///      CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), email TEXT);",
/// )?;
/// let registry = Registry::builder(schema)
///     .relationship(RelationshipConfig::new("users", "addresses", "addresses").backref("user"))
///     .configure()?;
/// let expansion = expand(
///     &registry,
///     "SELECT users.id FROM users WHERE users.addresses.any(addresses.email LIKE 'a%')",
///     Dialect::Postgres,
///     ValueStyle::Placeholders,
/// )?;
/// assert!(expansion.sql.ends_with(r#""addresses"."email" LIKE $1))"#));
/// assert_eq!(expansion.values, ["a%".into()]);
/// assert_eq!(expansion.relationships[0].key(), "users.addresses");
/// # Ok::<(), sqlrel::Error>(())
/// ```
///
/// # Errors
///
/// As [`expand_sql`] and [`expand_sql_with_params`].
pub fn expand<'r>(
    registry: &'r Registry,
    text: &str,
    dialect: Dialect,
    style: ValueStyle,
) -> Result<Expansion<'r>> {
    let mut placeholders = (style == ValueStyle::Placeholders).then(|| Placeholders {
        numbered: dialect == Dialect::Postgres,
        values: Vec::new(),
    });
    let (sql, relationships) = expand_text(registry, text, dialect, placeholders.as_mut())?;
    Ok(Expansion {
        sql,
        values: placeholders.map(|p| p.values).unwrap_or_default(),
        relationships,
    })
}

fn parse_error(message: impl Into<String>, position: Option<Position>) -> Error {
    Error::Parse {
        what: "SQL text".to_owned(),
        message: message.into(),
        position,
    }
}

fn position_of(location: Location) -> Option<Position> {
    (location.line > 0).then_some(Position {
        line: location.line,
        column: location.column,
    })
}

fn expand_text<'r>(
    registry: &'r Registry,
    text: &str,
    dialect: Dialect,
    mut placeholders: Option<&mut Placeholders>,
) -> Result<(String, Vec<&'r Relationship>)> {
    let parser_dialect = dialect.parser_dialect();
    let tokens = Tokenizer::new(&*parser_dialect, text)
        .tokenize_with_location()
        .map_err(|e| parse_error(e.to_string(), None))?;
    crate::nesting::check_chains(&tokens, "SQL text", crate::nesting::Count::All)?;
    let statement = single_query(tokens.clone(), &*parser_dialect)?;
    check::check_read_only(&statement)?;
    let scopes = scope::scopes(registry, &statement);
    if placeholders.is_some() && has_placeholders(&statement) {
        return Err(parse_error(
            "the text already holds placeholders; expand it with values inlined",
            None,
        ));
    }
    let index = TokenIndex::new(text, &tokens);
    let calls = find_calls(&statement, registry, &scopes, &index)?;
    check::check_no_stray_calls(registry, &tokens, &scopes, &calls.starts)?;
    let hook = RelationshipCalls {
        registry,
        scope: RefCell::new(Scope::default()),
        used: RefCell::new(Vec::new()),
    };
    let mut out = String::with_capacity(text.len() * 2);
    let mut copied_to = 0;
    for (call, (start, end)) in &calls.outermost {
        let (start, end) = (*start, *end);
        let scope = scopes.get(&call.span().start).cloned().unwrap_or_default();
        let tables = scope.tables();
        let items = scope.items();
        *hook.scope.borrow_mut() = scope;
        let converter = Converter::new(registry.schema(), text)
            .reading("SQL text")
            .with_aliases(&tables)
            .with_hook(&hook);
        let predicate = hook
            .call(call, &converter)
            .unwrap_or_else(|| Err(parse_error("not a relationship call", None)))?;
        check::check_scope(registry, &predicate, &items, call)?;
        let sql = predicate_sql(&predicate, dialect, placeholders.as_deref_mut())?;
        out.push_str(&text[copied_to..start]);
        out.push('(');
        out.push_str(&sql);
        out.push(')');
        copied_to = end;
    }
    out.push_str(&text[copied_to..]);
    Ok((out, hook.used.into_inner()))
}

/// Parses `text` as exactly one query of `dialect`: the text is read the
/// way the server will read it (MySQL's backslash escapes, PostgreSQL's
/// standard strings), so a literal inside a call means what it means around
/// it.
fn single_query(
    tokens: Vec<TokenWithSpan>,
    dialect: &dyn sqlparser::dialect::Dialect,
) -> Result<Statement> {
    let mut statements = Parser::new(dialect)
        .with_tokens_with_locations(tokens)
        .parse_statements()
        .map_err(|e| Error::from_sql_parser("SQL text", &e))?;
    match (statements.pop(), statements.is_empty()) {
        (Some(statement @ Statement::Query(_)), true) => Ok(statement),
        (Some(_), true) => Err(parse_error("only a SELECT statement can be expanded", None)),
        (None, _) => Err(parse_error("the text holds no statement", None)),
        (Some(_), false) => Err(parse_error("the text holds more than one statement", None)),
    }
}

fn has_placeholders(statement: &Statement) -> bool {
    sql::visit_expressions(statement, |e| match e {
        sql::Expr::Value(v) if matches!(v.value, sql::Value::Placeholder(_)) => {
            ControlFlow::Break(())
        }
        _ => ControlFlow::Continue(()),
    })
    .is_break()
}
