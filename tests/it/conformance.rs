//! Resolver conformance: every case under `tests/fixtures/resolve/` (many
//! restate cases of SQLAlchemy's own test/orm/test_relationships.py and
//! test/orm/test_rel_fn.py) is configured with sqlrel and compared with what
//! SQLAlchemy decided for it.

use crate::common;

use serde_json::Value as Json;
use sqlrel::ErrorKind;
use sqlrel::registry::Registry;

use common::case::load_dir;
use common::oracle::{Joins, normalize, relationship_diffs};

/// SQLAlchemy's error class and message mapped onto sqlrel's kinds.
fn expected_kind(class: &str, message: &str) -> Option<ErrorKind> {
    Some(match class {
        "NoForeignKeysError" => ErrorKind::NoForeignKeys,
        "AmbiguousForeignKeysError" => ErrorKind::AmbiguousForeignKeys,
        "NoReferencedColumnError" => ErrorKind::UnknownColumn,
        "ArgumentError" if message.contains("could not determine any unambiguous local/remote") => {
            ErrorKind::NoLocalRemotePairs
        }
        "ArgumentError"
            if message.contains("Could not locate any relevant foreign key columns") =>
        {
            ErrorKind::NoForeignColumns
        }
        "ArgumentError" if message.contains("Could not locate any simple equality expressions") => {
            ErrorKind::NoEqualityForeignColumns
        }
        "ArgumentError" if message.contains("are present in both the parent and the child") => {
            ErrorKind::AmbiguousDirection
        }
        "ArgumentError" if message.contains("are present in neither the parent nor the child") => {
            ErrorKind::NoDirection
        }
        "ArgumentError" | "InvalidRequestError" => ErrorKind::InvalidArgument,
        _ => return None,
    })
}

fn compare_registry(registry: &Registry, oracle: &Json) -> Vec<String> {
    let expected = oracle["relationships"]
        .as_object()
        .expect("relationships object");
    let mut diffs = Vec::new();
    for (key, sa) in expected {
        match registry.relationship(key) {
            Ok(rel) => diffs.extend(relationship_diffs(rel, sa, Joins::Ignored)),
            Err(e) => diffs.push(format!("{key}: missing in sqlrel ({e})")),
        }
    }
    for rel in registry.relationships() {
        if !expected.contains_key(rel.key()) {
            diffs.push(format!("{}: sqlrel has it, SQLAlchemy does not", rel.key()));
        }
    }
    diffs
}

/// A warning in a form both sides share: class names and the link to
/// SQLAlchemy's docs dropped; a conflicting-sync-targets warning as the
/// column and the set of relationships involved, since which of them warns
/// follows each library's configure order.
fn canonical_warning(message: &str) -> String {
    let message = normalize(message);
    let message = message
        .split(" (Background on this warning at:")
        .next()
        .unwrap_or(&message)
        .to_owned();
    let Some(rest) = message.strip_prefix("relationship '") else {
        return message;
    };
    let Some((warner, rest)) = rest.split_once("' will copy column ") else {
        return message;
    };
    let Some((_, rest)) = rest.split_once(" to column ") else {
        return message;
    };
    let Some((column, rest)) = rest.split_once(", which conflicts with relationship(s): ") else {
        return message;
    };
    let mut involved = vec![warner.to_owned()];
    for part in rest.split(" (copies ") {
        if let Some(start) = part.rfind('\'') {
            let before = &part[..start];
            if let Some(open) = before.rfind('\'') {
                involved.push(before[open + 1..].to_owned());
            }
        }
    }
    involved.sort();
    involved.dedup();
    format!("conflicting writes to {column}: {}", involved.join(", "))
}

/// Every difference between sqlrel's warnings and the ones SQLAlchemy
/// recorded (cases with `record_warnings`).
fn warning_diffs(registry: &Registry, oracle: &Json) -> Vec<String> {
    let Some(theirs) = oracle.get("warnings").and_then(Json::as_array) else {
        return Vec::new();
    };
    let mut theirs: Vec<String> = theirs
        .iter()
        .filter_map(Json::as_str)
        .map(canonical_warning)
        .collect();
    let mut ours: Vec<String> = registry
        .relationships()
        .flat_map(|rel| rel.warnings().iter().map(|w| canonical_warning(w)))
        .collect();
    theirs.sort();
    ours.sort();
    if theirs == ours {
        Vec::new()
    } else {
        vec![format!(
            "warnings differ:\n  sqlrel:     {ours:?}\n  SQLAlchemy: {theirs:?}"
        )]
    }
}

/// Messages where sqlrel adds the relationship's name to SQLAlchemy's text.
fn message_matches(ours: &str, theirs: &str) -> bool {
    let (ours, theirs) = (normalize(ours), normalize(theirs));
    ours == theirs || ours.starts_with(theirs.trim_end_matches('.'))
}

#[test]
fn resolver_matches_sqlalchemy_on_every_fixture() {
    let cases = load_dir("tests/fixtures/resolve");
    assert!(
        cases.len() >= 40,
        "expected at least 40 resolver fixtures, found {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for (path, case, oracle) in &cases {
        let outcome = case.registry();
        let label = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        match (&outcome, oracle.get("error")) {
            (Ok(registry), None) => {
                let diffs = compare_registry(registry, oracle)
                    .into_iter()
                    .chain(warning_diffs(registry, oracle));
                for d in diffs {
                    failures.push(format!("{label}: {d}"));
                }
            }
            (Ok(_), Some(err)) => failures.push(format!(
                "{label}: sqlrel configured, SQLAlchemy raised {err}"
            )),
            (Err(e), None) => failures.push(format!(
                "{label}: sqlrel failed ({:?}: {e}), SQLAlchemy configured",
                e.kind()
            )),
            (Err(e), Some(err)) => {
                let class = err["kind"].as_str().unwrap_or("");
                let message = err["message"].as_str().unwrap_or("");
                match expected_kind(class, message) {
                    Some(kind) if kind == e.kind() => {
                        if !message_matches(&e.to_string(), message) {
                            failures.push(format!(
                                "{label}: message differs:\n  sqlrel:     {}\n  SQLAlchemy: {}",
                                normalize(&e.to_string()),
                                normalize(message)
                            ));
                        }
                    }
                    Some(kind) => failures.push(format!(
                        "{label}: error kind {:?} ({e}), SQLAlchemy {kind:?} ({message})",
                        e.kind()
                    )),
                    None => failures.push(format!(
                        "{label}: fixture error is not a configuration error: {class}"
                    )),
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Issue 13's example, pinned outright besides the comparison above:
/// `remote(foreign(address.ip)) BETWEEN network.lo AND network.hi` is
/// one-to-many with a local/remote pair per bound and no synchronize pairs,
/// in SQLAlchemy's recording and in sqlrel.
#[test]
fn between_is_one_to_many_with_a_pair_per_bound() {
    let (_, case, oracle) = load_dir("tests/fixtures/resolve")
        .into_iter()
        .find(|(path, ..)| path.ends_with("cond_between_remote_foreign.json"))
        .expect("the cond_between_remote_foreign fixture");
    let pairs = [
        ("network.lo".to_owned(), "address.ip".to_owned()),
        ("network.hi".to_owned(), "address.ip".to_owned()),
    ];
    let sa = &oracle["relationships"]["network.addresses"];
    assert_eq!(sa["direction"], "ONETOMANY");
    assert_eq!(
        common::oracle::json_pairs(&sa["local_remote_pairs"]),
        pairs.clone().into()
    );
    assert!(common::oracle::json_pairs(&sa["synchronize_pairs"]).is_empty());

    let registry = case.registry().expect("configures");
    let rel = registry
        .relationship("network.addresses")
        .expect("network.addresses");
    assert_eq!(rel.direction().to_string(), "ONETOMANY");
    assert_eq!(
        common::oracle::pair_names(rel.local_remote_pairs()),
        pairs.into()
    );
    assert!(rel.synchronize_pairs().is_empty());
    assert_eq!(
        rel.primaryjoin().to_string(),
        "address.ip BETWEEN network.lo AND network.hi"
    );
}
