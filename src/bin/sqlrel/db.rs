//! `--db`: reading the schema of a live database, read-only, within time
//! limits, with the password never shown.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use sqlrel::schema::Schema;

use crate::Failure;

/// How long reflection may wait for a server.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// To connect and log in.
    pub(crate) connect: Duration,
    /// For the catalog query (or, on SQLite, a lock) once connected.
    pub(crate) statement: Duration,
}

/// `url` as it may be shown: the password of `scheme://user:password@host`
/// and any `password=` parameter replaced by `***`.
pub(crate) fn redacted(url: &str) -> String {
    let mut out = url.to_owned();
    if let Some(scheme_end) = out.find("://") {
        let authority_start = scheme_end + 3;
        let authority_end = out[authority_start..]
            .find(['/', '?', '#'])
            .map_or(out.len(), |i| authority_start + i);
        // The last `@` ends the user info (a password may hold `@`).
        if let Some(at) = out[authority_start..authority_end].rfind('@') {
            let info = authority_start..authority_start + at;
            if let Some(colon) = out[info.clone()].find(':') {
                out.replace_range(info.start + colon + 1..info.end, "***");
            }
        }
    }
    redact_password_parameters(&out)
}

/// `password=...` in a query string or key/value text, as `password=***`.
fn redact_password_parameters(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.to_ascii_lowercase().find("password=") {
        let value_start = at + "password=".len();
        out.push_str(&rest[..value_start]);
        out.push_str("***");
        let value_end = rest[value_start..]
            .find(['&', ' ', '#'])
            .map_or(rest.len(), |i| value_start + i);
        rest = &rest[value_end..];
    }
    out.push_str(rest);
    out
}

/// Reads the schema of the database at `url` (`sqlite:PATH`,
/// `postgres://...`).
pub(crate) fn reflect(url: &str, schemas: &[String], limits: Limits) -> Result<Schema, Failure> {
    if let Some(path) = url.strip_prefix("sqlite:") {
        return sqlite(path.trim_start_matches("//"), limits);
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let schemas: Vec<String> = if schemas.is_empty() {
            vec!["public".to_owned()]
        } else {
            schemas.to_vec()
        };
        return postgres(url, schemas, limits);
    }
    Err(Failure::Sqlrel(sqlrel::Error::InvalidArgument {
        message: format!(
            "--db must be sqlite:PATH or postgres://..., not {:?}",
            redacted(url)
        ),
    }))
}

/// A SQLite database, opened read-only. Nothing is left beside it: a
/// database in WAL mode that no connection has open (no `-wal` / `-shm`
/// files) is opened as immutable, since even a read-only connection would
/// create those files and could not remove them.
fn sqlite(path: &str, limits: Limits) -> Result<Schema, Failure> {
    let metadata = std::fs::metadata(path)
        .map_err(|e| Failure::Io(format!("no SQLite database at {path}: {e}")))?;
    if !metadata.is_file() {
        // A FIFO would block the open forever; a directory is no database.
        return Err(Failure::Io(format!(
            "{path} is not a regular file, so not an SQLite database"
        )));
    }
    let idle_wal = is_wal_mode(Path::new(path))
        && !Path::new(&format!("{path}-wal")).exists()
        && !Path::new(&format!("{path}-shm")).exists();
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
        | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX
        | rusqlite::OpenFlags::SQLITE_OPEN_URI;
    let conn = rusqlite::Connection::open_with_flags(sqlite_uri(path, idle_wal), flags)
        .map_err(|e| Failure::Io(format!("cannot open {path}: {e}")))?;
    conn.busy_timeout(limits.statement)
        .map_err(|e| Failure::Io(format!("cannot open {path}: {e}")))?;
    // A first read tells a locked database from a broken schema.
    let probe: rusqlite::Result<i64> =
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0));
    match probe {
        Err(rusqlite::Error::SqliteFailure(e, _))
            if matches!(
                e.code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            ) =>
        {
            return Err(Failure::Io(format!(
                "the SQLite database {path} is locked by another connection (waited {} s, \
                 --statement-timeout); try again when it is free",
                limits.statement.as_secs()
            )));
        }
        Err(e) => return Err(Failure::Io(format!("cannot read {path}: {e}"))),
        Ok(_) => {}
    }
    Ok(sqlrel::reflect::sqlite(&conn)?)
}

/// Whether the file's header says WAL mode (read and write versions 2).
fn is_wal_mode(path: &Path) -> bool {
    use std::io::Read;
    let mut header = [0u8; 20];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut header))
        .is_ok_and(|()| header.starts_with(b"SQLite format 3\0") && header[18..20] == [2, 2])
}

/// The `file:` URI that opens `path` read-only (and immutable when asked),
/// with the characters URIs reserve escaped.
fn sqlite_uri(path: &str, immutable: bool) -> String {
    let mut uri = String::from("file:");
    for c in path.chars() {
        match c {
            '?' | '#' | '%' => uri.push_str(&format!("%{:02X}", u32::from(c))),
            c => uri.push(c),
        }
    }
    uri.push_str(if immutable {
        "?mode=ro&immutable=1"
    } else {
        "?mode=ro"
    });
    uri
}

/// What the worker thread reports while reflecting PostgreSQL.
enum Progress {
    Connected,
    Done(Result<Schema, Failure>),
}

/// A PostgreSQL database. Connecting and the catalog query run on a worker
/// thread, so that a server that accepts the connection and never answers
/// costs at most the limits; the server also cancels the query itself
/// (`statement_timeout`).
fn postgres(url: &str, schemas: Vec<String>, limits: Limits) -> Result<Schema, Failure> {
    let shown = redacted(url);
    let mut config: postgres::Config = url.parse().map_err(|e| {
        Failure::Sqlrel(sqlrel::Error::InvalidArgument {
            message: format!("--db {shown}: {e}"),
        })
    })?;
    config.connect_timeout(limits.connect);
    let options = format!(
        "{} -c statement_timeout={}",
        config.get_options().unwrap_or_default(),
        limits.statement.as_millis()
    );
    config.options(options.trim_start());
    let (send, receive) = mpsc::channel();
    let worker_shown = shown.clone();
    std::thread::spawn(move || {
        let mut client = match config.connect(postgres::NoTls) {
            Ok(client) => client,
            Err(e) => {
                let message = redact_password_parameters(&e.to_string());
                let _ = send.send(Progress::Done(Err(Failure::Io(format!(
                    "cannot connect to {worker_shown}: {message}"
                )))));
                return;
            }
        };
        let _ = send.send(Progress::Connected);
        let schemas: Vec<&str> = schemas.iter().map(String::as_str).collect();
        let result = sqlrel::reflect::postgres(&mut client, &schemas).map_err(Failure::Sqlrel);
        let _ = send.send(Progress::Done(result));
    });
    // A grace second on each wait lets the driver's and the server's own
    // timeouts answer first, with their messages.
    let grace = Duration::from_secs(1);
    match receive.recv_timeout(limits.connect + grace) {
        Ok(Progress::Done(result)) => return result,
        Ok(Progress::Connected) => {}
        Err(_) => {
            return Err(Failure::Io(format!(
                "no answer from {shown} within {} s of connecting (--connect-timeout); is a \
                 PostgreSQL server listening there?",
                limits.connect.as_secs()
            )));
        }
    }
    match receive.recv_timeout(limits.statement + grace) {
        Ok(Progress::Done(result)) => result,
        Ok(Progress::Connected) | Err(_) => Err(Failure::Io(format!(
            "{shown} did not answer the catalog query within {} s (--statement-timeout)",
            limits.statement.as_secs()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::redacted;

    #[test]
    fn passwords_are_redacted() {
        for (url, shown) in [
            (
                "postgres://u:secret@host:5432/db",
                "postgres://u:***@host:5432/db",
            ),
            ("postgres://u:p@ss@host/db", "postgres://u:***@host/db"),
            ("postgres://u@host/db", "postgres://u@host/db"),
            (
                "postgres://host/db?password=x&user=u",
                "postgres://host/db?password=***&user=u",
            ),
            (
                "postgres://u:a%40b@h/db?PASSWORD=y",
                "postgres://u:***@h/db?PASSWORD=***",
            ),
            ("postgresx://u:secret@h", "postgresx://u:***@h"),
            ("sqlite:/tmp/x.db", "sqlite:/tmp/x.db"),
        ] {
            assert_eq!(redacted(url), shown, "{url}");
        }
    }
}
