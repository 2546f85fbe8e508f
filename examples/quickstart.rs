//! sqlrel's main job on the embedded default, SQLite: describe tables,
//! declare relationships, write relationship predicates, render them and run
//! them.
//!
//! Run: `cargo run --example quickstart`

use sqlrel::comparator::Row;
use sqlrel::query::{Dialect, Order, Select};
use sqlrel::registry::Registry;
use sqlrel::relationship::{Backref, RelationshipConfig};
use sqlrel::schema::Schema;

const DDL: &str = "
    CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
    CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), email TEXT);
    CREATE TABLE groups (id INTEGER PRIMARY KEY, name TEXT);
    CREATE TABLE memberships (user_id INTEGER REFERENCES users(id), group_id INTEGER REFERENCES groups(id));
    CREATE TABLE nodes (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES nodes(id), name TEXT);
";

const DATA: &str = "
    INSERT INTO users VALUES (1, 'alice'), (2, 'bob'), (3, 'carol');
    INSERT INTO addresses VALUES (1, 1, 'alice@example.com'), (2, 2, 'bob@elsewhere.org'), (3, 2, 'bob@example.com');
    INSERT INTO groups VALUES (1, 'admins'), (2, 'staff');
    INSERT INTO memberships VALUES (1, 1), (1, 2), (3, 2);
    INSERT INTO nodes VALUES (1, NULL, 'root'), (2, 1, 'child'), (3, 2, 'grandchild');
";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let schema = Schema::from_ddl(DDL)?;
    let registry = Registry::builder(schema)
        .relationship(RelationshipConfig::new("users", "addresses", "addresses").backref("user"))
        .relationship(
            RelationshipConfig::new("groups", "members", "users")
                .secondary("memberships")
                .backref("groups"),
        )
        .relationship(
            RelationshipConfig::new("nodes", "children", "nodes")
                .backref(Backref::new("parent").remote_side(["nodes.id"])),
        )
        .configure()?;
    let s = registry.schema();

    println!("Relationships:");
    for rel in registry.relationships() {
        println!(
            "  {:<18} {:<12} {}",
            rel.key(),
            rel.direction().as_str(),
            rel.primaryjoin()
        );
    }

    let db = rusqlite::Connection::open_in_memory()?;
    db.execute_batch(DDL)?;
    db.execute_batch(DATA)?;

    let queries = [
        (
            "users with an address at example.com",
            "users",
            registry
                .relationship("users.addresses")?
                .any(s.col("addresses.email")?.like("%@example.com"))?,
        ),
        (
            "users without any address",
            "users",
            registry.relationship("users.addresses")?.any(None)?.not(),
        ),
        (
            "addresses of users named bob",
            "addresses",
            registry
                .relationship("addresses.user")?
                .has(s.col("users.name")?.eq("bob"))?,
        ),
        (
            "groups that contain user 3",
            "groups",
            registry
                .relationship("groups.members")?
                .contains(&Row::new().with("id", 3))?,
        ),
        (
            "root nodes",
            "nodes",
            registry.relationship("nodes.parent")?.is_none()?,
        ),
        (
            "nodes whose parent has a parent",
            "nodes",
            registry
                .relationship("nodes.parent")?
                .has(registry.relationship("nodes.parent")?.is_not_none()?)?,
        ),
    ];

    for (title, table, predicate) in queries {
        let id = s.col(&format!("{table}.id"))?;
        let select = Select::from(s.table(table)?)
            .column(id.clone())
            .filter(predicate)
            .order_by(id, Order::Asc);
        let (sql, values) = select.build(Dialect::Sqlite)?;
        let params: Vec<rusqlite::types::Value> = values
            .0
            .iter()
            .map(|v| match v {
                sea_query::Value::BigInt(Some(i)) => rusqlite::types::Value::Integer(*i),
                sea_query::Value::String(Some(s)) => rusqlite::types::Value::Text(s.clone()),
                _ => rusqlite::types::Value::Null,
            })
            .collect();
        let mut stmt = db.prepare(&sql)?;
        let ids: Vec<i64> = stmt
            .query_map(rusqlite::params_from_iter(params), |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        println!(
            "\n{title}:\n  {}\n  -> {table} {ids:?}",
            select.to_string(Dialect::Sqlite)?
        );
    }
    Ok(())
}
