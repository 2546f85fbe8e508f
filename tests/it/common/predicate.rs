//! The oracle's predicate JSON turned into sqlrel expressions.

use serde_json::Value as Json;
use sqlrel::comparator::Row;
use sqlrel::expr::{Expr, Value};
use sqlrel::registry::Registry;

/// A JSON literal as a sqlrel value.
pub fn value(v: &Json) -> Value {
    match v {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or_default()),
        },
        Json::String(s) => Value::Text(s.clone()),
        other => panic!("unsupported literal {other}"),
    }
}

fn row(v: &Json) -> Row {
    v.as_object()
        .expect("row object")
        .iter()
        .map(|(k, v)| (k.clone(), value(v)))
        .collect()
}

/// Whether the predicate `p` (oracle format) uses `method` anywhere.
pub fn uses(p: &Json, method: &str) -> bool {
    match p {
        Json::Object(obj) => obj.iter().any(|(k, v)| k == method || uses(v, method)),
        Json::Array(items) => items.iter().any(|v| uses(v, method)),
        _ => false,
    }
}

/// Builds the predicate `p` (oracle format) against `registry`.
pub fn predicate(registry: &Registry, p: &Json) -> sqlrel::Result<Expr> {
    let obj = p.as_object().expect("predicate object");
    if let Some(items) = obj.get("and") {
        let parts = items
            .as_array()
            .expect("and list")
            .iter()
            .map(|x| predicate(registry, x));
        return Ok(Expr::all(parts.collect::<sqlrel::Result<Vec<_>>>()?));
    }
    if let Some(items) = obj.get("or") {
        let parts = items
            .as_array()
            .expect("or list")
            .iter()
            .map(|x| predicate(registry, x));
        return Ok(Expr::any(parts.collect::<sqlrel::Result<Vec<_>>>()?));
    }
    if let Some(inner) = obj.get("not") {
        return Ok(predicate(registry, inner)?.not());
    }
    if let Some(cmp) = obj.get("cmp") {
        let cmp = cmp.as_array().expect("cmp triple");
        let column = registry.schema().col(cmp[0].as_str().expect("column"))?;
        let literal = value(&cmp[2]);
        return Ok(match cmp[1].as_str().expect("operator") {
            "=" => column.eq(literal),
            "!=" => column.ne(literal),
            "<" => column.lt(literal),
            ">" => column.gt(literal),
            "<=" => column.lte(literal),
            ">=" => column.gte(literal),
            "like" => column.like(literal),
            other => panic!("unsupported operator {other}"),
        });
    }
    for method in [
        "any",
        "has",
        "is_none",
        "is_not_none",
        "contains",
        "eq",
        "ne",
        "with_parent",
    ] {
        let Some(key) = obj.get(method) else { continue };
        let rel = registry.relationship(key.as_str().expect("relationship key"))?;
        let criterion = || {
            obj.get("criterion")
                .map(|c| predicate(registry, c))
                .transpose()
        };
        return match method {
            "any" => rel.any(criterion()?),
            "has" => rel.has(criterion()?),
            "is_none" => rel.is_none(),
            "is_not_none" => rel.is_not_none(),
            "contains" => rel.contains(&row(&obj["row"])),
            "eq" => rel.eq(&row(&obj["row"])),
            "ne" => rel.ne(&row(&obj["row"])),
            _ => rel.with_parent(&row(&obj["row"])),
        };
    }
    panic!("unsupported predicate {p}")
}
