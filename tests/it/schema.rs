//! Layer 1: the catalog: the builder API, `Schema::from_ddl`, column lookup
//! and `ColumnRef`.

use std::collections::HashSet;

use sqlparser::dialect::{PostgreSqlDialect, SQLiteDialect};
use sqlrel::schema::{Column, ColumnRef, ForeignKeyDef, Schema, Table, TableBuilder};
use sqlrel::{Error, ErrorKind};

fn users() -> TableBuilder {
    TableBuilder::new("users")
        .column("id", "INTEGER")
        .column("name", "TEXT")
        .primary_key(["id"])
}

fn addresses() -> TableBuilder {
    TableBuilder::new("addresses")
        .column("id", "INTEGER")
        .column("user_id", "INTEGER")
        .column("email", "TEXT")
        .primary_key(["id"])
        .foreign_key(["user_id"], "users", ["id"])
}

/// `column_id` agrees with a scan of the columns for every column and for
/// many names that are not columns (it skips the scan for names its filter
/// rules out), on a narrow table and on one with more columns than the
/// filter has bits.
#[test]
fn column_id_finds_exactly_the_columns() {
    let wide = (0..100).fold(TableBuilder::new("wide"), |t, i| {
        t.column(format!("c{i}"), "INTEGER")
    });
    let schema = Schema::builder()
        .table(users())
        .table(addresses())
        .table(wide)
        .build()
        .unwrap();
    let probes: Vec<String> = (0..2000)
        .map(|i| format!("c{i}"))
        .chain((0..500).map(|i| format!("users_{i}_collection")))
        .chain(["id", "user_id", "email", "name", "", "ID", "e.mail"].map(String::from))
        .collect();
    for table in schema.tables() {
        for probe in &probes {
            let scanned = table
                .columns()
                .iter()
                .position(|c| c.name() == probe.as_str());
            assert_eq!(
                table.column_id(probe).map(|c| c.index()),
                scanned,
                "{}.{probe}",
                table.name()
            );
        }
    }
}

fn col_names(table: &Table, ids: &[sqlrel::schema::ColumnId]) -> Vec<String> {
    ids.iter()
        .map(|id| {
            table
                .column(*id)
                .expect("column id of this table")
                .name()
                .to_owned()
        })
        .collect()
}

/// `(local columns, referred table, referred columns)` of every FK.
fn fks(schema: &Schema, table: &str) -> Vec<(Vec<String>, String, Vec<String>)> {
    let t = schema.table(table).unwrap();
    t.foreign_keys()
        .iter()
        .map(|fk| {
            let referred = schema.table_by_id(fk.referred_table()).unwrap();
            (
                col_names(t, fk.columns()),
                referred.qualified_name().to_string(),
                col_names(referred, fk.referred_columns()),
            )
        })
        .collect()
}

fn pk(schema: &Schema, table: &str) -> Vec<String> {
    let t = schema.table(table).unwrap();
    col_names(t, t.primary_key())
}

fn uniques(schema: &Schema, table: &str) -> Vec<(Option<String>, Vec<String>)> {
    let t = schema.table(table).unwrap();
    t.unique_constraints()
        .iter()
        .map(|u| (u.name().map(str::to_owned), col_names(t, u.columns())))
        .collect()
}

fn ddl(text: &str) -> Schema {
    Schema::from_ddl(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

#[track_caller]
fn ddl_err(text: &str) -> Error {
    match Schema::from_ddl(text) {
        Ok(s) => panic!("{text} built {} table(s)", s.tables().len()),
        Err(e) => e,
    }
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

// ---------------------------------------------------------------------------
// Builder
// ---------------------------------------------------------------------------

#[test]
fn builder_builds_tables_in_declaration_order() {
    let s = Schema::builder()
        .table(users())
        .table(addresses())
        .build()
        .unwrap();
    let names: Vec<&str> = s.tables().map(|t| t.name()).collect();
    assert_eq!(names, ["users", "addresses"]);
    assert_eq!(s.tables().len(), 2);
    for (i, t) in s.tables().enumerate() {
        assert_eq!(t.id().index(), i);
        assert_eq!(s.table_by_id(t.id()).unwrap().name(), t.name());
    }
    let a = s.table("addresses").unwrap();
    assert_eq!(a.namespace(), None);
    assert_eq!(a.qualified_name().to_string(), "addresses");
    assert_eq!(
        a.columns().iter().map(Column::name).collect::<Vec<_>>(),
        ["id", "user_id", "email"]
    );
    assert_eq!(a.column_id("email").map(|c| c.index()), Some(2));
    assert_eq!(a.column_id("nope"), None);
    assert_eq!(a.columns()[2].sql_type(), "TEXT");
    assert_eq!(
        fks(&s, "addresses"),
        [(strs(&["user_id"]), "users".into(), strs(&["id"]))]
    );
}

#[test]
fn add_table_by_reference() {
    let mut b = Schema::builder();
    for name in ["a", "b", "c"] {
        b.add_table(TableBuilder::new(name).column("id", "INTEGER"));
    }
    let s = b.build().unwrap();
    assert_eq!(
        s.tables().map(|t| t.name()).collect::<Vec<_>>(),
        ["a", "b", "c"]
    );
}

#[test]
fn empty_schema() {
    let s = Schema::builder().build().unwrap();
    assert_eq!(s.tables().len(), 0);
    assert_eq!(
        s.table("users").unwrap_err(),
        Error::UnknownTable {
            name: "users".into()
        }
    );
}

#[test]
fn table_by_id_of_another_larger_schema_is_none() {
    let small = Schema::builder().table(users()).build().unwrap();
    let big = Schema::builder()
        .table(users())
        .table(addresses())
        .build()
        .unwrap();
    let id = big.table("addresses").unwrap().id();
    assert!(small.table_by_id(id).is_none());
}

#[test]
fn namespaces_qualified_and_bare_lookup() {
    let s = Schema::builder()
        .table(users().namespace("public"))
        .table(users().namespace("archive"))
        .table(
            TableBuilder::new("accounts")
                .namespace("billing")
                .column("id", "INTEGER"),
        )
        .build()
        .unwrap();
    let public = s.table("public.users").unwrap();
    assert_eq!(public.namespace(), Some("public"));
    assert_eq!(public.name(), "users");
    assert_eq!(public.qualified_name().to_string(), "public.users");
    let archive = s.table("archive.users").unwrap();
    assert_ne!(public.id(), archive.id());
    // A bare name unique across namespaces resolves.
    assert_eq!(
        s.table("accounts").unwrap().qualified_name().to_string(),
        "billing.accounts"
    );
    // A bare name carried by two namespaces is ambiguous: unknown.
    assert_eq!(
        s.table("users").unwrap_err(),
        Error::UnknownTable {
            name: "users".into()
        }
    );
    assert_eq!(
        s.table("nope.users").unwrap_err().kind(),
        ErrorKind::UnknownTable
    );
}

#[test]
fn exact_qualified_name_wins_over_bare_match() {
    let s = Schema::builder()
        .table(users())
        .table(users().namespace("public"))
        .build()
        .unwrap();
    assert_eq!(s.table("users").unwrap().namespace(), None);
    assert_eq!(s.table("public.users").unwrap().namespace(), Some("public"));
}

#[test]
fn same_name_in_two_namespaces_is_not_a_duplicate() {
    let s = Schema::builder()
        .table(users().namespace("a"))
        .table(users().namespace("b"))
        .build();
    assert!(s.is_ok(), "{s:?}");
}

#[test]
fn duplicate_table_is_an_error() {
    let e = Schema::builder()
        .table(users())
        .table(users())
        .build()
        .unwrap_err();
    assert_eq!(
        e,
        Error::DuplicateTable {
            name: "users".into()
        }
    );
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    let e = Schema::builder()
        .table(users().namespace("public"))
        .table(users().namespace("public"))
        .build()
        .unwrap_err();
    assert_eq!(
        e,
        Error::DuplicateTable {
            name: "public.users".into()
        }
    );
}

#[test]
fn duplicate_column_is_an_error() {
    let e = Schema::builder()
        .table(
            TableBuilder::new("t")
                .column("a", "INT")
                .column("a", "TEXT"),
        )
        .build()
        .unwrap_err();
    assert_eq!(
        e,
        Error::DuplicateColumn {
            table: "t".into(),
            column: "a".into()
        }
    );
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
}

#[test]
fn foreign_key_to_unknown_table_or_column() {
    let e = Schema::builder().table(addresses()).build().unwrap_err();
    assert_eq!(
        e.root(),
        &Error::UnknownTable {
            name: "users".into()
        }
    );
    // The error names both the referencing and the missing table.
    assert_eq!(
        e.to_string(),
        "foreign key (user_id) of table 'addresses': unknown table 'users'"
    );
    let e = Schema::builder()
        .table(users())
        .table(
            TableBuilder::new("a")
                .column("uid", "INT")
                .foreign_key(["uid"], "users", ["nope"]),
        )
        .build()
        .unwrap_err();
    assert_eq!(
        e,
        Error::UnknownColumn {
            table: "users".into(),
            column: "nope".into()
        }
    );
    let e = Schema::builder()
        .table(users())
        .table(TableBuilder::new("a").column("uid", "INT").foreign_key(
            ["missing"],
            "users",
            ["id"],
        ))
        .build()
        .unwrap_err();
    assert_eq!(
        e,
        Error::UnknownColumn {
            table: "a".into(),
            column: "missing".into()
        }
    );
}

#[test]
fn foreign_key_to_an_ambiguous_bare_table_name_is_unknown() {
    let e = Schema::builder()
        .table(users().namespace("a"))
        .table(users().namespace("b"))
        .table(
            TableBuilder::new("x")
                .column("uid", "INT")
                .foreign_key(["uid"], "users", ["id"]),
        )
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnknownTable);
}

#[test]
fn foreign_key_by_bare_name_to_a_namespaced_table() {
    let s = Schema::builder()
        .table(users().namespace("public"))
        .table(
            TableBuilder::new("x")
                .column("uid", "INT")
                .foreign_key(["uid"], "users", ["id"]),
        )
        .build()
        .unwrap();
    assert_eq!(
        fks(&s, "x"),
        [(strs(&["uid"]), "public.users".into(), strs(&["id"]))]
    );
}

#[test]
fn foreign_key_column_count_mismatch() {
    let e = Schema::builder()
        .table(users())
        .table(
            TableBuilder::new("a")
                .column("uid", "INT")
                .column("n", "TEXT")
                .foreign_key(["uid", "n"], "users", ["id"]),
        )
        .build()
        .unwrap_err();
    assert!(
        matches!(&e, Error::InvalidConstraint { table, .. } if table == "a"),
        "{e:?}"
    );
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    // Defaulting to a composite primary key with one local column.
    let e = Schema::builder()
        .table(
            TableBuilder::new("p")
                .column("x", "INT")
                .column("y", "INT")
                .primary_key(["x", "y"]),
        )
        .table(TableBuilder::new("c").column("x", "INT").foreign_key(
            ["x"],
            "p",
            Vec::<String>::new(),
        ))
        .build()
        .unwrap_err();
    assert!(matches!(e, Error::InvalidConstraint { .. }), "{e:?}");
}

#[test]
fn foreign_key_without_columns_is_invalid() {
    let e = Schema::builder()
        .table(users())
        .table(TableBuilder::new("a").column("uid", "INT").foreign_key(
            Vec::<String>::new(),
            "users",
            ["id"],
        ))
        .build()
        .unwrap_err();
    assert!(matches!(e, Error::InvalidConstraint { .. }), "{e:?}");
}

#[test]
fn empty_referred_columns_default_to_the_primary_key() {
    let s = Schema::builder()
        .table(
            TableBuilder::new("products")
                .column("sku", "TEXT")
                .column("region", "TEXT")
                .primary_key(["sku", "region"]),
        )
        .table(
            TableBuilder::new("stock")
                .column("id", "INTEGER")
                .column("region", "TEXT")
                .column("sku", "TEXT")
                .foreign_key(["sku", "region"], "products", Vec::<String>::new()),
        )
        .build()
        .unwrap();
    assert_eq!(
        fks(&s, "stock"),
        [(
            strs(&["sku", "region"]),
            "products".into(),
            strs(&["sku", "region"])
        )]
    );
}

#[test]
fn empty_referred_columns_to_a_table_without_primary_key_is_invalid() {
    let e = Schema::builder()
        .table(TableBuilder::new("nopk").column("id", "INT"))
        .table(TableBuilder::new("c").column("x", "INT").foreign_key(
            ["x"],
            "nopk",
            Vec::<String>::new(),
        ))
        .build()
        .unwrap_err();
    assert!(matches!(e, Error::InvalidConstraint { .. }), "{e:?}");
}

#[test]
fn primary_key_columns_become_not_null() {
    let s = Schema::builder()
        .table(
            TableBuilder::new("t")
                .column("a", "INT")
                .column("b", "INT")
                .column_def(Column::new("c", "TEXT").not_null())
                .column("d", "TEXT")
                .primary_key(["b", "a"]),
        )
        .build()
        .unwrap();
    let t = s.table("t").unwrap();
    let nullable: Vec<bool> = t.columns().iter().map(Column::is_nullable).collect();
    assert_eq!(nullable, [false, false, false, true]);
    // Key order is kept, not column order.
    assert_eq!(pk(&s, "t"), ["b", "a"]);
}

#[test]
fn primary_key_on_unknown_column() {
    let e = Schema::builder()
        .table(TableBuilder::new("t").column("a", "INT").primary_key(["z"]))
        .build()
        .unwrap_err();
    assert_eq!(
        e,
        Error::UnknownColumn {
            table: "t".into(),
            column: "z".into()
        }
    );
}

#[test]
fn table_without_primary_key() {
    let s = Schema::builder()
        .table(TableBuilder::new("t").column("a", "INT"))
        .build()
        .unwrap();
    assert!(s.table("t").unwrap().primary_key().is_empty());
    assert!(s.table("t").unwrap().columns()[0].is_nullable());
}

#[test]
fn unique_constraints() {
    let s = Schema::builder()
        .table(
            TableBuilder::new("t")
                .column("a", "INT")
                .column("b", "INT")
                .unique(["a"])
                .named_unique("uq_ab", ["a", "b"]),
        )
        .build()
        .unwrap();
    assert_eq!(
        uniques(&s, "t"),
        [
            (None, strs(&["a"])),
            (Some("uq_ab".to_owned()), strs(&["a", "b"]))
        ]
    );
    let e = Schema::builder()
        .table(TableBuilder::new("t").column("a", "INT").unique(["z"]))
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnknownColumn);
    let e = Schema::builder()
        .table(
            TableBuilder::new("t")
                .column("a", "INT")
                .unique(Vec::<String>::new()),
        )
        .build()
        .unwrap_err();
    assert!(matches!(e, Error::InvalidConstraint { .. }), "{e:?}");
}

#[test]
fn foreign_key_to_a_unique_non_pk_column() {
    let s = Schema::builder()
        .table(
            TableBuilder::new("users")
                .column("id", "INTEGER")
                .column("email", "TEXT")
                .primary_key(["id"])
                .unique(["email"]),
        )
        .table(
            TableBuilder::new("logins")
                .column("id", "INTEGER")
                .column("user_email", "TEXT")
                .foreign_key_def(
                    ForeignKeyDef::new(["user_email"], "users", ["email"]).named("fk_email"),
                ),
        )
        .build()
        .unwrap();
    assert_eq!(
        fks(&s, "logins"),
        [(strs(&["user_email"]), "users".into(), strs(&["email"]))]
    );
    let fk = &s.table("logins").unwrap().foreign_keys()[0];
    assert_eq!(fk.name(), Some("fk_email"));
    let email = s.column("users.email").unwrap();
    assert!(s.column("logins.user_email").unwrap().references(&email));
}

#[test]
fn foreign_key_pairs_are_pairwise() {
    let s = Schema::builder()
        .table(
            TableBuilder::new("p")
                .column("x", "INT")
                .column("y", "INT")
                .primary_key(["x", "y"]),
        )
        .table(
            TableBuilder::new("c")
                .column("a", "INT")
                .column("b", "INT")
                .foreign_key(["b", "a"], "p", ["x", "y"]),
        )
        .build()
        .unwrap();
    let c = s.table("c").unwrap();
    let p = s.table("p").unwrap();
    let pairs: Vec<(String, String)> = c.foreign_keys()[0]
        .pairs()
        .map(|(l, r)| {
            (
                c.column(l).unwrap().name().to_owned(),
                p.column(r).unwrap().name().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            ("b".to_owned(), "x".to_owned()),
            ("a".to_owned(), "y".to_owned())
        ]
    );
    assert_eq!(c.foreign_keys()[0].referred_table(), p.id());
}

#[test]
fn self_referential_foreign_key() {
    let s = Schema::builder()
        .table(
            TableBuilder::new("nodes")
                .column("id", "INT")
                .column("parent_id", "INT")
                .primary_key(["id"])
                .foreign_key(["parent_id"], "nodes", ["id"]),
        )
        .build()
        .unwrap();
    assert_eq!(
        fks(&s, "nodes"),
        [(strs(&["parent_id"]), "nodes".into(), strs(&["id"]))]
    );
}

#[test]
fn primary_key_with_a_repeated_column_is_invalid() {
    let e = Schema::builder()
        .table(
            TableBuilder::new("t")
                .column("a", "INT")
                .primary_key(["a", "a"]),
        )
        .build();
    assert!(matches!(e, Err(Error::InvalidConstraint { .. })), "{e:?}");
    let e = Schema::from_ddl("CREATE TABLE t (a INT, PRIMARY KEY (a, a))");
    assert!(e.is_err(), "{e:?}");
}

// ---------------------------------------------------------------------------
// Schema::column / table_column / columns_of
// ---------------------------------------------------------------------------

#[test]
fn column_lookup() {
    let s = Schema::builder()
        .table(users())
        .table(addresses().namespace("public"))
        .build()
        .unwrap();
    let c = s.column("users.name").unwrap();
    assert_eq!(c.name(), "name");
    assert_eq!(c.table().name(), "users");
    assert_eq!(c.column().sql_type(), "TEXT");
    assert_eq!(c.column_id().index(), 1);
    assert_eq!(c.table_id(), s.table("users").unwrap().id());
    assert_eq!(c.table_arc().name(), "users");
    let q = s.column("public.addresses.email").unwrap();
    assert_eq!(q.to_string(), "public.addresses.email");
    assert_eq!(s.column("addresses.email").unwrap(), q);
}

#[test]
fn column_lookup_errors() {
    let s = Schema::builder().table(users()).build().unwrap();
    assert_eq!(
        s.column("users.nope").unwrap_err(),
        Error::UnknownColumn {
            table: "users".into(),
            column: "nope".into()
        }
    );
    assert_eq!(
        s.column("nope.id").unwrap_err(),
        Error::UnknownTable {
            name: "nope".into()
        }
    );
    let e = s.column("id").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert!(e.to_string().contains("table.column"), "{e}");
    assert_eq!(s.column("").unwrap_err().kind(), ErrorKind::InvalidArgument);
    assert_eq!(
        s.column("users.").unwrap_err().kind(),
        ErrorKind::UnknownColumn
    );
    assert_eq!(s.column(".id").unwrap_err().kind(), ErrorKind::UnknownTable);
}

#[test]
fn column_lookup_of_names_with_spaces_quotes_and_unicode() {
    let s = ddl(r#"CREATE TABLE "my table" ("my col" INT, "we""ird" INT, "名前" TEXT);"#);
    assert_eq!(s.column("my table.my col").unwrap().name(), "my col");
    assert_eq!(s.column(r#"my table.we"ird"#).unwrap().name(), r#"we"ird"#);
    assert_eq!(s.column("my table.名前").unwrap().name(), "名前");
}

#[test]
fn column_lookup_of_a_name_containing_a_dot() {
    let s = ddl(r#"CREATE TABLE dotted ("a.b" INT);"#);
    let t = s.table("dotted").unwrap();
    assert!(s.table_column(t, "a.b").is_ok());
    assert_eq!(
        s.column("dotted.a.b").map(|c| c.name().to_owned()),
        Ok("a.b".into())
    );
}

#[test]
fn table_column_and_columns_of() {
    let s = Schema::builder()
        .table(users())
        .table(addresses())
        .build()
        .unwrap();
    let t = s.table("addresses").unwrap();
    assert_eq!(
        s.table_column(t, "user_id").unwrap(),
        s.column("addresses.user_id").unwrap()
    );
    assert_eq!(
        s.table_column(t, "zz").unwrap_err(),
        Error::UnknownColumn {
            table: "addresses".into(),
            column: "zz".into()
        }
    );
    let all: Vec<String> = s.columns_of(t).map(|c| c.to_string()).collect();
    assert_eq!(
        all,
        ["addresses.id", "addresses.user_id", "addresses.email"]
    );
    assert!(t.column(t.primary_key()[0]).is_some());
}

// ---------------------------------------------------------------------------
// ColumnRef
// ---------------------------------------------------------------------------

#[test]
fn column_ref_equality_hash_and_ordering() {
    let s = Schema::builder()
        .table(users())
        .table(addresses())
        .build()
        .unwrap();
    let a = s.column("users.id").unwrap();
    let b = s.column("users.id").unwrap();
    assert_eq!(a, b);
    assert_eq!(a.clone(), a);
    let set: HashSet<ColumnRef> = [a.clone(), b, s.column("users.name").unwrap()].into();
    assert_eq!(set.len(), 2);
    // Ordered by table (declaration order), then column.
    let mut cols = [
        s.column("addresses.id").unwrap(),
        s.column("users.name").unwrap(),
        s.column("addresses.email").unwrap(),
        s.column("users.id").unwrap(),
    ];
    cols.sort();
    let names: Vec<String> = cols.iter().map(ToString::to_string).collect();
    assert_eq!(
        names,
        ["users.id", "users.name", "addresses.id", "addresses.email"]
    );
    assert!(s.column("users.name").unwrap() < s.column("addresses.id").unwrap());
}

#[test]
fn column_ref_display_and_debug() {
    let s = Schema::builder()
        .table(users().namespace("public"))
        .table(TableBuilder::new("my table").column("my col", "INT"))
        .build()
        .unwrap();
    let c = s.column("public.users.id").unwrap();
    assert_eq!(c.to_string(), "public.users.id");
    assert_eq!(format!("{c:?}"), "ColumnRef(public.users.id)");
    assert_eq!(
        s.column("my table.my col").unwrap().to_string(),
        "my table.my col"
    );
}

#[test]
fn column_ref_references_follows_foreign_keys_pairwise() {
    let s = ddl("CREATE TABLE p (x INT, y INT, PRIMARY KEY (x, y));
         CREATE TABLE c (id INT PRIMARY KEY, x INT, y INT, other INT,
           FOREIGN KEY (x, y) REFERENCES p (x, y));");
    let col = |n: &str| s.column(n).unwrap();
    assert!(col("c.x").references(&col("p.x")));
    assert!(col("c.y").references(&col("p.y")));
    assert!(!col("c.x").references(&col("p.y")), "pairs, not any column");
    assert!(!col("p.x").references(&col("c.x")), "not symmetric");
    assert!(!col("c.other").references(&col("p.x")));
    assert!(!col("c.id").references(&col("c.id")));
}

// ---------------------------------------------------------------------------
// from_ddl
// ---------------------------------------------------------------------------

#[test]
fn ddl_inline_references_with_and_without_column_list() {
    let s = ddl(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
         CREATE TABLE a (uid INTEGER REFERENCES users(id));
         CREATE TABLE b (uid INTEGER REFERENCES users);
         CREATE TABLE c (uid INTEGER CONSTRAINT fk_c_user REFERENCES users (id));",
    );
    for t in ["a", "b", "c"] {
        assert_eq!(
            fks(&s, t),
            [(strs(&["uid"]), "users".into(), strs(&["id"]))],
            "{t}"
        );
    }
    assert_eq!(s.table("a").unwrap().foreign_keys()[0].name(), None);
    assert_eq!(
        s.table("c").unwrap().foreign_keys()[0].name(),
        Some("fk_c_user")
    );
    let u = s.table("users").unwrap();
    assert!(
        !u.columns()[0].is_nullable(),
        "PRIMARY KEY implies NOT NULL"
    );
    assert!(!u.columns()[1].is_nullable());
    assert_eq!(u.columns()[1].sql_type(), "TEXT");
}

#[test]
fn ddl_references_a_table_declared_later() {
    let s = ddl("CREATE TABLE a (uid INTEGER REFERENCES users(id));
         CREATE TABLE users (id INTEGER PRIMARY KEY);");
    assert_eq!(
        fks(&s, "a"),
        [(strs(&["uid"]), "users".into(), strs(&["id"]))]
    );
}

#[test]
fn ddl_table_level_named_and_unnamed_foreign_keys() {
    let s = ddl("CREATE TABLE users (id INTEGER PRIMARY KEY);
         CREATE TABLE addresses (
             id INTEGER PRIMARY KEY,
             user_id INTEGER,
             owner_id INTEGER,
             CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id),
             FOREIGN KEY (owner_id) REFERENCES users (id) ON DELETE CASCADE
         );");
    let t = s.table("addresses").unwrap();
    let names: Vec<Option<&str>> = t.foreign_keys().iter().map(|f| f.name()).collect();
    assert_eq!(names, [Some("fk_user"), None]);
    assert_eq!(
        fks(&s, "addresses"),
        [
            (strs(&["user_id"]), "users".into(), strs(&["id"])),
            (strs(&["owner_id"]), "users".into(), strs(&["id"])),
        ]
    );
}

#[test]
fn ddl_composite_primary_and_foreign_keys() {
    let s = ddl(
        "CREATE TABLE products (sku TEXT, region TEXT, name TEXT, PRIMARY KEY (sku, region));
         CREATE TABLE stock (id INTEGER PRIMARY KEY, sku TEXT, region TEXT,
             FOREIGN KEY (sku, region) REFERENCES products (sku, region));
         CREATE TABLE stock2 (id INTEGER PRIMARY KEY, r TEXT, s TEXT,
             FOREIGN KEY (s, r) REFERENCES products);",
    );
    assert_eq!(pk(&s, "products"), ["sku", "region"]);
    let p = s.table("products").unwrap();
    assert!(!p.columns()[0].is_nullable() && !p.columns()[1].is_nullable());
    assert!(p.columns()[2].is_nullable());
    assert_eq!(
        fks(&s, "stock"),
        [(
            strs(&["sku", "region"]),
            "products".into(),
            strs(&["sku", "region"])
        )]
    );
    assert_eq!(
        fks(&s, "stock2"),
        [(
            strs(&["s", "r"]),
            "products".into(),
            strs(&["sku", "region"])
        )]
    );
}

#[test]
fn ddl_composite_key_count_mismatch() {
    let e = ddl_err(
        "CREATE TABLE p (x INT, y INT, PRIMARY KEY (x, y));
         CREATE TABLE c (x INT, FOREIGN KEY (x) REFERENCES p);",
    );
    assert!(matches!(e, Error::InvalidConstraint { .. }), "{e:?}");
    let e = ddl_err(
        "CREATE TABLE p (x INT, y INT, PRIMARY KEY (x, y));
         CREATE TABLE c (x INT, y INT, FOREIGN KEY (x, y) REFERENCES p (x));",
    );
    assert!(matches!(e, Error::InvalidConstraint { .. }), "{e:?}");
    let e = ddl_err("CREATE TABLE p (x INT); CREATE TABLE c (x INT REFERENCES p);");
    assert!(
        matches!(e, Error::InvalidConstraint { .. }),
        "no PK to default to: {e:?}"
    );
}

#[test]
fn ddl_unique_inline_and_table_level() {
    let s = ddl("CREATE TABLE t (a INT UNIQUE, b INT, c INT NOT NULL UNIQUE,
             UNIQUE (a, b), CONSTRAINT uq_bc UNIQUE (b, c));");
    assert_eq!(
        uniques(&s, "t"),
        [
            (None, strs(&["a"])),
            (None, strs(&["c"])),
            (None, strs(&["a", "b"])),
            (Some("uq_bc".to_owned()), strs(&["b", "c"])),
        ]
    );
    let t = s.table("t").unwrap();
    assert!(
        t.columns()[0].is_nullable(),
        "UNIQUE does not imply NOT NULL"
    );
    assert!(!t.columns()[2].is_nullable());
}

#[test]
fn ddl_fk_to_a_unique_column() {
    let s = ddl("CREATE TABLE users (id INT PRIMARY KEY, email TEXT UNIQUE);
         CREATE TABLE logins (id INT PRIMARY KEY, email TEXT REFERENCES users (email));");
    assert_eq!(
        fks(&s, "logins"),
        [(strs(&["email"]), "users".into(), strs(&["email"]))]
    );
}

#[test]
fn ddl_alter_table_add_constraint() {
    let s = ddl(
        "CREATE TABLE users (id INT);
         CREATE TABLE addresses (id INT, user_id INT);
         ALTER TABLE users ADD PRIMARY KEY (id);
         ALTER TABLE addresses ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id);
         ALTER TABLE addresses ADD FOREIGN KEY (id) REFERENCES users (id), ADD CONSTRAINT uq UNIQUE (user_id);",
    );
    assert_eq!(pk(&s, "users"), ["id"]);
    assert!(!s.table("users").unwrap().columns()[0].is_nullable());
    let t = s.table("addresses").unwrap();
    assert_eq!(
        t.foreign_keys()
            .iter()
            .map(|f| f.name())
            .collect::<Vec<_>>(),
        [Some("fk_user"), None]
    );
    assert_eq!(
        uniques(&s, "addresses"),
        [(Some("uq".to_owned()), strs(&["user_id"]))]
    );
}

#[test]
fn ddl_alter_table_errors() {
    let e = ddl_err("CREATE TABLE t (a INT); ALTER TABLE nope ADD UNIQUE (a);");
    assert_eq!(e.kind(), ErrorKind::UnknownTable);
    // ADD COLUMN describes the table: the column is added.
    let s = ddl("CREATE TABLE t (a INT); ALTER TABLE t ADD COLUMN b INT NOT NULL;");
    assert_eq!(s.table("t").unwrap().columns()[1].name(), "b");
    assert!(!s.table("t").unwrap().columns()[1].is_nullable());
    let e =
        ddl_err("CREATE TABLE t (a INT); ALTER TABLE t ADD FOREIGN KEY (a) REFERENCES nope (id);");
    assert_eq!(e.kind(), ErrorKind::UnknownTable);
}

#[test]
fn ddl_alter_table_with_ambiguous_bare_name() {
    let e = Schema::from_ddl(
        "CREATE TABLE public.users (id INT);
         CREATE TABLE archive.users (id INT);
         ALTER TABLE users ADD UNIQUE (id);",
    );
    assert_eq!(
        e.map(|_| ()).map_err(|e| e.kind()),
        Err(ErrorKind::UnknownTable)
    );
}

#[test]
fn ddl_schema_qualified_names() {
    let s = ddl(
        "CREATE TABLE public.users (id INT PRIMARY KEY);
         CREATE TABLE public.addresses (id INT PRIMARY KEY, user_id INT REFERENCES public.users (id));
         CREATE TABLE other.addresses (id INT PRIMARY KEY, user_id INT REFERENCES users (id));
         CREATE TABLE mydb.sales.orders (id INT PRIMARY KEY);
         ALTER TABLE public.addresses ADD UNIQUE (user_id);",
    );
    assert_eq!(s.table("public.users").unwrap().namespace(), Some("public"));
    assert_eq!(
        fks(&s, "public.addresses"),
        [(strs(&["user_id"]), "public.users".into(), strs(&["id"]))]
    );
    assert_eq!(
        fks(&s, "other.addresses"),
        [(strs(&["user_id"]), "public.users".into(), strs(&["id"]))]
    );
    // catalog.schema.table keeps the schema as namespace.
    assert_eq!(
        s.table("orders").unwrap().qualified_name().to_string(),
        "sales.orders"
    );
    assert_eq!(uniques(&s, "public.addresses").len(), 1);
    assert!(uniques(&s, "other.addresses").is_empty());
    assert_eq!(
        ddl_err("CREATE TABLE a.b.c.d (id INT)").kind(),
        ErrorKind::Parse
    );
}

#[test]
fn ddl_quoted_identifiers() {
    let s = ddl(
        r#"CREATE TABLE "order" ("select" INT PRIMARY KEY, "from" INT);
           CREATE TABLE "my table" ("my col" INT PRIMARY KEY, "order id" INT REFERENCES "order" ("select"));
           CREATE TABLE "we""ird" ("a""b" INT);
           CREATE TABLE "ユーザー" ("名前" TEXT, "注文" INT REFERENCES "order");
           CREATE TABLE "Users" (id INT);
           CREATE TABLE users (id INT);"#,
    );
    assert_eq!(s.table("order").unwrap().columns()[0].name(), "select");
    assert_eq!(s.table("my table").unwrap().columns()[1].name(), "order id");
    assert_eq!(
        fks(&s, "my table"),
        [(strs(&["order id"]), "order".into(), strs(&["select"]))]
    );
    assert_eq!(s.table(r#"we"ird"#).unwrap().columns()[0].name(), r#"a"b"#);
    assert_eq!(
        fks(&s, "ユーザー"),
        [(strs(&["注文"]), "order".into(), strs(&["select"]))]
    );
    // Quoted names keep their case and are distinct from lowercase ones.
    assert_ne!(
        s.table("Users").unwrap().id(),
        s.table("users").unwrap().id()
    );
}

#[test]
fn ddl_other_dialects() {
    let pg = Schema::from_ddl_with_dialect(
        "CREATE TABLE public.users (id integer NOT NULL, name text);
         CREATE TABLE public.addresses (id integer NOT NULL, user_id integer);
         ALTER TABLE ONLY public.users ADD CONSTRAINT users_pkey PRIMARY KEY (id);
         ALTER TABLE ONLY public.addresses ADD CONSTRAINT addresses_user_id_fkey
             FOREIGN KEY (user_id) REFERENCES public.users(id);",
        &PostgreSqlDialect {},
    )
    .unwrap();
    assert_eq!(pk(&pg, "public.users"), ["id"]);
    assert_eq!(
        fks(&pg, "public.addresses"),
        [(strs(&["user_id"]), "public.users".into(), strs(&["id"]))]
    );
    let lite = Schema::from_ddl_with_dialect(
        "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, p INTEGER REFERENCES t ON DELETE CASCADE)",
        &SQLiteDialect {},
    )
    .unwrap();
    assert_eq!(fks(&lite, "t"), [(strs(&["p"]), "t".into(), strs(&["id"]))]);
}

#[test]
fn ddl_skips_indexes_views_and_checks() {
    let s = ddl(
        "CREATE TABLE t (a INT PRIMARY KEY, b INT CHECK (b > 0) DEFAULT 1, CHECK (a > 0));
         CREATE INDEX ix_t_b ON t (b);
         CREATE UNIQUE INDEX ux_t_b ON t (b);
         CREATE VIEW v AS SELECT a FROM t;",
    );
    assert_eq!(s.tables().len(), 1);
    // A unique index makes its columns unique as a constraint does.
    assert_eq!(
        uniques(&s, "t"),
        [(Some("ux_t_b".to_owned()), strs(&["b"]))]
    );
}

#[test]
fn ddl_column_types_as_written() {
    let s = ddl("CREATE TABLE t (a VARCHAR(30), b NUMERIC(10, 2), c TEXT, d INTEGER)");
    let types: Vec<&str> = s
        .table("t")
        .unwrap()
        .columns()
        .iter()
        .map(Column::sql_type)
        .collect();
    assert_eq!(types, ["VARCHAR(30)", "NUMERIC(10,2)", "TEXT", "INTEGER"]);
}

#[test]
fn ddl_duplicate_table_and_column() {
    let e = ddl_err("CREATE TABLE a (id INT); CREATE TABLE a (id INT);");
    assert_eq!(e, Error::DuplicateTable { name: "a".into() });
    let e = ddl_err("CREATE TABLE a (id INT, id TEXT);");
    assert_eq!(
        e,
        Error::DuplicateColumn {
            table: "a".into(),
            column: "id".into()
        }
    );
}

#[test]
fn ddl_unknown_names_in_constraints() {
    assert_eq!(
        ddl_err("CREATE TABLE t (a INT REFERENCES missing (id))").kind(),
        ErrorKind::UnknownTable
    );
    assert_eq!(
        ddl_err("CREATE TABLE t (a INT, FOREIGN KEY (b) REFERENCES t (a))").kind(),
        ErrorKind::UnknownColumn
    );
    // A referred column the table lacks drops the key (with a warning)
    // rather than the schema.
    let s = ddl("CREATE TABLE t (a INT PRIMARY KEY, FOREIGN KEY (a) REFERENCES t (zz))");
    assert!(s.table("t").unwrap().foreign_keys().is_empty());
    assert_eq!(s.warnings().len(), 1);
    assert_eq!(
        ddl_err("CREATE TABLE t (a INT, PRIMARY KEY (zz))").kind(),
        ErrorKind::UnknownColumn
    );
    assert_eq!(
        ddl_err("CREATE TABLE t (a INT, UNIQUE (zz))").kind(),
        ErrorKind::UnknownColumn
    );
}

/// Statements that do not describe tables (data, queries, drops, session
/// settings as in a dump) are skipped.
#[test]
fn ddl_statements_that_do_not_describe_tables_are_skipped() {
    let s = ddl(
        "DROP TABLE IF EXISTS a; CREATE TABLE a (id INT PRIMARY KEY); INSERT INTO a VALUES (1); \
         SELECT 1; CREATE INDEX ix ON a (id); UPDATE a SET id = 2",
    );
    assert_eq!(s.tables().len(), 1);
    assert_eq!(s.table("a").unwrap().primary_key().len(), 1);
}

#[test]
fn ddl_garbage_is_rejected() {
    for text in [
        "garbage",
        "CREATE TABLE",
        "CREATE TABLE t (a INT",
        "CREATE TABLE t (a INT, PRIMARY KEY (lower(a)))",
        "CREATE TABLE t (a INT,, b INT)",
        "\u{0}",
    ] {
        let e = ddl_err(text);
        assert_eq!(e.kind(), ErrorKind::Parse, "{text:?}: {e}");
        assert!(!e.to_string().is_empty());
    }
}

/// SQLite lets a column go without a type, and so does the generic
/// dialect (what `sqlite3 .schema` output without markers is read in);
/// PostgreSQL and MySQL do not.
#[test]
fn ddl_untyped_columns() {
    let s = ddl("CREATE TABLE t (a)");
    assert_eq!(s.table("t").unwrap().columns()[0].sql_type(), "");
    for dialect in [
        sqlrel::query::Dialect::Postgres,
        sqlrel::query::Dialect::MySql,
    ] {
        let e = Schema::from_ddl_for("CREATE TABLE t (a)", dialect).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Parse, "{dialect}: {e}");
        assert!(e.to_string().contains("the type of column a"), "{e}");
    }
}

#[test]
fn ddl_empty_text_and_extra_semicolons() {
    assert_eq!(ddl("").tables().len(), 0);
    assert_eq!(ddl(";").tables().len(), 0);
    assert_eq!(
        ddl("CREATE TABLE a (x INT);;  ; CREATE TABLE b (y INT)")
            .tables()
            .len(),
        2
    );
}

#[test]
fn ddl_two_primary_keys_is_an_error() {
    for text in [
        "CREATE TABLE a (id INT PRIMARY KEY, b INT PRIMARY KEY)",
        "CREATE TABLE a (id INT PRIMARY KEY, b INT, PRIMARY KEY (b))",
    ] {
        // The statement that declares it is named around the error.
        let e = Schema::from_ddl(text).unwrap_err();
        assert!(
            matches!(e.root(), Error::InvalidConstraint { .. }),
            "{text}: {e:?}"
        );
        assert!(
            e.to_string()
                .starts_with("DDL statement 1 (CREATE TABLE a (id INT PRIMARY KEY, b INT"),
            "{e}"
        );
    }
}

#[test]
fn ddl_create_table_as_select_is_rejected() {
    let e = Schema::from_ddl("CREATE TABLE t AS SELECT 1 AS x");
    assert_eq!(e.map(|_| ()).map_err(|e| e.kind()), Err(ErrorKind::Parse));
}

#[test]
fn ddl_dotted_table_name_and_namespaced_table_coexist() {
    let s = Schema::from_ddl(r#"CREATE TABLE "a.b" (id INT); CREATE TABLE a.b (id INT);"#);
    assert!(s.is_ok(), "{s:?}");
}

#[test]
fn schema_and_tables_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Schema>();
    assert_send_sync::<Table>();
    assert_send_sync::<ColumnRef>();
}
