//! Parsing of condition strings such as
//! `users.id = foreign(addresses.user_id) AND addresses.kind = 'home'`.
//!
//! sqlparser does the parsing; this module maps its AST onto [`Expr`],
//! resolving `table.column` names against a [`Schema`]. `foreign(...)` and
//! `remote(...)` are annotation markers, not SQL functions.

use sqlparser::ast::{self as sql, BinaryOperator, Spanned, UnaryOperator};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Span, Token, Tokenizer};

use super::{Annotations, BinaryOp, CastType, Expr, FromItem, Value, is_plain_type_name};
use crate::error::{Error, Position, Result};
use crate::nesting::MAX_DEPTH;
use crate::schema::Schema;

/// Parses a condition written in SQL against `schema`.
///
/// Columns must be qualified (`table.column` or `namespace.table.column`);
/// quote names that are keywords (`"order".id`). Supported: comparisons,
/// `[NOT] LIKE`, `[NOT] ILIKE`, `[NOT] IN (list)`, `[NOT] BETWEEN`,
/// `IS [NOT] NULL`, `AND` / `OR` / `NOT`, arithmetic, `||`,
/// `CAST(expr AS type)` (or `expr::type`), function calls, literals, and the
/// `foreign()` / `remote()` markers around any operand.
///
/// ```
/// use sqlrel::expr::{parse_condition, Annotations};
/// use sqlrel::schema::Schema;
/// use sqlrel::ErrorKind;
///
/// let schema = Schema::from_ddl(
///     "CREATE TABLE users (id INTEGER PRIMARY KEY);
///      CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER);",
/// )?;
/// let cond = parse_condition("users.id = foreign(addresses.user_id)", &schema)?;
/// assert_eq!(cond.to_string(), "users.id = addresses.user_id");
/// assert_eq!(cond.columns_with(Annotations::FOREIGN)[0].to_string(), "addresses.user_id");
///
/// let err = parse_condition("users.id = addresses.userid", &schema).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::UnknownColumn);
/// assert_eq!(
///     err.to_string(),
///     "in condition \"users.id = addresses.userid\" at line 1, column 12: \
///      table 'addresses' has no column 'userid'"
/// );
/// # Ok::<(), sqlrel::Error>(())
/// ```
///
/// # Errors
///
/// - [`Error::Parse`] for text that is not one SQL expression, or uses what is
///   not supported: an unqualified column, a reference of more than three
///   parts, an operator or construct not listed above, a `CAST` type that
///   cannot be written back as is (quoted, or an array), `foreign()` /
///   `remote()` without exactly one argument, a number out of range, nesting
///   more than 128 levels deep.
/// - [`Error::UnknownTable`] or [`Error::UnknownColumn`] for a name the schema
///   lacks, inside an [`Error::Context`] giving the condition and the place in
///   it ([`Error::kind`] and [`Error::root`] look through it).
pub fn parse_condition(text: &str, schema: &Schema) -> Result<Expr> {
    let parsed = parse_sql_expr(text)?;
    Converter::new(schema, text).expr(&parsed)
}

/// Handles function calls the expression layer does not know, such as
/// relationship calls (`users.addresses.any(...)`) in relationship-aware
/// SQL text.
pub(crate) trait CallHook {
    /// `Some(result)` when the call is the hook's, `None` to read it as an
    /// ordinary SQL function.
    fn call(&self, f: &sql::Function, reader: &Converter<'_>) -> Option<Result<Expr>>;
}

/// Parses `text` as exactly one SQL expression.
fn parse_sql_expr(text: &str) -> Result<sql::Expr> {
    let dialect = GenericDialect {};
    let what = || format!("condition {text:?}");
    let tokens = Tokenizer::new(&dialect, text)
        .tokenize_with_location()
        .map_err(|e| Error::from_sql_parser(what(), &e.into()))?;
    crate::nesting::check_chains(&tokens, &what(), crate::nesting::Count::LogicApart)?;
    let mut parser = Parser::new(&dialect).with_tokens_with_locations(tokens);
    let expr = parser
        .parse_expr()
        .map_err(|e| Error::from_sql_parser(what(), &e))?;
    let next = parser.peek_token();
    if next.token != Token::EOF {
        return Err(parse_error(
            text,
            format!("unexpected {} after the condition", next.token),
            position(next.span),
        ));
    }
    Ok(expr)
}

fn parse_error(text: &str, message: impl Into<String>, position: Option<Position>) -> Error {
    Error::Parse {
        what: condition_what(text),
        message: message.into(),
        position,
    }
}

fn condition_what(text: &str) -> String {
    format!("condition {text:?}")
}

/// Where a node starts, when sqlparser recorded it.
fn position(span: Span) -> Option<Position> {
    (span.start.line > 0).then_some(Position {
        line: span.start.line,
        column: span.start.column,
    })
}

/// Reads sqlparser expressions into [`Expr`]s against a schema, with table
/// aliases in scope and an optional [`CallHook`].
pub(crate) struct Converter<'a> {
    schema: &'a Schema,
    /// What errors say is being parsed (`condition "..."`, `SQL text`).
    what: String,
    depth: std::cell::Cell<usize>,
    aliases: &'a [(String, FromItem)],
    hook: Option<&'a dyn CallHook>,
}

/// The operands of a left-deep chain of `op` (`a op b op c` gives
/// `[a, b, c]`), collected without recursion.
fn chain<'e>(e: &'e sql::Expr, op: &BinaryOperator) -> Vec<&'e sql::Expr> {
    let mut operands = Vec::new();
    let mut current = e;
    while let sql::Expr::BinaryOp { left, op: o, right } = current {
        if o != op {
            break;
        }
        operands.push(&**right);
        current = left;
    }
    operands.push(current);
    operands.reverse();
    operands
}

impl<'a> Converter<'a> {
    pub(crate) fn new(schema: &'a Schema, text: &'a str) -> Self {
        Converter {
            schema,
            what: condition_what(text),
            depth: std::cell::Cell::new(0),
            aliases: &[],
            hook: None,
        }
    }

    /// Errors say `what` is being parsed (e.g. `SQL text`).
    pub(crate) fn reading(mut self, what: impl Into<String>) -> Self {
        self.what = what.into();
        self
    }

    /// A parse error at `position`.
    fn error(&self, message: impl Into<String>, position: Option<Position>) -> Error {
        Error::Parse {
            what: self.what.clone(),
            message: message.into(),
            position,
        }
    }

    /// Table aliases in scope: `alias.column` reads the column through the
    /// alias.
    pub(crate) fn with_aliases(mut self, aliases: &'a [(String, FromItem)]) -> Self {
        self.aliases = aliases;
        self
    }

    /// A hook for calls the expression layer does not know.
    pub(crate) fn with_hook(mut self, hook: &'a dyn CallHook) -> Self {
        self.hook = Some(hook);
        self
    }

    /// A parse error about `node`, at its place in the text.
    pub(crate) fn error_at(&self, node: &impl Spanned, message: impl Into<String>) -> Error {
        self.error(message, position(node.span()))
    }

    /// A literal (`5`, `-1.5`, `'x'`, `TRUE`, `NULL`), for named arguments.
    pub(crate) fn literal(&self, e: &sql::Expr) -> Result<Value> {
        match e {
            sql::Expr::Value(v) => self.value(v, false),
            sql::Expr::UnaryOp {
                op: UnaryOperator::Minus,
                expr,
            } => match &**expr {
                sql::Expr::Value(v) => self.value(v, true),
                other => Err(self.error_at(other, "expected a literal value")),
            },
            sql::Expr::Nested(inner) => self.literal(inner),
            other => Err(self.error_at(other, "expected a literal value")),
        }
    }

    fn unsupported(&self, node: &impl Spanned, what: impl std::fmt::Display) -> Error {
        self.error(
            format!("unsupported expression: {what}"),
            position(node.span()),
        )
    }

    fn too_deep(&self) -> Error {
        self.error(
            format!("the expression nests more than {MAX_DEPTH} levels deep"),
            None,
        )
    }

    pub(crate) fn expr(&self, e: &sql::Expr) -> Result<Expr> {
        let depth = self.depth.get() + 1;
        if depth > MAX_DEPTH {
            return Err(self.too_deep());
        }
        self.depth.set(depth);
        let result = self.expr_at_depth(e);
        self.depth.set(depth - 1);
        result
    }

    fn expr_at_depth(&self, e: &sql::Expr) -> Result<Expr> {
        Ok(match e {
            sql::Expr::CompoundIdentifier(parts) => self.column(parts)?,
            sql::Expr::Identifier(ident) => {
                return Err(self.error(
                    format!("column '{}' must be qualified as table.column", ident.value),
                    position(ident.span),
                ));
            }
            sql::Expr::Nested(inner) => self.expr(inner)?,
            sql::Expr::Value(v) => Expr::Value(self.value(v, false)?),
            sql::Expr::BinaryOp { op, .. } => self.binary_chain(e, op)?,
            sql::Expr::UnaryOp {
                op: UnaryOperator::Not,
                expr,
            } => self.expr(expr)?.not(),
            sql::Expr::UnaryOp {
                op: UnaryOperator::Minus,
                expr,
            } => match &**expr {
                sql::Expr::Value(v) => Expr::Value(self.value(v, true)?),
                other => match self.expr(other)? {
                    Expr::Value(Value::Int(i)) if i != i64::MIN => Expr::Value(Value::Int(-i)),
                    Expr::Value(Value::Float(x)) => Expr::Value(Value::Float(-x)),
                    negated => Expr::val(0).binary(BinaryOp::Sub, negated),
                },
            },
            sql::Expr::UnaryOp {
                op: UnaryOperator::Plus,
                expr,
            } => self.expr(expr)?,
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
            sql::Expr::ILike {
                negated,
                any: false,
                expr,
                pattern,
                escape_char: None,
            } => {
                let op = if *negated {
                    BinaryOp::NotILike
                } else {
                    BinaryOp::ILike
                };
                self.expr(expr)?.binary(op, self.expr(pattern)?)
            }
            sql::Expr::Between {
                expr,
                negated,
                low,
                high,
            } => {
                let e = self.expr(expr)?.between(self.expr(low)?, self.expr(high)?);
                if *negated { e.not() } else { e }
            }
            sql::Expr::Cast {
                kind: sql::CastKind::Cast | sql::CastKind::DoubleColon,
                expr,
                data_type,
                format: None,
            } => {
                let to = cast_type(data_type)
                    .ok_or_else(|| self.unsupported(e, format!("CAST type {data_type}")))?;
                self.expr(expr)?.cast(to)
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
            other => return Err(self.unsupported(other, other)),
        })
    }

    /// A chain of one binary operator: AND / OR become flat lists, other
    /// operators a left-deep tree whose depth is checked.
    fn binary_chain(&self, e: &sql::Expr, op: &BinaryOperator) -> Result<Expr> {
        let operands = chain(e, op);
        let converted = operands
            .iter()
            .map(|x| self.expr(x))
            .collect::<Result<Vec<_>>>()?;
        let op = match op {
            BinaryOperator::And => return Ok(Expr::all(converted)),
            BinaryOperator::Or => return Ok(Expr::any(converted)),
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
            BinaryOperator::StringConcat => BinaryOp::Concat,
            other => return Err(self.unsupported(e, format!("operator {other}"))),
        };
        if self.depth.get() + converted.len() > MAX_DEPTH {
            return Err(self.too_deep());
        }
        let mut operands = converted.into_iter();
        let first = operands
            .next()
            .ok_or_else(|| self.unsupported(e, "empty operator chain"))?;
        Ok(operands.fold(first, |acc, next| acc.binary(op, next)))
    }

    fn function(&self, f: &sql::Function) -> Result<Expr> {
        if let Some(result) = self.hook.and_then(|hook| hook.call(f, self)) {
            return result;
        }
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
                        other => Err(self.unsupported(f, other)),
                    })
                    .collect::<Result<Vec<_>>>()?
            }
            other => return Err(self.unsupported(f, other)),
        };
        if f.filter.is_some() || f.over.is_some() || !f.within_group.is_empty() {
            return Err(self.unsupported(f, f));
        }
        let marker = match name.to_ascii_lowercase().as_str() {
            "foreign" => Some(Annotations::FOREIGN),
            "remote" => Some(Annotations::REMOTE),
            _ => None,
        };
        match (marker, <[Expr; 1]>::try_from(args)) {
            (Some(annotation), Ok([inner])) => Ok(inner.annotate(annotation)),
            (Some(_), Err(_)) => Err(self.error(
                format!("{name}() takes exactly one expression"),
                position(f.span()),
            )),
            (None, Ok(args)) => Ok(Expr::func(name, args)),
            (None, Err(args)) => Ok(Expr::func(name, args)),
        }
    }

    /// A literal; `negative` when it follows a unary minus, so that
    /// `-9223372036854775808` stays an integer.
    fn value(&self, v: &sql::ValueWithSpan, negative: bool) -> Result<Value> {
        let sign = if negative { "-" } else { "" };
        let at = position(v.span);
        Ok(match &v.value {
            // Integers that fit stay integers; any other number keeps its
            // text exactly (a float would round 12345678901234567.89).
            sql::Value::Number(n, _) => match format!("{sign}{n}").parse::<i64>() {
                Ok(i) => Value::Int(i),
                Err(_) => Value::decimal(format!("{sign}{n}")).map_err(|_| {
                    self.error(format!("{sign}{n} is not a number sqlrel reads"), at)
                })?,
            },
            other if negative => {
                return Err(self.error(format!("unsupported expression: -{other}"), at));
            }
            sql::Value::SingleQuotedString(s) => Value::Text(s.clone()),
            sql::Value::Boolean(b) => Value::Bool(*b),
            sql::Value::Null => Value::Null,
            other => {
                return Err(self.error(format!("unsupported expression: {other}"), at));
            }
        })
    }

    /// Resolves `alias.column`, `table.column` or `namespace.table.column`;
    /// unknown names are reported with their place in the text.
    fn column(&self, parts: &[sql::Ident]) -> Result<Expr> {
        let at = parts.first().and_then(|p| position(p.span));
        let written = || {
            parts
                .iter()
                .map(|p| p.value.as_str())
                .collect::<Vec<_>>()
                .join(".")
        };
        let Some((column, table_parts)) = parts.split_last() else {
            return Err(self.error("empty column name", at));
        };
        let in_text = |e: Error| {
            let place = at.map(|p| format!(" at {p}")).unwrap_or_default();
            e.context(format!("in {}{place}", self.what))
        };
        if let [alias] = table_parts
            && let Some((_, item)) = self.aliases.iter().find(|(name, _)| *name == alias.value)
        {
            return item.col(&column.value).map_err(in_text);
        }
        if table_parts.is_empty() || table_parts.len() > 2 {
            return Err(self.error(
                format!("'{}' is not a table.column reference", written()),
                at,
            ));
        }
        let table_name = table_parts
            .iter()
            .map(|p| p.value.as_str())
            .collect::<Vec<_>>()
            .join(".");
        self.schema
            .table(&table_name)
            .and_then(|table| self.schema.table_column(table, &column.value))
            .map(Expr::col)
            .map_err(in_text)
    }
}

/// The [`CastType`] of a parsed type name; `None` for a name that cannot be
/// written back into SQL as is (quoted, or with brackets or strings).
fn cast_type(data_type: &sql::DataType) -> Option<CastType> {
    use sql::{CharacterLength, DataType as T, ExactNumberInfo as N};
    let length = |len: &Option<CharacterLength>| match len {
        None => Some(None),
        Some(CharacterLength::IntegerLength { length, unit: None }) => Some(Some(*length)),
        Some(_) => None,
    };
    let known = match data_type {
        T::SmallInt(None) | T::Int2(None) => Some(CastType::SmallInt),
        T::Int(None) | T::Integer(None) | T::Int4(None) => Some(CastType::Integer),
        T::BigInt(None) | T::Int8(None) => Some(CastType::BigInt),
        T::Numeric(info) | T::Decimal(info) | T::Dec(info) => match *info {
            N::None => Some((None, None)),
            N::Precision(p) => Some((Some(p), None)),
            N::PrecisionAndScale(p, s) => u64::try_from(s).ok().map(|s| (Some(p), Some(s))),
        }
        .map(|(precision, scale)| CastType::Numeric { precision, scale }),
        T::Real | T::Float4 => Some(CastType::Real),
        T::DoublePrecision | T::Double(N::None) | T::Float8 | T::Float(N::None) => {
            Some(CastType::Double)
        }
        T::Text => Some(CastType::Text),
        T::Varchar(len) | T::CharacterVarying(len) | T::CharVarying(len) => {
            length(len).map(CastType::Varchar)
        }
        T::Char(len) | T::Character(len) => length(len).map(CastType::Char),
        T::Date => Some(CastType::Date),
        T::Bool | T::Boolean => Some(CastType::Boolean),
        _ => None,
    };
    known.or_else(|| {
        let name = data_type.to_string();
        is_plain_type_name(&name).then_some(CastType::Other(name))
    })
}
