//! Which FROM item each column reads: a column is in scope where a FROM
//! item of its statement, or of an enclosing subquery, provides it.

use std::sync::Arc;

use smallvec::SmallVec;

use super::{ColumnExpr, Expr, FromItem};

/// A column no FROM item in scope provides.
#[derive(Debug)]
pub(crate) struct OutOfScope<'a> {
    /// The column.
    pub(crate) column: &'a ColumnExpr,
    /// The first FROM item of the innermost subquery around the column (a
    /// relationship predicate's target), if it is inside one.
    pub(crate) within: Option<&'a FromItem>,
    /// Whether an item in scope has the column's table and alias, but the
    /// table of another schema.
    pub(crate) other_schema: bool,
}

/// Whether `item` provides `column`: same table, same alias (a table read
/// through an alias is not also visible under its own name).
fn provides(item: &FromItem, column: &ColumnExpr) -> Provides {
    if item.table.id() != column.column.table_id() || item.alias != column.alias {
        Provides::No
    } else if Arc::ptr_eq(&item.table, column.column.table_arc()) {
        Provides::Yes
    } else {
        Provides::OtherSchema
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Provides {
    Yes,
    No,
    OtherSchema,
}

impl OutOfScope<'_> {
    /// The error saying so, with `hint` (what to do) when there is one.
    pub(crate) fn error(&self, hint: Option<String>) -> crate::error::Error {
        let table = match &self.column.alias {
            Some(super::TableAlias::Named(name)) => name.to_string(),
            _ => self.column.column.table().qualified_name().to_string(),
        };
        crate::error::Error::OutOfScope {
            column: self.column.column.to_string(),
            table,
            other_schema: self.other_schema,
            hint,
        }
    }
}

impl Expr {
    /// The first column (in order of appearance) that neither `outer` (the
    /// FROM items of the statement the expression sits in) nor the FROM
    /// list of an enclosing subquery provides.
    pub(crate) fn out_of_scope<'a>(&'a self, outer: &[&'a FromItem]) -> Option<OutOfScope<'a>> {
        let mut scan = Scan {
            outer,
            subqueries: SmallVec::new(),
            found: None,
        };
        scan.expr(self);
        scan.found
    }
}

/// A walk keeping the FROM lists in scope.
struct Scan<'a, 'o> {
    outer: &'o [&'a FromItem],
    /// The FROM lists of the enclosing subqueries, innermost last.
    subqueries: SmallVec<[&'a [FromItem]; 4]>,
    found: Option<OutOfScope<'a>>,
}

impl<'a> Scan<'a, '_> {
    fn expr(&mut self, e: &'a Expr) {
        if self.found.is_some() {
            return;
        }
        match e {
            Expr::Column(column) => self.column(column),
            Expr::Exists(q) | Expr::Subquery(q) => {
                self.subqueries.push(&q.from);
                q.for_each_expr(&mut |inner| self.expr(inner));
                self.subqueries.pop();
            }
            other => other.for_each_child(&mut |child| self.expr(child)),
        }
    }

    fn column(&mut self, column: &'a ColumnExpr) {
        let items = self
            .subqueries
            .iter()
            .flat_map(|from| from.iter())
            .chain(self.outer.iter().copied());
        let mut other_schema = false;
        for item in items {
            match provides(item, column) {
                Provides::Yes => return,
                Provides::OtherSchema => other_schema = true,
                Provides::No => {}
            }
        }
        self.found = Some(OutOfScope {
            column,
            within: self.subqueries.last().and_then(|from| from.first()),
            other_schema,
        });
    }
}
