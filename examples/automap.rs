//! Reflect a SQLite database, let automap derive its relationships, and
//! print them.
//!
//! ```text
//! cargo run --example automap --features sqlite            # a demo database
//! cargo run --example automap --features sqlite -- my.db   # your database
//! ```

use sqlrel::registry::Registry;
use sqlrel::relationship::Relationship;

/// A small shop: a chain of one-to-many relationships, a self-referential
/// category tree, a many-to-many through an association table, a
/// one-to-one (a unique foreign key), two foreign keys to one table, and a
/// log table without primary key (skipped).
const DEMO: &str = r#"
CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE loyalty_cards (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL UNIQUE REFERENCES customers(id),
    points INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE categories (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES categories(id), name TEXT);
CREATE TABLE products (id INTEGER PRIMARY KEY, category_id INTEGER REFERENCES categories(id), title TEXT);
CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT UNIQUE);
CREATE TABLE product_tags (
    product_id INTEGER NOT NULL REFERENCES products(id),
    tag_id INTEGER NOT NULL REFERENCES tags(id),
    PRIMARY KEY (product_id, tag_id)
);
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    gift_for_id INTEGER REFERENCES customers(id),
    placed TEXT
);
CREATE TABLE order_lines (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders(id),
    product_id INTEGER NOT NULL REFERENCES products(id),
    qty INTEGER NOT NULL
);
CREATE TABLE audit_log (order_id INTEGER REFERENCES orders(id), at TEXT, what TEXT);
"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let conn = match std::env::args().nth(1) {
        Some(path) => {
            rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?
        }
        None => {
            let conn = rusqlite::Connection::open_in_memory()?;
            conn.execute_batch(DEMO)?;
            conn
        }
    };

    let schema = sqlrel::reflect::sqlite(&conn)?;
    let registry = Registry::builder(schema).automap().configure()?;

    let mut relationships: Vec<&Relationship> = registry.relationships().collect();
    relationships.sort_by(|a, b| a.key().cmp(b.key()));
    println!("{} relationships", relationships.len());
    for rel in relationships {
        print(rel);
    }
    Ok(())
}

fn print(rel: &Relationship) {
    let arity = if rel.uselist() {
        "collection"
    } else {
        "scalar"
    };
    println!();
    println!(
        "{}  {} -> {} ({arity})",
        rel.key(),
        rel.direction().as_str(),
        rel.target().qualified_name()
    );
    match (rel.secondary(), rel.secondaryjoin()) {
        (Some(secondary), Some(secondaryjoin)) => {
            println!("    secondary:     {}", secondary.qualified_name());
            println!("    primaryjoin:   {}", rel.primaryjoin());
            println!("    secondaryjoin: {secondaryjoin}");
        }
        _ => println!("    join:          {}", rel.primaryjoin()),
    }
    if let Some(origin) = rel.backref_of() {
        println!("    backref of:    {origin}");
    }
}
