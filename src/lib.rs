//! sqlrel: relationship-aware SQL query building.
//!
//! Describe tables and foreign keys, declare relationships (or let automap
//! discover them) and write predicates such as "users that have an address
//! at example.com"; sqlrel derives the join conditions from the constraints
//! the way SQLAlchemy's `relationship()` does and emits deterministic SQL for
//! PostgreSQL, MySQL and SQLite.
#![warn(missing_docs)]

pub mod comparator;
pub mod error;
pub mod expr;
pub mod query;
pub mod registry;
pub mod relationship;
pub mod schema;

pub use error::{Error, ErrorKind, Result};
