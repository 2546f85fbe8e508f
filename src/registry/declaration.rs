//! What configure takes in: declarations the user wrote, and declarations
//! a generator (automap) derived from the schema.

use std::fmt;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::relationship::fk_join::constraint_join;
use crate::relationship::{Backref, Columns, RelationshipConfig};
use crate::schema::{ColumnId, ColumnRef, ForeignKey, Schema, Table, TableId};

/// A declaration to configure.
#[derive(Debug)]
// Nearly every declaration of a large registry is generated: those stay
// inline, the few written by the user are boxed.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Declaration {
    /// Written by the user: names still to look up in the schema.
    Declared(Box<RelationshipConfig>),
    /// Derived from the schema: tables and keys already resolved.
    Generated(Generated),
}

/// A source of generated declarations, such as automap, set on a
/// [`RegistryBuilder`](super::RegistryBuilder) and run by configure.
pub(crate) trait Generator: Send + Sync {
    /// Hands `sink` the declarations to configure, in order, in one or
    /// more batches: `declared` (as the generator may have linked them to
    /// generated ones) and the generated ones.
    ///
    /// A generator that hands over several batches promises that no
    /// declaration refers (by `back_populates`, or by a name its backref
    /// must not take) to a declaration of a later batch: configure then
    /// resolves each batch before it sees the next.
    fn generate(
        &self,
        schema: &Schema,
        declared: Vec<RelationshipConfig>,
        sink: &mut dyn FnMut(Vec<Declaration>),
    ) -> Result<()>;
}

/// The generator of a [`RegistryBuilder`](super::RegistryBuilder), shared
/// by its clones.
#[derive(Clone)]
pub(crate) struct SharedGenerator(pub(crate) Arc<dyn Generator>);

impl fmt::Debug for SharedGenerator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Generator(..)")
    }
}

/// A relationship derived from the schema's foreign keys, with its tables
/// already resolved. Its joins are read off the foreign keys only when
/// configure resolves it ([`parts`](Self::parts)): built for every
/// relationship of a large schema up front, they no longer fit in cache by
/// the time configure reads them back (`scale` bench, 10,000 tables).
#[derive(Debug)]
pub(crate) struct Generated {
    pub(crate) name: Arc<str>,
    pub(crate) parent: Arc<Table>,
    pub(crate) target: Arc<Table>,
    pub(crate) secondary: Option<Arc<Table>>,
    pub(crate) join: GeneratedJoin,
    pub(crate) uselist: Option<bool>,
    pub(crate) backref: Option<Box<Backref>>,
    pub(crate) back_populates: Option<Arc<str>>,
}

/// Which foreign keys join a generated relationship.
#[derive(Debug, Clone, Copy)]
pub(crate) enum GeneratedJoin {
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
    /// The relationship `name` of `parent` to `target` joined by `join`,
    /// with nothing else set.
    pub(crate) fn new(
        name: String,
        parent: &Arc<Table>,
        target: &Arc<Table>,
        join: GeneratedJoin,
    ) -> Self {
        Generated {
            name: name.into(),
            parent: Arc::clone(parent),
            target: Arc::clone(target),
            secondary: None,
            join,
            uselist: None,
            backref: None,
            back_populates: None,
        }
    }

    /// The joins and column lists, read off the foreign keys of `schema`
    /// (the schema the tables come from).
    pub(crate) fn parts(&self, schema: &Schema) -> Result<Parts> {
        match self.join {
            GeneratedJoin::ForeignKey {
                table,
                fk,
                remote_side,
            } => {
                let (table, fk, referred) = foreign_key(schema, table, fk)?;
                let columns = |table: &Arc<Table>, ids: &[ColumnId]| -> Columns {
                    ids.iter()
                        .map(|&c| ColumnRef::new(Arc::clone(table), c))
                        .collect()
                };
                Ok(Parts {
                    primaryjoin: constraint_join(table, fk, referred),
                    secondaryjoin: None,
                    foreign_keys: columns(table, fk.columns()),
                    remote_side: if remote_side {
                        columns(referred, fk.referred_columns())
                    } else {
                        Columns::new()
                    },
                })
            }
            GeneratedJoin::ManyToMany { primary, secondary } => {
                let table = self.secondary.as_ref().ok_or_else(|| {
                    Error::invalid("automap: many-to-many relationship without a secondary table")
                })?;
                let (table, primary, to_parent) = foreign_key(schema, table.id(), primary)?;
                let (_, secondary, to_target) = foreign_key(schema, table.id(), secondary)?;
                Ok(Parts {
                    primaryjoin: constraint_join(table, primary, to_parent),
                    secondaryjoin: Some(constraint_join(table, secondary, to_target)),
                    foreign_keys: Columns::new(),
                    remote_side: Columns::new(),
                })
            }
        }
    }
}

/// Foreign key `fk` of table `table`, with the table and the table it
/// refers to. Generated declarations only hold keys of their schema; an
/// error all the same.
fn foreign_key(
    schema: &Schema,
    table: TableId,
    fk: usize,
) -> Result<(&Arc<Table>, &ForeignKey, &Arc<Table>)> {
    let owner = schema
        .table_by_id(table)
        .ok_or_else(|| Error::invalid(format!("automap: no table with id {}", table.index())))?;
    let key = owner
        .foreign_keys()
        .get(fk)
        .ok_or_else(|| Error::invalid("automap: no such foreign key"))?;
    let referred = schema
        .table_by_id(key.referred_table())
        .ok_or_else(|| Error::invalid("automap: foreign key to an unknown table"))?;
    Ok((owner, key, referred))
}
