//! sqlrel in five minutes, on the embedded default (SQLite, bundled:
//! nothing to install).
//!
//! The example creates an SQLite database from a shop schema
//! (`examples/data/shop.sql`), seeds it, lets automap derive the
//! relationships from the foreign keys, then writes six relationship queries
//! twice — with the Rust API and as relationship-aware SQL text — prints
//! their SQL for PostgreSQL, MySQL and SQLite, and runs them on SQLite.
//!
//! Run: `cargo run --example quickstart`

use sqlrel::comparator::Row;
use sqlrel::expr::Expr;
use sqlrel::query::{Dialect, Order, Select};
use sqlrel::registry::Registry;
use sqlrel::schema::Schema;
use sqlrel::sql_text::expand_sql;

const SCHEMA: &str = include_str!("data/shop.sql");
const SEED: &str = include_str!("data/shop_seed.sql");

/// One query, written both ways.
struct Query {
    title: &'static str,
    table: &'static str,
    predicate: Expr,
    text: &'static str,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. The database and the schema.
    let db = rusqlite::Connection::open_in_memory()?;
    db.execute_batch(SCHEMA)?;
    db.execute_batch(SEED)?;
    let schema = Schema::from_ddl_for(SCHEMA, Dialect::Sqlite)?;

    // 2. Relationships: automap derives them from the foreign keys.
    let registry = Registry::builder(schema).automap().configure()?;
    println!("{} relationships:", registry.relationships().len());
    let mut keys: Vec<_> = registry.relationships().collect();
    keys.sort_by_key(|r| r.key().to_owned());
    let width = keys.iter().map(|r| r.key().len()).max().unwrap_or(0);
    for rel in keys {
        println!(
            "  {:<width$} {:<13} {}",
            rel.key(),
            rel.direction().as_str(),
            rel.primaryjoin()
        );
    }

    // 3. Queries, with the Rust API and as SQL text.
    let s = registry.schema();
    let rel = |key: &str| registry.relationship(key);
    let queries = [
        Query {
            title: "customers with an order shipped to Berlin",
            table: "customers",
            predicate: rel("customers.orders_collection")?
                .any(rel("orders.shipping_address")?.has(s.col("addresses.city")?.eq("Berlin"))?)?,
            text: "customers.orders_collection.any(orders.shipping_address.has(addresses.city = 'Berlin'))",
        },
        Query {
            title: "customers who never ordered",
            table: "customers",
            predicate: rel("customers.orders_collection")?.any(None)?.not(),
            text: "NOT customers.orders_collection.any()",
        },
        Query {
            title: "products in the Books category",
            table: "products",
            predicate: rel("products.categories_collection")?
                .any(s.col("categories.name")?.eq("Books"))?,
            text: "products.categories_collection.any(categories.name = 'Books')",
        },
        Query {
            title: "employees without a manager",
            table: "employees",
            predicate: rel("employees.employees")?.is_none()?,
            text: "employees.employees.is_none()",
        },
        Query {
            title: "orders with an item of SKU B-1",
            table: "orders",
            predicate: rel("orders.order_items_collection")?
                .any(rel("order_items.products")?.has(s.col("products.sku")?.eq("B-1"))?)?,
            text: "orders.order_items_collection.any(order_items.products.has(products.sku = 'B-1'))",
        },
        Query {
            title: "categories that contain product 4",
            table: "categories",
            predicate: rel("categories.products_collection")?
                .contains(&Row::new().with("id", 4))?,
            text: "categories.products_collection.contains(id => 4)",
        },
    ];

    for q in queries {
        let id = s.col(&format!("{}.id", q.table))?;
        let select = Select::from(s.table(q.table)?)
            .column(id.clone())
            .filter(q.predicate)
            .order_by(id, Order::Asc);
        let text = format!(
            "SELECT {t}.id FROM {t} WHERE {} ORDER BY {t}.id",
            q.text,
            t = q.table
        );
        println!("\n{}\n  text:       {text}", q.title);
        for dialect in Dialect::ALL {
            println!("  {:<10}  {}", dialect.as_str(), select.to_string(dialect)?);
        }
        let from_text = expand_sql(&registry, &text, Dialect::Sqlite)?;
        let rows = ids(&db, &select.to_string(Dialect::Sqlite)?)?;
        let rows_from_text = ids(&db, &from_text)?;
        assert_eq!(rows, rows_from_text, "the Rust API and the SQL text agree");
        println!("  rows:       {} {rows:?}", q.table);
    }
    Ok(())
}

fn ids(db: &rusqlite::Connection, sql: &str) -> rusqlite::Result<Vec<i64>> {
    let mut stmt = db.prepare(sql)?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    rows.collect()
}
