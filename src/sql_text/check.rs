//! What makes expanded text safe to run: every column a call builds reads
//! a table in scope, and no relationship call is left in the text
//! unexpanded.

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;

use sqlparser::ast::{self as sql, Query, SetExpr, Spanned, Statement, Visit, Visitor};
use sqlparser::tokenizer::{Location, Token, TokenWithSpan};

use super::scope::{Named, Scope};
use super::{METHODS, position_of};
use crate::error::{Error, Result};
use crate::expr::{Expr, FromItem, TableAlias};
use crate::registry::Registry;
use crate::relationship::Relationship;
use crate::schema::{Table, TableId};

/// Checks that every column of `predicate`, built from `call`, reads a
/// table of the statement (`items`) or of an enclosing relationship
/// predicate; the error names the column, where it is in the text, and the
/// relationship that reaches its table when there is one.
pub(super) fn check_scope(
    registry: &Registry,
    predicate: &Expr,
    items: &[FromItem],
    call: &sql::Function,
) -> Result<()> {
    let outer: Vec<&FromItem> = items.iter().collect();
    let Some(out) = predicate.out_of_scope(&outer) else {
        return Ok(());
    };
    let hint = if out.other_schema {
        None
    } else {
        Some(match out.within {
            Some(item) => reaching(registry, &item.table, out.column.column.table()),
            None => "call the relationship on a table (or alias) the statement reads".to_owned(),
        })
    };
    let error = out.error(hint);
    let owner = match &out.column.alias {
        Some(TableAlias::Named(name)) => name,
        _ => out.column.column.table().name(),
    };
    let place = column_position(call, owner, out.column.column.name())
        .or_else(|| position_of(call.span().start));
    Err(match place {
        Some(p) => error.context(format!("in SQL text at {p}")),
        None => error,
    })
}

/// What to write instead of naming `table` inside a call on `from`: the
/// shortest chains of relationships (up to three) from `from` to it, as
/// nested calls.
fn reaching(registry: &Registry, from: &Table, table: &Table) -> String {
    const MAX_HOPS: usize = 3;
    // Breadth first, each table expanded once: the chains of each length,
    // with the table where each ends.
    let mut seen = vec![from.id()];
    let mut frontier: Vec<(Vec<&Relationship>, TableId)> = vec![(Vec::new(), from.id())];
    for _ in 0..MAX_HOPS {
        let mut next: Vec<(Vec<&Relationship>, TableId)> = Vec::new();
        for (chain, at) in &frontier {
            let Some(at_table) = registry.schema().table_by_id(*at) else {
                continue;
            };
            let rels = registry
                .relationships_of(&at_table.qualified_name().to_string())
                .into_iter()
                .flatten();
            for rel in rels {
                let target = rel.target().id();
                if seen.contains(&target) {
                    continue;
                }
                let mut longer = chain.clone();
                longer.push(rel);
                next.push((longer, target));
            }
        }
        let mut found: Vec<String> = next
            .iter()
            .filter(|(_, at)| *at == table.id())
            .map(|(chain, _)| nested_calls(chain))
            .collect();
        if !found.is_empty() {
            found.sort();
            found.truncate(3);
            return format!("reach it through a relationship: {}", found.join(" or "));
        }
        // Keep one chain per table for the next round.
        next.retain(|(_, at)| {
            let new = !seen.contains(at);
            if new {
                seen.push(*at);
            }
            new
        });
        frontier = next;
    }
    format!(
        "no chain of up to {MAX_HOPS} relationships of '{}' reaches table '{}'",
        from.qualified_name(),
        table.qualified_name()
    )
}

/// `a.r1.any(b.r2.has(...))` for a chain of relationships.
fn nested_calls(chain: &[&Relationship]) -> String {
    chain.iter().rev().fold("...".to_owned(), |inner, rel| {
        let method = if rel.uselist() { "any" } else { "has" };
        format!("{}.{method}({inner})", rel.key())
    })
}

/// Where `owner.column` (a table or an alias) is written in the call.
fn column_position(call: &sql::Function, owner: &str, column: &str) -> Option<crate::Position> {
    let mut found = None;
    let _ = sql::visit_expressions(call, |e| {
        if let sql::Expr::CompoundIdentifier(parts) = e
            && let [.., written, last] = parts.as_slice()
            && last.value == column
            && written.value == owner
        {
            found = position_of(e.span().start);
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    });
    found
}

/// Fails on a relationship call written where sqlrel does not expand it,
/// or written wrongly (an unknown method, no method, a path of
/// relationships): every `name.name...(` in the text whose start is not
/// one of the `expanded` calls' and whose names lead from a table (or an
/// alias of the statement) to one of its relationships.
pub(super) fn check_no_stray_calls(
    registry: &Registry,
    tokens: &[TokenWithSpan],
    scopes: &HashMap<Location, Scope>,
    expanded: &HashSet<Location>,
) -> Result<()> {
    let empty = Scope::default();
    let mut names: Option<HashSet<&str>> = None;
    for (parts, start) in dotted_calls(tokens) {
        if expanded.contains(&start) {
            continue;
        }
        let scope = scopes.get(&start).unwrap_or(&empty);
        // Built on the first call that needs it: the names of every
        // relationship, whatever its table.
        let mut relationship_named = |name: &str| {
            names
                .get_or_insert_with(|| registry.relationships().map(|r| r.name()).collect())
                .contains(name)
        };
        if let Some(error) = stray(registry, scope, &parts, &mut relationship_named) {
            return Err(match position_of(start) {
                Some(p) => error.context(format!("in SQL text at {p}")),
                None => error,
            });
        }
    }
    Ok(())
}

/// Every `a.b[.c...] (` of the text: its names and where it starts.
fn dotted_calls(tokens: &[TokenWithSpan]) -> Vec<(Vec<String>, Location)> {
    let significant: Vec<&TokenWithSpan> = tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .collect();
    let mut calls = Vec::new();
    let mut i = 0;
    while i < significant.len() {
        let Token::Word(first) = &significant[i].token else {
            i += 1;
            continue;
        };
        let follows_period = i > 0 && significant[i - 1].token == Token::Period;
        let mut parts = vec![first.value.clone()];
        let mut j = i + 1;
        while j + 1 < significant.len() && significant[j].token == Token::Period {
            match &significant[j + 1].token {
                Token::Word(w) => parts.push(w.value.clone()),
                _ => break,
            }
            j += 2;
        }
        if !follows_period
            && parts.len() >= 2
            && significant.get(j).is_some_and(|t| t.token == Token::LParen)
        {
            calls.push((parts, significant[i].span.start));
        }
        i = j.max(i + 1);
    }
    calls
}

/// The error for a dotted call that names a relationship but is not an
/// expanded relationship call; `None` when it names none (an ordinary,
/// schema-qualified function).
fn stray(
    registry: &Registry,
    scope: &Scope,
    parts: &[String],
    relationship_named: &mut impl FnMut(&str) -> bool,
) -> Option<Error> {
    for split in 1..parts.len() {
        let owner = parts[..split].join(".");
        let table = match scope.lookup(&owner) {
            Some(Named::Table(item)) => item.table.clone(),
            Some(Named::Cte) => {
                let names_relationship = registry
                    .schema()
                    .table(&owner)
                    .is_ok_and(|t| registry.get(t.id(), &parts[split]).is_some());
                if names_relationship {
                    return Some(Error::invalid(format!(
                        "'{owner}' names a CTE here, not the table {owner}: \
                         relationship calls apply to tables"
                    )));
                }
                continue;
            }
            Some(Named::Other) => {
                // A subquery or a table the schema lacks has no
                // relationships: a call naming one here was meant for a
                // table.
                if relationship_named(&parts[split]) {
                    return Some(Error::invalid(format!(
                        "'{owner}' names a subquery or a table the schema does not have here, \
                         and '{}' is a relationship: relationship calls apply to tables of the \
                         schema (or their aliases)",
                        parts[split]
                    )));
                }
                continue;
            }
            None => match registry.schema().table(&owner) {
                Ok(table) => table.clone(),
                Err(_) => continue,
            },
        };
        let rest = &parts[split..];
        let rel_name = &rest[0];
        let is_method = |m: &String| METHODS.contains(&m.to_ascii_lowercase().as_str());
        let Some(rel) = registry.get(table.id(), rel_name) else {
            if rest.len() == 2 && is_method(&rest[1]) {
                return Some(Error::UnknownRelationship {
                    name: format!("{owner}.{rel_name}"),
                });
            }
            continue;
        };
        let key = format!("{owner}.{rel_name}");
        let methods = METHODS.join(", ");
        return Some(Error::invalid(match rest {
            [] | [_] => format!(
                "relationship {key} is called without a method; write {key}.any(...) or \
                 another of: {methods}"
            ),
            [_, method] if !is_method(method) => format!(
                "unknown method '{method}' on relationship {key}; the methods are: {methods}"
            ),
            [_, _] => format!(
                "relationship {key} is called where sqlrel does not expand calls; use it in \
                 the select list, WHERE, HAVING, ORDER BY or a JOIN's ON"
            ),
            [_, next, ..] => format!(
                "'{}' is a path of relationships ({key}, then '{next}' on {}); \
                 nest the calls instead: {key}.{}({}.{next}.any(...))",
                parts.join("."),
                rel.target().qualified_name(),
                if rel.uselist() { "any" } else { "has" },
                rel.target().qualified_name(),
            ),
        }));
    }
    None
}

/// Refuses a statement that writes or locks: relationship-aware text is
/// for reading, like a bare SELECT (`SELECT ... INTO` creates a table, a
/// data-modifying CTE changes rows, `FOR UPDATE` / `FOR SHARE` take locks).
pub(super) fn check_read_only(statement: &Statement) -> Result<()> {
    struct Find(Option<&'static str>);
    impl Visitor for Find {
        type Break = ();
        fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
            if !query.locks.is_empty() {
                self.0 = Some("FOR UPDATE / FOR SHARE locks rows");
            }
            let mut bodies = vec![&*query.body];
            while let Some(body) = bodies.pop() {
                match body {
                    SetExpr::Select(select) if select.into.is_some() => {
                        self.0 = Some("SELECT ... INTO writes a table");
                    }
                    SetExpr::Insert(_)
                    | SetExpr::Update(_)
                    | SetExpr::Delete(_)
                    | SetExpr::Merge(_) => {
                        self.0 =
                            Some("a data-modifying statement (e.g. in a WITH clause) writes rows");
                    }
                    SetExpr::SetOperation { left, right, .. } => {
                        bodies.push(left);
                        bodies.push(right);
                    }
                    _ => {}
                }
            }
            if self.0.is_some() {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        }
    }
    let mut find = Find(None);
    let _ = statement.visit(&mut find);
    match find.0 {
        Some(what) => Err(super::parse_error(
            format!("only a SELECT that reads can be expanded: {what}"),
            None,
        )),
        None => Ok(()),
    }
}
