//! Names and case in DDL input, as each server treats them: PostgreSQL
//! folds unquoted names to lower case (ASCII letters only, as in a UTF-8
//! database) and keeps quoted ones; SQLite matches names in any ASCII case
//! and keeps them as declared; MySQL/MariaDB match column and index names in
//! any case and table names as written; the generic dialect matches names
//! exactly.
//!
//! The engine tests create the DDL on the engine itself, read the same text
//! with sqlrel, and run relationship predicates and joins built from it
//! there: the names sqlrel emits are the ones the server finds, and the
//! rows are the right ones.

use crate::common;

use std::collections::BTreeSet;

use common::engines::{Engine, on_each_engine, skip_without_server};
use common::exec::{engine, ids, rows, run_both};
use sqlrel::expr::{Expr, FromItem};
use sqlrel::query::{Dialect, Order, Select};
use sqlrel::registry::Registry;
use sqlrel::schema::{DdlDialect, Schema, Table, WarningKind};
use sqlrel::{Error, ErrorKind};

fn names<'t>(table: &'t Table, ids: &[sqlrel::schema::ColumnId]) -> Vec<&'t str> {
    ids.iter()
        .map(|id| table.column(*id).expect("column of the table").name())
        .collect()
}

/// Every table with its columns, primary key, foreign keys and unique
/// constraints (with their names), by the names the schema holds.
fn describe(schema: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    for table in schema.tables() {
        let name = table.qualified_name().to_string();
        let columns: Vec<&str> = table.columns().iter().map(|c| c.name()).collect();
        out.push(format!(
            "{name} {columns:?} pk {:?}",
            names(table, table.primary_key())
        ));
        for fk in table.foreign_keys() {
            let referred = schema.table_by_id(fk.referred_table()).expect("referred");
            out.push(format!(
                "{name} fk {:?} {:?} -> {} {:?}",
                fk.name(),
                names(table, fk.columns()),
                referred.qualified_name(),
                names(referred, fk.referred_columns())
            ));
        }
        for unique in table.unique_constraints() {
            out.push(format!(
                "{name} unique {:?} {:?}",
                unique.name(),
                names(table, unique.columns())
            ));
        }
    }
    out
}

fn read(ddl: &str, dialect: Dialect) -> Schema {
    Schema::from_ddl_for(ddl, dialect).unwrap_or_else(|e| panic!("{dialect}: {e}\n{ddl}"))
}

// --- PostgreSQL ------------------------------------------------------------------

const PG_MIXED: &str = r#"
CREATE TABLE Users (Id INT PRIMARY KEY, "Name" TEXT, EMail TEXT CONSTRAINT Users_EMail_Key UNIQUE);
CREATE TABLE "Users" (Id INT PRIMARY KEY);
CREATE TABLE ORDERS (
    ID INT PRIMARY KEY,
    User_Id INT CONSTRAINT Orders_User_FK REFERENCES USERS (ID),
    Quoted_Id INT REFERENCES "Users",
    Lower_Id INT REFERENCES "users" ("id")
);
"#;

#[test]
fn postgres_folds_unquoted_names_and_keeps_quoted_ones() {
    let expected = [
        r#"users ["id", "Name", "email"] pk ["id"]"#,
        r#"users unique Some("users_email_key") ["email"]"#,
        r#"Users ["id"] pk ["id"]"#,
        r#"orders ["id", "user_id", "quoted_id", "lower_id"] pk ["id"]"#,
        r#"orders fk Some("orders_user_fk") ["user_id"] -> users ["id"]"#,
        r#"orders fk None ["quoted_id"] -> Users ["id"]"#,
        r#"orders fk None ["lower_id"] -> users ["id"]"#,
    ];
    // However the dialect is given: by name, as a DdlDialect, as
    // sqlparser's dialect, or detected from a pg_dump marker.
    let detected = format!("SET standard_conforming_strings = on;\n{PG_MIXED}");
    let schemas = [
        Schema::from_ddl_for(PG_MIXED, Dialect::Postgres),
        Schema::read_ddl(PG_MIXED.as_bytes(), DdlDialect::Postgres),
        Schema::from_ddl_with_dialect(PG_MIXED, &sqlparser::dialect::PostgreSqlDialect {}),
        Schema::from_dump(&detected),
        Schema::read_ddl(detected.as_bytes(), DdlDialect::Detect),
    ];
    for schema in schemas {
        let schema = schema.unwrap();
        assert_eq!(describe(&schema), expected);
        // The name the schema holds is the folded one.
        assert_eq!(schema.table("Users").unwrap().columns().len(), 1);
        assert!(schema.table("users").is_ok());
        assert!(schema.table("ORDERS").is_err());
    }
}

#[test]
fn postgres_folds_only_ascii_letters() {
    // PostgreSQL lowers only A-Z in a UTF-8 database (downcase_identifier);
    // other letters keep their case.
    let s = read(
        "CREATE TABLE Ärger (ÄId INT PRIMARY KEY, Größe INT, ΣUM INT);
         CREATE TABLE B (Ref INT REFERENCES ÄRGER (ÄID));",
        Dialect::Postgres,
    );
    assert_eq!(
        describe(&s),
        [
            r#"Ärger ["Äid", "größe", "Σum"] pk ["Äid"]"#,
            r#"b ["ref"] pk []"#,
            r#"b fk None ["ref"] -> Ärger ["Äid"]"#,
        ]
    );
    // `ärger` is another name than `Ärger`.
    let e = Schema::from_ddl_for(
        "CREATE TABLE Ärger (Id INT PRIMARY KEY); CREATE TABLE b (r INT REFERENCES ärger);",
        Dialect::Postgres,
    )
    .unwrap_err();
    assert!(
        matches!(e.root(), Error::UnknownTable { name } if name == "ärger"),
        "{e:?}"
    );
}

#[test]
fn postgres_folds_every_name_the_reader_takes() {
    let ddl = r#"
CREATE SCHEMA Sales;
CREATE TABLE Sales.Customers (Id INT, Code TEXT, "Region" TEXT);
ALTER TABLE ONLY SALES.CUSTOMERS ADD CONSTRAINT Customers_PKey PRIMARY KEY (ID);
CREATE UNIQUE INDEX Customers_Code_Idx ON Sales.Customers USING btree (CODE);
CREATE TABLE Sales.Orders (Id INT PRIMARY KEY, Customer_Code TEXT, Old INT, Gone INT);
ALTER TABLE Sales.Orders ADD CONSTRAINT Orders_Code_FK FOREIGN KEY (Customer_Code)
    REFERENCES SALES.Customers (Code);
ALTER TABLE SALES.ORDERS RENAME COLUMN OLD TO Renamed;
ALTER TABLE SALES.ORDERS DROP COLUMN GONE, ALTER COLUMN RENAMED SET NOT NULL;
ALTER TABLE Sales.Orders RENAME CONSTRAINT ORDERS_CODE_FK TO Orders_Customer_FK;
ALTER TABLE Sales.Orders RENAME TO Purchases;
CREATE TABLE Scratch (Id INT, CONSTRAINT Scratch_Id_Uq UNIQUE (ID));
ALTER TABLE SCRATCH DROP CONSTRAINT SCRATCH_ID_UQ;
ALTER TABLE Scratch SET SCHEMA Sales;
CREATE TABLE Keyed (Id INT NOT NULL);
ALTER TABLE Keyed ADD CONSTRAINT Keyed_PKey PRIMARY KEY (ID);
CREATE SCHEMA Shop AUTHORIZATION CURRENT_USER
    CREATE TABLE Items (Id INT PRIMARY KEY, Customer_Id INT REFERENCES Sales.CUSTOMERS (ID))
    CREATE TABLE Tags (Item_Id INT REFERENCES ITEMS, Tag TEXT);
CREATE TABLE Readings (Id INT, Item_Id INT REFERENCES Shop.Items, PRIMARY KEY (ID))
    PARTITION BY RANGE (ID);
CREATE TABLE Readings_Low PARTITION OF READINGS FOR VALUES FROM (0) TO (100);
CREATE TABLE Readings_High (Id INT NOT NULL, Item_Id INT);
ALTER TABLE Readings ATTACH PARTITION READINGS_HIGH FOR VALUES FROM (100) TO (200);
CREATE TABLE Audit (LIKE SALES.Customers, At TEXT);
CREATE TABLE Child (Extra INT) INHERITS (KEYED);
DROP TABLE IF EXISTS SALES.SCRATCH;
"#;
    let s = read(ddl, Dialect::Postgres);
    assert_eq!(
        describe(&s),
        [
            r#"sales.customers ["id", "code", "Region"] pk ["id"]"#,
            r#"sales.customers unique Some("customers_code_idx") ["code"]"#,
            r#"sales.purchases ["id", "customer_code", "renamed"] pk ["id"]"#,
            r#"sales.purchases fk Some("orders_customer_fk") ["customer_code"] -> sales.customers ["code"]"#,
            r#"keyed ["id"] pk ["id"]"#,
            r#"shop.items ["id", "customer_id"] pk ["id"]"#,
            r#"shop.items fk None ["customer_id"] -> sales.customers ["id"]"#,
            r#"shop.tags ["item_id", "tag"] pk []"#,
            r#"shop.tags fk None ["item_id"] -> shop.items ["id"]"#,
            r#"readings ["id", "item_id"] pk ["id"]"#,
            r#"readings fk None ["item_id"] -> shop.items ["id"]"#,
            r#"readings_low ["id", "item_id"] pk ["id"]"#,
            r#"readings_low fk None ["item_id"] -> shop.items ["id"]"#,
            r#"readings_high ["id", "item_id"] pk ["id"]"#,
            r#"readings_high fk None ["item_id"] -> shop.items ["id"]"#,
            r#"audit ["id", "code", "Region", "at"] pk []"#,
            r#"child ["id", "extra"] pk []"#,
        ]
    );
    assert!(!s.table("sales.purchases").unwrap().columns()[2].is_nullable());
    // A unique index made the primary key, by a name in another case.
    let s = read(
        "CREATE TABLE Keyed (Id INT NOT NULL);
         CREATE UNIQUE INDEX Keyed_Idx ON Keyed (ID);
         ALTER TABLE Keyed ADD CONSTRAINT Keyed_PKey PRIMARY KEY USING INDEX KEYED_IDX;",
        Dialect::Postgres,
    );
    let keyed = s.table("keyed").unwrap();
    assert_eq!(names(keyed, keyed.primary_key()), ["id"]);
    // An unknown table is reported by the name PostgreSQL looks for.
    let e =
        Schema::from_ddl_for("ALTER TABLE Nope ADD COLUMN X INT;", Dialect::Postgres).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnknownTable);
    assert!(e.to_string().contains("unknown table 'nope'"), "{e}");
}

#[test]
fn postgres_unquoted_names_that_fold_to_one_are_one_name() {
    let e =
        Schema::from_ddl_for("CREATE TABLE T (Id INT, ID INT);", Dialect::Postgres).unwrap_err();
    assert!(
        matches!(e, Error::DuplicateColumn { ref table, ref column } if table == "t" && column == "id"),
        "{e:?}"
    );
    let e = Schema::from_ddl_for(
        "CREATE TABLE t (id INT); CREATE TABLE T (id INT);",
        Dialect::Postgres,
    )
    .unwrap_err();
    assert!(
        matches!(e, Error::DuplicateTable { ref name } if name == "t"),
        "{e:?}"
    );
    // Quoted, they are two names.
    read(
        r#"CREATE TABLE t ("Id" INT, id INT); CREATE TABLE "T" (id INT);"#,
        Dialect::Postgres,
    );
}

// --- Generic -----------------------------------------------------------------------

#[test]
fn the_generic_dialect_matches_names_exactly() {
    let s = Schema::from_ddl(
        r#"CREATE TABLE Users (Id INT PRIMARY KEY);
           CREATE TABLE users (id INT PRIMARY KEY);
           CREATE TABLE "Orders" (Id INT, User_Id INT REFERENCES Users (Id), u INT REFERENCES users);"#,
    )
    .unwrap();
    assert_eq!(
        describe(&s),
        [
            r#"Users ["Id"] pk ["Id"]"#,
            r#"users ["id"] pk ["id"]"#,
            r#"Orders ["Id", "User_Id", "u"] pk []"#,
            r#"Orders fk None ["User_Id"] -> Users ["Id"]"#,
            r#"Orders fk None ["u"] -> users ["id"]"#,
        ]
    );
    let e = Schema::from_ddl(
        "CREATE TABLE Users (Id INT PRIMARY KEY); CREATE TABLE a (u INT REFERENCES USERS);",
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnknownTable, "{e}");
    let s = Schema::from_ddl(
        "CREATE TABLE Users (Id INT PRIMARY KEY); CREATE TABLE a (u INT REFERENCES Users (ID));",
    )
    .unwrap();
    assert_eq!(s.table("a").unwrap().broken_foreign_keys().len(), 1);
    let e = Schema::from_ddl("CREATE TABLE t (Id INT, PRIMARY KEY (ID));").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnknownColumn, "{e}");
}

// --- SQLite ------------------------------------------------------------------------

#[test]
fn sqlite_matches_names_in_any_ascii_case() {
    let ddl = r#"
CREATE TABLE Users (Id INTEGER, EMail TEXT, Old TEXT, PRIMARY KEY (ID));
CREATE TABLE Orders (Id INTEGER PRIMARY KEY, USER_ID INTEGER REFERENCES USERS (ID),
    Mail TEXT, Note_Id INTEGER,
    FOREIGN KEY (mail) REFERENCES users (email),
    FOREIGN KEY (NOTE_ID) REFERENCES "NOTES" ("ID"));
CREATE TABLE Notes (Id INTEGER PRIMARY KEY);
CREATE UNIQUE INDEX Users_Mail ON USERS (EMAIL);
CREATE UNIQUE INDEX IF NOT EXISTS users_mail ON users (old);
CREATE TABLE IF NOT EXISTS USERS (other);
ALTER TABLE users RENAME COLUMN email TO Address;
ALTER TABLE USERS DROP COLUMN OLD;
ALTER TABLE USERS ADD COLUMN Extra TEXT;
CREATE TABLE Scratch (id);
DROP TABLE SCRATCH;
CREATE TABLE main.Kept (K INTEGER PRIMARY KEY);
CREATE TABLE Refs (k REFERENCES kept, K2 REFERENCES MAIN.KEPT);
"#;
    let s = read(ddl, Dialect::Sqlite);
    assert_eq!(
        describe(&s),
        [
            r#"Users ["Id", "Address", "Extra"] pk ["Id"]"#,
            r#"Users unique Some("Users_Mail") ["Address"]"#,
            r#"Orders ["Id", "USER_ID", "Mail", "Note_Id"] pk ["Id"]"#,
            r#"Orders fk None ["USER_ID"] -> Users ["Id"]"#,
            r#"Orders fk None ["Mail"] -> Users ["Address"]"#,
            r#"Orders fk None ["Note_Id"] -> Notes ["Id"]"#,
            r#"Notes ["Id"] pk ["Id"]"#,
            r#"main.Kept ["K"] pk ["K"]"#,
            r#"Refs ["k", "K2"] pk []"#,
            r#"Refs fk None ["k"] -> main.Kept ["K"]"#,
            r#"Refs fk None ["K2"] -> main.Kept ["K"]"#,
        ]
    );
    assert!(s.warnings().is_empty(), "{:?}", s.warnings());
}

#[test]
fn sqlite_folds_only_ascii_letters() {
    // `ÄID` is `Äid` to SQLite, `äid` is not: a key naming it is broken
    // (SQLite reports a foreign key mismatch when the key is used).
    let s = read(
        "CREATE TABLE p (Äid INTEGER PRIMARY KEY, x INTEGER);
         CREATE TABLE c (a INTEGER REFERENCES P (ÄID), b INTEGER REFERENCES p (äid));",
        Dialect::Sqlite,
    );
    let c = s.table("c").unwrap();
    assert_eq!(describe(&s)[2], r#"c fk None ["a"] -> p ["Äid"]"#);
    assert_eq!(c.foreign_keys().len(), 1);
    assert_eq!(c.broken_foreign_keys().len(), 1);
    assert_eq!(c.broken_foreign_keys()[0].missing_column(), "äid");
    assert_eq!(s.warnings()[0].kind(), WarningKind::DroppedForeignKey);
}

#[test]
fn sqlite_names_differing_only_in_case_are_one_name() {
    let e = Schema::from_ddl_for(
        "CREATE TABLE Users (id); CREATE TABLE users (id);",
        Dialect::Sqlite,
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert!(
        matches!(e.root(), Error::DuplicateTable { name } if name == "users"),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "'Users' and 'users' are one name: SQLite matches names in any ASCII case: table \
         'users' is defined twice; give each table its own name (or namespace)"
    );
    let e = Schema::from_ddl_for("CREATE TABLE t (a, A);", Dialect::Sqlite).unwrap_err();
    assert!(
        matches!(e.root(), Error::DuplicateColumn { table, column } if table == "t" && column == "A"),
        "{e:?}"
    );
    // Dropped first, the name is free again.
    read(
        "CREATE TABLE Users (id); DROP TABLE USERS; CREATE TABLE users (id);",
        Dialect::Sqlite,
    );
}

// --- MySQL ---------------------------------------------------------------------------

#[test]
fn mysql_matches_columns_in_any_case_and_tables_as_written() {
    // What MariaDB 10.11 makes of this text (its SHOW CREATE TABLE), but
    // for the order of the unique keys.
    let ddl = "
CREATE TABLE `Users` (`Id` INT PRIMARY KEY, `EMail` VARCHAR(50), `Name` INT, `Äid` INT,
    UNIQUE KEY `UQ_Mail` (`email`), UNIQUE KEY `UQ_Aid` (`äid`));
CREATE TABLE `users` (`id` INT PRIMARY KEY);
CREATE TABLE `Orders` (`Id` INT PRIMARY KEY, `UID` INT, `LID` INT, `Mail` VARCHAR(50), `A` INT,
    CONSTRAINT `FK_Orders_User` FOREIGN KEY (`uid`) REFERENCES `Users` (`ID`),
    CONSTRAINT `FK_Orders_Lower` FOREIGN KEY (`lid`) REFERENCES `users` (`ID`),
    CONSTRAINT `FK_Orders_Mail` FOREIGN KEY (`MAIL`) REFERENCES `Users` (`EMAIL`),
    CONSTRAINT `FK_Orders_A` FOREIGN KEY (`a`) REFERENCES `Users` (`äID`));
ALTER TABLE `Users` MODIFY `NAME` BIGINT NOT NULL;
ALTER TABLE `Orders` DROP FOREIGN KEY `fk_orders_mail`;
ALTER TABLE `Users` DROP INDEX `uq_mail`, ADD UNIQUE KEY `UQ_Name` (`name`);
ALTER TABLE Orders RENAME COLUMN MAIL TO Address, CHANGE `a` `Ä` INT;
";
    let s = read(ddl, Dialect::MySql);
    assert_eq!(
        describe(&s),
        [
            r#"Users ["Id", "EMail", "NAME", "Äid"] pk ["Id"]"#,
            r#"Users unique Some("UQ_Aid") ["Äid"]"#,
            r#"Users unique Some("UQ_Name") ["NAME"]"#,
            r#"users ["id"] pk ["id"]"#,
            r#"Orders ["Id", "UID", "LID", "Address", "Ä"] pk ["Id"]"#,
            r#"Orders fk Some("FK_Orders_User") ["UID"] -> Users ["Id"]"#,
            r#"Orders fk Some("FK_Orders_Lower") ["LID"] -> users ["id"]"#,
            r#"Orders fk Some("FK_Orders_A") ["Ä"] -> Users ["Äid"]"#,
        ]
    );
    assert!(!s.table("Users").unwrap().columns()[2].is_nullable());
    // Table names are case-sensitive (lower_case_table_names = 0).
    let e = Schema::from_ddl_for(
        "CREATE TABLE users (id INT PRIMARY KEY); CREATE TABLE o (u INT REFERENCES Users (id));",
        Dialect::MySql,
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnknownTable, "{e}");
    let e = Schema::from_ddl_for(
        "CREATE TABLE users (id INT PRIMARY KEY); ALTER TABLE USERS ADD COLUMN x INT;",
        Dialect::MySql,
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnknownTable, "{e}");
    // Column names in any case are one name, beyond ASCII too.
    let e = Schema::from_ddl_for("CREATE TABLE t (Äid INT, äid INT);", Dialect::MySql).unwrap_err();
    assert!(
        matches!(e.root(), Error::DuplicateColumn { column, .. } if column == "äid"),
        "{e:?}"
    );
    assert!(
        e.to_string()
            .starts_with("'Äid' and 'äid' are one name: MySQL"),
        "{e}"
    );
}

// --- On the engines ----------------------------------------------------------------

/// One schema, written for one engine with names in mixed case, referred to
/// in other cases, quoted and not; a composite key; a second table whose
/// name differs from the first's only in case (PostgreSQL: quoted; MySQL:
/// another table), or (SQLite, where that is one name) a table referred to
/// before it is created.
struct CaseSchema {
    ddl: &'static str,
    data: &'static str,
    /// The names sqlrel must give the tables: customers, the other
    /// referred table, orders, accounts, transfers.
    tables: [&'static str; 5],
    /// The keys automap must give the relationships (it names them after
    /// the tables, lower-cased, as SQLAlchemy does): customers' orders, the
    /// other table's orders, an order's customer, its other customer,
    /// accounts' transfers, a transfer's account.
    keys: [&'static str; 6],
}

fn case_schema(dialect: Dialect) -> CaseSchema {
    match dialect {
        Dialect::Postgres => CaseSchema {
            ddl: r#"
CREATE TABLE Customers (Id INT PRIMARY KEY, Region TEXT NOT NULL);
CREATE TABLE "Customers" (Id INT PRIMARY KEY);
CREATE TABLE ORDERS (
    ID INT PRIMARY KEY,
    Customer_Id INT CONSTRAINT Orders_Customer_FK REFERENCES CUSTOMERS (ID),
    Other_Id INT
);
ALTER TABLE Orders ADD CONSTRAINT Orders_Other_FK FOREIGN KEY (OTHER_ID) REFERENCES "Customers" (id);
CREATE TABLE Accounts (Region TEXT, "Number" INT, PRIMARY KEY (REGION, "Number"));
CREATE TABLE Transfers (
    Id INT PRIMARY KEY, From_Region TEXT, From_Number INT,
    CONSTRAINT Transfers_From_FK FOREIGN KEY (FROM_REGION, From_Number)
        REFERENCES accounts (region, "Number")
);
"#,
            data: r#"
INSERT INTO "Customers" (ID) VALUES (1), (2);
INSERT INTO Customers (ID, REGION) VALUES (1, 'n'), (2, 's'), (3, 'n');
INSERT INTO Orders (Id, Customer_ID, Other_Id) VALUES (10, 1, 2), (11, 1, NULL), (12, 3, 2);
INSERT INTO Accounts VALUES ('n', 1), ('n', 2), ('s', 1);
INSERT INTO Transfers VALUES (100, 'n', 2), (101, 's', 1);
"#,
            tables: ["customers", "Customers", "orders", "accounts", "transfers"],
            keys: [
                "customers.orders_collection",
                "Customers.orders_collection",
                "orders.customers",
                "orders.customers_2",
                "accounts.transfers_collection",
                "transfers.accounts",
            ],
        },
        Dialect::MySql => CaseSchema {
            ddl: "
CREATE TABLE Customers (Id INT PRIMARY KEY, Region VARCHAR(10) NOT NULL);
CREATE TABLE customers (id INT PRIMARY KEY);
CREATE TABLE Orders (ID INT PRIMARY KEY, CUSTOMER_ID INT, Other_Id INT,
    CONSTRAINT Orders_Customer_FK FOREIGN KEY (customer_id) REFERENCES Customers (ID));
ALTER TABLE Orders ADD CONSTRAINT Orders_Other_FK FOREIGN KEY (OTHER_ID) REFERENCES customers (ID);
CREATE TABLE Accounts (Region VARCHAR(10), Number INT, PRIMARY KEY (REGION, number));
CREATE TABLE Transfers (Id INT PRIMARY KEY, From_Region VARCHAR(10), From_Number INT,
    CONSTRAINT Transfers_From_FK FOREIGN KEY (FROM_REGION, FROM_NUMBER)
        REFERENCES Accounts (region, NUMBER));
",
            data: "
INSERT INTO customers (ID) VALUES (1), (2);
INSERT INTO Customers (ID, REGION) VALUES (1, 'n'), (2, 's'), (3, 'n');
INSERT INTO Orders (Id, Customer_ID, Other_Id) VALUES (10, 1, 2), (11, 1, NULL), (12, 3, 2);
INSERT INTO Accounts VALUES ('n', 1), ('n', 2), ('s', 1);
INSERT INTO Transfers VALUES (100, 'n', 2), (101, 's', 1);
",
            tables: ["Customers", "customers", "Orders", "Accounts", "Transfers"],
            keys: [
                "Customers.orders_collection",
                "customers.orders_collection",
                "Orders.customers",
                "Orders.customers_2",
                "Accounts.transfers_collection",
                "Transfers.accounts",
            ],
        },
        Dialect::Sqlite => CaseSchema {
            ddl: r#"
CREATE TABLE Customers (Id INTEGER PRIMARY KEY, Region TEXT NOT NULL);
CREATE TABLE Orders (ID INTEGER PRIMARY KEY,
    CUSTOMER_ID INTEGER CONSTRAINT Orders_Customer_FK REFERENCES CUSTOMERS (ID),
    Other_Id INTEGER,
    CONSTRAINT Orders_Other_FK FOREIGN KEY (other_id) REFERENCES "NOTES" ("ID"));
CREATE TABLE Notes (Id INTEGER PRIMARY KEY);
CREATE TABLE Accounts (Region TEXT, Number INTEGER, PRIMARY KEY (REGION, number));
CREATE TABLE Transfers (Id INTEGER PRIMARY KEY, From_Region TEXT, From_Number INTEGER,
    CONSTRAINT Transfers_From_FK FOREIGN KEY (FROM_REGION, FROM_NUMBER)
        REFERENCES ACCOUNTS (region, NUMBER));
"#,
            // With foreign keys enforced, SQLite resolves every key as the
            // rows go in: a key it could not resolve fails the insert.
            data: "
PRAGMA foreign_keys = ON;
INSERT INTO notes (ID) VALUES (1), (2);
INSERT INTO customers (ID, REGION) VALUES (1, 'n'), (2, 's'), (3, 'n');
INSERT INTO orders (Id, Customer_ID, Other_Id) VALUES (10, 1, 2), (11, 1, NULL), (12, 3, 2);
INSERT INTO accounts VALUES ('n', 1), ('n', 2), ('s', 1);
INSERT INTO transfers VALUES (100, 'n', 2), (101, 's', 1);
",
            tables: ["Customers", "Notes", "Orders", "Accounts", "Transfers"],
            keys: [
                "Customers.orders_collection",
                "Notes.orders_collection",
                "Orders.customers",
                "Orders.notes",
                "Accounts.transfers_collection",
                "Transfers.accounts",
            ],
        },
    }
}

/// The primary key columns of `table` as expressions.
fn key_columns(table: &FromItem) -> Vec<Expr> {
    let columns = table.table.primary_key().to_vec();
    columns
        .iter()
        .map(|id| {
            let name = table.table.column(*id).expect("key column").name();
            table.col(name).expect("key column")
        })
        .collect()
}

/// `SELECT <last primary key column of the parent> FROM parent WHERE
/// predicate ORDER BY <its primary key>`.
fn parents_where(registry: &Registry, table: &str, predicate: Expr) -> Select {
    let parent = FromItem::table(registry.schema().table(table).expect("table").clone());
    let keys = key_columns(&parent);
    let mut select = Select::from(parent)
        .column(keys.last().expect("a primary key").clone())
        .filter(predicate);
    for key in keys {
        select = select.order_by(key, Order::Asc);
    }
    select
}

fn run_case(dialect: Dialect) {
    let case = case_schema(dialect);
    let mut db = engine(dialect, "ddl_case");
    db.execute(case.ddl);
    db.execute(case.data);
    let schema = read(case.ddl, dialect);
    let [customers, other, orders, accounts, transfers] = case.tables;
    let tables: Vec<&str> = schema.tables().map(|t| t.name()).collect();
    let mut expected_tables = case.tables.to_vec();
    if dialect == Dialect::Sqlite {
        // Orders is created before Notes.
        expected_tables.swap(1, 2);
    }
    assert_eq!(tables, expected_tables);
    let registry = Registry::builder(schema)
        .automap()
        .configure()
        .unwrap_or_else(|e| panic!("{dialect}: automap: {e}"));
    let keys: BTreeSet<&str> = registry.relationships().map(|r| r.key()).collect();
    assert_eq!(keys, case.keys.into_iter().collect::<BTreeSet<_>>());
    let [
        customer_orders,
        other_orders,
        order_customer,
        order_other,
        account_transfers,
        transfer_account,
    ] = case
        .keys
        .map(|k| registry.relationship(k).expect("relationship"));
    let checks = [
        (
            "customers with orders",
            parents_where(&registry, customers, customer_orders.any(None).unwrap()),
            ids(&[1, 3]),
        ),
        (
            "other customers with orders",
            parents_where(&registry, other, other_orders.any(None).unwrap()),
            ids(&[2]),
        ),
        (
            "orders with a customer",
            parents_where(&registry, orders, order_customer.has(None).unwrap()),
            ids(&[10, 11, 12]),
        ),
        (
            "orders with another customer",
            parents_where(&registry, orders, order_other.has(None).unwrap()),
            ids(&[10, 12]),
        ),
        // The composite key, both ways: accounts with transfers (by
        // number, in key order), and a join from transfers to their
        // accounts.
        (
            "accounts with transfers",
            parents_where(&registry, accounts, account_transfers.any(None).unwrap()),
            ids(&[2, 1]),
        ),
        (
            "transfers joined to their accounts",
            {
                let from = FromItem::table(registry.schema().table(transfers).unwrap().clone());
                let transfer_id = key_columns(&from).remove(0);
                let join = Select::from(from).join(transfer_account).unwrap();
                let account = join.items().nth(1).expect("joined accounts").clone();
                let number = key_columns(&account).remove(1);
                join.column(transfer_id.clone())
                    .column(number)
                    .order_by(transfer_id, Order::Asc)
            },
            rows(&[[100, 2], [101, 1]]),
        ),
    ];
    let mut failures = Vec::new();
    for (name, select, expected) in &checks {
        if let Err(e) = run_both(db.as_mut(), select, expected) {
            failures.push(format!("{name}: {e}"));
        }
    }
    assert!(failures.is_empty(), "{dialect}:\n{}", failures.join("\n"));
}

on_each_engine!(
    /// The mixed-case schema, created on each engine and queried there.
    mixed_case_names_are_the_names_the_engine_finds => run_case
);

/// The schema of the report: PostgreSQL creates `users` and `addresses`,
/// and the names sqlrel emits must be those, not `"Users"` (relation does
/// not exist).
#[test]
fn postgres_tables_declared_in_mixed_case_are_found() {
    skip_without_server!("DATABASE_URL");
    let ddl = "CREATE TABLE Users (Id INT PRIMARY KEY, Name TEXT);
               CREATE TABLE Addresses (Id INT PRIMARY KEY, User_Id INT REFERENCES Users (Id));";
    let mut db = engine(Dialect::Postgres, "ddl_case_report");
    db.execute(ddl);
    db.execute(
        "INSERT INTO users VALUES (1, 'a'), (2, 'b');
         INSERT INTO addresses VALUES (10, 2), (11, NULL);",
    );
    let registry = Registry::builder(read(ddl, Dialect::Postgres))
        .automap()
        .configure()
        .unwrap();
    let addresses = registry.relationship("users.addresses_collection").unwrap();
    let select = parents_where(&registry, "users", addresses.any(None).unwrap());
    let (sql, _) = select.build(Dialect::Postgres).unwrap();
    assert!(sql.contains(r#"FROM "users""#), "{sql}");
    run_both(db.as_mut(), &select, &ids(&[2])).unwrap();
}

/// A PostgreSQL schema (namespace) of the test's own, created in mixed case
/// by the DDL and dropped at the end.
struct PgNamespaces {
    client: postgres::Client,
    names: Vec<String>,
}

impl Drop for PgNamespaces {
    fn drop(&mut self) {
        for name in &self.names {
            let _ = self
                .client
                .batch_execute(&format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE"));
        }
    }
}

#[test]
fn postgres_schemas_created_in_mixed_case() {
    skip_without_server!("DATABASE_URL");
    let url = common::engines::server_url("DATABASE_URL");
    let client = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
    let suffix = format!("{}_{}", std::process::id(), line!());
    let (sales, shop) = (format!("Sales_{suffix}"), format!("Shop_{suffix}"));
    let mut namespaces = PgNamespaces {
        client,
        names: vec![sales.to_lowercase(), shop.to_lowercase()],
    };
    let ddl = r#"
CREATE SCHEMA {Sales};
CREATE TABLE {Sales}.Customers (Id INT, Region TEXT NOT NULL);
ALTER TABLE ONLY {SALES}.CUSTOMERS ADD CONSTRAINT Customers_PKey PRIMARY KEY (ID);
CREATE TABLE {Sales}."Orders" (
    Id INT PRIMARY KEY,
    Customer_Id INT REFERENCES {SALES}.customers (id)
);
CREATE SCHEMA {Shop}
    CREATE TABLE Items (Sku TEXT, Size INT, PRIMARY KEY (SKU, SIZE))
    CREATE TABLE Lines (
        Id INT PRIMARY KEY,
        Order_Id INT REFERENCES {Sales}."Orders" (ID),
        Item_Sku TEXT, Item_Size INT,
        FOREIGN KEY (Item_SKU, ITEM_SIZE) REFERENCES ITEMS (sku, size)
    );
CREATE TABLE {Shop}.Stock (Id INT, Sku TEXT, Size INT, PRIMARY KEY (ID))
    PARTITION BY RANGE (ID);
CREATE TABLE {Shop}.Stock_Low PARTITION OF {SHOP}.STOCK FOR VALUES FROM (0) TO (100);
ALTER TABLE {Shop}.Stock ADD CONSTRAINT Stock_Item_FK FOREIGN KEY (SKU, Size)
    REFERENCES {shop}.Items (Sku, SIZE);
"#
    .replace("{Sales}", &sales)
    .replace("{SALES}", &sales.to_uppercase())
    .replace("{Shop}", &shop)
    .replace("{SHOP}", &shop.to_uppercase())
    .replace("{shop}", &shop.to_lowercase());
    let data = r#"
INSERT INTO {Sales}.Customers VALUES (1, 'n'), (2, 's');
INSERT INTO {Sales}."Orders" VALUES (10, 1), (11, 1);
INSERT INTO {Shop}.Items VALUES ('a', 1), ('a', 2), ('b', 1);
INSERT INTO {Shop}.Lines VALUES (1, 10, 'a', 2), (2, 11, 'b', 1), (3, 11, 'a', 2);
INSERT INTO {Shop}.Stock VALUES (1, 'b', 1), (2, 'b', 1);
"#
    .replace("{Sales}", &sales)
    .replace("{Shop}", &shop);
    namespaces
        .client
        .batch_execute(&ddl)
        .expect("DDL on PostgreSQL");
    namespaces
        .client
        .batch_execute(&data)
        .expect("data on PostgreSQL");

    let schema = read(&ddl, Dialect::Postgres);
    let (sales, shop) = (sales.to_lowercase(), shop.to_lowercase());
    let tables: Vec<String> = schema
        .tables()
        .map(|t| t.qualified_name().to_string())
        .collect();
    assert_eq!(
        tables,
        [
            format!("{sales}.customers"),
            format!("{sales}.Orders"),
            format!("{shop}.items"),
            format!("{shop}.lines"),
            format!("{shop}.stock"),
            format!("{shop}.stock_low"),
        ]
    );
    // The names are the catalog's own.
    #[cfg(feature = "postgres")]
    {
        let reflected =
            sqlrel::reflect::postgres(&mut namespaces.client, &[&sales, &shop]).expect("reflect");
        let mut from_ddl = describe(&schema);
        let mut from_catalog = describe(&reflected);
        // PostgreSQL names the keys declared without a name; reflection
        // reads those names, DDL has none.
        let unnamed = |line: &String| line.contains(" fk ") || line.contains(" unique ");
        from_ddl.retain(|l| !unnamed(l));
        from_catalog.retain(|l| !unnamed(l));
        from_ddl.sort();
        from_catalog.sort();
        assert_eq!(from_ddl, from_catalog);
    }

    let registry = Registry::builder(schema)
        .automap()
        .configure()
        .expect("automap");
    let rel = |k: String| registry.relationship(&k).expect("relationship");
    let checks = [
        (
            "customers with orders",
            parents_where(
                &registry,
                &format!("{sales}.customers"),
                rel(format!("{sales}.customers.orders_collection"))
                    .any(None)
                    .unwrap(),
            ),
            ids(&[1]),
        ),
        (
            "orders with lines",
            parents_where(
                &registry,
                &format!("{sales}.Orders"),
                rel(format!("{sales}.Orders.lines_collection"))
                    .any(None)
                    .unwrap(),
            ),
            ids(&[10, 11]),
        ),
        (
            "items with lines (composite key)",
            parents_where(
                &registry,
                &format!("{shop}.items"),
                rel(format!("{shop}.items.lines_collection"))
                    .any(None)
                    .unwrap(),
            ),
            ids(&[2, 1]),
        ),
        (
            "items in stock (a partition's key, added to its partitioned table)",
            parents_where(
                &registry,
                &format!("{shop}.items"),
                rel(format!("{shop}.items.stock_low_collection"))
                    .any(None)
                    .unwrap(),
            ),
            ids(&[1]),
        ),
    ];
    let mut db = PgClientEngine(&mut namespaces.client);
    let mut failures = Vec::new();
    for (name, select, expected) in &checks {
        if let Err(e) = run_both(&mut db, select, expected) {
            failures.push(format!("{name}: {e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Rows of a plain PostgreSQL client, for statements over schemas of the
/// test's own (the engine of `common::engines` works in one schema it
/// creates).
struct PgClientEngine<'c>(&'c mut postgres::Client);

impl Engine for PgClientEngine<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn execute(&mut self, sql: &str) {
        self.0.batch_execute(sql).expect("PostgreSQL");
    }

    fn rows(
        &mut self,
        sql: &str,
        values: &[sea_query::Value],
    ) -> Result<Vec<Vec<Option<i64>>>, String> {
        // Every statement here binds only integers and strings.
        let params: Vec<Box<dyn postgres::types::ToSql + Sync>> = values
            .iter()
            .map(|v| -> Box<dyn postgres::types::ToSql + Sync> {
                match v {
                    sea_query::Value::BigInt(i) => Box::new(i.map(|i| i as i32)),
                    sea_query::Value::String(s) => Box::new(s.clone()),
                    other => panic!("unexpected value {other:?}"),
                }
            })
            .collect();
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
            params.iter().map(|p| p.as_ref()).collect();
        let rows = self.0.query(sql, &refs).map_err(|e| format!("{e:?}"))?;
        Ok(rows
            .iter()
            .map(|r| {
                (0..r.len())
                    .map(|i| r.get::<_, Option<i32>>(i).map(i64::from))
                    .collect()
            })
            .collect())
    }
}

/// SQLite's reflection resolves names in any ASCII case to the declared
/// ones; DDL read with the SQLite dialect gives the same schema.
#[cfg(feature = "sqlite")]
#[test]
fn sqlite_reflection_reads_the_names_ddl_reads() {
    let ddl = case_schema(Dialect::Sqlite).ddl;
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.execute_batch(ddl).unwrap();
    let reflected = sqlrel::reflect::sqlite(&conn).unwrap();
    assert_eq!(describe(&reflected), describe(&read(ddl, Dialect::Sqlite)));
}
