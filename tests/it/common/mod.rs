//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod case;
pub mod engines;
pub mod exec;
pub mod generate;
pub mod oracle;
pub mod parse_back;
pub mod predicate;
