//! The Rust side of `benches/sqlalchemy_compare.py`, and the DDL it shares.
//!
//! A plain program (`harness = false`), not a criterion benchmark: the
//! Python script runs it so that one run measures both columns on the same
//! machine in the same minutes. The criterion benchmarks (`scale`,
//! `render`, `expand_sql`) measure the same workloads with criterion's
//! statistics.
//!
//! ```sh
//! cargo bench --bench compare                       # writes target/bench-schemas/<n>.sql
//! cargo bench --bench compare -- schemas DIR        # the same, into DIR
//! cargo bench --bench compare -- ddl 1000           # one schema's DDL on stdout
//! cargo bench --bench compare -- measure [--quick]  # timings, one JSON object a line
//! cargo bench --bench compare -- serve [--quick] N...  # one batch per stdin line (for the script)
//! cargo bench --bench compare -- memory 10000       # heap and RSS of parse + automap + configure
//! cargo bench --bench compare -- repeat configure 1000 50   # a loop to profile
//! ```
//!
//! `measure` reports, for each workload, the median of several timed runs
//! (each run a batch of iterations long enough to time reliably) in
//! nanoseconds per iteration, plus every run's value. The runs of all
//! workloads are interleaved (see `measure_all`).

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

use common::cold::Evictor;
use common::predicates::{EXPAND_STATEMENTS, registry, select_ids, select_ids_by_hand};
use common::synthetic;
use sea_query::{Expr as SqExpr, ExprTrait, PostgresQueryBuilder};
use sqlrel::expr::Expr;
use sqlrel::query::Dialect;
use sqlrel::registry::Registry;
use sqlrel::relationship::{Relationship, RelationshipConfig};
use sqlrel::schema::{ColumnRef, Schema, Table};

/// `SELECT users.id FROM users WHERE users.addresses.any(addresses.email
/// LIKE ..)`, built and rendered for PostgreSQL.
fn any_sqlrel(
    o2m: &Relationship,
    users: &Arc<Table>,
    users_id: &ColumnRef,
    email: &ColumnRef,
) -> (String, sea_query::Values) {
    let pred = o2m
        .any(Expr::col(email.clone()).like("%@example.com"))
        .expect("any");
    select_ids(Dialect::Postgres, users, users_id, pred)
}

/// The same statement written by hand with sea-query, in its fastest form.
fn any_by_hand() -> (String, sea_query::Values) {
    let condition = SqExpr::col(("users", "id"))
        .equals(("addresses", "user_id"))
        .and(SqExpr::col(("addresses", "email")).like("%@example.com"));
    select_ids_by_hand(PostgresQueryBuilder, "users", &["addresses"], condition)
}

/// The system allocator, counting live and peak heap bytes and the number
/// of allocations while [`COUNTING`] is on (only in `memory` mode, so the
/// timings pay one relaxed load per allocation).
struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to `System` unchanged; the counters are
// bookkeeping only.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Relaxed) {
            let live = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
            PEAK.fetch_max(live, Relaxed);
            ALLOCATIONS.fetch_add(1, Relaxed);
        }
        // SAFETY: the caller's contract is `System::alloc`'s.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if COUNTING.load(Relaxed) {
            LIVE.fetch_sub(layout.size(), Relaxed);
        }
        // SAFETY: the caller's contract is `System::dealloc`'s.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.load(Relaxed) {
            if new_size >= layout.size() {
                let grown = new_size - layout.size();
                let live = LIVE.fetch_add(grown, Relaxed) + grown;
                PEAK.fetch_max(live, Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Relaxed);
            }
            ALLOCATIONS.fetch_add(1, Relaxed);
        }
        // SAFETY: the caller's contract is `System::realloc`'s.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// One workload of `measure`: its label and a function running it a given
/// number of times, returning the time spent.
struct Workload<'a> {
    side: &'static str,
    workload: &'static str,
    case: &'static str,
    n: Option<usize>,
    extra: String,
    run: Box<dyn FnMut(usize) -> Duration + 'a>,
    iterations: usize,
    per_iteration: Vec<f64>,
}

impl<'a> Workload<'a> {
    /// `f` timed in batches: quick workloads many times in a row, each
    /// result dropped in the loop (as criterion's `iter` does); slow ones
    /// (a millisecond or more: configure, from_ddl) one call at a time,
    /// each result dropped after the clock stops (criterion's
    /// `iter_with_large_drop`).
    fn new<T>(
        side: &'static str,
        workload: &'static str,
        case: &'static str,
        n: Option<usize>,
        batch: Duration,
        mut f: impl FnMut() -> T + 'a,
    ) -> Self {
        // Warm up (for at least 10 ms) and find how many iterations fill a
        // batch.
        let mut calls = 0u32;
        let start = Instant::now();
        while calls < 2 || start.elapsed() < Duration::from_millis(10) {
            drop(black_box(f()));
            calls += 1;
        }
        let once = (start.elapsed() / calls).max(Duration::from_nanos(1));
        let iterations = (batch.as_nanos() / once.as_nanos()).clamp(1, 1_000_000) as usize;
        let slow = once >= Duration::from_millis(1);
        // Quick workloads get 1 ms of untimed calls before each batch, which
        // also absorbs the allocator's clean-up after the workload before.
        let warm_up = (Duration::from_millis(1).as_nanos() / once.as_nanos()) as usize;
        let run = move |iterations: usize| {
            if slow {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    let start = Instant::now();
                    let result = black_box(f());
                    total += start.elapsed();
                    drop(result);
                }
                total
            } else {
                for _ in 0..warm_up {
                    drop(black_box(f()));
                }
                let start = Instant::now();
                for _ in 0..iterations {
                    drop(black_box(f()));
                }
                start.elapsed()
            }
        };
        Self::labelled(side, workload, case, n, iterations, run)
    }

    /// `f` timed one call at a time, each call preceded (untimed) by
    /// evicting the caches (see [`Evictor`]): a configure as a program runs
    /// it once, without the previous iteration's data in cache.
    fn cold<T>(
        side: &'static str,
        workload: &'static str,
        case: &'static str,
        n: Option<usize>,
        mut f: impl FnMut() -> T + 'a,
    ) -> Self {
        let mut evictor = Evictor::new();
        let run = move |iterations: usize| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                evictor.evict();
                let start = Instant::now();
                let result = black_box(f());
                total += start.elapsed();
                drop(result);
            }
            total
        };
        Self::labelled(side, workload, case, n, 1, run)
    }

    /// A workload running `run(iterations)` per round.
    fn labelled(
        side: &'static str,
        workload: &'static str,
        case: &'static str,
        n: Option<usize>,
        iterations: usize,
        run: impl FnMut(usize) -> Duration + 'a,
    ) -> Self {
        Workload {
            side,
            workload,
            case,
            n,
            extra: String::new(),
            run: Box::new(run),
            iterations,
            per_iteration: Vec::new(),
        }
    }

    /// Adds `extra` (`, "key": value` pairs) to the reported JSON object.
    fn with_extra(mut self, extra: &str) -> Self {
        self.extra = extra.to_owned();
        self
    }

    fn round(&mut self) {
        let elapsed = (self.run)(self.iterations);
        self.per_iteration
            .push(elapsed.as_nanos() as f64 / self.iterations as f64);
    }

    fn report(&self) {
        if self.per_iteration.is_empty() {
            return;
        }
        let mut sorted = self.per_iteration.clone();
        sorted.sort_by(f64::total_cmp);
        let median = sorted[sorted.len() / 2];
        let runs: Vec<String> = self
            .per_iteration
            .iter()
            .map(|r| format!("{r:.1}"))
            .collect();
        let n = self.n.map_or("null".to_owned(), |n| n.to_string());
        println!(
            "{{\"side\": \"{}\", \"workload\": \"{}\", \"case\": \"{}\", \"n\": {n}, \"median_ns\": {median:.1}, \"runs_ns\": [{}]{}}}",
            self.side,
            self.workload,
            self.case,
            runs.join(", "),
            self.extra,
        );
    }
}

/// A generated schema, parsed.
struct Input {
    n: usize,
    ddl: String,
    schema: Arc<Schema>,
    extra: String,
}

fn inputs(sizes: &[usize]) -> Vec<Input> {
    sizes
        .iter()
        .map(|&n| {
            let (ddl, counts) = synthetic::generate(n);
            let schema = Arc::new(Schema::from_ddl(&ddl).expect("generated DDL parses"));
            let relationships = Registry::builder(Arc::clone(&schema))
                .automap()
                .configure()
                .expect("configure")
                .relationships()
                .len();
            assert_eq!(
                relationships,
                counts.relationships(),
                "generated relationships"
            );
            let extra = format!(
                ", \"relationships\": {relationships}, \"tables\": {}",
                counts.tables
            );
            Input {
                n,
                ddl,
                schema,
                extra,
            }
        })
        .collect()
}

/// Every workload, in phases: the workloads compared with one another
/// share a phase; different kinds of work are kept apart so that one does
/// not leave the allocator's clean-up to another (parsing 10,000 tables
/// frees some 280 MB of syntax tree).
fn phases<'a>(
    inputs: &'a [Input],
    registry: &'a Registry,
    batch: Duration,
) -> Vec<Vec<Workload<'a>>> {
    let schema = registry.schema();
    let users = schema.table("users").expect("users").clone();
    let users_id = schema.column("users.id").expect("column");
    let email = schema.column("addresses.email").expect("column");
    let o2m = registry.relationship("users.addresses").expect("rel");

    let mut configure = Vec::new();
    let mut from_ddl = Vec::new();
    for input in inputs {
        let schema = &input.schema;
        let configure_once = move || {
            Registry::builder(Arc::clone(schema))
                .automap()
                .configure()
                .expect("configure")
        };
        configure.push(
            Workload::new(
                "sqlrel",
                "configure",
                "automap + configure",
                Some(input.n),
                batch,
                configure_once,
            )
            .with_extra(&input.extra),
        );
        configure.push(
            Workload::cold(
                "sqlrel",
                "configure",
                "automap + configure, cold cache",
                Some(input.n),
                configure_once,
            )
            .with_extra(&input.extra),
        );
        from_ddl.push(
            Workload::new(
                "sqlrel",
                "from_ddl",
                "parse + build",
                Some(input.n),
                batch,
                || Schema::from_ddl(&input.ddl).expect("from_ddl"),
            )
            .with_extra(&input.extra),
        );
    }
    let render = vec![
        Workload::new("sqlrel", "render", "o2m any", None, batch, move || {
            any_sqlrel(o2m, &users, &users_id, &email)
        }),
        Workload::new("sea-query", "render", "o2m any", None, batch, any_by_hand),
    ];
    let expand = EXPAND_STATEMENTS
        .iter()
        .map(|&(case, text)| {
            Workload::new("sqlrel", "expand_sql", case, None, batch, move || {
                sqlrel::sql_text::expand_sql(registry, text, Dialect::Postgres).expect("expand_sql")
            })
        })
        .collect();
    vec![configure, from_ddl, render, expand]
}

/// Times every workload in `rounds` interleaved rounds (each round runs
/// one batch of each workload of a phase, in a fixed order), so that a slow
/// period of this noisy machine is spread over the workloads compared with
/// one another rather than landing on one of them; reports the median per
/// workload.
fn measure_all(quick: bool, sizes: &[usize]) {
    let rounds = if quick { 3 } else { 11 };
    let batch = Duration::from_millis(if quick { 20 } else { 100 });
    let inputs = inputs(sizes);
    let registry = registry();
    for mut phase in phases(&inputs, &registry, batch) {
        for _ in 0..rounds {
            for workload in &mut phase {
                workload.round();
            }
        }
        for workload in &phase {
            workload.report();
        }
    }
}

/// For `benches/sqlalchemy_compare.py`, which alternates batches of both
/// sides: reads workload names from stdin, one a line (`configure 1000`,
/// `configure-cold 1000`, `from_ddl 1000`, `render sqlrel`, `render
/// sea-query`, `expand_sql 0`), runs one batch of it and prints its time
/// per iteration in nanoseconds; `report` prints every workload's summary
/// as `measure` does.
fn serve(quick: bool, sizes: &[usize]) {
    let batch = Duration::from_millis(if quick { 20 } else { 100 });
    let inputs = inputs(sizes);
    let registry = registry();
    let mut workloads: Vec<Workload<'_>> = phases(&inputs, &registry, batch)
        .into_iter()
        .flatten()
        .collect();
    let key = |w: &Workload<'_>| match (w.workload, w.n) {
        ("configure", Some(n)) if w.case.ends_with("cold cache") => format!("configure-cold {n}"),
        (workload, Some(n)) => format!("{workload} {n}"),
        ("render", None) => format!("render {}", w.side),
        ("expand_sql", None) => {
            let i = EXPAND_STATEMENTS
                .iter()
                .position(|&(case, _)| case == w.case)
                .unwrap_or(0);
            format!("expand_sql {i}")
        }
        (workload, None) => workload.to_owned(),
    };
    println!("ready");
    for line in std::io::stdin().lines() {
        let line = line.expect("stdin");
        let line = line.trim();
        if line == "report" {
            workloads.iter().for_each(Workload::report);
            println!("done");
            continue;
        }
        match workloads.iter_mut().find(|w| key(w) == line) {
            Some(workload) => {
                workload.round();
                println!(
                    "{:.1}",
                    workload.per_iteration.last().copied().unwrap_or(0.0)
                );
            }
            None => println!("unknown workload: {line}"),
        }
    }
}

/// `VmHWM` and `VmRSS` of this process in kB (Linux).
fn memory_kb() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// Heap use of each step, counted by the allocator, and the process's
/// peak RSS. Allocations before counting starts (none that outlive it
/// matter here) are not counted.
fn memory(n: usize) {
    let step = |name: &str, start_live: usize, start_allocations: usize| {
        let (hwm, rss) = memory_kb();
        println!(
            "{name:<34} heap live {:>9} kB (+{:>8} kB), step peak {:>9} kB, {:>9} allocations; RSS {:>8} kB, peak RSS {:>8} kB",
            LIVE.load(Relaxed) / 1024,
            LIVE.load(Relaxed).saturating_sub(start_live) / 1024,
            PEAK.load(Relaxed) / 1024,
            ALLOCATIONS.load(Relaxed) - start_allocations,
            rss,
            hwm,
        );
    };
    let begin = || {
        PEAK.store(LIVE.load(Relaxed), Relaxed);
        (LIVE.load(Relaxed), ALLOCATIONS.load(Relaxed))
    };
    println!(
        "sizes: Relationship {} B, RelationshipConfig {} B, Expr {} B, LazyClause {} B",
        size_of::<Relationship>(),
        size_of::<RelationshipConfig>(),
        size_of::<Expr>(),
        size_of::<sqlrel::relationship::LazyClause>(),
    );
    COUNTING.store(true, Relaxed);
    let (live, allocations) = begin();
    let ddl = synthetic::ddl(n);
    step(
        &format!("DDL generated ({} kB)", ddl.len() / 1024),
        live,
        allocations,
    );
    let (live, allocations) = begin();
    let schema = Arc::new(Schema::from_ddl(&ddl).expect("from_ddl"));
    step("Schema::from_ddl", live, allocations);
    drop(ddl);
    let (live, allocations) = begin();
    let registry = Registry::builder(Arc::clone(&schema))
        .automap()
        .configure()
        .expect("configure");
    step(
        &format!(
            "automap + configure ({} rel.)",
            registry.relationships().len()
        ),
        live,
        allocations,
    );
    black_box(&registry);
}

/// Runs one workload `times` times, for profilers (`perf record`,
/// `valgrind --tool=callgrind`): `configure` (automap + configure; the
/// schema is parsed once, before) or `from_ddl`.
fn repeat(workload: &str, n: usize, times: usize) {
    if workload == "any" || workload == "any-by-hand" {
        // `n`: a schema of that many tables is built first and kept alive.
        let schema = (n > 0).then(|| Schema::from_ddl(&synthetic::ddl(n)).expect("from_ddl"));
        repeat_any(workload == "any", times);
        drop(schema);
        return;
    }
    let ddl = synthetic::ddl(n);
    let schema = Arc::new(Schema::from_ddl(&ddl).expect("from_ddl"));
    for _ in 0..times {
        let start = Instant::now();
        let elapsed = match workload {
            "configure" => {
                let registry = Registry::builder(Arc::clone(&schema))
                    .automap()
                    .configure()
                    .expect("configure");
                let elapsed = start.elapsed();
                drop(black_box(registry));
                elapsed
            }
            "from_ddl" => {
                let schema = Schema::from_ddl(&ddl).expect("from_ddl");
                let elapsed = start.elapsed();
                drop(black_box(schema));
                elapsed
            }
            _ => usage(),
        };
        eprintln!("{workload} {n}: {:.3} ms", elapsed.as_secs_f64() * 1e3);
    }
}

/// The `any()` statement (or its hand-written sea-query form) `times` times.
fn repeat_any(sqlrel: bool, times: usize) {
    let registry = registry();
    let schema = registry.schema();
    let users = schema.table("users").expect("users").clone();
    let users_id = schema.column("users.id").expect("column");
    let email = schema.column("addresses.email").expect("column");
    let o2m = registry.relationship("users.addresses").expect("rel");
    for _ in 0..times {
        if sqlrel {
            black_box(any_sqlrel(o2m, &users, &users_id, &email));
        } else {
            black_box(any_by_hand());
        }
    }
}

fn usage() -> ! {
    eprintln!(
        "usage: compare [schemas [DIR] | ddl N | measure [--quick] [N...] | serve [--quick] [N...] | memory N | repeat configure|from_ddl N TIMES | repeat any|any-by-hand N TIMES]"
    );
    std::process::exit(2);
}

fn number(arg: Option<&String>) -> usize {
    arg.and_then(|a| a.replace('_', "").parse().ok())
        .unwrap_or_else(|| usage())
}

/// `[--quick] [N...]`: whether `--quick` is given, and the sizes (all of
/// [`synthetic::SIZES`] when none is).
fn quick_and_sizes(args: &[String]) -> (bool, Vec<usize>) {
    let quick = args.iter().any(|a| a == "--quick");
    let sizes: Vec<usize> = args
        .iter()
        .filter(|a| *a != "--quick")
        .map(|a| number(Some(a)))
        .collect();
    if sizes.is_empty() {
        (quick, synthetic::SIZES.to_vec())
    } else {
        (quick, sizes)
    }
}

fn main() {
    // `cargo bench` appends `--bench`; nothing else starts with `--bench`.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    match args.first().map(String::as_str) {
        None | Some("schemas") => {
            let dir = args
                .get(1)
                .map_or_else(synthetic::schema_dir, PathBuf::from);
            for path in synthetic::write_schemas(&dir).expect("write the schemas") {
                println!("{}", path.display());
            }
        }
        Some("ddl") => print!("{}", synthetic::ddl(number(args.get(1)))),
        Some("memory") => memory(number(args.get(1))),
        Some("measure") => {
            let (quick, sizes) = quick_and_sizes(&args[1..]);
            measure_all(quick, &sizes);
        }
        Some("serve") => {
            let (quick, sizes) = quick_and_sizes(&args[1..]);
            serve(quick, &sizes);
        }
        Some("repeat") => repeat(
            args.get(1).map_or("", String::as_str),
            number(args.get(2)),
            number(args.get(3)),
        ),
        Some(_) => usage(),
    }
}
