//! Comparing a configured relationship with what the oracle (real
//! SQLAlchemy) reported for the same key.

use std::collections::BTreeSet;

use serde_json::Value as Json;
use sqlrel::relationship::Relationship;
use sqlrel::schema::ColumnRef;

/// The columns as `table.column` texts.
pub fn names(cols: &[ColumnRef]) -> BTreeSet<String> {
    cols.iter().map(|c| c.to_string()).collect()
}

/// The pairs as `(table.column, table.column)` texts.
pub fn pair_names(pairs: &[(ColumnRef, ColumnRef)]) -> BTreeSet<(String, String)> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// A JSON array of strings as a set.
pub fn json_set(v: &Json) -> BTreeSet<String> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_str().expect("string").to_owned())
        .collect()
}

/// A JSON array of two-string arrays as a set of pairs.
pub fn json_pairs(v: &Json) -> BTreeSet<(String, String)> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|p| {
            let p = p.as_array().expect("pair");
            (
                p[0].as_str().expect("str").to_owned(),
                p[1].as_str().expect("str").to_owned(),
            )
        })
        .collect()
}

/// Whether the printed joins are compared too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joins {
    Compared,
    Ignored,
}

/// Every difference between `rel` and SQLAlchemy's description `sa` of
/// the relationship of the same key: target, direction, uselist,
/// secondary, (the joins as printed,) the three pair lists and the three
/// column sets.
pub fn relationship_diffs(rel: &Relationship, sa: &Json, joins: Joins) -> Vec<String> {
    let mut diffs = Vec::new();
    let mut check = |what: &str, ours: String, theirs: String| {
        if ours != theirs {
            diffs.push(format!(
                "{}: {what}: sqlrel {ours} vs SQLAlchemy {theirs}",
                rel.key()
            ));
        }
    };
    let text = |v: &Json| format!("{:?}", v.as_str());
    check(
        "target",
        rel.target().name().to_owned(),
        sa["target"].as_str().unwrap_or("").to_owned(),
    );
    check(
        "direction",
        rel.direction().to_string(),
        sa["direction"].as_str().unwrap_or("").to_owned(),
    );
    check(
        "uselist",
        rel.uselist().to_string(),
        sa["uselist"].to_string(),
    );
    check(
        "secondary",
        format!("{:?}", rel.secondary().map(|s| s.name())),
        text(&sa["secondary"]),
    );
    if joins == Joins::Compared {
        check(
            "primaryjoin",
            format!("{:?}", Some(rel.primaryjoin().to_string())),
            text(&sa["primaryjoin"]),
        );
        check(
            "secondaryjoin",
            format!("{:?}", rel.secondaryjoin().map(|e| e.to_string())),
            text(&sa["secondaryjoin"]),
        );
    }
    let pairs = [
        ("local_remote_pairs", rel.local_remote_pairs()),
        ("synchronize_pairs", rel.synchronize_pairs()),
        (
            "secondary_synchronize_pairs",
            rel.secondary_synchronize_pairs(),
        ),
    ];
    for (what, ours) in pairs {
        check(
            what,
            format!("{:?}", pair_names(ours)),
            format!("{:?}", json_pairs(&sa[what])),
        );
    }
    let columns = [
        ("foreign_key_columns", rel.foreign_key_columns()),
        ("remote_side", rel.remote_side()),
        ("local_columns", rel.local_columns()),
    ];
    for (what, ours) in columns {
        check(
            what,
            format!("{:?}", names(ours)),
            format!("{:?}", json_set(&sa[what])),
        );
    }
    diffs
}

/// Fails with every failure listed, unless there are none; and fails when
/// fewer than `minimum` statements were executed (a fixture set that
/// silently shrank).
pub fn assert_no_failures(executed: usize, minimum: usize, failures: &[String]) {
    assert!(executed > minimum, "only {executed} statements executed");
    assert!(
        failures.is_empty(),
        "{} of {executed} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Puts SQLAlchemy's and sqlrel's messages in one vocabulary: class names
/// become table names, direction reprs their symbol, and quoted join
/// conditions a placeholder (SQLAlchemy prints literals as bind names and
/// Python may swap operands around an annotated column).
pub fn normalize(message: &str) -> String {
    let mut out = message.to_owned();
    // Mapper[C_users(users)] -> users
    while let Some(start) = out.find("Mapper[") {
        let Some(end) = out[start..].find(")]") else {
            break;
        };
        let inner = &out[start + 7..start + end];
        let table = inner.split('(').nth(1).unwrap_or(inner).to_owned();
        out.replace_range(start..start + end + 2, &table);
    }
    out = out.replace("C_", "");
    for d in ["ONETOMANY", "MANYTOONE", "MANYTOMANY"] {
        for n in 1..=3 {
            out = out.replace(&format!("<RelationshipDirection.{d}: {n}>"), d);
        }
    }
    if let (Some(start), Some(end)) = (out.find("condition '"), out.find("' on relationship"))
        && start < end
    {
        out.replace_range(start + 11..end, "<condition>");
    }
    out
}
