//! Runnable examples of partnerkit live beside this file: `cargo run --example quickstart`
//! and the focused ones listed in `examples/README.md`.
//!
//! The doc tests of this crate compile and run the example of every crate's README, so the
//! READMEs shown on crates.io stay true.

/// `crates/core/README.md`
#[cfg(doctest)]
#[doc = include_str!("../../crates/core/README.md")]
mod readme_core {}

/// `crates/identity/README.md`
#[cfg(doctest)]
#[doc = include_str!("../../crates/identity/README.md")]
mod readme_identity {}

/// `crates/access/README.md`
#[cfg(doctest)]
#[doc = include_str!("../../crates/access/README.md")]
mod readme_access {}

/// `crates/payouts/README.md`
#[cfg(doctest)]
#[doc = include_str!("../../crates/payouts/README.md")]
mod readme_payouts {}

/// `crates/tax/README.md`
#[cfg(doctest)]
#[doc = include_str!("../../crates/tax/README.md")]
mod readme_tax {}

/// `crates/agreements/README.md`
#[cfg(doctest)]
#[doc = include_str!("../../crates/agreements/README.md")]
mod readme_agreements {}

/// `crates/sqlite/README.md`
#[cfg(doctest)]
#[doc = include_str!("../../crates/sqlite/README.md")]
mod readme_sqlite {}

/// `crates/postgres/README.md` (feature `postgres`, which `http` turns on: CI runs it)
#[cfg(all(doctest, feature = "postgres"))]
#[doc = include_str!("../../crates/postgres/README.md")]
mod readme_postgres {}

/// `crates/partnerkit/README.md`
#[cfg(doctest)]
#[doc = include_str!("../../crates/partnerkit/README.md")]
mod readme_partnerkit {}

use std::io::Read;
use std::path::Path;

use partnerkit_sqlite::rusqlite::{Connection, OpenFlags};

/// The first 16 bytes of every SQLite database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// The tables of a partnerkit SQLite database: `accounts` and `events`, and `snapshots` from
/// schema version 2 on.
const PARTNERKIT_TABLES: [&str; 3] = ["accounts", "events", "snapshots"];

/// Checks that `path` holds a partnerkit database before the quickstart deletes it to start
/// afresh: a SQLite file ("SQLite format 3\0" in its first 16 bytes) whose tables are
/// partnerkit's (`accounts` and `events`, perhaps `snapshots`) and nothing else. Opens the file
/// read-only; changes nothing.
///
/// # Errors
///
/// Says why the file is not a partnerkit database (not a file, empty, not SQLite, other
/// tables), so the caller can refuse to overwrite it.
pub fn check_partnerkit_database(path: &Path) -> Result<(), String> {
    if !path.is_file() {
        return Err("it is not a file".to_owned());
    }
    let mut header = [0u8; 16];
    let mut file = std::fs::File::open(path).map_err(|e| format!("it cannot be opened ({e})"))?;
    if file.read_exact(&mut header).is_err() || &header != SQLITE_HEADER {
        return Err("it is not a SQLite database".to_owned());
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let tables = Connection::open_with_flags(path, flags)
        .and_then(|conn| {
            let mut stmt = conn.prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            )?;
            let names = stmt.query_map([], |row| row.get::<_, String>(0))?;
            names.collect::<Result<Vec<String>, _>>()
        })
        .map_err(|e| format!("its tables cannot be read ({e})"))?;
    let has = |t: &str| tables.iter().any(|name| name == t);
    let foreign = tables
        .iter()
        .any(|t| !PARTNERKIT_TABLES.contains(&t.as_str()));
    if !has("accounts") || !has("events") || foreign {
        let listed = if tables.is_empty() {
            "none".to_owned()
        } else {
            tables.join(", ")
        };
        return Err(format!(
            "it is a SQLite database, but not partnerkit's (its tables: {listed})"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::check_partnerkit_database;
    use partnerkit_sqlite::SqliteStore;
    use partnerkit_sqlite::rusqlite::Connection;
    use std::path::PathBuf;

    /// A fresh directory of its own for one test.
    fn dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("partnerkit-examples-{}-{name}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).unwrap();
        }
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_partnerkit_database_may_be_replaced() {
        let dir = dir("ours");
        let path = dir.join("pk.sqlite");
        drop(SqliteStore::open(&path).unwrap());
        assert_eq!(check_partnerkit_database(&path), Ok(()));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn anything_else_is_refused() {
        let dir = dir("theirs");
        // A text file, an empty file, a directory.
        let text = dir.join("notes.txt");
        std::fs::write(&text, "my notes").unwrap();
        let err = check_partnerkit_database(&text).unwrap_err();
        assert!(err.contains("not a SQLite database"), "{err}");
        let empty = dir.join("empty.sqlite");
        std::fs::write(&empty, "").unwrap();
        assert!(check_partnerkit_database(&empty).is_err());
        assert_eq!(
            check_partnerkit_database(&dir),
            Err("it is not a file".to_owned())
        );
        // Another program's SQLite database, even one with tables named like ours.
        let other = dir.join("other.sqlite");
        let conn = Connection::open(&other).unwrap();
        conn.execute_batch(
            "CREATE TABLE accounts (x); CREATE TABLE events (y); CREATE TABLE users (z);",
        )
        .unwrap();
        drop(conn);
        let err = check_partnerkit_database(&other).unwrap_err();
        assert!(err.contains("not partnerkit's"), "{err}");
        assert!(err.contains("users"), "{err}");
        // Nothing was changed.
        assert_eq!(std::fs::read_to_string(&text).unwrap(), "my notes");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
