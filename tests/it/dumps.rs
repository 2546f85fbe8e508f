//! Real dumps made by the real tools during the suite: `pg_dump` (schema
//! only, with data as COPY, with data as INSERT) of the PostgreSQL test
//! server, `mariadb-dump` (no data; everything, triggers and routines
//! included) of the MariaDB test server, `sqlite3 .dump` and `.schema` of an
//! SQLite file. Each dump is of one schema with composite,
//! self-referential and several-to-one-table foreign keys, a partitioned
//! table, views, sequences, a domain (PostgreSQL), triggers and functions,
//! and rows whose text looks like SQL. Read with its dialect detected, each
//! dump must give the schema and the automap relationships that reflection
//! of the live database gives (for MariaDB, whose reflection sqlrel does not
//! have, the information_schema read here).

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

use sqlrel::registry::Registry;
use sqlrel::schema::{DdlDialect, Schema, SchemaBuilder, Table, TableBuilder};

use common::engines::{require_tool, skip_without_server};

static NEXT: AtomicU32 = AtomicU32::new(0);

fn unique(prefix: &str) -> String {
    format!(
        "sqlrel_dump_{prefix}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

// --- Comparing -------------------------------------------------------------------

fn names<'t>(table: &'t Table, ids: &[sqlrel::schema::ColumnId]) -> Vec<&'t str> {
    ids.iter()
        .map(|id| table.column(*id).expect("column of the table").name())
        .collect()
}

/// Tables, columns (name, nullability), primary keys, foreign keys and
/// unique column sets, sorted: what relationships are made of. Types are
/// left out: each tool spells them its own way (`int(11)` and `int`).
fn describe(schema: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    for table in schema.tables() {
        let name = table.qualified_name().to_string();
        let columns: Vec<String> = table
            .columns()
            .iter()
            .map(|c| format!("{}{}", c.name(), if c.is_nullable() { "" } else { "!" }))
            .collect();
        out.push(format!("{name}: {}", columns.join(" ")));
        out.push(format!("{name} pk {:?}", names(table, table.primary_key())));
        let mut fks: Vec<String> = table
            .foreign_keys()
            .iter()
            .map(|fk| {
                let referred = schema.table_by_id(fk.referred_table()).expect("referred");
                format!(
                    "{name} fk {:?} -> {} {:?}",
                    names(table, fk.columns()),
                    referred.qualified_name(),
                    names(referred, fk.referred_columns())
                )
            })
            .collect();
        let mut unique: Vec<String> = table
            .unique_constraints()
            .iter()
            .map(|u| format!("{name} unique {:?}", names(table, u.columns())))
            .collect();
        fks.sort();
        unique.sort();
        out.extend(fks);
        out.extend(unique);
    }
    out.sort();
    out
}

/// Automap's relationships, one line each, sorted.
fn relationships(schema: Schema) -> Vec<String> {
    let registry = Registry::builder(schema)
        .automap()
        .configure()
        .unwrap_or_else(|e| panic!("automap: {e}"));
    let pairs = |pairs: &[(sqlrel::schema::ColumnRef, sqlrel::schema::ColumnRef)]| {
        pairs
            .iter()
            .map(|(a, b)| format!("{a}={b}"))
            .collect::<Vec<_>>()
            .join(",")
    };
    let mut out: Vec<String> = registry
        .relationships()
        .map(|r| {
            format!(
                "{} {} {}{} -> {} [{}] secondary {:?}",
                r.key(),
                r.direction().as_str(),
                if r.uselist() { "list" } else { "scalar" },
                if r.viewonly() { " viewonly" } else { "" },
                r.target().qualified_name(),
                pairs(r.local_remote_pairs()),
                r.secondary().map(|s| s.qualified_name().to_string())
            )
        })
        .collect();
    out.sort();
    out
}

/// Reads a dump file with its dialect detected, and checks it against the
/// reflected schema: same tables, keys and relationships, no warnings.
#[track_caller]
fn assert_dump_matches(dump: &Path, reflected: &Schema, tables: usize, relationships_made: usize) {
    let file = std::fs::File::open(dump).expect("open the dump");
    let from_dump = Schema::read_ddl(file, DdlDialect::Detect)
        .unwrap_or_else(|e| panic!("{}: {e}", dump.display()));
    let text = std::fs::read_to_string(dump).expect("read the dump");
    assert!(
        from_dump.warnings().is_empty(),
        "{}: {:?}\n{text}",
        dump.display(),
        from_dump.warnings()
    );
    assert_eq!(
        describe(&from_dump),
        describe(reflected),
        "{}: the dump (left) and the live database (right) differ\n{text}",
        dump.display()
    );
    assert_eq!(from_dump.tables().len(), tables, "{}", dump.display());
    let (ours, theirs) = (relationships(from_dump), relationships(reflected.clone()));
    assert_eq!(ours.len(), relationships_made, "{ours:#?}");
    // The unique index on profiles.customer_id makes its key one-to-one.
    assert!(
        ours.iter()
            .any(|r| r.contains("one_to_many scalar") && r.contains("profiles [")),
        "{ours:#?}"
    );
    assert_eq!(ours, theirs, "{}", dump.display());
}

/// A scratch directory removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(unique(name));
        std::fs::create_dir_all(&path).expect("create a scratch directory");
        TempDir(path)
    }

    fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs a tool, its stdout into `out`; panics with its stderr on failure.
fn run(command: &mut Command, out: &Path) {
    let file = std::fs::File::create(out).expect("create the dump file");
    let output = command
        .stdout(file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    assert!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn on_path(tool: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(tool))
        .find(|p| p.is_file())
}

// --- PostgreSQL ----------------------------------------------------------------

/// `pg_dump`: on PATH, else the newest under /usr/lib/postgresql (where
/// Debian puts it).
fn pg_dump() -> Option<PathBuf> {
    on_path("pg_dump").or_else(|| {
        let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|entry| {
                let entry = entry.ok()?;
                let version = entry.file_name().to_str()?.parse().ok()?;
                let tool = entry.path().join("bin/pg_dump");
                tool.is_file().then_some((version, tool))
            })
            .collect();
        found.sort();
        found.pop().map(|(_, tool)| tool)
    })
}

fn postgres_ddl(schema: &str) -> String {
    format!(
        r#"
CREATE SCHEMA {schema};
SET search_path TO {schema};
CREATE DOMAIN flag AS boolean NOT NULL DEFAULT false;
CREATE TYPE mood AS ENUM ('ok', 'sad');
CREATE SEQUENCE customer_seq;
CREATE TABLE customers (
    id integer PRIMARY KEY DEFAULT nextval('customer_seq'),
    name text NOT NULL,
    vip flag,
    mood mood,
    referred_by integer REFERENCES customers (id)
);
CREATE TABLE addresses (id serial PRIMARY KEY, customer_id integer NOT NULL REFERENCES customers (id), line text);
CREATE TABLE products (sku text, version integer, name text, PRIMARY KEY (sku, version));
CREATE TABLE orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES customers,
    billing_address_id integer REFERENCES addresses (id),
    shipping_address_id integer REFERENCES addresses (id),
    placed date NOT NULL
);
CREATE TABLE order_lines (
    order_id bigint REFERENCES orders (id),
    line_no integer,
    sku text,
    version integer,
    qty integer GENERATED ALWAYS AS (line_no * 2) STORED,
    PRIMARY KEY (order_id, line_no),
    FOREIGN KEY (sku, version) REFERENCES products (sku, version)
);
CREATE TABLE events (
    at date NOT NULL,
    customer_id integer NOT NULL REFERENCES customers (id),
    kind text,
    PRIMARY KEY (at, customer_id)
) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_rest PARTITION OF events DEFAULT;
CREATE TABLE event_notes (
    id serial PRIMARY KEY,
    at date,
    customer_id integer,
    note text,
    FOREIGN KEY (at, customer_id) REFERENCES events (at, customer_id)
);
CREATE TABLE profiles (id serial PRIMARY KEY, customer_id integer REFERENCES customers (id), bio text);
CREATE UNIQUE INDEX profiles_customer ON profiles (customer_id);
CREATE TABLE tags (id serial PRIMARY KEY, name text UNIQUE);
CREATE TABLE product_tags (
    sku text, version integer, tag_id integer REFERENCES tags (id),
    PRIMARY KEY (sku, version, tag_id),
    FOREIGN KEY (sku, version) REFERENCES products (sku, version)
);
CREATE VIEW big_orders AS SELECT * FROM orders WHERE id > 10;
CREATE MATERIALIZED VIEW order_counts AS SELECT customer_id, count(*) FROM orders GROUP BY 1;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql
    AS $$ BEGIN NEW.placed := now(); RETURN NEW; END; $$;
CREATE TRIGGER orders_touch BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION touch();
CREATE FUNCTION answer() RETURNS integer LANGUAGE sql BEGIN ATOMIC SELECT 42; END;
COMMENT ON TABLE orders IS 'Orders; with a semicolon';
INSERT INTO customers (id, name) VALUES (1, 'a;b'), (2, E'c''d\\e'), (3, 'CREATE TABLE x (y int);');
INSERT INTO addresses (customer_id, line) VALUES (1, E'x\ty\n\\.'), (2, '$$;');
INSERT INTO orders (customer_id, billing_address_id, placed) VALUES (1, 1, '2024-01-01');
INSERT INTO products VALUES ('s1', 1, '\.'), ('s;2', 2, '/* not a comment');
INSERT INTO order_lines (order_id, line_no, sku, version) VALUES (1, 1, 's1', 1);
INSERT INTO events VALUES ('2024-05-01', 1, 'COPY x FROM stdin;'), ('2023-01-01', 2, '--');
INSERT INTO tags (name) VALUES ('x'), ('y');
INSERT INTO product_tags VALUES ('s1', 1, 1);
"#
    )
}

/// `pg_dump` of one schema of the test server, three ways; each read back
/// equals the reflected schema.
#[test]
fn pg_dump_schema_only_and_with_data() {
    skip_without_server!("DATABASE_URL");
    let Some(pg_dump) = require_tool("pg_dump", pg_dump) else {
        return;
    };
    let url = common::engines::server_url("DATABASE_URL");
    let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
    let schema = unique("pg");
    client
        .batch_execute(&postgres_ddl(&schema))
        .expect("create the schema");
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let reflected = sqlrel::reflect::postgres(&mut client, &[&schema]).expect("reflect");
        let dir = TempDir::new("pg");
        for (name, args) in [
            ("schema.sql", &["--schema-only"][..]),
            ("copy.sql", &[][..]),
            ("inserts.sql", &["--inserts"][..]),
        ] {
            let out = dir.file(name);
            run(
                Command::new(&pg_dump)
                    .args(args)
                    .args(["--schema", &schema, "--dbname", &url]),
                &out,
            );
            assert_dump_matches(&out, &reflected, 12, 26);
        }
        // The partitions carry the partitioned table's keys, as in the
        // catalog.
        let text = std::fs::read_to_string(dir.file("copy.sql")).expect("read");
        assert!(text.contains("ATTACH PARTITION"), "{text}");
        assert!(text.contains("FROM stdin;"), "{text}");
        let from_dump = Schema::from_dump(&text).expect("read");
        let partition = from_dump
            .table(&format!("{schema}.events_2024"))
            .expect("partition");
        assert_eq!(partition.foreign_keys().len(), 1);
        assert_eq!(
            names(partition, partition.primary_key()),
            ["at", "customer_id"]
        );
    }));
    let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

// --- MariaDB ---------------------------------------------------------------------

const MARIADB_DDL: &[&str] = &[
    "CREATE TABLE customers (
        id INT PRIMARY KEY AUTO_INCREMENT,
        name VARCHAR(50) BINARY NOT NULL,
        vip TINYINT(1) NOT NULL DEFAULT 0,
        referred_by INT,
        updated TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP COMMENT 'last; change',
        FOREIGN KEY (referred_by) REFERENCES customers (id)
    ) ENGINE=InnoDB COMMENT='people'",
    "CREATE TABLE addresses (
        id INT PRIMARY KEY AUTO_INCREMENT,
        customer_id INT NOT NULL,
        line VARCHAR(100) CHARACTER SET latin1 COLLATE latin1_bin,
        CONSTRAINT fk_addr_cust FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE
    )",
    "CREATE TABLE products (sku VARCHAR(20), version INT, name TEXT, PRIMARY KEY (sku, version))",
    "CREATE TABLE orders (
        id BIGINT UNSIGNED PRIMARY KEY AUTO_INCREMENT,
        customer_id INT NOT NULL,
        billing_address_id INT,
        shipping_address_id INT,
        status ENUM('open', 'closed') DEFAULT 'open',
        FOREIGN KEY (customer_id) REFERENCES customers (id),
        FOREIGN KEY (billing_address_id) REFERENCES addresses (id),
        FOREIGN KEY (shipping_address_id) REFERENCES addresses (id),
        KEY ix_status (status)
    )",
    "CREATE TABLE order_lines (
        order_id BIGINT UNSIGNED, line_no INT, sku VARCHAR(20), version INT,
        qty INT AS (line_no * 2) VIRTUAL,
        PRIMARY KEY (order_id, line_no),
        FOREIGN KEY (order_id) REFERENCES orders (id),
        FOREIGN KEY (sku, version) REFERENCES products (sku, version)
    )",
    "CREATE TABLE events (at DATE NOT NULL, customer_id INT NOT NULL, kind TEXT,
        PRIMARY KEY (at, customer_id))
        PARTITION BY RANGE COLUMNS (at) (
            PARTITION p2023 VALUES LESS THAN ('2024-01-01'),
            PARTITION pmax VALUES LESS THAN (MAXVALUE))",
    "CREATE TABLE profiles (id INT PRIMARY KEY, customer_id INT, bio TEXT,
        FOREIGN KEY (customer_id) REFERENCES customers (id))",
    "CREATE UNIQUE INDEX profiles_customer ON profiles (customer_id)",
    "CREATE TABLE tags (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(20) UNIQUE)",
    "CREATE TABLE product_tags (sku VARCHAR(20), version INT, tag_id INT,
        PRIMARY KEY (sku, version, tag_id),
        FOREIGN KEY (sku, version) REFERENCES products (sku, version),
        FOREIGN KEY (tag_id) REFERENCES tags (id))",
    "CREATE SEQUENCE ticket_seq",
    "CREATE VIEW big_orders AS SELECT * FROM orders WHERE id > 10",
    "CREATE TRIGGER orders_status BEFORE INSERT ON orders FOR EACH ROW
        BEGIN IF NEW.status IS NULL THEN SET NEW.status = 'open'; END IF; END",
    "CREATE FUNCTION answer() RETURNS INT DETERMINISTIC
        BEGIN DECLARE x INT; SET x = 42; RETURN x; END",
    "CREATE PROCEDURE touch(IN n INT)
        BEGIN UPDATE customers SET vip = 1 WHERE id = n; SELECT 'a;b'; END",
    "INSERT INTO customers (id, name) VALUES (1, 'a;b'), (2, 'c\\'d'), (3, 'e\\\\'), (4, 'CREATE TABLE x (y INT);')",
    "INSERT INTO addresses (customer_id, line) VALUES (1, 'x;y'), (2, '/*!50003 x */')",
    "INSERT INTO events VALUES ('2023-05-01', 1, 'DELIMITER ;;'), ('2024-05-01', 2, '-- x')",
    "INSERT INTO products VALUES ('s1', 1, '\"; DROP TABLE y; #')",
    "INSERT INTO tags (name) VALUES ('x')",
    "INSERT INTO product_tags VALUES ('s1', 1, 1)",
];

/// What information_schema says of the tables of `database`: the
/// reflection the library does not have for MySQL / MariaDB.
fn reflect_mariadb(conn: &mut mysql::Conn, database: &str) -> Schema {
    use mysql::prelude::Queryable;
    let tables: Vec<String> = conn
        .exec(
            "SELECT TABLE_NAME FROM information_schema.TABLES
             WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME",
            (database,),
        )
        .expect("tables");
    let columns: Vec<(String, String, String, String)> = conn
        .exec(
            "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE FROM information_schema.COLUMNS
             WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION",
            (database,),
        )
        .expect("columns");
    type KeyRow = (
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
    );
    let keys: Vec<KeyRow> = conn
        .exec(
            "SELECT tc.TABLE_NAME, tc.CONSTRAINT_NAME, tc.CONSTRAINT_TYPE, k.COLUMN_NAME,
                    k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME
             FROM information_schema.TABLE_CONSTRAINTS tc
             JOIN information_schema.KEY_COLUMN_USAGE k
               ON k.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND k.TABLE_NAME = tc.TABLE_NAME
              AND k.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
             WHERE tc.TABLE_SCHEMA = ? AND tc.CONSTRAINT_TYPE IN ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY')
             ORDER BY tc.TABLE_NAME, tc.CONSTRAINT_NAME, k.ORDINAL_POSITION",
            (database,),
        )
        .expect("keys");
    let mut builder = SchemaBuilder::new();
    for table in &tables {
        let mut def = TableBuilder::new(table);
        for (_, column, sql_type, nullable) in columns.iter().filter(|c| &c.0 == table) {
            let c = sqlrel::schema::Column::new(column, sql_type.as_str());
            def = def.column_def(if nullable == "YES" { c } else { c.not_null() });
        }
        let mut constraints: Vec<(&str, &str)> = keys
            .iter()
            .filter(|k| &k.0 == table)
            .map(|k| (k.1.as_str(), k.2.as_str()))
            .collect();
        constraints.dedup();
        for (name, kind) in constraints {
            let rows: Vec<&KeyRow> = keys
                .iter()
                .filter(|k| &k.0 == table && k.1 == name)
                .collect();
            let cols: Vec<String> = rows.iter().map(|k| k.3.clone()).collect();
            def = match kind {
                "PRIMARY KEY" => def.primary_key(cols),
                "UNIQUE" => def.named_unique(name, cols),
                _ => def.foreign_key_def(
                    sqlrel::schema::ForeignKeyDef::new(
                        cols,
                        rows[0].4.clone().expect("referred table"),
                        rows.iter().map(|k| k.5.clone().expect("referred column")),
                    )
                    .named(name),
                ),
            };
        }
        builder = builder.table(def);
    }
    builder
        .build()
        .expect("the information_schema makes a schema")
}

/// `mariadb-dump` (or `mysqldump`) on PATH.
fn mariadb_dump() -> Option<PathBuf> {
    on_path("mariadb-dump").or_else(|| on_path("mysqldump"))
}

/// `mariadb-dump --no-data` and a full dump with triggers and routines of
/// one database of the test server; each read back equals the
/// information_schema.
#[test]
fn mariadb_dump_no_data_and_full() {
    use mysql::prelude::Queryable;
    skip_without_server!("MYSQL_URL");
    let Some(dump_tool) = require_tool("mariadb-dump", mariadb_dump) else {
        return;
    };
    let url = common::engines::server_url("MYSQL_URL");
    let opts = mysql::Opts::from_url(&url).expect("MYSQL_URL");
    let mut conn = mysql::Conn::new(opts.clone()).expect("connect");
    let database = unique("my");
    conn.query_drop(format!("CREATE DATABASE `{database}`"))
        .expect("create database");
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        conn.select_db(&database).expect("use");
        for statement in MARIADB_DDL {
            conn.query_drop(*statement)
                .unwrap_or_else(|e| panic!("{e}\n{statement}"));
        }
        let reflected = reflect_mariadb(&mut conn, &database);
        let dir = TempDir::new("my");
        let connection = [
            format!("--host={}", opts.get_ip_or_hostname()),
            format!("--port={}", opts.get_tcp_port()),
            format!("--user={}", opts.get_user().unwrap_or_default()),
            "--protocol=TCP".to_owned(),
        ];
        for (name, args) in [
            ("no-data.sql", &["--no-data"][..]),
            ("full.sql", &["--routines", "--triggers", "--events"][..]),
        ] {
            let out = dir.file(name);
            run(
                Command::new(&dump_tool)
                    .env("MYSQL_PWD", opts.get_pass().unwrap_or_default())
                    .args(&connection)
                    .args(args)
                    .arg(&database),
                &out,
            );
            assert_dump_matches(&out, &reflected, 9, 18);
        }
        let full = std::fs::read_to_string(dir.file("full.sql")).expect("read");
        assert!(full.contains("DELIMITER ;;"), "{full}");
        assert!(full.contains("INSERT INTO"), "{full}");
    }));
    let _ = conn.query_drop(format!("DROP DATABASE IF EXISTS `{database}`"));
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

// --- SQLite ------------------------------------------------------------------------

const SQLITE_DDL: &str = r#"
CREATE TABLE customers (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL,
    vip BOOLEAN NOT NULL DEFAULT 0, referred_by INTEGER REFERENCES customers (id));
CREATE TABLE [addresses] ([id] INTEGER PRIMARY KEY, [customer_id] INTEGER NOT NULL REFERENCES [customers] ([id]), line VARCHAR(100));
CREATE TABLE products (sku TEXT, version INTEGER, name BLOB SUB_TYPE TEXT, PRIMARY KEY (sku, version)) WITHOUT ROWID;
CREATE TABLE "orders" (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers,
    billing_address_id INTEGER REFERENCES addresses (id), shipping_address_id INTEGER REFERENCES addresses (id),
    placed UNSIGNED BIG INT);
CREATE TABLE order_lines (order_id INTEGER REFERENCES orders (id), line_no INTEGER, sku TEXT, version INTEGER,
    qty INTEGER GENERATED ALWAYS AS (line_no * 2) VIRTUAL, note,
    PRIMARY KEY (order_id, line_no), FOREIGN KEY (sku, version) REFERENCES products (sku, version));
CREATE TABLE profiles (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers (id), bio TEXT);
CREATE UNIQUE INDEX profiles_customer ON profiles (customer_id);
CREATE INDEX orders_customer ON orders (customer_id);
CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT UNIQUE);
CREATE TABLE product_tags (sku TEXT, version INTEGER, tag_id INTEGER REFERENCES tags (id),
    PRIMARY KEY (sku, version, tag_id), FOREIGN KEY (sku, version) REFERENCES products (sku, version));
CREATE VIEW big_orders AS SELECT * FROM orders WHERE id > 10;
CREATE TRIGGER orders_touch AFTER INSERT ON orders BEGIN
    UPDATE customers SET vip = CASE WHEN vip THEN 1 ELSE 0 END WHERE id = NEW.customer_id;
    SELECT 'x;y';
END;
INSERT INTO customers (name) VALUES ('a;b'), ('c''d'), ('CREATE TABLE x (y);');
INSERT INTO addresses (customer_id, line) VALUES (1, 'x
y;'), (2, '[z]');
INSERT INTO products VALUES ('s1', 1, 'END;');
INSERT INTO orders (customer_id) VALUES (1);
"#;

/// `sqlite3 .dump` and `.schema` of an SQLite file; each read back equals
/// the reflected file.
#[test]
fn sqlite3_dump_and_schema() {
    let Some(sqlite3) = require_tool("sqlite3", || on_path("sqlite3")) else {
        return;
    };
    let dir = TempDir::new("sqlite");
    let db = dir.file("shop.db");
    let conn = rusqlite::Connection::open(&db).expect("create the database");
    conn.execute_batch(SQLITE_DDL).expect("load the schema");
    let reflected = sqlrel::reflect::sqlite(&conn).expect("reflect");
    for (name, command) in [("dump.sql", ".dump"), ("schema.sql", ".schema")] {
        let out = dir.file(name);
        run(Command::new(&sqlite3).arg(&db).arg(command), &out);
        assert_dump_matches(&out, &reflected, 8, 18);
    }
}
