//! What the benchmarks share: the synthetic schemas of the scale
//! benchmarks ([`synthetic`]), the small schema of the predicate and
//! SQL-text benchmarks ([`predicates`]), and cache eviction for the
//! cold-cache cases ([`cold`]).

// Each bench target uses part of this module.
#![allow(dead_code)]

pub mod cold;
pub mod predicates;
pub mod synthetic;
