//! Pairs of relationships read off the foreign keys, named: SQLAlchemy's
//! automap rules (see the [module docs](super)).

use super::naming::{Naming, NamingContext};
use super::plan::Plan;
use super::used_names::UsedNames;
use crate::error::{Error, Result};
use crate::relationship::Direction;
use crate::schema::{ColumnId, ForeignKey, Table, TableId, TableShape};

/// What links the two sides of a generated pair.
#[derive(Debug, Clone, Copy)]
pub(super) enum Link {
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
pub(super) struct Pair {
    pub(super) link: Link,
    /// Parent of the forward relationship (many-to-one side for a foreign
    /// key).
    pub(super) parent: TableId,
    pub(super) target: TableId,
    pub(super) forward: String,
    pub(super) reverse: String,
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
pub(super) fn generate(
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
