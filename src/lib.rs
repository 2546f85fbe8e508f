#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod comparator;
pub mod error;
pub mod expr;
mod intern;
pub mod query;
pub mod registry;
pub mod relationship;
pub mod schema;
pub mod sql_text;

pub use error::{Error, ErrorKind, Position, Result};
