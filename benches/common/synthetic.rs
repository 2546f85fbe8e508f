//! Synthetic schemas for the scale benchmarks, as DDL text.
//!
//! `ddl(n)` describes `n` tables named `t0` … `t{n-1}`, deterministic (same
//! `n`, same bytes), every foreign key pointing at an earlier table (or at
//! the table itself), in the SQL that SQLite, sqlparser's generic dialect
//! and SQLAlchemy all read. By position `i`:
//!
//! * `i % 10 == 4`: a self-referential table (`parent_id REFERENCES
//!   t{i}(id)`) with one more foreign key to an earlier table;
//! * `i % 10 == 7`: a table with a composite primary key `(a_id, seq)`,
//!   `a_id` referring to an earlier table; later tables refer to it with a
//!   composite foreign key `(t{i}_a, t{i}_seq)`;
//! * `i % 10 == 9`: an association table: exactly two foreign keys that
//!   cover all its columns (automap makes a many-to-many of it);
//! * otherwise an entity table: `id` primary key, two data columns and one
//!   to three foreign keys to earlier tables, half of them near (the
//!   previous ten tables), half anywhere before (so early tables become
//!   hubs with hundreds of collections).
//!
//! Two tables are linked by at most one foreign key or association table,
//! and no column is named like a relationship, so SQLAlchemy's automap and
//! sqlrel's generate exactly the same relationships with the same names
//! (SQLAlchemy drops colliding names where sqlrel renames them; the
//! generator never produces a collision). Foreign-key columns are not
//! unique, so no one-to-one (a sqlrel extension) appears either.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The sizes the scale benchmarks and `benches/sqlalchemy_compare.py` use.
pub const SIZES: [usize; 4] = [10, 100, 1_000, 10_000];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Entity,
    SelfRef,
    Composite,
    Association,
}

fn kind(i: usize) -> Kind {
    match i % 10 {
        _ if i < 3 => Kind::Entity,
        4 => Kind::SelfRef,
        7 => Kind::Composite,
        9 => Kind::Association,
        _ => Kind::Entity,
    }
}

/// splitmix64: a fixed, dependency-free pseudo-random sequence.
pub struct Rng(u64);

impl Rng {
    /// The sequence of `seed`.
    pub fn new(seed: usize) -> Self {
        Rng(0x9E37_79B9_7F4A_7C15 ^ (seed as u64).wrapping_mul(0xD1B5_4A32_D192_ED69))
    }

    /// The next number.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// The next number, reduced to `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// What the generated schema holds, to check both sides map the same.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Tables (association tables included).
    pub tables: usize,
    /// Foreign keys of mapped tables (each gives a many-to-one and its
    /// one-to-many backref).
    pub foreign_keys: usize,
    /// Association tables (each gives a many-to-many on both sides).
    pub associations: usize,
}

impl Counts {
    /// The relationships automap generates: two per foreign key of a mapped
    /// table, two per association table.
    pub fn relationships(&self) -> usize {
        2 * (self.foreign_keys + self.associations)
    }
}

struct Generator {
    ddl: String,
    kinds: Vec<Kind>,
    /// Unordered pairs of tables already linked.
    linked: HashSet<(usize, usize)>,
    counts: Counts,
}

impl Generator {
    fn link(&mut self, a: usize, b: usize) -> bool {
        self.linked.insert((a.min(b), a.max(b)))
    }

    /// An earlier table `i` may refer to (not an association table, not yet
    /// linked to `i`), `None` when the search gives up.
    fn target(&mut self, i: usize, rng: &mut Rng) -> Option<usize> {
        self.pick(i, rng, |kind| kind != Kind::Association)
    }

    /// Like [`target`](Self::target), limited to tables with an `id` key.
    fn id_target(&mut self, i: usize, rng: &mut Rng) -> Option<usize> {
        self.pick(i, rng, |kind| matches!(kind, Kind::Entity | Kind::SelfRef))
    }

    /// An earlier table of an accepted kind, not yet linked to `i`: half the
    /// time one of the previous ten, else any; `None` after 32 tries.
    fn pick(&mut self, i: usize, rng: &mut Rng, accept: impl Fn(Kind) -> bool) -> Option<usize> {
        for _ in 0..32 {
            let j = if rng.below(2) == 0 {
                i - 1 - rng.below(i.min(10))
            } else {
                rng.below(i)
            };
            if accept(self.kinds[j]) && self.link(i, j) {
                return Some(j);
            }
        }
        None
    }

    /// Column definitions and table constraints referring to `j`.
    fn reference(&mut self, j: usize, columns: &mut Vec<String>, constraints: &mut Vec<String>) {
        self.counts.foreign_keys += 1;
        if self.kinds[j] == Kind::Composite {
            columns.push(format!("t{j}_a INTEGER"));
            columns.push(format!("t{j}_seq INTEGER"));
            constraints.push(format!(
                "FOREIGN KEY (t{j}_a, t{j}_seq) REFERENCES t{j} (a_id, seq)"
            ));
        } else {
            columns.push(format!("t{j}_id INTEGER REFERENCES t{j} (id)"));
        }
    }

    fn table(&mut self, i: usize) {
        let mut rng = Rng::new(i);
        let mut kind = kind(i);
        let mut columns: Vec<String> = Vec::new();
        let mut constraints: Vec<String> = Vec::new();
        if kind == Kind::Association {
            let a = self.id_target(i, &mut rng);
            let b = a.and_then(|a| {
                (0..32).find_map(|_| {
                    let b = self.id_target(i, &mut rng)?;
                    // The pair itself must be new: one path between a and b.
                    if self.link(a, b) { Some(b) } else { None }
                })
            });
            match (a, b) {
                (Some(a), Some(b)) => {
                    self.counts.associations += 1;
                    columns.push(format!("t{a}_id INTEGER NOT NULL REFERENCES t{a} (id)"));
                    columns.push(format!("t{b}_id INTEGER NOT NULL REFERENCES t{b} (id)"));
                    constraints.push(format!("PRIMARY KEY (t{a}_id, t{b}_id)"));
                }
                // No free pair: an entity table instead.
                _ => kind = Kind::Entity,
            }
        }
        match kind {
            Kind::Association => {}
            Kind::Composite => {
                let a = self.id_target(i, &mut rng).unwrap_or(0);
                self.counts.foreign_keys += 1;
                columns.push(format!("a_id INTEGER NOT NULL REFERENCES t{a} (id)"));
                columns.push("seq INTEGER NOT NULL".to_owned());
                columns.push("label VARCHAR(50)".to_owned());
                constraints.push("PRIMARY KEY (a_id, seq)".to_owned());
            }
            Kind::Entity | Kind::SelfRef => {
                columns.push("id INTEGER PRIMARY KEY".to_owned());
                columns.push("name VARCHAR(50) NOT NULL".to_owned());
                columns.push("score INTEGER".to_owned());
                if kind == Kind::SelfRef {
                    self.counts.foreign_keys += 1;
                    columns.push(format!("parent_id INTEGER REFERENCES t{i} (id)"));
                }
                let wanted = match kind {
                    Kind::SelfRef => 1,
                    _ => 1 + rng.below(3),
                };
                for _ in 0..wanted.min(i) {
                    if let Some(j) = self.target(i, &mut rng) {
                        self.reference(j, &mut columns, &mut constraints);
                    }
                }
            }
        }
        self.kinds[i] = kind;
        self.counts.tables += 1;
        let _ = write!(self.ddl, "CREATE TABLE t{i} (\n    ");
        let body: Vec<String> = columns.into_iter().chain(constraints).collect();
        self.ddl.push_str(&body.join(",\n    "));
        self.ddl.push_str("\n);\n");
    }
}

/// The DDL of an `n`-table schema and what it holds.
pub fn generate(n: usize) -> (String, Counts) {
    let mut g = Generator {
        ddl: String::with_capacity(n * 160),
        // Provisional kinds, fixed as tables are written (an association
        // table without a free pair becomes an entity).
        kinds: (0..n).map(kind).collect(),
        linked: HashSet::new(),
        counts: Counts::default(),
    };
    for i in 0..n {
        g.table(i);
    }
    (g.ddl, g.counts)
}

/// The DDL of an `n`-table schema.
pub fn ddl(n: usize) -> String {
    generate(n).0
}

/// Where the DDL files for `benches/sqlalchemy_compare.py` go by default.
pub fn schema_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-schemas")
}

/// Writes `<dir>/<n>.sql` for every size in [`SIZES`].
pub fn write_schemas(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    SIZES
        .iter()
        .map(|&n| {
            let path = dir.join(format!("{n}.sql"));
            std::fs::write(&path, ddl(n))?;
            Ok(path)
        })
        .collect()
}
