//! The names of relationships, per table: what configure looks up by
//! table and name, and what [`Registry::get`](super::Registry::get) reads
//! once configure is done.

use std::collections::HashMap;
use std::sync::Arc;

use crate::schema::{Schema, TableId};

/// Every name in use on each table, by table index. One map lookup per
/// question instead of a scan of the declarations or the relationships,
/// which keeps configure linear in the size of the schema (`scale` bench).
#[derive(Debug, Clone, Default)]
pub(crate) struct NameIndex(Vec<HashMap<Arc<str>, Entry>>);

/// The uses of one name on one table.
///
/// An entry with neither position is a name a declared backref will take:
/// it is taken for every later declaration, though nothing is configured
/// under it yet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Entry {
    /// Position of the declaration of this name.
    pub(crate) declared: Option<usize>,
    /// Position of the relationship configured under this name.
    pub(crate) configured: Option<usize>,
}

impl NameIndex {
    /// An empty index for the tables of `schema`.
    pub(crate) fn new(schema: &Schema) -> Self {
        let mut tables = Vec::new();
        tables.resize_with(schema.tables().len(), HashMap::new);
        NameIndex(tables)
    }

    /// The entry of `name` on `table`, if the name is in use.
    pub(crate) fn get(&self, table: TableId, name: &str) -> Option<Entry> {
        self.0.get(table.index())?.get(name).copied()
    }

    /// Whether `name` is in use on `table`.
    pub(crate) fn contains(&self, table: TableId, name: &str) -> bool {
        self.get(table, name).is_some()
    }

    /// The entry of `name` on `table`, created empty if need be; a new
    /// entry shares the name's string.
    fn entry(&mut self, table: TableId, name: &Arc<str>) -> &mut Entry {
        if self.0.len() <= table.index() {
            self.0.resize_with(table.index() + 1, HashMap::new);
        }
        self.0[table.index()].entry(Arc::clone(name)).or_default()
    }

    /// Records the declaration at `position` unless `name` is declared on
    /// `table` already (the first declaration keeps the name).
    pub(crate) fn declare(&mut self, table: TableId, name: &Arc<str>, position: usize) {
        self.entry(table, name).declared.get_or_insert(position);
    }

    /// Marks `name` as taken on `table` by a backref still to configure.
    pub(crate) fn reserve(&mut self, table: TableId, name: &Arc<str>) {
        self.entry(table, name);
    }

    /// Records the relationship configured at `position` (the first one,
    /// if a name were configured twice).
    pub(crate) fn configured(&mut self, table: TableId, name: &Arc<str>, position: usize) {
        self.entry(table, name).configured.get_or_insert(position);
    }

    /// The positions of the relationships configured on `table`.
    pub(crate) fn configured_on(&self, table: TableId) -> impl Iterator<Item = usize> + '_ {
        self.0
            .get(table.index())
            .into_iter()
            .flat_map(|names| names.values().filter_map(|entry| entry.configured))
    }

    /// Every entry, sorted, for tests comparing two indexes.
    #[cfg(test)]
    pub(crate) fn sorted(&self) -> Vec<(usize, Arc<str>, Entry)> {
        let mut all: Vec<_> = self
            .0
            .iter()
            .enumerate()
            .flat_map(|(table, names)| {
                names
                    .iter()
                    .map(move |(name, entry)| (table, Arc::clone(name), *entry))
            })
            .collect();
        all.sort();
        all
    }
}
