//! What the PostgreSQL test binaries share: the server's URL from the environment, and a
//! tokio runtime with its time driver (write turns end on tokio's timer).

/// The server's URL.
pub(crate) const URL: &str = "PARTNERKIT_POSTGRES_URL";
/// Set to `1` to fail, instead of skipping, when there is no server.
pub(crate) const REQUIRE: &str = "PARTNERKIT_REQUIRE_POSTGRES";

pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// The server's URL, or `None` (after printing why, once per test binary, past the
/// harness's output capture) when the tests should not run.
pub(crate) fn url() -> Option<String> {
    match std::env::var(URL) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var(REQUIRE).as_deref() != Ok("1"),
                "{REQUIRE}=1 but {URL} is not set"
            );
            static SAID: std::sync::Once = std::sync::Once::new();
            SAID.call_once(|| {
                use std::io::Write;
                let binary = std::env::args().next().unwrap_or_default();
                writeln!(std::io::stderr(), "{binary}: not run, set {URL}").ok();
            });
            None
        }
    }
}
