//! Hostile identifiers: tables and columns named with SQL keywords
//! (`user`, `order`, `group`, `where`, `select`), containing double quotes,
//! backticks, single quotes and spaces, in mixed case and non-ASCII
//! (`ユーザー`, `straße`). Relationships among them (one-to-many with a
//! backref, many-to-many through an oddly named secondary, self-referential)
//! are rendered for every dialect, parsed back with sqlparser and executed
//! on SQLite, PostgreSQL and MariaDB against tables created with DDL written
//! by hand for each engine.

use crate::common;

use common::exec::{Check, engine, ids, rows, run_checks, sql_listing};
use common::parse_back::{assert_parses_back, checks_rendered};
use sqlparser::dialect::{GenericDialect, MySqlDialect, PostgreSqlDialect};
use sqlrel::comparator::Row;
use sqlrel::expr::{Expr, FromItem, TableAlias, parse_condition};
use sqlrel::query::{Dialect, Order, Select};
use sqlrel::registry::Registry;
use sqlrel::relationship::{Backref, RelationshipConfig};
use sqlrel::schema::{Schema, TableBuilder};
use sqlrel::{Error, Result};

/// The many-to-many association table: a single quote, a double quote, a
/// backtick, spaces and mixed case.
const SECONDARY: &str = "Mem's \"Grp` List";

/// The text both the value criteria and the data use: a single quote, a
/// backslash and double quotes.
const OBRIEN: &str = r#"O'Brien \ "x""#;

/// Placeholder look-alikes inside a literal.
const PLACEHOLDERS: &str = "?1 $1 :1 %s";

fn builder_schema() -> Result<Schema> {
    Schema::builder()
        .table(
            TableBuilder::new("user")
                .column("id", "INTEGER")
                .column("Na\"me", "TEXT")
                .column("where", "TEXT")
                .primary_key(["id"]),
        )
        .table(
            TableBuilder::new("order")
                .column("id", "INTEGER")
                .column("user id", "INTEGER")
                .column("sel'ect", "TEXT")
                .column("Total", "INTEGER")
                .primary_key(["id"])
                .foreign_key(["user id"], "user", ["id"]),
        )
        .table(
            TableBuilder::new("group")
                .column("id", "INTEGER")
                .column("parent`id", "INTEGER")
                .column("straße", "TEXT")
                .primary_key(["id"])
                .foreign_key(["parent`id"], "group", ["id"]),
        )
        .table(
            TableBuilder::new("ユーザー")
                .column("id", "INTEGER")
                .column("名前", "TEXT")
                .column("select", "INTEGER")
                .primary_key(["id"]),
        )
        .table(
            TableBuilder::new(SECONDARY)
                .column("ユーザー id", "INTEGER")
                .column("Group\"Id", "INTEGER")
                .primary_key(["ユーザー id", "Group\"Id"])
                .foreign_key(["ユーザー id"], "ユーザー", ["id"])
                .foreign_key(["Group\"Id"], "group", ["id"]),
        )
        .build()
}

/// PostgreSQL and SQLite: `"..."` with `""` doubling. Standard strings,
/// so the backslash is an ordinary character.
const DDL_DOUBLE_QUOTED: &str = r#"
CREATE TABLE "user" ("id" INTEGER NOT NULL, "Na""me" TEXT, "where" TEXT, PRIMARY KEY ("id"));
CREATE TABLE "order" ("id" INTEGER NOT NULL, "user id" INTEGER, "sel'ect" TEXT, "Total" INTEGER,
    PRIMARY KEY ("id"), FOREIGN KEY ("user id") REFERENCES "user" ("id"));
CREATE TABLE "group" ("id" INTEGER NOT NULL, "parent`id" INTEGER, "straße" TEXT,
    PRIMARY KEY ("id"), FOREIGN KEY ("parent`id") REFERENCES "group" ("id"));
CREATE TABLE "ユーザー" ("id" INTEGER NOT NULL, "名前" TEXT, "select" INTEGER, PRIMARY KEY ("id"));
CREATE TABLE "Mem's ""Grp` List" ("ユーザー id" INTEGER NOT NULL, "Group""Id" INTEGER NOT NULL,
    PRIMARY KEY ("ユーザー id", "Group""Id"),
    FOREIGN KEY ("ユーザー id") REFERENCES "ユーザー" ("id"),
    FOREIGN KEY ("Group""Id") REFERENCES "group" ("id"));
"#;

const DATA_DOUBLE_QUOTED: &str = r#"
INSERT INTO "user" ("id", "Na""me", "where") VALUES
    (1, 'Ann', 'O''Brien \ "x"'), (2, 'Bob', 'plain'), (3, 'Zoë', NULL), (4, 'Dee', '?1 $1 :1 %s');
INSERT INTO "order" ("id", "user id", "sel'ect", "Total") VALUES
    (10, 1, 'O''Brien \ "x"', 50), (11, 1, 'x', 150), (12, 2, 'it''s', 200), (13, NULL, 'O''Brien \ "x"', 5);
INSERT INTO "group" ("id", "parent`id", "straße") VALUES
    (1, NULL, 'Straße'), (2, 1, 'Fuß'), (3, 1, 'Maß'), (4, 2, 'Gruß');
INSERT INTO "ユーザー" ("id", "名前", "select") VALUES (1, '山田', 10), (2, '田中', 20), (3, '佐藤', 30);
INSERT INTO "Mem's ""Grp` List" ("ユーザー id", "Group""Id") VALUES (1, 1), (1, 2), (2, 2), (2, 4);
"#;

/// MariaDB: backticks with `` `` `` doubling; the backslash in a string
/// literal is an escape, so it is doubled. No `;` inside any statement (the
/// engine splits on it).
const DDL_BACKTICKS: &str = r#"
CREATE TABLE `user` (`id` INTEGER NOT NULL, `Na"me` TEXT, `where` TEXT, PRIMARY KEY (`id`));
CREATE TABLE `order` (`id` INTEGER NOT NULL, `user id` INTEGER, `sel'ect` TEXT, `Total` INTEGER,
    PRIMARY KEY (`id`), FOREIGN KEY (`user id`) REFERENCES `user` (`id`));
CREATE TABLE `group` (`id` INTEGER NOT NULL, `parent``id` INTEGER, `straße` TEXT,
    PRIMARY KEY (`id`), FOREIGN KEY (`parent``id`) REFERENCES `group` (`id`));
CREATE TABLE `ユーザー` (`id` INTEGER NOT NULL, `名前` TEXT, `select` INTEGER, PRIMARY KEY (`id`));
CREATE TABLE `Mem's "Grp`` List` (`ユーザー id` INTEGER NOT NULL, `Group"Id` INTEGER NOT NULL,
    PRIMARY KEY (`ユーザー id`, `Group"Id`),
    FOREIGN KEY (`ユーザー id`) REFERENCES `ユーザー` (`id`),
    FOREIGN KEY (`Group"Id`) REFERENCES `group` (`id`));
"#;

const DATA_BACKTICKS: &str = r#"
INSERT INTO `user` (`id`, `Na"me`, `where`) VALUES
    (1, 'Ann', 'O''Brien \\ "x"'), (2, 'Bob', 'plain'), (3, 'Zoë', NULL), (4, 'Dee', '?1 $1 :1 %s');
INSERT INTO `order` (`id`, `user id`, `sel'ect`, `Total`) VALUES
    (10, 1, 'O''Brien \\ "x"', 50), (11, 1, 'x', 150), (12, 2, 'it''s', 200), (13, NULL, 'O''Brien \\ "x"', 5);
INSERT INTO `group` (`id`, `parent``id`, `straße`) VALUES
    (1, NULL, 'Straße'), (2, 1, 'Fuß'), (3, 1, 'Maß'), (4, 2, 'Gruß');
INSERT INTO `ユーザー` (`id`, `名前`, `select`) VALUES (1, '山田', 10), (2, '田中', 20), (3, '佐藤', 30);
INSERT INTO `Mem's "Grp`` List` (`ユーザー id`, `Group"Id`) VALUES (1, 1), (1, 2), (2, 2), (2, 4);
"#;

/// Relationships among the hostile tables. Condition texts quote keywords
/// and odd names with `"..."` (doubling `""`) or `` `...` `` (doubling
/// `` `` ``).
fn registry(schema: Schema) -> Result<Registry> {
    Registry::builder(schema)
        .relationship(
            RelationshipConfig::new("user", "orders", "order").backref("owner's \"user\""),
        )
        .relationship(
            RelationshipConfig::new("user", "big orders", "order")
                .primaryjoin(r#""user".id = foreign("order"."user id") AND "order"."Total" > 100"#)
                .viewonly(true),
        )
        .relationship(
            RelationshipConfig::new("group", "children", "group")
                .backref(Backref::new("parent").remote_side(["group.id"])),
        )
        .relationship(
            RelationshipConfig::new("ユーザー", "groups", "group")
                .secondary(SECONDARY)
                .backref("members"),
        )
        .relationship(
            RelationshipConfig::new("ユーザー", "groups explicit", "group")
                .secondary(SECONDARY)
                .primaryjoin(r#""ユーザー".id = "Mem's ""Grp` List"."ユーザー id""#)
                .secondaryjoin(r#"`group`.id = `Mem's "Grp`` List`.`Group"Id`"#)
                .viewonly(true),
        )
        .configure()
}

fn hostile() -> Registry {
    registry(builder_schema().expect("builder schema")).expect("configure")
}

/// Every predicate and join over the hostile schema, with the rows derived
/// by hand from the data above (ids in ascending order).
fn checks(reg: &Registry) -> Vec<Check> {
    let s = reg.schema();
    let t = |name: &str| s.table(name).expect("table").clone();
    let col = |table: &str, column: &str| -> Expr {
        Expr::col(s.table_column(&t(table), column).expect("column"))
    };
    let rel = |key: &str| reg.relationship(key).expect("relationship");
    // `SELECT <table>.id FROM <table> WHERE <predicate> ORDER BY id`.
    let ids_where = |table: &str, predicate: Result<Expr>| -> Result<Select> {
        Ok(Select::from(t(table))
            .column(col(table, "id"))
            .filter(predicate?)
            .order_by(col(table, "id"), Order::Asc))
    };
    let user_orders = rel("user.orders");
    let order_user = rel("order.owner's \"user\"");
    let children = rel("group.children");
    let parent = rel("group.parent");
    let groups = rel("ユーザー.groups");
    let members = rel("group.members");
    let u = TableAlias::named("u \"1\" `x`");
    let u_item = FromItem::aliased(t("user"), u.clone());
    vec![
        // Users 1 has an order whose sel'ect is O'Brien \ "x" (order 10);
        // order 13 has it too but no user.
        Check::new(
            "o2m_any_quotes_backslash",
            ids_where("user", user_orders.any(col("order", "sel'ect").eq(OBRIEN))),
            ids(&[1]),
        ),
        // Users 3 and 4 have no orders.
        Check::new(
            "o2m_not_any",
            ids_where("user", user_orders.any(None).map(Expr::not)),
            ids(&[3, 4]),
        ),
        // Orders of user 1 (the one whose "where" is O'Brien \ "x"): 10, 11.
        Check::new(
            "m2o_backref_has",
            ids_where("order", order_user.has(col("user", "where").eq(OBRIEN))),
            ids(&[10, 11]),
        ),
        Check::new(
            "m2o_eq",
            ids_where("order", order_user.eq(&Row::new().with("id", 2))),
            ids(&[12]),
        ),
        // user id != 1, or NULL: 12 (user 2), 13 (no user).
        Check::new(
            "m2o_ne",
            ids_where("order", order_user.ne(&Row::new().with("id", 1))),
            ids(&[12, 13]),
        ),
        Check::new(
            "m2o_is_none",
            ids_where("order", order_user.is_none()),
            ids(&[13]),
        ),
        // Order 12 belongs to user 2; the row is keyed by the column name
        // with a space.
        Check::new(
            "o2m_contains",
            ids_where(
                "user",
                user_orders.contains(&Row::new().with("id", 12).with("user id", 2)),
            ),
            ids(&[2]),
        ),
        // Total > 100: order 11 (user 1) and 12 (user 2).
        Check::new(
            "custom_pj_quoted_text_any",
            ids_where("user", rel("user.big orders").any(None)),
            ids(&[1, 2]),
        ),
        // Placeholder look-alikes in a literal: only user 4.
        Check::new(
            "placeholder_lookalikes_in_literal",
            ids_where("user", Ok(col("user", "where").eq(PLACEHOLDERS))),
            ids(&[4]),
        ),
        // Group 1 has child 2 (Fuß).
        Check::new(
            "selfref_children_any",
            ids_where("group", children.any(col("group", "straße").eq("Fuß"))),
            ids(&[1]),
        ),
        Check::new(
            "selfref_parent_has",
            ids_where("group", parent.has(col("group", "straße").eq("Straße"))),
            ids(&[2, 3]),
        ),
        Check::new(
            "selfref_parent_is_none",
            ids_where("group", parent.is_none()),
            ids(&[1]),
        ),
        // Groups 3 and 4 have no children.
        Check::new(
            "selfref_children_is_none",
            ids_where("group", children.is_none()),
            ids(&[3, 4]),
        ),
        // Group 4 (Gruß) has member ユーザー 2.
        Check::new(
            "m2m_any_unicode",
            ids_where("ユーザー", groups.any(col("group", "straße").eq("Gruß"))),
            ids(&[2]),
        ),
        Check::new(
            "m2m_contains",
            ids_where("ユーザー", groups.contains(&Row::new().with("id", 1))),
            ids(&[1]),
        ),
        // Group 2 has members 1 and 2; only 3 lacks it.
        Check::new(
            "m2m_not_contains",
            ids_where(
                "ユーザー",
                groups.contains(&Row::new().with("id", 2)).map(Expr::not),
            ),
            ids(&[3]),
        ),
        Check::new(
            "m2m_explicit_conditions_any",
            ids_where(
                "ユーザー",
                rel("ユーザー.groups explicit").any(col("group", "straße").eq("Gruß")),
            ),
            ids(&[2]),
        ),
        // 田中 (ユーザー 2) is in groups 2 and 4.
        Check::new(
            "m2m_backref_any",
            ids_where("group", members.any(col("ユーザー", "名前").eq("田中"))),
            ids(&[2, 4]),
        ),
        // ユーザー 2 and 3 have `select` >= 20; only 2 is in groups (2, 4).
        Check::new(
            "m2m_backref_any_keyword_column",
            ids_where("group", members.any(col("ユーザー", "select").gte(20))),
            ids(&[2, 4]),
        ),
        Check::new(
            "m2m_backref_is_none",
            ids_where("group", members.is_none()),
            ids(&[3]),
        ),
        // Order 12 (it's) belongs to user 2; user 1's "where" matches.
        Check::new(
            "or_of_any_and_quoted_literal",
            ids_where(
                "user",
                user_orders
                    .any(col("order", "sel'ect").eq("it's"))
                    .map(|any| any.or(col("user", "where").eq(OBRIEN))),
            ),
            ids(&[1, 2]),
        ),
        Check::new(
            "with_parent_m2m",
            ids_where("group", groups.with_parent(&Row::new().with("id", 2))),
            ids(&[2, 4]),
        ),
        Check::new(
            "with_parent_o2m",
            ids_where("order", user_orders.with_parent(&Row::new().with("id", 1))),
            ids(&[10, 11]),
        ),
        // Users through an alias whose name has quotes and backticks.
        Check::new(
            "of_alias_hostile_alias_name",
            u_item.col("id").and_then(|id| {
                Ok(Select::from(u_item.clone())
                    .column(id.clone())
                    .filter(
                        user_orders
                            .comparator()
                            .of_alias(u.clone())
                            .any(col("order", "Total").gt(100))?,
                    )
                    .order_by(id, Order::Asc))
            }),
            ids(&[1, 2]),
        ),
        Check::new(
            "join_o2m",
            Select::from(t("user"))
                .column(col("user", "id"))
                .column(col("order", "id"))
                .join(user_orders)
                .map(|q| q.order_by(col("order", "id"), Order::Asc)),
            rows(&[[1, 10], [1, 11], [2, 12]]),
        ),
        // 1 → 2 → 4 is the only grandchild chain.
        Check::new(
            "join_selfref_twice",
            (|| {
                let q = Select::from(t("group")).join(children)?.join(children)?;
                let items: Vec<FromItem> = q.items().cloned().collect();
                Ok(q.column(items[0].col("id")?)
                    .column(items[1].col("id")?)
                    .column(items[2].col("id")?))
            })(),
            rows(&[[1, 2, 4]]),
        ),
        Check::new(
            "outer_join_m2m_named_alias",
            (|| {
                let g = FromItem::aliased(t("group"), TableAlias::named("g's \"x\""));
                Ok(Select::from(t("ユーザー"))
                    .column(col("ユーザー", "id"))
                    .column(g.col("id")?)
                    .outer_join_as(groups, "g's \"x\"")?
                    .order_by(col("ユーザー", "id"), Order::Asc)
                    .order_by(g.col("id")?, Order::Asc))
            })(),
            vec![
                vec![Some(1), Some(1)],
                vec![Some(1), Some(2)],
                vec![Some(2), Some(2)],
                vec![Some(2), Some(4)],
                vec![Some(3), None],
            ],
        ),
    ]
}

#[test]
fn relationships_resolve_over_hostile_names() {
    let reg = hostile();
    let derived = reg.relationship("ユーザー.groups").unwrap();
    let explicit = reg.relationship("ユーザー.groups explicit").unwrap();
    assert_eq!(
        explicit.primaryjoin().to_string(),
        derived.primaryjoin().to_string()
    );
    assert_eq!(
        explicit.secondaryjoin().map(ToString::to_string),
        derived.secondaryjoin().map(ToString::to_string)
    );
    assert_eq!(
        reg.relationship("order.owner's \"user\"")
            .unwrap()
            .backref_of(),
        Some("user.orders")
    );
    // The displayed join conditions are condition text that parses back to
    // the same condition.
    for rel in reg.relationships() {
        let conditions = std::iter::once(rel.primaryjoin()).chain(rel.secondaryjoin());
        for condition in conditions {
            let text = condition.to_string();
            let parsed = parse_condition(&text, reg.schema())
                .unwrap_or_else(|e| panic!("{}: {text}: {e}", rel.key()));
            assert_eq!(parsed.to_string(), text, "{}", rel.key());
        }
    }
}

/// One line per table: name, columns, primary key, foreign keys.
fn describe(schema: &Schema) -> Vec<String> {
    schema
        .tables()
        .map(|t| {
            let name = |id: sqlrel::schema::ColumnId| t.columns()[id.index()].name().to_owned();
            let fks: Vec<String> = t
                .foreign_keys()
                .iter()
                .map(|fk| {
                    let referred = schema.table_by_id(fk.referred_table()).unwrap();
                    let rcols: Vec<&str> = fk
                        .referred_columns()
                        .iter()
                        .map(|c| referred.columns()[c.index()].name())
                        .collect();
                    let lcols: Vec<String> = fk.columns().iter().map(|c| name(*c)).collect();
                    format!("{lcols:?} -> {}{rcols:?}", referred.name())
                })
                .collect();
            let columns: Vec<&str> = t.columns().iter().map(|c| c.name()).collect();
            let pk: Vec<String> = t.primary_key().iter().map(|c| name(*c)).collect();
            format!("{} {columns:?} pk {pk:?} fks {fks:?}", t.name())
        })
        .collect()
}

#[test]
fn from_ddl_reads_quoted_names_like_the_builder() {
    let expected = describe(&builder_schema().unwrap());
    let generic = Schema::from_ddl(DDL_DOUBLE_QUOTED).expect("generic dialect, double quotes");
    assert_eq!(describe(&generic), expected);
    let pg = Schema::from_ddl_with_dialect(DDL_DOUBLE_QUOTED, &PostgreSqlDialect {})
        .expect("PostgreSQL dialect");
    assert_eq!(describe(&pg), expected);
    let my = Schema::from_ddl_with_dialect(DDL_BACKTICKS, &MySqlDialect {}).expect("MySQL dialect");
    assert_eq!(describe(&my), expected);
    let generic_bt = Schema::from_ddl_with_dialect(DDL_BACKTICKS, &GenericDialect {})
        .expect("generic, backticks");
    assert_eq!(describe(&generic_bt), expected);
}

/// A registry over a DDL-read schema renders exactly the same SQL as one
/// over the builder schema.
#[test]
fn ddl_schema_renders_the_same_sql() {
    let from_builder = sql_listing(&checks(&hostile()));
    for (what, schema) in [
        ("double quotes", Schema::from_ddl(DDL_DOUBLE_QUOTED)),
        (
            "backticks",
            Schema::from_ddl_with_dialect(DDL_BACKTICKS, &MySqlDialect {}),
        ),
    ] {
        let reg = registry(schema.expect(what)).expect(what);
        assert_eq!(sql_listing(&checks(&reg)), from_builder, "{what}");
    }
}

#[test]
fn hostile_sql_snapshot() {
    insta::assert_snapshot!("predicates_and_joins", sql_listing(&checks(&hostile())));
}

/// The bound form: placeholders only where values go, never inside quoted
/// identifiers or literals.
#[test]
fn hostile_bound_sql_snapshot() {
    use std::fmt::Write;
    let reg = hostile();
    let mut text = String::new();
    for check in checks(&reg).iter().filter(|c| {
        [
            "o2m_any_quotes_backslash",
            "placeholder_lookalikes_in_literal",
            "m2m_not_contains",
        ]
        .contains(&c.name.as_str())
    }) {
        writeln!(text, "## {}", check.name).unwrap();
        let select = check.select.as_ref().unwrap();
        for dialect in Dialect::ALL {
            let (sql, values) = select.build(dialect).unwrap();
            writeln!(text, "{dialect}: {sql}\n  values: {:?}", values.0).unwrap();
        }
        text.push('\n');
    }
    insta::assert_snapshot!("bound", text);
}

#[test]
fn exact_quoting_per_dialect() {
    let reg = hostile();
    let s = reg.schema();
    let order = s.table("order").unwrap();
    let q = Select::from(order.clone())
        .column(Expr::col(s.table_column(order, "sel'ect").unwrap()))
        .filter(
            reg.relationship("order.owner's \"user\"")
                .unwrap()
                .has(Expr::col(s.column("user.Na\"me").unwrap()).eq(OBRIEN))
                .unwrap(),
        );
    assert_eq!(
        q.to_string(Dialect::Postgres).unwrap(),
        r#"SELECT "order"."sel'ect" FROM "order" WHERE EXISTS(SELECT 1 FROM "user" WHERE "user"."id" = "order"."user id" AND "user"."Na""me" = E'O\'Brien \\ "x"')"#
    );
    assert_eq!(
        q.to_string(Dialect::MySql).unwrap(),
        r#"SELECT `order`.`sel'ect` FROM `order` WHERE EXISTS(SELECT 1 FROM `user` WHERE `user`.`id` = `order`.`user id` AND `user`.`Na"me` = _utf8mb4 X'4F27427269656E205C20227822')"#
    );
    assert_eq!(
        q.to_string(Dialect::Sqlite).unwrap(),
        r#"SELECT "order"."sel'ect" FROM "order" WHERE EXISTS(SELECT 1 FROM "user" WHERE "user"."id" = "order"."user id" AND "user"."Na""me" = 'O''Brien \ "x"')"#
    );
    let secondary = s.table(SECONDARY).unwrap();
    let q = Select::from(secondary.clone())
        .column(Expr::col(s.table_column(secondary, "Group\"Id").unwrap()));
    assert_eq!(
        q.to_string(Dialect::Postgres).unwrap(),
        r#"SELECT "Mem's ""Grp` List"."Group""Id" FROM "Mem's ""Grp` List""#
    );
    assert_eq!(
        q.to_string(Dialect::MySql).unwrap(),
        r#"SELECT `Mem's "Grp`` List`.`Group"Id` FROM `Mem's "Grp`` List`"#
    );
}

#[test]
fn emitted_sql_parses_back() {
    let checked = assert_parses_back(checks_rendered(&checks(&hostile())));
    assert!(checked >= 150, "only {checked} statements parsed");
}

fn load(db: &mut dyn common::engines::Engine) {
    match db.dialect() {
        Dialect::MySql => {
            db.execute(DDL_BACKTICKS);
            db.execute(DATA_BACKTICKS);
        }
        Dialect::Postgres | Dialect::Sqlite => {
            db.execute(DDL_DOUBLE_QUOTED);
            db.execute(DATA_DOUBLE_QUOTED);
        }
    }
}

fn rows_on(dialect: Dialect) {
    let reg = hostile();
    let checks = checks(&reg);
    let mut db = engine(dialect, "identifiers");
    load(db.as_mut());
    let executed = run_checks(db.as_mut(), &checks);
    assert_eq!(executed, 2 * checks.len());
}

common::engines::on_each_engine!(rows => rows_on);

// ---------------------------------------------------------------------------
// Identifiers at the servers' length limits: PostgreSQL truncates every
// name to 63 bytes, MariaDB rejects table names longer than 64 characters
// (aliases may have 256). A table name at the limit is legal; the
// anonymous aliases derived from it must still fit and stay distinct from
// the table (this used to render `<name>_1`, which PostgreSQL truncated
// back to `<name>`: "table name specified more than once" for the join,
// silently no rows for any()).

/// A table name exactly at the dialect's limit: 63 bytes for PostgreSQL
/// (21 three-byte characters), 64 characters for MariaDB (ASCII: MariaDB
/// also maps table names to file names), the PostgreSQL one for SQLite
/// (which has no limit).
fn long_name(dialect: Dialect) -> String {
    match dialect {
        Dialect::MySql => "x".repeat(64),
        Dialect::Postgres | Dialect::Sqlite => "長".repeat(21),
    }
}

fn long_registry(name: &str) -> Registry {
    let schema = Schema::builder()
        .table(
            TableBuilder::new(name)
                .column("id", "INTEGER")
                .column("pid", "INTEGER")
                .primary_key(["id"])
                .foreign_key(["pid"], name, ["id"]),
        )
        .build()
        .unwrap();
    Registry::builder(schema)
        .relationship(RelationshipConfig::new(name, "kids", name))
        .configure()
        .unwrap()
}

fn long_checks(reg: &Registry, name: &str) -> Vec<Check> {
    let table = reg.schema().table(name).unwrap().clone();
    let kids = reg.relationship(&format!("{name}.kids")).unwrap();
    let id = Expr::col(reg.schema().table_column(&table, "id").unwrap());
    vec![
        // 1 → 2 → 3: one grandchild chain.
        Check::new(
            "long_name_join_twice",
            Select::from(table.clone())
                .column(id.clone())
                .join(kids)
                .and_then(|q| q.join(kids)),
            ids(&[1]),
        ),
        // Rows with a child: 1, 2. Were the alias truncated to `<name>`, it
        // would shadow the outer table inside EXISTS and the subquery would
        // compare the alias with itself: no rows.
        Check::new(
            "long_name_any",
            kids.any(None).map(|p| {
                Select::from(table)
                    .column(id.clone())
                    .filter(p)
                    .order_by(id, Order::Asc)
            }),
            ids(&[1, 2]),
        ),
    ]
}

/// The long-named table's rows through its derived aliases. MariaDB limits
/// table names to 64 characters but aliases to 256, so `<64 characters>_1`
/// is fine there.
fn long_rows_on(dialect: Dialect) {
    let name = long_name(dialect);
    let reg = long_registry(&name);
    let mut db = engine(dialect, "long_identifiers");
    let ddl = match dialect {
        Dialect::MySql => format!(
            "CREATE TABLE `{name}` (id INTEGER NOT NULL PRIMARY KEY, pid INTEGER);
             INSERT INTO `{name}` (id, pid) VALUES (1, NULL), (2, 1), (3, 2)"
        ),
        _ => format!(
            "CREATE TABLE \"{name}\" (id INTEGER NOT NULL PRIMARY KEY, pid INTEGER);
             INSERT INTO \"{name}\" (id, pid) VALUES (1, NULL), (2, 1), (3, 2)"
        ),
    };
    db.execute(&ddl);
    run_checks(db.as_mut(), &long_checks(&reg, &name));
}

/// The derived aliases fit in 63 bytes and differ from the table name and
/// from each other.
#[test]
fn long_name_aliases_fit_postgres_identifiers() {
    let name = long_name(Dialect::Postgres);
    let reg = long_registry(&name);
    let sql = long_checks(&reg, &name)[0]
        .select
        .as_ref()
        .unwrap()
        .to_string(Dialect::Postgres)
        .unwrap();
    let aliases: Vec<&str> = sql
        .split(" AS \"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect();
    assert_eq!(aliases.len(), 2, "{sql}");
    for alias in &aliases {
        assert!(alias.len() <= 63, "{alias} is {} bytes", alias.len());
        assert_ne!(*alias, name.as_str());
    }
    assert_ne!(aliases[0], aliases[1]);
}

common::engines::on_each_engine!(long_name_aliases => long_rows_on);

// ---------------------------------------------------------------------------
// Names no dialect can quote (these used to be accepted and rendered as
// `""` / raw NUL).

/// Whether an identifier error (rather than SQL) comes back for `table` /
/// `column`, either when the schema is built or when a statement is
/// rendered.
fn rejected(table: &str, column: &str) -> bool {
    let schema = match Schema::builder()
        .table(TableBuilder::new(table).column(column, "INTEGER"))
        .build()
    {
        Err(_) => return true,
        Ok(schema) => schema,
    };
    let t = schema.table(table).unwrap().clone();
    let q = Select::from(t.clone()).column(Expr::col(schema.table_column(&t, column).unwrap()));
    Dialect::ALL.iter().all(|d| {
        matches!(
            q.to_string(*d),
            Err(Error::InvalidArgument { .. } | Error::Render { .. })
        )
    })
}

#[test]
fn empty_identifiers_are_typed_errors() {
    assert!(rejected("", "id"), "empty table name accepted");
    assert!(rejected("t", ""), "empty column name accepted");
}

#[test]
fn nul_in_identifiers_is_a_typed_error() {
    assert!(rejected("a\0b", "id"), "NUL in table name accepted");
    assert!(rejected("t", "c\0d"), "NUL in column name accepted");
}

/// sqlparser reads back every quoted identifier sqlrel emits, including
/// the alias of a self-referential table with quotes in its name.
#[test]
fn anonymous_alias_of_quoted_table_is_quoted() {
    let name = "Grp \"x\" `y`";
    let schema = Schema::builder()
        .table(
            TableBuilder::new(name)
                .column("id", "INTEGER")
                .column("pid", "INTEGER")
                .primary_key(["id"])
                .foreign_key(["pid"], name, ["id"]),
        )
        .build()
        .unwrap();
    let reg = Registry::builder(schema)
        .relationship(RelationshipConfig::new(name, "kids", name))
        .configure()
        .unwrap();
    let kids = reg.relationship(&format!("{name}.kids")).unwrap();
    let table = reg.schema().table(name).unwrap().clone();
    let q = Select::from(table)
        .filter(kids.any(None).unwrap())
        .join(kids)
        .unwrap();
    assert_eq!(
        q.to_string(Dialect::Postgres).unwrap(),
        r#"SELECT "Grp ""x"" `y`"."id", "Grp ""x"" `y`"."pid" FROM "Grp ""x"" `y`" INNER JOIN "Grp ""x"" `y`" AS "Grp ""x"" `y`_1" ON "Grp ""x"" `y`"."id" = "Grp ""x"" `y`_1"."pid" WHERE EXISTS(SELECT 1 FROM "Grp ""x"" `y`" AS "Grp ""x"" `y`_2" WHERE "Grp ""x"" `y`"."id" = "Grp ""x"" `y`_2"."pid")"#
    );
    assert_eq!(
        q.to_string(Dialect::MySql).unwrap(),
        r#"SELECT `Grp "x" ``y```.`id`, `Grp "x" ``y```.`pid` FROM `Grp "x" ``y``` INNER JOIN `Grp "x" ``y``` AS `Grp "x" ``y``_1` ON `Grp "x" ``y```.`id` = `Grp "x" ``y``_1`.`pid` WHERE EXISTS(SELECT 1 FROM `Grp "x" ``y``` AS `Grp "x" ``y``_2` WHERE `Grp "x" ``y```.`id` = `Grp "x" ``y``_2`.`pid`)"#
    );
    assert_parses_back(Dialect::ALL.map(|dialect| {
        let sql = q.to_string(dialect).unwrap();
        ("anonymous alias".to_owned(), dialect, sql)
    }));
}

// ---------------------------------------------------------------------------
// Dots inside names: `a.b` is a table name here, not namespace `a`, and
// `p.id` a column; `table.column` strings split at whichever dot names an
// existing table and column.

fn dotted_registry() -> Registry {
    let schema = Schema::from_ddl(
        r#"CREATE TABLE "a.b" ("id" INTEGER NOT NULL PRIMARY KEY, "p.id" INTEGER,
               FOREIGN KEY ("p.id") REFERENCES "a.b" ("id"));
           CREATE TABLE "x.y" ("i.d" INTEGER NOT NULL PRIMARY KEY, "a.b id" INTEGER,
               FOREIGN KEY ("a.b id") REFERENCES "a.b" ("id"))"#,
    )
    .expect("dotted DDL");
    Registry::builder(schema)
        .relationship(
            RelationshipConfig::new("a.b", "kids", "a.b")
                .backref(Backref::new("par.ent").remote_side(["a.b.id"])),
        )
        .relationship(RelationshipConfig::new("a.b", "x.ys", "x.y").backref("a.b"))
        .configure()
        .expect("configure")
}

fn dotted_checks(reg: &Registry) -> Vec<Check> {
    let s = reg.schema();
    let ab = s.table("a.b").unwrap().clone();
    let id = Expr::col(s.column("a.b.id").unwrap());
    let rel = |key: &str| reg.relationship(key).unwrap();
    vec![
        // 1 → 2 → 3; x.y rows point at 1 and 3.
        Check::new(
            "dotted_selfref_join_and_any",
            Select::from(ab.clone())
                .column(id.clone())
                .join(rel("a.b.kids"))
                .map(|q| q.filter(rel("a.b.x.ys").any(None).unwrap())),
            ids(&[1]),
        ),
        Check::new(
            "dotted_parent_has",
            Ok(Select::from(ab)
                .column(id.clone())
                .filter(rel("a.b.par.ent").has(None).unwrap())
                .order_by(id, Order::Asc)),
            ids(&[2, 3]),
        ),
        Check::new(
            "dotted_m2o_backref_eq",
            Ok(Select::from(s.table("x.y").unwrap().clone())
                .column(Expr::col(s.column("x.y.i.d").unwrap()))
                .filter(rel("x.y.a.b").eq(&Row::new().with("id", 3)).unwrap())),
            ids(&[20]),
        ),
    ]
}

#[test]
fn dotted_names_render_quoted() {
    let reg = dotted_registry();
    let checks = dotted_checks(&reg);
    assert_eq!(
        checks[0]
            .select
            .as_ref()
            .unwrap()
            .to_string(Dialect::Postgres)
            .unwrap(),
        r#"SELECT "a.b"."id" FROM "a.b" INNER JOIN "a.b" AS "a.b_1" ON "a.b"."id" = "a.b_1"."p.id" WHERE EXISTS(SELECT 1 FROM "x.y" WHERE "a.b"."id" = "x.y"."a.b id")"#
    );
    let checked = assert_parses_back(checks_rendered(&checks));
    assert_eq!(checked, 18);
}

fn dotted_rows_on(dialect: Dialect) {
    let reg = dotted_registry();
    let mut db = engine(dialect, "dotted_identifiers");
    let q = match dialect {
        Dialect::MySql => '`',
        _ => '"',
    };
    db.execute(&format!(
        "CREATE TABLE {q}a.b{q} ({q}id{q} INTEGER NOT NULL PRIMARY KEY, {q}p.id{q} INTEGER);
         CREATE TABLE {q}x.y{q} ({q}i.d{q} INTEGER NOT NULL PRIMARY KEY, {q}a.b id{q} INTEGER);
         INSERT INTO {q}a.b{q} ({q}id{q}, {q}p.id{q}) VALUES (1, NULL), (2, 1), (3, 2);
         INSERT INTO {q}x.y{q} ({q}i.d{q}, {q}a.b id{q}) VALUES (10, 1), (20, 3)"
    ));
    run_checks(db.as_mut(), &dotted_checks(&reg));
}

common::engines::on_each_engine!(dotted_names_rows => dotted_rows_on);
