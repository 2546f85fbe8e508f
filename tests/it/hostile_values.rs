//! Hostile values, inlined and bound, on every engine and under the
//! server settings that change how string literals are read: MySQL's
//! `NO_BACKSLASH_ESCAPES` and PostgreSQL's `standard_conforming_strings`.
//! A value must match exactly the row that holds it, never turn into SQL.

use sqlrel::expr::Value;
use sqlrel::query::{Dialect, Select};
use sqlrel::registry::Registry;
use sqlrel::relationship::RelationshipConfig;
use sqlrel::schema::Schema;
use sqlrel::sql_text::expand_sql;

use crate::common;
use common::exec::engine;

const DDL: &str = "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE notes (id INTEGER PRIMARY KEY, person_id INTEGER, body TEXT)";

/// Values an attacker would try; note `i` belongs to person `i + 1`.
const HOSTILE: [&str; 12] = [
    "x'''",
    ")) OR 1=1 -- ",
    "' OR '1'='1",
    "back\\slash",
    "back\\\\slash",
    "\\' OR 1=1 -- ",
    "trailing\\",
    "ctrl-z \u{1a} and newline \n tab \t",
    "?1 $1 :1 %s",
    "\"double\" `back`",
    "ユーザー 😀",
    "",
];

fn registry() -> Registry {
    Registry::builder(Schema::from_ddl(DDL).expect("valid DDL"))
        .relationship(
            RelationshipConfig::new("people", "notes", "notes")
                .primaryjoin("people.id = foreign(notes.person_id)"),
        )
        .configure()
        .expect("configure")
}

/// The server settings to try on `dialect`: none, then the one that reads
/// backslashes in literals the other way.
fn settings(dialect: Dialect) -> Vec<&'static str> {
    match dialect {
        Dialect::MySql => vec![
            "SET SESSION sql_mode = DEFAULT",
            "SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')",
        ],
        Dialect::Postgres => vec![
            "SET standard_conforming_strings = on",
            "SET standard_conforming_strings = off",
        ],
        _ => vec![],
    }
}

fn run(dialect: Dialect) {
    let reg = registry();
    let mut db = engine(dialect, "hostile_values");
    for statement in DDL.split(';') {
        db.execute(statement);
    }
    let mark = |n: usize| match dialect {
        Dialect::Postgres => format!("${n}"),
        _ => "?".to_owned(),
    };
    for (i, body) in HOSTILE.iter().enumerate() {
        let id = i as i64 + 1;
        db.execute(&format!("INSERT INTO people VALUES ({id}, 'p{id}')"));
        let insert = format!(
            "INSERT INTO notes VALUES ({}, {}, {})",
            mark(1),
            mark(2),
            mark(3)
        );
        let values = [id.into(), id.into(), (*body).into()];
        db.rows(&insert, &values.map(|v: Value| common::engines::value(&v)))
            .expect("insert");
    }
    let s = reg.schema();
    let notes = reg.relationship("people.notes").expect("people.notes");
    let mut checked = 0;
    for setting in std::iter::once("").chain(settings(dialect)) {
        if !setting.is_empty() {
            db.execute(setting);
        }
        for (i, body) in HOSTILE.iter().enumerate() {
            let expected = vec![vec![Some(i as i64 + 1)]];
            let select = Select::from(s.table("people").unwrap())
                .column(s.col("people.id").unwrap())
                .filter(notes.any(s.col("notes.body").unwrap().eq(*body)).unwrap());
            let inlined = select.to_string(dialect).expect("renders");
            let (bound, values) = select.build(dialect).expect("builds");
            let text = format!(
                "SELECT people.id FROM people WHERE people.notes.any(notes.body = {})",
                standard_literal(body)
            );
            let expanded = expand_sql(&reg, &text, dialect);
            for (form, sql, values) in [("inlined", inlined, vec![]), ("bound", bound, values.0)] {
                let rows = db.rows(&sql, &values);
                assert_eq!(
                    rows.as_ref().ok(),
                    Some(&expected),
                    "{dialect} {setting:?} {form} {body:?}: {rows:?}\n{sql}"
                );
                checked += 1;
            }
            // SQL text is read with the dialect's default reading of
            // literals, so a value with a backslash is written without one
            // there; the expansion's own literals hold in every setting.
            if !body.contains('\\') {
                let sql = expanded.expect("expands");
                let rows = db.rows(&sql, &[]);
                assert_eq!(
                    rows.as_ref().ok(),
                    Some(&expected),
                    "{dialect} {setting:?} text {body:?}: {rows:?}\n{sql}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 20, "{checked}");
}

/// `'...'` with quotes doubled, the standard literal every dialect reads.
fn standard_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

common::engines::on_each_engine!(values_match_their_own_row => run);

#[test]
fn a_nul_is_never_inlined() {
    let reg = registry();
    let s = reg.schema();
    let select =
        Select::from(s.table("people").unwrap()).filter(s.col("people.name").unwrap().eq("a\0b"));
    for dialect in Dialect::ALL {
        let err = select.to_string(dialect).unwrap_err();
        assert!(err.to_string().contains("NUL"), "{dialect}: {err}");
        assert!(select.build(dialect).is_ok(), "{dialect}: bound is fine");
    }
}
