//! Build + render of relationship predicates, sqlrel against the same SQL
//! written by hand with sea-query (the fastest hand-written form: WHERE
//! folded into one expression and added once, chains ended with `take()`,
//! `&'static str` identifiers).
//!
//! Run: `cargo bench --bench render`; results are recorded in BENCHMARKS.md.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use std::sync::Arc;

use sea_query::{Expr as SqExpr, ExprTrait, PostgresQueryBuilder, Query};
use sqlrel::expr::Expr;
use sqlrel::query::{Dialect, Select};
use sqlrel::registry::Registry;
use sqlrel::relationship::RelationshipConfig;
use sqlrel::schema::{ColumnRef, Schema, Table};

const DDL: &str = "
    CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
    CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), email TEXT);
    CREATE TABLE keywords (id INTEGER PRIMARY KEY, name TEXT);
    CREATE TABLE user_keywords (user_id INTEGER REFERENCES users(id), keyword_id INTEGER REFERENCES keywords(id));
";

fn registry() -> Registry {
    let schema = Schema::from_ddl(DDL).expect("schema");
    Registry::builder(schema)
        .relationship(RelationshipConfig::new("users", "addresses", "addresses").backref("user"))
        .relationship(
            RelationshipConfig::new("users", "keywords", "keywords").secondary("user_keywords"),
        )
        .configure()
        .expect("registry")
}

/// The hand-written form: `SELECT table.id FROM table WHERE EXISTS
/// (SELECT 1 FROM from... WHERE condition)`.
fn by_hand(
    table: &'static str,
    from: &[&'static str],
    condition: SqExpr,
) -> (String, sea_query::Values) {
    let mut sub = Query::select();
    sub.expr(SqExpr::cust("1"));
    for t in from {
        sub.from(*t);
    }
    let sub = sub.and_where(condition).take();
    Query::select()
        .column((table, "id"))
        .from(table)
        .and_where(SqExpr::exists(sub))
        .take()
        .build(PostgresQueryBuilder)
}

/// The sqlrel form: `SELECT table.id FROM table WHERE predicate`.
fn with_sqlrel(table: &Arc<Table>, id: &ColumnRef, predicate: Expr) -> (String, sea_query::Values) {
    Select::from(table)
        .column(Expr::col(id.clone()))
        .filter(predicate)
        .build(Dialect::Postgres)
        .expect("build")
}

fn bench(c: &mut Criterion) {
    let registry = registry();
    let schema = registry.schema();
    let users = schema.table("users").expect("users").clone();
    let addresses = schema.table("addresses").expect("addresses").clone();
    let users_id = schema.column("users.id").expect("column");
    let addresses_id = schema.column("addresses.id").expect("column");
    let email = schema.column("addresses.email").expect("column");
    let keyword_name = schema.column("keywords.name").expect("column");
    let user_name = schema.column("users.name").expect("column");
    let o2m = registry.relationship("users.addresses").expect("rel");
    let m2m = registry.relationship("users.keywords").expect("rel");
    let m2o = registry.relationship("addresses.user").expect("rel");

    let mut group = c.benchmark_group("o2m any");
    group.bench_function("sqlrel", |b| {
        b.iter(|| {
            let pred = o2m
                .any(Expr::col(email.clone()).like("%@example.com"))
                .expect("any");
            black_box(with_sqlrel(&users, &users_id, pred))
        })
    });
    group.bench_function("sea-query by hand", |b| {
        b.iter(|| {
            let condition = SqExpr::col(("users", "id"))
                .equals(("addresses", "user_id"))
                .and(SqExpr::col(("addresses", "email")).like("%@example.com"));
            black_box(by_hand("users", &["addresses"], condition))
        })
    });
    group.finish();

    let mut group = c.benchmark_group("m2m any");
    group.bench_function("sqlrel", |b| {
        b.iter(|| {
            let pred = m2m
                .any(Expr::col(keyword_name.clone()).eq("rust"))
                .expect("any");
            black_box(with_sqlrel(&users, &users_id, pred))
        })
    });
    group.bench_function("sea-query by hand", |b| {
        b.iter(|| {
            let condition = SqExpr::col(("users", "id"))
                .equals(("user_keywords", "user_id"))
                .and(SqExpr::col(("keywords", "id")).equals(("user_keywords", "keyword_id")))
                .and(SqExpr::col(("keywords", "name")).eq("rust"));
            black_box(by_hand("users", &["keywords", "user_keywords"], condition))
        })
    });
    group.finish();

    let mut group = c.benchmark_group("m2o has");
    group.bench_function("sqlrel", |b| {
        b.iter(|| {
            let pred = m2o
                .has(Expr::col(user_name.clone()).eq("alice"))
                .expect("has");
            black_box(with_sqlrel(&addresses, &addresses_id, pred))
        })
    });
    group.bench_function("sea-query by hand", |b| {
        b.iter(|| {
            let condition = SqExpr::col(("users", "id"))
                .equals(("addresses", "user_id"))
                .and(SqExpr::col(("users", "name")).eq("alice"));
            black_box(by_hand("addresses", &["users"], condition))
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
