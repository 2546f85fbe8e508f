//! Every column a statement names must be readable where it is used: a
//! FROM item of the statement, or of an enclosing relationship predicate,
//! provides it, from the registry's own schema. Otherwise rendering is an
//! error, never SQL with a dangling reference.

use sqlrel::Error;
use sqlrel::query::{Dialect, Select};
use sqlrel::registry::Registry;
use sqlrel::schema::Schema;

const DDL: &str = "
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), title TEXT);
CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE post_tags (post_id INTEGER REFERENCES posts(id), tag_id INTEGER REFERENCES tags(id),
                        PRIMARY KEY (post_id, tag_id));";

fn registry() -> Registry {
    Registry::builder(Schema::from_ddl(DDL).unwrap())
        .automap()
        .configure()
        .unwrap()
}

fn out_of_scope(result: sqlrel::Result<String>) -> (String, String, bool) {
    match result {
        Err(Error::OutOfScope {
            column,
            table,
            other_schema,
            ..
        }) => (column, table, other_schema),
        other => panic!("expected an out-of-scope error, got {other:?}"),
    }
}

#[test]
fn a_criterion_naming_a_table_no_from_reads_is_an_error() {
    let r = registry();
    let s = r.schema();
    let posts = r.relationship("users.posts_collection").unwrap();
    // tags is reached through posts.tags_collection, not read by posts.any().
    let filter = posts.any(s.col("tags.name").unwrap().eq("x")).unwrap();
    let select = Select::from(s.table("users").unwrap()).filter(filter);
    for dialect in Dialect::ALL {
        let (column, table, other) = out_of_scope(select.to_string(dialect));
        assert_eq!(
            (column.as_str(), table.as_str(), other),
            ("tags.name", "tags", false)
        );
        assert!(select.build(dialect).is_err());
    }
    let message = select.to_string(Dialect::Sqlite).unwrap_err().to_string();
    assert!(
        message.contains("column tags.name is out of scope") && message.contains("any(), has()"),
        "{message}"
    );

    // Reached through the relationship, the same criterion is fine.
    let tags = r.relationship("posts.tags_collection").unwrap();
    let filter = posts
        .any(tags.any(s.col("tags.name").unwrap().eq("x")).unwrap())
        .unwrap();
    let select = Select::from(s.table("users").unwrap()).filter(filter);
    assert!(select.to_string(Dialect::Postgres).is_ok());
}

#[test]
fn a_relationship_of_a_table_the_statement_does_not_read_is_an_error() {
    let r = registry();
    let s = r.schema();
    let posts = r.relationship("users.posts_collection").unwrap();
    let select = Select::from(s.table("tags").unwrap()).filter(posts.any(None).unwrap());
    let (column, _, _) = out_of_scope(select.to_string(Dialect::MySql));
    assert_eq!(column, "users.id");
}

#[test]
fn a_column_of_another_schema_is_an_error() {
    let r = registry();
    let other = Schema::from_ddl(DDL).unwrap();
    let select = Select::from(r.schema().table("users").unwrap())
        .filter(other.col("users.name").unwrap().eq("x"));
    let (column, _, other_schema) = out_of_scope(select.to_string(Dialect::Postgres));
    assert_eq!((column.as_str(), other_schema), ("users.name", true));
    let message = select.to_string(Dialect::Postgres).unwrap_err().to_string();
    assert!(message.contains("another schema"), "{message}");
}

#[test]
fn columns_of_joined_tables_and_enclosing_predicates_are_in_scope() {
    let r = registry();
    let s = r.schema();
    let posts = r.relationship("users.posts_collection").unwrap();
    let select = Select::from(s.table("users").unwrap())
        .join(posts)
        .unwrap()
        .column(s.col("posts.title").unwrap())
        .filter(
            posts
                .any(
                    s.col("users.name")
                        .unwrap()
                        .eq(s.col("posts.title").unwrap()),
                )
                .unwrap(),
        );
    for dialect in Dialect::ALL {
        assert!(select.to_string(dialect).is_ok(), "{dialect}");
    }
}
