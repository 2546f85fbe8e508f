//! Finding the relationship calls of a statement and where each sits in
//! the text, in time linear in the text: the tokens are indexed once
//! (byte offsets, matching parentheses), and only the outermost calls'
//! syntax trees are copied.

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;

use sqlparser::ast::{self as sql, Spanned, Statement};
use sqlparser::tokenizer::{Location, Token, TokenWithSpan};

use super::scope::{Named, Scope};
use super::{METHODS, parse_error, position_of};
use crate::error::Result;
use crate::registry::Registry;

/// The relationship calls of a statement.
pub(super) struct Calls {
    /// Where every call starts, nested ones included.
    pub(super) starts: HashSet<Location>,
    /// The calls not inside another one, with their byte ranges, in text
    /// order (nested calls are built as part of the outer one).
    pub(super) outermost: Vec<(sql::Function, (usize, usize))>,
}

/// Finds the calls of `statement` (parsed from the text `tokens` index),
/// each read in its `scopes`.
pub(super) fn find_calls(
    statement: &Statement,
    registry: &Registry,
    scopes: &HashMap<Location, Scope>,
    tokens: &TokenIndex<'_>,
) -> Result<Calls> {
    let empty = Scope::default();
    let scope_of = |f: &sql::Function| scopes.get(&f.span().start).unwrap_or(&empty);
    let mut starts = Vec::new();
    let _ = sql::visit_expressions(statement, |e| {
        if let sql::Expr::Function(f) = e
            && is_relationship_call(f, registry, scope_of(f))
        {
            starts.push(f.span().start);
        }
        ControlFlow::<()>::Continue(())
    });
    let mut ranged = starts
        .iter()
        .map(|&start| tokens.call_range(start).map(|range| (start, range)))
        .collect::<Result<Vec<_>>>()?;
    ranged.sort_by_key(|(_, (start, end))| (*start, std::cmp::Reverse(*end)));
    let mut outer: Vec<(Location, (usize, usize))> = Vec::new();
    for (location, (start, end)) in ranged {
        if outer
            .last()
            .is_none_or(|(_, (_, kept_end))| start >= *kept_end)
        {
            outer.push((location, (start, end)));
        }
    }
    // Copy the syntax trees of the outermost calls only: a nested call is
    // part of its outer one's tree already.
    let wanted: HashSet<Location> = outer.iter().map(|(l, _)| *l).collect();
    let mut trees: Vec<sql::Function> = Vec::with_capacity(outer.len());
    let _ = sql::visit_expressions(statement, |e| {
        if let sql::Expr::Function(f) = e
            && wanted.contains(&f.span().start)
            && is_relationship_call(f, registry, scope_of(f))
        {
            trees.push(f.clone());
        }
        ControlFlow::<()>::Continue(())
    });
    trees.sort_by_key(|f| f.span().start);
    let outermost = trees
        .into_iter()
        .zip(outer)
        .map(|(tree, (_, range))| (tree, range))
        .collect();
    Ok(Calls {
        starts: starts.into_iter().collect(),
        outermost,
    })
}

/// Whether `f` is written `table.relationship.method(...)` (or with an
/// alias or a namespace in front) with one of the methods, its owner a
/// table in `scope` (or of the schema, unless a CTE or subquery of that
/// name shadows it).
pub(super) fn is_relationship_call(f: &sql::Function, registry: &Registry, scope: &Scope) -> bool {
    let parts = name_parts(f);
    if parts.len() < 3 || !METHODS.contains(&parts[parts.len() - 1].to_ascii_lowercase().as_str()) {
        return false;
    }
    let owner = parts[..parts.len() - 2].join(".");
    match scope.lookup(&owner) {
        Some(Named::Table(_)) => true,
        Some(Named::Cte | Named::Other) => false,
        None => registry.schema().table(&owner).is_ok(),
    }
}

pub(super) fn name_parts(f: &sql::Function) -> Vec<String> {
    f.name
        .0
        .iter()
        .map(|p| match p.as_ident() {
            Some(i) => i.value.clone(),
            None => p.to_string(),
        })
        .collect()
}

/// The tokens of a text, with what finding calls asks of them answered in
/// constant or logarithmic time.
pub(super) struct TokenIndex<'t> {
    pub(super) tokens: &'t [TokenWithSpan],
    /// The byte offset where each token starts.
    offsets: Vec<usize>,
    /// For each `(`, the index of its `)`.
    closing: Vec<Option<usize>>,
}

impl<'t> TokenIndex<'t> {
    /// Indexes `tokens`, the tokens of `text` in order.
    pub(super) fn new(text: &str, tokens: &'t [TokenWithSpan]) -> Self {
        // Byte offsets, walking the text once alongside the tokens'
        // line/column (in characters) starts.
        let mut offsets = Vec::with_capacity(tokens.len() + 1);
        let mut chars = text.char_indices().peekable();
        let (mut line, mut column) = (1u64, 1u64);
        for token in tokens {
            let target = token.span.start;
            while (line, column) < (target.line, target.column) {
                match chars.next() {
                    Some((_, '\n')) => {
                        line += 1;
                        column = 1;
                    }
                    Some(_) => column += 1,
                    None => break,
                }
            }
            offsets.push(chars.peek().map_or(text.len(), |(i, _)| *i));
        }
        let mut closing = vec![None; tokens.len()];
        let mut open: Vec<usize> = Vec::new();
        for (i, token) in tokens.iter().enumerate() {
            match token.token {
                Token::LParen => open.push(i),
                Token::RParen => {
                    if let Some(o) = open.pop() {
                        closing[o] = Some(i);
                    }
                }
                _ => {}
            }
        }
        TokenIndex {
            tokens,
            offsets,
            closing,
        }
    }

    /// The index of the token starting at `location`.
    fn at(&self, location: Location) -> Option<usize> {
        let i = self.tokens.partition_point(|t| {
            (t.span.start.line, t.span.start.column) < (location.line, location.column)
        });
        (self.tokens.get(i)?.span.start == location).then_some(i)
    }

    /// The byte range of the call starting at `begin`, from its first name
    /// part to its closing parenthesis (sqlparser's spans stop before the
    /// arguments).
    fn call_range(&self, begin: Location) -> Result<(usize, usize)> {
        let lost = || {
            parse_error(
                "cannot locate the relationship call in the text",
                position_of(begin),
            )
        };
        let first = self.at(begin).ok_or_else(lost)?;
        let open = self.tokens[first..]
            .iter()
            .position(|t| t.token == Token::LParen)
            .map(|i| first + i)
            .ok_or_else(lost)?;
        let close = self.closing[open].ok_or_else(lost)?;
        // `)` is one byte.
        Ok((self.offsets[first], self.offsets[close] + 1))
    }
}
