//! Relationship-aware SQL text (`sql_text::expand_sql`): every predicate of
//! the comparator fixtures (tests/fixtures/queries) is written as SQL text,
//! expanded for each dialect in both forms (values inlined, and
//! placeholders with their values) and executed on SQLite, PostgreSQL and
//! MariaDB; the rows must be SQLAlchemy's (or the fixture's corrected rows
//! where SQLAlchemy is wrong). Plus aliases, nesting, self-referential
//! adaptation, pass-through of the surrounding SQL, and the errors.

use crate::common;

use serde_json::Value as Json;
use sqlrel::query::Dialect;
use sqlrel::registry::Registry;
use sqlrel::sql_text::{expand_sql, expand_sql_with_params};
use sqlrel::{Error, ErrorKind};

use common::case::load_dir;
use common::engines::{Engine, Sqlite};
use common::exec::engine;
use common::oracle::assert_no_failures;

type Rows = Vec<Vec<Option<i64>>>;

/// A JSON literal as SQL text.
fn literal(v: &Json) -> String {
    match v {
        Json::Null => "NULL".into(),
        Json::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        Json::Number(n) => n.to_string(),
        Json::String(s) => format!("'{}'", s.replace('\'', "''")),
        other => panic!("unsupported literal {other}"),
    }
}

fn named_values(row: &Json) -> String {
    row.as_object()
        .expect("row")
        .iter()
        .map(|(k, v)| format!("{k} => {}", literal(v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The oracle's predicate JSON as relationship-aware SQL text.
fn text(p: &Json) -> String {
    let obj = p.as_object().expect("predicate");
    let join = |items: &Json, sep: &str| {
        items
            .as_array()
            .expect("list")
            .iter()
            .map(|x| format!("({})", text(x)))
            .collect::<Vec<_>>()
            .join(sep)
    };
    if let Some(items) = obj.get("and") {
        return join(items, " AND ");
    }
    if let Some(items) = obj.get("or") {
        return join(items, " OR ");
    }
    if let Some(inner) = obj.get("not") {
        return format!("NOT ({})", text(inner));
    }
    if let Some(cmp) = obj.get("cmp") {
        let op = match cmp[1].as_str().expect("op") {
            "like" => "LIKE",
            other => other,
        };
        return format!(
            "{} {op} {}",
            cmp[0].as_str().expect("column"),
            literal(&cmp[2])
        );
    }
    for (key, method) in [
        ("any", "any"),
        ("has", "has"),
        ("is_none", "is_none"),
        ("is_not_none", "is_not_none"),
        ("contains", "contains"),
        ("eq", "is"),
        ("ne", "is_not"),
    ] {
        let Some(rel) = obj.get(key) else { continue };
        let rel = rel.as_str().expect("relationship");
        let args = match key {
            "any" | "has" => obj.get("criterion").map(text).unwrap_or_default(),
            "contains" | "eq" | "ne" => named_values(&obj["row"]),
            _ => String::new(),
        };
        return format!("{rel}.{method}({args})");
    }
    panic!("unsupported predicate {p}")
}

fn json_rows(v: &Json) -> Rows {
    v.as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            r.as_array()
                .expect("row")
                .iter()
                .map(Json::as_i64)
                .collect()
        })
        .collect()
}

fn statement(registry: &Registry, table: &str, predicate: &str) -> String {
    let t = registry.schema().table(table).expect("table");
    let pk: Vec<String> = t
        .primary_key()
        .iter()
        .map(|id| format!("{table}.{}", t.columns()[id.index()].name()))
        .collect();
    format!(
        "SELECT {} FROM {table} WHERE {predicate} ORDER BY {}",
        pk.join(", "),
        pk.join(", ")
    )
}

fn rows_match(dialect: Dialect) {
    let mut failures = Vec::new();
    let mut executed = 0;
    for (_, case, oracle) in load_dir("tests/fixtures/queries") {
        let registry = case.registry().expect("configure");
        let mut db = engine(dialect, &case.name);
        db.execute(&case.ddl);
        for statement in &case.data {
            db.execute(statement);
        }
        for q in &case.queries {
            // Joins and with_parent have no relationship-aware SQL text.
            if q.get("join").is_some() || common::predicate::uses(&q["where"], "with_parent") {
                continue;
            }
            let name = q["name"].as_str().expect("name");
            let sql = statement(
                &registry,
                q["table"].as_str().expect("table"),
                &text(&q["where"]),
            );
            let result = &oracle["queries"][name];
            let label = format!("{}/{name} ({})", case.name, db.dialect());
            let expected = match (q.get("sqlalchemy_wrong"), result.get("error")) {
                _ if q.get("sqlrel_refuses").is_some() => None,
                (Some(right), _) => Some(json_rows(&right["rows"])),
                (None, Some(_)) => None,
                (None, None) => Some(json_rows(&result["rows"])),
            };
            let inlined = expand_sql(&registry, &sql, db.dialect());
            let with_params = expand_sql_with_params(&registry, &sql, db.dialect());
            match (expected, inlined, with_params) {
                (None, Err(_), Err(_)) => {}
                (Some(expected), Ok(inlined), Ok((bound, values))) => {
                    let values: Vec<sea_query::Value> =
                        values.iter().map(common::engines::value).collect();
                    for (form, sql, values) in [
                        ("inlined", &inlined, Vec::new()),
                        ("params", &bound, values),
                    ] {
                        executed += 1;
                        match db.rows(sql, &values) {
                            Ok(rows) if rows == expected => {}
                            Ok(rows) => failures.push(format!(
                                "{label} {form}: rows {rows:?}, expected {expected:?}\n  {sql}"
                            )),
                            Err(e) => failures.push(format!("{label} {form}: {e}\n  {sql}")),
                        }
                    }
                }
                (expected, inlined, _) => failures.push(format!(
                    "{label}: expected {expected:?}, expansion gave {inlined:?}\n  {sql}"
                )),
            }
        }
    }
    assert_no_failures(executed, 600, &failures);
}

common::engines::on_each_engine!(fixture_predicates_as_text => rows_match);

const DDL: &str = "
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), email TEXT);
CREATE TABLE nodes (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES nodes(id), name TEXT);";

fn registry() -> Registry {
    use sqlrel::relationship::{Backref, RelationshipConfig};
    Registry::builder(sqlrel::schema::Schema::from_ddl(DDL).unwrap())
        .relationship(RelationshipConfig::new("users", "addresses", "addresses").backref("user"))
        .relationship(
            RelationshipConfig::new("nodes", "children", "nodes")
                .backref(Backref::new("parent").remote_side(["nodes.id"])),
        )
        .configure()
        .unwrap()
}

#[test]
fn surrounding_sql_passes_through_untouched() {
    let reg = registry();
    let text = "SELECT  users.name AS n, COUNT(*)\n  FROM users   -- comment\n WHERE users.addresses.any() AND users.name <> 'x'\n GROUP BY users.name HAVING COUNT(*) > 0";
    let sql = expand_sql(&reg, text, Dialect::Postgres).unwrap();
    assert_eq!(
        sql,
        "SELECT  users.name AS n, COUNT(*)\n  FROM users   -- comment\n WHERE (EXISTS(SELECT 1 FROM \"addresses\" WHERE \"users\".\"id\" = \"addresses\".\"user_id\")) AND users.name <> 'x'\n GROUP BY users.name HAVING COUNT(*) > 0"
    );
}

#[test]
fn aliases_nesting_and_self_reference() {
    let reg = registry();
    // An alias of the parent table; a nested call inside the criterion.
    let sql = expand_sql(
        &reg,
        "SELECT u.id FROM users AS u WHERE u.addresses.any(addresses.user.has(users.name = 'bob'))",
        Dialect::Sqlite,
    )
    .unwrap();
    assert_eq!(
        sql,
        r#"SELECT u.id FROM users AS u WHERE (EXISTS(SELECT 1 FROM "addresses" WHERE "u"."id" = "addresses"."user_id" AND EXISTS(SELECT 1 FROM "users" WHERE "users"."id" = "addresses"."user_id" AND "users"."name" = 'bob')))"#
    );
    // Self-referential: the criterion's nodes columns are the child's.
    let sql = expand_sql(
        &reg,
        "SELECT nodes.id FROM nodes WHERE nodes.children.any(nodes.name = 'leaf') AND nodes.parent.is_none()",
        Dialect::MySql,
    )
    .unwrap();
    assert_eq!(
        sql,
        "SELECT nodes.id FROM nodes WHERE (EXISTS(SELECT 1 FROM `nodes` AS `nodes_1` WHERE `nodes`.`id` = `nodes_1`.`parent_id` AND `nodes_1`.`name` = 'leaf')) AND (`nodes`.`parent_id` IS NULL)"
    );
    let mut db = Sqlite::new();
    db.execute(DDL);
    db.execute(
        "INSERT INTO users VALUES (1, 'ann'), (2, 'bob');
         INSERT INTO addresses VALUES (1, 1, 'a'), (2, 2, 'b');
         INSERT INTO nodes VALUES (1, NULL, 'root'), (2, 1, 'leaf'), (3, NULL, 'lonely');",
    );
    let sql = expand_sql(
        &reg,
        "SELECT nodes.id FROM nodes WHERE nodes.children.any(nodes.name = 'leaf') AND nodes.parent.is_none()",
        Dialect::Sqlite,
    )
    .unwrap();
    assert_eq!(db.rows(&sql, &[]).unwrap(), vec![vec![Some(1)]]);
}

#[test]
fn placeholders_are_numbered_across_calls() {
    let reg = registry();
    let (sql, values) = expand_sql_with_params(
        &reg,
        "SELECT users.id FROM users WHERE users.addresses.any(addresses.email LIKE 'a%') OR users.addresses.contains(user_id => 2)",
        Dialect::Postgres,
    )
    .unwrap();
    assert_eq!(
        sql,
        r#"SELECT users.id FROM users WHERE (EXISTS(SELECT 1 FROM "addresses" WHERE "users"."id" = "addresses"."user_id" AND "addresses"."email" LIKE $1)) OR ("users"."id" = $2)"#
    );
    assert_eq!(values, vec!["a%".into(), 2.into()]);
    let (sql, _) = expand_sql_with_params(
        &reg,
        "SELECT 1 FROM users WHERE users.addresses.contains(user_id => 2)",
        Dialect::MySql,
    )
    .unwrap();
    assert!(sql.ends_with("(`users`.`id` = ?)"), "{sql}");
}

#[test]
fn errors_point_at_the_text() {
    let reg = registry();
    let err = |text: &str| expand_sql(&reg, text, Dialect::Sqlite).unwrap_err();

    let e = err("SELECT 1 FROM users\nWHERE users.nope.any()");
    assert_eq!(e.kind(), ErrorKind::UnknownRelationship);
    assert!(e.to_string().contains("at line 2, column 7"), "{e}");

    let e = err("SELECT 1 FROM addresses WHERE addresses.user.any()");
    assert!(matches!(e.root(), Error::InvalidRequest { .. }), "{e:?}");
    assert!(
        e.to_string()
            .contains("'any()' not implemented for scalar attributes. Use has()."),
        "{e}"
    );
    assert!(e.to_string().contains("line 1, column 31"), "{e}");

    let e = err("SELECT 1 FROM users WHERE users.addresses.contains(5)");
    assert_eq!(e.kind(), ErrorKind::Parse);
    assert!(e.to_string().contains("column => value"), "{e}");

    let e = err("SELECT 1 FROM users WHERE users.addresses.any(addresses.nope = 1)");
    assert_eq!(e.kind(), ErrorKind::UnknownColumn);

    let e = err("SELECT 1 FROM users WHERE users.addresses.is_none(1)");
    assert_eq!(e.kind(), ErrorKind::Parse);

    let e = err("SELECT FROM WHERE");
    assert_eq!(e.kind(), ErrorKind::Parse);
    assert!(
        matches!(
            e,
            Error::Parse {
                position: Some(_),
                ..
            }
        ),
        "{e:?}"
    );

    let e = err("DELETE FROM users WHERE users.addresses.any()");
    assert_eq!(e.kind(), ErrorKind::Parse);

    let e = expand_sql_with_params(
        &reg,
        "SELECT 1 FROM users WHERE users.id = ? AND users.addresses.any()",
        Dialect::Sqlite,
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Parse);
}

#[test]
fn named_values_are_checked() {
    let reg = registry();
    let err = |text: &str| {
        expand_sql(&reg, text, Dialect::Postgres)
            .unwrap_err()
            .to_string()
    };
    let dup = err("SELECT 1 FROM users WHERE users.addresses.contains(user_id => 1, user_id => 2)");
    assert!(dup.contains("column 'user_id' is given twice"), "{dup}");
    let unknown = err("SELECT 1 FROM users WHERE users.addresses.contains(nosuch => 1)");
    assert!(
        unknown.contains("line 1, column 52: table 'addresses' has no column 'nosuch'"),
        "{unknown}"
    );
    // A NULL key identifies no row: the comparison is false, never
    // `col = NULL` (unknown, and wrong under NOT).
    for (text, ending) in [
        (
            "SELECT 1 FROM users WHERE NOT users.addresses.contains(user_id => NULL)",
            "NOT (1 = 0)",
        ),
        (
            "SELECT 1 FROM addresses WHERE addresses.user.is(id => NULL)",
            "(1 = 0)",
        ),
        (
            "SELECT 1 FROM addresses WHERE addresses.user.is_not(id => NULL)",
            "(1 = 1)",
        ),
    ] {
        let sql = expand_sql(&reg, text, Dialect::Postgres).unwrap();
        assert!(sql.ends_with(ending), "{sql}");
    }
}

/// Names resolve as SQL scopes them: the innermost query first; a CTE or
/// a subquery in FROM shadows a table of its name.
#[test]
fn names_resolve_innermost_first() {
    use sqlrel::relationship::RelationshipConfig;
    let schema = sqlrel::schema::Schema::from_ddl(
        "CREATE TABLE a (id INTEGER PRIMARY KEY);
         CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT);
         CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a(id),
                         p_id INTEGER REFERENCES p(id));",
    )
    .unwrap();
    let reg = Registry::builder(schema)
        .relationship(RelationshipConfig::new("b", "p", "p"))
        .relationship(RelationshipConfig::new("a", "bs", "b"))
        .configure()
        .unwrap();
    // The inner `t` is b (which has p), not the outer a.
    let sql = expand_sql(
        &reg,
        "SELECT t.id FROM a t WHERE EXISTS (SELECT 1 FROM b t WHERE t.p.has(p.name = 'z'))",
        Dialect::Postgres,
    )
    .unwrap();
    assert_eq!(
        sql,
        r#"SELECT t.id FROM a t WHERE EXISTS (SELECT 1 FROM b t WHERE (EXISTS(SELECT 1 FROM "p" WHERE "p"."id" = "t"."p_id" AND "p"."name" = 'z')))"#
    );
    // An outer alias is still seen from an inner query that does not
    // rebind it.
    let sql = expand_sql(
        &reg,
        "SELECT t.id FROM a t WHERE EXISTS (SELECT 1 FROM p WHERE t.bs.any())",
        Dialect::Postgres,
    )
    .unwrap();
    assert!(sql.contains(r#""t"."id" = "b"."a_id""#), "{sql}");
    // An alias named like a table stands for its own table.
    let sql = expand_sql(&reg, "SELECT 1 FROM b a WHERE a.p.has()", Dialect::Sqlite).unwrap();
    assert!(sql.contains(r#""p"."id" = "a"."p_id""#), "{sql}");
    // A CTE or a subquery shadows the table: no relationship call there.
    for text in [
        "WITH b AS (SELECT 1 AS id) SELECT 1 FROM b WHERE b.p.has()",
        "SELECT 1 FROM (SELECT 1 AS id) AS b WHERE b.p.has()",
    ] {
        let e = expand_sql(&reg, text, Dialect::Postgres).unwrap_err();
        assert!(
            e.to_string().contains("b.p") || e.to_string().contains("'b'"),
            "{text}: {e}"
        );
    }
    // An alias of a table the schema lacks, or of a subquery, has no
    // relationships: a call naming one is refused, never passed through.
    for text in [
        "SELECT u.id FROM u.sers u WHERE u.p(1)",
        "SELECT u.id FROM x.y u WHERE u.p.has()",
        "SELECT u.id FROM (SELECT 1 AS id) u WHERE u.p.has()",
    ] {
        let e = expand_sql(&reg, text, Dialect::Postgres).unwrap_err();
        assert!(
            e.to_string().contains(
                "'u' names a subquery or a table the schema does not have here, and 'p' is a \
                 relationship"
            ),
            "{text}: {e}"
        );
    }
    // A name that is no relationship stays an ordinary function.
    let sql = expand_sql(&reg, "SELECT x.y.f(1) FROM x.y", Dialect::Postgres).unwrap();
    assert_eq!(sql, "SELECT x.y.f(1) FROM x.y");
}

/// Only reading statements are expanded.
#[test]
fn writing_and_locking_statements_are_refused() {
    let reg = registry();
    for (text, what) in [
        (
            "SELECT users.id INTO backup FROM users WHERE users.addresses.any()",
            "SELECT ... INTO",
        ),
        (
            "WITH gone AS (DELETE FROM addresses RETURNING user_id) SELECT 1 FROM users WHERE users.addresses.any()",
            "data-modifying",
        ),
        (
            "SELECT users.id FROM users WHERE users.addresses.any() FOR UPDATE",
            "FOR UPDATE",
        ),
    ] {
        let e = expand_sql(&reg, text, Dialect::Postgres).unwrap_err();
        assert!(
            e.to_string()
                .contains("only a SELECT that reads can be expanded")
                && e.to_string().contains(what),
            "{text}: {e}"
        );
    }
}
