//! Identifier interning.
//!
//! sea-query renders `&'static str` identifiers without copying them, while
//! runtime `String`s are copied into every statement and copied again when
//! sea-query prepares the WHERE clause. Table, column and alias names are
//! therefore interned: each distinct name is stored once for the life of
//! the process. Only identifiers are interned, never values, so the memory
//! is bounded by the number of distinct names a program uses.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

/// The interned copy of `name`.
pub(crate) fn intern(name: &str) -> &'static str {
    static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    // A poisoned lock only means another thread panicked while inserting;
    // the set itself is still a valid set of leaked names.
    let mut names = NAMES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(&interned) = names.get(name) {
        return interned;
    }
    let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
    names.insert(leaked);
    leaked
}
