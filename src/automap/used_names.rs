//! The names automap has generated so far, per table.

use std::hash::{BuildHasher, RandomState};

use hashbrown::HashTable;

use crate::error::{Error, Result};
use crate::schema::{Table, TableId};

/// The rules that hold for every [`Naming`](super::Naming), applied name
/// by name in generation order: no empty names, no name equal to a column
/// of its table, no name generated twice on a table.
///
/// All names live end to end in one string and are found through one hash
/// table keyed by table and name. Per-table sets of owned strings cost an
/// allocation per name and per table, and dropping them visited every one:
/// on a 10,000-table schema that was tens of thousands of cache misses.
pub(super) struct UsedNames {
    /// Every name taken so far.
    text: String,
    taken: HashTable<Taken>,
    hasher: RandomState,
}

/// A name taken on a table: `text[start..start + len]`.
#[derive(Clone, Copy)]
struct Taken {
    table: TableId,
    len: u32,
    start: usize,
}

impl UsedNames {
    /// Room for about `names` names.
    pub(super) fn with_capacity(names: usize) -> Self {
        UsedNames {
            // Generated names are short: a table name and a suffix or two.
            text: String::with_capacity(names * 16),
            taken: HashTable::with_capacity(names),
            hasher: RandomState::new(),
        }
    }

    /// Makes `name` final on `table` (given the names taken before it) and
    /// takes it: a name equal to a column gets `_` appended until it is
    /// not, a name taken already gets `_2`, `_3`, ... (rules 1 and 2 of
    /// [`Naming`](super::Naming)'s "Rules applied after naming").
    pub(super) fn settle(&mut self, table: &Table, name: &mut String) -> Result<()> {
        if name.is_empty() {
            return Err(Error::invalid(format!(
                "automap: the naming gave an empty relationship name on table '{}'",
                table.qualified_name()
            )));
        }
        while table.column_id(name).is_some() {
            name.push('_');
        }
        // Each name is hashed once, for the lookup and the insert.
        let mut hash = self.hash(table.id(), name);
        if self.contains(hash, table.id(), name) {
            let base = std::mem::take(name);
            for n in 2usize.. {
                let candidate = format!("{base}_{n}");
                hash = self.hash(table.id(), &candidate);
                if !self.contains(hash, table.id(), &candidate)
                    && table.column_id(&candidate).is_none()
                {
                    *name = candidate;
                    break;
                }
            }
        }
        self.take(hash, table.id(), name)
    }

    fn hash(&self, table: TableId, name: &str) -> u64 {
        self.hasher.hash_one((table, name))
    }

    /// Whether `name`, hashing to `hash`, is taken on `table`.
    fn contains(&self, hash: u64, table: TableId, name: &str) -> bool {
        self.taken
            .find(hash, |taken| self.is(taken, table, name))
            .is_some()
    }

    /// Whether `taken` is `name` on `table`.
    fn is(&self, taken: &Taken, table: TableId, name: &str) -> bool {
        taken.table == table && taken.name(&self.text) == name
    }

    /// Records `name` (not taken yet, hashing to `hash`) on `table`.
    fn take(&mut self, hash: u64, table: TableId, name: &str) -> Result<()> {
        let len = u32::try_from(name.len()).map_err(|_| {
            Error::invalid(format!(
                "automap: the naming gave a relationship name of {} bytes; at most 4 GiB is supported",
                name.len()
            ))
        })?;
        let taken = Taken {
            table,
            len,
            start: self.text.len(),
        };
        self.text.push_str(name);
        let (text, hasher) = (&self.text, &self.hasher);
        self.taken
            .insert_unique(hash, taken, |t| hasher.hash_one((t.table, t.name(text))));
        Ok(())
    }
}

impl Taken {
    /// The name, read from the text of all names.
    fn name(self, text: &str) -> &str {
        // `start..start + len` is where `take` appended the name, whole.
        text.get(self.start..self.start + self.len as usize)
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Schema;

    fn users() -> Schema {
        Schema::from_ddl(
            "CREATE TABLE users (id INTEGER PRIMARY KEY, addresses TEXT);
             CREATE TABLE orders (id INTEGER PRIMARY KEY);",
        )
        .expect("valid DDL")
    }

    fn settled(used: &mut UsedNames, table: &Table, name: &str) -> String {
        let mut name = name.to_owned();
        used.settle(table, &mut name).expect("a non-empty name");
        name
    }

    #[test]
    fn names_are_kept_apart_per_table() {
        let schema = users();
        let (users, orders) = (
            schema.table("users").expect("users"),
            schema.table("orders").expect("orders"),
        );
        let mut used = UsedNames::with_capacity(1);
        assert_eq!(settled(&mut used, users, "orders"), "orders");
        assert_eq!(settled(&mut used, users, "orders"), "orders_2");
        assert_eq!(settled(&mut used, users, "orders"), "orders_3");
        assert_eq!(settled(&mut used, orders, "orders"), "orders");
        assert_eq!(settled(&mut used, users, "orders_2"), "orders_2_2");
    }

    #[test]
    fn a_name_equal_to_a_column_gets_an_underscore() {
        let schema = users();
        let users = schema.table("users").expect("users");
        let mut used = UsedNames::with_capacity(0);
        assert_eq!(settled(&mut used, users, "addresses"), "addresses_");
        assert_eq!(settled(&mut used, users, "addresses"), "addresses__2");
        assert_eq!(settled(&mut used, users, "id"), "id_");
    }

    #[test]
    fn an_empty_name_is_an_error_and_takes_nothing() {
        let schema = users();
        let users = schema.table("users").expect("users");
        let mut used = UsedNames::with_capacity(0);
        let mut name = String::new();
        let err = used.settle(users, &mut name).expect_err("empty name");
        assert!(
            err.to_string()
                .contains("empty relationship name on table 'users'")
        );
        assert!(used.taken.is_empty() && used.text.is_empty());
    }
}
