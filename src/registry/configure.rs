//! `configure()`: resolve declarations, generate backrefs, link pairs.
//!
//! Ports SQLAlchemy's `RelationshipProperty.do_init` sequence: process the
//! arguments, resolve the join condition, default `uselist`, generate the
//! backref, then link the reverse property and check both sides differ in
//! direction.

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::expr::{Annotations, Expr, parse_condition};
use crate::relationship::join_condition::{JoinCondition, JoinInput};
use crate::relationship::{
    Backref, Condition, Direction, LazyClause, Relationship, RelationshipConfig,
};
use crate::schema::{ColumnRef, Schema, Table};

const ALL_MARKS: Annotations = Annotations::FOREIGN
    .with(Annotations::REMOTE)
    .with(Annotations::LOCAL);

/// A relationship declaration with every name resolved.
struct Spec {
    name: String,
    parent: Arc<Table>,
    target: Arc<Table>,
    secondary: Option<Arc<Table>>,
    primaryjoin: Option<Expr>,
    secondaryjoin: Option<Expr>,
    foreign_keys: Vec<ColumnRef>,
    remote_side: Vec<ColumnRef>,
    uselist: Option<bool>,
    viewonly: bool,
    order_by: Vec<ColumnRef>,
    backref_of: Option<String>,
    back_populates: Option<String>,
}

pub(super) fn configure(
    schema: &Schema,
    configs: &[RelationshipConfig],
) -> Result<Vec<Relationship>> {
    check_declarations(schema, configs)?;
    let mut done: Vec<Relationship> = Vec::with_capacity(configs.len() * 2);
    for config in configs {
        let spec = spec_from_config(schema, config)?;
        let mut rel = resolve(spec)?;
        link_reverse(&rel, &done, schema, configs)?;
        let backref = match &config.backref {
            Some(backref) => {
                let spec = backref_spec(schema, configs, &done, &rel, backref)?;
                // Like SQLAlchemy's _generate_backref: the declaring side
                // now back-populates the generated one.
                rel.back_populates = Some(backref.name.clone());
                Some(spec)
            }
            None => None,
        };
        done.push(rel);
        if let Some(spec) = backref {
            let rel = resolve(spec)?;
            link_reverse(&rel, &done, schema, configs)?;
            done.push(rel);
        }
    }
    Ok(done)
}

/// Checks made when relationships are declared, before any resolution.
fn check_declarations(schema: &Schema, configs: &[RelationshipConfig]) -> Result<()> {
    for (i, config) in configs.iter().enumerate() {
        if config.backref.is_some() && config.back_populates.is_some() {
            return Err(Error::BackrefWithBackPopulates {
                relationship: config.key(),
            });
        }
        let table = schema.table(&config.table)?.id();
        let duplicate = configs[..i].iter().any(|prev| {
            prev.name == config.name && schema.table(&prev.table).is_ok_and(|t| t.id() == table)
        });
        if duplicate {
            return Err(Error::invalid(format!(
                "relationship '{}' is declared twice",
                config.key()
            )));
        }
    }
    Ok(())
}

fn key_of(table: &Table, name: &str) -> String {
    format!("{}.{name}", table.qualified_name())
}

fn columns(schema: &Schema, names: &[String]) -> Result<Vec<ColumnRef>> {
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
        name: config.name.clone(),
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
        back_populates: config.back_populates.clone(),
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
        lazy: LazyClause::build(&jc, false),
        reverse_lazy: LazyClause::build(&jc, true),
        foreign_key_columns: jc.columns_with(Annotations::FOREIGN),
        remote_side: jc.columns_with(Annotations::REMOTE),
        local_columns: jc.columns_with(Annotations::LOCAL),
        local_remote_pairs: jc.local_remote_pairs,
        synchronize_pairs: jc.synchronize_pairs,
        secondary_synchronize_pairs: jc.secondary_synchronize_pairs,
        plain_primaryjoin: jc.primaryjoin.clone().deannotate(ALL_MARKS),
        plain_secondaryjoin: jc.secondaryjoin.clone().map(|sj| sj.deannotate(ALL_MARKS)),
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
fn name_taken(
    schema: &Schema,
    configs: &[RelationshipConfig],
    done: &[Relationship],
    table: &Table,
    name: &str,
) -> bool {
    table.column_id(name).is_some()
        || done
            .iter()
            .any(|r| r.parent.id() == table.id() && r.name == name)
        || configs
            .iter()
            .any(|c| c.name == name && schema.table(&c.table).is_ok_and(|t| t.id() == table.id()))
}

/// The reverse relationship SQLAlchemy's `backref()` generates.
fn backref_spec(
    schema: &Schema,
    configs: &[RelationshipConfig],
    done: &[Relationship],
    original: &Relationship,
    backref: &Backref,
) -> Result<Spec> {
    if name_taken(schema, configs, done, &original.target, &backref.name) {
        return Err(Error::BackrefExists {
            backref: backref.name.clone(),
            relationship: original.key.clone(),
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
                    relationship: original.key.clone(),
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
        name: backref.name.clone(),
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
        backref_of: Some(original.key.clone()),
        back_populates: Some(original.name.clone()),
    })
}

/// SQLAlchemy's `_add_reverse_property`: the relationship named by
/// `back_populates` must point back at this table and, once both sides are
/// resolved, differ in direction.
fn link_reverse(
    rel: &Relationship,
    done: &[Relationship],
    schema: &Schema,
    configs: &[RelationshipConfig],
) -> Result<()> {
    let back_populates = match (&rel.back_populates, &rel.backref_of) {
        (Some(name), _) => name,
        (None, _) => return Ok(()),
    };
    let other_key = key_of(&rel.target, back_populates);
    let configured = done
        .iter()
        .find(|r| r.parent.id() == rel.target.id() && &r.name == back_populates);
    let other_target = match configured {
        Some(other) => other.target.id(),
        None => {
            let declared = configs.iter().find(|c| {
                &c.name == back_populates
                    && schema
                        .table(&c.table)
                        .is_ok_and(|t| t.id() == rel.target.id())
            });
            match declared {
                Some(c) => schema.table(&c.target)?.id(),
                None => {
                    return Err(Error::BackPopulatesMissing {
                        relationship: rel.key.clone(),
                        name: back_populates.clone(),
                        table: rel.target.qualified_name().to_string(),
                    });
                }
            }
        }
    };
    if other_target != rel.parent.id() {
        return Err(Error::BackPopulatesMismatch {
            name: back_populates.clone(),
            relationship: rel.key.clone(),
            other: other_key,
            table: rel.parent.qualified_name().to_string(),
        });
    }
    if let Some(other) = configured {
        let one_sided = matches!(rel.direction, Direction::OneToMany | Direction::ManyToOne);
        if one_sided && rel.direction == other.direction {
            return Err(Error::SameDirection {
                relationship: rel.key.clone(),
                other: other.key.clone(),
                direction: rel.direction,
            });
        }
    }
    Ok(())
}
