//! The relationship file: relationship declarations written in TOML, read
//! and checked against a schema with the registry's own checks (a front
//! end, like [`sql_text`](crate::sql_text)). The format is specified in
//! `docs/relationship-file.md`.
//!
//! ```toml
//! [[relationship]]
//! table = "users"          # the parent (local) table
//! name = "addresses"       # attribute name
//! target = "addresses"     # the related table
//! backref = "user"         # or a table of options, see below
//! # back_populates = "user"
//! # secondary = "user_keywords"
//! # primaryjoin = "users.id = foreign(addresses.user_id)"
//! # secondaryjoin = "..."
//! # foreign_keys = ["addresses.user_id"]
//! # remote_side = ["nodes.id"]
//! # uselist = false
//! # viewonly = true
//! # order_by = ["addresses.email"]
//! # overlaps = ["other_relationship"]
//! ```
//!
//! Every key maps onto the [`RelationshipConfig`] method of the same name;
//! `table`, `name` and `target` are required. `backref` is either the
//! backref's name or an (inline) table with `name` and any of the
//! [`Backref`] options `primaryjoin`, `secondaryjoin`, `foreign_keys`,
//! `remote_side`, `uselist`, `viewonly`, `order_by` and `overlaps`:
//!
//! ```toml
//! backref = { name = "parent", remote_side = ["nodes.id"], uselist = false }
//! ```
//!
//! Column references in `foreign_keys`, `remote_side` and `order_by` are
//! `table.column` (`namespace.table.column` for namespaced tables), written
//! plainly even when a name is an SQL keyword (`order.id`). Join conditions
//! are SQL text, parsed by [`parse_condition`](crate::expr::parse_condition), so a keyword used as a name
//! is quoted there (`"order".user_id`); TOML literal strings
//! (`'users.id = "order".user_id'`) save escaping the quotes.
//!
//! # Functions
//!
//! - [`parse`] reads the text: TOML syntax, known keys, value types.
//! - [`validate`] checks configs against a [`Schema`]: tables, columns, join
//!   conditions, backref options.
//! - [`load`] does both.
//! - [`to_toml`] writes configs back in this format.
//!
//! # Errors
//!
//! - TOML syntax errors, and a file whose top level holds anything but
//!   `relationship` entries: [`Error::Parse`] with `what` =
//!   `"relationship file"` and the position (1-based line and column,
//!   counted in characters).
//! - Unknown keys, wrong value types, missing `table` / `name` / `target`
//!   and empty names in an entry: that [`Error::Parse`] (with the position of
//!   the offending key or value), wrapped in [`Error::Context`] naming the
//!   entry: `relationship #2 (users.addresses)`, counted from 1 (just
//!   `relationship #2` while `table` or `name` is missing).
//! - Problems found by [`validate`]: the typed error
//!   ([`Error::UnknownTable`], [`Error::UnknownColumn`], [`Error::Parse`] of
//!   the condition, [`Error::BackrefExists`], ...) wrapped in the same
//!   context (an unknown name in a condition carries a further context
//!   with its place in the condition).
//!
//! [`Error::kind`] looks through the context and [`Error::root`] gives the
//! error inside.
//!
//! # Example
//!
//! ```
//! use sqlrel::registry::Registry;
//! use sqlrel::relationship::Direction;
//! use sqlrel::relationship_file;
//! use sqlrel::schema::Schema;
//!
//! let schema = Schema::from_ddl(
//!     "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
//!      CREATE TABLE addresses (
//!          id INTEGER PRIMARY KEY,
//!          user_id INTEGER REFERENCES users (id),
//!          email TEXT
//!      );
//!      CREATE TABLE nodes (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES nodes (id));",
//! )?;
//! let text = r#"
//!     [[relationship]]
//!     table = "users"
//!     name = "addresses"
//!     target = "addresses"
//!     backref = "user"
//!     order_by = ["addresses.email"]
//!
//!     [[relationship]]
//!     table = "nodes"
//!     name = "children"
//!     target = "nodes"
//!     backref = { name = "parent", remote_side = ["nodes.id"] }
//! "#;
//! let configs = relationship_file::load(text, &schema)?;
//! assert_eq!(configs.len(), 2);
//!
//! let mut builder = Registry::builder(schema);
//! for config in configs {
//!     builder.add_relationship(config);
//! }
//! let registry = builder.configure()?;
//! assert_eq!(registry.relationship("users.addresses")?.direction(), Direction::OneToMany);
//! assert_eq!(registry.relationship("addresses.user")?.direction(), Direction::ManyToOne);
//! assert_eq!(registry.relationship("nodes.parent")?.direction(), Direction::ManyToOne);
//!
//! // Mistakes are reported with the entry they are in.
//! let err = relationship_file::load(
//!     "[[relationship]]\ntable = \"users\"\nname = \"addresses\"\ntarget = \"adresses\"\n",
//!     registry.schema(),
//! )
//! .unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "relationship #1 (users.addresses): unknown table 'adresses'"
//! );
//! # Ok::<(), sqlrel::Error>(())
//! ```

use std::fmt;
use std::ops::Range;

use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, MapAccess, Visitor};
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use crate::error::{Error, Position, Result};
use crate::registry::check_declarations;
use crate::relationship::{Backref, Condition, RelationshipConfig};
use crate::schema::Schema;

/// `what` of the [`Error::Parse`] errors this module returns.
const WHAT: &str = "relationship file";

/// The key holding the entries.
const ENTRY_KEY: &str = "relationship";

/// Reads a relationship file: TOML syntax, known keys and value types. Names
/// are not looked up; see [`load`] for that.
///
/// An empty file (or one with only comments) holds no relationships.
///
/// ```
/// use sqlrel::relationship::{Backref, RelationshipConfig};
/// use sqlrel::relationship_file;
///
/// let configs = relationship_file::parse(
///     r#"
///     [[relationship]]
///     table = "nodes"
///     name = "children"
///     target = "nodes"
///     backref = { name = "parent", remote_side = ["nodes.id"] }
///     "#,
/// )?;
/// assert_eq!(
///     configs,
///     [RelationshipConfig::new("nodes", "children", "nodes")
///         .backref(Backref::new("parent").remote_side(["nodes.id"]))]
/// );
/// # Ok::<(), sqlrel::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::Parse`] with `what` = `"relationship file"` and the position:
/// - for a TOML syntax error, or a top level holding anything but
///   `relationship` entries;
/// - for an entry with an unknown key, a value of the wrong type, a missing
///   `table` / `name` / `target`, or an empty name, inside an
///   [`Error::Context`] naming the entry (`relationship #2 (users.addresses)`).
pub fn parse(text: &str) -> Result<Vec<RelationshipConfig>> {
    let root = DeTable::parse(text).map_err(|e| toml_error(text, &e))?;
    let mut entries = None;
    for (key, value) in root.into_inner() {
        if key.get_ref().as_ref() == ENTRY_KEY {
            entries = Some(value);
        } else {
            return Err(file_error(
                text,
                format!(
                    "unknown key `{}`, expected `{ENTRY_KEY}`",
                    key.get_ref().as_ref()
                ),
                Some(key.span()),
            ));
        }
    }
    let Some(entries) = entries else {
        return Ok(Vec::new());
    };
    let span = entries.span();
    let items = match entries.into_inner() {
        DeValue::Array(items) => items,
        other => {
            return Err(file_error(
                text,
                format!(
                    "`{ENTRY_KEY}` must be an array of tables (`[[{ENTRY_KEY}]]`), found {}",
                    other.type_str()
                ),
                Some(span),
            ));
        }
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| entry(text, i, item))
        .collect()
}

/// Checks `configs` against `schema`, so that mistakes surface before the
/// registry is configured, each naming its entry (`relationship #n
/// (table.name)`, counted from 1):
///
/// - `table`, `target` and `secondary` are tables of the schema;
/// - every column of `foreign_keys`, `remote_side` and `order_by` (the
///   backref's too) exists;
/// - `primaryjoin` and `secondaryjoin` (the backref's too) parse against the
///   schema;
/// - `secondaryjoin` (the backref's too) comes with `secondary`;
/// - `backref` and `back_populates` are not both given;
/// - no relationship is declared twice, and no backref name is taken on
///   its table by a column, a declared relationship or another backref.
///
/// These are the checks [`configure`](crate::registry::RegistryBuilder::configure)
/// makes before it resolves any join condition (conditions built in Rust,
/// [`Condition::Expr`], are checked to use this schema's columns). What
/// only resolution can tell (foreign keys, the direction, `back_populates`
/// partners) is left to `configure`.
///
/// # Errors
///
/// The first failure, in an [`Error::Context`] naming its entry (and its
/// relationship, which [`Error::relationship`] reports):
/// [`Error::UnknownTable`], [`Error::UnknownColumn`], the errors of
/// [`parse_condition`](crate::expr::parse_condition),
/// [`Error::SecondaryJoinWithoutSecondary`], [`Error::BackrefSecondaryJoin`],
/// [`Error::BackrefWithBackPopulates`], [`Error::BackrefExists`], and
/// [`Error::InvalidArgument`] for a relationship declared twice, a column not
/// written `table.column` or a condition built from another schema's columns.
pub fn validate(configs: &[RelationshipConfig], schema: &Schema) -> Result<()> {
    check_declarations(schema, configs).map_err(|(i, e)| {
        let config = &configs[i];
        e.context_for(
            entry_label(i, Some(&config.table), Some(&config.name)),
            config.key(),
        )
    })
}

/// [`parse`] then [`validate`]: the relationships of a file, checked against
/// `schema`.
///
/// # Errors
///
/// Those of [`parse`], then those of [`validate`].
pub fn load(text: &str, schema: &Schema) -> Result<Vec<RelationshipConfig>> {
    let configs = parse(text)?;
    validate(&configs, schema)?;
    Ok(configs)
}

/// Writes `configs` in the relationship-file format; [`parse`] reads the
/// text back into equal configs (unless a name is empty, which [`parse`]
/// rejects).
///
/// Keys are written in a fixed order and only when set (`viewonly = false`
/// is left out); a backref without options is written as its name, one with
/// options as an inline table.
///
/// ```
/// use sqlrel::relationship::RelationshipConfig;
/// use sqlrel::relationship_file;
///
/// let configs = [RelationshipConfig::new("users", "addresses", "addresses").backref("user")];
/// let text = relationship_file::to_toml(&configs)?;
/// assert_eq!(
///     text,
///     "[[relationship]]\ntable = \"users\"\nname = \"addresses\"\ntarget = \"addresses\"\nbackref = \"user\"\n"
/// );
/// assert_eq!(relationship_file::parse(&text)?, configs);
/// # Ok::<(), sqlrel::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::InvalidArgument`], in an [`Error::Context`] naming the entry, for a
/// join condition built in Rust ([`Condition::Expr`]): its text would lose the
/// `foreign()` / `remote()` marks.
pub fn to_toml(configs: &[RelationshipConfig]) -> Result<String> {
    let mut out = String::new();
    for (i, config) in configs.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        write_entry(&mut out, config).map_err(|e| {
            e.context_for(
                entry_label(i, Some(&config.table), Some(&config.name)),
                config.key(),
            )
        })?;
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------

/// One `[[relationship]]` table as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a relationship table")]
struct RawEntry {
    table: String,
    name: Spanned<String>,
    target: String,
    #[serde(default)]
    backref: Option<RawBackref>,
    #[serde(default)]
    back_populates: Option<Spanned<String>>,
    #[serde(default)]
    secondary: Option<String>,
    #[serde(default)]
    primaryjoin: Option<String>,
    #[serde(default)]
    secondaryjoin: Option<String>,
    #[serde(default)]
    foreign_keys: Vec<String>,
    #[serde(default)]
    remote_side: Vec<String>,
    #[serde(default)]
    uselist: Option<bool>,
    #[serde(default)]
    viewonly: bool,
    #[serde(default)]
    order_by: Vec<String>,
    #[serde(default)]
    overlaps: Vec<String>,
}

/// `backref = "name"` or `backref = { name = ..., ... }`.
enum RawBackref {
    Name(String),
    Options(BackrefOptions),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table of backref options")]
struct BackrefOptions {
    name: Spanned<String>,
    #[serde(default)]
    primaryjoin: Option<String>,
    #[serde(default)]
    secondaryjoin: Option<String>,
    #[serde(default)]
    foreign_keys: Option<Vec<String>>,
    #[serde(default)]
    remote_side: Vec<String>,
    #[serde(default)]
    uselist: Option<bool>,
    #[serde(default)]
    viewonly: Option<bool>,
    #[serde(default)]
    order_by: Vec<String>,
    #[serde(default)]
    overlaps: Vec<String>,
}

impl<'de> Deserialize<'de> for RawBackref {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RawBackrefVisitor;

        impl<'de> Visitor<'de> for RawBackrefVisitor {
            type Value = RawBackref;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a backref name or a table of backref options")
            }

            fn visit_str<E: de::Error>(self, name: &str) -> Result<RawBackref, E> {
                Ok(RawBackref::Name(name.to_owned()))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawBackref, A::Error> {
                BackrefOptions::deserialize(MapAccessDeserializer::new(map))
                    .map(RawBackref::Options)
            }
        }

        deserializer.deserialize_any(RawBackrefVisitor)
    }
}

/// The config of entry `index` (0-based).
fn entry(text: &str, index: usize, item: Spanned<DeValue<'_>>) -> Result<RelationshipConfig> {
    let label = {
        let field = |key: &str| item.get_ref().get(key).and_then(|v| v.get_ref().as_str());
        entry_label(index, field("table"), field("name"))
    };
    let in_entry = |message: String, span: Option<Range<usize>>| {
        file_error(text, message, span).context(label.clone())
    };
    if !item.get_ref().is_table() {
        let found = item.get_ref().type_str();
        return Err(in_entry(
            format!("expected a relationship table, found {found}"),
            Some(item.span()),
        ));
    }
    // The span of a `backref = "name"` string (for an empty name).
    let backref_span = item
        .get_ref()
        .get("backref")
        .map(Spanned::span)
        .unwrap_or_default();
    let raw = RawEntry::deserialize(ValueDeserializer::from(item.clone())).map_err(|e| {
        let mut message = e.message().to_owned();
        if let Some(span) = e.span() {
            let path = key_path(item.get_ref(), span.start);
            // serde names unknown and missing keys itself; say where the
            // other complaints (wrong types) are.
            if let Some(last) = path.last()
                && !message.contains(&format!("`{last}`"))
            {
                message = format!("{message} (in `{}`)", path.join("."));
            }
        }
        in_entry(message, e.span())
    })?;
    let non_empty = |what: &str, value: &Spanned<String>| {
        if value.get_ref().is_empty() {
            Err(in_entry(
                format!("{what} must not be empty"),
                Some(value.span()),
            ))
        } else {
            Ok(())
        }
    };
    non_empty("`name`", &raw.name)?;
    if let Some(back_populates) = &raw.back_populates {
        non_empty("`back_populates`", back_populates)?;
    }
    let backref = match raw.backref {
        None => None,
        Some(RawBackref::Name(name)) => {
            let name = Spanned::new(backref_span, name);
            non_empty("the backref name", &name)?;
            Some(Backref::new(name.into_inner()))
        }
        Some(RawBackref::Options(options)) => {
            non_empty("the backref name", &options.name)?;
            Some(Backref {
                name: options.name.into_inner(),
                primaryjoin: options.primaryjoin.map(Condition::Text),
                secondaryjoin: options.secondaryjoin.map(Condition::Text),
                foreign_keys: options.foreign_keys,
                remote_side: options.remote_side,
                uselist: options.uselist,
                viewonly: options.viewonly,
                order_by: options.order_by,
                overlaps: options.overlaps,
            })
        }
    };
    Ok(RelationshipConfig {
        table: raw.table,
        name: raw.name.into_inner(),
        target: raw.target,
        secondary: raw.secondary,
        primaryjoin: raw.primaryjoin.map(Condition::Text),
        secondaryjoin: raw.secondaryjoin.map(Condition::Text),
        foreign_keys: raw.foreign_keys,
        remote_side: raw.remote_side,
        uselist: raw.uselist,
        viewonly: raw.viewonly,
        order_by: raw.order_by,
        overlaps: raw.overlaps,
        backref,
        back_populates: raw.back_populates.map(Spanned::into_inner),
    })
}

/// The keys leading to the value at byte `offset`, e.g. `["backref",
/// "uselist"]`.
fn key_path(value: &DeValue<'_>, offset: usize) -> Vec<String> {
    let DeValue::Table(table) = value else {
        return Vec::new();
    };
    let found = table
        .iter()
        .find_map(|(key, value)| {
            if key.span().contains(&offset) {
                Some((key, Vec::new()))
            } else if value.span().contains(&offset) {
                Some((key, key_path(value.get_ref(), offset)))
            } else {
                None
            }
        })
        // A table opened by a `[relationship.backref]` header spans the
        // header only: look inside.
        .or_else(|| {
            table.iter().find_map(|(key, value)| {
                let inner = key_path(value.get_ref(), offset);
                (!inner.is_empty()).then_some((key, inner))
            })
        });
    match found {
        Some((key, inner)) => {
            let mut path = vec![key.get_ref().as_ref().to_owned()];
            path.extend(inner);
            path
        }
        None => Vec::new(),
    }
}

/// `relationship #n (table.name)`, or `relationship #n` while either is
/// unknown.
fn entry_label(index: usize, table: Option<&str>, name: Option<&str>) -> String {
    let n = index + 1;
    match (table, name) {
        (Some(table), Some(name)) => format!("relationship #{n} ({table}.{name})"),
        _ => format!("relationship #{n}"),
    }
}

fn file_error(text: &str, message: impl Into<String>, span: Option<Range<usize>>) -> Error {
    Error::Parse {
        what: WHAT.to_owned(),
        message: message.into(),
        position: span.map(|s| position_at(text, s.start)),
    }
}

fn toml_error(text: &str, error: &toml::de::Error) -> Error {
    file_error(text, error.message(), error.span())
}

/// The 1-based line and column (in characters) of byte `offset` of `text`.
fn position_at(text: &str, offset: usize) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Position {
        line: before.matches('\n').count() as u64 + 1,
        column: before[line_start..].chars().count() as u64 + 1,
    }
}

// ---------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------

fn write_entry(out: &mut String, config: &RelationshipConfig) -> Result<()> {
    out.push_str("[[relationship]]\n");
    let mut line = |key: &str, value: String| {
        out.push_str(key);
        out.push_str(" = ");
        out.push_str(&value);
        out.push('\n');
    };
    line("table", string(&config.table));
    line("name", string(&config.name));
    line("target", string(&config.target));
    if let Some(backref) = &config.backref {
        line("backref", backref_value(backref)?);
    }
    if let Some(back_populates) = &config.back_populates {
        line("back_populates", string(back_populates));
    }
    if let Some(secondary) = &config.secondary {
        line("secondary", string(secondary));
    }
    if let Some(primaryjoin) = &config.primaryjoin {
        line("primaryjoin", condition_text("primaryjoin", primaryjoin)?);
    }
    if let Some(secondaryjoin) = &config.secondaryjoin {
        line(
            "secondaryjoin",
            condition_text("secondaryjoin", secondaryjoin)?,
        );
    }
    if !config.foreign_keys.is_empty() {
        line("foreign_keys", array(&config.foreign_keys));
    }
    if !config.remote_side.is_empty() {
        line("remote_side", array(&config.remote_side));
    }
    if let Some(uselist) = config.uselist {
        line("uselist", uselist.to_string());
    }
    if config.viewonly {
        line("viewonly", "true".to_owned());
    }
    if !config.order_by.is_empty() {
        line("order_by", array(&config.order_by));
    }
    if !config.overlaps.is_empty() {
        line("overlaps", array(&config.overlaps));
    }
    Ok(())
}

/// `"name"`, or `{ name = "...", ... }` when an option is set.
fn backref_value(backref: &Backref) -> Result<String> {
    let mut options = Vec::new();
    if let Some(primaryjoin) = &backref.primaryjoin {
        options.push((
            "primaryjoin",
            condition_text("backref primaryjoin", primaryjoin)?,
        ));
    }
    if let Some(secondaryjoin) = &backref.secondaryjoin {
        options.push((
            "secondaryjoin",
            condition_text("backref secondaryjoin", secondaryjoin)?,
        ));
    }
    if let Some(foreign_keys) = &backref.foreign_keys {
        options.push(("foreign_keys", array(foreign_keys)));
    }
    if !backref.remote_side.is_empty() {
        options.push(("remote_side", array(&backref.remote_side)));
    }
    if let Some(uselist) = backref.uselist {
        options.push(("uselist", uselist.to_string()));
    }
    if let Some(viewonly) = backref.viewonly {
        options.push(("viewonly", viewonly.to_string()));
    }
    if !backref.order_by.is_empty() {
        options.push(("order_by", array(&backref.order_by)));
    }
    if !backref.overlaps.is_empty() {
        options.push(("overlaps", array(&backref.overlaps)));
    }
    if options.is_empty() {
        return Ok(string(&backref.name));
    }
    let mut value = format!("{{ name = {}", string(&backref.name));
    for (key, option) in options {
        value.push_str(", ");
        value.push_str(key);
        value.push_str(" = ");
        value.push_str(&option);
    }
    value.push_str(" }");
    Ok(value)
}

fn condition_text(key: &str, condition: &Condition) -> Result<String> {
    match condition {
        Condition::Text(text) => Ok(string(text)),
        Condition::Expr(expr) => Err(Error::invalid(format!(
            "the {key} condition `{expr}` was built in Rust and cannot be written to a \
             relationship file; give it as text"
        ))),
    }
}

/// A TOML string literal (basic or literal string, escaped as needed).
fn string(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

fn array(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|s| string(s)).collect();
    format!("[{}]", items.join(", "))
}
