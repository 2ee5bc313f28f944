//! The in-memory store passes the conformance kit (the SQLite store runs it in its own crate).

use partnerkit::InMemoryStore;
use partnerkit::testing::conformance;

#[test]
fn in_memory_store_conforms() {
    conformance::check_all(&InMemoryStore::new());
}
