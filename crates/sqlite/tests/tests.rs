//! The SQLite store passes the storage conformance kit, in memory and on disk.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use partnerkit::testing::conformance;
use partnerkit_sqlite::SqliteStore;

#[test]
fn in_memory_database_conforms() {
    conformance::check_all(&SqliteStore::open_in_memory().unwrap());
}

#[test]
fn file_database_conforms_and_survives_reopening() {
    let dir = std::env::temp_dir().join(format!("partnerkit-sqlite-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("accounts.sqlite");
    {
        let store = SqliteStore::open(&path).unwrap();
        conformance::check_all(&store);
    }
    // Reopening finds the schema in place and the checks pick fresh accounts again.
    let store = SqliteStore::open(&path).unwrap();
    conformance::check_all(&store);
    drop(store);
    std::fs::remove_dir_all(&dir).ok();
}
