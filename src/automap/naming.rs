//! How automap names the relationships it generates.

use std::borrow::Cow;
use std::sync::Arc;

use crate::relationship::Direction;
use crate::schema::{ForeignKey, Schema, Table};

/// Chooses the names of generated relationships; SQLAlchemy's
/// `name_for_scalar_relationship` / `name_for_collection_relationship`
/// hooks, plus one for sqlrel's one-to-one backrefs.
///
/// Every method has a default, so an implementation overrides only what it
/// wants to change and can call [`DefaultNaming`] for the rest.
///
/// # Default names
///
/// Table names are lowercased, as SQLAlchemy lowercases the class name
/// (which automap takes from the table name). With `addresses.user_id`
/// referring to `users`:
///
/// | relationship | method | default |
/// |---|---|---|
/// | many-to-one `addresses` → `users` | [`name_for_scalar_relationship`](Naming::name_for_scalar_relationship) | `users` (the referred table) |
/// | one-to-many backref `users` → `addresses` | [`name_for_collection_relationship`](Naming::name_for_collection_relationship) | `addresses_collection` |
/// | many-to-many, each side | [`name_for_collection_relationship`](Naming::name_for_collection_relationship) | `<other table>_collection` |
/// | one-to-one backref (see below) | [`name_for_one_to_one_relationship`](Naming::name_for_one_to_one_relationship) | `addresses` |
///
/// A foreign key whose columns are unique in their table (a unique
/// constraint or the primary key lies within them) is a one-to-one: its
/// backref is scalar (`uselist = false`) and named by
/// [`name_for_one_to_one_relationship`](Naming::name_for_one_to_one_relationship).
///
/// # Several paths between two tables
///
/// When one table has two or more foreign keys to the same table (e.g.
/// `msg.src_id` and `msg.dst_id` both referring to `users`), or an
/// association table links a table to itself, the names above would
/// collide. SQLAlchemy then keeps one relationship of each name and drops
/// the others; sqlrel generates every path, and
/// [`NamingContext::is_ambiguous`] is `true` for them. The defaults then add
/// the foreign key's [stem](NamingContext::stem) (its column names without
/// a trailing `_id`, joined by `_`):
///
/// | relationship | default |
/// |---|---|
/// | many-to-one `msg` → `users` through `src_id` | `src` (the stem) |
/// | one-to-many backref `users` → `msg` through `src_id` | `msg_collection_src` |
/// | one-to-one backref through a unique `src_id` | `msg_src` |
/// | many-to-many `nodes` ↔ `nodes` through `edges(parent_id, child_id)` | `nodes_collection_parent` (the nodes whose `parent_id` side is this node, i.e. its children) and `nodes_collection_child` |
///
/// A self-referential one-to-one backref uses the stem too
/// (`nodes_next` for a unique `nodes.next_id`), as `nodes` already names
/// the many-to-one.
///
/// # Rules applied after naming
///
/// These hold for every `Naming`, in generation order (tables in
/// declaration order, each table's foreign keys in declaration order, then
/// the association tables):
///
/// 1. a name equal to a column of the table the relationship sits on gets
///    `_` appended until it is free (the recipe of SQLAlchemy's
///    documentation; SQLAlchemy itself fails to map such a class);
/// 2. a name already generated on the same table gets `_2`, `_3`, ...
///    (SQLAlchemy fails with "property of that name exists");
/// 3. a name taken by an explicitly declared relationship or backref is not
///    generated at all: the explicit one wins (see the module docs).
///
/// An empty name is an error
/// ([`Error::InvalidArgument`](crate::Error::InvalidArgument) from
/// [`relationships`](super::relationships) or from
/// [`configure`](crate::registry::RegistryBuilder::configure)).
///
/// # Example: pluralising
///
/// ```
/// use sqlrel::automap::{DefaultNaming, Naming, NamingContext};
///
/// struct Plural;
///
/// impl Naming for Plural {
///     fn name_for_scalar_relationship(&self, ctx: &NamingContext<'_>) -> String {
///         if ctx.is_ambiguous() {
///             return DefaultNaming.name_for_scalar_relationship(ctx);
///         }
///         let name = ctx.referred().name().to_lowercase();
///         name.strip_suffix('s').unwrap_or(&name).to_owned()
///     }
///
///     fn name_for_collection_relationship(&self, ctx: &NamingContext<'_>) -> String {
///         if ctx.is_ambiguous() {
///             return DefaultNaming.name_for_collection_relationship(ctx);
///         }
///         let name = ctx.referred().name().to_lowercase();
///         if name.ends_with('s') { name } else { format!("{name}s") }
///     }
/// }
/// ```
pub trait Naming {
    /// The name of a many-to-one relationship from
    /// [`ctx.local()`](NamingContext::local) to
    /// [`ctx.referred()`](NamingContext::referred) through
    /// [`ctx.constraint()`](NamingContext::constraint). Default: the
    /// referred table's name, lowercased; the [stem](NamingContext::stem)
    /// when [ambiguous](NamingContext::is_ambiguous).
    fn name_for_scalar_relationship(&self, ctx: &NamingContext<'_>) -> String {
        if ctx.is_ambiguous() {
            ctx.stem()
        } else {
            ctx.referred_name()
        }
    }

    /// The name of a collection: the one-to-many backref of a foreign key
    /// (on the referred table, collecting the referencing rows) or either
    /// side of a many-to-many. Default: `<referred>_collection`;
    /// `<referred>_collection_<stem>` when
    /// [ambiguous](NamingContext::is_ambiguous).
    fn name_for_collection_relationship(&self, ctx: &NamingContext<'_>) -> String {
        let referred = ctx.referred_lowercase();
        if ctx.is_ambiguous() {
            joined(&[&referred, "_collection_", &ctx.stem()])
        } else {
            joined(&[&referred, "_collection"])
        }
    }

    /// The name of the scalar backref of a one-to-one foreign key (on the
    /// referred table, holding the one referencing row). Default:
    /// `<referred>`; `<referred>_<stem>` when
    /// [ambiguous](NamingContext::is_ambiguous) or self-referential.
    fn name_for_one_to_one_relationship(&self, ctx: &NamingContext<'_>) -> String {
        if ctx.is_ambiguous() || ctx.local().id() == ctx.referred().id() {
            joined(&[&ctx.referred_lowercase(), "_", &ctx.stem()])
        } else {
            ctx.referred_name()
        }
    }
}

/// SQLAlchemy's default names, with sqlrel's rules for several paths
/// between two tables (see [`Naming`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DefaultNaming;

impl Naming for DefaultNaming {}

/// What a generated relationship connects, handed to [`Naming`].
#[derive(Debug, Clone, Copy)]
pub struct NamingContext<'a> {
    pub(super) schema: &'a Schema,
    pub(super) local: &'a Arc<Table>,
    pub(super) referred: &'a Arc<Table>,
    pub(super) constraint_table: &'a Arc<Table>,
    pub(super) constraint: &'a ForeignKey,
    pub(super) secondary: Option<&'a Arc<Table>>,
    pub(super) direction: Direction,
    pub(super) uselist: bool,
    pub(super) ambiguous: bool,
}

impl<'a> NamingContext<'a> {
    /// The schema being automapped.
    pub fn schema(&self) -> &'a Schema {
        self.schema
    }

    /// The table the relationship is placed on (its parent).
    pub fn local(&self) -> &'a Arc<Table> {
        self.local
    }

    /// The table the relationship leads to (its target).
    pub fn referred(&self) -> &'a Arc<Table> {
        self.referred
    }

    /// The referred table's name, lowercased (SQLAlchemy's
    /// `referred_cls.__name__.lower()`).
    pub fn referred_name(&self) -> String {
        self.referred_lowercase().into_owned()
    }

    /// [`referred_name`](Self::referred_name), borrowed when the name is
    /// lowercase already.
    fn referred_lowercase(&self) -> Cow<'a, str> {
        let name = self.referred.name();
        if name
            .bytes()
            .any(|b| b.is_ascii_uppercase() || !b.is_ascii())
        {
            Cow::Owned(name.to_lowercase())
        } else {
            Cow::Borrowed(name)
        }
    }

    /// The foreign-key constraint behind the relationship (SQLAlchemy's
    /// `constraint` argument): for a many-to-one and its backref, the
    /// referencing table's foreign key; for a many-to-many, the association
    /// table's foreign key that refers to [`local`](Self::local).
    pub fn constraint(&self) -> &'a ForeignKey {
        self.constraint
    }

    /// The table that owns [`constraint`](Self::constraint): the
    /// referencing table, or the association table of a many-to-many.
    pub fn constraint_table(&self) -> &'a Arc<Table> {
        self.constraint_table
    }

    /// The association table of a many-to-many.
    pub fn secondary(&self) -> Option<&'a Arc<Table>> {
        self.secondary
    }

    /// The direction the relationship will have.
    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// Whether the relationship is a collection.
    pub fn uselist(&self) -> bool {
        self.uselist
    }

    /// Whether other generated relationships connect the same two tables in
    /// the same way, so that names derived from the table names alone would
    /// collide: the constraint's table has several foreign keys to the
    /// referred table, or an association table refers twice to one table.
    pub fn is_ambiguous(&self) -> bool {
        self.ambiguous
    }

    /// The names of the constraint's columns, lowercased, each without a
    /// trailing `_id`, joined by `_`: `src_id` → `src`, `(org_id, code)` →
    /// `org_code`.
    pub fn stem(&self) -> String {
        stem(self.constraint_table, self.constraint)
    }
}

/// `parts` end to end, in a string allocated once at its final length
/// (the default names are made for every relationship automap generates;
/// `format!` grew its string on the way).
fn joined(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

pub(super) fn stem(table: &Table, fk: &ForeignKey) -> String {
    let parts: Vec<String> = fk
        .columns()
        .iter()
        .filter_map(|&id| table.column(id))
        .map(|c| {
            let name = c.name().to_lowercase();
            match name.strip_suffix("_id") {
                Some(stripped) if !stripped.is_empty() => stripped.to_owned(),
                _ => name,
            }
        })
        .collect();
    parts.join("_")
}
