//! The hosting guide quotes compiled code: each Rust snippet of `docs/HOSTS.md` whose first
//! line names a file of the repository (`// crates/axum/src/routes.rs, …`) has its code lines,
//! in order, in that file, so the guide cannot drift from what compiles and runs. The quoted
//! files include partnerkit-axum's (`crates/axum`, a workspace of its own): this test only
//! reads them, so the README's `cargo test --workspace` checks the guide without building the
//! web stack.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[test]
fn the_guide_quotes_compiled_code() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap();
    let guide = std::fs::read_to_string(root.join("docs/HOSTS.md")).unwrap();
    assert!(
        guide.contains("## HTTP"),
        "docs/HOSTS.md has its HTTP section"
    );
    let mut checked = 0;
    let mut lines = guide.lines();
    while let Some(line) = lines.next() {
        if !line.trim_start().starts_with("```rust") {
            continue;
        }
        let block: Vec<&str> = lines
            .by_ref()
            .take_while(|l| !l.trim_start().starts_with("```"))
            .collect();
        let Some(file) = block
            .first()
            .and_then(|l| l.trim().strip_prefix("// "))
            .and_then(|c| c.split([',', ':', ' ']).next())
            .filter(|f| f.starts_with("examples/") || f.starts_with("crates/"))
        else {
            continue;
        };
        let source = std::fs::read_to_string(root.join(file))
            .unwrap_or_else(|e| panic!("the guide quotes {file}: {e}"));
        let source: Vec<&str> = source.lines().map(str::trim).collect();
        let mut at = 0;
        for want in block
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty() && !l.starts_with("//"))
        {
            match source[at..].iter().position(|l| *l == want) {
                Some(i) => at += i + 1,
                None => {
                    panic!("the guide quotes `{want}` from {file}, which is not there (in order)")
                }
            }
        }
        checked += 1;
    }
    assert!(
        checked >= 8,
        "only {checked} snippets found naming their file"
    );
}
