//! The guard on how deeply an expression nests (see [`crate::nesting`]).

use super::Expr;
use crate::error::Error;
use crate::nesting::MAX_DEPTH;

impl Expr {
    /// Whether the expression nests deeper than `limit` levels, found
    /// without recursion (it guards the recursive walks).
    pub(crate) fn nests_deeper_than(&self, limit: usize) -> bool {
        let mut stack: Vec<(&Expr, usize)> = vec![(self, 1)];
        while let Some((e, depth)) = stack.pop() {
            if depth > limit {
                return true;
            }
            e.for_each_child(&mut |child| stack.push((child, depth + 1)));
        }
        false
    }

    /// [`nests_deeper_than`](Self::nests_deeper_than) [`MAX_DEPTH`], as an
    /// error naming `what` is being done.
    pub(crate) fn check_depth(&self, what: &str) -> Result<(), Error> {
        if self.nests_deeper_than(MAX_DEPTH) {
            return Err(Error::invalid(format!(
                "cannot {what}: the expression nests more than {MAX_DEPTH} levels deep"
            )));
        }
        Ok(())
    }
}
