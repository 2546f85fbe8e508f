//! Relationship-aware SQL text expanded into dialect SQL
//! (`sqlrel::sql_text::expand_sql`) for a few typical statements: parse the
//! text, build each relationship call with the comparators, render it and
//! splice it into the text. Measured only; there is no hand-written
//! counterpart.
//!
//! `expand_sql_many_calls/<n>` expands one statement with `n` calls (200,
//! 2,000 and 20,000, one per select-list column): the time per call must
//! not grow with `n`.
//!
//! Run: `cargo bench --bench expand_sql`; results are in BENCHMARKS.md.

mod common;

use std::hint::black_box;

use common::predicates::{EXPAND_STATEMENTS, registry};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
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

    let mut group = c.benchmark_group("expand_sql_many_calls");
    group.sample_size(10);
    for n in [200usize, 2_000, 20_000] {
        let columns: Vec<String> = (0..n)
            .map(|i| format!("users.addresses.any(addresses.email = 'a{i}') AS c{i}"))
            .collect();
        let text = format!("SELECT {} FROM users", columns.join(", "));
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| black_box(expand_sql(&registry, &text, Dialect::Postgres).expect("expand")))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
