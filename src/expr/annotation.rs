//! The `foreign` / `remote` / `local` marks that join-condition resolution
//! puts on column references.

use std::fmt;
use std::ops::{BitOr, BitOrAssign};

/// A small set of annotations carried by a column reference.
///
/// ```
/// use sqlrel::expr::Annotations;
///
/// let a = Annotations::FOREIGN | Annotations::REMOTE;
/// assert!(a.contains(Annotations::FOREIGN));
/// assert!(!a.contains(Annotations::LOCAL));
/// assert_eq!(a.to_string(), "foreign, remote");
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Annotations(u8);

impl Annotations {
    /// No annotation.
    pub const NONE: Annotations = Annotations(0);
    /// The column holds the foreign key (the referencing side).
    pub const FOREIGN: Annotations = Annotations(1);
    /// The column belongs to the remote (target or secondary) side.
    pub const REMOTE: Annotations = Annotations(2);
    /// The column belongs to the local (parent) side.
    pub const LOCAL: Annotations = Annotations(4);

    /// Whether every annotation of `other` is present.
    pub const fn contains(self, other: Annotations) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether any annotation of `other` is present.
    pub const fn intersects(self, other: Annotations) -> bool {
        self.0 & other.0 != 0
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The set with `other` added.
    pub const fn with(self, other: Annotations) -> Annotations {
        Annotations(self.0 | other.0)
    }

    /// The set with `other` removed.
    pub const fn without(self, other: Annotations) -> Annotations {
        Annotations(self.0 & !other.0)
    }
}

impl BitOr for Annotations {
    type Output = Annotations;
    fn bitor(self, rhs: Annotations) -> Annotations {
        self.with(rhs)
    }
}

impl BitOrAssign for Annotations {
    fn bitor_assign(&mut self, rhs: Annotations) {
        *self = self.with(rhs);
    }
}

impl fmt::Display for Annotations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = [
            (Annotations::FOREIGN, "foreign"),
            (Annotations::REMOTE, "remote"),
            (Annotations::LOCAL, "local"),
        ];
        let mut first = true;
        for (flag, name) in names {
            if self.contains(flag) {
                if !first {
                    f.write_str(", ")?;
                }
                f.write_str(name)?;
                first = false;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Annotations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Annotations({self})")
    }
}
