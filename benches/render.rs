//! Build + render of relationship predicates, next to the same statements
//! written by hand with sea-query in its fastest form (see
//! [`select_ids_by_hand`]).
//!
//! Groups are `<case> / <dialect>`; each times `sqlrel` (predicate built
//! from the configured relationship, `Select`, conversion to sea-query,
//! sea-query's rendering) and `sea-query by hand` (the same statement
//! built directly), after checking that both write the same SQL and values:
//!
//! * `o2m any`: `users.addresses.any(addresses.email LIKE ..)`;
//! * `m2m any`: `users.keywords.any(keywords.name = ..)` (through
//!   `user_keywords`);
//! * `m2o has`: `addresses.user.has(users.name = ..)`;
//! * `m2m contains`: `users.keywords.contains(keyword 7)` (`EXISTS` over the
//!   association table alone);
//! * `o2m with_parent`: the addresses of user 5 (the lazy clause, bound).
//!
//! Run: `cargo bench --bench render`; results are recorded in BENCHMARKS.md.

mod common;

use std::hint::black_box;
use std::sync::Arc;

use common::predicates::{registry, select_ids, select_ids_by_hand};
use criterion::{Criterion, criterion_group, criterion_main};
use sea_query::{
    Expr as SqExpr, ExprTrait, MysqlQueryBuilder, PostgresQueryBuilder, QueryBuilder,
    SqliteQueryBuilder,
};
use sqlrel::comparator::Row;
use sqlrel::expr::Expr;
use sqlrel::query::Dialect;
use sqlrel::registry::Registry;
use sqlrel::schema::{ColumnRef, Table};

type Built = (String, sea_query::Values);

/// A statement written by hand: the table whose ids are selected, the
/// tables of the `EXISTS` subquery (none: a plain `WHERE`), the condition.
type ByHand = fn() -> (&'static str, &'static [&'static str], SqExpr);

/// One benchmark case: its name, the table whose ids sqlrel selects with
/// its id column, the predicate (built inside the timing, with the
/// statement), and the hand-written statement.
struct Case<'r> {
    name: &'static str,
    selected: (Arc<Table>, ColumnRef),
    predicate: Box<dyn Fn() -> Expr + 'r>,
    by_hand: ByHand,
}

impl Case<'_> {
    /// sqlrel's statement for `dialect`.
    fn sqlrel(&self, dialect: Dialect) -> Built {
        let (table, id) = &self.selected;
        select_ids(dialect, table, id, (self.predicate)())
    }
}

fn cases(registry: &Registry) -> Vec<Case<'_>> {
    let schema = registry.schema();
    let table = |name| schema.table(name).expect("table").clone();
    let column = |name| schema.column(name).expect("column");
    let relationship = |name| registry.relationship(name).expect("relationship");
    let users_ids = (table("users"), column("users.id"));
    let addresses_ids = (table("addresses"), column("addresses.id"));
    let (email, keyword_name, user_name) = (
        column("addresses.email"),
        column("keywords.name"),
        column("users.name"),
    );
    let o2m = relationship("users.addresses");
    let m2m = relationship("users.keywords");
    let m2o = relationship("addresses.user");
    let keyword = Row::new().with("id", 7);
    let parent = Row::new().with("id", 5);
    vec![
        Case {
            name: "o2m any",
            selected: users_ids.clone(),
            predicate: Box::new(move || {
                o2m.any(Expr::col(email.clone()).like("%@example.com"))
                    .expect("any")
            }),
            by_hand: || {
                let condition = SqExpr::col(("users", "id"))
                    .equals(("addresses", "user_id"))
                    .and(SqExpr::col(("addresses", "email")).like("%@example.com"));
                ("users", &["addresses"], condition)
            },
        },
        Case {
            name: "m2m any",
            selected: users_ids.clone(),
            predicate: Box::new(move || {
                m2m.any(Expr::col(keyword_name.clone()).eq("rust"))
                    .expect("any")
            }),
            by_hand: || {
                let condition = SqExpr::col(("users", "id"))
                    .equals(("user_keywords", "user_id"))
                    .and(SqExpr::col(("keywords", "id")).equals(("user_keywords", "keyword_id")))
                    .and(SqExpr::col(("keywords", "name")).eq("rust"));
                ("users", &["keywords", "user_keywords"], condition)
            },
        },
        Case {
            name: "m2o has",
            selected: addresses_ids.clone(),
            predicate: Box::new(move || {
                m2o.has(Expr::col(user_name.clone()).eq("alice"))
                    .expect("has")
            }),
            by_hand: || {
                let condition = SqExpr::col(("users", "id"))
                    .equals(("addresses", "user_id"))
                    .and(SqExpr::col(("users", "name")).eq("alice"));
                ("addresses", &["users"], condition)
            },
        },
        Case {
            name: "m2m contains",
            selected: users_ids,
            predicate: Box::new(move || m2m.contains(&keyword).expect("contains")),
            by_hand: || {
                let condition = SqExpr::col(("users", "id"))
                    .equals(("user_keywords", "user_id"))
                    .and(SqExpr::val(7i64).equals(("user_keywords", "keyword_id")));
                ("users", &["user_keywords"], condition)
            },
        },
        Case {
            name: "o2m with_parent",
            selected: addresses_ids,
            predicate: Box::new(move || o2m.with_parent(&parent).expect("with_parent")),
            by_hand: || {
                let condition = SqExpr::val(5i64).equals(("addresses", "user_id"));
                ("addresses", &[], condition)
            },
        },
    ]
}

/// Every case for one dialect.
fn per_dialect<B: QueryBuilder + Default>(c: &mut Criterion, cases: &[Case<'_>], dialect: Dialect) {
    let dialect_name = match dialect {
        Dialect::Postgres => "postgres",
        Dialect::MySql => "mysql",
        Dialect::Sqlite => "sqlite",
    };
    for case in cases {
        let sqlrel = || case.sqlrel(dialect);
        let by_hand = || {
            let (table, from, condition) = (case.by_hand)();
            select_ids_by_hand(B::default(), table, from, condition)
        };
        let name = format!("{} / {dialect_name}", case.name);
        assert_eq!(
            sqlrel(),
            by_hand(),
            "{name}: both sides must write the same statement"
        );
        let mut group = c.benchmark_group(name);
        group.bench_function("sqlrel", |b| b.iter(|| black_box(sqlrel())));
        group.bench_function("sea-query by hand", |b| b.iter(|| black_box(by_hand())));
        group.finish();
    }
}

fn bench(c: &mut Criterion) {
    let registry = registry();
    let cases = cases(&registry);
    per_dialect::<PostgresQueryBuilder>(c, &cases, Dialect::Postgres);
    per_dialect::<MysqlQueryBuilder>(c, &cases, Dialect::MySql);
    per_dialect::<SqliteQueryBuilder>(c, &cases, Dialect::Sqlite);
}

criterion_group!(benches, bench);
criterion_main!(benches);
