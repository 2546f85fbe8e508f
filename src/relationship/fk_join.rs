//! Joins along foreign keys: the one place that writes a foreign key's
//! column pairs as a join condition. [`fk_join`] finds the constraint
//! linking two tables (SQLAlchemy's `join_condition`), for relationships
//! that give no explicit join; [`constraint_join`] writes the join of a
//! given constraint, for automap.

use std::sync::Arc;

use crate::expr::Expr;
use crate::schema::{ColumnId, ColumnRef, ForeignKey, Table};

/// Why no join could be derived.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FkJoinError {
    /// No foreign key links the tables.
    NoForeignKeys,
    /// Several constraints link them and nothing narrows the choice.
    Ambiguous,
    /// A foreign key between them names a column its referred table lacks
    /// (SQLAlchemy's `NoReferencedColumnError`).
    Broken(Box<crate::error::Error>),
}

/// The column pairs one constraint contributes: `(referenced, referencing)`.
struct Candidate<'t> {
    constraint: (u32, usize),
    table: &'t Table,
    pairs: Vec<(ColumnRef, ColumnRef)>,
}

/// Builds `referenced = referencing [AND ...]` from the one foreign-key
/// constraint linking `a` and `b`.
///
/// Constraints of `b` pointing at `a` are collected first, then those of `a`
/// pointing at `b`; within a table, foreign-key columns are visited in column
/// order. `consider` (the relationship's `foreign_keys`) restricts which
/// columns count as referencing, and when several constraints remain keeps
/// only those whose columns are exactly `consider`.
pub(crate) fn fk_join(
    a: &Arc<Table>,
    b: &Arc<Table>,
    consider: &[ColumnRef],
) -> Result<Expr, FkJoinError> {
    check_broken(a, b, consider)?;
    let mut found: Vec<Candidate<'_>> = Vec::new();
    collect(b, a, consider, &mut found);
    if a.id() != b.id() {
        collect(a, b, consider, &mut found);
    }
    if found.len() > 1 {
        trim(&mut found, consider)?;
    }
    let first = found.into_iter().next().ok_or(FkJoinError::NoForeignKeys)?;
    Ok(equate(first.pairs))
}

/// Fails when a foreign key between `a` and `b` (of either, among the
/// `consider`ed columns) was dropped for naming a column its referred table
/// lacks: SQLAlchemy resolves every such key while looking for the join,
/// and raises for it, though a sound key may link the tables too.
fn check_broken(a: &Arc<Table>, b: &Arc<Table>, consider: &[ColumnRef]) -> Result<(), FkJoinError> {
    for (owner, other) in [(b, a), (a, b)] {
        let considered = |c: &ColumnId| {
            consider.is_empty() || consider.contains(&ColumnRef::new(Arc::clone(owner), *c))
        };
        if let Some(broken) = owner
            .broken_foreign_keys()
            .iter()
            .find(|k| k.referred_table() == other.id() && k.columns().iter().any(considered))
        {
            return Err(FkJoinError::Broken(Box::new(broken.error())));
        }
    }
    Ok(())
}

/// `referenced = referencing [AND ...]` over every column pair of `fk`, a
/// foreign key of `table` referring to `referred` (SQLAlchemy's
/// `and_(fk.column == fk.parent ...)`).
pub(crate) fn constraint_join(table: &Arc<Table>, fk: &ForeignKey, referred: &Arc<Table>) -> Expr {
    equate(fk.pairs().map(|(referencing, referenced)| {
        (
            ColumnRef::new(Arc::clone(referred), referenced),
            ColumnRef::new(Arc::clone(table), referencing),
        )
    }))
}

/// The conjunction of `referenced = referencing` over `pairs` (a single
/// comparison for a single pair).
fn equate(pairs: impl IntoIterator<Item = (ColumnRef, ColumnRef)>) -> Expr {
    Expr::all(
        pairs
            .into_iter()
            .map(|(referenced, referencing)| Expr::col(referenced).eq(Expr::col(referencing))),
    )
}

/// Adds the foreign keys of `owner` that point at `target`, one candidate per
/// constraint, visiting foreign-key columns in column order.
fn collect<'t>(
    owner: &'t Arc<Table>,
    target: &Arc<Table>,
    consider: &[ColumnRef],
    found: &mut Vec<Candidate<'t>>,
) {
    let mut elements: Vec<(usize, usize, usize)> = owner
        .foreign_keys()
        .iter()
        .enumerate()
        .filter(|(_, fk)| fk.referred_table() == target.id())
        .flat_map(|(fi, fk)| {
            fk.columns()
                .iter()
                .enumerate()
                .map(move |(ei, col)| (col.index(), fi, ei))
        })
        .collect();
    elements.sort_by_key(|&(position, _, _)| position);
    for (_, fi, ei) in elements {
        let fk = &owner.foreign_keys()[fi];
        let referencing = ColumnRef::new(Arc::clone(owner), fk.columns()[ei]);
        if !consider.is_empty() && !consider.contains(&referencing) {
            continue;
        }
        let referenced = ColumnRef::new(Arc::clone(target), fk.referred_columns()[ei]);
        let key = (owner.id().0, fi);
        match found.iter_mut().find(|c| c.constraint == key) {
            Some(candidate) => candidate.pairs.push((referenced, referencing)),
            None => found.push(Candidate {
                constraint: key,
                table: owner,
                pairs: vec![(referenced, referencing)],
            }),
        }
    }
}

/// Narrows several candidates down to one, or reports ambiguity.
fn trim(found: &mut Vec<Candidate<'_>>, consider: &[ColumnRef]) -> Result<(), FkJoinError> {
    if !consider.is_empty() {
        found.retain(|c| {
            let columns = c.table.foreign_keys()[c.constraint.1].columns();
            let considered = |id: &ColumnId| {
                consider
                    .iter()
                    .any(|col| col.table_id() == c.table.id() && col.column_id() == *id)
            };
            columns.iter().all(considered)
                && consider
                    .iter()
                    .all(|col| col.table_id() == c.table.id() && columns.contains(&col.column_id()))
        });
    }
    // Several constraints that produce the very same pairs are one path.
    let all_same = found
        .first()
        .is_some_and(|first| found.iter().all(|c| c.pairs == first.pairs));
    if found.len() == 1 || (found.len() > 1 && all_same) {
        Ok(())
    } else {
        Err(FkJoinError::Ambiguous)
    }
}
