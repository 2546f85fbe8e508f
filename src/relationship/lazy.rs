//! The lazy-load clause (SQLAlchemy's `create_lazy_clause`): the join
//! condition with one side's columns replaced by bind parameters.

use crate::expr::{Annotations, BindKey, Expr};
use crate::schema::ColumnRef;

/// A join condition in which the columns of one side are bind parameters
/// ([`BindKey::Column`]) to be filled from a row of that side.
#[derive(Debug, Clone, PartialEq)]
pub struct LazyClause {
    /// The criterion, with `Expr::Bind(BindKey::Column(..))` placeholders.
    pub criterion: Expr,
    /// The bound columns, in order of first appearance.
    pub bound_columns: Vec<ColumnRef>,
}

impl LazyClause {
    /// Builds the forward (`reverse == false`: parent columns bound) or
    /// reverse (target columns bound) clause.
    pub(crate) fn build(
        primaryjoin: &Expr,
        secondaryjoin: Option<&Expr>,
        local_remote_pairs: &[(ColumnRef, ColumnRef)],
        reverse: bool,
    ) -> LazyClause {
        let has_secondary = secondaryjoin.is_some();
        let locals: Vec<&ColumnRef> = local_remote_pairs.iter().map(|(l, _)| l).collect();
        let mut bound: Vec<ColumnRef> = Vec::new();
        let mut to_bind = |c: &crate::expr::ColumnExpr| {
            let bind = if !reverse {
                c.annotations.contains(Annotations::LOCAL)
            } else if has_secondary {
                locals.contains(&&c.column)
            } else {
                c.annotations.contains(Annotations::REMOTE)
            };
            if !bind {
                return None;
            }
            if !bound.contains(&c.column) {
                bound.push(c.column.clone());
            }
            Some(Expr::Bind(BindKey::Column(c.column.clone())))
        };
        let mut criterion = primaryjoin.clone();
        if !has_secondary || !reverse {
            criterion.replace_columns(&mut to_bind);
        }
        if let Some(sj) = secondaryjoin {
            let mut sj = sj.clone();
            if reverse {
                sj.replace_columns(&mut to_bind);
            }
            criterion = criterion.and(sj);
        }
        LazyClause {
            criterion: criterion
                .deannotate(Annotations::FOREIGN | Annotations::LOCAL | Annotations::REMOTE),
            bound_columns: bound,
        }
    }
}
