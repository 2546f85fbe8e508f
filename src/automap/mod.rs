//! Layer 5: relationships derived from foreign keys, the way SQLAlchemy's
//! automap extension derives them.
//!
//! * Every table with a primary key is *mapped*, except association tables.
//! * An *association table* has exactly two foreign-key constraints whose
//!   columns together are all of its columns (whether or not it has a
//!   primary key). It is not mapped; it links the two tables it refers to by
//!   a many-to-many relationship on each side, both named by
//!   [`Naming::name_for_collection_relationship`], with explicit
//!   `primaryjoin` / `secondaryjoin` built from its two constraints (as
//!   SQLAlchemy does).
//! * Every foreign key of a mapped table to a mapped table gives a
//!   many-to-one on the referencing table
//!   ([`Naming::name_for_scalar_relationship`]), configured with
//!   `foreign_keys` = the constraint's columns and `remote_side` = the
//!   referred columns, SQLAlchemy's `generate_relationship` arguments (so a
//!   self-referential key is a many-to-one, and several keys between two
//!   tables are not ambiguous), plus a one-to-many backref
//!   ([`Naming::name_for_collection_relationship`]). sqlrel also passes the
//!   constraint's own join (`referred.c = referencing.c AND ...`) as
//!   `primaryjoin`, which is the join SQLAlchemy derives, so that duplicate
//!   or overlapping constraints cannot make it ambiguous either.
//! * Tables without a primary key are skipped, and so are foreign keys to
//!   them and association tables that refer to them.
//!
//! Beyond SQLAlchemy (see [`Naming`] for the names):
//!
//! * several foreign keys from one table to another (or an association
//!   table referring twice to one table) give one relationship pair per
//!   key, named after the key's columns; SQLAlchemy keeps only one
//!   relationship of each colliding name;
//! * a foreign key whose columns are unique (a unique constraint or the
//!   primary key lies within them) gives a one-to-one: the backref is
//!   scalar (`uselist = false`);
//! * a name that collides with a column or with another generated name is
//!   altered instead of failing the mapping;
//! * a self-referential foreign key from columns to themselves
//!   (`id REFERENCES t(id)`), or whose column pairs cross (`(a, b)
//!   REFERENCES t(b, c)`), has no direction and is skipped (SQLAlchemy
//!   fails on it);
//! * tables of the same name in two namespaces are both mapped (SQLAlchemy
//!   maps the first and warns).
//!
//! # Explicit relationships win
//!
//! [`RegistryBuilder::automap`](crate::registry::RegistryBuilder::automap)
//! merges the generated relationships into the declared ones when the
//! registry is configured, with SQLAlchemy's rule: a generated relationship
//! is skipped when its table already has a declared relationship, or a
//! declared relationship's backref, of the same name. When only one side of
//! a generated pair is taken, the other side is still generated, on its own,
//! and linked to the declared one by `back_populates` when that one is a
//! plain declaration (no backref, no `back_populates`) between the same two
//! tables, as SQLAlchemy links them.
//!
//! # Example
//!
//! ```
//! use sqlrel::registry::Registry;
//! use sqlrel::relationship::Direction;
//! use sqlrel::schema::Schema;
//!
//! let schema = Schema::from_ddl(
//!     "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
//!      CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id));
//!      CREATE TABLE keywords (id INTEGER PRIMARY KEY, word TEXT);
//!      CREATE TABLE user_keywords (
//!          user_id INTEGER REFERENCES users(id),
//!          keyword_id INTEGER REFERENCES keywords(id),
//!          PRIMARY KEY (user_id, keyword_id)
//!      );",
//! )?;
//! let registry = Registry::builder(schema).automap().configure()?;
//!
//! let user = registry.relationship("addresses.users")?;
//! assert_eq!(user.direction(), Direction::ManyToOne);
//! assert_eq!(user.primaryjoin().to_string(), "users.id = addresses.user_id");
//!
//! let addresses = registry.relationship("users.addresses_collection")?;
//! assert_eq!(addresses.direction(), Direction::OneToMany);
//!
//! let keywords = registry.relationship("users.keywords_collection")?;
//! assert_eq!(keywords.direction(), Direction::ManyToMany);
//! assert_eq!(keywords.secondary().map(|t| t.name()), Some("user_keywords"));
//! assert!(registry.relationship("keywords.users_collection").is_ok());
//! # Ok::<(), sqlrel::Error>(())
//! ```
//!
//! [`relationships`] returns the generated declarations without a
//! registry, to inspect or adjust them (SQLAlchemy's
//! `generate_relationship` hook) before declaring them yourself.

mod generate;
mod merge;
mod naming;
mod plan;
mod used_names;

pub use naming::{DefaultNaming, Naming, NamingContext};

use crate::error::Result;
use crate::registry::RegistryBuilder;
use crate::registry::declaration::{Declaration, Generator};
use crate::relationship::RelationshipConfig;
use crate::schema::Schema;

/// The relationships automap generates for `schema` with SQLAlchemy's
/// default names ([`DefaultNaming`]): each many-to-one with its backref,
/// each many-to-many with its backref.
///
/// The declarations carry join conditions built from `schema`'s columns
/// ([`Condition::Expr`](crate::relationship::Condition::Expr)): declare
/// them in a registry for this schema (or a clone of it).
///
/// ```
/// use sqlrel::schema::Schema;
///
/// let schema = Schema::from_ddl(
///     "CREATE TABLE users (id INTEGER PRIMARY KEY);
///      CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id));",
/// )?;
/// let generated = sqlrel::automap::relationships(&schema)?;
/// assert_eq!(generated.len(), 1);
/// assert_eq!(generated[0].key(), "addresses.users");
/// assert_eq!(generated[0].target(), "users");
/// # Ok::<(), sqlrel::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::InvalidArgument`](crate::Error::InvalidArgument) when the
/// naming gives an empty name (or one of 4 GiB or more), or when a table or
/// column name cannot be written so that it finds that very table or column
/// (two tables whose qualified names are spelled alike, such as a table
/// `a.b` without namespace and a table `b` in namespace `a`).
pub fn relationships(schema: &Schema) -> Result<Vec<RelationshipConfig>> {
    relationships_with(schema, &DefaultNaming)
}

/// The relationships automap generates for `schema`, named by `naming`.
///
/// # Errors
///
/// As [`relationships`].
pub fn relationships_with(schema: &Schema, naming: &dyn Naming) -> Result<Vec<RelationshipConfig>> {
    merge::configs(schema, naming)
}

impl RegistryBuilder {
    /// Also generates relationships from the schema's foreign keys, with
    /// SQLAlchemy's default names (see [`crate::automap`]). Declared
    /// relationships win: a generated relationship whose name a declared
    /// relationship or backref already uses on its table is skipped.
    pub fn automap(self) -> Self {
        self.automap_with(DefaultNaming)
    }

    /// Like [`automap`](Self::automap), with names chosen by `naming`.
    pub fn automap_with(self, naming: impl Naming + Send + Sync + 'static) -> Self {
        self.generated_by(Automap(Box::new(naming)))
    }
}

/// How many generated declarations configure takes at a time when nothing
/// is declared: few enough that a batch's tables, declarations and
/// relationships are still in cache when the next step reads them (on a
/// 10,000-table schema, one batch of everything read it all back from
/// memory at every step; `scale` bench), enough that batching costs
/// nothing.
const BATCH: usize = 256;

/// Automap as the registry's generator.
struct Automap(Box<dyn Naming + Send + Sync>);

impl Generator for Automap {
    fn generate(
        &self,
        schema: &Schema,
        declared: Vec<RelationshipConfig>,
        sink: &mut dyn FnMut(Vec<Declaration>),
    ) -> Result<()> {
        if declared.is_empty() {
            merge::in_batches(schema, &*self.0, BATCH, sink)
        } else {
            sink(merge::declarations(schema, &*self.0, &declared)?);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::merge;
    use super::*;
    use crate::direction::Direction;
    use crate::registry::Registry;
    use crate::schema::{TableBuilder, TableId};

    /// A linear congruential generator: repeatable test schemas.
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((self.0 >> 33) as usize) % n.max(1)
        }
    }

    /// A repeatable pseudo-random schema of `n` tables exercising what
    /// automap generates: foreign keys to earlier tables and to the table
    /// itself, several to one table, composite keys, unique (one-to-one)
    /// keys, association tables, and columns named like the relationships
    /// automap would generate (renamed by its rules).
    fn random_schema(seed: u64, n: usize) -> Schema {
        let mut rng = Lcg(seed);
        let mut builder = Schema::builder();
        // Tables with an `id` column (association tables have none).
        let mut with_id: Vec<usize> = Vec::new();
        for i in 0..n {
            let mut table = TableBuilder::new(format!("t{i}"));
            let kind = if with_id.len() < 2 { 5 } else { rng.below(6) };
            let earlier = |rng: &mut Lcg| format!("t{}", with_id[rng.below(with_id.len())]);
            match kind {
                0 => {
                    // Association table between two earlier tables.
                    table = table
                        .column("l_id", "INTEGER")
                        .column("r_id", "INTEGER")
                        .primary_key(["l_id", "r_id"])
                        .foreign_key(["l_id"], earlier(&mut rng), ["id"])
                        .foreign_key(["r_id"], earlier(&mut rng), ["id"]);
                }
                1 => {
                    // A composite primary key, one column a unique reference.
                    table = table
                        .column("id", "INTEGER")
                        .column("seq", "INTEGER")
                        .column("t0_collection", "TEXT")
                        .primary_key(["id", "seq"])
                        .foreign_key(["seq"], earlier(&mut rng), ["id"])
                        .unique(["seq"]);
                }
                _ => {
                    table = table.column("id", "INTEGER").primary_key(["id"]);
                    let references = if with_id.is_empty() { 0 } else { rng.below(4) };
                    for k in 0..references {
                        let column = format!("ref{k}");
                        let target = if rng.below(8) == 0 {
                            format!("t{i}")
                        } else {
                            earlier(&mut rng)
                        };
                        table = table.column(&column, "INTEGER").foreign_key(
                            [column.as_str()],
                            target,
                            ["id"],
                        );
                    }
                    if references > 0 && rng.below(3) == 0 {
                        table = table.column(earlier(&mut rng), "TEXT");
                    }
                }
            }
            if kind != 0 {
                with_id.push(i);
            }
            builder = builder.table(table);
        }
        builder.build().expect("the random schema is valid")
    }

    /// Automap handing configure its declarations in batches of `batch`,
    /// or in one go (`batch == 0`: the list configure gets when something
    /// is declared).
    struct Batched {
        naming: Arc<dyn Naming + Send + Sync>,
        batch: usize,
    }

    impl Generator for Batched {
        fn generate(
            &self,
            schema: &Schema,
            declared: Vec<RelationshipConfig>,
            sink: &mut dyn FnMut(Vec<Declaration>),
        ) -> Result<()> {
            if self.batch == 0 {
                sink(merge::declarations(schema, &*self.naming, &declared)?);
                Ok(())
            } else {
                merge::in_batches(schema, &*self.naming, self.batch, sink)
            }
        }
    }

    /// The registry configured with automap in batches of `batch` (0: in
    /// one go), as text: its relationships and its index, sorted.
    fn outcome(schema: &Schema, naming: &Arc<dyn Naming + Send + Sync>, batch: usize) -> String {
        let generator = Batched {
            naming: Arc::clone(naming),
            batch,
        };
        match Registry::builder(schema.clone())
            .generated_by(generator)
            .configure()
        {
            Err(e) => format!("error: {e}"),
            Ok(registry) => {
                let relationships: Vec<_> = registry.relationships().collect();
                format!("{relationships:#?}\n{:?}", registry.index_sorted())
            }
        }
    }

    #[test]
    fn automap_in_batches_matches_automap_in_one_go() {
        // What the schemas gave, so that the comparison is known to cover it.
        let (mut many_to_many, mut one_to_one, mut self_referential, mut renamed) =
            (false, false, false, false);
        for seed in 0..40 {
            let schema = random_schema(seed, 24);
            let naming: Arc<dyn Naming + Send + Sync> = Arc::new(DefaultNaming);
            let expected = outcome(&schema, &naming, 0);
            assert!(!expected.starts_with("error"), "seed {seed}: {expected}");
            for batch in [1, 2, 3, 7, 256] {
                let batched = outcome(&schema, &naming, batch);
                assert_eq!(batched, expected, "seed {seed}, batches of {batch}");
            }
            let registry = Registry::builder(schema)
                .automap()
                .configure()
                .expect("configured above");
            for rel in registry.relationships() {
                many_to_many |= rel.direction() == Direction::ManyToMany;
                one_to_one |= rel.direction() == Direction::OneToMany && !rel.uselist();
                self_referential |= rel.is_self_referential();
                renamed |= rel.name().ends_with('_');
            }
        }
        assert!(many_to_many && one_to_one && self_referential && renamed);
    }

    /// Gives an empty name to the relationships of the last table: an
    /// error of the naming, found after every other pair is named.
    struct EmptyForLast(TableId);

    impl Naming for EmptyForLast {
        fn name_for_scalar_relationship(&self, ctx: &NamingContext<'_>) -> String {
            if ctx.local().id() == self.0 {
                String::new()
            } else {
                DefaultNaming.name_for_scalar_relationship(ctx)
            }
        }
    }

    #[test]
    fn a_naming_error_comes_before_errors_of_earlier_pairs() {
        // `a.b` names two tables (`b` in namespace `a`, and a table called
        // `a.b`) and finds the second, so automap cannot write the first
        // one's name: an error of the first pair, found before the naming
        // fails on the last one.
        let schema = Schema::builder()
            .table(
                TableBuilder::new("c")
                    .column("id", "INTEGER")
                    .primary_key(["id"]),
            )
            .table(
                TableBuilder::new("b")
                    .namespace("a")
                    .column("id", "INTEGER")
                    .column("c_id", "INTEGER")
                    .primary_key(["id"])
                    .foreign_key(["c_id"], "c", ["id"]),
            )
            .table(
                TableBuilder::new("a.b")
                    .column("id", "INTEGER")
                    .primary_key(["id"]),
            )
            .table(
                TableBuilder::new("d")
                    .column("id", "INTEGER")
                    .column("c_id", "INTEGER")
                    .primary_key(["id"])
                    .foreign_key(["c_id"], "c", ["id"]),
            )
            .build()
            .expect("valid schema");
        let default: Arc<dyn Naming + Send + Sync> = Arc::new(DefaultNaming);
        let ambiguous = outcome(&schema, &default, 0);
        assert!(ambiguous.contains("unambiguously"), "{ambiguous}");
        let last = schema.table("d").expect("d").id();
        let naming: Arc<dyn Naming + Send + Sync> = Arc::new(EmptyForLast(last));
        let expected = outcome(&schema, &naming, 0);
        assert!(expected.contains("empty relationship name"), "{expected}");
        for batch in [1, 2, 256] {
            assert_eq!(outcome(&schema, &naming, batch), expected);
        }
    }
}
