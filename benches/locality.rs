//! Locality: why a 10,000-table configure costs more per relationship than
//! a 1,000-table one (see "Third round" in BENCHMARKS.md).
//!
//! A plain program (`harness = false`) with three reports:
//!
//! ```sh
//! cargo bench --bench locality                        # all three reports
//! cargo bench --bench locality -- latency             # memory latency by working set
//! cargo bench --bench locality -- blocks [N] [B] [R]  # configure: B tables, N tables, N/B blocks
//! cargo bench --bench locality -- cold [N] [B] [R]    # configure of B and N tables, caches emptied first
//! ```
//!
//! * `latency`: a pointer chase through a working set of 1 to 64 MB, one
//!   access per 64-byte line in a random cycle, so that no prefetcher
//!   helps: the time of one access that misses everything the working set
//!   outgrows (caches, then TLB reach).
//! * `blocks`: automap + configure of the B-table synthetic schema, of the
//!   N-table one, of N/B copies of the B-table one side by side in one
//!   schema (every foreign key stays within its copy), and of the same
//!   copies as N/B schemas configured one after the other. The copies do
//!   exactly N/B times the work of one: in one schema, with the locality of
//!   one as far as foreign keys go (if the N-table schema were slow per
//!   relationship because its foreign keys reach anywhere, they would not
//!   be); as separate schemas, each configure's data also fits where one
//!   B-table configure's does. `R` interleaved rounds (default 15),
//!   medians.
//! * `cold`: one configure of the B-table and of the N-table schema at a
//!   time, each right after writing and reading a buffer twice the size
//!   of the L3, so that it starts with nothing in cache, as the one
//!   configure of a program's start-up does. `blocks` (and criterion)
//!   repeat a configure in a loop, where a 1,000-table one finds its
//!   schema and its previous registry's memory in cache. `R` rounds
//!   (default 15), medians.

mod common;

use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

use common::synthetic;
use sqlrel::registry::Registry;
use sqlrel::schema::Schema;

const USAGE: &str = "usage: locality [latency | blocks [N] [B] [ROUNDS] | cold [N] [B] [ROUNDS]]";

/// Bytes written and read between two `cold` configures: twice the
/// 32 MB L3 of the machine in BENCHMARKS.md.
const EVICT_BYTES: usize = 64 << 20;

/// Working sets of the latency report, in MB.
const LATENCY_SIZES_MB: [usize; 7] = [1, 2, 4, 8, 16, 32, 64];

/// `usize`s in a cache line: one chase step per line.
const LINE_WORDS: usize = 64 / size_of::<usize>();

/// Nanoseconds per access of a chase through `mb` megabytes.
fn chase_ns(mb: usize) -> f64 {
    let lines = (mb << 20) / 64;
    // Sattolo's shuffle: one cycle through every line.
    let mut order: Vec<usize> = (0..lines).collect();
    let mut rng = synthetic::Rng::new(1);
    for i in (1..lines).rev() {
        order.swap(i, rng.below(i));
    }
    let mut next = vec![0usize; lines * LINE_WORDS];
    for (i, &line) in order.iter().enumerate() {
        next[line * LINE_WORDS] = order[(i + 1) % lines] * LINE_WORDS;
    }
    let mut at = 0;
    // One lap untimed, to fault the pages in and warm what fits.
    for _ in 0..lines {
        at = next[at];
    }
    let steps = 10_000_000;
    let start = Instant::now();
    for _ in 0..steps {
        at = next[at];
    }
    let elapsed = start.elapsed();
    black_box(at);
    elapsed.as_secs_f64() * 1e9 / steps as f64
}

fn latency() {
    println!("memory latency: one dependent load per 64-byte line, random cycle");
    for mb in LATENCY_SIZES_MB {
        println!("{mb:>4} MB  {:>7.1} ns/access", chase_ns(mb));
    }
}

/// `ddl` with every table number `t<k>` (at the start of a word: table
/// names and the foreign-key column names made of them) shifted by
/// `offset`, so that copies of one schema can sit side by side.
fn renumbered(ddl: &str, offset: usize) -> String {
    let bytes = ddl.as_bytes();
    let mut out = String::with_capacity(ddl.len() + ddl.len() / 8);
    let mut i = 0;
    while i < bytes.len() {
        let word_start = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        let digits = bytes[i + 1..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if word_start && bytes[i] == b't' && digits > 0 {
            let number: usize = ddl[i + 1..i + 1 + digits]
                .parse()
                .expect("a run of ASCII digits parses");
            out.push('t');
            out.push_str(&(number + offset).to_string());
            i += 1 + digits;
        } else {
            // Table numbers are ASCII; everything else is copied as is.
            let len = ddl[i..].chars().next().map_or(1, char::len_utf8);
            out.push_str(&ddl[i..i + len]);
            i += len;
        }
    }
    out
}

/// Schemas configured one after the other as one workload, with its label.
struct Input {
    label: String,
    schemas: Vec<Arc<Schema>>,
    relationships: usize,
    times_ms: Vec<f64>,
}

impl Input {
    fn new<'a>(label: String, ddls: impl IntoIterator<Item = &'a str>) -> Self {
        let schemas: Vec<_> = ddls
            .into_iter()
            .map(|ddl| Arc::new(Schema::from_ddl(ddl).expect("generated DDL parses")))
            .collect();
        let relationships = schemas
            .iter()
            .map(|schema| configure(schema).relationships().len())
            .sum();
        Input {
            label,
            schemas,
            relationships,
            times_ms: Vec::new(),
        }
    }

    /// Times one configure of each schema; the registries are dropped
    /// outside the timing.
    fn run(&mut self) {
        let start = Instant::now();
        let registries: Vec<Registry> = self.schemas.iter().map(configure).collect();
        self.times_ms.push(start.elapsed().as_secs_f64() * 1e3);
        drop(black_box(registries));
    }

    /// One line of a report: the median, per relationship, and against
    /// `base` ms, the median of the `small`-table input.
    fn print(&self, base: f64, small: usize) {
        let median = self.median_ms();
        println!(
            "{:<24} {:>6} relationships  {:>9.2} ms  {:>6.2} us/relationship  {:>6.1}x the {small}-table time",
            self.label,
            self.relationships,
            median,
            median * 1e3 / self.relationships.max(1) as f64,
            median / base,
        );
    }

    fn median_ms(&self) -> f64 {
        let mut times = self.times_ms.clone();
        times.sort_by(f64::total_cmp);
        times.get(times.len() / 2).copied().unwrap_or(f64::NAN)
    }
}

fn configure(schema: &Arc<Schema>) -> Registry {
    Registry::builder(Arc::clone(schema))
        .automap()
        .configure()
        .expect("configure")
}

fn blocks(n: usize, block: usize, rounds: usize) {
    if block == 0 || !n.is_multiple_of(block) {
        eprintln!("locality blocks: N must be a multiple of B (got N = {n}, B = {block})");
        std::process::exit(2);
    }
    let small = synthetic::ddl(block);
    let copies: Vec<String> = (0..n / block)
        .map(|b| renumbered(&small, b * block))
        .collect();
    let count = n / block;
    let mut inputs = [
        Input::new(format!("{block} tables"), [small.as_str()]),
        Input::new(format!("{n} tables"), [synthetic::ddl(n).as_str()]),
        Input::new(
            format!("{count} x {block}, one schema"),
            [copies.concat().as_str()],
        ),
        Input::new(
            format!("{count} x {block}, {count} schemas"),
            copies.iter().map(String::as_str),
        ),
    ];
    // Small workloads run more often per round, so that each round spends
    // comparable time on every input; rounds interleave the inputs so a slow
    // spell of the machine lands on all of them.
    let most = inputs.iter().map(|i| i.relationships).max().unwrap_or(1);
    let repeats: Vec<usize> = inputs
        .iter()
        .map(|i| (most / i.relationships.max(1)).max(1))
        .collect();
    for _ in 0..rounds {
        for (input, &times) in inputs.iter_mut().zip(&repeats) {
            for _ in 0..times {
                input.run();
            }
        }
    }
    let base = inputs[0].median_ms();
    println!("automap + configure, medians of {rounds} interleaved rounds:");
    for input in &inputs {
        input.print(base, block);
    }
}

/// Writes and reads `buffer`, one word per line, pushing everything else
/// out of the caches.
fn evict(buffer: &mut [usize]) {
    for line in buffer.chunks_mut(LINE_WORDS) {
        line[0] = line[0].wrapping_add(1);
    }
    black_box(buffer.iter().step_by(LINE_WORDS).sum::<usize>());
}

fn cold(n: usize, small: usize, rounds: usize) {
    let mut inputs = [small, n].map(|tables| {
        Input::new(
            format!("{tables} tables"),
            [synthetic::ddl(tables).as_str()],
        )
    });
    let mut buffer = vec![0usize; EVICT_BYTES / size_of::<usize>()];
    for _ in 0..rounds {
        for input in &mut inputs {
            evict(&mut buffer);
            input.run();
        }
    }
    let base = inputs[0].median_ms();
    println!("automap + configure from cold caches, medians of {rounds} rounds:");
    for input in &inputs {
        input.print(base, small);
    }
}

fn number(arg: Option<&String>, default: usize) -> usize {
    arg.map_or(default, |a| {
        a.replace('_', "").parse().unwrap_or_else(|_| {
            eprintln!("{USAGE}");
            std::process::exit(2)
        })
    })
}

fn main() {
    // `cargo bench` appends `--bench`; nothing else starts with `--bench`.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let sizes = |args: &[String]| {
        (
            number(args.first(), 10_000),
            number(args.get(1), 1_000),
            number(args.get(2), 15),
        )
    };
    let blocks_report = |args: &[String]| {
        let (n, block, rounds) = sizes(args);
        blocks(n, block, rounds)
    };
    let cold_report = |args: &[String]| {
        let (n, small, rounds) = sizes(args);
        cold(n, small, rounds)
    };
    match args.first().map(String::as_str) {
        None => {
            latency();
            blocks_report(&[]);
            cold_report(&[]);
        }
        Some("latency") => latency(),
        Some("blocks") => blocks_report(&args[1..]),
        Some("cold") => cold_report(&args[1..]),
        Some(_) => {
            eprintln!("{USAGE}");
            std::process::exit(2)
        }
    }
}
