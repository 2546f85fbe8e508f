//! Layer 6: relationship predicates.
//!
//! [`Comparator`] turns a resolved [`Relationship`] into WHERE-clause
//! expressions the way SQLAlchemy's relationship comparator does: `any()` /
//! `has()` as correlated `EXISTS`, `contains()` / `eq()` / `ne()` against a
//! [`Row`] of the related table, `is_none()` / `is_not_none()`, and
//! `with_parent()` (the lazy-load clause). Self-referential targets are
//! read through an anonymous alias (`nodes_1`) and the criterion is adapted
//! to it.
//!
//! Where SQLAlchemy's SQL gives wrong rows, sqlrel deliberately differs:
//!
//! - many-to-many `contains()`, `eq()` and `ne()` are `EXISTS` over the
//!   association table instead of SQLAlchemy's implicit join of it, which
//!   duplicates or drops rows under `OR` and `NOT`;
//! - many-to-one `ne()` on a composite key is true when *any* key column
//!   differs (SQLAlchemy requires all to differ);
//! - many-to-one `is_none()` on a composite key is true when *any* key
//!   column is NULL, and on a join condition that is not a plain foreign-key
//!   equality it is `NOT EXISTS` (SQLAlchemy's `IS NULL` rewrite of such a
//!   join never matches);
//! - negations are always `NOT EXISTS`, never `NOT IN (subquery)`.
//! - a join condition that names tables beyond the parent, the target and
//!   the secondary ([`Relationship::extra_tables`]) brings them into the
//!   predicate's own `EXISTS`, so each row comes once (SQLAlchemy adds them
//!   to the outer FROM for `contains()`, `==` and `with_parent()`, which
//!   repeats rows, and its joins along such a relationship fail).
//!
//! ```
//! use sqlrel::registry::Registry;
//! use sqlrel::relationship::RelationshipConfig;
//! use sqlrel::schema::Schema;
//!
//! let schema = Schema::from_ddl(
//!     "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
//!      CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), email TEXT);",
//! )?;
//! let registry = Registry::builder(schema)
//!     .relationship(RelationshipConfig::new("users", "addresses", "addresses").backref("user"))
//!     .configure()?;
//! let email = registry.schema().col("addresses.email")?;
//! let pred = registry.relationship("users.addresses")?.any(email.like("%@example.com"))?;
//! assert_eq!(
//!     pred.to_string(),
//!     "EXISTS (SELECT 1 FROM addresses WHERE users.id = addresses.user_id AND addresses.email LIKE '%@example.com')"
//! );
//! # Ok::<(), sqlrel::Error>(())
//! ```
//!
//! The methods are on [`Comparator`] and, for the parent read from its own
//! table, directly on [`Relationship`]. Their results are plain [`Expr`]s:
//! combine them with [`Expr::and`], [`Expr::or`] and [`Expr::not`], and
//! render them with [`Select`](crate::query::Select).
//!
//! # Schemas in the examples
//!
//! The method examples hide their setup; it is one of these three schemas:
//!
//! ```
//! use sqlrel::registry::Registry;
//! use sqlrel::relationship::{Backref, RelationshipConfig};
//! use sqlrel::schema::Schema;
//!
//! // One-to-many `users.addresses`, many-to-one backref `addresses.user`.
//! let users = Registry::builder(Schema::from_ddl(
//!     "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
//!      CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), email TEXT);",
//! )?)
//! .relationship(RelationshipConfig::new("users", "addresses", "addresses").backref("user"))
//! .configure()?;
//!
//! // Self-referential: `nodes.children` and its backref `nodes.parent`.
//! let nodes = Registry::builder(Schema::from_ddl(
//!     "CREATE TABLE nodes (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES nodes(id), name TEXT);",
//! )?)
//! .relationship(
//!     RelationshipConfig::new("nodes", "children", "nodes")
//!         .backref(Backref::new("parent").remote_side(["nodes.id"])),
//! )
//! .configure()?;
//!
//! // Many-to-many `posts.tags` through `post_tags`, backref `tags.posts`.
//! let posts = Registry::builder(Schema::from_ddl(
//!     "CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT);
//!      CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT);
//!      CREATE TABLE post_tags (post_id INTEGER REFERENCES posts(id), tag_id INTEGER REFERENCES tags(id),
//!                              PRIMARY KEY (post_id, tag_id));",
//! )?)
//! .relationship(RelationshipConfig::new("posts", "tags", "tags").secondary("post_tags").backref("posts"))
//! .configure()?;
//! # let _ = (users, nodes, posts);
//! # Ok::<(), sqlrel::Error>(())
//! ```

mod row;

pub use row::Row;

use crate::error::{Error, Result};
use crate::expr::{
    Annotations, BinaryOp, BindKey, Expr, FromItem, Projection, Subquery, TableAlias, Value,
};
use crate::relationship::{Direction, LazyClause, Relationship};
use crate::schema::{ColumnRef, Table};

/// Builds predicates for one relationship, optionally read from an aliased
/// parent.
///
/// Made by [`Relationship::comparator`]; the methods of the same names on
/// [`Relationship`] are shorthands for a comparator without alias.
///
/// The method examples render each predicate in a
/// [`Select`](crate::query::Select) for the three dialects; their hidden
/// setup is one of the schemas of the
/// [module documentation](self#schemas-in-the-examples).
#[derive(Debug, Clone)]
pub struct Comparator<'r> {
    rel: &'r Relationship,
    source: Option<TableAlias>,
}

impl Relationship {
    /// A comparator for this relationship, with the parent read from its
    /// own table. The predicate methods of [`Relationship`] are shorthands for
    /// this; call it directly to go on with [`Comparator::of_alias`].
    ///
    /// ```
    /// # use sqlrel::query::{Dialect, Select};
    /// # use sqlrel::registry::Registry;
    /// # use sqlrel::relationship::RelationshipConfig;
    /// # use sqlrel::schema::Schema;
    /// # let registry = Registry::builder(Schema::from_ddl(
    /// #     "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
    /// #      CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), email TEXT);",
    /// # )?)
    /// # .relationship(RelationshipConfig::new("users", "addresses", "addresses").backref("user"))
    /// # .configure()?;
    /// let addresses = registry.relationship("users.addresses")?;
    /// let comparator = addresses.comparator();
    /// assert_eq!(comparator.relationship().key(), "users.addresses");
    /// assert_eq!(comparator.any(None)?, addresses.any(None)?);
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    pub fn comparator(&self) -> Comparator<'_> {
        Comparator {
            rel: self,
            source: None,
        }
    }

    /// Collections: parents with at least one related row matching `criterion`.
    ///
    /// Shorthand for `self.comparator().any(..)`; see
    /// [`Comparator::any`] for the SQL it produces.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when the relationship is a scalar
    /// ([`Relationship::uselist`] is false: many-to-one, one-to-one): use
    /// [`has`](Self::has) there.
    pub fn any(&self, criterion: impl Into<Option<Expr>>) -> Result<Expr> {
        self.comparator().any(criterion)
    }

    /// Scalars: parents whose related row exists and matches `criterion`.
    ///
    /// Shorthand for `self.comparator().has(..)`; see
    /// [`Comparator::has`] for the SQL it produces.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when the relationship is a collection: use
    /// [`any`](Self::any) there.
    pub fn has(&self, criterion: impl Into<Option<Expr>>) -> Result<Expr> {
        self.comparator().has(criterion)
    }

    /// Collections: parents related to `row`.
    ///
    /// Shorthand for `self.comparator().contains(..)`; see
    /// [`Comparator::contains`] for the SQL it produces.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidRequest`] when the relationship is a scalar: use
    ///   [`eq`](Self::eq) there.
    /// - [`Error::MissingValue`] when `row` has no value for a column the
    ///   comparison needs (for one-to-many the target's foreign-key columns, for
    ///   many-to-many the target's columns the association table refers to).
    pub fn contains(&self, row: &Row) -> Result<Expr> {
        self.comparator().contains(row)
    }

    /// Scalars: parents whose related row is `row`.
    ///
    /// Shorthand for `self.comparator().eq(..)`; see
    /// [`Comparator::eq`] for the SQL it produces.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidRequest`] when the relationship is a collection: use
    ///   [`contains`](Self::contains) there.
    /// - [`Error::MissingValue`] when `row` has no value for a column the
    ///   comparison needs (for many-to-one the target's referenced key columns).
    pub fn eq(&self, row: &Row) -> Result<Expr> {
        self.comparator().eq(row)
    }

    /// Scalars: parents whose related row is not `row`.
    ///
    /// Shorthand for `self.comparator().ne(..)`; see
    /// [`Comparator::ne`] for the SQL it produces.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidRequest`] when the relationship is a collection.
    /// - [`Error::MissingValue`] when `row` has no value for a column the
    ///   comparison needs (the target's referenced key columns, or its primary
    ///   key for the `NOT EXISTS` form).
    /// - [`Error::InvalidArgument`] when the `NOT EXISTS` form is needed (any
    ///   relationship other than a many-to-one on the target's primary key) and
    ///   the target table has no primary key.
    pub fn ne(&self, row: &Row) -> Result<Expr> {
        self.comparator().ne(row)
    }

    /// Parents without related rows.
    ///
    /// Shorthand for `self.comparator().is_none()`; see
    /// [`Comparator::is_none`] for the SQL it produces.
    ///
    /// # Errors
    ///
    /// Never fails; it returns a `Result` like the other predicates.
    pub fn is_none(&self) -> Result<Expr> {
        self.comparator().is_none()
    }

    /// Parents with related rows.
    ///
    /// Shorthand for `self.comparator().is_not_none()`; see
    /// [`Comparator::is_not_none`] for the SQL it produces.
    ///
    /// # Errors
    ///
    /// Never fails; it returns a `Result` like the other predicates.
    pub fn is_not_none(&self) -> Result<Expr> {
        self.comparator().is_not_none()
    }

    /// Target rows belonging to the parent `parent` (the lazy-load clause).
    ///
    /// Shorthand for `self.comparator().with_parent(..)`; see
    /// [`Comparator::with_parent`] for the SQL it produces.
    ///
    /// # Errors
    ///
    /// [`Error::MissingValue`] when `parent` has no value for one of the
    /// parent's columns in the join condition (`id` for `users.addresses`,
    /// `user_id` for `addresses.user`).
    pub fn with_parent(&self, parent: &Row) -> Result<Expr> {
        self.comparator().with_parent(parent)
    }

    /// [`with_parent`](Self::with_parent) for a statement that reads the
    /// target through `target`.
    ///
    /// Shorthand for `self.comparator().with_parent_aliased(..)`; see
    /// [`Comparator::with_parent_aliased`] for the SQL it produces.
    ///
    /// # Errors
    ///
    /// [`Error::MissingValue`] when `parent` has no value for one of the
    /// parent's columns in the join condition (`id` for `users.addresses`,
    /// `user_id` for `addresses.user`).
    pub fn with_parent_aliased(&self, parent: &Row, target: TableAlias) -> Result<Expr> {
        self.comparator().with_parent_aliased(parent, target)
    }
}

impl<'r> Comparator<'r> {
    /// Reads the parent through `alias` (e.g. when the enclosing query
    /// selects from `users AS u`). The parent's columns in the join
    /// condition are read through the alias, and so are those in a criterion
    /// given to [`any`](Self::any) or [`has`](Self::has), except on a
    /// self-referential relationship: there the criterion's columns are the
    /// target's, and the target is read from the table itself instead of an
    /// anonymous alias.
    ///
    /// Users with an address at example.com, from `users AS u`:
    ///
    /// ```
    /// # use sqlrel::query::{Dialect, Select};
    /// # use sqlrel::registry::Registry;
    /// # use sqlrel::relationship::RelationshipConfig;
    /// # use sqlrel::schema::Schema;
    /// # let registry = Registry::builder(Schema::from_ddl(
    /// #     "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
    /// #      CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), email TEXT);",
    /// # )?)
    /// # .relationship(RelationshipConfig::new("users", "addresses", "addresses").backref("user"))
    /// # .configure()?;
    /// use sqlrel::expr::{FromItem, TableAlias};
    ///
    /// let s = registry.schema();
    /// let u = FromItem::aliased(s.table("users")?.clone(), TableAlias::named("u"));
    /// let with_example_address = registry
    ///     .relationship("users.addresses")?
    ///     .comparator()
    ///     .of_alias(TableAlias::named("u"))
    ///     .any(s.col("addresses.email")?.like("%@example.com"))?;
    /// let query = Select::from(u.clone()).column(u.col("name")?).filter(with_example_address);
    /// assert_eq!(
    ///     query.to_string(Dialect::Postgres)?,
    ///     r#"SELECT "u"."name" FROM "users" AS "u" WHERE EXISTS(SELECT 1 FROM "addresses" WHERE "u"."id" = "addresses"."user_id" AND "addresses"."email" LIKE '%@example.com')"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::MySql)?,
    ///     r#"SELECT `u`.`name` FROM `users` AS `u` WHERE EXISTS(SELECT 1 FROM `addresses` WHERE `u`.`id` = `addresses`.`user_id` AND `addresses`.`email` LIKE '%@example.com')"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::Sqlite)?,
    ///     r#"SELECT "u"."name" FROM "users" AS "u" WHERE EXISTS(SELECT 1 FROM "addresses" WHERE "u"."id" = "addresses"."user_id" AND "addresses"."email" LIKE '%@example.com')"#
    /// );
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    pub fn of_alias(mut self, alias: TableAlias) -> Self {
        self.source = Some(alias);
        self
    }

    /// The relationship.
    ///
    /// ```
    /// # use sqlrel::query::{Dialect, Select};
    /// # use sqlrel::registry::Registry;
    /// # use sqlrel::relationship::{Backref, RelationshipConfig};
    /// # use sqlrel::schema::Schema;
    /// # let registry = Registry::builder(Schema::from_ddl(
    /// #     "CREATE TABLE nodes (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES nodes(id), name TEXT);",
    /// # )?)
    /// # .relationship(
    /// #     RelationshipConfig::new("nodes", "children", "nodes")
    /// #         .backref(Backref::new("parent").remote_side(["nodes.id"])),
    /// # )
    /// # .configure()?;
    /// let parent = registry.relationship("nodes.parent")?;
    /// assert_eq!(parent.comparator().relationship().key(), "nodes.parent");
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    pub fn relationship(&self) -> &'r Relationship {
        self.rel
    }

    fn misuse(&self, message: &str) -> Error {
        Error::InvalidRequest {
            relationship: self.rel.key().to_owned(),
            message: message.to_owned(),
        }
    }

    /// Collections: parents with at least one related row matching
    /// `criterion` (any related row when `None`), as a correlated `EXISTS`.
    /// [`Expr::not`] turns it into `NOT EXISTS`.
    ///
    /// Users with an address at example.com:
    ///
    /// ```
    /// # use sqlrel::query::{Dialect, Select};
    /// # use sqlrel::registry::Registry;
    /// # use sqlrel::relationship::RelationshipConfig;
    /// # use sqlrel::schema::Schema;
    /// # let registry = Registry::builder(Schema::from_ddl(
    /// #     "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
    /// #      CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), email TEXT);",
    /// # )?)
    /// # .relationship(RelationshipConfig::new("users", "addresses", "addresses").backref("user"))
    /// # .configure()?;
    /// let s = registry.schema();
    /// let addresses = registry.relationship("users.addresses")?;
    /// let query = Select::from(s.table("users")?)
    ///     .column(s.col("users.name")?)
    ///     .filter(addresses.any(s.col("addresses.email")?.like("%@example.com"))?);
    /// assert_eq!(
    ///     query.to_string(Dialect::Postgres)?,
    ///     r#"SELECT "users"."name" FROM "users" WHERE EXISTS(SELECT 1 FROM "addresses" WHERE "users"."id" = "addresses"."user_id" AND "addresses"."email" LIKE '%@example.com')"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::MySql)?,
    ///     r#"SELECT `users`.`name` FROM `users` WHERE EXISTS(SELECT 1 FROM `addresses` WHERE `users`.`id` = `addresses`.`user_id` AND `addresses`.`email` LIKE '%@example.com')"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::Sqlite)?,
    ///     r#"SELECT "users"."name" FROM "users" WHERE EXISTS(SELECT 1 FROM "addresses" WHERE "users"."id" = "addresses"."user_id" AND "addresses"."email" LIKE '%@example.com')"#
    /// );
    ///
    /// // Users without any address.
    /// assert_eq!(
    ///     addresses.any(None)?.not().to_string(),
    ///     "NOT (EXISTS (SELECT 1 FROM addresses WHERE users.id = addresses.user_id))"
    /// );
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when the relationship is a scalar
    /// ([`Relationship::uselist`] is false: many-to-one, one-to-one): use
    /// [`has`](Self::has) there.
    pub fn any(&self, criterion: impl Into<Option<Expr>>) -> Result<Expr> {
        if !self.rel.uselist() {
            return Err(self.misuse("'any()' not implemented for scalar attributes. Use has()."));
        }
        let criterion = criterion.into();
        if let Some(c) = &criterion {
            c.check_depth("build the relationship predicate")?;
        }
        Ok(self.criterion_exists(criterion))
    }

    /// Scalars: parents whose related row exists and matches `criterion`
    /// (exists at all when `None`), as a correlated `EXISTS`.
    ///
    /// On a self-referential relationship the target is read through an
    /// anonymous alias (`nodes_1`), and `criterion`, written against the table
    /// itself, is adapted to it. Nodes whose parent is named `root`:
    ///
    /// ```
    /// # use sqlrel::query::{Dialect, Select};
    /// # use sqlrel::registry::Registry;
    /// # use sqlrel::relationship::{Backref, RelationshipConfig};
    /// # use sqlrel::schema::Schema;
    /// # let registry = Registry::builder(Schema::from_ddl(
    /// #     "CREATE TABLE nodes (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES nodes(id), name TEXT);",
    /// # )?)
    /// # .relationship(
    /// #     RelationshipConfig::new("nodes", "children", "nodes")
    /// #         .backref(Backref::new("parent").remote_side(["nodes.id"])),
    /// # )
    /// # .configure()?;
    /// let s = registry.schema();
    /// let parent = registry.relationship("nodes.parent")?;
    /// let query = Select::from(s.table("nodes")?)
    ///     .column(s.col("nodes.name")?)
    ///     .filter(parent.has(s.col("nodes.name")?.eq("root"))?);
    /// assert_eq!(
    ///     query.to_string(Dialect::Postgres)?,
    ///     r#"SELECT "nodes"."name" FROM "nodes" WHERE EXISTS(SELECT 1 FROM "nodes" AS "nodes_1" WHERE "nodes_1"."id" = "nodes"."parent_id" AND "nodes_1"."name" = 'root')"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::MySql)?,
    ///     r#"SELECT `nodes`.`name` FROM `nodes` WHERE EXISTS(SELECT 1 FROM `nodes` AS `nodes_1` WHERE `nodes_1`.`id` = `nodes`.`parent_id` AND `nodes_1`.`name` = 'root')"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::Sqlite)?,
    ///     r#"SELECT "nodes"."name" FROM "nodes" WHERE EXISTS(SELECT 1 FROM "nodes" AS "nodes_1" WHERE "nodes_1"."id" = "nodes"."parent_id" AND "nodes_1"."name" = 'root')"#
    /// );
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when the relationship is a collection: use
    /// [`any`](Self::any) there.
    pub fn has(&self, criterion: impl Into<Option<Expr>>) -> Result<Expr> {
        if self.rel.uselist() {
            return Err(self.misuse("'has()' not implemented for collections. Use any()."));
        }
        let criterion = criterion.into();
        if let Some(c) = &criterion {
            c.check_depth("build the relationship predicate")?;
        }
        Ok(self.criterion_exists(criterion))
    }

    /// Collections: parents related to `row`. For one-to-many the row gives
    /// the target's foreign-key values; for many-to-many its key columns, and
    /// the test is an `EXISTS` over the association table.
    ///
    /// Posts tagged with tag 7, with the value bound as a parameter
    /// ([`Select::build`](crate::query::Select::build): `$1` for PostgreSQL, `?`
    /// for MySQL and SQLite):
    ///
    /// ```
    /// # use sqlrel::query::{Dialect, Select};
    /// # use sqlrel::registry::Registry;
    /// # use sqlrel::relationship::RelationshipConfig;
    /// # use sqlrel::schema::Schema;
    /// # let registry = Registry::builder(Schema::from_ddl(
    /// #     "CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT);
    /// #      CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT);
    /// #      CREATE TABLE post_tags (post_id INTEGER REFERENCES posts(id), tag_id INTEGER REFERENCES tags(id),
    /// #                              PRIMARY KEY (post_id, tag_id));",
    /// # )?)
    /// # .relationship(RelationshipConfig::new("posts", "tags", "tags").secondary("post_tags").backref("posts"))
    /// # .configure()?;
    /// use sea_query::Value;
    /// use sqlrel::comparator::Row;
    /// use sqlrel::query::Values;
    ///
    /// let s = registry.schema();
    /// let tags = registry.relationship("posts.tags")?;
    /// let query = Select::from(s.table("posts")?)
    ///     .column(s.col("posts.title")?)
    ///     .filter(tags.contains(&Row::new().with("id", 7))?);
    /// let seven = Values(vec![Value::BigInt(Some(7))]);
    /// assert_eq!(
    ///     query.build(Dialect::Postgres)?,
    ///     (
    ///         r#"SELECT "posts"."title" FROM "posts" WHERE EXISTS(SELECT 1 FROM "post_tags" WHERE "posts"."id" = "post_tags"."post_id" AND $1 = "post_tags"."tag_id")"#.to_owned(),
    ///         seven.clone(),
    ///     )
    /// );
    /// assert_eq!(
    ///     query.build(Dialect::MySql)?,
    ///     (
    ///         r#"SELECT `posts`.`title` FROM `posts` WHERE EXISTS(SELECT 1 FROM `post_tags` WHERE `posts`.`id` = `post_tags`.`post_id` AND ? = `post_tags`.`tag_id`)"#.to_owned(),
    ///         seven.clone(),
    ///     )
    /// );
    /// assert_eq!(
    ///     query.build(Dialect::Sqlite)?,
    ///     (
    ///         r#"SELECT "posts"."title" FROM "posts" WHERE EXISTS(SELECT 1 FROM "post_tags" WHERE "posts"."id" = "post_tags"."post_id" AND ? = "post_tags"."tag_id")"#.to_owned(),
    ///         seven,
    ///     )
    /// );
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidRequest`] when the relationship is a scalar: use
    ///   [`eq`](Self::eq) there.
    /// - [`Error::MissingValue`] when `row` has no value for a column the
    ///   comparison needs (for one-to-many the target's foreign-key columns, for
    ///   many-to-many the target's columns the association table refers to).
    pub fn contains(&self, row: &Row) -> Result<Expr> {
        if !self.rel.uselist() {
            return Err(self.misuse("'contains' not implemented for scalar attributes.  Use =="));
        }
        self.compare_to_target(row)
    }

    /// Scalars: parents whose related row is `row`; the row gives the
    /// target's columns that the join compares (its key for a many-to-one).
    ///
    /// Addresses of user 5:
    ///
    /// ```
    /// # use sqlrel::query::{Dialect, Select};
    /// # use sqlrel::registry::Registry;
    /// # use sqlrel::relationship::RelationshipConfig;
    /// # use sqlrel::schema::Schema;
    /// # let registry = Registry::builder(Schema::from_ddl(
    /// #     "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
    /// #      CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), email TEXT);",
    /// # )?)
    /// # .relationship(RelationshipConfig::new("users", "addresses", "addresses").backref("user"))
    /// # .configure()?;
    /// use sqlrel::comparator::Row;
    ///
    /// let s = registry.schema();
    /// let user = registry.relationship("addresses.user")?;
    /// let query = Select::from(s.table("addresses")?)
    ///     .column(s.col("addresses.email")?)
    ///     .filter(user.eq(&Row::new().with("id", 5))?);
    /// assert_eq!(
    ///     query.to_string(Dialect::Postgres)?,
    ///     r#"SELECT "addresses"."email" FROM "addresses" WHERE 5 = "addresses"."user_id""#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::MySql)?,
    ///     r#"SELECT `addresses`.`email` FROM `addresses` WHERE 5 = `addresses`.`user_id`"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::Sqlite)?,
    ///     r#"SELECT "addresses"."email" FROM "addresses" WHERE 5 = "addresses"."user_id""#
    /// );
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidRequest`] when the relationship is a collection: use
    ///   [`contains`](Self::contains) there.
    /// - [`Error::MissingValue`] when `row` has no value for a column the
    ///   comparison needs (for many-to-one the target's referenced key columns).
    pub fn eq(&self, row: &Row) -> Result<Expr> {
        if self.rel.uselist() {
            return Err(self.misuse(COLLECTION_COMPARE));
        }
        self.compare_to_target(row)
    }

    /// Scalars: parents whose related row is not `row` (including parents
    /// with no related row). A many-to-one on the target's primary key compares
    /// the foreign key (`fk <> value OR fk IS NULL`, for each key column); any
    /// other relationship is `NOT EXISTS` a related row with `row`'s primary key.
    ///
    /// Addresses not of user 5, including those of no user:
    ///
    /// ```
    /// # use sqlrel::query::{Dialect, Select};
    /// # use sqlrel::registry::Registry;
    /// # use sqlrel::relationship::RelationshipConfig;
    /// # use sqlrel::schema::Schema;
    /// # let registry = Registry::builder(Schema::from_ddl(
    /// #     "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
    /// #      CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), email TEXT);",
    /// # )?)
    /// # .relationship(RelationshipConfig::new("users", "addresses", "addresses").backref("user"))
    /// # .configure()?;
    /// use sqlrel::comparator::Row;
    ///
    /// let s = registry.schema();
    /// let user = registry.relationship("addresses.user")?;
    /// let query = Select::from(s.table("addresses")?)
    ///     .column(s.col("addresses.email")?)
    ///     .filter(user.ne(&Row::new().with("id", 5))?);
    /// assert_eq!(
    ///     query.to_string(Dialect::Postgres)?,
    ///     r#"SELECT "addresses"."email" FROM "addresses" WHERE "addresses"."user_id" <> 5 OR "addresses"."user_id" IS NULL"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::MySql)?,
    ///     r#"SELECT `addresses`.`email` FROM `addresses` WHERE `addresses`.`user_id` <> 5 OR `addresses`.`user_id` IS NULL"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::Sqlite)?,
    ///     r#"SELECT "addresses"."email" FROM "addresses" WHERE "addresses"."user_id" <> 5 OR "addresses"."user_id" IS NULL"#
    /// );
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidRequest`] when the relationship is a collection.
    /// - [`Error::MissingValue`] when `row` has no value for a column the
    ///   comparison needs (the target's referenced key columns, or its primary
    ///   key for the `NOT EXISTS` form).
    /// - [`Error::InvalidArgument`] when the `NOT EXISTS` form is needed (any
    ///   relationship other than a many-to-one on the target's primary key) and
    ///   the target table has no primary key.
    pub fn ne(&self, row: &Row) -> Result<Expr> {
        if self.rel.uselist() {
            return Err(self.misuse(COLLECTION_COMPARE));
        }
        if self.rel.direction() == Direction::ManyToOne && self.uses_target_key() {
            return self.foreign_key_differs(row);
        }
        let criterion = self.target_key_criterion(row)?;
        Ok(self.criterion_exists(Some(criterion)).not())
    }

    /// Parents without related rows: `fk IS NULL` for a many-to-one whose
    /// join is plain foreign-key equality (true when *any* key column is NULL),
    /// `NOT EXISTS` otherwise (collections, one-to-one, other join conditions).
    ///
    /// Addresses of no user:
    ///
    /// ```
    /// # use sqlrel::query::{Dialect, Select};
    /// # use sqlrel::registry::Registry;
    /// # use sqlrel::relationship::RelationshipConfig;
    /// # use sqlrel::schema::Schema;
    /// # let registry = Registry::builder(Schema::from_ddl(
    /// #     "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
    /// #      CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), email TEXT);",
    /// # )?)
    /// # .relationship(RelationshipConfig::new("users", "addresses", "addresses").backref("user"))
    /// # .configure()?;
    /// let s = registry.schema();
    /// let user = registry.relationship("addresses.user")?;
    /// let query = Select::from(s.table("addresses")?)
    ///     .column(s.col("addresses.email")?)
    ///     .filter(user.is_none()?);
    /// assert_eq!(
    ///     query.to_string(Dialect::Postgres)?,
    ///     r#"SELECT "addresses"."email" FROM "addresses" WHERE "addresses"."user_id" IS NULL"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::MySql)?,
    ///     r#"SELECT `addresses`.`email` FROM `addresses` WHERE `addresses`.`user_id` IS NULL"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::Sqlite)?,
    ///     r#"SELECT "addresses"."email" FROM "addresses" WHERE "addresses"."user_id" IS NULL"#
    /// );
    ///
    /// // On a collection: users without addresses.
    /// assert_eq!(
    ///     registry.relationship("users.addresses")?.is_none()?.to_string(),
    ///     "NOT (EXISTS (SELECT 1 FROM addresses WHERE users.id = addresses.user_id))"
    /// );
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Never fails; it returns a `Result` like the other predicates.
    pub fn is_none(&self) -> Result<Expr> {
        match self.null_test_columns() {
            Some(columns) => Ok(Expr::any(columns.into_iter().map(Expr::is_null))),
            None => Ok(self.criterion_exists(None).not()),
        }
    }

    /// Parents with related rows: the negation of [`is_none`](Self::is_none),
    /// `fk IS NOT NULL` or `EXISTS`.
    ///
    /// Nodes with children (the children read through the anonymous alias
    /// `nodes_1`):
    ///
    /// ```
    /// # use sqlrel::query::{Dialect, Select};
    /// # use sqlrel::registry::Registry;
    /// # use sqlrel::relationship::{Backref, RelationshipConfig};
    /// # use sqlrel::schema::Schema;
    /// # let registry = Registry::builder(Schema::from_ddl(
    /// #     "CREATE TABLE nodes (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES nodes(id), name TEXT);",
    /// # )?)
    /// # .relationship(
    /// #     RelationshipConfig::new("nodes", "children", "nodes")
    /// #         .backref(Backref::new("parent").remote_side(["nodes.id"])),
    /// # )
    /// # .configure()?;
    /// let s = registry.schema();
    /// let children = registry.relationship("nodes.children")?;
    /// let query = Select::from(s.table("nodes")?)
    ///     .column(s.col("nodes.name")?)
    ///     .filter(children.is_not_none()?);
    /// assert_eq!(
    ///     query.to_string(Dialect::Postgres)?,
    ///     r#"SELECT "nodes"."name" FROM "nodes" WHERE EXISTS(SELECT 1 FROM "nodes" AS "nodes_1" WHERE "nodes"."id" = "nodes_1"."parent_id")"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::MySql)?,
    ///     r#"SELECT `nodes`.`name` FROM `nodes` WHERE EXISTS(SELECT 1 FROM `nodes` AS `nodes_1` WHERE `nodes`.`id` = `nodes_1`.`parent_id`)"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::Sqlite)?,
    ///     r#"SELECT "nodes"."name" FROM "nodes" WHERE EXISTS(SELECT 1 FROM "nodes" AS "nodes_1" WHERE "nodes"."id" = "nodes_1"."parent_id")"#
    /// );
    ///
    /// // On the many-to-one side: nodes with a parent.
    /// assert_eq!(
    ///     registry.relationship("nodes.parent")?.is_not_none()?.to_string(),
    ///     "nodes.parent_id IS NOT NULL"
    /// );
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Never fails; it returns a `Result` like the other predicates.
    pub fn is_not_none(&self) -> Result<Expr> {
        match self.null_test_columns() {
            Some(columns) => Ok(Expr::all(columns.into_iter().map(Expr::is_not_null))),
            None => Ok(self.criterion_exists(None)),
        }
    }

    /// Target rows belonging to the parent `parent` (the lazy-load clause, a
    /// filter for a statement over the target table); the row gives the
    /// parent's columns in the join condition. For many-to-many the test is an
    /// `EXISTS` over the association table.
    ///
    /// The addresses of user 5:
    ///
    /// ```
    /// # use sqlrel::query::{Dialect, Select};
    /// # use sqlrel::registry::Registry;
    /// # use sqlrel::relationship::RelationshipConfig;
    /// # use sqlrel::schema::Schema;
    /// # let registry = Registry::builder(Schema::from_ddl(
    /// #     "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
    /// #      CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), email TEXT);",
    /// # )?)
    /// # .relationship(RelationshipConfig::new("users", "addresses", "addresses").backref("user"))
    /// # .configure()?;
    /// use sqlrel::comparator::Row;
    ///
    /// let s = registry.schema();
    /// let addresses = registry.relationship("users.addresses")?;
    /// let query = Select::from(s.table("addresses")?)
    ///     .column(s.col("addresses.email")?)
    ///     .filter(addresses.with_parent(&Row::new().with("id", 5))?);
    /// assert_eq!(
    ///     query.to_string(Dialect::Postgres)?,
    ///     r#"SELECT "addresses"."email" FROM "addresses" WHERE 5 = "addresses"."user_id""#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::MySql)?,
    ///     r#"SELECT `addresses`.`email` FROM `addresses` WHERE 5 = `addresses`.`user_id`"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::Sqlite)?,
    ///     r#"SELECT "addresses"."email" FROM "addresses" WHERE 5 = "addresses"."user_id""#
    /// );
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::MissingValue`] when `parent` has no value for one of the
    /// parent's columns in the join condition (`id` for `users.addresses`,
    /// `user_id` for `addresses.user`).
    pub fn with_parent(&self, parent: &Row) -> Result<Expr> {
        let lazy = self.rel.lazy_clause(false);
        self.check_binds(lazy, self.rel.parent(), "with_parent()")?;
        let criterion = self.fill_binds(lazy.criterion.clone(), parent)?;
        Ok(self.over_join_tables(criterion))
    }

    /// [`with_parent`](Self::with_parent) for a statement that reads the
    /// target through `target` (SQLAlchemy's `with_parent(..., from_entity=
    /// alias)`): the target's columns are read through the alias.
    ///
    /// The children of node 1, from `nodes AS child`:
    ///
    /// ```
    /// # use sqlrel::query::{Dialect, Select};
    /// # use sqlrel::registry::Registry;
    /// # use sqlrel::relationship::{Backref, RelationshipConfig};
    /// # use sqlrel::schema::Schema;
    /// # let registry = Registry::builder(Schema::from_ddl(
    /// #     "CREATE TABLE nodes (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES nodes(id), name TEXT);",
    /// # )?)
    /// # .relationship(
    /// #     RelationshipConfig::new("nodes", "children", "nodes")
    /// #         .backref(Backref::new("parent").remote_side(["nodes.id"])),
    /// # )
    /// # .configure()?;
    /// use sqlrel::comparator::Row;
    /// use sqlrel::expr::{FromItem, TableAlias};
    ///
    /// let s = registry.schema();
    /// let child = FromItem::aliased(s.table("nodes")?.clone(), TableAlias::named("child"));
    /// let of_node_1 = registry
    ///     .relationship("nodes.children")?
    ///     .with_parent_aliased(&Row::new().with("id", 1), TableAlias::named("child"))?;
    /// let query = Select::from(child.clone()).column(child.col("name")?).filter(of_node_1);
    /// assert_eq!(
    ///     query.to_string(Dialect::Postgres)?,
    ///     r#"SELECT "child"."name" FROM "nodes" AS "child" WHERE 1 = "child"."parent_id""#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::MySql)?,
    ///     r#"SELECT `child`.`name` FROM `nodes` AS `child` WHERE 1 = `child`.`parent_id`"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::Sqlite)?,
    ///     r#"SELECT "child"."name" FROM "nodes" AS "child" WHERE 1 = "child"."parent_id""#
    /// );
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::MissingValue`] when `parent` has no value for one of the
    /// parent's columns in the join condition (`id` for `users.addresses`,
    /// `user_id` for `addresses.user`).
    pub fn with_parent_aliased(&self, parent: &Row, target: TableAlias) -> Result<Expr> {
        let lazy = self.rel.lazy_clause(false);
        self.check_binds(lazy, self.rel.parent(), "with_parent()")?;
        let mut criterion = self.fill_binds(lazy.criterion.clone(), parent)?;
        criterion.read_through(self.rel.target().id(), Some(&target), Annotations::NONE);
        Ok(self.over_join_tables(criterion))
    }

    /// `EXISTS (SELECT 1 FROM target [, secondary] WHERE join AND criterion)`.
    fn criterion_exists(&self, criterion: Option<Expr>) -> Expr {
        let rel = self.rel;
        let target_alias =
            (rel.is_self_referential() && self.source.is_none()).then(TableAlias::anonymous);
        let mut parts = Vec::with_capacity(3);
        let aliased = target_alias.is_some() || self.source.is_some();
        if !aliased {
            // The common case: the joins as configured, marks already
            // dropped, so nothing is walked per call.
            let (primaryjoin, secondaryjoin) = rel.plain_joins();
            parts.push(primaryjoin.clone());
            parts.extend(secondaryjoin.clone());
            parts.extend(criterion);
            return self.exists_over_target(None, Expr::all(parts));
        }
        let (mut pj, sj) = (rel.primaryjoin().clone(), rel.secondaryjoin().cloned());
        match sj {
            None => {
                if let Some(alias) = &target_alias {
                    pj.read_through(rel.target().id(), Some(alias), Annotations::LOCAL);
                }
                if let Some(alias) = &self.source {
                    pj.read_through(rel.parent().id(), Some(alias), Annotations::REMOTE);
                }
                parts.push(pj);
            }
            Some(mut sj) => {
                if let Some(alias) = &self.source {
                    pj.read_through(rel.parent().id(), Some(alias), Annotations::NONE);
                }
                if let Some(alias) = &target_alias {
                    sj.read_through(rel.target().id(), Some(alias), Annotations::NONE);
                }
                parts.push(pj);
                parts.push(sj);
            }
        }
        if let Some(mut criterion) = criterion {
            match (&target_alias, &self.source) {
                (Some(alias), _) => {
                    criterion.read_through(rel.target().id(), Some(alias), Annotations::NONE)
                }
                (None, Some(alias)) if !rel.is_self_referential() => {
                    criterion.read_through(rel.parent().id(), Some(alias), Annotations::NONE)
                }
                _ => {}
            }
            parts.push(criterion);
        }
        self.exists_over_target(target_alias, strip(Expr::all(parts)))
    }

    /// `EXISTS (SELECT 1 FROM target [AS alias] [, secondary] WHERE filter)`.
    fn exists_over_target(&self, target_alias: Option<TableAlias>, filter: Expr) -> Expr {
        let mut from = Vec::with_capacity(2);
        from.push(FromItem {
            table: self.rel.target().clone(),
            alias: target_alias,
        });
        if let Some(secondary) = self.rel.secondary() {
            from.push(FromItem::table(secondary.clone()));
        }
        from.extend(self.rel.extra_tables().iter().cloned().map(FromItem::table));
        Expr::exists(Subquery {
            projection: Projection::One,
            from,
            filter: Some(filter),
        })
    }

    /// The reverse lazy clause with the target's values bound: parents
    /// related to `row`.
    fn compare_to_target(&self, row: &Row) -> Result<Expr> {
        let lazy = self.rel.lazy_clause(true);
        self.check_binds(lazy, self.rel.target(), "comparing with a row")?;
        let mut criterion = self.fill_binds(lazy.criterion.clone(), row)?;
        if let Some(alias) = &self.source {
            criterion.read_through(self.rel.parent().id(), Some(alias), Annotations::NONE);
        }
        Ok(self.over_join_tables(criterion))
    }

    /// A criterion over the parent and target (a lazy clause with values
    /// bound) that also names the association table of a many-to-many, or
    /// the relationship's extra tables, wrapped so that it composes under
    /// OR and NOT: the whole of it in `EXISTS (SELECT 1 FROM secondary
    /// [, extra tables] WHERE ...)` for a many-to-many, else its conjuncts
    /// that name extra tables in `EXISTS` over those.
    fn over_join_tables(&self, criterion: Expr) -> Expr {
        let extra = self.rel.extra_tables();
        match self.rel.secondary() {
            None => criterion.exists_over(extra),
            Some(secondary) => {
                let mut from = vec![FromItem::table(secondary.clone())];
                from.extend(extra.iter().cloned().map(FromItem::table));
                Expr::exists(Subquery {
                    projection: Projection::One,
                    from,
                    filter: Some(criterion),
                })
            }
        }
    }

    /// A lazy clause takes its values from a row of `row_table`: each
    /// value it binds must be a column of that table, and no column of the
    /// table may stay unbound. A `remote_side` naming a column of the parent
    /// (which SQLAlchemy warns about) breaks that; SQLAlchemy then fails
    /// ("No column ... is configured on mapper") or emits a cross join, and
    /// sqlrel refuses. Many-to-many and self-referential clauses bind by
    /// their own rules and are not checked here.
    fn check_binds(&self, lazy: &LazyClause, row_table: &Table, what: &str) -> Result<()> {
        let rel = self.rel;
        if rel.secondary().is_some() || rel.is_self_referential() {
            return Ok(());
        }
        let foreign_bound = lazy
            .bound_columns
            .iter()
            .find(|c| c.table_id() != row_table.id());
        let mut unbound = None;
        lazy.criterion.for_each_column(&mut |c| {
            if unbound.is_none() && c.alias.is_none() && c.column.table_id() == row_table.id() {
                unbound = Some(c.column.clone());
            }
        });
        let message = match (foreign_bound, unbound) {
            (Some(column), _) => format!(
                "No column {column} is configured on mapper {}: {what} takes its values from a \
                 row of '{}', and the relationship's remote side names a column of its parent \
                 (see the relationship's warnings)",
                row_table.qualified_name(),
                row_table.qualified_name()
            ),
            (None, Some(column)) => format!(
                "{what} cannot take column {column} from a row of '{}': the join condition does \
                 not mark it local; check remote_side (see the relationship's warnings)",
                row_table.qualified_name()
            ),
            (None, None) => return Ok(()),
        };
        Err(self.misuse(&message))
    }

    /// Replaces the lazy clause's bind parameters with the row's values.
    fn fill_binds(&self, mut criterion: Expr, row: &Row) -> Result<Expr> {
        let mut failed: Option<Error> = None;
        criterion.for_each_mut(&mut |e| {
            if let Expr::Bind(BindKey::Column(column)) = e {
                match row_value(self.rel, row, column) {
                    Ok(value) => *e = Expr::Value(value),
                    Err(error) => {
                        failed.get_or_insert(error);
                    }
                }
            }
        });
        match failed {
            Some(error) => Err(error),
            None => Ok(falsify_null_comparisons(criterion)),
        }
    }

    /// Whether the many-to-one join is the target's primary key equated to
    /// the foreign key and nothing else (SQLAlchemy's `use_get`).
    fn uses_target_key(&self) -> bool {
        let lazy = self.rel.lazy_clause(false);
        let target = self.rel.target();
        let equated = simple_equalities(&lazy.criterion);
        let Some(equated) = equated else { return false };
        let mut keyed: Vec<_> = equated
            .iter()
            .filter(|c| c.table_id() == target.id())
            .map(ColumnRef::column_id)
            .collect();
        keyed.sort();
        let mut pk = target.primary_key().to_vec();
        pk.sort();
        keyed.len() == equated.len() && keyed == pk
    }

    /// Many-to-one `!=`: some foreign-key column differs from the row's
    /// key or is NULL.
    fn foreign_key_differs(&self, row: &Row) -> Result<Expr> {
        let mut tests = Vec::new();
        for (local, remote) in self.rel.local_remote_pairs() {
            let value = row_value(self.rel, row, remote)?;
            if value == Value::Null {
                // No row has a NULL key: every row is related to another one,
                // or to none.
                return Ok(Expr::all([]));
            }
            let column = self.source_col(local);
            tests.push(column.clone().ne(value));
            tests.push(column.is_null());
        }
        Ok(Expr::any(tests))
    }

    /// `target.pk = row.pk [AND ...]`, the criterion SQLAlchemy's `!=`
    /// puts in `NOT EXISTS`.
    fn target_key_criterion(&self, row: &Row) -> Result<Expr> {
        let target = self.rel.target();
        let mut tests = Vec::new();
        for id in target.primary_key() {
            let column = ColumnRef::new(target.clone(), *id);
            let value = row_value(self.rel, row, &column)?;
            tests.push(Expr::col(column).eq(value));
        }
        let tests = tests
            .into_iter()
            .map(falsify_null_comparisons)
            .collect::<Vec<_>>();
        if tests.is_empty() {
            return Err(Error::invalid(format!(
                "table '{}' has no primary key; '!=' on relationship {} needs one",
                target.qualified_name(),
                self.rel.key()
            )));
        }
        Ok(Expr::all(tests))
    }

    /// The local columns whose NULL-ness decides `is_none` for a plain
    /// many-to-one (the reverse lazy clause is `local = :bind` equalities
    /// only); `None` when EXISTS is needed.
    fn null_test_columns(&self) -> Option<Vec<Expr>> {
        if self.rel.direction() != Direction::ManyToOne {
            return None;
        }
        let lazy = self.rel.lazy_clause(true);
        let columns = simple_equalities(&lazy.criterion)?;
        let parent = self.rel.parent().id();
        if columns.iter().any(|c| c.table_id() != parent) {
            return None;
        }
        Some(columns.iter().map(|c| self.source_col(c)).collect())
    }

    /// A column of the parent, through the source alias if any.
    fn source_col(&self, column: &ColumnRef) -> Expr {
        match &self.source {
            Some(alias) => Expr::aliased_col(column.clone(), alias.clone()),
            None => Expr::col(column.clone()),
        }
    }
}

const COLLECTION_COMPARE: &str =
    "Can't compare a collection to an object or collection; use contains() to test for membership.";

/// The row's value for `column`.
fn row_value(rel: &Relationship, row: &Row, column: &ColumnRef) -> Result<Value> {
    row.get(column.name())
        .cloned()
        .ok_or_else(|| Error::MissingValue {
            relationship: rel.key().to_owned(),
            column: column.to_string(),
        })
}

/// Comparisons with a NULL value taken from a row, made false: a row whose
/// key is NULL is related to no row. SQLAlchemy writes `x = NULL`, which
/// is unknown rather than false and so also fails under NOT.
fn falsify_null_comparisons(mut criterion: Expr) -> Expr {
    criterion.for_each_mut(&mut |e| {
        if let Expr::Binary(b) = e
            && b.op.is_comparison()
            && (matches!(b.left, Expr::Value(Value::Null))
                || matches!(b.right, Expr::Value(Value::Null)))
        {
            *e = Expr::any([]);
        }
    });
    criterion
}

/// When `criterion` is a conjunction of `column = :bind` equalities (either
/// operand order), the columns; otherwise `None`.
fn simple_equalities(criterion: &Expr) -> Option<Vec<ColumnRef>> {
    let items = match criterion {
        Expr::And(items) => items.as_slice(),
        single => std::slice::from_ref(single),
    };
    items
        .iter()
        .map(|item| match item {
            Expr::Binary(b) if b.op == BinaryOp::Eq => match (&b.left, &b.right) {
                (Expr::Column(c), Expr::Bind(_)) | (Expr::Bind(_), Expr::Column(c))
                    if c.alias.is_none() =>
                {
                    Some(c.column.clone())
                }
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// Drops resolution marks from a predicate handed to users.
fn strip(expr: Expr) -> Expr {
    expr.deannotate(Annotations::FOREIGN | Annotations::REMOTE | Annotations::LOCAL)
}
