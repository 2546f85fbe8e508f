//! `Schema::from_ddl_for` on DDL as each dialect's tools write it: a
//! `pg_dump --schema-only` excerpt, `mysqldump` / `SHOW CREATE TABLE`
//! output, SQLite's own forms; and the DDL error cases, with positions.

use sqlrel::query::Dialect;
use sqlrel::schema::Schema;
use sqlrel::{Error, ErrorKind};

/// `(table, columns, primary key, foreign keys as "cols -> table(cols)")`.
fn describe(s: &Schema, table: &str) -> (Vec<String>, Vec<String>, Vec<String>) {
    let t = s.table(table).unwrap_or_else(|e| panic!("{table}: {e}"));
    let name = |id: sqlrel::schema::ColumnId| t.columns()[id.index()].name().to_owned();
    let columns = t.columns().iter().map(|c| c.name().to_owned()).collect();
    let pk = t.primary_key().iter().map(|c| name(*c)).collect();
    let fks = t
        .foreign_keys()
        .iter()
        .map(|fk| {
            let target = s
                .tables()
                .find(|x| x.id() == fk.referred_table())
                .expect("referred table");
            format!(
                "{} -> {}({})",
                fk.columns()
                    .iter()
                    .map(|c| name(*c))
                    .collect::<Vec<_>>()
                    .join(","),
                target.qualified_name(),
                fk.referred_columns()
                    .iter()
                    .map(|c| target.columns()[c.index()].name())
                    .collect::<Vec<_>>()
                    .join(",")
            )
        })
        .collect();
    (columns, pk, fks)
}

#[test]
fn postgres_dump() {
    let ddl = r#"
SET statement_timeout = 0;
SET client_encoding = 'UTF8';
SELECT pg_catalog.set_config('search_path', '', false);
CREATE SCHEMA shop;
CREATE TABLE shop.customers (
    id integer NOT NULL,
    name character varying(100) NOT NULL,
    "Order" text
);
ALTER TABLE shop.customers OWNER TO postgres;
CREATE SEQUENCE shop.customers_id_seq AS integer START WITH 1 INCREMENT BY 1;
ALTER TABLE ONLY shop.customers ALTER COLUMN id SET DEFAULT nextval('shop.customers_id_seq'::regclass);
CREATE TABLE shop.orders (
    id integer NOT NULL,
    customer_id integer,
    placed timestamp with time zone DEFAULT now()
);
COMMENT ON TABLE shop.orders IS 'orders';
ALTER TABLE ONLY shop.customers ADD CONSTRAINT customers_pkey PRIMARY KEY (id);
ALTER TABLE ONLY shop.orders ADD CONSTRAINT orders_pkey PRIMARY KEY (id);
CREATE INDEX orders_customer_idx ON shop.orders USING btree (customer_id);
ALTER TABLE ONLY shop.orders
    ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES shop.customers(id) ON DELETE CASCADE;
"#;
    let s = Schema::from_ddl_for(ddl, Dialect::Postgres).unwrap();
    assert_eq!(s.tables().len(), 2);
    let (columns, pk, fks) = describe(&s, "shop.orders");
    assert_eq!(columns, ["id", "customer_id", "placed"]);
    assert_eq!(pk, ["id"]);
    assert_eq!(fks, ["customer_id -> shop.customers(id)"]);
    assert_eq!(
        s.table("shop.orders").unwrap().foreign_keys()[0].name(),
        Some("orders_customer_id_fkey")
    );
    let (columns, ..) = describe(&s, "shop.customers");
    assert_eq!(columns, ["id", "name", "Order"]);
    assert!(!s.table("shop.customers").unwrap().columns()[0].is_nullable());
}

#[test]
fn mysql_dump() {
    let ddl = "
CREATE TABLE `users` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `group` varchar(50) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_group` (`group`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE `order` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `user_id` int(11) NOT NULL,
  PRIMARY KEY (`id`),
  KEY `fk_user` (`user_id`),
  CONSTRAINT `fk_order_user` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB;
";
    let s = Schema::from_ddl_for(ddl, Dialect::MySql).unwrap();
    assert_eq!(describe(&s, "order").2, ["user_id -> users(id)"]);
    assert_eq!(
        s.table("order").unwrap().foreign_keys()[0].name(),
        Some("fk_order_user")
    );
    let unique = s.table("users").unwrap().unique_constraints();
    assert_eq!(unique.len(), 1);
    assert_eq!(unique[0].name(), Some("uq_group"));
}

#[test]
fn sqlite_forms() {
    let ddl = "
CREATE TABLE parents (id INTEGER PRIMARY KEY AUTOINCREMENT, note);
CREATE TABLE kids (
    parent_id REFERENCES parents,
    n INTEGER,
    PRIMARY KEY (parent_id, n)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS strict_one (id INTEGER PRIMARY KEY, kid_parent INTEGER, kid_n INTEGER,
    FOREIGN KEY (kid_parent, kid_n) REFERENCES kids (parent_id, n)) STRICT;
";
    let s = Schema::from_ddl_for(ddl, Dialect::Sqlite).unwrap();
    assert_eq!(s.table("parents").unwrap().columns()[1].sql_type(), "");
    assert_eq!(describe(&s, "kids").2, ["parent_id -> parents(id)"]);
    assert_eq!(
        describe(&s, "strict_one").2,
        ["kid_parent,kid_n -> kids(parent_id,n)"]
    );
}

#[test]
fn syntax_errors_carry_their_position_in_every_dialect() {
    for dialect in Dialect::ALL {
        let e = Schema::from_ddl_for(
            "CREATE TABLE a (id INT);\nCREATE TABLE b (id INT,, x INT);",
            dialect,
        )
        .unwrap_err();
        match &e {
            Error::Parse {
                position: Some(p), ..
            } => assert_eq!(p.line, 2, "{dialect}: {e}"),
            other => panic!("{dialect}: {other:?}"),
        }
        assert!(e.to_string().contains("at line 2, column"), "{e}");
    }
}

#[test]
fn the_first_error_in_text_order_is_reported() {
    // Statements are read and applied one after the other: a problem in
    // the first statement is reported although the third does not parse.
    let ddl = "ALTER TABLE nope ADD COLUMN x INT;
CREATE TABLE a (id INT);
CREATE TABLE b (id INT,, x INT);";
    let e = Schema::from_ddl(ddl).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnknownTable, "{e}");
    // With the first fixed, the syntax error of the third is next.
    let e = Schema::from_ddl(&ddl.replace("nope", "a").replacen(
        "ALTER TABLE a ADD COLUMN x INT;\nCREATE TABLE a (id INT);",
        "CREATE TABLE a (id INT);\nALTER TABLE a ADD COLUMN x INT;",
        1,
    ))
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Parse, "{e}");
    assert!(e.to_string().contains("at line 3, column"), "{e}");
}

#[test]
fn statements_need_a_delimiter_between_them() {
    let e = Schema::from_ddl("CREATE TABLE a (id INT) CREATE TABLE b (id INT);").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Parse, "{e}");
    assert!(e.to_string().contains("end of statement"), "{e}");
}

#[test]
fn a_reference_to_an_undefined_table_names_both() {
    for dialect in Dialect::ALL {
        let e = Schema::from_ddl_for(
            "CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT REFERENCES customers (id));",
            dialect,
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::UnknownTable);
        assert_eq!(
            e.to_string(),
            "foreign key (customer_id) of table 'orders': unknown table 'customers'"
        );
    }
}

#[test]
fn other_ddl_errors_are_typed() {
    // A foreign key to a column the referred table lacks is no error (see
    // ddl_dumps::a_broken_foreign_key_is_dropped_with_a_warning).
    let cases = [
        (
            "CREATE TABLE a (id INT, k INT, PRIMARY KEY (id, k)); CREATE TABLE b (x INT REFERENCES a);",
            ErrorKind::InvalidArgument,
        ),
        (
            "CREATE TABLE a (id INT); CREATE TABLE a (id INT);",
            ErrorKind::InvalidArgument,
        ),
        (
            "CREATE TABLE a (id INT, id INT);",
            ErrorKind::InvalidArgument,
        ),
        (
            "CREATE TABLE a (id INT PRIMARY KEY, b INT PRIMARY KEY);",
            ErrorKind::InvalidArgument,
        ),
        ("CREATE TABLE a AS SELECT 1 AS x;", ErrorKind::Parse),
        (
            "ALTER TABLE nope ADD CONSTRAINT f FOREIGN KEY (x) REFERENCES a (id);",
            ErrorKind::UnknownTable,
        ),
    ];
    for (ddl, kind) in cases {
        for dialect in [Dialect::Postgres, Dialect::Sqlite] {
            let e = Schema::from_ddl_for(ddl, dialect).unwrap_err();
            assert_eq!(e.kind(), kind, "{dialect}: {ddl}: {e}");
        }
    }
}
