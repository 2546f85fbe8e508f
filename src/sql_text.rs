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

use std::ops::ControlFlow;

use sqlparser::ast::{self as sql, Spanned, Statement, TableFactor, Visit, Visitor};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Location, Token, TokenWithSpan, Tokenizer};

use crate::comparator::Row;
use crate::error::{Error, Position, Result};
use crate::expr::parse::{CallHook, Converter};
use crate::expr::{Expr, FromItem, TableAlias, Value};
use crate::query::{Dialect, Placeholders, predicate_sql};
use crate::registry::Registry;

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
    expand(registry, text, dialect, None)
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
    let mut placeholders = Placeholders {
        numbered: dialect == Dialect::Postgres,
        values: Vec::new(),
    };
    let sql = expand(registry, text, dialect, Some(&mut placeholders))?;
    Ok((sql, placeholders.values))
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

fn expand(
    registry: &Registry,
    text: &str,
    dialect: Dialect,
    mut placeholders: Option<&mut Placeholders>,
) -> Result<String> {
    let statement = single_query(text)?;
    let aliases = table_aliases(registry, &statement);
    let calls = relationship_calls(&statement, registry, &aliases);
    if placeholders.is_some() && has_placeholders(&statement) {
        return Err(parse_error(
            "the text already holds placeholders; expand it with values inlined",
            None,
        ));
    }
    let tokens = Tokenizer::new(&GenericDialect {}, text)
        .tokenize_with_location()
        .map_err(|e| parse_error(e.to_string(), None))?;
    let lines = LineStarts::new(text);
    let hook = RelationshipCalls { registry };
    let mut out = String::with_capacity(text.len() * 2);
    let mut copied_to = 0;
    for (call, (start, end)) in &outermost(calls, &tokens, &lines)? {
        let (start, end) = (*start, *end);
        let converter = Converter::new(registry.schema(), text)
            .with_aliases(&aliases)
            .with_hook(&hook);
        let predicate = hook
            .call(call, &converter)
            .unwrap_or_else(|| Err(parse_error("not a relationship call", None)))?;
        let sql = predicate_sql(&predicate, dialect, placeholders.as_deref_mut())?;
        out.push_str(&text[copied_to..start]);
        out.push('(');
        out.push_str(&sql);
        out.push(')');
        copied_to = end;
    }
    out.push_str(&text[copied_to..]);
    Ok(out)
}

/// Parses `text` as exactly one query.
fn single_query(text: &str) -> Result<Statement> {
    let mut statements = Parser::parse_sql(&GenericDialect {}, text)
        .map_err(|e| Error::from_sql_parser("SQL text", &e))?;
    match (statements.pop(), statements.is_empty()) {
        (Some(statement @ Statement::Query(_)), true) => Ok(statement),
        (Some(_), true) => Err(parse_error("only a SELECT statement can be expanded", None)),
        (None, _) => Err(parse_error("the text holds no statement", None)),
        (Some(_), false) => Err(parse_error("the text holds more than one statement", None)),
    }
}

/// `FROM table alias` anywhere in the statement, for tables of the schema.
fn table_aliases(registry: &Registry, statement: &Statement) -> Vec<(String, FromItem)> {
    struct Collect<'r> {
        registry: &'r Registry,
        found: Vec<(String, FromItem)>,
    }
    impl Visitor for Collect<'_> {
        type Break = ();
        fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<()> {
            if let TableFactor::Table {
                name,
                alias: Some(alias),
                ..
            } = factor
                && let Ok(table) = self.registry.schema().table(&object_name(name))
            {
                self.found.push((
                    alias.name.value.clone(),
                    FromItem::aliased(table.clone(), TableAlias::named(&alias.name.value)),
                ));
            }
            ControlFlow::Continue(())
        }
    }
    let mut collect = Collect {
        registry,
        found: Vec::new(),
    };
    let _ = statement.visit(&mut collect);
    collect.found
}

/// `a.b.c` of an object name (identifier parts only).
fn object_name(name: &sql::ObjectName) -> String {
    name.0
        .iter()
        .filter_map(|p| p.as_ident().map(|i| i.value.as_str()))
        .collect::<Vec<_>>()
        .join(".")
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

/// Every relationship call of the statement.
fn relationship_calls(
    statement: &Statement,
    registry: &Registry,
    aliases: &[(String, FromItem)],
) -> Vec<sql::Function> {
    // The visitor hands out short-lived references: keep copies.
    let mut calls: Vec<sql::Function> = Vec::new();
    let _ = sql::visit_expressions(statement, |e| {
        if let sql::Expr::Function(f) = e
            && is_relationship_call(f, registry, aliases)
        {
            calls.push(f.clone());
        }
        ControlFlow::<()>::Continue(())
    });
    calls
}

/// The calls that are not inside another one, with their byte ranges, in
/// text order (nested calls are built as part of the outer one).
fn outermost(
    calls: Vec<sql::Function>,
    tokens: &[TokenWithSpan],
    lines: &LineStarts<'_>,
) -> Result<Vec<(sql::Function, (usize, usize))>> {
    let mut ranged = calls
        .into_iter()
        .map(|call| call_range(tokens, lines, &call).map(|range| (call, range)))
        .collect::<Result<Vec<_>>>()?;
    ranged.sort_by_key(|(_, (start, end))| (*start, std::cmp::Reverse(*end)));
    let mut kept: Vec<(sql::Function, (usize, usize))> = Vec::new();
    for (call, (start, end)) in ranged {
        if kept
            .last()
            .is_none_or(|(_, (_, kept_end))| start >= *kept_end)
        {
            kept.push((call, (start, end)));
        }
    }
    Ok(kept)
}

/// Whether `f` is written `table.relationship.method(...)` (or with an
/// alias or a namespace in front) with one of the methods.
fn is_relationship_call(
    f: &sql::Function,
    registry: &Registry,
    aliases: &[(String, FromItem)],
) -> bool {
    let parts = name_parts(f);
    parts.len() >= 3
        && METHODS.contains(&parts[parts.len() - 1].to_ascii_lowercase().as_str())
        && (aliases
            .iter()
            .any(|(a, _)| parts.len() == 3 && *a == parts[0])
            || registry
                .schema()
                .table(&parts[..parts.len() - 2].join("."))
                .is_ok())
}

fn name_parts(f: &sql::Function) -> Vec<String> {
    f.name
        .0
        .iter()
        .map(|p| match p.as_ident() {
            Some(i) => i.value.clone(),
            None => p.to_string(),
        })
        .collect()
}

/// Byte offsets where each line of the text starts.
struct LineStarts<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> LineStarts<'t> {
    fn new(text: &'t str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineStarts { text, starts }
    }

    /// The byte offset of a 1-based line / character column.
    fn offset(&self, location: Location) -> Option<usize> {
        let line = usize::try_from(location.line).ok()?.checked_sub(1)?;
        let start = *self.starts.get(line)?;
        let column = usize::try_from(location.column).ok()?.checked_sub(1)?;
        let rest = &self.text[start..];
        rest.char_indices()
            .map(|(i, _)| start + i)
            .chain(std::iter::once(self.text.len()))
            .nth(column)
    }
}

/// The byte range of a call, from its first name part to its closing
/// parenthesis (sqlparser's spans stop before the arguments).
fn call_range(
    tokens: &[TokenWithSpan],
    lines: &LineStarts<'_>,
    call: &sql::Function,
) -> Result<(usize, usize)> {
    let begin = call.span().start;
    let lost = || {
        parse_error(
            "cannot locate the relationship call in the text",
            position_of(begin),
        )
    };
    let first = tokens
        .iter()
        .position(|t| t.span.start == begin)
        .ok_or_else(lost)?;
    let open = tokens[first..]
        .iter()
        .position(|t| t.token == Token::LParen)
        .map(|i| first + i)
        .ok_or_else(lost)?;
    let mut depth = 0usize;
    let mut close = None;
    for (i, t) in tokens.iter().enumerate().skip(open) {
        match t.token {
            Token::LParen => depth += 1,
            Token::RParen => {
                depth -= 1;
                if depth == 0 {
                    close = Some(i);
                    break;
                }
            }
            _ => {}
        }
    }
    let close = close.ok_or_else(lost)?;
    let start = lines.offset(begin).ok_or_else(lost)?;
    let end = lines.offset(tokens[close].span.end).ok_or_else(lost)?;
    Ok((start, end))
}

/// Builds relationship calls with the comparator.
struct RelationshipCalls<'r> {
    registry: &'r Registry,
}

impl CallHook for RelationshipCalls<'_> {
    fn call(&self, f: &sql::Function, reader: &Converter<'_>) -> Option<Result<Expr>> {
        if !is_relationship_call(f, self.registry, reader.aliases()) {
            return None;
        }
        Some(self.build(f, reader).map_err(|e| match e {
            e @ Error::Parse { .. } => e,
            other => match position_of(f.span().start) {
                Some(p) => other.context(format!("in SQL text at {p}")),
                None => other,
            },
        }))
    }
}

impl RelationshipCalls<'_> {
    fn build(&self, f: &sql::Function, reader: &Converter<'_>) -> Result<Expr> {
        let parts = name_parts(f);
        let (method, rel_name, owner) = match parts.as_slice() {
            [owner @ .., rel, method] => (method.to_ascii_lowercase(), rel, owner.join(".")),
            _ => return Err(reader.error_at(f, "not a relationship call")),
        };
        let alias = reader.aliases().iter().find(|(a, _)| *a == owner);
        let table = match alias {
            Some((_, item)) => item.table.clone(),
            None => self.registry.schema().table(&owner)?.clone(),
        };
        let rel =
            self.registry
                .get(table.id(), rel_name)
                .ok_or_else(|| Error::UnknownRelationship {
                    name: format!("{owner}.{rel_name}"),
                })?;
        let mut comparator = rel.comparator();
        if let Some((_, item)) = alias
            && let Some(a) = &item.alias
        {
            comparator = comparator.of_alias(a.clone());
        }
        let args = Arguments::read(f, reader)?;
        match method.as_str() {
            "any" => comparator.any(args.criterion(f, reader)?),
            "has" => comparator.has(args.criterion(f, reader)?),
            "contains" => comparator.contains(&args.row(f, reader)?),
            "is" => comparator.eq(&args.row(f, reader)?),
            "is_not" => comparator.ne(&args.row(f, reader)?),
            "is_none" => args.none(f, reader).and_then(|()| comparator.is_none()),
            _ => args.none(f, reader).and_then(|()| comparator.is_not_none()),
        }
    }
}

/// The arguments of a relationship call.
struct Arguments<'f> {
    unnamed: Vec<&'f sql::Expr>,
    named: Vec<(&'f sql::Ident, &'f sql::Expr)>,
}

impl<'f> Arguments<'f> {
    fn read(f: &'f sql::Function, reader: &Converter<'_>) -> Result<Self> {
        let mut args = Arguments {
            unnamed: Vec::new(),
            named: Vec::new(),
        };
        let list = match &f.args {
            sql::FunctionArguments::None => return Ok(args),
            sql::FunctionArguments::List(list)
                if list.clauses.is_empty() && list.duplicate_treatment.is_none() =>
            {
                list
            }
            _ => return Err(reader.error_at(f, "unsupported arguments")),
        };
        for arg in &list.args {
            match arg {
                sql::FunctionArg::Unnamed(sql::FunctionArgExpr::Expr(e)) => args.unnamed.push(e),
                sql::FunctionArg::Named {
                    name,
                    arg: sql::FunctionArgExpr::Expr(e),
                    ..
                } => args.named.push((name, e)),
                _ => return Err(reader.error_at(f, "unsupported argument")),
            }
        }
        Ok(args)
    }

    /// `any(pred?)` / `has(pred?)`: at most one unnamed predicate.
    fn criterion(&self, f: &sql::Function, reader: &Converter<'_>) -> Result<Option<Expr>> {
        match (self.unnamed.as_slice(), self.named.is_empty()) {
            ([], true) => Ok(None),
            ([criterion], true) => reader.expr(criterion).map(Some),
            _ => Err(reader.error_at(f, "expected at most one predicate and no named arguments")),
        }
    }

    /// `contains(col => value, ...)`: named literal values only.
    fn row(&self, f: &sql::Function, reader: &Converter<'_>) -> Result<Row> {
        if !self.unnamed.is_empty() || self.named.is_empty() {
            return Err(reader.error_at(f, "expected named values: column => value, ..."));
        }
        let mut row = Row::new();
        for (name, value) in &self.named {
            row.set(name.value.clone(), reader.literal(value)?);
        }
        Ok(row)
    }

    /// `is_none()` / `is_not_none()`: no arguments.
    fn none(&self, f: &sql::Function, reader: &Converter<'_>) -> Result<()> {
        if self.unnamed.is_empty() && self.named.is_empty() {
            Ok(())
        } else {
            Err(reader.error_at(f, "expected no arguments"))
        }
    }
}
