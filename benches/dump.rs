//! Reading dumps with data: `Schema::read_ddl` on generated `pg_dump`-style
//! (COPY data, then constraints) and `mysqldump`-style (extended INSERTs)
//! dumps of 10 MB and 100 MB, streamed from a file.
//!
//! * `read_dump/<style>/<MB>`: time to read the file into a schema;
//!   criterion reports the throughput in bytes per second, which stays the
//!   same from 10 to 100 MB when reading is linear in the size.
//! * Before timing, each input is read once under a counting allocator,
//!   and the peak of heap memory allocated while reading is printed
//!   (`peak heap while reading ...`): it stays near the size of the largest
//!   statement read, far under the file's size, since data is skipped by
//!   scanning and only table definitions are kept.
//!
//! Run: `cargo bench --bench dump`. The files are written once under
//! cargo's target directory (`CARGO_TARGET_TMPDIR`) and reused.

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write as _;
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sqlrel::schema::{DdlDialect, Schema};

/// The system allocator, counting the bytes allocated now and at most.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` was allocated by `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size >= layout.size() {
            grew(new_size - layout.size());
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MB: usize = 1024 * 1024;
/// Tables of the generated schema.
const TABLES: usize = 40;

#[derive(Clone, Copy)]
enum Style {
    /// `pg_dump`: tables, `COPY ... FROM stdin` data, then keys.
    Postgres,
    /// `mysqldump`: each table with its keys, then extended INSERTs.
    MySql,
}

impl Style {
    fn name(self) -> &'static str {
        match self {
            Style::Postgres => "pg_dump",
            Style::MySql => "mysqldump",
        }
    }
}

/// A row's text columns: quotes, delimiters and SQL inside strings.
fn note(i: usize) -> String {
    format!("row {i}; it's CREATE TABLE x{i} (y int); -- /* \"q\" $$ \\.")
}

/// A file being written, counting its bytes.
struct Out {
    file: BufWriter<std::fs::File>,
    written: usize,
}

impl Out {
    fn emit(&mut self, text: &str) -> std::io::Result<()> {
        self.written += text.len();
        self.file.write_all(text.as_bytes())
    }
}

/// Writes a dump of about `size` bytes.
fn generate(path: &Path, style: Style, size: usize) -> std::io::Result<()> {
    let mut out = Out {
        file: BufWriter::new(std::fs::File::create(path)?),
        written: 0,
    };
    let mut head = String::new();
    match style {
        Style::Postgres => {
            head.push_str("--\n-- PostgreSQL database dump\n--\n\n\\restrict k\n\nSET statement_timeout = 0;\n");
            for t in 0..TABLES {
                let _ = write!(
                    head,
                    "CREATE TABLE public.t{t} (\n    id integer NOT NULL,\n    parent_id integer,\n    \
                     other_id integer,\n    note text,\n    amount numeric(10,2) DEFAULT 0 NOT NULL\n);\n\n\
                     ALTER TABLE public.t{t} OWNER TO postgres;\n\n"
                );
            }
        }
        Style::MySql => {
            head.push_str("-- MySQL dump 10.13\n/*!40101 SET NAMES utf8mb4 */;\n");
            for t in 0..TABLES {
                let _ = write!(
                    head,
                    "DROP TABLE IF EXISTS `t{t}`;\nCREATE TABLE `t{t}` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  \
                     `parent_id` int(11) DEFAULT NULL,\n  `other_id` int(11) DEFAULT NULL,\n  `note` text,\n  \
                     `amount` decimal(10,2) NOT NULL DEFAULT 0.00,\n  PRIMARY KEY (`id`),\n  KEY `parent_id` (`parent_id`)\n) \
                     ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n\n"
                );
            }
        }
    }
    out.emit(&head)?;
    // Data, table by table, until the size is reached.
    let per_table = size / TABLES;
    for t in 0..TABLES {
        let start = out.written;
        let mut i = 0usize;
        match style {
            Style::Postgres => {
                out.emit(&format!(
                    "COPY public.t{t} (id, parent_id, other_id, note, amount) FROM stdin;\n"
                ))?;
                while out.written - start < per_table {
                    let line = format!(
                        "{i}\t{}\t\\N\t{}\t{}.50\n",
                        i / 2,
                        note(i).replace('\\', "\\\\"),
                        i % 1000
                    );
                    out.emit(&line)?;
                    i += 1;
                }
                out.emit("\\.\n\n")?;
            }
            Style::MySql => {
                while out.written - start < per_table {
                    let mut insert = format!("INSERT INTO `t{t}` VALUES ");
                    for j in 0..200 {
                        if j > 0 {
                            insert.push(',');
                        }
                        let _ = write!(
                            insert,
                            "({i},{},NULL,'{}',{}.50)",
                            i / 2,
                            note(i).replace('\\', "\\\\").replace('\'', "\\'"),
                            i % 1000
                        );
                        i += 1;
                    }
                    insert.push_str(";\n");
                    out.emit(&insert)?;
                }
            }
        }
    }
    let mut tail = String::new();
    for t in 0..TABLES {
        let (parent, other) = (t, (t + 1) % TABLES);
        match style {
            Style::Postgres => {
                let _ = write!(
                    tail,
                    "ALTER TABLE ONLY public.t{t}\n    ADD CONSTRAINT t{t}_pkey PRIMARY KEY (id);\n\n"
                );
                let _ = write!(
                    tail,
                    "ALTER TABLE ONLY public.t{t}\n    ADD CONSTRAINT t{t}_parent_fkey FOREIGN KEY (parent_id) REFERENCES public.t{parent}(id);\n\n\
                     ALTER TABLE ONLY public.t{t}\n    ADD CONSTRAINT t{t}_other_fkey FOREIGN KEY (other_id) REFERENCES public.t{other}(id);\n\n"
                );
            }
            Style::MySql => {
                let _ = writeln!(
                    tail,
                    "ALTER TABLE `t{t}` ADD CONSTRAINT `t{t}_parent` FOREIGN KEY (`parent_id`) REFERENCES `t{parent}` (`id`), \
                     ADD CONSTRAINT `t{t}_other` FOREIGN KEY (`other_id`) REFERENCES `t{other}` (`id`);"
                );
            }
        }
    }
    if let Style::Postgres = style {
        tail.push_str("\\unrestrict k\n");
    }
    out.emit(&tail)?;
    out.file.flush()
}

/// The dump file of `style` and `mb` megabytes, generated once.
fn input(style: Style, mb: usize) -> PathBuf {
    let path =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("dump-{}-{mb}mb.sql", style.name()));
    if !path.exists() {
        let partial = path.with_extension("partial");
        generate(&partial, style, mb * MB).expect("write the dump");
        std::fs::rename(&partial, &path).expect("rename the dump");
    }
    path
}

fn read(path: &Path) -> Schema {
    let file = std::fs::File::open(path).expect("open the dump");
    let schema = Schema::read_ddl(file, DdlDialect::Detect).expect("read the dump");
    assert_eq!(schema.tables().len(), TABLES);
    assert!(schema.tables().all(|t| t.foreign_keys().len() == 2));
    schema
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("read_dump");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    for style in [Style::Postgres, Style::MySql] {
        for mb in [10, 100] {
            let path = input(style, mb);
            let size = std::fs::metadata(&path).expect("dump size").len();
            let before = LIVE.load(Ordering::Relaxed);
            PEAK.store(before, Ordering::Relaxed);
            drop(read(&path));
            let peak = PEAK.load(Ordering::Relaxed) - before;
            eprintln!(
                "peak heap while reading {} ({:.1} MB): {:.2} MB",
                path.display(),
                size as f64 / MB as f64,
                peak as f64 / MB as f64
            );
            group.throughput(Throughput::Bytes(size));
            group.bench_with_input(
                BenchmarkId::new(style.name(), format!("{mb}MB")),
                &path,
                |b, path| b.iter_with_large_drop(|| read(path)),
            );
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
