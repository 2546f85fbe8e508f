//! Layer 3: relationship declarations and their resolution.
//!
//! A [`RelationshipConfig`] says what the user wants; the registry resolves
//! it against the schema into a [`Relationship`]: direction, annotated join
//! conditions, column pairs. Resolution follows SQLAlchemy's
//! `JoinCondition` step by step (see `join_condition.rs`).

mod compact;
mod config;
pub(crate) mod fk_join;
pub(crate) mod join_condition;
mod lazy;

use std::fmt;
use std::sync::{Arc, OnceLock};

pub use crate::direction::{Direction, JoinSide};
use compact::DerivedParts;
pub(crate) use compact::{Columns, Derived, Pairs, Rare, Secondary};
pub use config::{Backref, Condition, RelationshipConfig};
pub use lazy::LazyClause;

use crate::expr::{Annotations, Expr};
use crate::schema::{ColumnRef, Table};

/// A resolved relationship: everything SQLAlchemy's `RelationshipProperty`
/// knows after configuration.
///
/// Pairs follow SQLAlchemy's orientation: local/remote pairs are
/// `(local, remote)`; synchronize pairs are `(referenced, referencing)`.
/// Column lists are sorted by table and column declaration order.
#[derive(Clone)]
pub struct Relationship {
    // Names are shared, not copied: a backref's `backref_of` is its
    // original's key, its `back_populates` the original's name, and the
    // registry's name index holds the same strings. How the rest is kept
    // small: see `compact.rs`.
    pub(crate) key: Arc<str>,
    pub(crate) name: Arc<str>,
    pub(crate) parent: Arc<Table>,
    pub(crate) target: Arc<Table>,
    /// `None` unless many-to-many.
    pub(crate) secondary: Option<Box<Secondary>>,
    pub(crate) direction: Direction,
    pub(crate) uselist: bool,
    pub(crate) viewonly: bool,
    pub(crate) primaryjoin: Expr,
    pub(crate) local_remote_pairs: Pairs,
    pub(crate) synchronize_pairs: Pairs,
    /// What is read off the joins on first use.
    pub(crate) derived: Derived,
    /// `None` when there is no ordering and no warning.
    pub(crate) rare: Option<Box<Rare>>,
    pub(crate) backref_of: Option<Arc<str>>,
    pub(crate) back_populates: Option<Arc<str>>,
    /// The `foreign_keys` the user gave (handed on to a backref).
    pub(crate) user_foreign_keys: Columns,
    pub(crate) had_foreign_annotations: bool,
    pub(crate) had_remote_annotations: bool,
}

impl Relationship {
    /// `table.name`.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The attribute name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The parent (local) table.
    pub fn parent(&self) -> &Arc<Table> {
        &self.parent
    }

    /// The target table.
    pub fn target(&self) -> &Arc<Table> {
        &self.target
    }

    /// The association table of a many-to-many relationship.
    pub fn secondary(&self) -> Option<&Arc<Table>> {
        self.secondary.as_ref().map(|s| &s.table)
    }

    /// One-to-many, many-to-one or many-to-many.
    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// Whether the relationship is a collection.
    pub fn uselist(&self) -> bool {
        self.uselist
    }

    /// Whether the relationship is read-only.
    pub fn viewonly(&self) -> bool {
        self.viewonly
    }

    /// The primary join, with `foreign` / `remote` / `local` annotations.
    pub fn primaryjoin(&self) -> &Expr {
        &self.primaryjoin
    }

    /// The secondary join of a many-to-many relationship, annotated.
    pub fn secondaryjoin(&self) -> Option<&Expr> {
        self.secondary.as_ref().map(|s| &s.join)
    }

    /// `(local, remote)` column pairs.
    pub fn local_remote_pairs(&self) -> &[(ColumnRef, ColumnRef)] {
        &self.local_remote_pairs
    }

    /// `(referenced, referencing)` pairs of the primary join.
    pub fn synchronize_pairs(&self) -> &[(ColumnRef, ColumnRef)] {
        &self.synchronize_pairs
    }

    /// `(referenced, referencing)` pairs of the secondary join.
    pub fn secondary_synchronize_pairs(&self) -> &[(ColumnRef, ColumnRef)] {
        self.secondary
            .as_ref()
            .map_or(&[], |s| s.synchronize_pairs.as_slice())
    }

    /// Columns marked foreign.
    pub fn foreign_key_columns(&self) -> &[ColumnRef] {
        self.columns_marked(|d| &d.foreign_key_columns, Annotations::FOREIGN)
    }

    /// Columns on the remote side.
    pub fn remote_side(&self) -> &[ColumnRef] {
        self.columns_marked(|d| &d.remote_side, Annotations::REMOTE)
    }

    /// Columns on the local side.
    pub fn local_columns(&self) -> &[ColumnRef] {
        self.columns_marked(|d| &d.local_columns, Annotations::LOCAL)
    }

    /// Ordering of the related rows.
    pub fn order_by(&self) -> &[ColumnRef] {
        self.rare.as_ref().map_or(&[], |r| r.order_by.as_slice())
    }

    /// For a generated backref, the key of the relationship that declared it.
    pub fn backref_of(&self) -> Option<&str> {
        self.backref_of.as_deref()
    }

    /// The name of the reverse relationship on the target, if any.
    pub fn back_populates(&self) -> Option<&str> {
        self.back_populates.as_deref()
    }

    /// Warnings SQLAlchemy would emit while configuring this relationship,
    /// in its words: a `remote_side` naming a column of the parent, a join
    /// condition with non-column elements, or another relationship that
    /// writes the same foreign-key column (name it in
    /// [`overlaps`](RelationshipConfig::overlaps) when that is intended).
    pub fn warnings(&self) -> &[String] {
        self.rare.as_ref().map_or(&[], |r| r.warnings.as_slice())
    }

    /// The relationships named by
    /// [`RelationshipConfig::overlaps`]: they may write the same columns as
    /// this one without a warning.
    pub fn overlaps(&self) -> &[String] {
        self.rare.as_ref().map_or(&[], |r| r.overlaps.as_slice())
    }

    /// Whether parent and target are the same table.
    pub fn is_self_referential(&self) -> bool {
        self.parent.id() == self.target.id()
    }

    /// The lazy-load clause: the target rows of a parent whose local column
    /// values are bound (`with_parent`). With `reverse`, the parent rows of
    /// a target.
    pub fn lazy_clause(&self, reverse: bool) -> &LazyClause {
        let parts = self.derived.parts();
        let clause = if reverse {
            &parts.reverse_lazy
        } else {
            &parts.lazy
        };
        clause.get_or_init(|| {
            LazyClause::build(
                &self.primaryjoin,
                self.secondaryjoin(),
                &self.local_remote_pairs,
                reverse,
            )
        })
    }

    /// The tables the join conditions name besides the parent, the target
    /// and the secondary table, in order of first appearance: a
    /// `primaryjoin` such as `t1.id = t2.t1id AND t3.t2id = t2.id` relates
    /// a `t1` row to the `t2` rows for which some `t3` row matches.
    /// Predicates and joins along the relationship bring these tables
    /// into their own subqueries.
    ///
    /// ```
    /// use sqlrel::registry::Registry;
    /// use sqlrel::relationship::RelationshipConfig;
    /// use sqlrel::schema::Schema;
    ///
    /// let schema = Schema::from_ddl(
    ///     "CREATE TABLE t1 (id INTEGER PRIMARY KEY, data TEXT);
    ///      CREATE TABLE t2 (id INTEGER PRIMARY KEY, t1id INTEGER REFERENCES t1(id));
    ///      CREATE TABLE t3 (id INTEGER PRIMARY KEY, data TEXT, t2id INTEGER REFERENCES t2(id));",
    /// )?;
    /// let registry = Registry::builder(schema)
    ///     .relationship(
    ///         RelationshipConfig::new("t1", "t2_view", "t2")
    ///             .viewonly(true)
    ///             .primaryjoin("t1.id = t2.t1id AND t3.t2id = t2.id AND t3.data = t1.data"),
    ///     )
    ///     .configure()?;
    /// let rel = registry.relationship("t1.t2_view")?;
    /// let extra: Vec<&str> = rel.extra_tables().iter().map(|t| t.name()).collect();
    /// assert_eq!(extra, ["t3"]);
    /// assert_eq!(
    ///     rel.any(None)?.to_string(),
    ///     "EXISTS (SELECT 1 FROM t2, t3 WHERE t1.id = t2.t1id AND t3.t2id = t2.id AND t3.data = t1.data)"
    /// );
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    pub fn extra_tables(&self) -> &[Arc<Table>] {
        self.derived.parts().extra_tables.get_or_init(|| {
            let known = |id| {
                id == self.parent.id()
                    || id == self.target.id()
                    || self.secondary().is_some_and(|s| s.id() == id)
            };
            let mut extra: Vec<Arc<Table>> = Vec::new();
            let mut note = |c: &crate::expr::ColumnExpr| {
                let table = c.column.table_arc();
                if !known(table.id()) && !extra.iter().any(|t| t.id() == table.id()) {
                    extra.push(Arc::clone(table));
                }
            };
            self.primaryjoin.for_each_column(&mut note);
            if let Some(sj) = self.secondaryjoin() {
                sj.for_each_column(&mut note);
            }
            extra
        })
    }

    /// The primary and secondary joins without marks, for predicates that
    /// need no aliasing (computed once).
    pub(crate) fn plain_joins(&self) -> &(Expr, Option<Expr>) {
        self.derived.parts().plain_joins.get_or_init(|| {
            (
                self.primaryjoin.clone().deannotate(ALL_MARKS),
                self.secondaryjoin()
                    .map(|sj| sj.clone().deannotate(ALL_MARKS)),
            )
        })
    }

    /// The distinct columns carrying `marks` in either join, sorted,
    /// computed once.
    fn columns_marked(
        &self,
        cell: impl FnOnce(&DerivedParts) -> &OnceLock<Vec<ColumnRef>>,
        marks: Annotations,
    ) -> &[ColumnRef] {
        cell(self.derived.parts()).get_or_init(|| {
            join_condition::columns_with(&self.primaryjoin, self.secondaryjoin(), marks)
        })
    }

    /// The primary join for the reverse relationship: `remote()` marks the
    /// user gave become `local` and the other way round; otherwise the
    /// local/remote marks are dropped (and every mark, unless the user gave
    /// `foreign()`), so that the reverse side resolves afresh.
    pub(crate) fn primaryjoin_reverse_remote(&self) -> Expr {
        let mut pj = self.primaryjoin.clone();
        if self.had_remote_annotations {
            pj.for_each_column_mut(&mut |c| {
                let a = c.annotations;
                if a.contains(Annotations::REMOTE) {
                    c.annotations = a.without(Annotations::REMOTE).with(Annotations::LOCAL);
                } else if a.contains(Annotations::LOCAL) {
                    c.annotations = a.without(Annotations::LOCAL).with(Annotations::REMOTE);
                }
            });
            pj
        } else if self.had_foreign_annotations {
            pj.deannotate(Annotations::LOCAL | Annotations::REMOTE)
        } else {
            pj.deannotate(Annotations::FOREIGN | Annotations::LOCAL | Annotations::REMOTE)
        }
    }
}

/// Every mark `configure` reads.
pub(crate) const ALL_MARKS: Annotations = Annotations::FOREIGN
    .with(Annotations::REMOTE)
    .with(Annotations::LOCAL);

// Written out (rather than derived) so that the parts computed on first use
// show as their values, computed if need be, not as unset cells.
impl fmt::Debug for Relationship {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Relationship")
            .field("key", &self.key)
            .field("name", &self.name)
            .field("parent", &self.parent)
            .field("target", &self.target)
            .field("secondary", &self.secondary())
            .field("direction", &self.direction)
            .field("uselist", &self.uselist)
            .field("viewonly", &self.viewonly)
            .field("primaryjoin", &self.primaryjoin)
            .field("secondaryjoin", &self.secondaryjoin())
            .field("local_remote_pairs", &self.local_remote_pairs)
            .field("synchronize_pairs", &self.synchronize_pairs)
            .field(
                "secondary_synchronize_pairs",
                &self.secondary_synchronize_pairs(),
            )
            .field("foreign_key_columns", &self.foreign_key_columns())
            .field("remote_side", &self.remote_side())
            .field("local_columns", &self.local_columns())
            .field("order_by", &self.order_by())
            .field("backref_of", &self.backref_of)
            .field("back_populates", &self.back_populates)
            .field("warnings", &self.warnings())
            .field("user_foreign_keys", &self.user_foreign_keys)
            .field("had_foreign_annotations", &self.had_foreign_annotations)
            .field("had_remote_annotations", &self.had_remote_annotations)
            .field("lazy", self.lazy_clause(false))
            .field("reverse_lazy", self.lazy_clause(true))
            .field("plain_joins", self.plain_joins())
            .field(
                "extra_tables",
                &self
                    .extra_tables()
                    .iter()
                    .map(|t| t.qualified_name().to_string())
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl fmt::Display for Relationship {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key)
    }
}
