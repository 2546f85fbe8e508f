//! The tables a DDL text defines so far, as the statements read change
//! them, and the schema they make at the end.

use std::collections::HashMap;

use super::super::builder::{
    ForeignKeyDef, ReferredColumns, SchemaBuilder, TableBuilder, TableNames, qualify,
};
use super::super::{
    Column, Schema, SchemaWarning, StatementLocation, TableId, WarningKind, broken_key_message,
};
use crate::error::Result;

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

impl Entry {
    pub fn column_mut(&mut self, name: &str) -> Option<&mut Column> {
        self.def.columns.iter_mut().find(|c| &*c.name == name)
    }
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
    pub fn warn(
        &mut self,
        kind: WarningKind,
        message: impl Into<String>,
        at: Option<StatementLocation>,
    ) {
        self.warnings.push(SchemaWarning::new(kind, message, at));
    }

    /// The table named `namespace.name` (or a bare name one namespace holds).
    pub fn find(&self, qualified: &str) -> Result<usize> {
        self.names.find(qualified).map(TableId::index)
    }

    pub fn exists(&self, namespace: Option<&str>, name: &str) -> bool {
        self.names.find(&qualify(namespace, name)).is_ok_and(|id| {
            let t = &self.tables[id.index()].def;
            t.namespace.as_deref() == namespace && t.name == name
        })
    }

    /// Adds a table; its constraints are applied with
    /// [`add_constraint`](Self::add_constraint).
    pub fn add_table(&mut self, def: TableBuilder) -> usize {
        let index = self.tables.len();
        self.names.push(
            def.namespace.clone(),
            def.name.clone(),
            TableId(index as u32),
        );
        self.tables.push(Entry {
            def,
            dropped: false,
            inherited_primary_key: false,
            fk_origins: Vec::new(),
            partition_of: None,
            partitions: Vec::new(),
        });
        index
    }

    /// Drops a table; with `cascade`, also the foreign keys referring to
    /// it.
    pub fn drop_table(&mut self, index: usize, cascade: bool) {
        if cascade {
            let id = Some(TableId(index as u32));
            for t in 0..self.tables.len() {
                let keep: Vec<bool> = self.tables[t]
                    .def
                    .foreign_keys
                    .iter()
                    .map(|fk| self.names.find(&fk.referred_table).ok() != id)
                    .collect();
                self.retain_foreign_keys(t, &keep);
            }
        }
        let entry = &mut self.tables[index];
        entry.dropped = true;
        let (namespace, name) = (entry.def.namespace.clone(), entry.def.name.clone());
        self.names
            .remove(namespace.as_deref(), &name, TableId(index as u32));
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
        let def = &self.tables[index].def;
        let keep: Vec<bool> = def
            .foreign_keys
            .iter()
            .map(|fk| fk.name.as_deref() != Some(name))
            .collect();
        let mut found = keep.contains(&false);
        self.retain_foreign_keys(index, &keep);
        let def = &mut self.tables[index].def;
        let before = def.unique.len();
        def.unique.retain(|u| u.name.as_deref() != Some(name));
        found |= def.unique.len() != before;
        found
    }

    /// Renames a column of table `index`, in its keys and in the keys
    /// referring to it.
    pub fn rename_column(&mut self, index: usize, old: &str, new: &str) {
        let id = Some(TableId(index as u32));
        let rename = |names: &mut Vec<String>| {
            for n in names.iter_mut().filter(|n| *n == old) {
                *n = new.to_owned();
            }
        };
        for t in 0..self.tables.len() {
            let refers: Vec<bool> = self.tables[t]
                .def
                .foreign_keys
                .iter()
                .map(|fk| self.names.find(&fk.referred_table).ok() == id)
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
                    .filter(|(_, fk)| {
                        self.names.find(&fk.referred_table).ok() == Some(TableId(index as u32))
                    })
                    .map(move |(f, _)| (t, f))
            })
            .collect();
        let (old_namespace, old_name) = {
            let def = &self.tables[index].def;
            (def.namespace.clone(), def.name.clone())
        };
        self.names
            .remove(old_namespace.as_deref(), &old_name, TableId(index as u32));
        let new = qualify(namespace.as_deref(), &name);
        for (t, f) in refers_to_it {
            self.tables[t].def.foreign_keys[f].referred_table = new.clone();
        }
        let def = &mut self.tables[index].def;
        def.namespace = namespace;
        def.name = name;
        self.names.push(
            def.namespace.clone(),
            def.name.clone(),
            TableId(index as u32),
        );
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
        let entry = &mut self.tables[index];
        match constraint {
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
