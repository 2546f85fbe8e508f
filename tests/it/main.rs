//! The integration tests: one module per area, all in one test binary.
//! Every test binary links the whole dependency tree (sqlrel, sea-query,
//! sqlparser, the database drivers, proptest, insta), so one binary instead
//! of one per area keeps the build short and the target directory small.
//!
//! Tests that need PostgreSQL (`DATABASE_URL`) or MariaDB (`MYSQL_URL`) are
//! skipped, with a notice, when their URL is unset; `scripts/test.sh` starts
//! throwaway servers and runs them all (see `common::engines`).

mod common;

mod automap;
#[cfg(feature = "cli")]
mod cli;
#[cfg(feature = "cli")]
mod cli_dumps;
#[cfg(feature = "cli")]
mod cli_inputs;
#[cfg(feature = "cli")]
mod cli_usage;
mod comparators;
mod conformance;
mod ddl_case;
mod ddl_dialects;
mod ddl_dumps;
#[cfg(all(feature = "sqlite", feature = "postgres"))]
mod dumps;
mod expr;
mod hostile_values;
mod identifiers;
mod joins;
mod lazy_clause;
mod nesting;
mod proptest_no_panic;
#[cfg(all(feature = "sqlite", feature = "postgres"))]
mod reflect;
mod registry;
mod relationship_file;
mod schema;
mod scope;
mod sea_query_interop;
mod sql_text;
mod sql_text_invariant;
mod with_parent;
