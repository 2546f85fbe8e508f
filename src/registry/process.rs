//! Processing a declaration: every name it gives looked up in the schema,
//! every condition parsed, and the checks that need no join condition
//! (SQLAlchemy's `_process_dependent_arguments` and the argument checks
//! `relationship()` makes). The relationship file's validation runs this
//! same step.

use std::sync::Arc;

use super::declaration::{Declaration, Generated};
use super::index::NameIndex;
use crate::error::{Error, Result};
use crate::expr::{Expr, parse_condition};
use crate::relationship::{Backref, Columns, Condition, RelationshipConfig};
use crate::schema::{ColumnRef, Schema, Table};

/// A declaration with every name resolved, ready for its join condition.
pub(super) struct Spec {
    pub(super) name: Arc<str>,
    pub(super) parent: Arc<Table>,
    pub(super) target: Arc<Table>,
    pub(super) secondary: Option<Arc<Table>>,
    pub(super) primaryjoin: Option<Expr>,
    pub(super) secondaryjoin: Option<Expr>,
    pub(super) foreign_keys: Columns,
    pub(super) remote_side: Columns,
    pub(super) uselist: Option<bool>,
    pub(super) viewonly: bool,
    pub(super) order_by: Vec<ColumnRef>,
    pub(super) overlaps: Vec<String>,
    /// For a generated backref, the key of the relationship declaring it.
    pub(super) backref_of: Option<Arc<str>>,
    pub(super) back_populates: Option<Arc<str>>,
}

/// A backref's options with every name resolved; the joins it does not
/// give are derived from the declaring relationship once that is resolved.
pub(super) struct BackrefSpec {
    pub(super) name: Arc<str>,
    pub(super) primaryjoin: Option<Expr>,
    pub(super) secondaryjoin: Option<Expr>,
    /// `None`: the declaring relationship's `foreign_keys`.
    pub(super) foreign_keys: Option<Columns>,
    pub(super) remote_side: Columns,
    pub(super) uselist: Option<bool>,
    /// `None`: the declaring relationship's `viewonly`.
    pub(super) viewonly: Option<bool>,
    pub(super) order_by: Vec<ColumnRef>,
    pub(super) overlaps: Vec<String>,
}

/// A processed declaration and its backref.
pub(super) type Processed = (Spec, Option<BackrefSpec>);

/// Processes the declaration at `position`, and reserves its backref's
/// name. `index` holds the names of every declaration of its batch (see
/// [`declare_names`]).
///
/// Checked in this order, the first failure returned: the tables; backref
/// and `back_populates` not both given; the name not declared before on
/// the table; the conditions and columns; a secondary join only with a
/// secondary table; then the backref: its name free on the target (no
/// column, no declared relationship, no earlier backref), its conditions
/// and columns.
pub(super) fn process_declared(
    schema: &Schema,
    config: &RelationshipConfig,
    position: usize,
    index: &mut NameIndex,
) -> Result<Processed> {
    let parent = schema.table(&config.table)?;
    let name: Arc<str> = config.name.as_str().into();
    let key = || format!("{}.{}", parent.qualified_name(), config.name);
    if config.backref.is_some() && config.back_populates.is_some() {
        return Err(Error::BackrefWithBackPopulates {
            relationship: key(),
        });
    }
    if index.get(parent.id(), &name).and_then(|e| e.declared) != Some(position) {
        return Err(Error::invalid(format!(
            "relationship '{}' is declared twice",
            key()
        )));
    }
    let target = schema.table(&config.target)?;
    let secondary = config
        .secondary
        .as_deref()
        .map(|s| schema.table(s).map(Arc::clone))
        .transpose()?;
    let primaryjoin = condition(schema, config.primaryjoin.as_ref())?;
    let secondaryjoin = condition(schema, config.secondaryjoin.as_ref())?;
    if secondaryjoin.is_some() && secondary.is_none() {
        return Err(Error::SecondaryJoinWithoutSecondary {
            relationship: key(),
        });
    }
    let spec = Spec {
        name,
        parent: Arc::clone(parent),
        target: Arc::clone(target),
        primaryjoin,
        secondaryjoin,
        foreign_keys: columns(schema, &config.foreign_keys)?,
        remote_side: columns(schema, &config.remote_side)?,
        uselist: config.uselist,
        viewonly: config.viewonly,
        order_by: columns(schema, &config.order_by)?,
        overlaps: config.overlaps.clone(),
        backref_of: None,
        back_populates: config.back_populates.as_deref().map(Arc::from),
        secondary,
    };
    let backref = match &config.backref {
        Some(backref) => Some(process_backref(schema, &spec, backref, index, key)?),
        None => None,
    };
    Ok((spec, backref))
}

/// Processes a backref of `spec` and reserves its name on the target.
fn process_backref(
    schema: &Schema,
    spec: &Spec,
    backref: &Backref,
    index: &mut NameIndex,
    key: impl Fn() -> String,
) -> Result<BackrefSpec> {
    let name: Arc<str> = backref.name.as_str().into();
    if name_taken(index, &spec.target, &name) {
        return Err(Error::BackrefExists {
            backref: backref.name.clone(),
            relationship: key(),
            table: spec.target.qualified_name().to_string(),
        });
    }
    let primaryjoin = condition(schema, backref.primaryjoin.as_ref())?;
    let secondaryjoin = condition(schema, backref.secondaryjoin.as_ref())?;
    if secondaryjoin.is_some() && spec.secondary.is_none() {
        return Err(Error::BackrefSecondaryJoin {
            relationship: key(),
        });
    }
    let processed = BackrefSpec {
        primaryjoin,
        secondaryjoin,
        foreign_keys: backref
            .foreign_keys
            .as_deref()
            .map(|names| columns(schema, names))
            .transpose()?,
        remote_side: columns(schema, &backref.remote_side)?,
        uselist: backref.uselist,
        viewonly: backref.viewonly,
        order_by: columns(schema, &backref.order_by)?,
        overlaps: backref.overlaps.clone(),
        name,
    };
    index.reserve(spec.target.id(), &processed.name);
    Ok(processed)
}

/// Records the names of `batch` (declarations from `first` on) in `index`,
/// before any is processed, so that a backref's name is checked against
/// every declared name, later ones included. A name declared twice keeps
/// its first position (the second is reported by [`process_declared`]);
/// a declaration on an unknown table is skipped (likewise).
pub(super) fn declare_names(
    schema: &Schema,
    batch: &[Declaration],
    first: usize,
    index: &mut NameIndex,
) {
    for (i, declaration) in batch.iter().enumerate() {
        match declaration {
            Declaration::Declared(config) => declare_config(schema, config, first + i, index),
            Declaration::Generated(generated) => {
                index.declare(generated.parent.id(), &generated.name, first + i);
            }
        }
    }
}

fn declare_config(
    schema: &Schema,
    config: &RelationshipConfig,
    position: usize,
    index: &mut NameIndex,
) {
    if let Ok(parent) = schema.table(&config.table) {
        index.declare(parent.id(), &config.name.as_str().into(), position);
    }
}

/// Step 1 alone for `configs`, as configure runs it on declarations
/// without automap: the first failure, with its declaration's position.
pub(super) fn check(
    schema: &Schema,
    configs: &[RelationshipConfig],
) -> std::result::Result<(), (usize, Error)> {
    let mut index = NameIndex::new(schema);
    for (i, config) in configs.iter().enumerate() {
        declare_config(schema, config, i, &mut index);
    }
    for (i, config) in configs.iter().enumerate() {
        process_declared(schema, config, i, &mut index).map_err(|e| (i, e))?;
    }
    Ok(())
}

/// A generated declaration: its tables are the schema's already, its joins
/// are read off the foreign keys now, and its backref, when it has one,
/// takes a name automap keeps free.
pub(super) fn process_generated(schema: &Schema, generated: Generated) -> Result<Processed> {
    let parts = generated.parts(schema)?;
    let backref = generated.backref.map(|backref| BackrefSpec {
        name: backref.name.as_str().into(),
        primaryjoin: None,
        secondaryjoin: None,
        foreign_keys: None,
        remote_side: Columns::new(),
        uselist: backref.uselist,
        viewonly: None,
        order_by: Vec::new(),
        overlaps: Vec::new(),
    });
    let spec = Spec {
        name: generated.name,
        parent: generated.parent,
        target: generated.target,
        secondary: generated.secondary,
        primaryjoin: Some(parts.primaryjoin),
        secondaryjoin: parts.secondaryjoin,
        foreign_keys: parts.foreign_keys,
        remote_side: parts.remote_side,
        uselist: generated.uselist,
        viewonly: false,
        order_by: Vec::new(),
        overlaps: Vec::new(),
        backref_of: None,
        back_populates: generated.back_populates,
    };
    Ok((spec, backref))
}

/// Whether `table` already has a column or a relationship (declared,
/// configured, or reserved by a backref) called `name`; SQLAlchemy maps
/// columns as attributes too.
pub(super) fn name_taken(index: &NameIndex, table: &Table, name: &str) -> bool {
    table.column_id(name).is_some() || index.contains(table.id(), name)
}

fn columns<C: FromIterator<ColumnRef>>(schema: &Schema, names: &[String]) -> Result<C> {
    names.iter().map(|n| schema.column(n)).collect()
}

fn condition(schema: &Schema, condition: Option<&Condition>) -> Result<Option<Expr>> {
    Ok(match condition {
        None => None,
        Some(Condition::Text(text)) => Some(parse_condition(text, schema)?),
        Some(Condition::Expr(expr)) => {
            expr.check_depth("configure the relationship")?;
            check_own_columns(schema, expr)?;
            Some(expr.clone())
        }
    })
}

/// Columns of an expression built in Rust must come from this schema:
/// column identity is by position, so another schema's columns would match
/// whatever sits at the same place here.
fn check_own_columns(schema: &Schema, expr: &Expr) -> Result<()> {
    let mut foreign = None;
    expr.for_each_column(&mut |c| {
        if foreign.is_none() && !schema.owns(c.column.table_arc()) {
            foreign = Some(c.column.to_string());
        }
    });
    match foreign {
        Some(column) => Err(Error::invalid(format!(
            "column {column} in a join condition belongs to another schema than the registry's"
        ))),
        None => Ok(()),
    }
}
