//! Oracle cases (see `tests/fixtures/*/README.md`) turned into sqlrel
//! registries.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value as Json;
use sqlrel::registry::Registry;
use sqlrel::relationship::{Backref, RelationshipConfig};
use sqlrel::schema::Schema;

/// One case in the oracle's format.
#[derive(Debug, Deserialize)]
pub struct Case {
    pub name: String,
    pub ddl: String,
    #[serde(default)]
    pub relationships: Vec<RelationshipJson>,
    #[serde(default)]
    pub data: Vec<String>,
    #[serde(default)]
    pub queries: Vec<Json>,
}

#[derive(Debug, Deserialize)]
pub struct RelationshipJson {
    pub table: String,
    pub name: String,
    pub target: String,
    pub secondary: Option<String>,
    pub primaryjoin: Option<String>,
    pub secondaryjoin: Option<String>,
    #[serde(default)]
    pub foreign_keys: Vec<String>,
    #[serde(default)]
    pub remote_side: Vec<String>,
    pub uselist: Option<bool>,
    #[serde(default)]
    pub viewonly: bool,
    pub backref: Option<BackrefJson>,
    pub back_populates: Option<String>,
    #[serde(default)]
    pub overlaps: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum BackrefJson {
    Name(String),
    Options {
        name: String,
        #[serde(default)]
        remote_side: Vec<String>,
        foreign_keys: Option<Vec<String>>,
        uselist: Option<bool>,
        #[serde(default)]
        overlaps: Vec<String>,
    },
}

impl RelationshipJson {
    pub fn config(&self) -> RelationshipConfig {
        let mut c = RelationshipConfig::new(&self.table, &self.name, &self.target)
            .viewonly(self.viewonly)
            .foreign_keys(self.foreign_keys.iter().cloned())
            .remote_side(self.remote_side.iter().cloned())
            .overlaps(self.overlaps.iter().cloned());
        if let Some(s) = &self.secondary {
            c = c.secondary(s);
        }
        if let Some(pj) = &self.primaryjoin {
            c = c.primaryjoin(pj.as_str());
        }
        if let Some(sj) = &self.secondaryjoin {
            c = c.secondaryjoin(sj.as_str());
        }
        if let Some(u) = self.uselist {
            c = c.uselist(u);
        }
        if let Some(bp) = &self.back_populates {
            c = c.back_populates(bp);
        }
        match &self.backref {
            None => c,
            Some(BackrefJson::Name(n)) => c.backref(n.as_str()),
            Some(BackrefJson::Options {
                name,
                remote_side,
                foreign_keys,
                uselist,
                overlaps,
            }) => {
                let mut b = Backref::new(name)
                    .remote_side(remote_side.iter().cloned())
                    .overlaps(overlaps.iter().cloned());
                if let Some(fk) = foreign_keys {
                    b = b.foreign_keys(fk.iter().cloned());
                }
                if let Some(u) = uselist {
                    b = b.uselist(*u);
                }
                c.backref(b)
            }
        }
    }
}

impl Case {
    pub fn schema(&self) -> sqlrel::Result<Schema> {
        Schema::from_ddl(&self.ddl)
    }

    pub fn registry(&self) -> sqlrel::Result<Registry> {
        let mut builder = Registry::builder(self.schema()?);
        for r in &self.relationships {
            builder.add_relationship(r.config());
        }
        builder.configure()
    }
}

/// `(case, oracle output)` for every `NAME.json` in `dir` with a
/// `NAME.oracle.json` beside it, sorted by name.
pub fn load_dir(dir: &str) -> Vec<(PathBuf, Case, Json)> {
    load_dir_as(dir)
}

/// [`load_dir`] for cases of another shape (e.g. automap's).
pub fn load_dir_as<C: DeserializeOwned>(dir: &str) -> Vec<(PathBuf, C, Json)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", root.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.ends_with(".json") && !name.ends_with(".oracle.json")
        })
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let case: C =
                serde_json::from_str(&read(&p)).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            let oracle_path = p.with_extension("oracle.json");
            let oracle: Json = serde_json::from_str(&read(&oracle_path))
                .unwrap_or_else(|e| panic!("{}: {e}", oracle_path.display()));
            (p, case, oracle)
        })
        .collect()
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
}
