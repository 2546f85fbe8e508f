//! `sqlrel inspect`: the configured relationships as text, JSON (the
//! contract in docs/inspect-json.md), a Mermaid erDiagram or a Graphviz
//! digraph.

use std::collections::{HashMap, HashSet};
use std::fmt::Write;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::{Value as Json, json};
use sqlrel::expr::Value;
use sqlrel::registry::Registry;
use sqlrel::relationship::{Direction, Relationship};
use sqlrel::schema::{ColumnRef, SchemaWarning, Table};

use crate::Format;

/// Writes the registry in `format` to `out`, ending with a newline.
pub(crate) fn render(
    registry: &Registry,
    format: Format,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut relationships: Vec<&Relationship> = registry.relationships().collect();
    relationships.sort_by(|a, b| a.key().cmp(b.key()));
    let text = match format {
        Format::Text => text(&relationships),
        Format::Json => {
            let document = Document {
                relationships: Relationships(&relationships),
                schema_warnings: Warnings(registry.schema().warnings()),
            };
            serde_json::to_writer_pretty(&mut *out, &document)?;
            "\n".to_owned()
        }
        Format::Mermaid => mermaid(registry, &relationships),
        Format::Dot => dot(registry, &relationships),
    };
    out.write_all(text.as_bytes())
}

/// A bound value as JSON (for `sql --params`).
pub(crate) fn value_json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Bool(b) => json!(b),
        Value::Int(i) => json!(i),
        Value::Float(x) => json!(x),
        Value::Text(s) => json!(s),
        Value::Bytes(b) => json!(b),
        // Exact: a JSON number would go through a float.
        Value::Decimal(d) => json!(d.as_str()),
        // A kind of value added later: its SQL literal text.
        other => json!(other.to_string()),
    }
}

/// The JSON document (docs/inspect-json.md), written as it is serialized:
/// each relationship's view is made when its turn comes, so memory does not
/// grow with the document.
#[derive(Serialize)]
struct Document<'r> {
    relationships: Relationships<'r>,
    #[serde(skip_serializing_if = "Warnings::is_empty")]
    schema_warnings: Warnings<'r>,
}

struct Relationships<'r>(&'r [&'r Relationship]);

impl Serialize for Relationships<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|r| RelationshipView(r)))
    }
}

struct RelationshipView<'r>(&'r Relationship);

impl Serialize for RelationshipView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut map = serializer.serialize_map(Some(17))?;
        map.serialize_entry("table", &Shown(r.parent().qualified_name()))?;
        map.serialize_entry("name", r.name())?;
        map.serialize_entry("target", &Shown(r.target().qualified_name()))?;
        map.serialize_entry("direction", r.direction().as_str())?;
        map.serialize_entry("uselist", &r.uselist())?;
        map.serialize_entry(
            "secondary",
            &r.secondary().map(|s| Shown(s.qualified_name())),
        )?;
        map.serialize_entry("primaryjoin", &Shown(r.primaryjoin()))?;
        map.serialize_entry("secondaryjoin", &r.secondaryjoin().map(Shown))?;
        map.serialize_entry("local_remote_pairs", &Pairs(r.local_remote_pairs()))?;
        map.serialize_entry("synchronize_pairs", &Pairs(r.synchronize_pairs()))?;
        map.serialize_entry(
            "secondary_synchronize_pairs",
            &Pairs(r.secondary_synchronize_pairs()),
        )?;
        map.serialize_entry(
            "foreign_key_columns",
            &sorted_names(r.foreign_key_columns()),
        )?;
        map.serialize_entry("remote_side", &sorted_names(r.remote_side()))?;
        map.serialize_entry("local_columns", &sorted_names(r.local_columns()))?;
        map.serialize_entry("viewonly", &r.viewonly())?;
        map.serialize_entry("backref_of", &r.backref_of())?;
        map.serialize_entry("warnings", r.warnings())?;
        map.end()
    }
}

/// A value serialized as its `Display` text, without an intermediate
/// `String`.
struct Shown<T>(T);

impl<T: std::fmt::Display> Serialize for Shown<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

/// Column pairs as `[[a, b], ...]`.
struct Pairs<'r>(&'r [(ColumnRef, ColumnRef)]);

impl Serialize for Pairs<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|(a, b)| [Shown(a), Shown(b)]))
    }
}

/// Column names, sorted (the contract's order).
fn sorted_names(columns: &[ColumnRef]) -> Vec<String> {
    let mut names: Vec<String> = columns.iter().map(ToString::to_string).collect();
    names.sort();
    names
}

/// What reading the schema skipped or dropped (also printed on stderr).
struct Warnings<'r>(&'r [SchemaWarning]);

impl Warnings<'_> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Warnings<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(WarningView))
    }
}

struct WarningView<'r>(&'r SchemaWarning);

impl Serialize for WarningView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let w = self.0;
        let at = w.statement();
        let mut map = serializer.serialize_map(Some(6))?;
        map.serialize_entry("kind", w.kind().as_str())?;
        map.serialize_entry("message", w.message())?;
        map.serialize_entry("statement", &at.map(|s| s.number()))?;
        map.serialize_entry("line", &at.map(|s| s.position().line))?;
        map.serialize_entry("column", &at.map(|s| s.position().column))?;
        map.serialize_entry("start", &at.map(|s| s.start()))?;
        map.end()
    }
}

fn text(relationships: &[&Relationship]) -> String {
    if relationships.is_empty() {
        return "no relationships\n".to_owned();
    }
    let rows: Vec<[String; 4]> = relationships
        .iter()
        .map(|r| {
            let kind = format!(
                "{}{}",
                r.direction().as_str(),
                if r.uselist() { "" } else { " (scalar)" }
            );
            let target = match r.secondary() {
                Some(s) => format!("{} via {}", r.target().qualified_name(), s.qualified_name()),
                None => r.target().qualified_name().to_string(),
            };
            let join = match r.secondaryjoin() {
                Some(sj) => format!("{} AND {sj}", r.primaryjoin()),
                None => r.primaryjoin().to_string(),
            };
            [r.key().to_owned(), kind, target, join]
        })
        .collect();
    let header = ["relationship", "direction", "target", "join"];
    let widths: Vec<usize> = (0..3)
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    // Padded by hand: `format!`'s width is a u16, and a name may be longer.
    let line = |out: &mut String, cells: [&str; 4]| {
        for (cell, width) in cells.iter().zip(&widths) {
            out.push_str(cell);
            let pad = width.saturating_sub(cell.chars().count()) + 2;
            out.extend(std::iter::repeat_n(' ', pad));
        }
        out.push_str(cells[3]);
        out.push('\n');
    };
    line(&mut out, header);
    for r in &rows {
        line(&mut out, [&r[0], &r[1], &r[2], &r[3]]);
    }
    for r in relationships {
        for warning in r.warnings() {
            let _ = writeln!(out, "warning: {}: {warning}", r.key());
        }
    }
    out
}

/// Relationship pairs (a relationship and its reverse) drawn once each, by
/// their first key.
fn edges<'r>(
    relationships: &[&'r Relationship],
) -> Vec<(&'r Relationship, Option<&'r Relationship>)> {
    let mut out = Vec::new();
    for r in relationships {
        let reverse = r.back_populates().and_then(|name| {
            relationships
                .iter()
                .find(|o| o.parent().id() == r.target().id() && o.name() == name)
                .copied()
        });
        match reverse {
            Some(o) if o.key() < r.key() => {}
            _ => out.push((*r, reverse)),
        }
    }
    out
}

fn tables(registry: &Registry) -> impl Iterator<Item = &std::sync::Arc<Table>> {
    registry.schema().tables()
}

/// Words Mermaid's erDiagram lexer reads as keywords whatever their case,
/// so that a table or column so named must be quoted.
const MERMAID_KEYWORDS: &[&str] = &[
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

/// Whether Mermaid reads `name` as it is, as one word that is no keyword.
fn is_mermaid_word(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !MERMAID_KEYWORDS.contains(&name.to_ascii_lowercase().as_str())
}

/// `text` with the characters a quoted Mermaid name, label or backquoted
/// attribute cannot hold written as Mermaid's entity codes (`#34;`), which
/// it decodes when drawing. Blanks are coded too when the text holds
/// `direction`, which the lexer would otherwise take, anywhere on a line,
/// for a `direction TB` statement.
fn mermaid_text(text: &str) -> String {
    let code_blanks = text.to_ascii_lowercase().contains("direction");
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let coded = matches!(c, '"' | '#' | '%' | '\\' | '<' | '>' | '&' | '`')
            || c.is_control()
            || (code_blanks && c.is_whitespace());
        if coded {
            let _ = write!(out, "#{};", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// An attribute's type or name: as it is when Mermaid reads it as one
/// word, else backquoted.
fn mermaid_attribute_word(word: &str) -> String {
    if is_mermaid_word(word) {
        word.to_owned()
    } else {
        format!("`{}`", mermaid_text(word))
    }
}

/// The Mermaid identifier of every table, by qualified name: the name when
/// Mermaid reads it as it is, else a word made of its letters and digits,
/// numbered when two tables would share it.
fn mermaid_ids(registry: &Registry) -> HashMap<String, String> {
    let mut used = HashSet::new();
    let mut ids = HashMap::new();
    for table in tables(registry) {
        let name = table.qualified_name().to_string();
        let base = if is_mermaid_word(&name) {
            name.clone()
        } else {
            let word: String = name
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            format!("t_{word}")
        };
        let mut id = base.clone();
        let mut n = 1;
        while !used.insert(id.clone()) {
            n += 1;
            id = format!("{base}_{n}");
        }
        ids.insert(name, id);
    }
    ids
}

fn mermaid(registry: &Registry, relationships: &[&Relationship]) -> String {
    let ids = mermaid_ids(registry);
    let id_of = |table: &Table| -> &str {
        ids.get(&table.qualified_name().to_string())
            .map_or("t", String::as_str)
    };
    let mut out = String::from("erDiagram\n");
    for table in tables(registry) {
        let name = table.qualified_name().to_string();
        let id = id_of(table);
        // Tables whose identifier is not their name are labelled with it.
        if id == name || name.is_empty() {
            let _ = writeln!(out, "    {id} {{");
        } else {
            let _ = writeln!(out, "    {id}[\"{}\"] {{", mermaid_text(&name));
        }
        for (i, column) in table.columns().iter().enumerate() {
            let keys: Vec<&str> = [
                table
                    .primary_key()
                    .iter()
                    .any(|c| c.index() == i)
                    .then_some("PK"),
                table
                    .foreign_keys()
                    .iter()
                    .any(|fk| fk.columns().iter().any(|c| c.index() == i))
                    .then_some("FK"),
            ]
            .into_iter()
            .flatten()
            .collect();
            let sql_type = if column.sql_type().is_empty() {
                "any".to_owned()
            } else {
                mermaid_attribute_word(column.sql_type())
            };
            let _ = writeln!(
                out,
                "        {sql_type} {}{}",
                mermaid_attribute_word(column.name()),
                if keys.is_empty() {
                    String::new()
                } else {
                    format!(" {}", keys.join(", "))
                }
            );
        }
        out.push_str("    }\n");
    }
    for (r, reverse) in edges(relationships) {
        // The "one" end is optional (`o|`) when a referencing row may
        // have no referenced one: a nullable foreign-key column.
        let optional = r
            .foreign_key_columns()
            .iter()
            .any(|c| c.column().is_nullable());
        let one = if optional { "o|" } else { "||" };
        let cardinality = match (r.direction(), r.uselist()) {
            (Direction::OneToMany, true) => format!("{}--o{{", reversed(one)),
            (Direction::OneToMany, false) => format!("{}--o|", reversed(one)),
            (Direction::ManyToOne, _) => format!("}}o--{one}"),
            (Direction::ManyToMany, _) => "}o--o{".to_owned(),
        };
        let label = match reverse {
            Some(o) => format!("{} / {}", r.name(), o.name()),
            None => r.name().to_owned(),
        };
        let _ = writeln!(
            out,
            "    {} {cardinality} {} : \"{}\"",
            id_of(r.parent()),
            id_of(r.target()),
            mermaid_text(&label)
        );
    }
    out
}

/// A Mermaid cardinality marker as written on the left end of an edge.
fn reversed(marker: &str) -> String {
    marker.chars().rev().collect()
}

/// A double-quoted DOT identifier (also an edge's label): backslashes and
/// quotes escaped, control characters written as an escaped `\u{..}`.
fn dot_id(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    out.push('"');
    for c in name.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if c.is_control() => {
                let _ = write!(out, "\\{}", c.escape_unicode());
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text for a DOT HTML-like label: markup characters as entities, control
/// characters (which XML cannot hold, even as references) as `\u{..}`.
fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if c.is_control() => {
                let _ = write!(out, "{}", c.escape_unicode());
            }
            c => out.push(c),
        }
    }
    out
}

fn dot(registry: &Registry, relationships: &[&Relationship]) -> String {
    let mut out = String::from(
        "digraph sqlrel {\n    rankdir=LR;\n    node [shape=plaintext, fontname=\"Helvetica\"];\n    edge [fontname=\"Helvetica\", fontsize=10];\n",
    );
    for table in tables(registry) {
        let name = table.qualified_name().to_string();
        let mut rows = format!(
            "<TR><TD BGCOLOR=\"lightgrey\"><B>{}</B></TD></TR>",
            html(&name)
        );
        for (i, column) in table.columns().iter().enumerate() {
            let pk = table.primary_key().iter().any(|c| c.index() == i);
            let fk = table
                .foreign_keys()
                .iter()
                .any(|f| f.columns().iter().any(|c| c.index() == i));
            let marks = match (pk, fk) {
                (true, true) => " (PK, FK)",
                (true, false) => " (PK)",
                (false, true) => " (FK)",
                (false, false) => "",
            };
            let _ = write!(
                rows,
                "<TR><TD ALIGN=\"LEFT\">{}{marks}</TD></TR>",
                html(column.name())
            );
        }
        let _ = writeln!(
            out,
            "    {} [label=<<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\">{rows}</TABLE>>];",
            dot_id(&name)
        );
    }
    for (r, reverse) in edges(relationships) {
        let (tail, head) = match (r.direction(), r.uselist()) {
            (Direction::OneToMany, true) => ("tee", "crow"),
            (Direction::OneToMany, false) => ("tee", "tee"),
            (Direction::ManyToOne, _) => ("crow", "tee"),
            (Direction::ManyToMany, _) => ("crow", "crow"),
        };
        let label = match reverse {
            Some(o) => format!("{} / {}", r.name(), o.name()),
            None => r.name().to_owned(),
        };
        let _ = writeln!(
            out,
            "    {} -> {} [dir=both, arrowtail={tail}, arrowhead={head}, label={}];",
            dot_id(&r.parent().qualified_name().to_string()),
            dot_id(&r.target().qualified_name().to_string()),
            dot_id(&label)
        );
    }
    out.push_str("}\n");
    out
}
