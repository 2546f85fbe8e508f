//! Layer 2: the expression AST: Display, negation, annotations, traversal
//! helpers and `parse_condition`.

use std::sync::Arc;

use crate::common::on_small_stack;
use sqlrel::ErrorKind;
use sqlrel::expr::{
    Annotations, BinaryOp, BindKey, CastType, ColumnExpr, Expr, FromItem, Projection, Subquery,
    TableAlias, Value, foreign, parse_condition, remote,
};
use sqlrel::query::{Dialect, Select};
use sqlrel::schema::{ColumnRef, Schema};

fn schema() -> Schema {
    Schema::from_ddl(
        r#"CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, age INTEGER);
           CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), email TEXT);
           CREATE TABLE nodes (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES nodes(id), data TEXT);
           CREATE TABLE "order" (id INTEGER PRIMARY KEY, "Name" TEXT, "my col" INTEGER, "we""ird" INTEGER);
           CREATE TABLE "my table" (id INTEGER PRIMARY KEY);
           CREATE TABLE "ユーザー" (id INTEGER PRIMARY KEY, "名前" TEXT);
           CREATE TABLE "Users" (id INTEGER PRIMARY KEY);
           CREATE TABLE public.accounts (id INTEGER PRIMARY KEY, owner_id INTEGER);
           CREATE TABLE public.dup (id INTEGER PRIMARY KEY);
           CREATE TABLE other.dup (id INTEGER PRIMARY KEY);"#,
    )
    .expect("schema")
}

fn col(s: &Schema, name: &str) -> Expr {
    Expr::col(s.column(name).expect(name))
}

fn cref(s: &Schema, name: &str) -> ColumnRef {
    s.column(name).expect(name)
}

fn parse(s: &Schema, text: &str) -> Expr {
    parse_condition(text, s).unwrap_or_else(|e| panic!("{text}: {e}"))
}

#[track_caller]
fn parse_err(s: &Schema, text: &str) -> sqlrel::Error {
    match parse_condition(text, s) {
        Ok(e) => panic!("{text:?} parsed as {e}"),
        Err(e) => e,
    }
}

fn strip(e: &Expr) -> Expr {
    e.clone()
        .deannotate(Annotations::FOREIGN | Annotations::REMOTE | Annotations::LOCAL)
}

// ---------------------------------------------------------------------------
// Display: precedence and parentheses
// ---------------------------------------------------------------------------

#[test]
fn display_simple_comparison() {
    let s = schema();
    let e = col(&s, "users.id").eq(col(&s, "addresses.user_id"));
    assert_eq!(e.to_string(), "users.id = addresses.user_id");
}

#[test]
fn display_or_inside_and_is_parenthesized() {
    let s = schema();
    let e = col(&s, "users.id")
        .eq(1)
        .or(col(&s, "users.id").eq(2))
        .and(col(&s, "users.name").eq("x"));
    assert_eq!(
        e.to_string(),
        "(users.id = 1 OR users.id = 2) AND users.name = 'x'"
    );
}

#[test]
fn display_and_inside_or_needs_no_parentheses() {
    let s = schema();
    let e = col(&s, "users.id")
        .eq(1)
        .or(col(&s, "users.id").eq(2).and(col(&s, "users.name").eq("x")));
    assert_eq!(
        e.to_string(),
        "users.id = 1 OR users.id = 2 AND users.name = 'x'"
    );
}

#[test]
fn display_and_or_flatten_nested_lists() {
    let s = schema();
    let a = col(&s, "users.id").eq(1);
    let b = col(&s, "users.id").eq(2);
    let c = col(&s, "users.id").eq(3);
    let and = a.clone().and(b.clone().and(c.clone()));
    assert!(matches!(&and, Expr::And(items) if items.len() == 3));
    assert_eq!(
        and.to_string(),
        "users.id = 1 AND users.id = 2 AND users.id = 3"
    );
    let or = a.or(b).or(c);
    assert!(matches!(&or, Expr::Or(items) if items.len() == 3));
    assert_eq!(
        or.to_string(),
        "users.id = 1 OR users.id = 2 OR users.id = 3"
    );
}

#[test]
fn display_empty_and_single_item_lists() {
    let s = schema();
    assert_eq!(Expr::all([]).to_string(), "1 = 1");
    assert_eq!(Expr::any([]).to_string(), "1 = 0");
    assert_eq!(Expr::And(vec![]).to_string(), "1 = 1");
    assert_eq!(Expr::Or(vec![]).to_string(), "1 = 0");
    let single = Expr::all([col(&s, "users.id").eq(1)]);
    assert!(
        matches!(single, Expr::Binary(_)),
        "a single item is returned as is"
    );
    // An OR that is the only item of a hand-built AND keeps its parentheses.
    let or = col(&s, "users.id").eq(1).or(col(&s, "users.id").eq(2));
    assert_eq!(
        Expr::And(vec![or]).to_string(),
        "(users.id = 1 OR users.id = 2)"
    );
}

#[test]
fn display_not_wraps_its_operand() {
    let s = schema();
    let e = col(&s, "users.id")
        .eq(1)
        .and(col(&s, "users.id").eq(2))
        .not();
    assert_eq!(e.to_string(), "NOT (users.id = 1 AND users.id = 2)");
    let inside_and = e.and(col(&s, "users.name").eq("x"));
    assert_eq!(
        inside_and.to_string(),
        "NOT (users.id = 1 AND users.id = 2) AND users.name = 'x'"
    );
    let not_col = Expr::Not(Box::new(col(&s, "users.id")));
    assert_eq!(not_col.to_string(), "NOT (users.id)");
}

#[test]
fn display_is_null_and_is_not_null() {
    let s = schema();
    assert_eq!(
        col(&s, "addresses.user_id").is_null().to_string(),
        "addresses.user_id IS NULL"
    );
    assert_eq!(
        col(&s, "addresses.user_id").is_not_null().to_string(),
        "addresses.user_id IS NOT NULL"
    );
    // A comparison tested for NULL is parenthesized; arithmetic is not.
    let cmp = col(&s, "users.id").eq(1).is_null();
    assert_eq!(cmp.to_string(), "(users.id = 1) IS NULL");
    let arith = col(&s, "users.id").binary(BinaryOp::Add, 1).is_null();
    assert_eq!(arith.to_string(), "users.id + 1 IS NULL");
}

#[test]
fn display_in_list() {
    let s = schema();
    let e = col(&s, "users.id").in_list([1, 2, 3]);
    assert_eq!(e.to_string(), "users.id IN (1, 2, 3)");
    assert_eq!(e.not().to_string(), "users.id NOT IN (1, 2, 3)");
    let strings = col(&s, "users.name").in_list(["a", "b'c"]);
    assert_eq!(strings.to_string(), "users.name IN ('a', 'b''c')");
}

#[test]
fn display_like_and_not_like() {
    let s = schema();
    let e = col(&s, "addresses.email").like("%@example.com");
    assert_eq!(e.to_string(), "addresses.email LIKE '%@example.com'");
    let n = col(&s, "addresses.email").not_like("%@x");
    assert_eq!(n.to_string(), "addresses.email NOT LIKE '%@x'");
}

#[test]
fn display_arithmetic_precedence() {
    let s = schema();
    let (a, b, c) = (col(&s, "users.id"), col(&s, "users.age"), Expr::val(2));
    let sub_right = a
        .clone()
        .binary(BinaryOp::Sub, b.clone().binary(BinaryOp::Sub, c.clone()));
    assert_eq!(sub_right.to_string(), "users.id - (users.age - 2)");
    let sub_left = a
        .clone()
        .binary(BinaryOp::Sub, b.clone())
        .binary(BinaryOp::Sub, c.clone());
    assert_eq!(sub_left.to_string(), "users.id - users.age - 2");
    let mul_of_sum = a
        .clone()
        .binary(BinaryOp::Mul, b.clone().binary(BinaryOp::Add, c.clone()));
    assert_eq!(mul_of_sum.to_string(), "users.id * (users.age + 2)");
    let sum_of_mul = a
        .clone()
        .binary(BinaryOp::Mul, b.clone())
        .binary(BinaryOp::Add, c.clone());
    assert_eq!(sum_of_mul.to_string(), "users.id * users.age + 2");
    let div = a
        .clone()
        .binary(BinaryOp::Div, b.clone().binary(BinaryOp::Mul, c.clone()));
    assert_eq!(div.to_string(), "users.id / (users.age * 2)");
    let modulo = a.clone().binary(BinaryOp::Mod, c.clone());
    assert_eq!(modulo.to_string(), "users.id % 2");
    let cmp = a.binary(BinaryOp::Add, 1).eq(b.binary(BinaryOp::Mul, c));
    assert_eq!(cmp.to_string(), "users.id + 1 = users.age * 2");
}

#[test]
fn display_comparison_as_operand_is_parenthesized() {
    let s = schema();
    let e = col(&s, "users.id")
        .eq(col(&s, "users.age"))
        .eq(Expr::val(true));
    assert_eq!(e.to_string(), "(users.id = users.age) = true");
    let and_operand = col(&s, "users.id")
        .eq(1)
        .and(col(&s, "users.age").eq(2))
        .ne(Expr::val(false));
    assert_eq!(
        and_operand.to_string(),
        "(users.id = 1 AND users.age = 2) != false"
    );
}

#[test]
fn display_functions() {
    let s = schema();
    let e = Expr::func("lower", [col(&s, "users.name")]).eq("jack");
    assert_eq!(e.to_string(), "lower(users.name) = 'jack'");
    let c = Expr::func("coalesce", [col(&s, "users.age"), Expr::val(0)]);
    assert_eq!(c.to_string(), "coalesce(users.age, 0)");
    assert_eq!(Expr::func("now", []).to_string(), "now()");
    let nested = Expr::func(
        "f",
        [col(&s, "users.id").eq(1).or(col(&s, "users.id").eq(2))],
    );
    assert_eq!(nested.to_string(), "f(users.id = 1 OR users.id = 2)");
}

#[test]
fn display_values() {
    assert_eq!(Expr::val("it's").to_string(), "'it''s'");
    assert_eq!(Expr::val("''").to_string(), "''''''");
    assert_eq!(Expr::val(Value::Null).to_string(), "NULL");
    assert_eq!(Expr::val(None::<i32>).to_string(), "NULL");
    assert_eq!(Expr::val(Some(3)).to_string(), "3");
    assert_eq!(Expr::val(true).to_string(), "true");
    assert_eq!(Expr::val(-7i64).to_string(), "-7");
    assert_eq!(Expr::val(1.5).to_string(), "1.5");
    assert_eq!(Expr::val(vec![0xABu8, 0x01]).to_string(), "X'AB01'");
    assert_eq!(Expr::val("ユーザー").to_string(), "'ユーザー'");
}

#[test]
fn display_binds() {
    let s = schema();
    let e = Expr::Bind(BindKey::Column(cref(&s, "users.id"))).eq(col(&s, "addresses.user_id"));
    assert_eq!(e.to_string(), ":id = addresses.user_id");
    let named = col(&s, "users.id").eq(Expr::Bind(BindKey::Named("p".into())));
    assert_eq!(named.to_string(), "users.id = :p");
}

#[test]
fn display_namespaced_tables() {
    let s = schema();
    let e = col(&s, "public.accounts.owner_id").eq(col(&s, "users.id"));
    assert_eq!(e.to_string(), "public.accounts.owner_id = users.id");
    assert_eq!(col(&s, "other.dup.id").to_string(), "other.dup.id");
}

#[test]
fn display_quotes_names_that_are_not_plain_identifiers() {
    let s = schema();
    assert_eq!(col(&s, "order.Name").to_string(), r#""order"."Name""#);
    assert_eq!(col(&s, "order.my col").to_string(), r#""order"."my col""#);
    assert_eq!(
        col(&s, r#"order.we"ird"#).to_string(),
        r#""order"."we""ird""#
    );
    assert_eq!(col(&s, "my table.id").to_string(), r#""my table".id"#);
    assert_eq!(col(&s, "ユーザー.名前").to_string(), r#""ユーザー"."名前""#);
    assert_eq!(col(&s, "Users.id").to_string(), r#""Users".id"#);
}

/// Quoted names in Display parse back to the same columns.
#[test]
fn display_of_quoted_names_reparses() {
    let s = schema();
    for text in [
        r#""order"."Name" = 'x'"#,
        r#""order"."my col" = "order"."we""ird""#,
        r#""my table".id = "ユーザー".id"#,
        r#""ユーザー"."名前" LIKE '%'"#,
        r#""Users".id = users.id"#,
    ] {
        let e = parse(&s, text);
        assert_eq!(parse(&s, &e.to_string()), e, "{text} -> {e}");
    }
}

/// SQLAlchemy's `str()` quotes reserved words (`"order".id`, `"user".id`),
/// and the Display of a join condition should parse back with
/// `parse_condition`.
#[test]
fn display_quotes_reserved_words() {
    let s = Schema::from_ddl(
        r#"CREATE TABLE "user" (id INTEGER PRIMARY KEY);
           CREATE TABLE "null" (id INTEGER PRIMARY KEY);
           CREATE TABLE "order" (id INTEGER PRIMARY KEY, "select" INTEGER);"#,
    )
    .unwrap();
    let e = parse(&s, r#""user".id = "null".id"#);
    let shown = e.to_string();
    assert_eq!(shown, r#""user".id = "null".id"#);
    assert_eq!(parse_condition(&shown, &s).ok(), Some(e));
    assert_eq!(
        parse(&s, r#""order"."select" = 1"#).to_string(),
        r#""order"."select" = 1"#
    );
}

// ---------------------------------------------------------------------------
// Display: subqueries and aliases
// ---------------------------------------------------------------------------

#[test]
fn display_exists_subquery_and_its_negation() {
    let s = schema();
    let addresses = Arc::clone(s.table("addresses").unwrap());
    let q = Subquery {
        projection: Projection::One,
        from: vec![FromItem {
            table: addresses,
            alias: None,
        }],
        filter: Some(
            col(&s, "users.id")
                .eq(col(&s, "addresses.user_id"))
                .and(col(&s, "addresses.email").like("%@x")),
        ),
    };
    let e = Expr::exists(q.clone());
    assert_eq!(
        e.to_string(),
        "EXISTS (SELECT 1 FROM addresses WHERE users.id = addresses.user_id AND addresses.email LIKE '%@x')"
    );
    // Like SQLAlchemy: NOT (EXISTS (...)).
    assert_eq!(
        e.not().to_string(),
        "NOT (EXISTS (SELECT 1 FROM addresses WHERE users.id = addresses.user_id AND addresses.email LIKE '%@x'))"
    );
    assert_eq!(
        q.to_string(),
        "SELECT 1 FROM addresses WHERE users.id = addresses.user_id AND addresses.email LIKE '%@x'"
    );
}

#[test]
fn display_scalar_subquery() {
    let s = schema();
    let q = Subquery {
        projection: Projection::Exprs(vec![Expr::func("max", [col(&s, "addresses.id")])]),
        from: vec![FromItem {
            table: Arc::clone(s.table("addresses").unwrap()),
            alias: None,
        }],
        filter: None,
    };
    let e = col(&s, "users.id").lt(Expr::Subquery(Box::new(q)));
    assert_eq!(
        e.to_string(),
        "users.id < (SELECT max(addresses.id) FROM addresses)"
    );
}

#[test]
fn display_anonymous_aliases_are_numbered_in_order_of_appearance() {
    let s = schema();
    let nodes = Arc::clone(s.table("nodes").unwrap());
    let (a1, a2) = (TableAlias::anonymous(), TableAlias::anonymous());
    assert_ne!(a1, a2);
    let q = Subquery {
        projection: Projection::One,
        from: vec![
            FromItem {
                table: Arc::clone(&nodes),
                alias: Some(a1.clone()),
            },
            FromItem {
                table: Arc::clone(&nodes),
                alias: Some(a2.clone()),
            },
        ],
        filter: Some(
            col(&s, "nodes.id")
                .eq(Expr::aliased_col(cref(&s, "nodes.parent_id"), a1.clone()))
                .and(
                    Expr::aliased_col(cref(&s, "nodes.id"), a1)
                        .eq(Expr::aliased_col(cref(&s, "nodes.parent_id"), a2)),
                ),
        ),
    };
    let e = Expr::exists(q);
    let expected = "EXISTS (SELECT 1 FROM nodes AS nodes_1, nodes AS nodes_2 WHERE \
                    nodes.id = nodes_1.parent_id AND nodes_1.id = nodes_2.parent_id)";
    assert_eq!(e.to_string(), expected);
    // Numbering is per Display call: the same text every time.
    assert_eq!(e.to_string(), expected);
}

#[test]
fn display_named_alias() {
    let s = schema();
    let e = Expr::aliased_col(cref(&s, "nodes.id"), TableAlias::named("parent"))
        .eq(col(&s, "nodes.parent_id"));
    assert_eq!(e.to_string(), "parent.id = nodes.parent_id");
    let quoted = Expr::aliased_col(cref(&s, "nodes.id"), TableAlias::named("Parent Node"));
    assert_eq!(quoted.to_string(), r#""Parent Node".id"#);
}

// ---------------------------------------------------------------------------
// not()
// ---------------------------------------------------------------------------

#[test]
fn not_negates_comparison_operators_like_sqlalchemy() {
    let s = schema();
    let cases = [
        (BinaryOp::Eq, "users.id != 1"),
        (BinaryOp::NotEq, "users.id = 1"),
        (BinaryOp::Lt, "users.id >= 1"),
        (BinaryOp::LtEq, "users.id > 1"),
        (BinaryOp::Gt, "users.id <= 1"),
        (BinaryOp::GtEq, "users.id < 1"),
        (BinaryOp::Like, "users.id NOT LIKE 1"),
        (BinaryOp::NotLike, "users.id LIKE 1"),
        (BinaryOp::ILike, "users.id NOT ILIKE 1"),
        (BinaryOp::NotILike, "users.id ILIKE 1"),
    ];
    for (op, expected) in cases {
        let e = col(&s, "users.id").binary(op, 1);
        assert_eq!(e.clone().not().to_string(), expected, "{op:?}");
        assert_eq!(e.clone().not().not(), e, "double negation of {op:?}");
        assert_eq!(op.negate().and_then(BinaryOp::negate), Some(op));
    }
}

#[test]
fn not_of_arithmetic_wraps_in_not() {
    let s = schema();
    let e = col(&s, "users.id").binary(BinaryOp::Add, 1);
    assert_eq!(BinaryOp::Add.negate(), None);
    let n = e.clone().not();
    assert!(matches!(&n, Expr::Not(inner) if **inner == e));
    assert_eq!(n.to_string(), "NOT (users.id + 1)");
    assert_eq!(n.not(), e);
}

#[test]
fn not_flips_is_null_and_in() {
    let s = schema();
    let e = col(&s, "users.id").is_null();
    assert_eq!(e.clone().not(), col(&s, "users.id").is_not_null());
    assert_eq!(e.clone().not().not(), e);
    let i = col(&s, "users.id").in_list([1]);
    assert!(matches!(
        i.clone().not(),
        Expr::InList { negated: true, .. }
    ));
    assert_eq!(i.clone().not().not(), i);
}

#[test]
fn not_of_and_or_exists_wraps_and_double_negation_cancels() {
    let s = schema();
    let and = col(&s, "users.id").eq(1).and(col(&s, "users.age").eq(2));
    let n = and.clone().not();
    assert!(matches!(&n, Expr::Not(_)));
    assert_eq!(n.not(), and);
    let or = col(&s, "users.id").eq(1).or(col(&s, "users.age").eq(2));
    assert_eq!(or.clone().not().not(), or);
}

// ---------------------------------------------------------------------------
// Annotations, foreign() / remote(), columns_with, has_annotation
// ---------------------------------------------------------------------------

#[test]
fn annotations_bit_set() {
    let a = Annotations::FOREIGN | Annotations::REMOTE;
    assert!(a.contains(Annotations::FOREIGN));
    assert!(a.contains(Annotations::FOREIGN | Annotations::REMOTE));
    assert!(!a.contains(Annotations::LOCAL));
    assert!(a.intersects(Annotations::LOCAL | Annotations::REMOTE));
    assert!(!a.intersects(Annotations::LOCAL));
    assert!(Annotations::NONE.is_empty());
    assert!(Annotations::default().is_empty());
    assert_eq!(a.without(Annotations::FOREIGN), Annotations::REMOTE);
    assert_eq!(
        Annotations::NONE.with(Annotations::LOCAL),
        Annotations::LOCAL
    );
    let mut b = Annotations::NONE;
    b |= Annotations::LOCAL;
    assert_eq!(b, Annotations::LOCAL);
    assert_eq!(a.to_string(), "foreign, remote");
    assert_eq!(
        (Annotations::LOCAL | Annotations::FOREIGN | Annotations::REMOTE).to_string(),
        "foreign, remote, local"
    );
    assert_eq!(Annotations::NONE.to_string(), "");
}

#[test]
fn foreign_and_remote_annotate_every_column_of_the_expression() {
    let s = schema();
    let e = foreign(col(&s, "users.id").binary(BinaryOp::Mul, col(&s, "users.age")));
    let mut seen = 0;
    e.for_each_column(&mut |c| {
        seen += 1;
        assert_eq!(c.annotations, Annotations::FOREIGN);
    });
    assert_eq!(seen, 2);
    let r = remote(foreign(cref(&s, "addresses.user_id")));
    assert_eq!(
        r.as_column().unwrap().annotations,
        Annotations::FOREIGN | Annotations::REMOTE
    );
    // Annotations are invisible in Display.
    assert_eq!(r.to_string(), "addresses.user_id");
}

#[test]
fn annotate_and_deannotate() {
    let s = schema();
    let e = col(&s, "users.id")
        .eq(col(&s, "addresses.user_id"))
        .annotate(Annotations::LOCAL | Annotations::REMOTE);
    assert!(e.has_annotation(Annotations::LOCAL | Annotations::REMOTE));
    let d = e.deannotate(Annotations::LOCAL);
    assert!(!d.has_annotation(Annotations::LOCAL));
    assert!(d.has_annotation(Annotations::REMOTE));
}

#[test]
fn has_annotation_requires_all_bits_on_one_column() {
    let s = schema();
    let e = foreign(col(&s, "users.id")).eq(remote(col(&s, "addresses.user_id")));
    assert!(e.has_annotation(Annotations::FOREIGN));
    assert!(e.has_annotation(Annotations::REMOTE));
    assert!(!e.has_annotation(Annotations::FOREIGN | Annotations::REMOTE));
    assert!(!e.has_annotation(Annotations::LOCAL));
    assert!(!Expr::val(1).has_annotation(Annotations::NONE));
    assert!(
        e.has_annotation(Annotations::NONE),
        "every column carries the empty set"
    );
}

#[test]
fn columns_with_is_distinct_in_order_of_first_appearance() {
    let s = schema();
    let e = parse(
        &s,
        "foreign(addresses.user_id) = users.id AND foreign(addresses.email) = users.name \
         AND foreign(addresses.user_id) > 0",
    );
    let fk: Vec<String> = e
        .columns_with(Annotations::FOREIGN)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(fk, ["addresses.user_id", "addresses.email"]);
    let all: Vec<String> = e
        .columns_with(Annotations::NONE)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        all,
        [
            "addresses.user_id",
            "users.id",
            "addresses.email",
            "users.name"
        ]
    );
    assert!(e.columns_with(Annotations::REMOTE).is_empty());
}

#[test]
fn columns_with_ignores_aliases_and_descends_into_subqueries() {
    let s = schema();
    let alias = TableAlias::named("n");
    let inner = remote(Expr::aliased_col(cref(&s, "nodes.id"), alias.clone()))
        .eq(remote(col(&s, "nodes.id")));
    let q = Subquery {
        projection: Projection::One,
        from: vec![FromItem {
            table: Arc::clone(s.table("nodes").unwrap()),
            alias: Some(alias),
        }],
        filter: Some(inner),
    };
    let e = Expr::exists(q);
    assert_eq!(
        e.columns_with(Annotations::REMOTE),
        vec![cref(&s, "nodes.id")]
    );
    assert!(e.has_annotation(Annotations::REMOTE));
}

#[test]
fn same_column_compares_column_and_alias_not_annotations() {
    let s = schema();
    let plain = ColumnExpr {
        column: cref(&s, "nodes.id"),
        alias: None,
        annotations: Annotations::NONE,
    };
    let marked = ColumnExpr {
        annotations: Annotations::REMOTE,
        ..plain.clone()
    };
    let aliased = ColumnExpr {
        alias: Some(TableAlias::named("n")),
        ..plain.clone()
    };
    assert!(plain.same_column(&marked));
    assert!(!plain.same_column(&aliased));
    assert_ne!(plain, marked, "PartialEq does see annotations");
}

// ---------------------------------------------------------------------------
// replace_columns, walk
// ---------------------------------------------------------------------------

#[test]
fn replace_columns_substitutes_selected_columns_everywhere() {
    let s = schema();
    let users_id = cref(&s, "users.id");
    let mut e = parse(
        &s,
        "users.id = addresses.user_id AND lower(users.name) = 'x' AND users.id IN (1, users.id)",
    );
    let mut replaced = 0;
    e.replace_columns(&mut |c| {
        (c.column == users_id).then(|| {
            replaced += 1;
            Expr::Bind(BindKey::Column(c.column.clone()))
        })
    });
    assert_eq!(replaced, 3);
    assert_eq!(
        e.to_string(),
        ":id = addresses.user_id AND lower(users.name) = 'x' AND :id IN (1, :id)"
    );
}

#[test]
fn replace_columns_keeps_columns_when_none_and_reaches_subqueries() {
    let s = schema();
    let original = col(&s, "users.id").eq(1);
    let mut e = original.clone();
    e.replace_columns(&mut |_| None);
    assert_eq!(e, original);

    let q = Subquery {
        projection: Projection::One,
        from: vec![FromItem {
            table: Arc::clone(s.table("addresses").unwrap()),
            alias: None,
        }],
        filter: Some(col(&s, "users.id").eq(col(&s, "addresses.user_id"))),
    };
    let mut ex = Expr::exists(q);
    let users_id = cref(&s, "users.id");
    ex.replace_columns(&mut |c| (c.column == users_id).then(|| Expr::val(7)));
    assert_eq!(
        ex.to_string(),
        "EXISTS (SELECT 1 FROM addresses WHERE 7 = addresses.user_id)"
    );
}

#[test]
fn walk_visits_every_node_pre_order() {
    let s = schema();
    let e = parse(&s, "users.id = 1 AND NOT users.name IS NULL");
    let mut kinds = Vec::new();
    e.walk(&mut |x| {
        kinds.push(match x {
            Expr::And(_) => "and",
            Expr::Binary(_) => "binary",
            Expr::Column(_) => "column",
            Expr::Value(_) => "value",
            Expr::IsNull { .. } => "is_null",
            _ => "other",
        })
    });
    assert_eq!(
        kinds,
        ["and", "binary", "column", "value", "is_null", "column"]
    );
}

// ---------------------------------------------------------------------------
// visit_binary_product
// ---------------------------------------------------------------------------

/// The pairs of `visit_binary_product`, each with its comparison's
/// operator (`=`, `IN`, `BETWEEN`, ...).
fn product(e: &Expr) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    e.visit_binary_product(&mut |comparison, l, r| {
        let op = match comparison {
            Expr::Binary(b) => b.op.as_sql(),
            Expr::InList { negated: false, .. } => "IN",
            Expr::InList { negated: true, .. } => "NOT IN",
            Expr::Between { negated: false, .. } => "BETWEEN",
            Expr::Between { negated: true, .. } => "NOT BETWEEN",
            other => panic!("not a comparison: {other}"),
        };
        out.push((op.to_owned(), l.column.to_string(), r.column.to_string()));
    });
    out
}

fn triple(op: BinaryOp, l: &str, r: &str) -> (String, String, String) {
    sql_triple(op.as_sql(), l, r)
}

fn sql_triple(op: &str, l: &str, r: &str) -> (String, String, String) {
    (op.to_owned(), l.to_owned(), r.to_owned())
}

#[test]
fn binary_product_of_a_conjunction() {
    let s = schema();
    let e = parse(
        &s,
        "users.id = addresses.user_id AND users.name = addresses.email",
    );
    assert_eq!(
        product(&e),
        [
            triple(BinaryOp::Eq, "users.id", "addresses.user_id"),
            triple(BinaryOp::Eq, "users.name", "addresses.email"),
        ]
    );
}

#[test]
fn binary_product_looks_into_function_operands() {
    let s = schema();
    let e = parse(&s, "lower(addresses.email) = users.name");
    assert_eq!(
        product(&e),
        [triple(BinaryOp::Eq, "addresses.email", "users.name")]
    );
}

/// SQLAlchemy's compound example (F13): `(lft.x + lft.y) = (rgt.x * rgt.y)`
/// gives the four cross pairs in this order.
#[test]
fn binary_product_of_compound_operands_is_the_cross_product() {
    let s = Schema::from_ddl(
        "CREATE TABLE lft (id INTEGER PRIMARY KEY, x INTEGER, y INTEGER);
         CREATE TABLE rgt (id INTEGER PRIMARY KEY, x INTEGER, y INTEGER);",
    )
    .unwrap();
    let e = parse(&s, "(lft.x + lft.y) = (rgt.x * rgt.y)");
    assert_eq!(
        product(&e),
        [
            triple(BinaryOp::Eq, "lft.x", "rgt.x"),
            triple(BinaryOp::Eq, "lft.x", "rgt.y"),
            triple(BinaryOp::Eq, "lft.y", "rgt.x"),
            triple(BinaryOp::Eq, "lft.y", "rgt.y"),
        ]
    );
}

#[test]
fn binary_product_reports_nested_comparisons_separately() {
    let s = schema();
    let e = parse(&s, "(users.id = addresses.user_id) = users.age");
    assert_eq!(
        product(&e),
        [triple(BinaryOp::Eq, "users.id", "addresses.user_id")]
    );
    let nested = parse(
        &s,
        "(users.id = addresses.user_id OR (users.name < addresses.email AND NOT users.age = 1))",
    );
    assert_eq!(
        product(&nested),
        [
            triple(BinaryOp::Eq, "users.id", "addresses.user_id"),
            triple(BinaryOp::Lt, "users.name", "addresses.email"),
        ]
    );
}

#[test]
fn binary_product_skips_non_comparisons_and_subqueries() {
    let s = schema();
    assert!(product(&parse(&s, "users.id + addresses.user_id")).is_empty());
    assert!(product(&parse(&s, "users.id IS NULL")).is_empty());
    assert!(product(&parse(&s, "CAST(users.id AS TEXT)")).is_empty());
    let q = Subquery {
        projection: Projection::One,
        from: vec![FromItem {
            table: Arc::clone(s.table("addresses").unwrap()),
            alias: None,
        }],
        filter: Some(col(&s, "users.id").eq(col(&s, "addresses.user_id"))),
    };
    assert!(product(&Expr::exists(q)).is_empty());
}

#[test]
fn binary_product_reports_the_operator() {
    let s = schema();
    let e = parse(
        &s,
        "users.id <= addresses.user_id OR users.name LIKE addresses.email",
    );
    assert_eq!(
        product(&e),
        [
            triple(BinaryOp::LtEq, "users.id", "addresses.user_id"),
            triple(BinaryOp::Like, "users.name", "addresses.email"),
        ]
    );
}

// ---------------------------------------------------------------------------
// parse_condition: supported constructs
// ---------------------------------------------------------------------------

#[test]
fn parse_comparisons() {
    let s = schema();
    for (text, op) in [
        ("users.id = addresses.user_id", BinaryOp::Eq),
        ("users.id != addresses.user_id", BinaryOp::NotEq),
        ("users.id <> addresses.user_id", BinaryOp::NotEq),
        ("users.id < addresses.user_id", BinaryOp::Lt),
        ("users.id <= addresses.user_id", BinaryOp::LtEq),
        ("users.id > addresses.user_id", BinaryOp::Gt),
        ("users.id >= addresses.user_id", BinaryOp::GtEq),
    ] {
        let e = parse(&s, text);
        let Expr::Binary(b) = &e else {
            panic!("{text}: {e:?}")
        };
        assert_eq!(b.op, op, "{text}");
        assert_eq!(b.left, col(&s, "users.id"));
        assert_eq!(b.right, col(&s, "addresses.user_id"));
    }
}

#[test]
fn parse_arithmetic() {
    let s = schema();
    for (text, op) in [
        ("users.id + 1", BinaryOp::Add),
        ("users.id - 1", BinaryOp::Sub),
        ("users.id * 1", BinaryOp::Mul),
        ("users.id / 1", BinaryOp::Div),
        ("users.id % 1", BinaryOp::Mod),
    ] {
        assert_eq!(parse(&s, text), col(&s, "users.id").binary(op, 1), "{text}");
    }
    assert_eq!(
        parse(&s, "users.id * (users.age + 1) = 2").to_string(),
        "users.id * (users.age + 1) = 2"
    );
}

#[test]
fn parse_and_or_not_with_sql_precedence() {
    let s = schema();
    let e = parse(&s, "users.id = 1 OR users.id = 2 AND users.age = 3");
    let Expr::Or(items) = &e else { panic!("{e:?}") };
    assert_eq!(items.len(), 2);
    assert!(matches!(&items[1], Expr::And(v) if v.len() == 2));
    let grouped = parse(&s, "(users.id = 1 OR users.id = 2) AND users.age = 3");
    assert!(matches!(&grouped, Expr::And(v) if matches!(v[0], Expr::Or(_))));
    // AND chains flatten.
    let chain = parse(&s, "users.id = 1 AND users.id = 2 AND users.id = 3");
    assert!(matches!(&chain, Expr::And(v) if v.len() == 3));
}

#[test]
fn parse_not_negates_like_sqlalchemy() {
    let s = schema();
    assert_eq!(parse(&s, "NOT users.id = 1"), col(&s, "users.id").ne(1));
    assert_eq!(parse(&s, "NOT (users.id < 1)"), col(&s, "users.id").gte(1));
    assert_eq!(parse(&s, "NOT NOT users.id = 1"), col(&s, "users.id").eq(1));
    assert_eq!(
        parse(&s, "NOT (users.id = 1 AND users.age = 2)").to_string(),
        "NOT (users.id = 1 AND users.age = 2)"
    );
}

#[test]
fn parse_is_null_in_like() {
    let s = schema();
    assert_eq!(
        parse(&s, "users.name IS NULL"),
        col(&s, "users.name").is_null()
    );
    assert_eq!(
        parse(&s, "users.name IS NOT NULL"),
        col(&s, "users.name").is_not_null()
    );
    assert_eq!(
        parse(&s, "NOT users.name IS NULL"),
        col(&s, "users.name").is_not_null()
    );
    assert_eq!(
        parse(&s, "users.id IN (1, 2, 3)"),
        col(&s, "users.id").in_list([1, 2, 3])
    );
    assert_eq!(
        parse(&s, "users.id NOT IN (1, 2)"),
        col(&s, "users.id").in_list([1, 2]).not()
    );
    assert_eq!(
        parse(&s, "addresses.email LIKE '%@x.com'"),
        col(&s, "addresses.email").like("%@x.com")
    );
    assert_eq!(
        parse(&s, "addresses.email NOT LIKE '%@x.com'"),
        col(&s, "addresses.email").not_like("%@x.com")
    );
}

#[test]
fn parse_literals() {
    let s = schema();
    let rhs = |text: &str| match parse(&s, &format!("users.id = {text}")) {
        Expr::Binary(b) => b.right,
        other => panic!("{other:?}"),
    };
    assert_eq!(rhs("42"), Expr::val(42));
    assert_eq!(rhs("-42"), Expr::val(-42));
    assert_eq!(rhs("- - 5"), Expr::val(5));
    // Numbers that are not integers keep their text exactly.
    assert_eq!(rhs("1.5"), Expr::val(Value::decimal("1.5").unwrap()));
    assert_eq!(rhs("-0.25"), Expr::val(Value::decimal("-0.25").unwrap()));
    assert_eq!(
        rhs("12345678901234567.89"),
        Expr::val(Value::decimal("12345678901234567.89").unwrap())
    );
    assert_eq!(rhs("9223372036854775807"), Expr::val(i64::MAX));
    assert_eq!(rhs("'it''s'"), Expr::val("it's"));
    assert_eq!(rhs("'ユーザー'"), Expr::val("ユーザー"));
    assert_eq!(rhs("''"), Expr::val(""));
    assert_eq!(rhs("TRUE"), Expr::val(true));
    assert_eq!(rhs("false"), Expr::val(false));
    assert_eq!(rhs("NULL"), Expr::val(Value::Null));
    // A negated column becomes `0 - column`.
    assert_eq!(
        rhs("-users.age"),
        Expr::val(0).binary(BinaryOp::Sub, col(&s, "users.age"))
    );
}

#[test]
fn parse_i64_min_literal_stays_an_integer() {
    let s = schema();
    assert_eq!(
        parse(&s, "users.id = -9223372036854775808"),
        col(&s, "users.id").eq(i64::MIN)
    );
}

#[test]
fn numbers_beyond_a_float_stay_exact_and_mysql_refuses_what_decimal_cannot_hold() {
    let s = schema();
    let e = parse_condition("users.id = 1e400", &s).unwrap();
    let select = sqlrel::query::Select::from(s.table("users").unwrap()).filter(e);
    let sql = select.to_string(sqlrel::query::Dialect::Postgres).unwrap();
    assert!(
        sql.ends_with(r#""users"."id" = CAST('1e400' AS NUMERIC)"#),
        "{sql}"
    );
    let err = select.to_string(sqlrel::query::Dialect::MySql).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Render, "{err}");
    assert!(
        err.to_string()
            .contains("more digits than MySQL's DECIMAL holds"),
        "{err}"
    );
}

#[test]
fn parse_functions() {
    let s = schema();
    assert_eq!(
        parse(&s, "lower(users.name) = 'jack'"),
        Expr::func("lower", [col(&s, "users.name")]).eq("jack")
    );
    assert_eq!(
        parse(&s, "coalesce(users.age, 0) > 1"),
        Expr::func("coalesce", [col(&s, "users.age"), Expr::val(0)]).gt(1)
    );
    assert_eq!(parse(&s, "now() > 1"), Expr::func("now", []).gt(1));
}

#[test]
fn parse_foreign_and_remote_markers() {
    let s = schema();
    let e = parse(&s, "users.id = foreign(addresses.user_id)");
    assert_eq!(
        strip(&e),
        col(&s, "users.id").eq(col(&s, "addresses.user_id"))
    );
    assert_eq!(
        e.columns_with(Annotations::FOREIGN),
        vec![cref(&s, "addresses.user_id")]
    );
    assert!(e.columns_with(Annotations::REMOTE).is_empty());

    let both = parse(&s, "remote(foreign(nodes.parent_id)) = nodes.id");
    assert_eq!(
        both.columns_with(Annotations::FOREIGN | Annotations::REMOTE),
        vec![cref(&s, "nodes.parent_id")]
    );
    // Markers are case-insensitive and wrap whole expressions.
    let upper = parse(&s, "users.id = FOREIGN(lower(addresses.email))");
    assert_eq!(
        upper.columns_with(Annotations::FOREIGN),
        vec![cref(&s, "addresses.email")]
    );
    let arith = parse(&s, "remote(users.id + users.age) = 1");
    assert_eq!(
        arith.columns_with(Annotations::REMOTE),
        vec![cref(&s, "users.id"), cref(&s, "users.age")]
    );
    // The markers are not functions: they vanish from the text.
    assert_eq!(both.to_string(), "nodes.parent_id = nodes.id");
}

#[test]
fn parse_qualified_namespaced_and_quoted_names() {
    let s = schema();
    assert_eq!(
        parse(&s, "public.accounts.owner_id = users.id"),
        col(&s, "public.accounts.owner_id").eq(col(&s, "users.id"))
    );
    // A bare table name resolves when unique across namespaces.
    assert_eq!(
        parse(&s, "accounts.owner_id = 1"),
        col(&s, "public.accounts.owner_id").eq(1)
    );
    assert_eq!(parse(&s, "other.dup.id = 1"), col(&s, "other.dup.id").eq(1));
    assert_eq!(
        parse(&s, r#""order"."we""ird" = "my table".id"#),
        col(&s, r#"order.we"ird"#).eq(col(&s, "my table.id"))
    );
    assert_eq!(
        parse(&s, r#""ユーザー"."名前" = 'x'"#),
        col(&s, "ユーザー.名前").eq("x")
    );
    // Quoted names are case-sensitive: "Users" and users are two tables.
    assert_eq!(parse(&s, r#""Users".id = 1"#), col(&s, "Users.id").eq(1));
    assert_eq!(parse(&s, "users.id = 1"), col(&s, "users.id").eq(1));
}

#[test]
fn parse_accepts_whitespace_and_redundant_parentheses() {
    let s = schema();
    assert_eq!(
        parse(&s, "  ((users.id)  =\n\t(addresses.user_id))  "),
        col(&s, "users.id").eq(col(&s, "addresses.user_id"))
    );
}

#[test]
fn parse_concat_operator() {
    let s = schema();
    let e = parse_condition("addresses.email LIKE users.name || '%'", &s);
    assert!(e.is_ok(), "{e:?}");
}

/// Display of every parsed condition parses back to the same expression
/// (annotations aside, which Display does not show).
#[test]
fn parse_display_round_trip() {
    let s = schema();
    for text in [
        "users.id = foreign(addresses.user_id)",
        "users.id = 1 OR users.id = 2 AND users.age = 3",
        "(users.id = 1 OR users.id = 2) AND users.age = 3",
        "NOT (users.id = 1 AND users.age = 2)",
        "users.id - (users.age - 1) = users.id * (users.age + 2)",
        "lower(users.name) NOT LIKE '%''%'",
        "users.id NOT IN (1, 2) AND users.name IS NOT NULL",
        "(users.id = addresses.user_id) = true",
        "public.accounts.owner_id = -3",
        r#""order"."Name" = "ユーザー"."名前""#,
        "users.age = 1.25",
        "users.id BETWEEN users.age - 1 AND users.age + 1",
        "NOT users.id NOT BETWEEN 1 AND 2 OR users.name NOT ILIKE 'a%'",
        "(users.id BETWEEN 1 AND 2) = (users.age BETWEEN 3 AND 4)",
        "users.id BETWEEN (users.age IS NULL) AND (users.age IN (1, 2))",
        "CAST(users.id + 1 AS TEXT) || '!' = CAST(users.name AS VARCHAR(10))",
        "CAST(users.age AS NUMERIC(10, 2)) = CAST(users.age AS DOUBLE PRECISION)",
        "CAST(users.name AS inet) = CAST(users.name AS TIMESTAMP(3) WITH TIME ZONE)",
    ] {
        let e = parse(&s, text);
        let again = parse(&s, &e.to_string());
        assert_eq!(again, strip(&e), "{text} -> {e}");
    }
}

// ---------------------------------------------------------------------------
// parse_condition: errors
// ---------------------------------------------------------------------------

#[test]
fn parse_error_unqualified_column() {
    let s = schema();
    let e = parse_err(&s, "id = 1");
    assert_eq!(e.kind(), ErrorKind::Parse);
    assert!(e.to_string().contains("must be qualified"), "{e}");
    assert!(
        e.to_string().contains("id = 1"),
        "the message quotes the text: {e}"
    );
}

#[test]
fn parse_error_unknown_table_and_column() {
    let s = schema();
    let e = parse_err(&s, "nope.id = 1");
    assert_eq!(
        e.root(),
        &sqlrel::Error::UnknownTable {
            name: "nope".into()
        }
    );
    assert_eq!(e.kind(), ErrorKind::UnknownTable);
    // The error points at the text.
    assert_eq!(
        e.to_string(),
        "in condition \"nope.id = 1\" at line 1, column 1: unknown table 'nope'"
    );
    let e = parse_err(&s, "users.id = 1 AND users.nope = 1");
    assert_eq!(
        e.root(),
        &sqlrel::Error::UnknownColumn {
            table: "users".into(),
            column: "nope".into()
        }
    );
    assert!(e.to_string().contains("at line 1, column 18"), "{e}");
    // A bare name shared by two namespaces is ambiguous, hence unknown.
    let e = parse_err(&s, "dup.id = 1");
    assert_eq!(e.kind(), ErrorKind::UnknownTable);
    // Unquoted names are not case-folded.
    let e = parse_err(&s, "USERS.id = 1");
    assert_eq!(e.kind(), ErrorKind::UnknownTable);
    // Too many name parts.
    let e = parse_err(&s, "a.b.c.d = 1");
    assert_eq!(e.kind(), ErrorKind::Parse);
}

#[test]
fn parse_error_unsupported_constructs() {
    let s = schema();
    for text in [
        "users.id & 1 = 1",
        "users.name ILIKE 'a' ESCAPE '!'",
        "TRY_CAST(users.id AS TEXT) = 'x'",
        "CAST(users.id AS INTEGER FORMAT 'x') = 1",
        "CAST(users.id AS INT[]) = 1",
        r#"CAST(users.id AS "MyType") = 1"#,
        "users.id = (SELECT 1)",
        "EXISTS (SELECT 1)",
        "users.id = ?",
        "users.id = :x",
        "count(*) = 1",
        "users.id = X'AB'",
        "addresses.email LIKE 'a' ESCAPE '!'",
    ] {
        let e = parse_err(&s, text);
        assert_eq!(e.kind(), ErrorKind::Parse, "{text}: {e}");
        assert!(!e.to_string().is_empty());
    }
}

#[test]
fn parse_error_trailing_garbage_and_empty_text() {
    let s = schema();
    let e = parse_err(&s, "users.id = 1 garbage");
    assert_eq!(e.kind(), ErrorKind::Parse);
    assert!(e.to_string().contains("garbage"), "{e}");
    for text in [
        "",
        "   ",
        "users.id =",
        "users.id = 1;",
        "(users.id = 1",
        "users.id = 1)",
    ] {
        assert_eq!(parse_err(&s, text).kind(), ErrorKind::Parse, "{text:?}");
    }
}

#[test]
fn parse_error_marker_arity() {
    let s = schema();
    for text in [
        "foreign(users.id, addresses.user_id) = 1",
        "foreign() = users.id",
        "remote(users.id, users.age) = 1",
        "remote() = 1",
    ] {
        let e = parse_err(&s, text);
        assert_eq!(e.kind(), ErrorKind::Parse, "{text}");
        assert!(e.to_string().contains("exactly one"), "{text}: {e}");
    }
}

#[test]
fn parse_a_long_conjunction() {
    // 150 terms: well within what the parser handles today.
    let n = on_small_stack(|| {
        let s = schema();
        let text = vec!["users.id = 1"; 150].join(" AND ");
        match parse_condition(&text, &s) {
            Ok(Expr::And(items)) => items.len(),
            other => panic!("{other:?}"),
        }
    });
    assert_eq!(n, 150);
}

/// sqlparser itself parses these (it was checked with 50 000 terms); the
/// conversion into `Expr` recurses once per operator and overflows the
/// stack, which aborts the whole process. Debug build, 2 MiB stack:
/// 200 AND-ed terms work, 300 abort.
#[test]
fn parse_condition_does_not_overflow_the_stack_on_long_chains() {
    on_small_stack(|| {
        let s = schema();
        let text = vec!["users.id = 1"; 2000].join(" AND ");
        let e = parse_condition(&text, &s);
        assert!(
            matches!(&e, Ok(Expr::And(items)) if items.len() == 2000),
            "{e:?}"
        );
        let sum = format!("users.id = {}", vec!["1"; 2000].join(" + "));
        if let Ok(e) = parse_condition(&sum, &s) {
            assert!(!e.to_string().is_empty());
        }
    });
}

// ---------------------------------------------------------------------------
// BETWEEN, ILIKE and CAST
// ---------------------------------------------------------------------------

#[test]
fn display_between_ilike_and_cast() {
    let s = schema();
    let e = col(&s, "users.id").between(1, col(&s, "users.age"));
    assert_eq!(e.to_string(), "users.id BETWEEN 1 AND users.age");
    assert_eq!(
        e.clone().not().to_string(),
        "users.id NOT BETWEEN 1 AND users.age"
    );
    // Arithmetic operands stand bare; comparisons and BETWEEN itself as an
    // operand are parenthesized.
    let arith = col(&s, "users.id")
        .binary(BinaryOp::Add, 1)
        .between(col(&s, "users.age").binary(BinaryOp::Sub, 1), 9);
    assert_eq!(
        arith.to_string(),
        "users.id + 1 BETWEEN users.age - 1 AND 9"
    );
    let nested = col(&s, "users.id")
        .eq(1)
        .between(col(&s, "users.age").is_null(), e.clone());
    assert_eq!(
        nested.to_string(),
        "(users.id = 1) BETWEEN (users.age IS NULL) AND (users.id BETWEEN 1 AND users.age)"
    );
    assert_eq!(
        e.clone().and(col(&s, "users.id").eq(2)).to_string(),
        "users.id BETWEEN 1 AND users.age AND users.id = 2"
    );
    let ilike = col(&s, "users.name").ilike("a%");
    assert_eq!(ilike.to_string(), "users.name ILIKE 'a%'");
    assert_eq!(ilike.not().to_string(), "users.name NOT ILIKE 'a%'");
    let cast = col(&s, "users.id").cast(CastType::Text).eq("1");
    assert_eq!(cast.to_string(), "CAST(users.id AS TEXT) = '1'");
    let types = [
        (CastType::SmallInt, "SMALLINT"),
        (CastType::Integer, "INTEGER"),
        (CastType::BigInt, "BIGINT"),
        (
            CastType::Numeric {
                precision: None,
                scale: None,
            },
            "NUMERIC",
        ),
        (
            CastType::Numeric {
                precision: Some(10),
                scale: None,
            },
            "NUMERIC(10)",
        ),
        (
            CastType::Numeric {
                precision: Some(10),
                scale: Some(2),
            },
            "NUMERIC(10, 2)",
        ),
        (CastType::Real, "REAL"),
        (CastType::Double, "DOUBLE PRECISION"),
        (CastType::Varchar(None), "VARCHAR"),
        (CastType::Varchar(Some(5)), "VARCHAR(5)"),
        (CastType::Char(Some(2)), "CHAR(2)"),
        (CastType::Date, "DATE"),
        (CastType::Boolean, "BOOLEAN"),
        (CastType::Other("inet".into()), "inet"),
    ];
    for (to, shown) in types {
        assert_eq!(to.to_string(), shown);
        let e = col(&s, "users.age").binary(BinaryOp::Mul, 2).cast(to);
        assert_eq!(e.to_string(), format!("CAST(users.age * 2 AS {shown})"));
    }
}

#[test]
fn not_flips_between_and_double_negation_cancels() {
    let s = schema();
    let e = col(&s, "users.id").between(1, 2);
    assert!(matches!(
        e.clone().not(),
        Expr::Between { negated: true, .. }
    ));
    assert_eq!(e.clone().not().not(), e);
    let cast = col(&s, "users.id").cast(CastType::Boolean);
    assert!(matches!(cast.clone().not(), Expr::Not(_)));
    assert_eq!(cast.clone().not().not(), cast);
}

#[test]
fn parse_between_ilike_and_cast() {
    let s = schema();
    let e = parse(&s, "users.id BETWEEN 1 AND users.age + 1");
    assert_eq!(
        e,
        col(&s, "users.id").between(1, col(&s, "users.age").binary(BinaryOp::Add, 1))
    );
    // NOT BETWEEN and NOT (... BETWEEN ...) are the same node.
    let negated = col(&s, "users.id").between(1, 2).not();
    assert_eq!(parse(&s, "users.id NOT BETWEEN 1 AND 2"), negated);
    assert_eq!(parse(&s, "NOT (users.id BETWEEN 1 AND 2)"), negated);
    // BETWEEN binds tighter than AND.
    let and = parse(&s, "users.id BETWEEN 1 AND 2 AND users.age = 3");
    assert_eq!(
        and,
        col(&s, "users.id")
            .between(1, 2)
            .and(col(&s, "users.age").eq(3))
    );
    assert_eq!(
        parse(&s, "users.name ILIKE 'A%'"),
        col(&s, "users.name").ilike("A%")
    );
    assert_eq!(
        parse(&s, "users.name NOT ILIKE 'A%'"),
        col(&s, "users.name").ilike("A%").not()
    );
    let types = [
        ("SMALLINT", CastType::SmallInt),
        ("int2", CastType::SmallInt),
        ("INTEGER", CastType::Integer),
        ("int", CastType::Integer),
        ("INT4", CastType::Integer),
        ("BIGINT", CastType::BigInt),
        ("int8", CastType::BigInt),
        (
            "NUMERIC",
            CastType::Numeric {
                precision: None,
                scale: None,
            },
        ),
        (
            "DECIMAL(12)",
            CastType::Numeric {
                precision: Some(12),
                scale: None,
            },
        ),
        (
            "numeric(10,2)",
            CastType::Numeric {
                precision: Some(10),
                scale: Some(2),
            },
        ),
        ("REAL", CastType::Real),
        ("FLOAT4", CastType::Real),
        ("DOUBLE PRECISION", CastType::Double),
        ("DOUBLE", CastType::Double),
        ("FLOAT", CastType::Double),
        ("FLOAT8", CastType::Double),
        ("TEXT", CastType::Text),
        ("VARCHAR", CastType::Varchar(None)),
        ("varchar(10)", CastType::Varchar(Some(10))),
        ("CHARACTER VARYING(3)", CastType::Varchar(Some(3))),
        ("CHAR(2)", CastType::Char(Some(2))),
        ("CHARACTER", CastType::Char(None)),
        ("DATE", CastType::Date),
        ("BOOLEAN", CastType::Boolean),
        ("BOOL", CastType::Boolean),
        ("inet", CastType::Other("inet".into())),
        ("DATETIME", CastType::Other("DATETIME".into())),
        ("SIGNED INTEGER", CastType::Other("SIGNED INTEGER".into())),
        (
            "TIMESTAMP(3) WITH TIME ZONE",
            CastType::Other("TIMESTAMP(3) WITH TIME ZONE".into()),
        ),
    ];
    for (written, to) in types {
        let e = parse(&s, &format!("CAST(users.age AS {written})"));
        assert_eq!(e, col(&s, "users.age").cast(to.clone()), "{written}");
    }
    // PostgreSQL's `::` is the same cast.
    assert_eq!(
        parse(&s, "users.id::TEXT = users.name"),
        col(&s, "users.id")
            .cast(CastType::Text)
            .eq(col(&s, "users.name"))
    );
    // Markers inside and around a cast and BETWEEN.
    let e = parse(
        &s,
        "foreign(CAST(addresses.user_id AS TEXT)) = users.name AND users.id BETWEEN remote(addresses.id) AND 9",
    );
    assert_eq!(
        e.columns_with(Annotations::FOREIGN),
        [cref(&s, "addresses.user_id")]
    );
    assert_eq!(
        e.columns_with(Annotations::REMOTE),
        [cref(&s, "addresses.id")]
    );
}

#[test]
fn traversal_reaches_inside_between_and_cast() {
    let s = schema();
    let e = parse(
        &s,
        "CAST(addresses.user_id AS TEXT) = users.name AND users.id BETWEEN addresses.id AND users.age",
    );
    let mut seen = Vec::new();
    e.for_each_column(&mut |c| seen.push(c.column.to_string()));
    assert_eq!(
        seen,
        [
            "addresses.user_id",
            "users.name",
            "users.id",
            "addresses.id",
            "users.age"
        ]
    );
    let marked = e.clone().annotate(Annotations::REMOTE);
    assert_eq!(marked.columns_with(Annotations::REMOTE).len(), 5);
    assert_eq!(
        marked
            .deannotate(Annotations::REMOTE)
            .columns_with(Annotations::REMOTE),
        []
    );
    // replace_columns and read_through reach the bounds and the cast.
    let mut replaced = e.clone();
    replaced
        .replace_columns(&mut |c| (c.column.table().name() == "addresses").then(|| Expr::val(7)));
    assert_eq!(
        replaced.to_string(),
        "CAST(7 AS TEXT) = users.name AND users.id BETWEEN 7 AND users.age"
    );
    let mut aliased = e;
    let addresses = s.table("addresses").unwrap().id();
    aliased.read_through(addresses, Some(&TableAlias::named("a")), Annotations::NONE);
    assert_eq!(
        aliased.to_string(),
        "CAST(a.user_id AS TEXT) = users.name AND users.id BETWEEN a.id AND users.age"
    );
}

/// SQLAlchemy's `visit_binary_product` treats `IN` (the list) and `BETWEEN`
/// (both bounds) as comparisons, looks through casts and functions, and
/// does not look at the right side of a comparison whose left side has no
/// column (checked against SQLAlchemy 2.1.9's `sql.util.visit_binary_product`).
#[test]
fn binary_product_of_in_between_and_cast() {
    let s = schema();
    assert_eq!(
        product(&parse(&s, "users.id IN (addresses.user_id, 1)")),
        [sql_triple("IN", "users.id", "addresses.user_id")]
    );
    assert_eq!(
        product(&parse(
            &s,
            "users.id NOT IN (addresses.user_id, addresses.id)"
        )),
        [
            sql_triple("NOT IN", "users.id", "addresses.user_id"),
            sql_triple("NOT IN", "users.id", "addresses.id"),
        ]
    );
    assert_eq!(
        product(&parse(
            &s,
            "users.id BETWEEN addresses.user_id AND addresses.id"
        )),
        [
            sql_triple("BETWEEN", "users.id", "addresses.user_id"),
            sql_triple("BETWEEN", "users.id", "addresses.id"),
        ]
    );
    assert_eq!(
        product(&parse(&s, "users.id NOT BETWEEN 1 AND addresses.id")),
        [sql_triple("NOT BETWEEN", "users.id", "addresses.id")]
    );
    assert_eq!(
        product(&parse(
            &s,
            "CAST(users.id AS TEXT) ILIKE lower(addresses.email)"
        )),
        [triple(BinaryOp::ILike, "users.id", "addresses.email")]
    );
    // The nested comparison on the right is not visited when the left side
    // has no column; it is when the left side has one.
    assert!(product(&parse(&s, "1 = (users.id = addresses.user_id)")).is_empty());
    assert_eq!(
        product(&parse(&s, "users.age = (users.id = addresses.user_id)")),
        [triple(BinaryOp::Eq, "users.id", "addresses.user_id")]
    );
    // A comparison inside an IN list is reported on its own.
    assert_eq!(
        product(&parse(&s, "users.id IN (addresses.user_id = users.age)")),
        [triple(BinaryOp::Eq, "addresses.user_id", "users.age")]
    );
}

fn sql(s: &Schema, e: Expr, dialect: Dialect) -> sqlrel::Result<String> {
    let users = s.table("users").unwrap();
    Select::from(users)
        .column(col(s, "users.id"))
        .filter(e)
        .to_string(dialect)
}

/// The WHERE clause of [`sql`] for each dialect, in `Dialect::ALL` order.
fn where_clauses(s: &Schema, e: &Expr) -> Vec<String> {
    Dialect::ALL
        .iter()
        .map(|&d| {
            let text = sql(s, e.clone(), d).unwrap_or_else(|err| panic!("{d}: {err}"));
            text.split_once(" WHERE ").unwrap().1.to_owned()
        })
        .collect()
}

#[test]
fn render_between_in_each_dialect() {
    let s = schema();
    let e = parse(&s, "users.id + 1 NOT BETWEEN users.age AND users.age * 2");
    assert_eq!(
        where_clauses(&s, &e),
        [
            r#""users"."id" + 1 NOT BETWEEN "users"."age" AND "users"."age" * 2"#,
            "`users`.`id` + 1 NOT BETWEEN `users`.`age` AND `users`.`age` * 2",
            r#""users"."id" + 1 NOT BETWEEN "users"."age" AND "users"."age" * 2"#,
        ]
    );
    // Boolean bounds are grouped, and BETWEEN inside AND / NOT is
    // parenthesized.
    let e = parse(
        &s,
        "NOT (users.id BETWEEN (users.age = 1) AND (users.age IS NULL)) AND users.id = 2",
    );
    assert_eq!(
        where_clauses(&s, &e)[0],
        r#"("users"."id" NOT BETWEEN ("users"."age" = 1) AND ("users"."age" IS NULL)) AND "users"."id" = 2"#
    );
}

/// ILIKE is PostgreSQL's; MySQL and SQLite get `LOWER(a) LIKE LOWER(b)`,
/// SQLAlchemy's rendering for them, which matches ignoring case as ILIKE
/// does.
#[test]
fn render_ilike_in_each_dialect() {
    let s = schema();
    let e = parse(&s, "users.name ILIKE 'J%' AND users.name NOT ILIKE '%x'");
    assert_eq!(
        where_clauses(&s, &e),
        [
            r#"("users"."name" ILIKE 'J%') AND ("users"."name" NOT ILIKE '%x')"#,
            "LOWER(`users`.`name`) LIKE LOWER('J%') AND LOWER(`users`.`name`) NOT LIKE LOWER('%x')",
            r#"LOWER("users"."name") LIKE LOWER('J%') AND LOWER("users"."name") NOT LIKE LOWER('%x')"#,
        ]
    );
    // Without a dialect there is no single spelling.
    let err = e.to_sea_query().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Render);
    assert!(err.to_string().contains("ILIKE"), "{err}");
}

#[test]
fn render_cast_types_per_dialect() {
    let s = schema();
    let numeric = |precision, scale| CastType::Numeric { precision, scale };
    // (type, PostgreSQL and SQLite, MySQL)
    let cases = [
        (CastType::SmallInt, "SMALLINT", "SIGNED INTEGER"),
        (CastType::Integer, "INTEGER", "SIGNED INTEGER"),
        (CastType::BigInt, "BIGINT", "SIGNED INTEGER"),
        (
            numeric(Some(10), Some(2)),
            "NUMERIC(10, 2)",
            "DECIMAL(10, 2)",
        ),
        (numeric(Some(10), None), "NUMERIC(10)", "DECIMAL(10)"),
        (CastType::Real, "REAL", "FLOAT"),
        (CastType::Double, "DOUBLE PRECISION", "DOUBLE"),
        (CastType::Text, "TEXT", "CHAR"),
        (CastType::Varchar(Some(10)), "VARCHAR(10)", "CHAR(10)"),
        (CastType::Varchar(None), "VARCHAR", "CHAR"),
        (CastType::Char(Some(3)), "CHAR(3)", "CHAR(3)"),
        (CastType::Date, "DATE", "DATE"),
        (
            CastType::Other("DATETIME(3)".into()),
            "DATETIME(3)",
            "DATETIME(3)",
        ),
        (CastType::Other("unsigned".into()), "unsigned", "unsigned"),
    ];
    for (to, standard, mysql) in cases {
        let e = col(&s, "users.age")
            .binary(BinaryOp::Add, 1)
            .cast(to)
            .eq("5");
        assert_eq!(
            where_clauses(&s, &e),
            [
                format!(r#"CAST(("users"."age" + 1) AS {standard}) = '5'"#),
                format!("CAST((`users`.`age` + 1) AS {mysql}) = '5'"),
                format!(r#"CAST(("users"."age" + 1) AS {standard}) = '5'"#),
            ]
        );
    }
}

/// A type MySQL has no CAST target for is an error there, not a substitute;
/// so is a type name that cannot be written as is, everywhere.
#[test]
fn render_cast_errors() {
    let s = schema();
    let mysql_only = [
        CastType::Boolean,
        CastType::Numeric {
            precision: None,
            scale: None,
        },
        CastType::Other("inet".into()),
    ];
    for to in mysql_only {
        let e = col(&s, "users.age").cast(to.clone()).is_null();
        for dialect in [Dialect::Postgres, Dialect::Sqlite] {
            assert!(sql(&s, e.clone(), dialect).is_ok(), "{to} on {dialect}");
        }
        let err = sql(&s, e, Dialect::MySql).unwrap_err();
        assert!(
            matches!(&err, sqlrel::Error::Render { dialect, .. } if dialect == "mysql"),
            "{to}: {err:?}"
        );
    }
    let err = sql(
        &s,
        col(&s, "users.age").cast(CastType::Boolean).is_null(),
        Dialect::MySql,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot render for mysql: MySQL cannot CAST to BOOLEAN"
    );
    for bad in [
        "",
        "x); DROP TABLE users; --",
        "\"MyType\"",
        "INT[]",
        "f(",
        "1x",
    ] {
        let e = col(&s, "users.age")
            .cast(CastType::Other(bad.into()))
            .is_null();
        for dialect in Dialect::ALL {
            let err = sql(&s, e.clone(), dialect).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Render, "{bad:?} on {dialect}");
        }
    }
    let err = col(&s, "users.age")
        .cast(CastType::Integer)
        .to_sea_query()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Render);
    assert!(err.to_string().contains("CAST"), "{err}");
}

/// A literal tested for NULL is a constant: PostgreSQL cannot type a bound
/// `$1 IS NULL`, which a relationship comparison produces for a row without
/// a value.
#[test]
fn render_literal_tested_for_null_as_a_constant() {
    let s = schema();
    let cases = [
        (Expr::val(Value::Null).is_null(), "1 = 1"),
        (Expr::val(Value::Null).is_not_null(), "1 = 0"),
        (Expr::val(5).is_null(), "1 = 0"),
        (Expr::val("x").is_not_null(), "1 = 1"),
    ];
    for (e, expected) in cases {
        let e = col(&s, "users.id").eq(1).and(e);
        for dialect in Dialect::ALL {
            let users = s.table("users").unwrap();
            let (sql, values) = Select::from(users)
                .column(col(&s, "users.id"))
                .filter(e.clone())
                .build(dialect)
                .unwrap();
            assert!(
                sql.ends_with(&format!(
                    "= {} AND ({expected})",
                    if dialect == Dialect::Postgres {
                        "$1"
                    } else {
                        "?"
                    }
                )),
                "{sql}"
            );
            assert_eq!(values.0.len(), 1, "{sql}");
        }
    }
    // A column tested for NULL is untouched.
    assert_eq!(
        where_clauses(&s, &col(&s, "users.name").is_null())[0],
        r#""users"."name" IS NULL"#
    );
}
