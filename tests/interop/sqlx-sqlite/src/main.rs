//! sqlrel and sqlx side by side: the schema is reflected with sqlrel
//! (through rusqlite, on a blocking thread), a relationship predicate is
//! rendered for SQLite with its values, and sqlx runs it.

use sqlrel::query::{Dialect, Select};
use sqlrel::registry::Registry;
use sqlx::Row;

const SCHEMA: &str = "
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), title TEXT);
INSERT INTO users VALUES (1, 'ann'), (2, 'bob');
INSERT INTO posts VALUES (1, 1, 'rust'), (2, 2, 'go');";

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("sqlrel-sqlx-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("app.db");
    rusqlite::Connection::open(&path)?.execute_batch(SCHEMA)?;

    // Reflection is synchronous: off the async threads, once.
    let reflect_path = path.clone();
    let schema = tokio::task::spawn_blocking(move || {
        let conn = rusqlite::Connection::open(reflect_path)?;
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(sqlrel::reflect::sqlite(&conn)?)
    })
    .await?
    .map_err(|e| e.to_string())?;
    let registry = Registry::builder(schema).automap().configure()?;

    let posts = registry.relationship("users.posts_collection")?;
    let users = registry.schema().table("users")?;
    let title = registry.schema().col("posts.title")?;
    let (sql, values) = Select::from(users.clone())
        .column(registry.schema().col("users.name")?)
        .filter(posts.any(title.eq("rust"))?)
        .build(Dialect::Sqlite)?;

    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await?;
    // sqlrel's statement: values are bound, never written into the text.
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
    for value in values {
        query = match value {
            sqlrel::sea_query::Value::String(Some(s)) => query.bind(s),
            sqlrel::sea_query::Value::BigInt(Some(i)) => query.bind(i),
            other => return Err(format!("unexpected value {other:?}").into()),
        };
    }
    let names: Vec<String> = query
        .fetch_all(&pool)
        .await?
        .iter()
        .map(|row| row.get::<String, _>(0))
        .collect();
    pool.close().await;
    std::fs::remove_dir_all(&dir)?;
    assert_eq!(names, ["ann"], "{sql}");
    println!("sqlrel + sqlx: {sql} -> {names:?}");
    Ok(())
}
