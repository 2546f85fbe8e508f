#![doc = include_str!("../README.md")]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// Layers, bottom up: each module uses only those above it in this list.
// `docs/architecture.md` explains the map.
//
// Shared vocabulary (leaves):
pub mod dialect;
pub mod direction;
pub mod error;
pub mod nesting;
// 1. The catalog: tables, columns, keys; from DDL or a builder ...
pub mod schema;
// ... and read from a live database.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "sqlite", feature = "postgres"))))]
pub mod reflect;
// 2. The annotated expression AST and the condition parser.
pub mod expr;
// 3. Declarations and their resolution into join conditions (SQLAlchemy's JoinCondition).
pub mod relationship;
// 4. Configure: every declaration resolved once, backrefs, reverse properties.
pub mod registry;
// 5. Declarations derived from foreign keys, fed to the registry.
pub mod automap;
// 6. Relationship predicates as expressions.
pub mod comparator;
// 7. Statements, rendered per dialect.
pub mod query;
// 8. Front ends: relationship-aware SQL text, the relationship file.
pub mod relationship_file;
pub mod sql_text;

pub use error::{Error, ErrorKind, Position, Result};

/// The sea-query sqlrel builds statements with (1.x), so that
/// `Expr::to_sea_query`, `Select::build`'s `Values` and sea-query's binders
/// meet without a version to match by hand.
pub use sea_query;
/// The sqlparser sqlrel reads SQL with (0.64), whose dialects and errors
/// appear in sqlrel's API.
pub use sqlparser;
