//! Lazy-load clauses (`Relationship::lazy_clause(false / true)`), checked
//! against the lazy clauses SQLAlchemy's own tests assert or imply:
//! `LazyClauseTest` of test/orm/test_rel_fn.py, and the lazy clauses of that
//! file's join fixtures (`_JoinFixtures._join_fixture_<name>`; the labels
//! F1, F2, ... number them here and in registry.rs, each followed by the
//! fixture's name); `CompositeSelfRefFKTest`, `CompositeJoinPartialFK` and
//! `DirectSelfRefFKTest` of test/orm/test_relationships.py; `ParentTest`
//! and `test_m2o_compare_instance` of test/orm/test_query.py (where the
//! parent's value is the left operand).
//!
//! SQLAlchemy prints anonymous binds as `:param_1`, sqlrel's `Display` prints
//! a bound column as `:colname`. The comparisons here are structural: the
//! [`shape`] helper renders a bind as `:<table>.<column>` (the column whose
//! value is bound), so each expectation states exactly which columns are
//! bound, where the bind sits (left or right operand) and which columns stay
//! as columns. A restated SQLAlchemy fact `:param_1 = rgt.lid` with
//! `param_1` bound to `lft.id` becomes `:lft.id = rgt.lid`.

use sqlrel::expr::{Annotations, BindKey, Expr};
use sqlrel::registry::Registry;
use sqlrel::relationship::{Direction, LazyClause, Relationship, RelationshipConfig};
use sqlrel::schema::Schema;

/// Renders an expression with binds shown as `:<table>.<column>`; literals
/// and columns as in `Display`.
fn shape(e: &Expr) -> String {
    fn go(e: &Expr, out: &mut String, top: bool) {
        match e {
            Expr::Column(c) => out.push_str(&c.column.to_string()),
            Expr::Bind(BindKey::Column(c)) => {
                out.push(':');
                out.push_str(&c.to_string());
            }
            Expr::Bind(BindKey::Named(n)) => {
                out.push(':');
                out.push_str(n);
            }
            Expr::Value(v) => out.push_str(&v.to_string()),
            Expr::Binary(b) => {
                if !top {
                    out.push('(');
                }
                go(&b.left, out, false);
                out.push(' ');
                out.push_str(b.op.as_sql());
                out.push(' ');
                go(&b.right, out, false);
                if !top {
                    out.push(')');
                }
            }
            Expr::And(items) | Expr::Or(items) => {
                let sep = if matches!(e, Expr::And(_)) {
                    " AND "
                } else {
                    " OR "
                };
                if !top {
                    out.push('(');
                }
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(sep);
                    }
                    go(item, out, true);
                }
                if !top {
                    out.push(')');
                }
            }
            Expr::Function(f) => {
                out.push_str(&f.name);
                out.push('(');
                for (i, a) in f.args.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    go(a, out, true);
                }
                out.push(')');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut out = String::new();
    go(e, &mut out, true);
    out
}

fn names(cols: &[sqlrel::schema::ColumnRef]) -> Vec<String> {
    cols.iter().map(ToString::to_string).collect()
}

fn configure(ddl: &str, configs: Vec<RelationshipConfig>) -> Registry {
    let schema = Schema::from_ddl(ddl).expect("schema");
    let mut builder = Registry::builder(schema);
    for c in configs {
        builder.add_relationship(c);
    }
    builder.configure().expect("configure")
}

/// Asserts the forward and reverse lazy clauses of `rel`, and the bound
/// columns of each, in order of first appearance.
#[track_caller]
fn assert_lazy(
    rel: &Relationship,
    forward: &str,
    forward_bound: &[&str],
    reverse: &str,
    reverse_bound: &[&str],
) {
    let fwd = rel.lazy_clause(false);
    let rev = rel.lazy_clause(true);
    assert_eq!(
        shape(&fwd.criterion),
        forward,
        "{}: forward lazy clause",
        rel.key()
    );
    assert_eq!(
        names(&fwd.bound_columns),
        forward_bound,
        "{}: forward bound",
        rel.key()
    );
    assert_eq!(
        shape(&rev.criterion),
        reverse,
        "{}: reverse lazy clause",
        rel.key()
    );
    assert_eq!(
        names(&rev.bound_columns),
        reverse_bound,
        "{}: reverse bound",
        rel.key()
    );
    assert_no_annotations(fwd);
    assert_no_annotations(rev);
}

/// Lazy clauses are plain SQL: no foreign/remote/local marks survive.
#[track_caller]
fn assert_no_annotations(lazy: &LazyClause) {
    for a in [
        Annotations::FOREIGN,
        Annotations::REMOTE,
        Annotations::LOCAL,
    ] {
        assert!(
            !lazy.criterion.has_annotation(a),
            "lazy clause {} keeps {a} annotations",
            lazy.criterion
        );
    }
}

const LFT_RGT: &str = "CREATE TABLE lft (id INTEGER PRIMARY KEY, x INTEGER, y INTEGER);
     CREATE TABLE rgt (id INTEGER PRIMARY KEY, lid INTEGER REFERENCES lft(id), x INTEGER, y INTEGER);";

const SELFREF: &str =
    "CREATE TABLE selfref (id INTEGER PRIMARY KEY, sid INTEGER REFERENCES selfref(id));";

const COMPOSITE_SELFREF: &str = "CREATE TABLE composite_selfref (id INTEGER, group_id INTEGER, \
     parent_id INTEGER, PRIMARY KEY (id, group_id), CONSTRAINT fk_parent FOREIGN KEY (parent_id, \
     group_id) REFERENCES composite_selfref(id, group_id));";

const M2M: &str = "CREATE TABLE m2mlft (id INTEGER PRIMARY KEY);
     CREATE TABLE m2mrgt (id INTEGER PRIMARY KEY);
     CREATE TABLE m2msecondary (lid INTEGER REFERENCES m2mlft(id), rid INTEGER REFERENCES m2mrgt(id), PRIMARY KEY (lid, rid));";

// ---------------------------------------------------------------------------
// LazyClauseTest / F1, F2: one-to-many and many-to-one
// ---------------------------------------------------------------------------

/// F1 o2m: lazy `:param_1 = rgt.lid` (param_1 = lft.id); reverse
/// `lft.id = :param_1` (param_1 = rgt.lid). The FK-derived join keeps
/// `referenced = referencing` order and the bind takes the local column's
/// place.
#[test]
fn o2m_lazy_clause_binds_parent_pk_on_the_left() {
    let r = configure(LFT_RGT, vec![RelationshipConfig::new("lft", "foo", "rgt")]);
    let rel = r.relationship("lft.foo").unwrap();
    assert_eq!(rel.direction(), Direction::OneToMany);
    assert_lazy(
        rel,
        ":lft.id = rgt.lid",
        &["lft.id"],
        "lft.id = :rgt.lid",
        &["rgt.lid"],
    );
}

/// sqlrel's own Display of the o2m lazy clause: the bind prints as
/// `:<column name>` where SQLAlchemy prints `:param_1`.
#[test]
fn o2m_lazy_clause_display_uses_column_named_binds() {
    let r = configure(LFT_RGT, vec![RelationshipConfig::new("lft", "foo", "rgt")]);
    let rel = r.relationship("lft.foo").unwrap();
    assert_eq!(
        rel.lazy_clause(false).criterion.to_string(),
        ":id = rgt.lid"
    );
    assert_eq!(rel.lazy_clause(true).criterion.to_string(), "lft.id = :lid");
}

/// F2 m2o: lazy `lft.id = :param_1` (param_1 = rgt.lid); reverse
/// `:param_1 = rgt.lid` (param_1 = lft.id).
#[test]
fn m2o_lazy_clause_binds_fk_column_on_the_right() {
    let r = configure(LFT_RGT, vec![RelationshipConfig::new("rgt", "foo", "lft")]);
    let rel = r.relationship("rgt.foo").unwrap();
    assert_eq!(rel.direction(), Direction::ManyToOne);
    assert_lazy(
        rel,
        "lft.id = :rgt.lid",
        &["rgt.lid"],
        ":lft.id = rgt.lid",
        &["lft.id"],
    );
}

/// An o2m and its generated m2o backref have mirrored lazy clauses: each
/// side's forward clause is the other side's reverse clause.
#[test]
fn backref_lazy_clauses_mirror_the_declaring_side() {
    let r = configure(
        LFT_RGT,
        vec![RelationshipConfig::new("lft", "foo", "rgt").backref("bar")],
    );
    let foo = r.relationship("lft.foo").unwrap();
    let bar = r.relationship("rgt.bar").unwrap();
    assert_eq!(bar.direction(), Direction::ManyToOne);
    assert_eq!(
        shape(&foo.lazy_clause(false).criterion),
        shape(&bar.lazy_clause(true).criterion)
    );
    assert_eq!(
        shape(&foo.lazy_clause(true).criterion),
        shape(&bar.lazy_clause(false).criterion)
    );
    assert_eq!(
        foo.lazy_clause(false).bound_columns,
        bar.lazy_clause(true).bound_columns
    );
}

/// test_query.py's `test_m2o_compare_instance`: `Address.user == obj` (the
/// m2o's reverse lazy clause) renders `:param_1 = addresses.user_id`, bound
/// to users.id.
#[test]
fn m2o_reverse_lazy_clause_is_the_scalar_equality_form() {
    let r = configure(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(30) NOT NULL);
         CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), email_address VARCHAR(50) NOT NULL);",
        vec![RelationshipConfig::new("users", "addresses", "addresses").backref("user")],
    );
    let user = r.relationship("addresses.user").unwrap();
    assert_lazy(
        user,
        "users.id = :addresses.user_id",
        &["addresses.user_id"],
        ":users.id = addresses.user_id",
        &["users.id"],
    );
}

/// test_query.py's ParentTest: `with_parent(u1, User.addresses)` is
/// `:param_1 = addresses.user_id`, `with_parent(u1, User.orders)` is
/// `:param_1 = orders.user_id`, the bind taking users.id.
#[test]
fn with_parent_clauses_of_the_stock_fixture() {
    let r = configure(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(30) NOT NULL);
         CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), email_address VARCHAR(50) NOT NULL);
         CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), address_id INTEGER REFERENCES addresses(id), description VARCHAR(30), isopen INTEGER);",
        vec![
            RelationshipConfig::new("users", "addresses", "addresses")
                .backref("user")
                .order_by(["addresses.id"]),
            RelationshipConfig::new("users", "orders", "orders")
                .backref("user")
                .order_by(["orders.id"]),
        ],
    );
    let addresses = r.relationship("users.addresses").unwrap();
    assert_eq!(
        shape(&addresses.lazy_clause(false).criterion),
        ":users.id = addresses.user_id"
    );
    let orders = r.relationship("users.orders").unwrap();
    assert_eq!(
        shape(&orders.lazy_clause(false).criterion),
        ":users.id = orders.user_id"
    );
    assert_eq!(
        names(&orders.lazy_clause(false).bound_columns),
        ["users.id"]
    );
}

/// F26 o2m_o_side_none (#2948): pj `lft.id = rgt.lid AND lft.x = 5`.
/// Lazy `:param_1 = rgt.lid AND :param_2 = :x_1`: the parent-only criterion
/// stays, with `lft.x` bound. Reverse `lft.id = :param_1 AND lft.x = :x_1`.
#[test]
fn o2m_parent_side_criterion_is_bound_in_forward_clause() {
    let r = configure(
        LFT_RGT,
        vec![
            RelationshipConfig::new("lft", "foo", "rgt")
                .primaryjoin("lft.id = rgt.lid AND lft.x = 5"),
        ],
    );
    let rel = r.relationship("lft.foo").unwrap();
    assert_lazy(
        rel,
        ":lft.id = rgt.lid AND :lft.x = 5",
        &["lft.id", "lft.x"],
        "lft.id = :rgt.lid AND lft.x = 5",
        &["rgt.lid"],
    );
}

// ---------------------------------------------------------------------------
// Self-referential, both directions (F3, F4)
// ---------------------------------------------------------------------------

/// F3 o2m_selfref: lazy `:param_1 = selfref.sid` (param_1 = selfref.id);
/// reverse `selfref.id = :param_1` (param_1 = selfref.sid).
#[test]
fn selfref_o2m_lazy_clause() {
    let r = configure(
        SELFREF,
        vec![RelationshipConfig::new("selfref", "foo", "selfref")],
    );
    let rel = r.relationship("selfref.foo").unwrap();
    assert_eq!(rel.direction(), Direction::OneToMany);
    assert_lazy(
        rel,
        ":selfref.id = selfref.sid",
        &["selfref.id"],
        "selfref.id = :selfref.sid",
        &["selfref.sid"],
    );
}

/// F4 m2o_selfref (remote_side id): lazy `selfref.id = :param_1`
/// (param_1 = selfref.sid); reverse `:param_1 = selfref.sid`.
#[test]
fn selfref_m2o_lazy_clause() {
    let r = configure(
        SELFREF,
        vec![RelationshipConfig::new("selfref", "foo", "selfref").remote_side(["selfref.id"])],
    );
    let rel = r.relationship("selfref.foo").unwrap();
    assert_eq!(rel.direction(), Direction::ManyToOne);
    assert_lazy(
        rel,
        "selfref.id = :selfref.sid",
        &["selfref.sid"],
        ":selfref.id = selfref.sid",
        &["selfref.id"],
    );
}

/// The adjacency-list backref pair (`children` with
/// `backref(parent, remote_side=id)`) gives the F3 / F4 clauses.
#[test]
fn selfref_backref_pair_lazy_clauses() {
    use sqlrel::relationship::Backref;
    let r = configure(
        "CREATE TABLE nodes (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES nodes(id), data VARCHAR(30));",
        vec![
            RelationshipConfig::new("nodes", "children", "nodes")
                .backref(Backref::new("parent").remote_side(["nodes.id"])),
        ],
    );
    assert_lazy(
        r.relationship("nodes.children").unwrap(),
        ":nodes.id = nodes.parent_id",
        &["nodes.id"],
        "nodes.id = :nodes.parent_id",
        &["nodes.parent_id"],
    );
    assert_lazy(
        r.relationship("nodes.parent").unwrap(),
        "nodes.id = :nodes.parent_id",
        &["nodes.parent_id"],
        ":nodes.id = nodes.parent_id",
        &["nodes.id"],
    );
}

/// F29 remote_local_multiple_ref: pj `(a = b) OR (b = a)` with b =
/// `foreign(remote(selfref.sid))`. Lazy [T]
/// `:param_1 = selfref.sid OR selfref.sid = :param_1` (one bind, reused);
/// reverse `selfref.sid = :param_1 OR :param_1 = selfref.sid`.
#[test]
fn selfref_same_column_bound_once_and_reused() {
    let r = configure(
        SELFREF,
        vec![
            RelationshipConfig::new("selfref", "foo", "selfref")
                .primaryjoin(
                    "(selfref.sid = foreign(remote(selfref.sid))) OR \
                     (foreign(remote(selfref.sid)) = selfref.sid)",
                )
                .viewonly(true),
        ],
    );
    let rel = r.relationship("selfref.foo").unwrap();
    assert_lazy(
        rel,
        ":selfref.sid = selfref.sid OR selfref.sid = :selfref.sid",
        &["selfref.sid"],
        "selfref.sid = :selfref.sid OR :selfref.sid = selfref.sid",
        &["selfref.sid"],
    );
}

// ---------------------------------------------------------------------------
// Composite keys (F5, F6, F8, F9, F25, CompositeSelfRefFKTest,
// CompositeJoinPartialFK)
// ---------------------------------------------------------------------------

/// F5 o2m_composite_selfref: lazy
/// `composite_selfref.group_id = :param_1 AND :param_2 = composite_selfref.parent_id`
/// (param_1 = group_id, param_2 = id); reverse
/// `:param_1 = composite_selfref.group_id AND composite_selfref.id = :param_2`
/// (param_1 = group_id, param_2 = parent_id). In `group_id = group_id` only
/// the left operand is remote.
#[test]
fn composite_selfref_o2m_lazy_clause() {
    let r = configure(
        COMPOSITE_SELFREF,
        vec![RelationshipConfig::new(
            "composite_selfref",
            "foo",
            "composite_selfref",
        )],
    );
    let rel = r.relationship("composite_selfref.foo").unwrap();
    assert_eq!(rel.direction(), Direction::OneToMany);
    assert_lazy(
        rel,
        "composite_selfref.group_id = :composite_selfref.group_id AND \
         :composite_selfref.id = composite_selfref.parent_id",
        &["composite_selfref.group_id", "composite_selfref.id"],
        ":composite_selfref.group_id = composite_selfref.group_id AND \
         composite_selfref.id = :composite_selfref.parent_id",
        &["composite_selfref.group_id", "composite_selfref.parent_id"],
    );
}

/// F6 m2o_composite_selfref (remote_side id, group_id): lazy
/// `composite_selfref.group_id = :param_1 AND composite_selfref.id = :param_2`
/// (param_1 = group_id, param_2 = parent_id); reverse
/// `:param_1 = composite_selfref.group_id AND :param_2 = composite_selfref.parent_id`.
#[test]
fn composite_selfref_m2o_lazy_clause() {
    let r = configure(
        COMPOSITE_SELFREF,
        vec![
            RelationshipConfig::new("composite_selfref", "foo", "composite_selfref")
                .remote_side(["composite_selfref.id", "composite_selfref.group_id"]),
        ],
    );
    let rel = r.relationship("composite_selfref.foo").unwrap();
    assert_eq!(rel.direction(), Direction::ManyToOne);
    assert_lazy(
        rel,
        "composite_selfref.group_id = :composite_selfref.group_id AND \
         composite_selfref.id = :composite_selfref.parent_id",
        &["composite_selfref.group_id", "composite_selfref.parent_id"],
        ":composite_selfref.group_id = composite_selfref.group_id AND \
         :composite_selfref.id = composite_selfref.parent_id",
        &["composite_selfref.group_id", "composite_selfref.id"],
    );
}

/// F8 o2m_composite_selfref_func_remote_side: pj
/// `group_id = foo(group_id) AND parent_id = id`, remote_side {parent_id}.
/// Lazy `:param_1 = foo(:param_1) AND composite_selfref.parent_id = :param_2`
/// (param_1 = group_id on both sides, param_2 = id); reverse
/// `composite_selfref.group_id = foo(composite_selfref.group_id) AND :param_1 = composite_selfref.id`.
#[test]
fn composite_selfref_function_with_remote_side_lazy_clause() {
    let r = configure(
        COMPOSITE_SELFREF,
        vec![
            RelationshipConfig::new("composite_selfref", "foo", "composite_selfref")
                .primaryjoin(
                    "composite_selfref.group_id = foo(composite_selfref.group_id) AND \
                     composite_selfref.parent_id = composite_selfref.id",
                )
                .remote_side(["composite_selfref.parent_id"]),
        ],
    );
    let rel = r.relationship("composite_selfref.foo").unwrap();
    assert_eq!(rel.direction(), Direction::OneToMany);
    assert!(
        rel.warnings().is_empty(),
        "F8 emits no warning: {:?}",
        rel.warnings()
    );
    assert_lazy(
        rel,
        ":composite_selfref.group_id = foo(:composite_selfref.group_id) AND \
         composite_selfref.parent_id = :composite_selfref.id",
        &["composite_selfref.group_id", "composite_selfref.id"],
        "composite_selfref.group_id = foo(composite_selfref.group_id) AND \
         :composite_selfref.parent_id = composite_selfref.id",
        &["composite_selfref.parent_id"],
    );
}

/// F9 o2m_composite_selfref_func_annotated: pj
/// `remote(group_id) = foo(group_id) AND remote(parent_id) = id`. Lazy
/// `composite_selfref.group_id = foo(:param_1) AND composite_selfref.parent_id = :param_2`;
/// reverse `:param_1 = foo(composite_selfref.group_id) AND :param_2 = composite_selfref.id`.
#[test]
fn composite_selfref_function_annotated_lazy_clause() {
    let r = configure(
        COMPOSITE_SELFREF,
        vec![
            RelationshipConfig::new("composite_selfref", "foo", "composite_selfref").primaryjoin(
                "remote(composite_selfref.group_id) = foo(composite_selfref.group_id) AND \
                 remote(composite_selfref.parent_id) = composite_selfref.id",
            ),
        ],
    );
    let rel = r.relationship("composite_selfref.foo").unwrap();
    assert_eq!(rel.direction(), Direction::OneToMany);
    assert_lazy(
        rel,
        "composite_selfref.group_id = foo(:composite_selfref.group_id) AND \
         composite_selfref.parent_id = :composite_selfref.id",
        &["composite_selfref.group_id", "composite_selfref.id"],
        ":composite_selfref.group_id = foo(composite_selfref.group_id) AND \
         :composite_selfref.parent_id = composite_selfref.id",
        &["composite_selfref.group_id", "composite_selfref.parent_id"],
    );
}

/// F25 overlapping_composite_fks (foreign_keys uid2, oid): lazy
/// `:param_1 = composite_multi_ref.uid2 AND :param_2 = composite_multi_ref.oid`;
/// reverse `composite_target.uid = :param_1 AND composite_target.oid = :param_2`.
#[test]
fn composite_fk_chosen_by_foreign_keys_lazy_clause() {
    let r = configure(
        "CREATE TABLE composite_target (uid INTEGER, oid INTEGER, PRIMARY KEY (uid, oid));
         CREATE TABLE composite_multi_ref (uid1 INTEGER, uid2 INTEGER, oid INTEGER,
           FOREIGN KEY (uid1, oid) REFERENCES composite_target(uid, oid),
           FOREIGN KEY (uid2, oid) REFERENCES composite_target(uid, oid));",
        vec![
            RelationshipConfig::new("composite_target", "foo", "composite_multi_ref")
                .foreign_keys(["composite_multi_ref.uid2", "composite_multi_ref.oid"]),
        ],
    );
    let rel = r.relationship("composite_target.foo").unwrap();
    assert_lazy(
        rel,
        ":composite_target.uid = composite_multi_ref.uid2 AND \
         :composite_target.oid = composite_multi_ref.oid",
        &["composite_target.uid", "composite_target.oid"],
        "composite_target.uid = :composite_multi_ref.uid2 AND \
         composite_target.oid = :composite_multi_ref.oid",
        &["composite_multi_ref.uid2", "composite_multi_ref.oid"],
    );
}

/// A plain two-column FK, one-to-many and its many-to-one backref.
#[test]
fn composite_fk_o2m_and_m2o_lazy_clauses() {
    let r = configure(
        "CREATE TABLE products (sku TEXT, region TEXT, PRIMARY KEY (sku, region));
         CREATE TABLE stock (id INTEGER PRIMARY KEY, sku TEXT, region TEXT,
           FOREIGN KEY (sku, region) REFERENCES products (sku, region));",
        vec![RelationshipConfig::new("products", "stock_items", "stock").backref("product")],
    );
    assert_lazy(
        r.relationship("products.stock_items").unwrap(),
        ":products.sku = stock.sku AND :products.region = stock.region",
        &["products.sku", "products.region"],
        "products.sku = :stock.sku AND products.region = :stock.region",
        &["stock.sku", "stock.region"],
    );
    assert_lazy(
        r.relationship("stock.product").unwrap(),
        "products.sku = :stock.sku AND products.region = :stock.region",
        &["stock.sku", "stock.region"],
        ":products.sku = stock.sku AND :products.region = stock.region",
        &["products.sku", "products.region"],
    );
}

/// test_relationships.py's CompositeSelfRefFKTest, annotated configuration:
/// `Employee.employees` (the backref of `reports_to`) has lazy
/// `:param_1 = employee_t.reports_to_id AND :param_2 = employee_t.company_id`
/// and reverse `employee_t.emp_id = :param_1 AND employee_t.company_id = :param_2`.
#[test]
fn composite_selfref_employees_lazy_clause() {
    let r = configure(
        "CREATE TABLE company_t (company_id INTEGER PRIMARY KEY, name VARCHAR(30));
         CREATE TABLE employee_t (company_id INTEGER REFERENCES company_t(company_id), emp_id INTEGER,
           name VARCHAR(30), reports_to_id INTEGER, PRIMARY KEY (company_id, emp_id),
           CONSTRAINT fk_reports_to FOREIGN KEY (company_id, reports_to_id) REFERENCES employee_t(company_id, emp_id));",
        vec![
            RelationshipConfig::new("employee_t", "company", "company_t").backref("employees"),
            RelationshipConfig::new("employee_t", "reports_to", "employee_t")
                .primaryjoin(
                    "remote(employee_t.emp_id) = employee_t.reports_to_id AND \
                     remote(employee_t.company_id) = employee_t.company_id",
                )
                .backref("employees"),
        ],
    );
    let employees = r.relationship("employee_t.employees").unwrap();
    assert_eq!(employees.direction(), Direction::OneToMany);
    assert_lazy(
        employees,
        ":employee_t.emp_id = employee_t.reports_to_id AND \
         :employee_t.company_id = employee_t.company_id",
        &["employee_t.emp_id", "employee_t.company_id"],
        "employee_t.emp_id = :employee_t.reports_to_id AND \
         employee_t.company_id = :employee_t.company_id",
        &["employee_t.reports_to_id", "employee_t.company_id"],
    );
    let reports_to = r.relationship("employee_t.reports_to").unwrap();
    assert_eq!(reports_to.direction(), Direction::ManyToOne);
    assert_eq!(
        shape(&reports_to.lazy_clause(false).criterion),
        shape(&employees.lazy_clause(true).criterion)
    );
}

/// test_relationships.py's CompositeJoinPartialFK: no FK on z, still bound:
/// `:param_1 = child.x AND :param_2 = child.y AND :param_3 = child.z`.
#[test]
fn composite_partial_fk_binds_every_local_column() {
    let r = configure(
        "CREATE TABLE parent (x INTEGER, y INTEGER, z INTEGER, PRIMARY KEY (x, y));
         CREATE TABLE child (id INTEGER PRIMARY KEY, x INTEGER, y INTEGER, z INTEGER,
           FOREIGN KEY (x, y) REFERENCES parent(x, y));",
        vec![
            RelationshipConfig::new("parent", "children", "child")
                .primaryjoin("parent.x = child.x AND parent.y = child.y AND parent.z = child.z"),
        ],
    );
    let rel = r.relationship("parent.children").unwrap();
    assert_lazy(
        rel,
        ":parent.x = child.x AND :parent.y = child.y AND :parent.z = child.z",
        &["parent.x", "parent.y", "parent.z"],
        "parent.x = :child.x AND parent.y = :child.y AND parent.z = :child.z",
        &["child.x", "child.y", "child.z"],
    );
}

// ---------------------------------------------------------------------------
// Many-to-many (F10, F12)
// ---------------------------------------------------------------------------

/// F10 m2m: lazy `:param_1 = m2msecondary.lid AND m2mrgt.id = m2msecondary.rid`
/// (param_1 = m2mlft.id); reverse
/// `m2mlft.id = m2msecondary.lid AND :param_1 = m2msecondary.rid`
/// (param_1 = m2mrgt.id). The m2m lazy clause is `pj AND sj`.
#[test]
fn m2m_lazy_clause_is_pj_and_sj_with_one_side_bound() {
    let r = configure(
        M2M,
        vec![
            RelationshipConfig::new("m2mlft", "foo", "m2mrgt")
                .secondary("m2msecondary")
                .backref("bar"),
        ],
    );
    let foo = r.relationship("m2mlft.foo").unwrap();
    assert_eq!(foo.direction(), Direction::ManyToMany);
    assert_lazy(
        foo,
        ":m2mlft.id = m2msecondary.lid AND m2mrgt.id = m2msecondary.rid",
        &["m2mlft.id"],
        "m2mlft.id = m2msecondary.lid AND :m2mrgt.id = m2msecondary.rid",
        &["m2mrgt.id"],
    );
    // F11 m2m_backref: the backref swaps primaryjoin and secondaryjoin.
    let bar = r.relationship("m2mrgt.bar").unwrap();
    assert_lazy(
        bar,
        ":m2mrgt.id = m2msecondary.rid AND m2mlft.id = m2msecondary.lid",
        &["m2mrgt.id"],
        "m2mrgt.id = m2msecondary.rid AND :m2mlft.id = m2msecondary.lid",
        &["m2mlft.id"],
    );
}

/// F12 fks_ambig_m2m (foreign_keys lid1, rid1): lazy
/// `:param_1 = m2msecondary_ambig_fks.lid1 AND m2mrgt.id = m2msecondary_ambig_fks.rid1`.
#[test]
fn m2m_with_foreign_keys_lazy_clause() {
    let r = configure(
        "CREATE TABLE m2mlft (id INTEGER PRIMARY KEY);
         CREATE TABLE m2mrgt (id INTEGER PRIMARY KEY);
         CREATE TABLE m2msecondary_ambig_fks (lid1 INTEGER REFERENCES m2mlft(id), rid1 INTEGER REFERENCES m2mrgt(id),
           lid2 INTEGER REFERENCES m2mlft(id), rid2 INTEGER REFERENCES m2mrgt(id), PRIMARY KEY (lid1, rid1, lid2, rid2));",
        vec![
            RelationshipConfig::new("m2mlft", "foo", "m2mrgt")
                .secondary("m2msecondary_ambig_fks")
                .foreign_keys(["m2msecondary_ambig_fks.lid1", "m2msecondary_ambig_fks.rid1"]),
        ],
    );
    let rel = r.relationship("m2mlft.foo").unwrap();
    assert_eq!(
        shape(&rel.lazy_clause(false).criterion),
        ":m2mlft.id = m2msecondary_ambig_fks.lid1 AND m2mrgt.id = m2msecondary_ambig_fks.rid1"
    );
    assert_eq!(names(&rel.lazy_clause(false).bound_columns), ["m2mlft.id"]);
}

/// Self-referential many-to-many through an association table with
/// explicit joins: forward binds the parent side of the primaryjoin,
/// reverse the target side of the secondaryjoin.
#[test]
fn m2m_selfref_lazy_clauses() {
    let r = configure(
        "CREATE TABLE nodes (id INTEGER PRIMARY KEY, data TEXT);
         CREATE TABLE node_to_node (left_id INTEGER REFERENCES nodes(id), right_id INTEGER REFERENCES nodes(id), PRIMARY KEY (left_id, right_id));",
        vec![
            RelationshipConfig::new("nodes", "right_nodes", "nodes")
                .secondary("node_to_node")
                .primaryjoin("nodes.id = node_to_node.left_id")
                .secondaryjoin("nodes.id = node_to_node.right_id")
                .backref("left_nodes"),
        ],
    );
    let right = r.relationship("nodes.right_nodes").unwrap();
    assert_eq!(right.direction(), Direction::ManyToMany);
    let fwd = shape(&right.lazy_clause(false).criterion);
    let rev = shape(&right.lazy_clause(true).criterion);
    assert_eq!(
        fwd,
        ":nodes.id = node_to_node.left_id AND nodes.id = node_to_node.right_id"
    );
    assert_eq!(
        rev,
        "nodes.id = node_to_node.left_id AND :nodes.id = node_to_node.right_id"
    );
    let left = r.relationship("nodes.left_nodes").unwrap();
    assert_eq!(
        shape(&left.lazy_clause(false).criterion),
        ":nodes.id = node_to_node.right_id AND nodes.id = node_to_node.left_id"
    );
}

// ---------------------------------------------------------------------------
// Unusual joins: compound expressions, functions, LIKE (F13/F14, F23, F24,
// F27/F28, DirectSelfRefFKTest), three tables (F30)
// ---------------------------------------------------------------------------

/// F13 compound_expression_1 (viewonly): pj
/// `(lft.x + lft.y) = remote(foreign(rgt.x * rgt.y))`. Lazy
/// `:param_1 + :param_2 = rgt.x * rgt.y`; reverse
/// `lft.x + lft.y = :param_1 * :param_2`.
#[test]
fn compound_expression_lazy_clause() {
    let r = configure(
        LFT_RGT,
        vec![
            RelationshipConfig::new("lft", "foo", "rgt")
                .primaryjoin("(lft.x + lft.y) = remote(foreign(rgt.x * rgt.y))")
                .viewonly(true),
        ],
    );
    let rel = r.relationship("lft.foo").unwrap();
    assert_eq!(rel.direction(), Direction::OneToMany);
    assert_lazy(
        rel,
        "(:lft.x + :lft.y) = (rgt.x * rgt.y)",
        &["lft.x", "lft.y"],
        "(lft.x + lft.y) = (:rgt.x * :rgt.y)",
        &["rgt.x", "rgt.y"],
    );
    assert_eq!(
        rel.lazy_clause(false).criterion.to_string(),
        ":x + :y = rgt.x * rgt.y"
    );
}

/// F14 compound_expression_2 (foreign only, viewonly): same clauses as F13.
#[test]
fn compound_expression_foreign_only_lazy_clause() {
    let r = configure(
        LFT_RGT,
        vec![
            RelationshipConfig::new("lft", "foo", "rgt")
                .primaryjoin("(lft.x + lft.y) = foreign(rgt.x * rgt.y)")
                .viewonly(true),
        ],
    );
    assert_lazy(
        r.relationship("lft.foo").unwrap(),
        "(:lft.x + :lft.y) = (rgt.x * rgt.y)",
        &["lft.x", "lft.y"],
        "(lft.x + lft.y) = (:rgt.x * :rgt.y)",
        &["rgt.x", "rgt.y"],
    );
}

/// F23 o2m_to_annotated_func: pj `lft.id = foreign(foo(rgt.lid))`. Lazy
/// `:param_1 = foo(rgt.lid)`; reverse `lft.id = foo(:param_1)`.
/// F24 (`lft.id = foo(rgt.lid)` with foreign_keys rgt.lid) is identical.
#[test]
fn function_on_the_remote_side_lazy_clause() {
    for config in [
        RelationshipConfig::new("lft", "foo", "rgt").primaryjoin("lft.id = foreign(foo(rgt.lid))"),
        RelationshipConfig::new("lft", "foo", "rgt")
            .primaryjoin("lft.id = foo(rgt.lid)")
            .foreign_keys(["rgt.lid"]),
    ] {
        let r = configure(LFT_RGT, vec![config]);
        let rel = r.relationship("lft.foo").unwrap();
        assert_eq!(rel.direction(), Direction::OneToMany);
        assert_lazy(
            rel,
            ":lft.id = foo(rgt.lid)",
            &["lft.id"],
            "lft.id = foo(:rgt.lid)",
            &["rgt.lid"],
        );
    }
}

/// F27 purely_single_o2m, restated with `concat(path, '%')` for
/// `path || '%'`: pj `path LIKE remote(foreign(concat(path, '%')))`.
/// Lazy `:param_1 LIKE (path || :path_1)`; reverse
/// `path LIKE (:param_1 || :path_1)`.
#[test]
fn like_selfref_o2m_lazy_clause() {
    let r = configure(
        "CREATE TABLE purely_single_col (path VARCHAR(100));",
        vec![
            RelationshipConfig::new("purely_single_col", "foo", "purely_single_col")
                .primaryjoin(
                    "purely_single_col.path LIKE \
                     remote(foreign(concat(purely_single_col.path, '%')))",
                )
                .viewonly(true),
        ],
    );
    let rel = r.relationship("purely_single_col.foo").unwrap();
    assert_eq!(rel.direction(), Direction::OneToMany);
    assert_lazy(
        rel,
        ":purely_single_col.path LIKE concat(purely_single_col.path, '%')",
        &["purely_single_col.path"],
        "purely_single_col.path LIKE concat(:purely_single_col.path, '%')",
        &["purely_single_col.path"],
    );
}

/// F28 purely_single_m2o: pj `remote(path) LIKE foreign(concat(path, '%'))`.
/// Lazy `path LIKE (:param_1 || :path_1)`; reverse
/// `:param_1 LIKE (path || :path_1)`.
#[test]
fn like_selfref_m2o_lazy_clause() {
    let r = configure(
        "CREATE TABLE purely_single_col (path VARCHAR(100));",
        vec![
            RelationshipConfig::new("purely_single_col", "foo", "purely_single_col")
                .primaryjoin(
                    "remote(purely_single_col.path) LIKE \
                     foreign(concat(purely_single_col.path, '%'))",
                )
                .viewonly(true),
        ],
    );
    let rel = r.relationship("purely_single_col.foo").unwrap();
    assert_eq!(rel.direction(), Direction::ManyToOne);
    assert_lazy(
        rel,
        "purely_single_col.path LIKE concat(:purely_single_col.path, '%')",
        &["purely_single_col.path"],
        ":purely_single_col.path LIKE concat(purely_single_col.path, '%')",
        &["purely_single_col.path"],
    );
}

/// test_relationships.py's DirectSelfRefFKTest (materialized path),
/// restated with `concat`: `descendants` (`remote(foreign(path)) LIKE
/// path || '/%'`) has lazy
/// `entity.path LIKE (:param_1 || :path_1)` and reverse
/// `:param_1 LIKE (entity.path || :path_1)`; `anscestors`
/// (`path LIKE remote(foreign(path)) || '/%'`) the other way round. Both
/// one-to-many.
#[test]
fn materialized_path_lazy_clauses() {
    let r = configure(
        "CREATE TABLE entity (path VARCHAR(100) PRIMARY KEY);",
        vec![
            RelationshipConfig::new("entity", "descendants", "entity")
                .primaryjoin("remote(foreign(entity.path)) LIKE concat(entity.path, '/%')")
                .viewonly(true),
            RelationshipConfig::new("entity", "anscestors", "entity")
                .primaryjoin("entity.path LIKE concat(remote(foreign(entity.path)), '/%')")
                .viewonly(true),
        ],
    );
    let descendants = r.relationship("entity.descendants").unwrap();
    assert_eq!(descendants.direction(), Direction::OneToMany);
    assert_lazy(
        descendants,
        "entity.path LIKE concat(:entity.path, '/%')",
        &["entity.path"],
        ":entity.path LIKE concat(entity.path, '/%')",
        &["entity.path"],
    );
    let anscestors = r.relationship("entity.anscestors").unwrap();
    assert_eq!(anscestors.direction(), Direction::OneToMany);
    assert_lazy(
        anscestors,
        ":entity.path LIKE concat(entity.path, '/%')",
        &["entity.path"],
        "entity.path LIKE concat(:entity.path, '/%')",
        &["entity.path"],
    );
}

/// DirectSelfRefFKTest written as in SQLAlchemy, with the `||`
/// operator.
#[test]
fn materialized_path_with_concat_operator() {
    let r = configure(
        "CREATE TABLE entity (path VARCHAR(100) PRIMARY KEY);",
        vec![
            RelationshipConfig::new("entity", "descendants", "entity")
                .primaryjoin("remote(foreign(entity.path)) LIKE entity.path || '/%'")
                .viewonly(true),
        ],
    );
    let rel = r.relationship("entity.descendants").unwrap();
    assert_eq!(rel.direction(), Direction::OneToMany);
    assert_eq!(
        names(&rel.lazy_clause(false).bound_columns),
        ["entity.path"]
    );
}

/// F30 overlapping_three_tables (viewonly): lazy
/// `:param_1 = three_tab_b.aid AND three_tab_c.bid = three_tab_b.id AND three_tab_c.aid = :param_1`
/// (param_1 = three_tab_a.id); reverse
/// `three_tab_a.id = :param_1 AND three_tab_c.bid = :param_2 AND three_tab_c.aid = three_tab_a.id`
/// (param_1 = three_tab_b.aid, param_2 = three_tab_b.id).
#[test]
fn three_table_join_lazy_clause() {
    let r = configure(
        "CREATE TABLE three_tab_a (id INTEGER PRIMARY KEY);
         CREATE TABLE three_tab_b (id INTEGER PRIMARY KEY, aid INTEGER REFERENCES three_tab_a(id));
         CREATE TABLE three_tab_c (id INTEGER PRIMARY KEY, aid INTEGER REFERENCES three_tab_a(id), bid INTEGER REFERENCES three_tab_b(id));",
        vec![
            RelationshipConfig::new("three_tab_a", "foo", "three_tab_b")
                .primaryjoin(
                    "three_tab_a.id = three_tab_b.aid AND three_tab_c.bid = three_tab_b.id \
                     AND three_tab_c.aid = three_tab_a.id",
                )
                .viewonly(true),
        ],
    );
    let rel = r.relationship("three_tab_a.foo").unwrap();
    assert_lazy(
        rel,
        ":three_tab_a.id = three_tab_b.aid AND three_tab_c.bid = three_tab_b.id AND \
         three_tab_c.aid = :three_tab_a.id",
        &["three_tab_a.id"],
        "three_tab_a.id = :three_tab_b.aid AND three_tab_c.bid = :three_tab_b.id AND \
         three_tab_c.aid = three_tab_a.id",
        &["three_tab_b.aid", "three_tab_b.id"],
    );
}

/// A lazy clause is stable: asking twice gives the same clause, and
/// configuring the same declarations twice gives equal clauses.
#[test]
fn lazy_clauses_are_deterministic() {
    let build = || {
        configure(
            M2M,
            vec![
                RelationshipConfig::new("m2mlft", "foo", "m2mrgt")
                    .secondary("m2msecondary")
                    .backref("bar"),
            ],
        )
    };
    let (a, b) = (build(), build());
    for key in ["m2mlft.foo", "m2mrgt.bar"] {
        for reverse in [false, true] {
            let x = a.relationship(key).unwrap().lazy_clause(reverse);
            let y = b.relationship(key).unwrap().lazy_clause(reverse);
            assert_eq!(x, y, "{key} reverse={reverse}");
            assert_eq!(x, a.relationship(key).unwrap().lazy_clause(reverse));
        }
    }
}
