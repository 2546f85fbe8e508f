//! [`RelationshipConfig`]: what a user declares about one relationship.

use crate::expr::Expr;
use crate::schema::builder::strings;

/// A join condition given by the user: SQL text parsed against the schema
/// when the registry is configured, or an expression built in Rust.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// SQL text such as `users.id = foreign(addresses.user_id)`.
    Text(String),
    /// An expression built with [`crate::expr`], from columns of the
    /// registry's schema (configure rejects another schema's columns with
    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument)).
    Expr(Expr),
}

impl From<&str> for Condition {
    fn from(text: &str) -> Self {
        Condition::Text(text.to_owned())
    }
}

impl From<String> for Condition {
    fn from(text: String) -> Self {
        Condition::Text(text)
    }
}

impl From<Expr> for Condition {
    fn from(expr: Expr) -> Self {
        Condition::Expr(expr)
    }
}

/// The declaration of a relationship, SQLAlchemy's `relationship()`
/// arguments. Column lists are `table.column` strings, resolved when the
/// registry is configured.
///
/// ```
/// use sqlrel::relationship::{Backref, RelationshipConfig};
///
/// let children = RelationshipConfig::new("nodes", "children", "nodes")
///     .backref(Backref::new("parent").remote_side(["nodes.id"]));
/// assert_eq!(children.key(), "nodes.children");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RelationshipConfig {
    pub(crate) table: String,
    pub(crate) name: String,
    pub(crate) target: String,
    pub(crate) secondary: Option<String>,
    pub(crate) primaryjoin: Option<Condition>,
    pub(crate) secondaryjoin: Option<Condition>,
    pub(crate) foreign_keys: Vec<String>,
    pub(crate) remote_side: Vec<String>,
    pub(crate) uselist: Option<bool>,
    pub(crate) viewonly: bool,
    pub(crate) order_by: Vec<String>,
    pub(crate) overlaps: Vec<String>,
    pub(crate) backref: Option<Backref>,
    pub(crate) back_populates: Option<String>,
}

impl RelationshipConfig {
    /// Relationship `name` on `table` (the parent) pointing at `target`.
    pub fn new(
        table: impl Into<String>,
        name: impl Into<String>,
        target: impl Into<String>,
    ) -> Self {
        RelationshipConfig {
            table: table.into(),
            name: name.into(),
            target: target.into(),
            secondary: None,
            primaryjoin: None,
            secondaryjoin: None,
            foreign_keys: Vec::new(),
            remote_side: Vec::new(),
            uselist: None,
            viewonly: false,
            order_by: Vec::new(),
            overlaps: Vec::new(),
            backref: None,
            back_populates: None,
        }
    }

    /// `table.name`, the key the registry files the relationship under.
    pub fn key(&self) -> String {
        format!("{}.{}", self.table, self.name)
    }

    /// The parent table.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// The attribute name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The target table.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// Many-to-many through an association table.
    pub fn secondary(mut self, table: impl Into<String>) -> Self {
        self.secondary = Some(table.into());
        self
    }

    /// The join condition from the parent to the target (or to the secondary
    /// table).
    pub fn primaryjoin(mut self, condition: impl Into<Condition>) -> Self {
        self.primaryjoin = Some(condition.into());
        self
    }

    /// The join condition from the secondary table to the target.
    pub fn secondaryjoin(mut self, condition: impl Into<Condition>) -> Self {
        self.secondaryjoin = Some(condition.into());
        self
    }

    /// Columns to treat as foreign (referencing), overriding the schema's
    /// foreign keys.
    pub fn foreign_keys<I, S>(mut self, columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.foreign_keys = strings(columns);
        self
    }

    /// Columns on the remote side of a self-referential relationship.
    pub fn remote_side<I, S>(mut self, columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.remote_side = strings(columns);
        self
    }

    /// Collection (`true`) or scalar (`false`); defaults to "not
    /// many-to-one".
    pub fn uselist(mut self, uselist: bool) -> Self {
        self.uselist = Some(uselist);
        self
    }

    /// Read-only relationship: allows join conditions that cannot be used to
    /// synchronize columns (non-equality comparisons, no foreign keys).
    pub fn viewonly(mut self, viewonly: bool) -> Self {
        self.viewonly = viewonly;
        self
    }

    /// Ordering of the related rows.
    pub fn order_by<I, S>(mut self, columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.order_by = strings(columns);
        self
    }

    /// Names of other relationships that may write the same columns as this
    /// one without a warning (SQLAlchemy's `overlaps`): see
    /// [`Relationship::warnings`](super::Relationship::warnings).
    pub fn overlaps<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.overlaps = strings(names);
        self
    }

    /// Also create the reverse relationship on the target.
    pub fn backref(mut self, backref: impl Into<Backref>) -> Self {
        self.backref = Some(backref.into());
        self
    }

    /// Names the explicitly declared reverse relationship on the target.
    pub fn back_populates(mut self, name: impl Into<String>) -> Self {
        self.back_populates = Some(name.into());
        self
    }
}

/// Options of a generated reverse relationship (SQLAlchemy's `backref()`).
/// Unset options are derived from the declaring relationship.
#[derive(Debug, Clone, PartialEq)]
pub struct Backref {
    pub(crate) name: String,
    pub(crate) primaryjoin: Option<Condition>,
    pub(crate) secondaryjoin: Option<Condition>,
    pub(crate) foreign_keys: Option<Vec<String>>,
    pub(crate) remote_side: Vec<String>,
    pub(crate) uselist: Option<bool>,
    pub(crate) viewonly: Option<bool>,
    pub(crate) order_by: Vec<String>,
    pub(crate) overlaps: Vec<String>,
}

impl From<&str> for Backref {
    fn from(name: &str) -> Self {
        Backref::new(name)
    }
}

impl From<String> for Backref {
    fn from(name: String) -> Self {
        Backref::new(name)
    }
}

impl Backref {
    /// A backref named `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Backref {
            name: name.into(),
            primaryjoin: None,
            secondaryjoin: None,
            foreign_keys: None,
            remote_side: Vec::new(),
            uselist: None,
            viewonly: None,
            order_by: Vec::new(),
            overlaps: Vec::new(),
        }
    }

    /// The backref's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Overrides the reversed primary join.
    pub fn primaryjoin(mut self, condition: impl Into<Condition>) -> Self {
        self.primaryjoin = Some(condition.into());
        self
    }

    /// Overrides the secondary join (many-to-many only).
    pub fn secondaryjoin(mut self, condition: impl Into<Condition>) -> Self {
        self.secondaryjoin = Some(condition.into());
        self
    }

    /// Overrides the foreign columns (default: those of the declaring
    /// relationship).
    pub fn foreign_keys<I, S>(mut self, columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.foreign_keys = Some(strings(columns));
        self
    }

    /// Remote side of the backref (self-referential many-to-one).
    pub fn remote_side<I, S>(mut self, columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.remote_side = strings(columns);
        self
    }

    /// Collection or scalar.
    pub fn uselist(mut self, uselist: bool) -> Self {
        self.uselist = Some(uselist);
        self
    }

    /// Read-only (default: that of the declaring relationship).
    pub fn viewonly(mut self, viewonly: bool) -> Self {
        self.viewonly = Some(viewonly);
        self
    }

    /// Ordering of the related rows.
    pub fn order_by<I, S>(mut self, columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.order_by = strings(columns);
        self
    }

    /// Names of other relationships that may write the same columns
    /// without a warning (see [`RelationshipConfig::overlaps`]).
    pub fn overlaps<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.overlaps = strings(names);
        self
    }
}
