//! Layer 4: the registry of relationships.
//!
//! A [`RegistryBuilder`] collects the schema and the relationship
//! declarations; [`RegistryBuilder::configure`] resolves every relationship
//! once, generates backrefs, links `back_populates` pairs and returns an
//! immutable, `Send + Sync` [`Registry`].
//!
//! ```
//! use sqlrel::registry::Registry;
//! use sqlrel::relationship::{Direction, RelationshipConfig};
//! use sqlrel::schema::Schema;
//!
//! let schema = Schema::from_ddl(
//!     "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
//!      CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), email TEXT);",
//! )?;
//! let registry = Registry::builder(schema)
//!     .relationship(RelationshipConfig::new("users", "addresses", "addresses").backref("user"))
//!     .configure()?;
//!
//! let addresses = registry.relationship("users.addresses")?;
//! assert_eq!(addresses.direction(), Direction::OneToMany);
//! assert_eq!(addresses.primaryjoin().to_string(), "users.id = addresses.user_id");
//! let user = registry.relationship("addresses.user")?;
//! assert_eq!(user.direction(), Direction::ManyToOne);
//! assert!(!user.uselist());
//! # Ok::<(), sqlrel::Error>(())
//! ```

mod configure;
pub(crate) mod declaration;
mod index;
mod process;

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::relationship::{Relationship, RelationshipConfig};
use crate::schema::{Schema, TableId};
use configure::Configuring;
use declaration::{Declaration, Generator, SharedGenerator};
use index::NameIndex;

/// Collects relationship declarations for one schema.
///
/// [`automap`](Self::automap) and [`automap_with`](Self::automap_with)
/// are defined by the [`automap`](crate::automap) layer, which builds on
/// this one.
#[derive(Debug, Clone)]
pub struct RegistryBuilder {
    schema: Arc<Schema>,
    configs: Vec<RelationshipConfig>,
    generator: Option<SharedGenerator>,
}

impl RegistryBuilder {
    /// Adds a relationship declaration.
    pub fn relationship(mut self, config: RelationshipConfig) -> Self {
        self.configs.push(config);
        self
    }

    /// Adds a relationship declaration (by reference, for loops).
    pub fn add_relationship(&mut self, config: RelationshipConfig) -> &mut Self {
        self.configs.push(config);
        self
    }

    /// The declarations so far (without the ones automap generates at
    /// [`configure`](Self::configure)).
    pub fn configs(&self) -> &[RelationshipConfig] {
        &self.configs
    }

    /// Has `generator` add its declarations at configure.
    pub(crate) fn generated_by(mut self, generator: impl Generator + 'static) -> Self {
        self.generator = Some(SharedGenerator(Arc::new(generator)));
        self
    }

    /// Resolves every relationship (backrefs included) in declaration
    /// order, the generated ones (see [`automap`](Self::automap)) after
    /// the declared ones. The first failure is returned and no registry is
    /// built.
    ///
    /// # Errors
    ///
    /// The first problem met, in this order:
    /// 1. automap's errors, when [`automap`](Self::automap) is set (see
    ///    [`automap::relationships`](crate::automap::relationships));
    /// 2. the arguments of every declaration, checked before any join condition
    ///    is resolved:
    ///    - [`Error::UnknownTable`] and [`Error::UnknownColumn`] for the names
    ///      it gives (an [`Error::InvalidArgument`] for a column not written
    ///      `table.column`), and the errors of
    ///      [`parse_condition`](crate::expr::parse_condition) for a condition
    ///      given as text;
    ///    - [`Error::InvalidArgument`] for a relationship declared twice on a
    ///      table, or a condition built from the columns of another schema;
    ///    - [`Error::BackrefWithBackPopulates`],
    ///      [`Error::SecondaryJoinWithoutSecondary`],
    ///      [`Error::BackrefSecondaryJoin`], and [`Error::BackrefExists`] for a
    ///      backref whose name is a column or a relationship of the target;
    /// 3. each relationship's resolution, its backref's right after it:
    ///    - the join-condition errors SQLAlchemy raises:
    ///      [`Error::NoForeignKeys`], [`Error::AmbiguousForeignKeys`],
    ///      [`Error::NoForeignColumns`], [`Error::NoEqualityForeignColumns`],
    ///      [`Error::NoDirection`], [`Error::AmbiguousDirection`],
    ///      [`Error::NoLocalRemotePairs`];
    ///    - the `back_populates` checks: [`Error::BackPopulatesMissing`],
    ///      [`Error::BackPopulatesMismatch`], [`Error::SameDirection`].
    ///
    /// The errors of step 3 name their relationship ([`Error::relationship`]);
    /// those of step 2 may not.
    /// [`relationship_file::validate`](crate::relationship_file::validate) runs
    /// step 2 alone and places each error in its declaration.
    pub fn configure(self) -> Result<Registry> {
        let schema = &*self.schema;
        let configured = match &self.generator {
            None => {
                let mut configuring = Configuring::new(schema, self.configs.len() * 2);
                configuring.add(declared(self.configs));
                configuring.finish()?
            }
            Some(generator) => {
                // Two relationships per foreign key (an association table's
                // two keys make two): an upper bound for what is generated.
                let capacity = 2 * (self.configs.len() + schema.foreign_key_count());
                let mut configuring = Configuring::new(schema, capacity);
                generator
                    .0
                    .generate(schema, self.configs, &mut |batch| configuring.add(batch))?;
                configuring.finish()?
            }
        };
        Ok(Registry {
            schema: self.schema,
            relationships: configured.relationships,
            index: configured.index,
        })
    }
}

/// Declarations the user wrote, as configure takes them.
pub(crate) fn declared(configs: Vec<RelationshipConfig>) -> Vec<Declaration> {
    configs
        .into_iter()
        .map(|config| Declaration::Declared(Box::new(config)))
        .collect()
}

/// Runs the checks configure makes on `configs` before it resolves any
/// join condition (names, conditions, argument combinations; see
/// [`RegistryBuilder::configure`]); the first failure with the position of
/// its declaration.
pub(crate) fn check_declarations(
    schema: &Schema,
    configs: &[RelationshipConfig],
) -> std::result::Result<(), (usize, Error)> {
    process::check(schema, configs)
}

/// Configured relationships of a schema; immutable and shareable across
/// threads.
#[derive(Debug, Clone)]
pub struct Registry {
    schema: Arc<Schema>,
    relationships: Vec<Relationship>,
    /// Relationship positions by parent table and name.
    index: NameIndex,
}

impl Registry {
    /// Starts a [`RegistryBuilder`] for `schema`.
    pub fn builder(schema: impl Into<Arc<Schema>>) -> RegistryBuilder {
        RegistryBuilder {
            schema: schema.into(),
            configs: Vec::new(),
            generator: None,
        }
    }

    /// The schema.
    pub fn schema(&self) -> &Arc<Schema> {
        &self.schema
    }

    /// Every relationship (declared ones in declaration order, each followed
    /// by its backref).
    pub fn relationships(&self) -> impl ExactSizeIterator<Item = &Relationship> {
        self.relationships.iter()
    }

    /// The relationships whose parent is `table`, in the order of
    /// [`relationships`](Self::relationships). Found through the name
    /// index: asking for every table's relationships in turn is linear in
    /// the relationships, not quadratic.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownTable`] when `table` names no table of the schema (see
    /// [`Schema::table`]).
    pub fn relationships_of<'r>(
        &'r self,
        table: &str,
    ) -> Result<impl Iterator<Item = &'r Relationship> + use<'r>> {
        let id = self.schema.table(table)?.id();
        let mut positions: Vec<usize> = self.index.configured_on(id).collect();
        positions.sort_unstable();
        Ok(positions
            .into_iter()
            .filter_map(|i| self.relationships.get(i)))
    }

    /// The relationship written `table.name` (`namespace.table.name` for
    /// namespaced tables). Names containing dots are found too: every split
    /// point is tried, the rightmost first.
    ///
    /// # Errors
    ///
    /// - [`Error::UnknownTable`], naming the part before the last dot, when no
    ///   split point finds a table.
    /// - [`Error::UnknownRelationship`] when the tables found have no
    ///   relationship of that name (a backref that was not requested included),
    ///   or `key` has no dot.
    pub fn relationship(&self, key: &str) -> Result<&Relationship> {
        let mut table_found = false;
        for (i, _) in key.rmatch_indices('.') {
            if let Ok(table) = self.schema.table(&key[..i]) {
                table_found = true;
                if let Some(rel) = self.get(table.id(), &key[i + 1..]) {
                    return Ok(rel);
                }
            }
        }
        match key.rsplit_once('.') {
            Some((table, _)) if !table_found => Err(Error::UnknownTable {
                name: table.to_owned(),
            }),
            _ => Err(Error::UnknownRelationship {
                name: key.to_owned(),
            }),
        }
    }

    /// Every index entry, sorted, for tests comparing two registries.
    #[cfg(test)]
    pub(crate) fn index_sorted(&self) -> Vec<(usize, Arc<str>, index::Entry)> {
        self.index.sorted()
    }

    /// The relationship `name` of the table with id `table`.
    pub fn get(&self, table: TableId, name: &str) -> Option<&Relationship> {
        let i = self.index.get(table, name)?.configured?;
        self.relationships.get(i)
    }
}
