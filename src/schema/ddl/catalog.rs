//! The tables a DDL text defines so far, as the statements read change
//! them, and the schema they make at the end.

use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::hash_map::Entry as Slot;

use super::super::builder::{
    ForeignKeyDef, ReferredColumns, SchemaBuilder, TableBuilder, TableNames, qualify,
};
use super::super::{
    Column, Schema, SchemaWarning, StatementLocation, TableId, WarningKind, broken_key_message,
};
use crate::error::{Error, Result};

/// How a dialect's server matches a name a statement uses (`REFERENCES
/// USERS (ID)`, `ALTER TABLE Users`) against the names declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum Matching {
    /// Only the same name (PostgreSQL once unquoted names are folded,
    /// MySQL's table names, the generic dialect).
    #[default]
    Exact,
    /// ASCII letters in either case (SQLite).
    AsciiCaseless,
    /// Letters in either case by each character's simple lower-case
    /// mapping (MySQL's column and index names).
    Caseless,
}

impl Matching {
    /// The form two names share when they match.
    pub fn key(self, name: &str) -> Cow<'_, str> {
        match self {
            Matching::Exact => Cow::Borrowed(name),
            Matching::AsciiCaseless if name.bytes().any(|b| b.is_ascii_uppercase()) => {
                Cow::Owned(name.to_ascii_lowercase())
            }
            Matching::AsciiCaseless => Cow::Borrowed(name),
            Matching::Caseless => Cow::Owned(name.chars().map(simple_lowercase).collect()),
        }
    }

    pub fn same(self, a: &str, b: &str) -> bool {
        match self {
            Matching::Exact => a == b,
            Matching::AsciiCaseless => a.eq_ignore_ascii_case(b),
            Matching::Caseless => {
                a == b
                    || a.chars()
                        .map(simple_lowercase)
                        .eq(b.chars().map(simple_lowercase))
            }
        }
    }

    fn is_exact(self) -> bool {
        self == Matching::Exact
    }

    /// For messages.
    fn describe(self) -> &'static str {
        match self {
            Matching::Exact => "names match only when they are the same",
            Matching::AsciiCaseless => "SQLite matches names in any ASCII case",
            Matching::Caseless => "MySQL matches column and index names in any case",
        }
    }
}

/// A character's simple lower-case mapping: the first character of its
/// full one (only U+0130 maps to two, `i` and a combining dot).
fn simple_lowercase(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// How names of each kind are matched: see [`Matching`].
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct NameRules {
    /// Tables and their namespaces.
    pub tables: Matching,
    pub columns: Matching,
    /// Constraint and index names.
    pub constraints: Matching,
}

/// The declared spelling of each of `names` among `columns` (the same name
/// first, then one that `rule` matches); a name no column matches is kept
/// as written, for the schema's checks to report.
fn declared_columns(columns: &[Column], rule: Matching, names: &[String]) -> Vec<String> {
    names
        .iter()
        .map(|n| declared_column(columns, rule, n).unwrap_or_else(|| n.clone()))
        .collect()
}

fn declared_column(columns: &[Column], rule: Matching, name: &str) -> Option<String> {
    columns
        .iter()
        .find(|c| &*c.name == name)
        .or_else(|| {
            (!rule.is_exact())
                .then(|| columns.iter().find(|c| rule.same(&c.name, name)))
                .flatten()
        })
        .map(|c| c.name.to_string())
}

/// A key a statement declares, by column names.
#[derive(Debug, Clone)]
pub(super) enum Constraint {
    PrimaryKey(Vec<String>),
    Unique(Option<String>, Vec<String>),
    ForeignKey(ForeignKeyDef),
}

/// One table as read so far.
#[derive(Debug)]
pub(super) struct Entry {
    pub def: TableBuilder,
    /// Dropped by `DROP TABLE`: not part of the schema.
    pub dropped: bool,
    /// The primary key came from a partitioned parent.
    inherited_primary_key: bool,
    /// The statement that declared each of `def.foreign_keys`.
    fk_origins: Vec<Option<StatementLocation>>,
    /// The partitioned table this one is a partition of.
    pub partition_of: Option<usize>,
    pub partitions: Vec<usize>,
}

/// A unique index read as a unique constraint, for `ADD ... USING INDEX`.
#[derive(Debug, Clone)]
pub(super) struct UniqueIndex {
    pub table: usize,
    pub columns: Vec<String>,
}

#[derive(Debug, Default)]
pub(super) struct Catalog {
    pub tables: Vec<Entry>,
    names: TableNames<String>,
    /// `names` by their [`Matching::key`], when tables are not matched
    /// exactly.
    keys: TableNames<String>,
    pub rules: NameRules,
    pub indexes: HashMap<String, UniqueIndex>,
    pub warnings: Vec<SchemaWarning>,
    /// The first database a `\connect` or `USE` named.
    pub database: Option<String>,
}

impl Default for TableNames<String> {
    fn default() -> Self {
        TableNames::new()
    }
}

impl Catalog {
    pub fn new(rules: NameRules) -> Self {
        Catalog {
            rules,
            ..Catalog::default()
        }
    }

    pub fn warn(
        &mut self,
        kind: WarningKind,
        message: impl Into<String>,
        at: Option<StatementLocation>,
    ) {
        self.warnings.push(SchemaWarning::new(kind, message, at));
    }

    /// The table named `namespace.name` (or a bare name one namespace
    /// holds): the same name first, then one the dialect's rule matches.
    pub fn find(&self, qualified: &str) -> Result<usize> {
        match self.names.find(qualified) {
            Ok(id) => Ok(id.index()),
            Err(e) if self.rules.tables.is_exact() => Err(e),
            Err(e) => self
                .keys
                .find(&self.rules.tables.key(qualified))
                .map(TableId::index)
                .map_err(|_| e),
        }
    }

    /// Whether table `namespace.name` exists (as the dialect matches names).
    pub fn exists(&self, namespace: Option<&str>, name: &str) -> bool {
        let rule = self.rules.tables;
        self.find(&qualify(namespace, name)).is_ok_and(|i| {
            let t = &self.tables[i].def;
            rule.same(&t.name, name)
                && match (t.namespace.as_deref(), namespace) {
                    (Some(a), Some(b)) => rule.same(a, b),
                    (a, b) => a == b,
                }
        })
    }

    /// The declared spelling of column `name` of table `index`, as the
    /// dialect matches column names.
    pub fn column_name(&self, index: usize, name: &str) -> Option<String> {
        declared_column(&self.tables[index].def.columns, self.rules.columns, name)
    }

    /// Column `name` of table `index`, as the dialect matches column names.
    pub fn column_mut(&mut self, index: usize, name: &str) -> Option<&mut Column> {
        let declared = self.column_name(index, name)?;
        self.tables[index]
            .def
            .columns
            .iter_mut()
            .find(|c| *c.name == *declared)
    }

    /// The key `cat.indexes` files index `name` under.
    pub fn index_key(&self, name: &str) -> String {
        self.rules.constraints.key(name).into_owned()
    }

    fn push_name(&mut self, index: usize) {
        let def = &self.tables[index].def;
        let id = TableId(index as u32);
        self.names.push(def.namespace.clone(), def.name.clone(), id);
        if !self.rules.tables.is_exact() {
            let rule = self.rules.tables;
            let namespace = def.namespace.as_deref().map(|n| rule.key(n).into_owned());
            self.keys
                .push(namespace, rule.key(&def.name).into_owned(), id);
        }
    }

    fn remove_name(&mut self, index: usize) {
        let def = &self.tables[index].def;
        let id = TableId(index as u32);
        self.names.remove(def.namespace.as_deref(), &def.name, id);
        if !self.rules.tables.is_exact() {
            let rule = self.rules.tables;
            let namespace = def.namespace.as_deref().map(|n| rule.key(n));
            self.keys
                .remove(namespace.as_deref(), &rule.key(&def.name), id);
        }
    }

    /// Adds a table; its constraints are applied with
    /// [`add_constraint`](Self::add_constraint).
    pub fn add_table(&mut self, def: TableBuilder) -> usize {
        let index = self.tables.len();
        self.tables.push(Entry {
            def,
            dropped: false,
            inherited_primary_key: false,
            fk_origins: Vec::new(),
            partition_of: None,
            partitions: Vec::new(),
        });
        self.push_name(index);
        index
    }

    /// Drops a table; with `cascade`, also the foreign keys referring to
    /// it.
    pub fn drop_table(&mut self, index: usize, cascade: bool) {
        if cascade {
            for t in 0..self.tables.len() {
                let keep: Vec<bool> = self.tables[t]
                    .def
                    .foreign_keys
                    .iter()
                    .map(|fk| self.find(&fk.referred_table).ok() != Some(index))
                    .collect();
                self.retain_foreign_keys(t, &keep);
            }
        }
        self.tables[index].dropped = true;
        self.remove_name(index);
    }

    /// Keeps the foreign keys of table `t` marked in `keep`.
    fn retain_foreign_keys(&mut self, t: usize, keep: &[bool]) {
        let entry = &mut self.tables[t];
        let mut i = 0;
        entry.def.foreign_keys.retain(|_| {
            i += 1;
            keep[i - 1]
        });
        let mut i = 0;
        entry.fk_origins.retain(|_| {
            i += 1;
            keep[i - 1]
        });
    }

    /// Drops a column and the keys of its table that list it.
    pub fn drop_column(&mut self, index: usize, column: &str) {
        let def = &mut self.tables[index].def;
        def.columns.retain(|c| &*c.name != column);
        if def.primary_key.iter().any(|c| c == column) {
            def.primary_key.clear();
        }
        def.unique
            .retain(|u| !u.columns.iter().any(|c| c == column));
        let keep: Vec<bool> = def
            .foreign_keys
            .iter()
            .map(|fk| !fk.columns.iter().any(|c| c == column))
            .collect();
        self.retain_foreign_keys(index, &keep);
    }

    /// Drops the constraint (foreign key, unique constraint or index, or
    /// the primary key) named `name`; `false` when none has that name.
    pub fn drop_constraint(&mut self, index: usize, name: &str) -> bool {
        let rule = self.rules.constraints;
        let named = |n: &Option<String>| n.as_deref().is_some_and(|n| rule.same(n, name));
        let def = &self.tables[index].def;
        let keep: Vec<bool> = def.foreign_keys.iter().map(|fk| !named(&fk.name)).collect();
        let mut found = keep.contains(&false);
        self.retain_foreign_keys(index, &keep);
        let def = &mut self.tables[index].def;
        let before = def.unique.len();
        def.unique.retain(|u| !named(&u.name));
        found |= def.unique.len() != before;
        found
    }

    /// Renames column `old` (as declared) of table `index`, in its keys and
    /// in the keys referring to it.
    pub fn rename_column(&mut self, index: usize, old: &str, new: &str) {
        let rule = self.rules.columns;
        let rename = |names: &mut Vec<String>| {
            for n in names.iter_mut().filter(|n| rule.same(n, old)) {
                *n = new.to_owned();
            }
        };
        for t in 0..self.tables.len() {
            let refers: Vec<bool> = self.tables[t]
                .def
                .foreign_keys
                .iter()
                .map(|fk| self.find(&fk.referred_table).ok() == Some(index))
                .collect();
            for (fk, refers) in self.tables[t].def.foreign_keys.iter_mut().zip(refers) {
                if refers {
                    rename(&mut fk.referred_columns);
                }
            }
        }
        let def = &mut self.tables[index].def;
        if let Some(c) = def.columns.iter_mut().find(|c| &*c.name == old) {
            c.name = new.into();
        }
        rename(&mut def.primary_key);
        for u in &mut def.unique {
            rename(&mut u.columns);
        }
        for fk in &mut def.foreign_keys {
            rename(&mut fk.columns);
        }
    }

    /// Renames a table, and the references to it of every foreign key.
    pub fn rename_table(&mut self, index: usize, namespace: Option<String>, name: String) {
        let refers_to_it: Vec<(usize, usize)> = self
            .tables
            .iter()
            .enumerate()
            .filter(|(_, e)| !e.dropped)
            .flat_map(|(t, e)| {
                e.def
                    .foreign_keys
                    .iter()
                    .enumerate()
                    .filter(|(_, fk)| self.find(&fk.referred_table).ok() == Some(index))
                    .map(move |(f, _)| (t, f))
            })
            .collect();
        self.remove_name(index);
        let new = qualify(namespace.as_deref(), &name);
        for (t, f) in refers_to_it {
            self.tables[t].def.foreign_keys[f].referred_table = new.clone();
        }
        let def = &mut self.tables[index].def;
        def.namespace = namespace;
        def.name = name;
        self.push_name(index);
    }

    /// Applies a constraint to a table; with `propagate`, also to its
    /// partitions (PostgreSQL's `ALTER TABLE` without `ONLY` on a
    /// partitioned table).
    pub fn add_constraint(
        &mut self,
        index: usize,
        constraint: Constraint,
        origin: &StatementLocation,
        propagate: bool,
    ) -> Result<()> {
        self.apply(index, &constraint, Some(origin), false)?;
        if propagate {
            for partition in self.partitions_below(index) {
                self.apply(partition, &constraint, Some(origin), true)?;
            }
        }
        Ok(())
    }

    /// Every partition of `index`, partitions of partitions included.
    fn partitions_below(&self, index: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut todo = self.tables[index].partitions.clone();
        while let Some(p) = todo.pop() {
            if !out.contains(&p) {
                out.push(p);
                todo.extend(self.tables[p].partitions.iter().copied());
            }
        }
        out
    }

    fn apply(
        &mut self,
        index: usize,
        constraint: &Constraint,
        origin: Option<&StatementLocation>,
        inherited: bool,
    ) -> Result<()> {
        // Key columns as the table declares them.
        let rule = self.rules.columns;
        let entry = &mut self.tables[index];
        let declared = |names: &[String]| declared_columns(&entry.def.columns, rule, names);
        let constraint = match constraint {
            Constraint::PrimaryKey(columns) => Constraint::PrimaryKey(declared(columns)),
            Constraint::Unique(name, columns) => {
                Constraint::Unique(name.clone(), declared(columns))
            }
            Constraint::ForeignKey(fk) => Constraint::ForeignKey(ForeignKeyDef {
                columns: declared(&fk.columns),
                ..fk.clone()
            }),
        };
        match &constraint {
            Constraint::PrimaryKey(columns) => {
                let def = &mut entry.def;
                if def.primary_key.is_empty() || entry.inherited_primary_key {
                    def.primary_key = columns.clone();
                    entry.inherited_primary_key = inherited;
                } else if !(inherited || def.primary_key == *columns) {
                    return Err(def.invalid("the table declares more than one primary key"));
                }
            }
            Constraint::Unique(name, columns) => {
                let def = &mut entry.def;
                if !(inherited && def.unique.iter().any(|u| u.columns == *columns)) {
                    def.push_unique(name.clone(), columns.clone());
                }
            }
            Constraint::ForeignKey(fk) => {
                let def = &mut entry.def;
                let same = |other: &ForeignKeyDef| {
                    other.columns == fk.columns
                        && other.referred_table == fk.referred_table
                        && other.referred_columns == fk.referred_columns
                };
                if !(inherited && def.foreign_keys.iter().any(same)) {
                    def.foreign_keys.push(fk.clone());
                    entry.fk_origins.push(origin.cloned());
                }
            }
        }
        Ok(())
    }

    /// Makes `child` a partition of `parent`: it takes the parent's keys
    /// it lacks (PostgreSQL clones them onto the partition).
    pub fn attach(&mut self, parent: usize, child: usize) -> Result<()> {
        if parent == child {
            return Ok(());
        }
        self.tables[child].partition_of = Some(parent);
        if !self.tables[parent].partitions.contains(&child) {
            self.tables[parent].partitions.push(child);
        }
        let def = &self.tables[parent].def;
        let mut inherited: Vec<(Constraint, Option<StatementLocation>)> = Vec::new();
        if !def.primary_key.is_empty() {
            inherited.push((Constraint::PrimaryKey(def.primary_key.clone()), None));
        }
        for unique in &def.unique {
            inherited.push((
                Constraint::Unique(unique.name.clone(), unique.columns.clone()),
                None,
            ));
        }
        for (fk, origin) in def.foreign_keys.iter().zip(&self.tables[parent].fk_origins) {
            inherited.push((Constraint::ForeignKey(fk.clone()), origin.clone()));
        }
        let targets: Vec<usize> = std::iter::once(child)
            .chain(self.partitions_below(child))
            .collect();
        for (constraint, origin) in inherited {
            for &target in &targets {
                self.apply(target, &constraint, origin.as_ref(), true)?;
            }
        }
        Ok(())
    }

    /// The schema: every table not dropped, in creation order. Foreign keys
    /// to missing columns are dropped with a warning; warnings come in
    /// text order.
    pub fn finish(mut self) -> Result<Schema> {
        self.check_matching_names()?;
        self.declare_referred_names();
        let mut builder = SchemaBuilder::new();
        let mut kept = Vec::new();
        for (i, entry) in self.tables.iter_mut().enumerate() {
            if !entry.dropped {
                kept.push(i);
                builder.add_table(std::mem::replace(&mut entry.def, TableBuilder::new("")));
            }
        }
        let schema = builder.build_with(ReferredColumns::DropBroken)?;
        for table in schema.tables() {
            let entry = &self.tables[kept[table.id().index()]];
            for broken in table.broken_foreign_keys() {
                self.warnings.push(SchemaWarning::new(
                    WarningKind::DroppedForeignKey,
                    broken_key_message(table, broken),
                    entry.fk_origins.get(broken.declared).cloned().flatten(),
                ));
            }
        }
        // Stable: a statement's warnings keep their order.
        self.warnings
            .sort_by_key(|w| w.statement().map_or(usize::MAX, StatementLocation::number));
        Ok(schema.with_warnings(self.warnings))
    }

    /// Two tables, or two columns of a table, whose names differ but
    /// match are one name twice, as the server says (`table USERS already
    /// exists`, `Duplicate column name 'ID'`). Names repeated exactly are
    /// left to the schema's own checks.
    fn check_matching_names(&self) -> Result<()> {
        let NameRules {
            tables: table_rule,
            columns: column_rule,
            ..
        } = self.rules;
        let live = || self.tables.iter().filter(|e| !e.dropped).map(|e| &e.def);
        let twice = |first: &str, second: &str, rule: Matching, error: Error| {
            error.context(format!(
                "'{first}' and '{second}' are one name: {}",
                rule.describe()
            ))
        };
        if !table_rule.is_exact() {
            let mut seen = HashMap::new();
            for def in live() {
                let namespace = def.namespace.as_deref().map(|n| table_rule.key(n));
                let name = def.qualified_name();
                match seen.entry((namespace, table_rule.key(&def.name))) {
                    Slot::Vacant(slot) => {
                        slot.insert(name);
                    }
                    Slot::Occupied(first) if *first.get() != name => {
                        let error = Error::DuplicateTable { name: name.clone() };
                        return Err(twice(first.get(), &name, table_rule, error));
                    }
                    Slot::Occupied(_) => {}
                }
            }
        }
        if !column_rule.is_exact() {
            for def in live() {
                let mut seen = HashMap::new();
                for column in &def.columns {
                    let first = seen
                        .entry(column_rule.key(&column.name))
                        .or_insert(&column.name);
                    if ***first != *column.name {
                        let error = Error::DuplicateColumn {
                            table: def.qualified_name(),
                            column: column.name.to_string(),
                        };
                        return Err(twice(first, &column.name, column_rule, error));
                    }
                }
            }
        }
        Ok(())
    }

    /// Writes each foreign key's referred table and columns as that table
    /// declares them, when the dialect matches names that differ from
    /// them (`REFERENCES USERS (ID)` to `users (id)` in SQLite). A key
    /// may name a table created after it, so this waits for the end.
    fn declare_referred_names(&mut self) {
        if self.rules.tables.is_exact() && self.rules.columns.is_exact() {
            return;
        }
        for t in 0..self.tables.len() {
            if self.tables[t].dropped {
                continue;
            }
            for f in 0..self.tables[t].def.foreign_keys.len() {
                let fk = &self.tables[t].def.foreign_keys[f];
                let Ok(referred) = self.find(&fk.referred_table) else {
                    continue;
                };
                let exact = self.names.find(&fk.referred_table).is_ok();
                let target = &self.tables[referred].def;
                let table = if exact {
                    fk.referred_table.clone()
                } else {
                    target.qualified_name()
                };
                let columns =
                    declared_columns(&target.columns, self.rules.columns, &fk.referred_columns);
                let fk = &mut self.tables[t].def.foreign_keys[f];
                fk.referred_table = table;
                fk.referred_columns = columns;
            }
        }
    }
}

/// A table name of one to three parts as `(namespace, table)`; the
/// default namespace for one part.
pub(super) fn split_name(
    parts: &[String],
    default_namespace: Option<&str>,
) -> Option<(Option<String>, String)> {
    match parts {
        [table] => Some((default_namespace.map(str::to_owned), table.clone())),
        [namespace, table] | [_, namespace, table] => {
            Some((Some(namespace.clone()), table.clone()))
        }
        _ => None,
    }
}
