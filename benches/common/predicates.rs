//! The small schema of the predicate and SQL-text benchmarks (`render`,
//! `expand_sql`, `compare`), the same one `benches/sqlalchemy_compare.py`
//! declares: users with addresses (one-to-many, backref `user`) and
//! keywords (many-to-many through `user_keywords`).

use std::sync::Arc;

use sea_query::{Expr as SqExpr, LogicalChainOper, Query, QueryBuilder};
use sqlrel::expr::Expr;
use sqlrel::query::{Dialect, Select};
use sqlrel::registry::Registry;
use sqlrel::relationship::RelationshipConfig;
use sqlrel::schema::{ColumnRef, Schema, Table};

/// The tables.
pub const DDL: &str = "
    CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
    CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), email TEXT);
    CREATE TABLE keywords (id INTEGER PRIMARY KEY, name TEXT);
    CREATE TABLE user_keywords (user_id INTEGER REFERENCES users(id), keyword_id INTEGER REFERENCES keywords(id));
";

/// `users.addresses` (backref `addresses.user`) and `users.keywords`.
pub fn registry() -> Registry {
    let schema = Schema::from_ddl(DDL).expect("the benchmark schema parses");
    Registry::builder(schema)
        .relationship(RelationshipConfig::new("users", "addresses", "addresses").backref("user"))
        .relationship(
            RelationshipConfig::new("users", "keywords", "keywords").secondary("user_keywords"),
        )
        .configure()
        .expect("the benchmark relationships configure")
}

/// Typical relationship-aware SQL text for `expand_sql`, by case name.
pub const EXPAND_STATEMENTS: [(&str, &str); 3] = [
    (
        "o2m any",
        "SELECT users.id, users.name FROM users WHERE users.addresses.any(addresses.email LIKE '%@example.com')",
    ),
    (
        "m2m any + not any, aliased",
        "SELECT u.id FROM users AS u WHERE u.keywords.any(keywords.name = 'rust') AND NOT u.addresses.any() ORDER BY u.name",
    ),
    (
        "m2o has + is_not_none, nested",
        "SELECT addresses.email FROM addresses WHERE addresses.user.has(users.addresses.any(addresses.email LIKE 'a%')) AND addresses.user.is_not_none() LIMIT 10",
    ),
];

/// sqlrel's statement around a predicate: `SELECT table.id FROM table
/// WHERE predicate`, built for `dialect`.
pub fn select_ids(
    dialect: Dialect,
    table: &Arc<Table>,
    id: &ColumnRef,
    predicate: Expr,
) -> (String, sea_query::Values) {
    Select::from(table)
        .column(Expr::col(id.clone()))
        .filter(predicate)
        .build(dialect)
        .expect("the benchmark statement builds")
}

/// The same statement written by hand with sea-query in its fastest form:
/// WHERE folded into one expression and set as a one-item chain
/// (`and_or_where`, which sea-query writes in place, where `and_where`'s
/// condition is deep-copied on every render), chains ended with `take()`,
/// `&'static str` identifiers. `SELECT table.id FROM table WHERE EXISTS
/// (SELECT 1 FROM from... WHERE condition)`, or with `from` empty `SELECT
/// table.id FROM table WHERE condition`.
pub fn select_ids_by_hand<B: QueryBuilder>(
    builder: B,
    table: &'static str,
    from: &[&'static str],
    condition: SqExpr,
) -> (String, sea_query::Values) {
    let condition = if from.is_empty() {
        condition
    } else {
        let mut sub = Query::select();
        sub.expr(SqExpr::cust("1"));
        for t in from {
            sub.from(*t);
        }
        SqExpr::exists(sub.and_or_where(LogicalChainOper::And(condition)).take())
    };
    Query::select()
        .column((table, "id"))
        .from(table)
        .and_or_where(LogicalChainOper::And(condition))
        .take()
        .build(builder)
}
