//! The one error type of the crate.
//!
//! Every failure SQLAlchemy distinguishes while configuring relationships has
//! its own variant, and the messages keep SQLAlchemy's wording (with sqlrel's
//! table and relationship names filled in) so that a search for the message
//! finds SQLAlchemy's documentation and answers.

use std::fmt;

use crate::direction::{Direction, JoinSide};

/// Result alias used throughout sqlrel.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in sqlrel.
///
/// Relationship names are written `table.name` (the parent table and the
/// attribute name), e.g. `users.addresses`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A table name that the schema does not hold.
    #[error("unknown table '{name}'")]
    UnknownTable {
        /// The name as written (possibly `namespace.table`).
        name: String,
    },
    /// A column name that the table does not hold.
    #[error("table '{table}' has no column '{column}'")]
    UnknownColumn {
        /// The table that was searched.
        table: String,
        /// The missing column.
        column: String,
    },
    /// A relationship that the registry does not hold.
    #[error("unknown relationship '{name}'")]
    UnknownRelationship {
        /// `table.name` as written.
        name: String,
    },
    /// Two tables with the same qualified name.
    #[error("table '{name}' is defined twice; give each table its own name (or namespace)")]
    DuplicateTable {
        /// The qualified table name.
        name: String,
    },
    /// Two columns with the same name in one table.
    #[error("table '{table}' defines column '{column}' twice; remove or rename one of them")]
    DuplicateColumn {
        /// The table.
        table: String,
        /// The repeated column.
        column: String,
    },
    /// A constraint that cannot be built (empty column list, column count
    /// mismatch, ...).
    #[error("invalid constraint on table '{table}': {message}")]
    InvalidConstraint {
        /// The table carrying the constraint.
        table: String,
        /// What is wrong.
        message: String,
    },
    /// Text (DDL, a join condition, relationship-aware SQL, a relationship
    /// file) that cannot be parsed, or that uses what sqlrel does not read.
    #[error("cannot parse {what}{}: {message}", at(position))]
    Parse {
        /// What was being parsed, e.g. `join condition "users.id = ..."`.
        what: String,
        /// The parser's complaint.
        message: String,
        /// Where in the text, when known.
        position: Option<Position>,
    },
    /// Reading a schema from a live database failed.
    #[error("cannot reflect the database: {message}")]
    Reflect {
        /// The driver's message.
        message: String,
    },
    /// Another error, with where it happened: an entry of a relationship
    /// file, a position in a text, a step of a larger operation.
    /// [`Error::kind`] and [`Error::relationship`] look through it;
    /// [`Error::root`] gives the error inside.
    #[error("{context}: {error}")]
    Context {
        /// Where, e.g. `relationship #2 (users.addresses)`.
        context: String,
        /// The relationship (`table.name`) the place belongs to, if any.
        relationship: Option<String>,
        /// What went wrong there.
        error: Box<Error>,
    },
    /// No foreign key links the parent and child tables (SQLAlchemy's
    /// `NoForeignKeysError`).
    #[error("{}", no_foreign_keys_message(relationship, secondary.as_deref()))]
    NoForeignKeys {
        /// `table.name` of the relationship.
        relationship: String,
        /// The secondary (association) table, when one is configured.
        secondary: Option<String>,
    },
    /// Several foreign keys link the tables and none was chosen (SQLAlchemy's
    /// `AmbiguousForeignKeysError`).
    #[error("{}", ambiguous_foreign_keys_message(relationship, secondary.as_deref()))]
    AmbiguousForeignKeys {
        /// `table.name` of the relationship.
        relationship: String,
        /// The secondary (association) table, when one is configured.
        secondary: Option<String>,
    },
    /// The join condition and `remote_side` give no local/remote column pair.
    #[error(
        "Relationship {relationship} could not determine any unambiguous local/remote column \
         pairs based on join condition and remote_side arguments.  Consider using the remote() \
         annotation to accurately mark those elements of the join condition that are on the \
         remote side of the relationship."
    )]
    NoLocalRemotePairs {
        /// `table.name` of the relationship.
        relationship: String,
    },
    /// No column of the join condition is foreign.
    #[error(
        "Could not locate any relevant foreign key columns for {side} join condition \
         '{condition}' on relationship {relationship}.  Ensure that referencing columns are \
         associated with a ForeignKey or ForeignKeyConstraint, or are annotated in the join \
         condition with the foreign() annotation."
    )]
    NoForeignColumns {
        /// `table.name` of the relationship.
        relationship: String,
        /// Which join condition.
        side: JoinSide,
        /// The condition as SQL text.
        condition: String,
    },
    /// Foreign columns exist but never in a plain `=` comparison, and the
    /// relationship is not `viewonly`.
    #[error(
        "Could not locate any simple equality expressions involving locally mapped foreign key \
         columns for {side} join condition '{condition}' on relationship {relationship}.  \
         Ensure that referencing columns are associated with a ForeignKey or \
         ForeignKeyConstraint, or are annotated in the join condition with the foreign() \
         annotation. To allow comparison operators other than '==', the relationship can be \
         marked as viewonly=True."
    )]
    NoEqualityForeignColumns {
        /// `table.name` of the relationship.
        relationship: String,
        /// Which join condition.
        side: JoinSide,
        /// The condition as SQL text.
        condition: String,
    },
    /// Foreign columns on both sides and the annotations do not settle the
    /// direction.
    #[error(
        "Can't determine relationship direction for relationship '{relationship}' - foreign key \
         columns within the join condition are present in both the parent and the child's \
         mapped tables.  Ensure that only those columns referring to a parent column are marked \
         as foreign, either via the foreign() annotation or via the foreign_keys argument."
    )]
    AmbiguousDirection {
        /// `table.name` of the relationship.
        relationship: String,
    },
    /// Foreign columns on neither side.
    #[error(
        "Can't determine relationship direction for relationship '{relationship}' - foreign key \
         columns are present in neither the parent nor the child's mapped tables.  Mark the \
         columns that refer to the other table with foreign() or foreign_keys."
    )]
    NoDirection {
        /// `table.name` of the relationship.
        relationship: String,
    },
    /// `secondaryjoin` given without `secondary`.
    #[error(
        "Property {relationship} specified with secondary join condition but no secondary \
         argument.  Give the association table as secondary, or drop the secondaryjoin."
    )]
    SecondaryJoinWithoutSecondary {
        /// `table.name` of the relationship.
        relationship: String,
    },
    /// `backref` and `back_populates` on the same relationship.
    #[error(
        "backref and back_populates keyword arguments are mutually exclusive (relationship \
         {relationship}).  Use backref to generate the reverse relationship, or back_populates \
         to name one that is declared."
    )]
    BackrefWithBackPopulates {
        /// `table.name` of the relationship.
        relationship: String,
    },
    /// A backref whose name is taken on the target table.
    #[error(
        "Error creating backref '{backref}' on relationship '{relationship}': property of that \
         name exists on mapper '{table}'.  Choose another name for the backref."
    )]
    BackrefExists {
        /// The backref's name.
        backref: String,
        /// `table.name` of the relationship declaring the backref.
        relationship: String,
        /// The table on which the name is taken.
        table: String,
    },
    /// A backref that sets `secondaryjoin` although the relationship has no
    /// secondary table.
    #[error(
        "Can't assign 'secondaryjoin' on a backref against a non-secondary relationship. \
         (relationship {relationship})  Give the backref's join as its primaryjoin."
    )]
    BackrefSecondaryJoin {
        /// `table.name` of the relationship declaring the backref.
        relationship: String,
    },
    /// Two relationships linked by `back_populates` (or a backref) that have
    /// the same direction.
    #[error(
        "{other} and back-reference {relationship} are both of the same direction {direction}.  \
         Did you mean to set remote_side on the many-to-one side ?"
    )]
    SameDirection {
        /// One side.
        relationship: String,
        /// The other side.
        other: String,
        /// The direction both have.
        direction: Direction,
    },
    /// `back_populates` names a relationship whose target is not this
    /// relationship's table.
    #[error(
        "reverse_property '{name}' on relationship {relationship} references relationship \
         {other}, which does not reference mapper '{table}'.  back_populates must name the \
         relationship of the target that points back at '{table}'."
    )]
    BackPopulatesMismatch {
        /// The name given to `back_populates`.
        name: String,
        /// `table.name` of the relationship declaring `back_populates`.
        relationship: String,
        /// `table.name` of the relationship it names.
        other: String,
        /// The table that relationship should point at.
        table: String,
    },
    /// A relationship predicate used where it does not apply, e.g. `any()`
    /// on a scalar (SQLAlchemy's `InvalidRequestError`).
    #[error("{message} (relationship {relationship})")]
    InvalidRequest {
        /// `table.name` of the relationship.
        relationship: String,
        /// SQLAlchemy's message.
        message: String,
    },
    /// A row given to a relationship predicate lacks a column it needs.
    #[error(
        "Can't resolve value for column {column}; no value has been set for this column \
         (relationship {relationship}).  Give it in the row (Row::set, or `column => value` in \
         SQL text)."
    )]
    MissingValue {
        /// `table.name` of the relationship.
        relationship: String,
        /// The column whose value is missing.
        column: String,
    },
    /// A statement that a dialect cannot express, or an expression that
    /// cannot be rendered (e.g. an unbound parameter).
    #[error("cannot render for {dialect}: {message}")]
    Render {
        /// The dialect.
        dialect: String,
        /// What went wrong.
        message: String,
    },
    /// `back_populates` names a relationship the target table does not have
    /// (SQLAlchemy's `InvalidRequestError` from `get_property`).
    #[error(
        "back_populates on relationship {relationship} refers to '{name}', but mapper '{table}' \
         has no property '{name}'.  Declare {table}.{name} pointing back, or use backref to \
         generate it."
    )]
    BackPopulatesMissing {
        /// `table.name` of the relationship declaring `back_populates`.
        relationship: String,
        /// The name given to `back_populates`.
        name: String,
        /// The target table.
        table: String,
    },
    /// A column the statement cannot read where it is used: no FROM item
    /// of the statement, nor of an enclosing subquery (a relationship
    /// predicate's), provides its table; or it belongs to another schema
    /// than the statement's tables.
    #[error("{}", out_of_scope_message(column, table, *other_schema, hint.as_deref()))]
    OutOfScope {
        /// The column, `table.column`.
        column: String,
        /// Its table, as the statement would have to name it (its alias,
        /// if it is read through one).
        table: String,
        /// Whether a FROM item in scope has the same table from another
        /// schema.
        other_schema: bool,
        /// What to do instead, e.g. the relationship that reaches the
        /// table.
        hint: Option<String>,
    },
    /// `back_populates` names a column of the target, not a relationship
    /// (SQLAlchemy's `InvalidRequestError`).
    #[error(
        "back_populates on relationship '{relationship}' refers to attribute '{table}.{name}' \
         that is not a relationship.  The back_populates parameter should refer to the name of \
         a relationship on the target class."
    )]
    BackPopulatesNotRelationship {
        /// `table.name` of the relationship declaring `back_populates`.
        relationship: String,
        /// The name given to `back_populates`.
        name: String,
        /// The target table.
        table: String,
    },
    /// Any other invalid configuration or call.
    #[error("{message}")]
    InvalidArgument {
        /// What is wrong.
        message: String,
    },
    /// A foreign key refers to a column its referred table lacks
    /// (SQLAlchemy's `NoReferencedColumnError`); see
    /// [`BrokenForeignKey`](crate::schema::BrokenForeignKey).
    #[error(
        "Could not initialize target column for ForeignKey '{referred_table}.{column}' on table \
         '{table}': table '{referred_table}' has no column named '{column}'"
    )]
    NoReferencedColumn {
        /// The relationship whose join needed the key, when one did.
        relationship: Option<String>,
        /// The table owning the foreign key.
        table: String,
        /// The table the key refers to.
        referred_table: String,
        /// The referred column that table lacks.
        column: String,
    },
    /// Reading the input (e.g. a DDL file given to
    /// [`Schema::read_ddl`](crate::schema::Schema::read_ddl)) failed.
    #[error("cannot read the input: {message}")]
    Io {
        /// The I/O error's message.
        message: String,
    },
}

/// A place in a text: 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Position {
    /// Line, from 1.
    pub line: u64,
    /// Column, from 1.
    pub column: u64,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

fn at(position: &Option<Position>) -> String {
    position.map(|p| format!(" at {p}")).unwrap_or_default()
}

/// Coarse classification of an [`Error`], stable across releases; used as the
/// `kind` field of the command-line tool's JSON errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// No foreign keys link the tables.
    NoForeignKeys,
    /// More than one foreign key path links the tables.
    AmbiguousForeignKeys,
    /// No local/remote column pairs.
    NoLocalRemotePairs,
    /// No relevant foreign columns.
    NoForeignColumns,
    /// No simple equality on foreign columns.
    NoEqualityForeignColumns,
    /// Foreign columns on both sides.
    AmbiguousDirection,
    /// Foreign columns on neither side.
    NoDirection,
    /// Any other configuration mistake.
    InvalidArgument,
    /// Text that does not parse.
    Parse,
    /// Unknown table.
    UnknownTable,
    /// Unknown column.
    UnknownColumn,
    /// Unknown relationship.
    UnknownRelationship,
    /// A statement a dialect cannot express.
    Render,
    /// The database could not be read.
    Reflect,
    /// The input could not be read (an I/O error).
    Io,
}

impl ErrorKind {
    /// The snake_case name used in JSON output, e.g. `no_foreign_keys`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::NoForeignKeys => "no_foreign_keys",
            ErrorKind::AmbiguousForeignKeys => "ambiguous_foreign_keys",
            ErrorKind::NoLocalRemotePairs => "no_local_remote_pairs",
            ErrorKind::NoForeignColumns => "no_foreign_columns",
            ErrorKind::NoEqualityForeignColumns => "no_equality_foreign_columns",
            ErrorKind::AmbiguousDirection => "ambiguous_direction",
            ErrorKind::NoDirection => "no_direction",
            ErrorKind::InvalidArgument => "invalid_argument",
            ErrorKind::Parse => "parse",
            ErrorKind::UnknownTable => "unknown_table",
            ErrorKind::UnknownColumn => "unknown_column",
            ErrorKind::UnknownRelationship => "unknown_relationship",
            ErrorKind::Render => "render",
            ErrorKind::Reflect => "reflect",
            ErrorKind::Io => "io",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Error {
    /// The coarse kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::UnknownTable { .. } => ErrorKind::UnknownTable,
            Error::UnknownColumn { .. } | Error::NoReferencedColumn { .. } => {
                ErrorKind::UnknownColumn
            }
            Error::UnknownRelationship { .. } => ErrorKind::UnknownRelationship,
            Error::Parse { .. } => ErrorKind::Parse,
            Error::NoForeignKeys { .. } => ErrorKind::NoForeignKeys,
            Error::AmbiguousForeignKeys { .. } => ErrorKind::AmbiguousForeignKeys,
            Error::NoLocalRemotePairs { .. } => ErrorKind::NoLocalRemotePairs,
            Error::NoForeignColumns { .. } => ErrorKind::NoForeignColumns,
            Error::NoEqualityForeignColumns { .. } => ErrorKind::NoEqualityForeignColumns,
            Error::AmbiguousDirection { .. } => ErrorKind::AmbiguousDirection,
            Error::NoDirection { .. } => ErrorKind::NoDirection,
            Error::DuplicateTable { .. }
            | Error::DuplicateColumn { .. }
            | Error::InvalidConstraint { .. }
            | Error::SecondaryJoinWithoutSecondary { .. }
            | Error::BackrefWithBackPopulates { .. }
            | Error::BackrefExists { .. }
            | Error::BackrefSecondaryJoin { .. }
            | Error::SameDirection { .. }
            | Error::BackPopulatesMismatch { .. }
            | Error::BackPopulatesMissing { .. }
            | Error::BackPopulatesNotRelationship { .. }
            | Error::InvalidRequest { .. }
            | Error::MissingValue { .. }
            | Error::OutOfScope { .. }
            | Error::InvalidArgument { .. } => ErrorKind::InvalidArgument,
            Error::Render { .. } => ErrorKind::Render,
            Error::Reflect { .. } => ErrorKind::Reflect,
            Error::Io { .. } => ErrorKind::Io,
            Error::Context { error, .. } => error.kind(),
        }
    }

    /// The relationship (`table.name`) the error is about, when there is one.
    pub fn relationship(&self) -> Option<&str> {
        match self {
            Error::NoForeignKeys { relationship, .. }
            | Error::AmbiguousForeignKeys { relationship, .. }
            | Error::NoLocalRemotePairs { relationship }
            | Error::NoForeignColumns { relationship, .. }
            | Error::NoEqualityForeignColumns { relationship, .. }
            | Error::AmbiguousDirection { relationship }
            | Error::NoDirection { relationship }
            | Error::SecondaryJoinWithoutSecondary { relationship }
            | Error::BackrefWithBackPopulates { relationship }
            | Error::BackrefExists { relationship, .. }
            | Error::BackrefSecondaryJoin { relationship }
            | Error::SameDirection { relationship, .. }
            | Error::BackPopulatesMismatch { relationship, .. }
            | Error::BackPopulatesMissing { relationship, .. }
            | Error::BackPopulatesNotRelationship { relationship, .. }
            | Error::InvalidRequest { relationship, .. }
            | Error::MissingValue { relationship, .. } => Some(relationship),
            Error::Context {
                relationship: Some(relationship),
                ..
            }
            | Error::NoReferencedColumn {
                relationship: Some(relationship),
                ..
            } => Some(relationship),
            Error::Context { error, .. } => error.relationship(),
            _ => None,
        }
    }

    /// The error inside any [`Error::Context`] wrappers.
    pub fn root(&self) -> &Error {
        match self {
            Error::Context { error, .. } => error.root(),
            other => other,
        }
    }

    /// This error with `context` (where it happened) around it.
    pub fn context(self, context: impl Into<String>) -> Error {
        Error::Context {
            context: context.into(),
            relationship: None,
            error: Box::new(self),
        }
    }

    /// This error with `context` around it, belonging to the relationship
    /// `key` (`table.name`), which [`Error::relationship`] then reports.
    pub fn context_for(self, context: impl Into<String>, key: impl Into<String>) -> Error {
        Error::Context {
            context: context.into(),
            relationship: Some(key.into()),
            error: Box::new(self),
        }
    }

    /// A `Parse` error from sqlparser's error, with the position it names
    /// (`... at Line: 3, Column: 7`) taken out of the message.
    pub(crate) fn from_sql_parser(
        what: impl Into<String>,
        error: &sqlparser::parser::ParserError,
    ) -> Self {
        let text = match error {
            sqlparser::parser::ParserError::TokenizerError(m)
            | sqlparser::parser::ParserError::ParserError(m) => m.clone(),
            sqlparser::parser::ParserError::RecursionLimitExceeded => {
                "the expression nests too deep: parentheses, subqueries and function calls \
                 nest at most about 45 levels; flatten the expression"
                    .to_owned()
            }
        };
        let (message, position) = split_position(&text);
        Error::Parse {
            what: what.into(),
            message,
            position,
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Error::InvalidArgument {
            message: message.into(),
        }
    }
}

/// Splits sqlparser's trailing ` at Line: L, Column: C` off a message.
fn split_position(text: &str) -> (String, Option<Position>) {
    let Some(at) = text.rfind(" at Line: ") else {
        return (text.to_owned(), None);
    };
    let tail = &text[at + " at Line: ".len()..];
    let position = tail.split_once(", Column: ").and_then(|(line, column)| {
        Some(Position {
            line: line.trim().parse().ok()?,
            column: column.trim().parse().ok()?,
        })
    });
    match position {
        Some(p) => (text[..at].to_owned(), Some(p)),
        None => (text.to_owned(), None),
    }
}

fn out_of_scope_message(
    column: &str,
    table: &str,
    other_schema: bool,
    hint: Option<&str>,
) -> String {
    let mut message = if other_schema {
        format!(
            "column {column} belongs to another schema than the tables of the statement; \
             build expressions from the registry's own schema (Registry::schema)"
        )
    } else {
        format!(
            "column {column} is out of scope: neither the statement nor an enclosing \
             relationship predicate reads table '{table}'"
        )
    };
    if let Some(hint) = hint {
        message.push_str("; ");
        message.push_str(hint);
    }
    message
}

fn no_foreign_keys_message(relationship: &str, secondary: Option<&str>) -> String {
    match secondary {
        Some(secondary) => format!(
            "Could not determine join condition between parent/child tables on relationship \
             {relationship} - there are no foreign keys linking these tables via secondary \
             table '{secondary}'.  Ensure that referencing columns are associated with a \
             ForeignKey or ForeignKeyConstraint, or specify 'primaryjoin' and 'secondaryjoin' \
             expressions."
        ),
        None => format!(
            "Could not determine join condition between parent/child tables on relationship \
             {relationship} - there are no foreign keys linking these tables.  Ensure that \
             referencing columns are associated with a ForeignKey or ForeignKeyConstraint, or \
             specify a 'primaryjoin' expression."
        ),
    }
}

fn ambiguous_foreign_keys_message(relationship: &str, secondary: Option<&str>) -> String {
    match secondary {
        Some(secondary) => format!(
            "Could not determine join condition between parent/child tables on relationship \
             {relationship} - there are multiple foreign key paths linking the tables via \
             secondary table '{secondary}'.  Specify the 'foreign_keys' argument, providing a \
             list of those columns which should be counted as containing a foreign key \
             reference from the secondary table to each of the parent and child tables."
        ),
        None => format!(
            "Could not determine join condition between parent/child tables on relationship \
             {relationship} - there are multiple foreign key paths linking the tables.  Specify \
             the 'foreign_keys' argument, providing a list of those columns which should be \
             counted as containing a foreign key reference to the parent table."
        ),
    }
}
