//! Reflection of live databases: a real SQLite file and the PostgreSQL
//! server of `scripts/test.sh` (`DATABASE_URL`). Each reflected schema must
//! equal the one `Schema::from_ddl_for` reads from the DDL that created the
//! database (up to the spelling of type names: case and spaces).

use crate::common;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use sqlrel::query::Dialect;
use sqlrel::registry::Registry;
use sqlrel::relationship::RelationshipConfig;
use sqlrel::schema::{ColumnId, Schema, Table};
use sqlrel::{Error, ErrorKind, reflect};

static NEXT: AtomicU32 = AtomicU32::new(0);

fn unique_suffix() -> String {
    format!(
        "{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

// --- Comparing schemas -------------------------------------------------------

/// A type name with case and spacing normalized: `varchar ( 50 )` and
/// `VARCHAR(50)` are the same type text.
fn normalize_type(sql_type: &str) -> String {
    let words = sql_type.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::with_capacity(words.len());
    for ch in words.to_uppercase().chars() {
        if ch == ' ' && (out.ends_with('(') || out.ends_with(',')) {
            continue;
        }
        if matches!(ch, '(' | ')' | ',') && out.ends_with(' ') {
            out.pop();
        }
        out.push(ch);
    }
    out
}

fn names<'t>(table: &'t Table, ids: &[ColumnId]) -> Vec<&'t str> {
    ids.iter()
        .map(|id| table.column(*id).expect("column of this table").name())
        .collect()
}

/// `transfers.fk_to`, the composite key written in reverse column order,
/// kept its pairs: `(to_number, to_region)` to `accounts (number, region)`.
fn assert_fk_to(transfers: &Table, accounts: &Table) {
    let fk_to = &transfers.foreign_keys()[1];
    assert_eq!(fk_to.name(), Some("fk_to"));
    assert_eq!(
        names(transfers, fk_to.columns()),
        ["to_number", "to_region"]
    );
    assert_eq!(
        names(accounts, fk_to.referred_columns()),
        ["number", "region"]
    );
}

/// Everything the catalog holds, one line per fact, in schema order; names
/// are debug-quoted so that quotes, spaces and dots stay unambiguous.
fn describe(schema: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    for table in schema.tables() {
        out.push(format!(
            "table {:?} {:?} (id {})",
            table.namespace(),
            table.name(),
            table.id().index()
        ));
        for column in table.columns() {
            out.push(format!(
                "  column {:?} {:?}{}",
                column.name(),
                normalize_type(column.sql_type()),
                if column.is_nullable() {
                    ""
                } else {
                    " NOT NULL"
                }
            ));
        }
        out.push(format!(
            "  primary key {:?}",
            names(table, table.primary_key())
        ));
        for fk in table.foreign_keys() {
            let referred = schema
                .table_by_id(fk.referred_table())
                .expect("referred table of this schema");
            out.push(format!(
                "  foreign key {:?} {:?} -> {:?} {:?} {:?}",
                fk.name(),
                names(table, fk.columns()),
                referred.namespace(),
                referred.name(),
                names(referred, fk.referred_columns())
            ));
        }
        for unique in table.unique_constraints() {
            out.push(format!(
                "  unique {:?} {:?}",
                unique.name(),
                names(table, unique.columns())
            ));
        }
    }
    out
}

#[track_caller]
fn assert_same_schema(reflected: &Schema, from_ddl: &Schema) {
    let (reflected, from_ddl) = (describe(reflected), describe(from_ddl));
    assert_eq!(
        reflected,
        from_ddl,
        "reflected (left) differs from from_ddl (right):\n--- reflected\n{}\n--- from_ddl\n{}",
        reflected.join("\n"),
        from_ddl.join("\n")
    );
}

/// What a configured registry decides for each relationship, rendered.
fn describe_relationships(registry: &Registry) -> Vec<String> {
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
                "{} -> {} {} uselist={} join=[{}] local_remote=[{}] sync=[{}] backref_of={:?}",
                r.key(),
                r.target().qualified_name(),
                r.direction(),
                r.uselist(),
                r.primaryjoin(),
                pairs(r.local_remote_pairs()),
                pairs(r.synchronize_pairs()),
                r.backref_of()
            )
        })
        .collect();
    out.sort();
    out
}

fn configure(schema: Schema, configs: &[RelationshipConfig]) -> Registry {
    let mut builder = Registry::builder(schema);
    for config in configs {
        builder.add_relationship(config.clone());
    }
    builder.configure().expect("relationships configure")
}

#[test]
fn normalize_type_ignores_case_and_spacing() {
    assert_eq!(normalize_type("varchar ( 50 )"), "VARCHAR(50)");
    assert_eq!(normalize_type("double   precision"), "DOUBLE PRECISION");
    assert_eq!(normalize_type("numeric(10, 2)"), "NUMERIC(10,2)");
    assert_eq!(normalize_type(""), "");
}

// --- SQLite ------------------------------------------------------------------

/// A database file in the temp directory, removed on drop.
struct TempDb {
    path: PathBuf,
}

impl TempDb {
    fn new(case: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("sqlrel_reflect_{case}_{}.sqlite", unique_suffix()));
        let db = TempDb { path };
        db.remove();
        db
    }

    fn open(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.path).expect("open SQLite file")
    }

    /// A file holding `ddl`, reopened so that reflection reads what was
    /// written to disk.
    fn with_ddl(case: &str, ddl: &str) -> (Self, rusqlite::Connection) {
        let db = TempDb::new(case);
        db.open().execute_batch(ddl).expect("DDL runs on SQLite");
        let conn = db.open();
        (db, conn)
    }

    fn remove(&self) {
        for suffix in ["", "-journal", "-wal", "-shm"] {
            let mut path = self.path.clone().into_os_string();
            path.push(suffix);
            let _ = std::fs::remove_file(path);
        }
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        self.remove();
    }
}

const SQLITE_DDL: &str = r#"
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email VARCHAR(100) NOT NULL UNIQUE,
    name TEXT,
    best_friend INTEGER CONSTRAINT users_friend_fk REFERENCES users (id)
);
CREATE TABLE addresses (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    email TEXT
);
-- Composite primary key; a foreign key to a unique (non-key) column.
CREATE TABLE accounts (
    region TEXT NOT NULL,
    number INTEGER NOT NULL,
    owner_email VARCHAR(100) REFERENCES users (email),
    balance NUMERIC(10, 2),
    PRIMARY KEY (region, number)
);
-- Two composite foreign keys to the same table, one in reverse column order.
CREATE TABLE transfers (
    id INTEGER PRIMARY KEY,
    from_region TEXT,
    from_number INTEGER,
    to_region TEXT,
    to_number INTEGER,
    note,
    CONSTRAINT fk_from FOREIGN KEY (from_region, from_number) REFERENCES accounts (region, number),
    CONSTRAINT fk_to FOREIGN KEY (to_number, to_region) REFERENCES accounts (number, region),
    CONSTRAINT transfers_pair UNIQUE (from_region, from_number, to_region, to_number)
);
-- Self-referential.
CREATE TABLE nodes (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES nodes (id),
    label TEXT
);
-- No primary key; a foreign key that names no referred columns.
CREATE TABLE log (
    at TEXT,
    message TEXT NOT NULL,
    node_id INTEGER REFERENCES nodes
);
-- Keywords, quotes, spaces, mixed case, non-ASCII, a dot.
CREATE TABLE "user" (
    "select" INTEGER PRIMARY KEY,
    "Mixed Case" TEXT,
    "we""ird" TEXT UNIQUE
);
CREATE TABLE "order" (
    "order" INTEGER,
    "group" INTEGER,
    "user" INTEGER NOT NULL,
    ユーザー TEXT,
    PRIMARY KEY ("order", "group"),
    CONSTRAINT "fk ""user""" FOREIGN KEY ("user") REFERENCES "user" ("select"),
    CONSTRAINT "uq ünï" UNIQUE (ユーザー, "group")
);
CREATE TABLE "Mixed Case" (
    id INTEGER PRIMARY KEY,
    "order" INTEGER,
    "group" INTEGER,
    "we""ird" TEXT REFERENCES "user" ("we""ird"),
    CONSTRAINT "Mixed FK" FOREIGN KEY ("order", "group") REFERENCES "order" ("order", "group")
);
CREATE TABLE ユーザー (
    id INTEGER PRIMARY KEY,
    "Mixed Case" INTEGER REFERENCES "Mixed Case"
);
CREATE TABLE "a.b" (
    id INTEGER PRIMARY KEY,
    "x.y" INTEGER REFERENCES "a.b" (id)
);
"#;

#[test]
fn sqlite_file_reflects_like_its_ddl() {
    let (_db, conn) = TempDb::with_ddl("ddl", SQLITE_DDL);
    let reflected = reflect::sqlite(&conn).expect("reflect SQLite");
    let from_ddl = Schema::from_ddl_for(SQLITE_DDL, Dialect::Sqlite).expect("from_ddl");
    assert_same_schema(&reflected, &from_ddl);
}

#[test]
fn sqlite_reflection_details() {
    let (_db, conn) = TempDb::with_ddl("details", SQLITE_DDL);
    let schema = reflect::sqlite(&conn).unwrap();

    // Creation order, every table, no sqlite_% table.
    let tables: Vec<&str> = schema.tables().map(|t| t.name()).collect();
    assert_eq!(
        tables,
        [
            "users",
            "addresses",
            "accounts",
            "transfers",
            "nodes",
            "log",
            "user",
            "order",
            "Mixed Case",
            "ユーザー",
            "a.b"
        ]
    );
    assert!(schema.tables().all(|t| t.namespace().is_none()));

    // Composite FK in reverse column order keeps its pairs.
    let transfers = schema.table("transfers").unwrap();
    let accounts = schema.table("accounts").unwrap();
    assert_fk_to(transfers, accounts);
    assert_eq!(
        names(accounts, accounts.primary_key()),
        ["region", "number"]
    );

    // Declared types as SQLite reports them; an untyped column stays empty.
    assert_eq!(accounts.columns()[3].sql_type(), "NUMERIC(10, 2)");
    assert_eq!(transfers.columns()[5].sql_type(), "");

    // INTEGER PRIMARY KEY is NOT NULL for sqlrel although SQLite's pragma
    // says notnull = 0.
    assert!(!schema.table("users").unwrap().columns()[0].is_nullable());

    // A key without referred columns refers to the primary key.
    let log = schema.table("log").unwrap();
    assert!(log.primary_key().is_empty());
    let nodes = schema.table("nodes").unwrap();
    assert_eq!(
        names(nodes, log.foreign_keys()[0].referred_columns()),
        ["id"]
    );

    // Quoted names survive, and render quoted.
    let order = schema.table("order").unwrap();
    assert_eq!(order.unique_constraints()[0].name(), Some("uq ünï"));
    assert_eq!(order.foreign_keys()[0].name(), Some("fk \"user\""));
    let weird = schema.column("user.we\"ird").unwrap();
    assert_eq!(weird.name(), "we\"ird");
    let sql = sqlrel::query::Select::from(schema.table("user").unwrap())
        .column(sqlrel::expr::Expr::col(weird))
        .to_string(Dialect::Sqlite)
        .unwrap();
    assert_eq!(sql, r#"SELECT "user"."we""ird" FROM "user""#);
}

#[test]
fn sqlite_relationships_resolve_like_on_the_ddl_schema() {
    let (_db, conn) = TempDb::with_ddl("relationships", SQLITE_DDL);
    let configs = [
        RelationshipConfig::new("users", "addresses", "addresses").backref("user"),
        RelationshipConfig::new("nodes", "children", "nodes")
            .backref(sqlrel::relationship::Backref::new("parent").remote_side(["nodes.id"])),
        RelationshipConfig::new("transfers", "source", "accounts")
            .foreign_keys(["transfers.from_region", "transfers.from_number"]),
        RelationshipConfig::new("accounts", "owner", "users"),
        RelationshipConfig::new("order", "ユーザー", "user"),
    ];
    let reflected = configure(reflect::sqlite(&conn).unwrap(), &configs);
    let from_ddl = configure(
        Schema::from_ddl_for(SQLITE_DDL, Dialect::Sqlite).unwrap(),
        &configs,
    );
    let described = describe_relationships(&reflected);
    assert_eq!(described, describe_relationships(&from_ddl));
    assert_eq!(described.len(), 7);
    let user = reflected.relationship("addresses.user").unwrap();
    assert_eq!(user.direction(), sqlrel::relationship::Direction::ManyToOne);
    assert_eq!(
        user.primaryjoin().to_string(),
        "users.id = addresses.user_id"
    );
    let owner = reflected.relationship("accounts.owner").unwrap();
    assert_eq!(
        owner.direction(),
        sqlrel::relationship::Direction::ManyToOne
    );
    assert_eq!(
        owner.primaryjoin().to_string(),
        "users.email = accounts.owner_email"
    );
}

#[test]
fn sqlite_names_differing_in_case_resolve_to_the_declared_names() {
    // SQLite matches identifiers case-insensitively (ASCII only), and so
    // does DDL read with the sqlite dialect (the generic one does not).
    let ddl = "CREATE TABLE Parent (Id INTEGER PRIMARY KEY, Code TEXT UNIQUE);
               CREATE TABLE child (id INTEGER PRIMARY KEY,
                                   p INTEGER REFERENCES PARENT (ID),
                                   c TEXT REFERENCES parent (code));";
    let (_db, conn) = TempDb::with_ddl("case", ddl);
    let schema = reflect::sqlite(&conn).unwrap();
    let child = schema.table("child").unwrap();
    let parent = schema.table("Parent").unwrap();
    let fks = child.foreign_keys();
    assert_eq!(fks.len(), 2);
    for (fk, column) in fks.iter().zip(["Id", "Code"]) {
        assert_eq!(fk.referred_table(), parent.id());
        assert_eq!(names(parent, fk.referred_columns()), [column]);
    }
    let from_ddl = Schema::from_ddl_for(ddl, sqlrel::dialect::Dialect::Sqlite).unwrap();
    assert_same_schema(&schema, &from_ddl);
}

#[test]
fn sqlite_skips_internal_temp_and_index_only_objects() {
    let ddl = "CREATE TABLE items (id INTEGER PRIMARY KEY AUTOINCREMENT, code TEXT, sku TEXT);
               CREATE UNIQUE INDEX items_code ON items (code);
               CREATE VIEW item_codes AS SELECT code FROM items;
               CREATE INDEX items_sku ON items (sku);";
    let (_db, conn) = TempDb::with_ddl("internal", ddl);
    // A temp table of the same name would shadow items for an unqualified
    // pragma; reflection reads main only.
    conn.execute_batch("CREATE TEMP TABLE items (other BLOB);")
        .unwrap();
    let schema = reflect::sqlite(&conn).unwrap();
    // sqlite_sequence (AUTOINCREMENT) and the view are not tables of the
    // schema; a unique index of plain columns is read as a unique
    // constraint named after it, by reflection and DDL alike.
    assert_eq!(describe(&schema), describe(&Schema::from_ddl(ddl).unwrap()));
    let items = schema.table("items").unwrap();
    assert_eq!(schema.tables().len(), 1);
    assert_eq!(items.columns().len(), 3);
    assert_eq!(items.unique_constraints().len(), 1);
    assert_eq!(items.unique_constraints()[0].name(), Some("items_code"));
    assert_eq!(
        names(items, items.unique_constraints()[0].columns()),
        ["code"]
    );
}

#[test]
fn sqlite_generated_columns_and_strict_tables() {
    let ddl = "CREATE TABLE t (
                   a INTEGER PRIMARY KEY,
                   b INTEGER NOT NULL,
                   c INTEGER GENERATED ALWAYS AS (a + b) VIRTUAL,
                   CONSTRAINT t_b UNIQUE (b)
               ) STRICT, WITHOUT ROWID;
               CREATE TABLE u (id INTEGER PRIMARY KEY, t_b INTEGER,
                               CONSTRAINT u_t FOREIGN KEY (t_b) REFERENCES t (b)) STRICT;";
    let (_db, conn) = TempDb::with_ddl("strict", ddl);
    let schema = reflect::sqlite(&conn).unwrap();
    let t = schema.table("t").unwrap();
    let columns: Vec<&str> = t.columns().iter().map(|c| c.name()).collect();
    assert_eq!(columns, ["a", "b", "c"]);
    assert_eq!(t.unique_constraints().len(), 1);
    assert_eq!(names(t, t.unique_constraints()[0].columns()), ["b"]);
    let u = schema.table("u").unwrap();
    assert_eq!(names(t, u.foreign_keys()[0].referred_columns()), ["b"]);
    assert_eq!(t.unique_constraints()[0].name(), Some("t_b"));
    assert_eq!(u.foreign_keys()[0].name(), Some("u_t"));
}

#[test]
fn sqlite_constraint_names_come_from_the_create_text() {
    let ddl = r#"
        CREATE TABLE p (
            id INTEGER PRIMARY KEY ON CONFLICT REPLACE,
            code TEXT,
            CONSTRAINT "p code" UNIQUE (code) ON CONFLICT IGNORE
        );
        CREATE TABLE c (
            id INTEGER PRIMARY KEY,
            p_id INTEGER CONSTRAINT c_p REFERENCES p (id) ON DELETE CASCADE,
            "on conflict" TEXT DEFAULT 'ON CONFLICT IGNORE'
                CONSTRAINT "c we""ird" UNIQUE ON CONFLICT FAIL,
            p_code TEXT,
            FOREIGN KEY (p_code) REFERENCES p (code)
        );
        -- sqlparser does not read a string as a type name: no names then.
        CREATE TABLE odd (
            a 'quoted type',
            b INTEGER CONSTRAINT odd_b UNIQUE,
            CONSTRAINT odd_fk FOREIGN KEY (b) REFERENCES p (id)
        );
    "#;
    let (_db, conn) = TempDb::with_ddl("names", ddl);
    let schema = reflect::sqlite(&conn).unwrap();
    let uniques = |t: &str| -> Vec<Option<String>> {
        let t = schema.table(t).unwrap();
        t.unique_constraints()
            .iter()
            .map(|u| u.name().map(str::to_owned))
            .collect()
    };
    let fks = |t: &str| -> Vec<Option<String>> {
        let t = schema.table(t).unwrap();
        t.foreign_keys()
            .iter()
            .map(|f| f.name().map(str::to_owned))
            .collect()
    };
    assert_eq!(uniques("p"), [Some("p code".to_owned())]);
    assert_eq!(uniques("c"), [Some("c we\"ird".to_owned())]);
    assert_eq!(fks("c"), [Some("c_p".to_owned()), None]);
    assert_eq!(uniques("odd"), [None]);
    assert_eq!(fks("odd"), [None]);
    let odd = schema.table("odd").unwrap();
    assert_eq!(odd.columns()[0].sql_type(), "quoted type");
}

#[test]
fn sqlite_reflection_leaves_transactions_as_they_were() {
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE a (id INTEGER PRIMARY KEY);")
        .unwrap();
    assert_eq!(reflect::sqlite(&conn).unwrap().tables().len(), 1);
    assert!(conn.is_autocommit());
    // Inside the caller's transaction, its uncommitted tables are seen and
    // the transaction stays open.
    conn.execute_batch(
        "BEGIN; CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a);",
    )
    .unwrap();
    assert_eq!(reflect::sqlite(&conn).unwrap().tables().len(), 2);
    assert!(!conn.is_autocommit());
    conn.execute_batch("ROLLBACK").unwrap();
    assert_eq!(reflect::sqlite(&conn).unwrap().tables().len(), 1);
}

#[test]
fn sqlite_empty_database_is_an_empty_schema() {
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    assert_eq!(reflect::sqlite(&conn).unwrap().tables().len(), 0);
}

#[test]
fn sqlite_file_that_is_not_a_database_is_a_reflect_error() {
    let db = TempDb::new("garbage");
    std::fs::write(&db.path, vec![0x5a; 4096]).unwrap();
    let conn = db.open();
    let error = reflect::sqlite(&conn).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Reflect, "{error}");
    assert!(error.to_string().contains("not a database"), "{error}");
}

#[test]
fn sqlite_foreign_key_to_a_missing_table_is_a_reflect_error_to_a_missing_column_a_warning() {
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.execute_batch(
        "CREATE TABLE a (id INTEGER PRIMARY KEY, gone_id INTEGER REFERENCES gone (id));",
    )
    .unwrap();
    let error = reflect::sqlite(&conn).unwrap_err();
    assert!(matches!(error, Error::Reflect { .. }), "{error:?}");
    let message = error.to_string();
    assert!(
        message.contains("'a'") && message.contains("'gone'"),
        "{message}"
    );

    // A key to a column the referred table lacks is no error (SQLite and
    // SQLAlchemy accept it): the key is dropped, with a warning, and kept
    // among the table's broken keys.
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.execute_batch(
        "CREATE TABLE p (id INTEGER PRIMARY KEY);
         CREATE TABLE c (p_id INTEGER REFERENCES p (nope));",
    )
    .unwrap();
    let schema = reflect::sqlite(&conn).unwrap();
    let c = schema.table("c").unwrap();
    assert!(c.foreign_keys().is_empty());
    assert_eq!(c.broken_foreign_keys().len(), 1);
    assert_eq!(c.broken_foreign_keys()[0].missing_column(), "nope");
    let [warning] = schema.warnings() else {
        panic!("{:?}", schema.warnings())
    };
    assert_eq!(
        warning.kind(),
        sqlrel::schema::WarningKind::DroppedForeignKey
    );
    assert_eq!(
        warning.to_string(),
        "foreign key (p_id) of table 'c' dropped: Could not initialize target column for \
         ForeignKey 'p.nope' on table 'c': table 'p' has no column named 'nope'"
    );
    assert_eq!(warning.statement(), None);

    // No referred columns, and the referred table has no primary key.
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.execute_batch(
        "CREATE TABLE p (id INTEGER);
         CREATE TABLE c (p_id INTEGER REFERENCES p);",
    )
    .unwrap();
    let error = reflect::sqlite(&conn).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Reflect, "{error}");
    assert!(error.to_string().contains("primary key"), "{error}");
}

// --- PostgreSQL --------------------------------------------------------------

/// Two fresh schemas on the `DATABASE_URL` server, dropped on drop. The
/// second needs quoting (capitals, a space, non-ASCII).
struct PgSchemas {
    client: postgres::Client,
    s1: String,
    s2: String,
}

fn pg_connect() -> postgres::Client {
    let url = common::engines::server_url("DATABASE_URL");
    postgres::Client::connect(&url, postgres::NoTls)
        .unwrap_or_else(|e| panic!("cannot connect to PostgreSQL at DATABASE_URL: {e}"))
}

impl PgSchemas {
    fn new() -> Self {
        let suffix = unique_suffix();
        let mut schemas = PgSchemas {
            client: pg_connect(),
            s1: format!("sqlrel_reflect_{suffix}"),
            s2: format!("Reflect Zwei ü {suffix}"),
        };
        let ddl = schemas.ddl("CREATE SCHEMA {s1}; CREATE SCHEMA {s2};");
        schemas.client.batch_execute(&ddl).expect("create schemas");
        schemas
    }

    /// `template` with `{s1}` and `{s2}` replaced by the quoted names.
    fn ddl(&self, template: &str) -> String {
        let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
        template
            .replace("{s1}", &quote(&self.s1))
            .replace("{s2}", &quote(&self.s2))
    }

    fn execute(&mut self, template: &str) -> String {
        let ddl = self.ddl(template);
        self.client
            .batch_execute(&ddl)
            .unwrap_or_else(|e| panic!("PostgreSQL: {e:?}\n{ddl}"));
        ddl
    }

    fn reflect(&mut self) -> sqlrel::Result<Schema> {
        let (s1, s2) = (self.s1.clone(), self.s2.clone());
        reflect::postgres(&mut self.client, &[&s1, &s2])
    }
}

impl Drop for PgSchemas {
    fn drop(&mut self) {
        let ddl = self.ddl("DROP SCHEMA IF EXISTS {s1}, {s2} CASCADE");
        if let Err(e) = self.client.batch_execute(&ddl) {
            // A test that closes the connection on purpose: use another one.
            if let Ok(mut client) = postgres::Client::connect(
                &common::engines::server_url("DATABASE_URL"),
                postgres::NoTls,
            ) {
                client.batch_execute(&ddl).unwrap_or_else(|e2| {
                    eprintln!("cannot drop test schemas: {e}; {e2}");
                });
            }
        }
    }
}

/// Types are spelled the way `format_type` prints them, so that from_ddl's
/// type text matches up to case. Every constraint is named (PostgreSQL
/// invents names for unnamed ones, from_ddl leaves them unnamed).
const PG_DDL: &str = r#"
CREATE TABLE {s1}.users (
    id integer NOT NULL,
    email character varying(100) NOT NULL,
    name text,
    CONSTRAINT users_pk PRIMARY KEY (id),
    CONSTRAINT users_email_uq UNIQUE (email)
);
CREATE TABLE {s1}.addresses (
    id integer PRIMARY KEY,
    user_id integer NOT NULL CONSTRAINT addresses_user_fk REFERENCES {s1}.users (id),
    email text
);
CREATE TABLE {s1}.accounts (
    region text NOT NULL,
    number integer NOT NULL,
    owner_email character varying(100) CONSTRAINT accounts_owner_fk REFERENCES {s1}.users (email),
    balance numeric(10,2),
    PRIMARY KEY (region, number)
);
CREATE TABLE {s1}.nodes (
    id integer PRIMARY KEY,
    parent_id integer,
    label text,
    CONSTRAINT nodes_parent_fk FOREIGN KEY (parent_id) REFERENCES {s1}.nodes (id)
);
CREATE TABLE {s1}."user" (
    "select" integer PRIMARY KEY,
    "Mixed Case" text,
    "we""ird" text,
    CONSTRAINT "uq ""we""ird""" UNIQUE ("we""ird")
);
ALTER TABLE {s1}.users ADD COLUMN best_friend integer;
ALTER TABLE {s1}.users ADD CONSTRAINT users_friend_fk FOREIGN KEY (best_friend) REFERENCES {s1}.users (id);
CREATE TABLE {s2}.transfers (
    id bigint PRIMARY KEY,
    from_region text,
    from_number integer,
    to_region text,
    to_number integer,
    amount numeric(12,2) NOT NULL,
    at timestamp with time zone,
    tags text[],
    CONSTRAINT fk_from FOREIGN KEY (from_region, from_number) REFERENCES {s1}.accounts (region, number),
    CONSTRAINT fk_to FOREIGN KEY (to_number, to_region) REFERENCES {s1}.accounts (number, region),
    CONSTRAINT transfers_pair UNIQUE (from_region, from_number, to_region, to_number)
);
CREATE TABLE {s2}."order" (
    "order" integer,
    "group" integer,
    "user" integer NOT NULL,
    ユーザー text,
    PRIMARY KEY ("order", "group"),
    CONSTRAINT "fk ""user""" FOREIGN KEY ("user") REFERENCES {s1}."user" ("select"),
    CONSTRAINT "uq ünï" UNIQUE (ユーザー, "group")
);
CREATE TABLE {s2}."Mixed Case" (
    id integer PRIMARY KEY,
    "order" integer,
    "group" integer,
    "we""ird" text,
    CONSTRAINT "Mixed FK" FOREIGN KEY ("order", "group") REFERENCES {s2}."order" ("order", "group"),
    CONSTRAINT weird_fk FOREIGN KEY ("we""ird") REFERENCES {s1}."user" ("we""ird")
);
CREATE TABLE {s2}.log (
    at text,
    message text NOT NULL,
    node_id integer CONSTRAINT log_node_fk REFERENCES {s1}.nodes
);
CREATE TABLE {s2}."a.b" (
    id integer PRIMARY KEY,
    "x.y" integer CONSTRAINT "a.b.fk" REFERENCES {s2}."a.b" (id)
);
"#;

#[test]
fn postgres_schemas_reflect_like_their_ddl() {
    common::engines::skip_without_server!("DATABASE_URL");
    let mut pg = PgSchemas::new();
    let ddl = pg.execute(PG_DDL);
    let reflected = pg.reflect().expect("reflect PostgreSQL");
    let from_ddl = Schema::from_ddl_for(&ddl, Dialect::Postgres).expect("from_ddl");
    assert_same_schema(&reflected, &from_ddl);

    // Tables schema by schema, each in creation order, with namespaces.
    let tables: Vec<String> = reflected
        .tables()
        .map(|t| t.qualified_name().to_string())
        .collect();
    let (s1, s2) = (pg.s1.clone(), pg.s2.clone());
    let expected: Vec<String> = [
        (&s1, "users"),
        (&s1, "addresses"),
        (&s1, "accounts"),
        (&s1, "nodes"),
        (&s1, "user"),
        (&s2, "transfers"),
        (&s2, "order"),
        (&s2, "Mixed Case"),
        (&s2, "log"),
        (&s2, "a.b"),
    ]
    .iter()
    .map(|(ns, t)| format!("{ns}.{t}"))
    .collect();
    assert_eq!(tables, expected);

    // format_type's spelling is kept as is.
    let transfers = reflected.table(&format!("{s2}.transfers")).unwrap();
    let types: Vec<&str> = transfers.columns().iter().map(|c| c.sql_type()).collect();
    assert_eq!(
        types,
        [
            "bigint",
            "text",
            "integer",
            "text",
            "integer",
            "numeric(12,2)",
            "timestamp with time zone",
            "text[]"
        ]
    );

    // The cross-schema composite key in reverse column order.
    let accounts = reflected.table(&format!("{s1}.accounts")).unwrap();
    assert_fk_to(transfers, accounts);
    assert_eq!(transfers.foreign_keys()[1].referred_table(), accounts.id());

    // Bare names find a table only one schema holds.
    assert_eq!(
        reflected.table("nodes").unwrap().namespace(),
        Some(s1.as_str())
    );
}

#[test]
fn postgres_relationships_resolve_like_on_the_ddl_schema() {
    common::engines::skip_without_server!("DATABASE_URL");
    let mut pg = PgSchemas::new();
    let ddl = pg.execute(PG_DDL);
    let configs = [
        RelationshipConfig::new("users", "addresses", "addresses").backref("user"),
        RelationshipConfig::new("nodes", "children", "nodes")
            .backref(sqlrel::relationship::Backref::new("parent").remote_side(["nodes.id"])),
        RelationshipConfig::new("transfers", "source", "accounts")
            .foreign_keys(["transfers.from_region", "transfers.from_number"]),
        RelationshipConfig::new("accounts", "owner", "users"),
        RelationshipConfig::new("Mixed Case", "order", "order"),
    ];
    let reflected = configure(pg.reflect().unwrap(), &configs);
    let from_ddl = configure(
        Schema::from_ddl_for(&ddl, Dialect::Postgres).unwrap(),
        &configs,
    );
    let described = describe_relationships(&reflected);
    assert_eq!(described, describe_relationships(&from_ddl));
    assert_eq!(described.len(), 7);
    let user = reflected.relationship("addresses.user").unwrap();
    assert_eq!(user.direction(), sqlrel::relationship::Direction::ManyToOne);
    let order = reflected.relationship("Mixed Case.order").unwrap();
    assert_eq!(order.local_remote_pairs().len(), 2);
}

#[test]
fn postgres_generated_names_unique_indexes_and_partitions() {
    common::engines::skip_without_server!("DATABASE_URL");
    let mut pg = PgSchemas::new();
    pg.execute(
        r#"
        CREATE TABLE {s1}.parents (id integer PRIMARY KEY, code text UNIQUE);
        CREATE TABLE {s1}.children (
            id integer PRIMARY KEY,
            parent_id integer REFERENCES {s1}.parents,
            code text REFERENCES {s1}.parents (code),
            dropped integer,
            kept integer
        );
        ALTER TABLE {s1}.children DROP COLUMN dropped;
        CREATE UNIQUE INDEX children_kept ON {s1}.children (kept);
        CREATE TABLE {s1}.events (
            at date NOT NULL,
            parent_id integer CONSTRAINT events_parent_fk REFERENCES {s1}.parents (id),
            PRIMARY KEY (at, parent_id)
        ) PARTITION BY RANGE (at);
        CREATE TABLE {s1}.events_2024 PARTITION OF {s1}.events
            FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        CREATE TABLE {s1}.event_notes (
            at date, parent_id integer, note text,
            CONSTRAINT notes_event_fk FOREIGN KEY (at, parent_id)
                REFERENCES {s1}.events (at, parent_id)
        );
        "#,
    );
    let schema = pg.reflect().unwrap();
    let s1 = pg.s1.clone();
    let table = |name: &str| schema.table(&format!("{s1}.{name}")).unwrap();

    // PostgreSQL's generated constraint names are reported.
    let children = table("children");
    let fk_names: Vec<Option<&str>> = children.foreign_keys().iter().map(|f| f.name()).collect();
    assert_eq!(
        fk_names,
        [Some("children_parent_id_fkey"), Some("children_code_fkey")]
    );
    let parents = table("parents");
    assert_eq!(
        parents.unique_constraints()[0].name(),
        Some("parents_code_key")
    );
    // A key without referred columns refers to the primary key.
    assert_eq!(
        names(parents, children.foreign_keys()[0].referred_columns()),
        ["id"]
    );
    // Dropped columns are gone; a unique index of plain columns is read as
    // a unique constraint named after it.
    let columns: Vec<&str> = children.columns().iter().map(|c| c.name()).collect();
    assert_eq!(columns, ["id", "parent_id", "code", "kept"]);
    assert_eq!(children.unique_constraints().len(), 1);
    assert_eq!(
        children.unique_constraints()[0].name(),
        Some("children_kept")
    );
    assert_eq!(
        names(children, children.unique_constraints()[0].columns()),
        ["kept"]
    );

    // A partitioned table, its partition (with the cloned constraints), and
    // a key referring to the partitioned table: each constraint once.
    let events = table("events");
    assert_eq!(events.foreign_keys().len(), 1);
    let partition = table("events_2024");
    assert_eq!(
        names(partition, partition.primary_key()),
        ["at", "parent_id"]
    );
    assert_eq!(partition.foreign_keys().len(), 1);
    assert_eq!(partition.foreign_keys()[0].name(), Some("events_parent_fk"));
    let notes = table("event_notes");
    assert_eq!(notes.foreign_keys().len(), 1);
    assert_eq!(notes.foreign_keys()[0].referred_table(), events.id());
}

#[test]
fn postgres_missing_and_unlisted_schemas() {
    common::engines::skip_without_server!("DATABASE_URL");
    let mut pg = PgSchemas::new();
    pg.execute(
        "CREATE TABLE {s1}.users (id integer PRIMARY KEY);
         CREATE TABLE {s2}.orders (id integer PRIMARY KEY,
                                   user_id integer REFERENCES {s1}.users);",
    );
    let (s1, s2) = (pg.s1.clone(), pg.s2.clone());

    // A schema name that does not exist is an error naming it.
    let missing = format!("no_such_schema_{}", unique_suffix());
    let error = reflect::postgres(&mut pg.client, &[&s1, &missing]).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Reflect, "{error}");
    assert!(error.to_string().contains(&missing), "{error}");

    // A foreign key into a schema that is not listed is an error naming both.
    let error = reflect::postgres(&mut pg.client, &[&s2]).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Reflect, "{error}");
    let message = error.to_string();
    assert!(
        message.contains(&s1) && message.contains("orders"),
        "{message}"
    );

    // Listing the referred schema alone is fine; duplicates are read once.
    let schema = reflect::postgres(&mut pg.client, &[&s1, &s1]).unwrap();
    assert_eq!(schema.tables().len(), 1);

    // Listing them in the other order puts s2's tables first.
    let schema = reflect::postgres(&mut pg.client, &[&s2, &s1]).unwrap();
    let order: Vec<&str> = schema.tables().map(|t| t.name()).collect();
    assert_eq!(order, ["orders", "users"]);

    // No schema, no table.
    let schema = reflect::postgres(&mut pg.client, &[]).unwrap();
    assert_eq!(schema.tables().len(), 0);

    // The session is left as it was: not in a (failed) transaction.
    pg.client.batch_execute("SELECT 1").unwrap();
}

#[test]
fn postgres_closed_connection_is_a_reflect_error() {
    common::engines::skip_without_server!("DATABASE_URL");
    let mut pg = PgSchemas::new();
    pg.execute("CREATE TABLE {s1}.users (id integer PRIMARY KEY);");
    let pid: i32 = pg
        .client
        .query_one("SELECT pg_backend_pid()", &[])
        .unwrap()
        .get(0);
    let mut admin = pg_connect();
    admin
        .execute("SELECT pg_terminate_backend($1)", &[&pid])
        .unwrap();
    let s1 = pg.s1.clone();
    let error = reflect::postgres(&mut pg.client, &[&s1]).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Reflect, "{error}");
    assert!(
        error
            .to_string()
            .starts_with("cannot reflect the database: "),
        "{error}"
    );
}

#[test]
fn postgres_server_errors_carry_the_server_message() {
    common::engines::skip_without_server!("DATABASE_URL");
    let mut pg = PgSchemas::new();
    let s1 = pg.s1.clone();
    // A session inside a failed transaction rejects every statement.
    let _ = pg.client.batch_execute("BEGIN; SELECT 1 / 0;");
    let error = reflect::postgres(&mut pg.client, &[&s1]).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Reflect, "{error}");
    assert!(
        error.to_string().contains("current transaction is aborted"),
        "{error}"
    );
    pg.client.batch_execute("ROLLBACK").unwrap();
    assert!(reflect::postgres(&mut pg.client, &[&s1]).is_ok());
}
