//! Traversal helpers: visit, map and collect columns and binaries.
//!
//! The column visitors descend into subqueries too, because a column of an
//! outer table inside a correlated subquery still refers to that outer table.

use std::sync::Arc;

use super::{
    Annotations, BinaryExpr, ColumnExpr, Expr, FromItem, Projection, Subquery, TableAlias,
};
use crate::schema::{ColumnRef, Table, TableId};

impl Expr {
    /// Calls `f` on every direct child expression.
    pub fn for_each_child<'a>(&'a self, f: &mut impl FnMut(&'a Expr)) {
        match self {
            Expr::Column(_) | Expr::Value(_) | Expr::Bind(_) => {}
            Expr::Binary(b) => {
                f(&b.left);
                f(&b.right);
            }
            Expr::And(items) | Expr::Or(items) => items.iter().for_each(f),
            Expr::Not(e) | Expr::IsNull { expr: e, .. } | Expr::Cast { expr: e, .. } => f(e),
            Expr::InList { expr, list, .. } => {
                f(expr);
                list.iter().for_each(f);
            }
            Expr::Between {
                expr, low, high, ..
            } => {
                f(expr);
                f(low);
                f(high);
            }
            Expr::Function(func) => func.args.iter().for_each(f),
            Expr::Exists(q) | Expr::Subquery(q) => q.for_each_expr(f),
        }
    }

    /// Calls `f` on every direct child expression, mutably.
    pub fn for_each_child_mut(&mut self, f: &mut impl FnMut(&mut Expr)) {
        match self {
            Expr::Column(_) | Expr::Value(_) | Expr::Bind(_) => {}
            Expr::Binary(b) => {
                f(&mut b.left);
                f(&mut b.right);
            }
            Expr::And(items) | Expr::Or(items) => items.iter_mut().for_each(f),
            Expr::Not(e) | Expr::IsNull { expr: e, .. } | Expr::Cast { expr: e, .. } => f(e),
            Expr::InList { expr, list, .. } => {
                f(expr);
                list.iter_mut().for_each(f);
            }
            Expr::Between {
                expr, low, high, ..
            } => {
                f(expr);
                f(low);
                f(high);
            }
            Expr::Function(func) => func.args.iter_mut().for_each(f),
            Expr::Exists(q) | Expr::Subquery(q) => q.for_each_expr_mut(f),
        }
    }

    /// Pre-order walk over this expression and all descendants, mutably;
    /// `f` may replace the node it is given (its new children are then
    /// visited).
    pub fn for_each_mut(&mut self, f: &mut impl FnMut(&mut Expr)) {
        f(self);
        self.for_each_child_mut(&mut |child| child.for_each_mut(f));
    }

    /// Pre-order walk over this expression and all descendants.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Expr)) {
        f(self);
        self.for_each_child(&mut |child| child.walk(f));
    }

    /// Calls `f` on every column reference, in order of appearance.
    pub fn for_each_column<'a>(&'a self, f: &mut impl FnMut(&'a ColumnExpr)) {
        self.walk(&mut |e| {
            if let Expr::Column(c) = e {
                f(c);
            }
        });
    }

    /// Calls `f` on every column reference, mutably.
    pub fn for_each_column_mut(&mut self, f: &mut impl FnMut(&mut ColumnExpr)) {
        if let Expr::Column(c) = self {
            f(c);
            return;
        }
        self.for_each_child_mut(&mut |child| child.for_each_column_mut(f));
    }

    /// Replaces column references: `f` returns the replacement, or `None` to
    /// keep the column (SQLAlchemy's `replacement_traverse`).
    pub fn replace_columns(&mut self, f: &mut impl FnMut(&ColumnExpr) -> Option<Expr>) {
        if let Expr::Column(c) = self {
            if let Some(new) = f(c) {
                *self = new;
            }
            return;
        }
        self.for_each_child_mut(&mut |child| child.replace_columns(f));
    }

    /// Calls `f` on every binary expression (comparisons and arithmetic),
    /// innermost first (SQLAlchemy's `cloned_traverse` order), mutably.
    pub fn for_each_binary_mut(&mut self, f: &mut impl FnMut(&mut BinaryExpr)) {
        self.for_each_child_mut(&mut |child| child.for_each_binary_mut(f));
        if let Expr::Binary(b) = self {
            f(b);
        }
    }

    /// Calls `f` on every node SQLAlchemy builds as a `BinaryExpression`,
    /// innermost first, mutably: the binary expressions, and `IN`,
    /// `BETWEEN` and `IS NULL`, whose right side (the list, both bounds,
    /// `NULL`) is never a column.
    pub(crate) fn for_each_sqlalchemy_binary_mut(
        &mut self,
        f: &mut impl FnMut(SqlAlchemyBinary<'_>),
    ) {
        self.for_each_child_mut(&mut |child| child.for_each_sqlalchemy_binary_mut(f));
        match self {
            Expr::Binary(b) => f(SqlAlchemyBinary::Binary(b)),
            Expr::InList { expr, .. } | Expr::Between { expr, .. } | Expr::IsNull { expr, .. } => {
                f(SqlAlchemyBinary::NonColumnRight(expr))
            }
            _ => {}
        }
    }

    /// Calls `f` on every binary expression, outermost first.
    pub fn for_each_binary(&self, f: &mut impl FnMut(&BinaryExpr)) {
        self.walk(&mut |e| {
            if let Expr::Binary(b) = e {
                f(b);
            }
        });
    }

    /// Whether a column of `table` itself (not read through an alias)
    /// occurs anywhere in this expression.
    pub(crate) fn mentions(&self, table: TableId) -> bool {
        let mut found = false;
        self.for_each_column(&mut |c| {
            found |= c.alias.is_none() && c.column.table_id() == table;
        });
        found
    }

    /// This condition with the conjuncts that name any of `tables` moved
    /// into `EXISTS (SELECT 1 FROM <the tables they name> WHERE <them>)`.
    ///
    /// A join condition may name tables beyond the two it joins (a
    /// relationship's extra tables): where the statement does not have
    /// them, the condition means "some rows of them exist such that ...",
    /// and this writes it so. Each outer row is then counted once, however
    /// many rows of the extra tables match. Conjuncts that name none of
    /// `tables` stay outside, where a join can use them.
    pub(crate) fn exists_over(self, tables: &[Arc<Table>]) -> Expr {
        if tables.is_empty() {
            return self;
        }
        let conjuncts = match self {
            Expr::And(items) => items,
            single => vec![single],
        };
        let (inner, outer): (Vec<Expr>, Vec<Expr>) = conjuncts
            .into_iter()
            .partition(|e| tables.iter().any(|t| e.mentions(t.id())));
        if inner.is_empty() {
            return Expr::all(outer);
        }
        let from = tables
            .iter()
            .filter(|t| inner.iter().any(|e| e.mentions(t.id())))
            .map(|t| FromItem::table(Arc::clone(t)))
            .collect();
        let exists = Expr::exists(Subquery {
            projection: Projection::One,
            from,
            filter: Some(Expr::all(inner)),
        });
        Expr::all(outer.into_iter().chain([exists]))
    }

    /// Reads the columns of `table` that are not yet read through an alias,
    /// and carry none of `skip`, through `alias` (SQLAlchemy's
    /// `ClauseAdapter` with an `exclude_fn`). `None` leaves them on the
    /// table itself.
    ///
    /// A subquery that has the table itself (unaliased) in its FROM list
    /// shadows it: columns inside it name that FROM item and are left
    /// alone, as SQL scoping reads them.
    pub fn read_through(&mut self, table: TableId, alias: Option<&TableAlias>, skip: Annotations) {
        let Some(alias) = alias else { return };
        match self {
            Expr::Column(c) => {
                if c.alias.is_none()
                    && c.column.table_id() == table
                    && !c.annotations.intersects(skip)
                {
                    c.alias = Some(alias.clone());
                }
            }
            Expr::Exists(q) | Expr::Subquery(q)
                if q.from
                    .iter()
                    .any(|f| f.alias.is_none() && f.table.id() == table) => {}
            other => {
                other.for_each_child_mut(&mut |child| child.read_through(table, Some(alias), skip))
            }
        }
    }

    /// Whether any column carries all of `annotations`.
    pub fn has_annotation(&self, annotations: Annotations) -> bool {
        let mut found = false;
        self.for_each_column(&mut |c| found |= c.annotations.contains(annotations));
        found
    }

    /// Distinct columns (ignoring alias) that carry all of `annotations`,
    /// in order of first appearance.
    pub fn columns_with(&self, annotations: Annotations) -> Vec<ColumnRef> {
        let mut out: Vec<ColumnRef> = Vec::new();
        self.for_each_column(&mut |c| {
            if c.annotations.contains(annotations) && !out.contains(&c.column) {
                out.push(c.column.clone());
            }
        });
        out
    }

    /// SQLAlchemy's `visit_binary_product`: for every comparison, calls
    /// `f(comparison, left, right)` for each pair of columns found on its
    /// left and right sides (not looking into nested comparisons, whose own
    /// pairs are reported separately, nor into subqueries).
    ///
    /// The comparisons are those SQLAlchemy builds as comparison binaries:
    /// [`Expr::Binary`] with a comparison operator, [`Expr::InList`] (its
    /// right side is the list), [`Expr::Between`] (both bounds) and
    /// [`Expr::IsNull`] (no right side, so never reported). As in
    /// SQLAlchemy, the right side of a comparison whose left side has no
    /// column is not looked into.
    pub fn visit_binary_product(&self, f: &mut impl FnMut(&Expr, &ColumnExpr, &ColumnExpr)) {
        if let Some(left) = self.comparison_left() {
            let mut lefts = Operands::default();
            left.product_operands(&mut lefts, f);
            if lefts.is_empty() {
                return;
            }
            let mut rights = Operands::default();
            self.for_each_comparison_right(&mut |right| right.product_operands(&mut rights, f));
            for l in lefts.iter() {
                for r in rights.iter() {
                    f(self, l, r);
                }
            }
            return;
        }
        match self {
            Expr::Exists(_) | Expr::Subquery(_) => {}
            other => other.for_each_child(&mut |child| child.visit_binary_product(f)),
        }
    }

    /// The left operand, when this is a comparison of
    /// [`visit_binary_product`](Self::visit_binary_product).
    fn comparison_left(&self) -> Option<&Expr> {
        match self {
            Expr::Binary(b) if b.op.is_comparison() => Some(&b.left),
            Expr::InList { expr, .. } | Expr::Between { expr, .. } | Expr::IsNull { expr, .. } => {
                Some(expr)
            }
            _ => None,
        }
    }

    /// Calls `f` on the right operands of a comparison.
    fn for_each_comparison_right<'a>(&'a self, f: &mut impl FnMut(&'a Expr)) {
        match self {
            Expr::Binary(b) => f(&b.right),
            Expr::InList { list, .. } => list.iter().for_each(f),
            Expr::Between { low, high, .. } => {
                f(low);
                f(high);
            }
            _ => {}
        }
    }

    /// Collects the columns of an operand of a comparison, reporting nested
    /// comparisons to `f` instead of collecting their columns.
    fn product_operands<'a>(
        &'a self,
        out: &mut Operands<'a>,
        f: &mut impl FnMut(&Expr, &ColumnExpr, &ColumnExpr),
    ) {
        match self {
            Expr::Column(c) => out.push(c),
            Expr::Exists(_) | Expr::Subquery(_) => {}
            e if e.comparison_left().is_some() => e.visit_binary_product(f),
            other => other.for_each_child(&mut |child| child.product_operands(out, f)),
        }
    }
}

/// A node SQLAlchemy builds as a `BinaryExpression`, as
/// [`Expr::for_each_sqlalchemy_binary_mut`] reports it.
pub(crate) enum SqlAlchemyBinary<'a> {
    /// `left op right`.
    Binary(&'a mut BinaryExpr),
    /// `IN`, `BETWEEN` or `IS NULL`, with its left operand; the right side
    /// is never a column.
    NonColumnRight(&'a mut Expr),
}

/// The columns of one operand of a comparison, in order: nearly always one
/// or two, kept inline (this runs for every comparison of every join
/// condition a registry resolves).
#[derive(Default)]
struct Operands<'a> {
    first: [Option<&'a ColumnExpr>; 2],
    rest: Vec<&'a ColumnExpr>,
}

impl<'a> Operands<'a> {
    fn push(&mut self, column: &'a ColumnExpr) {
        match self.first.iter_mut().find(|slot| slot.is_none()) {
            Some(slot) => *slot = Some(column),
            None => self.rest.push(column),
        }
    }

    fn is_empty(&self) -> bool {
        self.first[0].is_none()
    }

    fn iter(&self) -> impl Iterator<Item = &'a ColumnExpr> + '_ {
        self.first
            .iter()
            .flatten()
            .copied()
            .chain(self.rest.iter().copied())
    }
}

impl Subquery {
    /// Calls `f` on the projection and filter expressions.
    pub fn for_each_expr<'a>(&'a self, f: &mut impl FnMut(&'a Expr)) {
        if let Projection::Exprs(items) = &self.projection {
            items.iter().for_each(&mut *f);
        }
        if let Some(filter) = &self.filter {
            f(filter);
        }
    }

    /// Calls `f` on the projection and filter expressions, mutably.
    pub fn for_each_expr_mut(&mut self, f: &mut impl FnMut(&mut Expr)) {
        if let Projection::Exprs(items) = &mut self.projection {
            items.iter_mut().for_each(&mut *f);
        }
        if let Some(filter) = &mut self.filter {
            f(filter);
        }
    }
}
