//! `sqlrel inspect`: the configured relationships as text, JSON (the
//! contract in docs/inspect-json.md), a Mermaid erDiagram or a Graphviz
//! digraph.

use std::fmt::Write;

use serde_json::{Value as Json, json};
use sqlrel::expr::Value;
use sqlrel::registry::Registry;
use sqlrel::relationship::{Direction, Relationship};
use sqlrel::schema::{ColumnRef, Table};

use crate::Format;

/// The registry in `format`, ending with a newline.
pub(crate) fn render(registry: &Registry, format: Format) -> String {
    let mut relationships: Vec<&Relationship> = registry.relationships().collect();
    relationships.sort_by(|a, b| a.key().cmp(b.key()));
    match format {
        Format::Text => text(&relationships),
        Format::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&json_document(registry, &relationships))
                .unwrap_or_default()
        ),
        Format::Mermaid => mermaid(registry, &relationships),
        Format::Dot => dot(registry, &relationships),
    }
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
        // A kind of value added later: its SQL literal text.
        other => json!(other.to_string()),
    }
}

fn names(columns: &[ColumnRef]) -> Vec<String> {
    let mut names: Vec<String> = columns.iter().map(ToString::to_string).collect();
    names.sort();
    names
}

fn pairs(pairs: &[(ColumnRef, ColumnRef)]) -> Vec<[String; 2]> {
    pairs
        .iter()
        .map(|(a, b)| [a.to_string(), b.to_string()])
        .collect()
}

/// What reading the schema skipped or dropped (also printed on stderr).
fn warnings_json(registry: &Registry) -> Vec<Json> {
    registry
        .schema()
        .warnings()
        .iter()
        .map(|w| {
            let at = w.statement();
            json!({
                "kind": w.kind().as_str(),
                "message": w.message(),
                "statement": at.map(|s| s.number()),
                "line": at.map(|s| s.position().line),
                "column": at.map(|s| s.position().column),
                "start": at.map(|s| s.start()),
            })
        })
        .collect()
}

fn json_document(registry: &Registry, relationships: &[&Relationship]) -> Json {
    let items: Vec<Json> = relationships
        .iter()
        .map(|r| {
            json!({
                "table": r.parent().qualified_name().to_string(),
                "name": r.name(),
                "target": r.target().qualified_name().to_string(),
                "direction": r.direction().as_str(),
                "uselist": r.uselist(),
                "secondary": r.secondary().map(|s| s.qualified_name().to_string()),
                "primaryjoin": r.primaryjoin().to_string(),
                "secondaryjoin": r.secondaryjoin().map(ToString::to_string),
                "local_remote_pairs": pairs(r.local_remote_pairs()),
                "synchronize_pairs": pairs(r.synchronize_pairs()),
                "secondary_synchronize_pairs": pairs(r.secondary_synchronize_pairs()),
                "foreign_key_columns": names(r.foreign_key_columns()),
                "remote_side": names(r.remote_side()),
                "local_columns": names(r.local_columns()),
                "viewonly": r.viewonly(),
                "backref_of": r.backref_of(),
            })
        })
        .collect();
    let mut document = json!({ "relationships": items });
    let warnings = warnings_json(registry);
    if !warnings.is_empty() {
        document["schema_warnings"] = Json::Array(warnings);
    }
    document
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
    let line = |out: &mut String, cells: [&str; 4]| {
        let _ = writeln!(
            out,
            "{:w0$}  {:w1$}  {:w2$}  {}",
            cells[0],
            cells[1],
            cells[2],
            cells[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        );
    };
    line(&mut out, header);
    for r in &rows {
        line(&mut out, [&r[0], &r[1], &r[2], &r[3]]);
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

/// A name Mermaid accepts as an identifier.
fn mermaid_id(name: &str) -> String {
    let mut id: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if !id.starts_with(|c: char| c.is_ascii_alphabetic()) {
        id.insert(0, 't');
    }
    id
}

fn mermaid(registry: &Registry, relationships: &[&Relationship]) -> String {
    let mut out = String::from("erDiagram\n");
    for table in tables(registry) {
        let name = table.qualified_name().to_string();
        let id = mermaid_id(&name);
        // Names Mermaid cannot take as identifiers get an alias label.
        if id == name {
            let _ = writeln!(out, "    {id} {{");
        } else {
            let _ = writeln!(out, "    {id}[\"{}\"] {{", name.replace('"', "'"));
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
                mermaid_id(column.sql_type())
            };
            let _ = writeln!(
                out,
                "        {sql_type} {}{}",
                mermaid_id(column.name()),
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
        let cardinality = match (r.direction(), r.uselist()) {
            (Direction::OneToMany, true) => "||--o{",
            (Direction::OneToMany, false) => "||--o|",
            (Direction::ManyToOne, _) => "}o--||",
            (Direction::ManyToMany, _) => "}o--o{",
        };
        let label = match reverse {
            Some(o) => format!("{} / {}", r.name(), o.name()),
            None => r.name().to_owned(),
        };
        let _ = writeln!(
            out,
            "    {} {cardinality} {} : \"{}\"",
            mermaid_id(&r.parent().qualified_name().to_string()),
            mermaid_id(&r.target().qualified_name().to_string()),
            label.replace('"', "'")
        );
    }
    out
}

/// A double-quoted DOT identifier.
fn dot_id(name: &str) -> String {
    format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Text for a DOT HTML-like label.
fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
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
