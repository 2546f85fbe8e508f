//! Values written into SQL text as literals: the one place that quotes and
//! escapes values per dialect, so that a literal means the same value under
//! every server setting.
//!
//! - PostgreSQL: `'...'`, or `E'...'` with backslash escapes when the value
//!   holds a quote, a backslash or a control character (an `E` string
//!   reads the same whatever `standard_conforming_strings` says).
//! - MySQL / MariaDB: quotes doubled, never backslash escapes, which
//!   `NO_BACKSLASH_ESCAPES` turns off; a value holding a backslash is
//!   written in hex (`_utf8mb4 X'...'`), which every `sql_mode` reads alike.
//! - SQLite: quotes doubled (SQLite has no escapes).
//!
//! A NUL character has no literal form any server keeps: such a value is
//! an error (bind it instead).

use std::fmt::Write;

use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::expr::Value;

/// `value` as an SQL literal for `dialect`.
pub(crate) fn literal(value: &Value, dialect: Dialect) -> Result<String> {
    let mut out = String::new();
    match value {
        Value::Null => out.push_str("NULL"),
        Value::Bool(b) => out.push_str(if *b { "TRUE" } else { "FALSE" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(x) if x.is_finite() => {
            let _ = write!(out, "{x}");
        }
        Value::Float(x) => return Err(render_error(dialect, format!("{x} has no SQL literal"))),
        Value::Text(s) => text(&mut out, s, dialect)?,
        Value::Bytes(b) => bytes(&mut out, b, dialect),
        Value::Decimal(d) => out.push_str(d.as_str()),
    }
    Ok(out)
}

fn render_error(dialect: Dialect, message: String) -> Error {
    Error::Render {
        dialect: dialect.to_string(),
        message,
    }
}

fn text(out: &mut String, s: &str, dialect: Dialect) -> Result<()> {
    if s.contains('\0') {
        return Err(render_error(
            dialect,
            "a string holding a NUL character has no literal form; bind it as a parameter \
             (build(), --params)"
                .to_owned(),
        ));
    }
    match dialect {
        Dialect::Postgres => postgres_text(out, s),
        Dialect::MySql if s.contains('\\') => {
            out.push_str("_utf8mb4 X'");
            for b in s.bytes() {
                let _ = write!(out, "{b:02X}");
            }
            out.push('\'');
        }
        Dialect::MySql | Dialect::Sqlite => {
            out.push('\'');
            for c in s.chars() {
                if c == '\'' {
                    out.push('\'');
                }
                out.push(c);
            }
            out.push('\'');
        }
    }
    Ok(())
}

fn postgres_text(out: &mut String, s: &str) {
    let escaped = s
        .chars()
        .any(|c| matches!(c, '\'' | '"' | '\\') || c.is_control());
    if !escaped {
        out.push('\'');
        out.push_str(s);
        out.push('\'');
        return;
    }
    out.push_str("E'");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x08' => out.push_str("\\b"),
            c if c.is_control() && (c as u32) < 0x80 => {
                let _ = write!(out, "\\x{:02X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('\'');
}

fn bytes(out: &mut String, b: &[u8], dialect: Dialect) {
    match dialect {
        Dialect::Postgres => out.push_str("'\\x"),
        Dialect::MySql | Dialect::Sqlite => out.push_str("x'"),
    }
    for byte in b {
        let _ = write!(out, "{byte:02X}");
    }
    out.push('\'');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(v: impl Into<Value>, d: Dialect) -> String {
        literal(&v.into(), d).expect("a literal")
    }

    #[test]
    fn mysql_literals_read_alike_in_every_sql_mode() {
        assert_eq!(lit("it's", Dialect::MySql), "'it''s'");
        assert_eq!(lit("a\\b", Dialect::MySql), "_utf8mb4 X'615C62'");
        assert_eq!(lit("\u{1a}\n", Dialect::MySql), "'\u{1a}\n'");
    }

    #[test]
    fn postgres_escape_strings_spell_every_control_character() {
        assert_eq!(lit("plain", Dialect::Postgres), "'plain'");
        assert_eq!(lit("it's \\", Dialect::Postgres), "E'it\\'s \\\\'");
        assert_eq!(lit("\u{1a}", Dialect::Postgres), "E'\\x1A'");
    }

    #[test]
    fn nul_has_no_literal() {
        for d in Dialect::ALL {
            assert!(literal(&Value::from("a\0b"), d).is_err(), "{d}");
        }
    }
}
