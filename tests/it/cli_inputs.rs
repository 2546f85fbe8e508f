//! The `sqlrel` binary against servers and files that misbehave: time
//! limits on `--db`, passwords never shown, SQLite opened read-only without
//! leaving files behind, FIFOs and locks, byte-order marks and bytes that
//! are not UTF-8, and every error as JSON in the JSON modes.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use serde_json::Value as Json;

use crate::common::cli::{TempDir, sqlrel, stderr, stdout};

/// A TCP server on a free local port that accepts connections and then
/// does `serve` on each; its URL with a password in it.
fn server(serve: fn(TcpStream)) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
    let port = listener.local_addr().expect("address").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || serve(stream));
        }
    });
    format!("postgres://someone:s3cret-pw@127.0.0.1:{port}/db")
}

/// Holds the connection and says nothing.
fn silent(stream: TcpStream) {
    std::thread::sleep(Duration::from_secs(60));
    drop(stream);
}

/// Speaks PostgreSQL's protocol up to a finished login (AuthenticationOk,
/// ReadyForQuery), then reads queries and never answers them.
fn logs_in_then_stalls(mut stream: TcpStream) {
    let mut length = [0u8; 4];
    if stream.read_exact(&mut length).is_err() {
        return;
    }
    let mut startup = vec![0u8; (u32::from_be_bytes(length) as usize).saturating_sub(4)];
    if stream.read_exact(&mut startup).is_err() {
        return;
    }
    let mut reply = Vec::new();
    reply.extend_from_slice(b"R\0\0\0\x08\0\0\0\0");
    reply.extend_from_slice(b"Z\0\0\0\x05I");
    if stream.write_all(&reply).is_err() {
        return;
    }
    let mut sink = [0u8; 1024];
    while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
}

fn assert_no_password(out: &std::process::Output) {
    for text in [stdout(out), stderr(out)] {
        assert!(!text.contains("s3cret-pw"), "the password is shown: {text}");
    }
}

#[test]
fn a_server_that_never_answers_costs_the_connect_timeout() {
    let url = server(silent);
    let started = Instant::now();
    let out = sqlrel(&["inspect", "--db", &url, "--connect-timeout", "1"]);
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert!(
        stderr(&out).contains("within 1 s of connecting (--connect-timeout)"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("someone:***@127.0.0.1"),
        "{}",
        stderr(&out)
    );
    assert_no_password(&out);
}

#[test]
fn a_server_that_stops_answering_after_login_costs_the_statement_timeout() {
    let url = server(logs_in_then_stalls);
    let started = Instant::now();
    let out = sqlrel(&[
        "inspect",
        "--db",
        &url,
        "--connect-timeout",
        "5",
        "--statement-timeout",
        "1",
        "--format",
        "json",
    ]);
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(took < Duration::from_secs(10), "took {took:?}");
    let error: Json = serde_json::from_str(&stdout(&out)).expect("a JSON error object");
    assert_eq!(error["error"]["kind"], "io");
    let message = error["error"]["message"].as_str().expect("message");
    assert!(
        message.contains("did not answer the catalog query within 1 s (--statement-timeout)"),
        "{message}"
    );
    assert_no_password(&out);
}

#[test]
fn passwords_are_never_shown() {
    // Nothing listens on port 1: the driver's own error.
    let out = sqlrel(&[
        "inspect",
        "--db",
        "postgres://someone:s3cret-pw@127.0.0.1:1/db?password=s3cret-pw",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot connect to postgres://someone:***@127.0.0.1:1/db"));
    assert_no_password(&out);
    // A URL sqlrel does not take.
    let out = sqlrel(&["inspect", "--db", "mysql://someone:s3cret-pw@h/db"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("mysql://someone:***@h/db"),
        "{}",
        stderr(&out)
    );
    assert_no_password(&out);
}

const SQLITE_DDL: &str = "CREATE TABLE users (id INTEGER PRIMARY KEY);
    CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id));";

fn sqlite_db(dir: &TempDir, wal: bool) -> String {
    let path = dir.path().join("app.db");
    let conn = rusqlite::Connection::open(&path).expect("create the database");
    if wal {
        let mode: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .expect("WAL mode");
        assert_eq!(mode, "wal");
    }
    conn.execute_batch(SQLITE_DDL).expect("tables");
    drop(conn);
    format!("sqlite:{}", path.display())
}

#[test]
fn sqlite_is_read_without_leaving_files_behind() {
    let dir = TempDir::new("sqlite-idle-wal");
    let url = sqlite_db(&dir, true);
    assert_eq!(dir.names(), ["app.db"], "closed cleanly by its creator");
    let out = sqlrel(&["inspect", "--db", &url, "--automap"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("users.posts_collection"));
    assert_eq!(dir.names(), ["app.db"], "no -wal or -shm left");
}

#[test]
fn sqlite_in_use_is_read_beside_its_owner() {
    let dir = TempDir::new("sqlite-busy-wal");
    let url = sqlite_db(&dir, true);
    // Another process has it open and is writing.
    let owner = rusqlite::Connection::open(dir.path().join("app.db")).expect("open");
    owner
        .execute_batch(
            "CREATE TABLE extra (id INTEGER PRIMARY KEY); BEGIN; INSERT INTO extra VALUES (1);",
        )
        .expect("write");
    let out = sqlrel(&["inspect", "--db", &url, "--automap"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("users.posts_collection"));
    owner.execute_batch("COMMIT").expect("the owner goes on");
    let rows: i64 = owner
        .query_row("SELECT count(*) FROM extra", [], |r| r.get(0))
        .expect("count");
    assert_eq!(rows, 1);
}

#[test]
fn a_locked_sqlite_database_says_so() {
    let dir = TempDir::new("sqlite-locked");
    let url = sqlite_db(&dir, false);
    let owner = rusqlite::Connection::open(dir.path().join("app.db")).expect("open");
    owner.execute_batch("BEGIN EXCLUSIVE").expect("lock");
    let out = sqlrel(&["inspect", "--db", &url, "--statement-timeout", "1"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is locked by another connection (waited 1 s"),
        "{}",
        stderr(&out)
    );
    owner.execute_batch("COMMIT").expect("unlock");
}

#[cfg(unix)]
#[test]
fn a_fifo_is_not_opened_as_a_database() {
    let dir = TempDir::new("sqlite-fifo");
    let fifo = dir.path().join("pipe.db");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let out = sqlrel(&["inspect", "--db", &format!("sqlite:{}", fifo.display())]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is not a regular file"),
        "{}",
        stderr(&out)
    );
}

/// `sqlrel inspect` on a schema file and a relationship file with these
/// contents, plus `extra` arguments.
fn inspect_files(
    test: &str,
    ddl: impl AsRef<[u8]>,
    toml: impl AsRef<[u8]>,
    extra: &[&str],
) -> std::process::Output {
    let dir = TempDir::new(test);
    let ddl = dir.file("s.sql", ddl);
    let toml = dir.file("r.toml", toml);
    let files = [
        "inspect",
        "--schema",
        ddl.to_str().expect("path"),
        "--relationships",
        toml.to_str().expect("path"),
    ];
    sqlrel(&[&files[..], extra].concat())
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let out = inspect_files(
        "bom",
        format!("\u{feff}{SQLITE_DDL}"),
        "\u{feff}[[relationship]]\ntable = \"users\"\nname = \"posts\"\ntarget = \"posts\"\n",
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("users.posts"));
}

#[test]
fn bytes_that_are_not_utf8_are_bad_input_with_their_offset() {
    let toml = b"[[relationship]]\ntable = \"us\xffers\"\n";
    let out = inspect_files("not-utf8", SQLITE_DDL, toml, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "at line 2, column 12: invalid UTF-8 at byte 28 (0xFF); save the file as UTF-8"
        ),
        "{}",
        stderr(&out)
    );
    let out = inspect_files("not-utf8-json", SQLITE_DDL, toml, &["--format", "json"]);
    let error: Json = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(error["error"]["kind"], "parse");
}

#[test]
fn every_error_is_json_in_the_json_modes() {
    // I/O: status 1, kind io.
    for args in [
        &[
            "inspect",
            "--schema",
            "/nonexistent/s.sql",
            "--format",
            "json",
        ][..],
        &[
            "sql",
            "--schema",
            "/nonexistent/s.sql",
            "--params",
            "SELECT 1",
        ][..],
    ] {
        let out = sqlrel(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let error: Json = serde_json::from_str(&stdout(&out)).expect("JSON");
        assert_eq!(error["error"]["kind"], "io", "{args:?}");
        assert!(error["error"]["relationship"].is_null());
        assert!(stderr(&out).is_empty(), "{args:?}");
    }
    // Usage: status 2, kind usage.
    let out = sqlrel(&["inspect", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let error: Json = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(error["error"]["kind"], "usage");
    assert!(
        error["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("--schema")),
        "{error}"
    );
    // Help is help, not an error.
    let out = sqlrel(&["inspect", "--format", "json", "--help"]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("Usage:"));
}

#[test]
fn a_relationship_that_needs_a_dropped_key_is_named_in_json() {
    let out = inspect_files(
        "broken-key",
        "CREATE TABLE t2 (id INTEGER PRIMARY KEY);
         CREATE TABLE t1 (id INTEGER PRIMARY KEY, t2_id INTEGER REFERENCES t2(nonexistent_id));",
        "[[relationship]]\ntable = \"t1\"\nname = \"t2\"\ntarget = \"t2\"\n",
        &["--format", "json"],
    );
    assert_eq!(out.status.code(), Some(2));
    let error: Json = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(error["error"]["kind"], "unknown_column");
    assert_eq!(error["error"]["relationship"], "t1.t2");
}

#[test]
fn ddl_bytes_that_are_not_utf8_are_bad_input_where_they_are_read() {
    let dir = TempDir::new("ddl-not-utf8");
    let read = dir.file(
        "read.sql",
        b"CREATE TABLE a (id INTEGER PRIMARY KEY);\nCREATE TABLE b (id INTEGER PRIMARY KEY, n\xff TEXT);\n",
    );
    let out = sqlrel(&["inspect", "--schema", read.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "at line 2, column 42: invalid UTF-8 at byte 82 of the input (0xFF); save the file as UTF-8"
        ),
        "{}",
        stderr(&out)
    );
    // In data, which is skipped, they do not matter.
    let skipped = dir.file(
        "skipped.sql",
        b"CREATE TABLE a (id INTEGER PRIMARY KEY);\nINSERT INTO a VALUES (1, '\xfe');\n",
    );
    let out = sqlrel(&["inspect", "--schema", skipped.to_str().expect("path")]);
    assert!(out.status.success(), "{}", stderr(&out));
}
