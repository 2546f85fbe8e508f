//! Layer 2: the typed expression AST.
//!
//! Column references carry [`Annotations`] (`foreign`, `remote`, `local`);
//! the relationship resolver reads and writes them exactly as SQLAlchemy's
//! `JoinCondition` does. Expressions display as plain SQL
//! (`users.id = addresses.user_id`) and render per dialect in
//! [`crate::query`].
//!
//! ```
//! use sqlrel::expr::{foreign, Expr};
//! use sqlrel::schema::Schema;
//!
//! let schema = Schema::from_ddl(
//!     "CREATE TABLE users (id INTEGER PRIMARY KEY);
//!      CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER, email TEXT);",
//! )?;
//! let users_id = Expr::col(schema.column("users.id")?);
//! let user_id = Expr::col(schema.column("addresses.user_id")?);
//! let email = Expr::col(schema.column("addresses.email")?);
//! let cond = users_id.eq(foreign(user_id)).and(email.like("%@example.com"));
//! assert_eq!(cond.to_string(), "users.id = addresses.user_id AND addresses.email LIKE '%@example.com'");
//! # Ok::<(), sqlrel::Error>(())
//! ```

mod annotation;
mod depth;
mod display;
pub(crate) mod parse;
mod scope;
mod value;
mod visit;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

pub use annotation::Annotations;
pub use parse::parse_condition;
pub use value::{Decimal, Value};
pub(crate) use visit::SqlAlchemyBinary;

use crate::schema::{ColumnRef, Table};

/// An SQL expression.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Expr {
    /// A column of a table or of a table alias.
    Column(ColumnExpr),
    /// A literal value (bound by `build()`, inlined by `to_string()`).
    Value(Value),
    /// A bind parameter without a value yet, filled in by
    /// the comparator (e.g. from a parent row in `with_parent`).
    Bind(BindKey),
    /// `left op right`.
    Binary(Box<BinaryExpr>),
    /// Conjunction; an empty list is `TRUE`.
    And(Vec<Expr>),
    /// Disjunction; an empty list is `FALSE`.
    Or(Vec<Expr>),
    /// Negation.
    Not(Box<Expr>),
    /// `expr IS NULL` / `expr IS NOT NULL`.
    IsNull {
        /// The tested expression.
        expr: Box<Expr>,
        /// `IS NOT NULL` when true.
        negated: bool,
    },
    /// `expr IN (list)` / `expr NOT IN (list)`.
    InList {
        /// The tested expression.
        expr: Box<Expr>,
        /// The candidates.
        list: Vec<Expr>,
        /// `NOT IN` when true.
        negated: bool,
    },
    /// `expr BETWEEN low AND high` / `expr NOT BETWEEN low AND high`.
    Between {
        /// The tested expression.
        expr: Box<Expr>,
        /// The lower bound (inclusive).
        low: Box<Expr>,
        /// The upper bound (inclusive).
        high: Box<Expr>,
        /// `NOT BETWEEN` when true.
        negated: bool,
    },
    /// `CAST(expr AS type)`.
    Cast {
        /// The converted expression.
        expr: Box<Expr>,
        /// The type converted to.
        to: CastType,
    },
    /// A function call `name(args)`.
    Function(Function),
    /// `EXISTS (subquery)`.
    Exists(Box<Subquery>),
    /// A scalar subquery `(SELECT ...)`.
    Subquery(Box<Subquery>),
}

/// A column reference with its table alias and annotations.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnExpr {
    /// The column.
    pub column: ColumnRef,
    /// The alias the column is read through, `None` for the table itself.
    pub alias: Option<TableAlias>,
    /// Resolution marks.
    pub annotations: Annotations,
}

impl ColumnExpr {
    /// Whether `other` names the same column through the same alias
    /// (annotations ignored), SQLAlchemy's `ColumnElement.compare`.
    pub fn same_column(&self, other: &ColumnExpr) -> bool {
        self.column == other.column && self.alias == other.alias
    }
}

/// A placeholder for a value supplied later.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum BindKey {
    /// The value of this column in a row supplied later.
    Column(ColumnRef),
    /// A named parameter.
    Named(String),
}

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BinaryOp {
    /// `=`
    Eq,
    /// `!=`
    NotEq,
    /// `<`
    Lt,
    /// `<=`
    LtEq,
    /// `>`
    Gt,
    /// `>=`
    GtEq,
    /// `LIKE`
    Like,
    /// `NOT LIKE`
    NotLike,
    /// `ILIKE`, case-insensitive `LIKE` (rendered `LOWER(a) LIKE LOWER(b)`
    /// outside PostgreSQL).
    ILike,
    /// `NOT ILIKE`
    NotILike,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Mod,
    /// `||`, string concatenation (rendered `CONCAT(a, b)` for MySQL).
    Concat,
}

impl BinaryOp {
    /// Whether the operator compares (yields a boolean) rather than computes.
    pub fn is_comparison(self) -> bool {
        !matches!(
            self,
            BinaryOp::Add
                | BinaryOp::Sub
                | BinaryOp::Mul
                | BinaryOp::Div
                | BinaryOp::Mod
                | BinaryOp::Concat
        )
    }

    /// The negated comparison (`=` ↔ `!=`, `<` ↔ `>=`, ...), `None` for
    /// arithmetic.
    pub fn negate(self) -> Option<BinaryOp> {
        Some(match self {
            BinaryOp::Eq => BinaryOp::NotEq,
            BinaryOp::NotEq => BinaryOp::Eq,
            BinaryOp::Lt => BinaryOp::GtEq,
            BinaryOp::GtEq => BinaryOp::Lt,
            BinaryOp::Gt => BinaryOp::LtEq,
            BinaryOp::LtEq => BinaryOp::Gt,
            BinaryOp::Like => BinaryOp::NotLike,
            BinaryOp::NotLike => BinaryOp::Like,
            BinaryOp::ILike => BinaryOp::NotILike,
            BinaryOp::NotILike => BinaryOp::ILike,
            _ => return None,
        })
    }

    /// The SQL spelling.
    pub fn as_sql(self) -> &'static str {
        match self {
            BinaryOp::Eq => "=",
            BinaryOp::NotEq => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::LtEq => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::GtEq => ">=",
            BinaryOp::Like => "LIKE",
            BinaryOp::NotLike => "NOT LIKE",
            BinaryOp::ILike => "ILIKE",
            BinaryOp::NotILike => "NOT ILIKE",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
            BinaryOp::Concat => "||",
        }
    }
}

/// `left op right`.
#[derive(Debug, Clone, PartialEq)]
pub struct BinaryExpr {
    /// Left operand.
    pub left: Expr,
    /// Operator.
    pub op: BinaryOp,
    /// Right operand.
    pub right: Expr,
}

/// The target type of a [`Expr::Cast`].
///
/// The named types render per dialect (MySQL and MariaDB accept only a few
/// `CAST` targets, such as `SIGNED INTEGER` and `CHAR(n)`); a type a dialect
/// cannot convert to is an [`Error::Render`](crate::Error::Render) there, never a
/// substitute.
///
/// ```
/// use sqlrel::expr::{CastType, parse_condition};
/// use sqlrel::query::Dialect;
/// use sqlrel::schema::Schema;
///
/// let schema = Schema::from_ddl("CREATE TABLE t (id INTEGER PRIMARY KEY, code TEXT);")?;
/// let cond = parse_condition("CAST(t.id AS TEXT) = t.code", &schema)?;
/// assert_eq!(cond.to_string(), "CAST(t.id AS TEXT) = t.code");
/// let mysql = sea_query::Query::select()
///     .expr(cond.to_sea_query_for(Dialect::MySql)?)
///     .to_string(sea_query::MysqlQueryBuilder);
/// assert_eq!(mysql, "SELECT CAST(`t`.`id` AS CHAR) = `t`.`code`");
///
/// // MySQL has no BOOLEAN target.
/// let flag = parse_condition("CAST(t.code AS BOOLEAN)", &schema)?;
/// assert!(flag.to_sea_query_for(Dialect::MySql).is_err());
/// # Ok::<(), sqlrel::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CastType {
    /// `SMALLINT`
    SmallInt,
    /// `INTEGER` (also written `INT`)
    Integer,
    /// `BIGINT`
    BigInt,
    /// `NUMERIC(precision, scale)` (also written `DECIMAL`); both parts
    /// optional, a scale only with a precision.
    Numeric {
        /// Total digits.
        precision: Option<u64>,
        /// Digits after the point.
        scale: Option<u64>,
    },
    /// `REAL`, a single-precision float.
    Real,
    /// `DOUBLE PRECISION` (also written `DOUBLE`, `FLOAT`).
    Double,
    /// `TEXT`
    Text,
    /// `VARCHAR(length)`
    Varchar(Option<u64>),
    /// `CHAR(length)`
    Char(Option<u64>),
    /// `DATE`
    Date,
    /// `BOOLEAN`
    Boolean,
    /// Any other type, written as given (`inet`, `TIMESTAMP(3)`): rendered
    /// as is for PostgreSQL and SQLite, and for MySQL only when it is one of
    /// MySQL's `CAST` targets (`DATETIME`, `SIGNED`, `BINARY`, ...).
    Other(String),
}

/// Whether `name` is a type name that can be written into SQL as is:
/// words, with at most one parenthesized list of plain arguments
/// (`inet`, `TIMESTAMP(3) WITH TIME ZONE`, `character varying(10)`).
pub(crate) fn is_plain_type_name(name: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == ' ';
    let (head, args, tail) = match name.split_once('(') {
        None => (name, None, ""),
        Some((head, rest)) => match rest.split_once(')') {
            Some((args, tail)) => (head, Some(args), tail),
            None => return false,
        },
    };
    head.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && head.chars().all(word)
        && tail.chars().all(word)
        && args.is_none_or(|a| !a.trim().is_empty() && a.chars().all(|c| word(c) || c == ','))
}

/// A function call.
#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    /// The function name as written (`lower`, `coalesce`).
    pub name: String,
    /// Arguments.
    pub args: Vec<Expr>,
}

/// An alias of a table inside one statement.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TableAlias {
    /// An alias with a name chosen by the user.
    Named(Arc<str>),
    /// An anonymous alias, numbered when a statement is rendered
    /// (`nodes_1`, `nodes_2`, ... in order of appearance).
    Anonymous(AnonymousId),
}

/// Identity of an anonymous alias.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AnonymousId(u64);

impl TableAlias {
    /// A fresh anonymous alias, distinct from every other.
    pub fn anonymous() -> TableAlias {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        TableAlias::Anonymous(AnonymousId(NEXT.fetch_add(1, Ordering::Relaxed)))
    }

    /// A named alias.
    pub fn named(name: impl AsRef<str>) -> TableAlias {
        TableAlias::Named(name.as_ref().into())
    }
}

/// The longest identifier PostgreSQL keeps (it truncates longer ones).
const MAX_IDENTIFIER_BYTES: usize = 63;

/// The `n`th candidate name for an anonymous alias of `table`:
/// `table_n`, with the table part shortened (on a character boundary) so
/// the whole fits PostgreSQL's 63-byte identifiers, which would otherwise
/// truncate `table_1` back to `table`.
pub(crate) fn anonymous_alias_name(table: &str, n: u32) -> String {
    let suffix = format!("_{n}");
    let mut end = table.len().min(MAX_IDENTIFIER_BYTES - suffix.len());
    while !table.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{suffix}", &table[..end])
}

/// Names anonymous aliases in order of first appearance: the first alias of
/// `nodes` is `nodes_1`, the next `nodes_2`, skipping names already taken.
/// Used by `Display` and by the renderer, so both number alike.
#[derive(Debug, Default, Clone)]
pub(crate) struct AliasNamer {
    assigned: Vec<(AnonymousId, Arc<str>)>,
}

impl AliasNamer {
    /// The name given to `id` so far, if any.
    pub(crate) fn get(&self, id: AnonymousId) -> Option<&Arc<str>> {
        self.assigned.iter().find(|(a, _)| *a == id).map(|(_, n)| n)
    }

    /// The name of the anonymous alias `id` of `table`; a new name skips
    /// those for which `taken` holds.
    pub(crate) fn name(
        &mut self,
        id: AnonymousId,
        table: &Table,
        taken: impl Fn(&str) -> bool,
    ) -> Arc<str> {
        if let Some(name) = self.get(id) {
            return Arc::clone(name);
        }
        let name = (1..)
            .map(|n| anonymous_alias_name(table.name(), n))
            .find(|candidate| {
                !taken(candidate) && !self.assigned.iter().any(|(_, used)| **used == **candidate)
            })
            .unwrap_or_default();
        let name: Arc<str> = name.into();
        self.assigned.push((id, Arc::clone(&name)));
        name
    }
}

/// A table in a FROM list, possibly aliased.
#[derive(Debug, Clone, PartialEq)]
pub struct FromItem {
    /// The table.
    pub table: Arc<Table>,
    /// Its alias in this statement.
    pub alias: Option<TableAlias>,
}

impl FromItem {
    /// The table itself.
    pub fn table(table: Arc<Table>) -> Self {
        FromItem { table, alias: None }
    }

    /// The table read through `alias`.
    pub fn aliased(table: Arc<Table>, alias: TableAlias) -> Self {
        FromItem {
            table,
            alias: Some(alias),
        }
    }

    /// A column of this item, read through its alias.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownColumn`](crate::Error::UnknownColumn) when the table has
    /// no column named `name`.
    pub fn col(&self, name: &str) -> crate::Result<Expr> {
        let id = self
            .table
            .column_id(name)
            .ok_or_else(|| crate::Error::UnknownColumn {
                table: self.table.qualified_name().to_string(),
                column: name.to_owned(),
            })?;
        Ok(Expr::Column(ColumnExpr {
            column: ColumnRef::new(Arc::clone(&self.table), id),
            alias: self.alias.clone(),
            annotations: Annotations::NONE,
        }))
    }
}

impl From<Arc<Table>> for FromItem {
    fn from(table: Arc<Table>) -> Self {
        FromItem::table(table)
    }
}

impl From<&Arc<Table>> for FromItem {
    fn from(table: &Arc<Table>) -> Self {
        FromItem::table(Arc::clone(table))
    }
}

/// What a subquery selects.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Projection {
    /// `SELECT 1` (for EXISTS).
    One,
    /// `SELECT expr, ...`.
    Exprs(Vec<Expr>),
}

/// A correlated subquery: `SELECT projection FROM from WHERE filter`.
///
/// Columns of tables that are not in `from` correlate to the enclosing
/// statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Subquery {
    /// The select list.
    pub projection: Projection,
    /// The FROM list, in order.
    pub from: Vec<FromItem>,
    /// The WHERE clause.
    pub filter: Option<Expr>,
}

/// Builds an AND or OR list: nested lists of the same kind (`split`
/// returns their items, `nested` spots them) are inlined, and a single item
/// stands alone. Items with no nested list keep their vector (this runs for
/// every relationship predicate).
fn flatten(
    items: impl IntoIterator<Item = Expr>,
    list: fn(Vec<Expr>) -> Expr,
    nested: fn(&Expr) -> bool,
    split: fn(Expr) -> Result<Vec<Expr>, Expr>,
) -> Expr {
    // Collecting a `Vec`'s own iterator reuses its buffer.
    let mut parts: Vec<Expr> = items.into_iter().collect();
    if parts.iter().any(nested) {
        let mut flat = Vec::with_capacity(parts.len());
        for item in parts {
            match split(item) {
                Ok(inner) => flat.extend(inner),
                Err(single) => flat.push(single),
            }
        }
        parts = flat;
    }
    if parts.len() == 1 {
        parts.pop().unwrap_or_else(|| list(Vec::new()))
    } else {
        list(parts)
    }
}

/// Marks every column of `expr` as foreign (the referencing side), like
/// SQLAlchemy's `foreign()`.
pub fn foreign(expr: impl Into<Expr>) -> Expr {
    expr.into().annotate(Annotations::FOREIGN)
}

/// Marks every column of `expr` as remote (the target side), like
/// SQLAlchemy's `remote()`.
pub fn remote(expr: impl Into<Expr>) -> Expr {
    expr.into().annotate(Annotations::REMOTE)
}

impl From<ColumnRef> for Expr {
    fn from(column: ColumnRef) -> Self {
        Expr::col(column)
    }
}

impl From<&ColumnRef> for Expr {
    fn from(column: &ColumnRef) -> Self {
        Expr::col(column.clone())
    }
}

impl From<ColumnExpr> for Expr {
    fn from(column: ColumnExpr) -> Self {
        Expr::Column(column)
    }
}

impl<T: Into<Value>> From<T> for Expr {
    fn from(value: T) -> Self {
        Expr::Value(value.into())
    }
}

impl Expr {
    /// A column of its own table.
    pub fn col(column: ColumnRef) -> Expr {
        Expr::Column(ColumnExpr {
            column,
            alias: None,
            annotations: Annotations::NONE,
        })
    }

    /// A column read through an alias.
    pub fn aliased_col(column: ColumnRef, alias: TableAlias) -> Expr {
        Expr::Column(ColumnExpr {
            column,
            alias: Some(alias),
            annotations: Annotations::NONE,
        })
    }

    /// A literal value.
    pub fn val(value: impl Into<Value>) -> Expr {
        Expr::Value(value.into())
    }

    /// A function call.
    pub fn func(name: impl Into<String>, args: impl IntoIterator<Item = Expr>) -> Expr {
        Expr::Function(Function {
            name: name.into(),
            args: args.into_iter().collect(),
        })
    }

    /// `EXISTS (subquery)`.
    pub fn exists(subquery: Subquery) -> Expr {
        Expr::Exists(Box::new(subquery))
    }

    /// `self op right`.
    pub fn binary(self, op: BinaryOp, right: impl Into<Expr>) -> Expr {
        Expr::Binary(Box::new(BinaryExpr {
            left: self,
            op,
            right: right.into(),
        }))
    }

    /// `self = right`.
    pub fn eq(self, right: impl Into<Expr>) -> Expr {
        self.binary(BinaryOp::Eq, right)
    }

    /// `self != right`.
    pub fn ne(self, right: impl Into<Expr>) -> Expr {
        self.binary(BinaryOp::NotEq, right)
    }

    /// `self < right`.
    pub fn lt(self, right: impl Into<Expr>) -> Expr {
        self.binary(BinaryOp::Lt, right)
    }

    /// `self <= right`.
    pub fn lte(self, right: impl Into<Expr>) -> Expr {
        self.binary(BinaryOp::LtEq, right)
    }

    /// `self > right`.
    pub fn gt(self, right: impl Into<Expr>) -> Expr {
        self.binary(BinaryOp::Gt, right)
    }

    /// `self >= right`.
    pub fn gte(self, right: impl Into<Expr>) -> Expr {
        self.binary(BinaryOp::GtEq, right)
    }

    /// `self LIKE pattern`.
    pub fn like(self, pattern: impl Into<Expr>) -> Expr {
        self.binary(BinaryOp::Like, pattern)
    }

    /// `self NOT LIKE pattern`.
    pub fn not_like(self, pattern: impl Into<Expr>) -> Expr {
        self.binary(BinaryOp::NotLike, pattern)
    }

    /// `self ILIKE pattern`: `LIKE` ignoring case.
    pub fn ilike(self, pattern: impl Into<Expr>) -> Expr {
        self.binary(BinaryOp::ILike, pattern)
    }

    /// `self BETWEEN low AND high`.
    pub fn between(self, low: impl Into<Expr>, high: impl Into<Expr>) -> Expr {
        Expr::Between {
            expr: Box::new(self),
            low: Box::new(low.into()),
            high: Box::new(high.into()),
            negated: false,
        }
    }

    /// `CAST(self AS to)`.
    pub fn cast(self, to: CastType) -> Expr {
        Expr::Cast {
            expr: Box::new(self),
            to,
        }
    }

    /// `self IS NULL`.
    pub fn is_null(self) -> Expr {
        Expr::IsNull {
            expr: Box::new(self),
            negated: false,
        }
    }

    /// `self IS NOT NULL`.
    pub fn is_not_null(self) -> Expr {
        Expr::IsNull {
            expr: Box::new(self),
            negated: true,
        }
    }

    /// `self IN (list)`.
    pub fn in_list<I, T>(self, list: I) -> Expr
    where
        I: IntoIterator<Item = T>,
        T: Into<Expr>,
    {
        Expr::InList {
            expr: Box::new(self),
            list: list.into_iter().map(Into::into).collect(),
            negated: false,
        }
    }

    /// `self AND other`, flattening nested conjunctions.
    pub fn and(self, other: impl Into<Expr>) -> Expr {
        Expr::all([self, other.into()])
    }

    /// `self OR other`, flattening nested disjunctions.
    pub fn or(self, other: impl Into<Expr>) -> Expr {
        Expr::any([self, other.into()])
    }

    /// The conjunction of `items` (flattened; a single item is returned as
    /// is; none gives an empty `And`, which is true).
    pub fn all(items: impl IntoIterator<Item = Expr>) -> Expr {
        flatten(
            items,
            Expr::And,
            |e| matches!(e, Expr::And(_)),
            |e| match e {
                Expr::And(inner) => Ok(inner),
                other => Err(other),
            },
        )
    }

    /// The disjunction of `items` (flattened; a single item is returned as
    /// is; none gives an empty `Or`, which is false).
    pub fn any(items: impl IntoIterator<Item = Expr>) -> Expr {
        flatten(
            items,
            Expr::Or,
            |e| matches!(e, Expr::Or(_)),
            |e| match e {
                Expr::Or(inner) => Ok(inner),
                other => Err(other),
            },
        )
    }

    /// The negation. Like SQLAlchemy, a comparison negates its operator
    /// (`a = b` becomes `a != b`), `IS NULL` / `IN` / `BETWEEN` flip, and a
    /// double negation cancels.
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Expr {
        match self {
            Expr::Binary(mut b) => match b.op.negate() {
                Some(op) => {
                    b.op = op;
                    Expr::Binary(b)
                }
                None => Expr::Not(Box::new(Expr::Binary(b))),
            },
            Expr::IsNull { expr, negated } => Expr::IsNull {
                expr,
                negated: !negated,
            },
            Expr::InList {
                expr,
                list,
                negated,
            } => Expr::InList {
                expr,
                list,
                negated: !negated,
            },
            Expr::Between {
                expr,
                low,
                high,
                negated,
            } => Expr::Between {
                expr,
                low,
                high,
                negated: !negated,
            },
            Expr::Not(inner) => *inner,
            other => Expr::Not(Box::new(other)),
        }
    }

    /// Adds `annotations` to every column of the expression.
    pub fn annotate(mut self, annotations: Annotations) -> Expr {
        self.for_each_column_mut(&mut |c| c.annotations |= annotations);
        self
    }

    /// Removes `annotations` from every column of the expression.
    pub fn deannotate(mut self, annotations: Annotations) -> Expr {
        self.for_each_column_mut(&mut |c| c.annotations = c.annotations.without(annotations));
        self
    }

    /// The column, when the expression is a bare column reference.
    pub fn as_column(&self) -> Option<&ColumnExpr> {
        match self {
            Expr::Column(c) => Some(c),
            _ => None,
        }
    }
}
