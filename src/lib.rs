#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod automap;
pub mod comparator;
pub mod error;
pub mod expr;
mod intern;
pub mod query;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub mod reflect;
pub mod registry;
pub mod relationship;
pub mod schema;
pub mod sql_text;

pub use error::{Error, ErrorKind, Position, Result};
