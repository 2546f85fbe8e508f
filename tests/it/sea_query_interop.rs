//! sqlrel predicates and statements handed to sea-query: an `Expr` or a
//! `Condition` dropped into a statement built with sea-query renders the
//! same SQL as sqlrel's own `Select`, and returns the same rows.

use crate::common;

use sea_query::{Cond, ExprTrait, Order as SqOrder, Query, SqliteQueryBuilder};
use sqlrel::expr::Expr;
use sqlrel::query::{Dialect, Order, Select};
use sqlrel::registry::Registry;
use sqlrel::relationship::RelationshipConfig;
use sqlrel::schema::Schema;

use common::engines::{Engine, Sqlite};

const DDL: &str = "
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), email TEXT);";
const DATA: &str = "
INSERT INTO users VALUES (1, 'ann'), (2, 'bob'), (3, 'cy');
INSERT INTO addresses VALUES (1, 1, 'ann@x.com'), (2, 2, 'bob@y.org'), (3, 2, 'bob@x.com');";

fn registry() -> Registry {
    Registry::builder(Schema::from_ddl(DDL).expect("DDL"))
        .relationship(RelationshipConfig::new("users", "addresses", "addresses").backref("user"))
        .configure()
        .expect("configure")
}

fn ids(db: &mut Sqlite, sql: &str) -> Vec<Option<i64>> {
    db.rows(sql, &[])
        .expect("query")
        .into_iter()
        .map(|r| r[0])
        .collect()
}

#[test]
fn expr_and_condition_drop_into_sea_query_statements() {
    let reg = registry();
    let s = reg.schema();
    let pred = reg
        .relationship("users.addresses")
        .unwrap()
        .any(s.col("addresses.email").unwrap().like("%@x.com"))
        .unwrap();

    let ours = Select::from(s.table("users").unwrap())
        .column(s.col("users.id").unwrap())
        .filter(pred.clone())
        .order_by(s.col("users.id").unwrap(), Order::Asc)
        .to_string(Dialect::Sqlite)
        .unwrap();
    let with_expr = Query::select()
        .column(("users", "id"))
        .from("users")
        .and_where(pred.to_sea_query().unwrap())
        .order_by(("users", "id"), SqOrder::Asc)
        .to_string(SqliteQueryBuilder);
    let with_condition = Query::select()
        .column(("users", "id"))
        .from("users")
        .cond_where(pred.to_sea_condition().unwrap())
        .order_by(("users", "id"), SqOrder::Asc)
        .to_string(SqliteQueryBuilder);
    assert_eq!(with_expr, ours);
    assert_eq!(with_condition, ours);

    // Negated and combined with a sea-query condition, it still composes.
    let not_x_or_cy = Query::select()
        .column(("users", "id"))
        .from("users")
        .cond_where(
            Cond::any()
                .add(pred.to_sea_query().unwrap().not())
                .add(sea_query::Expr::col(("users", "name")).eq("cy")),
        )
        .order_by(("users", "id"), SqOrder::Asc)
        .to_string(SqliteQueryBuilder);

    let mut db = Sqlite::new();
    db.execute(DDL);
    db.execute(DATA);
    assert_eq!(ids(&mut db, &ours), vec![Some(1), Some(2)]);
    assert_eq!(ids(&mut db, &with_condition), vec![Some(1), Some(2)]);
    assert_eq!(ids(&mut db, &not_x_or_cy), vec![Some(3)]);
}

#[test]
fn select_converts_to_a_sea_query_statement() {
    let reg = registry();
    let s = reg.schema();
    let select = Select::from(s.table("addresses").unwrap())
        .column(s.col("addresses.id").unwrap())
        .filter(
            reg.relationship("addresses.user")
                .unwrap()
                .has(s.col("users.name").unwrap().eq("bob"))
                .unwrap(),
        );
    let mut stmt = select.to_sea_query().unwrap();
    // A sea-query user can keep building on it.
    stmt.and_where(sea_query::Expr::col(("addresses", "id")).gt(2));
    let sql = stmt.to_string(SqliteQueryBuilder);
    let mut db = Sqlite::new();
    db.execute(DDL);
    db.execute(DATA);
    assert_eq!(ids(&mut db, &sql), vec![Some(3)]);
}

#[test]
fn concatenation_needs_a_dialect() {
    let reg = registry();
    let s = reg.schema();
    let e = s
        .col("users.name")
        .unwrap()
        .binary(sqlrel::expr::BinaryOp::Concat, Expr::val("!"));
    assert!(matches!(
        e.to_sea_query(),
        Err(sqlrel::Error::Render { .. })
    ));
    let mysql = Query::select()
        .expr(e.to_sea_query_for(Dialect::MySql).unwrap())
        .to_string(sea_query::MysqlQueryBuilder);
    assert_eq!(mysql, "SELECT CONCAT(`users`.`name`, '!')");
    let sqlite = Query::select()
        .expr(e.to_sea_query_for(Dialect::Sqlite).unwrap())
        .to_string(SqliteQueryBuilder);
    assert_eq!(sqlite, r#"SELECT "users"."name" || '!'"#);
}
