//! [`Select`]: a SELECT statement builder that joins along relationships.

use crate::error::{Error, Result};
use crate::expr::{Annotations, Expr, FromItem, TableAlias};
use crate::relationship::Relationship;
use crate::schema::Table;

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Order {
    /// Ascending.
    Asc,
    /// Descending.
    Desc,
}

/// `JOIN` or `LEFT JOIN`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JoinKind {
    /// `JOIN` (inner).
    Inner,
    /// `LEFT JOIN`.
    Left,
}

/// One joined table.
#[derive(Debug, Clone, PartialEq)]
pub struct Join {
    /// Inner or left.
    pub kind: JoinKind,
    /// The joined table and its alias.
    pub item: FromItem,
    /// The ON condition.
    pub on: Expr,
}

/// A SELECT statement.
///
/// ```
/// use sqlrel::query::{Dialect, Select};
/// use sqlrel::registry::Registry;
/// use sqlrel::relationship::RelationshipConfig;
/// use sqlrel::schema::Schema;
///
/// let schema = Schema::from_ddl(
///     "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
///      CREATE TABLE addresses (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), email TEXT);",
/// )?;
/// let registry = Registry::builder(schema)
///     .relationship(RelationshipConfig::new("users", "addresses", "addresses"))
///     .configure()?;
/// let s = registry.schema();
/// let addresses = registry.relationship("users.addresses")?;
/// let query = Select::from(s.table("users")?)
///     .column(s.col("users.name")?)
///     .filter(addresses.any(s.col("addresses.email")?.like("%@example.com"))?)
///     .order_by(s.col("users.id")?, sqlrel::query::Order::Asc);
/// let (sql, values) = query.build(Dialect::Postgres)?;
/// assert_eq!(
///     sql,
///     r#"SELECT "users"."name" FROM "users" WHERE EXISTS(SELECT 1 FROM "addresses" WHERE "users"."id" = "addresses"."user_id" AND "addresses"."email" LIKE $1) ORDER BY "users"."id" ASC"#
/// );
/// assert_eq!(values.0.len(), 1);
/// # Ok::<(), sqlrel::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Select {
    pub(crate) columns: Vec<(Expr, Option<String>)>,
    pub(crate) from: Vec<FromItem>,
    pub(crate) joins: Vec<Join>,
    pub(crate) filter: Vec<Expr>,
    pub(crate) order_by: Vec<(Expr, Order)>,
    pub(crate) limit: Option<u64>,
    pub(crate) offset: Option<u64>,
}

impl Select {
    /// `SELECT ... FROM table` (the table itself or an aliased
    /// [`FromItem`]).
    pub fn from(item: impl Into<FromItem>) -> Self {
        Select {
            columns: Vec::new(),
            from: vec![item.into()],
            joins: Vec::new(),
            filter: Vec::new(),
            order_by: Vec::new(),
            limit: None,
            offset: None,
        }
    }

    /// Adds another FROM item (a cross join, filtered in WHERE).
    pub fn also_from(mut self, item: impl Into<FromItem>) -> Self {
        self.from.push(item.into());
        self
    }

    /// Adds a column or expression to the select list.
    pub fn column(mut self, expr: impl Into<Expr>) -> Self {
        self.columns.push((expr.into(), None));
        self
    }

    /// Adds an expression with a label (`expr AS label`).
    pub fn column_as(mut self, expr: impl Into<Expr>, label: impl Into<String>) -> Self {
        self.columns.push((expr.into(), Some(label.into())));
        self
    }

    /// Adds several columns.
    pub fn columns<I, E>(mut self, exprs: I) -> Self
    where
        I: IntoIterator<Item = E>,
        E: Into<Expr>,
    {
        self.columns
            .extend(exprs.into_iter().map(|e| (e.into(), None)));
        self
    }

    /// Adds a WHERE condition; several are AND-ed.
    pub fn filter(mut self, condition: Expr) -> Self {
        self.filter.push(condition);
        self
    }

    /// Adds an ORDER BY item.
    pub fn order_by(mut self, expr: impl Into<Expr>, order: Order) -> Self {
        self.order_by.push((expr.into(), order));
        self
    }

    /// `LIMIT n`.
    pub fn limit(mut self, n: u64) -> Self {
        self.limit = Some(n);
        self
    }

    /// `OFFSET n`.
    pub fn offset(mut self, n: u64) -> Self {
        self.offset = Some(n);
        self
    }

    /// `JOIN` along `rel` from its parent (the last FROM or joined item of
    /// the parent table). The target is read through an anonymous alias when
    /// its table is already in the statement (self-referential joins).
    pub fn join(self, rel: &Relationship) -> Result<Self> {
        self.join_along(rel, JoinKind::Inner, None)
    }

    /// `JOIN` along `rel`, reading the target through `alias`.
    pub fn join_as(self, rel: &Relationship, alias: impl AsRef<str>) -> Result<Self> {
        self.join_along(rel, JoinKind::Inner, Some(TableAlias::named(alias)))
    }

    /// `LEFT JOIN` along `rel`.
    pub fn outer_join(self, rel: &Relationship) -> Result<Self> {
        self.join_along(rel, JoinKind::Left, None)
    }

    /// `LEFT JOIN` along `rel`, reading the target through `alias`.
    pub fn outer_join_as(self, rel: &Relationship, alias: impl AsRef<str>) -> Result<Self> {
        self.join_along(rel, JoinKind::Left, Some(TableAlias::named(alias)))
    }

    /// A join along `rel` starting from `source`, an item already in the
    /// statement (e.g. the root of two sibling self-referential joins),
    /// reading the target through `alias` when given.
    pub fn join_from(
        self,
        source: &FromItem,
        rel: &Relationship,
        kind: JoinKind,
        alias: Option<&str>,
    ) -> Result<Self> {
        if source.table.id() != rel.parent().id() || !self.items().any(|i| i == source) {
            return Err(Error::invalid(format!(
                "cannot join along {} from {}: the source must be an item of the statement \
                 whose table is '{}'",
                rel.key(),
                source.table.qualified_name(),
                rel.parent().qualified_name()
            )));
        }
        let source = source.clone();
        self.join_target(source, rel, kind, alias.map(TableAlias::named))
    }

    /// The FROM and joined items in order.
    pub fn items(&self) -> impl Iterator<Item = &FromItem> {
        self.from.iter().chain(self.joins.iter().map(|j| &j.item))
    }

    fn contains_table(&self, table: &Table) -> bool {
        self.items().any(|i| i.table.id() == table.id())
    }

    fn join_along(
        self,
        rel: &Relationship,
        kind: JoinKind,
        alias: Option<TableAlias>,
    ) -> Result<Self> {
        let source = self
            .items()
            .filter(|i| i.table.id() == rel.parent().id())
            .last()
            .cloned()
            .ok_or_else(|| {
                Error::invalid(format!(
                    "cannot join along {}: its parent table '{}' is not in the statement",
                    rel.key(),
                    rel.parent().qualified_name()
                ))
            })?;
        self.join_target(source, rel, kind, alias)
    }

    fn join_target(
        mut self,
        source: FromItem,
        rel: &Relationship,
        kind: JoinKind,
        alias: Option<TableAlias>,
    ) -> Result<Self> {
        let target_alias = alias.or_else(|| {
            self.contains_table(rel.target())
                .then(TableAlias::anonymous)
        });
        let target = FromItem {
            table: rel.target().clone(),
            alias: target_alias,
        };
        let mut pj = rel.primaryjoin().clone();
        match (rel.secondary(), rel.secondaryjoin()) {
            (Some(secondary), Some(sj)) => {
                let secondary_item = FromItem {
                    table: secondary.clone(),
                    alias: self.contains_table(secondary).then(TableAlias::anonymous),
                };
                pj.read_through(
                    secondary.id(),
                    secondary_item.alias.as_ref(),
                    Annotations::NONE,
                );
                pj.read_through(source.table.id(), source.alias.as_ref(), Annotations::NONE);
                let mut sj = sj.clone();
                sj.read_through(
                    secondary.id(),
                    secondary_item.alias.as_ref(),
                    Annotations::NONE,
                );
                sj.read_through(target.table.id(), target.alias.as_ref(), Annotations::NONE);
                self.joins.push(Join {
                    kind,
                    item: secondary_item,
                    on: clean(pj),
                });
                self.joins.push(Join {
                    kind,
                    item: target,
                    on: clean(sj),
                });
            }
            _ => {
                // Like SQLAlchemy's join_targets: local columns stay on the
                // source, the others move to the target.
                pj.read_through(target.table.id(), target.alias.as_ref(), Annotations::LOCAL);
                pj.read_through(
                    source.table.id(),
                    source.alias.as_ref(),
                    Annotations::REMOTE,
                );
                self.joins.push(Join {
                    kind,
                    item: target,
                    on: clean(pj),
                });
            }
        }
        Ok(self)
    }
}

fn clean(expr: Expr) -> Expr {
    expr.deannotate(Annotations::FOREIGN | Annotations::REMOTE | Annotations::LOCAL)
}
