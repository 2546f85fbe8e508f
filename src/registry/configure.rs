//! `configure()`: resolve declarations, generate backrefs, link pairs.
//!
//! Ports SQLAlchemy's `RelationshipProperty.do_init` sequence: process the
//! arguments, resolve the join condition, default `uselist`, generate the
//! backref, then link the reverse property and check both sides differ in
//! direction.

use std::collections::HashMap;
use std::sync::Arc;

use crate::automap::{Declaration, Generated, Naming};
use crate::error::{Error, Result};
use crate::expr::{Annotations, Expr, parse_condition};
use crate::relationship::join_condition::{JoinCondition, JoinInput};
use crate::relationship::{
    Backref, Columns, Condition, Derived, Direction, Rare, Relationship, RelationshipConfig,
    Secondary,
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
    let mut configuring = Configuring::new(schema, declarations.len() * 2);
    configuring.add(declarations);
    configuring.finish()
}

/// What [`configure`] returns for automap's declarations when nothing is
/// declared, with automap handing them over `batch` at a time: each batch
/// is checked and resolved while its tables and names are still in cache.
/// (Done in one go, every step ran over every relationship of the schema
/// before the next step started, and on large schemas read all of it back
/// from memory.)
///
/// Batching gives the same relationships, index and error, because
///
/// - a declaration is resolved against the index of every declaration,
///   later ones included, but no generated declaration can find a later
///   one there: each carries a backref and no `back_populates`, and its
///   backref's name differs from every other name automap generates on
///   that table (see `automap::generated_in_batches`);
/// - errors keep their precedence (automap's, then the first check, then
///   the first resolution): a failed batch stops resolution, not
///   generation or checking.
pub(super) fn automap_only(
    schema: &Schema,
    naming: &dyn Naming,
    batch: usize,
) -> Result<(Vec<Relationship>, Names)> {
    // Two relationships per foreign key; an association table's two keys
    // make two, so this is an upper bound.
    let mut configuring = Configuring::new(schema, schema.foreign_key_count() * 2);
    crate::automap::generated_in_batches(schema, naming, batch, |declarations| {
        configuring.add(declarations);
    })?;
    configuring.finish()
}

/// A configure in progress, fed declarations in order, in one or several
/// batches; the first failure is kept for [`finish`](Self::finish).
struct Configuring<'s> {
    schema: &'s Schema,
    done: Done,
    /// The first failed check: nothing more is checked or resolved.
    check_error: Option<Error>,
    /// The first failed resolution: nothing more is resolved, later
    /// declarations are still checked (a check failure comes first).
    resolve_error: Option<Error>,
    /// Scratch space for relationship keys (see [`resolve`]).
    key_buffer: String,
}

impl<'s> Configuring<'s> {
    /// Room for `relationships` relationships.
    fn new(schema: &'s Schema, relationships: usize) -> Self {
        Configuring {
            schema,
            done: Done {
                relationships: Vec::with_capacity(relationships),
                names: Names::new(schema),
                targets: Targets {
                    tables: Vec::with_capacity(relationships / 2),
                    unknown: HashMap::new(),
                },
            },
            check_error: None,
            resolve_error: None,
            key_buffer: String::new(),
        }
    }

    /// Checks the next declarations, then resolves them.
    fn add(&mut self, declarations: Vec<Declaration>) {
        if self.check_error.is_some() {
            return;
        }
        if let Err(e) = check_declarations(self.schema, &declarations, &mut self.done) {
            self.check_error = Some(e);
            return;
        }
        if self.resolve_error.is_some() {
            return;
        }
        for declaration in declarations {
            if let Err(e) = self.resolve(declaration) {
                self.resolve_error = Some(e);
                return;
            }
        }
    }

    /// The relationships and their index, or the first failure.
    fn finish(self) -> Result<(Vec<Relationship>, Names)> {
        match (self.check_error, self.resolve_error) {
            (Some(e), _) | (None, Some(e)) => Err(e),
            (None, None) => Ok((self.done.relationships, self.done.names)),
        }
    }

    fn resolve(&mut self, declaration: Declaration) -> Result<()> {
        let (schema, done) = (self.schema, &mut self.done);
        // Generated declarations are moved into their specs, not copied.
        let (spec, backref) = match declaration {
            Declaration::Declared(config) => (spec_from_config(schema, &config)?, config.backref),
            Declaration::Generated(mut generated) => {
                let backref = generated.backref.take().map(|b| *b);
                (spec_from_generated(schema, generated)?, backref)
            }
        };
        let mut rel = resolve(spec, &mut self.key_buffer)?;
        link_reverse(&rel, done)?;
        let backref = match backref {
            Some(backref) => {
                let spec = backref_spec(schema, done, &rel, &backref)?;
                // Like SQLAlchemy's _generate_backref: the declaring side
                // now back-populates the generated one.
                rel.back_populates = Some(Arc::clone(&spec.name));
                Some(spec)
            }
            None => None,
        };
        done.push(rel);
        if let Some(spec) = backref {
            let rel = resolve(spec, &mut self.key_buffer)?;
            link_reverse(&rel, done)?;
            done.push(rel);
        }
        Ok(())
    }
}

/// Checks made when relationships are declared, before any resolution;
/// records the declared names in the index, and each declaration's target.
fn check_declarations(
    schema: &Schema,
    declarations: &[Declaration],
    done: &mut Done,
) -> Result<()> {
    let (names, targets) = (&mut done.names, &mut done.targets);
    let first = targets.tables.len();
    for (i, declaration) in declarations.iter().enumerate() {
        let i = first + i;
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
    Ok(())
}

/// The key `namespace.table.name` or `table.name`, for messages (resolving
/// writes keys with [`write_key`]).
fn key_of(table: &Table, name: &str) -> Arc<str> {
    let mut key = String::new();
    write_key(&mut key, table, name);
    key.into()
}

/// `table.name` (`namespace.table.name`) written into `out`, cleared
/// first: what `format!("{}.{name}", table.qualified_name())` writes,
/// without the formatting machinery, as it runs once per relationship.
fn write_key(out: &mut String, table: &Table, name: &str) {
    out.clear();
    if let Some(namespace) = table.namespace() {
        out.push_str(namespace);
        out.push('.');
    }
    out.push_str(table.name());
    out.push('.');
    out.push_str(name);
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
///
/// `key_buffer` is scratch space for the key: written there, then copied
/// into its shared string, it costs one allocation instead of two (this
/// runs for every relationship).
fn resolve(spec: Spec, key_buffer: &mut String) -> Result<Relationship> {
    write_key(key_buffer, &spec.parent, &spec.name);
    let key: Arc<str> = Arc::from(key_buffer.as_str());
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
    let secondary = match (spec.secondary, jc.secondaryjoin) {
        (Some(table), Some(join)) => Some(Box::new(Secondary {
            table,
            join,
            synchronize_pairs: jc.secondary_synchronize_pairs,
        })),
        (None, None) => None,
        // The join condition derives a secondary join for a secondary
        // table and refuses one without it.
        _ => {
            return Err(Error::invalid(format!(
                "relationship {key}: a secondary table and a secondary join go together"
            )));
        }
    };
    Ok(Relationship {
        name: spec.name,
        parent: spec.parent,
        target: spec.target,
        secondary,
        direction: jc.direction,
        uselist: spec.uselist.unwrap_or(jc.direction != Direction::ManyToOne),
        viewonly: spec.viewonly,
        derived: Derived::default(),
        local_remote_pairs: jc.local_remote_pairs,
        synchronize_pairs: jc.synchronize_pairs,
        primaryjoin: jc.primaryjoin,
        rare: Rare::boxed(spec.order_by, jc.warnings),
        backref_of: spec.backref_of,
        back_populates: spec.back_populates,
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
    let (primaryjoin, secondaryjoin) = match original.secondaryjoin() {
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
        secondary: original.secondary().cloned(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::automap::{self, DefaultNaming, NamingContext};
    use crate::relationship::RelationshipConfig;
    use crate::schema::TableBuilder;

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

    /// The relationships and index as text, the index sorted.
    fn outcome(result: Result<(Vec<Relationship>, Names)>) -> String {
        match result {
            Err(e) => format!("error: {e}"),
            Ok((relationships, names)) => {
                let mut index: Vec<_> = names
                    .into_inner()
                    .into_iter()
                    .enumerate()
                    .flat_map(|(table, names)| {
                        names
                            .into_iter()
                            .map(move |(name, slot)| (table, name, slot.declared, slot.done))
                    })
                    .collect();
                index.sort();
                format!("{relationships:#?}\n{index:?}")
            }
        }
    }

    fn in_one_go(schema: &Schema, naming: &dyn Naming) -> String {
        outcome(
            automap::declarations(schema, naming, &[])
                .and_then(|declarations| configure(schema, declarations)),
        )
    }

    #[test]
    fn automap_in_batches_matches_automap_in_one_go() {
        // What the schemas gave, so that the comparison is known to cover it.
        let (mut many_to_many, mut one_to_one, mut self_referential, mut renamed) =
            (false, false, false, false);
        for seed in 0..40 {
            let schema = random_schema(seed, 24);
            let expected = in_one_go(&schema, &DefaultNaming);
            assert!(!expected.starts_with("error"), "seed {seed}: {expected}");
            for batch in [1, 2, 3, 7, 256] {
                let batched = outcome(automap_only(&schema, &DefaultNaming, batch));
                assert_eq!(batched, expected, "seed {seed}, batches of {batch}");
            }
            let (relationships, _) =
                automap_only(&schema, &DefaultNaming, 4).expect("configured above");
            for rel in &relationships {
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
        let ambiguous = in_one_go(&schema, &DefaultNaming);
        assert!(ambiguous.contains("unambiguously"), "{ambiguous}");
        let last = schema.table("d").expect("d").id();
        let naming = EmptyForLast(last);
        let expected = in_one_go(&schema, &naming);
        assert!(expected.contains("empty relationship name"), "{expected}");
        for batch in [1, 2, 256] {
            assert_eq!(outcome(automap_only(&schema, &naming, batch)), expected);
        }
    }

    #[test]
    fn check_errors_come_before_resolution_errors_across_batches() {
        let schema = Schema::from_ddl(
            "CREATE TABLE users (id INTEGER PRIMARY KEY);
             CREATE TABLE notes (id INTEGER PRIMARY KEY);",
        )
        .expect("valid DDL");
        let declared = |name: &str| {
            Declaration::Declared(Box::new(RelationshipConfig::new("users", name, "notes")))
        };
        // No foreign key joins users and notes: resolving fails. The name
        // declared twice, later, is a check failure, reported first.
        let declarations = || vec![declared("notes"), declared("other"), declared("other")];
        let expected = outcome(configure(&schema, declarations()));
        assert!(expected.contains("declared twice"), "{expected}");
        let mut batches = Configuring::new(&schema, 0);
        for declaration in declarations() {
            batches.add(vec![declaration]);
        }
        assert_eq!(outcome(batches.finish()), expected);
    }
}
