//! SQL's name scoping for relationship calls: a call's owner (`u` in
//! `u.addresses.any()`) and the qualifiers inside it name what the
//! innermost query around the call, or an enclosing one, reads under that
//! name; a CTE or a subquery in FROM shadows a table of the same name.

use std::collections::HashMap;
use std::ops::ControlFlow;

use sqlparser::ast::{
    self as sql, Query, SetExpr, Spanned, Statement, TableFactor, Visit, Visitor,
};
use sqlparser::tokenizer::Location;

use crate::expr::{FromItem, TableAlias};
use crate::registry::Registry;

/// What a name stands for in a query.
#[derive(Debug, Clone)]
pub(super) enum Named {
    /// A table of the schema, possibly read through an alias.
    Table(FromItem),
    /// A CTE: it shadows a table of its name in the queries it encloses.
    Cte,
    /// A subquery in FROM, or a table the schema lacks.
    Other,
}

/// The names in scope at one place, innermost query first.
#[derive(Debug, Clone, Default)]
pub(super) struct Scope {
    names: Vec<(String, Named)>,
}

impl Scope {
    /// What `name` stands for, the innermost binding first; `None` when no
    /// query around the place binds it.
    pub(super) fn lookup(&self, name: &str) -> Option<&Named> {
        self.names
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, named)| named)
    }

    /// The tables in scope under their names, innermost first: how a
    /// qualifier inside a call is read.
    pub(super) fn tables(&self) -> Vec<(String, FromItem)> {
        self.names
            .iter()
            .filter_map(|(name, named)| match named {
                Named::Table(item) => Some((name.clone(), item.clone())),
                Named::Cte | Named::Other => None,
            })
            .collect()
    }

    /// The FROM items in scope.
    pub(super) fn items(&self) -> Vec<FromItem> {
        self.tables().into_iter().map(|(_, item)| item).collect()
    }
}

/// The scope at every function call of the statement, by where the call
/// starts.
pub(super) fn scopes(registry: &Registry, statement: &Statement) -> HashMap<Location, Scope> {
    let mut collect = Collect {
        registry,
        stack: Vec::new(),
        found: HashMap::new(),
    };
    let _ = statement.visit(&mut collect);
    collect.found
}

struct Collect<'r> {
    registry: &'r Registry,
    /// The names each enclosing query binds, outermost first.
    stack: Vec<Vec<(String, Named)>>,
    found: HashMap<Location, Scope>,
}

impl Collect<'_> {
    /// The names `query` binds for its body: its CTEs, then what the FROM
    /// lists of its SELECTs read.
    fn bindings(&self, query: &Query) -> Vec<(String, Named)> {
        let ctes: Vec<String> = query
            .with
            .iter()
            .flat_map(|with| &with.cte_tables)
            .map(|cte| cte.alias.name.value.clone())
            .collect();
        let mut names: Vec<(String, Named)> =
            ctes.iter().map(|name| (name.clone(), Named::Cte)).collect();
        let mut bodies = vec![&*query.body];
        while let Some(body) = bodies.pop() {
            match body {
                SetExpr::Select(select) => {
                    for from in &select.from {
                        let factors = std::iter::once(&from.relation)
                            .chain(from.joins.iter().map(|j| &j.relation));
                        for factor in factors {
                            self.bind(factor, &ctes, &mut names);
                        }
                    }
                }
                SetExpr::SetOperation { left, right, .. } => {
                    bodies.push(right);
                    bodies.push(left);
                }
                _ => {}
            }
        }
        names
    }

    /// The name `factor` is read under, and what it stands for; a CTE of
    /// this query (`ctes`) or of an enclosing one shadows a table of the
    /// same name.
    fn bind(&self, factor: &TableFactor, ctes: &[String], names: &mut Vec<(String, Named)>) {
        match factor {
            TableFactor::Table { name, alias, .. } => {
                let written = object_name(name);
                let cte = ctes.contains(&written) || self.shadowed(&written);
                let bound = alias
                    .as_ref()
                    .map_or_else(|| written.clone(), |a| a.name.value.clone());
                let named = match self.registry.schema().table(&written) {
                    Ok(table) if !cte => Named::Table(FromItem {
                        table: table.clone(),
                        alias: alias.as_ref().map(|a| TableAlias::named(&a.name.value)),
                    }),
                    _ => Named::Other,
                };
                names.push((bound, named));
            }
            TableFactor::Derived {
                alias: Some(alias), ..
            } => names.push((alias.name.value.clone(), Named::Other)),
            TableFactor::NestedJoin {
                table_with_joins, ..
            } => {
                self.bind(&table_with_joins.relation, ctes, names);
                for join in &table_with_joins.joins {
                    self.bind(&join.relation, ctes, names);
                }
            }
            _ => {}
        }
    }

    /// Whether an enclosing query's CTE named `name` shadows the table.
    fn shadowed(&self, name: &str) -> bool {
        self.stack
            .iter()
            .flatten()
            .any(|(n, named)| n == name && matches!(named, Named::Cte))
    }

    fn current(&self) -> Scope {
        Scope {
            names: self.stack.iter().rev().flatten().cloned().collect(),
        }
    }
}

impl Visitor for Collect<'_> {
    type Break = ();

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        let names = self.bindings(query);
        self.stack.push(names);
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _query: &Query) -> ControlFlow<()> {
        self.stack.pop();
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &sql::Expr) -> ControlFlow<()> {
        if let sql::Expr::Function(f) = expr
            && f.name.0.len() >= 2
        {
            let scope = self.current();
            self.found.insert(f.span().start, scope);
        }
        ControlFlow::Continue(())
    }
}

/// `a.b.c` of an object name (identifier parts only).
fn object_name(name: &sql::ObjectName) -> String {
    name.0
        .iter()
        .filter_map(|p| p.as_ident().map(|i| i.value.as_str()))
        .collect::<Vec<_>>()
        .join(".")
}
