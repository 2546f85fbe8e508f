//! The project file, `sqlrel.toml`: the settings a project would otherwise
//! repeat on every command line. It is found in the current directory or
//! the nearest parent that has one (as Cargo.toml and diesel.toml are), or
//! given with `--config`; flags override it. Paths in it are relative to
//! its directory.
//!
//! ```toml
//! schema = "db/schema.sql"          # or: db = "sqlite:app.db"
//! ddl_dialect = "postgres"
//! relationships = "db/relationships.toml"
//! automap = true
//! dialect = "postgres"              # for `sqlrel sql`
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::Failure;

/// The file's name.
pub(crate) const FILE_NAME: &str = "sqlrel.toml";

/// What a project file may set.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Project {
    /// Where the file is; its relative paths start here.
    #[serde(skip)]
    pub(crate) dir: PathBuf,
    pub(crate) schema: Option<PathBuf>,
    pub(crate) ddl_dialect: Option<String>,
    pub(crate) db: Option<String>,
    #[serde(default)]
    pub(crate) db_schemas: Vec<String>,
    pub(crate) relationships: Option<PathBuf>,
    #[serde(default)]
    pub(crate) automap: bool,
    pub(crate) dialect: Option<String>,
}

impl Project {
    /// The project file `explicit` names, else the nearest `sqlrel.toml`
    /// from the current directory up; `None` when there is none.
    pub(crate) fn load(explicit: Option<&Path>) -> Result<Option<Project>, Failure> {
        let path = match explicit {
            Some(path) => path.to_path_buf(),
            None => match find()? {
                Some(path) => path,
                None => return Ok(None),
            },
        };
        let text = crate::source::read(&path)?;
        let mut project: Project = toml::from_str(&text).map_err(|e| {
            Failure::Sqlrel(sqlrel::Error::Parse {
                what: path.display().to_string(),
                message: e.message().to_owned(),
                position: e.span().map(|span| position_of(&text, span.start)),
            })
        })?;
        project.dir = path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        Ok(Some(project))
    }

    /// `path` from the file, relative to the file's directory.
    pub(crate) fn path(&self, path: &Path) -> PathBuf {
        if path.is_absolute() || path == Path::new("-") {
            path.to_path_buf()
        } else {
            self.dir.join(path)
        }
    }
}

/// The nearest `sqlrel.toml` from the current directory up.
fn find() -> Result<Option<PathBuf>, Failure> {
    let cwd = std::env::current_dir()
        .map_err(|e| Failure::Io(format!("cannot read the current directory: {e}")))?;
    Ok(cwd
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file()))
}

/// The 1-based line and column of byte `offset` of `text`.
fn position_of(text: &str, offset: usize) -> sqlrel::Position {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    sqlrel::Position {
        line: line as u64,
        column: before[line_start..].chars().count() as u64 + 1,
    }
}
