//! The `sqlrel` binary, run as a user would: every subcommand and format on
//! the shop schema (examples/data/shop.sql), the SQL it prints executed on
//! SQLite and PostgreSQL, and the error paths with their exit statuses.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value as Json;

use common::cli::{sqlrel, stderr, stdout};
use common::engines::{Engine, Postgres, Sqlite};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn shop() -> String {
    root().join("examples/data/shop.sql").display().to_string()
}

fn shop_toml() -> String {
    root()
        .join("examples/data/shop_relationships.toml")
        .display()
        .to_string()
}

/// Runs and requires success, returning stdout.
fn ok(args: &[&str]) -> String {
    let out = sqlrel(args);
    assert!(
        out.status.success(),
        "sqlrel {args:?} failed ({:?}):\n{}",
        out.status,
        stderr(&out)
    );
    stdout(&out)
}

fn temp_file(name: &str, contents: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("sqlrel-cli-{}-{name}", std::process::id()));
    std::fs::write(&path, contents).expect("write temp file");
    path
}

#[test]
fn inspect_json_matches_the_committed_contract() {
    let out = ok(&[
        "inspect",
        "--schema",
        &shop(),
        "--automap",
        "--format",
        "json",
    ]);
    let actual: Json = serde_json::from_str(&out).expect("JSON output");
    let expected_path = root().join("tests/fixtures/cli/shop_automap.json");
    let expected: Json =
        serde_json::from_str(&std::fs::read_to_string(&expected_path).expect("expected file"))
            .expect("expected JSON");
    assert_eq!(actual, expected, "differs from {}", expected_path.display());

    // The contract's shape: sorted by table.name, every field present,
    // column lists sorted, direction names from docs/inspect-json.md.
    let rels = actual["relationships"].as_array().expect("relationships");
    assert_eq!(rels.len(), 24);
    let keys: Vec<String> = rels
        .iter()
        .map(|r| {
            format!(
                "{}.{}",
                r["table"].as_str().unwrap(),
                r["name"].as_str().unwrap()
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    for r in rels {
        let obj = r.as_object().expect("object");
        for field in [
            "table",
            "name",
            "target",
            "direction",
            "uselist",
            "secondary",
            "primaryjoin",
            "secondaryjoin",
            "local_remote_pairs",
            "synchronize_pairs",
            "secondary_synchronize_pairs",
            "foreign_key_columns",
            "remote_side",
            "local_columns",
            "viewonly",
            "backref_of",
            "warnings",
        ] {
            assert!(obj.contains_key(field), "{field} missing in {r}");
        }
        assert_eq!(obj.len(), 17, "unexpected fields in {r}");
        assert!(r["warnings"].is_array(), "{r}");
        assert!(
            ["one_to_many", "many_to_one", "many_to_many"]
                .contains(&r["direction"].as_str().unwrap())
        );
        for list in ["foreign_key_columns", "remote_side", "local_columns"] {
            let cols: Vec<&str> = r[list]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap())
                .collect();
            let mut sorted = cols.clone();
            sorted.sort();
            assert_eq!(cols, sorted, "{list} of {r} not sorted");
        }
    }
    let orders = rels
        .iter()
        .find(|r| r["table"] == "customers" && r["name"] == "orders_collection")
        .expect("customers.orders_collection");
    assert_eq!(
        orders,
        &serde_json::json!({
            "table": "customers", "name": "orders_collection", "target": "orders",
            "direction": "one_to_many", "uselist": true, "secondary": null,
            "primaryjoin": "customers.id = orders.customer_id", "secondaryjoin": null,
            "local_remote_pairs": [["customers.id", "orders.customer_id"]],
            "synchronize_pairs": [["customers.id", "orders.customer_id"]],
            "secondary_synchronize_pairs": [],
            "foreign_key_columns": ["orders.customer_id"],
            "remote_side": ["orders.customer_id"],
            "local_columns": ["customers.id"],
            "viewonly": false, "backref_of": "orders.customers", "warnings": []
        })
    );
}

#[test]
fn inspect_text_lists_every_relationship() {
    let out = ok(&[
        "inspect",
        "--schema",
        &shop(),
        "--relationships",
        &shop_toml(),
    ]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("relationship"), "{out}");
    assert_eq!(lines.len(), 1 + 8, "{out}");
    assert!(
        out.lines().any(|l| l.starts_with("employees.manager")
            && l.contains("many_to_one (scalar)")
            && l.ends_with("employees.id = employees.manager_id")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.contains("products via product_categories")),
        "{out}"
    );
}

#[test]
fn inspect_mermaid_is_an_er_diagram() {
    let out = ok(&[
        "inspect",
        "--schema",
        &shop(),
        "--relationships",
        &shop_toml(),
        "--format",
        "mermaid",
    ]);
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("erDiagram"));
    // One block per table, each attribute `type name [PK|FK]`.
    let blocks = out.lines().filter(|l| l.ends_with(" {")).count();
    assert_eq!(blocks, 11, "{out}");
    assert!(out.contains(
        "    customers {\n        INTEGER id PK\n        TEXT name\n        TEXT email\n    }\n"
    ));
    assert!(out.contains("        TEXT warehouse_code PK, FK\n"));
    // One edge per relationship pair, with the cardinality of its direction;
    // the "one" end is optional (o|) over a nullable foreign key
    // (employees.manager_id, orders.shipping_address_id), exactly one (||)
    // over a NOT NULL one (orders.customer_id).
    let edges: Vec<&str> = out.lines().filter(|l| l.contains("--")).collect();
    assert_eq!(edges.len(), 5, "{out}");
    for expected in [
        "    customers ||--o{ orders : \"orders / customer\"",
        "    customers ||--o{ orders : \"open_orders\"",
        "    employees }o--o| employees : \"manager / reports\"",
        "    orders }o--o| addresses : \"shipping_address\"",
        "    categories }o--o{ products : \"products / categories\"",
    ] {
        assert!(edges.contains(&expected), "missing {expected:?} in\n{out}");
    }
}

#[test]
fn inspect_dot_is_accepted_by_graphviz() {
    let out = ok(&[
        "inspect",
        "--schema",
        &shop(),
        "--automap",
        "--format",
        "dot",
    ]);
    assert!(out.starts_with("digraph sqlrel {"));
    let dot = Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn();
    let mut dot = dot.unwrap_or_else(|e| {
        panic!("Graphviz's `dot` is needed to check the DOT output ({e}); install it with `apt-get install graphviz` (scripts/test.sh and .ci/run do)")
    });
    use std::io::Write;
    dot.stdin
        .take()
        .expect("stdin")
        .write_all(out.as_bytes())
        .expect("write DOT");
    let svg = dot.wait_with_output().expect("dot runs");
    assert!(
        svg.status.success(),
        "dot rejected the output:\n{}",
        String::from_utf8_lossy(&svg.stderr)
    );
    let svg = String::from_utf8_lossy(&svg.stdout);
    assert!(svg.contains("<svg"), "{svg}");
    for table in ["customers", "order_items", "stock_counts"] {
        assert!(svg.contains(table), "{table} missing from the drawing");
    }
}

/// Names Mermaid and DOT would misread: keywords of Mermaid's lexer, names
/// that differ only in punctuation, quotes, entity codes, markup, a
/// `direction` statement, a newline and a control character.
const HOSTILE_DDL: &str =
    "CREATE TABLE \"many\" (id INTEGER PRIMARY KEY, \"pk\" INTEGER, \"end\" TEXT);
CREATE TABLE \"a-b\" (id INTEGER PRIMARY KEY, many_id INTEGER REFERENCES \"many\"(id));
CREATE TABLE \"a_b\" (id INTEGER PRIMARY KEY, many_id INTEGER REFERENCES \"many\"(id),
    \"we\"\"ird #quot; %% <b>&amp;\" NUMERIC(10, 2));
CREATE TABLE \"direction lr\" (id INTEGER PRIMARY KEY, \"x`y\" INTEGER REFERENCES \"a_b\"(id));
CREATE TABLE \"new
line\x01\" (id INTEGER PRIMARY KEY, \"back\\slash\" INTEGER REFERENCES \"a-b\"(id));";

/// Mermaid's entity codes (`#34;`) decoded, as Mermaid does when drawing.
fn mermaid_decode(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('#') {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 1..];
        let end = tail.find(';').expect("an entity code ends with ;");
        let code: u32 = tail[..end].parse().expect("a decimal entity code");
        out.push(char::from_u32(code).expect("a character"));
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    out
}

fn is_mermaid_word(word: &str) -> bool {
    let keywords = [
        "erdiagram",
        "style",
        "classdef",
        "class",
        "subgraph",
        "end",
        "one",
        "only",
        "many",
        "zero",
        "optionally",
        "to",
        "u",
        "title",
        "acctitle",
        "accdescr",
        "direction",
        "pk",
        "fk",
        "uk",
    ];
    word.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !keywords.contains(&word.to_ascii_lowercase().as_str())
}

/// A quoted Mermaid string (`"..."`) the lexer reads as one token, decoded.
fn mermaid_quoted(text: &str) -> String {
    let inner = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or_else(|| panic!("not quoted: {text:?}"));
    assert!(
        !inner.is_empty() && !inner.contains(['"', '%', '\\', '\r', '\n', '\x0b', '\x08']),
        "{text:?}"
    );
    mermaid_decode(inner)
}

/// An attribute's type or name: a word, or backquoted; decoded.
fn mermaid_attribute(word: &str) -> String {
    match word.strip_prefix('`').and_then(|w| w.strip_suffix('`')) {
        Some(inner) => {
            assert!(!inner.is_empty() && !inner.contains('`'), "{word:?}");
            mermaid_decode(inner)
        }
        None => {
            assert!(is_mermaid_word(word), "{word:?}");
            word.to_owned()
        }
    }
}

/// The first word of an attribute line (backquoted words may hold blanks)
/// and what follows it.
fn mermaid_word_split(text: &str) -> (&str, Option<&str>) {
    let end = match text.strip_prefix('`') {
        Some(rest) => rest.find('`').expect("a closing backquote") + 2,
        None => text.find(' ').unwrap_or(text.len()),
    };
    let rest = text[end..].strip_prefix(' ');
    (&text[..end], rest)
}

/// Checks `diagram` line by line against the token rules of Mermaid's
/// erDiagram lexer, and returns its tables (name, columns) and edges
/// (parent, target, label), names decoded.
#[allow(clippy::type_complexity)]
fn parse_mermaid(diagram: &str) -> (Vec<(String, Vec<String>)>, Vec<(String, String, String)>) {
    let mut lines = diagram.lines();
    assert_eq!(lines.next(), Some("erDiagram"));
    let mut ids = std::collections::HashMap::new();
    let mut tables = Vec::new();
    let mut edges = Vec::new();
    for line in lines {
        let lower = line.to_ascii_lowercase();
        for dir in ["tb", "bt", "rl", "lr"] {
            assert!(!lower.contains(&format!("direction {dir}")), "{line:?}");
        }
        if let Some(head) = line.strip_prefix("    ").and_then(|l| l.strip_suffix(" {")) {
            let (id, name) = match head.split_once('[') {
                Some((id, label)) => (id, mermaid_quoted(label.strip_suffix(']').expect("]"))),
                None => (head, head.to_owned()),
            };
            assert!(is_mermaid_word(id), "{line:?}");
            assert!(
                ids.insert(id.to_owned(), name.clone()).is_none(),
                "{id} twice"
            );
            tables.push((name, Vec::new()));
        } else if let Some(attribute) = line.strip_prefix("        ") {
            let (sql_type, rest) = mermaid_word_split(attribute);
            mermaid_attribute(sql_type);
            let (name, keys) = mermaid_word_split(rest.expect("a name"));
            if let Some(keys) = keys {
                assert!(keys.split(", ").all(|k| k == "PK" || k == "FK"), "{line:?}");
            }
            tables
                .last_mut()
                .expect("in a table")
                .1
                .push(mermaid_attribute(name));
        } else if line == "    }" {
        } else {
            let (ends, label) = line.trim_start().split_once(" : ").expect("an edge");
            let mut ends = ends.split(' ');
            let parent = ids[ends.next().expect("parent")].clone();
            assert!(
                [
                    "||--o{", "||--o|", "}o--||", "|o--o{", "|o--o|", "}o--o|", "}o--o{"
                ]
                .contains(&ends.next().expect("card"))
            );
            let target = ids[ends.next().expect("target")].clone();
            edges.push((parent, target, mermaid_quoted(label)));
        }
    }
    (tables, edges)
}

#[test]
fn inspect_mermaid_and_dot_escape_hostile_names() {
    let ddl = temp_file("hostile_names.sql", HOSTILE_DDL);
    let args = |format| {
        vec![
            "inspect",
            "--schema",
            ddl.to_str().expect("path"),
            "--automap",
            "--format",
            format,
        ]
    };
    let (tables, edges) = parse_mermaid(&ok(&args("mermaid")));
    let names: Vec<&str> = tables.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["many", "a-b", "a_b", "direction lr", "new\nline\x01"],
        "every table once, under its own name"
    );
    assert_eq!(tables[0].1, ["id", "pk", "end"]);
    assert_eq!(tables[2].1, ["id", "many_id", "we\"ird #quot; %% <b>&amp;"]);
    assert_eq!(tables[3].1, ["id", "x`y"]);
    assert_eq!(tables[4].1, ["id", "back\\slash"]);
    assert_eq!(edges.len(), 4, "{edges:?}");
    // Each pair once, from its first key.
    for edge in [
        ("a-b", "many", "many / a-b_collection"),
        ("a_b", "many", "many / a_b_collection"),
        ("a_b", "direction lr", "direction lr_collection / a_b"),
        ("a-b", "new\nline\x01", "new\nline\x01_collection / a-b"),
    ] {
        let edge = (edge.0.to_owned(), edge.1.to_owned(), edge.2.to_owned());
        assert!(edges.contains(&edge), "{edge:?} not in {edges:?}");
    }

    // Graphviz reads the DOT and draws every name as it is.
    let out = ok(&args("dot"));
    let mut dot = Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("Graphviz's dot (scripts/test.sh installs it)");
    use std::io::Write;
    dot.stdin
        .take()
        .expect("stdin")
        .write_all(out.as_bytes())
        .expect("write DOT");
    let svg = dot.wait_with_output().expect("dot runs");
    assert!(
        svg.status.success(),
        "{}",
        String::from_utf8_lossy(&svg.stderr)
    );
    let svg = String::from_utf8_lossy(&svg.stdout);
    for drawn in [
        "direction lr",
        "we&quot;ird #quot; %% &lt;b&gt;&amp;amp;",
        "x`y",
        "many / a_b_collection",
    ] {
        assert!(svg.contains(drawn), "{drawn:?} missing from the drawing");
    }
}

/// A name longer than `format!`'s widths (65,535) is laid out like any
/// other.
#[test]
fn inspect_text_lays_out_names_of_any_length() {
    let long = "t".repeat(70_000);
    let ddl = temp_file(
        "long_name.sql",
        &format!(
            "CREATE TABLE {long} (id INTEGER PRIMARY KEY);
             CREATE TABLE b (id INTEGER PRIMARY KEY, t_id INTEGER REFERENCES {long}(id));"
        ),
    );
    let out = ok(&[
        "inspect",
        "--schema",
        ddl.to_str().expect("path"),
        "--automap",
    ]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "a header and two relationships");
    let key = format!("{long}.b_collection");
    assert!(
        lines[2].starts_with(&format!("{key}  one_to_many  ")),
        "{}",
        &lines[2][..80]
    );
    // The direction column starts at the same place on every line.
    let at = key.len() + 2;
    assert!(lines.iter().all(|l| l.is_char_boundary(at)));
    assert_eq!(&lines[0][at..at + 9], "direction");
    assert_eq!(&lines[1][at..at + 11], "many_to_one");
}

const QUERY: &str = "SELECT customers.id FROM customers WHERE customers.orders_collection.any(orders.shipping_address.has(addresses.city = 'Berlin')) OR customers.addresses_collection.any(addresses.country = 'PT') ORDER BY customers.id";

fn seeded(db: &mut dyn Engine) {
    db.execute(&std::fs::read_to_string(shop()).expect("schema"));
    db.execute(&std::fs::read_to_string(root().join("examples/data/shop_seed.sql")).expect("seed"));
}

#[test]
fn sql_output_runs_on_sqlite() {
    let sql = ok(&[
        "sql",
        "--schema",
        &shop(),
        "--automap",
        "--dialect",
        "sqlite",
        QUERY,
    ]);
    let mut db = Sqlite::new();
    seeded(&mut db);
    assert_eq!(
        db.rows(sql.trim_end(), &[]).expect("runs"),
        vec![vec![Some(1)], vec![Some(2)], vec![Some(3)]]
    );
    // With --params: JSON with placeholders and the values.
    let out = ok(&[
        "sql",
        "--schema",
        &shop(),
        "--automap",
        "--dialect",
        "sqlite",
        "--params",
        QUERY,
    ]);
    let doc: Json = serde_json::from_str(&out).expect("JSON");
    assert_eq!(doc["params"], serde_json::json!(["Berlin", "PT"]));
    let values = vec![
        sea_query::Value::String(Some("Berlin".into())),
        sea_query::Value::String(Some("PT".into())),
    ];
    assert_eq!(
        db.rows(doc["sql"].as_str().unwrap(), &values)
            .expect("runs"),
        vec![vec![Some(1)], vec![Some(2)], vec![Some(3)]]
    );
}

#[test]
fn sql_output_runs_on_postgres() {
    common::engines::skip_without_server!("DATABASE_URL");
    let mut db = Postgres::new("cli");
    seeded(&mut db);
    let sql = ok(&[
        "sql",
        "--schema",
        &shop(),
        "--automap",
        "--dialect",
        "postgres",
        QUERY,
    ]);
    assert_eq!(
        db.rows(sql.trim_end(), &[]).expect("runs"),
        vec![vec![Some(1)], vec![Some(2)], vec![Some(3)]]
    );
    let out = ok(&[
        "sql",
        "--schema",
        &shop(),
        "--relationships",
        &shop_toml(),
        "--dialect",
        "postgres",
        "--params",
        "SELECT employees.id FROM employees WHERE employees.manager.has(employees.name = 'Eve') ORDER BY employees.id",
    ]);
    let doc: Json = serde_json::from_str(&out).expect("JSON");
    assert!(doc["sql"].as_str().unwrap().contains("$1"), "{doc}");
    let values = vec![sea_query::Value::String(Some("Eve".into()))];
    assert_eq!(
        db.rows(doc["sql"].as_str().unwrap(), &values)
            .expect("runs"),
        vec![vec![Some(2)], vec![Some(3)]]
    );
}

#[test]
fn schema_from_a_sqlite_database() {
    let path = std::env::temp_dir().join(format!("sqlrel-cli-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    {
        let conn = rusqlite::Connection::open(&path).expect("create");
        conn.execute_batch(&std::fs::read_to_string(shop()).unwrap())
            .expect("schema");
    }
    let url = format!("sqlite:{}", path.display());
    let from_db = ok(&["inspect", "--db", &url, "--automap", "--format", "json"]);
    let from_ddl = ok(&[
        "inspect",
        "--schema",
        &shop(),
        "--automap",
        "--format",
        "json",
    ]);
    std::fs::remove_file(&path).ok();
    assert_eq!(from_db, from_ddl);
}

/// Exit status 2 and, with JSON output, the error object of
/// docs/inspect-json.md.
fn json_error(args: &[&str]) -> Json {
    let out = sqlrel(args);
    assert_eq!(
        out.status.code(),
        Some(2),
        "sqlrel {args:?}: {}",
        stderr(&out)
    );
    let doc: Json = serde_json::from_str(&stdout(&out)).expect("JSON error");
    let error = doc["error"].as_object().expect("error object");
    assert_eq!(error.len(), 3, "{doc}");
    doc["error"].clone()
}

/// [`json_error`] of `inspect --format json` on the shop schema with the
/// relationship file `toml`.
fn shop_json_error(toml: &Path) -> Json {
    json_error(&[
        "inspect",
        "--schema",
        &shop(),
        "--relationships",
        toml.to_str().unwrap(),
        "--format",
        "json",
    ])
}

#[test]
fn errors_have_exit_statuses_and_messages() {
    // Unknown relationship in the SQL text: status 2, message on stderr.
    let out = sqlrel(&[
        "sql",
        "--schema",
        &shop(),
        "--automap",
        "SELECT 1 FROM customers WHERE customers.nope.any()",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown relationship 'customers.nope'"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("line 1, column 31"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).is_empty());

    // The same as JSON with --params.
    let e = json_error(&[
        "sql",
        "--schema",
        &shop(),
        "--automap",
        "--params",
        "SELECT 1 FROM customers WHERE customers.nope.any()",
    ]);
    assert_eq!(e["kind"], "unknown_relationship");

    // Bad SQL.
    let out = sqlrel(&["sql", "--schema", &shop(), "SELECT FROM WHERE"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot parse SQL text"),
        "{}",
        stderr(&out)
    );

    // A DDL syntax error carries its position.
    let ddl = temp_file(
        "bad.sql",
        "CREATE TABLE a (id INTEGER PRIMARY KEY);\nCREATE TABLE b (id INTEGER,, x INT);",
    );
    let e = json_error(&[
        "inspect",
        "--schema",
        ddl.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(e["kind"], "parse");
    assert!(e["message"].as_str().unwrap().contains("at line 2"), "{e}");
    std::fs::remove_file(ddl).ok();

    // A bad relationship file names the entry (and the relationship).
    let toml = temp_file(
        "bad.toml",
        "[[relationship]]\ntable = \"customers\"\nname = \"orders\"\ntarget = \"nope\"\n",
    );
    let e = shop_json_error(&toml);
    assert_eq!(e["kind"], "unknown_table");
    assert_eq!(e["relationship"], "customers.orders");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("relationship #1 (customers.orders)"),
        "{e}"
    );
    let toml_syntax = temp_file("syntax.toml", "[[relationship]\ntable = ");
    let e = shop_json_error(&toml_syntax);
    assert_eq!(e["kind"], "parse");
    std::fs::remove_file(toml).ok();
    std::fs::remove_file(toml_syntax).ok();

    // A configuration error: two foreign keys to addresses, none chosen.
    let toml = temp_file(
        "ambiguous.toml",
        "[[relationship]]\ntable = \"orders\"\nname = \"address\"\ntarget = \"addresses\"\n",
    );
    let e = shop_json_error(&toml);
    assert_eq!(e["kind"], "ambiguous_foreign_keys");
    assert_eq!(e["relationship"], "orders.address");
    std::fs::remove_file(toml).ok();

    // A file that does not exist: status 1.
    let out = sqlrel(&["inspect", "--schema", "/nonexistent/shop.sql"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot read"), "{}", stderr(&out));

    // A bad --db.
    let out = sqlrel(&["inspect", "--db", "oracle://x"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn help_shows_an_example_for_every_subcommand() {
    for args in [
        vec!["--help"],
        vec!["inspect", "--help"],
        vec!["sql", "--help"],
    ] {
        let out = ok(&args);
        assert!(out.contains("Example"), "sqlrel {args:?} --help:\n{out}");
        assert!(out.contains("sqlrel "), "{out}");
    }
    let _ = Path::new("unused");
}

/// Relationship-aware text that would leave a call unexpanded, or name a
/// table no FROM reads, is refused: status 2, the position and what to do.
#[test]
fn unexpandable_calls_and_out_of_scope_columns_are_errors() {
    let cases = [
        (
            "SELECT 1 FROM customers WHERE customers.orders_collection.exist()",
            "line 1, column 31: unknown method 'exist' on relationship customers.orders_collection; \
             the methods are: any, has, contains, is, is_not, is_none, is_not_none",
        ),
        (
            "SELECT 1 FROM customers WHERE customers.orders_collection()",
            "line 1, column 31: relationship customers.orders_collection is called without a method",
        ),
        (
            "SELECT 1 FROM customers\nWHERE customers.orders_collection.order_items_collection.any()",
            "line 2, column 7: 'customers.orders_collection.order_items_collection.any' is a path of \
             relationships",
        ),
        (
            "SELECT * FROM customers.orders_collection.any()",
            "line 1, column 15: relationship customers.orders_collection is called where sqlrel \
             does not expand calls",
        ),
        (
            "SELECT 1 FROM customers WHERE customers.orders_collection.any(products.name = 'x')",
            "line 1, column 63: column products.name is out of scope: neither the statement nor an \
             enclosing relationship predicate reads table 'products'; reach it through a \
             relationship: orders.order_items_collection.any(order_items.products.has(...))",
        ),
        (
            "SELECT 1 FROM orders WHERE customers.orders_collection.any()",
            "column customers.id is out of scope",
        ),
    ];
    for (query, expected) in cases {
        let out = sqlrel(&["sql", "--schema", &shop(), "--automap", query]);
        assert_eq!(out.status.code(), Some(2), "{query}: {}", stderr(&out));
        assert!(stdout(&out).is_empty(), "{query}");
        let expected = expected.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            stderr(&out).contains(&expected),
            "{query}:\n{}\nexpected: {expected}",
            stderr(&out)
        );
    }
}

/// Text nested past the limits is refused with status 2 and the position,
/// never a crash (a stack overflow aborts the process with a signal).
#[test]
fn deeply_nested_text_is_an_error_not_a_crash() {
    let chain = vec!["1"; 20_000].join(" + ");
    let parens = format!("{}1{}", "(".repeat(20_000), ")".repeat(20_000));
    for (query, expected) in [
        (
            format!(
                "SELECT 1 FROM customers WHERE customers.orders_collection.any(orders.id = {chain})"
            ),
            "the expression nests too deep: more than 250 operators in one chain",
        ),
        (
            format!("SELECT {parens} FROM customers"),
            "cannot parse SQL text: the expression nests too deep: parentheses, subqueries and \
             function calls nest at most about 45 levels; flatten the expression",
        ),
    ] {
        let out = sqlrel(&["sql", "--schema", &shop(), "--automap", &query]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stdout(&out).is_empty());
        assert!(stderr(&out).contains(expected), "{}", stderr(&out));
    }
}

/// SQLAlchemy's configure-time warnings show in `inspect` (text and JSON)
/// and, for the relationships a text uses, on `sqlrel sql`'s stderr.
#[test]
fn warnings_are_shown() {
    let schema = temp_file(
        "warn.sql",
        "CREATE TABLE users (id INTEGER PRIMARY KEY);
         CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id));",
    );
    let toml = temp_file(
        "warn.toml",
        "[[relationship]]\ntable = \"users\"\nname = \"addresses\"\ntarget = \"addresses\"\n\n\
         [[relationship]]\ntable = \"users\"\nname = \"addresses2\"\ntarget = \"addresses\"\n",
    );
    let args = |extra: &[&str]| -> Vec<String> {
        let mut args: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        args.extend([
            "--schema".to_owned(),
            schema.display().to_string(),
            "--relationships".to_owned(),
            toml.display().to_string(),
        ]);
        args
    };
    let run = |extra: &[&str]| {
        let owned = args(extra);
        let refs: Vec<&str> = owned.iter().map(String::as_str).collect();
        sqlrel(&refs)
    };
    let warning = "relationship 'users.addresses2' will copy column users.id to column \
                   addresses.user_id, which conflicts with relationship(s): 'users.addresses'";

    let text = stdout(&run(&["inspect"]));
    assert!(
        text.contains(&format!("warning: users.addresses2: {warning}")),
        "{text}"
    );

    let json: Json =
        serde_json::from_str(&stdout(&run(&["inspect", "--format", "json"]))).expect("JSON output");
    let rels = json["relationships"].as_array().expect("relationships");
    let warnings = |key: &str| {
        rels.iter()
            .find(|r| format!("{}.{}", r["table"], r["name"]).replace('"', "") == key)
            .map(|r| r["warnings"].clone())
            .expect("relationship")
    };
    assert_eq!(warnings("users.addresses"), serde_json::json!([]));
    assert!(
        warnings("users.addresses2")[0]
            .as_str()
            .is_some_and(|w| w.starts_with(warning)),
        "{json}"
    );

    let used = run(&["sql", "SELECT 1 FROM users WHERE users.addresses2.any()"]);
    assert!(used.status.success());
    assert!(
        stderr(&used).contains(&format!("sqlrel: warning: users.addresses2: {warning}")),
        "{}",
        stderr(&used)
    );
    let unused = run(&["sql", "SELECT 1 FROM users WHERE users.addresses.any()"]);
    assert!(unused.status.success());
    assert!(stderr(&unused).is_empty(), "{}", stderr(&unused));
}
