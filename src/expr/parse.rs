//! Parsing of condition strings such as
//! `users.id = foreign(addresses.user_id) AND addresses.kind = 'home'`.
//!
//! sqlparser does the parsing; this module maps its AST onto [`Expr`],
//! resolving `table.column` names against a [`Schema`]. `foreign(...)` and
//! `remote(...)` are annotation markers, not SQL functions.

use sqlparser::ast::{self as sql, BinaryOperator, UnaryOperator};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::Token;

use super::{Annotations, BinaryOp, Expr, Value};
use crate::error::{Error, Result};
use crate::schema::{ColumnRef, Schema};

/// Parses a condition written in SQL against `schema`.
///
/// Columns must be qualified (`table.column` or `namespace.table.column`);
/// quote names that are keywords (`"order".id`). Supported: comparisons,
/// `LIKE`, `IN (...)`, `IS [NOT] NULL`, `AND` / `OR` / `NOT`, arithmetic,
/// function calls, literals, and the `foreign()` / `remote()` markers.
///
/// ```
/// use sqlrel::expr::{parse_condition, Annotations};
/// use sqlrel::schema::Schema;
///
/// let schema = Schema::from_ddl(
///     "CREATE TABLE users (id INTEGER PRIMARY KEY);
///      CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER);",
/// )?;
/// let cond = parse_condition(&schema, "users.id = foreign(addresses.user_id)")?;
/// assert_eq!(cond.to_string(), "users.id = addresses.user_id");
/// assert_eq!(cond.columns_with(Annotations::FOREIGN)[0].to_string(), "addresses.user_id");
/// # Ok::<(), sqlrel::Error>(())
/// ```
pub fn parse_condition(schema: &Schema, text: &str) -> Result<Expr> {
    let parsed = parse_sql_expr(text).map_err(|message| parse_error(text, message))?;
    Converter { schema, text }.expr(&parsed)
}

/// Parses `text` as exactly one SQL expression.
fn parse_sql_expr(text: &str) -> std::result::Result<sql::Expr, String> {
    let dialect = GenericDialect {};
    let mut parser = Parser::new(&dialect)
        .try_with_sql(text)
        .map_err(|e| e.to_string())?;
    let expr = parser.parse_expr().map_err(|e| e.to_string())?;
    let next = parser.peek_token();
    if next.token != Token::EOF {
        return Err(format!("unexpected {} after the condition", next.token));
    }
    Ok(expr)
}

fn parse_error(text: &str, message: impl Into<String>) -> Error {
    Error::Parse {
        what: format!("condition {text:?}"),
        message: message.into(),
    }
}

struct Converter<'a> {
    schema: &'a Schema,
    text: &'a str,
}

impl Converter<'_> {
    fn unsupported(&self, what: impl std::fmt::Display) -> Error {
        parse_error(self.text, format!("unsupported expression: {what}"))
    }

    fn expr(&self, e: &sql::Expr) -> Result<Expr> {
        Ok(match e {
            sql::Expr::CompoundIdentifier(parts) => Expr::col(self.column(parts)?),
            sql::Expr::Identifier(ident) => {
                return Err(parse_error(
                    self.text,
                    format!("column '{}' must be qualified as table.column", ident.value),
                ));
            }
            sql::Expr::Nested(inner) => self.expr(inner)?,
            sql::Expr::Value(v) => Expr::Value(self.value(&v.value)?),
            sql::Expr::BinaryOp { left, op, right } => self.binary(left, op, right)?,
            sql::Expr::UnaryOp {
                op: UnaryOperator::Not,
                expr,
            } => self.expr(expr)?.not(),
            sql::Expr::UnaryOp {
                op: UnaryOperator::Minus,
                expr,
            } => match self.expr(expr)? {
                Expr::Value(Value::Int(i)) => Expr::Value(Value::Int(-i)),
                Expr::Value(Value::Float(x)) => Expr::Value(Value::Float(-x)),
                other => Expr::val(0).binary(BinaryOp::Sub, other),
            },
            sql::Expr::IsNull(inner) => self.expr(inner)?.is_null(),
            sql::Expr::IsNotNull(inner) => self.expr(inner)?.is_not_null(),
            sql::Expr::Like {
                negated,
                any: false,
                expr,
                pattern,
                escape_char: None,
            } => {
                let op = if *negated {
                    BinaryOp::NotLike
                } else {
                    BinaryOp::Like
                };
                self.expr(expr)?.binary(op, self.expr(pattern)?)
            }
            sql::Expr::In {
                expr,
                target: sql::InTarget::List(list),
                negated,
                ..
            } => {
                let list = list
                    .iter()
                    .map(|x| self.expr(x))
                    .collect::<Result<Vec<_>>>()?;
                let e = self.expr(expr)?.in_list(list);
                if *negated { e.not() } else { e }
            }
            sql::Expr::Function(f) => self.function(f)?,
            other => return Err(self.unsupported(other)),
        })
    }

    fn binary(&self, left: &sql::Expr, op: &BinaryOperator, right: &sql::Expr) -> Result<Expr> {
        let (l, r) = (self.expr(left)?, self.expr(right)?);
        let op = match op {
            BinaryOperator::And => return Ok(l.and(r)),
            BinaryOperator::Or => return Ok(l.or(r)),
            BinaryOperator::Eq => BinaryOp::Eq,
            BinaryOperator::NotEq => BinaryOp::NotEq,
            BinaryOperator::Lt => BinaryOp::Lt,
            BinaryOperator::LtEq => BinaryOp::LtEq,
            BinaryOperator::Gt => BinaryOp::Gt,
            BinaryOperator::GtEq => BinaryOp::GtEq,
            BinaryOperator::Plus => BinaryOp::Add,
            BinaryOperator::Minus => BinaryOp::Sub,
            BinaryOperator::Multiply => BinaryOp::Mul,
            BinaryOperator::Divide => BinaryOp::Div,
            BinaryOperator::Modulo => BinaryOp::Mod,
            other => return Err(self.unsupported(format!("operator {other}"))),
        };
        Ok(l.binary(op, r))
    }

    fn function(&self, f: &sql::Function) -> Result<Expr> {
        let name = f.name.to_string();
        let args = match &f.args {
            sql::FunctionArguments::None => Vec::new(),
            sql::FunctionArguments::List(list)
                if list.clauses.is_empty() && list.duplicate_treatment.is_none() =>
            {
                list.args
                    .iter()
                    .map(|arg| match arg {
                        sql::FunctionArg::Unnamed(sql::FunctionArgExpr::Expr(e)) => self.expr(e),
                        other => Err(self.unsupported(other)),
                    })
                    .collect::<Result<Vec<_>>>()?
            }
            other => return Err(self.unsupported(other)),
        };
        if f.filter.is_some() || f.over.is_some() || !f.within_group.is_empty() {
            return Err(self.unsupported(f));
        }
        let marker = match name.to_ascii_lowercase().as_str() {
            "foreign" => Some(Annotations::FOREIGN),
            "remote" => Some(Annotations::REMOTE),
            _ => None,
        };
        match (marker, <[Expr; 1]>::try_from(args)) {
            (Some(annotation), Ok([inner])) => Ok(inner.annotate(annotation)),
            (Some(_), Err(_)) => Err(parse_error(
                self.text,
                format!("{name}() takes exactly one expression"),
            )),
            (None, Ok(args)) => Ok(Expr::func(name, args)),
            (None, Err(args)) => Ok(Expr::func(name, args)),
        }
    }

    fn value(&self, v: &sql::Value) -> Result<Value> {
        Ok(match v {
            sql::Value::Number(n, _) => match n.parse::<i64>() {
                Ok(i) => Value::Int(i),
                Err(_) => Value::Float(
                    n.parse::<f64>()
                        .map_err(|_| parse_error(self.text, format!("bad number {n}")))?,
                ),
            },
            sql::Value::SingleQuotedString(s) => Value::Text(s.clone()),
            sql::Value::Boolean(b) => Value::Bool(*b),
            sql::Value::Null => Value::Null,
            other => return Err(self.unsupported(other)),
        })
    }

    /// Resolves `table.column` or `namespace.table.column`.
    fn column(&self, parts: &[sql::Ident]) -> Result<ColumnRef> {
        let (column, table_parts) = parts
            .split_last()
            .ok_or_else(|| parse_error(self.text, "empty column name"))?;
        if table_parts.is_empty() || table_parts.len() > 2 {
            return Err(parse_error(
                self.text,
                format!(
                    "'{}' is not a table.column reference",
                    parts
                        .iter()
                        .map(|p| p.value.as_str())
                        .collect::<Vec<_>>()
                        .join(".")
                ),
            ));
        }
        let table_name = table_parts
            .iter()
            .map(|p| p.value.as_str())
            .collect::<Vec<_>>()
            .join(".");
        let table = self.schema.table(&table_name)?;
        self.schema.table_column(table, &column.value)
    }
}
