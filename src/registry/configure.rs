//! `configure()`: resolve declarations, generate backrefs, link pairs.
//!
//! Ports SQLAlchemy's `RelationshipProperty.do_init` sequence: process the
//! arguments, resolve the join condition, default `uselist`, generate the
//! backref, then link the reverse property and check both sides differ in
//! direction.

use std::collections::HashMap;
use std::sync::Arc;

use crate::automap::{Declaration, Generated};
use crate::error::{Error, Result};
use crate::expr::{Annotations, Expr, parse_condition};
use crate::relationship::join_condition::{JoinCondition, JoinInput};
use crate::relationship::{
    Backref, Columns, Condition, Derived, Direction, Relationship, RelationshipConfig,
};
use crate::schema::{ColumnRef, Schema, Table, TableId};

/// A relationship declaration with every name resolved.
struct Spec {
    name: Arc<str>,
    parent: Arc<Table>,
    target: Arc<Table>,
    secondary: Option<Arc<Table>>,
    primaryjoin: Option<Expr>,
    secondaryjoin: Option<Expr>,
    foreign_keys: Columns,
    remote_side: Columns,
    uselist: Option<bool>,
    viewonly: bool,
    order_by: Vec<ColumnRef>,
    backref_of: Option<Arc<str>>,
    back_populates: Option<Arc<str>>,
}

/// Relationship names per table, each with the position of its
/// declaration and of its resolved relationship.
///
/// Every lookup `configure` makes by table and name goes through this
/// index instead of a scan of all declarations or all resolved
/// relationships (which kept large schemas quadratic); declarations and
/// resolved relationships share one entry per name, so that a name is
/// looked up once for both and, once configured, the index serves the
/// registry.
#[derive(Debug, Default)]
pub(super) struct Names(Vec<HashMap<Arc<str>, Slot>>);

/// The uses of one name on one table.
#[derive(Debug, Clone, Copy)]
pub(super) struct Slot {
    declared: usize,
    done: usize,
}

const NONE: usize = usize::MAX;

impl Slot {
    /// The position of the resolved relationship of this name.
    pub(super) fn done(self) -> Option<usize> {
        (self.done != NONE).then_some(self.done)
    }

    fn declared(self) -> Option<usize> {
        (self.declared != NONE).then_some(self.declared)
    }
}

impl Names {
    /// An index for the tables of `schema`.
    fn new(schema: &Schema) -> Self {
        let mut tables = Vec::new();
        tables.resize_with(schema.tables().len(), HashMap::new);
        Names(tables)
    }

    /// Applies `f` to the entry of `name` on `table`, created empty if need
    /// be; the entry shares the name's string.
    fn update<R>(&mut self, table: TableId, name: &Arc<str>, f: impl FnOnce(&mut Slot) -> R) -> R {
        if self.0.len() <= table.index() {
            self.0.resize_with(table.index() + 1, HashMap::new);
        }
        let names = &mut self.0[table.index()];
        if let Some(slot) = names.get_mut(&**name) {
            return f(slot);
        }
        let mut slot = Slot {
            declared: NONE,
            done: NONE,
        };
        let result = f(&mut slot);
        names.insert(Arc::clone(name), slot);
        result
    }

    /// Records the declaration at `position`; false when the name is
    /// declared already.
    fn declare(&mut self, table: TableId, name: &Arc<str>, position: usize) -> bool {
        self.update(table, name, |slot| {
            if slot.declared != NONE {
                return false;
            }
            slot.declared = position;
            true
        })
    }

    /// Records the resolved relationship at `position` (the first one, if
    /// the name were resolved twice).
    fn resolved(&mut self, table: TableId, name: &Arc<str>, position: usize) {
        self.update(table, name, |slot| {
            if slot.done == NONE {
                slot.done = position;
            }
        });
    }

    fn get(&self, table: TableId, name: &str) -> Option<Slot> {
        self.0.get(table.index())?.get(name).copied()
    }

    /// The names of each table, by table index.
    pub(super) fn into_inner(self) -> Vec<HashMap<Arc<str>, Slot>> {
        self.0
    }
}

/// The resolved relationships so far, with what is known of the
/// declarations still to resolve.
struct Done {
    relationships: Vec<Relationship>,
    names: Names,
    targets: Targets,
}

/// The target table of each declaration, by position.
struct Targets {
    /// `None` for a declared target that names no table.
    tables: Vec<Option<TableId>>,
    /// Those targets' names, by position (rare: kept apart so that the list
    /// above stays 8 bytes a declaration).
    unknown: HashMap<usize, String>,
}

impl Targets {
    fn get(&self, position: usize) -> Option<Result<TableId>> {
        let table = *self.tables.get(position)?;
        Some(table.ok_or_else(|| Error::UnknownTable {
            name: self.unknown.get(&position).cloned().unwrap_or_default(),
        }))
    }
}

impl Done {
    fn push(&mut self, rel: Relationship) {
        self.names
            .resolved(rel.parent.id(), &rel.name, self.relationships.len());
        self.relationships.push(rel);
    }

    /// The resolved relationship `name` of `table`.
    fn get(&self, slot: Option<Slot>) -> Option<&Relationship> {
        slot?.done().map(|i| &self.relationships[i])
    }

    /// The target of the declaration in `slot`.
    fn declared_target(&self, slot: Option<Slot>) -> Option<Result<TableId>> {
        self.targets.get(slot?.declared()?)
    }
}

/// Resolves every declaration; the relationships (each declared one
/// followed by its backref) and their index by parent table and name.
pub(super) fn configure(
    schema: &Schema,
    declarations: Vec<Declaration>,
) -> Result<(Vec<Relationship>, Names)> {
    let (names, targets) = check_declarations(schema, &declarations)?;
    let mut done = Done {
        relationships: Vec::with_capacity(declarations.len() * 2),
        names,
        targets,
    };
    for declaration in declarations {
        // Generated declarations are moved into their specs, not copied.
        let (spec, backref) = match declaration {
            Declaration::Declared(config) => (spec_from_config(schema, &config)?, config.backref),
            Declaration::Generated(mut generated) => {
                let backref = generated.backref.take().map(|b| *b);
                (spec_from_generated(schema, generated)?, backref)
            }
        };
        let mut rel = resolve(spec)?;
        link_reverse(&rel, &done)?;
        let backref = match backref {
            Some(backref) => {
                let spec = backref_spec(schema, &done, &rel, &backref)?;
                // Like SQLAlchemy's _generate_backref: the declaring side
                // now back-populates the generated one.
                rel.back_populates = Some(Arc::clone(&spec.name));
                Some(spec)
            }
            None => None,
        };
        done.push(rel);
        if let Some(spec) = backref {
            let rel = resolve(spec)?;
            link_reverse(&rel, &done)?;
            done.push(rel);
        }
    }
    Ok((done.relationships, done.names))
}

/// Checks made when relationships are declared, before any resolution;
/// the index of the declared names and each declaration's target.
fn check_declarations(schema: &Schema, declarations: &[Declaration]) -> Result<(Names, Targets)> {
    let mut names = Names::new(schema);
    let mut targets = Targets {
        tables: Vec::with_capacity(declarations.len()),
        unknown: HashMap::new(),
    };
    for (i, declaration) in declarations.iter().enumerate() {
        if declaration.backref().is_some() && declaration.back_populates().is_some() {
            return Err(Error::BackrefWithBackPopulates {
                relationship: declaration.key(),
            });
        }
        let (table, target) = match declaration {
            Declaration::Declared(config) => {
                let target = schema.table(&config.target).map(|t| t.id()).ok();
                if target.is_none() {
                    targets.unknown.insert(i, config.target.clone());
                }
                (schema.table(&config.table)?.id(), target)
            }
            Declaration::Generated(generated) => {
                (generated.parent.id(), Some(generated.target.id()))
            }
        };
        if !names.declare(table, &declaration.name(), i) {
            return Err(Error::invalid(format!(
                "relationship '{}' is declared twice",
                declaration.key()
            )));
        }
        targets.tables.push(target);
    }
    Ok((names, targets))
}

/// `namespace.table.name` or `table.name` (what `format!("{}.{name}",
/// table.qualified_name())` writes, without the formatting machinery: it
/// runs once per relationship).
fn key_of(table: &Table, name: &str) -> Arc<str> {
    let namespace = table.namespace().unwrap_or_default();
    let mut key = String::with_capacity(namespace.len() + table.name().len() + name.len() + 2);
    if let Some(namespace) = table.namespace() {
        key.push_str(namespace);
        key.push('.');
    }
    key.push_str(table.name());
    key.push('.');
    key.push_str(name);
    key.into()
}

fn columns<C: FromIterator<ColumnRef>>(schema: &Schema, names: &[String]) -> Result<C> {
    names.iter().map(|n| schema.column(n)).collect()
}

fn condition(schema: &Schema, condition: Option<&Condition>) -> Result<Option<Expr>> {
    Ok(match condition {
        None => None,
        Some(Condition::Text(text)) => Some(parse_condition(text, schema)?),
        Some(Condition::Expr(expr)) => {
            check_own_columns(schema, expr)?;
            Some(expr.clone())
        }
    })
}

/// Columns of an expression built in Rust must come from this schema:
/// column identity is by position, so another schema's columns would match
/// whatever sits at the same place here.
fn check_own_columns(schema: &Schema, expr: &Expr) -> Result<()> {
    let mut foreign = None;
    expr.for_each_column(&mut |c| {
        if foreign.is_none() && !schema.owns(c.column.table_arc()) {
            foreign = Some(c.column.to_string());
        }
    });
    match foreign {
        Some(column) => Err(Error::invalid(format!(
            "column {column} in a join condition belongs to another schema than the registry's"
        ))),
        None => Ok(()),
    }
}

fn spec_from_config(schema: &Schema, config: &RelationshipConfig) -> Result<Spec> {
    Ok(Spec {
        name: config.name.as_str().into(),
        parent: Arc::clone(schema.table(&config.table)?),
        target: Arc::clone(schema.table(&config.target)?),
        secondary: config
            .secondary
            .as_deref()
            .map(|s| schema.table(s).map(Arc::clone))
            .transpose()?,
        primaryjoin: condition(schema, config.primaryjoin.as_ref())?,
        secondaryjoin: condition(schema, config.secondaryjoin.as_ref())?,
        foreign_keys: columns(schema, &config.foreign_keys)?,
        remote_side: columns(schema, &config.remote_side)?,
        uselist: config.uselist,
        viewonly: config.viewonly,
        order_by: columns(schema, &config.order_by)?,
        backref_of: None,
        back_populates: config.back_populates.as_deref().map(Arc::from),
    })
}

/// A generated declaration's tables and columns are already this schema's
/// (automap resolved them from it), so nothing is looked up by name; its
/// joins are built here, as it is resolved.
fn spec_from_generated(schema: &Schema, generated: Generated) -> Result<Spec> {
    let parts = generated.parts(schema)?;
    Ok(Spec {
        name: generated.name,
        parent: generated.parent,
        target: generated.target,
        secondary: generated.secondary,
        primaryjoin: Some(parts.primaryjoin),
        secondaryjoin: parts.secondaryjoin,
        foreign_keys: parts.foreign_keys,
        remote_side: parts.remote_side,
        uselist: generated.uselist,
        viewonly: false,
        order_by: Vec::new(),
        backref_of: None,
        back_populates: generated.back_populates,
    })
}

/// Resolves the join condition and assembles the relationship.
fn resolve(spec: Spec) -> Result<Relationship> {
    let key = key_of(&spec.parent, &spec.name);
    let jc = JoinCondition::resolve(JoinInput {
        key: &key,
        parent: &spec.parent,
        child: &spec.target,
        secondary: spec.secondary.as_ref(),
        primaryjoin: spec.primaryjoin,
        secondaryjoin: spec.secondaryjoin,
        consider_as_foreign_keys: &spec.foreign_keys,
        remote_side: &spec.remote_side,
        support_sync: !spec.viewonly,
    })?;
    Ok(Relationship {
        name: spec.name,
        parent: spec.parent,
        target: spec.target,
        secondary: spec.secondary,
        direction: jc.direction,
        uselist: spec.uselist.unwrap_or(jc.direction != Direction::ManyToOne),
        viewonly: spec.viewonly,
        derived: Derived::default(),
        local_remote_pairs: jc.local_remote_pairs,
        synchronize_pairs: jc.synchronize_pairs,
        secondary_synchronize_pairs: jc.secondary_synchronize_pairs,
        primaryjoin: jc.primaryjoin,
        secondaryjoin: jc.secondaryjoin,
        order_by: spec.order_by,
        backref_of: spec.backref_of,
        back_populates: spec.back_populates,
        warnings: jc.warnings,
        user_foreign_keys: spec.foreign_keys,
        had_foreign_annotations: jc.had_foreign_annotations,
        had_remote_annotations: jc.had_remote_annotations,
        key,
    })
}

/// Whether `table` already has a column or a relationship (declared or
/// generated) called `name`; SQLAlchemy maps columns as attributes too.
fn name_taken(done: &Done, table: &Table, name: &str) -> bool {
    table.column_id(name).is_some() || done.names.get(table.id(), name).is_some()
}

/// The reverse relationship SQLAlchemy's `backref()` generates.
fn backref_spec(
    schema: &Schema,
    done: &Done,
    original: &Relationship,
    backref: &Backref,
) -> Result<Spec> {
    if name_taken(done, &original.target, &backref.name) {
        return Err(Error::BackrefExists {
            backref: backref.name.clone(),
            relationship: original.key.to_string(),
            table: original.target.qualified_name().to_string(),
        });
    }
    let minus_local = |e: &Expr| {
        e.clone()
            .deannotate(Annotations::LOCAL | Annotations::REMOTE)
    };
    let given_pj = condition(schema, backref.primaryjoin.as_ref())?;
    let given_sj = condition(schema, backref.secondaryjoin.as_ref())?;
    let (primaryjoin, secondaryjoin) = match &original.secondaryjoin {
        Some(sj) => (
            given_pj.unwrap_or_else(|| minus_local(sj)),
            Some(given_sj.unwrap_or_else(|| minus_local(&original.primaryjoin))),
        ),
        None => {
            if given_sj.is_some() {
                return Err(Error::BackrefSecondaryJoin {
                    relationship: original.key.to_string(),
                });
            }
            (
                given_pj.unwrap_or_else(|| original.primaryjoin_reverse_remote()),
                None,
            )
        }
    };
    let foreign_keys = match &backref.foreign_keys {
        Some(names) => columns(schema, names)?,
        None => original.user_foreign_keys.clone(),
    };
    Ok(Spec {
        name: backref.name.as_str().into(),
        parent: Arc::clone(&original.target),
        target: Arc::clone(&original.parent),
        secondary: original.secondary.clone(),
        primaryjoin: Some(primaryjoin),
        secondaryjoin,
        foreign_keys,
        remote_side: columns(schema, &backref.remote_side)?,
        uselist: backref.uselist,
        viewonly: backref.viewonly.unwrap_or(original.viewonly),
        order_by: columns(schema, &backref.order_by)?,
        backref_of: Some(Arc::clone(&original.key)),
        back_populates: Some(Arc::clone(&original.name)),
    })
}

/// SQLAlchemy's `_add_reverse_property`: the relationship named by
/// `back_populates` must point back at this table and, once both sides are
/// resolved, differ in direction.
fn link_reverse(rel: &Relationship, done: &Done) -> Result<()> {
    let back_populates = match (&rel.back_populates, &rel.backref_of) {
        (Some(name), _) => name,
        (None, _) => return Ok(()),
    };
    let slot = done.names.get(rel.target.id(), back_populates);
    let configured = done.get(slot);
    let other_target = match configured {
        Some(other) => other.target.id(),
        None => match done.declared_target(slot) {
            Some(target) => target?,
            None => {
                return Err(Error::BackPopulatesMissing {
                    relationship: rel.key.to_string(),
                    name: back_populates.to_string(),
                    table: rel.target.qualified_name().to_string(),
                });
            }
        },
    };
    if other_target != rel.parent.id() {
        return Err(Error::BackPopulatesMismatch {
            name: back_populates.to_string(),
            relationship: rel.key.to_string(),
            other: key_of(&rel.target, back_populates).to_string(),
            table: rel.parent.qualified_name().to_string(),
        });
    }
    if let Some(other) = configured {
        let one_sided = matches!(rel.direction, Direction::OneToMany | Direction::ManyToOne);
        if one_sided && rel.direction == other.direction {
            return Err(Error::SameDirection {
                relationship: rel.key.to_string(),
                other: other.key.to_string(),
                direction: rel.direction,
            });
        }
    }
    Ok(())
}
