//! Layer 4: registry configuration behaviour beyond the resolver fixtures:
//! lookup, declaration checks, backref options, back_populates linking,
//! conditions built in Rust, error kinds.

use std::sync::Arc;

use sqlrel::expr::{Annotations, Expr, foreign, parse_condition, remote};
use sqlrel::registry::{Registry, RegistryBuilder};
use sqlrel::relationship::{Backref, Condition, Direction, Relationship, RelationshipConfig};
use sqlrel::schema::Schema;
use sqlrel::{Error, ErrorKind};

const USERS_ADDRESSES: &str = "
    CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
    CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), email TEXT);
    CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), description TEXT);";

const NODES: &str = "CREATE TABLE nodes (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES nodes(id), data TEXT);";

const M2M: &str = "
    CREATE TABLE posts (id INTEGER PRIMARY KEY);
    CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT);
    CREATE TABLE post_tags (post_id INTEGER REFERENCES posts(id), tag_id INTEGER REFERENCES tags(id), PRIMARY KEY (post_id, tag_id));";

fn builder(ddl: &str) -> RegistryBuilder {
    Registry::builder(Schema::from_ddl(ddl).expect("schema"))
}

fn configure(ddl: &str, configs: Vec<RelationshipConfig>) -> sqlrel::Result<Registry> {
    let mut b = builder(ddl);
    for c in configs {
        b.add_relationship(c);
    }
    b.configure()
}

fn ok(ddl: &str, configs: Vec<RelationshipConfig>) -> Registry {
    configure(ddl, configs).unwrap_or_else(|e| panic!("configure: {e}"))
}

#[track_caller]
fn err(ddl: &str, configs: Vec<RelationshipConfig>) -> Error {
    match configure(ddl, configs) {
        Ok(r) => panic!(
            "configured: {:?}",
            r.relationships()
                .map(|r| r.key().to_owned())
                .collect::<Vec<_>>()
        ),
        Err(e) => e,
    }
}

fn names(cols: &[sqlrel::schema::ColumnRef]) -> Vec<String> {
    cols.iter().map(ToString::to_string).collect()
}

fn pairs(p: &[(sqlrel::schema::ColumnRef, sqlrel::schema::ColumnRef)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn keys<'a>(it: impl Iterator<Item = &'a Relationship>) -> Vec<String> {
    it.map(|r| r.key().to_owned()).collect()
}

fn addresses_rel() -> RelationshipConfig {
    RelationshipConfig::new("users", "addresses", "addresses")
}

// ---------------------------------------------------------------------------
// The registry value
// ---------------------------------------------------------------------------

#[test]
fn registry_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<Registry>();
    assert_send_sync::<Relationship>();
    assert_send_sync::<RegistryBuilder>();
}

#[test]
fn registry_can_be_shared_across_threads() {
    let r = Arc::new(ok(USERS_ADDRESSES, vec![addresses_rel().backref("user")]));
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let r = Arc::clone(&r);
            std::thread::spawn(move || {
                r.relationship("addresses.user")
                    .map(|rel| rel.direction())
                    .ok()
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), Some(Direction::ManyToOne));
    }
}

#[test]
fn schema_can_be_shared_between_registries() {
    let schema = Arc::new(Schema::from_ddl(USERS_ADDRESSES).unwrap());
    let a = Registry::builder(Arc::clone(&schema))
        .relationship(addresses_rel())
        .configure()
        .unwrap();
    let b = Registry::builder(Arc::clone(&schema))
        .relationship(RelationshipConfig::new("addresses", "user", "users"))
        .configure()
        .unwrap();
    assert!(Arc::ptr_eq(a.schema(), &schema));
    assert!(Arc::ptr_eq(b.schema(), &schema));
    assert!(a.relationship("addresses.user").is_err());
    assert!(b.relationship("users.addresses").is_err());
}

#[test]
fn builder_exposes_its_declarations() {
    let mut b = builder(USERS_ADDRESSES).relationship(addresses_rel());
    b.add_relationship(RelationshipConfig::new("users", "orders", "orders"));
    let declared: Vec<String> = b.configs().iter().map(RelationshipConfig::key).collect();
    assert_eq!(declared, ["users.addresses", "users.orders"]);
    assert_eq!(b.configs()[1].target(), "orders");
}

#[test]
fn empty_registry() {
    let r = builder(USERS_ADDRESSES).configure().unwrap();
    assert_eq!(r.relationships().len(), 0);
    assert_eq!(r.relationships_of("users").unwrap().count(), 0);
}

// ---------------------------------------------------------------------------
// Lookup
// ---------------------------------------------------------------------------

#[test]
fn relationships_in_declaration_order_each_followed_by_its_backref() {
    let r = ok(
        USERS_ADDRESSES,
        vec![
            addresses_rel().backref("user"),
            RelationshipConfig::new("users", "orders", "orders"),
            RelationshipConfig::new("orders", "owner", "users"),
        ],
    );
    assert_eq!(
        keys(r.relationships()),
        [
            "users.addresses",
            "addresses.user",
            "users.orders",
            "orders.owner"
        ]
    );
    assert_eq!(r.relationships().len(), 4);
}

#[test]
fn lookup_by_table_and_name() {
    let r = ok(USERS_ADDRESSES, vec![addresses_rel().backref("user")]);
    let rel = r.relationship("users.addresses").unwrap();
    assert_eq!(rel.key(), "users.addresses");
    assert_eq!(rel.name(), "addresses");
    assert_eq!(rel.parent().name(), "users");
    assert_eq!(rel.target().name(), "addresses");
    assert_eq!(rel.to_string(), "users.addresses");
    let users = r.schema().table("users").unwrap().id();
    assert!(std::ptr::eq(r.get(users, "addresses").unwrap(), rel));
    assert!(r.get(users, "nope").is_none());
}

#[test]
fn lookup_of_namespaced_tables() {
    let r = ok(
        "CREATE TABLE public.users (id INTEGER PRIMARY KEY);
         CREATE TABLE public.addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES public.users(id));
         CREATE TABLE archive.users (id INTEGER PRIMARY KEY);",
        vec![RelationshipConfig::new("public.users", "addresses", "addresses").backref("user")],
    );
    let rel = r.relationship("public.users.addresses").unwrap();
    assert_eq!(rel.key(), "public.users.addresses");
    assert_eq!(
        rel.primaryjoin().to_string(),
        "public.users.id = public.addresses.user_id"
    );
    // `addresses` is unique across namespaces, so the bare name works too.
    let user = r.relationship("addresses.user").unwrap();
    assert_eq!(user.key(), "public.addresses.user");
    assert!(std::ptr::eq(
        user,
        r.relationship("public.addresses.user").unwrap()
    ));
    // `users` is in two namespaces: the bare name is ambiguous.
    assert_eq!(
        r.relationship("users.addresses").unwrap_err().kind(),
        ErrorKind::UnknownTable
    );
    assert_eq!(
        keys(r.relationships_of("public.users").unwrap()),
        ["public.users.addresses"]
    );
    assert_eq!(r.relationships_of("archive.users").unwrap().count(), 0);
}

#[test]
fn relationship_keys_use_the_qualified_table_name() {
    let r = ok(
        "CREATE TABLE billing.accounts (id INTEGER PRIMARY KEY);
         CREATE TABLE invoices (id INTEGER PRIMARY KEY, account_id INTEGER REFERENCES accounts(id));",
        vec![RelationshipConfig::new("accounts", "invoices", "invoices")],
    );
    let rel = r.relationship("accounts.invoices").unwrap();
    assert_eq!(rel.key(), "billing.accounts.invoices");
    assert!(std::ptr::eq(rel, r.relationship(rel.key()).unwrap()));
}

#[test]
fn unknown_relationship() {
    let r = ok(USERS_ADDRESSES, vec![addresses_rel()]);
    assert_eq!(
        r.relationship("users.nope").unwrap_err(),
        Error::UnknownRelationship {
            name: "users.nope".into()
        }
    );
    // The backref was not requested.
    assert_eq!(
        r.relationship("addresses.user").unwrap_err().kind(),
        ErrorKind::UnknownRelationship
    );
    // No dot: not a `table.name` key.
    assert_eq!(
        r.relationship("addresses").unwrap_err().kind(),
        ErrorKind::UnknownRelationship
    );
    assert_eq!(
        r.relationship("").unwrap_err().kind(),
        ErrorKind::UnknownRelationship
    );
    // An unknown table is reported as such.
    assert_eq!(
        r.relationship("nope.addresses").unwrap_err(),
        Error::UnknownTable {
            name: "nope".into()
        }
    );
    let e = r.relationship("users.nope").unwrap_err();
    assert_eq!(e.to_string(), "unknown relationship 'users.nope'");
    assert_eq!(e.kind().as_str(), "unknown_relationship");
}

/// `relationships_of` reads the name index; it must list what a scan of
/// all relationships by parent lists, in the same order, for every table.
#[test]
fn relationships_of_every_table_match_a_scan() {
    // A chain of tables, each referring to the previous one and to the
    // first (twice for every third table), plus an association table.
    let mut ddl = String::from("CREATE TABLE t0 (id INTEGER PRIMARY KEY);");
    for i in 1..30 {
        let extra = if i % 3 == 0 {
            ", b_id INTEGER REFERENCES t0(id)"
        } else {
            ""
        };
        ddl.push_str(&format!(
            "CREATE TABLE t{i} (id INTEGER PRIMARY KEY, prev_id INTEGER REFERENCES t{}(id), \
             a_id INTEGER REFERENCES t0(id){extra});",
            i - 1
        ));
    }
    ddl.push_str("CREATE TABLE link (l INTEGER REFERENCES t1(id), r INTEGER REFERENCES t2(id));");
    let schema = Arc::new(Schema::from_ddl(&ddl).unwrap());
    let r = Registry::builder(Arc::clone(&schema))
        .automap()
        .configure()
        .unwrap();
    let mut listed = 0;
    for table in schema.tables() {
        let scan: Vec<&str> = r
            .relationships()
            .filter(|rel| rel.parent().id() == table.id())
            .map(Relationship::key)
            .collect();
        assert_eq!(keys(r.relationships_of(table.name()).unwrap()), scan);
        listed += scan.len();
    }
    assert_eq!(listed, r.relationships().len());
    assert!(keys(r.relationships_of("t0").unwrap()).len() > 30);
}

#[test]
fn relationships_of_a_table() {
    let r = ok(
        USERS_ADDRESSES,
        vec![
            addresses_rel().backref("user"),
            RelationshipConfig::new("users", "orders", "orders").backref("user"),
        ],
    );
    assert_eq!(
        keys(r.relationships_of("users").unwrap()),
        ["users.addresses", "users.orders"]
    );
    assert_eq!(keys(r.relationships_of("orders").unwrap()), ["orders.user"]);
    assert!(r.relationships_of("nope").is_err());
    assert_eq!(
        r.relationships_of("nope").err().map(|e| e.kind()),
        Some(ErrorKind::UnknownTable)
    );
}

#[test]
fn relationship_name_with_a_dot_is_rejected_or_findable() {
    let r = configure(
        USERS_ADDRESSES,
        vec![RelationshipConfig::new(
            "users",
            "home.addresses",
            "addresses",
        )],
    );
    match r {
        Err(e) => assert_eq!(e.kind(), ErrorKind::InvalidArgument),
        Ok(r) => {
            let rel = r.relationships().next().unwrap();
            assert!(r.relationship(rel.key()).is_ok(), "{} not found", rel.key());
        }
    }
}

// ---------------------------------------------------------------------------
// Declaration checks
// ---------------------------------------------------------------------------

#[test]
fn relationship_declared_twice() {
    let e = err(USERS_ADDRESSES, vec![addresses_rel(), addresses_rel()]);
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert!(e.to_string().contains("declared twice"), "{e}");
    assert!(e.to_string().contains("users.addresses"), "{e}");
}

#[test]
fn relationship_declared_twice_under_two_spellings_of_the_table() {
    let e = err(
        "CREATE TABLE public.users (id INTEGER PRIMARY KEY);
         CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id));",
        vec![
            RelationshipConfig::new("users", "addresses", "addresses"),
            RelationshipConfig::new("public.users", "addresses", "addresses"),
        ],
    );
    assert!(e.to_string().contains("declared twice"), "{e}");
}

#[test]
fn same_name_on_two_tables_is_fine() {
    let r = ok(
        USERS_ADDRESSES,
        vec![
            RelationshipConfig::new("addresses", "user", "users"),
            RelationshipConfig::new("orders", "user", "users"),
        ],
    );
    assert_eq!(r.relationships().len(), 2);
}

#[test]
fn unknown_names_in_a_declaration() {
    let cases: Vec<(RelationshipConfig, ErrorKind)> = vec![
        (
            RelationshipConfig::new("nope", "x", "addresses"),
            ErrorKind::UnknownTable,
        ),
        (
            RelationshipConfig::new("users", "x", "nope"),
            ErrorKind::UnknownTable,
        ),
        (
            RelationshipConfig::new("users", "x", "addresses").secondary("nope"),
            ErrorKind::UnknownTable,
        ),
        (
            addresses_rel().foreign_keys(["addresses.nope"]),
            ErrorKind::UnknownColumn,
        ),
        (
            addresses_rel().remote_side(["nope.id"]),
            ErrorKind::UnknownTable,
        ),
        (
            addresses_rel().foreign_keys(["user_id"]),
            ErrorKind::InvalidArgument,
        ),
        (
            addresses_rel().order_by(["addresses.nope"]),
            ErrorKind::UnknownColumn,
        ),
        (
            addresses_rel().primaryjoin("users.id = addresses.nope"),
            ErrorKind::UnknownColumn,
        ),
        (
            addresses_rel().primaryjoin("users.id = = 1"),
            ErrorKind::Parse,
        ),
        (
            addresses_rel().primaryjoin("id = user_id"),
            ErrorKind::Parse,
        ),
        (
            addresses_rel().backref(Backref::new("user").remote_side(["users.nope"])),
            ErrorKind::UnknownColumn,
        ),
        (
            addresses_rel().backref(Backref::new("user").primaryjoin("garbage here")),
            ErrorKind::Parse,
        ),
    ];
    for (config, kind) in cases {
        let key = config.key();
        let e = err(USERS_ADDRESSES, vec![config]);
        assert_eq!(e.kind(), kind, "{key}: {e}");
        assert!(!e.to_string().is_empty());
    }
}

#[test]
fn secondaryjoin_without_secondary() {
    let e = err(
        USERS_ADDRESSES,
        vec![addresses_rel().secondaryjoin("users.id = addresses.user_id")],
    );
    assert_eq!(
        e,
        Error::SecondaryJoinWithoutSecondary {
            relationship: "users.addresses".into()
        }
    );
    assert_eq!(e.relationship(), Some("users.addresses"));
}

#[test]
fn first_failure_is_returned() {
    let e = err(
        USERS_ADDRESSES,
        vec![
            RelationshipConfig::new("users", "x", "nope"),
            RelationshipConfig::new("users", "y", "alsonope"),
        ],
    );
    assert_eq!(
        e,
        Error::UnknownTable {
            name: "nope".into()
        }
    );
}

// ---------------------------------------------------------------------------
// uselist defaults, order_by, warnings
// ---------------------------------------------------------------------------

#[test]
fn uselist_defaults_and_overrides() {
    let r = ok(
        USERS_ADDRESSES,
        vec![
            addresses_rel(),
            RelationshipConfig::new("addresses", "user", "users"),
            RelationshipConfig::new("users", "first_order", "orders").uselist(false),
            RelationshipConfig::new("orders", "users", "users").uselist(true),
        ],
    );
    let u = |k: &str| r.relationship(k).unwrap().uselist();
    assert!(u("users.addresses"));
    assert!(!u("addresses.user"));
    assert!(!u("users.first_order"));
    assert!(u("orders.users"));
    let m = ok(
        M2M,
        vec![RelationshipConfig::new("posts", "tags", "tags").secondary("post_tags")],
    );
    assert!(m.relationship("posts.tags").unwrap().uselist());
}

#[test]
fn order_by_is_resolved_to_columns() {
    let r = ok(
        USERS_ADDRESSES,
        vec![addresses_rel().order_by(["addresses.email", "addresses.id"])],
    );
    assert_eq!(
        names(r.relationship("users.addresses").unwrap().order_by()),
        ["addresses.email", "addresses.id"]
    );
}

#[test]
fn viewonly_flag_is_kept() {
    let r = ok(USERS_ADDRESSES, vec![addresses_rel().viewonly(true)]);
    assert!(r.relationship("users.addresses").unwrap().viewonly());
    let r = ok(USERS_ADDRESSES, vec![addresses_rel()]);
    assert!(!r.relationship("users.addresses").unwrap().viewonly());
}

/// F7 o2m_composite_selfref_func (test_rel_fn.py's join fixtures): a
/// self-referential join with a function and no remote marks warns about
/// non-simple column elements.
#[test]
fn non_simple_selfref_join_warns() {
    let r = ok(
        "CREATE TABLE composite_selfref (id INTEGER, group_id INTEGER, parent_id INTEGER,
           PRIMARY KEY (id, group_id),
           FOREIGN KEY (parent_id, group_id) REFERENCES composite_selfref(id, group_id));",
        vec![
            RelationshipConfig::new("composite_selfref", "foo", "composite_selfref").primaryjoin(
                "composite_selfref.group_id = foo(composite_selfref.group_id) AND \
                 composite_selfref.parent_id = composite_selfref.id",
            ),
        ],
    );
    let rel = r.relationship("composite_selfref.foo").unwrap();
    assert_eq!(rel.direction(), Direction::OneToMany);
    assert_eq!(
        pairs(rel.local_remote_pairs()),
        [(
            "composite_selfref.id".into(),
            "composite_selfref.parent_id".into()
        )]
    );
    assert_eq!(
        rel.warnings(),
        [
            "Non-simple column elements in primary join condition for property \
          composite_selfref.foo - consider using remote() annotations to mark the remote side."
        ]
    );
    let plain = ok(
        NODES,
        vec![RelationshipConfig::new("nodes", "children", "nodes")],
    );
    assert!(
        plain
            .relationship("nodes.children")
            .unwrap()
            .warnings()
            .is_empty()
    );
}

// ---------------------------------------------------------------------------
// Backrefs
// ---------------------------------------------------------------------------

#[test]
fn string_backref_creates_the_reverse_relationship() {
    let r = ok(USERS_ADDRESSES, vec![addresses_rel().backref("user")]);
    let user = r.relationship("addresses.user").unwrap();
    assert_eq!(user.direction(), Direction::ManyToOne);
    assert!(!user.uselist());
    assert_eq!(user.parent().name(), "addresses");
    assert_eq!(user.target().name(), "users");
    assert_eq!(
        user.primaryjoin().to_string(),
        "users.id = addresses.user_id"
    );
    assert_eq!(
        pairs(user.local_remote_pairs()),
        [("addresses.user_id".into(), "users.id".into())]
    );
}

#[test]
fn backref_of_and_back_populates_on_the_generated_side() {
    let r = ok(USERS_ADDRESSES, vec![addresses_rel().backref("user")]);
    let declared = r.relationship("users.addresses").unwrap();
    let generated = r.relationship("addresses.user").unwrap();
    assert_eq!(declared.backref_of(), None);
    assert_eq!(generated.backref_of(), Some("users.addresses"));
    assert_eq!(generated.back_populates(), Some("addresses"));
}

/// SQLAlchemy's `_generate_backref` sets `self.back_populates = backref_key`
/// on the declaring relationship, so both sides name each other.
#[test]
fn declaring_side_of_a_backref_names_it_in_back_populates() {
    let r = ok(USERS_ADDRESSES, vec![addresses_rel().backref("user")]);
    assert_eq!(
        r.relationship("users.addresses").unwrap().back_populates(),
        Some("user")
    );
}

#[test]
fn backref_uselist_option() {
    // o2o: many-to-one declared, scalar one-to-many backref.
    let r = ok(
        USERS_ADDRESSES,
        vec![
            RelationshipConfig::new("addresses", "user", "users")
                .backref(Backref::new("address").uselist(false)),
        ],
    );
    let backref = r.relationship("users.address").unwrap();
    assert_eq!(backref.direction(), Direction::OneToMany);
    assert!(!backref.uselist());
    // And the other way: a collection many-to-one (odd but honoured).
    let r = ok(
        USERS_ADDRESSES,
        vec![addresses_rel().backref(Backref::new("user").uselist(true))],
    );
    let user = r.relationship("addresses.user").unwrap();
    assert_eq!(user.direction(), Direction::ManyToOne);
    assert!(user.uselist());
}

#[test]
fn backref_remote_side_option() {
    let r = ok(
        NODES,
        vec![
            RelationshipConfig::new("nodes", "children", "nodes")
                .backref(Backref::new("parent").remote_side(["nodes.id"])),
        ],
    );
    let parent = r.relationship("nodes.parent").unwrap();
    assert_eq!(parent.direction(), Direction::ManyToOne);
    assert_eq!(names(parent.remote_side()), ["nodes.id"]);
    assert_eq!(
        pairs(parent.local_remote_pairs()),
        [("nodes.parent_id".into(), "nodes.id".into())]
    );
    // Without remote_side both sides are one-to-many.
    let e = err(
        NODES,
        vec![RelationshipConfig::new("nodes", "children", "nodes").backref("parent")],
    );
    assert!(matches!(
        e,
        Error::SameDirection {
            direction: Direction::OneToMany,
            ..
        }
    ));
    assert_eq!(e.relationship(), Some("nodes.parent"));
}

#[test]
fn backref_foreign_keys_default_to_the_declaring_sides_and_can_be_overridden() {
    let ddl = "CREATE TABLE addresses (id INTEGER PRIMARY KEY);
         CREATE TABLE customers (id INTEGER PRIMARY KEY,
           billing_id INTEGER REFERENCES addresses(id), shipping_id INTEGER REFERENCES addresses(id));";
    // Inherited: the backref of a foreign_keys-disambiguated relationship
    // resolves with the same foreign_keys.
    let r = ok(
        ddl,
        vec![
            RelationshipConfig::new("addresses", "billed", "customers")
                .foreign_keys(["customers.billing_id"])
                .backref("billing_address"),
        ],
    );
    let b = r.relationship("customers.billing_address").unwrap();
    assert_eq!(names(b.foreign_key_columns()), ["customers.billing_id"]);
    assert_eq!(b.direction(), Direction::ManyToOne);
    // Overridden on the backref.
    let r = ok(
        ddl,
        vec![
            RelationshipConfig::new("addresses", "shipped", "customers")
                .primaryjoin("addresses.id = customers.shipping_id")
                .backref(Backref::new("shipping_address").foreign_keys(["customers.shipping_id"])),
        ],
    );
    let s = r.relationship("customers.shipping_address").unwrap();
    assert_eq!(names(s.foreign_key_columns()), ["customers.shipping_id"]);
    assert_eq!(s.direction(), Direction::ManyToOne);
}

#[test]
fn backref_viewonly_is_inherited_and_can_be_overridden() {
    let r = ok(
        USERS_ADDRESSES,
        vec![addresses_rel().viewonly(true).backref("user")],
    );
    assert!(r.relationship("addresses.user").unwrap().viewonly());
    let r = ok(
        USERS_ADDRESSES,
        vec![
            addresses_rel()
                .viewonly(true)
                .backref(Backref::new("user").viewonly(false)),
        ],
    );
    assert!(!r.relationship("addresses.user").unwrap().viewonly());
    let r = ok(
        USERS_ADDRESSES,
        vec![addresses_rel().backref(Backref::new("user").viewonly(true))],
    );
    assert!(r.relationship("addresses.user").unwrap().viewonly());
    assert!(!r.relationship("users.addresses").unwrap().viewonly());
}

#[test]
fn backref_order_by_option() {
    let r = ok(
        USERS_ADDRESSES,
        vec![
            RelationshipConfig::new("addresses", "user", "users")
                .backref(Backref::new("addresses").order_by(["addresses.email"])),
        ],
    );
    assert_eq!(
        names(r.relationship("users.addresses").unwrap().order_by()),
        ["addresses.email"]
    );
    assert!(
        r.relationship("addresses.user")
            .unwrap()
            .order_by()
            .is_empty()
    );
}

#[test]
fn backref_primaryjoin_option() {
    let r = ok(
        USERS_ADDRESSES,
        vec![
            addresses_rel().backref(
                Backref::new("user")
                    .primaryjoin("users.id = foreign(addresses.user_id) AND users.name = 'x'"),
            ),
        ],
    );
    let user = r.relationship("addresses.user").unwrap();
    assert_eq!(
        user.primaryjoin().to_string(),
        "users.id = addresses.user_id AND users.name = 'x'"
    );
    assert_eq!(user.direction(), Direction::ManyToOne);
}

#[test]
fn backref_secondaryjoin_on_a_non_secondary_relationship() {
    let e = err(
        USERS_ADDRESSES,
        vec![
            addresses_rel()
                .backref(Backref::new("user").secondaryjoin("users.id = addresses.user_id")),
        ],
    );
    assert_eq!(
        e,
        Error::BackrefSecondaryJoin {
            relationship: "users.addresses".into()
        }
    );
}

#[test]
fn backref_name_taken_by_a_column_or_relationship() {
    let e = err(USERS_ADDRESSES, vec![addresses_rel().backref("email")]);
    assert_eq!(
        e,
        Error::BackrefExists {
            backref: "email".into(),
            relationship: "users.addresses".into(),
            table: "addresses".into()
        }
    );
    // A relationship declared later on the target takes the name too.
    let e = err(
        USERS_ADDRESSES,
        vec![
            addresses_rel().backref("user"),
            RelationshipConfig::new("addresses", "user", "users"),
        ],
    );
    assert!(matches!(e, Error::BackrefExists { .. }), "{e:?}");
}

#[test]
fn m2m_backref_swaps_the_joins() {
    let r = ok(
        M2M,
        vec![
            RelationshipConfig::new("posts", "tags", "tags")
                .secondary("post_tags")
                .backref("posts"),
        ],
    );
    let tags = r.relationship("posts.tags").unwrap();
    let posts = r.relationship("tags.posts").unwrap();
    assert_eq!(posts.direction(), Direction::ManyToMany);
    assert_eq!(posts.secondary().unwrap().name(), "post_tags");
    assert_eq!(
        posts.primaryjoin().to_string(),
        tags.secondaryjoin().unwrap().to_string()
    );
    assert_eq!(
        posts.secondaryjoin().unwrap().to_string(),
        tags.primaryjoin().to_string()
    );
    assert_eq!(posts.backref_of(), Some("posts.tags"));
}

// ---------------------------------------------------------------------------
// back_populates
// ---------------------------------------------------------------------------

#[test]
fn back_populates_on_both_sides() {
    let r = ok(
        USERS_ADDRESSES,
        vec![
            addresses_rel().back_populates("user"),
            RelationshipConfig::new("addresses", "user", "users").back_populates("addresses"),
        ],
    );
    let a = r.relationship("users.addresses").unwrap();
    let u = r.relationship("addresses.user").unwrap();
    assert_eq!(a.back_populates(), Some("user"));
    assert_eq!(u.back_populates(), Some("addresses"));
    assert_eq!(a.backref_of(), None);
    assert_eq!(u.backref_of(), None);
    assert_eq!(a.direction(), Direction::OneToMany);
    assert_eq!(u.direction(), Direction::ManyToOne);
}

#[test]
fn back_populates_declared_in_either_order() {
    let r = ok(
        USERS_ADDRESSES,
        vec![
            RelationshipConfig::new("addresses", "user", "users").back_populates("addresses"),
            addresses_rel().back_populates("user"),
        ],
    );
    assert_eq!(r.relationships().len(), 2);
}

#[test]
fn back_populates_to_a_missing_relationship() {
    let e = err(
        USERS_ADDRESSES,
        vec![addresses_rel().back_populates("user")],
    );
    assert_eq!(
        e,
        Error::BackPopulatesMissing {
            relationship: "users.addresses".into(),
            name: "user".into(),
            table: "addresses".into(),
        }
    );
}

#[test]
fn back_populates_to_a_missing_relationship_names_the_declaring_side() {
    let e = err(
        USERS_ADDRESSES,
        vec![addresses_rel().back_populates("user")],
    );
    assert_eq!(e.relationship(), Some("users.addresses"));
}

#[test]
fn back_populates_to_a_relationship_on_the_wrong_table() {
    let e = err(
        USERS_ADDRESSES,
        vec![
            addresses_rel().back_populates("user"),
            RelationshipConfig::new("addresses", "user", "orders")
                .primaryjoin("orders.user_id = foreign(addresses.user_id)")
                .viewonly(true),
        ],
    );
    assert_eq!(
        e,
        Error::BackPopulatesMismatch {
            name: "user".into(),
            relationship: "users.addresses".into(),
            other: "addresses.user".into(),
            table: "users".into()
        }
    );
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert_eq!(e.relationship(), Some("users.addresses"));
    assert_eq!(
        e.to_string(),
        "reverse_property 'user' on relationship users.addresses references relationship \
         addresses.user, which does not reference mapper 'users'.  back_populates must name the \
         relationship of the target that points back at 'users'."
    );
}

#[test]
fn back_populates_same_direction() {
    let e = err(
        USERS_ADDRESSES,
        vec![
            RelationshipConfig::new("addresses", "user", "users").back_populates("also_user"),
            RelationshipConfig::new("users", "also_user", "addresses")
                .primaryjoin("users.id = addresses.user_id")
                .foreign_keys(["users.id"])
                .back_populates("user"),
        ],
    );
    assert!(
        matches!(
            e,
            Error::SameDirection {
                direction: Direction::ManyToOne,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(
        e.to_string()
            .contains("are both of the same direction MANYTOONE"),
        "{e}"
    );
}

#[test]
fn backref_and_back_populates_together() {
    let e = err(
        USERS_ADDRESSES,
        vec![addresses_rel().backref("user").back_populates("user")],
    );
    assert_eq!(
        e,
        Error::BackrefWithBackPopulates {
            relationship: "users.addresses".into()
        }
    );
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
}

// ---------------------------------------------------------------------------
// Conditions built in Rust
// ---------------------------------------------------------------------------

/// The observable result of a relationship, for comparing two of them.
fn summary(rel: &Relationship) -> String {
    format!(
        "{} {:?} uselist={} pj={} sj={:?} lrp={:?} sync={:?} ssync={:?} fk={:?} remote={:?} \
         local={:?} lazy={} rlazy={}",
        rel.key(),
        rel.direction(),
        rel.uselist(),
        rel.primaryjoin(),
        rel.secondaryjoin().map(ToString::to_string),
        pairs(rel.local_remote_pairs()),
        pairs(rel.synchronize_pairs()),
        pairs(rel.secondary_synchronize_pairs()),
        names(rel.foreign_key_columns()),
        names(rel.remote_side()),
        names(rel.local_columns()),
        rel.lazy_clause(false).criterion,
        rel.lazy_clause(true).criterion,
    )
}

#[test]
fn expr_condition_gives_the_same_result_as_text() {
    let schema = Arc::new(Schema::from_ddl(USERS_ADDRESSES).unwrap());
    let c = |n: &str| schema.column(n).unwrap();
    let text = "users.id = foreign(addresses.user_id) AND addresses.email LIKE '%@x.com'";
    let built = Expr::col(c("users.id"))
        .eq(foreign(c("addresses.user_id")))
        .and(Expr::col(c("addresses.email")).like("%@x.com"));
    assert_eq!(parse_condition(text, &schema).unwrap(), built);
    let from_text = Registry::builder(Arc::clone(&schema))
        .relationship(addresses_rel().primaryjoin(text).backref("user"))
        .configure()
        .unwrap();
    let from_expr = Registry::builder(Arc::clone(&schema))
        .relationship(addresses_rel().primaryjoin(built).backref("user"))
        .configure()
        .unwrap();
    for key in ["users.addresses", "addresses.user"] {
        assert_eq!(
            summary(from_text.relationship(key).unwrap()),
            summary(from_expr.relationship(key).unwrap()),
            "{key}"
        );
    }
}

#[test]
fn expr_conditions_for_a_selfref_m2m() {
    let schema = Arc::new(
        Schema::from_ddl(
            "CREATE TABLE nodes (id INTEGER PRIMARY KEY);
             CREATE TABLE edges (lo INTEGER REFERENCES nodes(id), hi INTEGER REFERENCES nodes(id), PRIMARY KEY (lo, hi));",
        )
        .unwrap(),
    );
    let c = |n: &str| Expr::col(schema.column(n).unwrap());
    let text = Registry::builder(Arc::clone(&schema))
        .relationship(
            RelationshipConfig::new("nodes", "higher", "nodes")
                .secondary("edges")
                .primaryjoin("nodes.id = edges.lo")
                .secondaryjoin("nodes.id = edges.hi")
                .backref("lower"),
        )
        .configure()
        .unwrap();
    let built = Registry::builder(Arc::clone(&schema))
        .relationship(
            RelationshipConfig::new("nodes", "higher", "nodes")
                .secondary("edges")
                .primaryjoin(c("nodes.id").eq(c("edges.lo")))
                .secondaryjoin(Condition::Expr(c("nodes.id").eq(c("edges.hi"))))
                .backref("lower"),
        )
        .configure()
        .unwrap();
    for key in ["nodes.higher", "nodes.lower"] {
        assert_eq!(
            summary(text.relationship(key).unwrap()),
            summary(built.relationship(key).unwrap()),
            "{key}"
        );
    }
}

#[test]
fn remote_annotation_built_in_rust() {
    let schema = Arc::new(Schema::from_ddl(NODES).unwrap());
    let c = |n: &str| schema.column(n).unwrap();
    let r = Registry::builder(Arc::clone(&schema))
        .relationship(
            RelationshipConfig::new("nodes", "parent", "nodes")
                .primaryjoin(remote(c("nodes.id")).eq(foreign(c("nodes.parent_id")))),
        )
        .configure()
        .unwrap();
    let parent = r.relationship("nodes.parent").unwrap();
    assert_eq!(parent.direction(), Direction::ManyToOne);
    assert_eq!(names(parent.remote_side()), ["nodes.id"]);
    assert!(parent.primaryjoin().has_annotation(Annotations::FOREIGN));
}

#[test]
fn condition_conversions() {
    assert_eq!(
        Condition::from("a.b = c.d"),
        Condition::Text("a.b = c.d".into())
    );
    assert_eq!(
        Condition::from(String::from("x")),
        Condition::Text("x".into())
    );
    let e = Expr::val(1);
    assert_eq!(Condition::from(e.clone()), Condition::Expr(e));
}

#[test]
fn config_accessors() {
    let c = RelationshipConfig::new("public.users", "addresses", "addresses");
    assert_eq!(c.key(), "public.users.addresses");
    assert_eq!(c.table(), "public.users");
    assert_eq!(c.name(), "addresses");
    assert_eq!(c.target(), "addresses");
    assert_eq!(Backref::new("user").name(), "user");
    assert_eq!(Backref::from("user"), Backref::new("user"));
    assert_eq!(Backref::from(String::from("user")), Backref::new("user"));
}

// ---------------------------------------------------------------------------
// Error kinds and Error::relationship()
// ---------------------------------------------------------------------------

/// The error kinds of the JSON output (docs/inspect-json.md):
/// `no_foreign_keys`, `ambiguous_foreign_keys`, `no_local_remote_pairs`,
/// `no_foreign_columns`, `no_equality_foreign_columns`,
/// `ambiguous_direction`, `no_direction`, `invalid_argument`, `parse`,
/// `unknown_table`, `unknown_column`.
#[test]
fn error_kind_strings_match_the_json_contract() {
    let expected = [
        (ErrorKind::NoForeignKeys, "no_foreign_keys"),
        (ErrorKind::AmbiguousForeignKeys, "ambiguous_foreign_keys"),
        (ErrorKind::NoLocalRemotePairs, "no_local_remote_pairs"),
        (ErrorKind::NoForeignColumns, "no_foreign_columns"),
        (
            ErrorKind::NoEqualityForeignColumns,
            "no_equality_foreign_columns",
        ),
        (ErrorKind::AmbiguousDirection, "ambiguous_direction"),
        (ErrorKind::NoDirection, "no_direction"),
        (ErrorKind::InvalidArgument, "invalid_argument"),
        (ErrorKind::Parse, "parse"),
        (ErrorKind::UnknownTable, "unknown_table"),
        (ErrorKind::UnknownColumn, "unknown_column"),
    ];
    for (kind, s) in expected {
        assert_eq!(kind.as_str(), s);
        assert_eq!(kind.to_string(), s);
    }
}

/// Every error `configure()` returns should have one of the JSON error
/// kinds of docs/inspect-json.md (`sqlrel inspect` prints it).
#[test]
fn configure_errors_have_documented_kinds() {
    let documented = [
        "no_foreign_keys",
        "ambiguous_foreign_keys",
        "no_local_remote_pairs",
        "no_foreign_columns",
        "no_equality_foreign_columns",
        "ambiguous_direction",
        "no_direction",
        "invalid_argument",
        "parse",
        "unknown_table",
        "unknown_column",
    ];
    let e = err(
        USERS_ADDRESSES,
        vec![addresses_rel().back_populates("user")],
    );
    assert!(documented.contains(&e.kind().as_str()), "{}", e.kind());
}

#[test]
fn relationship_errors_name_the_relationship() {
    let no_fk = err(
        USERS_ADDRESSES,
        vec![RelationshipConfig::new("addresses", "orders", "orders")],
    );
    assert_eq!(no_fk.kind(), ErrorKind::NoForeignKeys);
    assert_eq!(no_fk.kind().as_str(), "no_foreign_keys");
    assert_eq!(no_fk.relationship(), Some("addresses.orders"));
    assert!(no_fk.to_string().contains("addresses.orders"));

    let ambiguous = err(
        "CREATE TABLE a (id INTEGER PRIMARY KEY);
         CREATE TABLE b (id INTEGER PRIMARY KEY, a1 INTEGER REFERENCES a(id), a2 INTEGER REFERENCES a(id));",
        vec![RelationshipConfig::new("a", "bs", "b")],
    );
    assert_eq!(ambiguous.kind(), ErrorKind::AmbiguousForeignKeys);
    assert_eq!(ambiguous.relationship(), Some("a.bs"));

    let namespaced = err(
        "CREATE TABLE s.a (id INTEGER PRIMARY KEY); CREATE TABLE s.b (id INTEGER PRIMARY KEY);",
        vec![RelationshipConfig::new("a", "bs", "b")],
    );
    assert_eq!(namespaced.relationship(), Some("s.a.bs"));

    let exists = err(USERS_ADDRESSES, vec![addresses_rel().backref("email")]);
    assert_eq!(exists.relationship(), Some("users.addresses"));
}

#[test]
fn non_relationship_errors_have_no_relationship() {
    for e in [
        Error::UnknownTable { name: "x".into() },
        Error::UnknownColumn {
            table: "t".into(),
            column: "c".into(),
        },
        Error::UnknownRelationship { name: "t.r".into() },
        Error::Parse {
            what: "DDL".into(),
            message: "bad".into(),
            position: None,
        },
        Error::DuplicateTable { name: "t".into() },
        Error::InvalidArgument {
            message: "m".into(),
        },
    ] {
        assert_eq!(e.relationship(), None, "{e:?}");
        assert!(!e.to_string().is_empty());
    }
}

#[test]
fn error_kinds_of_variants() {
    let cases = [
        (
            Error::UnknownTable { name: "x".into() },
            ErrorKind::UnknownTable,
        ),
        (
            Error::UnknownColumn {
                table: "t".into(),
                column: "c".into(),
            },
            ErrorKind::UnknownColumn,
        ),
        (
            Error::UnknownRelationship { name: "t.r".into() },
            ErrorKind::UnknownRelationship,
        ),
        (
            Error::Parse {
                what: "w".into(),
                message: "m".into(),
                position: None,
            },
            ErrorKind::Parse,
        ),
        (
            Error::DuplicateTable { name: "t".into() },
            ErrorKind::InvalidArgument,
        ),
        (
            Error::DuplicateColumn {
                table: "t".into(),
                column: "c".into(),
            },
            ErrorKind::InvalidArgument,
        ),
        (
            Error::InvalidConstraint {
                table: "t".into(),
                message: "m".into(),
            },
            ErrorKind::InvalidArgument,
        ),
        (
            Error::NoLocalRemotePairs {
                relationship: "t.r".into(),
            },
            ErrorKind::NoLocalRemotePairs,
        ),
        (
            Error::AmbiguousDirection {
                relationship: "t.r".into(),
            },
            ErrorKind::AmbiguousDirection,
        ),
        (
            Error::NoDirection {
                relationship: "t.r".into(),
            },
            ErrorKind::NoDirection,
        ),
        (
            Error::SameDirection {
                relationship: "a.b".into(),
                other: "b.a".into(),
                direction: Direction::OneToMany,
            },
            ErrorKind::InvalidArgument,
        ),
    ];
    for (e, kind) in cases {
        assert_eq!(e.kind(), kind, "{e:?}");
    }
}

#[test]
fn direction_names() {
    assert_eq!(Direction::OneToMany.as_str(), "one_to_many");
    assert_eq!(Direction::ManyToOne.as_str(), "many_to_one");
    assert_eq!(Direction::ManyToMany.as_str(), "many_to_many");
    assert_eq!(Direction::OneToMany.to_string(), "ONETOMANY");
    assert_eq!(Direction::ManyToOne.to_string(), "MANYTOONE");
    assert_eq!(Direction::ManyToMany.to_string(), "MANYTOMANY");
}

// ---------------------------------------------------------------------------
// Determinism and misuse
// ---------------------------------------------------------------------------

#[test]
fn configure_is_deterministic() {
    let build = || {
        ok(
            M2M,
            vec![
                RelationshipConfig::new("posts", "tags", "tags")
                    .secondary("post_tags")
                    .backref("posts"),
            ],
        )
    };
    let (a, b) = (build(), build());
    let sa: Vec<String> = a.relationships().map(summary).collect();
    let sb: Vec<String> = b.relationships().map(summary).collect();
    assert_eq!(sa, sb);
}

/// A condition built from another schema's columns must not panic, whatever
/// it resolves to.
#[test]
fn expr_condition_from_another_schema_does_not_panic() {
    let other = Schema::from_ddl(
        "CREATE TABLE x (a INTEGER, b INTEGER, c INTEGER, d INTEGER, e INTEGER);
         CREATE TABLE y (a INTEGER, b INTEGER, c INTEGER, d INTEGER, e INTEGER);",
    )
    .unwrap();
    let foreign_cond =
        Expr::col(other.column("x.e").unwrap()).eq(foreign(other.column("y.e").unwrap()));
    let result = configure(
        USERS_ADDRESSES,
        vec![addresses_rel().primaryjoin(foreign_cond).backref("user")],
    );
    if let Err(e) = &result {
        assert!(!e.to_string().is_empty());
    }
}

/// Columns of another schema are matched by table and column position only,
/// so `x.e = y.e` of an unrelated schema silently configures as the join of
/// `users` and `addresses`.
#[test]
fn expr_condition_from_another_schema_is_rejected() {
    let other = Schema::from_ddl(
        "CREATE TABLE x (a INTEGER, b INTEGER, c INTEGER, d INTEGER, e INTEGER);
         CREATE TABLE y (a INTEGER, b INTEGER, c INTEGER, d INTEGER, e INTEGER);",
    )
    .unwrap();
    let cond = Expr::col(other.column("x.e").unwrap()).eq(foreign(other.column("y.e").unwrap()));
    let result = configure(USERS_ADDRESSES, vec![addresses_rel().primaryjoin(cond)]);
    assert!(
        result.is_err(),
        "configured with a foreign schema's columns"
    );
}

/// ColumnCollectionsTest (SQLAlchemy's test/orm/test_rel_fn.py) compares
/// local_remote_pairs and synchronize_pairs as ordered lists; the resolver
/// fixtures only compare sets.
#[test]
fn pairs_keep_sqlalchemy_order() {
    let p = |s: &[(&str, &str)]| -> Vec<(String, String)> {
        s.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    };
    // F13 compound_expression_1 (support_sync=False).
    let r = ok(
        "CREATE TABLE lft (id INTEGER PRIMARY KEY, x INTEGER, y INTEGER);
         CREATE TABLE rgt (id INTEGER PRIMARY KEY, lid INTEGER REFERENCES lft(id), x INTEGER, y INTEGER);",
        vec![
            RelationshipConfig::new("lft", "foo", "rgt")
                .primaryjoin("(lft.x + lft.y) = remote(foreign(rgt.x * rgt.y))")
                .viewonly(true),
        ],
    );
    assert_eq!(
        pairs(r.relationship("lft.foo").unwrap().local_remote_pairs()),
        p(&[
            ("lft.x", "rgt.x"),
            ("lft.x", "rgt.y"),
            ("lft.y", "rgt.x"),
            ("lft.y", "rgt.y")
        ])
    );
    // F5 o2m_composite_selfref.
    let r = ok(
        "CREATE TABLE composite_selfref (id INTEGER, group_id INTEGER, parent_id INTEGER,
           PRIMARY KEY (id, group_id),
           FOREIGN KEY (parent_id, group_id) REFERENCES composite_selfref(id, group_id));",
        vec![RelationshipConfig::new(
            "composite_selfref",
            "foo",
            "composite_selfref",
        )],
    );
    let rel = r.relationship("composite_selfref.foo").unwrap();
    let expected = p(&[
        ("composite_selfref.group_id", "composite_selfref.group_id"),
        ("composite_selfref.id", "composite_selfref.parent_id"),
    ]);
    assert_eq!(pairs(rel.local_remote_pairs()), expected);
    assert_eq!(pairs(rel.synchronize_pairs()), expected);
    // F10 / F11 m2m and its backref: primary pair first, then secondary.
    let r = ok(
        "CREATE TABLE m2mlft (id INTEGER PRIMARY KEY);
         CREATE TABLE m2mrgt (id INTEGER PRIMARY KEY);
         CREATE TABLE m2msecondary (lid INTEGER REFERENCES m2mlft(id), rid INTEGER REFERENCES m2mrgt(id), PRIMARY KEY (lid, rid));",
        vec![
            RelationshipConfig::new("m2mlft", "foo", "m2mrgt")
                .secondary("m2msecondary")
                .backref("bar"),
        ],
    );
    let j1 = r.relationship("m2mlft.foo").unwrap();
    assert_eq!(
        pairs(j1.local_remote_pairs()),
        p(&[
            ("m2mlft.id", "m2msecondary.lid"),
            ("m2mrgt.id", "m2msecondary.rid")
        ])
    );
    assert_eq!(
        pairs(j1.synchronize_pairs()),
        p(&[("m2mlft.id", "m2msecondary.lid")])
    );
    assert_eq!(
        pairs(j1.secondary_synchronize_pairs()),
        p(&[("m2mrgt.id", "m2msecondary.rid")])
    );
    assert_eq!(
        pairs(r.relationship("m2mrgt.bar").unwrap().local_remote_pairs()),
        p(&[
            ("m2mrgt.id", "m2msecondary.rid"),
            ("m2mlft.id", "m2msecondary.lid")
        ])
    );
    // F25 overlapping_composite_fks.
    let r = ok(
        "CREATE TABLE composite_target (uid INTEGER, oid INTEGER, PRIMARY KEY (uid, oid));
         CREATE TABLE composite_multi_ref (uid1 INTEGER, uid2 INTEGER, oid INTEGER,
           FOREIGN KEY (uid1, oid) REFERENCES composite_target(uid, oid),
           FOREIGN KEY (uid2, oid) REFERENCES composite_target(uid, oid));",
        vec![
            RelationshipConfig::new("composite_target", "foo", "composite_multi_ref")
                .foreign_keys(["composite_multi_ref.uid2", "composite_multi_ref.oid"]),
        ],
    );
    assert_eq!(
        pairs(
            r.relationship("composite_target.foo")
                .unwrap()
                .local_remote_pairs()
        ),
        p(&[
            ("composite_target.uid", "composite_multi_ref.uid2"),
            ("composite_target.oid", "composite_multi_ref.oid"),
        ])
    );
}
