//! Layer 6: relationship predicates.
//!
//! [`Comparator`] turns a resolved [`Relationship`] into WHERE-clause
//! expressions the way SQLAlchemy's relationship comparator does: `any()` /
//! `has()` as correlated `EXISTS`, `contains()` / `eq()` / `ne()` against a
//! [`Row`] of the related table, `is_none()` / `is_not_none()`, and
//! `with_parent()` (the lazy-load clause). Self-referential targets are
//! read through an anonymous alias (`nodes_1`) and the criterion is adapted
//! to it.
//!
//! Where SQLAlchemy's SQL gives wrong rows, sqlrel deliberately differs:
//!
//! - many-to-many `contains()`, `eq()` and `ne()` are `EXISTS` over the
//!   association table instead of SQLAlchemy's implicit join of it, which
//!   duplicates or drops rows under `OR` and `NOT`;
//! - many-to-one `ne()` on a composite key is true when *any* key column
//!   differs (SQLAlchemy requires all to differ);
//! - many-to-one `is_none()` on a composite key is true when *any* key
//!   column is NULL, and on a join condition that is not a plain foreign-key
//!   equality it is `NOT EXISTS` (SQLAlchemy's `IS NULL` rewrite of such a
//!   join never matches);
//! - negations are always `NOT EXISTS`, never `NOT IN (subquery)`.
//!
//! ```
//! use sqlrel::registry::Registry;
//! use sqlrel::relationship::RelationshipConfig;
//! use sqlrel::schema::Schema;
//!
//! let schema = Schema::from_ddl(
//!     "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
//!      CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), email TEXT);",
//! )?;
//! let registry = Registry::builder(schema)
//!     .relationship(RelationshipConfig::new("users", "addresses", "addresses").backref("user"))
//!     .configure()?;
//! let email = registry.schema().col("addresses.email")?;
//! let pred = registry.relationship("users.addresses")?.any(email.like("%@example.com"))?;
//! assert_eq!(
//!     pred.to_string(),
//!     "EXISTS (SELECT 1 FROM addresses WHERE users.id = addresses.user_id AND addresses.email LIKE '%@example.com')"
//! );
//! # Ok::<(), sqlrel::Error>(())
//! ```

mod row;

pub use row::Row;

use crate::error::{Error, Result};
use crate::expr::{
    Annotations, BinaryOp, BindKey, Expr, FromItem, Projection, Subquery, TableAlias, Value,
};
use crate::relationship::{Direction, Relationship};
use crate::schema::ColumnRef;

/// Builds predicates for one relationship, optionally read from an aliased
/// parent.
#[derive(Debug, Clone)]
pub struct Comparator<'r> {
    rel: &'r Relationship,
    source: Option<TableAlias>,
}

impl Relationship {
    /// A comparator for this relationship, with the parent read from its
    /// own table.
    pub fn comparator(&self) -> Comparator<'_> {
        Comparator {
            rel: self,
            source: None,
        }
    }

    /// See [`Comparator::any`].
    pub fn any(&self, criterion: impl Into<Option<Expr>>) -> Result<Expr> {
        self.comparator().any(criterion)
    }

    /// See [`Comparator::has`].
    pub fn has(&self, criterion: impl Into<Option<Expr>>) -> Result<Expr> {
        self.comparator().has(criterion)
    }

    /// See [`Comparator::contains`].
    pub fn contains(&self, row: &Row) -> Result<Expr> {
        self.comparator().contains(row)
    }

    /// See [`Comparator::eq`].
    pub fn eq(&self, row: &Row) -> Result<Expr> {
        self.comparator().eq(row)
    }

    /// See [`Comparator::ne`].
    pub fn ne(&self, row: &Row) -> Result<Expr> {
        self.comparator().ne(row)
    }

    /// See [`Comparator::is_none`].
    pub fn is_none(&self) -> Result<Expr> {
        self.comparator().is_none()
    }

    /// See [`Comparator::is_not_none`].
    pub fn is_not_none(&self) -> Result<Expr> {
        self.comparator().is_not_none()
    }

    /// See [`Comparator::with_parent`].
    pub fn with_parent(&self, parent: &Row) -> Result<Expr> {
        self.comparator().with_parent(parent)
    }

    /// See [`Comparator::with_parent_aliased`].
    pub fn with_parent_aliased(&self, parent: &Row, target: TableAlias) -> Result<Expr> {
        self.comparator().with_parent_aliased(parent, target)
    }
}

impl<'r> Comparator<'r> {
    /// Reads the parent through `alias` (e.g. when the enclosing query
    /// selects from `users AS u`).
    pub fn of_alias(mut self, alias: TableAlias) -> Self {
        self.source = Some(alias);
        self
    }

    /// The relationship.
    pub fn relationship(&self) -> &'r Relationship {
        self.rel
    }

    fn misuse(&self, message: &str) -> Error {
        Error::InvalidRequest {
            relationship: self.rel.key().to_owned(),
            message: message.to_owned(),
        }
    }

    /// Collections: parents with at least one related row matching
    /// `criterion` (any row when `None`). `NOT EXISTS` via
    /// [`Expr::not`].
    pub fn any(&self, criterion: impl Into<Option<Expr>>) -> Result<Expr> {
        if !self.rel.uselist() {
            return Err(self.misuse("'any()' not implemented for scalar attributes. Use has()."));
        }
        Ok(self.criterion_exists(criterion.into()))
    }

    /// Scalars: parents whose related row exists and matches `criterion`.
    pub fn has(&self, criterion: impl Into<Option<Expr>>) -> Result<Expr> {
        if self.rel.uselist() {
            return Err(self.misuse("'has()' not implemented for collections. Use any()."));
        }
        Ok(self.criterion_exists(criterion.into()))
    }

    /// Collections: parents related to `row`. For one-to-many the row gives
    /// the target's foreign-key values; for many-to-many its key columns.
    pub fn contains(&self, row: &Row) -> Result<Expr> {
        if !self.rel.uselist() {
            return Err(self.misuse("'contains' not implemented for scalar attributes.  Use =="));
        }
        self.compare_to_target(row)
    }

    /// Scalars: parents whose related row is `row`.
    pub fn eq(&self, row: &Row) -> Result<Expr> {
        if self.rel.uselist() {
            return Err(self.misuse(COLLECTION_COMPARE));
        }
        self.compare_to_target(row)
    }

    /// Scalars: parents whose related row is not `row` (including parents
    /// with no related row).
    pub fn ne(&self, row: &Row) -> Result<Expr> {
        if self.rel.uselist() {
            return Err(self.misuse(COLLECTION_COMPARE));
        }
        if self.rel.direction() == Direction::ManyToOne && self.uses_target_key() {
            return self.foreign_key_differs(row);
        }
        let criterion = self.target_key_criterion(row)?;
        Ok(self.criterion_exists(Some(criterion)).not())
    }

    /// Parents without related rows: `NOT EXISTS` for collections and
    /// one-to-one, `fk IS NULL` for a plain many-to-one.
    pub fn is_none(&self) -> Result<Expr> {
        match self.null_test_columns() {
            Some(columns) => Ok(Expr::any(columns.into_iter().map(Expr::is_null))),
            None => Ok(self.criterion_exists(None).not()),
        }
    }

    /// Parents with related rows: the negation of [`is_none`](Self::is_none).
    pub fn is_not_none(&self) -> Result<Expr> {
        match self.null_test_columns() {
            Some(columns) => Ok(Expr::all(columns.into_iter().map(Expr::is_not_null))),
            None => Ok(self.criterion_exists(None)),
        }
    }

    /// Target rows belonging to the parent `row` (the lazy-load clause);
    /// the row gives the parent's local join columns.
    pub fn with_parent(&self, parent: &Row) -> Result<Expr> {
        let lazy = self.rel.lazy_clause(false);
        let criterion = self.fill_binds(lazy.criterion.clone(), parent)?;
        Ok(self.over_secondary(criterion))
    }

    /// [`with_parent`](Self::with_parent) for a statement that reads the
    /// target through `target` (SQLAlchemy's `with_parent(..., from_entity=
    /// alias)`): the target's columns are read through the alias.
    pub fn with_parent_aliased(&self, parent: &Row, target: TableAlias) -> Result<Expr> {
        let lazy = self.rel.lazy_clause(false);
        let mut criterion = self.fill_binds(lazy.criterion.clone(), parent)?;
        criterion.read_through(self.rel.target().id(), Some(&target), Annotations::NONE);
        Ok(self.over_secondary(criterion))
    }

    /// `EXISTS (SELECT 1 FROM target [, secondary] WHERE join AND criterion)`.
    fn criterion_exists(&self, criterion: Option<Expr>) -> Expr {
        let rel = self.rel;
        let target_alias =
            (rel.is_self_referential() && self.source.is_none()).then(TableAlias::anonymous);
        let mut parts = Vec::with_capacity(3);
        let aliased = target_alias.is_some() || self.source.is_some();
        if !aliased {
            // The common case: the joins as configured, marks already
            // dropped, so nothing is walked per call.
            let (primaryjoin, secondaryjoin) = rel.plain_joins();
            parts.push(primaryjoin.clone());
            parts.extend(secondaryjoin.clone());
            parts.extend(criterion);
            return self.exists_over_target(None, Expr::all(parts));
        }
        let (mut pj, sj) = (rel.primaryjoin().clone(), rel.secondaryjoin().cloned());
        match sj {
            None => {
                if let Some(alias) = &target_alias {
                    pj.read_through(rel.target().id(), Some(alias), Annotations::LOCAL);
                }
                if let Some(alias) = &self.source {
                    pj.read_through(rel.parent().id(), Some(alias), Annotations::REMOTE);
                }
                parts.push(pj);
            }
            Some(mut sj) => {
                if let Some(alias) = &self.source {
                    pj.read_through(rel.parent().id(), Some(alias), Annotations::NONE);
                }
                if let Some(alias) = &target_alias {
                    sj.read_through(rel.target().id(), Some(alias), Annotations::NONE);
                }
                parts.push(pj);
                parts.push(sj);
            }
        }
        if let Some(mut criterion) = criterion {
            match (&target_alias, &self.source) {
                (Some(alias), _) => {
                    criterion.read_through(rel.target().id(), Some(alias), Annotations::NONE)
                }
                (None, Some(alias)) if !rel.is_self_referential() => {
                    criterion.read_through(rel.parent().id(), Some(alias), Annotations::NONE)
                }
                _ => {}
            }
            parts.push(criterion);
        }
        self.exists_over_target(target_alias, strip(Expr::all(parts)))
    }

    /// `EXISTS (SELECT 1 FROM target [AS alias] [, secondary] WHERE filter)`.
    fn exists_over_target(&self, target_alias: Option<TableAlias>, filter: Expr) -> Expr {
        let mut from = Vec::with_capacity(2);
        from.push(FromItem {
            table: self.rel.target().clone(),
            alias: target_alias,
        });
        if let Some(secondary) = self.rel.secondary() {
            from.push(FromItem::table(secondary.clone()));
        }
        Expr::exists(Subquery {
            projection: Projection::One,
            from,
            filter: Some(filter),
        })
    }

    /// The reverse lazy clause with the target's values bound: parents
    /// related to `row`.
    fn compare_to_target(&self, row: &Row) -> Result<Expr> {
        let lazy = self.rel.lazy_clause(true);
        let mut criterion = self.fill_binds(lazy.criterion.clone(), row)?;
        if let Some(alias) = &self.source {
            criterion.read_through(self.rel.parent().id(), Some(alias), Annotations::NONE);
        }
        Ok(self.over_secondary(criterion))
    }

    /// For many-to-many, wraps a criterion that mentions the association
    /// table in `EXISTS (SELECT 1 FROM secondary WHERE ...)`, so that it
    /// composes under OR and NOT.
    fn over_secondary(&self, criterion: Expr) -> Expr {
        match self.rel.secondary() {
            None => criterion,
            Some(secondary) => Expr::exists(Subquery {
                projection: Projection::One,
                from: vec![FromItem::table(secondary.clone())],
                filter: Some(criterion),
            }),
        }
    }

    /// Replaces the lazy clause's bind parameters with the row's values.
    fn fill_binds(&self, mut criterion: Expr, row: &Row) -> Result<Expr> {
        let mut missing: Option<ColumnRef> = None;
        criterion.for_each_mut(&mut |e| {
            if let Expr::Bind(BindKey::Column(column)) = e {
                match row.get(column.name()) {
                    Some(value) => *e = Expr::Value(value.clone()),
                    None => {
                        missing.get_or_insert_with(|| column.clone());
                    }
                }
            }
        });
        match missing {
            Some(column) => Err(Error::MissingValue {
                relationship: self.rel.key().to_owned(),
                column: column.to_string(),
            }),
            None => Ok(criterion),
        }
    }

    /// Whether the many-to-one join is the target's primary key equated to
    /// the foreign key and nothing else (SQLAlchemy's `use_get`).
    fn uses_target_key(&self) -> bool {
        let lazy = self.rel.lazy_clause(false);
        let target = self.rel.target();
        let equated = simple_equalities(&lazy.criterion);
        let Some(equated) = equated else { return false };
        let mut keyed: Vec<_> = equated
            .iter()
            .filter(|c| c.table_id() == target.id())
            .map(ColumnRef::column_id)
            .collect();
        keyed.sort();
        let mut pk = target.primary_key().to_vec();
        pk.sort();
        keyed.len() == equated.len() && keyed == pk
    }

    /// Many-to-one `!=`: some foreign-key column differs from the row's
    /// key or is NULL.
    fn foreign_key_differs(&self, row: &Row) -> Result<Expr> {
        let mut tests = Vec::new();
        for (local, remote) in self.rel.local_remote_pairs() {
            let value = row_value(self.rel, row, remote)?;
            let column = self.source_col(local);
            tests.push(column.clone().ne(value));
            tests.push(column.is_null());
        }
        Ok(Expr::any(tests))
    }

    /// `target.pk = row.pk [AND ...]`, the criterion SQLAlchemy's `!=`
    /// puts in `NOT EXISTS`.
    fn target_key_criterion(&self, row: &Row) -> Result<Expr> {
        let target = self.rel.target();
        let mut tests = Vec::new();
        for id in target.primary_key() {
            let column = ColumnRef::new(target.clone(), *id);
            let value = row_value(self.rel, row, &column)?;
            tests.push(Expr::col(column).eq(value));
        }
        if tests.is_empty() {
            return Err(Error::invalid(format!(
                "table '{}' has no primary key; '!=' on relationship {} needs one",
                target.qualified_name(),
                self.rel.key()
            )));
        }
        Ok(Expr::all(tests))
    }

    /// The local columns whose NULL-ness decides `is_none` for a plain
    /// many-to-one (the reverse lazy clause is `local = :bind` equalities
    /// only); `None` when EXISTS is needed.
    fn null_test_columns(&self) -> Option<Vec<Expr>> {
        if self.rel.direction() != Direction::ManyToOne {
            return None;
        }
        let lazy = self.rel.lazy_clause(true);
        let columns = simple_equalities(&lazy.criterion)?;
        let parent = self.rel.parent().id();
        if columns.iter().any(|c| c.table_id() != parent) {
            return None;
        }
        Some(columns.iter().map(|c| self.source_col(c)).collect())
    }

    /// A column of the parent, through the source alias if any.
    fn source_col(&self, column: &ColumnRef) -> Expr {
        match &self.source {
            Some(alias) => Expr::aliased_col(column.clone(), alias.clone()),
            None => Expr::col(column.clone()),
        }
    }
}

const COLLECTION_COMPARE: &str =
    "Can't compare a collection to an object or collection; use contains() to test for membership.";

fn row_value(rel: &Relationship, row: &Row, column: &ColumnRef) -> Result<Value> {
    row.get(column.name())
        .cloned()
        .ok_or_else(|| Error::MissingValue {
            relationship: rel.key().to_owned(),
            column: column.to_string(),
        })
}

/// When `criterion` is a conjunction of `column = :bind` equalities (either
/// operand order), the columns; otherwise `None`.
fn simple_equalities(criterion: &Expr) -> Option<Vec<ColumnRef>> {
    let items = match criterion {
        Expr::And(items) => items.as_slice(),
        single => std::slice::from_ref(single),
    };
    items
        .iter()
        .map(|item| match item {
            Expr::Binary(b) if b.op == BinaryOp::Eq => match (&b.left, &b.right) {
                (Expr::Column(c), Expr::Bind(_)) | (Expr::Bind(_), Expr::Column(c))
                    if c.alias.is_none() =>
                {
                    Some(c.column.clone())
                }
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// Drops resolution marks from a predicate handed to users.
fn strip(expr: Expr) -> Expr {
    expr.deannotate(Annotations::FOREIGN | Annotations::REMOTE | Annotations::LOCAL)
}
