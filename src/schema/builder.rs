//! Builders for [`Schema`]: tables are described by name and checked all at
//! once in [`SchemaBuilder::build`].

use std::borrow::Borrow;
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::sync::Arc;

use super::table::{KeyColumns, NameLookup};
use super::{
    BrokenForeignKey, Column, ColumnId, ForeignKey, Schema, Table, TableId, UniqueConstraint,
};
use crate::error::{Error, Result};

/// Collects table definitions; [`build`](Self::build) validates every name and
/// returns an immutable [`Schema`].
///
/// ```
/// use sqlrel::schema::{Schema, TableBuilder};
///
/// let schema = Schema::builder()
///     .table(TableBuilder::new("users").column("id", "INTEGER").column("name", "TEXT").primary_key(["id"]))
///     .table(
///         TableBuilder::new("addresses")
///             .column("id", "INTEGER")
///             .column("user_id", "INTEGER")
///             .primary_key(["id"])
///             .foreign_key(["user_id"], "users", ["id"]),
///     )
///     .build()?;
/// assert_eq!(schema.table("addresses")?.foreign_keys().len(), 1);
/// # Ok::<(), sqlrel::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct SchemaBuilder {
    pub(crate) tables: Vec<TableBuilder>,
}

/// Describes one table by names; resolved when the schema is built.
#[derive(Debug, Clone)]
pub struct TableBuilder {
    pub(crate) namespace: Option<String>,
    pub(crate) name: String,
    pub(crate) columns: Vec<Column>,
    pub(crate) primary_key: Vec<String>,
    pub(crate) foreign_keys: Vec<ForeignKeyDef>,
    pub(crate) unique: Vec<UniqueDef>,
}

/// A foreign key described by names.
#[derive(Debug, Clone)]
pub struct ForeignKeyDef {
    pub(crate) name: Option<String>,
    pub(crate) columns: Vec<String>,
    pub(crate) referred_table: String,
    pub(crate) referred_columns: Vec<String>,
}

/// A unique constraint described by names.
#[derive(Debug, Clone)]
pub(crate) struct UniqueDef {
    pub(crate) name: Option<String>,
    pub(crate) columns: Vec<String>,
}

pub(crate) fn strings<I, S>(items: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    items.into_iter().map(Into::into).collect()
}

impl ForeignKeyDef {
    /// `columns` of the owning table refer to `referred_columns` of
    /// `referred_table` (`namespace.table` or `table`). An empty
    /// `referred_columns` means the referred table's primary key.
    pub fn new<I, S, J, T>(
        columns: I,
        referred_table: impl Into<String>,
        referred_columns: J,
    ) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
        J: IntoIterator<Item = T>,
        T: Into<String>,
    {
        ForeignKeyDef {
            name: None,
            columns: strings(columns),
            referred_table: referred_table.into(),
            referred_columns: strings(referred_columns),
        }
    }

    /// Names the constraint.
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

impl TableBuilder {
    /// A table without namespace.
    pub fn new(name: impl Into<String>) -> Self {
        TableBuilder {
            namespace: None,
            name: name.into(),
            columns: Vec::new(),
            primary_key: Vec::new(),
            foreign_keys: Vec::new(),
            unique: Vec::new(),
        }
    }

    /// Places the table in a namespace (SQL schema), e.g. `public`.
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// Adds a nullable column.
    pub fn column(self, name: impl AsRef<str>, sql_type: impl Into<String>) -> Self {
        self.column_def(Column::new(name, sql_type))
    }

    /// Adds a column described by a [`Column`] (e.g. `Column::new(..).not_null()`).
    pub fn column_def(mut self, column: Column) -> Self {
        self.columns.push(column);
        self
    }

    /// Sets the primary key (its columns become NOT NULL).
    pub fn primary_key<I, S>(mut self, columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.primary_key = strings(columns);
        self
    }

    /// Adds an unnamed foreign key; see [`ForeignKeyDef::new`].
    pub fn foreign_key<I, S, J, T>(
        self,
        columns: I,
        referred_table: impl Into<String>,
        referred_columns: J,
    ) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
        J: IntoIterator<Item = T>,
        T: Into<String>,
    {
        self.foreign_key_def(ForeignKeyDef::new(
            columns,
            referred_table,
            referred_columns,
        ))
    }

    /// Adds a foreign key described by a [`ForeignKeyDef`].
    pub fn foreign_key_def(mut self, fk: ForeignKeyDef) -> Self {
        self.foreign_keys.push(fk);
        self
    }

    /// Adds an unnamed unique constraint.
    pub fn unique<I, S>(mut self, columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.push_unique(None, strings(columns));
        self
    }

    /// Adds a named unique constraint.
    pub fn named_unique<I, S>(mut self, name: impl Into<String>, columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.push_unique(Some(name.into()), strings(columns));
        self
    }

    pub(crate) fn push_unique(&mut self, name: Option<String>, columns: Vec<String>) {
        self.unique.push(UniqueDef { name, columns });
    }

    pub(crate) fn qualified_name(&self) -> String {
        qualify(self.namespace.as_deref(), &self.name)
    }

    fn column_id(&self, column: &str) -> Result<ColumnId> {
        self.columns
            .iter()
            .position(|c| *c.name == *column)
            .map(|i| ColumnId(i as u32))
            .ok_or_else(|| Error::UnknownColumn {
                table: self.qualified_name(),
                column: column.to_owned(),
            })
    }

    fn column_ids(&self, columns: &[String]) -> Result<KeyColumns> {
        columns.iter().map(|c| self.column_id(c)).collect()
    }

    pub(crate) fn invalid(&self, message: impl Into<String>) -> Error {
        Error::InvalidConstraint {
            table: self.qualified_name(),
            message: message.into(),
        }
    }
}

/// The first name listed twice.
fn repeated(names: &[String]) -> Option<&str> {
    names
        .iter()
        .enumerate()
        .find(|(i, n)| names[..*i].contains(n))
        .map(|(_, n)| n.as_str())
}

pub(crate) fn qualify(namespace: Option<&str>, name: &str) -> String {
    match namespace {
        Some(ns) => format!("{ns}.{name}"),
        None => name.to_owned(),
    }
}

impl SchemaBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a table.
    pub fn table(mut self, table: TableBuilder) -> Self {
        self.tables.push(table);
        self
    }

    /// Adds a table (by reference, for loops).
    pub fn add_table(&mut self, table: TableBuilder) -> &mut Self {
        self.tables.push(table);
        self
    }

    /// Checks every name and builds the schema. Nothing is built when any
    /// check fails.
    ///
    /// # Errors
    ///
    /// The first failure; the names of every table are checked first, then each
    /// table's columns and keys in turn:
    /// - [`Error::InvalidArgument`] for an empty table, namespace or column
    ///   name, or one containing NUL;
    /// - [`Error::DuplicateTable`] for a second table of the same qualified
    ///   name, [`Error::DuplicateColumn`] for a column name repeated in a
    ///   table;
    /// - [`Error::UnknownColumn`] for a key (primary, unique, foreign, or the
    ///   referred columns of a foreign key) naming a column its table lacks;
    /// - [`Error::UnknownTable`], inside an [`Error::Context`] naming the
    ///   foreign key, for a foreign key to a table the builder does not hold;
    /// - [`Error::InvalidConstraint`] for a primary key listing a column twice,
    ///   a foreign key or unique constraint without columns, or a foreign key
    ///   whose referred columns differ from its own in number (e.g. it refers
    ///   to the primary key of a table without one).
    pub fn build(self) -> Result<Schema> {
        self.build_with(ReferredColumns::Required)
    }

    /// [`build`](Self::build), with a choice for foreign keys whose
    /// referred columns the referred table lacks.
    pub(crate) fn build_with(self, referred: ReferredColumns) -> Result<Schema> {
        self.check_names()?;
        let names = TableNames::from_entries(self.entries());
        let mut tables = Vec::with_capacity(self.tables.len());
        for (i, def) in self.tables.iter().enumerate() {
            tables.push(Arc::new(self.build_table(
                &names,
                TableId(i as u32),
                def,
                referred,
            )?));
        }
        Ok(Schema::from_parts(tables))
    }

    /// `(namespace, name)` of every table, in id order.
    pub(crate) fn entries(&self) -> impl Iterator<Item = (Option<&str>, &str)> + Clone {
        self.tables
            .iter()
            .map(|t| (t.namespace.as_deref(), t.name.as_str()))
    }

    fn check_names(&self) -> Result<()> {
        let mut seen = HashSet::with_capacity(self.tables.len());
        for t in &self.tables {
            check_identifier(&t.name, || format!("table '{}'", t.qualified_name()))?;
            if let Some(ns) = &t.namespace {
                check_identifier(ns, || {
                    format!("namespace of table '{}'", t.qualified_name())
                })?;
            }
            for c in &t.columns {
                check_identifier(&c.name, || {
                    format!("a column of table '{}'", t.qualified_name())
                })?;
            }
            if !seen.insert((t.namespace.as_deref(), t.name.as_str())) {
                return Err(Error::DuplicateTable {
                    name: t.qualified_name(),
                });
            }
        }
        Ok(())
    }

    fn build_table(
        &self,
        names: &TableNames<&str>,
        id: TableId,
        def: &TableBuilder,
        referred: ReferredColumns,
    ) -> Result<Table> {
        let mut columns = def.columns.clone();
        for (i, c) in columns.iter().enumerate() {
            if columns[..i].iter().any(|prev| prev.name == c.name) {
                return Err(Error::DuplicateColumn {
                    table: def.qualified_name(),
                    column: c.name.to_string(),
                });
            }
        }
        let primary_key = def.column_ids(&def.primary_key)?;
        if let Some(twice) = repeated(&def.primary_key) {
            return Err(def.invalid(format!("the primary key lists column '{twice}' twice")));
        }
        for pk in &primary_key {
            columns[pk.index()].nullable = false;
        }
        let mut foreign_keys = Vec::with_capacity(def.foreign_keys.len());
        let mut broken_foreign_keys = Vec::new();
        for (declared, fk) in def.foreign_keys.iter().enumerate() {
            match self.build_foreign_key(names, def, fk)? {
                Ok(fk) => foreign_keys.push(fk),
                Err(mut broken) if referred == ReferredColumns::DropBroken => {
                    broken.declared = declared;
                    broken_foreign_keys.push(broken);
                }
                Err(broken) => {
                    return Err(Error::UnknownColumn {
                        table: broken.referred_table_name,
                        column: broken.referred_columns[broken.missing].clone(),
                    });
                }
            }
        }
        let unique = def
            .unique
            .iter()
            .map(|u| {
                if u.columns.is_empty() {
                    return Err(def.invalid("a unique constraint needs at least one column"));
                }
                Ok(UniqueConstraint {
                    name: u.name.clone(),
                    columns: def.column_ids(&u.columns)?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Table {
            id,
            namespace: def.namespace.as_deref().map(Arc::from),
            name: Arc::from(def.name.as_str()),
            primary_key,
            foreign_keys,
            unique,
            broken_foreign_keys,
            lookup: NameLookup::of(def.namespace.as_deref(), &def.name, &columns),
            columns,
        })
    }

    /// The foreign key, or (inner `Err`) the key as a [`BrokenForeignKey`]
    /// when the referred table lacks a referred column.
    fn build_foreign_key(
        &self,
        names: &TableNames<&str>,
        owner: &TableBuilder,
        fk: &ForeignKeyDef,
    ) -> Result<Result<ForeignKey, BrokenForeignKey>> {
        if fk.columns.is_empty() {
            return Err(owner.invalid("a foreign key needs at least one column"));
        }
        let columns = owner.column_ids(&fk.columns)?;
        let referred_table = names.find(&fk.referred_table).map_err(|e| {
            e.context(format!(
                "foreign key ({}) of table '{}'",
                fk.columns.join(", "),
                owner.qualified_name()
            ))
        })?;
        let referred = &self.tables[referred_table.index()];
        let referred_columns = if fk.referred_columns.is_empty() {
            referred.column_ids(&referred.primary_key)?
        } else {
            let missing = fk
                .referred_columns
                .iter()
                .position(|c| referred.column_id(c).is_err());
            if let Some(missing) = missing {
                return Ok(Err(BrokenForeignKey {
                    name: fk.name.clone(),
                    columns,
                    referred_table,
                    referred_columns: fk.referred_columns.clone(),
                    missing,
                    table_name: owner.qualified_name(),
                    referred_table_name: referred.qualified_name(),
                    declared: 0,
                }));
            }
            referred.column_ids(&fk.referred_columns)?
        };
        if referred_columns.len() != columns.len() {
            return Err(owner.invalid(format!(
                "foreign key ({}) refers to {} column(s) of '{}'",
                fk.columns.join(", "),
                referred_columns.len(),
                referred.qualified_name()
            )));
        }
        Ok(Ok(ForeignKey {
            name: fk.name.clone(),
            columns,
            referred_table,
            referred_columns,
        }))
    }
}

/// What [`SchemaBuilder::build_with`] does with a foreign key whose
/// referred columns the referred table lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReferredColumns {
    /// Fail with [`Error::UnknownColumn`] (the builder's contract).
    Required,
    /// Leave the key out, keeping it as a [`BrokenForeignKey`] (what
    /// SQLite and SQLAlchemy accept, for DDL text and reflection).
    DropBroken,
}

/// Table names indexed for lookup by [`find`](Self::find): one hash lookup
/// per candidate spelling instead of a scan of every table, so resolving
/// all the names of a schema stays linear in its size.
#[derive(Debug, Clone)]
pub(crate) struct TableNames<S> {
    /// Bare table name → `(namespace, id)` of every table carrying it, in
    /// id order.
    by_name: HashMap<S, Carriers<S>>,
}

/// The tables carrying one bare name; nearly always one, kept inline.
#[derive(Debug, Clone)]
enum Carriers<S> {
    One([(Option<S>, TableId); 1]),
    Many(Vec<(Option<S>, TableId)>),
}

impl<S> Carriers<S> {
    fn as_slice(&self) -> &[(Option<S>, TableId)] {
        match self {
            Carriers::One(one) => one,
            Carriers::Many(many) => many,
        }
    }
}

impl<S: Borrow<str> + Eq + Hash> TableNames<S> {
    /// An empty index.
    pub(crate) fn new() -> Self {
        TableNames {
            by_name: HashMap::new(),
        }
    }

    /// An index of `(namespace, name)` entries in id order.
    pub(crate) fn from_entries(entries: impl Iterator<Item = (Option<S>, S)>) -> Self {
        let mut names = Self::new();
        for (i, (namespace, name)) in entries.enumerate() {
            names.push(namespace, name, TableId(i as u32));
        }
        names
    }

    /// Adds a table; ids must come in increasing order.
    pub(crate) fn push(&mut self, namespace: Option<S>, name: S, id: TableId) {
        match self.by_name.entry(name) {
            Entry::Vacant(slot) => {
                slot.insert(Carriers::One([(namespace, id)]));
            }
            Entry::Occupied(mut slot) => {
                let carriers = slot.get_mut();
                if let Carriers::One([first]) = carriers {
                    let first = std::mem::replace(first, (None, id));
                    *carriers = Carriers::Many(vec![first]);
                }
                if let Carriers::Many(many) = carriers {
                    many.push((namespace, id));
                }
            }
        }
    }

    /// Removes table `id` of `namespace.name`.
    pub(crate) fn remove(&mut self, namespace: Option<&str>, name: &str, id: TableId) {
        let Some(carriers) = self.by_name.get_mut(name) else {
            return;
        };
        let keep = |(ns, other): &(Option<S>, TableId)| {
            !(*other == id && ns.as_ref().map(Borrow::borrow) == namespace)
        };
        match carriers {
            Carriers::One([one]) => {
                if !keep(one) {
                    self.by_name.remove(name);
                }
            }
            Carriers::Many(many) => {
                many.retain(keep);
                if many.is_empty() {
                    self.by_name.remove(name);
                }
            }
        }
    }

    /// Finds a table by name: a table without namespace named exactly
    /// `name`; else `namespace.table` split at any dot (leftmost first);
    /// else a bare name that exactly one table carries. Among several
    /// matches of one rule, the lowest id wins.
    pub(crate) fn find(&self, name: &str) -> Result<TableId> {
        let in_namespace = |namespace: Option<&str>, table: &str| {
            self.by_name.get(table).and_then(|tables| {
                tables
                    .as_slice()
                    .iter()
                    .find(|(ns, _)| ns.as_ref().map(Borrow::borrow) == namespace)
                    .map(|&(_, id)| id)
            })
        };
        if let Some(id) = in_namespace(None, name) {
            return Ok(id);
        }
        for (i, _) in name.match_indices('.') {
            if let Some(id) = in_namespace(Some(&name[..i]), &name[i + 1..]) {
                return Ok(id);
            }
        }
        match self.by_name.get(name).map(Carriers::as_slice) {
            Some([(_, id)]) => Ok(*id),
            _ => Err(Error::UnknownTable {
                name: name.to_owned(),
            }),
        }
    }
}

/// Rejects names no database accepts: empty, or containing NUL.
pub(crate) fn check_identifier(name: &str, what: impl FnOnce() -> String) -> Result<()> {
    if name.is_empty() || name.contains('\0') {
        return Err(Error::invalid(format!(
            "{} has an empty name or a name containing NUL",
            what()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `find`'s rules written as scans over the tables in id order (how
    /// lookups were made before the index).
    fn scan(entries: &[(Option<&str>, &str)], name: &str) -> Option<TableId> {
        let position = |pred: &dyn Fn(Option<&str>, &str) -> bool| {
            entries
                .iter()
                .position(|&(ns, t)| pred(ns, t))
                .map(|i| TableId(i as u32))
        };
        if let Some(id) = position(&|ns, t| ns.is_none() && t == name) {
            return Some(id);
        }
        for (i, _) in name.match_indices('.') {
            let (namespace, table) = (&name[..i], &name[i + 1..]);
            if let Some(id) = position(&|ns, t| ns == Some(namespace) && t == table) {
                return Some(id);
            }
        }
        let mut bare = entries
            .iter()
            .enumerate()
            .filter(|(_, (_, t))| *t == name)
            .map(|(i, _)| TableId(i as u32));
        match (bare.next(), bare.next()) {
            (Some(id), None) => Some(id),
            _ => None,
        }
    }

    #[test]
    fn the_index_finds_what_a_scan_finds() {
        let entries: &[(Option<&str>, &str)] = &[
            (None, "a"),
            (Some("s"), "a"),
            (Some("s"), "b"),
            (Some("t"), "b"),
            (None, "c.d"),
            (Some("c"), "d"),
            (Some("a.b"), "x"),
            (Some("a"), "b.x"),
            (None, "a"),
            (Some("s"), "only"),
            (Some("t"), "s.only"),
            (None, ""),
        ];
        let index = TableNames::from_entries(entries.iter().copied());
        let names = [
            "a", "s.a", "t.a", "b", "s.b", "t.b", "u.b", "c.d", "c", "d", "x", "a.b.x", "b.x",
            "a.b", "only", "s.only", "t.s.only", "", ".", "a.", ".a", "zzz",
        ];
        for name in names {
            assert_eq!(index.find(name).ok(), scan(entries, name), "{name:?}");
        }
    }
}
