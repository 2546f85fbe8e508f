//! `configure()`: every declaration resolved into a relationship, in
//! order, the way SQLAlchemy's `RelationshipProperty.do_init` runs:
//!
//! 1. [process the declaration](process_declared): look up its names and
//!    check its arguments (for every declaration of a batch before any is
//!    resolved, so argument mistakes come first);
//! 2. [set up the join conditions](setup_join_conditions): the
//!    `JoinCondition` resolver (direction, annotated joins, pairs);
//! 3. [post-init](post_init): defaults that need the direction (`uselist`)
//!    and the relationship assembled;
//! 4. [add the reverse property](add_reverse_property): the relationship
//!    named by `back_populates` must point back and differ in direction;
//! 5. [generate the backref](generate_backref): the reverse relationship,
//!    configured by the same steps 2 to 4;
//! 6. [warn for conflicting sync targets](warn_for_conflicting_sync_targets):
//!    relationships that write the same foreign-key column.

use std::collections::HashMap;
use std::sync::Arc;

use super::declaration::Declaration;
use super::index::NameIndex;
use super::process::{
    BackrefSpec, Processed, Spec, declare_names, process_declared, process_generated,
};
use crate::direction::Direction;
use crate::error::{Error, Result};
use crate::expr::Annotations;
use crate::relationship::join_condition::{JoinCondition, JoinInput};
use crate::relationship::{Derived, Rare, Relationship, Secondary};
use crate::schema::{ColumnRef, Schema, Table, TableId};

/// The relationships configured from a sequence of batches of
/// declarations, and their index.
pub(super) struct Configured {
    pub(super) relationships: Vec<Relationship>,
    pub(super) index: NameIndex,
}

/// A configure in progress, fed declarations in order, in one or several
/// batches (see [`Generator`](super::declaration::Generator) for what a
/// generator promises about batches).
///
/// Errors keep one precedence however the declarations are batched: a
/// generator's own error, then the first failure to process a declaration,
/// then the first failure to resolve one. After a processing failure
/// nothing more is processed or resolved; after a resolution failure later
/// batches are still processed, in case one fails there.
pub(super) struct Configuring<'s> {
    schema: &'s Schema,
    relationships: Vec<Relationship>,
    index: NameIndex,
    /// The target of each declaration, by position: what
    /// [`add_reverse_property`] knows of a declaration not configured yet.
    targets: Vec<TableId>,
    process_error: Option<Error>,
    resolve_error: Option<Error>,
    /// Scratch space for relationship keys (see [`relationship_key`]).
    key_buffer: String,
}

impl<'s> Configuring<'s> {
    /// Room for about `relationships` relationships.
    pub(super) fn new(schema: &'s Schema, relationships: usize) -> Self {
        Configuring {
            schema,
            relationships: Vec::with_capacity(relationships),
            index: NameIndex::new(schema),
            targets: Vec::with_capacity(relationships / 2),
            process_error: None,
            resolve_error: None,
            key_buffer: String::new(),
        }
    }

    /// Processes the next declarations, then resolves them.
    pub(super) fn add(&mut self, batch: Vec<Declaration>) {
        if self.process_error.is_some() {
            return;
        }
        let processed = match self.process(&batch) {
            Ok(processed) => processed,
            Err(e) => {
                self.process_error = Some(e);
                return;
            }
        };
        if self.resolve_error.is_some() {
            return;
        }
        for (declaration, processed) in batch.into_iter().zip(processed) {
            if let Err(e) = self.configure(declaration, processed) {
                self.resolve_error = Some(e);
                return;
            }
        }
    }

    /// The relationships and their index, or the first failure.
    pub(super) fn finish(self) -> Result<Configured> {
        match (self.process_error, self.resolve_error) {
            (Some(e), _) | (None, Some(e)) => Err(e),
            (None, None) => {
                let mut relationships = self.relationships;
                warn_for_conflicting_sync_targets(&mut relationships);
                Ok(Configured {
                    relationships,
                    index: self.index,
                })
            }
        }
    }

    /// Step 1 for a batch: the declared ones processed now, so that their
    /// mistakes come before any resolution's; the generated ones (whose
    /// names cannot fail) when they are configured, so that a large
    /// schema's joins are built while their tables are in cache.
    fn process(&mut self, batch: &[Declaration]) -> Result<Vec<Option<Processed>>> {
        let first = self.targets.len();
        declare_names(self.schema, batch, first, &mut self.index);
        let mut processed = Vec::with_capacity(batch.len());
        for (i, declaration) in batch.iter().enumerate() {
            let (target, done) = match declaration {
                Declaration::Declared(config) => {
                    let done = process_declared(self.schema, config, first + i, &mut self.index)?;
                    (done.0.target.id(), Some(done))
                }
                Declaration::Generated(generated) => (generated.target.id(), None),
            };
            self.targets.push(target);
            processed.push(done);
        }
        Ok(processed)
    }

    /// Steps 2 to 5 for one declaration.
    fn configure(&mut self, declaration: Declaration, processed: Option<Processed>) -> Result<()> {
        let (spec, backref) = match (processed, declaration) {
            (Some(processed), _) => processed,
            (None, Declaration::Generated(generated)) => process_generated(self.schema, generated)?,
            (None, Declaration::Declared(config)) => {
                return Err(Error::invalid(format!(
                    "relationship '{}' was not processed before it was configured",
                    config.key()
                )));
            }
        };
        let mut rel = self.configure_spec(spec)?;
        let backref = backref.map(|backref| generate_backref(&mut rel, backref));
        self.push(rel);
        if let Some(spec) = backref {
            let rel = self.configure_spec(spec)?;
            self.push(rel);
        }
        Ok(())
    }

    /// Steps 2 to 4 for one processed declaration.
    fn configure_spec(&mut self, mut spec: Spec) -> Result<Relationship> {
        let key = relationship_key(&mut self.key_buffer, &spec.parent, &spec.name);
        let jc = setup_join_conditions(&mut spec, &key)?;
        let rel = post_init(spec, jc, key)?;
        add_reverse_property(&rel, &self.index, &self.relationships, &self.targets)?;
        Ok(rel)
    }

    fn push(&mut self, rel: Relationship) {
        self.index
            .configured(rel.parent.id(), &rel.name, self.relationships.len());
        self.relationships.push(rel);
    }
}

/// Step 2: SQLAlchemy's `JoinCondition` on the processed declaration,
/// which hands its joins over.
fn setup_join_conditions(spec: &mut Spec, key: &str) -> Result<JoinCondition> {
    JoinCondition::resolve(JoinInput {
        key,
        parent: &spec.parent,
        child: &spec.target,
        secondary: spec.secondary.as_ref(),
        primaryjoin: spec.primaryjoin.take(),
        secondaryjoin: spec.secondaryjoin.take(),
        consider_as_foreign_keys: &spec.foreign_keys,
        remote_side: &spec.remote_side,
        support_sync: !spec.viewonly,
    })
}

/// Step 3: `uselist` defaults to "not many-to-one"; the relationship is
/// assembled from the declaration and its join condition.
fn post_init(spec: Spec, jc: JoinCondition, key: Arc<str>) -> Result<Relationship> {
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
        rare: Rare::boxed(Rare {
            order_by: spec.order_by,
            warnings: jc.warnings,
            overlaps: spec.overlaps,
        }),
        backref_of: spec.backref_of,
        back_populates: spec.back_populates,
        user_foreign_keys: spec.foreign_keys,
        had_foreign_annotations: jc.had_foreign_annotations,
        had_remote_annotations: jc.had_remote_annotations,
        key,
    })
}

/// Step 4: SQLAlchemy's `_add_reverse_property`. The relationship named by
/// `back_populates` (configured already, or declared and still to
/// configure) must point back at this relationship's table and, once both
/// are configured, differ in direction.
fn add_reverse_property(
    rel: &Relationship,
    index: &NameIndex,
    relationships: &[Relationship],
    targets: &[TableId],
) -> Result<()> {
    let Some(back_populates) = &rel.back_populates else {
        return Ok(());
    };
    let entry = index.get(rel.target.id(), back_populates);
    let configured = entry
        .and_then(|e| e.configured)
        .and_then(|i| relationships.get(i));
    let declared_target = entry
        .and_then(|e| e.declared)
        .and_then(|i| targets.get(i).copied());
    let Some(other_target) = configured
        .map(|other| other.target.id())
        .or(declared_target)
    else {
        if rel.target.column_id(back_populates).is_some() {
            return Err(Error::BackPopulatesNotRelationship {
                relationship: rel.key.to_string(),
                name: back_populates.to_string(),
                table: rel.target.qualified_name().to_string(),
            });
        }
        return Err(Error::BackPopulatesMissing {
            relationship: rel.key.to_string(),
            name: back_populates.to_string(),
            table: rel.target.qualified_name().to_string(),
        });
    };
    if other_target != rel.parent.id() {
        return Err(Error::BackPopulatesMismatch {
            name: back_populates.to_string(),
            relationship: rel.key.to_string(),
            other: format!("{}.{back_populates}", rel.target.qualified_name()),
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

/// Step 5: the reverse relationship SQLAlchemy's `backref()` generates:
/// parent and target swapped, the primary join reversed (a many-to-many
/// swaps its two joins), unless the backref gives its own; the declaring
/// side then back-populates the backref.
fn generate_backref(original: &mut Relationship, backref: BackrefSpec) -> Spec {
    let minus_local = |e: &crate::expr::Expr| {
        e.clone()
            .deannotate(Annotations::LOCAL | Annotations::REMOTE)
    };
    let (primaryjoin, secondaryjoin) = match original.secondaryjoin() {
        Some(sj) => (
            backref.primaryjoin.unwrap_or_else(|| minus_local(sj)),
            Some(
                backref
                    .secondaryjoin
                    .unwrap_or_else(|| minus_local(&original.primaryjoin)),
            ),
        ),
        None => (
            backref
                .primaryjoin
                .unwrap_or_else(|| original.primaryjoin_reverse_remote()),
            None,
        ),
    };
    original.back_populates = Some(Arc::clone(&backref.name));
    Spec {
        name: backref.name,
        parent: Arc::clone(&original.target),
        target: Arc::clone(&original.parent),
        secondary: original.secondary().cloned(),
        primaryjoin: Some(primaryjoin),
        secondaryjoin,
        foreign_keys: backref
            .foreign_keys
            .unwrap_or_else(|| original.user_foreign_keys.clone()),
        remote_side: backref.remote_side,
        uselist: backref.uselist,
        viewonly: backref.viewonly.unwrap_or(original.viewonly),
        order_by: backref.order_by,
        overlaps: backref.overlaps,
        backref_of: Some(Arc::clone(&original.key)),
        back_populates: Some(Arc::clone(&original.name)),
    }
}

/// Step 6: SQLAlchemy's `_warn_for_conflicting_sync_targets`. A
/// relationship that copies a value into a column (a synchronize pair's
/// target) another relationship already copies into warns, unless the
/// two are each other's reverse, either is viewonly, or either names the
/// other in `overlaps`. In configure order, so the later one warns.
fn warn_for_conflicting_sync_targets(relationships: &mut [Relationship]) {
    // The relationships copying into each column so far, with the column
    // each copies from.
    let mut targets: HashMap<ColumnRef, Vec<(usize, ColumnRef)>> = HashMap::new();
    for i in 0..relationships.len() {
        let rel = &relationships[i];
        if rel.viewonly {
            continue;
        }
        let pairs: Vec<(ColumnRef, ColumnRef)> = rel
            .synchronize_pairs()
            .iter()
            .chain(rel.secondary_synchronize_pairs())
            .cloned()
            .collect();
        let mut warnings = Vec::new();
        for (from, to) in pairs {
            let earlier = targets.entry(to.clone()).or_default();
            let mut others: Vec<(&Relationship, &ColumnRef)> = earlier
                .iter()
                .map(|(j, other_from)| (&relationships[*j], other_from))
                .filter(|(other, _)| !reverse_of(rel, other) && !overlapping(rel, other))
                .collect();
            if !others.is_empty() {
                others.sort_by_key(|(other, _)| other.key.as_ref());
                warnings.push(conflict_warning(rel, &from, &to, &others));
            }
            earlier.push((i, from));
        }
        if !warnings.is_empty() {
            let rel = &mut relationships[i];
            rel.rare
                .get_or_insert_with(Default::default)
                .warnings
                .extend(warnings);
        }
    }
}

/// Whether `a` and `b` are each other's reverse (`back_populates`, or a
/// relationship and its backref).
fn reverse_of(a: &Relationship, b: &Relationship) -> bool {
    let names = |x: &Relationship, y: &Relationship| {
        x.target.id() == y.parent.id() && x.back_populates.as_deref() == Some(&*y.name)
    };
    names(a, b) || names(b, a)
}

/// Whether either of `a` and `b` names the other in `overlaps`.
fn overlapping(a: &Relationship, b: &Relationship) -> bool {
    a.overlaps().iter().any(|n| **n == *b.name) || b.overlaps().iter().any(|n| **n == *a.name)
}

/// SQLAlchemy's message, with sqlrel's keys.
fn conflict_warning(
    rel: &Relationship,
    from: &ColumnRef,
    to: &ColumnRef,
    others: &[(&Relationship, &ColumnRef)],
) -> String {
    let conflicts: Vec<String> = others
        .iter()
        .map(|(other, other_from)| format!("'{}' (copies {other_from} to {to})", other.key))
        .collect();
    let mut names: Vec<&str> = others.iter().map(|(other, _)| &*other.name).collect();
    names.sort_unstable();
    format!(
        "relationship '{}' will copy column {from} to column {to}, which conflicts with \
         relationship(s): {}. If this is not the intention, consider if these relationships \
         should be linked with back_populates, or if viewonly=True should be applied to one or \
         more if they are read-only. For the less common case that foreign key constraints are \
         partially overlapping, the orm.foreign() annotation can be used to isolate the columns \
         that should be written towards.   To silence this warning, add the parameter \
         'overlaps=\"{}\"' to the '{}' relationship.",
        rel.key,
        conflicts.join(", "),
        names.join(","),
        rel.key
    )
}

/// `table.name` (`namespace.table.name`) as a shared string, written
/// through `buffer` (cleared first): one allocation instead of the two
/// `format!` and a conversion make, for a step that runs once per
/// relationship (`scale` bench).
fn relationship_key(buffer: &mut String, table: &Table, name: &str) -> Arc<str> {
    buffer.clear();
    if let Some(namespace) = table.namespace() {
        buffer.push_str(namespace);
        buffer.push('.');
    }
    buffer.push_str(table.name());
    buffer.push('.');
    buffer.push_str(name);
    Arc::from(buffer.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::relationship::RelationshipConfig;

    fn outcome(result: Result<Configured>) -> String {
        match result {
            Err(e) => format!("error: {e}"),
            Ok(configured) => format!(
                "{:#?}\n{:?}",
                configured.relationships,
                configured.index.sorted()
            ),
        }
    }

    #[test]
    fn processing_errors_come_before_resolution_errors_across_batches() {
        let schema = Schema::from_ddl(
            "CREATE TABLE users (id INTEGER PRIMARY KEY);
             CREATE TABLE notes (id INTEGER PRIMARY KEY);",
        )
        .expect("valid DDL");
        let declared = |name: &str| {
            Declaration::Declared(Box::new(RelationshipConfig::new("users", name, "notes")))
        };
        // No foreign key joins users and notes: resolving fails. The name
        // declared twice, later, is a processing failure, reported first.
        let declarations = || vec![declared("notes"), declared("other"), declared("other")];
        let mut at_once = Configuring::new(&schema, 0);
        at_once.add(declarations());
        let expected = outcome(at_once.finish());
        assert!(expected.contains("declared twice"), "{expected}");
        let mut batches = Configuring::new(&schema, 0);
        for declaration in declarations() {
            batches.add(vec![declaration]);
        }
        assert_eq!(outcome(batches.finish()), expected);
    }
}
