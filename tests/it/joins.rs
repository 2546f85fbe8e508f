//! `Select::join` / `join_as` / `outer_join` / `outer_join_as` along
//! relationships: one-to-many, many-to-one, many-to-many through a secondary
//! table, self-referential in both directions (the target auto-aliased
//! `nodes_1`), self-referential many-to-many, the same relationship joined
//! twice (`_1`, `_2`), explicit aliases, columns of joined aliases, a
//! relationship predicate next to a join, ORDER BY / LIMIT / OFFSET,
//! deterministic output, and the errors. The SQL is snapshotted for all
//! three dialects and executed on SQLite, PostgreSQL and MariaDB.

use crate::common;

use common::engines::Engine;
use common::exec::{Check, Rows, engine, rows, run_checks, sql_listing};
use common::parse_back::{assert_parses_back, checks_rendered};
use sqlrel::expr::{Expr, FromItem, TableAlias};
use sqlrel::query::{Dialect, JoinKind, Order, Select};
use sqlrel::registry::Registry;
use sqlrel::relationship::{Backref, RelationshipConfig};
use sqlrel::schema::Schema;
use sqlrel::{Error, Result};

/// The stock fixture of SQLAlchemy's test suite (users, addresses, orders,
/// items) plus a self-referential tree and a self-referential
/// many-to-many. Plain names; every engine takes this DDL as is.
const DDL: &str = "
CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE addresses (id INTEGER NOT NULL PRIMARY KEY, user_id INTEGER, email TEXT NOT NULL,
    FOREIGN KEY (user_id) REFERENCES users (id));
CREATE TABLE orders (id INTEGER NOT NULL PRIMARY KEY, user_id INTEGER, address_id INTEGER,
    description TEXT, isopen INTEGER,
    FOREIGN KEY (user_id) REFERENCES users (id), FOREIGN KEY (address_id) REFERENCES addresses (id));
CREATE TABLE items (id INTEGER NOT NULL PRIMARY KEY, description TEXT NOT NULL);
CREATE TABLE order_items (order_id INTEGER NOT NULL, item_id INTEGER NOT NULL,
    PRIMARY KEY (order_id, item_id),
    FOREIGN KEY (order_id) REFERENCES orders (id), FOREIGN KEY (item_id) REFERENCES items (id));
CREATE TABLE nodes (id INTEGER NOT NULL PRIMARY KEY, parent_id INTEGER, data TEXT NOT NULL,
    FOREIGN KEY (parent_id) REFERENCES nodes (id));
CREATE TABLE node_links (left_id INTEGER NOT NULL, right_id INTEGER NOT NULL,
    PRIMARY KEY (left_id, right_id),
    FOREIGN KEY (left_id) REFERENCES nodes (id), FOREIGN KEY (right_id) REFERENCES nodes (id));
CREATE TABLE companies (company_id INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE employees (company_id INTEGER NOT NULL, emp_id INTEGER NOT NULL, name TEXT NOT NULL,
    reports_to_id INTEGER, PRIMARY KEY (company_id, emp_id),
    FOREIGN KEY (company_id) REFERENCES companies (company_id),
    FOREIGN KEY (company_id, reports_to_id) REFERENCES employees (company_id, emp_id));
";

/// The stock rows (test/orm/_fixtures.py), item 6 without orders, the
/// `SelfReferentialTest` tree (n1 → n11, n12, n13; n12 → n121, n122, n123)
/// and the `SelfReferentialM2MTest` links (1 → 2, 3, 4; 2 → 3, 6, 7;
/// 3 → 5, 4), and `CompositeSelfRefFKTest`-style employees whose manager
/// is in the same company (emp_id alone is not unique).
const DATA: &str = "
INSERT INTO users (id, name) VALUES (7, 'jack'), (8, 'ed'), (9, 'fred'), (10, 'chuck');
INSERT INTO addresses (id, user_id, email) VALUES (1, 7, 'jack@bean.com'), (2, 8, 'ed@wood.com'),
    (3, 8, 'ed@bettyboop.com'), (4, 8, 'ed@lala.com'), (5, 9, 'fred@fred.com');
INSERT INTO orders (id, user_id, address_id, description, isopen) VALUES (1, 7, 1, 'order 1', 0),
    (2, 9, 4, 'order 2', 0), (3, 7, 1, 'order 3', 1), (4, 9, 4, 'order 4', 1), (5, 7, NULL, 'order 5', 0);
INSERT INTO items (id, description) VALUES (1, 'item 1'), (2, 'item 2'), (3, 'item 3'),
    (4, 'item 4'), (5, 'item 5'), (6, 'item 6');
INSERT INTO order_items (order_id, item_id) VALUES (1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (2, 3),
    (3, 3), (3, 4), (3, 5), (4, 1), (4, 5), (5, 5);
INSERT INTO nodes (id, parent_id, data) VALUES (1, NULL, 'n1'), (2, 1, 'n11'), (3, 1, 'n12'),
    (4, 1, 'n13'), (5, 3, 'n121'), (6, 3, 'n122'), (7, 3, 'n123');
INSERT INTO node_links (left_id, right_id) VALUES (1, 2), (1, 3), (1, 4), (2, 3), (2, 6), (2, 7),
    (3, 5), (3, 4);
INSERT INTO companies (company_id, name) VALUES (1, 'c1'), (2, 'c2');
INSERT INTO employees (company_id, emp_id, name, reports_to_id) VALUES (1, 1, 'e1', NULL),
    (1, 2, 'e2', 1), (1, 3, 'e3', 1), (1, 4, 'e4', 3), (2, 1, 'f1', NULL), (2, 2, 'f2', 1);
";

fn registry() -> Registry {
    let schema = Schema::from_ddl(DDL).expect("DDL");
    Registry::builder(schema)
        .relationship(RelationshipConfig::new("users", "addresses", "addresses").backref("user"))
        .relationship(RelationshipConfig::new("users", "orders", "orders").backref("user"))
        .relationship(
            RelationshipConfig::new("users", "open_orders", "orders")
                .primaryjoin("users.id = orders.user_id AND orders.isopen = 1")
                .viewonly(true),
        )
        .relationship(RelationshipConfig::new("orders", "address", "addresses"))
        .relationship(
            RelationshipConfig::new("orders", "items", "items")
                .secondary("order_items")
                .backref("orders"),
        )
        .relationship(
            RelationshipConfig::new("nodes", "children", "nodes")
                .backref(Backref::new("parent").remote_side(["nodes.id"])),
        )
        .relationship(
            RelationshipConfig::new("nodes", "n12_children", "nodes")
                .primaryjoin(
                    "nodes.id = foreign(remote(nodes.parent_id)) AND remote(nodes.data) LIKE 'n12%'",
                )
                .viewonly(true),
        )
        .relationship(
            RelationshipConfig::new("nodes", "links", "nodes")
                .secondary("node_links")
                .primaryjoin("nodes.id = node_links.left_id")
                .secondaryjoin("nodes.id = node_links.right_id")
                .backref("linked_by"),
        )
        .relationship(
            RelationshipConfig::new("employees", "company", "companies").backref("employees"),
        )
        .relationship(
            RelationshipConfig::new("employees", "reports_to", "employees")
                .remote_side(["employees.emp_id", "employees.company_id"])
                .backref("reports"),
        )
        .configure()
        .expect("configure")
}

/// Shorthands over one registry.
struct Fx<'r> {
    reg: &'r Registry,
}

impl<'r> Fx<'r> {
    fn table(&self, name: &str) -> FromItem {
        FromItem::table(self.reg.schema().table(name).expect("table").clone())
    }

    fn col(&self, reference: &str) -> Expr {
        self.reg.schema().col(reference).expect("column")
    }

    fn rel(&self, key: &str) -> &'r sqlrel::relationship::Relationship {
        self.reg.relationship(key).expect("relationship")
    }

    fn aliased(&self, table: &str, alias: &str) -> FromItem {
        FromItem::aliased(
            self.reg.schema().table(table).expect("table").clone(),
            TableAlias::named(alias),
        )
    }
}

/// The `n`-th FROM or joined item (0 is the FROM table), to read columns of
/// an automatically aliased join target.
fn item(q: &Select, n: usize) -> FromItem {
    q.items().nth(n).expect("statement item").clone()
}

/// `SELECT items[i].id for i in cols ... ORDER BY the same columns`.
fn ids_of(q: Select, cols: &[usize]) -> Result<Select> {
    let mut q = q;
    let exprs: Vec<Expr> = cols
        .iter()
        .map(|n| item(&q, *n).col("id"))
        .collect::<Result<_>>()?;
    for e in &exprs {
        q = q.column(e.clone());
    }
    for e in exprs {
        q = q.order_by(e, Order::Asc);
    }
    Ok(q)
}

fn nullable(rows: &[&[Option<i64>]]) -> Rows {
    rows.iter().map(|r| r.to_vec()).collect()
}

fn checks(reg: &Registry) -> Vec<Check> {
    let f = Fx { reg };
    let mut out = Vec::new();
    let mut add = |name: &str, select: Result<Select>, expected: Rows| {
        out.push(Check::new(name, select, expected));
    };

    // users JOIN addresses: every address with its user.
    add(
        "o2m",
        Select::from(f.table("users"))
            .join(f.rel("users.addresses"))
            .and_then(|q| ids_of(q, &[1, 0])),
        rows(&[[1, 7], [2, 8], [3, 8], [4, 8], [5, 9]]),
    );
    // LEFT JOIN keeps chuck (10), who has no address.
    add(
        "o2m_outer",
        Select::from(f.table("users"))
            .outer_join(f.rel("users.addresses"))
            .and_then(|q| ids_of(q, &[0, 1])),
        nullable(&[
            &[Some(7), Some(1)],
            &[Some(8), Some(2)],
            &[Some(8), Some(3)],
            &[Some(8), Some(4)],
            &[Some(9), Some(5)],
            &[Some(10), None],
        ]),
    );
    // addresses JOIN users (the backref): each address's user.
    add(
        "m2o_backref",
        Select::from(f.table("addresses"))
            .join(f.rel("addresses.user"))
            .and_then(|q| ids_of(q, &[0, 1])),
        rows(&[[1, 7], [2, 8], [3, 8], [4, 8], [5, 9]]),
    );
    // Order 5 has no address; LEFT JOIN keeps it with NULL.
    add(
        "m2o_outer",
        Select::from(f.table("orders"))
            .outer_join(f.rel("orders.address"))
            .and_then(|q| ids_of(q, &[0, 1])),
        nullable(&[
            &[Some(1), Some(1)],
            &[Some(2), Some(4)],
            &[Some(3), Some(1)],
            &[Some(4), Some(4)],
            &[Some(5), None],
        ]),
    );
    // orders JOIN order_items JOIN items: the twelve order_items rows.
    add(
        "m2m",
        Select::from(f.table("orders"))
            .join(f.rel("orders.items"))
            .and_then(|q| ids_of(q, &[0, 2])),
        rows(&[
            [1, 1],
            [1, 2],
            [1, 3],
            [2, 1],
            [2, 2],
            [2, 3],
            [3, 3],
            [3, 4],
            [3, 5],
            [4, 1],
            [4, 5],
            [5, 5],
        ]),
    );
    // items 5 and 6 with their orders through the backref; item 6 has none.
    add(
        "m2m_backref_outer",
        Select::from(f.table("items"))
            .outer_join(f.rel("items.orders"))
            .map(|q| q.filter(f.col("items.id").gte(5)))
            .and_then(|q| ids_of(q, &[0, 2])),
        nullable(&[
            &[Some(5), Some(3)],
            &[Some(5), Some(4)],
            &[Some(5), Some(5)],
            &[Some(6), None],
        ]),
    );
    // nodes JOIN nodes AS nodes_1 (children): (parent, child) pairs.
    add(
        "selfref_children",
        Select::from(f.table("nodes"))
            .join(f.rel("nodes.children"))
            .and_then(|q| ids_of(q, &[0, 1])),
        rows(&[[1, 2], [1, 3], [1, 4], [3, 5], [3, 6], [3, 7]]),
    );
    // nodes JOIN nodes AS nodes_1 (parent): (child, parent) pairs.
    add(
        "selfref_parent",
        Select::from(f.table("nodes"))
            .join(f.rel("nodes.parent"))
            .and_then(|q| ids_of(q, &[0, 1])),
        rows(&[[2, 1], [3, 1], [4, 1], [5, 3], [6, 3], [7, 3]]),
    );
    // The root n1 has no parent.
    add(
        "selfref_parent_outer",
        Select::from(f.table("nodes"))
            .outer_join(f.rel("nodes.parent"))
            .and_then(|q| ids_of(q, &[0, 1])),
        nullable(&[
            &[Some(1), None],
            &[Some(2), Some(1)],
            &[Some(3), Some(1)],
            &[Some(4), Some(1)],
            &[Some(5), Some(3)],
            &[Some(6), Some(3)],
            &[Some(7), Some(3)],
        ]),
    );
    // Custom join condition with a criterion on the (aliased) child: the
    // children whose data starts with n12 are n12 (3, under 1) and n121,
    // n122, n123 (5, 6, 7, under 3).
    add(
        "selfref_custom_pj",
        Select::from(f.table("nodes"))
            .join(f.rel("nodes.n12_children"))
            .and_then(|q| ids_of(q, &[0, 1])),
        rows(&[[1, 3], [3, 5], [3, 6], [3, 7]]),
    );
    // nodes JOIN node_links JOIN nodes AS nodes_1: the eight links.
    add(
        "selfref_m2m",
        Select::from(f.table("nodes"))
            .join(f.rel("nodes.links"))
            .and_then(|q| ids_of(q, &[0, 2])),
        rows(&[
            [1, 2],
            [1, 3],
            [1, 4],
            [2, 3],
            [2, 6],
            [2, 7],
            [3, 4],
            [3, 5],
        ]),
    );
    // The backref walks the links right to left.
    add(
        "selfref_m2m_backref",
        Select::from(f.table("nodes"))
            .join(f.rel("nodes.linked_by"))
            .and_then(|q| ids_of(q, &[0, 2])),
        rows(&[
            [2, 1],
            [3, 1],
            [3, 2],
            [4, 1],
            [4, 3],
            [5, 3],
            [6, 2],
            [7, 2],
        ]),
    );
    // Links of links: the second join starts at nodes_1 and needs
    // node_links_1 and nodes_2. Paths of length two: 1→2→{3,6,7},
    // 1→3→{4,5}, 2→3→{4,5}.
    add(
        "selfref_m2m_twice",
        Select::from(f.table("nodes"))
            .join(f.rel("nodes.links"))
            .and_then(|q| q.join(f.rel("nodes.links")))
            .and_then(|q| ids_of(q, &[0, 2, 4])),
        rows(&[
            [1, 2, 3],
            [1, 2, 6],
            [1, 2, 7],
            [1, 3, 4],
            [1, 3, 5],
            [2, 3, 4],
            [2, 3, 5],
        ]),
    );
    // The same one-to-many twice from users (addresses, addresses_1):
    // distinct address pairs of one user, only ed (8) has several.
    add(
        "o2m_twice",
        Select::from(f.table("users"))
            .join(f.rel("users.addresses"))
            .and_then(|q| q.join(f.rel("users.addresses")))
            .and_then(|q| {
                let (a, b) = (item(&q, 1).col("id")?, item(&q, 2).col("id")?);
                ids_of(q.filter(a.lt(b)), &[0, 1, 2])
            }),
        rows(&[[8, 2, 3], [8, 2, 4], [8, 3, 4]]),
    );
    // The self-referential join twice chains: nodes → nodes_1 → nodes_2
    // (the second join starts at the last `nodes` item): n1 → n12 → n12x.
    add(
        "selfref_children_twice",
        Select::from(f.table("nodes"))
            .join(f.rel("nodes.children"))
            .and_then(|q| q.join(f.rel("nodes.children")))
            .and_then(|q| ids_of(q, &[0, 1, 2])),
        rows(&[[1, 3, 5], [1, 3, 6], [1, 3, 7]]),
    );
    // Explicit aliases, columns read through FromItem::aliased: children
    // with their children if any.
    add(
        "explicit_aliases",
        (|| {
            let (child, grandchild) = (
                f.aliased("nodes", "child"),
                f.aliased("nodes", "grandchild"),
            );
            let cols = [f.col("nodes.id"), child.col("id")?, grandchild.col("id")?];
            let mut q = Select::from(f.table("nodes"))
                .join_as(f.rel("nodes.children"), "child")?
                .outer_join_as(f.rel("nodes.children"), "grandchild")?;
            for c in cols {
                q = q.column(c.clone()).order_by(c, Order::Asc);
            }
            Ok(q)
        })(),
        nullable(&[
            &[Some(1), Some(2), None],
            &[Some(1), Some(3), Some(5)],
            &[Some(1), Some(3), Some(6)],
            &[Some(1), Some(3), Some(7)],
            &[Some(1), Some(4), None],
            &[Some(3), Some(5), None],
            &[Some(3), Some(6), None],
            &[Some(3), Some(7), None],
        ]),
    );
    // A named alias on a non-self-referential join, filtered through it.
    add(
        "explicit_alias_o2m_filtered",
        (|| {
            let a = f.aliased("addresses", "a");
            Ok(Select::from(f.table("users"))
                .join_as(f.rel("users.addresses"), "a")?
                .column(f.col("users.id"))
                .column(a.col("id")?)
                .filter(a.col("email")?.like("ed%"))
                .order_by(a.col("id")?, Order::Asc))
        })(),
        rows(&[[8, 2], [8, 3], [8, 4]]),
    );
    // Many-to-one then one-to-many from the joined users: open orders with
    // their user's addresses. Order 3 (user 7: address 1), order 4 (user 9:
    // address 5).
    add(
        "chain_m2o_o2m",
        Select::from(f.table("orders"))
            .join(f.rel("orders.user"))
            .and_then(|q| q.join(f.rel("users.addresses")))
            .map(|q| q.filter(f.col("orders.isopen").eq(1)))
            .and_then(|q| ids_of(q, &[0, 1, 2])),
        rows(&[[3, 7, 1], [4, 9, 5]]),
    );
    // Extra criterion in the join condition: it belongs in ON, so the LEFT
    // JOIN keeps users without open orders (8, 10) with NULL.
    add(
        "custom_pj_outer",
        Select::from(f.table("users"))
            .outer_join(f.rel("users.open_orders"))
            .and_then(|q| ids_of(q, &[0, 1])),
        nullable(&[
            &[Some(7), Some(3)],
            &[Some(8), None],
            &[Some(9), Some(4)],
            &[Some(10), None],
        ]),
    );
    // A relationship predicate next to a join: users with an address
    // containing "ed" (8, 9) joined to their open orders: only fred's 4.
    add(
        "filter_any_and_join",
        Select::from(f.table("users"))
            .join(f.rel("users.orders"))
            .map(|q| {
                q.filter(
                    f.rel("users.addresses")
                        .any(f.col("addresses.email").like("%ed%"))
                        .expect("any"),
                )
                .filter(f.col("orders.isopen").eq(1))
            })
            .and_then(|q| ids_of(q, &[0, 1])),
        rows(&[[9, 4]]),
    );
    // Self-referential predicate next to a self-referential join: the join
    // alias is nodes_1, the EXISTS alias nodes_2. Only n12 (3) has the
    // child n121; it is joined to its three children.
    add(
        "filter_selfref_any_and_join",
        Select::from(f.table("nodes"))
            .join(f.rel("nodes.children"))
            .map(|q| {
                q.filter(
                    f.rel("nodes.children")
                        .any(f.col("nodes.data").eq("n121"))
                        .expect("any"),
                )
            })
            .and_then(|q| ids_of(q, &[0, 1])),
        rows(&[[3, 5], [3, 6], [3, 7]]),
    );
    // A predicate read from the anonymous join alias (of_alias): children
    // (nodes_1) that have children themselves: n12 under n1.
    add(
        "filter_of_join_alias",
        Select::from(f.table("nodes"))
            .join(f.rel("nodes.children"))
            .and_then(|q| {
                let alias = item(&q, 1).alias.expect("join target is aliased");
                let p = f
                    .rel("nodes.children")
                    .comparator()
                    .of_alias(alias)
                    .any(None)?;
                ids_of(q.filter(p), &[0, 1])
            }),
        rows(&[[1, 3]]),
    );
    // ORDER BY DESC, LIMIT, OFFSET over a join: addresses 5, 4, 3, 2, 1 →
    // skip one, take two.
    add(
        "order_limit_offset",
        Select::from(f.table("users"))
            .join(f.rel("users.addresses"))
            .map(|q| {
                q.column(f.col("users.id"))
                    .column(f.col("addresses.id"))
                    .order_by(f.col("addresses.id"), Order::Desc)
                    .limit(2)
                    .offset(1)
            }),
        rows(&[[8, 4], [8, 3]]),
    );
    // From an aliased FROM item: the ON clause reads the alias.
    add(
        "m2m_from_alias",
        {
            let o = f.aliased("orders", "o");
            Select::from(o.clone())
                .join(f.rel("orders.items"))
                .map(|q| q.filter(o.col("id").expect("o.id").eq(3)))
                .and_then(|q| ids_of(q, &[0, 2]))
        },
        rows(&[[3, 3], [3, 4], [3, 5]]),
    );
    // orders → items → orders again: the secondary is already in the
    // statement, so the second pass reads order_items_1 and orders_1. Item
    // 5 of order 5 is in orders 3, 4 and 5.
    add(
        "m2m_round_trip",
        Select::from(f.table("orders"))
            .join(f.rel("orders.items"))
            .and_then(|q| q.join(f.rel("items.orders")))
            .map(|q| q.filter(f.col("orders.id").eq(5)))
            .and_then(|q| ids_of(q, &[0, 2, 4])),
        rows(&[[5, 5, 3], [5, 5, 4], [5, 5, 5]]),
    );
    // Composite self-referential many-to-one (CompositeSelfRefFKTest of
    // SQLAlchemy's test/orm/test_relationships.py): the manager must
    // be in the same company, so f2 (2, 2) reports to f1 (2, 1), not e1.
    add(
        "composite_selfref_m2o",
        (|| {
            let q = Select::from(f.table("employees")).join(f.rel("employees.reports_to"))?;
            let boss = item(&q, 1);
            let cols = [
                f.col("employees.company_id"),
                f.col("employees.emp_id"),
                boss.col("company_id")?,
                boss.col("emp_id")?,
            ];
            let mut q = q;
            for c in cols {
                q = q.column(c.clone()).order_by(c, Order::Asc);
            }
            Ok(q)
        })(),
        rows(&[[1, 2, 1, 1], [1, 3, 1, 1], [1, 4, 1, 3], [2, 2, 2, 1]]),
    );
    // The one-to-many backref, outer: every employee with their reports.
    add(
        "composite_selfref_o2m_outer",
        (|| {
            let r = f.aliased("employees", "r");
            let cols = [
                f.col("employees.company_id"),
                f.col("employees.emp_id"),
                r.col("company_id")?,
                r.col("emp_id")?,
            ];
            let mut q = Select::from(f.table("employees"))
                .outer_join_as(f.rel("employees.reports"), "r")?;
            for c in cols {
                q = q.column(c.clone()).order_by(c, Order::Asc);
            }
            Ok(q)
        })(),
        nullable(&[
            &[Some(1), Some(1), Some(1), Some(2)],
            &[Some(1), Some(1), Some(1), Some(3)],
            &[Some(1), Some(2), None, None],
            &[Some(1), Some(3), Some(1), Some(4)],
            &[Some(1), Some(4), None, None],
            &[Some(2), Some(1), Some(2), Some(2)],
            &[Some(2), Some(2), None, None],
        ]),
    );
    // Two sibling joins off the root with join_from: parents that have
    // both a child n121 and a child n123 (only n12, id 3).
    add(
        "join_from_siblings",
        (|| {
            let root = f.table("nodes");
            let children = f.rel("nodes.children");
            let q = Select::from(root.clone())
                .join_from(&root, children, JoinKind::Inner, Some("c1"))?
                .join_from(&root, children, JoinKind::Inner, Some("c2"))?;
            let (c1, c2) = (item(&q, 1), item(&q, 2));
            Ok(q.column(f.col("nodes.id"))
                .filter(c1.col("data")?.eq("n121"))
                .filter(c2.col("data")?.eq("n123")))
        })(),
        rows(&[[3]]),
    );
    // Employees joined to their company, then the company's employees
    // (employees_1): colleagues of e4 in company 1.
    add(
        "composite_m2o_then_o2m_back",
        Select::from(f.table("employees"))
            .join(f.rel("employees.company"))
            .and_then(|q| q.join(f.rel("companies.employees")))
            .and_then(|q| {
                let colleague = item(&q, 2).col("emp_id")?;
                Ok(q.column(colleague.clone())
                    .filter(f.col("employees.emp_id").eq(4))
                    .filter(f.col("employees.company_id").eq(1))
                    .order_by(colleague, Order::Asc))
            }),
        rows(&[[1], [2], [3], [4]]),
    );
    out
}

#[test]
fn joins_sql_snapshot() {
    insta::assert_snapshot!("joins", sql_listing(&checks(&registry())));
}

/// The bound form of a few joins (the LIMIT/OFFSET and the literal in the
/// custom join condition become parameters or stay literal per dialect).
#[test]
fn joins_bound_sql_snapshot() {
    use std::fmt::Write;
    let mut text = String::new();
    for check in checks(&registry()).iter().filter(|c| {
        ["custom_pj_outer", "order_limit_offset", "m2m_round_trip"].contains(&c.name.as_str())
    }) {
        writeln!(text, "## {}", check.name).unwrap();
        for dialect in Dialect::ALL {
            let (sql, values) = check.select.as_ref().unwrap().build(dialect).unwrap();
            writeln!(text, "{dialect}: {sql}\n  values: {:?}", values.0).unwrap();
        }
        text.push('\n');
    }
    insta::assert_snapshot!("joins_bound", text);
}

#[test]
fn join_structure() {
    let reg = registry();
    let f = Fx { reg: &reg };
    let q = Select::from(f.table("orders"))
        .join(f.rel("orders.items"))
        .unwrap()
        .outer_join(f.rel("orders.address"))
        .unwrap();
    let tables: Vec<(&str, bool)> = q
        .items()
        .map(|i| (i.table.name(), i.alias.is_some()))
        .collect();
    assert_eq!(
        tables,
        [
            ("orders", false),
            ("order_items", false),
            ("items", false),
            ("addresses", false)
        ]
    );
    let q = Select::from(f.table("nodes"))
        .join(f.rel("nodes.children"))
        .unwrap()
        .outer_join_as(f.rel("nodes.parent"), "p")
        .unwrap();
    let items: Vec<FromItem> = q.items().cloned().collect();
    assert!(matches!(items[1].alias, Some(TableAlias::Anonymous(_))));
    assert_eq!(items[2].alias, Some(TableAlias::named("p")));
    assert_eq!(
        q.to_string(Dialect::Postgres).unwrap(),
        r#"SELECT "nodes"."id", "nodes"."parent_id", "nodes"."data" FROM "nodes" INNER JOIN "nodes" AS "nodes_1" ON "nodes"."id" = "nodes_1"."parent_id" LEFT JOIN "nodes" AS "p" ON "p"."id" = "nodes_1"."parent_id""#
    );
    // The kinds are recorded per join; m2m gives two joins of the same kind.
    let q = Select::from(f.table("orders"))
        .outer_join(f.rel("orders.items"))
        .unwrap();
    let sql = q.to_string(Dialect::Sqlite).unwrap();
    assert_eq!(sql.matches("LEFT JOIN").count(), 2, "{sql}");
    assert!(!sql.contains("INNER JOIN"), "{sql}");
}

#[test]
fn joining_without_the_parent_table_is_an_error() {
    let reg = registry();
    let f = Fx { reg: &reg };
    for (from, key, parent) in [
        ("users", "orders.items", "orders"),
        ("items", "nodes.children", "nodes"),
        ("addresses", "users.addresses", "users"),
        ("order_items", "items.orders", "items"),
    ] {
        for attempt in [
            Select::from(f.table(from)).join(f.rel(key)),
            Select::from(f.table(from)).outer_join(f.rel(key)),
            Select::from(f.table(from)).join_as(f.rel(key), "x"),
            Select::from(f.table(from)).outer_join_as(f.rel(key), "x"),
        ] {
            let err = attempt.expect_err(key);
            assert!(matches!(err, Error::InvalidArgument { .. }), "{err:?}");
            assert_eq!(
                err.to_string(),
                format!(
                    "cannot join along {key}: its parent table '{parent}' is not in the statement"
                )
            );
        }
    }
    // The parent inside a filter's EXISTS does not count.
    let q = Select::from(f.table("users"))
        .filter(f.rel("users.orders").any(None).unwrap())
        .join(f.rel("orders.items"));
    assert!(q.is_err());
    // A joined table does count: users → orders → items.
    assert!(
        Select::from(f.table("users"))
            .join(f.rel("users.orders"))
            .and_then(|q| q.join(f.rel("orders.items")))
            .is_ok()
    ); // join_from needs a source of the statement whose table is the parent.
    let users = f.table("users");
    let q = Select::from(users.clone());
    let e = q
        .clone()
        .join_from(
            &f.table("orders"),
            f.rel("orders.items"),
            JoinKind::Inner,
            None,
        )
        .unwrap_err();
    assert!(matches!(e, Error::InvalidArgument { .. }), "{e:?}");
    let e = q
        .join_from(
            &f.aliased("users", "u"),
            f.rel("users.orders"),
            JoinKind::Inner,
            None,
        )
        .unwrap_err();
    assert!(matches!(e, Error::InvalidArgument { .. }), "{e:?}");
}

#[test]
fn rendering_is_deterministic() {
    let reg = registry();
    for check in checks(&reg) {
        let select = check.select.as_ref().unwrap();
        let copy = select.clone();
        for dialect in Dialect::ALL {
            let first = select.to_string(dialect).unwrap();
            assert_eq!(select.to_string(dialect).unwrap(), first, "{}", check.name);
            assert_eq!(copy.to_string(dialect).unwrap(), first, "{}", check.name);
            let bound = select.build(dialect).unwrap();
            let again = select.build(dialect).unwrap();
            assert_eq!(bound.0, again.0, "{}", check.name);
            assert_eq!(bound.1, again.1, "{}", check.name);
        }
    }
    // Building the checks again (fresh anonymous aliases) gives the same
    // bytes.
    assert_eq!(sql_listing(&checks(&reg)), sql_listing(&checks(&reg)));
}

/// Anonymous aliases are numbered by where they appear in the statement
/// (FROM/JOIN first, then the select list, WHERE, ORDER BY), not by when
/// they were created.
#[test]
fn alias_numbering_follows_appearance_not_creation() {
    let reg = registry();
    let f = Fx { reg: &reg };
    let children = f.rel("nodes.children");
    let data_is = |v: &str| children.any(f.col("nodes.data").eq(v)).unwrap();

    // The predicates' aliases are created before the join's.
    let early = data_is("n121");
    let early_parent = f.rel("nodes.parent").has(None).unwrap();
    let a = Select::from(f.table("nodes"))
        .filter(early)
        .filter(early_parent)
        .join(children)
        .unwrap();
    // The join's alias is created before the predicates'.
    let b = Select::from(f.table("nodes")).join(children).unwrap();
    let b = b
        .filter(data_is("n121"))
        .filter(f.rel("nodes.parent").has(None).unwrap());
    let expected = r#"SELECT "nodes"."id", "nodes"."parent_id", "nodes"."data" FROM "nodes" INNER JOIN "nodes" AS "nodes_1" ON "nodes"."id" = "nodes_1"."parent_id" WHERE EXISTS(SELECT 1 FROM "nodes" AS "nodes_2" WHERE "nodes"."id" = "nodes_2"."parent_id" AND "nodes_2"."data" = 'n121') AND EXISTS(SELECT 1 FROM "nodes" AS "nodes_3" WHERE "nodes_3"."id" = "nodes"."parent_id")"#;
    assert_eq!(a.to_string(Dialect::Postgres).unwrap(), expected);
    assert_eq!(b.to_string(Dialect::Postgres).unwrap(), expected);

    // Two joins whose aliases are created in one order and listed in the
    // other: columns selected from the second join first still leave the
    // numbering to the JOIN clauses.
    let q = Select::from(f.table("nodes"))
        .join(children)
        .unwrap()
        .join(f.rel("nodes.parent"))
        .unwrap();
    let (first, second) = (item(&q, 1), item(&q, 2));
    let q = q
        .column(second.col("id").unwrap())
        .column(first.col("id").unwrap());
    assert_eq!(
        q.to_string(Dialect::Sqlite).unwrap(),
        r#"SELECT "nodes_2"."id", "nodes_1"."id" FROM "nodes" INNER JOIN "nodes" AS "nodes_1" ON "nodes"."id" = "nodes_1"."parent_id" INNER JOIN "nodes" AS "nodes_2" ON "nodes_2"."id" = "nodes_1"."parent_id""#
    );

    // A user alias that looks like a generated one is skipped.
    let q = Select::from(f.table("nodes"))
        .join_as(children, "nodes_1")
        .unwrap()
        .join(children)
        .unwrap()
        .filter(data_is("x"));
    assert_eq!(
        q.to_string(Dialect::Sqlite).unwrap(),
        r#"SELECT "nodes"."id", "nodes"."parent_id", "nodes"."data" FROM "nodes" INNER JOIN "nodes" AS "nodes_1" ON "nodes"."id" = "nodes_1"."parent_id" INNER JOIN "nodes" AS "nodes_2" ON "nodes_1"."id" = "nodes_2"."parent_id" WHERE EXISTS(SELECT 1 FROM "nodes" AS "nodes_3" WHERE "nodes"."id" = "nodes_3"."parent_id" AND "nodes_3"."data" = 'x')"#
    );
}

#[test]
fn emitted_sql_parses_back() {
    let checked = assert_parses_back(checks_rendered(&checks(&registry())));
    assert!(checked >= 150, "only {checked} statements parsed");
}

fn rows_on(dialect: Dialect) {
    let reg = registry();
    let checks = checks(&reg);
    let mut db: Box<dyn Engine> = engine(dialect, "joins");
    db.execute(DDL);
    db.execute(DATA);
    assert_eq!(run_checks(db.as_mut(), &checks), 2 * checks.len());
}

common::engines::on_each_engine!(rows => rows_on);
