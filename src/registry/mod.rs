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

use std::collections::HashMap;
use std::sync::Arc;

use crate::automap::{AutomapNaming, Declaration, Naming};
use crate::error::{Error, Result};
use crate::relationship::{Relationship, RelationshipConfig};
use crate::schema::{Schema, TableId};

/// How many declarations automap hands to configure at a time when nothing
/// is declared (see `configure::automap_only`): small enough that a
/// batch's tables, declarations and relationships are still in cache when
/// the next step reads them, large enough that batching costs nothing.
const AUTOMAP_BATCH: usize = 256;

/// Collects relationship declarations for one schema.
#[derive(Debug, Clone)]
pub struct RegistryBuilder {
    schema: Arc<Schema>,
    configs: Vec<RelationshipConfig>,
    automap: Option<AutomapNaming>,
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

    /// Also generates relationships from the schema's foreign keys, with
    /// SQLAlchemy's default names (see [`crate::automap`]). Declared
    /// relationships win: a generated relationship whose name a declared
    /// relationship or backref already uses on its table is skipped.
    pub fn automap(self) -> Self {
        self.automap_with(crate::automap::DefaultNaming)
    }

    /// Like [`automap`](Self::automap), with names chosen by `naming`.
    pub fn automap_with(mut self, naming: impl Naming + Send + Sync + 'static) -> Self {
        self.automap = Some(AutomapNaming(Arc::new(naming)));
        self
    }

    /// Resolves every relationship (backrefs included) in declaration
    /// order, the generated ones (see [`automap`](Self::automap)) after
    /// the declared ones. The first failure is returned and no registry is
    /// built.
    pub fn configure(self) -> Result<Registry> {
        let (relationships, names) = match &self.automap {
            Some(naming) if self.configs.is_empty() => {
                configure::automap_only(&self.schema, &*naming.0, AUTOMAP_BATCH)?
            }
            Some(naming) => configure::configure(
                &self.schema,
                crate::automap::declarations(&self.schema, &*naming.0, &self.configs)?,
            )?,
            None => configure::configure(
                &self.schema,
                self.configs
                    .into_iter()
                    .map(|config| Declaration::Declared(Box::new(config)))
                    .collect(),
            )?,
        };
        Ok(Registry {
            schema: self.schema,
            relationships,
            index: names.into_inner(),
        })
    }
}

/// Configured relationships of a schema; immutable and shareable across
/// threads.
#[derive(Debug, Clone)]
pub struct Registry {
    schema: Arc<Schema>,
    relationships: Vec<Relationship>,
    /// Relationship positions by parent table index and name.
    index: Vec<HashMap<Arc<str>, configure::Slot>>,
}

impl Registry {
    /// Starts a [`RegistryBuilder`] for `schema`.
    pub fn builder(schema: impl Into<Arc<Schema>>) -> RegistryBuilder {
        RegistryBuilder {
            schema: schema.into(),
            configs: Vec::new(),
            automap: None,
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
    pub fn relationships_of<'r>(
        &'r self,
        table: &str,
    ) -> Result<impl Iterator<Item = &'r Relationship> + use<'r>> {
        let id = self.schema.table(table)?.id();
        let mut positions: Vec<usize> = self
            .index
            .get(id.index())
            .into_iter()
            .flat_map(|names| names.values().filter_map(|slot| slot.done()))
            .collect();
        positions.sort_unstable();
        Ok(positions
            .into_iter()
            .filter_map(|i| self.relationships.get(i)))
    }

    /// The relationship written `table.name` (`namespace.table.name` for
    /// namespaced tables). Names containing dots are found too: every split
    /// point is tried, the rightmost first.
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

    /// The relationship `name` of the table with id `table`.
    pub fn get(&self, table: TableId, name: &str) -> Option<&Relationship> {
        let i = self.index.get(table.index())?.get(name)?.done()?;
        self.relationships.get(i)
    }
}
