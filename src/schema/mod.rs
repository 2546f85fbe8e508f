//! Layer 1: the catalog of tables, columns and constraints.
//!
//! A [`Schema`] is built once (by [`SchemaBuilder`], [`Schema::from_ddl`] and
//! its siblings, or reflection) and is immutable afterwards; tables are
//! shared behind [`Arc`] so that expressions can hold [`ColumnRef`]s without
//! copying the catalog. What a reader of DDL text or of a database skipped
//! or dropped on the way is kept as [`SchemaWarning`]s
//! ([`Schema::warnings`]).

pub(crate) mod builder;
mod column_ref;
mod ddl;
mod table;
mod warning;

use std::fmt;
use std::sync::Arc;

use builder::TableNames;
pub use builder::{ForeignKeyDef, SchemaBuilder, TableBuilder};
pub use column_ref::ColumnRef;
pub use ddl::{DdlDialect, detect_dialect};
pub(crate) use table::TableShape;
pub use table::{
    BrokenForeignKey, Column, ColumnId, ForeignKey, QualifiedName, Table, TableId, UniqueConstraint,
};
pub use warning::{SchemaWarning, StatementLocation, WarningKind};

use crate::error::{Error, Result};

/// An immutable catalog of tables in declaration order.
#[derive(Clone)]
pub struct Schema {
    tables: Vec<Arc<Table>>,
    /// The tables by name, for [`table`](Self::table).
    names: TableNames<Arc<str>>,
    /// Foreign keys of all tables, counted while the tables are built.
    foreign_keys: usize,
    /// Each table's [`TableShape`], by table index: a pass over every table
    /// (automap's plan) reads these bytes, not the tables, which on large
    /// schemas are scattered over the heap.
    shapes: Vec<TableShape>,
    /// What the reader that made the schema skipped or dropped.
    warnings: Arc<[SchemaWarning]>,
}

impl fmt::Debug for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Schema");
        s.field("tables", &self.tables);
        if !self.warnings.is_empty() {
            s.field("warnings", &self.warnings);
        }
        s.finish()
    }
}

impl Schema {
    /// Starts a [`SchemaBuilder`].
    pub fn builder() -> SchemaBuilder {
        SchemaBuilder::new()
    }

    pub(crate) fn from_parts(tables: Vec<Arc<Table>>) -> Self {
        let names = TableNames::from_entries(
            tables
                .iter()
                .map(|t| (t.namespace.clone(), Arc::clone(&t.name))),
        );
        let foreign_keys = tables.iter().map(|t| t.foreign_keys.len()).sum();
        let shapes = tables.iter().map(|t| TableShape::of(t)).collect();
        Schema {
            tables,
            names,
            foreign_keys,
            shapes,
            warnings: Arc::from([]),
        }
    }

    /// A [`WarningKind::DroppedForeignKey`] warning for each broken foreign
    /// key of the schema (for readers without statements to point at).
    #[cfg(feature = "sqlite")]
    pub(crate) fn broken_key_warnings(&self) -> Vec<SchemaWarning> {
        let mut warnings = Vec::new();
        for table in self.tables() {
            for broken in table.broken_foreign_keys() {
                warnings.push(SchemaWarning::new(
                    WarningKind::DroppedForeignKey,
                    broken_key_message(table, broken),
                    None,
                ));
            }
        }
        warnings
    }

    /// This schema with `warnings` as its [`warnings`](Self::warnings).
    pub(crate) fn with_warnings(mut self, warnings: Vec<SchemaWarning>) -> Self {
        self.warnings = warnings.into();
        self
    }

    /// What the reader that made this schema skipped or dropped, in text
    /// order: statements of a DDL text that may hold tables but were not
    /// read, foreign keys to columns that do not exist, ... (see
    /// [`SchemaWarning`]). Empty for a schema made by [`SchemaBuilder`],
    /// which fails instead.
    ///
    /// ```
    /// use sqlrel::schema::{Schema, WarningKind};
    ///
    /// let schema = Schema::from_ddl(
    ///     "CREATE TABLE t2 (id INTEGER PRIMARY KEY);
    ///      CREATE TABLE t1 (id INTEGER PRIMARY KEY, t2_id INTEGER REFERENCES t2 (nope));
    ///      CREATE TABLE t3 (id INTEGER PRIMARY KEY, t1_id INTEGER REFERENCES t1 (id));",
    /// )?;
    /// // The broken key is dropped; the schema and the other key are kept.
    /// assert_eq!(schema.tables().len(), 3);
    /// assert_eq!(schema.table("t3")?.foreign_keys().len(), 1);
    /// let [warning] = schema.warnings() else { panic!("one warning") };
    /// assert_eq!(warning.kind(), WarningKind::DroppedForeignKey);
    /// assert_eq!(warning.statement().map(|s| s.number()), Some(2));
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    pub fn warnings(&self) -> &[SchemaWarning] {
        &self.warnings
    }

    /// Tables in declaration order.
    pub fn tables(&self) -> impl ExactSizeIterator<Item = &Arc<Table>> {
        self.tables.iter()
    }

    /// The table named `name`: a table without namespace of exactly that
    /// name, else `namespace.table`, else a bare name that exactly one
    /// namespace holds.
    ///
    /// ```
    /// use sqlrel::schema::Schema;
    /// use sqlrel::ErrorKind;
    ///
    /// let schema = Schema::from_ddl(
    ///     "CREATE TABLE public.users (id INTEGER PRIMARY KEY);
    ///      CREATE TABLE archive.users (id INTEGER PRIMARY KEY);
    ///      CREATE TABLE public.orders (id INTEGER PRIMARY KEY);",
    /// )?;
    /// assert_eq!(schema.table("archive.users")?.namespace(), Some("archive"));
    /// // One namespace holds `orders`: the bare name finds it.
    /// assert_eq!(schema.table("orders")?.qualified_name().to_string(), "public.orders");
    /// // Two hold `users`: the bare name finds neither.
    /// assert_eq!(schema.table("users").unwrap_err().kind(), ErrorKind::UnknownTable);
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::UnknownTable`] when no rule finds a table; a bare name that
    /// tables of several namespaces carry finds none (write it
    /// `namespace.table`).
    pub fn table(&self, name: &str) -> Result<&Arc<Table>> {
        let id = self.names.find(name)?;
        Ok(&self.tables[id.index()])
    }

    /// Whether `table` is this schema's own table (not one of another schema
    /// that happens to have the same id).
    pub fn owns(&self, table: &Arc<Table>) -> bool {
        self.tables
            .get(table.id().index())
            .is_some_and(|own| Arc::ptr_eq(own, table))
    }

    /// How many foreign keys the tables have in all (counted when the
    /// schema was built, so asking reads no table).
    pub(crate) fn foreign_key_count(&self) -> usize {
        self.foreign_keys
    }

    /// The shape of the table with the given id.
    pub(crate) fn shape(&self, id: TableId) -> Option<TableShape> {
        self.shapes.get(id.index()).copied()
    }

    /// The ids of the tables of `shape`, in declaration order.
    pub(crate) fn tables_shaped(&self, shape: TableShape) -> impl Iterator<Item = TableId> + '_ {
        // Numbered as the builder numbers the tables.
        (0..self.shapes.len())
            .filter(move |&i| self.shapes[i] == shape)
            .map(|i| TableId(i as u32))
    }

    /// The table with the given id, `None` for an id of another, larger schema.
    pub fn table_by_id(&self, id: TableId) -> Option<&Arc<Table>> {
        self.tables.get(id.index())
    }

    /// The column written `table.column` (or `namespace.table.column`).
    /// Names containing dots are found too: every split point is tried,
    /// the rightmost first.
    ///
    /// ```
    /// use sqlrel::schema::Schema;
    /// use sqlrel::ErrorKind;
    ///
    /// let schema = Schema::from_ddl(
    ///     r#"CREATE TABLE billing.invoices (id INTEGER PRIMARY KEY, "total.net" INTEGER);"#,
    /// )?;
    /// assert_eq!(schema.column("billing.invoices.id")?.to_string(), "billing.invoices.id");
    /// assert_eq!(schema.column("invoices.total.net")?.name(), "total.net");
    /// assert_eq!(schema.column("invoices.nope").unwrap_err().kind(), ErrorKind::UnknownColumn);
    /// assert_eq!(schema.column("id").unwrap_err().kind(), ErrorKind::InvalidArgument);
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// - [`Error::UnknownTable`] or [`Error::UnknownColumn`] when no split
    ///   finds a column: the error of the rightmost split.
    /// - [`Error::InvalidArgument`] when `reference` has no dot.
    pub fn column(&self, reference: &str) -> Result<ColumnRef> {
        let mut first_error = None;
        for (i, _) in reference.rmatch_indices('.') {
            let found = self
                .table(&reference[..i])
                .and_then(|table| self.table_column(table, &reference[i + 1..]));
            match found {
                Ok(column) => return Ok(column),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(first_error.unwrap_or_else(|| {
            Error::invalid(format!(
                "column reference '{reference}' must be written table.column"
            ))
        }))
    }

    /// The column written `table.column` as an expression.
    ///
    /// # Errors
    ///
    /// As [`column`](Self::column).
    pub fn col(&self, reference: &str) -> Result<crate::expr::Expr> {
        self.column(reference).map(crate::expr::Expr::col)
    }

    /// The column `column` of `table`.
    ///
    /// The handle is made on `table` as given, which is not checked to be
    /// one of this schema's tables (see [`owns`](Self::owns)).
    ///
    /// # Errors
    ///
    /// [`Error::UnknownColumn`] when `table` has no column named `column`.
    pub fn table_column(&self, table: &Arc<Table>, column: &str) -> Result<ColumnRef> {
        let id = table
            .column_id(column)
            .ok_or_else(|| Error::UnknownColumn {
                table: table.qualified_name().to_string(),
                column: column.to_owned(),
            })?;
        Ok(ColumnRef::new(Arc::clone(table), id))
    }

    /// Handles on every column of `table`, in declaration order.
    pub fn columns_of<'a>(&self, table: &'a Arc<Table>) -> impl Iterator<Item = ColumnRef> + 'a {
        (0..table.columns.len()).map(move |i| ColumnRef::new(Arc::clone(table), ColumnId(i as u32)))
    }
}

/// The warning for a broken foreign key of `table`.
pub(crate) fn broken_key_message(table: &Table, broken: &BrokenForeignKey) -> String {
    let columns: Vec<&str> = broken
        .columns()
        .iter()
        .filter_map(|c| table.column(*c).map(Column::name))
        .collect();
    format!(
        "foreign key ({}) of table '{}' dropped: {}",
        columns.join(", "),
        table.qualified_name(),
        broken.error()
    )
}
