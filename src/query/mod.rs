//! Layer 7: statements and their rendering per dialect.
//!
//! [`Select`] builds a statement from sqlrel expressions;
//! [`build`](Select::build) renders it with bound parameters,
//! [`to_string`](Select::to_string) with literals inlined, both through
//! sea-query. Output is deterministic: anonymous aliases are named
//! `table_1`, `table_2`, ... in order of appearance within each statement.
//! [`Expr::to_sea_query`] and [`Select::to_sea_query`] hand sqlrel's
//! predicates and statements to code that builds statements with
//! sea-query.
//!
//! What differs between the [`Dialect`]s:
//!
//! | | PostgreSQL | MySQL / MariaDB | SQLite |
//! |---|---|---|---|
//! | identifiers | `"users"` | `` `users` `` | `"users"` |
//! | placeholders ([`build`](Select::build)) | `$1`, `$2`, ... | `?` | `?` |
//! | the text `O'Brien` ([`to_string`](Select::to_string)) | `E'O\'Brien'` | `'O''Brien'` | `'O''Brien'` |
//! | the text `a\b` | `E'a\\b'` | `_utf8mb4 X'615C62'` | `'a\b'` |
//! | the decimal `12.50` | `CAST('12.50' AS NUMERIC)` | `CAST('12.50' AS DECIMAL(4, 2))` | `CAST('12.50' AS NUMERIC)` |
//!
//! Inlined literals mean the same value under every server setting (MySQL's
//! `NO_BACKSLASH_ESCAPES`, PostgreSQL's `standard_conforming_strings`); a
//! string holding NUL cannot be inlined (bind it). Bind values
//! ([`build`](Select::build)) to run queries.
//! | `a \|\| b` | `a \|\| b` | `CONCAT(a, b)` | `a \|\| b` |

mod literal;
mod render;
mod select;

pub use crate::dialect::Dialect;
pub use sea_query::Values;
pub use select::{Join, JoinKind, Order, Select};

use sea_query::{MysqlQueryBuilder, PostgresQueryBuilder, SelectStatement, SqliteQueryBuilder};

use crate::error::{Error, Result};
use crate::expr::Expr;
pub(crate) use render::Placeholders;
use render::Renderer;

/// The SQL text of one predicate for `dialect`: values inlined, or written
/// as placeholders (numbering on from those already collected) and
/// collected into `placeholders`.
pub(crate) fn predicate_sql(
    expr: &Expr,
    dialect: Dialect,
    mut placeholders: Option<&mut Placeholders>,
) -> Result<String> {
    expr.check_depth("render the expression")?;
    let mut renderer = Renderer::for_expr(expr, Some(dialect)).sealed();
    match placeholders.as_deref_mut() {
        Some(p) => renderer = renderer.with_placeholders(std::mem::take(p)),
        None => renderer = renderer.inline(),
    }
    let rendered = renderer.expr(expr);
    if let (Some(p), Some(back)) = (placeholders, renderer.take_placeholders()) {
        *p = back;
    }
    let rendered = renderer
        .finish(rendered)
        .map_err(|e| in_dialect(e, dialect))?;
    // sea-query renders statements, not bare expressions: render the
    // predicate as a WHERE clause and keep what follows the keyword.
    const PREFIX: &str = "SELECT 1 WHERE ";
    let stmt = sea_query::Query::select()
        .expr(sea_query::Expr::Custom("1".into()))
        .and_or_where(sea_query::LogicalChainOper::And(rendered))
        .take();
    let sql = match dialect {
        Dialect::Postgres => stmt.to_string(PostgresQueryBuilder),
        Dialect::MySql => stmt.to_string(MysqlQueryBuilder),
        Dialect::Sqlite => stmt.to_string(SqliteQueryBuilder),
    };
    sql.strip_prefix(PREFIX)
        .map(str::to_owned)
        .ok_or_else(|| Error::Render {
            dialect: dialect.to_string(),
            message: format!("unexpected statement shape: {sql}"),
        })
}

fn in_dialect(e: Error, dialect: Dialect) -> Error {
    match e {
        Error::Render { message, .. } => Error::Render {
            dialect: dialect.to_string(),
            message,
        },
        other => other,
    }
}

impl Select {
    /// The statement as a sea-query `SelectStatement`, for any backend, to
    /// extend with sea-query (its WHERE clause takes more `and_where`
    /// conditions) and render with sea-query's builders.
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
    /// use sea_query::{ExprTrait, MysqlQueryBuilder, PostgresQueryBuilder, SqliteQueryBuilder};
    ///
    /// let s = registry.schema();
    /// let addresses = registry.relationship("users.addresses")?;
    /// let mut stmt = Select::from(s.table("users")?)
    ///     .column(s.col("users.name")?)
    ///     .filter(addresses.any(None)?)
    ///     .to_sea_query()?;
    /// stmt.and_where(sea_query::Expr::col(("users", "id")).gt(10));
    /// assert_eq!(
    ///     stmt.to_string(PostgresQueryBuilder),
    ///     r#"SELECT "users"."name" FROM "users" WHERE EXISTS(SELECT 1 FROM "addresses" WHERE "users"."id" = "addresses"."user_id") AND "users"."id" > 10"#
    /// );
    /// assert_eq!(
    ///     stmt.to_string(MysqlQueryBuilder),
    ///     r#"SELECT `users`.`name` FROM `users` WHERE EXISTS(SELECT 1 FROM `addresses` WHERE `users`.`id` = `addresses`.`user_id`) AND `users`.`id` > 10"#
    /// );
    /// assert_eq!(
    ///     stmt.to_string(SqliteQueryBuilder),
    ///     r#"SELECT "users"."name" FROM "users" WHERE EXISTS(SELECT 1 FROM "addresses" WHERE "users"."id" = "addresses"."user_id") AND "users"."id" > 10"#
    /// );
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Render`] (with dialect `any`) on what renders differently
    /// per dialect: the `||` operator, `ILIKE` and `CAST` (use
    /// [`to_sea_query_for`](Self::to_sea_query_for)), and for the reasons
    /// [`build`](Self::build) gives.
    pub fn to_sea_query(&self) -> Result<SelectStatement> {
        Renderer::for_select(self, None).select(self)
    }

    /// The statement as a sea-query `SelectStatement` for one dialect; `||`,
    /// `ILIKE` and `CAST` depend on it (MySQL reads `||` as a logical OR, so
    /// it is written `CONCAT()` there; `ILIKE` is PostgreSQL's; cast types
    /// are spelled per dialect).
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
    /// use sea_query::{MysqlQueryBuilder, PostgresQueryBuilder, SqliteQueryBuilder};
    /// use sqlrel::expr::BinaryOp;
    ///
    /// let s = registry.schema();
    /// let query = Select::from(s.table("users")?)
    ///     .column_as(s.col("users.name")?.binary(BinaryOp::Concat, "!"), "greeting");
    /// assert_eq!(
    ///     query.to_sea_query_for(Dialect::Postgres)?.to_string(PostgresQueryBuilder),
    ///     r#"SELECT "users"."name" || '!' AS "greeting" FROM "users""#
    /// );
    /// assert_eq!(
    ///     query.to_sea_query_for(Dialect::MySql)?.to_string(MysqlQueryBuilder),
    ///     r#"SELECT CONCAT(`users`.`name`, '!') AS `greeting` FROM `users`"#
    /// );
    /// assert_eq!(
    ///     query.to_sea_query_for(Dialect::Sqlite)?.to_string(SqliteQueryBuilder),
    ///     r#"SELECT "users"."name" || '!' AS "greeting" FROM "users""#
    /// );
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Render`], naming the dialect, when the statement holds:
    /// - a bind parameter without a value ([`Expr::Bind`], e.g. from an unfilled
    ///   [`LazyClause`](crate::relationship::LazyClause)),
    /// - a function name that is not a plain identifier (optionally
    ///   schema-qualified), or
    /// - an empty alias or label, or one containing NUL.
    pub fn to_sea_query_for(&self, dialect: Dialect) -> Result<SelectStatement> {
        Renderer::for_select(self, Some(dialect))
            .select(self)
            .map_err(|e| in_dialect(e, dialect))
    }

    /// [`to_sea_query_for`](Self::to_sea_query_for) into `stmt`, for a
    /// statement sqlrel renders itself (see `Renderer::sealed`).
    fn sealed_statement(
        &self,
        dialect: Dialect,
        inline: bool,
        stmt: &mut SelectStatement,
    ) -> Result<()> {
        let renderer = Renderer::for_select(self, Some(dialect)).sealed();
        let mut renderer = if inline { renderer.inline() } else { renderer };
        renderer
            .select_into(self, stmt)
            .map_err(|e| in_dialect(e, dialect))
    }

    /// SQL with placeholders (`$1`, `$2`, ... for PostgreSQL, `?` otherwise)
    /// and the values to bind, in placeholder order.
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
    /// use sea_query::Value;
    /// use sqlrel::query::Values;
    ///
    /// let s = registry.schema();
    /// let query = Select::from(s.table("users")?)
    ///     .column(s.col("users.name")?)
    ///     .filter(s.col("users.name")?.like("a%"))
    ///     .filter(s.col("users.id")?.gt(10));
    /// let values = Values(vec![Value::String(Some("a%".to_owned())), Value::BigInt(Some(10))]);
    /// assert_eq!(
    ///     query.build(Dialect::Postgres)?,
    ///     (
    ///         r#"SELECT "users"."name" FROM "users" WHERE "users"."name" LIKE $1 AND "users"."id" > $2"#.to_owned(),
    ///         values.clone(),
    ///     )
    /// );
    /// assert_eq!(
    ///     query.build(Dialect::MySql)?,
    ///     (
    ///         r#"SELECT `users`.`name` FROM `users` WHERE `users`.`name` LIKE ? AND `users`.`id` > ?"#.to_owned(),
    ///         values.clone(),
    ///     )
    /// );
    /// assert_eq!(
    ///     query.build(Dialect::Sqlite)?,
    ///     (
    ///         r#"SELECT "users"."name" FROM "users" WHERE "users"."name" LIKE ? AND "users"."id" > ?"#.to_owned(),
    ///         values,
    ///     )
    /// );
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Render`], naming the dialect, when the statement holds:
    /// - a bind parameter without a value ([`Expr::Bind`], e.g. from an unfilled
    ///   [`LazyClause`](crate::relationship::LazyClause)),
    /// - a function name that is not a plain identifier (optionally
    ///   schema-qualified), or
    /// - an empty alias or label, or one containing NUL.
    pub fn build(&self, dialect: Dialect) -> Result<(String, Values)> {
        let mut stmt = SelectStatement::new();
        self.sealed_statement(dialect, false, &mut stmt)?;
        Ok(match dialect {
            Dialect::Postgres => stmt.build(PostgresQueryBuilder),
            Dialect::MySql => stmt.build(MysqlQueryBuilder),
            Dialect::Sqlite => stmt.build(SqliteQueryBuilder),
        })
    }

    /// SQL with values inlined as literals that mean the same value under
    /// every server setting (for logs, snapshots and tools; bind values with
    /// [`build`](Self::build) when running queries).
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
    ///     .column(s.col("users.id")?)
    ///     .filter(s.col("users.name")?.eq("O'Brien"));
    /// assert_eq!(
    ///     query.to_string(Dialect::Postgres)?,
    ///     r#"SELECT "users"."id" FROM "users" WHERE "users"."name" = E'O\'Brien'"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::MySql)?,
    ///     r#"SELECT `users`.`id` FROM `users` WHERE `users`.`name` = 'O''Brien'"#
    /// );
    /// assert_eq!(
    ///     query.to_string(Dialect::Sqlite)?,
    ///     r#"SELECT "users"."id" FROM "users" WHERE "users"."name" = 'O''Brien'"#
    /// );
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Render`], naming the dialect, when the statement holds:
    /// - a bind parameter without a value ([`Expr::Bind`], e.g. from an unfilled
    ///   [`LazyClause`](crate::relationship::LazyClause)),
    /// - a function name that is not a plain identifier (optionally
    ///   schema-qualified), or
    /// - an empty alias or label, or one containing NUL.
    pub fn to_string(&self, dialect: Dialect) -> Result<String> {
        let mut stmt = SelectStatement::new();
        self.sealed_statement(dialect, true, &mut stmt)?;
        Ok(match dialect {
            Dialect::Postgres => stmt.to_string(PostgresQueryBuilder),
            Dialect::MySql => stmt.to_string(MysqlQueryBuilder),
            Dialect::Sqlite => stmt.to_string(SqliteQueryBuilder),
        })
    }
}

impl Expr {
    /// The expression as a sea-query expression, to use in statements built
    /// with sea-query. Anonymous aliases inside are named per expression.
    ///
    /// ```
    /// use sea_query::{ExprTrait, MysqlQueryBuilder, PostgresQueryBuilder, Query, SqliteQueryBuilder};
    /// use sqlrel::registry::Registry;
    /// use sqlrel::relationship::RelationshipConfig;
    /// use sqlrel::schema::Schema;
    ///
    /// let schema = Schema::from_ddl(
    ///     "CREATE TABLE users (id INTEGER PRIMARY KEY);
    ///      CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id));",
    /// )?;
    /// let registry = Registry::builder(schema)
    ///     .relationship(RelationshipConfig::new("users", "addresses", "addresses"))
    ///     .configure()?;
    /// let has_addresses = registry.relationship("users.addresses")?.any(None)?;
    /// let query = Query::select()
    ///     .column("id")
    ///     .from("users")
    ///     .and_where(has_addresses.to_sea_query()?.not())
    ///     .take();
    /// assert_eq!(
    ///     query.to_string(PostgresQueryBuilder),
    ///     r#"SELECT "id" FROM "users" WHERE NOT EXISTS(SELECT 1 FROM "addresses" WHERE "users"."id" = "addresses"."user_id")"#
    /// );
    /// assert_eq!(
    ///     query.to_string(MysqlQueryBuilder),
    ///     r#"SELECT `id` FROM `users` WHERE NOT EXISTS(SELECT 1 FROM `addresses` WHERE `users`.`id` = `addresses`.`user_id`)"#
    /// );
    /// assert_eq!(
    ///     query.to_string(SqliteQueryBuilder),
    ///     r#"SELECT "id" FROM "users" WHERE NOT EXISTS(SELECT 1 FROM "addresses" WHERE "users"."id" = "addresses"."user_id")"#
    /// );
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Render`] (with dialect `any`) when the expression holds `||`,
    /// `ILIKE` or `CAST`, which render differently per dialect (use
    /// [`to_sea_query_for`](Self::to_sea_query_for)), a bind parameter without
    /// a value, a function name that is not a plain identifier, or an empty
    /// alias or one containing NUL.
    pub fn to_sea_query(&self) -> Result<sea_query::Expr> {
        self.check_depth("render the expression")?;
        let mut renderer = Renderer::for_expr(self, None);
        let expr = renderer.expr(self);
        renderer.finish(expr)
    }

    /// The expression as a sea-query expression for one dialect (needed for
    /// `||`, which MySQL spells `CONCAT()`, `ILIKE` and `CAST`).
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
    /// use sea_query::{MysqlQueryBuilder, PostgresQueryBuilder, Query, SqliteQueryBuilder};
    /// use sqlrel::expr::BinaryOp;
    ///
    /// let greeting = registry.schema().col("users.name")?.binary(BinaryOp::Concat, "!");
    /// let sql = |dialect| -> sqlrel::Result<_> {
    ///     Ok(Query::select().expr(greeting.to_sea_query_for(dialect)?).from("users").take())
    /// };
    /// assert_eq!(
    ///     sql(Dialect::Postgres)?.to_string(PostgresQueryBuilder),
    ///     r#"SELECT "users"."name" || '!' FROM "users""#
    /// );
    /// assert_eq!(
    ///     sql(Dialect::MySql)?.to_string(MysqlQueryBuilder),
    ///     r#"SELECT CONCAT(`users`.`name`, '!') FROM `users`"#
    /// );
    /// assert_eq!(
    ///     sql(Dialect::Sqlite)?.to_string(SqliteQueryBuilder),
    ///     r#"SELECT "users"."name" || '!' FROM "users""#
    /// );
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Render`], naming the dialect, when the expression holds a bind
    /// parameter without a value, a function name that is not a plain
    /// identifier, or an empty alias or one containing NUL.
    pub fn to_sea_query_for(&self, dialect: Dialect) -> Result<sea_query::Expr> {
        self.check_depth("render the expression")?;
        let mut renderer = Renderer::for_expr(self, Some(dialect));
        let expr = renderer.expr(self);
        renderer.finish(expr).map_err(|e| in_dialect(e, dialect))
    }

    /// The expression as a sea-query `Condition` (a one-item `all()`), for
    /// sea-query's `cond_where` and `Condition::add`.
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
    /// use sea_query::{Cond, MysqlQueryBuilder, PostgresQueryBuilder, Query, SqliteQueryBuilder};
    ///
    /// let s = registry.schema();
    /// let no_address = registry.relationship("users.addresses")?.is_none()?;
    /// let named_ann = s.col("users.name")?.eq("ann");
    /// let query = Query::select()
    ///     .column("id")
    ///     .from("users")
    ///     .cond_where(Cond::any().add(no_address.to_sea_condition()?).add(named_ann.to_sea_condition()?))
    ///     .take();
    /// assert_eq!(
    ///     query.to_string(PostgresQueryBuilder),
    ///     r#"SELECT "id" FROM "users" WHERE (NOT EXISTS(SELECT 1 FROM "addresses" WHERE "users"."id" = "addresses"."user_id")) OR "users"."name" = 'ann'"#
    /// );
    /// assert_eq!(
    ///     query.to_string(MysqlQueryBuilder),
    ///     r#"SELECT `id` FROM `users` WHERE (NOT EXISTS(SELECT 1 FROM `addresses` WHERE `users`.`id` = `addresses`.`user_id`)) OR `users`.`name` = 'ann'"#
    /// );
    /// assert_eq!(
    ///     query.to_string(SqliteQueryBuilder),
    ///     r#"SELECT "id" FROM "users" WHERE (NOT EXISTS(SELECT 1 FROM "addresses" WHERE "users"."id" = "addresses"."user_id")) OR "users"."name" = 'ann'"#
    /// );
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`to_sea_query`](Self::to_sea_query).
    pub fn to_sea_condition(&self) -> Result<sea_query::Condition> {
        Ok(sea_query::Condition::all().add(self.to_sea_query()?))
    }
}
