//! Automap: relationships generated from foreign keys, compared with what
//! SQLAlchemy's automap generates for the same DDL
//! (`tests/fixtures/automap/`, see its README), plus sqlrel's own rules
//! (every path of colliding foreign keys, one-to-one, naming, explicit
//! declarations winning) and a property on random schemas: automap never
//! panics, and what it generates always configures, with exactly one
//! relationship per direction of every usable foreign-key path.

use crate::common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use proptest::collection::vec;
use proptest::prelude::*;
use serde::Deserialize;
use serde_json::Value as Json;
use sqlrel::automap::{DefaultNaming, Naming, NamingContext};
use sqlrel::registry::Registry;
use sqlrel::relationship::{Direction, Relationship, RelationshipConfig};
use sqlrel::schema::{Schema, Table, TableBuilder};

use common::case::load_dir_as;
use common::oracle::{Joins, json_pairs, json_set, names, pair_names, relationship_diffs};

// ---------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
struct Case {
    name: String,
    ddl: String,
    #[serde(default)]
    collision: bool,
}

fn fixtures() -> Vec<(PathBuf, Case, Json)> {
    let cases = load_dir_as::<Case>("tests/fixtures/automap");
    for (_, case, oracle) in &cases {
        assert_eq!(oracle["name"].as_str(), Some(case.name.as_str()));
    }
    cases
}

/// The keys of every configured relationship.
fn keys_of(registry: &Registry) -> BTreeSet<&str> {
    registry.relationships().map(|r| r.key()).collect()
}

fn automap(ddl: &str) -> Registry {
    let schema = Schema::from_ddl(ddl).unwrap_or_else(|e| panic!("DDL: {e}\n{ddl}"));
    Registry::builder(schema)
        .automap()
        .configure()
        .unwrap_or_else(|e| panic!("automap + configure: {e}\n{ddl}"))
}

/// Compares automap on every parity fixture, with the schema `schema_of`
/// builds from the fixture's DDL, against the oracle's output.
fn check_parity(schema_of: impl Fn(&str) -> Schema) {
    let cases: Vec<_> = fixtures()
        .into_iter()
        .filter(|(_, c, _)| !c.collision)
        .collect();
    assert!(
        cases.len() >= 8,
        "expected at least 8 parity fixtures, found {}",
        cases.len()
    );
    let mut failures = Vec::new();
    let mut compared = 0;
    for (path, case, oracle) in &cases {
        let label = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        let expected = oracle["relationships"]
            .as_object()
            .unwrap_or_else(|| panic!("{label}: the oracle reports no relationships: {oracle}"));
        let registry = Registry::builder(schema_of(&case.ddl))
            .automap()
            .configure()
            .unwrap_or_else(|e| panic!("{label}: automap + configure: {e}"));
        for (key, sa) in expected {
            match registry.relationship(key) {
                Ok(rel) => {
                    compared += 1;
                    failures.extend(
                        relationship_diffs(rel, sa, Joins::Compared)
                            .into_iter()
                            .map(|d| format!("{label}: {d}")),
                    );
                }
                Err(e) => failures.push(format!("{label}: {key}: missing in sqlrel ({e})")),
            }
        }
        for rel in registry.relationships() {
            if !expected.contains_key(rel.key()) {
                failures.push(format!(
                    "{label}: {}: sqlrel has it, SQLAlchemy does not",
                    rel.key()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(compared >= 30, "only {compared} relationships compared");
}

#[test]
fn automap_matches_sqlalchemy_on_schemas_without_collisions() {
    check_parity(|ddl| Schema::from_ddl(ddl).unwrap_or_else(|e| panic!("DDL: {e}\n{ddl}")));
}

/// The oracle reflects the fixtures' DDL from SQLite; so can sqlrel.
#[cfg(feature = "sqlite")]
#[test]
fn automap_on_reflected_sqlite_matches_sqlalchemy() {
    check_parity(|ddl| {
        let conn = rusqlite::Connection::open_in_memory().expect("SQLite");
        conn.execute_batch(ddl).expect("DDL runs on SQLite");
        sqlrel::reflect::sqlite(&conn).unwrap_or_else(|e| panic!("reflect: {e}\n{ddl}"))
    });
}

// ---------------------------------------------------------------------------
// Collisions: every foreign-key path present
// ---------------------------------------------------------------------------

/// `(table, name, direction, target, secondary, foreign key columns,
/// synchronize pairs)` of a relationship; the name is left out by [`path`].
type Described = (
    String,
    String,
    String,
    String,
    Option<String>,
    BTreeSet<String>,
    BTreeSet<(String, String)>,
);

/// A [`Described`] without the name.
type FkPath = (
    String,
    String,
    String,
    Option<String>,
    BTreeSet<String>,
    BTreeSet<(String, String)>,
);

fn describe(rel: &Relationship) -> Described {
    (
        rel.parent().name().to_owned(),
        rel.name().to_owned(),
        rel.direction().to_string(),
        rel.target().name().to_owned(),
        rel.secondary().map(|s| s.name().to_owned()),
        names(rel.foreign_key_columns()),
        pair_names(rel.synchronize_pairs()),
    )
}

fn path(d: &Described) -> FkPath {
    (
        d.0.clone(),
        d.2.clone(),
        d.3.clone(),
        d.4.clone(),
        d.5.clone(),
        d.6.clone(),
    )
}

fn describe_sa(key: &str, sa: &Json) -> Described {
    let (table, name) = key.split_once('.').expect("table.name");
    (
        table.to_owned(),
        name.to_owned(),
        sa["direction"].as_str().expect("direction").to_owned(),
        sa["target"].as_str().expect("target").to_owned(),
        sa["secondary"].as_str().map(str::to_owned),
        json_set(&sa["foreign_key_columns"]),
        json_pairs(&sa["synchronize_pairs"]),
    )
}

fn is_association(table: &Table) -> bool {
    let fks = table.foreign_keys();
    let covered: BTreeSet<_> = fks.iter().flat_map(|fk| fk.columns()).collect();
    fks.len() == 2 && covered.len() == table.columns().len()
}

/// Every path automap must generate for `schema`, as in [`path`].
fn expected_paths(schema: &Schema) -> BTreeSet<FkPath> {
    use sqlrel::schema::ForeignKey;
    let mapped = |t: &Table| !t.primary_key().is_empty() && !is_association(t);
    let mut out = BTreeSet::new();
    for table in schema.tables() {
        let referred = |fk: &ForeignKey| schema.table_by_id(fk.referred_table()).expect("referred");
        let col = |t: &Table, c| format!("{}.{}", t.name(), t.column(c).expect("column").name());
        let cols = |fk: &ForeignKey| -> BTreeSet<String> {
            fk.columns().iter().map(|&c| col(table, c)).collect()
        };
        let sync = |fk: &ForeignKey| -> BTreeSet<(String, String)> {
            fk.pairs()
                .map(|(local, remote)| (col(referred(fk), remote), col(table, local)))
                .collect()
        };
        if is_association(table) {
            let fks = table.foreign_keys();
            let (a, b) = (referred(&fks[0]), referred(&fks[1]));
            if mapped(a) && mapped(b) {
                let all: BTreeSet<String> = cols(&fks[0]).union(&cols(&fks[1])).cloned().collect();
                for (x, y, via) in [(a, b, &fks[0]), (b, a, &fks[1])] {
                    out.insert((
                        x.name().to_owned(),
                        "MANYTOMANY".to_owned(),
                        y.name().to_owned(),
                        Some(table.name().to_owned()),
                        all.clone(),
                        sync(via),
                    ));
                }
            }
            continue;
        }
        if !mapped(table) {
            continue;
        }
        for fk in table.foreign_keys() {
            let r = referred(fk);
            if !mapped(r) || unresolvable(table, fk) {
                continue;
            }
            for (parent, direction, target) in [
                (table.name(), "MANYTOONE", r.name()),
                (r.name(), "ONETOMANY", table.name()),
            ] {
                out.insert((
                    parent.to_owned(),
                    direction.to_owned(),
                    target.to_owned(),
                    None,
                    cols(fk),
                    sync(fk),
                ));
            }
        }
    }
    out
}

#[test]
fn collisions_generate_every_foreign_key_path() {
    let expected_names: &[(&str, &[&str])] = &[
        (
            "collision_two_fks",
            &[
                "msg.src",
                "msg.dst",
                "users.msg_collection_src",
                "users.msg_collection_dst",
            ],
        ),
        (
            "collision_selfref_two_fks",
            &[
                "nodes.parent",
                "nodes.prev",
                "nodes.nodes_collection_parent",
                "nodes.nodes_collection_prev",
            ],
        ),
        (
            "collision_m2m_self",
            &["n.n_collection_l", "n.n_collection_r"],
        ),
        (
            "collision_m2m_and_fk",
            &[
                "b.a",
                "a.b_collection",
                "a.b_collection_2",
                "b.a_collection",
            ],
        ),
        (
            "collision_two_associations",
            &[
                "a.b_collection",
                "b.a_collection",
                "a.b_collection_2",
                "b.a_collection_2",
            ],
        ),
        (
            "collision_column_name",
            &["addresses.users_", "users.addresses_collection"],
        ),
    ];
    let cases: Vec<_> = fixtures()
        .into_iter()
        .filter(|(_, c, _)| c.collision)
        .collect();
    assert_eq!(cases.len(), expected_names.len());
    for (_, case, oracle) in &cases {
        let schema = Schema::from_ddl(&case.ddl).expect("DDL");
        let registry = automap(&case.ddl);
        let ours: Vec<Described> = registry.relationships().map(describe).collect();
        let keys: BTreeSet<String> = registry
            .relationships()
            .map(|r| r.key().to_owned())
            .collect();
        let (_, wanted) = expected_names
            .iter()
            .find(|(n, _)| *n == case.name)
            .unwrap_or_else(|| panic!("no expected names for {}", case.name));
        let wanted: BTreeSet<String> = wanted.iter().map(|s| s.to_string()).collect();
        assert_eq!(keys, wanted, "{}", case.name);

        // Every path, each exactly once, and nothing else.
        let paths: Vec<_> = ours.iter().map(path).collect();
        let unique: BTreeSet<_> = paths.iter().cloned().collect();
        assert_eq!(unique.len(), paths.len(), "{}: a path twice", case.name);
        assert_eq!(unique, expected_paths(&schema), "{}", case.name);

        // Configured with foreign_keys: no relationship is ambiguous, and
        // each many-to-one's remote side is the referred key.
        for rel in registry.relationships() {
            if rel.direction() == Direction::ManyToOne {
                assert!(!rel.uselist());
                for (local, remote) in rel.local_remote_pairs() {
                    assert!(
                        local.references(remote),
                        "{}: {local} does not reference {remote}",
                        rel.key()
                    );
                }
            }
        }

        // Where SQLAlchemy configures, it keeps fewer relationships, and
        // every path it keeps is one of ours. Where it fails, we do not.
        match oracle.get("relationships").and_then(Json::as_object) {
            Some(theirs) => {
                assert!(
                    ours.len() > theirs.len(),
                    "{}: sqlrel {} relationships, SQLAlchemy {}",
                    case.name,
                    ours.len(),
                    theirs.len()
                );
                for (key, sa) in theirs {
                    let p = path(&describe_sa(key, sa));
                    assert!(
                        unique.contains(&p),
                        "{}: SQLAlchemy's {key} ({p:?}) is missing",
                        case.name
                    );
                }
            }
            None => assert!(
                oracle.get("error").is_some(),
                "{}: oracle output has neither relationships nor error",
                case.name
            ),
        }
    }
}

#[test]
fn colliding_paths_are_usable_in_both_directions() {
    let registry = automap(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
         CREATE TABLE msg (id INTEGER PRIMARY KEY, src_id INTEGER REFERENCES users(id), dst_id INTEGER REFERENCES users(id));",
    );
    let src = registry.relationship("msg.src").unwrap();
    assert_eq!(src.primaryjoin().to_string(), "users.id = msg.src_id");
    assert_eq!(src.back_populates(), Some("msg_collection_src"));
    let dst = registry.relationship("users.msg_collection_dst").unwrap();
    assert_eq!(dst.direction(), Direction::OneToMany);
    assert_eq!(dst.primaryjoin().to_string(), "users.id = msg.dst_id");
    assert_eq!(dst.backref_of(), Some("msg.dst"));
}

// ---------------------------------------------------------------------------
// One-to-one
// ---------------------------------------------------------------------------

#[test]
fn unique_foreign_key_gives_a_scalar_backref() {
    let registry = automap(
        "CREATE TABLE users (id INTEGER PRIMARY KEY);
         CREATE TABLE profiles (id INTEGER PRIMARY KEY, user_id INTEGER UNIQUE REFERENCES users(id), bio TEXT);",
    );
    let user = registry.relationship("profiles.users").unwrap();
    assert_eq!(user.direction(), Direction::ManyToOne);
    assert!(!user.uselist());
    let profile = registry.relationship("users.profiles").unwrap();
    assert_eq!(profile.direction(), Direction::OneToMany);
    assert!(!profile.uselist(), "one-to-one backref must be scalar");
    assert!(registry.relationship("users.profiles_collection").is_err());
}

#[test]
fn foreign_key_that_is_the_whole_primary_key_is_one_to_one() {
    let registry = automap(
        "CREATE TABLE users (id INTEGER PRIMARY KEY);
         CREATE TABLE profiles (user_id INTEGER PRIMARY KEY REFERENCES users(id), bio TEXT);
         CREATE TABLE versions (doc INTEGER, rev INTEGER, PRIMARY KEY (doc, rev));
         CREATE TABLE version_notes (doc INTEGER, rev INTEGER, note TEXT, PRIMARY KEY (doc, rev),
             FOREIGN KEY (doc, rev) REFERENCES versions(doc, rev));
         CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id));",
    );
    assert!(!registry.relationship("users.profiles").unwrap().uselist());
    let note = registry.relationship("versions.version_notes").unwrap();
    assert!(!note.uselist());
    assert_eq!(note.local_remote_pairs().len(), 2);
    // Not unique: a collection as usual.
    assert!(
        registry
            .relationship("users.orders_collection")
            .unwrap()
            .uselist()
    );
}

#[test]
fn composite_unique_constraint_within_the_foreign_key_is_one_to_one() {
    let registry = automap(
        "CREATE TABLE a (x INTEGER, y INTEGER, PRIMARY KEY (x, y));
         CREATE TABLE b (id INTEGER PRIMARY KEY, ax INTEGER, ay INTEGER, UNIQUE (ax, ay),
             FOREIGN KEY (ax, ay) REFERENCES a(x, y));
         CREATE TABLE c (id INTEGER PRIMARY KEY, ax INTEGER, ay INTEGER, UNIQUE (ax),
             FOREIGN KEY (ax, ay) REFERENCES a(x, y));
         CREATE TABLE d (id INTEGER PRIMARY KEY, ax INTEGER, ay INTEGER, UNIQUE (ax),
             FOREIGN KEY (ay) REFERENCES a(y));",
    );
    assert!(!registry.relationship("a.b").unwrap().uselist());
    // A unique column inside the key makes the whole key unique.
    assert!(!registry.relationship("a.c").unwrap().uselist());
    // A unique column outside the key does not.
    assert!(registry.relationship("a.d_collection").unwrap().uselist());
}

#[test]
fn self_referential_and_colliding_one_to_one() {
    let registry = automap(
        "CREATE TABLE nodes (id INTEGER PRIMARY KEY, next_id INTEGER UNIQUE REFERENCES nodes(id));
         CREATE TABLE users (id INTEGER PRIMARY KEY);
         CREATE TABLE pairs (id INTEGER PRIMARY KEY,
             left_id INTEGER UNIQUE REFERENCES users(id), right_id INTEGER UNIQUE REFERENCES users(id));",
    );
    let next = registry.relationship("nodes.nodes").unwrap();
    assert_eq!(next.direction(), Direction::ManyToOne);
    let prev = registry.relationship("nodes.nodes_next").unwrap();
    assert_eq!(prev.direction(), Direction::OneToMany);
    assert!(!prev.uselist());
    for (scalar, backref) in [
        ("pairs.left", "users.pairs_left"),
        ("pairs.right", "users.pairs_right"),
    ] {
        assert_eq!(
            registry.relationship(scalar).unwrap().direction(),
            Direction::ManyToOne
        );
        let b = registry.relationship(backref).unwrap();
        assert!(!b.uselist());
        assert_eq!(b.backref_of(), Some(scalar));
    }
}

// ---------------------------------------------------------------------------
// Naming
// ---------------------------------------------------------------------------

/// Pluralising names, the example of SQLAlchemy's documentation.
struct Plural;

fn singular(name: &str) -> String {
    if let Some(stem) = name.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = name.strip_suffix("sses") {
        format!("{stem}ss")
    } else {
        name.strip_suffix('s').unwrap_or(name).to_owned()
    }
}

fn plural(name: &str) -> String {
    if name.ends_with("ss") {
        format!("{name}es")
    } else if name.ends_with('s') {
        name.to_owned()
    } else if let Some(stem) = name.strip_suffix('y') {
        format!("{stem}ies")
    } else {
        format!("{name}s")
    }
}

impl Naming for Plural {
    fn name_for_scalar_relationship(&self, ctx: &NamingContext<'_>) -> String {
        if ctx.is_ambiguous() {
            return DefaultNaming.name_for_scalar_relationship(ctx);
        }
        singular(&ctx.referred_name())
    }

    fn name_for_collection_relationship(&self, ctx: &NamingContext<'_>) -> String {
        let name = plural(&singular(&ctx.referred_name()));
        if ctx.is_ambiguous() {
            format!("{name}_by_{}", ctx.stem())
        } else {
            name
        }
    }

    fn name_for_one_to_one_relationship(&self, ctx: &NamingContext<'_>) -> String {
        singular(&ctx.referred_name())
    }
}

#[test]
fn custom_naming_pluralises() {
    let schema = Schema::from_ddl(
        "CREATE TABLE users (id INTEGER PRIMARY KEY);
         CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id));
         CREATE TABLE categories (id INTEGER PRIMARY KEY);
         CREATE TABLE user_categories (user_id INTEGER REFERENCES users(id), category_id INTEGER REFERENCES categories(id));
         CREATE TABLE profiles (id INTEGER PRIMARY KEY, user_id INTEGER UNIQUE REFERENCES users(id));
         CREATE TABLE messages (id INTEGER PRIMARY KEY, src_id INTEGER REFERENCES users(id), dst_id INTEGER REFERENCES users(id));",
    )
    .unwrap();
    let registry = Registry::builder(schema)
        .automap_with(Plural)
        .configure()
        .unwrap();
    let keys = keys_of(&registry);
    let expected: BTreeSet<&str> = [
        "addresses.user",
        "users.addresses",
        "users.categories",
        "categories.users",
        "profiles.user",
        "users.profile",
        "messages.src",
        "messages.dst",
        "users.messages_by_src",
        "users.messages_by_dst",
    ]
    .into_iter()
    .collect();
    assert_eq!(keys, expected);
    assert_eq!(
        registry
            .relationship("users.addresses")
            .unwrap()
            .direction(),
        Direction::OneToMany
    );
    assert!(!registry.relationship("users.profile").unwrap().uselist());
}

#[test]
fn naming_context_describes_the_relationship() {
    use std::sync::Mutex;

    #[derive(Default)]
    struct Recorder(Mutex<Vec<String>>);

    impl Naming for Recorder {
        fn name_for_scalar_relationship(&self, ctx: &NamingContext<'_>) -> String {
            self.record("scalar", ctx);
            DefaultNaming.name_for_scalar_relationship(ctx)
        }
        fn name_for_collection_relationship(&self, ctx: &NamingContext<'_>) -> String {
            self.record("collection", ctx);
            DefaultNaming.name_for_collection_relationship(ctx)
        }
    }

    impl Recorder {
        fn record(&self, kind: &str, ctx: &NamingContext<'_>) {
            self.0.lock().unwrap().push(format!(
                "{kind} {}->{} {:?} {} {:?} uselist={} ambiguous={} stem={}",
                ctx.local().name(),
                ctx.referred().name(),
                ctx.direction(),
                ctx.constraint_table().name(),
                ctx.secondary().map(|s| s.name()),
                ctx.uselist(),
                ctx.is_ambiguous(),
                ctx.stem()
            ));
        }
    }

    let schema = Schema::from_ddl(
        "CREATE TABLE users (id INTEGER PRIMARY KEY);
         CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id));
         CREATE TABLE tags (id INTEGER PRIMARY KEY);
         CREATE TABLE user_tags (user_id INTEGER REFERENCES users(id), tag_id INTEGER REFERENCES tags(id));",
    )
    .unwrap();
    let recorder = Recorder::default();
    let generated = sqlrel::automap::relationships_with(&schema, &recorder).unwrap();
    assert_eq!(generated.len(), 2);
    assert_eq!(
        recorder.0.into_inner().unwrap(),
        [
            "scalar addresses->users ManyToOne addresses None uselist=false ambiguous=false stem=user",
            "collection users->addresses OneToMany addresses None uselist=true ambiguous=false stem=user",
            "collection users->tags ManyToMany user_tags Some(\"user_tags\") uselist=true ambiguous=false stem=user",
            "collection tags->users ManyToMany user_tags Some(\"user_tags\") uselist=true ambiguous=false stem=tag",
        ]
    );
}

#[test]
fn names_are_kept_apart_from_columns_and_each_other() {
    struct Constant;
    impl Naming for Constant {
        fn name_for_scalar_relationship(&self, _: &NamingContext<'_>) -> String {
            "rel".into()
        }
        fn name_for_collection_relationship(&self, _: &NamingContext<'_>) -> String {
            "rel".into()
        }
    }
    let schema = Schema::from_ddl(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, rel TEXT, rel_ TEXT);
         CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), other_id INTEGER REFERENCES users(id));",
    )
    .unwrap();
    let registry = Registry::builder(schema)
        .automap_with(Constant)
        .configure()
        .unwrap();
    let keys = keys_of(&registry);
    let expected: BTreeSet<&str> = [
        "addresses.rel",
        "addresses.rel_2",
        "users.rel__",
        "users.rel___2",
    ]
    .into_iter()
    .collect();
    assert_eq!(keys, expected);

    struct Empty;
    impl Naming for Empty {
        fn name_for_scalar_relationship(&self, _: &NamingContext<'_>) -> String {
            String::new()
        }
    }
    let schema = Schema::from_ddl(
        "CREATE TABLE users (id INTEGER PRIMARY KEY);
         CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id));",
    )
    .unwrap();
    let err = Registry::builder(schema)
        .automap_with(Empty)
        .configure()
        .unwrap_err();
    assert!(err.to_string().contains("empty relationship name"), "{err}");
}

// ---------------------------------------------------------------------------
// Explicit declarations win
// ---------------------------------------------------------------------------

const USERS_ADDRESSES: &str = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
     CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), email TEXT);";

#[test]
fn explicit_relationship_replaces_the_generated_one_of_its_name() {
    let schema = Schema::from_ddl(USERS_ADDRESSES).unwrap();
    // Ordered by email: not what automap would generate.
    let registry = Registry::builder(schema)
        .relationship(
            RelationshipConfig::new("users", "addresses_collection", "addresses")
                .order_by(["addresses.email"]),
        )
        .automap()
        .configure()
        .unwrap();
    let keys = keys_of(&registry);
    assert_eq!(
        keys,
        ["addresses.users", "users.addresses_collection"]
            .into_iter()
            .collect()
    );
    let explicit = registry.relationship("users.addresses_collection").unwrap();
    assert_eq!(explicit.order_by().len(), 1);
    assert!(explicit.backref_of().is_none());
    // SQLAlchemy links the generated side to the declared one.
    assert_eq!(explicit.back_populates(), Some("users"));
    let generated = registry.relationship("addresses.users").unwrap();
    assert_eq!(generated.direction(), Direction::ManyToOne);
    assert_eq!(generated.back_populates(), Some("addresses_collection"));
    assert!(generated.backref_of().is_none());
}

#[test]
fn explicit_many_to_one_keeps_a_generated_collection() {
    let schema = Schema::from_ddl(USERS_ADDRESSES).unwrap();
    let registry = Registry::builder(schema)
        .relationship(RelationshipConfig::new("addresses", "users", "users").viewonly(true))
        .automap()
        .configure()
        .unwrap();
    let explicit = registry.relationship("addresses.users").unwrap();
    assert!(explicit.viewonly());
    let generated = registry.relationship("users.addresses_collection").unwrap();
    assert_eq!(generated.direction(), Direction::OneToMany);
    assert_eq!(generated.back_populates(), Some("users"));
    assert_eq!(registry.relationships().len(), 2);
}

#[test]
fn explicit_backref_names_are_taken_too() {
    let schema = Schema::from_ddl(USERS_ADDRESSES).unwrap();
    let registry = Registry::builder(schema)
        .relationship(
            RelationshipConfig::new("users", "addresses_collection", "addresses").backref("users"),
        )
        .automap()
        .configure()
        .unwrap();
    // Both generated names are declared (one as a backref): nothing is
    // generated.
    let keys = keys_of(&registry);
    assert_eq!(
        keys,
        ["addresses.users", "users.addresses_collection"]
            .into_iter()
            .collect()
    );
    assert_eq!(
        registry
            .relationship("addresses.users")
            .unwrap()
            .backref_of(),
        Some("users.addresses_collection")
    );
}

#[test]
fn explicit_relationships_of_other_names_coexist() {
    let schema = Schema::from_ddl(USERS_ADDRESSES).unwrap();
    let registry = Registry::builder(schema)
        .relationship(RelationshipConfig::new("users", "addresses", "addresses").backref("user"))
        .automap()
        .configure()
        .unwrap();
    let keys = keys_of(&registry);
    assert_eq!(
        keys,
        [
            "users.addresses",
            "addresses.user",
            "addresses.users",
            "users.addresses_collection"
        ]
        .into_iter()
        .collect()
    );
}

#[test]
fn explicit_relationship_to_another_table_is_not_linked() {
    let schema = Schema::from_ddl(
        "CREATE TABLE users (id INTEGER PRIMARY KEY);
         CREATE TABLE teams (id INTEGER PRIMARY KEY);
         CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), team_id INTEGER REFERENCES teams(id));",
    )
    .unwrap();
    // addresses.users is declared, but leads to teams.
    let registry = Registry::builder(schema)
        .relationship(
            RelationshipConfig::new("addresses", "users", "teams")
                .foreign_keys(["addresses.team_id"]),
        )
        .automap()
        .configure()
        .unwrap();
    assert_eq!(
        registry
            .relationship("addresses.users")
            .unwrap()
            .target()
            .name(),
        "teams"
    );
    let collection = registry.relationship("users.addresses_collection").unwrap();
    assert_eq!(collection.back_populates(), None);
    assert_eq!(
        collection.primaryjoin().to_string(),
        "users.id = addresses.user_id"
    );
}

#[test]
fn explicit_many_to_many_wins() {
    let schema = Schema::from_ddl(
        "CREATE TABLE posts (id INTEGER PRIMARY KEY);
         CREATE TABLE tags (id INTEGER PRIMARY KEY);
         CREATE TABLE post_tags (post_id INTEGER REFERENCES posts(id), tag_id INTEGER REFERENCES tags(id));",
    )
    .unwrap();
    let registry = Registry::builder(schema)
        .relationship(
            RelationshipConfig::new("posts", "tags_collection", "tags")
                .secondary("post_tags")
                .order_by(["tags.id"]),
        )
        .automap()
        .configure()
        .unwrap();
    assert_eq!(registry.relationships().len(), 2);
    assert_eq!(
        registry
            .relationship("posts.tags_collection")
            .unwrap()
            .order_by()
            .len(),
        1
    );
    let back = registry.relationship("tags.posts_collection").unwrap();
    assert_eq!(back.direction(), Direction::ManyToMany);
    assert_eq!(back.back_populates(), Some("tags_collection"));
    assert_eq!(back.primaryjoin().to_string(), "tags.id = post_tags.tag_id");
    assert_eq!(
        back.secondaryjoin().map(|e| e.to_string()).as_deref(),
        Some("posts.id = post_tags.post_id")
    );
}

// ---------------------------------------------------------------------------
// Other rules
// ---------------------------------------------------------------------------

#[test]
fn generated_declarations_can_be_declared_by_hand() {
    let schema = std::sync::Arc::new(
        Schema::from_ddl(
            "CREATE TABLE posts (id INTEGER PRIMARY KEY);
             CREATE TABLE tags (id INTEGER PRIMARY KEY);
             CREATE TABLE post_tags (post_id INTEGER REFERENCES posts(id), tag_id INTEGER REFERENCES tags(id));
             CREATE TABLE comments (id INTEGER PRIMARY KEY, post_id INTEGER REFERENCES posts(id));",
        )
        .unwrap(),
    );
    let generated = sqlrel::automap::relationships(&schema).unwrap();
    let keys: Vec<String> = generated.iter().map(|c| c.key()).collect();
    assert_eq!(keys, ["comments.posts", "posts.tags_collection"]);
    let mut builder = Registry::builder(schema.clone());
    for config in generated {
        builder.add_relationship(config);
    }
    let by_hand = builder.configure().unwrap();
    let automapped = Registry::builder(schema).automap().configure().unwrap();
    let describe_all =
        |r: &Registry| -> Vec<Described> { r.relationships().map(describe).collect() };
    assert_eq!(describe_all(&by_hand), describe_all(&automapped));
    assert_eq!(by_hand.relationships().len(), 4);
}

#[test]
fn foreign_key_from_columns_to_themselves_is_skipped() {
    // SQLAlchemy fails on this one ("both of the same direction").
    let registry = automap(
        "CREATE TABLE t (id INTEGER PRIMARY KEY REFERENCES t(id), parent_id INTEGER REFERENCES t(id), name TEXT);",
    );
    let keys = keys_of(&registry);
    assert_eq!(keys, ["t.t", "t.t_collection"].into_iter().collect());
    assert_eq!(
        registry
            .relationship("t.t")
            .unwrap()
            .primaryjoin()
            .to_string(),
        "t.id = t.parent_id"
    );

    // Crossing column pairs (c2 is referencing in one pair, referenced in
    // the other): no direction, SQLAlchemy fails too; the aligned
    // composite key beside it is kept.
    let registry = automap(
        "CREATE TABLE t (c0 INTEGER, c2 INTEGER, c3 INTEGER, c4 INTEGER, name TEXT, PRIMARY KEY (c0, c2),
             FOREIGN KEY (c2, c3) REFERENCES t(c0, c2),
             FOREIGN KEY (c0, c4) REFERENCES t(c0, c2));",
    );
    let keys = keys_of(&registry);
    assert_eq!(keys, ["t.t", "t.t_collection"].into_iter().collect());
    assert_eq!(
        names(registry.relationship("t.t").unwrap().foreign_key_columns()),
        ["t.c0".to_owned(), "t.c4".to_owned()].into_iter().collect()
    );
}

#[test]
fn self_referential_many_to_one_has_the_referred_key_as_remote_side() {
    let registry = automap(
        "CREATE TABLE nodes (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES nodes(id));",
    );
    let parent = registry.relationship("nodes.nodes").unwrap();
    assert_eq!(parent.direction(), Direction::ManyToOne);
    assert_eq!(
        names(parent.remote_side()),
        ["nodes.id".to_owned()].into_iter().collect()
    );
    let children = registry.relationship("nodes.nodes_collection").unwrap();
    assert_eq!(children.direction(), Direction::OneToMany);
    assert_eq!(children.backref_of(), Some("nodes.nodes"));
}

#[test]
fn namespaced_tables_of_one_name_are_all_mapped() {
    let schema = Schema::builder()
        .table(
            TableBuilder::new("users")
                .namespace("a")
                .column("id", "INTEGER")
                .primary_key(["id"]),
        )
        .table(
            TableBuilder::new("users")
                .namespace("b")
                .column("id", "INTEGER")
                .primary_key(["id"]),
        )
        .table(
            TableBuilder::new("notes")
                .column("id", "INTEGER")
                .column("a_user", "INTEGER")
                .column("b_user", "INTEGER")
                .primary_key(["id"])
                .foreign_key(["a_user"], "a.users", ["id"])
                .foreign_key(["b_user"], "b.users", ["id"]),
        )
        .build()
        .unwrap();
    let registry = Registry::builder(schema).automap().configure().unwrap();
    let keys = keys_of(&registry);
    assert_eq!(
        keys,
        [
            "notes.users",
            "notes.users_2",
            "a.users.notes_collection",
            "b.users.notes_collection"
        ]
        .into_iter()
        .collect()
    );
    assert_eq!(
        registry
            .relationship("notes.users_2")
            .unwrap()
            .target()
            .namespace(),
        Some("b")
    );
}

#[test]
fn registry_without_automap_generates_nothing() {
    let registry = Registry::builder(Schema::from_ddl(USERS_ADDRESSES).unwrap())
        .configure()
        .unwrap();
    assert_eq!(registry.relationships().len(), 0);
}

// ---------------------------------------------------------------------------
// No panics on random schemas
// ---------------------------------------------------------------------------

/// A random schema from a stream of numbers: a few tables with a few
/// columns, optional primary keys and unique constraints, foreign keys
/// (composite, self-referential, repeated, to keys or to any columns) and
/// association-like tables.
fn random_schema(vals: &[u32]) -> Option<Schema> {
    let mut it = vals.iter().copied().cycle();
    let mut next = |n: u32| it.next().map_or(0, |v| v % n.max(1));
    let names = ["users", "nodes", "a", "b", "users_collection", "order"];
    let table_count = 1 + next(5) as usize;
    let mut defs: Vec<(String, Vec<String>, Vec<usize>)> = Vec::new();
    for t in 0..table_count {
        let columns: Vec<String> = (0..1 + next(4))
            .map(|c| match next(5) {
                0 => format!("{}_id", names[next(names.len() as u32) as usize]),
                1 => names[next(names.len() as u32) as usize].to_owned(),
                _ => format!("c{c}"),
            })
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let pk: Vec<usize> = match next(4) {
            0 => vec![],
            1 if columns.len() > 1 => vec![0, 1],
            _ => vec![0],
        };
        defs.push((
            format!("{}{t}", names[next(names.len() as u32) as usize]),
            columns,
            pk,
        ));
    }
    let mut builder = Schema::builder();
    for (name, columns, pk) in &defs {
        let mut table = TableBuilder::new(name);
        for c in columns {
            table = table.column(c, "INTEGER");
        }
        if !pk.is_empty() {
            table = table.primary_key(pk.iter().map(|&c| columns[c].clone()));
        }
        if next(4) == 0 {
            table = table.unique([columns[next(columns.len() as u32) as usize].clone()]);
        }
        for _ in 0..next(4) {
            let target = next(defs.len() as u32) as usize;
            let (target_name, target_cols, target_pk) = &defs[target];
            let width = if target_pk.len() == 2 && columns.len() >= 2 && next(2) == 0 {
                2
            } else {
                1
            };
            let referred: Vec<String> = if next(5) == 0 || target_pk.is_empty() {
                (0..width)
                    .map(|_| target_cols[next(target_cols.len() as u32) as usize].clone())
                    .collect()
            } else {
                target_pk
                    .iter()
                    .take(width)
                    .map(|&c| target_cols[c].clone())
                    .collect()
            };
            let start = next(columns.len() as u32) as usize;
            let local: Vec<String> = (0..referred.len())
                .map(|k| columns[(start + k) % columns.len()].clone())
                .collect();
            table = table.foreign_key(local, target_name.clone(), referred);
        }
        builder = builder.table(table);
    }
    builder.build().ok()
}

/// Foreign keys automap skips: self-referential ones without a direction
/// (columns to themselves, or crossing column pairs).
fn unresolvable(table: &Table, fk: &sqlrel::schema::ForeignKey) -> bool {
    let pairs: Vec<_> = fk.pairs().collect();
    fk.referred_table() == table.id()
        && (pairs.iter().all(|(l, r)| l == r)
            || pairs
                .iter()
                .enumerate()
                .any(|(i, (l, _))| pairs.iter().enumerate().any(|(j, (_, r))| i != j && l == r)))
}

fn check_random_schema(vals: &[u32]) {
    let Some(schema) = random_schema(vals) else {
        return;
    };
    let schema = std::sync::Arc::new(schema);
    let generated = sqlrel::automap::relationships(&schema).expect("automap");
    let registry = Registry::builder(schema.clone())
        .automap()
        .configure()
        .unwrap_or_else(|e| panic!("automap output does not configure: {e}\n{schema:#?}"));
    assert_eq!(registry.relationships().len(), 2 * generated.len());
    // Names are unique per table and never a column's.
    let mut seen = BTreeSet::new();
    for rel in registry.relationships() {
        assert!(seen.insert(rel.key().to_owned()), "{} twice", rel.key());
        assert!(
            rel.parent().column_id(rel.name()).is_none(),
            "{} is a column",
            rel.key()
        );
    }
    // Exactly the expected paths (duplicate constraints give duplicate
    // paths, which the set comparison folds).
    // Association tables whose columns also take part in other foreign
    // keys can make a join column foreign on both sides (as in
    // SQLAlchemy); many-to-many paths are compared without their columns.
    let coarse = |mut p: FkPath| {
        if p.3.is_some() {
            p.4.clear();
            p.5.clear();
        }
        p
    };
    let ours: BTreeSet<FkPath> = registry
        .relationships()
        .map(|r| coarse(path(&describe(r))))
        .collect();
    let expected: BTreeSet<FkPath> = expected_paths(&schema).into_iter().map(coarse).collect();
    assert_eq!(ours, expected, "{schema:#?}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Automap + configure never panic, and always succeed.
    #[test]
    fn automap_and_configure_never_panic(vals in vec(any::<u32>(), 8..96)) {
        check_random_schema(&vals);
    }
}
