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
mod used_names;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

use used_names::UsedNames;

pub use naming::{DefaultNaming, Naming, NamingContext};

use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::relationship::{Backref, Columns, Direction, RelationshipConfig};
use crate::schema::{ColumnId, ColumnRef, ForeignKey, Schema, Table, TableId, TableShape};

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

/// What generation reads of the schema besides its tables: whether a
/// table is mapped (the schema's [`TableShape`]s), and names checked once.
struct Plan<'s> {
    schema: &'s Schema,
    /// Checked names ([`table_name`], [`column_name`]) by table (and column
    /// index), so each is looked up in the schema once, not once per
    /// relationship that uses it.
    names: RefCell<HashMap<TableId, CheckedNames>>,
}

/// The checked names of one table and its columns.
#[derive(Default)]
struct CheckedNames {
    table: Option<String>,
    /// By column index.
    columns: Vec<Option<String>>,
}

impl<'s> Plan<'s> {
    fn new(schema: &'s Schema) -> Self {
        Plan {
            schema,
            // Only tables whose names need checking get an entry.
            names: RefCell::new(HashMap::new()),
        }
    }

    /// Checks [`table_name`]: at once for a table without namespace whose
    /// name has no dot (its bare name finds it first, and no two such tables
    /// share a name), else once per table.
    fn check_table(&self, table: &Table) -> Result<()> {
        if plainly_named(table) {
            return Ok(());
        }
        self.with_table_name(table, |_| ())
    }

    /// [`table_name`], looked up once per table.
    fn table_name(&self, table: &Table) -> Result<String> {
        self.with_table_name(table, str::to_owned)
    }

    fn with_table_name<T>(&self, table: &Table, f: impl FnOnce(&str) -> T) -> Result<T> {
        let mut names = self.names.borrow_mut();
        let slot = names.entry(table.id()).or_default();
        if slot.table.is_none() {
            slot.table = Some(table_name(self.schema, table)?);
        }
        Ok(f(slot.table.as_deref().unwrap_or_default()))
    }

    /// Checks [`column_name`]: at once when the table is named plainly (see
    /// [`check_table`](Self::check_table)) and the column's name has no dot
    /// (`table.column` then splits at its only dot, and column names are
    /// unique in a table), else once per column.
    fn check_column(&self, table: &Arc<Table>, column: ColumnId) -> Result<()> {
        if table.plain_column_names {
            return Ok(());
        }
        let plain_column = table
            .column(column)
            .is_some_and(|c| !c.name().contains('.'));
        if plainly_named(table) && plain_column {
            return Ok(());
        }
        self.with_column_name(table, column, |_| ())
    }

    /// [`column_name`], looked up once per column.
    fn column_name(&self, table: &Arc<Table>, column: ColumnId) -> Result<String> {
        self.with_column_name(table, column, str::to_owned)
    }

    fn with_column_name<T>(
        &self,
        table: &Arc<Table>,
        column: ColumnId,
        f: impl FnOnce(&str) -> T,
    ) -> Result<T> {
        let mut names = self.names.borrow_mut();
        let slot = names.entry(table.id()).or_default();
        if slot.columns.is_empty() {
            slot.columns.resize(table.columns().len(), None);
        }
        let Some(slot) = slot.columns.get_mut(column.index()) else {
            return column_name(self.schema, table, column).map(|name| f(&name));
        };
        if let Some(name) = slot {
            return Ok(f(name));
        }
        let name = column_name(self.schema, table, column)?;
        let result = f(&name);
        *slot = Some(name);
        Ok(result)
    }

    fn is_mapped(&self, id: TableId) -> bool {
        self.schema.shape(id) == Some(TableShape::Keyed)
    }

    fn table(&self, id: TableId) -> Result<&'s Arc<Table>> {
        table_by_id(self.schema, id)
    }
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

/// Generates every pair, in order, and hands each to `emit` with its final
/// names (see [`UsedNames`]; before explicit declarations are taken into
/// account).
fn generate(
    plan: &Plan<'_>,
    naming: &dyn Naming,
    mut emit: impl FnMut(Pair) -> Result<()>,
) -> Result<()> {
    let schema = plan.schema;
    // Two names a pair, nearly every foreign key a pair.
    let mut used = UsedNames::with_capacity(2 * schema.foreign_key_count());
    let mut emit = |mut pair: Pair| {
        used.settle(plan.table(pair.parent)?, &mut pair.forward)?;
        used.settle(plan.table(pair.target)?, &mut pair.reverse)?;
        emit(pair)
    };
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
            emit(Pair {
                link: Link::ForeignKey {
                    table: table.id(),
                    fk: i,
                    one_to_one,
                },
                parent: table.id(),
                target: referred.id(),
                forward,
                reverse,
            })?;
        }
    }
    for secondary_id in schema.tables_shaped(TableShape::Association) {
        let secondary = plan.table(secondary_id)?;
        let [fk_a, fk_b] = secondary.foreign_keys() else {
            return Err(Error::invalid(format!(
                "automap: association table '{}' does not have two foreign keys",
                secondary.qualified_name()
            )));
        };
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
        emit(Pair {
            link: Link::ManyToMany {
                secondary: secondary_id,
                local_fk: 0,
                remote_fk: 1,
            },
            parent: left.id(),
            target: right.id(),
            forward,
            reverse,
        })?;
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

/// Whether `table` has no namespace and no dot in its name: its name then
/// finds it (see [`Schema::table`]; no two such tables share a name).
fn plainly_named(table: &Table) -> bool {
    table.plain_name
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

/// Automap only handles ids of its schema's tables; an error all the same.
fn no_table(id: TableId) -> Error {
    Error::invalid(format!("automap: no table with id {}", id.index()))
}

fn table_by_id(schema: &Schema, id: TableId) -> Result<&Arc<Table>> {
    schema.table_by_id(id).ok_or_else(|| no_table(id))
}

/// The table a foreign key refers to.
fn referred_table<'s>(schema: &'s Schema, fk: &ForeignKey) -> Result<&'s Arc<Table>> {
    schema
        .table_by_id(fk.referred_table())
        .ok_or_else(|| Error::invalid("automap: foreign key to an unknown table"))
}

/// Foreign key `fk` of table `table`, with the table.
fn foreign_key(schema: &Schema, table: TableId, fk: usize) -> Result<(&Arc<Table>, &ForeignKey)> {
    let table = table_by_id(schema, table)?;
    let fk = table
        .foreign_keys()
        .get(fk)
        .ok_or_else(|| Error::invalid("automap: no such foreign key"))?;
    Ok((table, fk))
}

/// `referred.col = referencing.col AND ...` for a foreign key of
/// `table`, SQLAlchemy's `and_(fk.column == fk.parent ...)`.
fn fk_join(schema: &Schema, table: &Arc<Table>, fk: &ForeignKey) -> Result<Expr> {
    let referred = referred_table(schema, fk)?;
    let mut terms = fk.pairs().map(|(local, remote)| {
        let local = ColumnRef::new(Arc::clone(table), local);
        let remote = ColumnRef::new(Arc::clone(referred), remote);
        Expr::col(remote).eq(Expr::col(local))
    });
    // Most keys have one column: its comparison needs no list.
    Ok(match (terms.next(), terms.next()) {
        (Some(only), None) => only,
        (first, second) => Expr::all(first.into_iter().chain(second).chain(terms)),
    })
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

/// A relationship automap generates, with its tables and columns already
/// resolved: what [`to_config`](Self::to_config) writes as a
/// [`RelationshipConfig`] (names checked to resolve to these very tables
/// and columns), handed to `configure` without the round trip through
/// names.
#[derive(Debug)]
pub(crate) struct Generated {
    pub(crate) name: Arc<str>,
    pub(crate) parent: Arc<Table>,
    pub(crate) target: Arc<Table>,
    pub(crate) secondary: Option<Arc<Table>>,
    /// The foreign keys the joins and column lists are read off, by
    /// [`parts`](Self::parts) when configure resolves this declaration:
    /// building them for every relationship before configure starts wrote
    /// more than a large schema's cache holds, all read back cold.
    pub(crate) keys: Keys,
    pub(crate) uselist: Option<bool>,
    pub(crate) backref: Option<Box<Backref>>,
    pub(crate) back_populates: Option<Arc<str>>,
}

/// Which foreign keys join a generated relationship.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Keys {
    /// Foreign key `fk` of `table` (the parent's for the many-to-one side,
    /// the target's for its reverse); its columns are the `foreign_keys`,
    /// and with `remote_side` its referred columns are the remote side.
    ForeignKey {
        table: TableId,
        fk: usize,
        remote_side: bool,
    },
    /// Foreign keys of the secondary table: `primary` joins the parent,
    /// `secondary` the target.
    ManyToMany { primary: usize, secondary: usize },
}

/// The joins and column lists of a generated relationship.
pub(crate) struct Parts {
    pub(crate) primaryjoin: Expr,
    pub(crate) secondaryjoin: Option<Expr>,
    pub(crate) foreign_keys: Columns,
    pub(crate) remote_side: Columns,
}

impl Generated {
    /// The relationship `name` of `parent` to `target` joined through
    /// `keys`, with nothing else set.
    fn new(name: String, parent: &Arc<Table>, target: &Arc<Table>, keys: Keys) -> Self {
        Generated {
            name: name.into(),
            parent: Arc::clone(parent),
            target: Arc::clone(target),
            secondary: None,
            keys,
            uselist: None,
            backref: None,
            back_populates: None,
        }
    }

    /// The joins and column lists, read off the foreign keys.
    pub(crate) fn parts(&self, schema: &Schema) -> Result<Parts> {
        match self.keys {
            Keys::ForeignKey {
                table,
                fk,
                remote_side,
            } => {
                let (table, fk) = foreign_key(schema, table, fk)?;
                let columns = |table: &Arc<Table>, ids: &[ColumnId]| -> Columns {
                    ids.iter()
                        .map(|&c| ColumnRef::new(Arc::clone(table), c))
                        .collect()
                };
                Ok(Parts {
                    primaryjoin: fk_join(schema, table, fk)?,
                    secondaryjoin: None,
                    foreign_keys: columns(table, fk.columns()),
                    remote_side: if remote_side {
                        columns(referred_table(schema, fk)?, fk.referred_columns())
                    } else {
                        Columns::new()
                    },
                })
            }
            Keys::ManyToMany { primary, secondary } => {
                let table = self.secondary.as_ref().ok_or_else(|| {
                    Error::invalid("automap: many-to-many relationship without a secondary table")
                })?;
                let (_, primary) = foreign_key(schema, table.id(), primary)?;
                let (_, secondary) = foreign_key(schema, table.id(), secondary)?;
                Ok(Parts {
                    primaryjoin: fk_join(schema, table, primary)?,
                    secondaryjoin: Some(fk_join(schema, table, secondary)?),
                    foreign_keys: Columns::new(),
                    remote_side: Columns::new(),
                })
            }
        }
    }

    /// `parent.name`, as [`RelationshipConfig::key`] writes it.
    pub(crate) fn key(&self) -> String {
        format!("{}.{}", self.parent.qualified_name(), self.name)
    }

    /// The declaration as [`relationships`] returns it.
    fn to_config(&self, plan: &Plan<'_>) -> Result<RelationshipConfig> {
        let mut config = RelationshipConfig::new(
            plan.table_name(&self.parent)?,
            self.name.to_string(),
            plan.table_name(&self.target)?,
        );
        if let Some(secondary) = &self.secondary {
            config = config.secondary(plan.table_name(secondary)?);
        }
        let parts = self.parts(plan.schema)?;
        config = config.primaryjoin(parts.primaryjoin);
        if let Some(sj) = parts.secondaryjoin {
            config = config.secondaryjoin(sj);
        }
        let names = |columns: &[ColumnRef]| {
            columns
                .iter()
                .map(|c| plan.column_name(c.table_arc(), c.column_id()))
                .collect::<Result<Vec<_>>>()
        };
        if !parts.foreign_keys.is_empty() {
            config = config.foreign_keys(names(&parts.foreign_keys)?);
        }
        if !parts.remote_side.is_empty() {
            config = config.remote_side(names(&parts.remote_side)?);
        }
        if let Some(uselist) = self.uselist {
            config = config.uselist(uselist);
        }
        if let Some(backref) = &self.backref {
            config = config.backref((**backref).clone());
        }
        if let Some(name) = &self.back_populates {
            config = config.back_populates(name.to_string());
        }
        Ok(config)
    }
}

/// A declaration to configure: written by the user, or generated.
#[derive(Debug)]
// Nearly every declaration of a large registry is generated: those stay
// inline, the few written by the user are boxed.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Declaration {
    Declared(Box<RelationshipConfig>),
    Generated(Generated),
}

impl Declaration {
    /// `table.name`, for messages.
    pub(crate) fn key(&self) -> String {
        match self {
            Declaration::Declared(config) => config.key(),
            Declaration::Generated(generated) => generated.key(),
        }
    }

    /// The relationship name, as a shared string (a generated
    /// declaration's own, not a copy).
    pub(crate) fn name(&self) -> Arc<str> {
        match self {
            Declaration::Declared(config) => Arc::from(config.name.as_str()),
            Declaration::Generated(generated) => Arc::clone(&generated.name),
        }
    }

    pub(crate) fn backref(&self) -> Option<&Backref> {
        match self {
            Declaration::Declared(config) => config.backref.as_ref(),
            Declaration::Generated(generated) => generated.backref.as_deref(),
        }
    }

    pub(crate) fn back_populates(&self) -> Option<&str> {
        match self {
            Declaration::Declared(config) => config.back_populates.as_deref(),
            Declaration::Generated(generated) => generated.back_populates.as_deref(),
        }
    }
}

/// The declarations to configure, as [`RelationshipConfig`]s: `explicit`
/// (some linked by `back_populates` to generated relationships) followed
/// by the generated ones that no declaration overrides.
pub(crate) fn merge(
    schema: &Schema,
    naming: &dyn Naming,
    explicit: &[RelationshipConfig],
) -> Result<Vec<RelationshipConfig>> {
    let plan = Plan::new(schema);
    declarations_with(&plan, naming, explicit)?
        .into_iter()
        .map(|declaration| match declaration {
            Declaration::Declared(config) => Ok(*config),
            Declaration::Generated(generated) => generated.to_config(&plan),
        })
        .collect()
}

/// [`merge`] without writing the generated declarations as names.
pub(crate) fn declarations(
    schema: &Schema,
    naming: &dyn Naming,
    explicit: &[RelationshipConfig],
) -> Result<Vec<Declaration>> {
    declarations_with(&Plan::new(schema), naming, explicit)
}

fn declarations_with(
    plan: &Plan<'_>,
    naming: &dyn Naming,
    explicit: &[RelationshipConfig],
) -> Result<Vec<Declaration>> {
    let declared = Declared::new(plan.schema, explicit);
    // About one declaration per foreign key.
    let mut out: Vec<Declaration> =
        Vec::with_capacity(explicit.len() + plan.schema.foreign_key_count());
    out.extend(
        explicit
            .iter()
            .map(|config| Declaration::Declared(Box::new(config.clone()))),
    );
    let mut failed = SidesError::default();
    generate(plan, naming, |pair| {
        if failed.is_some() {
            return Ok(());
        }
        let forward_taken = declared.is_taken(pair.parent, &pair.forward);
        let reverse_taken = declared.is_taken(pair.target, &pair.reverse);
        if forward_taken && reverse_taken {
            return Ok(());
        }
        if !forward_taken && !reverse_taken {
            if let Some(generated) = failed.keep(with_backref(plan, pair)) {
                out.push(Declaration::Generated(generated));
            }
            return Ok(());
        }
        let (parent, target) = (pair.parent, pair.target);
        let Some((mut forward, reverse)) = failed.keep(sides(plan, pair, forward_taken)) else {
            return Ok(());
        };
        if let Some(mut reverse) = reverse.standalone {
            // The forward side is declared. SQLAlchemy: the declared side
            // gets back_populates, the generated reverse points back at it.
            if let Some(i) = declared.linkable(parent, &forward.name, target) {
                link(&mut out[i], &reverse.name);
                reverse.back_populates = Some(forward.name);
            }
            out.push(Declaration::Generated(reverse));
        } else {
            if let Some(i) = declared.linkable(target, &reverse.name, parent) {
                link(&mut out[i], &forward.name);
                forward.back_populates = Some(reverse.name.into());
            }
            out.push(Declaration::Generated(forward));
        }
        Ok(())
    })?;
    failed.or(out)
}

/// The first error of turning pairs into declarations ([`sides`]).
///
/// Pairs are named and turned into declarations one at a time, but a
/// naming error is reported before any error of [`sides`], whichever pairs
/// they come from (as when every pair was named first): once an error is
/// kept, the remaining pairs are still named, and a naming failure among
/// them is returned instead.
#[derive(Default)]
struct SidesError(Option<Error>);

impl SidesError {
    fn is_some(&self) -> bool {
        self.0.is_some()
    }

    /// The value; an error is kept (callers stop at the first one).
    fn keep<T>(&mut self, result: Result<T>) -> Option<T> {
        result.map_err(|e| self.0 = Some(e)).ok()
    }

    /// `value`, unless an error was kept.
    fn or<T>(self, value: T) -> Result<T> {
        match self.0 {
            Some(e) => Err(e),
            None => Ok(value),
        }
    }
}

/// What [`declarations`] returns when nothing is declared, handed to
/// `sink` in order, `batch` declarations at a time (the last batch may be
/// shorter).
///
/// With nothing declared, every pair becomes one declaration that carries
/// its reverse as a backref, and never a `back_populates`; the backref's
/// name is the pair's reverse name, which [`UsedNames`] keeps apart from
/// every other name generated on its table. So resolving a declaration
/// never needs one of a later batch (what `configure::automap_only`
/// relies on).
pub(crate) fn generated_in_batches(
    schema: &Schema,
    naming: &dyn Naming,
    batch: usize,
    mut sink: impl FnMut(Vec<Declaration>),
) -> Result<()> {
    let batch = batch.max(1);
    let plan = Plan::new(schema);
    let mut out = Vec::with_capacity(batch);
    let mut failed = SidesError::default();
    generate(&plan, naming, |pair| {
        if failed.is_some() {
            return Ok(());
        }
        if let Some(generated) = failed.keep(with_backref(&plan, pair)) {
            out.push(Declaration::Generated(generated));
        }
        if out.len() == batch {
            sink(std::mem::replace(&mut out, Vec::with_capacity(batch)));
        }
        Ok(())
    })?;
    failed.or(())?;
    if !out.is_empty() {
        sink(out);
    }
    Ok(())
}

/// A pair as one declaration, its reverse as the backref: what automap
/// declares when neither side is declared explicitly.
fn with_backref(plan: &Plan<'_>, pair: Pair) -> Result<Generated> {
    let (mut forward, reverse) = sides(plan, pair, false)?;
    let mut backref = Backref::new(reverse.name);
    if let Some(uselist) = reverse.uselist {
        backref = backref.uselist(uselist);
    }
    forward.backref = Some(Box::new(backref));
    Ok(forward)
}

/// Sets `back_populates` on a declared relationship.
fn link(declaration: &mut Declaration, name: &str) {
    if let Declaration::Declared(config) = declaration {
        config.back_populates = Some(name.to_owned());
    }
}

/// The reverse side of a pair: what its backref needs and, when asked for,
/// the reverse as a declaration of its own.
struct Reverse {
    name: String,
    uselist: Option<bool>,
    standalone: Option<Generated>,
}

/// The two sides of a pair, with SQLAlchemy's `generate_relationship`
/// arguments: the forward declaration (without backref) and the reverse;
/// with `standalone`, the reverse also as a declaration of its own
/// (SQLAlchemy's standalone `relationship()` with `foreign_keys`, or the
/// swapped joins of a many-to-many), for when the forward side is declared
/// explicitly.
///
/// The names the declarations are written with (see
/// [`Generated::to_config`]) are checked here.
fn sides(plan: &Plan<'_>, pair: Pair, standalone: bool) -> Result<(Generated, Reverse)> {
    let schema = plan.schema;
    let parent = plan.table(pair.parent)?;
    let target = plan.table(pair.target)?;
    // The names move into the declarations; the reverse name is copied
    // only for a standalone reverse (when the forward side is declared).
    let (forward_name, reverse_name) = (pair.forward, pair.reverse);
    plan.check_table(parent)?;
    plan.check_table(target)?;
    let (forward, uselist, standalone) = match pair.link {
        Link::ForeignKey {
            table: table_id,
            fk: fk_index,
            one_to_one,
        } => {
            let (table, fk) = foreign_key(schema, table_id, fk_index)?;
            for &c in fk.columns() {
                plan.check_column(table, c)?;
            }
            for &c in fk.referred_columns() {
                plan.check_column(target, c)?;
            }
            let keys = |remote_side| Keys::ForeignKey {
                table: table_id,
                fk: fk_index,
                remote_side,
            };
            let uselist = one_to_one.then_some(false);
            let standalone = standalone.then(|| Generated {
                uselist,
                ..Generated::new(reverse_name.clone(), target, parent, keys(false))
            });
            let forward = Generated::new(forward_name, parent, target, keys(true));
            (forward, uselist, standalone)
        }
        Link::ManyToMany {
            secondary,
            local_fk,
            remote_fk,
        } => {
            let secondary = plan.table(secondary)?;
            plan.check_table(secondary)?;
            // The reverse joins the other way: the joins swap.
            let standalone = standalone.then(|| Generated {
                secondary: Some(Arc::clone(secondary)),
                ..Generated::new(
                    reverse_name.clone(),
                    target,
                    parent,
                    Keys::ManyToMany {
                        primary: remote_fk,
                        secondary: local_fk,
                    },
                )
            });
            let forward = Generated {
                secondary: Some(Arc::clone(secondary)),
                ..Generated::new(
                    forward_name,
                    parent,
                    target,
                    Keys::ManyToMany {
                        primary: local_fk,
                        secondary: remote_fk,
                    },
                )
            };
            (forward, None, standalone)
        }
    };
    let reverse = Reverse {
        name: reverse_name,
        uselist,
        standalone,
    };
    Ok((forward, reverse))
}
