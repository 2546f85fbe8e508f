//! What reading a schema skipped or dropped without failing:
//! [`SchemaWarning`]s, kept on the [`Schema`](super::Schema) they concern.

use std::fmt;

use crate::error::Position;

/// Something a schema reader (DDL text or reflection) left out of the
/// schema, although it may matter: a statement it skipped that could hold
/// tables (a temporary table, an included file), a foreign key it dropped
/// because it refers to a column its table lacks, ...
///
/// Statements that plainly hold nothing of a schema (data, `SET`, `GRANT`,
/// views, functions, ...) are skipped without a warning. Read them with
/// [`Schema::warnings`](super::Schema::warnings):
///
/// ```
/// use sqlrel::schema::{Schema, WarningKind};
///
/// let schema = Schema::from_ddl(
///     "CREATE TABLE a (id INTEGER PRIMARY KEY);
///      CREATE TEMPORARY TABLE scratch (id INTEGER);",
/// )?;
/// let [warning] = schema.warnings() else { panic!("one warning") };
/// assert_eq!(warning.kind(), WarningKind::SkippedStatement);
/// let at = warning.statement().expect("a statement of the text");
/// assert_eq!((at.number(), at.position().line), (2, 2));
/// assert_eq!(
///     warning.to_string(),
///     "statement 2 at line 2, column 6 (CREATE TEMPORARY TABLE scratch (id INTEGER)): \
///      skipped: a temporary table is not part of the schema"
/// );
/// # Ok::<(), sqlrel::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaWarning {
    kind: WarningKind,
    message: String,
    statement: Option<StatementLocation>,
}

/// What a [`SchemaWarning`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WarningKind {
    /// A statement that may hold tables or keys was skipped: a temporary,
    /// virtual or foreign table, a file the text includes, code that runs
    /// on the server (`DO`, `CALL`), a statement sqlrel does not know.
    SkippedStatement,
    /// A part of a statement was read as nothing: a unique index over
    /// expressions or with a `WHERE` clause makes no column unique.
    IgnoredClause,
    /// A foreign key refers to a column its referred table lacks (SQLite
    /// and SQLAlchemy accept such a key): the key is left out of the
    /// schema, and kept in
    /// [`Table::broken_foreign_keys`](super::Table::broken_foreign_keys).
    DroppedForeignKey,
}

impl WarningKind {
    /// The snake_case name used in JSON output, e.g. `skipped_statement`.
    pub fn as_str(self) -> &'static str {
        match self {
            WarningKind::SkippedStatement => "skipped_statement",
            WarningKind::IgnoredClause => "ignored_clause",
            WarningKind::DroppedForeignKey => "dropped_foreign_key",
        }
    }
}

impl fmt::Display for WarningKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a statement of a DDL text is: its number (the first statement is
/// 1; client commands such as `\connect` or `DELIMITER` count), the
/// position of its first character, and its first characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementLocation {
    number: usize,
    position: Position,
    start: String,
}

impl StatementLocation {
    pub(crate) fn new(number: usize, position: Position, start: String) -> Self {
        StatementLocation {
            number,
            position,
            start,
        }
    }

    /// The statement's number in the text, from 1.
    pub fn number(&self) -> usize {
        self.number
    }

    /// Line and column of the statement's first character.
    pub fn position(&self) -> Position {
        self.position
    }

    /// The statement's first characters (up to about 60, on one line, with
    /// `...` when cut).
    pub fn start(&self) -> &str {
        &self.start
    }
}

impl fmt::Display for StatementLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "statement {} at {} ({})",
            self.number, self.position, self.start
        )
    }
}

impl SchemaWarning {
    pub(crate) fn new(
        kind: WarningKind,
        message: impl Into<String>,
        statement: Option<StatementLocation>,
    ) -> Self {
        SchemaWarning {
            kind,
            message: message.into(),
            statement,
        }
    }

    /// What the warning is about.
    pub fn kind(&self) -> WarningKind {
        self.kind
    }

    /// What was skipped or dropped, and why.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The statement of the DDL text concerned; `None` for warnings of
    /// reflection.
    pub fn statement(&self) -> Option<&StatementLocation> {
        self.statement.as_ref()
    }
}

impl fmt::Display for SchemaWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.statement {
            Some(at) => write!(f, "{at}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}
