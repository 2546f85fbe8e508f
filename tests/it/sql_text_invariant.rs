//! The expander's promise, tested on generated text: whatever
//! relationship-aware SQL `expand_sql` accepts comes out as SQL that the
//! target dialect's parser reads and that holds no relationship call; all
//! else is a typed error. Generated texts mix valid calls, calls with
//! unknown methods or relationships, paths, calls without a method, calls
//! in the FROM clause, out-of-scope columns, ordinary (schema-qualified)
//! functions and random edits.

use std::ops::ControlFlow;

use proptest::prelude::*;
use sqlparser::ast::{self as sql, Statement, TableFactor, Visit, Visitor};
use sqlparser::parser::Parser;
use sqlrel::query::Dialect;
use sqlrel::registry::Registry;
use sqlrel::relationship::{Backref, RelationshipConfig};
use sqlrel::schema::Schema;
use sqlrel::sql_text::{expand_sql, expand_sql_with_params};

use crate::common::generate::{Gen, stream};

const DDL: &str = "
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), email TEXT);
CREATE TABLE nodes (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES nodes(id), name TEXT);";

fn registry() -> Registry {
    Registry::builder(Schema::from_ddl(DDL).expect("valid DDL"))
        .relationship(RelationshipConfig::new("users", "addresses", "addresses").backref("user"))
        .relationship(
            RelationshipConfig::new("nodes", "children", "nodes")
                .backref(Backref::new("parent").remote_side(["nodes.id"])),
        )
        .configure()
        .expect("configure")
}

/// The FROM clauses texts use: the name calls are made on, and its table.
const FROMS: [(&str, &str, &str); 5] = [
    ("users", "users", "users"),
    ("users u", "u", "users"),
    ("nodes", "nodes", "nodes"),
    ("nodes n", "n", "nodes"),
    (
        "users JOIN addresses ON addresses.user_id = users.id",
        "users",
        "users",
    ),
];
/// Relationships: parent table, name, target, the methods that apply and
/// a criterion on the target.
type Rel = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
);
const RELATIONSHIPS: [Rel; 4] = [
    (
        "users",
        "addresses",
        "addresses",
        &["any", "contains", "is_none", "is_not_none"],
        "addresses.email LIKE 'a%'",
    ),
    (
        "addresses",
        "user",
        "users",
        &["has", "is", "is_not", "is_none"],
        "users.name = 'x'",
    ),
    (
        "nodes",
        "children",
        "nodes",
        &["any", "contains", "is_none"],
        "nodes.name = 'leaf'",
    ),
    (
        "nodes",
        "parent",
        "nodes",
        &["has", "is", "is_not", "is_not_none"],
        "nodes.name = 'root'",
    ),
];
const WRONG_NAMES: [&str; 4] = ["nope", "name", "bogus", "addresses"];
const WRONG_METHODS: [&str; 4] = ["exist", "count", "ANY", "all"];
const COLUMNS: [&str; 5] = [
    "users.name",
    "addresses.email",
    "nodes.name",
    "users.id",
    "1",
];
const LITERALS: [&str; 6] = ["1", "'x'", "'it''s'", "NULL", "-2", "'a\\b'"];

/// A call on `owner` (a name the statement reads, of table `table`):
/// mostly well formed, sometimes wrong in one way.
fn call(g: &mut Gen, owner: &str, table: &str, depth: u32) -> String {
    let options: Vec<_> = RELATIONSHIPS.iter().filter(|r| r.0 == table).collect();
    let Some(&&(_, rel, target, methods, criterion)) = options.get(g.below(options.len().max(1)))
    else {
        return format!("{owner}.nope.any()");
    };
    let method = *g.pick(methods);
    let name = match g.below(12) {
        0 => format!("{owner}.{}.{method}", g.pick(&WRONG_NAMES)),
        1 => format!("{owner}.{rel}.{}", g.pick(&WRONG_METHODS)),
        2 => format!("{owner}.{rel}"),
        3 => format!("{owner}.{rel}.{rel}.{method}"),
        4 => format!(
            "{}.{rel}.{method}",
            g.pick(&["bogus", "users", "nodes", "addresses"])
        ),
        _ => format!("{owner}.{rel}.{method}"),
    };
    let args = match method {
        "any" | "has" if g.chance(60) => {
            if depth < 2 && g.chance(30) {
                call(g, target, target, depth + 1)
            } else if g.chance(15) {
                format!("{} = {}", g.pick(&COLUMNS), g.pick(&LITERALS))
            } else {
                criterion.to_owned()
            }
        }
        "contains" | "is" | "is_not" => match rel {
            "addresses" => format!("user_id => {}", g.pick(&LITERALS)),
            "children" => format!("parent_id => {}, id => 2", g.pick(&LITERALS)),
            _ => format!("id => {}", g.pick(&LITERALS)),
        },
        _ if g.chance(10) => "1".to_owned(),
        _ => String::new(),
    };
    format!("{name}({args})")
}

fn predicate(g: &mut Gen, owner: &str, table: &str, depth: u32) -> String {
    if depth > 2 {
        return format!("{} = {}", g.pick(&COLUMNS), g.pick(&LITERALS));
    }
    match g.below(7) {
        0..=2 => call(g, owner, table, depth),
        3 => format!("NOT ({})", predicate(g, owner, table, depth + 1)),
        4 => format!(
            "({}) {} ({})",
            predicate(g, owner, table, depth + 1),
            g.pick(&["AND", "OR"]),
            predicate(g, owner, table, depth + 1)
        ),
        5 => format!("lower({owner}.name) LIKE 'a%'"),
        _ => format!("pg_catalog.lower({owner}.name) = {}", g.pick(&LITERALS)),
    }
}

fn text(g: &mut Gen) -> String {
    let &(from, owner, table) = g.pick(&FROMS);
    let mut text = format!(
        "SELECT {owner}.id FROM {from} WHERE {}",
        predicate(g, owner, table, 0)
    );
    if g.chance(8) {
        text = format!("SELECT * FROM {} WHERE 1 = 1", call(g, owner, table, 2));
    }
    if g.chance(15) {
        text.push_str(&format!(" ORDER BY {}", predicate(g, owner, table, 2)));
    }
    // A random edit now and then, for the parser's error paths.
    if g.chance(10) && !text.is_empty() {
        let at = g.below(text.len());
        if text.is_char_boundary(at) {
            text.insert(at, *g.pick(&['(', ')', '.', '\'', ',', ' ']));
        }
    }
    text
}

/// The names the statement reads tables under (their own names and their
/// aliases), each with its table's name.
fn owners(statement: &Statement) -> Vec<(String, String)> {
    struct Collect(Vec<(String, String)>);
    impl Visitor for Collect {
        type Break = ();
        fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<()> {
            if let TableFactor::Table { name, alias, .. } = factor {
                let table = name.to_string();
                if let Some(alias) = alias {
                    self.0.push((alias.name.value.clone(), table.clone()));
                }
                self.0.push((table.clone(), table));
            }
            ControlFlow::Continue(())
        }
    }
    let mut collect = Collect(Vec::new());
    let _ = statement.visit(&mut collect);
    collect.0
}

/// The relationship calls left in `sql`, which must parse for `dialect`.
fn leftover_calls(registry: &Registry, sql: &str, dialect: Dialect) -> Result<Vec<String>, String> {
    let parser_dialect: Box<dyn sqlparser::dialect::Dialect> = match dialect {
        Dialect::Postgres => Box::new(sqlparser::dialect::PostgreSqlDialect {}),
        Dialect::MySql => Box::new(sqlparser::dialect::MySqlDialect {}),
        Dialect::Sqlite => Box::new(sqlparser::dialect::SQLiteDialect {}),
    };
    let statements =
        Parser::parse_sql(parser_dialect.as_ref(), sql).map_err(|e| format!("{e}: {sql}"))?;
    let mut left = Vec::new();
    for statement in &statements {
        let owners = owners(statement);
        let _ = sql::visit_expressions(statement, |e| {
            if let sql::Expr::Function(f) = e {
                let parts: Vec<String> = f.name.0.iter().map(ToString::to_string).collect();
                if let [owner, rel, ..] = parts.as_slice() {
                    let is_relationship =
                        owners
                            .iter()
                            .filter(|(name, _)| name == owner)
                            .any(|(_, table)| {
                                registry
                                    .schema()
                                    .table(table)
                                    .is_ok_and(|t| registry.get(t.id(), rel).is_some())
                            });
                    if is_relationship {
                        left.push(f.to_string());
                    }
                }
            }
            ControlFlow::<()>::Continue(())
        });
    }
    Ok(left)
}

fn check(registry: &Registry, text: &str) -> Result<(), TestCaseError> {
    for dialect in Dialect::ALL {
        let expanded = [
            expand_sql(registry, text, dialect),
            expand_sql_with_params(registry, text, dialect).map(|(sql, _)| sql),
        ];
        for result in expanded {
            match result {
                Ok(sql) => match leftover_calls(registry, &sql, dialect) {
                    Ok(left) => prop_assert!(
                        left.is_empty(),
                        "{dialect}: {text}\nleft unexpanded: {left:?}\n{sql}"
                    ),
                    Err(e) => prop_assert!(false, "{dialect}: {text}\ndoes not parse: {e}"),
                },
                Err(e) => prop_assert!(!e.to_string().is_empty(), "{dialect}: {text}"),
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn accepted_text_parses_and_holds_no_relationship_call(vals in stream()) {
        let registry = registry();
        let text = text(&mut Gen::new(vals));
        check(&registry, &text)?;
    }
}

/// The generator reaches what the property is about: accepted texts with
/// calls, and each kind of refusal.
#[test]
fn the_generator_covers_acceptance_and_refusals() {
    let registry = registry();
    let (mut accepted, mut refused) = (0, Vec::new());
    for seed in 0..400 {
        let text = text(&mut Gen::seeded(seed, 600));
        match expand_sql(&registry, &text, Dialect::Postgres) {
            Ok(sql) if sql != text => accepted += 1,
            Ok(_) => {}
            Err(e) => refused.push(e.to_string()),
        }
    }
    assert!(accepted > 40, "only {accepted} texts with calls accepted");
    for message in [
        "unknown method",
        "without a method",
        "is a path of relationships",
        "where sqlrel does not expand calls",
        "is out of scope",
        "unknown relationship",
    ] {
        assert!(
            refused.iter().any(|m| m.contains(message)),
            "no refusal says {message:?}"
        );
    }
}
