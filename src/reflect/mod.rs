//! Reading a [`Schema`](crate::schema::Schema) from a live database.
//!
//! Behind cargo features: `sqlite` gives `reflect::sqlite` (with
//! [rusqlite](https://docs.rs/rusqlite)), `postgres` gives
//! `reflect::postgres` (with the [postgres](https://docs.rs/postgres)
//! crate). Both read tables, columns (type text and nullability), primary
//! keys in key order, foreign keys (composite ones column by column, in
//! constraint order) and unique constraints, and build the schema with the
//! same [`SchemaBuilder`](crate::schema::SchemaBuilder) that
//! [`Schema::from_ddl`](crate::schema::Schema::from_ddl) uses, so a
//! reflected database and the DDL that created it give equal catalogs (up
//! to the spelling of type names, which is the database's).
//!
//! Names are taken verbatim from the catalog: keywords, quotes, spaces,
//! mixed case and non-ASCII names survive exactly and are quoted when SQL
//! is rendered.
//!
//! Unique constraints are read, and so are unique indexes over plain
//! columns without `WHERE` (`CREATE UNIQUE INDEX`), as unique constraints
//! named after the index: they make a foreign key one-to-one just as a
//! constraint does, and `from_ddl` reads them the same way.
//!
//! Every failure of the driver (closed connection, a file that is not a
//! database, missing privileges) and every inconsistency of the catalog that
//! a schema cannot hold (a foreign key to a table that does not exist or is
//! not reflected, a schema name that does not exist) is an
//! [`Error::Reflect`]. Anything else the schema rejects gives the error of
//! [`SchemaBuilder::build`](crate::schema::SchemaBuilder::build).
//!
//! # Table order
//!
//! Tables come in creation order, so that a database built from a DDL file
//! reflects to the same table order as the file: SQLite's `sqlite_schema`
//! row order, and for PostgreSQL the order of the `schemas` argument and,
//! within one schema, table oid order. (A table that SQLite rebuilt with
//! `CREATE`/`DROP`/`RENAME`, or a PostgreSQL database restored from a dump,
//! has the order of that history.) Columns come in declaration order,
//! foreign keys and unique constraints in the order they were declared.
#![cfg_attr(
    feature = "sqlite",
    doc = r##"
# Example (SQLite)

```
use sqlrel::registry::Registry;
use sqlrel::relationship::RelationshipConfig;

let conn = rusqlite::Connection::open_in_memory().unwrap();
conn.execute_batch(
    r#"CREATE TABLE users (id INTEGER PRIMARY KEY, "user name" TEXT NOT NULL);
       CREATE TABLE addresses (
           id INTEGER PRIMARY KEY,
           user_id INTEGER NOT NULL,
           CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id)
       );"#,
)
.unwrap();

let schema = sqlrel::reflect::sqlite(&conn)?;
let addresses = schema.table("addresses")?;
assert_eq!(addresses.foreign_keys()[0].name(), Some("fk_user"));
assert_eq!(schema.table("users")?.columns()[1].name(), "user name");

let registry = Registry::builder(schema)
    .relationship(RelationshipConfig::new("users", "addresses", "addresses").backref("user"))
    .configure()?;
assert!(registry.relationship("addresses.user").is_ok());
# Ok::<(), sqlrel::Error>(())
```
"##
)]
#![cfg_attr(
    feature = "postgres",
    doc = r#"
# Example (PostgreSQL)

```no_run
let mut client = postgres::Client::connect("postgres://postgres@localhost/app", postgres::NoTls)
    .expect("connect");
// Tables of both schemas; foreign keys between them are kept.
let schema = sqlrel::reflect::postgres(&mut client, &["public", "billing"])?;
for table in schema.tables() {
    println!("{}", table.qualified_name()); // e.g. public.users, billing.invoices
}
# Ok::<(), sqlrel::Error>(())
```
"#
)]

#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;

#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
pub use self::postgres::postgres;
#[cfg(feature = "sqlite")]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
pub use self::sqlite::sqlite;

/// The rusqlite whose `Connection` [`sqlite`] reads (0.43).
#[cfg(feature = "sqlite")]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
pub use rusqlite;

use crate::error::Error;

/// An [`Error::Reflect`] for a driver error met while doing `what`; the
/// message holds the error's whole source chain (drivers often keep the
/// server's message in a source).
fn driver_error(what: &str, error: &dyn std::error::Error) -> Error {
    let mut message = format!("{what}: {error}");
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.ends_with(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    Error::Reflect { message }
}

/// An [`Error::Reflect`] with the given message.
fn reflect_error(message: impl Into<String>) -> Error {
    Error::Reflect {
        message: message.into(),
    }
}
