//! Layer 7: statements and their rendering per dialect.
//!
//! [`Select`] builds a statement from sqlrel expressions; `build()` renders
//! it with bound parameters, `to_string()` with literals inlined, both
//! through sea-query. Output is deterministic: anonymous aliases are named
//! `table_1`, `table_2`, ... in order of appearance within each statement.
//! [`Expr::to_sea_query`] and [`Select::to_sea_query`] hand sqlrel's
//! predicates to code that builds statements with sea-query.

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
    let mut renderer = Renderer::for_expr(expr, Some(dialect)).sealed();
    if let Some(p) = placeholders.as_deref_mut() {
        renderer = renderer.with_placeholders(std::mem::take(p));
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
    /// The statement as a sea-query `SelectStatement`, for any backend.
    /// Fails on the `||` operator, which needs a dialect: see
    /// [`to_sea_query_for`](Self::to_sea_query_for).
    pub fn to_sea_query(&self) -> Result<SelectStatement> {
        Renderer::for_select(self, None).select(self)
    }

    /// The statement as a sea-query `SelectStatement` for one dialect.
    pub fn to_sea_query_for(&self, dialect: Dialect) -> Result<SelectStatement> {
        Renderer::for_select(self, Some(dialect))
            .select(self)
            .map_err(|e| in_dialect(e, dialect))
    }

    /// [`to_sea_query_for`](Self::to_sea_query_for) into `stmt`, for a
    /// statement sqlrel renders itself (see `Renderer::sealed`).
    fn sealed_statement(&self, dialect: Dialect, stmt: &mut SelectStatement) -> Result<()> {
        Renderer::for_select(self, Some(dialect))
            .sealed()
            .select_into(self, stmt)
            .map_err(|e| in_dialect(e, dialect))
    }

    /// SQL with placeholders (`$1` for PostgreSQL, `?` otherwise) and the
    /// values to bind.
    pub fn build(&self, dialect: Dialect) -> Result<(String, Values)> {
        let mut stmt = SelectStatement::new();
        self.sealed_statement(dialect, &mut stmt)?;
        Ok(match dialect {
            Dialect::Postgres => stmt.build(PostgresQueryBuilder),
            Dialect::MySql => stmt.build(MysqlQueryBuilder),
            Dialect::Sqlite => stmt.build(SqliteQueryBuilder),
        })
    }

    /// SQL with values inlined as literals, escaped by the dialect's rules.
    pub fn to_string(&self, dialect: Dialect) -> Result<String> {
        let mut stmt = SelectStatement::new();
        self.sealed_statement(dialect, &mut stmt)?;
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
    /// use sea_query::{ExprTrait, PostgresQueryBuilder, Query};
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
    /// let sql = Query::select()
    ///     .column("id")
    ///     .from("users")
    ///     .and_where(has_addresses.to_sea_query()?.not())
    ///     .to_string(PostgresQueryBuilder);
    /// assert_eq!(
    ///     sql,
    ///     r#"SELECT "id" FROM "users" WHERE NOT EXISTS(SELECT 1 FROM "addresses" WHERE "users"."id" = "addresses"."user_id")"#
    /// );
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    pub fn to_sea_query(&self) -> Result<sea_query::Expr> {
        let mut renderer = Renderer::for_expr(self, None);
        let expr = renderer.expr(self);
        renderer.finish(expr)
    }

    /// The expression as a sea-query expression for one dialect (needed for
    /// `||`, which MySQL spells `CONCAT()`).
    pub fn to_sea_query_for(&self, dialect: Dialect) -> Result<sea_query::Expr> {
        let mut renderer = Renderer::for_expr(self, Some(dialect));
        let expr = renderer.expr(self);
        renderer.finish(expr).map_err(|e| in_dialect(e, dialect))
    }

    /// The expression as a sea-query `Condition` (a one-item `all()`).
    pub fn to_sea_condition(&self) -> Result<sea_query::Condition> {
        Ok(sea_query::Condition::all().add(self.to_sea_query()?))
    }
}
