//! Generated pairs turned into declarations for configure, merged with
//! the declared relationships (declared ones win), in one list or in
//! batches.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::generate::{Link, Pair, generate};
use super::naming::Naming;
use super::plan::Plan;
use crate::error::{Error, Result};
use crate::registry::declaration::{Declaration, Generated, GeneratedJoin};
use crate::relationship::{Backref, RelationshipConfig};
use crate::schema::{Schema, TableId};

/// The generated declarations, written as [`RelationshipConfig`]s.
pub(super) fn configs(schema: &Schema, naming: &dyn Naming) -> Result<Vec<RelationshipConfig>> {
    let plan = Plan::new(schema);
    declarations_with(&plan, naming, &[])?
        .into_iter()
        .map(|declaration| match declaration {
            Declaration::Declared(config) => Ok(*config),
            Declaration::Generated(generated) => plan.to_config(&generated),
        })
        .collect()
}

/// The declarations to configure: `explicit` (some linked by
/// `back_populates` to generated relationships) followed by the generated
/// ones that no declaration overrides.
pub(super) fn declarations(
    schema: &Schema,
    naming: &dyn Naming,
    explicit: &[RelationshipConfig],
) -> Result<Vec<Declaration>> {
    declarations_with(&Plan::new(schema), naming, explicit)
}

fn declarations_with(
    plan: &Plan<'_>,
    naming: &dyn Naming,
    explicit: &[RelationshipConfig],
) -> Result<Vec<Declaration>> {
    let declared = Declared::new(plan.schema, explicit);
    // About one declaration per foreign key.
    let mut out: Vec<Declaration> =
        Vec::with_capacity(explicit.len() + plan.schema.foreign_key_count());
    out.extend(
        explicit
            .iter()
            .map(|config| Declaration::Declared(Box::new(config.clone()))),
    );
    let mut failed = SidesError::default();
    generate(plan, naming, |pair| {
        if failed.is_some() {
            return Ok(());
        }
        let forward_taken = declared.is_taken(pair.parent, &pair.forward);
        let reverse_taken = declared.is_taken(pair.target, &pair.reverse);
        if forward_taken && reverse_taken {
            return Ok(());
        }
        if !forward_taken && !reverse_taken {
            if let Some(generated) = failed.keep(with_backref(plan, pair)) {
                out.push(Declaration::Generated(generated));
            }
            return Ok(());
        }
        let (parent, target) = (pair.parent, pair.target);
        let Some((mut forward, reverse)) = failed.keep(sides(plan, pair, forward_taken)) else {
            return Ok(());
        };
        if let Some(mut reverse) = reverse.standalone {
            // The forward side is declared. SQLAlchemy: the declared side
            // gets back_populates, the generated reverse points back at it.
            if let Some(i) = declared.linkable(parent, &forward.name, target) {
                link(&mut out[i], &reverse.name);
                reverse.back_populates = Some(forward.name);
            }
            out.push(Declaration::Generated(reverse));
        } else {
            if let Some(i) = declared.linkable(target, &reverse.name, parent) {
                link(&mut out[i], &forward.name);
                forward.back_populates = Some(reverse.name.into());
            }
            out.push(Declaration::Generated(forward));
        }
        Ok(())
    })?;
    failed.or(out)
}

/// The first error of turning pairs into declarations ([`sides`]).
///
/// Pairs are named and turned into declarations one at a time, but a
/// naming error is reported before any error of [`sides`], whichever pairs
/// they come from (as when every pair was named first): once an error is
/// kept, the remaining pairs are still named, and a naming failure among
/// them is returned instead.
#[derive(Default)]
struct SidesError(Option<Error>);

impl SidesError {
    fn is_some(&self) -> bool {
        self.0.is_some()
    }

    /// The value; an error is kept (callers stop at the first one).
    fn keep<T>(&mut self, result: Result<T>) -> Option<T> {
        result.map_err(|e| self.0 = Some(e)).ok()
    }

    /// `value`, unless an error was kept.
    fn or<T>(self, value: T) -> Result<T> {
        match self.0 {
            Some(e) => Err(e),
            None => Ok(value),
        }
    }
}

/// What [`declarations`] returns when nothing is declared, handed to
/// `sink` in order, `batch` declarations at a time (the last batch may be
/// shorter).
///
/// With nothing declared, every pair becomes one declaration that carries
/// its reverse as a backref, and never a `back_populates`; the backref's
/// name is the pair's reverse name, which `UsedNames` keeps apart from
/// every other name generated on its table. So resolving a declaration
/// never needs one of a later batch (what a
/// [`Generator`](crate::registry::declaration::Generator) handing out
/// several batches promises).
pub(super) fn in_batches(
    schema: &Schema,
    naming: &dyn Naming,
    batch: usize,
    sink: &mut dyn FnMut(Vec<Declaration>),
) -> Result<()> {
    let batch = batch.max(1);
    let plan = Plan::new(schema);
    let mut out = Vec::with_capacity(batch);
    let mut failed = SidesError::default();
    generate(&plan, naming, |pair| {
        if failed.is_some() {
            return Ok(());
        }
        if let Some(generated) = failed.keep(with_backref(&plan, pair)) {
            out.push(Declaration::Generated(generated));
        }
        if out.len() == batch {
            sink(std::mem::replace(&mut out, Vec::with_capacity(batch)));
        }
        Ok(())
    })?;
    failed.or(())?;
    if !out.is_empty() {
        sink(out);
    }
    Ok(())
}

/// A pair as one declaration, its reverse as the backref: what automap
/// declares when neither side is declared explicitly.
fn with_backref(plan: &Plan<'_>, pair: Pair) -> Result<Generated> {
    let (mut forward, reverse) = sides(plan, pair, false)?;
    let mut backref = Backref::new(reverse.name);
    if let Some(uselist) = reverse.uselist {
        backref = backref.uselist(uselist);
    }
    forward.backref = Some(Box::new(backref));
    Ok(forward)
}

/// Sets `back_populates` on a declared relationship.
fn link(declaration: &mut Declaration, name: &str) {
    if let Declaration::Declared(config) = declaration {
        config.back_populates = Some(name.to_owned());
    }
}

/// The reverse side of a pair: what its backref needs and, when asked for,
/// the reverse as a declaration of its own.
struct Reverse {
    name: String,
    uselist: Option<bool>,
    standalone: Option<Generated>,
}

/// The two sides of a pair, with SQLAlchemy's `generate_relationship`
/// arguments: the forward declaration (without backref) and the reverse;
/// with `standalone`, the reverse also as a declaration of its own
/// (SQLAlchemy's standalone `relationship()` with `foreign_keys`, or the
/// swapped joins of a many-to-many), for when the forward side is declared
/// explicitly.
///
/// The names the declarations are written with (see
/// [`Plan::to_config`]) are checked here.
fn sides(plan: &Plan<'_>, pair: Pair, standalone: bool) -> Result<(Generated, Reverse)> {
    let parent = plan.table(pair.parent)?;
    let target = plan.table(pair.target)?;
    // The names move into the declarations; the reverse name is copied
    // only for a standalone reverse (when the forward side is declared).
    let (forward_name, reverse_name) = (pair.forward, pair.reverse);
    plan.check_table(parent)?;
    plan.check_table(target)?;
    let (forward, uselist, standalone) = match pair.link {
        Link::ForeignKey {
            table: table_id,
            fk: fk_index,
            one_to_one,
        } => {
            let table = plan.table(table_id)?;
            let fk = table
                .foreign_keys()
                .get(fk_index)
                .ok_or_else(|| Error::invalid("automap: no such foreign key"))?;
            for &c in fk.columns() {
                plan.check_column(table, c)?;
            }
            for &c in fk.referred_columns() {
                plan.check_column(target, c)?;
            }
            let keys = |remote_side| GeneratedJoin::ForeignKey {
                table: table_id,
                fk: fk_index,
                remote_side,
            };
            let uselist = one_to_one.then_some(false);
            let standalone = standalone.then(|| Generated {
                uselist,
                ..Generated::new(reverse_name.clone(), target, parent, keys(false))
            });
            let forward = Generated::new(forward_name, parent, target, keys(true));
            (forward, uselist, standalone)
        }
        Link::ManyToMany {
            secondary,
            local_fk,
            remote_fk,
        } => {
            let secondary = plan.table(secondary)?;
            plan.check_table(secondary)?;
            // The reverse joins the other way: the joins swap.
            let standalone = standalone.then(|| Generated {
                secondary: Some(Arc::clone(secondary)),
                ..Generated::new(
                    reverse_name.clone(),
                    target,
                    parent,
                    GeneratedJoin::ManyToMany {
                        primary: remote_fk,
                        secondary: local_fk,
                    },
                )
            });
            let forward = Generated {
                secondary: Some(Arc::clone(secondary)),
                ..Generated::new(
                    forward_name,
                    parent,
                    target,
                    GeneratedJoin::ManyToMany {
                        primary: local_fk,
                        secondary: remote_fk,
                    },
                )
            };
            (forward, None, standalone)
        }
    };
    let reverse = Reverse {
        name: reverse_name,
        uselist,
        standalone,
    };
    Ok((forward, reverse))
}

/// Declared names, per table: relationships and their backrefs.
struct Declared<'c> {
    taken: HashMap<TableId, HashSet<&'c str>>,
    /// Declarations that automap may link by `back_populates`: no backref,
    /// no `back_populates`; keyed by (parent, name), with their target.
    plain: HashMap<(TableId, &'c str), (usize, TableId)>,
}

impl<'c> Declared<'c> {
    fn new(schema: &Schema, explicit: &'c [RelationshipConfig]) -> Self {
        let mut taken: HashMap<TableId, HashSet<&'c str>> = HashMap::new();
        let mut plain = HashMap::new();
        for (i, config) in explicit.iter().enumerate() {
            let parent = schema.table(config.table()).map(|t| t.id());
            let target = schema.table(config.target()).map(|t| t.id());
            if let Ok(parent) = parent {
                taken.entry(parent).or_default().insert(config.name());
                if let (Ok(target), None, None) = (&target, &config.backref, &config.back_populates)
                {
                    plain.insert((parent, config.name()), (i, *target));
                }
            }
            if let (Some(backref), Ok(target)) = (&config.backref, target) {
                taken.entry(target).or_default().insert(backref.name());
            }
        }
        Declared { taken, plain }
    }

    fn is_taken(&self, table: TableId, name: &str) -> bool {
        self.taken
            .get(&table)
            .is_some_and(|names| names.contains(name))
    }

    /// The declaration to link with a generated reverse, when it is a plain
    /// one from `parent` to `target`.
    fn linkable(&self, parent: TableId, name: &str, target: TableId) -> Option<usize> {
        match self.plain.get(&(parent, name)) {
            Some(&(i, t)) if t == target => Some(i),
            _ => None,
        }
    }
}
