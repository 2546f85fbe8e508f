//! Scale: automap + `configure()` and `Schema::from_ddl` on synthetic
//! schemas of 10 to 10,000 tables (see `benches/common/mod.rs`).
//!
//! * `configure/<n>`: `Registry::builder(schema).automap().configure()`
//!   from an already parsed schema; the throughput is in relationships, so
//!   criterion also reports relationships per second (time per
//!   relationship = 1 / that). The registry is dropped outside the timing.
//! * `from_ddl/<n>`: parse the DDL text and build the schema; throughput
//!   in tables. The schema is dropped outside the timing.
//!
//! Run: `cargo bench --bench scale`; `benches/sqlalchemy_compare.py` times
//! the same workloads next to SQLAlchemy. Results are in BENCHMARKS.md.

mod common;

use std::sync::Arc;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sqlrel::registry::Registry;
use sqlrel::schema::Schema;

fn bench(c: &mut Criterion) {
    let inputs: Vec<_> = common::synthetic::SIZES
        .iter()
        .map(|&n| {
            let (ddl, counts) = common::synthetic::generate(n);
            let schema = Arc::new(Schema::from_ddl(&ddl).expect("generated DDL parses"));
            (n, ddl, schema, counts)
        })
        .collect();

    let mut group = c.benchmark_group("configure");
    for (n, _, schema, counts) in &inputs {
        let relationships = Registry::builder(Arc::clone(schema))
            .automap()
            .configure()
            .expect("configure")
            .relationships()
            .len();
        assert_eq!(relationships, counts.relationships());
        if *n >= 1_000 {
            group
                .sample_size(10)
                .measurement_time(Duration::from_secs(10));
        }
        group.throughput(Throughput::Elements(relationships as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), schema, |b, schema| {
            b.iter_with_large_drop(|| {
                Registry::builder(Arc::clone(schema))
                    .automap()
                    .configure()
                    .expect("configure")
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("from_ddl");
    for (n, ddl, _, _) in &inputs {
        if *n >= 1_000 {
            group
                .sample_size(10)
                .measurement_time(Duration::from_secs(10));
        }
        group.throughput(Throughput::Elements(*n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), ddl, |b, ddl| {
            b.iter_with_large_drop(|| Schema::from_ddl(ddl).expect("from_ddl"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
