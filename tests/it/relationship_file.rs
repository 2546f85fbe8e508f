//! The TOML relationship file (`sqlrel::relationship_file`): every key of
//! the format, namespaced and keyword names, parity with the Rust builder,
//! every error with its kind, context and position, writing and reading
//! back, and no panics on arbitrary or mutated text.

use proptest::collection::vec;
use proptest::prelude::*;
use sqlrel::expr::{Expr, foreign};
use sqlrel::registry::Registry;
use sqlrel::relationship::{Backref, Direction, Relationship, RelationshipConfig};
use sqlrel::relationship_file as file;
use sqlrel::schema::{ColumnRef, Schema};
use sqlrel::{Error, ErrorKind, Position};

const BLOG_SQL: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/relationship_files/blog.sql"
));
const BLOG_TOML: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/relationship_files/blog.toml"
));

const USERS_ADDRESSES: &str = "
    CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
    CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id), email TEXT);
    CREATE TABLE keywords (id INTEGER PRIMARY KEY, word TEXT);
    CREATE TABLE user_keywords (
        user_id INTEGER REFERENCES users (id),
        keyword_id INTEGER REFERENCES keywords (id)
    );
    CREATE TABLE nodes (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES nodes (id));";

fn schema(ddl: &str) -> Schema {
    Schema::from_ddl(ddl).unwrap_or_else(|e| panic!("schema: {e}"))
}

fn blog() -> Schema {
    schema(BLOG_SQL)
}

fn users() -> Schema {
    schema(USERS_ADDRESSES)
}

fn registry(schema: Schema, configs: Vec<RelationshipConfig>) -> sqlrel::Result<Registry> {
    let mut builder = Registry::builder(schema);
    for config in configs {
        builder.add_relationship(config);
    }
    builder.configure()
}

fn cols(columns: &[ColumnRef]) -> Vec<String> {
    columns.iter().map(ToString::to_string).collect()
}

fn pairs(pairs: &[(ColumnRef, ColumnRef)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// Everything configuration decided about a relationship.
fn summary(r: &Relationship) -> String {
    format!(
        "{} {:?} uselist={} viewonly={} secondary={:?} pj=[{}] sj={:?} lr={:?} sync={:?} \
         ssync={:?} fk={:?} remote={:?} local={:?} order_by={:?} backref_of={:?} \
         back_populates={:?}",
        r.key(),
        r.direction(),
        r.uselist(),
        r.viewonly(),
        r.secondary().map(|t| t.qualified_name().to_string()),
        r.primaryjoin(),
        r.secondaryjoin().map(ToString::to_string),
        pairs(r.local_remote_pairs()),
        pairs(r.synchronize_pairs()),
        pairs(r.secondary_synchronize_pairs()),
        cols(r.foreign_key_columns()),
        cols(r.remote_side()),
        cols(r.local_columns()),
        cols(r.order_by()),
        r.backref_of(),
        r.back_populates(),
    )
}

fn summaries(r: &Registry) -> Vec<String> {
    r.relationships().map(summary).collect()
}

fn entry(table: &str, name: &str, target: &str) -> String {
    format!("[[relationship]]\ntable = \"{table}\"\nname = \"{name}\"\ntarget = \"{target}\"\n")
}

/// The error inside the context `relationship #n (...)`, checking the
/// context text and that the message starts with it.
#[track_caller]
fn in_entry<'e>(e: &'e Error, context: &str) -> &'e Error {
    assert!(
        e.to_string().starts_with(&format!("{context}: ")),
        "message {e} does not start with {context}"
    );
    match e {
        Error::Context {
            context: c, error, ..
        } => {
            assert_eq!(c, context);
            error
        }
        other => panic!("expected an error in {context}, got {other:?}"),
    }
}

/// The message and position of a file `Parse` error.
#[track_caller]
fn file_parse(e: &Error) -> (&str, Option<(u64, u64)>) {
    match e {
        Error::Parse {
            what,
            message,
            position,
        } => {
            assert_eq!(what, "relationship file");
            (message, position.map(|p| (p.line, p.column)))
        }
        other => panic!("expected a Parse error, got {other:?}"),
    }
}

#[track_caller]
fn parse_err(text: &str) -> Error {
    match file::parse(text) {
        Ok(c) => panic!("parsed: {c:?}"),
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::Parse, "{e:?}");
            e
        }
    }
}

#[track_caller]
fn load_err(text: &str, schema: &Schema) -> Error {
    match file::load(text, schema) {
        Ok(c) => panic!("loaded: {c:?}"),
        Err(e) => e,
    }
}

// ---------------------------------------------------------------------------
// The format
// ---------------------------------------------------------------------------

#[test]
fn minimal_entry() {
    let configs = file::parse(&entry("users", "addresses", "addresses")).unwrap();
    assert_eq!(
        configs,
        [RelationshipConfig::new("users", "addresses", "addresses")]
    );
    assert_eq!(configs[0].key(), "users.addresses");
    assert_eq!(configs[0].table(), "users");
    assert_eq!(configs[0].name(), "addresses");
    assert_eq!(configs[0].target(), "addresses");
}

#[test]
fn empty_and_comment_only_files_hold_nothing() {
    for text in [
        "",
        "\n\n",
        "# nothing here\n   # really\n",
        "relationship = []",
    ] {
        assert_eq!(file::parse(text).unwrap(), [], "{text:?}");
        assert_eq!(file::load(text, &users()).unwrap(), [], "{text:?}");
    }
}

#[test]
fn every_key_of_an_entry() {
    let text = r#"
        [[relationship]]
        table = "users"
        name = "keywords"
        target = "keywords"
        secondary = "user_keywords"
        primaryjoin = "users.id = user_keywords.user_id"
        secondaryjoin = "user_keywords.keyword_id = keywords.id"
        foreign_keys = ["user_keywords.user_id", "user_keywords.keyword_id"]
        remote_side = ["user_keywords.user_id"]
        uselist = true
        viewonly = true
        order_by = ["keywords.word", "keywords.id"]
        back_populates = "users"
    "#;
    let expected = RelationshipConfig::new("users", "keywords", "keywords")
        .secondary("user_keywords")
        .primaryjoin("users.id = user_keywords.user_id")
        .secondaryjoin("user_keywords.keyword_id = keywords.id")
        .foreign_keys(["user_keywords.user_id", "user_keywords.keyword_id"])
        .remote_side(["user_keywords.user_id"])
        .uselist(true)
        .viewonly(true)
        .order_by(["keywords.word", "keywords.id"])
        .back_populates("users");
    assert_eq!(file::parse(text).unwrap(), vec![expected.clone()]);
    assert_eq!(file::load(text, &users()).unwrap(), [expected]);
}

#[test]
fn false_and_empty_values_are_the_defaults() {
    let text = format!(
        "{}viewonly = false\nforeign_keys = []\nremote_side = []\norder_by = []\n",
        entry("users", "addresses", "addresses")
    );
    assert_eq!(
        file::parse(&text).unwrap(),
        [RelationshipConfig::new("users", "addresses", "addresses")]
    );
    let text = format!(
        "{}uselist = false\n",
        entry("users", "addresses", "addresses")
    );
    assert_eq!(
        file::parse(&text).unwrap(),
        [RelationshipConfig::new("users", "addresses", "addresses").uselist(false)]
    );
}

#[test]
fn backref_by_name() {
    let text = format!(
        "{}backref = \"user\"\n",
        entry("users", "addresses", "addresses")
    );
    assert_eq!(
        file::parse(&text).unwrap(),
        [RelationshipConfig::new("users", "addresses", "addresses").backref("user")]
    );
}

#[test]
fn backref_table_with_only_a_name_is_the_name() {
    let inline = format!(
        "{}backref = {{ name = \"user\" }}\n",
        entry("users", "addresses", "addresses")
    );
    let header = format!(
        "{}[relationship.backref]\nname = \"user\"\n",
        entry("users", "addresses", "addresses")
    );
    let expected = [RelationshipConfig::new("users", "addresses", "addresses").backref("user")];
    assert_eq!(file::parse(&inline).unwrap(), expected);
    assert_eq!(file::parse(&header).unwrap(), expected);
}

#[test]
fn backref_table_with_every_option() {
    let options = r#"name = "users", primaryjoin = "keywords.id = user_keywords.keyword_id", secondaryjoin = "user_keywords.user_id = users.id", foreign_keys = ["user_keywords.keyword_id"], remote_side = ["user_keywords.keyword_id"], uselist = false, viewonly = true, order_by = ["users.name"]"#;
    let expected = RelationshipConfig::new("users", "keywords", "keywords")
        .secondary("user_keywords")
        .backref(
            Backref::new("users")
                .primaryjoin("keywords.id = user_keywords.keyword_id")
                .secondaryjoin("user_keywords.user_id = users.id")
                .foreign_keys(["user_keywords.keyword_id"])
                .remote_side(["user_keywords.keyword_id"])
                .uselist(false)
                .viewonly(true)
                .order_by(["users.name"]),
        );
    let base = format!(
        "{}secondary = \"user_keywords\"\n",
        entry("users", "keywords", "keywords")
    );
    let inline = format!("{base}backref = {{ {options} }}\n");
    let header = format!(
        "{base}[relationship.backref]\n{}\n",
        options.replace(", ", "\n")
    );
    for text in [inline, header] {
        assert_eq!(
            file::parse(&text).unwrap(),
            vec![expected.clone()],
            "{text}"
        );
        assert_eq!(file::load(&text, &users()).unwrap(), vec![expected.clone()]);
    }
}

#[test]
fn each_backref_option_alone() {
    let cases: Vec<(&str, Backref)> = vec![
        (
            r#"primaryjoin = "addresses.user_id = users.id""#,
            Backref::new("user").primaryjoin("addresses.user_id = users.id"),
        ),
        (
            r#"secondaryjoin = "users.id = addresses.user_id""#,
            Backref::new("user").secondaryjoin("users.id = addresses.user_id"),
        ),
        (
            r#"foreign_keys = ["addresses.user_id"]"#,
            Backref::new("user").foreign_keys(["addresses.user_id"]),
        ),
        // An empty list is kept: it overrides the declaring side's
        // foreign_keys, which an absent key would inherit.
        (
            "foreign_keys = []",
            Backref::new("user").foreign_keys(Vec::<String>::new()),
        ),
        (
            r#"remote_side = ["users.id"]"#,
            Backref::new("user").remote_side(["users.id"]),
        ),
        ("uselist = true", Backref::new("user").uselist(true)),
        ("viewonly = false", Backref::new("user").viewonly(false)),
        (
            r#"order_by = ["users.name"]"#,
            Backref::new("user").order_by(["users.name"]),
        ),
    ];
    for (option, backref) in cases {
        let text = format!(
            "{}backref = {{ name = \"user\", {option} }}\n",
            entry("users", "addresses", "addresses")
        );
        let expected = RelationshipConfig::new("users", "addresses", "addresses").backref(backref);
        assert_eq!(file::parse(&text).unwrap(), [expected], "{option}");
    }
}

#[test]
fn inline_array_and_multiline_strings() {
    let text = r#"
        relationship = [
            { table = "users", name = "addresses", target = "addresses", backref = "user" },
            { table = "nodes", name = "children", target = "nodes", backref = { name = "parent", remote_side = ["nodes.id"] } },
        ]
    "#;
    assert_eq!(
        file::load(text, &users()).unwrap(),
        [
            RelationshipConfig::new("users", "addresses", "addresses").backref("user"),
            RelationshipConfig::new("nodes", "children", "nodes")
                .backref(Backref::new("parent").remote_side(["nodes.id"])),
        ]
    );
    let text = format!(
        "{}primaryjoin = \"\"\"\nusers.id = foreign(addresses.user_id)\n  AND addresses.email LIKE '%@example.com'\"\"\"\n",
        entry("users", "addresses", "addresses")
    );
    let configs = file::load(&text, &users()).unwrap();
    assert_eq!(
        configs,
        [
            RelationshipConfig::new("users", "addresses", "addresses").primaryjoin(
                "users.id = foreign(addresses.user_id)\n  AND addresses.email LIKE '%@example.com'"
            )
        ]
    );
    let r = registry(users(), configs).unwrap();
    assert_eq!(
        r.relationship("users.addresses").unwrap().direction(),
        Direction::OneToMany
    );
}

#[test]
fn crlf_line_endings() {
    let text =
        entry("users", "addresses", "addresses").replace('\n', "\r\n") + "backref = \"user\"\r\n";
    assert_eq!(
        file::load(&text, &users()).unwrap(),
        [RelationshipConfig::new("users", "addresses", "addresses").backref("user")]
    );
}

#[test]
fn namespaced_tables() {
    let schema = schema(
        "CREATE TABLE public.users (id INTEGER PRIMARY KEY, name TEXT);
         CREATE TABLE app.addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES public.users (id), email TEXT);
         CREATE TABLE app.users (id INTEGER PRIMARY KEY, public_user_id INTEGER REFERENCES public.users (id));",
    );
    let text = r#"
        [[relationship]]
        table = "public.users"
        name = "addresses"
        target = "app.addresses"
        foreign_keys = ["app.addresses.user_id"]
        order_by = ["app.addresses.email"]
        backref = { name = "user", remote_side = ["public.users.id"] }

        [[relationship]]
        table = "app.users"
        name = "public_user"
        target = "public.users"
        primaryjoin = "foreign(app.users.public_user_id) = public.users.id"
    "#;
    let configs = file::load(text, &schema).unwrap();
    let expected = vec![
        RelationshipConfig::new("public.users", "addresses", "app.addresses")
            .foreign_keys(["app.addresses.user_id"])
            .order_by(["app.addresses.email"])
            .backref(Backref::new("user").remote_side(["public.users.id"])),
        RelationshipConfig::new("app.users", "public_user", "public.users")
            .primaryjoin("foreign(app.users.public_user_id) = public.users.id"),
    ];
    assert_eq!(configs, expected);
    let from_file = registry(schema.clone(), configs).unwrap();
    let from_rust = registry(schema, expected).unwrap();
    assert_eq!(summaries(&from_file), summaries(&from_rust));
    let addresses = from_file.relationship("public.users.addresses").unwrap();
    assert_eq!(addresses.direction(), Direction::OneToMany);
    assert_eq!(
        pairs(addresses.local_remote_pairs()),
        [(
            "public.users.id".to_owned(),
            "app.addresses.user_id".to_owned()
        )]
    );
    assert_eq!(
        from_file
            .relationship("app.addresses.user")
            .unwrap()
            .direction(),
        Direction::ManyToOne
    );
    assert_eq!(
        from_file
            .relationship("app.users.public_user")
            .unwrap()
            .direction(),
        Direction::ManyToOne
    );

    // An unknown namespace is an unknown table, named as written.
    let text = entry("public.users", "x", "other.addresses");
    let e = load_err(&text, &from_file.schema().clone());
    assert_eq!(
        in_entry(&e, "relationship #1 (public.users.x)"),
        &Error::UnknownTable {
            name: "other.addresses".to_owned()
        }
    );
}

#[test]
fn keyword_names_are_written_plainly() {
    let schema = schema(
        r#"CREATE TABLE "user" (id INTEGER PRIMARY KEY, "select" TEXT);
           CREATE TABLE "order" (id INTEGER PRIMARY KEY, "user" INTEGER REFERENCES "user" (id), "desc" TEXT);
           CREATE TABLE "group" (id INTEGER PRIMARY KEY, "from" INTEGER REFERENCES "group" (id));"#,
    );
    let text = r#"
        [[relationship]]
        table = "user"
        name = "order"
        target = "order"
        foreign_keys = ["order.user"]
        order_by = ["order.desc", "order.id"]
        backref = { name = "buyer", order_by = ["user.select"] }

        [[relationship]]
        table = "group"
        name = "from"
        target = "group"
        remote_side = ["group.id"]
        primaryjoin = 'foreign("group"."from") = "group".id'
    "#;
    let configs = file::load(text, &schema).unwrap();
    let expected = vec![
        RelationshipConfig::new("user", "order", "order")
            .foreign_keys(["order.user"])
            .order_by(["order.desc", "order.id"])
            .backref(Backref::new("buyer").order_by(["user.select"])),
        RelationshipConfig::new("group", "from", "group")
            .remote_side(["group.id"])
            .primaryjoin(r#"foreign("group"."from") = "group".id"#),
    ];
    assert_eq!(configs, expected);
    let from_file = registry(schema.clone(), configs).unwrap();
    assert_eq!(
        summaries(&from_file),
        summaries(&registry(schema, expected).unwrap())
    );
    let order = from_file.relationship("user.order").unwrap();
    assert_eq!(order.direction(), Direction::OneToMany);
    assert_eq!(
        pairs(order.synchronize_pairs()),
        [("user.id".to_owned(), "order.user".to_owned())]
    );
    assert_eq!(cols(order.order_by()), ["order.desc", "order.id"]);
    assert_eq!(
        from_file.relationship("order.buyer").unwrap().direction(),
        Direction::ManyToOne
    );
    assert_eq!(
        from_file.relationship("group.from").unwrap().direction(),
        Direction::ManyToOne
    );
}

#[test]
fn unicode_and_quoted_names_survive() {
    let schema = schema(
        r#"CREATE TABLE "ユーザー" (id INTEGER PRIMARY KEY);
           CREATE TABLE "my table" ("user id" INTEGER REFERENCES "ユーザー" (id), "it's" TEXT);"#,
    );
    let text = r#"
        [[relationship]]
        table = "ユーザー"
        name = "rows"
        target = "my table"
        foreign_keys = ["my table.user id"]
        order_by = ["my table.it's"]
        backref = "owner"
    "#;
    let configs = file::load(text, &schema).unwrap();
    let r = registry(schema, configs).unwrap();
    assert_eq!(
        r.relationship("ユーザー.rows").unwrap().direction(),
        Direction::OneToMany
    );
    assert_eq!(
        r.relationship("my table.owner").unwrap().direction(),
        Direction::ManyToOne
    );
}

// ---------------------------------------------------------------------------
// Parity with the Rust builder
// ---------------------------------------------------------------------------

/// `blog.toml` written with the builder.
fn blog_configs() -> Vec<RelationshipConfig> {
    vec![
        RelationshipConfig::new("users", "posts", "posts")
            .foreign_keys(["posts.author_id"])
            .order_by(["posts.created", "posts.id"])
            .backref(
                Backref::new("author")
                    .foreign_keys(["posts.author_id"])
                    .uselist(false),
            ),
        RelationshipConfig::new("posts", "editor", "users")
            .primaryjoin("foreign(posts.editor_id) = users.id")
            .uselist(false),
        RelationshipConfig::new("posts", "tags", "tags")
            .secondary("post_tags")
            .order_by(["tags.name"])
            .backref(Backref::new("posts").order_by(["posts.id"])),
        RelationshipConfig::new("tags", "tagged", "posts")
            .secondary("post_tags")
            .primaryjoin("tags.id = post_tags.tag_id")
            .secondaryjoin("post_tags.post_id = posts.id")
            .viewonly(true)
            .backref(
                Backref::new("tag_list")
                    .primaryjoin("posts.id = post_tags.post_id")
                    .secondaryjoin("post_tags.tag_id = tags.id")
                    .viewonly(true)
                    .uselist(true)
                    .order_by(["tags.name"]),
            ),
        RelationshipConfig::new("comments", "replies", "comments")
            .backref(Backref::new("parent").remote_side(["comments.id"])),
        RelationshipConfig::new("posts", "comments", "comments").back_populates("post"),
        RelationshipConfig::new("comments", "post", "posts").back_populates("comments"),
        RelationshipConfig::new("users", "recent_posts", "posts")
            .primaryjoin("users.id = posts.author_id AND posts.created > 100")
            .viewonly(true),
        RelationshipConfig::new("comments", "thread_root", "comments")
            .remote_side(["comments.id"])
            .primaryjoin("comments.parent_id = comments.id"),
    ]
}

#[test]
fn blog_file_equals_the_builder_calls() {
    let configs = file::load(BLOG_TOML, &blog()).unwrap();
    assert_eq!(configs, blog_configs());
}

#[test]
fn blog_file_configures_like_the_builder() {
    let from_file = registry(blog(), file::load(BLOG_TOML, &blog()).unwrap()).unwrap();
    let from_rust = registry(blog(), blog_configs()).unwrap();
    assert_eq!(summaries(&from_file), summaries(&from_rust));

    let expected = [
        ("users.posts", Direction::OneToMany, true),
        ("posts.author", Direction::ManyToOne, false),
        ("posts.editor", Direction::ManyToOne, false),
        ("posts.tags", Direction::ManyToMany, true),
        ("tags.posts", Direction::ManyToMany, true),
        ("tags.tagged", Direction::ManyToMany, true),
        ("posts.tag_list", Direction::ManyToMany, true),
        ("comments.replies", Direction::OneToMany, true),
        ("comments.parent", Direction::ManyToOne, false),
        ("posts.comments", Direction::OneToMany, true),
        ("comments.post", Direction::ManyToOne, false),
        ("users.recent_posts", Direction::OneToMany, true),
        ("comments.thread_root", Direction::ManyToOne, false),
    ];
    assert_eq!(from_file.relationships().len(), expected.len());
    for (key, direction, uselist) in expected {
        let r = from_file.relationship(key).unwrap();
        assert_eq!(r.direction(), direction, "{key}");
        assert_eq!(r.uselist(), uselist, "{key}");
    }
    let posts = from_file.relationship("users.posts").unwrap();
    assert_eq!(
        pairs(posts.local_remote_pairs()),
        [("users.id".to_owned(), "posts.author_id".to_owned())]
    );
    assert_eq!(cols(posts.order_by()), ["posts.created", "posts.id"]);
    assert_eq!(posts.back_populates(), Some("author"));
    let author = from_file.relationship("posts.author").unwrap();
    assert_eq!(author.backref_of(), Some("users.posts"));
    assert_eq!(
        pairs(author.synchronize_pairs()),
        [("users.id".to_owned(), "posts.author_id".to_owned())]
    );
    let tags = from_file.relationship("posts.tags").unwrap();
    assert_eq!(
        pairs(tags.secondary_synchronize_pairs()),
        [("tags.id".to_owned(), "post_tags.tag_id".to_owned())]
    );
    let tag_list = from_file.relationship("posts.tag_list").unwrap();
    assert!(tag_list.viewonly());
    assert_eq!(cols(tag_list.order_by()), ["tags.name"]);
    assert_eq!(
        cols(
            from_file
                .relationship("comments.parent")
                .unwrap()
                .remote_side()
        ),
        ["comments.id"]
    );
    assert!(
        from_file
            .relationship("users.recent_posts")
            .unwrap()
            .viewonly()
    );
}

#[test]
fn adjacency_list_parity_with_the_docs_example() {
    let text = r#"
        [[relationship]]
        table = "users"
        name = "addresses"
        target = "addresses"
        backref = "user"

        [[relationship]]
        table = "nodes"
        name = "children"
        target = "nodes"
        backref = { name = "parent", remote_side = ["nodes.id"] }

        [[relationship]]
        table = "users"
        name = "keywords"
        target = "keywords"
        secondary = "user_keywords"
        backref = "users"
    "#;
    let from_file = registry(users(), file::load(text, &users()).unwrap()).unwrap();
    let from_rust = registry(
        users(),
        vec![
            RelationshipConfig::new("users", "addresses", "addresses").backref("user"),
            RelationshipConfig::new("nodes", "children", "nodes")
                .backref(Backref::new("parent").remote_side(["nodes.id"])),
            RelationshipConfig::new("users", "keywords", "keywords")
                .secondary("user_keywords")
                .backref("users"),
        ],
    )
    .unwrap();
    assert_eq!(summaries(&from_file), summaries(&from_rust));
    let directions: Vec<(String, Direction)> = from_file
        .relationships()
        .map(|r| (r.key().to_owned(), r.direction()))
        .collect();
    assert_eq!(
        directions,
        [
            ("users.addresses".to_owned(), Direction::OneToMany),
            ("addresses.user".to_owned(), Direction::ManyToOne),
            ("nodes.children".to_owned(), Direction::OneToMany),
            ("nodes.parent".to_owned(), Direction::ManyToOne),
            ("users.keywords".to_owned(), Direction::ManyToMany),
            ("keywords.users".to_owned(), Direction::ManyToMany),
        ]
    );
}

// ---------------------------------------------------------------------------
// Syntax errors
// ---------------------------------------------------------------------------

#[test]
fn syntax_errors_have_positions() {
    let cases: &[(&str, (u64, u64))] = &[
        ("[[relationship]\n", (1, 16)),
        ("[[relationship]]\ntable = users\n", (2, 9)),
        ("[[relationship]]\ntable = \"users\"\nname = \n", (3, 8)),
        (
            "[[relationship]]\ntable = \"users\"\ntable = \"users\"\n",
            (3, 1),
        ),
        ("[[relationship]]\nname = \"ユーザー\" x\n", (2, 15)),
        (
            "# comment\n\n  [[relationship]]\n  backref = { name = \"a\",\n",
            (4, 26),
        ),
        ("[[relationship]]\ntable = \"unterminated\n", (2, 22)),
    ];
    for &(text, (line, column)) in cases {
        let e = parse_err(text);
        let (message, position) = file_parse(&e);
        assert!(!message.is_empty(), "{text:?}");
        assert_eq!(position, Some((line, column)), "{text:?}: {e}");
        assert!(
            e.to_string().starts_with(&format!(
                "cannot parse relationship file at line {line}, column {column}: "
            )),
            "{e}"
        );
        // A syntax error names no entry, and load reports it the same way.
        assert_eq!(load_err(text, &users()), e);
    }
}

#[test]
fn duplicate_key_message() {
    let e = parse_err("[[relationship]]\ntable = \"a\"\ntable = \"b\"\n");
    let (message, _) = file_parse(&e);
    assert!(message.contains("duplicate key"), "{message}");
}

#[test]
fn top_level_must_hold_relationship_entries() {
    let e = parse_err("[[relationships]]\ntable = \"users\"\n");
    assert_eq!(
        file_parse(&e),
        (
            "unknown key `relationships`, expected `relationship`",
            Some((1, 3))
        )
    );
    let e = parse_err("title = \"x\"\n[[relationship]]\n");
    assert_eq!(
        file_parse(&e),
        ("unknown key `title`, expected `relationship`", Some((1, 1)))
    );
    let e = parse_err("relationship = \"users.addresses\"\n");
    assert_eq!(
        file_parse(&e),
        (
            "`relationship` must be an array of tables (`[[relationship]]`), found string",
            Some((1, 16))
        )
    );
    let e = parse_err("[relationship]\ntable = \"users\"\n");
    assert!(file_parse(&e).0.contains("found table"), "{e}");
}

// ---------------------------------------------------------------------------
// Entry errors: unknown keys, types, missing and empty values
// ---------------------------------------------------------------------------

#[test]
fn unknown_key_in_an_entry() {
    let text = format!(
        "{}{}lazy = \"select\"\n",
        entry("users", "addresses", "addresses"),
        entry("users", "orders", "orders")
    );
    let e = parse_err(&text);
    let (message, position) = file_parse(in_entry(&e, "relationship #2 (users.orders)"));
    assert!(
        message.starts_with("unknown field `lazy`, expected one of `table`, `name`, `target`"),
        "{message}"
    );
    assert_eq!(position, Some((9, 1)));
}

#[test]
fn unknown_key_in_a_backref() {
    let text = format!(
        "{}backref = {{ name = \"user\", remoteside = [\"users.id\"] }}\n",
        entry("users", "addresses", "addresses")
    );
    let e = parse_err(&text);
    let (message, position) = file_parse(in_entry(&e, "relationship #1 (users.addresses)"));
    assert!(
        message.starts_with("unknown field `remoteside`, expected one of `name`, `primaryjoin`"),
        "{message}"
    );
    assert_eq!(position, Some((5, 28)));
    // Keys of an entry that only the entry has are unknown in a backref.
    let text = format!(
        "{}[relationship.backref]\nname = \"user\"\nsecondary = \"x\"\n",
        entry("users", "addresses", "addresses")
    );
    let e = parse_err(&text);
    let (message, position) = file_parse(in_entry(&e, "relationship #1 (users.addresses)"));
    assert!(
        message.starts_with("unknown field `secondary`"),
        "{message}"
    );
    assert_eq!(position, Some((7, 1)));
}

#[test]
fn wrong_types_name_the_key() {
    let base = entry("users", "addresses", "addresses");
    let cases: &[(&str, &str, (u64, u64))] = &[
        (
            "uselist = \"no\"",
            "invalid type: string \"no\", expected a boolean (in `uselist`)",
            (5, 11),
        ),
        (
            "viewonly = 1",
            "invalid type: integer `1`, expected a boolean (in `viewonly`)",
            (5, 12),
        ),
        (
            "foreign_keys = \"addresses.user_id\"",
            "invalid type: string \"addresses.user_id\", expected a sequence (in `foreign_keys`)",
            (5, 16),
        ),
        (
            "remote_side = [\"users.id\", 2]",
            "invalid type: integer `2`, expected a string (in `remote_side`)",
            (5, 28),
        ),
        (
            "order_by = [[\"addresses.email\"]]",
            "invalid type: sequence, expected a string (in `order_by`)",
            (5, 13),
        ),
        (
            "secondary = false",
            "invalid type: boolean `false`, expected a string (in `secondary`)",
            (5, 13),
        ),
        (
            "primaryjoin = 1.5",
            "invalid type: floating point `1.5`, expected a string (in `primaryjoin`)",
            (5, 15),
        ),
        (
            "secondaryjoin = {}",
            "invalid type: map, expected a string (in `secondaryjoin`)",
            (5, 17),
        ),
        (
            "back_populates = 2024-01-01",
            "invalid type: map, expected a string (in `back_populates`)",
            (5, 18),
        ),
        (
            "backref = 7",
            "invalid type: integer `7`, expected a backref name or a table of backref options (in `backref`)",
            (5, 11),
        ),
        (
            "backref = [\"user\"]",
            "invalid type: sequence, expected a backref name or a table of backref options (in `backref`)",
            (5, 11),
        ),
        (
            "backref = { name = \"user\", uselist = \"yes\" }",
            "invalid type: string \"yes\", expected a boolean (in `backref.uselist`)",
            (5, 38),
        ),
        (
            "backref = { name = 5 }",
            "invalid type: integer `5`, expected a string (in `backref.name`)",
            (5, 20),
        ),
        (
            "backref = { name = \"user\", foreign_keys = \"users.id\" }",
            "invalid type: string \"users.id\", expected a sequence (in `backref.foreign_keys`)",
            (5, 43),
        ),
    ];
    for &(line, expected, position) in cases {
        let e = parse_err(&format!("{base}{line}\n"));
        let got = file_parse(in_entry(&e, "relationship #1 (users.addresses)"));
        assert_eq!(got, (expected, Some(position)), "{line}");
    }
    // A wrong type in `table` or `name` leaves the entry named by number.
    let e = parse_err("[[relationship]]\ntable = 3\nname = \"a\"\ntarget = \"b\"\n");
    assert_eq!(
        file_parse(in_entry(&e, "relationship #1")),
        (
            "invalid type: integer `3`, expected a string (in `table`)",
            Some((2, 9))
        )
    );
}

#[test]
fn header_backref_errors_name_the_key() {
    let text = format!(
        "{}[relationship.backref]\nname = \"user\"\nuselist = \"no\"\n",
        entry("users", "addresses", "addresses")
    );
    let e = parse_err(&text);
    assert_eq!(
        file_parse(in_entry(&e, "relationship #1 (users.addresses)")),
        (
            "invalid type: string \"no\", expected a boolean (in `backref.uselist`)",
            Some((7, 11))
        )
    );
}

#[test]
fn missing_required_keys() {
    let e = parse_err("[[relationship]]\nname = \"addresses\"\ntarget = \"addresses\"\n");
    assert_eq!(
        file_parse(in_entry(&e, "relationship #1")),
        ("missing field `table`", Some((1, 1)))
    );
    let e = parse_err(&format!(
        "{}\n[[relationship]]\ntable = \"users\"\ntarget = \"addresses\"\n",
        entry("users", "addresses", "addresses")
    ));
    assert_eq!(
        file_parse(in_entry(&e, "relationship #2")),
        ("missing field `name`", Some((6, 1)))
    );
    let e = parse_err("[[relationship]]\ntable = \"users\"\nname = \"addresses\"\n");
    assert_eq!(
        file_parse(in_entry(&e, "relationship #1 (users.addresses)")),
        ("missing field `target`", Some((1, 1)))
    );
    let e = parse_err(&format!(
        "{}backref = {{ uselist = false }}\n",
        entry("users", "addresses", "addresses")
    ));
    assert_eq!(
        file_parse(in_entry(&e, "relationship #1 (users.addresses)")),
        ("missing field `name` (in `backref`)", Some((5, 11)))
    );
    // An entry that is not a table.
    let e = parse_err("relationship = [\"users.addresses\"]\n");
    assert_eq!(
        file_parse(in_entry(&e, "relationship #1")),
        ("expected a relationship table, found string", Some((1, 17)))
    );
}

#[test]
fn empty_names_are_rejected() {
    let e = parse_err(&entry("users", "", "addresses"));
    assert_eq!(
        file_parse(in_entry(&e, "relationship #1 (users.)")),
        ("`name` must not be empty", Some((3, 8)))
    );
    let base = entry("users", "addresses", "addresses");
    for (line, message, column) in [
        ("backref = \"\"", "the backref name must not be empty", 11),
        (
            "backref = { name = \"\" }",
            "the backref name must not be empty",
            20,
        ),
        (
            "back_populates = \"\"",
            "`back_populates` must not be empty",
            18,
        ),
    ] {
        let e = parse_err(&format!("{base}{line}\n"));
        assert_eq!(
            file_parse(in_entry(&e, "relationship #1 (users.addresses)")),
            (message, Some((5, column))),
            "{line}"
        );
    }
}

// ---------------------------------------------------------------------------
// Schema errors
// ---------------------------------------------------------------------------

/// `load` fails with `root` in the context `relationship #n (...)`, and
/// configuring the parsed configs fails with the same error.
#[track_caller]
fn schema_error(text: &str, schema: &Schema, context: &str, root: &Error) {
    let e = load_err(text, schema);
    in_entry(&e, context);
    assert_eq!(e.kind(), root.kind());
    assert_eq!(e.root(), root);
    let configs = file::parse(text).unwrap();
    let configured = registry(schema.clone(), configs).expect_err("configure must fail too");
    assert_eq!(configured.root(), root, "configure: {configured}");
}

fn unknown_table(name: &str) -> Error {
    Error::UnknownTable {
        name: name.to_owned(),
    }
}

fn unknown_column(table: &str, column: &str) -> Error {
    Error::UnknownColumn {
        table: table.to_owned(),
        column: column.to_owned(),
    }
}

#[test]
fn unknown_tables() {
    let s = users();
    let ok = entry("users", "addresses", "addresses");
    schema_error(
        &format!("{ok}{}", entry("usrs", "addresses", "addresses")),
        &s,
        "relationship #2 (usrs.addresses)",
        &unknown_table("usrs"),
    );
    schema_error(
        &entry("users", "addresses", "adresses"),
        &s,
        "relationship #1 (users.addresses)",
        &unknown_table("adresses"),
    );
    schema_error(
        &format!(
            "{}secondary = \"user_keyword\"\n",
            entry("users", "keywords", "keywords")
        ),
        &s,
        "relationship #1 (users.keywords)",
        &unknown_table("user_keyword"),
    );
}

#[test]
fn unknown_columns_in_column_lists() {
    let s = users();
    let base = entry("users", "addresses", "addresses");
    let context = "relationship #1 (users.addresses)";
    for (line, root) in [
        (
            "foreign_keys = [\"addresses.usr_id\"]",
            unknown_column("addresses", "usr_id"),
        ),
        (
            "remote_side = [\"adresses.user_id\"]",
            unknown_table("adresses"),
        ),
        (
            "order_by = [\"addresses.email\", \"addresses.mail\"]",
            unknown_column("addresses", "mail"),
        ),
        (
            "backref = { name = \"user\", foreign_keys = [\"addresses.uid\"] }",
            unknown_column("addresses", "uid"),
        ),
        (
            "backref = { name = \"user\", remote_side = [\"users.ident\"] }",
            unknown_column("users", "ident"),
        ),
        (
            "backref = { name = \"user\", order_by = [\"users.nme\"] }",
            unknown_column("users", "nme"),
        ),
    ] {
        schema_error(&format!("{base}{line}\n"), &s, context, &root);
    }
    // A reference without a dot.
    let e = load_err(&format!("{base}foreign_keys = [\"user_id\"]\n"), &s);
    let inner = in_entry(&e, context);
    assert_eq!(inner.kind(), ErrorKind::InvalidArgument);
    assert!(inner.to_string().contains("table.column"), "{inner}");
}

#[test]
fn bad_conditions() {
    let s = users();
    let base = entry("users", "addresses", "addresses");
    let context = "relationship #1 (users.addresses)";
    // Unknown names inside a condition are the typed errors.
    schema_error(
        &format!("{base}primaryjoin = \"users.id = foreign(addresses.uid)\"\n"),
        &s,
        context,
        &unknown_column("addresses", "uid"),
    );
    schema_error(
        &format!(
            "{}secondary = \"user_keywords\"\nsecondaryjoin = \"user_keywords.keyword_id = kw.id\"\n",
            entry("users", "keywords", "keywords")
        ),
        &s,
        "relationship #1 (users.keywords)",
        &unknown_table("kw"),
    );
    schema_error(
        &format!(
            "{base}backref = {{ name = \"user\", primaryjoin = \"addresses.user_id = users.idx\" }}\n"
        ),
        &s,
        context,
        &unknown_column("users", "idx"),
    );
    // Syntax errors are the condition's Parse errors, with their position
    // in the condition text.
    for line in [
        "primaryjoin = \"users.id = = addresses.user_id\"",
        "backref = { name = \"user\", primaryjoin = \"users.id = addresses.user_id)\" }",
        "primaryjoin = \"\"",
    ] {
        let text = format!("{base}{line}\n");
        let e = load_err(&text, &s);
        match in_entry(&e, context) {
            Error::Parse { what, message, .. } => {
                assert!(what.starts_with("condition "), "{what}");
                assert!(!message.is_empty());
            }
            other => panic!("{line}: {other:?}"),
        }
        let configured = registry(s.clone(), file::parse(&text).unwrap()).unwrap_err();
        assert_eq!(configured.root(), e.root(), "{line}");
    }
    let e = load_err(
        &format!("{base}primaryjoin = \"users.id = = addresses.user_id\"\n"),
        &s,
    );
    match e.root() {
        Error::Parse { position, .. } => assert_eq!(
            *position,
            Some(Position {
                line: 1,
                column: 12
            })
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn secondaryjoin_needs_secondary() {
    let s = users();
    let base = entry("users", "addresses", "addresses");
    schema_error(
        &format!("{base}secondaryjoin = \"users.id = addresses.user_id\"\n"),
        &s,
        "relationship #1 (users.addresses)",
        &Error::SecondaryJoinWithoutSecondary {
            relationship: "users.addresses".to_owned(),
        },
    );
    schema_error(
        &format!(
            "{base}backref = {{ name = \"user\", secondaryjoin = \"users.id = addresses.user_id\" }}\n"
        ),
        &s,
        "relationship #1 (users.addresses)",
        &Error::BackrefSecondaryJoin {
            relationship: "users.addresses".to_owned(),
        },
    );
}

#[test]
fn backref_with_back_populates() {
    schema_error(
        &format!(
            "{}backref = \"user\"\nback_populates = \"user\"\n",
            entry("users", "addresses", "addresses")
        ),
        &users(),
        "relationship #1 (users.addresses)",
        &Error::BackrefWithBackPopulates {
            relationship: "users.addresses".to_owned(),
        },
    );
}

#[test]
fn declared_twice() {
    let text = format!(
        "{}{}{}",
        entry("users", "addresses", "addresses"),
        entry("nodes", "children", "nodes"),
        entry("users", "addresses", "addresses")
    );
    schema_error(
        &text,
        &users(),
        "relationship #3 (users.addresses)",
        &Error::InvalidArgument {
            message: "relationship 'users.addresses' is declared twice".to_owned(),
        },
    );
}

#[test]
fn backref_names_already_taken() {
    let s = users();
    let backref_exists = |backref: &str, relationship: &str, table: &str| Error::BackrefExists {
        backref: backref.to_owned(),
        relationship: relationship.to_owned(),
        table: table.to_owned(),
    };
    // By a column of the target.
    schema_error(
        &format!(
            "{}backref = \"email\"\n",
            entry("users", "addresses", "addresses")
        ),
        &s,
        "relationship #1 (users.addresses)",
        &backref_exists("email", "users.addresses", "addresses"),
    );
    // By a relationship declared (later) in the file.
    schema_error(
        &format!(
            "{}backref = \"user\"\n{}",
            entry("users", "addresses", "addresses"),
            entry("addresses", "user", "users")
        ),
        &s,
        "relationship #1 (users.addresses)",
        &backref_exists("user", "users.addresses", "addresses"),
    );
    // By another backref on the same table.
    schema_error(
        &format!(
            "{}backref = \"user\"\n{}foreign_keys = [\"addresses.user_id\"]\nbackref = \"user\"\n",
            entry("users", "addresses", "addresses"),
            entry("users", "addresses2", "addresses")
        ),
        &s,
        "relationship #2 (users.addresses2)",
        &backref_exists("user", "users.addresses2", "addresses"),
    );
}

#[test]
fn validate_checks_builder_configs_too() {
    let configs = vec![
        RelationshipConfig::new("users", "addresses", "addresses"),
        RelationshipConfig::new("nodes", "children", "nodes").remote_side(["nodes.idd"]),
    ];
    let e = file::validate(&configs, &users()).unwrap_err();
    assert_eq!(
        in_entry(&e, "relationship #2 (nodes.children)"),
        &unknown_column("nodes", "idd")
    );
    // Conditions built in Rust are left to the registry.
    let s = users();
    let expr = s
        .col("users.id")
        .unwrap()
        .eq(foreign(s.col("addresses.user_id").unwrap()));
    file::validate(
        &[RelationshipConfig::new("users", "addresses", "addresses").primaryjoin(expr)],
        &s,
    )
    .unwrap();
}

#[test]
fn errors_stop_at_the_first_bad_entry() {
    let text = format!(
        "{}{}{}",
        entry("users", "addresses", "addresses"),
        entry("users", "x", "nope"),
        entry("users", "y", "nope2")
    );
    let e = load_err(&text, &users());
    in_entry(&e, "relationship #2 (users.x)");
    assert_eq!(e.root(), &unknown_table("nope"));
    // parse alone does not look names up.
    assert_eq!(file::parse(&text).unwrap().len(), 3);
}

// ---------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------

#[test]
fn to_toml_round_trips_the_blog_file() {
    let configs = blog_configs();
    let text = file::to_toml(&configs).unwrap();
    assert_eq!(file::parse(&text).unwrap(), configs);
    assert_eq!(file::load(&text, &blog()).unwrap(), configs);
    assert_eq!(file::to_toml(&file::parse(&text).unwrap()).unwrap(), text);
    assert_eq!(file::to_toml(&[]).unwrap(), "");
}

#[test]
fn to_toml_layout() {
    let configs = [
        RelationshipConfig::new("nodes", "children", "nodes").backref(
            Backref::new("parent")
                .remote_side(["nodes.id"])
                .uselist(false),
        ),
        RelationshipConfig::new("users", "addresses", "addresses")
            .primaryjoin("users.id = foreign(addresses.user_id)")
            .viewonly(true)
            .order_by(["addresses.email"]),
    ];
    assert_eq!(
        file::to_toml(&configs).unwrap(),
        r#"[[relationship]]
table = "nodes"
name = "children"
target = "nodes"
backref = { name = "parent", remote_side = ["nodes.id"], uselist = false }

[[relationship]]
table = "users"
name = "addresses"
target = "addresses"
primaryjoin = "users.id = foreign(addresses.user_id)"
viewonly = true
order_by = ["addresses.email"]
"#
    );
}

#[test]
fn to_toml_escapes_strings() {
    let configs = [
        RelationshipConfig::new("my \"table\"", "ba\\ck\nslash", "ユーザー\t")
            .primaryjoin(r#"'it''s' = "order".id"#)
            .foreign_keys(["a.b'c", "\u{7f}.\u{0}"])
            .backref(Backref::new("#not a comment").order_by(["]", "[", "{", "}"])),
    ];
    let text = file::to_toml(&configs).unwrap();
    assert_eq!(file::parse(&text).unwrap(), configs, "{text}");
}

#[test]
fn to_toml_refuses_conditions_built_in_rust() {
    let s = users();
    let expr: Expr = s
        .col("users.id")
        .unwrap()
        .eq(foreign(s.col("addresses.user_id").unwrap()));
    let configs = [
        RelationshipConfig::new("users", "orders", "addresses"),
        RelationshipConfig::new("users", "addresses", "addresses")
            .backref(Backref::new("user").primaryjoin(expr)),
    ];
    let e = file::to_toml(&configs).unwrap_err();
    let inner = in_entry(&e, "relationship #2 (users.addresses)");
    assert_eq!(inner.kind(), ErrorKind::InvalidArgument);
    assert!(inner.to_string().contains("backref primaryjoin"), "{inner}");
}

// ---------------------------------------------------------------------------
// No panics
// ---------------------------------------------------------------------------

const CASES: u32 = 256;

const TOKENS: &[&str] = &[
    "[[relationship]]",
    "[relationship]",
    "[relationship.backref]",
    "[[relationship.backref]]",
    "\n",
    "\r\n",
    " = ",
    "table",
    "name",
    "target",
    "backref",
    "back_populates",
    "secondary",
    "primaryjoin",
    "secondaryjoin",
    "foreign_keys",
    "remote_side",
    "uselist",
    "viewonly",
    "order_by",
    "\"users\"",
    "\"addresses\"",
    "\"users.id\"",
    "\"addresses.user_id\"",
    "\"users.id = foreign(addresses.user_id)\"",
    "'users.id ='",
    "\"\"\"",
    "'''",
    "\"",
    "'",
    "{",
    "}",
    "[",
    "]",
    ",",
    ".",
    "#",
    "true",
    "false",
    "1",
    "-0x1f",
    "1e999",
    "nan",
    "1979-05-27T07:32:00Z",
    "\\u0000",
    "\\",
    "ユーザー",
    "\u{0}",
];

fn soup(seed: &[u32]) -> String {
    seed.iter()
        .map(|&i| TOKENS[i as usize % TOKENS.len()])
        .collect::<Vec<_>>()
        .join(" ")
}

fn boundaries(s: &str) -> Vec<usize> {
    s.char_indices().map(|(i, _)| i).chain([s.len()]).collect()
}

/// Up to four edits of `text`: insert a token, delete, truncate, duplicate.
fn mutate(text: &str, ops: &[(u32, u32, u32)]) -> String {
    let mut text = text.to_owned();
    for &(op, a, b) in ops {
        let bounds = boundaries(&text);
        let at = bounds[a as usize % bounds.len()];
        let end = bounds[b as usize % bounds.len()].max(at);
        match op % 4 {
            0 => text.insert_str(at, TOKENS[b as usize % TOKENS.len()]),
            1 => text.replace_range(at..end, ""),
            2 => text.truncate(at),
            _ => {
                let piece = text[at..end].to_owned();
                text.insert_str(at, &piece);
            }
        }
    }
    text
}

/// Errors are typed, non-empty, and positions lie inside the text.
fn check(
    text: &str,
    result: &sqlrel::Result<Vec<RelationshipConfig>>,
) -> Result<(), TestCaseError> {
    let Err(e) = result else {
        return Ok(());
    };
    prop_assert!(
        matches!(
            e.kind(),
            ErrorKind::Parse
                | ErrorKind::UnknownTable
                | ErrorKind::UnknownColumn
                | ErrorKind::InvalidArgument
        ),
        "{:?}",
        e
    );
    prop_assert!(!e.to_string().is_empty());
    if let Error::Context { context, .. } = e {
        prop_assert!(context.starts_with("relationship #"), "{}", context);
    }
    if let Error::Parse {
        what,
        position: Some(p),
        ..
    } = e.root()
        && what == "relationship file"
    {
        let lines: Vec<&str> = text.split('\n').collect();
        prop_assert!(p.line >= 1 && p.line as usize <= lines.len(), "{:?}", p);
        let line = lines[p.line as usize - 1];
        prop_assert!(
            p.column >= 1 && p.column as usize <= line.chars().count() + 1,
            "{:?}",
            p
        );
    }
    Ok(())
}

fn run(text: &str, schema: &Schema) -> Result<(), TestCaseError> {
    let parsed = file::parse(text);
    check(text, &parsed)?;
    let loaded = file::load(text, schema);
    check(text, &loaded)?;
    if let Ok(configs) = loaded {
        // Whatever loads writes back to the same configs, and configures
        // without panicking.
        if let Ok(written) = file::to_toml(&configs) {
            prop_assert_eq!(file::parse(&written).ok(), Some(configs.clone()));
        }
        let _ = registry(schema.clone(), configs);
    } else if let Ok(configs) = parsed {
        let _ = registry(schema.clone(), configs);
    }
    Ok(())
}

fn name_strategy() -> impl Strategy<Value = String> {
    "[a-z\"'\\\\ .#\\[\\]{}=\n\tü\u{7f}]{0,8}"
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        run(&text, &users())?;
    }

    #[test]
    fn token_soup_never_panics(seed in vec(any::<u32>(), 0..60)) {
        run(&soup(&seed), &users())?;
    }

    #[test]
    fn mutated_blog_file_never_panics(ops in vec((any::<u32>(), any::<u32>(), any::<u32>()), 1..5)) {
        run(&mutate(BLOG_TOML, &ops), &blog())?;
    }

    #[test]
    fn written_configs_read_back(
        names in vec(name_strategy(), 6),
        lists in vec(vec(name_strategy(), 0..3), 3),
        flags in vec(0u8..3, 4),
        backref in 0u8..3,
    ) {
        let opt = |f: u8| match f { 0 => None, 1 => Some(false), _ => Some(true) };
        let mut config = RelationshipConfig::new(&names[0], &names[1], &names[2])
            .foreign_keys(lists[0].clone())
            .remote_side(lists[1].clone())
            .order_by(lists[2].clone())
            .viewonly(flags[0] == 2);
        if let Some(u) = opt(flags[1]) {
            config = config.uselist(u);
        }
        if !names[3].is_empty() {
            config = config.primaryjoin(names[3].as_str()).secondary(names[4].as_str());
        }
        config = match backref {
            0 if !names[5].is_empty() => config.back_populates(names[5].as_str()),
            1 if !names[5].is_empty() => config.backref(names[5].as_str()),
            2 if !names[5].is_empty() => {
                let mut b = Backref::new(names[5].as_str())
                    .remote_side(lists[2].clone())
                    .secondaryjoin(names[0].as_str());
                if let Some(v) = opt(flags[2]) {
                    b = b.viewonly(v);
                }
                if let Some(u) = opt(flags[3]) {
                    b = b.uselist(u).foreign_keys(lists[0].clone());
                }
                config.backref(b)
            }
            _ => config,
        };
        let configs = vec![config.clone(), config];
        let text = file::to_toml(&configs).unwrap();
        if configs[0].name().is_empty() {
            // Empty names do not read back: parse rejects them.
            prop_assert!(file::parse(&text).is_err());
        } else {
            prop_assert_eq!(file::parse(&text).unwrap(), configs, "{}", text);
        }
    }
}

#[test]
fn position_counts_characters_not_bytes() {
    // `ü` is two bytes, `ユ` three: columns count characters.
    let e = parse_err("[[relationship]]\ntable = \"ü\"\nname = \"ユ\"\ntarget = \"x\"\nx = 1\n");
    let (_, position) = file_parse(in_entry(&e, "relationship #1 (ü.ユ)"));
    assert_eq!(position, Some((5, 1)));
    let e = parse_err("[[relationship]]\ntable = \"üü\" uselist\n");
    assert_eq!(file_parse(&e).1, Some((2, 14)));
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!(
        "{}backref = {}{}\n",
        entry("users", "addresses", "addresses"),
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let e = parse_err(&deep);
    assert_eq!(e.kind(), ErrorKind::Parse);
    let deep = format!("x = {}1{}\n", "{ a = ".repeat(5_000), " }".repeat(5_000));
    assert_eq!(parse_err(&deep).kind(), ErrorKind::Parse);
}
