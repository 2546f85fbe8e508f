//! Tables, columns and constraints of a built [`Schema`](super::Schema).

use std::fmt;
use std::sync::Arc;

use smallvec::SmallVec;

/// Position of a table in its [`Schema`](super::Schema) (declaration order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TableId(pub(crate) u32);

impl TableId {
    /// The table's position in declaration order.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Position of a column in its [`Table`] (declaration order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ColumnId(pub(crate) u32);

impl ColumnId {
    /// The column's position in declaration order.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A column: name, SQL type as written, nullability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub(crate) name: Arc<str>,
    pub(crate) sql_type: String,
    pub(crate) nullable: bool,
}

impl Column {
    /// A nullable column of the given SQL type (`"INTEGER"`, `"VARCHAR(50)"`).
    pub fn new(name: impl AsRef<str>, sql_type: impl Into<String>) -> Self {
        Column {
            name: name.as_ref().into(),
            sql_type: sql_type.into(),
            nullable: true,
        }
    }

    /// Marks the column `NOT NULL`.
    pub fn not_null(mut self) -> Self {
        self.nullable = false;
        self
    }

    /// The column name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The SQL type as written (may be empty for SQLite's untyped columns).
    pub fn sql_type(&self) -> &str {
        &self.sql_type
    }

    /// Whether the column accepts NULL.
    pub fn is_nullable(&self) -> bool {
        self.nullable
    }
}

/// The columns of a key (primary, foreign, unique), in key order: up to four
/// kept inline, in the space a vector's header takes, so that reading a
/// table's keys (automap reads every table's) does not follow a pointer
/// per key.
pub(crate) type KeyColumns = SmallVec<[ColumnId; 4]>;

/// A foreign-key constraint: local columns referring to columns of another
/// (or the same) table. Composite keys list their columns pairwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    pub(crate) name: Option<String>,
    pub(crate) columns: KeyColumns,
    pub(crate) referred_table: TableId,
    pub(crate) referred_columns: KeyColumns,
}

impl ForeignKey {
    /// The constraint name, when it has one.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Referencing columns of the owning table.
    pub fn columns(&self) -> &[ColumnId] {
        &self.columns
    }

    /// The referenced table.
    pub fn referred_table(&self) -> TableId {
        self.referred_table
    }

    /// Referenced columns, pairwise with [`columns`](Self::columns).
    pub fn referred_columns(&self) -> &[ColumnId] {
        &self.referred_columns
    }

    /// `(referencing, referenced)` column pairs.
    pub fn pairs(&self) -> impl Iterator<Item = (ColumnId, ColumnId)> + '_ {
        self.columns
            .iter()
            .copied()
            .zip(self.referred_columns.iter().copied())
    }
}

/// A foreign key that refers to columns its referred table lacks, e.g.
/// `REFERENCES t2 (nonexistent_id)`: SQLite accepts it, and SQLAlchemy
/// configures every relationship that does not need it. Readers of DDL
/// text and of SQLite databases leave it out of
/// [`Table::foreign_keys`] (with a
/// [`SchemaWarning`](super::SchemaWarning)) and keep it here, so that a
/// relationship that would need it can say so.
///
/// ```
/// use sqlrel::schema::Schema;
///
/// let schema = Schema::from_ddl(
///     "CREATE TABLE t2 (id INTEGER PRIMARY KEY);
///      CREATE TABLE t1 (id INTEGER PRIMARY KEY, t2_id INTEGER REFERENCES t2 (nonexistent_id));",
/// )?;
/// let t1 = schema.table("t1")?;
/// assert!(t1.foreign_keys().is_empty());
/// let broken = &t1.broken_foreign_keys()[0];
/// assert_eq!(broken.missing_column(), "nonexistent_id");
/// assert_eq!(
///     broken.error().to_string(),
///     "Could not initialize target column for ForeignKey 't2.nonexistent_id' on table 't1': \
///      table 't2' has no column named 'nonexistent_id'"
/// );
/// # Ok::<(), sqlrel::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenForeignKey {
    pub(crate) name: Option<String>,
    pub(crate) columns: KeyColumns,
    pub(crate) referred_table: TableId,
    pub(crate) referred_columns: Vec<String>,
    /// The first of `referred_columns` the referred table lacks.
    pub(crate) missing: usize,
    /// The qualified names of the owning and the referred table, for the
    /// message.
    pub(crate) table_name: String,
    pub(crate) referred_table_name: String,
    /// The key's position among the foreign keys its table declared.
    pub(crate) declared: usize,
}

impl BrokenForeignKey {
    /// The constraint name, when it has one.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Referencing columns of the owning table.
    pub fn columns(&self) -> &[ColumnId] {
        &self.columns
    }

    /// The referred table.
    pub fn referred_table(&self) -> TableId {
        self.referred_table
    }

    /// The referred columns as the key names them.
    pub fn referred_column_names(&self) -> &[String] {
        &self.referred_columns
    }

    /// The first referred column the referred table lacks.
    pub fn missing_column(&self) -> &str {
        self.referred_columns
            .get(self.missing)
            .map_or("", String::as_str)
    }

    /// SQLAlchemy's error for a relationship that needs this key
    /// ([`Error::NoReferencedColumn`](crate::Error::NoReferencedColumn)).
    pub fn error(&self) -> crate::Error {
        crate::Error::NoReferencedColumn {
            relationship: None,
            table: self.table_name.clone(),
            referred_table: self.referred_table_name.clone(),
            column: self.missing_column().to_owned(),
        }
    }
}

/// A unique constraint over one or more columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UniqueConstraint {
    pub(crate) name: Option<String>,
    pub(crate) columns: KeyColumns,
}

impl UniqueConstraint {
    /// The constraint name, when it has one.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The columns that are unique together.
    pub fn columns(&self) -> &[ColumnId] {
        &self.columns
    }
}

/// What automap needs to know of a table before it reads the table's
/// foreign keys, decided once when the schema is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TableShape {
    /// Neither an association table nor with a primary key: not mapped.
    Keyless,
    /// A primary key and not an association table: mapped.
    Keyed,
    /// SQLAlchemy's `_is_many_to_many`: exactly two foreign-key
    /// constraints whose columns are, together, every column of the
    /// table. Not mapped; links the tables its two keys refer to.
    Association,
}

impl TableShape {
    /// The shape of `table`.
    pub(crate) fn of(table: &Table) -> Self {
        if Self::is_association(table) {
            TableShape::Association
        } else if table.primary_key.is_empty() {
            TableShape::Keyless
        } else {
            TableShape::Keyed
        }
    }

    fn is_association(table: &Table) -> bool {
        let [a, b] = table.foreign_keys.as_slice() else {
            return false;
        };
        let mut covered = vec![false; table.columns.len()];
        for column in a.columns.iter().chain(b.columns.iter()) {
            // A column id of another table would make the sets differ.
            match covered.get_mut(column.index()) {
                Some(seen) => *seen = true,
                None => return false,
            }
        }
        covered.iter().all(|&seen| seen)
    }
}

/// A table of a built [`Schema`](super::Schema).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub(crate) id: TableId,
    pub(crate) namespace: Option<Arc<str>>,
    pub(crate) name: Arc<str>,
    pub(crate) columns: Vec<Column>,
    pub(crate) primary_key: KeyColumns,
    pub(crate) foreign_keys: Vec<ForeignKey>,
    pub(crate) unique: Vec<UniqueConstraint>,
    /// Foreign keys left out of `foreign_keys` (see [`BrokenForeignKey`]).
    pub(crate) broken_foreign_keys: Vec<BrokenForeignKey>,
    /// What configure asks of the table's names, answered at build time.
    pub(crate) lookup: NameLookup,
}

/// Facts about a table's names decided once when the schema is built, so
/// that the checks configure and automap make for every relationship
/// (is this name a column? does `table.column` find this column?) read a
/// few bits of the table instead of its columns' names. On a large schema
/// the tables a relationship touches are scattered over the heap, and
/// following each to its names costs a cache miss or two per relationship
/// (`cargo bench --bench scale`, 10,000 tables).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NameLookup {
    /// No namespace and no dot in the name: the bare name then finds the
    /// table (no two such tables share a name).
    pub(crate) plain_name: bool,
    /// `plain_name`, and no column name has a dot: `table.column` then
    /// splits at its only dot.
    pub(crate) plain_column_names: bool,
    /// A name with one of its bits clear here names no column.
    pub(crate) column_names: ColumnNames,
}

impl NameLookup {
    /// The lookup facts of a table named `namespace.name` with `columns`.
    pub(crate) fn of(namespace: Option<&str>, name: &str, columns: &[Column]) -> Self {
        let plain_name = namespace.is_none() && !name.contains('.');
        NameLookup {
            plain_name,
            plain_column_names: plain_name && columns.iter().all(|c| !c.name.contains('.')),
            column_names: ColumnNames::of(columns.iter().map(|c| &*c.name)),
        }
    }
}

/// A 64-bit Bloom filter of a table's column names: two bits per name
/// ([`bits`](Self::bits)). Most names configure looks up on a table are
/// relationship names, which must not be columns; the filter answers
/// "certainly not a column" for nearly all of them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ColumnNames(u64);

impl ColumnNames {
    /// The filter of `names`.
    pub(crate) fn of<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        ColumnNames(
            names
                .into_iter()
                .fold(0, |bits, name| bits | Self::bits(name)),
        )
    }

    /// Whether a column may be called `name` (false: certainly not).
    fn may_contain(self, name: &str) -> bool {
        let bits = Self::bits(name);
        self.0 & bits == bits
    }

    /// Two of the 64 bits, from the FNV-1a hash of the name (two bits
    /// rather than one: with a handful of columns, a name that is not one
    /// then passes about one time in thirty instead of one in ten).
    fn bits(name: &str) -> u64 {
        let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        (1 << (hash & 63)) | (1 << ((hash >> 32) & 63))
    }
}

impl Table {
    /// The table's id in its schema.
    pub fn id(&self) -> TableId {
        self.id
    }

    /// The table name without namespace.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The namespace (SQL schema), e.g. `public`, when one was given.
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    /// `namespace.name`, or just `name`.
    pub fn qualified_name(&self) -> QualifiedName<'_> {
        QualifiedName(self)
    }

    /// Columns in declaration order.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The column with the given id.
    ///
    /// Ids come from this table, so this only fails for an id of another
    /// table, which yields `None`.
    pub fn column(&self, id: ColumnId) -> Option<&Column> {
        self.columns.get(id.index())
    }

    /// The id of the column named `name`.
    pub fn column_id(&self, name: &str) -> Option<ColumnId> {
        if !self.lookup.column_names.may_contain(name) {
            return None;
        }
        self.columns
            .iter()
            .position(|c| *c.name == *name)
            .map(|i| ColumnId(i as u32))
    }

    /// Primary-key columns in key order (empty when the table has none).
    pub fn primary_key(&self) -> &[ColumnId] {
        &self.primary_key
    }

    /// Foreign-key constraints in declaration order.
    pub fn foreign_keys(&self) -> &[ForeignKey] {
        &self.foreign_keys
    }

    /// Unique constraints in declaration order; unique indexes over plain
    /// columns (`CREATE UNIQUE INDEX`, without `WHERE`) count as unique
    /// constraints named after the index.
    pub fn unique_constraints(&self) -> &[UniqueConstraint] {
        &self.unique
    }

    /// Foreign keys that refer to columns their referred table lacks, left
    /// out of [`foreign_keys`](Self::foreign_keys); in declaration order.
    pub fn broken_foreign_keys(&self) -> &[BrokenForeignKey] {
        &self.broken_foreign_keys
    }
}

/// Displays a table's qualified name (`namespace.name` or `name`).
#[derive(Debug, Clone, Copy)]
pub struct QualifiedName<'a>(&'a Table);

impl fmt::Display for QualifiedName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.namespace {
            Some(ns) => write!(f, "{ns}.{}", self.0.name),
            None => f.write_str(&self.0.name),
        }
    }
}
