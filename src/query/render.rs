//! Conversion of sqlrel's AST into sea-query, the last step before SQL
//! text. Anonymous aliases get their names here, in order of appearance,
//! so the same statement always renders to the same bytes.

use std::sync::Arc;

use sea_query::{
    self as sq, BinOper, ColumnName, ColumnRef as SqColumnRef, DynIden, Func, Keyword, SchemaName,
    SelectStatement, SubQueryOper, SubQueryStatement, TableName, TableRef, UnOper,
};

use super::Dialect;
use super::literal::literal;
use super::select::{JoinKind, Order, Select};
use crate::error::{Error, Result};
use crate::expr::{
    AliasNamer, AnonymousId, BinaryOp, BindKey, CastType, ColumnExpr, Decimal, Expr, FromItem,
    Projection, Subquery, TableAlias, Value, is_plain_type_name,
};
use crate::schema::Table;

/// Names anonymous aliases `table_1`, `table_2`, ... in order of first
/// appearance, avoiding names the statement already uses.
#[derive(Default)]
pub(crate) struct Renderer<'a> {
    names: AliasNamer,
    reserved: Option<Vec<&'a str>>,
    root: Option<Root<'a>>,
    dialect: Option<Dialect>,
    error: Option<Error>,
    placeholders: Option<Placeholders>,
    /// The statements are rendered to text by sqlrel and never handed out,
    /// so their WHERE clauses can be written as one-item chains (see
    /// [`set_where`](Self::set_where)).
    sealed: bool,
    /// Values are written as literals into the text (`to_string()`), by
    /// sqlrel's own literal writer, rather than handed to sea-query.
    inline: bool,
}

/// Values written as placeholders into custom SQL text (for statements
/// sqlrel splices into text it did not build), numbered across several
/// renderings.
#[derive(Debug, Default)]
pub(crate) struct Placeholders {
    /// `$1, $2, ...` when true, `?` otherwise.
    pub(crate) numbered: bool,
    /// The values, in placeholder order.
    pub(crate) values: Vec<Value>,
}

#[derive(Clone, Copy)]
enum Root<'a> {
    Select(&'a Select),
    Expr(&'a Expr),
}

fn render_error(message: impl Into<String>) -> Error {
    Error::Render {
        dialect: "any".to_owned(),
        message: message.into(),
    }
}

/// A name as a sea-query identifier, quoted (with escaping) by the
/// builder. sea-query identifiers own their text (or borrow it for
/// `'static`), so the name is copied.
fn iden(name: &str) -> DynIden {
    DynIden::from(name.to_owned())
}

impl<'a> Renderer<'a> {
    pub(crate) fn for_select(select: &'a Select, dialect: Option<Dialect>) -> Self {
        Renderer {
            root: Some(Root::Select(select)),
            dialect,
            ..Default::default()
        }
    }

    pub(crate) fn for_expr(expr: &'a Expr, dialect: Option<Dialect>) -> Self {
        Renderer {
            root: Some(Root::Expr(expr)),
            dialect,
            ..Default::default()
        }
    }

    /// Writes values as literals (see the `inline` field).
    pub(crate) fn inline(mut self) -> Self {
        self.inline = true;
        self
    }

    /// Renders statements that only sqlrel turns into text (see the
    /// `sealed` field).
    pub(crate) fn sealed(mut self) -> Self {
        self.sealed = true;
        self
    }

    /// Sets the whole WHERE clause of `stmt` to `filter`.
    ///
    /// Sealed, as a one-item chain: sea-query writes a chain in place,
    /// where the condition `and_where` keeps is deep-copied (subqueries
    /// included) on every render; with one item, the chain's lack of
    /// precedence between AND and OR items cannot arise. Otherwise with
    /// `and_where`, so that a caller can go on adding conditions (sea-query
    /// panics when the two forms are mixed).
    fn set_where(&self, stmt: &mut SelectStatement, filter: sq::Expr) {
        if self.sealed {
            stmt.and_or_where(sq::LogicalChainOper::And(filter));
        } else {
            stmt.and_where(filter);
        }
    }

    /// Names used by tables and named aliases anywhere in the statement.
    fn reserved(&mut self) -> &[&'a str] {
        let root = self.root;
        self.reserved.get_or_insert_with(|| {
            let mut names = Vec::new();
            let mut note = |item: &'a FromItem| {
                names.push(item.table.name());
                if let Some(TableAlias::Named(n)) = &item.alias {
                    names.push(n);
                }
            };
            let visit_expr = |e: &'a Expr, note: &mut dyn FnMut(&'a FromItem)| {
                e.walk(&mut |node| {
                    if let Expr::Exists(q) | Expr::Subquery(q) = node {
                        q.from.iter().for_each(&mut *note);
                    }
                });
            };
            match root {
                Some(Root::Select(s)) => {
                    s.items().for_each(&mut note);
                    let exprs = s
                        .columns
                        .iter()
                        .map(|(e, _)| e)
                        .chain(s.joins.iter().map(|j| &j.on))
                        .chain(s.filter.iter())
                        .chain(s.order_by.iter().map(|(e, _)| e));
                    for e in exprs {
                        visit_expr(e, &mut note);
                    }
                }
                Some(Root::Expr(e)) => visit_expr(e, &mut note),
                None => {}
            }
            names
        })
    }

    fn alias_name(&mut self, id: AnonymousId, table: &Table) -> Arc<str> {
        if let Some(name) = self.names.get(id) {
            return Arc::clone(name);
        }
        self.reserved();
        let reserved = self.reserved.as_deref().unwrap_or_default();
        self.names
            .name(id, table, |candidate| reserved.contains(&candidate))
    }

    /// Writes values as placeholders collected in `placeholders` instead of
    /// binding them through sea-query.
    pub(crate) fn with_placeholders(mut self, placeholders: Placeholders) -> Self {
        self.placeholders = Some(placeholders);
        self
    }

    /// The placeholders' values, after rendering.
    pub(crate) fn take_placeholders(&mut self) -> Option<Placeholders> {
        self.placeholders.take()
    }

    fn value(&mut self, v: &Value) -> sq::Expr {
        if let Value::Decimal(d) = v {
            return self.decimal(d);
        }
        match &mut self.placeholders {
            Some(p) => {
                p.values.push(v.clone());
                let mark = if p.numbered {
                    format!("${}", p.values.len())
                } else {
                    "?".to_owned()
                };
                // A keyword is written as is and, unlike custom SQL, never
                // parenthesized.
                sq::Expr::Keyword(Keyword::Custom(DynIden::from(mark)))
            }
            None => match (self.inline, self.dialect) {
                // sqlrel writes its own literals (see `literal.rs`):
                // sea-query's MySQL escapes change meaning under
                // NO_BACKSLASH_ESCAPES.
                (true, Some(dialect)) => match literal(v, dialect) {
                    Ok(text) => sq::Expr::Keyword(Keyword::Custom(DynIden::from(text))),
                    Err(e) => self.fail(e),
                },
                _ => sq::Expr::Value(value(v)),
            },
        }
    }

    /// An exact decimal, as text the server casts: the same value inlined
    /// or bound, never rounded through a float.
    fn decimal(&mut self, d: &Decimal) -> sq::Expr {
        let to = match self.dialect {
            Some(Dialect::MySql) => {
                let (precision, scale) = d.precision_and_scale();
                if precision > 65 || scale > 30 {
                    return self.fail(Error::Render {
                        dialect: Dialect::MySql.to_string(),
                        message: format!(
                            "{} has more digits than MySQL's DECIMAL holds (65, 30 after the \
                             point)",
                            d.as_str()
                        ),
                    });
                }
                CastType::Numeric {
                    precision: Some(precision),
                    scale: Some(scale),
                }
            }
            _ => CastType::Numeric {
                precision: None,
                scale: None,
            },
        };
        let cast = Expr::Cast {
            expr: Box::new(Expr::Value(Value::Text(d.as_str().to_owned()))),
            to,
        };
        self.expr(&cast)
    }

    /// Records the first error; conversion goes on with a placeholder and
    /// the caller reports the error (keeps the hot path free of `Result`
    /// values, which are large here).
    fn fail(&mut self, error: Error) -> sq::Expr {
        self.error.get_or_insert(error);
        sq::Expr::Custom("".into())
    }

    /// The first error met, if any.
    pub(crate) fn finish<T>(&mut self, value: T) -> Result<T> {
        match self.error.take() {
            Some(e) => Err(e),
            None => Ok(value),
        }
    }

    fn alias_iden(&mut self, alias: &TableAlias, table: &Table) -> DynIden {
        match alias {
            TableAlias::Named(n) => {
                if let Err(e) = checked(n) {
                    self.error.get_or_insert(e);
                }
                iden(n)
            }
            TableAlias::Anonymous(id) => iden(&self.alias_name(*id, table)),
        }
    }

    fn table_name(table: &Table) -> TableName {
        TableName(
            table.namespace().map(|ns| SchemaName(None, iden(ns))),
            iden(table.name()),
        )
    }

    fn table_ref(&mut self, item: &FromItem) -> TableRef {
        let alias = item.alias.as_ref().map(|a| self.alias_iden(a, &item.table));
        TableRef::Table(Self::table_name(&item.table), alias)
    }

    /// Converts one expression. The common nodes (columns, values,
    /// comparisons, AND/OR) are handled here; the rest live in separate,
    /// non-inlined functions so that this recursive function keeps a small
    /// stack frame (subquery statements are large values).
    pub(crate) fn expr(&mut self, e: &Expr) -> sq::Expr {
        match e {
            Expr::Column(c) => self.column(c),
            Expr::Value(v) => self.value(v),
            Expr::Binary(b) if !per_dialect(b.op) => {
                let left = self.expr(&b.left);
                binary(left, bin_oper(b.op), self.expr(&b.right))
            }
            Expr::And(items) => self.fold(items, BinOper::And, "1 = 1"),
            Expr::Or(items) => self.fold(items, BinOper::Or, "1 = 0"),
            Expr::Not(inner) => sq::Expr::Unary(UnOper::Not, Box::new(self.expr(inner))),
            Expr::IsNull { expr, negated } => {
                // A literal tested for NULL (`NULL IS NULL`, as a relationship
                // comparison gives when the row has no value) is a constant.
                // Bound, PostgreSQL rejects it (`$1 IS NULL`: could not
                // determine data type of parameter), so it is folded.
                if let Expr::Value(v) = &**expr {
                    let holds = matches!(v, Value::Null) != *negated;
                    return sq::Expr::Custom(if holds { "1 = 1" } else { "1 = 0" }.into());
                }
                let op = if *negated {
                    BinOper::IsNot
                } else {
                    BinOper::Is
                };
                binary(self.expr(expr), op, sq::Expr::Keyword(Keyword::Null))
            }
            Expr::Exists(q) => self.subquery_expr(Some(SubQueryOper::Exists), q),
            Expr::Subquery(q) => self.subquery_expr(None, q),
            other => self.uncommon(other),
        }
    }

    fn column(&mut self, c: &ColumnExpr) -> sq::Expr {
        let table = match &c.alias {
            Some(alias) => TableName(None, self.alias_iden(alias, c.column.table())),
            None => Self::table_name(c.column.table()),
        };
        sq::Expr::Column(SqColumnRef::Column(ColumnName(
            Some(table),
            iden(c.column.name()),
        )))
    }

    #[inline(never)]
    fn subquery_expr(&mut self, op: Option<SubQueryOper>, q: &Subquery) -> sq::Expr {
        // Filled in place: a statement is a large value, and moving it into
        // the box costs as much as a small conversion.
        let mut boxed = Box::new(SubQueryStatement::SelectStatement(SelectStatement::new()));
        if let SubQueryStatement::SelectStatement(stmt) = boxed.as_mut() {
            self.subquery(q, stmt);
        }
        sq::Expr::SubQuery(op, boxed)
    }

    #[inline(never)]
    fn uncommon(&mut self, e: &Expr) -> sq::Expr {
        match e {
            Expr::Bind(key) => {
                let name = match key {
                    BindKey::Column(c) => c.to_string(),
                    BindKey::Named(n) => n.clone(),
                };
                self.fail(render_error(format!("parameter :{name} has no value")))
            }
            Expr::Binary(b) if matches!(b.op, BinaryOp::ILike | BinaryOp::NotILike) => {
                self.ilike(b.op == BinaryOp::NotILike, &b.left, &b.right)
            }
            Expr::Binary(b) => {
                let (left, right) = (self.expr(&b.left), self.expr(&b.right));
                match self.dialect {
                    // MySQL reads `||` as logical OR.
                    Some(Dialect::MySql) => {
                        sq::Expr::FunctionCall(Func::cust("CONCAT").args([left, right]))
                    }
                    Some(_) => binary(left, BinOper::Custom("||"), right),
                    None => self.fail(render_error(
                        "the || operator renders differently per dialect (CONCAT() for MySQL); \
                         use to_sea_query_for(dialect)",
                    )),
                }
            }
            Expr::Between {
                expr,
                low,
                high,
                negated,
            } => {
                let tested = self.expr(expr);
                let bounds = binary(self.bound(low), BinOper::And, self.bound(high));
                let op = if *negated {
                    BinOper::NotBetween
                } else {
                    BinOper::Between
                };
                binary(tested, op, bounds)
            }
            Expr::Cast { expr, to } => {
                let inner = self.expr(expr);
                let Some(dialect) = self.dialect else {
                    return self.fail(render_error(
                        "CAST renders differently per dialect (MySQL has its own CAST types); \
                         use to_sea_query_for(dialect)",
                    ));
                };
                match cast_type(to, dialect) {
                    Ok(name) => sq::Expr::FunctionCall(Func::cast_as(inner, name)),
                    Err(message) => self.fail(render_error(message)),
                }
            }
            Expr::InList {
                expr,
                list,
                negated,
            } => {
                if list.is_empty() {
                    return sq::Expr::Custom(if *negated { "1 = 1" } else { "1 = 0" }.into());
                }
                let list = list.iter().map(|x| self.expr(x)).collect();
                let op = if *negated {
                    BinOper::NotIn
                } else {
                    BinOper::In
                };
                binary(self.expr(expr), op, sq::Expr::Tuple(list))
            }
            Expr::Function(f) => {
                if !valid_function_name(&f.name) {
                    return self.fail(render_error(format!("invalid function name {:?}", f.name)));
                }
                let args: Vec<sq::Expr> = f.args.iter().map(|x| self.expr(x)).collect();
                sq::Expr::FunctionCall(Func::cust(iden(&f.name)).args(args))
            }
            common => self.expr(common),
        }
    }

    /// `a ILIKE b`, PostgreSQL's case-insensitive `LIKE`. MySQL and SQLite
    /// have no `ILIKE`; there it is `LOWER(a) LIKE LOWER(b)`, which is what
    /// SQLAlchemy emits for them and means the same: both sides are
    /// lowercased by the database's own `LOWER()` (as PostgreSQL folds case
    /// for `ILIKE` by its locale), so the match ignores case, with the
    /// pattern's `%` and `_` untouched.
    fn ilike(&mut self, negated: bool, left: &Expr, right: &Expr) -> sq::Expr {
        let (left, right) = (self.expr(left), self.expr(right));
        match self.dialect {
            Some(Dialect::Postgres) => {
                let op = if negated { "NOT ILIKE" } else { "ILIKE" };
                binary(left, BinOper::Custom(op), right)
            }
            Some(Dialect::MySql | Dialect::Sqlite) => {
                let lower = |e| sq::Expr::FunctionCall(Func::lower(e));
                let op = if negated {
                    BinOper::NotLike
                } else {
                    BinOper::Like
                };
                binary(lower(left), op, lower(right))
            }
            None => self.fail(render_error(
                "ILIKE renders differently per dialect (LOWER(a) LIKE LOWER(b) outside \
                 PostgreSQL); use to_sea_query_for(dialect)",
            )),
        }
    }

    /// A bound of `BETWEEN`. sea-query writes the bounds as the operands of
    /// an `AND`, which leaves a comparison unparenthesized
    /// (`a BETWEEN b = c AND d`); such bounds are grouped.
    fn bound(&mut self, e: &Expr) -> sq::Expr {
        let grouped = match e {
            Expr::Binary(b) => b.op.is_comparison(),
            Expr::And(items) | Expr::Or(items) => items.len() > 1,
            Expr::Not(_) | Expr::IsNull { .. } | Expr::InList { .. } | Expr::Between { .. } => true,
            _ => false,
        };
        let bound = self.expr(e);
        if grouped {
            sq::Expr::Tuple(vec![bound])
        } else {
            bound
        }
    }

    fn fold(&mut self, items: &[Expr], op: BinOper, empty: &'static str) -> sq::Expr {
        let mut iter = items.iter();
        let Some(first) = iter.next() else {
            return sq::Expr::Custom(empty.into());
        };
        let mut acc = self.expr(first);
        for item in iter {
            acc = binary(acc, op, self.expr(item));
        }
        acc
    }

    /// Writes `q` into the empty statement `stmt`.
    fn subquery(&mut self, q: &Subquery, stmt: &mut SelectStatement) {
        match &q.projection {
            Projection::One => {
                stmt.expr(sq::Expr::Custom("1".into()));
            }
            Projection::Exprs(items) => {
                for item in items {
                    stmt.expr(self.expr(item));
                }
            }
        }
        for item in &q.from {
            stmt.from(self.table_ref(item));
        }
        if let Some(filter) = &q.filter {
            let filter = self.expr(filter);
            self.set_where(stmt, filter);
        }
    }

    pub(crate) fn select(&mut self, s: &Select) -> Result<SelectStatement> {
        let mut stmt = SelectStatement::new();
        self.select_into(s, &mut stmt)?;
        Ok(stmt)
    }

    /// Writes `s` into the empty statement `stmt` (in place: a statement is
    /// a large value to move).
    pub(crate) fn select_into(&mut self, s: &Select, stmt: &mut SelectStatement) -> Result<()> {
        s.check_depth()?;
        s.check_scope()?;
        // Name the FROM and JOIN aliases first, so numbering follows FROM
        // order as in SQLAlchemy.
        for item in s.items() {
            if let Some(TableAlias::Anonymous(id)) = &item.alias {
                self.alias_name(*id, &item.table);
            }
        }
        if s.columns.is_empty() {
            for item in &s.from {
                for column in item.table.columns() {
                    let e = item.col(column.name())?;
                    stmt.expr(self.expr(&e));
                }
            }
        }
        for (e, label) in &s.columns {
            let e = self.expr(e);
            match label {
                Some(label) => stmt.expr_as(e, iden(checked(label)?)),
                None => stmt.expr(e),
            };
        }
        for item in &s.from {
            stmt.from(self.table_ref(item));
        }
        for join in &s.joins {
            let table = self.table_ref(&join.item);
            let on = self.expr(&join.on);
            let kind = match join.kind {
                JoinKind::Inner => sq::JoinType::InnerJoin,
                JoinKind::Left => sq::JoinType::LeftJoin,
            };
            stmt.join(kind, table, on);
        }
        if !s.filter.is_empty() {
            let filter = self.fold(&s.filter, BinOper::And, "1 = 1");
            self.set_where(stmt, filter);
        }
        for (e, order) in &s.order_by {
            let order = match order {
                Order::Asc => sq::Order::Asc,
                Order::Desc => sq::Order::Desc,
            };
            stmt.order_by_expr(self.expr(e), order);
        }
        if let Some(n) = s.limit {
            stmt.limit(n);
        }
        if let Some(n) = s.offset {
            stmt.offset(n);
        }
        self.finish(())
    }
}

/// A user-chosen alias or label: non-empty and without NUL, which no
/// database accepts in an identifier.
fn checked(name: &str) -> Result<&str> {
    if name.is_empty() || name.contains('\0') {
        return Err(render_error(format!("invalid alias or label {name:?}")));
    }
    Ok(name)
}

fn binary(left: sq::Expr, op: BinOper, right: sq::Expr) -> sq::Expr {
    sq::Expr::Binary(Box::new(left), op, Box::new(right))
}

/// Operators whose spelling depends on the dialect.
fn per_dialect(op: BinaryOp) -> bool {
    matches!(op, BinaryOp::Concat | BinaryOp::ILike | BinaryOp::NotILike)
}

/// MySQL's and MariaDB's `CAST` targets (the first word of the type).
const MYSQL_CAST_TARGETS: &[&str] = &[
    "BINARY", "CHAR", "DATE", "DATETIME", "DECIMAL", "DOUBLE", "FLOAT", "JSON", "NCHAR", "REAL",
    "SIGNED", "TIME", "UNSIGNED", "YEAR",
];

/// How `to` is written in `CAST(x AS to)` for `dialect`, or why it cannot
/// be. PostgreSQL and SQLite take the standard names (SQLite gives any
/// name an affinity by its documented rules). MySQL casts only to its
/// own few targets: the integers to its one signed integer type, the
/// strings to `CHAR`, `NUMERIC` to `DECIMAL` (only with a precision: a bare
/// `DECIMAL` is `DECIMAL(10, 0)` there, which would drop the fraction that
/// a bare `NUMERIC` keeps), and a type it has no target for is an error.
fn cast_type(to: &CastType, dialect: Dialect) -> Result<String, String> {
    if let CastType::Other(name) = to
        && !is_plain_type_name(name)
    {
        return Err(format!("invalid CAST type {name:?}"));
    }
    if dialect != Dialect::MySql {
        return Ok(to.to_string());
    }
    let sized = |name: &str, n: &Option<u64>| match n {
        Some(n) => format!("{name}({n})"),
        None => name.to_owned(),
    };
    Ok(match to {
        CastType::SmallInt | CastType::Integer | CastType::BigInt => "SIGNED INTEGER".to_owned(),
        CastType::Numeric {
            precision: Some(p),
            scale,
        } => match scale {
            Some(s) => format!("DECIMAL({p}, {s})"),
            None => format!("DECIMAL({p})"),
        },
        CastType::Numeric {
            precision: None, ..
        } => {
            return Err(
                "CAST to NUMERIC needs a precision on MySQL, where a bare DECIMAL is \
                 DECIMAL(10, 0)"
                    .to_owned(),
            );
        }
        CastType::Real => "FLOAT".to_owned(),
        CastType::Double => "DOUBLE".to_owned(),
        CastType::Text => "CHAR".to_owned(),
        CastType::Varchar(n) | CastType::Char(n) => sized("CHAR", n),
        CastType::Date => "DATE".to_owned(),
        CastType::Other(name)
            if name
                .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .next()
                .is_some_and(|word| {
                    MYSQL_CAST_TARGETS
                        .iter()
                        .any(|t| t.eq_ignore_ascii_case(word))
                }) =>
        {
            name.clone()
        }
        other => return Err(format!("MySQL cannot CAST to {other}")),
    })
}

fn bin_oper(op: BinaryOp) -> BinOper {
    match op {
        BinaryOp::Eq => BinOper::Equal,
        BinaryOp::NotEq => BinOper::NotEqual,
        BinaryOp::Lt => BinOper::SmallerThan,
        BinaryOp::LtEq => BinOper::SmallerThanOrEqual,
        BinaryOp::Gt => BinOper::GreaterThan,
        BinaryOp::GtEq => BinOper::GreaterThanOrEqual,
        BinaryOp::Like => BinOper::Like,
        BinaryOp::NotLike => BinOper::NotLike,
        BinaryOp::ILike => BinOper::Custom("ILIKE"),
        BinaryOp::NotILike => BinOper::Custom("NOT ILIKE"),
        BinaryOp::Add => BinOper::Add,
        BinaryOp::Sub => BinOper::Sub,
        BinaryOp::Mul => BinOper::Mul,
        BinaryOp::Div => BinOper::Div,
        BinaryOp::Mod => BinOper::Mod,
        BinaryOp::Concat => BinOper::Custom("||"),
    }
}

fn value(v: &Value) -> sq::Value {
    match v {
        Value::Null => sq::Value::String(None),
        Value::Bool(b) => sq::Value::Bool(Some(*b)),
        Value::Int(i) => sq::Value::BigInt(Some(*i)),
        Value::Float(x) => sq::Value::Double(Some(*x)),
        Value::Text(s) => sq::Value::String(Some(s.clone())),
        Value::Bytes(b) => sq::Value::Bytes(Some(b.clone())),
        // Rendered as a cast of its text (`Renderer::decimal`).
        Value::Decimal(d) => sq::Value::String(Some(d.as_str().to_owned())),
    }
}

/// Function names are written unquoted, so only plain identifiers (maybe
/// schema-qualified) are accepted.
fn valid_function_name(name: &str) -> bool {
    !name.is_empty()
        && name.split('.').all(|part| {
            part.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}
