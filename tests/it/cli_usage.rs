//! How the `sqlrel` binary is driven: every example of its `--help` runs
//! as written, the project file (`sqlrel.toml`), queries and schemas on
//! standard input or in files, shell completions, and the hint when no
//! relationships are configured.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::common::cli::{TempDir, sqlrel, stderr, stdout};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data")
}

/// Runs `sqlrel args` in `dir`, with `input` on standard input.
fn sqlrel_in(dir: &Path, args: &[&str], input: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sqlrel"))
        .args(args)
        .current_dir(dir)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the sqlrel binary");
    if let Some(input) = input {
        // sqlrel may stop before reading it all (a refused command line).
        let written = child.stdin.take().expect("stdin").write_all(input);
        assert!(
            written.is_ok()
                || written
                    .as_ref()
                    .is_err_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe),
            "{written:?}"
        );
    }
    child.wait_with_output().expect("sqlrel runs")
}

/// The example command lines of a help text: lines starting with `sqlrel `
/// (continued by a trailing `\`), split as a shell would split them.
fn examples(help: &str) -> Vec<Vec<String>> {
    let mut commands = Vec::new();
    let mut lines = help.lines().map(str::trim);
    while let Some(line) = lines.next() {
        if !line.starts_with("sqlrel ") {
            continue;
        }
        let mut command = line.to_owned();
        while command.ends_with('\\') {
            command.pop();
            command.push(' ');
            command.push_str(lines.next().unwrap_or_default());
        }
        commands.push(shell_words(&command));
    }
    commands
}

/// `text` split into words as a POSIX shell does for plain and double-quoted
/// words (all the examples use).
fn shell_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut in_word = false;
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                in_word = true;
            }
            c if c.is_whitespace() && !quoted => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

#[test]
fn every_help_example_runs_as_written() {
    let mut ran = 0;
    for command in [&[][..], &["inspect"], &["sql"]] {
        let args: Vec<&str> = command.iter().copied().chain(["--help"]).collect();
        let help = stdout(&sqlrel(&args));
        for example in examples(&help) {
            let args: Vec<&str> = example[1..].iter().map(String::as_str).collect();
            // In examples/data, where shop.sql and shop_relationships.toml are.
            let out = sqlrel_in(&data_dir(), &args, None);
            assert!(
                out.status.success(),
                "`{}` from `sqlrel {} --help` failed:\n{}",
                example.join(" "),
                command.join(" "),
                stderr(&out)
            );
            assert!(!stdout(&out).is_empty(), "{example:?}");
            ran += 1;
        }
    }
    assert_eq!(ran, 4, "the help texts hold four examples");
}

#[test]
fn the_query_comes_from_an_argument_a_file_or_standard_input() {
    let shop = data_dir().join("shop.sql");
    let shop = shop.to_str().expect("path");
    let query = "SELECT customers.id FROM customers WHERE customers.orders_collection.any()";
    let expected = stdout(&sqlrel(&["sql", "--schema", shop, "--automap", query]));
    assert!(expected.contains("EXISTS"), "{expected}");
    let dir = TempDir::new("query-sources");
    let file = dir.file("q.sql", format!("{query}\n"));
    for (args, input) in [
        (
            vec![
                "sql",
                "--schema",
                shop,
                "--automap",
                "--file",
                file.to_str().expect("path"),
            ],
            None,
        ),
        (
            vec!["sql", "--schema", shop, "--automap", "-"],
            Some(format!("{query}\n")),
        ),
        (
            vec!["sql", "--schema", shop, "--automap"],
            Some(query.to_owned()),
        ),
    ] {
        let out = sqlrel_in(dir.path(), &args, input.as_deref().map(str::as_bytes));
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert_eq!(stdout(&out), expected, "{args:?}");
    }
    // The schema on standard input, the query as an argument.
    let ddl = std::fs::read(data_dir().join("shop.sql")).expect("shop.sql");
    let out = sqlrel_in(
        dir.path(),
        &["sql", "--schema", "-", "--automap", query],
        Some(&ddl),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), expected);
    // Not both.
    let out = sqlrel_in(
        dir.path(),
        &["sql", "--schema", "-", "--automap"],
        Some(&ddl),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("standard input cannot hold both the schema"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_project_file_gives_what_the_flags_leave_out() {
    let dir = TempDir::new("project-file");
    std::fs::create_dir_all(dir.path().join("db")).expect("db/");
    std::fs::create_dir_all(dir.path().join("src/deep")).expect("src/deep/");
    std::fs::copy(data_dir().join("shop.sql"), dir.path().join("db/shop.sql")).expect("copy");
    std::fs::copy(
        data_dir().join("shop_relationships.toml"),
        dir.path().join("db/rels.toml"),
    )
    .expect("copy");
    dir.file(
        "sqlrel.toml",
        "schema = \"db/shop.sql\"\nrelationships = \"db/rels.toml\"\ndialect = \"mysql\"\n",
    );
    let query = "SELECT customers.id FROM customers WHERE customers.orders.any()";
    // Found from a subdirectory; paths relative to the file; its dialect.
    let deep = dir.path().join("src/deep");
    let out = sqlrel_in(&deep, &["sql", query], None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("`orders`"),
        "MySQL quoting: {}",
        stdout(&out)
    );
    // Flags override it.
    let out = sqlrel_in(&deep, &["sql", "--dialect", "sqlite", query], None);
    assert!(stdout(&out).contains("\"orders\""), "{}", stdout(&out));
    let out = sqlrel_in(&deep, &["inspect", "--automap"], None);
    assert!(
        stdout(&out).contains("customers.orders "),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("customers.addresses_collection"));
    // --no-config ignores it; --config names one.
    let out = sqlrel_in(&deep, &["inspect", "--no-config"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no schema: give --schema"),
        "{}",
        stderr(&out)
    );
    let other = dir.file("other.toml", "schema = \"db/shop.sql\"\nautomap = true\n");
    let out = sqlrel_in(
        &deep,
        &["inspect", "--config", other.to_str().expect("path")],
        None,
    );
    assert!(
        stdout(&out).contains("customers.orders_collection"),
        "{}",
        stderr(&out)
    );
    // Mistakes in it are errors that say where.
    dir.file("sqlrel.toml", "schema = \"db/shop.sql\"\nautomapp = true\n");
    let out = sqlrel_in(&deep, &["inspect"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("sqlrel.toml at line 2, column 1: unknown field `automapp`"),
        "{}",
        stderr(&out)
    );
    dir.file(
        "sqlrel.toml",
        "schema = \"db/shop.sql\"\ndialect = \"oracle\"\n",
    );
    let out = sqlrel_in(&deep, &["sql", query], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("dialect = \"oracle\" is not one of: postgres, mysql, sqlite"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn completions_are_printed_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = sqlrel(&["completions", shell]);
        assert!(out.status.success(), "{shell}");
        let script = stdout(&out);
        assert!(script.contains("sqlrel"), "{shell}");
        assert!(
            script.contains("automap"),
            "{shell}: the options are completed"
        );
    }
}

#[test]
fn a_hint_says_how_to_get_relationships() {
    let shop = data_dir().join("shop.sql");
    let shop = shop.to_str().expect("path");
    let hint = "sqlrel: hint: no relationships are configured; add --automap";
    let out = sqlrel(&["inspect", "--schema", shop, "--no-config"]);
    assert!(out.status.success());
    assert!(stderr(&out).contains(hint), "{}", stderr(&out));
    let out = sqlrel(&["inspect", "--schema", shop, "--automap", "--no-config"]);
    assert!(!stderr(&out).contains("hint"), "{}", stderr(&out));
}
