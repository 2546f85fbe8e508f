//! The join-condition resolver: SQLAlchemy's `JoinCondition`, step by step.
//!
//! Given the parent, target and (optional) secondary tables, the user's join
//! conditions and hints, it derives the joins from foreign keys when none
//! are given, marks columns `foreign`, `remote` and `local`, and reads the
//! direction and the column pairs off those marks. Each step is a method
//! named after the SQLAlchemy step it ports, run in the same order, and
//! reports the same errors.

use std::sync::Arc;

use super::fk_join::{FkJoinError, fk_join};
use super::{Direction, Pairs};
use crate::direction::JoinSide;
use crate::error::{Error, Result};
use crate::expr::{Annotations, BinaryExpr, BinaryOp, ColumnExpr, Expr, SqlAlchemyBinary};
use crate::schema::{ColumnRef, Table};

const FOREIGN: Annotations = Annotations::FOREIGN;
const REMOTE: Annotations = Annotations::REMOTE;
const LOCAL: Annotations = Annotations::LOCAL;

/// Everything the resolver needs, already resolved against the schema.
pub(crate) struct JoinInput<'a> {
    /// `table.name`, for messages.
    pub key: &'a str,
    pub parent: &'a Arc<Table>,
    pub child: &'a Arc<Table>,
    pub secondary: Option<&'a Arc<Table>>,
    pub primaryjoin: Option<Expr>,
    pub secondaryjoin: Option<Expr>,
    /// The relationship's `foreign_keys`.
    pub consider_as_foreign_keys: &'a [ColumnRef],
    pub remote_side: &'a [ColumnRef],
    /// `!viewonly`.
    pub support_sync: bool,
}

/// What the resolver derives.
#[derive(Debug, Clone)]
pub(crate) struct JoinCondition {
    pub primaryjoin: Expr,
    pub secondaryjoin: Option<Expr>,
    pub direction: Direction,
    pub local_remote_pairs: Pairs,
    pub synchronize_pairs: Pairs,
    pub secondary_synchronize_pairs: Pairs,
    /// Whether the given primaryjoin carried `foreign()` marks.
    pub had_foreign_annotations: bool,
    /// Whether the given primaryjoin carried `remote()` marks.
    pub had_remote_annotations: bool,
    pub warnings: Vec<String>,
}

struct Resolver<'a> {
    input: JoinInput<'a>,
    primaryjoin: Expr,
    secondaryjoin: Option<Expr>,
    had_foreign_annotations: bool,
    had_remote_annotations: bool,
    local_remote_pairs: Pairs,
    synchronize_pairs: Pairs,
    secondary_synchronize_pairs: Pairs,
    warnings: Vec<String>,
}

impl JoinCondition {
    /// Runs every step of the resolution.
    pub(crate) fn resolve(mut input: JoinInput<'_>) -> Result<JoinCondition> {
        let (primaryjoin, secondaryjoin) = determine_joins(&mut input)?;
        let mut r = Resolver {
            had_foreign_annotations: primaryjoin.has_annotation(FOREIGN),
            had_remote_annotations: primaryjoin.has_annotation(REMOTE),
            input,
            primaryjoin,
            secondaryjoin,
            local_remote_pairs: Pairs::new(),
            synchronize_pairs: Pairs::new(),
            secondary_synchronize_pairs: Pairs::new(),
            warnings: Vec::new(),
        };
        r.annotate_fks();
        r.annotate_remote();
        r.annotate_local();
        r.setup_pairs();
        r.check_foreign_cols(JoinSide::Primary)?;
        if r.secondaryjoin.is_some() {
            r.check_foreign_cols(JoinSide::Secondary)?;
        }
        let direction = r.determine_direction()?;
        r.check_remote_side()?;
        Ok(JoinCondition {
            primaryjoin: r.primaryjoin,
            secondaryjoin: r.secondaryjoin,
            direction,
            local_remote_pairs: r.local_remote_pairs,
            synchronize_pairs: r.synchronize_pairs,
            secondary_synchronize_pairs: r.secondary_synchronize_pairs,
            had_foreign_annotations: r.had_foreign_annotations,
            had_remote_annotations: r.had_remote_annotations,
            warnings: r.warnings,
        })
    }
}

/// Distinct columns carrying `annotations` in `pj` and `sj`, sorted.
pub(crate) fn columns_with(
    pj: &Expr,
    sj: Option<&Expr>,
    annotations: Annotations,
) -> Vec<ColumnRef> {
    let mut cols = pj.columns_with(annotations);
    if let Some(sj) = sj {
        cols.extend(sj.columns_with(annotations));
    }
    cols.sort();
    cols.dedup();
    cols
}

/// Takes the given joins or derives them from foreign keys.
fn determine_joins(input: &mut JoinInput<'_>) -> Result<(Expr, Option<Expr>)> {
    let key = input.key;
    if input.secondaryjoin.is_some() && input.secondary.is_none() {
        return Err(Error::SecondaryJoinWithoutSecondary {
            relationship: key.to_owned(),
        });
    }
    let consider = input.consider_as_foreign_keys;
    // Named only on failure: this runs for every relationship.
    let secondary = input.secondary;
    let secondary_name = || secondary.map(|s| s.qualified_name().to_string());
    let fail = |e: FkJoinError| match e {
        FkJoinError::NoForeignKeys => Error::NoForeignKeys {
            relationship: key.to_owned(),
            secondary: secondary_name(),
        },
        FkJoinError::Ambiguous => Error::AmbiguousForeignKeys {
            relationship: key.to_owned(),
            secondary: secondary_name(),
        },
        FkJoinError::Broken(e) => match *e {
            Error::NoReferencedColumn {
                table,
                referred_table,
                column,
                ..
            } => Error::NoReferencedColumn {
                relationship: Some(key.to_owned()),
                table,
                referred_table,
                column,
            },
            other => other,
        },
    };
    match input.secondary {
        Some(secondary) => {
            let sj = match input.secondaryjoin.take() {
                Some(sj) => sj,
                None => fk_join(input.child, secondary, consider).map_err(&fail)?,
            };
            let pj = match input.primaryjoin.take() {
                Some(pj) => pj,
                None => fk_join(input.parent, secondary, consider).map_err(&fail)?,
            };
            Ok((pj, Some(sj)))
        }
        None => {
            let pj = match input.primaryjoin.take() {
                Some(pj) => pj,
                None => fk_join(input.parent, input.child, consider).map_err(&fail)?,
            };
            Ok((pj, None))
        }
    }
}

fn in_table(c: &ColumnExpr, table: &Table) -> bool {
    c.alias.is_none() && c.column.table_id() == table.id()
}

impl Resolver<'_> {
    fn both_joins_mut(&mut self, mut f: impl FnMut(&mut Expr)) {
        f(&mut self.primaryjoin);
        if let Some(sj) = &mut self.secondaryjoin {
            f(sj);
        }
    }

    /// Marks the referencing columns `foreign`, unless the user did.
    fn annotate_fks(&mut self) {
        if self.had_foreign_annotations {
            return;
        }
        if self.input.consider_as_foreign_keys.is_empty() {
            self.annotate_present_fks();
        } else {
            let consider = self.input.consider_as_foreign_keys;
            self.both_joins_mut(|join| {
                join.for_each_column_mut(&mut |c| {
                    if consider.contains(&c.column) {
                        c.annotations |= FOREIGN;
                    }
                });
            });
        }
    }

    /// In each comparison, the column holding a foreign key to the other
    /// side (or, with a secondary table, the secondary's column) is foreign.
    /// `IN`, `BETWEEN` and `IS NULL` count as comparisons whose right side
    /// is not a column, as in SQLAlchemy.
    fn annotate_present_fks(&mut self) {
        let secondary = self.input.secondary.map(Arc::clone);
        let secondary = secondary.as_deref();
        self.both_joins_mut(|join| {
            join.for_each_sqlalchemy_binary_mut(&mut |b| {
                let b = match b {
                    SqlAlchemyBinary::Binary(b) => b,
                    SqlAlchemyBinary::NonColumnRight(left) => {
                        mark_secondary_column(left, secondary);
                        return;
                    }
                };
                if b.left.as_column().is_none() || b.right.as_column().is_none() {
                    mark_secondary_operand(b, secondary);
                    return;
                }
                let (Expr::Column(l), Expr::Column(r)) = (&mut b.left, &mut b.right) else {
                    return;
                };
                if l.annotations.contains(FOREIGN) || r.annotations.contains(FOREIGN) {
                    return;
                }
                let in_secondary = |c: &ColumnExpr| secondary.is_some_and(|s| in_table(c, s));
                if l.column.references(&r.column) {
                    l.annotations |= FOREIGN;
                } else if r.column.references(&l.column) {
                    r.annotations |= FOREIGN;
                } else if in_secondary(l) && !in_secondary(r) {
                    l.annotations |= FOREIGN;
                } else if in_secondary(r) && !in_secondary(l) {
                    r.annotations |= FOREIGN;
                }
            });
        });
    }

    /// Whether some comparison has plain columns of the (same) parent and
    /// child table on both sides.
    fn refers_to_parent_table(&self) -> bool {
        let (parent, child) = (self.input.parent, self.input.child);
        if parent.id() != child.id() {
            return false;
        }
        let mut found = false;
        self.primaryjoin.for_each_binary(&mut |b| {
            if let (Some(l), Some(r)) = (b.left.as_column(), b.right.as_column()) {
                found |= in_table(l, parent) && in_table(r, parent);
            }
        });
        found
    }

    /// Marks the remote side, unless the user did.
    fn annotate_remote(&mut self) {
        if self.had_remote_annotations {
            return;
        }
        if let Some(secondary) = self.input.secondary {
            let secondary = Arc::clone(secondary);
            self.both_joins_mut(|join| mark_columns(join, REMOTE, |c| in_table(c, &secondary)));
        } else if !self.input.remote_side.is_empty() {
            let remote_side = self.input.remote_side;
            if self.refers_to_parent_table() {
                self.annotate_selfref(|c| remote_side.contains(&c.column), true);
            } else {
                mark_columns(&mut self.primaryjoin, REMOTE, |c| {
                    remote_side.contains(&c.column)
                });
            }
        } else if self.refers_to_parent_table() {
            self.annotate_selfref(|c| c.annotations.contains(FOREIGN), false);
        } else if self.input.parent.id() == self.input.child.id() {
            self.annotate_remote_with_overlap();
        } else {
            let child = Arc::clone(self.input.child);
            mark_columns(&mut self.primaryjoin, REMOTE, |c| in_table(c, &child));
        }
    }

    /// Self-referential: in column-to-column comparisons, the columns chosen
    /// by `is_remote` (the foreign ones, or those in `remote_side`) are
    /// remote; a column compared with itself stays local on the right.
    fn annotate_selfref(
        &mut self,
        is_remote: impl Fn(&ColumnExpr) -> bool,
        remote_side_given: bool,
    ) {
        let mut non_column = false;
        self.primaryjoin
            .for_each_sqlalchemy_binary_mut(&mut |b| match b {
                SqlAlchemyBinary::Binary(BinaryExpr {
                    left: Expr::Column(l),
                    right: Expr::Column(r),
                    ..
                }) => {
                    let equated = l.same_column(r);
                    if is_remote(l) {
                        l.annotations |= REMOTE;
                    }
                    if is_remote(r) && !equated {
                        r.annotations |= REMOTE;
                    }
                }
                _ => non_column |= !remote_side_given,
            });
        if non_column {
            self.warn_non_column_elements();
        }
    }

    /// Parent and child are the same table but no comparison relates two of
    /// its columns: a column of the child compared with one of the parent is
    /// remote.
    fn annotate_remote_with_overlap(&mut self) {
        let (parent, child) = (Arc::clone(self.input.parent), Arc::clone(self.input.child));
        let mut non_column = false;
        self.primaryjoin
            .for_each_sqlalchemy_binary_mut(&mut |b| match b {
                SqlAlchemyBinary::Binary(BinaryExpr {
                    left: Expr::Column(l),
                    right: Expr::Column(r),
                    ..
                }) => {
                    if in_table(r, &child) && in_table(l, &parent) {
                        r.annotations |= REMOTE;
                    }
                    if in_table(l, &child) && in_table(r, &parent) {
                        l.annotations |= REMOTE;
                    }
                }
                _ => non_column = true,
            });
        if non_column {
            self.warn_non_column_elements();
        }
    }

    fn warn_non_column_elements(&mut self) {
        self.warnings.push(format!(
            "Non-simple column elements in primary join condition for property {} - consider \
             using remote() annotations to mark the remote side.",
            self.input.key
        ));
    }

    /// Columns of the parent table that are not remote are local.
    fn annotate_local(&mut self) {
        if self.primaryjoin.has_annotation(LOCAL) {
            return;
        }
        let parent = Arc::clone(self.input.parent);
        mark_columns(&mut self.primaryjoin, LOCAL, |c| {
            !c.annotations.contains(REMOTE) && in_table(c, &parent)
        });
    }

    /// Whether a column belongs to one of the relationship's tables.
    fn can_be_synced(&self, c: &ColumnExpr) -> bool {
        in_table(c, self.input.parent)
            || in_table(c, self.input.child)
            || self.input.secondary.is_some_and(|s| in_table(c, s))
    }

    /// Reads local/remote pairs and synchronize pairs off the annotations.
    fn setup_pairs(&mut self) {
        let mut lrp = Pairs::new();
        let mut sync = Pairs::new();
        let mut secondary_sync = Pairs::new();
        self.pairs_of(&self.primaryjoin, &mut lrp, &mut sync);
        if let Some(sj) = &self.secondaryjoin {
            self.pairs_of(sj, &mut lrp, &mut secondary_sync);
        }
        self.local_remote_pairs = lrp;
        self.synchronize_pairs = sync;
        self.secondary_synchronize_pairs = secondary_sync;
    }

    fn pairs_of(&self, join: &Expr, lrp: &mut Pairs, sync: &mut Pairs) {
        join.visit_binary_product(&mut |comparison, left, right| {
            let pair = if right.annotations.contains(REMOTE)
                && !left.annotations.contains(REMOTE)
                && self.can_be_synced(left)
            {
                Some((left, right))
            } else if left.annotations.contains(REMOTE)
                && !right.annotations.contains(REMOTE)
                && self.can_be_synced(right)
            {
                Some((right, left))
            } else {
                None
            };
            if let Some((local, remote)) = pair {
                let pair = (local.column.clone(), remote.column.clone());
                if !lrp.contains(&pair) {
                    lrp.push(pair);
                }
            }
            let equality = matches!(comparison, Expr::Binary(b) if b.op == BinaryOp::Eq);
            if equality && self.can_be_synced(left) && self.can_be_synced(right) {
                if right.annotations.contains(FOREIGN) {
                    sync.push((left.column.clone(), right.column.clone()));
                } else if left.annotations.contains(FOREIGN) {
                    sync.push((right.column.clone(), left.column.clone()));
                }
            }
        });
    }

    /// A join must have foreign columns, and unless `viewonly`, foreign
    /// columns in `=` comparisons.
    fn check_foreign_cols(&self, side: JoinSide) -> Result<()> {
        let (join, can_sync) = match side {
            JoinSide::Primary => (&self.primaryjoin, !self.synchronize_pairs.is_empty()),
            JoinSide::Secondary => match &self.secondaryjoin {
                Some(sj) => (sj, !self.secondary_synchronize_pairs.is_empty()),
                None => return Ok(()),
            },
        };
        let has_foreign = join.has_annotation(FOREIGN);
        let support_sync = self.input.support_sync;
        if (support_sync && can_sync) || (!support_sync && has_foreign) {
            return Ok(());
        }
        let relationship = self.input.key.to_owned();
        let condition = join.to_string();
        Err(if support_sync && has_foreign {
            Error::NoEqualityForeignColumns {
                relationship,
                side,
                condition,
            }
        } else {
            Error::NoForeignColumns {
                relationship,
                side,
                condition,
            }
        })
    }

    /// One-to-many when the foreign columns are in the target, many-to-one
    /// when in the parent; when in both (self-referential), the remote marks
    /// decide.
    fn determine_direction(&self) -> Result<Direction> {
        if self.secondaryjoin.is_some() {
            return Ok(Direction::ManyToMany);
        }
        let foreign = columns_with(&self.primaryjoin, None, FOREIGN);
        let in_child = foreign
            .iter()
            .any(|c| c.table_id() == self.input.child.id());
        let in_parent = foreign
            .iter()
            .any(|c| c.table_id() == self.input.parent.id());
        match (in_child, in_parent) {
            (true, true) => self.direction_from_annotations(),
            (true, false) => Ok(Direction::OneToMany),
            (false, true) => Ok(Direction::ManyToOne),
            (false, false) => Err(Error::NoDirection {
                relationship: self.input.key.to_owned(),
            }),
        }
    }

    fn direction_from_annotations(&self) -> Result<Direction> {
        let mut onetomany: Vec<ColumnRef> = Vec::new();
        let mut manytoone: Vec<ColumnRef> = Vec::new();
        self.primaryjoin.for_each_column(&mut |c| {
            if !c.annotations.contains(FOREIGN) {
                return;
            }
            let bucket = if c.annotations.contains(REMOTE) {
                &mut onetomany
            } else {
                &mut manytoone
            };
            if !bucket.contains(&c.column) {
                bucket.push(c.column.clone());
            }
        });
        if !onetomany.is_empty() && !manytoone.is_empty() {
            // Columns equated to themselves (`t.version = t.version`) say
            // nothing about direction.
            let remote = columns_with(&self.primaryjoin, None, REMOTE);
            let local = columns_with(&self.primaryjoin, None, LOCAL);
            let self_equated = |c: &ColumnRef| remote.contains(c) && local.contains(c);
            onetomany.retain(|c| !self_equated(c));
            manytoone.retain(|c| !self_equated(c));
        }
        match (onetomany.is_empty(), manytoone.is_empty()) {
            (false, true) => Ok(Direction::OneToMany),
            (true, false) => Ok(Direction::ManyToOne),
            _ => Err(Error::AmbiguousDirection {
                relationship: self.input.key.to_owned(),
            }),
        }
    }

    /// There must be at least one local/remote pair.
    fn check_remote_side(&mut self) -> Result<()> {
        if self.local_remote_pairs.is_empty() {
            return Err(Error::NoLocalRemotePairs {
                relationship: self.input.key.to_owned(),
            });
        }
        let (parent, child) = (self.input.parent.id(), self.input.child.id());
        if parent == child {
            return Ok(());
        }
        for (_, remote) in &self.local_remote_pairs {
            if remote.table_id() == parent {
                self.warnings.push(format!(
                    "Expression {remote} is marked as 'remote', but these column(s) are local to \
                     the local side.  The remote() annotation is needed only for a \
                     self-referential relationship where both sides of the relationship refer \
                     to the same tables."
                ));
            }
        }
        Ok(())
    }
}

/// Adds `annotation` to every column for which `pick` holds.
fn mark_columns(join: &mut Expr, annotation: Annotations, pick: impl Fn(&ColumnExpr) -> bool) {
    join.for_each_column_mut(&mut |c| {
        if pick(c) {
            c.annotations |= annotation;
        }
    });
}

/// The left side of `IN`, `BETWEEN` or `IS NULL`, compared with a
/// non-column (`secondary.kind IN ('a', 'b')`): a column of the secondary
/// table there is foreign, as in SQLAlchemy.
fn mark_secondary_column(left: &mut Expr, secondary: Option<&Table>) {
    if let (Expr::Column(c), Some(secondary)) = (left, secondary)
        && in_table(c, secondary)
        && !c.annotations.contains(FOREIGN)
    {
        c.annotations |= FOREIGN;
    }
}

/// A comparison between a column of the secondary table and a non-column
/// (`secondary.kind = 'x'`): the column is foreign, as in SQLAlchemy.
fn mark_secondary_operand(b: &mut BinaryExpr, secondary: Option<&Table>) {
    let Some(secondary) = secondary else { return };
    let in_secondary = |e: &Expr| e.as_column().is_some_and(|c| in_table(c, secondary));
    let foreign = |e: &Expr| {
        e.as_column()
            .is_some_and(|c| c.annotations.contains(FOREIGN))
    };
    if foreign(&b.left) || foreign(&b.right) {
        return;
    }
    let operand = match (in_secondary(&b.left), in_secondary(&b.right)) {
        (true, false) => &mut b.left,
        (false, true) => &mut b.right,
        _ => return,
    };
    if let Expr::Column(c) = operand {
        c.annotations |= FOREIGN;
    }
}
