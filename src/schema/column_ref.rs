//! [`ColumnRef`]: a cheap, comparable handle on one column of a schema.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use super::{Column, ColumnId, Table, TableId};

/// A handle on a column of a built schema.
///
/// It carries its table (shared, not copied), so expressions that hold it can
/// be displayed and rendered without the schema. Equality, ordering and
/// hashing use the `(table id, column id)` pair only: comparing two handles is
/// two integer compares. Handles from different schemas must not be mixed.
#[derive(Clone)]
pub struct ColumnRef {
    table: Arc<Table>,
    /// A copy of `table.id`, so that comparing, ordering and hashing handles
    /// never reads the table itself: configure compares columns of
    /// thousands of tables, and following each handle to its table was a
    /// cache miss per comparison on large schemas. It fits in what was
    /// padding (the handle stays 16 bytes).
    table_id: TableId,
    column: ColumnId,
}

// Expressions and pair lists hold many handles; keep them two words.
#[cfg(target_pointer_width = "64")]
const _: () = assert!(size_of::<ColumnRef>() == 16);

impl ColumnRef {
    /// Builds a handle; `column` must belong to `table` (checked by callers
    /// that take names from users).
    pub(crate) fn new(table: Arc<Table>, column: ColumnId) -> Self {
        debug_assert!(column.index() < table.columns.len());
        ColumnRef {
            table_id: table.id,
            table,
            column,
        }
    }

    /// The table the column belongs to.
    pub fn table(&self) -> &Table {
        &self.table
    }

    /// The shared table handle.
    pub fn table_arc(&self) -> &Arc<Table> {
        &self.table
    }

    /// The table's id.
    pub fn table_id(&self) -> TableId {
        self.table_id
    }

    /// The column's id within its table.
    pub fn column_id(&self) -> ColumnId {
        self.column
    }

    /// The column definition.
    pub fn column(&self) -> &Column {
        // The constructor only accepts ids of this table.
        &self.table.columns[self.column.index()]
    }

    /// The column name.
    pub fn name(&self) -> &str {
        &self.column().name
    }

    /// Whether the column references `other` through a foreign key of its
    /// table (SQLAlchemy's `Column.references`).
    pub fn references(&self, other: &ColumnRef) -> bool {
        self.table.foreign_keys.iter().any(|fk| {
            fk.referred_table == other.table_id
                && fk
                    .pairs()
                    .any(|(local, remote)| local == self.column && remote == other.column)
        })
    }

    fn key(&self) -> (TableId, ColumnId) {
        (self.table_id, self.column)
    }
}

impl PartialEq for ColumnRef {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for ColumnRef {}

impl Hash for ColumnRef {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl PartialOrd for ColumnRef {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ColumnRef {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

impl fmt::Display for ColumnRef {
    /// `table.column` (`namespace.table.column` for namespaced tables).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.table.qualified_name(), self.name())
    }
}

impl fmt::Debug for ColumnRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ColumnRef({self})")
    }
}
