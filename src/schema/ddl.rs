//! `Schema::from_ddl`: read CREATE TABLE / ALTER TABLE statements.
//!
//! Understood: column types and `NOT NULL`; `PRIMARY KEY`, `UNIQUE` and
//! `REFERENCES t(c)` on a column; table-level `PRIMARY KEY`, `UNIQUE` and
//! `FOREIGN KEY` constraints (named or not, composite); `ALTER TABLE ... ADD
//! [CONSTRAINT ...] FOREIGN KEY / UNIQUE / PRIMARY KEY` and `ADD COLUMN`.
//! Statements that do not describe tables (INSERT, CREATE INDEX, SET, ...)
//! are skipped.

use sqlparser::ast::{
    self as sql, AlterTableOperation, ColumnOption, DataType, ObjectName, Statement,
    TableConstraint,
};
use sqlparser::dialect::{Dialect as ParserDialect, GenericDialect};
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Token;

use super::builder::{ForeignKeyDef, SchemaBuilder, TableBuilder, TableNames, qualify};
use super::{Column, Schema, TableId};
use crate::dialect::Dialect;
use crate::error::{Error, Result};

impl Schema {
    /// Builds a schema from DDL text, parsed with sqlparser's generic
    /// dialect.
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
    /// As [`from_ddl_with_dialect`](Self::from_ddl_with_dialect).
    pub fn from_ddl(ddl: &str) -> Result<Schema> {
        Self::from_ddl_with_dialect(ddl, &GenericDialect {})
    }

    /// Builds a schema from DDL written for one of sqlrel's dialects
    /// (sqlparser's `PostgreSqlDialect`, `MySqlDialect` or `SQLiteDialect`),
    /// e.g. `pg_dump --schema-only` output or MySQL's backtick-quoted names.
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
    /// As [`from_ddl_with_dialect`](Self::from_ddl_with_dialect).
    pub fn from_ddl_for(ddl: &str, dialect: Dialect) -> Result<Schema> {
        Self::from_ddl_with_dialect(ddl, &*dialect.parser_dialect())
    }

    /// Builds a schema from DDL text parsed with the given sqlparser dialect
    /// (e.g. `PostgreSqlDialect` for `pg_dump` output).
    ///
    /// Statements are parsed and applied one at a time, so memory stays
    /// proportional to the largest statement rather than to the whole text.
    ///
    /// # Errors
    ///
    /// The first problem in text order, and no schema:
    /// - [`Error::Parse`] (`what` = `DDL`) for a syntax error, with its line
    ///   and column; without a position, for what sqlrel does not read:
    ///   `CREATE TABLE` copying a query or another table (`AS`, `LIKE`,
    ///   `CLONE`), a table name of more than three parts, a key column that is
    ///   an expression;
    /// - [`Error::InvalidConstraint`] for a table given a second primary key;
    /// - [`Error::UnknownTable`] for an `ALTER TABLE` of a table not created
    ///   earlier in the text;
    ///
    /// then, once the whole text is read, the errors of
    /// [`SchemaBuilder::build`] (duplicate names, keys naming unknown columns,
    /// foreign keys to unknown tables, ...).
    pub fn from_ddl_with_dialect(ddl: &str, dialect: &dyn ParserDialect) -> Result<Schema> {
        let syntax = |e: ParserError| Error::from_sql_parser("DDL", &e);
        let mut parser = Parser::new(dialect).try_with_sql(ddl).map_err(syntax)?;
        let mut builder = SchemaBuilder::new();
        // The tables so far, for ALTER TABLE (pg_dump writes one per
        // constraint) to find its table without scanning them all.
        let mut names = TableNames::new();
        // One statement at a time, each applied and dropped before the next
        // is parsed: a large dump's syntax trees take many times the
        // memory of its text. The loop is sqlparser's `parse_statements`.
        let mut expecting_delimiter = false;
        loop {
            while parser.consume_token(&Token::SemiColon) {
                expecting_delimiter = false;
            }
            match &parser.peek_token_ref().token {
                Token::EOF => break,
                Token::Word(word) if expecting_delimiter && word.keyword == Keyword::END => break,
                _ => {}
            }
            if expecting_delimiter {
                return parser
                    .expected_ref("end of statement", parser.peek_token_ref())
                    .map_err(syntax);
            }
            let statement = parser.parse_statement().map_err(syntax)?;
            apply_statement(&mut builder, &mut names, &statement)?;
            expecting_delimiter = true;
        }
        builder.build()
    }
}

fn ddl_error(message: impl Into<String>) -> Error {
    Error::Parse {
        what: "DDL".to_owned(),
        message: message.into(),
        position: None,
    }
}

fn apply_statement(
    builder: &mut SchemaBuilder,
    names: &mut TableNames<String>,
    statement: &Statement,
) -> Result<()> {
    match statement {
        Statement::CreateTable(create) => {
            let table = create_table(create)?;
            let id = TableId(builder.tables.len() as u32);
            names.push(table.namespace.clone(), table.name.clone(), id);
            builder.add_table(table);
            Ok(())
        }
        Statement::AlterTable(alter) => {
            let (namespace, name) = split_name(&alter.name)?;
            let id = names.find(&qualify(namespace.as_deref(), &name))?;
            let table = &mut builder.tables[id.index()];
            // Added columns and constraints matter; OWNER TO, SET ... and
            // the like hold nothing the catalog keeps.
            for operation in &alter.operations {
                match operation {
                    AlterTableOperation::AddConstraint { constraint, .. } => {
                        add_constraint(table, constraint)?
                    }
                    AlterTableOperation::AddColumn { column_def, .. } => {
                        add_column(table, column_def)?
                    }
                    _ => {}
                }
            }
            Ok(())
        }
        // Data, queries, indexes, views, drops, session settings: nothing
        // that describes a table.
        _ => Ok(()),
    }
}

/// `namespace.table` or `table`.
fn split_name(name: &ObjectName) -> Result<(Option<String>, String)> {
    let parts: Vec<String> = name
        .0
        .iter()
        .map(|p| p.as_ident().map(|i| i.value.clone()))
        .collect::<Option<_>>()
        .ok_or_else(|| ddl_error(format!("unsupported table name {name}")))?;
    match parts.as_slice() {
        [table] => Ok((None, table.clone())),
        [namespace, table] => Ok((Some(namespace.clone()), table.clone())),
        [_, namespace, table] => Ok((Some(namespace.clone()), table.clone())),
        _ => Err(ddl_error(format!("unsupported table name {name}"))),
    }
}

fn referred_table(name: &ObjectName) -> Result<String> {
    let (namespace, table) = split_name(name)?;
    Ok(qualify(namespace.as_deref(), &table))
}

fn create_table(create: &sql::CreateTable) -> Result<TableBuilder> {
    if create.query.is_some() || create.like.is_some() || create.clone.is_some() {
        return Err(ddl_error(format!(
            "CREATE TABLE {} copies another table or query; only column definitions are read",
            create.name
        )));
    }
    let (namespace, name) = split_name(&create.name)?;
    let mut table = TableBuilder::new(name);
    table.namespace = namespace;
    for column in &create.columns {
        add_column(&mut table, column)?;
    }
    for constraint in &create.constraints {
        add_constraint(&mut table, constraint)?;
    }
    Ok(table)
}

fn add_column(table: &mut TableBuilder, def: &sql::ColumnDef) -> Result<()> {
    let name = def.name.value.clone();
    let sql_type = match &def.data_type {
        DataType::Unspecified => String::new(),
        other => other.to_string(),
    };
    let mut column = Column::new(name.clone(), sql_type);
    for option in &def.options {
        match &option.option {
            ColumnOption::NotNull => column = column.not_null(),
            ColumnOption::PrimaryKey(_) => set_primary_key(table, vec![name.clone()])?,
            ColumnOption::Unique(u) => table.push_unique(
                option
                    .name
                    .as_ref()
                    .or(u.name.as_ref())
                    .map(|n| n.value.clone()),
                vec![name.clone()],
            ),
            ColumnOption::ForeignKey(fk) => {
                let mut def = ForeignKeyDef::new(
                    [name.clone()],
                    referred_table(&fk.foreign_table)?,
                    idents(&fk.referred_columns),
                );
                def.name = option
                    .name
                    .as_ref()
                    .or(fk.name.as_ref())
                    .map(|n| n.value.clone());
                table.foreign_keys.push(def);
            }
            _ => {}
        }
    }
    table.columns.push(column);
    Ok(())
}

fn set_primary_key(table: &mut TableBuilder, columns: Vec<String>) -> Result<()> {
    if !table.primary_key.is_empty() {
        return Err(table.invalid("the table declares more than one primary key"));
    }
    table.primary_key = columns;
    Ok(())
}

fn idents(idents: &[sql::Ident]) -> Vec<String> {
    idents.iter().map(|i| i.value.clone()).collect()
}

fn index_columns(columns: &[sql::IndexColumn]) -> Result<Vec<String>> {
    columns
        .iter()
        .map(|c| match &c.column.expr {
            sql::Expr::Identifier(ident) => Ok(ident.value.clone()),
            other => Err(ddl_error(format!("unsupported key column {other}"))),
        })
        .collect()
}

fn add_constraint(table: &mut TableBuilder, constraint: &TableConstraint) -> Result<()> {
    match constraint {
        TableConstraint::PrimaryKey(pk) => set_primary_key(table, index_columns(&pk.columns)?)?,
        TableConstraint::Unique(u) => {
            // MySQL writes `UNIQUE KEY name (...)`: the name is the index's.
            let name = u.name.as_ref().or(u.index_name.as_ref());
            table.push_unique(name.map(|n| n.value.clone()), index_columns(&u.columns)?);
        }
        TableConstraint::ForeignKey(fk) => {
            let mut def = ForeignKeyDef::new(
                idents(&fk.columns),
                referred_table(&fk.foreign_table)?,
                idents(&fk.referred_columns),
            );
            def.name = fk.name.as_ref().map(|n| n.value.clone());
            table.foreign_keys.push(def);
        }
        _ => {}
    }
    Ok(())
}
