//! Words for the shape of a relationship, shared by the layers that
//! resolve relationships, report their errors and print them: which side
//! holds the foreign key, and which of a relationship's two join
//! conditions something is about. Depends on nothing else in the crate.

use std::fmt;

/// Which side holds the foreign key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// The target rows refer to the parent (a collection, e.g. `users.addresses`).
    OneToMany,
    /// The parent row refers to the target (a scalar, e.g. `addresses.user`).
    ManyToOne,
    /// Parent and target are linked through a secondary (association) table.
    ManyToMany,
}

impl Direction {
    /// `one_to_many`, `many_to_one` or `many_to_many`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::OneToMany => "one_to_many",
            Direction::ManyToOne => "many_to_one",
            Direction::ManyToMany => "many_to_many",
        }
    }
}

impl fmt::Display for Direction {
    /// SQLAlchemy's symbol names (`ONETOMANY`, ...), as its messages print
    /// them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::OneToMany => "ONETOMANY",
            Direction::ManyToOne => "MANYTOONE",
            Direction::ManyToMany => "MANYTOMANY",
        })
    }
}

/// Which join condition of a relationship something is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JoinSide {
    /// The primary join (parent to target, or parent to secondary).
    Primary,
    /// The secondary join (secondary to target).
    Secondary,
}

impl fmt::Display for JoinSide {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JoinSide::Primary => "primary",
            JoinSide::Secondary => "secondary",
        })
    }
}
