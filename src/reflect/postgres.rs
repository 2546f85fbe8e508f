//! PostgreSQL reflection through the postgres crate.

use std::collections::HashMap;

use postgres::Client;
use postgres::types::Oid;

use super::{driver_error, reflect_error};
use crate::error::Result;
use crate::schema::{Column, ForeignKeyDef, Schema, SchemaBuilder, TableBuilder};

/// Everything in one statement, so that the tables, columns and constraints
/// are read from one snapshot of the catalog, without opening a transaction
/// on the caller's session.
///
/// Row kinds: 0 a namespace that exists, 1 a table, 2 a column, 3 a
/// constraint, 4 a unique index over plain columns without `WHERE` that
/// backs no constraint (it makes its columns unique just as a unique
/// constraint does, and is read as one). Constraints that a partition or a referencing table only
/// carries because of a constraint of the same table on a partitioned table
/// (`conparentid` pointing at a constraint of the same relation) are left
/// out: they repeat that constraint.
const QUERY: &str = "\
WITH rels AS (
    SELECT c.oid, n.nspname::text AS nsp, c.relname::text AS rel
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname::text = ANY($1::text[]) AND c.relkind IN ('r', 'p')
)
SELECT 0 AS kind, NULL::oid AS rel, n.nspname::text AS nsp, NULL::text AS relname,
       0::int8 AS pos, NULL::text AS name, NULL::text AS type, NULL::bool AS notnull,
       NULL::text AS contype, NULL::text[] AS cols, NULL::text AS ref_nsp,
       NULL::text AS ref_rel, NULL::text[] AS ref_cols
FROM pg_catalog.pg_namespace n
WHERE n.nspname::text = ANY($1::text[])
UNION ALL
SELECT 1, r.oid, r.nsp, r.rel, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM rels r
UNION ALL
SELECT 2, a.attrelid, NULL, NULL, a.attnum::int8, a.attname::text,
       pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,
       NULL, NULL, NULL, NULL, NULL
FROM pg_catalog.pg_attribute a
JOIN rels r ON r.oid = a.attrelid
WHERE a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT 3, con.conrelid, NULL, NULL, con.oid::int8, con.conname::text, NULL, NULL,
       con.contype::text,
       ARRAY(SELECT a.attname::text
             FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_catalog.pg_attribute a
               ON a.attrelid = con.conrelid AND a.attnum = k.attnum
             ORDER BY k.ord),
       fn.nspname::text, fc.relname::text,
       ARRAY(SELECT a.attname::text
             FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_catalog.pg_attribute a
               ON a.attrelid = con.confrelid AND a.attnum = k.attnum
             ORDER BY k.ord)
FROM pg_catalog.pg_constraint con
JOIN rels r ON r.oid = con.conrelid
LEFT JOIN pg_catalog.pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace
WHERE con.contype IN ('p', 'u', 'f')
  AND NOT EXISTS (
      SELECT 1 FROM pg_catalog.pg_constraint parent
      WHERE parent.oid = con.conparentid AND parent.conrelid = con.conrelid)
UNION ALL
SELECT 4, i.indrelid, NULL, NULL, i.indexrelid::int8, ic.relname::text, NULL, NULL, 'i',
       ARRAY(SELECT a.attname::text
             FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_catalog.pg_attribute a
               ON a.attrelid = i.indrelid AND a.attnum = k.attnum
             WHERE k.ord <= i.indnkeyatts
             ORDER BY k.ord),
       NULL, NULL, NULL
FROM pg_catalog.pg_index i
JOIN rels r ON r.oid = i.indrelid
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
WHERE i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL
  AND NOT EXISTS (
      SELECT 1 FROM pg_catalog.pg_constraint c
      WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)
ORDER BY 1, 2, 5";

/// Reads the tables of the given PostgreSQL schemas (namespaces).
///
/// Every ordinary and partitioned table (partitions included) of the listed
/// schemas is read, each with its namespace set, so tables are named
/// `namespace.table` (a bare `table` still finds a name only one schema
/// holds). Tables come schema by schema in the order of `schemas`, and
/// within a schema in creation (oid) order:
///
/// - columns in `attnum` order, with the type text of `format_type`
///   (`integer`, `character varying(20)`, `timestamp with time zone`,
///   `numeric(10,2)`, `integer[]`; a user-defined type outside the search
///   path is schema-qualified) and `NOT NULL`;
/// - the primary key in key order;
/// - foreign keys (composite ones column by column in key order, to primary
///   keys or to unique columns, across the listed schemas) with their
///   constraint names, in creation order;
/// - unique constraints with their names, then unique indexes over plain
///   columns without `WHERE` (`CREATE UNIQUE INDEX`) named after the
///   index, which make their columns unique just as well.
///
/// The catalog is read with a single statement, so the result is a
/// consistent snapshot, and the session is left as it was (no transaction
/// is opened). Needs PostgreSQL 11 or later.
///
/// The connection is the caller's, and so are its time limits: a server
/// that stops answering blocks this call unless the client's
/// [`Config`](postgres::Config) bounds it (`connect_timeout`, and
/// `options("-c statement_timeout=10000")` for the query; the `sqlrel` tool
/// also waits on another thread).
///
/// An empty `schemas` gives an empty schema; a name listed twice is read
/// once.
///
/// # Errors
///
/// [`Error::Reflect`](crate::Error::Reflect) when the query fails (closed
/// connection, no privileges), when a listed schema does not exist, or when
/// a foreign key refers to a table of a schema that is not listed (list that
/// schema too). Errors of [`SchemaBuilder::build`] for anything else the
/// schema rejects.
///
/// ```no_run
/// let mut client = postgres::Client::connect("postgres://postgres@localhost/app", postgres::NoTls)
///     .expect("connect");
/// let schema = sqlrel::reflect::postgres(&mut client, &["public"])?;
/// let orders = schema.table("public.orders")?;
/// println!("{} foreign keys", orders.foreign_keys().len());
/// # Ok::<(), sqlrel::Error>(())
/// ```
pub fn postgres(client: &mut Client, schemas: &[&str]) -> Result<Schema> {
    let mut wanted: Vec<&str> = Vec::with_capacity(schemas.len());
    for schema in schemas {
        if !wanted.contains(schema) {
            wanted.push(schema);
        }
    }
    let rows = client
        .query(QUERY, &[&wanted])
        .map_err(|e| driver_error("reading the PostgreSQL catalog", &e))?;
    let catalog = Catalog::read(&rows)?;

    let missing: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|s| !catalog.namespaces.iter().any(|n| n == s))
        .collect();
    if !missing.is_empty() {
        return Err(reflect_error(format!(
            "schema {} does not exist",
            missing
                .iter()
                .map(|s| format!("'{s}'"))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }

    let mut tables = catalog.tables;
    // Stable: within a namespace the rows are already in oid order.
    tables.sort_by_key(|t| wanted.iter().position(|s| *s == t.namespace));
    let mut builder = SchemaBuilder::new();
    for table in &tables {
        builder.add_table(table_builder(table, &wanted)?);
    }
    builder.build()
}

/// The rows of [`QUERY`], grouped by table.
struct Catalog {
    namespaces: Vec<String>,
    tables: Vec<RawTable>,
}

struct RawTable {
    namespace: String,
    name: String,
    columns: Vec<Column>,
    constraints: Vec<RawConstraint>,
}

struct RawConstraint {
    name: String,
    /// `p`, `u` or `f`; `i` for a unique index.
    kind: String,
    columns: Vec<String>,
    referred_namespace: Option<String>,
    referred_table: Option<String>,
    referred_columns: Vec<String>,
}

impl Catalog {
    fn read(rows: &[postgres::Row]) -> Result<Catalog> {
        let mut catalog = Catalog {
            namespaces: Vec::new(),
            tables: Vec::new(),
        };
        let mut index: HashMap<Oid, usize> = HashMap::new();
        for row in rows {
            let get = |e: postgres::Error| driver_error("decoding the PostgreSQL catalog", &e);
            let kind: i32 = row.try_get("kind").map_err(get)?;
            let rel: Option<Oid> = row.try_get("rel").map_err(get)?;
            let text = |column: &str| -> Result<String> {
                let value: Option<String> = row.try_get(column).map_err(get)?;
                value.ok_or_else(|| reflect_error(format!("catalog row without {column}")))
            };
            let texts = |column: &str| -> Result<Vec<String>> {
                let value: Option<Vec<String>> = row.try_get(column).map_err(get)?;
                Ok(value.unwrap_or_default())
            };
            if kind == 0 {
                catalog.namespaces.push(text("nsp")?);
                continue;
            }
            let rel = rel.ok_or_else(|| reflect_error("catalog row without a table"))?;
            if kind == 1 {
                index.insert(rel, catalog.tables.len());
                catalog.tables.push(RawTable {
                    namespace: text("nsp")?,
                    name: text("relname")?,
                    columns: Vec::new(),
                    constraints: Vec::new(),
                });
                continue;
            }
            let table = index
                .get(&rel)
                .map(|&i| &mut catalog.tables[i])
                .ok_or_else(|| reflect_error(format!("catalog row of unknown table {rel}")))?;
            if kind == 2 {
                let not_null: Option<bool> = row.try_get("notnull").map_err(get)?;
                let column = Column::new(text("name")?, text("type")?);
                table.columns.push(if not_null == Some(true) {
                    column.not_null()
                } else {
                    column
                });
            } else {
                table.constraints.push(RawConstraint {
                    name: text("name")?,
                    kind: text("contype")?,
                    columns: texts("cols")?,
                    referred_namespace: row.try_get("ref_nsp").map_err(get)?,
                    referred_table: row.try_get("ref_rel").map_err(get)?,
                    referred_columns: texts("ref_cols")?,
                });
            }
        }
        Ok(catalog)
    }
}

fn table_builder(table: &RawTable, schemas: &[&str]) -> Result<TableBuilder> {
    let mut builder = TableBuilder::new(&table.name).namespace(&table.namespace);
    for column in &table.columns {
        builder = builder.column_def(column.clone());
    }
    for constraint in &table.constraints {
        let columns = constraint.columns.clone();
        match constraint.kind.as_str() {
            "p" => builder = builder.primary_key(columns),
            "u" | "i" => builder = builder.named_unique(&constraint.name, columns),
            "f" => {
                let (Some(namespace), Some(referred)) =
                    (&constraint.referred_namespace, &constraint.referred_table)
                else {
                    return Err(reflect_error(format!(
                        "foreign key \"{}\" of table {}.{} refers to a relation the catalog \
                         does not describe",
                        constraint.name, table.namespace, table.name
                    )));
                };
                if !schemas.contains(&namespace.as_str()) {
                    return Err(reflect_error(format!(
                        "foreign key \"{}\" of table {}.{} refers to table {namespace}.{referred}, \
                         whose schema '{namespace}' is not among the reflected schemas; list it too",
                        constraint.name, table.namespace, table.name
                    )));
                }
                builder = builder.foreign_key_def(
                    ForeignKeyDef::new(
                        columns,
                        format!("{namespace}.{referred}"),
                        constraint.referred_columns.clone(),
                    )
                    .named(&constraint.name),
                );
            }
            _ => {}
        }
    }
    Ok(builder)
}
