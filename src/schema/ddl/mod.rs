//! Reading a [`Schema`] from DDL text: a hand-written script, a sample
//! database's published install script, or a dump as `pg_dump`,
//! `mysqldump` / `mariadb-dump` and `sqlite3 .dump` / `.schema` write it,
//! data included.
//!
//! The text is read in three steps, each in its own module:
//!
//! 1. [`scan`] splits the stream into statements without building syntax
//!    trees: strings, quoted names, comments, client commands (psql's
//!    `\connect`, the mysql client's `DELIMITER`), `COPY` data, MySQL's
//!    executable comments and routine bodies. Statements that cannot
//!    change a table (data, `SET`, views, functions, ...) are recognized by
//!    their first words and only their first bytes are kept;
//! 2. [`read_statement`] (here) sorts the rest: what defines tables or keys
//!    goes to a reader, what is skipped but may matter becomes a
//!    [`SchemaWarning`](super::SchemaWarning);
//! 3. [`create`] and [`alter`] read `CREATE TABLE`, `CREATE UNIQUE INDEX`,
//!    `CREATE SCHEMA`, `ALTER TABLE`, `DROP TABLE` and `RENAME TABLE` from
//!    the statement's tokens ([`lex`]) into the [`catalog`], which makes
//!    the schema at the end.
//!
//! `docs/ddl-input.md` in the repository lists what is read and skipped.

mod alter;
mod catalog;
mod create;
mod detect;
mod lex;
mod scan;

use std::io::Read;

use sqlparser::dialect::{
    Dialect as ParserDialect, GenericDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect,
};
use sqlparser::parser::Parser;

use self::catalog::{Catalog, Matching, NameRules};
use self::create::Scope;
use self::lex::{Cursor, describe, location, position_in};
use self::scan::{RawStatement, ScanError, Scanner, create_object, is_irrelevant};
use super::{Schema, WarningKind};
use crate::dialect::Dialect;
use crate::error::{Error, Position, Result};

pub use self::detect::detect_dialect;

/// The dialect a DDL text is read in: how it quotes, comments and escapes,
/// and which of its statements are client commands.
///
/// ```
/// use sqlrel::dialect::Dialect;
/// use sqlrel::schema::DdlDialect;
///
/// assert_eq!(DdlDialect::from(Dialect::MySql), DdlDialect::MySql);
/// assert_eq!(DdlDialect::default(), DdlDialect::Detect);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum DdlDialect {
    /// Decided from the text's own markers ([`detect_dialect`]); generic
    /// when it has none.
    #[default]
    Detect,
    /// No dialect's particulars: `"name"`, `` `name` `` and `[name]` are
    /// quoted names, `'...'` strings without backslash escapes, `$$...$$`
    /// strings; MySQL's executable comments are read. Names are kept as
    /// written and match only when they are the same.
    Generic,
    /// PostgreSQL (`pg_dump`): `E'...'` and `$tag$...$tag$` strings,
    /// nested comments, psql meta-commands, `COPY ... FROM stdin` data.
    /// Unquoted names are folded to lower case as PostgreSQL folds them
    /// (ASCII letters, as in a UTF-8 database): `CREATE TABLE Users` is
    /// table `users`, and `"Users"` another one.
    Postgres,
    /// MySQL / MariaDB (`mysqldump`, `mariadb-dump`): backslash escapes,
    /// `"..."` strings, `#` comments, executable comments, `DELIMITER`.
    /// Column, index and constraint names match in any case; table names
    /// match as written (`lower_case_table_names = 0`).
    MySql,
    /// SQLite (`sqlite3 .dump`, `.schema`): `[name]`, trigger bodies.
    /// Names are kept as declared and match in any ASCII case:
    /// `REFERENCES USERS (ID)` refers to `users (id)`.
    Sqlite,
}

impl From<Dialect> for DdlDialect {
    fn from(dialect: Dialect) -> Self {
        match dialect {
            Dialect::Postgres => DdlDialect::Postgres,
            Dialect::MySql => DdlDialect::MySql,
            Dialect::Sqlite => DdlDialect::Sqlite,
        }
    }
}

/// The dialect a text is read in, once decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flavor {
    Generic,
    Postgres,
    MySql,
    Sqlite,
}

impl Flavor {
    fn of(dialect: Option<Dialect>) -> Self {
        match dialect {
            None => Flavor::Generic,
            Some(Dialect::Postgres) => Flavor::Postgres,
            Some(Dialect::MySql) => Flavor::MySql,
            Some(Dialect::Sqlite) => Flavor::Sqlite,
        }
    }

    /// `'a\'b'` is one string.
    fn backslash_strings(self) -> bool {
        self == Flavor::MySql
    }

    /// `E'a\'b'` is one string.
    fn escape_strings(self) -> bool {
        matches!(self, Flavor::Postgres | Flavor::Generic)
    }

    /// `"..."` is a string, not a name.
    fn double_quoted_strings(self) -> bool {
        self == Flavor::MySql
    }

    /// `[name]` is a quoted name.
    fn brackets(self) -> bool {
        matches!(self, Flavor::Sqlite | Flavor::Generic)
    }

    fn dollar_quotes(self) -> bool {
        matches!(self, Flavor::Postgres | Flavor::Generic)
    }

    fn hash_comments(self) -> bool {
        self == Flavor::MySql
    }

    /// `--` starts a comment only before a space (MySQL).
    fn dash_comment_needs_space(self) -> bool {
        self == Flavor::MySql
    }

    fn executable_comments(self) -> bool {
        matches!(self, Flavor::MySql | Flavor::Generic)
    }

    fn nested_comments(self) -> bool {
        self == Flavor::Postgres
    }

    /// A `;` inside parentheses does not end a statement (psql).
    fn split_outside_parentheses(self) -> bool {
        self == Flavor::Postgres
    }

    /// `source file` is a client command (the mysql client).
    fn source_command(self) -> bool {
        matches!(self, Flavor::MySql | Flavor::Generic)
    }

    /// Unquoted names are folded to lower case, as PostgreSQL folds them
    /// (ASCII letters only, as it does in a UTF-8 database):
    /// `CREATE TABLE Users` is table `users`.
    fn folds_unquoted_names(self) -> bool {
        self == Flavor::Postgres
    }

    /// How a name a statement uses is matched against the names declared,
    /// as each server matches them (`docs/ddl-input.md`, "Names and case").
    fn name_rules(self) -> NameRules {
        match self {
            // Unquoted names are folded as they are read; then PostgreSQL
            // matches names exactly.
            Flavor::Generic | Flavor::Postgres => NameRules::default(),
            Flavor::Sqlite => NameRules {
                tables: Matching::AsciiCaseless,
                columns: Matching::AsciiCaseless,
                constraints: Matching::AsciiCaseless,
            },
            // Table and database names as written: they are file names,
            // case-sensitive with lower_case_table_names = 0 (the default on
            // Linux).
            Flavor::MySql => NameRules {
                tables: Matching::Exact,
                columns: Matching::Caseless,
                constraints: Matching::Caseless,
            },
        }
    }

    fn parser_dialect(self) -> Box<dyn ParserDialect> {
        match self {
            Flavor::Generic => Box::new(GenericDialect {}),
            Flavor::Postgres => Box::new(PostgreSqlDialect {}),
            Flavor::MySql => Box::new(MySqlDialect {}),
            Flavor::Sqlite => Box::new(SQLiteDialect {}),
        }
    }
}

impl Schema {
    /// Builds a schema from DDL text in no particular dialect
    /// ([`DdlDialect::Generic`]): what most hand-written scripts are.
    ///
    /// ```
    /// use sqlrel::schema::Schema;
    ///
    /// let schema = Schema::from_ddl(
    ///     "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
    ///      CREATE TABLE addresses (
    ///          id INTEGER PRIMARY KEY,
    ///          user_id INTEGER,
    ///          CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id)
    ///      );",
    /// )?;
    /// let fk = &schema.table("addresses")?.foreign_keys()[0];
    /// assert_eq!(fk.name(), Some("fk_user"));
    /// assert!(!schema.table("users")?.columns()[1].is_nullable());
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`read_ddl`](Self::read_ddl) (never [`Error::Io`]).
    pub fn from_ddl(ddl: &str) -> Result<Schema> {
        read(ddl.as_bytes(), Flavor::Generic)
    }

    /// Builds a schema from DDL written for one of sqlrel's dialects, e.g.
    /// `pg_dump` output or MySQL's backtick-quoted names.
    ///
    /// ```
    /// use sqlrel::dialect::Dialect;
    /// use sqlrel::schema::Schema;
    ///
    /// let schema = Schema::from_ddl_for(
    ///     "CREATE TABLE `order` (`id` INT PRIMARY KEY, `user` INT);",
    ///     Dialect::MySql,
    /// )?;
    /// assert_eq!(schema.table("order")?.columns()[1].name(), "user");
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`read_ddl`](Self::read_ddl) (never [`Error::Io`]).
    pub fn from_ddl_for(ddl: &str, dialect: Dialect) -> Result<Schema> {
        read(ddl.as_bytes(), Flavor::of(Some(dialect)))
    }

    /// Builds a schema from DDL text in the dialect of a sqlparser dialect
    /// (`PostgreSqlDialect`, `MySqlDialect`, `SQLiteDialect`; any other is
    /// read as [`DdlDialect::Generic`]).
    ///
    /// # Errors
    ///
    /// As [`read_ddl`](Self::read_ddl) (never [`Error::Io`]).
    pub fn from_ddl_with_dialect(ddl: &str, dialect: &dyn ParserDialect) -> Result<Schema> {
        let flavor = if dialect.is::<PostgreSqlDialect>() {
            Flavor::Postgres
        } else if dialect.is::<MySqlDialect>() {
            Flavor::MySql
        } else if dialect.is::<SQLiteDialect>() {
            Flavor::Sqlite
        } else {
            Flavor::Generic
        };
        read(ddl.as_bytes(), flavor)
    }

    /// Builds a schema from a dump or script whose dialect is decided from
    /// its markers ([`detect_dialect`]): `pg_dump` and `mysqldump` output,
    /// `sqlite3 .dump`, ... as they are, data included.
    ///
    /// ```
    /// use sqlrel::schema::Schema;
    ///
    /// let dump = r"PRAGMA foreign_keys=OFF;
    /// BEGIN TRANSACTION;
    /// CREATE TABLE [artists] ([id] INTEGER PRIMARY KEY, [name] NVARCHAR(120));
    /// INSERT INTO artists VALUES(1,'AC/DC; live');
    /// CREATE TABLE albums (id INTEGER PRIMARY KEY, artist_id INTEGER REFERENCES artists (id));
    /// COMMIT;";
    /// let schema = Schema::from_dump(dump)?;
    /// assert_eq!(schema.tables().len(), 2);
    /// assert!(schema.warnings().is_empty());
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`read_ddl`](Self::read_ddl) (never [`Error::Io`]).
    pub fn from_dump(text: &str) -> Result<Schema> {
        read(text.as_bytes(), Flavor::of(detect::detect(text.as_bytes())))
    }

    /// Builds a schema from DDL text read from `reader` (a file, a pipe),
    /// holding only the statement at hand in memory: a dump of any size,
    /// data included, is read in time linear in its size and in memory
    /// bounded by its largest table definition.
    ///
    /// Statements that define tables and keys are read; statements that
    /// cannot change them (data, `SET`, `GRANT`, views, sequences,
    /// functions, triggers, indexes that are not unique, ...) are skipped,
    /// and those among them that may still matter are reported as
    /// [`Schema::warnings`]. `docs/ddl-input.md` in the repository has the
    /// details.
    ///
    /// ```
    /// use sqlrel::schema::{DdlDialect, Schema};
    ///
    /// let dump = "\\restrict abc
    /// CREATE TABLE public.a (id integer NOT NULL);
    /// ALTER TABLE public.a OWNER TO postgres;
    /// COPY public.a (id) FROM stdin;
    /// 1
    /// \\.
    /// ALTER TABLE ONLY public.a ADD CONSTRAINT a_pkey PRIMARY KEY (id);
    /// \\unrestrict abc
    /// ";
    /// let file = std::io::Cursor::new(dump); // e.g. std::fs::File::open(path)?
    /// let schema = Schema::read_ddl(file, DdlDialect::Detect)?;
    /// assert_eq!(schema.table("public.a")?.primary_key().len(), 1);
    /// # Ok::<(), sqlrel::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The first problem in text order, and no schema:
    /// - [`Error::Io`] when reading fails;
    /// - [`Error::Parse`] for a statement that defines tables or keys and
    ///   cannot be read (a syntax error, `CREATE TABLE ... AS SELECT`, a key
    ///   over expressions, a statement sqlparser does not know either),
    ///   naming the statement's number, its first characters and the line
    ///   and column of the problem; also for a string or comment left open
    ///   at the end of the text;
    /// - [`Error::UnknownTable`] (in an [`Error::Context`] naming the
    ///   statement) for an `ALTER TABLE` or index of a table not created
    ///   earlier in the text;
    /// - [`Error::InvalidConstraint`] for a table given a second primary key;
    ///
    /// then, once the whole text is read, the errors of
    /// [`SchemaBuilder::build`](super::SchemaBuilder::build) (duplicate
    /// names, keys naming unknown columns, foreign keys to unknown tables,
    /// ...), with names matched as the dialect's server matches them (two
    /// SQLite tables `Users` and `users` are one name twice), except that a
    /// foreign key to a column its referred table lacks is dropped with a
    /// warning (see [`BrokenForeignKey`](super::BrokenForeignKey)).
    pub fn read_ddl(mut reader: impl Read, dialect: DdlDialect) -> Result<Schema> {
        let dialect = match dialect {
            DdlDialect::Detect => {
                let mut sample = Vec::with_capacity(detect::SAMPLE);
                (&mut reader)
                    .take(detect::SAMPLE as u64)
                    .read_to_end(&mut sample)
                    .map_err(|e| Error::Io {
                        message: e.to_string(),
                    })?;
                let flavor = Flavor::of(detect::detect(&sample));
                return read(std::io::Cursor::new(sample).chain(reader), flavor);
            }
            DdlDialect::Generic => None,
            DdlDialect::Postgres => Some(Dialect::Postgres),
            DdlDialect::MySql => Some(Dialect::MySql),
            DdlDialect::Sqlite => Some(Dialect::Sqlite),
        };
        read(reader, Flavor::of(dialect))
    }
}

fn read(reader: impl Read, flavor: Flavor) -> Result<Schema> {
    let mut scanner = Scanner::new(reader, flavor);
    let mut catalog = Catalog::new(flavor.name_rules());
    loop {
        let statement = match scanner.next_statement() {
            Ok(Some(statement)) => statement,
            Ok(None) => break,
            Err(ScanError::Io(e)) => {
                return Err(Error::Io {
                    message: e.to_string(),
                });
            }
            Err(ScanError::Unterminated {
                what,
                statement,
                at,
            }) => {
                return Err(Error::Parse {
                    what: describe(&statement),
                    message: format!("{what} opened here is not closed before the end of the text"),
                    position: Some(at),
                });
            }
        };
        read_statement(&mut catalog, &statement, flavor)?;
    }
    catalog.finish()
}

/// Reads one statement into the catalog, or skips it (with a warning when
/// it may matter).
fn read_statement(catalog: &mut Catalog, statement: &RawStatement, flavor: Flavor) -> Result<()> {
    if statement.client {
        client_command(catalog, statement);
        return Ok(());
    }
    let head = &statement.head;
    let word = |i: usize| head.get(i).map(String::as_str);
    let skipped = |catalog: &mut Catalog, why: &str| {
        catalog.warn(
            WarningKind::SkippedStatement,
            format!("skipped: {why}"),
            Some(location(statement)),
        );
    };
    match word(0) {
        None => {
            // Only punctuation or comments (a stray `;` after DELIMITER).
            if statement.complete
                && !lex::tokenize(statement, flavor)?
                    .iter()
                    .all(|t| t.is_punct(";"))
            {
                return unknown_statement(catalog, statement, flavor);
            }
            Ok(())
        }
        Some("CREATE") => match create_object(head) {
            Some((_, "TABLE" | "TEMPORARY" | "TEMP" | "VIRTUAL" | "FOREIGN")) => {
                read_with(catalog, statement, flavor, |c, cur| {
                    create::create_table(c, cur, Scope { namespace: None })
                })
            }
            Some((i, "UNIQUE")) if head.get(i + 1).is_none_or(|w| w != "CONSTRAINT") => {
                read_with(catalog, statement, flavor, |c, cur| {
                    create::create_unique_index(c, cur, Scope { namespace: None })
                })
            }
            Some((_, "SCHEMA")) => read_with(catalog, statement, flavor, create::create_schema),
            Some((_, object)) if scan::is_skipped_object(object) => Ok(()),
            _ if statement.complete => unknown_statement(catalog, statement, flavor),
            _ => Ok(()),
        },
        Some("ALTER") => {
            let table = word(1) == Some("TABLE")
                || (matches!(word(1), Some("ONLINE" | "OFFLINE" | "IGNORE"))
                    && word(2) == Some("TABLE"));
            if table {
                read_with(catalog, statement, flavor, alter::alter_table)
            } else {
                Ok(())
            }
        }
        Some("DROP") if word(1) == Some("TABLE") => {
            read_with(catalog, statement, flavor, alter::drop_table)
        }
        Some("RENAME") => read_with(catalog, statement, flavor, alter::rename_table),
        Some("INSERT" | "REPLACE")
            if word(1) == Some("INTO")
                && matches!(word(2), Some("SQLITE_SCHEMA" | "SQLITE_MASTER")) =>
        {
            skipped(
                catalog,
                "a table written directly into sqlite_schema (how sqlite3 .dump writes a \
                 virtual table) is not read",
            );
            Ok(())
        }
        Some("DO") if flavor != Flavor::MySql => {
            skipped(
                catalog,
                "a DO block runs code that may create tables; it is not run",
            );
            Ok(())
        }
        Some("CALL" | "EXEC" | "EXECUTE") => {
            skipped(catalog, "a procedure call may create tables; it is not run");
            Ok(())
        }
        Some("ATTACH") => {
            skipped(catalog, "the tables of an attached database are not read");
            Ok(())
        }
        Some("USE") => {
            let name = statement.text.split_whitespace().nth(1).unwrap_or_default();
            switch_database(catalog, statement, name);
            Ok(())
        }
        Some(first) if first == "COPY" || first == "DROP" || is_irrelevant(first, flavor) => Ok(()),
        Some(_) if statement.complete => unknown_statement(catalog, statement, flavor),
        Some(_) => Ok(()),
    }
}

/// Runs a reader on a statement's tokens; the reader must use them all.
fn read_with(
    catalog: &mut Catalog,
    statement: &RawStatement,
    flavor: Flavor,
    reader: impl FnOnce(&mut Catalog, &mut Cursor<'_>) -> Result<()>,
) -> Result<()> {
    // A name read wrongly would make SQL that names nothing: bytes that are
    // not UTF-8 in a statement sqlrel reads are an error.
    if let Some((at, byte)) = statement.invalid_utf8 {
        return Err(Error::Parse {
            what: describe(statement),
            message: format!(
                "invalid UTF-8 at byte {} of the input (0x{byte:02X}); save the file as UTF-8",
                statement.offset + at as u64
            ),
            position: Some(position_in(statement, at)),
        });
    }
    let mut cursor = Cursor::new(statement, flavor)?;
    reader(catalog, &mut cursor)?;
    // A trailing `;` inside a DELIMITER block belongs to the statement.
    while cursor.eat_punct(";") {}
    if !cursor.at_end() {
        return Err(cursor.expected("end of statement"));
    }
    Ok(())
}

/// A statement sqlrel does not sort: sqlparser decides whether it is SQL
/// at all. SQL is skipped with a warning, anything else is an error.
fn unknown_statement(
    catalog: &mut Catalog,
    statement: &RawStatement,
    flavor: Flavor,
) -> Result<()> {
    let dialect = flavor.parser_dialect();
    let tokens = sqlparser::tokenizer::Tokenizer::new(&*dialect, &statement.text)
        .tokenize_with_location()
        .map_err(sqlparser::parser::ParserError::from);
    // sqlparser's tree of a long operator chain is as deep as the chain,
    // and dropping it recurses: such a statement is skipped unparsed.
    if let Ok(tokens) = &tokens
        && crate::nesting::check_chains(tokens, "DDL", crate::nesting::Count::All).is_err()
    {
        catalog.warn(
            WarningKind::SkippedStatement,
            "skipped: sqlrel does not read this kind of statement (not parsed: it nests too deep)",
            Some(location(statement)),
        );
        return Ok(());
    }
    let parsed = tokens.and_then(|tokens| {
        Parser::new(&*dialect)
            .with_tokens_with_locations(tokens)
            .parse_statement()
    });
    match parsed {
        Ok(_) => {
            catalog.warn(
                WarningKind::SkippedStatement,
                "skipped: sqlrel does not read this kind of statement",
                Some(location(statement)),
            );
            Ok(())
        }
        Err(e) => {
            let Error::Parse {
                message, position, ..
            } = Error::from_sql_parser("DDL", &e)
            else {
                return Err(Error::from_sql_parser(describe(statement), &e));
            };
            let position = position
                .map(|p| position_in(statement, offset_of(&statement.text, p)))
                .or(Some(statement.position));
            Err(Error::Parse {
                what: describe(statement),
                message,
                position,
            })
        }
    }
}

/// The byte offset of a 1-based line and column (in characters) of `text`.
fn offset_of(text: &str, position: Position) -> usize {
    let mut line = 1;
    let mut column = 1;
    for (i, c) in text.char_indices() {
        if line == position.line && column == position.column {
            return i;
        }
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    text.len()
}

/// Client commands: psql's meta-commands, the mysql client's `source`
/// and `DELIMITER` (already applied by the scanner).
fn client_command(catalog: &mut Catalog, statement: &RawStatement) {
    let command = statement
        .head
        .first()
        .map(String::as_str)
        .unwrap_or_default();
    match command {
        "DELIMITER" | "\\RESTRICT" | "\\UNRESTRICT" | "\\SET" | "\\UNSET" | "\\PSET"
        | "\\ENCODING" | "\\ECHO" | "\\QECHO" | "\\WARN" | "\\TIMING" | "\\O" | "\\OUT"
        | "\\COPY" | "\\T" | "\\X" | "\\A" | "\\F" | "\\H" | "\\?" | "\\Q" | "\\QUIT" | "\\IF"
        | "\\ELIF" | "\\ELSE" | "\\ENDIF" | "\\GETENV" | "\\SETENV" | "\\PROMPT" | "\\CD"
        | "\\!" => {}
        "\\C" | "\\CONNECT" => {
            let target = statement
                .text
                .split_whitespace()
                .skip(1)
                .filter(|w| !w.starts_with('-'))
                .last()
                .unwrap_or_default();
            switch_database(catalog, statement, target);
        }
        "\\I" | "\\IR" | "\\INCLUDE" | "\\INCLUDE_RELATIVE" | "SOURCE" | "\\." => {
            catalog.warn(
                WarningKind::SkippedStatement,
                "skipped: the file it includes is not read (give its text too)",
                Some(location(statement)),
            );
        }
        _ => catalog.warn(
            WarningKind::SkippedStatement,
            "skipped: a client command sqlrel does not know",
            Some(location(statement)),
        ),
    }
}

/// `\connect db` or `USE db`: the first database named is the one read; a
/// switch to another is worth a warning, since its tables join the same
/// schema.
fn switch_database(catalog: &mut Catalog, statement: &RawStatement, target: &str) {
    let name = target
        .trim_end_matches(';')
        .trim_matches(|c| matches!(c, '"' | '\'' | '`'))
        .rsplit("dbname=")
        .next()
        .unwrap_or_default()
        .trim_matches(|c| matches!(c, '"' | '\''))
        .to_owned();
    if name.is_empty() {
        return;
    }
    match &catalog.database {
        None => catalog.database = Some(name),
        Some(first) if *first == name => {}
        Some(first) => {
            let message = format!(
                "statements after this one are for database '{name}', not '{first}'; their \
                 tables are read into the same schema"
            );
            catalog.warn(
                WarningKind::SkippedStatement,
                message,
                Some(location(statement)),
            );
        }
    }
}
