//! Relationship-aware SQL text expanded into dialect SQL
//! (`sqlrel::sql_text::expand_sql`) for a few typical statements: parse the
//! text, build each relationship call with the comparators, render it and
//! splice it into the text. Measured only; there is no hand-written
//! counterpart.
//!
//! Run: `cargo bench --bench expand_sql`; results are in BENCHMARKS.md.

mod common;

use std::hint::black_box;

use common::predicates::{EXPAND_STATEMENTS, registry};
use criterion::{Criterion, criterion_group, criterion_main};
use sqlrel::query::Dialect;
use sqlrel::sql_text::{expand_sql, expand_sql_with_params};

fn bench(c: &mut Criterion) {
    let registry = registry();
    let mut group = c.benchmark_group("expand_sql");
    for (name, text) in EXPAND_STATEMENTS {
        group.bench_function(format!("{name} / postgres, inlined"), |b| {
            b.iter(|| black_box(expand_sql(&registry, text, Dialect::Postgres).expect("expand")))
        });
        group.bench_function(format!("{name} / postgres, parameters"), |b| {
            b.iter(|| {
                black_box(
                    expand_sql_with_params(&registry, text, Dialect::Postgres).expect("expand"),
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
