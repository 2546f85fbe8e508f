//! Scale: automap + `configure()` and `Schema::from_ddl` on synthetic
//! schemas of 10 to 10,000 tables (see `benches/common/mod.rs`).
//!
//! * `configure/<n>`: `Registry::builder(schema).automap().configure()`
//!   from an already parsed schema; the throughput is in relationships, so
//!   criterion also reports relationships per second (time per
//!   relationship = 1 / that). The registry is dropped outside the timing.
//! * `configure_cold/<n>` (1,000 and 10,000 tables): the same configure,
//!   each call preceded (untimed) by writing 64 MB so that it starts with
//!   nothing in cache, as the one configure at a program's start-up does.
//!   In the `configure` loop a 1,000-table schema and the memory of the
//!   previous registry stay in cache; a 10,000-table one does not, so the
//!   loop favours small schemas. Smaller schemas are left out: their cold
//!   runs would spend nearly all their time evicting.
//! * `from_ddl/<n>`: parse the DDL text and build the schema; throughput
//!   in tables. The schema is dropped outside the timing.
//!
//! Run: `cargo bench --bench scale` (one group: `cargo bench --bench scale
//! -- configure_cold`); `benches/sqlalchemy_compare.py` times the same
//! workloads next to SQLAlchemy. Results are in BENCHMARKS.md.

mod common;

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::cold::Evictor;
use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use sqlrel::registry::Registry;
use sqlrel::relationship::RelationshipConfig;
use sqlrel::relationship_file;
use sqlrel::schema::Schema;

/// The workload of both configure groups.
fn configure(schema: &Arc<Schema>) -> Registry {
    Registry::builder(Arc::clone(schema))
        .automap()
        .configure()
        .expect("configure")
}

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
        let relationships = configure(schema).relationships().len();
        assert_eq!(relationships, counts.relationships());
        if *n >= 1_000 {
            group
                .sample_size(10)
                .measurement_time(Duration::from_secs(10));
        }
        group.throughput(Throughput::Elements(relationships as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), schema, |b, schema| {
            b.iter_with_large_drop(|| configure(schema))
        });
    }
    group.finish();

    // Each timed call also costs an untimed eviction, so this group keeps
    // its timed total short; flat sampling (the same number of calls in
    // every sample) suits calls of milliseconds.
    let mut group = c.benchmark_group("configure_cold");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    let mut evictor = Evictor::new();
    for (n, _, schema, counts) in inputs.iter().filter(|(n, ..)| *n >= 1_000) {
        group.throughput(Throughput::Elements(counts.relationships() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), schema, |b, schema| {
            b.iter_custom(|iterations| {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    evictor.evict();
                    let start = Instant::now();
                    let registry = black_box(configure(schema));
                    total += start.elapsed();
                    drop(registry);
                }
                total
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

    validate_file(c);
}

/// `validate_file/<n>`: a relationship file of `n` relationships, all on
/// one table, checked against the schema (`relationship_file::validate`,
/// the registry's argument checks): the time per relationship must not
/// grow with `n`.
fn validate_file(c: &mut Criterion) {
    let schema = Schema::from_ddl(
        "CREATE TABLE hub (id INTEGER PRIMARY KEY);
         CREATE TABLE leaf (id INTEGER PRIMARY KEY, hub_id INTEGER REFERENCES hub(id));",
    )
    .expect("valid DDL");
    let mut group = c.benchmark_group("validate_file");
    group.sample_size(10);
    for n in [1_000usize, 10_000, 100_000] {
        let configs: Vec<RelationshipConfig> = (0..n)
            .map(|i| {
                RelationshipConfig::new("hub", format!("leaves_{i}"), "leaf")
                    .viewonly(true)
                    .backref(format!("hub_{i}"))
            })
            .collect();
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &configs, |b, configs| {
            b.iter(|| relationship_file::validate(black_box(configs), &schema).expect("valid"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
