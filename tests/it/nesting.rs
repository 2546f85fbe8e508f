//! Input that nests deep gets a typed error at the documented limits
//! (`sqlrel::nesting`), never a stack overflow, which would abort the whole
//! process. Each test runs on a thread with 2 MiB of stack, Rust's default
//! for spawned threads, and takes the input to the limit (it must work) and
//! one step past it (it must be refused).

use crate::common::on_small_stack;
use sqlrel::expr::{BinaryOp, Expr, Projection, Subquery};
use sqlrel::nesting::{MAX_CHAIN, MAX_CONDITION_TERMS, MAX_DEPTH};
use sqlrel::query::{Dialect, Select};
use sqlrel::registry::Registry;
use sqlrel::schema::Schema;
use sqlrel::sql_text::expand_sql;
use sqlrel::{Error, ErrorKind};

const DDL: &str = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
     CREATE TABLE addresses (id INTEGER PRIMARY KEY,
                             user_id INTEGER REFERENCES users(id), email TEXT);";

fn registry() -> Registry {
    Registry::builder(Schema::from_ddl(DDL).expect("schema"))
        .automap()
        .configure()
        .expect("registry")
}

/// `1 + 1 + ...` with `operators` plus signs.
fn sum(operators: usize) -> String {
    vec!["1"; operators + 1].join(" + ")
}

fn assert_too_deep<T: std::fmt::Debug>(result: sqlrel::Result<T>, detail: &str) {
    match result {
        Err(e @ Error::Parse { .. }) => {
            let message = e.to_string();
            assert!(message.contains("nests too deep"), "{message}");
            assert!(message.contains(detail), "{message}");
            assert_eq!(e.kind(), ErrorKind::Parse);
        }
        other => {
            let got: String = format!("{other:?}").chars().take(300).collect();
            panic!("expected a typed nesting error, got {got}...")
        }
    }
}

// ---------------------------------------------------------------------------
// SQL text
// ---------------------------------------------------------------------------

#[test]
fn sql_text_chains_up_to_the_limit_expand_and_longer_ones_are_refused() {
    on_small_stack(|| {
        let r = registry();
        // The `=` is one operator of the chain too.
        let at_limit = format!(
            "SELECT id FROM users WHERE users.addresses_collection.any(addresses.id = {})",
            sum(MAX_CHAIN - 1)
        );
        for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql] {
            let sql = expand_sql(&r, &at_limit, dialect).expect("at the limit");
            assert!(sql.contains("EXISTS"), "{sql}");
        }
        let past = format!(
            "SELECT id FROM users WHERE users.addresses_collection.any(addresses.id = {})",
            sum(MAX_CHAIN)
        );
        assert_too_deep(
            expand_sql(&r, &past, Dialect::Sqlite),
            &format!("more than {MAX_CHAIN} operators in one chain"),
        );
    });
}

#[test]
fn sql_text_chains_outside_any_call_are_bounded_too() {
    // sqlparser's tree of the whole statement is visited, not only the
    // calls' arguments.
    on_small_stack(|| {
        let r = registry();
        let past = format!("SELECT {} FROM users", sum(MAX_CHAIN + 1));
        assert_too_deep(expand_sql(&r, &past, Dialect::Postgres), "one chain");
    });
}

#[test]
fn sql_text_parenthesized_chains_add_up() {
    on_small_stack(|| {
        let r = registry();
        let half = sum(MAX_CHAIN / 2);
        // Two chains of 125 operators, one inside the other: 251 in all.
        let nested = format!("SELECT ({half} + ({half})) FROM users");
        assert_too_deep(expand_sql(&r, &nested, Dialect::Sqlite), "one chain");
        // Side by side, each chain stands alone.
        let apart = format!("SELECT ({half}), ({half}) FROM users");
        expand_sql(&r, &apart, Dialect::Sqlite).expect("two short chains");
    });
}

#[test]
fn sql_text_deep_parentheses_are_a_typed_error() {
    on_small_stack(|| {
        let r = registry();
        let deep = format!(
            "SELECT {}1{} FROM users",
            "(".repeat(5000),
            ")".repeat(5000)
        );
        let e = expand_sql(&r, &deep, Dialect::Sqlite).expect_err("too deep");
        assert_eq!(e.kind(), ErrorKind::Parse, "{e}");
    });
}

// ---------------------------------------------------------------------------
// Join conditions
// ---------------------------------------------------------------------------

#[test]
fn join_conditions_chain_and_or_up_to_their_own_limit() {
    on_small_stack(|| {
        let s = Schema::from_ddl(DDL).expect("schema");
        let terms = |n: usize| vec!["users.id = addresses.user_id"; n].join(" OR ");
        match sqlrel::expr::parse_condition(&terms(MAX_CONDITION_TERMS), &s) {
            Ok(Expr::Or(items)) => assert_eq!(items.len(), MAX_CONDITION_TERMS),
            _ => panic!("expected {MAX_CONDITION_TERMS} OR-ed terms"),
        }
        assert_too_deep(
            sqlrel::expr::parse_condition(&terms(MAX_CONDITION_TERMS + 1), &s),
            &format!("more than {MAX_CONDITION_TERMS} AND / OR terms"),
        );
    });
}

#[test]
fn join_conditions_bound_other_chains_like_sql_text() {
    on_small_stack(|| {
        let s = Schema::from_ddl(DDL).expect("schema");
        let at_limit = format!("users.id = {}", sum(MAX_CHAIN - 1));
        let e = sqlrel::expr::parse_condition(&at_limit, &s).expect("at the limit");
        assert!(e.to_string().starts_with("users.id = 1 + 1"), "{e}");
        e.to_sea_query_for(Dialect::Postgres).expect("renders");
        let past = format!("users.id = {}", sum(MAX_CHAIN));
        assert_too_deep(sqlrel::expr::parse_condition(&past, &s), "one chain");
    });
}

#[test]
fn a_relationship_file_with_a_deep_condition_names_the_relationship() {
    on_small_stack(|| {
        let s = Schema::from_ddl(DDL).expect("schema");
        let file = format!(
            "[[relationship]]\ntable = \"users\"\nname = \"big\"\n\
             target = \"addresses\"\nviewonly = true\n\
             primaryjoin = \"users.id = addresses.user_id + {}\"\n",
            sum(MAX_CHAIN)
        );
        let e = sqlrel::relationship_file::load(&file, &s)
            .map(|_| ())
            .expect_err("too deep");
        let message = e.to_string();
        assert!(message.contains("nests too deep"), "{message}");
        assert!(message.contains("users.big"), "{message}");
    });
}

// ---------------------------------------------------------------------------
// Expressions built in Rust
// ---------------------------------------------------------------------------

/// `users.id + 1 + 1 ...`, nested `levels` deep.
fn deep_sum(s: &Schema, levels: usize) -> Expr {
    let mut e = s.col("users.id").expect("column");
    for _ in 1..levels {
        e = Expr::binary(e, BinaryOp::Add, 1);
    }
    e
}

/// `EXISTS (SELECT ... WHERE EXISTS (...))`, `levels` subqueries deep.
fn deep_exists(s: &Schema, levels: usize) -> Expr {
    let users = s.table("users").expect("table");
    let mut e: Expr = s.col("users.id").expect("column").eq(1);
    for _ in 0..levels {
        e = Expr::exists(Subquery {
            projection: Projection::One,
            from: vec![users.into()],
            filter: Some(e),
        });
    }
    e
}

#[test]
fn rust_expressions_render_to_the_limit_and_are_refused_past_it() {
    on_small_stack(|| {
        let s = Schema::from_ddl(DDL).expect("schema");
        let users = s.table("users").expect("table");
        // A comparison at the top makes a filter of MAX_DEPTH levels.
        let filter = |levels| deep_sum(&s, levels - 1).eq(1);
        for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql] {
            let (sql, _) = Select::from(users)
                .filter(filter(MAX_DEPTH))
                .build(dialect)
                .expect("at the limit");
            assert_eq!(sql.matches('+').count(), MAX_DEPTH - 2);
        }
        let e = Select::from(users)
            .filter(filter(MAX_DEPTH + 1))
            .build(Dialect::Sqlite)
            .expect_err("past the limit");
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        assert!(
            e.to_string()
                .contains(&format!("nests more than {MAX_DEPTH} levels deep")),
            "{e}"
        );
        let past = filter(MAX_DEPTH + 1);
        assert!(past.to_sea_query().is_err());
        assert!(past.to_sea_query_for(Dialect::Postgres).is_err());
        assert_eq!(
            past.to_string(),
            format!("<an expression nested more than {MAX_DEPTH} levels deep>")
        );
    });
}

#[test]
fn nested_subqueries_count_toward_the_depth() {
    on_small_stack(|| {
        let s = Schema::from_ddl(DDL).expect("schema");
        let users = s.table("users").expect("table");
        // Each EXISTS holds its subquery's filter one level down.
        let at_limit = deep_exists(&s, MAX_DEPTH - 2);
        Select::from(users)
            .filter(at_limit)
            .build(Dialect::Postgres)
            .expect("at the limit");
        let past = deep_exists(&s, MAX_DEPTH);
        let e = Select::from(users)
            .filter(past)
            .build(Dialect::Postgres)
            .expect_err("past the limit");
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{e}");
    });
}

#[test]
fn relationship_predicates_refuse_a_criterion_past_the_limit() {
    on_small_stack(|| {
        let r = registry();
        let addresses = r.relationship("users.addresses_collection").expect("rel");
        let criterion = deep_sum(r.schema(), MAX_DEPTH + 1).eq(1);
        let e = addresses.any(criterion).expect_err("past the limit");
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{e}");
    });
}

// ---------------------------------------------------------------------------
// DDL
// ---------------------------------------------------------------------------

/// DDL is read by sqlrel's own readers, which skip over expressions
/// (defaults, checks, data) without building trees: any length goes.
#[test]
fn ddl_with_long_expressions_reads_on_a_small_stack() {
    on_small_stack(|| {
        let chain = sum(200_000);
        let ors = vec!["a = 1"; 200_000].join(" OR ");
        let ddl = format!(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER DEFAULT {chain}, CHECK ({ors}));
             INSERT INTO t VALUES (1, {chain});"
        );
        for dialect in [
            sqlrel::schema::DdlDialect::Generic,
            sqlrel::schema::DdlDialect::Postgres,
            sqlrel::schema::DdlDialect::MySql,
            sqlrel::schema::DdlDialect::Sqlite,
        ] {
            let schema = Schema::read_ddl(ddl.as_bytes(), dialect).expect("reads");
            assert_eq!(schema.table("t").expect("t").columns().len(), 2);
        }
    });
}

/// A statement sqlrel does not read is parsed by sqlparser only to tell
/// SQL from garbage; one that nests too deep for that is skipped unparsed,
/// with a warning.
#[test]
fn ddl_statements_sqlrel_does_not_read_are_bounded() {
    on_small_stack(|| {
        let chain = sum(200_000);
        for statement in [
            format!("CREATE FOOBAR v AS SELECT {chain}"),
            format!("MSCK REPAIR TABLE t PARTITION (p = {chain})"),
            format!("EXPLAIN SELECT {chain}"),
            format!("CREATE VIEW v AS SELECT {chain} FROM t"),
        ] {
            let ddl = format!("CREATE TABLE t (id INTEGER PRIMARY KEY);\n{statement};");
            let schema = Schema::read_ddl(ddl.as_bytes(), sqlrel::schema::DdlDialect::Generic)
                .expect("read");
            assert!(schema.table("t").is_ok());
        }
        let ddl = format!("CREATE FOOBAR v AS SELECT {chain};");
        let schema =
            Schema::read_ddl(ddl.as_bytes(), sqlrel::schema::DdlDialect::Generic).expect("read");
        let warnings: Vec<&str> = schema.warnings().iter().map(|w| w.message()).collect();
        assert_eq!(
            warnings,
            [
                "skipped: sqlrel does not read this kind of statement (not parsed: it nests too deep)"
            ]
        );
    });
}
