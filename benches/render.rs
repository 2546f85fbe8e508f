//! Build + render of relationship predicates, sqlrel against the same SQL
//! written by hand with sea-query (the fastest hand-written form: WHERE
//! folded into one expression and added once, chains ended with `take()`,
//! `&'static str` identifiers).
//!
//! Run: `cargo bench --bench render`; results are recorded in BENCHMARKS.md.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use sea_query::{Alias, Asterisk, Expr as SqExpr, ExprTrait, PostgresQueryBuilder, Query};
use sqlrel::expr::Expr;
use sqlrel::query::{Dialect, Select};
use sqlrel::registry::Registry;
use sqlrel::relationship::RelationshipConfig;
use sqlrel::schema::Schema;

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
            let select = Select::from(&users)
                .column(Expr::col(users_id.clone()))
                .filter(pred);
            black_box(select.build(Dialect::Postgres).expect("build"))
        })
    });
    group.bench_function("sea-query by hand", |b| {
        b.iter(|| {
            let sub = Query::select()
                .expr(SqExpr::cust("1"))
                .from("addresses")
                .and_where(
                    SqExpr::col(("users", "id"))
                        .equals(("addresses", "user_id"))
                        .and(SqExpr::col(("addresses", "email")).like("%@example.com")),
                )
                .take();
            let stmt = Query::select()
                .column(("users", "id"))
                .from("users")
                .and_where(SqExpr::exists(sub))
                .take();
            black_box(stmt.build(PostgresQueryBuilder))
        })
    });
    group.finish();

    let mut group = c.benchmark_group("m2m any");
    group.bench_function("sqlrel", |b| {
        b.iter(|| {
            let pred = m2m
                .any(Expr::col(keyword_name.clone()).eq("rust"))
                .expect("any");
            let select = Select::from(&users)
                .column(Expr::col(users_id.clone()))
                .filter(pred);
            black_box(select.build(Dialect::Postgres).expect("build"))
        })
    });
    group.bench_function("sea-query by hand", |b| {
        b.iter(|| {
            let sub = Query::select()
                .expr(SqExpr::cust("1"))
                .from("keywords")
                .from("user_keywords")
                .and_where(
                    SqExpr::col(("users", "id"))
                        .equals(("user_keywords", "user_id"))
                        .and(
                            SqExpr::col(("keywords", "id")).equals(("user_keywords", "keyword_id")),
                        )
                        .and(SqExpr::col(("keywords", "name")).eq("rust")),
                )
                .take();
            let stmt = Query::select()
                .column(("users", "id"))
                .from("users")
                .and_where(SqExpr::exists(sub))
                .take();
            black_box(stmt.build(PostgresQueryBuilder))
        })
    });
    group.finish();

    let mut group = c.benchmark_group("m2o has");
    group.bench_function("sqlrel", |b| {
        b.iter(|| {
            let pred = m2o
                .has(Expr::col(user_name.clone()).eq("alice"))
                .expect("has");
            let select = Select::from(&addresses)
                .column(Expr::col(addresses_id.clone()))
                .filter(pred);
            black_box(select.build(Dialect::Postgres).expect("build"))
        })
    });
    group.bench_function("sea-query by hand", |b| {
        b.iter(|| {
            let sub = Query::select()
                .expr(SqExpr::cust("1"))
                .from("users")
                .and_where(
                    SqExpr::col(("users", "id"))
                        .equals(("addresses", "user_id"))
                        .and(SqExpr::col(("users", "name")).eq("alice")),
                )
                .take();
            let stmt = Query::select()
                .column(("addresses", "id"))
                .from("addresses")
                .and_where(SqExpr::exists(sub))
                .take();
            black_box(stmt.build(PostgresQueryBuilder))
        })
    });
    group.finish();
    let _ = (Alias::new("unused"), Asterisk);
}

criterion_group!(benches, bench);
criterion_main!(benches);
