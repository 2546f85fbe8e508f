//! The plan automap generates by: which tables are mapped, and the names
//! of tables and columns as a [`RelationshipConfig`] writes them, each
//! checked (once) to find that very table or column.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::registry::declaration::Generated;
use crate::relationship::RelationshipConfig;
use crate::schema::{ColumnId, ColumnRef, Schema, Table, TableId, TableShape};

/// What generation reads of the schema besides its tables: whether a
/// table is mapped (the schema's [`TableShape`]s), and names checked once.
pub(super) struct Plan<'s> {
    pub(super) schema: &'s Schema,
    /// Checked names ([`table_name`], [`column_name`]) by table (and column
    /// index), so each is looked up in the schema once, not once per
    /// relationship that uses it.
    names: RefCell<HashMap<TableId, CheckedNames>>,
}

/// The checked names of one table and its columns.
#[derive(Default)]
struct CheckedNames {
    table: Option<String>,
    /// By column index.
    columns: Vec<Option<String>>,
}

impl<'s> Plan<'s> {
    pub(super) fn new(schema: &'s Schema) -> Self {
        Plan {
            schema,
            // Only tables whose names need checking get an entry.
            names: RefCell::new(HashMap::new()),
        }
    }

    /// Checks [`table_name`]: at once for a table without namespace whose
    /// name has no dot (its bare name finds it first, and no two such tables
    /// share a name), else once per table.
    pub(super) fn check_table(&self, table: &Table) -> Result<()> {
        if table.lookup.plain_name {
            return Ok(());
        }
        self.with_table_name(table, |_| ())
    }

    /// [`table_name`], looked up once per table.
    pub(super) fn table_name(&self, table: &Table) -> Result<String> {
        self.with_table_name(table, str::to_owned)
    }

    fn with_table_name<T>(&self, table: &Table, f: impl FnOnce(&str) -> T) -> Result<T> {
        let mut names = self.names.borrow_mut();
        let slot = names.entry(table.id()).or_default();
        if slot.table.is_none() {
            slot.table = Some(table_name(self.schema, table)?);
        }
        Ok(f(slot.table.as_deref().unwrap_or_default()))
    }

    /// Checks [`column_name`]: at once when the table is named plainly (see
    /// [`check_table`](Self::check_table)) and the column's name has no dot
    /// (`table.column` then splits at its only dot, and column names are
    /// unique in a table), else once per column.
    pub(super) fn check_column(&self, table: &Arc<Table>, column: ColumnId) -> Result<()> {
        if table.lookup.plain_column_names {
            return Ok(());
        }
        let plain_column = table
            .column(column)
            .is_some_and(|c| !c.name().contains('.'));
        if table.lookup.plain_name && plain_column {
            return Ok(());
        }
        self.with_column_name(table, column, |_| ())
    }

    /// [`column_name`], looked up once per column.
    pub(super) fn column_name(&self, table: &Arc<Table>, column: ColumnId) -> Result<String> {
        self.with_column_name(table, column, str::to_owned)
    }

    fn with_column_name<T>(
        &self,
        table: &Arc<Table>,
        column: ColumnId,
        f: impl FnOnce(&str) -> T,
    ) -> Result<T> {
        let mut names = self.names.borrow_mut();
        let slot = names.entry(table.id()).or_default();
        if slot.columns.is_empty() {
            slot.columns.resize(table.columns().len(), None);
        }
        let Some(slot) = slot.columns.get_mut(column.index()) else {
            return column_name(self.schema, table, column).map(|name| f(&name));
        };
        if let Some(name) = slot {
            return Ok(f(name));
        }
        let name = column_name(self.schema, table, column)?;
        let result = f(&name);
        *slot = Some(name);
        Ok(result)
    }

    pub(super) fn is_mapped(&self, id: TableId) -> bool {
        self.schema.shape(id) == Some(TableShape::Keyed)
    }

    /// The table with id `id`. Automap only handles ids of its schema's
    /// tables; an error all the same.
    pub(super) fn table(&self, id: TableId) -> Result<&'s Arc<Table>> {
        self.schema
            .table_by_id(id)
            .ok_or_else(|| Error::invalid(format!("automap: no table with id {}", id.index())))
    }

    /// `generated` written as a declaration, as [`relationships`](super::relationships)
    /// returns it: every name checked to find the very table or column.
    pub(super) fn to_config(&self, generated: &Generated) -> Result<RelationshipConfig> {
        let mut config = RelationshipConfig::new(
            self.table_name(&generated.parent)?,
            generated.name.to_string(),
            self.table_name(&generated.target)?,
        );
        if let Some(secondary) = &generated.secondary {
            config = config.secondary(self.table_name(secondary)?);
        }
        let parts = generated.parts(self.schema)?;
        config = config.primaryjoin(parts.primaryjoin);
        if let Some(sj) = parts.secondaryjoin {
            config = config.secondaryjoin(sj);
        }
        let names = |columns: &[ColumnRef]| {
            columns
                .iter()
                .map(|c| self.column_name(c.table_arc(), c.column_id()))
                .collect::<Result<Vec<_>>>()
        };
        if !parts.foreign_keys.is_empty() {
            config = config.foreign_keys(names(&parts.foreign_keys)?);
        }
        if !parts.remote_side.is_empty() {
            config = config.remote_side(names(&parts.remote_side)?);
        }
        if let Some(uselist) = generated.uselist {
            config = config.uselist(uselist);
        }
        if let Some(backref) = &generated.backref {
            config = config.backref((**backref).clone());
        }
        if let Some(name) = &generated.back_populates {
            config = config.back_populates(name.to_string());
        }
        Ok(config)
    }
}

/// `table.column` as written in a [`RelationshipConfig`], checked to name
/// that very column.
fn column_name(schema: &Schema, table: &Arc<Table>, column: ColumnId) -> Result<String> {
    let col = table.column(column).ok_or_else(|| {
        Error::invalid(format!(
            "automap: table '{}' has no column #{}",
            table.qualified_name(),
            column.index()
        ))
    })?;
    let text = format!("{}.{}", table.qualified_name(), col.name());
    match schema.column(&text) {
        Ok(found) if found.table_id() == table.id() && found.column_id() == column => Ok(text),
        _ => Err(Error::invalid(format!(
            "automap: column reference '{text}' does not name a single column unambiguously"
        ))),
    }
}

/// The table's name as written in a [`RelationshipConfig`], checked to
/// name that very table.
fn table_name(schema: &Schema, table: &Table) -> Result<String> {
    let text = table.qualified_name().to_string();
    match schema.table(&text) {
        Ok(found) if found.id() == table.id() => Ok(text),
        _ => Err(Error::invalid(format!(
            "automap: table name '{text}' does not name a single table unambiguously"
        ))),
    }
}
