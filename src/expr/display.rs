//! Plain-SQL display of expressions, for messages, logs and debugging.
//!
//! Dialect-correct rendering (quoting, placeholders) lives in
//! [`crate::query`]; this output follows SQLAlchemy's `str()` of a clause:
//! `users.id = addresses.user_id AND addresses.email LIKE '%@x.com'`.
//! `ILIKE` is written as such, where SQLAlchemy's `str()` writes
//! `lower(a) LIKE lower(b)`, so that the text parses back to the same
//! expression.

use std::fmt::{self, Write};

use super::{
    AliasNamer, BinaryOp, BindKey, CastType, Expr, FromItem, Projection, Subquery, TableAlias,
};
use crate::schema::Table;

/// SQLAlchemy's reserved words (`sqlalchemy.sql.compiler.RESERVED_WORDS`),
/// plus a few more that sqlparser treats as keywords in expressions;
/// sorted for binary search.
const RESERVED_WORDS: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "binary",
    "both",
    "case",
    "cast",
    "check",
    "collate",
    "column",
    "constraint",
    "create",
    "cross",
    "current_date",
    "current_role",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "exists",
    "false",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "group",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "intersect",
    "interval",
    "into",
    "is",
    "isnull",
    "join",
    "leading",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "natural",
    "new",
    "not",
    "notnull",
    "null",
    "off",
    "offset",
    "old",
    "on",
    "only",
    "or",
    "order",
    "outer",
    "overlaps",
    "placing",
    "primary",
    "references",
    "right",
    "select",
    "session_user",
    "set",
    "similar",
    "some",
    "symmetric",
    "table",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "verbose",
    "when",
    "where",
];

/// Binding strength, loosest first.
fn precedence(e: &Expr) -> u8 {
    match e {
        Expr::Or(items) if items.len() > 1 => 1,
        Expr::And(items) if items.len() > 1 => 2,
        Expr::Not(_) => 3,
        Expr::Binary(b) if b.op.is_comparison() => 4,
        Expr::IsNull { .. } | Expr::InList { .. } | Expr::Between { .. } => 4,
        Expr::Binary(b) if matches!(b.op, BinaryOp::Add | BinaryOp::Sub | BinaryOp::Concat) => 5,
        Expr::Binary(_) => 6,
        _ => 7,
    }
}

struct Writer<'n, W> {
    out: W,
    names: &'n mut AliasNamer,
}

impl<W: Write> Writer<'_, W> {
    fn expr(&mut self, e: &Expr, min: u8) -> fmt::Result {
        if precedence(e) < min {
            self.out.write_char('(')?;
            self.bare(e)?;
            return self.out.write_char(')');
        }
        self.bare(e)
    }

    fn bare(&mut self, e: &Expr) -> fmt::Result {
        match e {
            Expr::Column(c) => {
                self.source(c.column.table(), c.alias.as_ref())?;
                self.out.write_char('.')?;
                self.ident(c.column.name())
            }
            Expr::Value(v) => write!(self.out, "{v}"),
            Expr::Bind(BindKey::Column(c)) => write!(self.out, ":{}", c.name()),
            Expr::Bind(BindKey::Named(n)) => write!(self.out, ":{n}"),
            Expr::Binary(b) => {
                let (lmin, rmin) = if b.op.is_comparison() {
                    (5, 5)
                } else {
                    let p = precedence(e);
                    (p, p + 1)
                };
                // Dialects rank `||` differently against `+`/`-`: always
                // parenthesize one inside the other.
                let mixed = |child: &Expr| {
                    matches!(child, Expr::Binary(c)
                        if !c.op.is_comparison()
                            && (c.op == BinaryOp::Concat) != (b.op == BinaryOp::Concat))
                };
                self.expr(&b.left, if mixed(&b.left) { 7 } else { lmin })?;
                write!(self.out, " {} ", b.op.as_sql())?;
                self.expr(&b.right, if mixed(&b.right) { 7 } else { rmin })
            }
            Expr::And(items) => self.list(items, " AND ", 2, "1 = 1"),
            Expr::Or(items) => self.list(items, " OR ", 1, "1 = 0"),
            Expr::Not(inner) => {
                self.out.write_str("NOT (")?;
                self.bare(inner)?;
                self.out.write_char(')')
            }
            Expr::IsNull { expr, negated } => {
                self.expr(expr, 5)?;
                self.out
                    .write_str(if *negated { " IS NOT NULL" } else { " IS NULL" })
            }
            Expr::InList {
                expr,
                list,
                negated,
            } => {
                self.expr(expr, 5)?;
                self.out
                    .write_str(if *negated { " NOT IN (" } else { " IN (" })?;
                self.comma_list(list)?;
                self.out.write_char(')')
            }
            Expr::Between {
                expr,
                low,
                high,
                negated,
            } => {
                self.expr(expr, 5)?;
                self.out.write_str(if *negated {
                    " NOT BETWEEN "
                } else {
                    " BETWEEN "
                })?;
                self.expr(low, 5)?;
                self.out.write_str(" AND ")?;
                self.expr(high, 5)
            }
            Expr::Cast { expr, to } => {
                self.out.write_str("CAST(")?;
                self.expr(expr, 1)?;
                write!(self.out, " AS {to})")
            }
            Expr::Function(f) => {
                self.out.write_str(&f.name)?;
                self.out.write_char('(')?;
                self.comma_list(&f.args)?;
                self.out.write_char(')')
            }
            Expr::Exists(q) => {
                self.out.write_str("EXISTS (")?;
                self.subquery(q)?;
                self.out.write_char(')')
            }
            Expr::Subquery(q) => {
                self.out.write_char('(')?;
                self.subquery(q)?;
                self.out.write_char(')')
            }
        }
    }

    fn list(&mut self, items: &[Expr], sep: &str, min: u8, empty: &str) -> fmt::Result {
        if items.is_empty() {
            return self.out.write_str(empty);
        }
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.out.write_str(sep)?;
            }
            self.expr(item, min)?;
        }
        Ok(())
    }

    fn comma_list(&mut self, items: &[Expr]) -> fmt::Result {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.out.write_str(", ")?;
            }
            self.expr(item, 1)?;
        }
        Ok(())
    }

    fn subquery(&mut self, q: &Subquery) -> fmt::Result {
        self.out.write_str("SELECT ")?;
        match &q.projection {
            Projection::One => self.out.write_char('1')?,
            Projection::Exprs(items) => self.comma_list(items)?,
        }
        if !q.from.is_empty() {
            self.out.write_str(" FROM ")?;
            for (i, item) in q.from.iter().enumerate() {
                if i > 0 {
                    self.out.write_str(", ")?;
                }
                self.write_from_item(item)?;
            }
        }
        if let Some(filter) = &q.filter {
            self.out.write_str(" WHERE ")?;
            self.expr(filter, 1)?;
        }
        Ok(())
    }

    fn write_from_item(&mut self, item: &FromItem) -> fmt::Result {
        self.table_name(&item.table)?;
        if item.alias.is_some() {
            self.out.write_str(" AS ")?;
            self.source(&item.table, item.alias.as_ref())?;
        }
        Ok(())
    }

    fn source(&mut self, table: &Table, alias: Option<&TableAlias>) -> fmt::Result {
        match alias {
            None => self.table_name(table),
            Some(TableAlias::Named(n)) => self.ident(n),
            Some(TableAlias::Anonymous(id)) => {
                let name = self.names.name(*id, table, |_| false);
                self.ident(&name)
            }
        }
    }

    fn table_name(&mut self, table: &Table) -> fmt::Result {
        if let Some(ns) = table.namespace() {
            self.ident(ns)?;
            self.out.write_char('.')?;
        }
        self.ident(table.name())
    }

    /// Writes a name, double-quoted unless it is a plain lowercase
    /// identifier that is not a reserved word (SQLAlchemy's rule).
    fn ident(&mut self, name: &str) -> fmt::Result {
        let plain = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$')
            && RESERVED_WORDS.binary_search(&name).is_err();
        if plain {
            self.out.write_str(name)
        } else {
            write!(self.out, "\"{}\"", name.replace('"', "\"\""))
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The writer recurses; Display cannot fail, so say it instead.
        if self.nests_deeper_than(crate::nesting::MAX_DEPTH) {
            return write!(
                f,
                "<an expression nested more than {} levels deep>",
                crate::nesting::MAX_DEPTH
            );
        }
        let mut names = AliasNamer::default();
        Writer {
            out: f,
            names: &mut names,
        }
        .expr(self, 1)
    }
}

impl fmt::Display for Subquery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names = AliasNamer::default();
        Writer {
            out: f,
            names: &mut names,
        }
        .subquery(self)
    }
}

impl fmt::Display for CastType {
    /// The type as standard SQL spells it (`INTEGER`, `NUMERIC(10, 2)`,
    /// `DOUBLE PRECISION`); [`Other`](CastType::Other) as given.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sized = |f: &mut fmt::Formatter<'_>, name: &str, n: &Option<u64>| match n {
            Some(n) => write!(f, "{name}({n})"),
            None => f.write_str(name),
        };
        match self {
            CastType::SmallInt => f.write_str("SMALLINT"),
            CastType::Integer => f.write_str("INTEGER"),
            CastType::BigInt => f.write_str("BIGINT"),
            CastType::Numeric { precision, scale } => match (precision, scale) {
                (Some(p), Some(s)) => write!(f, "NUMERIC({p}, {s})"),
                (Some(p), None) => write!(f, "NUMERIC({p})"),
                (None, _) => f.write_str("NUMERIC"),
            },
            CastType::Real => f.write_str("REAL"),
            CastType::Double => f.write_str("DOUBLE PRECISION"),
            CastType::Text => f.write_str("TEXT"),
            CastType::Varchar(n) => sized(f, "VARCHAR", n),
            CastType::Char(n) => sized(f, "CHAR", n),
            CastType::Date => f.write_str("DATE"),
            CastType::Boolean => f.write_str("BOOLEAN"),
            CastType::Other(name) => f.write_str(name),
        }
    }
}
