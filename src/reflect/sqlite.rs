//! SQLite reflection through rusqlite.

use rusqlite::Connection;
use sqlparser::ast::{ColumnOption, CreateTable, Expr, Statement, TableConstraint};
use sqlparser::dialect::SQLiteDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Location, Token, TokenWithSpan, Tokenizer};

use super::{driver_error, reflect_error};
use crate::error::Result;
use crate::schema::builder::ReferredColumns;
use crate::schema::{Column, ForeignKeyDef, Schema, SchemaBuilder, TableBuilder};

/// Reads the schema of the `main` database of an SQLite connection.
///
/// Every table of `main` except SQLite's own (`sqlite_%`) is read, in
/// creation order (the row order of `sqlite_schema`); like SQLAlchemy,
/// virtual tables (without their hidden columns) and the shadow tables
/// that hold their data count as tables. Views do not. Each table gives:
///
/// - columns in declaration order (`PRAGMA table_xinfo`, generated columns
///   included) with the declared type text as SQLite reports it (recent
///   SQLite versions upper-case the standard names such as `INTEGER` and
///   `TEXT`; other spellings are kept as written, spaces included; an
///   untyped column has an empty type) and `NOT NULL`;
///   primary-key columns are NOT NULL;
/// - the primary key in key order;
/// - foreign keys in declaration order (`PRAGMA foreign_key_list`,
///   composite keys column by column). A key declared without referred
///   columns refers to the referred table's primary key. Names that differ
///   from the referred table's or column's only in ASCII case (SQLite does
///   not mind) are resolved to the names the table declares;
/// - unique constraints (`UNIQUE` on a column or on the table) and unique
///   indexes over plain columns without `WHERE` (`CREATE UNIQUE INDEX`,
///   named after the index: they make their columns unique just as well)
///   in creation order.
///
/// SQLite does not store constraint names; they are recovered by parsing
/// the table's `CREATE TABLE` text (as SQLAlchemy does). When that text
/// does not parse, the constraints are unnamed.
///
/// Attached databases and the `temp` schema are not read.
///
/// # Errors
///
/// [`Error::Reflect`](crate::Error::Reflect) when SQLite fails (e.g. the
/// file is not a database), or when a foreign key refers to a table that
/// does not exist (SQLite accepts such keys; a schema cannot hold them).
/// Errors of [`SchemaBuilder::build`] for anything else the schema rejects.
///
/// A foreign key to a column its referred table lacks (SQLite accepts that
/// too, and so does SQLAlchemy, which configures every relationship that
/// does not need the key) is left out of the schema with a warning
/// ([`Schema::warnings`]) and kept in
/// [`Table::broken_foreign_keys`](crate::schema::Table::broken_foreign_keys).
///
/// ```
/// let conn = rusqlite::Connection::open_in_memory().unwrap();
/// conn.execute_batch(
///     "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT UNIQUE);
///      CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users);",
/// )
/// .unwrap();
/// let schema = sqlrel::reflect::sqlite(&conn)?;
/// let orders = schema.table("orders")?;
/// let fk = &orders.foreign_keys()[0];
/// let users = schema.table_by_id(fk.referred_table()).unwrap();
/// assert_eq!(users.name(), "users");
/// assert_eq!(users.column(fk.referred_columns()[0]).unwrap().name(), "id");
/// # Ok::<(), sqlrel::Error>(())
/// ```
pub fn sqlite(conn: &Connection) -> Result<Schema> {
    let tables = in_read_transaction(conn, read_tables)?;
    let mut builder = SchemaBuilder::new();
    for table in &tables {
        builder.add_table(table_builder(table, &tables)?);
    }
    let schema = builder.build_with(ReferredColumns::DropBroken)?;
    let warnings = schema.broken_key_warnings();
    Ok(schema.with_warnings(warnings))
}

/// Runs `read` inside a transaction, so that every pragma sees the same
/// schema even while other connections change it; inside the caller's
/// transaction when there is one, else in a (deferred, read-only in effect)
/// transaction of its own that is rolled back afterwards.
fn in_read_transaction<T>(
    conn: &Connection,
    read: impl FnOnce(&Connection) -> Result<T>,
) -> Result<T> {
    if !conn.is_autocommit() {
        return read(conn);
    }
    conn.execute_batch("BEGIN")
        .map_err(|e| driver_error("starting a read transaction", &e))?;
    let result = read(conn);
    let end = conn.execute_batch("ROLLBACK");
    let value = result?;
    end.map_err(|e| driver_error("ending the read transaction", &e))?;
    Ok(value)
}

/// One table as the pragmas describe it.
struct RawTable {
    name: String,
    columns: Vec<Column>,
    /// Primary-key columns in key order.
    primary_key: Vec<String>,
    /// Foreign keys in declaration order.
    foreign_keys: Vec<RawForeignKey>,
    /// Unique constraints and indexes in declaration order.
    unique: Vec<RawUnique>,
    /// Constraint names found in the `CREATE TABLE` text.
    names: ParsedNames,
}

struct RawUnique {
    columns: Vec<String>,
    /// The name of a unique index (`CREATE UNIQUE INDEX`); `None` for a
    /// `UNIQUE` constraint, named from the table's text.
    index: Option<String>,
}

struct RawForeignKey {
    table: String,
    columns: Vec<String>,
    /// `None` entries: the key names no referred columns (primary key).
    referred_columns: Vec<Option<String>>,
}

fn query<T>(
    conn: &Connection,
    what: impl Fn() -> String,
    sql: &str,
    params: impl rusqlite::Params,
    row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let run = || -> rusqlite::Result<Vec<T>> {
        let mut statement = conn.prepare(sql)?;
        let rows = statement.query_map(params, row)?;
        rows.collect()
    };
    run().map_err(|e| driver_error(&what(), &e))
}

fn read_tables(conn: &Connection) -> Result<Vec<RawTable>> {
    let tables: Vec<(String, Option<String>)> = query(
        conn,
        || "listing the tables of the SQLite database".to_owned(),
        "SELECT name, sql FROM main.sqlite_schema \
         WHERE type = 'table' AND name NOT LIKE 'sqlite~_%' ESCAPE '~' \
         ORDER BY rowid",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    tables
        .into_iter()
        .map(|(name, sql)| read_table(conn, name, sql.as_deref()))
        .collect()
}

fn read_table(conn: &Connection, name: String, sql: Option<&str>) -> Result<RawTable> {
    let what = |part: &str| {
        let name = &name;
        let part = part.to_owned();
        move || format!("reading the {part} of SQLite table '{name}'")
    };
    // hidden: 0 ordinary, 1 hidden column of a virtual table, 2 and 3
    // generated columns (which are real columns).
    let rows: Vec<(String, String, bool, i64)> = query(
        conn,
        what("columns"),
        "SELECT name, type, \"notnull\", pk FROM pragma_table_xinfo(?1, 'main') \
         WHERE hidden <> 1 ORDER BY cid",
        [&name],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    let mut primary_key: Vec<(i64, String)> = rows
        .iter()
        .filter(|row| row.3 > 0)
        .map(|row| (row.3, row.0.clone()))
        .collect();
    primary_key.sort();
    let columns = rows
        .into_iter()
        .map(|(column, sql_type, not_null, _)| {
            let column = Column::new(column, sql_type);
            if not_null { column.not_null() } else { column }
        })
        .collect();

    // Ids count down from the last declared key; seq orders the columns.
    let rows: Vec<(i64, String, String, Option<String>)> = query(
        conn,
        what("foreign keys"),
        "SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?1, 'main') \
         ORDER BY id DESC, seq",
        [&name],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    let mut foreign_keys: Vec<(i64, RawForeignKey)> = Vec::new();
    for (id, table, from, to) in rows {
        match foreign_keys.last_mut() {
            Some((last, fk)) if *last == id => {
                fk.columns.push(from);
                fk.referred_columns.push(to);
            }
            _ => foreign_keys.push((
                id,
                RawForeignKey {
                    table,
                    columns: vec![from],
                    referred_columns: vec![to],
                },
            )),
        }
    }

    // Unique constraints are the indexes of origin 'u', and unique indexes
    // of plain columns without WHERE (origin 'c'), which make their columns
    // unique just as well; their rows in sqlite_schema are in creation
    // order, which is declaration order.
    let indexes: Vec<(String, bool)> = query(
        conn,
        what("unique constraints"),
        "SELECT il.name, il.origin = 'c' FROM pragma_index_list(?1, 'main') AS il \
         LEFT JOIN main.sqlite_schema AS s ON s.type = 'index' AND s.name = il.name \
         WHERE il.origin = 'u' OR (il.origin = 'c' AND il.\"unique\" = 1 AND il.partial = 0) \
         ORDER BY s.rowid IS NULL, s.rowid, il.seq DESC",
        [&name],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut unique = Vec::with_capacity(indexes.len());
    for (index, created) in indexes {
        let columns: Vec<Option<String>> = query(
            conn,
            what("unique constraints"),
            "SELECT name FROM pragma_index_info(?1, 'main') ORDER BY seqno",
            [&index],
            |r| r.get(0),
        )?;
        // An entry without a name is an expression, which makes no column
        // unique; skip such an index rather than guess.
        if let Some(columns) = columns.into_iter().collect::<Option<Vec<_>>>() {
            unique.push(RawUnique {
                columns,
                index: created.then_some(index),
            });
        }
    }

    Ok(RawTable {
        names: sql.map(parse_names).unwrap_or_default(),
        name,
        columns,
        primary_key: primary_key.into_iter().map(|(_, c)| c).collect(),
        foreign_keys: foreign_keys.into_iter().map(|(_, fk)| fk).collect(),
        unique,
    })
}

/// `name` itself if `names` holds it, else the one that differs only in
/// ASCII case (SQLite identifiers are case-insensitive for ASCII).
fn resolve<'a>(names: impl Iterator<Item = &'a str> + Clone, name: &str) -> Option<&'a str> {
    names
        .clone()
        .find(|n| *n == name)
        .or_else(|| names.into_iter().find(|n| n.eq_ignore_ascii_case(name)))
}

fn column_names(table: &RawTable) -> impl Iterator<Item = &str> + Clone + '_ {
    table.columns.iter().map(Column::name)
}

fn table_builder(table: &RawTable, tables: &[RawTable]) -> Result<TableBuilder> {
    let mut builder = TableBuilder::new(&table.name).primary_key(table.primary_key.clone());
    for column in &table.columns {
        builder = builder.column_def(column.clone());
    }
    let mut used_fk_names = vec![false; table.names.foreign_keys.len()];
    for fk in &table.foreign_keys {
        let described = || {
            format!(
                "SQLite table '{}' has a foreign key ({}) referring to table '{}'",
                table.name,
                fk.columns.join(", "),
                fk.table
            )
        };
        let referred = resolve(tables.iter().map(|t| t.name.as_str()), &fk.table)
            .and_then(|name| tables.iter().find(|t| t.name == name))
            .ok_or_else(|| reflect_error(format!("{}, which does not exist", described())))?;
        let columns = fk
            .columns
            .iter()
            .map(|c| {
                resolve(column_names(table), c)
                    .map(str::to_owned)
                    .ok_or_else(|| reflect_error(format!("{}: no column '{c}'", described())))
            })
            .collect::<Result<Vec<_>>>()?;
        let referred_columns = if fk.referred_columns.iter().all(Option::is_none) {
            if referred.primary_key.len() != columns.len() {
                return Err(reflect_error(format!(
                    "{} without naming its columns, and that table's primary key has {} \
                     column(s)",
                    described(),
                    referred.primary_key.len()
                )));
            }
            Vec::new()
        } else {
            // A column the referred table lacks is kept as written: the
            // schema drops the key (a broken key, which SQLite accepts).
            fk.referred_columns
                .iter()
                .map(|c| {
                    let c = c.as_deref().ok_or_else(|| {
                        reflect_error(format!(
                            "{}, naming some of the referred columns and not others",
                            described()
                        ))
                    })?;
                    Ok(resolve(column_names(referred), c).unwrap_or(c).to_owned())
                })
                .collect::<Result<Vec<_>>>()?
        };
        let mut def = ForeignKeyDef::new(columns, referred.name.clone(), referred_columns);
        let name = table
            .names
            .foreign_keys
            .iter()
            .enumerate()
            .position(|(i, p)| {
                !used_fk_names[i]
                    && same_names(&p.columns, &fk.columns)
                    && p.table.eq_ignore_ascii_case(&fk.table)
            });
        if let Some(i) = name {
            used_fk_names[i] = true;
            if let Some(name) = &table.names.foreign_keys[i].name {
                def = def.named(name.clone());
            }
        }
        builder = builder.foreign_key_def(def);
    }
    let mut used_unique_names = vec![false; table.names.unique.len()];
    for RawUnique { columns, index } in &table.unique {
        if let Some(index) = index {
            builder = builder.named_unique(index, columns.clone());
            continue;
        }
        let name = table
            .names
            .unique
            .iter()
            .enumerate()
            .position(|(i, p)| !used_unique_names[i] && same_names(&p.columns, columns));
        let name = name.and_then(|i| {
            used_unique_names[i] = true;
            table.names.unique[i].name.clone()
        });
        builder = match name {
            Some(name) => builder.named_unique(name, columns.clone()),
            None => builder.unique(columns.clone()),
        };
    }
    Ok(builder)
}

fn same_names(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a.eq_ignore_ascii_case(b))
}

/// Constraint names declared in a `CREATE TABLE` text, in declaration order.
#[derive(Default)]
struct ParsedNames {
    foreign_keys: Vec<ParsedConstraint>,
    unique: Vec<ParsedConstraint>,
}

struct ParsedConstraint {
    name: Option<String>,
    columns: Vec<String>,
    /// The referred table (foreign keys only).
    table: String,
}

fn parse_names(sql: &str) -> ParsedNames {
    let mut names = ParsedNames::default();
    let dialect = SQLiteDialect {};
    let statements = Parser::parse_sql(&dialect, sql).or_else(|e| {
        // sqlparser does not know SQLite's conflict clauses everywhere
        // (`UNIQUE (a) ON CONFLICT IGNORE`); they hold no names.
        let stripped = strip_conflict_clauses(sql).ok_or(e)?;
        Parser::parse_sql(&dialect, &stripped)
    });
    let Ok(statements) = statements else {
        return names;
    };
    let [Statement::CreateTable(create)] = statements.as_slice() else {
        return names;
    };
    collect_names(create, &mut names);
    names
}

/// `sql` without its `ON CONFLICT <resolution>` clauses, `None` when it
/// has none (or does not tokenize).
fn strip_conflict_clauses(sql: &str) -> Option<String> {
    let tokens = Tokenizer::new(&SQLiteDialect {}, sql)
        .tokenize_with_location()
        .ok()?;
    let words: Vec<&TokenWithSpan> = tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .collect();
    let is_word = |token: &TokenWithSpan, word: &str| {
        matches!(&token.token, Token::Word(w)
            if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(word))
    };
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(sql.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    // sqlparser's locations count lines and characters from 1.
    let offset = |location: Location| -> Option<usize> {
        let line = usize::try_from(location.line).ok()?.checked_sub(1)?;
        let column = usize::try_from(location.column).ok()?.checked_sub(1)?;
        let start = *line_starts.get(line)?;
        let rest = &sql[start..];
        Some(
            start
                + rest
                    .char_indices()
                    .nth(column)
                    .map_or(rest.len(), |(i, _)| i),
        )
    };
    let mut out = String::with_capacity(sql.len());
    let mut copied = 0;
    for window in words.windows(3) {
        let [on, conflict, resolution] = window else {
            continue;
        };
        if is_word(on, "ON")
            && is_word(conflict, "CONFLICT")
            && ["ROLLBACK", "ABORT", "FAIL", "IGNORE", "REPLACE"]
                .iter()
                .any(|r| is_word(resolution, r))
        {
            let (from, to) = (offset(on.span.start)?, offset(resolution.span.end)?);
            if from < copied || to < from {
                return None;
            }
            out.push_str(&sql[copied..from]);
            out.push(' ');
            copied = to;
        }
    }
    if copied == 0 {
        return None;
    }
    out.push_str(&sql[copied..]);
    Some(out)
}

fn collect_names(create: &CreateTable, names: &mut ParsedNames) {
    let last = |name: &sqlparser::ast::ObjectName| {
        name.0
            .last()
            .and_then(|p| p.as_ident())
            .map(|i| i.value.clone())
            .unwrap_or_default()
    };
    for column in &create.columns {
        for option in &column.options {
            let given = option.name.as_ref().map(|n| n.value.clone());
            match &option.option {
                ColumnOption::ForeignKey(fk) => names.foreign_keys.push(ParsedConstraint {
                    name: given.or_else(|| fk.name.as_ref().map(|n| n.value.clone())),
                    columns: vec![column.name.value.clone()],
                    table: last(&fk.foreign_table),
                }),
                ColumnOption::Unique(u) => names.unique.push(ParsedConstraint {
                    name: given.or_else(|| u.name.as_ref().map(|n| n.value.clone())),
                    columns: vec![column.name.value.clone()],
                    table: String::new(),
                }),
                _ => {}
            }
        }
    }
    for constraint in &create.constraints {
        match constraint {
            TableConstraint::ForeignKey(fk) => names.foreign_keys.push(ParsedConstraint {
                name: fk.name.as_ref().map(|n| n.value.clone()),
                columns: fk.columns.iter().map(|c| c.value.clone()).collect(),
                table: last(&fk.foreign_table),
            }),
            TableConstraint::Unique(u) => {
                let columns = u
                    .columns
                    .iter()
                    .map(|c| match &c.column.expr {
                        Expr::Identifier(ident) => Some(ident.value.clone()),
                        _ => None,
                    })
                    .collect::<Option<Vec<_>>>();
                if let Some(columns) = columns {
                    names.unique.push(ParsedConstraint {
                        name: u.name.as_ref().map(|n| n.value.clone()),
                        columns,
                        table: String::new(),
                    });
                }
            }
            _ => {}
        }
    }
}
