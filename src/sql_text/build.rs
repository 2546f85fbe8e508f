//! Building a relationship call with the comparator the Rust API uses.

use std::cell::RefCell;

use sqlparser::ast::{self as sql, Spanned};

use super::calls::{is_relationship_call, name_parts};
use super::position_of;
use super::scope::{Named, Scope};
use crate::comparator::Row;
use crate::error::{Error, Result};
use crate::expr::parse::{CallHook, Converter};
use crate::expr::{Expr, FromItem};
use crate::registry::Registry;
use crate::relationship::Relationship;
use crate::schema::Table;

/// Builds relationship calls with the comparator.
pub(super) struct RelationshipCalls<'r> {
    pub(super) registry: &'r Registry,
    /// The names in scope where the call being built stands.
    pub(super) scope: RefCell<Scope>,
    /// The relationships built so far, in order of first use.
    pub(super) used: RefCell<Vec<&'r Relationship>>,
}

impl CallHook for RelationshipCalls<'_> {
    fn call(&self, f: &sql::Function, reader: &Converter<'_>) -> Option<Result<Expr>> {
        if !is_relationship_call(f, self.registry, &self.scope.borrow()) {
            return None;
        }
        Some(self.build(f, reader).map_err(|e| match e {
            // Placed already: a parse error, or an error at a column.
            e @ (Error::Parse { .. } | Error::Context { .. }) => e,
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
        let item = match self.scope.borrow().lookup(&owner) {
            Some(Named::Table(item)) => item.clone(),
            Some(Named::Cte | Named::Other) => {
                return Err(reader.error_at(
                    f,
                    format!(
                        "'{owner}' names a CTE or a subquery here, not a table: relationship \
                         calls apply to tables"
                    ),
                ));
            }
            None => FromItem::table(self.registry.schema().table(&owner)?.clone()),
        };
        let table = item.table.clone();
        let rel =
            self.registry
                .get(table.id(), rel_name)
                .ok_or_else(|| Error::UnknownRelationship {
                    name: format!("{owner}.{rel_name}"),
                })?;
        let mut used = self.used.borrow_mut();
        if !used.iter().any(|r| std::ptr::eq(*r, rel)) {
            used.push(rel);
        }
        drop(used);
        let mut comparator = rel.comparator();
        if let Some(a) = &item.alias {
            comparator = comparator.of_alias(a.clone());
        }
        let args = Arguments::read(f, reader)?;
        match method.as_str() {
            "any" => comparator.any(args.criterion(f, reader)?),
            "has" => comparator.has(args.criterion(f, reader)?),
            "contains" => comparator.contains(&args.row(f, reader, rel.target())?),
            "is" => comparator.eq(&args.row(f, reader, rel.target())?),
            "is_not" => comparator.ne(&args.row(f, reader, rel.target())?),
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
                }
                // Dialects that allow any expression as an argument's name
                // (PostgreSQL) read `column => value` this way.
                | sql::FunctionArg::ExprNamed {
                    name: sql::Expr::Identifier(name),
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

    /// `contains(col => value, ...)`: named literal values only, each
    /// naming a column of `table` once.
    fn row(&self, f: &sql::Function, reader: &Converter<'_>, table: &Table) -> Result<Row> {
        if !self.unnamed.is_empty() || self.named.is_empty() {
            return Err(reader.error_at(f, "expected named values: column => value, ..."));
        }
        let mut row = Row::new();
        for (name, value) in &self.named {
            if table.column_id(&name.value).is_none() {
                let error = Error::UnknownColumn {
                    table: table.qualified_name().to_string(),
                    column: name.value.clone(),
                };
                return Err(match position_of(name.span.start) {
                    Some(p) => error.context(format!("in SQL text at {p}")),
                    None => error,
                });
            }
            if row.get(&name.value).is_some() {
                return Err(
                    reader.error_at(*value, format!("column '{}' is given twice", name.value))
                );
            }
            let literal = reader.literal(value)?;
            row.set(name.value.clone(), literal);
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
