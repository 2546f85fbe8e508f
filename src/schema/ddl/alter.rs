//! `ALTER TABLE`, `DROP TABLE` and MySQL's `RENAME TABLE`.

use super::catalog::{Catalog, Constraint, split_name};
use super::create::{Element, Scope, column, element, table_constraint};
use super::lex::{Cursor, location};
use crate::error::Result;
use crate::schema::StatementLocation;

const NO_SCOPE: Scope<'static> = Scope { namespace: None };

/// Actions of `ALTER TABLE` that change nothing sqlrel keeps, by their
/// first word: ownership, storage, triggers, MySQL's table options
/// (`ENGINE=InnoDB`), partition maintenance, ...
const IGNORED_ACTIONS: &[&str] = &[
    "OWNER",
    "CLUSTER",
    "ENABLE",
    "DISABLE",
    "REPLICA",
    "INHERIT",
    "NO",
    "OF",
    "NOT",
    "VALIDATE",
    "FORCE",
    "CONVERT",
    "DEFAULT",
    "CHARACTER",
    "CHARSET",
    "COLLATE",
    "ENGINE",
    "AUTO_INCREMENT",
    "COMMENT",
    "ROW_FORMAT",
    "ALGORITHM",
    "LOCK",
    "ORDER",
    "RESET",
    "KEY_BLOCK_SIZE",
    "STATS_PERSISTENT",
    "STATS_AUTO_RECALC",
    "STATS_SAMPLE_PAGES",
    "CHECKSUM",
    "PACK_KEYS",
    "DELAY_KEY_WRITE",
    "MAX_ROWS",
    "MIN_ROWS",
    "AVG_ROW_LENGTH",
    "INSERT_METHOD",
    "UNION",
    "TABLESPACE",
    "REMOVE",
    "REORGANIZE",
    "COALESCE",
    "TRUNCATE",
    "ANALYZE",
    "CHECK",
    "OPTIMIZE",
    "REBUILD",
    "REPAIR",
    "EXCHANGE",
    "DISCARD",
    "IMPORT",
    "UPGRADE",
    "PARTITION",
    "DETACH",
    "WITH",
    "WITHOUT",
    "SECURITY",
    "ROW",
    "PAGE_CHECKSUM",
    "TRANSACTIONAL",
    "ENCRYPTED",
    "ENCRYPTION",
    "COMPRESSION",
    "DATA",
    "INDEX",
    "CONNECTION",
    "PASSWORD",
    "UNIQUE_CHECKS",
];

/// `ALTER TABLE [IF EXISTS] [ONLY] name action [, action ...]`.
pub(super) fn alter_table(cat: &mut Catalog, cur: &mut Cursor<'_>) -> Result<()> {
    let origin = location(cur.statement);
    cur.expect_kw("ALTER")?;
    let _ = cur.eat_kw("ONLINE") || cur.eat_kw("OFFLINE") || cur.eat_kw("IGNORE");
    cur.expect_kw("TABLE")?;
    let if_exists = cur.eat_kws(&["IF", "EXISTS"]);
    let only = cur.eat_kw("ONLY");
    let parts = cur.name("a table name")?;
    cur.eat_punct("*");
    let name = NO_SCOPE.table_name(cur, &parts)?;
    let index = match cat.find(&name) {
        Ok(index) => index,
        Err(_) if if_exists || changes_nothing(cur)? => return cur.skip_rest(),
        Err(e) => return Err(cur.context(e)),
    };
    while !cur.at_end() {
        action(cat, cur, index, only, &origin)?;
        if cur.at_end() {
            break;
        }
        if !cur.eat_punct(",") {
            return Err(cur.expected("',' or the end of the statement"));
        }
    }
    Ok(())
}

/// Whether every action of the statement, from the cursor on, leaves
/// columns and keys alone (`OWNER TO`, `SET ...`, `ALTER COLUMN ... SET
/// DEFAULT`): `pg_dump` writes `ALTER TABLE` so for sequences and views
/// too, which are no tables of the schema.
fn changes_nothing(cur: &Cursor<'_>) -> Result<bool> {
    let mut probe = Cursor {
        tokens: cur.tokens.clone(),
        i: cur.i,
        statement: cur.statement,
        flavor: cur.flavor,
    };
    loop {
        let alter_column = probe.is_kw("ALTER")
            && !(probe.tokens[probe.i..]
                .iter()
                .take_while(|t| !t.is_punct(","))
                .any(|t| t.is_kw("NULL") || t.is_kw("TYPE")));
        let ignored = alter_column
            || (probe.is_kw("SET") && !probe.is_kw_at(1, "SCHEMA"))
            || IGNORED_ACTIONS.iter().any(|k| probe.is_kw(k));
        if !ignored {
            return Ok(false);
        }
        probe.skip_to_element_end()?;
        if probe.at_end() {
            return Ok(true);
        }
        if !probe.eat_punct(",") {
            return Ok(false);
        }
    }
}

fn action(
    cat: &mut Catalog,
    cur: &mut Cursor<'_>,
    index: usize,
    only: bool,
    origin: &StatementLocation,
) -> Result<()> {
    let add = |cat: &mut Catalog, cur: &Cursor<'_>, constraint: Constraint| {
        cat.add_constraint(index, constraint, origin, !only)
            .map_err(|e| cur.context(e))
    };
    if cur.eat_kw("ADD") {
        if cur.is_kw("CONSTRAINT")
            || (cur.is_kw("PRIMARY") && cur.is_kw_at(1, "KEY"))
            || (cur.is_kw("FOREIGN") && cur.is_kw_at(1, "KEY"))
            || cur.is_kw("UNIQUE")
            || cur.is_kw("CHECK")
            || cur.is_kw("EXCLUDE")
        {
            let mut name = None;
            if cur.eat_kw("CONSTRAINT") {
                let keyword_next = ["PRIMARY", "UNIQUE", "FOREIGN", "CHECK", "EXCLUDE"]
                    .iter()
                    .any(|k| cur.is_kw(k));
                if !keyword_next {
                    name = Some(cur.ident("a constraint name")?);
                }
            }
            // PostgreSQL: ADD CONSTRAINT c PRIMARY KEY | UNIQUE USING INDEX i.
            let primary = cur.is_kw("PRIMARY");
            let using_at = if primary { 2 } else { 1 };
            if cur.is_kw_at(using_at, "USING") && cur.is_kw_at(using_at + 1, "INDEX") {
                cur.i += using_at + 2;
                let index_name = cur.ident("an index name")?;
                let columns = cat
                    .indexes
                    .get(&cat.index_key(&index_name))
                    .filter(|i| i.table == index)
                    .map(|i| i.columns.clone())
                    .ok_or_else(|| {
                        cur.error(format!(
                            "no unique index {index_name} of this table was created earlier"
                        ))
                    })?;
                cur.skip_to_element_end()?;
                let constraint = if primary {
                    Constraint::PrimaryKey(columns)
                } else {
                    Constraint::Unique(name, columns)
                };
                return add(cat, cur, constraint);
            }
            if let Some(constraint) = table_constraint(cur, NO_SCOPE, name)? {
                add(cat, cur, constraint)?;
            }
            return Ok(());
        }
        if cur.is_kw("INDEX")
            || cur.is_kw("KEY")
            || cur.is_kw("FULLTEXT")
            || cur.is_kw("SPATIAL")
            || cur.is_kw("PARTITION")
        {
            return cur.skip_to_element_end();
        }
        cur.eat_kw("COLUMN");
        let _ = cur.eat_kws(&["IF", "NOT", "EXISTS"]);
        if cur.eat_punct("(") {
            // MySQL: ADD (a INT, b INT).
            loop {
                add_element(cat, cur, index, only, origin)?;
                if cur.eat_punct(")") {
                    return Ok(());
                }
                cur.expect_punct(",")?;
            }
        }
        return add_element(cat, cur, index, only, origin);
    }
    if cur.eat_kw("DROP") {
        if cur.eat_kws(&["PRIMARY", "KEY"]) {
            cat.tables[index].def.primary_key.clear();
            return cur.skip_to_element_end();
        }
        if cur.eat_kw("CONSTRAINT")
            || cur.eat_kws(&["FOREIGN", "KEY"])
            || cur.eat_kw("INDEX")
            || cur.eat_kw("KEY")
            || cur.eat_kw("CHECK")
        {
            let _ = cur.eat_kws(&["IF", "EXISTS"]);
            let name = cur.ident("a constraint name")?;
            if !cat.drop_constraint(index, &name) && !cat.tables[index].def.primary_key.is_empty() {
                // PostgreSQL names the primary key `table_pkey`; sqlrel does
                // not keep primary key names, so a constraint of no other
                // kind is taken as it.
                let is_pk = name.ends_with("_pkey") || name.eq_ignore_ascii_case("PRIMARY");
                if is_pk {
                    cat.tables[index].def.primary_key.clear();
                }
            }
            return cur.skip_to_element_end();
        }
        if cur.is_kw("PARTITION") || cur.is_kw("DEFAULT") || cur.is_kw("PERIOD") {
            return cur.skip_to_element_end();
        }
        cur.eat_kw("COLUMN");
        let _ = cur.eat_kws(&["IF", "EXISTS"]);
        let name = cur.ident("a column name")?;
        let name = cat.column_name(index, &name).unwrap_or(name);
        cat.drop_column(index, &name);
        return cur.skip_to_element_end();
    }
    if cur.eat_kw("ALTER") {
        if cur.is_kw("CONSTRAINT") || cur.is_kw("INDEX") || cur.is_kw("CHECK") {
            return cur.skip_to_element_end();
        }
        cur.eat_kw("COLUMN");
        let name = cur.ident("a column name")?;
        if cur.eat_kws(&["SET", "NOT", "NULL"]) {
            set_nullable(cat, cur, index, &name, false)?;
        } else if cur.eat_kws(&["DROP", "NOT", "NULL"]) {
            set_nullable(cat, cur, index, &name, true)?;
        } else if cur.eat_kws(&["SET", "DATA", "TYPE"]) || cur.eat_kw("TYPE") {
            let start = cur.i;
            while !(cur.at_end() || cur.is_punct(",") || cur.is_kw("USING") || cur.is_kw("COLLATE"))
            {
                if cur.is_punct("(") {
                    cur.skip_group()?;
                } else {
                    cur.i += 1;
                }
            }
            let sql_type = cur.text_of(start, cur.i);
            match cat.column_mut(index, &name) {
                Some(c) => c.sql_type = sql_type,
                None => return Err(cur.error(format!("the table has no column {name}"))),
            }
        }
        return cur.skip_to_element_end();
    }
    if cur.is_kw("MODIFY") || cur.is_kw("CHANGE") {
        // MySQL: MODIFY [COLUMN] definition; CHANGE [COLUMN] old definition.
        let change = cur.eat_kw("CHANGE");
        if !change {
            cur.i += 1;
        }
        cur.eat_kw("COLUMN");
        let old = if change {
            Some(cur.ident("a column name")?)
        } else {
            None
        };
        let def = column(cur, NO_SCOPE, true)?;
        let old = old.unwrap_or_else(|| def.column.name.to_string());
        // The column takes the definition's spelling: MySQL's `MODIFY NAME
        // ...` of column `Name` renames it `NAME`.
        let Some(old) = cat.column_name(index, &old) else {
            return Err(cur.error(format!("the table has no column {old}")));
        };
        if *def.column.name != *old {
            cat.rename_column(index, &old, &def.column.name);
        }
        if let Some(c) = cat.column_mut(index, &def.column.name) {
            *c = def.column.clone();
        }
        for constraint in def.constraints {
            add(cat, cur, constraint)?;
        }
        return cur.skip_to_element_end();
    }
    if cur.eat_kw("RENAME") {
        // RENAME [TO | AS] table; RENAME [COLUMN] a TO b; RENAME
        // CONSTRAINT | INDEX | KEY a TO b.
        let table = cur.eat_kw("TO")
            || cur.eat_kw("AS")
            || !(cur.is_kw("COLUMN")
                || cur.is_kw("CONSTRAINT")
                || cur.is_kw("INDEX")
                || cur.is_kw("KEY")
                || cur.is_kw_at(1, "TO"));
        if table {
            let parts = cur.name("a table name")?;
            let namespace = cat.tables[index].def.namespace.clone();
            let (namespace, name) = split_name(&parts, namespace.as_deref())
                .ok_or_else(|| cur.error(format!("unsupported table name {}", parts.join("."))))?;
            cat.rename_table(index, namespace, name);
            return Ok(());
        }
        if cur.eat_kw("CONSTRAINT") || cur.eat_kw("INDEX") || cur.eat_kw("KEY") {
            let old = cur.ident("a constraint name")?;
            cur.expect_kw("TO")?;
            let new = cur.ident("a constraint name")?;
            let rule = cat.rules.constraints;
            let named = |n: &Option<String>| n.as_deref().is_some_and(|n| rule.same(n, &old));
            let def = &mut cat.tables[index].def;
            for fk in def.foreign_keys.iter_mut().filter(|f| named(&f.name)) {
                fk.name = Some(new.clone());
            }
            for u in def.unique.iter_mut().filter(|u| named(&u.name)) {
                u.name = Some(new.clone());
            }
            return Ok(());
        }
        cur.eat_kw("COLUMN");
        let old = cur.ident("a column name")?;
        cur.expect_kw("TO")?;
        let new = cur.ident("a column name")?;
        let Some(old) = cat.column_name(index, &old) else {
            return Err(cur.error(format!("the table has no column {old}")));
        };
        cat.rename_column(index, &old, &new);
        return Ok(());
    }
    if cur.eat_kws(&["ATTACH", "PARTITION"]) {
        let parts = cur.name("a partition")?;
        let name = NO_SCOPE.table_name(cur, &parts)?;
        let partition = cat.find(&name).map_err(|e| cur.context(e))?;
        cat.attach(index, partition).map_err(|e| cur.context(e))?;
        return cur.skip_to_element_end();
    }
    if cur.eat_kws(&["SET", "SCHEMA"]) {
        let namespace = cur.ident("a schema name")?;
        let name = cat.tables[index].def.name.clone();
        cat.rename_table(index, Some(namespace), name);
        return Ok(());
    }
    let ignored = cur.is_kw("SET")
        || IGNORED_ACTIONS.iter().any(|k| cur.is_kw(k))
        || cur.peek_at(1).is_some_and(|t| t.is_punct("="));
    if ignored {
        return cur.skip_to_element_end();
    }
    Err(cur.expected("an ALTER TABLE action (ADD, DROP, ALTER, RENAME, ...)"))
}

/// An element after `ADD [COLUMN]`: a column (with its keys) or a
/// constraint.
fn add_element(
    cat: &mut Catalog,
    cur: &mut Cursor<'_>,
    index: usize,
    only: bool,
    origin: &StatementLocation,
) -> Result<()> {
    match element(cur, NO_SCOPE, true)? {
        Element::Column(def) => {
            cat.tables[index].def.columns.push(def.column);
            for constraint in def.constraints {
                cat.add_constraint(index, constraint, origin, !only)
                    .map_err(|e| cur.context(e))?;
            }
        }
        Element::Constraint(constraint) => {
            cat.add_constraint(index, constraint, origin, !only)
                .map_err(|e| cur.context(e))?;
        }
        Element::Like(..) => return Err(cur.error("LIKE in ALTER TABLE is not read")),
        Element::Nothing => {}
    }
    Ok(())
}

fn set_nullable(
    cat: &mut Catalog,
    cur: &Cursor<'_>,
    index: usize,
    name: &str,
    nullable: bool,
) -> Result<()> {
    match cat.column_mut(index, name) {
        Some(c) => {
            c.nullable = nullable;
            Ok(())
        }
        None => Err(cur.error(format!("the table has no column {name}"))),
    }
}

/// `DROP TABLE [IF EXISTS] name [, name ...] [CASCADE | RESTRICT]`: the
/// tables defined earlier are dropped (MySQL dumps create a stand-in
/// table for each view, and drop it before creating the view); others
/// are ignored.
pub(super) fn drop_table(cat: &mut Catalog, cur: &mut Cursor<'_>) -> Result<()> {
    cur.expect_kw("DROP")?;
    cur.expect_kw("TABLE")?;
    let _ = cur.eat_kws(&["IF", "EXISTS"]);
    let mut names = Vec::new();
    loop {
        let parts = cur.name("a table name")?;
        names.push(NO_SCOPE.table_name(cur, &parts)?);
        if !cur.eat_punct(",") {
            break;
        }
    }
    let cascade = cur.eat_kw("CASCADE");
    for name in names {
        if let Ok(index) = cat.find(&name) {
            cat.drop_table(index, cascade);
        }
    }
    Ok(())
}

/// MySQL's `RENAME TABLE a TO b [, c TO d ...]`.
pub(super) fn rename_table(cat: &mut Catalog, cur: &mut Cursor<'_>) -> Result<()> {
    cur.expect_kw("RENAME")?;
    if !(cur.eat_kw("TABLE") || cur.eat_kw("TABLES")) {
        // RENAME USER and the like.
        return cur.skip_rest();
    }
    loop {
        let parts = cur.name("a table name")?;
        let name = NO_SCOPE.table_name(cur, &parts)?;
        let index = cat.find(&name).map_err(|e| cur.context(e))?;
        cur.expect_kw("TO")?;
        let parts = cur.name("a table name")?;
        let (namespace, table) = split_name(&parts, None)
            .ok_or_else(|| cur.error(format!("unsupported table name {}", parts.join("."))))?;
        cat.rename_table(index, namespace, table);
        if !cur.eat_punct(",") {
            return Ok(());
        }
    }
}
