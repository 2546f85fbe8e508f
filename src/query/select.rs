//! [`Select`]: a SELECT statement builder that joins along relationships.

use std::sync::Arc;

use smallvec::SmallVec;

use crate::error::{Error, Result};
use crate::expr::{Annotations, Expr, FromItem, TableAlias};
use crate::relationship::Relationship;
use crate::schema::Table;

/// Sort direction of a [`Select::order_by`] item.
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
/// use sqlrel::query::Order;
///
/// let s = registry.schema();
/// let query = Select::from(s.table("users")?)
///     .column(s.col("users.name")?)
///     .order_by(s.col("users.name")?, Order::Desc);
/// assert_eq!(
///     query.to_string(Dialect::Postgres)?,
///     r#"SELECT "users"."name" FROM "users" ORDER BY "users"."name" DESC"#
/// );
/// assert_eq!(
///     query.to_string(Dialect::MySql)?,
///     r#"SELECT `users`.`name` FROM `users` ORDER BY `users`.`name` DESC"#
/// );
/// assert_eq!(
///     query.to_string(Dialect::Sqlite)?,
///     r#"SELECT "users"."name" FROM "users" ORDER BY "users"."name" DESC"#
/// );
/// # Ok::<(), sqlrel::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Order {
    /// Ascending.
    Asc,
    /// Descending.
    Desc,
}

/// `JOIN` or `LEFT JOIN`, for [`Select::join_from`] ([`Select::join`] and
/// [`Select::outer_join`] choose it by name).
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
/// use sqlrel::expr::FromItem;
/// use sqlrel::query::JoinKind;
///
/// let s = registry.schema();
/// let users = s.table("users")?;
/// let addresses = registry.relationship("users.addresses")?;
/// let query = Select::from(users)
///     .column(s.col("users.name")?)
///     .column(s.col("addresses.email")?)
///     .join_from(&FromItem::table(users.clone()), addresses, JoinKind::Left, None)?;
/// assert_eq!(
///     query.to_string(Dialect::Postgres)?,
///     r#"SELECT "users"."name", "addresses"."email" FROM "users" LEFT JOIN "addresses" ON "users"."id" = "addresses"."user_id""#
/// );
/// assert_eq!(
///     query.to_string(Dialect::MySql)?,
///     r#"SELECT `users`.`name`, `addresses`.`email` FROM `users` LEFT JOIN `addresses` ON `users`.`id` = `addresses`.`user_id`"#
/// );
/// assert_eq!(
///     query.to_string(Dialect::Sqlite)?,
///     r#"SELECT "users"."name", "addresses"."email" FROM "users" LEFT JOIN "addresses" ON "users"."id" = "addresses"."user_id""#
/// );
/// # Ok::<(), sqlrel::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JoinKind {
    /// `JOIN` (inner).
    Inner,
    /// `LEFT JOIN`.
    Left,
}

/// One joined table.
#[derive(Debug, Clone, PartialEq)]
pub struct Join {
    /// Inner or left.
    pub kind: JoinKind,
    /// The joined table and its alias.
    pub item: FromItem,
    /// The ON condition.
    pub on: Expr,
}

/// A SELECT statement.
///
/// Built by value: [`from`](Self::from), then columns, joins along
/// relationships, filters, order and paging, in any order. Render it with
/// [`build`](Self::build) (placeholders and values to bind) or
/// [`to_string`](Self::to_string) (values inlined), or hand it to sea-query
/// with [`to_sea_query`](Self::to_sea_query).
///
/// Users with an address at example.com, in each dialect:
///
/// ```
/// use sea_query::Value;
/// use sqlrel::query::{Dialect, Order, Select, Values};
/// use sqlrel::registry::Registry;
/// use sqlrel::relationship::RelationshipConfig;
/// use sqlrel::schema::Schema;
///
/// let schema = Schema::from_ddl(
///     "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
///      CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), email TEXT);",
/// )?;
/// let registry = Registry::builder(schema)
///     .relationship(RelationshipConfig::new("users", "addresses", "addresses"))
///     .configure()?;
/// let s = registry.schema();
/// let addresses = registry.relationship("users.addresses")?;
/// let query = Select::from(s.table("users")?)
///     .column(s.col("users.name")?)
///     .filter(addresses.any(s.col("addresses.email")?.like("%@example.com"))?)
///     .order_by(s.col("users.id")?, Order::Asc);
///
/// let pattern = Values(vec![Value::String(Some("%@example.com".to_owned()))]);
/// assert_eq!(
///     query.build(Dialect::Postgres)?,
///     (
///         r#"SELECT "users"."name" FROM "users" WHERE EXISTS(SELECT 1 FROM "addresses" WHERE "users"."id" = "addresses"."user_id" AND "addresses"."email" LIKE $1) ORDER BY "users"."id" ASC"#.to_owned(),
///         pattern.clone(),
///     )
/// );
/// assert_eq!(
///     query.build(Dialect::MySql)?,
///     (
///         r#"SELECT `users`.`name` FROM `users` WHERE EXISTS(SELECT 1 FROM `addresses` WHERE `users`.`id` = `addresses`.`user_id` AND `addresses`.`email` LIKE ?) ORDER BY `users`.`id` ASC"#.to_owned(),
///         pattern.clone(),
///     )
/// );
/// assert_eq!(
///     query.build(Dialect::Sqlite)?,
///     (
///         r#"SELECT "users"."name" FROM "users" WHERE EXISTS(SELECT 1 FROM "addresses" WHERE "users"."id" = "addresses"."user_id" AND "addresses"."email" LIKE ?) ORDER BY "users"."id" ASC"#.to_owned(),
///         pattern,
///     )
/// );
/// # Ok::<(), sqlrel::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Select {
    pub(crate) columns: Vec<(Expr, Option<String>)>,
    pub(crate) from: Vec<FromItem>,
    pub(crate) joins: Vec<Join>,
    pub(crate) filter: Vec<Expr>,
    pub(crate) order_by: Vec<(Expr, Order)>,
    pub(crate) limit: Option<u64>,
    pub(crate) offset: Option<u64>,
}

impl Select {
    /// `SELECT ... FROM item`: a table (`&Arc<Table>` or `Arc<Table>`) or an
    /// aliased [`FromItem`]. With no columns added, the statement selects every
    /// column of its FROM items (not of joined tables), in table order.
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
    /// let query = Select::from(registry.schema().table("users")?);
    /// assert_eq!(
    ///     query.to_string(Dialect::Postgres)?,
    ///     r#"SELECT "users"."id", "users"."name" FROM "users""#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::MySql)?,
    ///     r#"SELECT `users`.`id`, `users`.`name` FROM `users`"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::Sqlite)?,
    ///     r#"SELECT "users"."id", "users"."name" FROM "users""#
    /// );
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    pub fn from(item: impl Into<FromItem>) -> Self {
        Select {
            columns: Vec::new(),
            from: vec![item.into()],
            joins: Vec::new(),
            filter: Vec::new(),
            order_by: Vec::new(),
            limit: None,
            offset: None,
        }
    }

    /// Adds another FROM item (a cross join, usually restricted by a
    /// [`filter`](Self::filter)).
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
    /// let query = Select::from(s.table("users")?)
    ///     .also_from(s.table("addresses")?)
    ///     .column(s.col("users.name")?)
    ///     .column(s.col("addresses.email")?)
    ///     .filter(s.col("users.id")?.eq(s.col("addresses.user_id")?));
    /// assert_eq!(
    ///     query.to_string(Dialect::Postgres)?,
    ///     r#"SELECT "users"."name", "addresses"."email" FROM "users", "addresses" WHERE "users"."id" = "addresses"."user_id""#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::MySql)?,
    ///     r#"SELECT `users`.`name`, `addresses`.`email` FROM `users`, `addresses` WHERE `users`.`id` = `addresses`.`user_id`"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::Sqlite)?,
    ///     r#"SELECT "users"."name", "addresses"."email" FROM "users", "addresses" WHERE "users"."id" = "addresses"."user_id""#
    /// );
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    pub fn also_from(mut self, item: impl Into<FromItem>) -> Self {
        self.from.push(item.into());
        self
    }

    /// Adds a column or expression to the select list.
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
    /// use sqlrel::expr::Expr;
    ///
    /// let s = registry.schema();
    /// let query = Select::from(s.table("users")?)
    ///     .column(s.col("users.id")?)
    ///     .column(Expr::func("lower", [s.col("users.name")?]));
    /// assert_eq!(
    ///     query.to_string(Dialect::Postgres)?,
    ///     r#"SELECT "users"."id", lower("users"."name") FROM "users""#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::MySql)?,
    ///     r#"SELECT `users`.`id`, lower(`users`.`name`) FROM `users`"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::Sqlite)?,
    ///     r#"SELECT "users"."id", lower("users"."name") FROM "users""#
    /// );
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    pub fn column(mut self, expr: impl Into<Expr>) -> Self {
        self.columns.push((expr.into(), None));
        self
    }

    /// Adds an expression with a label (`expr AS label`). The label is quoted
    /// like an identifier; an empty label, or one containing NUL, makes
    /// rendering fail with [`Error::Render`].
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
    /// use sqlrel::expr::Expr;
    ///
    /// let s = registry.schema();
    /// let query = Select::from(s.table("users")?)
    ///     .column_as(Expr::func("lower", [s.col("users.name")?]), "login");
    /// assert_eq!(
    ///     query.to_string(Dialect::Postgres)?,
    ///     r#"SELECT lower("users"."name") AS "login" FROM "users""#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::MySql)?,
    ///     r#"SELECT lower(`users`.`name`) AS `login` FROM `users`"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::Sqlite)?,
    ///     r#"SELECT lower("users"."name") AS "login" FROM "users""#
    /// );
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    pub fn column_as(mut self, expr: impl Into<Expr>, label: impl Into<String>) -> Self {
        self.columns.push((expr.into(), Some(label.into())));
        self
    }

    /// Adds several columns or expressions.
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
    /// let query = Select::from(s.table("addresses")?)
    ///     .columns([s.col("addresses.email")?, s.col("addresses.user_id")?]);
    /// assert_eq!(
    ///     query.to_string(Dialect::Postgres)?,
    ///     r#"SELECT "addresses"."email", "addresses"."user_id" FROM "addresses""#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::MySql)?,
    ///     r#"SELECT `addresses`.`email`, `addresses`.`user_id` FROM `addresses`"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::Sqlite)?,
    ///     r#"SELECT "addresses"."email", "addresses"."user_id" FROM "addresses""#
    /// );
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    pub fn columns<I, E>(mut self, exprs: I) -> Self
    where
        I: IntoIterator<Item = E>,
        E: Into<Expr>,
    {
        self.columns
            .extend(exprs.into_iter().map(|e| (e.into(), None)));
        self
    }

    /// Adds a WHERE condition; several are AND-ed. Relationship predicates
    /// ([`crate::comparator`]) are conditions like any other.
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
    ///     .filter(s.col("users.name")?.like("a%"))
    ///     .filter(addresses.any(None)?.not());
    /// assert_eq!(
    ///     query.to_string(Dialect::Postgres)?,
    ///     r#"SELECT "users"."name" FROM "users" WHERE "users"."name" LIKE 'a%' AND (NOT EXISTS(SELECT 1 FROM "addresses" WHERE "users"."id" = "addresses"."user_id"))"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::MySql)?,
    ///     r#"SELECT `users`.`name` FROM `users` WHERE `users`.`name` LIKE 'a%' AND (NOT EXISTS(SELECT 1 FROM `addresses` WHERE `users`.`id` = `addresses`.`user_id`))"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::Sqlite)?,
    ///     r#"SELECT "users"."name" FROM "users" WHERE "users"."name" LIKE 'a%' AND (NOT EXISTS(SELECT 1 FROM "addresses" WHERE "users"."id" = "addresses"."user_id"))"#
    /// );
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    pub fn filter(mut self, condition: Expr) -> Self {
        self.filter.push(condition);
        self
    }

    /// Adds an ORDER BY item; items sort in the order they are added.
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
    /// use sqlrel::query::Order;
    ///
    /// let s = registry.schema();
    /// let query = Select::from(s.table("users")?)
    ///     .column(s.col("users.name")?)
    ///     .order_by(s.col("users.name")?, Order::Asc)
    ///     .order_by(s.col("users.id")?, Order::Desc);
    /// assert_eq!(
    ///     query.to_string(Dialect::Postgres)?,
    ///     r#"SELECT "users"."name" FROM "users" ORDER BY "users"."name" ASC, "users"."id" DESC"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::MySql)?,
    ///     r#"SELECT `users`.`name` FROM `users` ORDER BY `users`.`name` ASC, `users`.`id` DESC"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::Sqlite)?,
    ///     r#"SELECT "users"."name" FROM "users" ORDER BY "users"."name" ASC, "users"."id" DESC"#
    /// );
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    pub fn order_by(mut self, expr: impl Into<Expr>, order: Order) -> Self {
        self.order_by.push((expr.into(), order));
        self
    }

    /// `LIMIT n`. [`build`](Self::build) binds `n` as a parameter like any
    /// other value.
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
    /// use sqlrel::query::Order;
    ///
    /// let s = registry.schema();
    /// let query = Select::from(s.table("users")?)
    ///     .column(s.col("users.name")?)
    ///     .order_by(s.col("users.id")?, Order::Asc)
    ///     .limit(10);
    /// assert_eq!(
    ///     query.to_string(Dialect::Postgres)?,
    ///     r#"SELECT "users"."name" FROM "users" ORDER BY "users"."id" ASC LIMIT 10"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::MySql)?,
    ///     r#"SELECT `users`.`name` FROM `users` ORDER BY `users`.`id` ASC LIMIT 10"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::Sqlite)?,
    ///     r#"SELECT "users"."name" FROM "users" ORDER BY "users"."id" ASC LIMIT 10"#
    /// );
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    pub fn limit(mut self, n: u64) -> Self {
        self.limit = Some(n);
        self
    }

    /// `OFFSET n`. SQLite and MySQL accept `OFFSET` only after a `LIMIT`, so
    /// set [`limit`](Self::limit) too for those. [`build`](Self::build) binds `n`
    /// as a parameter.
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
    /// use sqlrel::query::Order;
    ///
    /// let s = registry.schema();
    /// let query = Select::from(s.table("users")?)
    ///     .column(s.col("users.name")?)
    ///     .order_by(s.col("users.id")?, Order::Asc)
    ///     .limit(10)
    ///     .offset(20);
    /// assert_eq!(
    ///     query.to_string(Dialect::Postgres)?,
    ///     r#"SELECT "users"."name" FROM "users" ORDER BY "users"."id" ASC LIMIT 10 OFFSET 20"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::MySql)?,
    ///     r#"SELECT `users`.`name` FROM `users` ORDER BY `users`.`id` ASC LIMIT 10 OFFSET 20"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::Sqlite)?,
    ///     r#"SELECT "users"."name" FROM "users" ORDER BY "users"."id" ASC LIMIT 10 OFFSET 20"#
    /// );
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    pub fn offset(mut self, n: u64) -> Self {
        self.offset = Some(n);
        self
    }

    /// `JOIN` along `rel` from its parent (the last FROM or joined item of
    /// the parent table), with the relationship's join condition as `ON`. A
    /// many-to-many relationship joins the association table, then the target.
    /// The target is read through an anonymous alias (`nodes_1`) when its table
    /// is already in the statement (self-referential joins).
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
    /// let query = Select::from(s.table("users")?)
    ///     .column(s.col("users.name")?)
    ///     .column(s.col("addresses.email")?)
    ///     .join(registry.relationship("users.addresses")?)?;
    /// assert_eq!(
    ///     query.to_string(Dialect::Postgres)?,
    ///     r#"SELECT "users"."name", "addresses"."email" FROM "users" INNER JOIN "addresses" ON "users"."id" = "addresses"."user_id""#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::MySql)?,
    ///     r#"SELECT `users`.`name`, `addresses`.`email` FROM `users` INNER JOIN `addresses` ON `users`.`id` = `addresses`.`user_id`"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::Sqlite)?,
    ///     r#"SELECT "users"."name", "addresses"."email" FROM "users" INNER JOIN "addresses" ON "users"."id" = "addresses"."user_id""#
    /// );
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when no FROM or joined item of the statement
    /// is the relationship's parent table.
    pub fn join(self, rel: &Relationship) -> Result<Self> {
        self.join_along(rel, JoinKind::Inner, None)
    }

    /// [`join`](Self::join) along `rel`, reading the target through `alias`.
    /// An empty alias, or one containing NUL, makes rendering fail with
    /// [`Error::Render`].
    ///
    /// Nodes with their children, from `nodes JOIN nodes AS child`:
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
    /// use sqlrel::expr::{FromItem, TableAlias};
    ///
    /// let s = registry.schema();
    /// let nodes = s.table("nodes")?;
    /// let child = FromItem::aliased(nodes.clone(), TableAlias::named("child"));
    /// let query = Select::from(nodes)
    ///     .join_as(registry.relationship("nodes.children")?, "child")?
    ///     .column(s.col("nodes.name")?)
    ///     .column(child.col("name")?);
    /// assert_eq!(
    ///     query.to_string(Dialect::Postgres)?,
    ///     r#"SELECT "nodes"."name", "child"."name" FROM "nodes" INNER JOIN "nodes" AS "child" ON "nodes"."id" = "child"."parent_id""#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::MySql)?,
    ///     r#"SELECT `nodes`.`name`, `child`.`name` FROM `nodes` INNER JOIN `nodes` AS `child` ON `nodes`.`id` = `child`.`parent_id`"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::Sqlite)?,
    ///     r#"SELECT "nodes"."name", "child"."name" FROM "nodes" INNER JOIN "nodes" AS "child" ON "nodes"."id" = "child"."parent_id""#
    /// );
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when no FROM or joined item of the statement
    /// is the relationship's parent table.
    pub fn join_as(self, rel: &Relationship, alias: impl AsRef<str>) -> Result<Self> {
        self.join_along(rel, JoinKind::Inner, Some(TableAlias::named(alias)))
    }

    /// `LEFT JOIN` along `rel`; otherwise as [`join`](Self::join).
    ///
    /// Tags on no post (many-to-many: the association table and the target are
    /// both left-joined):
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
    /// let s = registry.schema();
    /// let query = Select::from(s.table("tags")?)
    ///     .column(s.col("tags.name")?)
    ///     .outer_join(registry.relationship("tags.posts")?)?
    ///     .filter(s.col("posts.id")?.is_null());
    /// assert_eq!(
    ///     query.to_string(Dialect::Postgres)?,
    ///     r#"SELECT "tags"."name" FROM "tags" LEFT JOIN "post_tags" ON "tags"."id" = "post_tags"."tag_id" LEFT JOIN "posts" ON "posts"."id" = "post_tags"."post_id" WHERE "posts"."id" IS NULL"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::MySql)?,
    ///     r#"SELECT `tags`.`name` FROM `tags` LEFT JOIN `post_tags` ON `tags`.`id` = `post_tags`.`tag_id` LEFT JOIN `posts` ON `posts`.`id` = `post_tags`.`post_id` WHERE `posts`.`id` IS NULL"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::Sqlite)?,
    ///     r#"SELECT "tags"."name" FROM "tags" LEFT JOIN "post_tags" ON "tags"."id" = "post_tags"."tag_id" LEFT JOIN "posts" ON "posts"."id" = "post_tags"."post_id" WHERE "posts"."id" IS NULL"#
    /// );
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when no FROM or joined item of the statement
    /// is the relationship's parent table.
    pub fn outer_join(self, rel: &Relationship) -> Result<Self> {
        self.join_along(rel, JoinKind::Left, None)
    }

    /// `LEFT JOIN` along `rel`, reading the target through `alias`.
    /// An empty alias, or one containing NUL, makes rendering fail with
    /// [`Error::Render`].
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
    /// let a = FromItem::aliased(s.table("addresses")?.clone(), TableAlias::named("a"));
    /// let query = Select::from(s.table("users")?)
    ///     .outer_join_as(registry.relationship("users.addresses")?, "a")?
    ///     .column(s.col("users.name")?)
    ///     .column(a.col("email")?);
    /// assert_eq!(
    ///     query.to_string(Dialect::Postgres)?,
    ///     r#"SELECT "users"."name", "a"."email" FROM "users" LEFT JOIN "addresses" AS "a" ON "users"."id" = "a"."user_id""#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::MySql)?,
    ///     r#"SELECT `users`.`name`, `a`.`email` FROM `users` LEFT JOIN `addresses` AS `a` ON `users`.`id` = `a`.`user_id`"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::Sqlite)?,
    ///     r#"SELECT "users"."name", "a"."email" FROM "users" LEFT JOIN "addresses" AS "a" ON "users"."id" = "a"."user_id""#
    /// );
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when no FROM or joined item of the statement
    /// is the relationship's parent table.
    pub fn outer_join_as(self, rel: &Relationship, alias: impl AsRef<str>) -> Result<Self> {
        self.join_along(rel, JoinKind::Left, Some(TableAlias::named(alias)))
    }

    /// A join along `rel` starting from `source`, an item already in the
    /// statement (e.g. the root of two sibling self-referential joins),
    /// reading the target through `alias` when given. An empty alias, or one
    /// containing NUL, makes rendering fail with [`Error::Render`].
    ///
    /// Nodes with their children and their parent, both joined from the root
    /// `nodes`:
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
    /// use sqlrel::expr::FromItem;
    /// use sqlrel::query::JoinKind;
    ///
    /// let s = registry.schema();
    /// let nodes = s.table("nodes")?;
    /// let query = Select::from(nodes)
    ///     .column(s.col("nodes.name")?)
    ///     .join_as(registry.relationship("nodes.children")?, "child")?
    ///     // `join` would start from the last `nodes` item, `child`.
    ///     .join_from(
    ///         &FromItem::table(nodes.clone()),
    ///         registry.relationship("nodes.parent")?,
    ///         JoinKind::Left,
    ///         Some("up"),
    ///     )?;
    /// assert_eq!(
    ///     query.to_string(Dialect::Postgres)?,
    ///     r#"SELECT "nodes"."name" FROM "nodes" INNER JOIN "nodes" AS "child" ON "nodes"."id" = "child"."parent_id" LEFT JOIN "nodes" AS "up" ON "up"."id" = "nodes"."parent_id""#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::MySql)?,
    ///     r#"SELECT `nodes`.`name` FROM `nodes` INNER JOIN `nodes` AS `child` ON `nodes`.`id` = `child`.`parent_id` LEFT JOIN `nodes` AS `up` ON `up`.`id` = `nodes`.`parent_id`"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::Sqlite)?,
    ///     r#"SELECT "nodes"."name" FROM "nodes" INNER JOIN "nodes" AS "child" ON "nodes"."id" = "child"."parent_id" LEFT JOIN "nodes" AS "up" ON "up"."id" = "nodes"."parent_id""#
    /// );
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when `source` is not a FROM or joined item of
    /// the statement (same table and alias), or its table is not the
    /// relationship's parent.
    pub fn join_from(
        self,
        source: &FromItem,
        rel: &Relationship,
        kind: JoinKind,
        alias: Option<&str>,
    ) -> Result<Self> {
        if source.table.id() != rel.parent().id() || !self.items().any(|i| i == source) {
            return Err(Error::invalid(format!(
                "cannot join along {} from {}: the source must be an item of the statement \
                 whose table is '{}'",
                rel.key(),
                source.table.qualified_name(),
                rel.parent().qualified_name()
            )));
        }
        let source = source.clone();
        self.join_target(source, rel, kind, alias.map(TableAlias::named))
    }

    /// The FROM and joined items in order, each with its alias (anonymous
    /// aliases are named only when the statement is rendered).
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
    /// use sqlrel::expr::TableAlias;
    ///
    /// let s = registry.schema();
    /// let query = Select::from(s.table("nodes")?)
    ///     .join_as(registry.relationship("nodes.children")?, "child")?;
    /// let items: Vec<_> = query.items().map(|i| (i.table.name(), i.alias.clone())).collect();
    /// assert_eq!(items, [("nodes", None), ("nodes", Some(TableAlias::named("child")))]);
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    pub fn items(&self) -> impl Iterator<Item = &FromItem> {
        self.from.iter().chain(self.joins.iter().map(|j| &j.item))
    }

    /// Checks that no expression of the statement nests deeper than the
    /// renderer may recurse (see [`crate::nesting`]).
    pub(crate) fn check_depth(&self) -> Result<()> {
        self.exprs()
            .try_for_each(|e| e.check_depth("render the statement"))
    }

    /// Every expression of the statement: columns, join conditions,
    /// filter, ordering.
    fn exprs(&self) -> impl Iterator<Item = &Expr> {
        self.columns
            .iter()
            .map(|(e, _)| e)
            .chain(self.joins.iter().map(|j| &j.on))
            .chain(self.filter.iter())
            .chain(self.order_by.iter().map(|(e, _)| e))
    }

    /// Checks that every column of the statement reads a FROM item in
    /// scope: one of the statement's own, or one of an enclosing subquery.
    pub(crate) fn check_scope(&self) -> Result<()> {
        let items: SmallVec<[&FromItem; 4]> = self.items().collect();
        for e in self.exprs() {
            if let Some(out) = e.out_of_scope(&items) {
                let hint = (!out.other_schema).then(|| {
                    "add its table to the statement, or reach it with a relationship \
                     predicate (any(), has()) on a relationship to it"
                        .to_owned()
                });
                return Err(out.error(hint));
            }
        }
        Ok(())
    }

    fn contains_table(&self, table: &Table) -> bool {
        self.items().any(|i| i.table.id() == table.id())
    }

    fn join_along(
        self,
        rel: &Relationship,
        kind: JoinKind,
        alias: Option<TableAlias>,
    ) -> Result<Self> {
        let source = self
            .items()
            .filter(|i| i.table.id() == rel.parent().id())
            .last()
            .cloned()
            .ok_or_else(|| {
                Error::invalid(format!(
                    "cannot join along {}: its parent table '{}' is not in the statement",
                    rel.key(),
                    rel.parent().qualified_name()
                ))
            })?;
        self.join_target(source, rel, kind, alias)
    }

    fn join_target(
        mut self,
        source: FromItem,
        rel: &Relationship,
        kind: JoinKind,
        alias: Option<TableAlias>,
    ) -> Result<Self> {
        let target_alias = alias.or_else(|| {
            self.contains_table(rel.target())
                .then(TableAlias::anonymous)
        });
        let target = FromItem {
            table: rel.target().clone(),
            alias: target_alias,
        };
        let mut pj = rel.primaryjoin().clone();
        let extra = rel.extra_tables();
        match (rel.secondary(), rel.secondaryjoin()) {
            (Some(secondary), Some(sj)) if !extra.is_empty() => {
                // The secondary and the extra tables link a pair of rows
                // through any number of their rows: one join to the
                // target, on EXISTS over them all, gives each pair once.
                pj.read_through(source.table.id(), source.alias.as_ref(), Annotations::NONE);
                let mut sj = sj.clone();
                sj.read_through(target.table.id(), target.alias.as_ref(), Annotations::NONE);
                let mut over = vec![Arc::clone(secondary)];
                over.extend(extra.iter().cloned());
                self.joins.push(Join {
                    kind,
                    item: target,
                    on: clean(Expr::all([pj, sj])).exists_over(&over),
                });
            }
            (Some(secondary), Some(sj)) => {
                let secondary_item = FromItem {
                    table: secondary.clone(),
                    alias: self.contains_table(secondary).then(TableAlias::anonymous),
                };
                pj.read_through(
                    secondary.id(),
                    secondary_item.alias.as_ref(),
                    Annotations::NONE,
                );
                pj.read_through(source.table.id(), source.alias.as_ref(), Annotations::NONE);
                let mut sj = sj.clone();
                sj.read_through(
                    secondary.id(),
                    secondary_item.alias.as_ref(),
                    Annotations::NONE,
                );
                sj.read_through(target.table.id(), target.alias.as_ref(), Annotations::NONE);
                self.joins.push(Join {
                    kind,
                    item: secondary_item,
                    on: clean(pj),
                });
                self.joins.push(Join {
                    kind,
                    item: target,
                    on: clean(sj),
                });
            }
            _ => {
                // Like SQLAlchemy's join_targets: local columns stay on the
                // source, the others move to the target.
                pj.read_through(target.table.id(), target.alias.as_ref(), Annotations::LOCAL);
                pj.read_through(
                    source.table.id(),
                    source.alias.as_ref(),
                    Annotations::REMOTE,
                );
                self.joins.push(Join {
                    kind,
                    item: target,
                    on: clean(pj).exists_over(extra),
                });
            }
        }
        Ok(self)
    }
}

fn clean(expr: Expr) -> Expr {
    expr.deannotate(Annotations::FOREIGN | Annotations::REMOTE | Annotations::LOCAL)
}
