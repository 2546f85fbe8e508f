//! Finding the relationship calls of a statement and where each sits in
//! the text.

use std::ops::ControlFlow;

use sqlparser::ast::{self as sql, Spanned, Statement};
use sqlparser::tokenizer::{Location, Token, TokenWithSpan};

use super::{METHODS, parse_error, position_of};
use crate::error::Result;
use crate::expr::FromItem;
use crate::registry::Registry;

/// Every relationship call of the statement.
pub(super) fn relationship_calls(
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
pub(super) fn outermost(
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
pub(super) fn is_relationship_call(
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

/// Byte offsets where each line of the text starts.
pub(super) struct LineStarts<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> LineStarts<'t> {
    pub(super) fn new(text: &'t str) -> Self {
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
