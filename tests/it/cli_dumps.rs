//! `sqlrel inspect` on dumps: the dialect detected when `--ddl-dialect` is
//! not given, warnings on stderr and in the JSON document
//! (`schema_warnings`), and errors that name the statement.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value as Json;

fn sqlrel(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sqlrel"))
        .args(args)
        .output()
        .expect("run the sqlrel binary")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

/// A file removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("sqlrel-cli-dumps-{}-{name}", std::process::id()));
        std::fs::write(&path, contents).expect("write temp file");
        TempFile(path)
    }

    fn arg(&self) -> &str {
        self.0.to_str().expect("UTF-8 path")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

const PG_DUMP: &str = "--
-- PostgreSQL database dump
--

\\restrict abc

SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);
CREATE TABLE public.users (id integer NOT NULL, name text);
ALTER TABLE public.users OWNER TO postgres;
CREATE SEQUENCE public.users_id_seq AS integer START WITH 1;
ALTER TABLE public.users_id_seq OWNER TO postgres;
CREATE TABLE public.posts (id integer NOT NULL, user_id integer, body text);
CREATE TEMPORARY TABLE scratch (id integer);
COPY public.users (id, name) FROM stdin;
1\tann; CREATE TABLE nope (x int);
\\.
ALTER TABLE ONLY public.users ADD CONSTRAINT users_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.posts ADD CONSTRAINT posts_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.posts
    ADD CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id);

\\unrestrict abc
";

#[test]
fn a_pg_dump_is_read_with_its_dialect_detected_and_warnings_shown() {
    let dump = TempFile::new("pg.sql", PG_DUMP);
    let out = sqlrel(&["inspect", "--schema", dump.arg(), "--automap"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("public.users.posts_collection"), "{stdout}");
    assert_eq!(
        text(&out.stderr),
        format!(
            "sqlrel: warning: in {}: statement 9 at line 14, column 1 (CREATE TEMPORARY TABLE \
             scratch (id integer)): skipped: a temporary table is not part of the schema\n",
            dump.arg()
        )
    );

    let out = sqlrel(&[
        "inspect",
        "--schema",
        dump.arg(),
        "--automap",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let document: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        document["schema_warnings"],
        serde_json::json!([{
            "kind": "skipped_statement",
            "message": "skipped: a temporary table is not part of the schema",
            "statement": 9,
            "line": 14,
            "column": 1,
            "start": "CREATE TEMPORARY TABLE scratch (id integer)",
        }])
    );
    assert_eq!(document["relationships"].as_array().unwrap().len(), 2);
}

#[test]
fn without_warnings_the_document_is_unchanged() {
    let ddl = TempFile::new(
        "plain.sql",
        "CREATE TABLE a (id INTEGER PRIMARY KEY);\nCREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a (id));\n",
    );
    let out = sqlrel(&[
        "inspect",
        "--schema",
        ddl.arg(),
        "--automap",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "");
    let document: Json = serde_json::from_slice(&out.stdout).unwrap();
    let keys: Vec<&String> = document.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["relationships"]);
}

#[test]
fn the_dialect_can_be_given() {
    // Read as MySQL, `\'` escapes the quote: one table. Read as generic,
    // the string ends there, and the rest of the text is out of step.
    let ddl = TempFile::new(
        "mysql.sql",
        "CREATE TABLE a (id INT PRIMARY KEY);\nINSERT INTO a VALUES (1, 'x\\'); CREATE TABLE b (id INT);');\n",
    );
    let out = sqlrel(&[
        "inspect",
        "--schema",
        ddl.arg(),
        "--ddl-dialect",
        "mysql",
        "--format",
        "mermaid",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        !text(&out.stdout).contains("    b {"),
        "{}",
        text(&out.stdout)
    );
    let out = sqlrel(&[
        "inspect",
        "--schema",
        ddl.arg(),
        "--ddl-dialect",
        "generic",
        "--format",
        "mermaid",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("a string opened here is not closed"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_statement_that_cannot_be_read_is_named() {
    let ddl = TempFile::new(
        "bad.sql",
        "-- MySQL dump\nCREATE TABLE a (id INT PRIMARY KEY);\nCREATE TABLE b (id INT PRIMARY KEY,\n  c INT BOGUS);\n",
    );
    let out = sqlrel(&["inspect", "--schema", ddl.arg(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let error: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(error["error"]["kind"], "parse");
    assert_eq!(
        error["error"]["message"],
        format!(
            "in {}: cannot parse DDL statement 2 (CREATE TABLE b (id INT PRIMARY KEY, c INT \
             BOGUS)) at line 4, column 9: unexpected BOGUS in the definition of column c",
            ddl.arg()
        )
    );
}

#[test]
fn a_missing_file_is_an_io_failure() {
    let out = sqlrel(&["inspect", "--schema", "/nonexistent/dump.sql"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).starts_with("sqlrel: cannot read /nonexistent/dump.sql"));
}
