//! No input makes layers 1–4 panic: random and mutated DDL, random condition
//! text, random schemas with random relationship declarations. Every
//! failure is a typed error with a consistent kind and a message; every
//! success satisfies the invariants a resolved relationship must have.
//!
//! Generators draw from a stream of random numbers ([`Gen`]), so that one
//! `Vec<u32>` strategy drives structures whose shape depends on earlier
//! choices (column lists of the tables generated so far, ...); proptest
//! still shrinks failures by shrinking the stream.

use std::sync::Arc;

use proptest::prelude::*;

use crate::common::generate::{Gen, stream};
use sqlrel::expr::{Annotations, BindKey, Expr, Value, parse_condition};
use sqlrel::registry::Registry;
use sqlrel::relationship::{Backref, Condition, Direction, RelationshipConfig};
use sqlrel::schema::{ColumnRef, ForeignKeyDef, Schema, Table, TableBuilder};
use sqlrel::{Error, ErrorKind};

const CASES: u32 = 512;

// ---------------------------------------------------------------------------
// Random stream
// ---------------------------------------------------------------------------

// ---------------------------------------------------------------------------
// Error checks
// ---------------------------------------------------------------------------

/// The kind each variant must report (`None` for variants this test does
/// not know about).
fn expected_kind(e: &Error) -> Option<ErrorKind> {
    Some(match e {
        Error::UnknownTable { .. } => ErrorKind::UnknownTable,
        Error::UnknownColumn { .. } => ErrorKind::UnknownColumn,
        Error::UnknownRelationship { .. } => ErrorKind::UnknownRelationship,
        Error::Parse { .. } => ErrorKind::Parse,
        Error::NoForeignKeys { .. } => ErrorKind::NoForeignKeys,
        Error::AmbiguousForeignKeys { .. } => ErrorKind::AmbiguousForeignKeys,
        Error::NoLocalRemotePairs { .. } => ErrorKind::NoLocalRemotePairs,
        Error::NoForeignColumns { .. } => ErrorKind::NoForeignColumns,
        Error::NoEqualityForeignColumns { .. } => ErrorKind::NoEqualityForeignColumns,
        Error::AmbiguousDirection { .. } => ErrorKind::AmbiguousDirection,
        Error::NoDirection { .. } => ErrorKind::NoDirection,
        Error::DuplicateTable { .. }
        | Error::DuplicateColumn { .. }
        | Error::InvalidConstraint { .. }
        | Error::SecondaryJoinWithoutSecondary { .. }
        | Error::BackrefWithBackPopulates { .. }
        | Error::BackrefExists { .. }
        | Error::BackrefSecondaryJoin { .. }
        | Error::SameDirection { .. }
        | Error::BackPopulatesMismatch { .. }
        | Error::InvalidArgument { .. } => ErrorKind::InvalidArgument,
        _ => return None,
    })
}

fn check_error(e: &Error) -> Result<(), TestCaseError> {
    let kind = e.kind();
    prop_assert_eq!(kind, e.kind(), "kind() is stable");
    if let Some(expected) = expected_kind(e) {
        prop_assert_eq!(kind, expected, "kind of {:?}", e);
    }
    prop_assert!(!kind.as_str().is_empty());
    prop_assert_eq!(kind.to_string(), kind.as_str());
    prop_assert!(
        !e.to_string().trim().is_empty(),
        "empty message for {:?}",
        e
    );
    if let Some(rel) = e.relationship() {
        prop_assert!(!rel.is_empty());
    }
    let names_relationship = matches!(
        kind,
        ErrorKind::NoForeignKeys
            | ErrorKind::AmbiguousForeignKeys
            | ErrorKind::NoLocalRemotePairs
            | ErrorKind::NoForeignColumns
            | ErrorKind::NoEqualityForeignColumns
            | ErrorKind::AmbiguousDirection
            | ErrorKind::NoDirection
    );
    if names_relationship {
        prop_assert!(e.relationship().is_some(), "{:?} names no relationship", e);
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Schema invariants
// ---------------------------------------------------------------------------

fn check_schema(s: &Schema) -> Result<(), TestCaseError> {
    for (i, t) in s.tables().enumerate() {
        prop_assert_eq!(t.id().index(), i);
        let qualified = t.qualified_name().to_string();
        let by_name = s.table(&qualified);
        prop_assert!(by_name.is_ok(), "{} not found by name", t.qualified_name());
        prop_assert_eq!(by_name.unwrap().id(), t.id());
        prop_assert_eq!(s.table_by_id(t.id()).map(|x| x.id()), Some(t.id()));
        let n = t.columns().len();
        prop_assert_eq!(s.columns_of(t).count(), n);
        for c in t.columns() {
            let r = s.table_column(t, c.name());
            prop_assert!(r.is_ok());
            let r = r.unwrap();
            prop_assert_eq!(r.name(), c.name());
        }
        for id in t.primary_key() {
            prop_assert!(id.index() < n);
            prop_assert!(!t.columns()[id.index()].is_nullable(), "PK column nullable");
        }
        for fk in t.foreign_keys() {
            prop_assert!(!fk.columns().is_empty());
            prop_assert_eq!(fk.columns().len(), fk.referred_columns().len());
            let referred = s.table_by_id(fk.referred_table());
            prop_assert!(referred.is_some());
            let referred = referred.unwrap();
            for (l, r) in fk.pairs() {
                prop_assert!(t.column(l).is_some());
                prop_assert!(referred.column(r).is_some());
                let lc = s.table_column(t, t.column(l).unwrap().name()).unwrap();
                let rc = s
                    .table_column(referred, referred.column(r).unwrap().name())
                    .unwrap();
                prop_assert!(lc.references(&rc));
            }
        }
        for u in t.unique_constraints() {
            prop_assert!(!u.columns().is_empty());
            prop_assert!(u.columns().iter().all(|c| c.index() < n));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Identifiers
// ---------------------------------------------------------------------------

const TABLE_NAMES: &[&str] = &[
    "users",
    "addresses",
    "nodes",
    "order",
    "select",
    "group",
    "my table",
    "we\"ird",
    "ユーザー",
    "Users",
    "t1",
    "a.b",
    "x",
];

const COLUMN_NAMES: &[&str] = &[
    "id",
    "user_id",
    "parent_id",
    "x",
    "y",
    "order",
    "from",
    "Name",
    "my col",
    "we\"ird",
    "名前",
    "id2",
    "select",
    "b",
];

const NAMESPACES: &[Option<&str>] = &[
    None,
    None,
    None,
    Some("public"),
    Some("other"),
    Some("My Schema"),
    Some("a"),
];

const TYPES: &[&str] = &[
    "INTEGER",
    "INT",
    "TEXT",
    "VARCHAR(30)",
    "NUMERIC(10, 2)",
    "BOOLEAN",
];

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn is_plain(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Quoted, or bare when plain and the coin says so (bare keywords make
/// some statements invalid, which is part of the point).
fn ident(g: &mut Gen, name: &str) -> String {
    if is_plain(name) && g.chance(60) {
        name.to_owned()
    } else {
        quote(name)
    }
}

fn qualified(g: &mut Gen, ns: Option<&str>, name: &str) -> String {
    match ns {
        Some(ns) => format!("{}.{}", ident(g, ns), ident(g, name)),
        None => ident(g, name),
    }
}

// ---------------------------------------------------------------------------
// DDL generation
// ---------------------------------------------------------------------------

struct DdlTable {
    ns: Option<&'static str>,
    name: &'static str,
    columns: Vec<&'static str>,
}

fn column_list(g: &mut Gen, columns: &[&str], k: usize) -> String {
    let mut parts = Vec::new();
    for _ in 0..k {
        let name = if columns.is_empty() || g.chance(3) {
            "zz"
        } else {
            g.pick(columns)
        };
        parts.push(ident(g, name));
    }
    parts.join(", ")
}

fn reference(g: &mut Gen, tables: &[DdlTable]) -> (String, Vec<&'static str>) {
    if g.chance(4) {
        return ("missing".to_owned(), vec!["id"]);
    }
    let t = &tables[g.below(tables.len())];
    let name = if t.ns.is_some() && g.chance(30) {
        ident(g, t.name)
    } else {
        qualified(g, t.ns, t.name)
    };
    (name, t.columns.clone())
}

fn gen_ddl(g: &mut Gen) -> String {
    let n = 1 + g.below(5);
    let mut names = g.distinct(TABLE_NAMES.len(), n);
    if g.chance(5) && n > 1 {
        names[n - 1] = names[0];
    }
    let tables: Vec<DdlTable> = names
        .into_iter()
        .map(|name| {
            let ns = *g.pick(NAMESPACES);
            let name = TABLE_NAMES[name];
            let k = g.below(6);
            let mut columns: Vec<&'static str> = g
                .distinct(COLUMN_NAMES.len(), k)
                .into_iter()
                .map(|i| COLUMN_NAMES[i])
                .collect();
            if g.chance(5) && !columns.is_empty() {
                columns.push(columns[0]);
            }
            DdlTable { ns, name, columns }
        })
        .collect();
    let mut statements = Vec::new();
    for t in &tables {
        let mut parts = Vec::new();
        // A second primary key is an error; generate one only now and then
        // so that most texts reach the later checks.
        let mut has_pk = false;
        for c in &t.columns {
            let mut def = format!("{} {}", ident(g, c), g.pick(TYPES));
            if g.chance(20) {
                def.push_str(" NOT NULL");
            }
            if g.chance(15) && (!has_pk || g.chance(10)) {
                def.push_str(" PRIMARY KEY");
                has_pk = true;
            }
            if g.chance(10) {
                def.push_str(" UNIQUE");
            }
            if g.chance(20) {
                let (target, cols) = reference(g, &tables);
                if g.chance(30) {
                    def.push_str(&format!(" CONSTRAINT {}", ident(g, "fk_inline")));
                }
                def.push_str(&format!(" REFERENCES {target}"));
                if g.chance(70) {
                    let k = if g.chance(85) { 1 } else { 2 };
                    def.push_str(&format!(" ({})", column_list(g, &cols, k)));
                }
            }
            parts.push(def);
        }
        for _ in 0..g.below(4) {
            let mut cons = String::new();
            if g.chance(30) {
                cons.push_str(&format!("CONSTRAINT {} ", ident(g, "c_name")));
            }
            let k = 1 + g.below(3);
            match g.below(3) {
                0 if !has_pk || g.chance(10) => {
                    has_pk = true;
                    cons.push_str(&format!("PRIMARY KEY ({})", column_list(g, &t.columns, k)))
                }
                0 => cons.push_str(&format!("UNIQUE ({})", column_list(g, &t.columns, k))),
                1 => cons.push_str(&format!("UNIQUE ({})", column_list(g, &t.columns, k))),
                _ => {
                    let (target, cols) = reference(g, &tables);
                    let k2 = if g.chance(80) { k } else { 1 + g.below(3) };
                    cons.push_str(&format!(
                        "FOREIGN KEY ({}) REFERENCES {target}",
                        column_list(g, &t.columns, k)
                    ));
                    if g.chance(80) {
                        cons.push_str(&format!(" ({})", column_list(g, &cols, k2)));
                    }
                }
            }
            parts.push(cons);
        }
        let name = qualified(g, t.ns, t.name);
        statements.push(format!("CREATE TABLE {name} ({})", parts.join(", ")));
    }
    for _ in 0..g.below(3) {
        let t = &tables[g.below(tables.len())];
        let name = qualified(g, t.ns, t.name);
        let k = 1 + g.below(2);
        let op = match g.below(4) {
            0 => format!("ADD UNIQUE ({})", column_list(g, &t.columns, k)),
            1 if g.chance(20) => format!("ADD PRIMARY KEY ({})", column_list(g, &t.columns, k)),
            1 => format!("ADD UNIQUE ({})", column_list(g, &t.columns, k)),
            _ => {
                let (target, cols) = reference(g, &tables);
                format!(
                    "ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {target} ({})",
                    ident(g, "fk_alter"),
                    column_list(g, &t.columns, k),
                    column_list(g, &cols, k)
                )
            }
        };
        statements.push(format!("ALTER TABLE {name} {op}"));
    }
    if g.chance(20) {
        let t = &tables[g.below(tables.len())];
        let name = qualified(g, t.ns, t.name);
        let cols = column_list(g, &t.columns, 1);
        statements.push(format!("CREATE INDEX ix ON {name} ({cols})"));
    }
    statements.join(";\n")
}

const TOKENS: &[&str] = &[
    "(",
    ")",
    ",",
    ";",
    "\"",
    "'",
    ".",
    "CREATE",
    "TABLE",
    "PRIMARY",
    "KEY",
    "FOREIGN",
    "REFERENCES",
    "UNIQUE",
    "CONSTRAINT",
    "ALTER",
    "ADD",
    "NOT",
    "NULL",
    "INSERT",
    "INTO",
    "VALUES",
    "DROP",
    "INDEX",
    "ON",
    "AS",
    "SELECT",
    "users",
    "id",
    "\"order\"",
    "ユーザー",
    "INTEGER",
    "--",
    "/*",
    "*/",
    "\0",
    "\u{feff}",
    "ü",
    "``",
    "[x]",
    "$1",
];

/// Byte offsets of char boundaries of `s`, end included.
fn boundaries(s: &str) -> Vec<usize> {
    s.char_indices().map(|(i, _)| i).chain([s.len()]).collect()
}

fn mutate(g: &mut Gen, mut text: String) -> String {
    for _ in 0..g.below(4) {
        let b = boundaries(&text);
        let at = b[g.below(b.len())];
        match g.below(4) {
            0 => text.insert_str(at, &format!(" {} ", g.pick(TOKENS))),
            1 => {
                let end = b[g.below(b.len())].max(at);
                text.replace_range(at..end, "");
            }
            2 => text.truncate(at),
            _ => {
                let end = b[g.below(b.len())].max(at);
                let piece = text[at..end].to_owned();
                text.insert_str(at, &piece);
            }
        }
    }
    text
}

fn token_soup(g: &mut Gen, tokens: &[&str]) -> String {
    let n = g.below(40);
    (0..n)
        .map(|_| *g.pick(tokens))
        .collect::<Vec<_>>()
        .join(if g.chance(50) { " " } else { "" })
}

fn check_ddl(text: &str) -> Result<(), TestCaseError> {
    match Schema::from_ddl(text) {
        Ok(s) => check_schema(&s),
        Err(e) => check_error(&e),
    }
}

// ---------------------------------------------------------------------------
// Condition generation
// ---------------------------------------------------------------------------

fn condition_schema() -> Schema {
    Schema::from_ddl(
        r#"CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, age INTEGER);
           CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), email TEXT);
           CREATE TABLE "order" (id INTEGER PRIMARY KEY, "Name" TEXT, "my col" INTEGER);
           CREATE TABLE "my table" (id INTEGER PRIMARY KEY, "we""ird" INTEGER);
           CREATE TABLE "ユーザー" (id INTEGER PRIMARY KEY, "名前" TEXT);
           CREATE TABLE "Users" (id INTEGER PRIMARY KEY);
           CREATE TABLE public.accounts (id INTEGER PRIMARY KEY, owner_id INTEGER);"#,
    )
    .expect("condition schema")
}

const COND_COLUMNS: &[(Option<&str>, &str, &str)] = &[
    (None, "users", "id"),
    (None, "users", "name"),
    (None, "users", "age"),
    (None, "addresses", "user_id"),
    (None, "addresses", "email"),
    (None, "order", "id"),
    (None, "order", "Name"),
    (None, "order", "my col"),
    (None, "my table", "we\"ird"),
    (None, "ユーザー", "名前"),
    (None, "Users", "id"),
    (Some("public"), "accounts", "owner_id"),
    (None, "users", "nope"),
    (None, "nope", "id"),
];

const LITERALS: &[&str] = &[
    "0",
    "1",
    "-7",
    "42",
    "9223372036854775807",
    "-9223372036854775808",
    "1.5",
    "-0.25",
    "1e3",
    ".5",
    "1e400",
    "'x'",
    "''",
    "'it''s'",
    "'%@x.com'",
    "'ユーザー'",
    "'a\\b'",
    "NULL",
    "TRUE",
    "false",
    "X'AB'",
    "?",
    ":p",
    "$1",
    "DATE '2020-01-01'",
    "INTERVAL '1' DAY",
];

const FUNCTIONS: &[&str] = &[
    "lower", "foo", "coalesce", "foreign", "remote", "FOREIGN", "count", "Remote",
];

const OPERATORS: &[&str] = &[
    "=",
    "=",
    "!=",
    "<>",
    "<",
    "<=",
    ">",
    ">=",
    "LIKE",
    "NOT LIKE",
    "+",
    "-",
    "*",
    "/",
    "%",
    "||",
    "&",
    "AND",
    "OR",
    "ILIKE",
    "IS DISTINCT FROM",
    "->",
];

fn gen_column_text(g: &mut Gen) -> String {
    let (ns, table, column) = *g.pick(COND_COLUMNS);
    match g.below(10) {
        0 => ident(g, column),
        1 => format!("a.b.c.{}", ident(g, column)),
        _ => format!("{}.{}", qualified(g, ns, table), ident(g, column)),
    }
}

fn gen_condition(g: &mut Gen, depth: u32) -> String {
    if depth == 0 || g.chance(25) {
        return match g.below(3) {
            0 => g.pick(LITERALS).to_string(),
            _ => gen_column_text(g),
        };
    }
    let d = depth - 1;
    match g.below(12) {
        0 => {
            let name = g.pick(FUNCTIONS);
            let args: Vec<String> = (0..g.below(3)).map(|_| gen_condition(g, d)).collect();
            if g.chance(5) {
                format!("{name}(*)")
            } else {
                format!("{name}({})", args.join(", "))
            }
        }
        1 => format!("NOT {}", gen_condition(g, d)),
        2 => format!("({})", gen_condition(g, d)),
        3 => format!(
            "{} IS {}NULL",
            gen_condition(g, d),
            if g.chance(50) { "NOT " } else { "" }
        ),
        4 => {
            let items: Vec<String> = (0..g.below(4)).map(|_| gen_condition(g, d)).collect();
            format!(
                "{} {}IN ({})",
                gen_condition(g, d),
                if g.chance(30) { "NOT " } else { "" },
                items.join(", ")
            )
        }
        5 => format!(
            "{} BETWEEN {} AND {}",
            gen_condition(g, d),
            gen_condition(g, d),
            gen_condition(g, d)
        ),
        6 => format!("-{}", gen_condition(g, d)),
        _ => {
            let op = g.pick(OPERATORS);
            format!("{} {op} {}", gen_condition(g, d), gen_condition(g, d))
        }
    }
}

fn has_non_finite_float(e: &Expr) -> bool {
    let mut found = false;
    e.walk(&mut |x| {
        if let Expr::Value(Value::Float(f)) = x {
            found |= !f.is_finite();
        }
    });
    found
}

fn strip(e: &Expr) -> Expr {
    e.clone()
        .deannotate(Annotations::FOREIGN | Annotations::REMOTE | Annotations::LOCAL)
}

fn check_condition(schema: &Schema, text: &str) -> Result<(), TestCaseError> {
    match parse_condition(text, schema) {
        Err(e) => check_error(&e),
        Ok(e) => {
            let shown = e.to_string();
            prop_assert!(!shown.is_empty());
            let _ = e.columns_with(Annotations::FOREIGN);
            let _ = e.has_annotation(Annotations::REMOTE);
            let _ = e.clone().not().to_string();
            e.visit_binary_product(&mut |_, _, _| {});
            // Display parses back to the same tree. Non-finite floats are a
            // known bug (see expr.rs, parse_rejects_non_finite_float_literal).
            if !has_non_finite_float(&e) {
                let again = parse_condition(&shown, schema);
                prop_assert!(
                    again.is_ok(),
                    "{:?} displays as {:?}, which does not parse: {:?}",
                    text,
                    shown,
                    again
                );
                prop_assert_eq!(again.unwrap(), strip(&e), "{:?} -> {:?}", text, shown);
            }
            Ok(())
        }
    }
}

// ---------------------------------------------------------------------------
// Random schemas and relationship declarations
// ---------------------------------------------------------------------------

/// Table names whose Display parses back (see expr.rs
/// `display_quotes_reserved_words` for `user`, `null`, ...).
const REL_TABLE_NAMES: &[&str] = &[
    "users",
    "addresses",
    "nodes",
    "order",
    "select",
    "group",
    "my table",
    "we\"ird",
    "ユーザー",
    "Users",
    "t1",
    "a.b",
];

const REL_NAMES: &[&str] = &[
    "children", "parent", "items", "rel", "other", "ü", "my rel", "id", "x",
];

struct World {
    schema: Arc<Schema>,
    /// Strings naming each table in declarations (bare or qualified).
    refs: Vec<String>,
    /// `(owner, referred)` table indices of every foreign key.
    edges: Vec<(usize, usize)>,
}

/// Namespace, name, columns, primary-key column indices.
type TableDef = (
    Option<&'static str>,
    &'static str,
    Vec<&'static str>,
    Vec<usize>,
);

fn gen_schema(g: &mut Gen) -> Result<World, Error> {
    let n = 1 + g.below(5);
    // Mostly distinct names; a repeated name now and then (duplicate table,
    // or the same name in two namespaces).
    let mut names = g.distinct(REL_TABLE_NAMES.len(), n);
    if g.chance(4) && n > 1 {
        names[n - 1] = names[0];
    }
    let mut defs: Vec<TableDef> = Vec::new();
    for &name in &names {
        let ns = *g.pick(NAMESPACES);
        let k = 1 + g.below(5);
        let cols: Vec<&'static str> = g
            .distinct(COLUMN_NAMES.len(), k)
            .into_iter()
            .map(|i| COLUMN_NAMES[i])
            .collect();
        let pk_len = if g.chance(15) {
            0
        } else {
            1 + g.below(cols.len().min(2))
        };
        let pk = g.distinct(cols.len(), pk_len);
        defs.push((ns, REL_TABLE_NAMES[name], cols, pk));
    }
    let mut builder = Schema::builder();
    let mut edges = Vec::new();
    for (i, (ns, name, cols, pk)) in defs.iter().enumerate() {
        let mut t = TableBuilder::new(*name);
        if let Some(ns) = ns {
            t = t.namespace(*ns);
        }
        for c in cols {
            t = t.column(*c, *g.pick(TYPES));
        }
        if g.chance(1) && !cols.is_empty() {
            t = t.column(cols[0], "INTEGER");
        }
        t = t.primary_key(pk.iter().map(|&i| cols[i]));
        for _ in 0..g.below(3) {
            // Self-referential now and then, otherwise any table.
            let target = if g.chance(25) { i } else { g.below(n) };
            let (tns, tname, tcols, tpk) = &defs[target];
            let use_pk = !tpk.is_empty() && tpk.len() <= cols.len() && g.chance(35);
            let k = if use_pk {
                tpk.len()
            } else {
                1 + g.below(cols.len().min(2))
            };
            let local: Vec<&str> = g
                .distinct(cols.len(), k)
                .into_iter()
                .map(|i| cols[i])
                .collect();
            let target_name = match tns {
                Some(ns) if g.chance(70) => format!("{ns}.{tname}"),
                _ => (*tname).to_owned(),
            };
            let referred: Vec<&str> = if use_pk {
                Vec::new()
            } else if g.chance(1) {
                vec!["nope"]
            } else {
                (0..local.len()).map(|_| *g.pick(tcols)).collect()
            };
            let mut fk = ForeignKeyDef::new(local, target_name, referred);
            if g.chance(30) {
                fk = fk.named("fk");
            }
            t = t.foreign_key_def(fk);
            edges.push((i, target));
        }
        if g.chance(20) {
            t = t.unique([*g.pick(cols)]);
        }
        builder = builder.table(t);
    }
    let schema = Arc::new(builder.build()?);
    let refs = schema
        .tables()
        .map(|t| {
            if t.namespace().is_some() && g.chance(70) {
                t.qualified_name().to_string()
            } else {
                t.name().to_owned()
            }
        })
        .collect();
    Ok(World {
        schema,
        refs,
        edges,
    })
}

fn table_ref(g: &mut Gen, w: &World) -> String {
    if g.chance(3) {
        "missing".to_owned()
    } else {
        w.refs[g.below(w.refs.len())].clone()
    }
}

fn table_of<'a>(w: &'a World, name: &str) -> Option<&'a Arc<Table>> {
    w.schema.table(name).ok()
}

/// `table.column` as the declaration lists spell it.
fn column_ref(g: &mut Gen, w: &World, tables: &[&Arc<Table>]) -> String {
    if g.chance(5) {
        return "users.nope".to_owned();
    }
    if g.chance(3) {
        return "nodot".to_owned();
    }
    let t = if tables.is_empty() || g.chance(15) {
        &w.schema
            .tables()
            .nth(g.below(w.schema.tables().len()))
            .cloned()
            .unwrap()
    } else {
        tables[g.below(tables.len())]
    };
    let c = &t.columns()[g.below(t.columns().len())];
    format!("{}.{}", t.qualified_name(), c.name())
}

/// `"ns"."table"."column"` with a random annotation wrapper.
fn condition_column(g: &mut Gen, w: &World, tables: &[&Arc<Table>]) -> String {
    let t = if tables.is_empty() || g.chance(10) {
        w.schema
            .tables()
            .nth(g.below(w.schema.tables().len()))
            .cloned()
            .unwrap()
    } else {
        Arc::clone(tables[g.below(tables.len())])
    };
    let c = &t.columns()[g.below(t.columns().len())];
    let table = match t.namespace() {
        Some(ns) => format!("{}.{}", quote(ns), quote(t.name())),
        None => quote(t.name()),
    };
    let mut text = format!("{table}.{}", quote(c.name()));
    if g.chance(8) {
        text = format!("lower({text})");
    }
    match g.below(100) {
        0..=54 => text,
        55..=69 => format!("foreign({text})"),
        70..=84 => format!("remote({text})"),
        85..=91 => format!("remote(foreign({text}))"),
        92..=95 => format!("foreign(remote({text}))"),
        96..=97 => format!("foreign({text}, {text})"),
        _ => "foreign()".to_owned(),
    }
}

fn gen_join(g: &mut Gen, w: &World, tables: &[&Arc<Table>]) -> String {
    let n = 1 + g.below(3);
    let mut parts = Vec::new();
    for _ in 0..n {
        let left = condition_column(g, w, tables);
        let op = if g.chance(75) {
            "="
        } else {
            *g.pick(&["!=", "<", ">=", "LIKE"])
        };
        let right = if g.chance(12) {
            g.pick(&["5", "'x'", "NULL"]).to_string()
        } else {
            condition_column(g, w, tables)
        };
        parts.push(format!("{left} {op} {right}"));
    }
    let sep = if g.chance(85) { " AND " } else { " OR " };
    let text = parts.join(sep);
    if g.chance(5) {
        format!("NOT ({text})")
    } else {
        text
    }
}

fn condition(g: &mut Gen, w: &World, text: String) -> Condition {
    if g.chance(25)
        && let Ok(e) = parse_condition(&text, &w.schema)
    {
        return Condition::Expr(e);
    }
    Condition::Text(text)
}

/// Parent, target and secondary: mostly along the schema's foreign keys
/// (either way, or through a table holding two of them), otherwise random.
fn endpoints(g: &mut Gen, w: &World) -> (String, String, Option<String>) {
    let r = |i: usize| w.refs[i].clone();
    match g.below(10) {
        0..=4 if !w.edges.is_empty() => {
            let (owner, referred) = *g.pick(&w.edges);
            if g.chance(50) {
                (r(owner), r(referred), None)
            } else {
                (r(referred), r(owner), None)
            }
        }
        5..=6 if w.edges.len() >= 2 => {
            // An owner of two foreign keys links their targets.
            let (owner, r1) = *g.pick(&w.edges);
            let others: Vec<usize> = w
                .edges
                .iter()
                .filter(|(o, _)| *o == owner)
                .map(|&(_, r)| r)
                .collect();
            let r2 = *g.pick(&others);
            (r(r1), r(r2), Some(r(owner)))
        }
        _ => {
            let table = table_ref(g, w);
            let target = table_ref(g, w);
            let secondary = if g.chance(20) {
                Some(table_ref(g, w))
            } else {
                None
            };
            (table, target, secondary)
        }
    }
}

fn gen_configs(g: &mut Gen, w: &World) -> Vec<RelationshipConfig> {
    let n = 1 + g.below(3);
    let mut configs = Vec::new();
    for _ in 0..n {
        let (table, target, secondary) = endpoints(g, w);
        let name = if g.chance(50) {
            (*g.pick(REL_NAMES)).to_owned()
        } else {
            format!("r{}", configs.len())
        };
        let mut c = RelationshipConfig::new(table.clone(), name, target.clone());
        let mut involved: Vec<&Arc<Table>> = [Some(&table), Some(&target), secondary.as_ref()]
            .into_iter()
            .flatten()
            .filter_map(|n| table_of(w, n))
            .collect();
        involved.dedup_by_key(|t| t.id());
        if let Some(s) = &secondary {
            c = c.secondary(s.clone());
        }
        if g.chance(25) {
            let text = gen_join(g, w, &involved);
            let cond = condition(g, w, text);
            c = c.primaryjoin(cond);
        }
        if g.chance(if secondary.is_some() { 30 } else { 4 }) {
            let text = gen_join(g, w, &involved);
            let cond = condition(g, w, text);
            c = c.secondaryjoin(cond);
        }
        if g.chance(15) {
            let cols: Vec<String> = (0..1 + g.below(2))
                .map(|_| column_ref(g, w, &involved))
                .collect();
            c = c.foreign_keys(cols);
        }
        if g.chance(12) {
            let cols: Vec<String> = (0..1 + g.below(2))
                .map(|_| column_ref(g, w, &involved))
                .collect();
            c = c.remote_side(cols);
        }
        if g.chance(20) {
            c = c.uselist(g.chance(50));
        }
        if g.chance(25) {
            c = c.viewonly(true);
        }
        if g.chance(10) {
            c = c.order_by([column_ref(g, w, &involved)]);
        }
        if g.chance(35) {
            let bname = *g.pick(REL_NAMES);
            if g.chance(50) {
                c = c.backref(bname);
            } else {
                let mut b = Backref::new(bname);
                if g.chance(30) {
                    b = b.uselist(g.chance(50));
                }
                if g.chance(30) {
                    b = b.remote_side([column_ref(g, w, &involved)]);
                }
                if g.chance(20) {
                    b = b.foreign_keys([column_ref(g, w, &involved)]);
                }
                if g.chance(20) {
                    b = b.viewonly(g.chance(50));
                }
                if g.chance(10) {
                    b = b.order_by([column_ref(g, w, &involved)]);
                }
                if g.chance(8) {
                    let text = gen_join(g, w, &involved);
                    b = b.primaryjoin(text);
                }
                if g.chance(4) {
                    let text = gen_join(g, w, &involved);
                    b = b.secondaryjoin(text);
                }
                c = c.backref(b);
            }
        }
        if g.chance(8) {
            c = c.back_populates(*g.pick(REL_NAMES));
        }
        configs.push(c);
    }
    configs
}

/// Whether `e` is a conjunction of `column|value op column|value`
/// comparisons (or one such comparison).
fn plain_comparisons(e: &Expr) -> bool {
    let operand = |x: &Expr| matches!(x, Expr::Column(_) | Expr::Value(_));
    let cmp = |x: &Expr| matches!(x, Expr::Binary(b) if b.op.is_comparison() && operand(&b.left) && operand(&b.right));
    match e {
        Expr::And(items) => items.iter().all(cmp),
        other => cmp(other),
    }
}

fn is_sorted_unique(cols: &[ColumnRef]) -> bool {
    cols.windows(2).all(|w| w[0] < w[1])
}

fn check_registry(r: &Registry) -> Result<(), TestCaseError> {
    let schema = r.schema();
    for rel in r.relationships() {
        let key = rel.key();
        let found = r.relationship(key);
        prop_assert!(
            found.is_ok(),
            "{} not found by its key: {:?}",
            key,
            found.err()
        );
        prop_assert!(
            std::ptr::eq(found.unwrap(), rel),
            "{} finds another relationship",
            key
        );
        prop_assert!(
            !rel.local_remote_pairs().is_empty(),
            "{} has no local/remote pairs",
            key
        );
        prop_assert!(
            !rel.foreign_key_columns().is_empty(),
            "{} has no foreign columns",
            key
        );
        let m2m = rel.direction() == Direction::ManyToMany;
        prop_assert_eq!(m2m, rel.secondary().is_some(), "{}: m2m iff secondary", key);
        prop_assert_eq!(
            m2m,
            rel.secondaryjoin().is_some(),
            "{}: m2m iff secondaryjoin",
            key
        );
        if !rel.viewonly() {
            prop_assert!(
                !rel.synchronize_pairs().is_empty(),
                "{} has no synchronize pairs",
                key
            );
            if m2m {
                prop_assert!(
                    !rel.secondary_synchronize_pairs().is_empty(),
                    "{} has no secondary synchronize pairs",
                    key
                );
            }
        }
        let mine = |c: &ColumnRef| {
            c.table_id() == rel.parent().id()
                || c.table_id() == rel.target().id()
                || rel.secondary().is_some_and(|s| s.id() == c.table_id())
        };
        for (a, b) in rel
            .synchronize_pairs()
            .iter()
            .chain(rel.secondary_synchronize_pairs())
        {
            prop_assert!(
                mine(a) && mine(b),
                "{}: sync pair ({}, {}) outside its tables",
                key,
                a,
                b
            );
        }
        for list in [
            rel.foreign_key_columns(),
            rel.remote_side(),
            rel.local_columns(),
        ] {
            prop_assert!(
                is_sorted_unique(list),
                "{}: unsorted column list {:?}",
                key,
                list
            );
        }
        // Lazy clauses bind the right columns and carry no annotations.
        let fwd = rel.lazy_clause(false);
        let rev = rel.lazy_clause(true);
        for b in &fwd.bound_columns {
            prop_assert!(
                rel.local_columns().contains(b),
                "{}: forward binds non-local {}",
                key,
                b
            );
        }
        let lrp_locals: Vec<&ColumnRef> = rel.local_remote_pairs().iter().map(|(l, _)| l).collect();
        for b in &rev.bound_columns {
            if m2m {
                prop_assert!(lrp_locals.contains(&b), "{}: reverse binds {}", key, b);
            } else {
                prop_assert!(
                    rel.remote_side().contains(b),
                    "{}: reverse binds non-remote {}",
                    key,
                    b
                );
            }
        }
        for lazy in [fwd, rev] {
            for a in [
                Annotations::FOREIGN,
                Annotations::REMOTE,
                Annotations::LOCAL,
            ] {
                prop_assert!(!lazy.criterion.has_annotation(a));
            }
            let mut binds = Vec::new();
            lazy.criterion.walk(&mut |x| {
                if let Expr::Bind(BindKey::Column(c)) = x
                    && !binds.contains(c)
                {
                    binds.push(c.clone());
                }
            });
            prop_assert_eq!(&binds, &lazy.bound_columns, "{}: bound columns", key);
        }
        // Backref and back_populates links point at real relationships.
        if let Some(of) = rel.backref_of() {
            let other = r.relationship(of);
            prop_assert!(other.is_ok(), "{}: backref_of {} missing", key, of);
            let other = other.unwrap();
            prop_assert_eq!(other.target().id(), rel.parent().id());
            prop_assert_eq!(other.parent().id(), rel.target().id());
        }
        if let Some(name) = rel.back_populates() {
            let other = r.get(rel.target().id(), name);
            prop_assert!(other.is_some(), "{}: back_populates {} missing", key, name);
            prop_assert_eq!(other.unwrap().target().id(), rel.parent().id());
        }
        // A plain join condition displays as text that parses back.
        for join in [Some(rel.primaryjoin()), rel.secondaryjoin()]
            .into_iter()
            .flatten()
        {
            if plain_comparisons(join) {
                let shown = join.to_string();
                let again = parse_condition(&shown, schema);
                prop_assert!(
                    again.is_ok(),
                    "{}: {:?} does not parse: {:?}",
                    key,
                    shown,
                    again
                );
                prop_assert_eq!(again.unwrap(), strip(join), "{}: {:?}", key, shown);
            }
        }
    }
    for t in schema.tables() {
        let qualified = t.qualified_name().to_string();
        let of = r.relationships_of(&qualified);
        prop_assert!(of.is_ok());
        prop_assert!(of.unwrap().all(|x| x.parent().id() == t.id()));
    }
    Ok(())
}

/// Outcome of one random configuration, for the sanity statistics.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    SchemaError,
    ConfigureError,
    Configured(usize),
}

fn run_configure(vals: Vec<u32>) -> Result<Outcome, TestCaseError> {
    let mut g = Gen::new(vals);
    let world = match gen_schema(&mut g) {
        Ok(w) => w,
        Err(e) => {
            check_error(&e)?;
            return Ok(Outcome::SchemaError);
        }
    };
    check_schema(&world.schema)?;
    let configs = gen_configs(&mut g, &world);
    let mut builder = Registry::builder(Arc::clone(&world.schema));
    for c in &configs {
        builder.add_relationship(c.clone());
    }
    let again = builder.clone();
    match builder.configure() {
        Err(e) => {
            check_error(&e)?;
            // Same declarations, same error.
            prop_assert_eq!(again.configure().err(), Some(e));
            Ok(Outcome::ConfigureError)
        }
        Ok(r) => {
            check_registry(&r)?;
            prop_assert!(r.relationships().len() >= configs.len());
            // Same declarations, same result.
            let r2 = again.configure();
            prop_assert!(r2.is_ok());
            let r2 = r2.unwrap();
            let a: Vec<String> = r
                .relationships()
                .map(|x| format!("{x} {}", x.primaryjoin()))
                .collect();
            let b: Vec<String> = r2
                .relationships()
                .map(|x| format!("{x} {}", x.primaryjoin()))
                .collect();
            prop_assert_eq!(a, b);
            Ok(Outcome::Configured(r.relationships().len()))
        }
    }
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    #[test]
    fn from_ddl_never_panics_on_arbitrary_strings(text in any::<String>()) {
        check_ddl(&text)?;
    }

    #[test]
    fn from_ddl_never_panics_on_sql_like_text(text in "[ -~\\n\"'()ü]{0,120}") {
        check_ddl(&text)?;
    }

    #[test]
    fn from_ddl_never_panics_on_token_soup(vals in stream()) {
        let mut g = Gen::new(vals);
        let text = token_soup(&mut g, TOKENS);
        check_ddl(&text)?;
    }

    #[test]
    fn from_ddl_never_panics_on_generated_ddl(vals in stream()) {
        let mut g = Gen::new(vals);
        let text = gen_ddl(&mut g);
        check_ddl(&text)?;
    }

    #[test]
    fn from_ddl_never_panics_on_mutated_ddl(vals in stream()) {
        let mut g = Gen::new(vals);
        let text = gen_ddl(&mut g);
        let text = mutate(&mut g, text);
        check_ddl(&text)?;
    }

    #[test]
    fn parse_condition_never_panics_on_arbitrary_strings(text in any::<String>()) {
        let schema = condition_schema();
        check_condition(&schema, &text)?;
    }

    #[test]
    fn parse_condition_never_panics_on_sql_like_text(text in "[ -~ü]{0,100}") {
        let schema = condition_schema();
        check_condition(&schema, &text)?;
    }

    #[test]
    fn parse_condition_never_panics_on_generated_conditions(vals in stream()) {
        let schema = condition_schema();
        let mut g = Gen::new(vals);
        let text = gen_condition(&mut g, 4);
        check_condition(&schema, &text)?;
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2 * CASES, ..ProptestConfig::default() })]

    #[test]
    fn configure_never_panics(vals in stream()) {
        run_configure(vals)?;
    }
}

// ---------------------------------------------------------------------------
// Generator sanity: the generators reach the successful paths often enough
// for the properties above to mean something.
// ---------------------------------------------------------------------------

#[test]
fn generated_ddl_often_builds() {
    let ok = (0..300u64)
        .filter(|&seed| Schema::from_ddl(&gen_ddl(&mut Gen::seeded(seed, 600))).is_ok())
        .count();
    assert!(ok >= 30, "only {ok} of 300 generated DDL texts built");
}

#[test]
fn generated_conditions_often_parse() {
    let schema = condition_schema();
    let ok = (0..300u64)
        .filter(|&seed| {
            parse_condition(&gen_condition(&mut Gen::seeded(seed, 600), 4), &schema).is_ok()
        })
        .count();
    assert!(ok >= 50, "only {ok} of 300 generated conditions parsed");
}

#[test]
fn generated_configurations_often_configure() {
    let mut configured = 0;
    let mut configure_errors = 0;
    for seed in 0..300u64 {
        let vals = Gen::seeded(seed, 600).vals;
        match run_configure(vals) {
            Ok(Outcome::Configured(_)) => configured += 1,
            Ok(Outcome::ConfigureError) => configure_errors += 1,
            Ok(Outcome::SchemaError) => {}
            Err(e) => panic!("seed {seed}: {e}"),
        }
    }
    assert!(configured >= 30, "only {configured} of 300 configured");
    assert!(
        configure_errors >= 30,
        "only {configure_errors} of 300 failed to configure"
    );
}
