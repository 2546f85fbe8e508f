//! `CREATE TABLE`, `CREATE UNIQUE INDEX` and `CREATE SCHEMA` (with its
//! elements), and the column and constraint definitions `ALTER TABLE`
//! shares with `CREATE TABLE`.

use super::super::builder::{ForeignKeyDef, TableBuilder, qualify};
use super::super::{Column, WarningKind};
use super::Flavor;
use super::catalog::{Catalog, Constraint, UniqueIndex, split_name};
use super::lex::{Cursor, Kind, location};
use crate::error::Result;

/// A column definition and the keys it declares.
pub(super) struct ColumnDef {
    pub column: Column,
    /// Keys declared on the column, in text order.
    pub constraints: Vec<Constraint>,
}

/// One element of a `CREATE TABLE` list.
pub(super) enum Element {
    Column(ColumnDef),
    Constraint(Constraint),
    /// `LIKE other`: the other table's columns (and keys, for MySQL or
    /// with `INCLUDING INDEXES` / `INCLUDING ALL`).
    Like(Vec<String>, bool),
    /// A check, an index that is not unique, an exclusion: nothing.
    Nothing,
}

/// Words that end a column's type: what may follow the type in a column
/// definition. `CHARACTER` (before `SET`) and `WITH` (before `OPTIONS`)
/// are checked with the next word.
const COLUMN_ATTRIBUTES: &[&str] = &[
    "CONSTRAINT",
    "PRIMARY",
    "KEY",
    "NOT",
    "NULL",
    "UNIQUE",
    "CHECK",
    "DEFAULT",
    "COLLATE",
    "REFERENCES",
    "GENERATED",
    "AS",
    "AUTO_INCREMENT",
    "AUTOINCREMENT",
    "IDENTITY",
    "ON",
    "COMMENT",
    "CHARSET",
    "VISIBLE",
    "INVISIBLE",
    "COLUMN_FORMAT",
    "STORAGE",
    "COMPRESSION",
    "SRID",
    "ENGINE_ATTRIBUTE",
    "SECONDARY_ENGINE_ATTRIBUTE",
    "MATCH",
    "DEFERRABLE",
    "INITIALLY",
];

/// Whether the current token starts a column attribute (ends a type or a
/// default expression).
fn at_attribute(cur: &Cursor<'_>) -> bool {
    let Some(t) = cur.peek() else {
        return true;
    };
    if t.kind != Kind::Word {
        return false;
    }
    if COLUMN_ATTRIBUTES.iter().any(|k| t.is_kw(k)) {
        return true;
    }
    (t.is_kw("CHARACTER") && cur.is_kw_at(1, "SET"))
        || (t.is_kw("WITH") && cur.is_kw_at(1, "OPTIONS"))
}

/// Words that may follow a type's name in PostgreSQL and MySQL.
const TYPE_WORDS: &[&str] = &[
    "VARYING",
    "PRECISION",
    "WITH",
    "WITHOUT",
    "TIME",
    "ZONE",
    "UNSIGNED",
    "SIGNED",
    "ZEROFILL",
    "BINARY",
    "ARRAY",
    "TO",
    "YEAR",
    "MONTH",
    "DAY",
    "HOUR",
    "MINUTE",
    "SECOND",
    "CHARACTER",
    "CHAR",
    "VARCHAR",
    "TEXT",
    "INT",
    "INTEGER",
    "OBJECT",
    "LARGE",
    "VARBINARY",
    "BYTE",
];

fn at_element_end(cur: &Cursor<'_>) -> bool {
    cur.at_end() || cur.is_punct(",") || cur.is_punct(")")
}

/// What a table's definition is read with: the namespace for unqualified
/// names (inside `CREATE SCHEMA`).
#[derive(Clone, Copy)]
pub(super) struct Scope<'a> {
    pub namespace: Option<&'a str>,
}

impl Scope<'_> {
    /// The qualified name a reference to table `parts` means.
    pub fn table_name(&self, cur: &Cursor<'_>, parts: &[String]) -> Result<String> {
        let (namespace, table) = split_name(parts, self.namespace)
            .ok_or_else(|| cur.error(format!("unsupported table name {}", parts.join("."))))?;
        Ok(qualify(namespace.as_deref(), &table))
    }
}

/// `REFERENCES table [(columns)]` and what may follow it.
fn references(
    cur: &mut Cursor<'_>,
    scope: Scope<'_>,
    columns: Vec<String>,
) -> Result<ForeignKeyDef> {
    cur.expect_kw("REFERENCES")?;
    let parts = cur.name("the referred table")?;
    let table = scope.table_name(cur, &parts)?;
    let referred = if cur.is_punct("(") {
        cur.name_list("a referred column")?
    } else {
        Vec::new()
    };
    Ok(ForeignKeyDef::new(columns, table, referred))
}

/// A key's column list: plain columns, each maybe with a prefix length,
/// an order, a collation, an operator class. `None` when an entry is an
/// expression.
pub(super) fn key_columns(cur: &mut Cursor<'_>) -> Result<Option<Vec<String>>> {
    cur.expect_punct("(")?;
    let mut columns = Some(Vec::new());
    loop {
        let item_start = cur.i;
        let plain_name = cur.is_name();
        let mut plain = plain_name;
        if plain_name {
            let name = cur.ident("a key column")?;
            if let Some(c) = &mut columns {
                c.push(name);
            }
        }
        while let Some(&t) = cur.peek() {
            if t.is_punct(",") || t.is_punct(")") {
                break;
            }
            if t.is_punct("(") {
                // MySQL's prefix length `name(10)`; anything else is a call.
                let length = cur.peek_at(1).is_some_and(|t| t.kind == Kind::Num)
                    && cur.peek_at(2).is_some_and(|t| t.is_punct(")"));
                plain &= length;
                cur.skip_group()?;
            } else {
                plain &= matches!(t.kind, Kind::Word | Kind::Quoted) || t.is_punct(".");
                cur.i += 1;
            }
        }
        if !plain {
            let end = cur.i;
            let text = cur.text_of(item_start, end);
            if text.is_empty() {
                return Err(cur.expected("a key column"));
            }
            columns = None;
        }
        if cur.eat_punct(")") {
            return Ok(columns);
        }
        cur.expect_punct(",")?;
    }
}

/// `key_columns` for a constraint, where an expression is an error.
fn constraint_columns(cur: &mut Cursor<'_>) -> Result<Vec<String>> {
    let start = cur.i;
    match key_columns(cur)? {
        Some(columns) => Ok(columns),
        None => {
            let offset = cur.tokens.get(start).map_or(0, |t| t.offset);
            Err(cur.error_at(
                offset,
                format!(
                    "unsupported key column in {}: a key of expressions names no columns",
                    cur.text_of(start, cur.i)
                ),
            ))
        }
    }
}

/// A table constraint after its optional `CONSTRAINT name`; the cursor is
/// on `PRIMARY`, `UNIQUE`, `FOREIGN`, `CHECK` or `EXCLUDE`. Returns `None`
/// for checks and exclusions. Moves to the end of the element.
pub(super) fn table_constraint(
    cur: &mut Cursor<'_>,
    scope: Scope<'_>,
    name: Option<String>,
) -> Result<Option<Constraint>> {
    let constraint = if cur.eat_kws(&["PRIMARY", "KEY"]) {
        // MySQL: PRIMARY KEY [index_type] (columns).
        while cur.peek().is_some_and(|t| t.kind == Kind::Word) {
            cur.i += 1;
        }
        Some(Constraint::PrimaryKey(constraint_columns(cur)?))
    } else if cur.eat_kw("UNIQUE") {
        if !cur.eat_kw("KEY") {
            cur.eat_kw("INDEX");
        }
        let _ = cur.eat_kws(&["NULLS", "NOT", "DISTINCT"]) || cur.eat_kws(&["NULLS", "DISTINCT"]);
        // MySQL: UNIQUE [KEY] [index_name] [USING type] (columns).
        let mut index_name = None;
        if cur.is_name() && !cur.is_kw("USING") {
            index_name = Some(cur.ident("an index name")?);
        }
        if cur.eat_kw("USING") {
            cur.ident("an index type")?;
        }
        let columns = constraint_columns(cur)?;
        Some(Constraint::Unique(name.or(index_name), columns))
    } else if cur.eat_kws(&["FOREIGN", "KEY"]) {
        // MySQL: FOREIGN KEY [index_name] (columns).
        if cur.is_name() {
            cur.ident("an index name")?;
        }
        let columns = cur.name_list("a foreign key column")?;
        let mut fk = references(cur, scope, columns)?;
        fk.name = name;
        Some(Constraint::ForeignKey(fk))
    } else if cur.is_kw("CHECK") || cur.is_kw("EXCLUDE") {
        None
    } else {
        return Err(cur.expected("PRIMARY KEY, UNIQUE, FOREIGN KEY or CHECK"));
    };
    cur.skip_to_element_end()?;
    Ok(constraint)
}

/// Whether a `KEY` / `INDEX` / `FULLTEXT` / `SPATIAL` at the cursor starts
/// MySQL's index definition rather than a column of that name.
fn at_index_definition(cur: &Cursor<'_>) -> bool {
    if cur.is_kw("FULLTEXT") || cur.is_kw("SPATIAL") {
        return true;
    }
    if !(cur.is_kw("KEY") || cur.is_kw("INDEX")) {
        return false;
    }
    let Some(next) = cur.peek_at(1) else {
        return false;
    };
    if next.is_punct("(") || next.is_kw("USING") {
        return true;
    }
    let named = matches!(next.kind, Kind::Word | Kind::Quoted);
    // `KEY name (col)`, not a column `key varchar(10)`.
    named
        && (cur.is_kw_at(2, "USING")
            || (cur.peek_at(2).is_some_and(|t| t.is_punct("("))
                && cur.peek_at(3).is_some_and(|t| t.kind != Kind::Num)))
}

/// One element of a `CREATE TABLE` list. `typed`: columns have types
/// (not in `PARTITION OF`).
pub(super) fn element(cur: &mut Cursor<'_>, scope: Scope<'_>, typed: bool) -> Result<Element> {
    if cur.is_kw("CONSTRAINT") {
        cur.i += 1;
        let keyword_next = ["PRIMARY", "UNIQUE", "FOREIGN", "CHECK", "EXCLUDE"]
            .iter()
            .any(|k| cur.is_kw(k));
        let name = if keyword_next {
            None
        } else {
            Some(cur.ident("a constraint name")?)
        };
        return Ok(
            table_constraint(cur, scope, name)?.map_or(Element::Nothing, Element::Constraint)
        );
    }
    let constraint_next = (cur.is_kw("PRIMARY") && cur.is_kw_at(1, "KEY"))
        || (cur.is_kw("FOREIGN") && cur.is_kw_at(1, "KEY"))
        || (cur.is_kw("UNIQUE")
            && !cur
                .peek_at(1)
                .is_some_and(|t| t.is_punct(",") || t.is_punct(")")))
        || ((cur.is_kw("CHECK") || cur.is_kw("EXCLUDE"))
            && !cur.peek_at(1).is_some_and(|t| t.kind == Kind::Word));
    if constraint_next {
        return Ok(
            table_constraint(cur, scope, None)?.map_or(Element::Nothing, Element::Constraint)
        );
    }
    if at_index_definition(cur) || (cur.is_kw("PERIOD") && cur.is_kw_at(1, "FOR")) {
        cur.skip_to_element_end()?;
        return Ok(Element::Nothing);
    }
    if cur.is_kw("LIKE") {
        cur.i += 1;
        let parts = cur.name("a table name")?;
        // PostgreSQL copies keys with INCLUDING INDEXES or INCLUDING ALL.
        let mut with_keys = cur.flavor == Flavor::MySql;
        while !at_element_end(cur) {
            if cur.is_kw("INCLUDING") && (cur.is_kw_at(1, "INDEXES") || cur.is_kw_at(1, "ALL")) {
                with_keys = true;
            }
            if cur.is_punct("(") {
                cur.skip_group()?;
            } else {
                cur.i += 1;
            }
        }
        return Ok(Element::Like(parts, with_keys));
    }
    Ok(Element::Column(column(cur, scope, typed)?))
}

/// A column definition: name, type (every word up to the first attribute,
/// as SQLite reads types), attributes.
pub(super) fn column(cur: &mut Cursor<'_>, scope: Scope<'_>, typed: bool) -> Result<ColumnDef> {
    let name = cur.ident("a column name")?;
    let type_start = cur.i;
    if typed {
        // PostgreSQL and MySQL types are a name and known words after it
        // (`double precision`, `int unsigned`, `timestamp(3) with time
        // zone`); SQLite takes any words, and so does the generic dialect.
        let strict = matches!(cur.flavor, Flavor::Postgres | Flavor::MySql);
        while let Some(t) = cur.peek() {
            if t.is_punct(",") || t.is_punct(")") || at_attribute(cur) {
                break;
            }
            // A word after the type's (maybe qualified) name.
            let after_name = cur.i > type_start
                && !cur.tokens[cur.i - 1].is_punct(".")
                && matches!(t.kind, Kind::Word | Kind::Quoted);
            if strict && after_name && !TYPE_WORDS.iter().any(|w| t.is_kw(w)) {
                break;
            }
            match t.kind {
                Kind::Word | Kind::Quoted | Kind::Num => cur.i += 1,
                Kind::Punct if t.raw == "(" => cur.skip_group()?,
                Kind::Punct if matches!(t.raw, "." | "[" | "]") => cur.i += 1,
                _ => break,
            }
        }
    }
    let sql_type = cur.text_of(type_start, cur.i);
    // SQLite (and so the generic dialect) lets a column go untyped.
    if typed && sql_type.is_empty() && matches!(cur.flavor, Flavor::Postgres | Flavor::MySql) {
        return Err(cur.expected(&format!("the type of column {name}")));
    }
    let mut column = Column::new(&name, sql_type);
    let mut constraints = Vec::new();
    let mut constraint_name: Option<String> = None;
    while let Some(&t) = cur.peek() {
        if t.is_punct(",") || t.is_punct(")") {
            break;
        }
        let word = |k: &str| t.is_kw(k);
        if word("CONSTRAINT") {
            cur.i += 1;
            constraint_name = Some(cur.ident("a constraint name")?);
            continue;
        }
        if word("NOT") {
            cur.i += 1;
            if cur.eat_kw("NULL") {
                column = column.not_null();
            } else if !(cur.eat_kw("DEFERRABLE") || cur.eat_kw("ENFORCED") || cur.eat_kw("VALID")) {
                return Err(cur.expected("NULL"));
            }
        } else if word("NULL") {
            cur.i += 1;
            column.nullable = true;
        } else if word("PRIMARY") || word("KEY") {
            if word("PRIMARY") {
                cur.i += 1;
            }
            cur.expect_kw("KEY")?;
            let _ = cur.eat_kw("ASC") || cur.eat_kw("DESC");
            constraints.push(Constraint::PrimaryKey(vec![name.clone()]));
        } else if word("UNIQUE") {
            cur.i += 1;
            let _ = cur.eat_kw("KEY") || cur.eat_kw("INDEX");
            let _ =
                cur.eat_kws(&["NULLS", "NOT", "DISTINCT"]) || cur.eat_kws(&["NULLS", "DISTINCT"]);
            constraints.push(Constraint::Unique(
                constraint_name.take(),
                vec![name.clone()],
            ));
        } else if word("REFERENCES") {
            let mut fk = references(cur, scope, vec![name.clone()])?;
            fk.name = constraint_name.take();
            constraints.push(Constraint::ForeignKey(fk));
        } else if word("DEFAULT") {
            cur.i += 1;
            skip_expression(cur)?;
        } else if word("CHECK") {
            cur.i += 1;
            if !cur.is_punct("(") {
                return Err(cur.expected("'('"));
            }
            cur.skip_group()?;
            let _ = cur.eat_kws(&["NO", "INHERIT"]);
        } else if word("COLLATE") || word("CHARSET") || word("CHARACTER") {
            cur.i += 1;
            if t.is_kw("CHARACTER") {
                cur.expect_kw("SET")?;
            }
            cur.eat_punct("=");
            cur.name("a collation or character set")?;
        } else if word("GENERATED") {
            cur.i += 1;
            if !cur.eat_kw("ALWAYS") {
                cur.expect_kw("BY")?;
                cur.expect_kw("DEFAULT")?;
            }
            cur.expect_kw("AS")?;
            generated_body(cur)?;
        } else if word("AS") {
            cur.i += 1;
            generated_body(cur)?;
        } else if word("AUTO_INCREMENT")
            || word("AUTOINCREMENT")
            || word("VISIBLE")
            || word("INVISIBLE")
        {
            cur.i += 1;
        } else if word("IDENTITY") {
            cur.i += 1;
            if cur.is_punct("(") {
                cur.skip_group()?;
            }
        } else if word("ON") {
            cur.i += 1;
            if cur.eat_kw("CONFLICT") {
                cur.ident("a conflict resolution")?;
            } else if cur.eat_kw("UPDATE") || cur.eat_kw("DELETE") {
                if !referential_action(cur)? {
                    // MySQL's ON UPDATE CURRENT_TIMESTAMP.
                    skip_expression(cur)?;
                }
            } else {
                return Err(cur.expected("UPDATE, DELETE or CONFLICT"));
            }
        } else if word("MATCH") {
            cur.i += 1;
            cur.ident("FULL, PARTIAL or SIMPLE")?;
        } else if word("DEFERRABLE") || word("ENFORCED") {
            cur.i += 1;
        } else if word("INITIALLY") {
            cur.i += 1;
            cur.ident("DEFERRED or IMMEDIATE")?;
        } else if word("COMMENT")
            || word("COLUMN_FORMAT")
            || word("STORAGE")
            || word("COMPRESSION")
            || word("SRID")
        {
            // One word or string follows.
            cur.i += 1;
            cur.next();
        } else if word("ENGINE_ATTRIBUTE") || word("SECONDARY_ENGINE_ATTRIBUTE") {
            cur.i += 1;
            cur.eat_punct("=");
            cur.next();
        } else if word("WITH") && cur.is_kw_at(1, "OPTIONS") {
            cur.i += 2;
        } else if (word("ASC") || word("DESC")) && !typed {
            cur.i += 1;
        } else if word("SERIAL") && cur.is_kw_at(1, "DEFAULT") && cur.is_kw_at(2, "VALUE") {
            cur.i += 3;
        } else {
            return Err(cur.error(format!(
                "unexpected {} in the definition of column {name}",
                t.raw
            )));
        }
        if constraint_name.is_some() && !word("CONSTRAINT") {
            // A name given to what is not a key (NOT NULL, CHECK, DEFAULT).
            constraint_name = None;
        }
    }
    Ok(ColumnDef {
        column,
        constraints,
    })
}

/// What follows `GENERATED ... AS` or a bare `AS`: `IDENTITY [(options)]`,
/// `(expression) [STORED | VIRTUAL | PERSISTENT]`, `ROW START | END`.
fn generated_body(cur: &mut Cursor<'_>) -> Result<()> {
    if cur.eat_kw("IDENTITY") {
        if cur.is_punct("(") {
            cur.skip_group()?;
        }
        return Ok(());
    }
    if cur.eat_kw("ROW") {
        cur.ident("START or END")?;
        return Ok(());
    }
    if !cur.is_punct("(") {
        return Err(cur.expected("'('"));
    }
    cur.skip_group()?;
    let _ = cur.eat_kw("STORED") || cur.eat_kw("VIRTUAL") || cur.eat_kw("PERSISTENT");
    Ok(())
}

/// `CASCADE`, `RESTRICT`, `NO ACTION`, `SET NULL [(cols)]`, `SET DEFAULT
/// [(cols)]`; `false` (nothing consumed) when none comes next.
fn referential_action(cur: &mut Cursor<'_>) -> Result<bool> {
    if cur.eat_kw("CASCADE") || cur.eat_kw("RESTRICT") || cur.eat_kws(&["NO", "ACTION"]) {
        return Ok(true);
    }
    if cur.eat_kws(&["SET", "NULL"]) || cur.eat_kws(&["SET", "DEFAULT"]) {
        if cur.is_punct("(") {
            cur.skip_group()?;
        }
        return Ok(true);
    }
    Ok(false)
}

/// Skips an expression (a default): its first token, then everything up
/// to the next attribute or the end of the element.
fn skip_expression(cur: &mut Cursor<'_>) -> Result<()> {
    let mut cases = 0usize;
    let mut first = true;
    loop {
        if cur.at_end() || cur.is_punct(",") || cur.is_punct(")") {
            if first {
                return Err(cur.expected("an expression"));
            }
            return Ok(());
        }
        if !first && cases == 0 && at_attribute(cur) {
            return Ok(());
        }
        if cur.is_punct("(") {
            cur.skip_group()?;
        } else {
            if cur.is_kw("CASE") {
                cases += 1;
            } else if cur.is_kw("END") {
                cases = cases.saturating_sub(1);
            }
            cur.i += 1;
        }
        first = false;
    }
}

/// `CREATE [...] TABLE`: a new table in the catalog.
pub(super) fn create_table(
    cat: &mut Catalog,
    cur: &mut Cursor<'_>,
    scope: Scope<'_>,
) -> Result<()> {
    let origin = location(cur.statement);
    cur.expect_kw("CREATE")?;
    let _ = cur.eat_kws(&["OR", "REPLACE"]);
    let _ = cur.eat_kw("GLOBAL") || cur.eat_kw("LOCAL");
    let temporary = cur.eat_kw("TEMPORARY") || cur.eat_kw("TEMP");
    cur.eat_kw("UNLOGGED");
    if cur.eat_kw("VIRTUAL") {
        cat.warn(
            WarningKind::SkippedStatement,
            "skipped: a virtual table (CREATE VIRTUAL TABLE) is not read",
            Some(origin),
        );
        return cur.skip_rest();
    }
    if cur.is_kw("FOREIGN") {
        if cur.is_kw_at(1, "TABLE") {
            cat.warn(
                WarningKind::SkippedStatement,
                "skipped: a foreign table (CREATE FOREIGN TABLE) is not read",
                Some(origin),
            );
        }
        return cur.skip_rest();
    }
    cur.expect_kw("TABLE")?;
    if temporary {
        cat.warn(
            WarningKind::SkippedStatement,
            "skipped: a temporary table is not part of the schema",
            Some(origin),
        );
        return cur.skip_rest();
    }
    let if_not_exists = cur.eat_kws(&["IF", "NOT", "EXISTS"]);
    let name_at = cur.i;
    let parts = cur.name("a table name")?;
    let (namespace, name) = split_name(&parts, scope.namespace).ok_or_else(|| {
        let offset = cur.tokens.get(name_at).map_or(0, |t| t.offset);
        cur.error_at(
            offset,
            format!("unsupported table name {}", parts.join(".")),
        )
    })?;
    // SQLite's own tables (sqlite_sequence in `.schema` output).
    if name.to_ascii_lowercase().starts_with("sqlite_")
        && matches!(cur.flavor, Flavor::Sqlite | Flavor::Generic)
    {
        return cur.skip_rest();
    }
    if if_not_exists && cat.exists(namespace.as_deref(), &name) {
        return cur.skip_rest();
    }
    let qualified = qualify(namespace.as_deref(), &name);
    if cur.is_kw("AS") || cur.is_kw("SELECT") || cur.is_kw("CLONE") || cur.is_kw("OF") {
        return Err(cur.error(format!(
            "CREATE TABLE {qualified} copies another table or query; only column definitions are read"
        )));
    }
    let mut def = TableBuilder::new(name);
    def.namespace = namespace;
    let mut constraints: Vec<Constraint> = Vec::new();
    let mut table_constraints: Vec<Constraint> = Vec::new();
    let mut parent = None;
    let mut like = None;
    if cur.eat_kws(&["PARTITION", "OF"]) {
        let parts = cur.name("the partitioned table")?;
        let parent_name = scope.table_name(cur, &parts)?;
        let index = cat.find(&parent_name).map_err(|e| cur.context(e))?;
        def.columns = cat.tables[index].def.columns.clone();
        parent = Some(index);
        if cur.is_punct("(") {
            read_elements(
                cur,
                scope,
                false,
                &mut def,
                &mut constraints,
                &mut table_constraints,
                &mut like,
            )?;
        }
    } else if cur.is_kw("LIKE") {
        // MySQL: CREATE TABLE t LIKE other.
        cur.i += 1;
        like = Some((cur.name("a table name")?, true));
    } else if cur.is_punct("(") {
        read_elements(
            cur,
            scope,
            true,
            &mut def,
            &mut constraints,
            &mut table_constraints,
            &mut like,
        )?;
    } else {
        return Err(cur.expected("'(' and the columns of the table"));
    }
    let mut inherits = Vec::new();
    // Table options: engine, partitioning, storage, ...
    while let Some(t) = cur.peek() {
        if t.is_punct("(") {
            cur.skip_group()?;
        } else if t.is_kw("INHERITS") {
            cur.i += 1;
            cur.expect_punct("(")?;
            loop {
                inherits.push(cur.name("an inherited table")?);
                if cur.eat_punct(")") {
                    break;
                }
                cur.expect_punct(",")?;
            }
        } else if t.is_kw("SELECT") || (t.is_kw("AS") && cur.flavor == Flavor::MySql) {
            return Err(cur.error(format!(
                "CREATE TABLE {qualified} copies another table or query; only column definitions are read"
            )));
        } else if ["CREATE", "ALTER", "INSERT"].iter().any(|k| t.is_kw(k)) {
            // DROP and DELETE belong to ON COMMIT.
            return Err(cur.expected("end of statement"));
        } else {
            cur.i += 1;
        }
    }
    // Columns of LIKE and INHERITS come first.
    let mut copied_keys = Vec::new();
    if let Some((parts, with_keys)) = like {
        let other = scope.table_name(cur, &parts)?;
        let index = cat.find(&other).map_err(|e| cur.context(e))?;
        let source = &cat.tables[index].def;
        let mut columns = source.columns.clone();
        columns.append(&mut def.columns);
        def.columns = columns;
        if with_keys {
            if !source.primary_key.is_empty() {
                copied_keys.push(Constraint::PrimaryKey(source.primary_key.clone()));
            }
            for u in &source.unique {
                copied_keys.push(Constraint::Unique(u.name.clone(), u.columns.clone()));
            }
        }
    }
    for parts in inherits {
        let other = scope.table_name(cur, &parts)?;
        let index = cat.find(&other).map_err(|e| cur.context(e))?;
        let mut columns = cat.tables[index].def.columns.clone();
        let rule = cat.rules.columns;
        for own in std::mem::take(&mut def.columns) {
            match columns.iter_mut().find(|c| rule.same(&c.name, &own.name)) {
                Some(merged) => merged.nullable &= own.nullable,
                None => columns.push(own),
            }
        }
        def.columns = columns;
    }
    let index = cat.add_table(def);
    for constraint in copied_keys
        .into_iter()
        .chain(constraints)
        .chain(table_constraints)
    {
        cat.add_constraint(index, constraint, &origin, false)
            .map_err(|e| cur.context(e))?;
    }
    if let Some(parent) = parent {
        cat.attach(parent, index).map_err(|e| cur.context(e))?;
    }
    Ok(())
}

type Like = Option<(Vec<String>, bool)>;

/// `( element, ... )` of a `CREATE TABLE`: columns into `def`, column
/// constraints into `constraints`, table constraints into
/// `table_constraints`. Without `typed` (a partition), a column element
/// changes the column of that name.
fn read_elements(
    cur: &mut Cursor<'_>,
    scope: Scope<'_>,
    typed: bool,
    def: &mut TableBuilder,
    constraints: &mut Vec<Constraint>,
    table_constraints: &mut Vec<Constraint>,
    like: &mut Like,
) -> Result<()> {
    cur.expect_punct("(")?;
    if cur.eat_punct(")") {
        return Ok(());
    }
    loop {
        let at = cur.i;
        match element(cur, scope, typed)? {
            Element::Column(column) => {
                if typed {
                    def.columns.push(column.column);
                } else {
                    let name = column.column.name.clone();
                    let rule = cur.flavor.name_rules().columns;
                    let Some(existing) = def.columns.iter_mut().find(|c| rule.same(&c.name, &name))
                    else {
                        let offset = cur.tokens.get(at).map_or(0, |t| t.offset);
                        return Err(cur.error_at(
                            offset,
                            format!("the partitioned table has no column {name}"),
                        ));
                    };
                    existing.nullable &= column.column.nullable;
                }
                constraints.extend(column.constraints);
            }
            Element::Constraint(c) => table_constraints.push(c),
            Element::Like(parts, with_keys) => *like = Some((parts, with_keys)),
            Element::Nothing => {}
        }
        if cur.eat_punct(")") {
            return Ok(());
        }
        if !cur.eat_punct(",") {
            return Err(cur.expected("',' or ')'"));
        }
    }
}

/// `CREATE UNIQUE INDEX`: a unique constraint named after the index,
/// when its entries are plain columns and it has no `WHERE`.
pub(super) fn create_unique_index(
    cat: &mut Catalog,
    cur: &mut Cursor<'_>,
    scope: Scope<'_>,
) -> Result<()> {
    let origin = location(cur.statement);
    cur.expect_kw("CREATE")?;
    cur.expect_kw("UNIQUE")?;
    let _ = cur.eat_kw("CLUSTERED") || cur.eat_kw("NONCLUSTERED");
    cur.expect_kw("INDEX")?;
    cur.eat_kw("CONCURRENTLY");
    let if_not_exists = cur.eat_kws(&["IF", "NOT", "EXISTS"]);
    let mut index_name = None;
    if !cur.is_kw("ON") {
        let parts = cur.name("an index name")?;
        index_name = parts.last().cloned();
    }
    if cur.eat_kw("USING") {
        cur.ident("an index type")?;
    }
    cur.expect_kw("ON")?;
    let only = cur.eat_kw("ONLY");
    let parts = cur.name("a table name")?;
    let table = scope.table_name(cur, &parts)?;
    let index = cat.find(&table).map_err(|e| cur.context(e))?;
    if cur.eat_kw("USING") {
        cur.ident("an index method")?;
    }
    let columns = key_columns(cur)?;
    let partial = (cur.i..cur.tokens.len()).any(|i| cur.tokens[i].is_kw("WHERE"));
    let Some(columns) = columns.filter(|_| !partial) else {
        let why = if partial {
            "it has a WHERE clause"
        } else {
            "it is over expressions"
        };
        cat.warn(
            WarningKind::IgnoredClause,
            format!("unique index read as no unique constraint: {why}, so no column is unique"),
            Some(origin),
        );
        return cur.skip_rest();
    };
    if if_not_exists
        && index_name
            .as_ref()
            .is_some_and(|n| cat.indexes.contains_key(&cat.index_key(n)))
    {
        return cur.skip_rest();
    }
    if let Some(name) = &index_name {
        cat.indexes.insert(
            cat.index_key(name),
            UniqueIndex {
                table: index,
                columns: columns.clone(),
            },
        );
    }
    // INCLUDE (...), NULLS NOT DISTINCT, WITH (...), TABLESPACE: nothing.
    cur.skip_rest()?;
    cat.add_constraint(
        index,
        Constraint::Unique(index_name, columns),
        &origin,
        !only,
    )
    .map_err(|e| cur.context(e))
}

/// `CREATE SCHEMA name [AUTHORIZATION role] [element ...]`: the tables and
/// indexes among the elements, in that schema.
pub(super) fn create_schema(cat: &mut Catalog, cur: &mut Cursor<'_>) -> Result<()> {
    cur.expect_kw("CREATE")?;
    cur.expect_kw("SCHEMA")?;
    if cur.flavor == Flavor::MySql {
        // A database.
        return cur.skip_rest();
    }
    let _ = cur.eat_kws(&["IF", "NOT", "EXISTS"]);
    let name = if cur.eat_kw("AUTHORIZATION") {
        cur.ident("a role")?
    } else {
        let name = cur.ident("a schema name")?;
        if cur.eat_kw("AUTHORIZATION") {
            cur.ident("a role")?;
        }
        name
    };
    let scope = Scope {
        namespace: Some(&name),
    };
    // Each element starts with CREATE or GRANT outside parentheses.
    let mut starts = Vec::new();
    let mut depth = 0usize;
    for (i, t) in cur.tokens.iter().enumerate().skip(cur.i) {
        if t.is_punct("(") {
            depth += 1;
        } else if t.is_punct(")") {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && (t.is_kw("CREATE") || t.is_kw("GRANT")) {
            starts.push(i);
        }
    }
    if starts.first().is_some_and(|&s| s != cur.i) || (starts.is_empty() && !cur.at_end()) {
        return Err(cur.expected("CREATE or GRANT (a schema element)"));
    }
    let all = std::mem::take(&mut cur.tokens);
    for (n, &start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(all.len());
        let tokens = all[start..end].to_vec();
        let mut element = Cursor {
            tokens,
            i: 0,
            statement: cur.statement,
            flavor: cur.flavor,
        };
        if element.is_kw_at(1, "TABLE") {
            create_table(cat, &mut element, scope)?;
        } else if element.is_kw_at(1, "UNIQUE") {
            create_unique_index(cat, &mut element, scope)?;
        }
    }
    cur.tokens = all;
    cur.i = cur.tokens.len();
    Ok(())
}
