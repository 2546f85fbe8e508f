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

mod naming;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

pub use naming::{DefaultNaming, Naming, NamingContext};

use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::relationship::{Backref, Direction, RelationshipConfig};
use crate::schema::{ColumnId, ColumnRef, ForeignKey, Schema, Table, TableId};

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
pub fn relationships(schema: &Schema) -> Result<Vec<RelationshipConfig>> {
    relationships_with(schema, &DefaultNaming)
}

/// The relationships automap generates for `schema`, named by `naming`.
pub fn relationships_with(schema: &Schema, naming: &dyn Naming) -> Result<Vec<RelationshipConfig>> {
    merge(schema, naming, &[])
}

/// A [`Naming`] kept by a [`RegistryBuilder`](crate::registry::RegistryBuilder)
/// until it is configured.
#[derive(Clone)]
pub(crate) struct AutomapNaming(pub(crate) Arc<dyn Naming + Send + Sync>);

impl fmt::Debug for AutomapNaming {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AutomapNaming(..)")
    }
}

/// What links the two sides of a generated pair.
#[derive(Debug, Clone, Copy)]
enum Link {
    /// Foreign key `fk` of table `table`.
    ForeignKey {
        table: TableId,
        fk: usize,
        one_to_one: bool,
    },
    /// Association table `secondary` with its two foreign keys (the first
    /// refers to the forward side's parent).
    ManyToMany {
        secondary: TableId,
        local_fk: usize,
        remote_fk: usize,
    },
}

/// A generated relationship and its reverse.
#[derive(Debug)]
struct Pair {
    link: Link,
    /// Parent of the forward relationship (many-to-one side for a foreign
    /// key).
    parent: TableId,
    target: TableId,
    forward: String,
    reverse: String,
}

/// Which tables are mapped and which are association tables.
struct Plan<'s> {
    schema: &'s Schema,
    mapped: Vec<bool>,
    associations: Vec<(TableId, usize, usize)>,
}

impl<'s> Plan<'s> {
    fn new(schema: &'s Schema) -> Self {
        let mut mapped = Vec::with_capacity(schema.tables().len());
        let mut associations = Vec::new();
        for table in schema.tables() {
            if let Some((a, b)) = association(table) {
                associations.push((table.id(), a, b));
                mapped.push(false);
            } else {
                mapped.push(!table.primary_key().is_empty());
            }
        }
        Plan {
            schema,
            mapped,
            associations,
        }
    }

    fn is_mapped(&self, id: TableId) -> bool {
        self.mapped.get(id.index()).copied().unwrap_or(false)
    }

    fn table(&self, id: TableId) -> Result<&'s Arc<Table>> {
        self.schema
            .table_by_id(id)
            .ok_or_else(|| Error::invalid(format!("automap: no table with id {}", id.index())))
    }
}

/// SQLAlchemy's `_is_many_to_many`: exactly two foreign-key constraints
/// whose columns are, together, every column of the table.
fn association(table: &Table) -> Option<(usize, usize)> {
    let fks = table.foreign_keys();
    if fks.len() != 2 {
        return None;
    }
    let covered: HashSet<ColumnId> = fks.iter().flat_map(|fk| fk.columns()).copied().collect();
    let all: HashSet<ColumnId> = (0..table.columns().len())
        .map(|i| ColumnId(i as u32))
        .collect();
    (covered == all).then_some((0, 1))
}

/// A self-referential foreign key that links no row to another in a way a
/// direction can be found for: from columns to the very same columns
/// (`id REFERENCES t(id)`), or with a column that is referencing in one
/// column pair and referenced in another (`(a, b) REFERENCES t(b, c)`).
/// SQLAlchemy fails on both ("Can't determine relationship direction").
fn is_unresolvable(table: &Table, fk: &ForeignKey) -> bool {
    if fk.referred_table() != table.id() {
        return false;
    }
    let pairs: Vec<(ColumnId, ColumnId)> = fk.pairs().collect();
    pairs.iter().all(|(local, remote)| local == remote)
        || pairs.iter().enumerate().any(|(i, (local, _))| {
            pairs
                .iter()
                .enumerate()
                .any(|(j, (_, remote))| i != j && local == remote)
        })
}

/// Whether the foreign key's columns are unique in their table.
fn is_unique(table: &Table, fk: &ForeignKey) -> bool {
    let within = |key: &[ColumnId]| !key.is_empty() && key.iter().all(|c| fk.columns().contains(c));
    within(table.primary_key())
        || table
            .unique_constraints()
            .iter()
            .any(|u| within(u.columns()))
}

/// Generates every pair with its final names (before explicit
/// declarations are taken into account).
fn generate(plan: &Plan<'_>, naming: &dyn Naming) -> Result<Vec<Pair>> {
    let schema = plan.schema;
    let mut pairs = Vec::new();
    for table in schema.tables() {
        if !plan.is_mapped(table.id()) {
            continue;
        }
        let usable: Vec<usize> = table
            .foreign_keys()
            .iter()
            .enumerate()
            .filter(|(_, fk)| plan.is_mapped(fk.referred_table()) && !is_unresolvable(table, fk))
            .map(|(i, _)| i)
            .collect();
        for &i in &usable {
            let fk = &table.foreign_keys()[i];
            let referred = plan.table(fk.referred_table())?;
            let ambiguous = usable
                .iter()
                .filter(|&&j| table.foreign_keys()[j].referred_table() == fk.referred_table())
                .count()
                > 1;
            let one_to_one = is_unique(table, fk);
            let forward = naming.name_for_scalar_relationship(&NamingContext {
                schema,
                local: table,
                referred,
                constraint_table: table,
                constraint: fk,
                secondary: None,
                direction: Direction::ManyToOne,
                uselist: false,
                ambiguous,
            });
            let reverse_ctx = NamingContext {
                schema,
                local: referred,
                referred: table,
                constraint_table: table,
                constraint: fk,
                secondary: None,
                direction: Direction::OneToMany,
                uselist: !one_to_one,
                ambiguous,
            };
            let reverse = if one_to_one {
                naming.name_for_one_to_one_relationship(&reverse_ctx)
            } else {
                naming.name_for_collection_relationship(&reverse_ctx)
            };
            pairs.push(Pair {
                link: Link::ForeignKey {
                    table: table.id(),
                    fk: i,
                    one_to_one,
                },
                parent: table.id(),
                target: referred.id(),
                forward,
                reverse,
            });
        }
    }
    for &(secondary_id, a, b) in &plan.associations {
        let secondary = plan.table(secondary_id)?;
        let (fk_a, fk_b) = (&secondary.foreign_keys()[a], &secondary.foreign_keys()[b]);
        let (left, right) = (fk_a.referred_table(), fk_b.referred_table());
        if !plan.is_mapped(left) || !plan.is_mapped(right) {
            continue;
        }
        let (left, right) = (plan.table(left)?, plan.table(right)?);
        let ambiguous = left.id() == right.id();
        let ctx = |local, referred, constraint| NamingContext {
            schema,
            local,
            referred,
            constraint_table: secondary,
            constraint,
            secondary: Some(secondary),
            direction: Direction::ManyToMany,
            uselist: true,
            ambiguous,
        };
        let forward = naming.name_for_collection_relationship(&ctx(left, right, fk_a));
        let reverse = naming.name_for_collection_relationship(&ctx(right, left, fk_b));
        pairs.push(Pair {
            link: Link::ManyToMany {
                secondary: secondary_id,
                local_fk: a,
                remote_fk: b,
            },
            parent: left.id(),
            target: right.id(),
            forward,
            reverse,
        });
    }
    deduplicate(plan, &mut pairs)?;
    Ok(pairs)
}

/// Applies the rules that hold for every [`Naming`]: no empty names, no
/// name equal to a column of its table, no name generated twice on a table.
fn deduplicate(plan: &Plan<'_>, pairs: &mut [Pair]) -> Result<()> {
    let mut used: HashMap<TableId, HashSet<String>> = HashMap::new();
    for pair in pairs.iter_mut() {
        for (table_id, name) in [
            (pair.parent, &mut pair.forward),
            (pair.target, &mut pair.reverse),
        ] {
            let table = plan.table(table_id)?;
            if name.is_empty() {
                return Err(Error::invalid(format!(
                    "automap: the naming gave an empty relationship name on table '{}'",
                    table.qualified_name()
                )));
            }
            while table.column_id(name).is_some() {
                name.push('_');
            }
            let taken = used.entry(table_id).or_default();
            if taken.contains(name.as_str()) {
                let base = name.clone();
                let mut n = 2usize;
                loop {
                    let candidate = format!("{base}_{n}");
                    if !taken.contains(&candidate) && table.column_id(&candidate).is_none() {
                        *name = candidate;
                        break;
                    }
                    n += 1;
                }
            }
            taken.insert(name.clone());
        }
    }
    Ok(())
}

/// `table.column` as written in a [`RelationshipConfig`], checked to name
/// that very column.
fn column_name(schema: &Schema, table: &Arc<Table>, column: ColumnId) -> Result<String> {
    let col = table.column(column).ok_or_else(|| {
        Error::invalid(format!(
            "automap: table '{}' has no column #{}",
            table.qualified_name(),
            column.index()
        ))
    })?;
    let text = format!("{}.{}", table.qualified_name(), col.name());
    match schema.column(&text) {
        Ok(found) if found.table_id() == table.id() && found.column_id() == column => Ok(text),
        _ => Err(Error::invalid(format!(
            "automap: column reference '{text}' does not name a single column unambiguously"
        ))),
    }
}

/// The table's name as written in a [`RelationshipConfig`], checked to
/// name that very table.
fn table_name(schema: &Schema, table: &Table) -> Result<String> {
    let text = table.qualified_name().to_string();
    match schema.table(&text) {
        Ok(found) if found.id() == table.id() => Ok(text),
        _ => Err(Error::invalid(format!(
            "automap: table name '{text}' does not name a single table unambiguously"
        ))),
    }
}

/// `referred.col = referencing.col AND ...` for a foreign key of
/// `table`, SQLAlchemy's `and_(fk.column == fk.parent ...)`.
fn fk_join(schema: &Schema, table: &Arc<Table>, fk: &ForeignKey) -> Result<Expr> {
    let referred = schema
        .table_by_id(fk.referred_table())
        .ok_or_else(|| Error::invalid("automap: foreign key to an unknown table"))?;
    let terms = fk.pairs().map(|(local, remote)| {
        let local = ColumnRef::new(Arc::clone(table), local);
        let remote = ColumnRef::new(Arc::clone(referred), remote);
        Expr::col(remote).eq(Expr::col(local))
    });
    Ok(Expr::all(terms.collect::<Vec<_>>()))
}

/// Declared names, per table: relationships and their backrefs.
struct Declared<'c> {
    taken: HashMap<TableId, HashSet<&'c str>>,
    /// Declarations that automap may link by `back_populates`: no backref,
    /// no `back_populates`; keyed by (parent, name), with their target.
    plain: HashMap<(TableId, &'c str), (usize, TableId)>,
}

impl<'c> Declared<'c> {
    fn new(schema: &Schema, explicit: &'c [RelationshipConfig]) -> Self {
        let mut taken: HashMap<TableId, HashSet<&'c str>> = HashMap::new();
        let mut plain = HashMap::new();
        for (i, config) in explicit.iter().enumerate() {
            let parent = schema.table(config.table()).map(|t| t.id());
            let target = schema.table(config.target()).map(|t| t.id());
            if let Ok(parent) = parent {
                taken.entry(parent).or_default().insert(config.name());
                if let (Ok(target), None, None) = (&target, &config.backref, &config.back_populates)
                {
                    plain.insert((parent, config.name()), (i, *target));
                }
            }
            if let (Some(backref), Ok(target)) = (&config.backref, target) {
                taken.entry(target).or_default().insert(backref.name());
            }
        }
        Declared { taken, plain }
    }

    fn is_taken(&self, table: TableId, name: &str) -> bool {
        self.taken
            .get(&table)
            .is_some_and(|names| names.contains(name))
    }

    /// The declaration to link with a generated reverse, when it is a plain
    /// one from `parent` to `target`.
    fn linkable(&self, parent: TableId, name: &str, target: TableId) -> Option<usize> {
        match self.plain.get(&(parent, name)) {
            Some(&(i, t)) if t == target => Some(i),
            _ => None,
        }
    }
}

/// The declarations to configure: `explicit` (some linked by
/// `back_populates` to generated relationships) followed by the generated
/// ones that no declaration overrides.
pub(crate) fn merge(
    schema: &Schema,
    naming: &dyn Naming,
    explicit: &[RelationshipConfig],
) -> Result<Vec<RelationshipConfig>> {
    let plan = Plan::new(schema);
    let pairs = generate(&plan, naming)?;
    let declared = Declared::new(schema, explicit);
    let mut out: Vec<RelationshipConfig> = explicit.to_vec();
    let mut generated = Vec::new();
    for pair in &pairs {
        let forward_taken = declared.is_taken(pair.parent, &pair.forward);
        let reverse_taken = declared.is_taken(pair.target, &pair.reverse);
        if forward_taken && reverse_taken {
            continue;
        }
        let (forward, reverse) = configs(&plan, pair)?;
        if !forward_taken && !reverse_taken {
            generated.push(forward.with_backref(reverse));
        } else if forward_taken {
            // SQLAlchemy: the declared side gets back_populates, the
            // generated reverse points back at it.
            let mut reverse = reverse.into_config(pair.target, pair.parent, &plan)?;
            if let Some(i) = declared.linkable(pair.parent, &pair.forward, pair.target) {
                out[i] = out[i].clone().back_populates(pair.reverse.clone());
                reverse = reverse.back_populates(pair.forward.clone());
            }
            generated.push(reverse);
        } else {
            let mut forward = forward.config;
            if let Some(i) = declared.linkable(pair.target, &pair.reverse, pair.parent) {
                out[i] = out[i].clone().back_populates(pair.forward.clone());
                forward = forward.back_populates(pair.reverse.clone());
            }
            generated.push(forward);
        }
    }
    out.extend(generated);
    Ok(out)
}

/// The forward declaration, without backref.
struct Forward {
    config: RelationshipConfig,
}

impl Forward {
    fn with_backref(self, reverse: Reverse) -> RelationshipConfig {
        let mut backref = Backref::new(reverse.name);
        if let Some(uselist) = reverse.uselist {
            backref = backref.uselist(uselist);
        }
        self.config.backref(backref)
    }
}

/// What the reverse side needs beyond what a backref derives.
struct Reverse {
    name: String,
    uselist: Option<bool>,
    foreign_keys: Vec<String>,
    primaryjoin: Option<Expr>,
    secondaryjoin: Option<Expr>,
    secondary: Option<String>,
}

impl Reverse {
    /// The reverse as a declaration of its own (when the forward side is
    /// declared explicitly): SQLAlchemy's standalone `relationship()` with
    /// `foreign_keys` (or the swapped joins of a many-to-many).
    fn into_config(
        self,
        parent: TableId,
        target: TableId,
        plan: &Plan<'_>,
    ) -> Result<RelationshipConfig> {
        let schema = plan.schema;
        let mut config = RelationshipConfig::new(
            table_name(schema, plan.table(parent)?)?,
            self.name,
            table_name(schema, plan.table(target)?)?,
        );
        if let Some(secondary) = self.secondary {
            config = config.secondary(secondary);
        }
        if let Some(pj) = self.primaryjoin {
            config = config.primaryjoin(pj);
        }
        if let Some(sj) = self.secondaryjoin {
            config = config.secondaryjoin(sj);
        }
        if !self.foreign_keys.is_empty() {
            config = config.foreign_keys(self.foreign_keys);
        }
        if let Some(uselist) = self.uselist {
            config = config.uselist(uselist);
        }
        Ok(config)
    }
}

/// The two declarations of a pair, with SQLAlchemy's
/// `generate_relationship` arguments.
fn configs(plan: &Plan<'_>, pair: &Pair) -> Result<(Forward, Reverse)> {
    let schema = plan.schema;
    let parent = plan.table(pair.parent)?;
    let target = plan.table(pair.target)?;
    let mut config = RelationshipConfig::new(
        table_name(schema, parent)?,
        pair.forward.clone(),
        table_name(schema, target)?,
    );
    let reverse = match pair.link {
        Link::ForeignKey {
            table,
            fk,
            one_to_one,
        } => {
            let table = plan.table(table)?;
            let fk = &table.foreign_keys()[fk];
            let foreign_keys = fk
                .columns()
                .iter()
                .map(|&c| column_name(schema, table, c))
                .collect::<Result<Vec<_>>>()?;
            let remote_side = fk
                .referred_columns()
                .iter()
                .map(|&c| column_name(schema, target, c))
                .collect::<Result<Vec<_>>>()?;
            let primaryjoin = fk_join(schema, table, fk)?;
            config = config
                .primaryjoin(primaryjoin.clone())
                .foreign_keys(foreign_keys.clone())
                .remote_side(remote_side);
            Reverse {
                name: pair.reverse.clone(),
                uselist: one_to_one.then_some(false),
                foreign_keys,
                primaryjoin: Some(primaryjoin),
                secondaryjoin: None,
                secondary: None,
            }
        }
        Link::ManyToMany {
            secondary,
            local_fk,
            remote_fk,
        } => {
            let secondary = plan.table(secondary)?;
            let primaryjoin = fk_join(schema, secondary, &secondary.foreign_keys()[local_fk])?;
            let secondaryjoin = fk_join(schema, secondary, &secondary.foreign_keys()[remote_fk])?;
            let secondary_name = table_name(schema, secondary)?;
            config = config
                .secondary(secondary_name.clone())
                .primaryjoin(primaryjoin.clone())
                .secondaryjoin(secondaryjoin.clone());
            Reverse {
                name: pair.reverse.clone(),
                uselist: None,
                foreign_keys: Vec::new(),
                primaryjoin: Some(secondaryjoin),
                secondaryjoin: Some(primaryjoin),
                secondary: Some(secondary_name),
            }
        }
    };
    Ok((Forward { config }, reverse))
}
