//! How a resolved relationship is stored. A registry holds one
//! relationship per direction of every foreign key (about 20,000 for a
//! 10,000-table schema, `cargo bench --bench scale`), and configure writes
//! each once: the common case is kept inline and small, what few
//! relationships have is boxed, and what is rarely asked is computed on
//! first use.

use std::sync::{Arc, OnceLock};

use smallvec::SmallVec;

use super::LazyClause;
use crate::expr::Expr;
use crate::schema::{ColumnRef, Table};

/// Column pairs of a relationship, `(local, remote)` or `(referenced,
/// referencing)`: nearly always one, kept inline rather than in an
/// allocation of its own (a relationship has two or three such lists).
pub(crate) type Pairs = SmallVec<[(ColumnRef, ColumnRef); 1]>;

/// A relationship's `foreign_keys` or `remote_side`: nearly always one
/// column (or none), kept inline for the same reason.
pub(crate) type Columns = SmallVec<[ColumnRef; 1]>;

/// The parts only a many-to-many relationship has, boxed: most
/// relationships are not many-to-many, and inline these fields would be a
/// quarter of every relationship.
#[derive(Debug, Clone)]
pub(crate) struct Secondary {
    pub(crate) table: Arc<Table>,
    pub(crate) join: Expr,
    pub(crate) synchronize_pairs: Pairs,
}

/// What few relationships have (an ordering, warnings, `overlaps`),
/// boxed for the same reason.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rare {
    pub(crate) order_by: Vec<ColumnRef>,
    pub(crate) warnings: Vec<String>,
    pub(crate) overlaps: Vec<String>,
}

impl Rare {
    /// `None` for nothing to keep.
    pub(crate) fn boxed(rare: Rare) -> Option<Box<Rare>> {
        (!rare.order_by.is_empty() || !rare.warnings.is_empty() || !rare.overlaps.is_empty())
            .then(|| Box::new(rare))
    }
}

/// The parts of a relationship read off its joins on first use: most
/// relationships of a large registry are never asked for them, and one
/// never asked takes one pointer for all of them.
#[derive(Debug, Default, Clone)]
pub(crate) struct Derived(OnceLock<Box<DerivedParts>>);

impl Derived {
    pub(super) fn parts(&self) -> &DerivedParts {
        self.0.get_or_init(Box::default)
    }
}

/// Each part is computed on its own first use.
#[derive(Debug, Default, Clone)]
pub(super) struct DerivedParts {
    pub(super) foreign_key_columns: OnceLock<Vec<ColumnRef>>,
    pub(super) remote_side: OnceLock<Vec<ColumnRef>>,
    pub(super) local_columns: OnceLock<Vec<ColumnRef>>,
    pub(super) lazy: OnceLock<LazyClause>,
    pub(super) reverse_lazy: OnceLock<LazyClause>,
    pub(super) plain_joins: OnceLock<(Expr, Option<Expr>)>,
    pub(super) extra_tables: OnceLock<Vec<Arc<Table>>>,
}
