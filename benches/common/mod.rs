//! What the benchmarks share: the synthetic schemas of the scale
//! benchmarks ([`synthetic`]) and the small schema of the predicate and
//! SQL-text benchmarks ([`predicates`]).

// Each bench target uses part of this module.
#![allow(dead_code)]

pub mod predicates;
pub mod synthetic;
