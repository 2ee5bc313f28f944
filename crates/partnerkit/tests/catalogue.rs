//! docs/RULES.md is the catalogue of the rules the code cites: every test that cites a rule
//! (`// rule: PAY-6`) is listed in that rule's row, every row is a [`Rule`], and every test a
//! row lists exists and cites it. Run by `cargo test -p partnerkit`; when it fails, it says
//! which line of the catalogue to add or drop.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use partnerkit::core::Rule;

/// The workspace's root (this file is in crates/partnerkit/tests).
pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.rs` file under `dir`, relative to the root, sorted.
pub(crate) fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if p.is_dir() && name != "target" && !name.starts_with('.') {
            sources(&p, out);
        } else if name.ends_with(".rs") {
            out.push(p);
        }
    }
}

/// The rules a `// rule: A, B (why)` comment cites; `None` if the line is no citation.
fn cited(line: &str) -> Option<Vec<String>> {
    let rest = line.trim_start().strip_prefix("//")?;
    let rest = rest
        .strip_prefix(' ')
        .unwrap_or(rest)
        .strip_prefix("rule:")?;
    let ids = rest
        .split(',')
        .map(|t| t.split_whitespace().next().unwrap_or_default().to_string())
        .take_while(|t| {
            t.split_once('-').is_some_and(|(a, n)| {
                !a.is_empty()
                    && a.chars().all(|c| c.is_ascii_uppercase())
                    && !n.is_empty()
                    && n.chars().all(|c| c.is_ascii_digit())
            })
        })
        .collect::<Vec<_>>();
    Some(ids)
}

/// The name a line declares with `fn`, if any.
fn declared_fn(line: &str) -> Option<&str> {
    let code = line.split("//").next().unwrap_or_default();
    let at = code
        .match_indices("fn ")
        .find(|(i, _)| *i == 0 || !code.as_bytes()[i - 1].is_ascii_alphanumeric())?
        .0;
    let name = &code[at + 3..];
    let end = name
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(name.len());
    (end > 0).then(|| &name[..end])
}

/// A citation found in the code: the rule and the function it is in or just above.
struct Citation {
    rule: String,
    file: String,
    function: Option<String>,
    in_test: bool,
}

/// Every citation of `file` (relative path `rel`). A comment just above a function (only
/// comments and attributes between) cites for that function; any other, for the function
/// it is in.
fn citations(rel: &str, text: &str, out: &mut Vec<Citation>) {
    let mut current: Option<(String, bool)> = None;
    let mut test_attr = false;
    let mut above: Vec<String> = Vec::new();
    let mut flush = |above: &mut Vec<String>, at: &Option<(String, bool)>| {
        for rule in above.drain(..) {
            out.push(Citation {
                rule,
                file: rel.to_string(),
                function: at.as_ref().map(|(f, _)| f.clone()),
                in_test: at.as_ref().is_some_and(|(_, t)| *t),
            });
        }
    };
    for line in text.lines() {
        let t = line.trim_start();
        if t.is_empty() || t.starts_with("///") || t.starts_with("//!") {
            continue;
        }
        if let Some(ids) = cited(t) {
            above.extend(ids);
        } else if t.starts_with("//") {
        } else if t.starts_with("#[") {
            test_attr |= t.contains("test");
        } else if let Some(name) = declared_fn(t) {
            current = Some((name.to_string(), test_attr));
            test_attr = false;
            flush(&mut above, &current);
        } else {
            flush(&mut above, &current);
        }
    }
    flush(&mut above, &current);
}

/// The catalogue's rows: rule ID → the `file::function` entries of its "proven by" column
/// (empty for "none yet").
fn catalogue() -> BTreeMap<String, Vec<String>> {
    let text = std::fs::read_to_string(root().join("docs/RULES.md")).expect("docs/RULES.md");
    let mut rows = BTreeMap::new();
    for line in text.lines().filter(|l| l.starts_with("| ")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let (Some(id), Some(proven)) = (cells.get(1), cells.get(4)) else {
            continue;
        };
        let id = id.split_whitespace().next().unwrap_or_default();
        if !id.contains('-') || id == "ID" {
            continue;
        }
        let entries = proven
            .split("<br>")
            .filter_map(|e| {
                let e = e.trim();
                let inner = e.strip_prefix('`')?;
                Some(inner[..inner.find('`')?].to_string())
            })
            .collect::<Vec<_>>();
        assert!(
            rows.insert(id.to_string(), entries).is_none(),
            "docs/RULES.md has two rows for {id}"
        );
    }
    rows
}

fn every_citation() -> (Vec<Citation>, BTreeMap<String, String>) {
    let mut files = Vec::new();
    for dir in ["crates", "benches", "examples"] {
        sources(&root().join(dir), &mut files);
    }
    let mut out = Vec::new();
    let mut texts = BTreeMap::new();
    for path in files {
        let rel = path
            .strip_prefix(root())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(&path).unwrap();
        citations(&rel, &text, &mut out);
        texts.insert(rel, text);
    }
    (out, texts)
}

#[test]
fn the_catalogue_lists_every_rule_of_the_code_and_nothing_else() {
    let rows = catalogue();
    let listed: BTreeSet<&str> = rows.keys().map(String::as_str).collect();
    let rules: BTreeSet<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
    assert_eq!(
        listed, rules,
        "docs/RULES.md's rows and partnerkit_core::Rule must list the same rules"
    );
    let (found, _) = every_citation();
    let mut unknown = Vec::new();
    for c in &found {
        if c.rule.parse::<Rule>().is_err() {
            unknown.push(format!("{} cites {}, which is no rule", c.file, c.rule));
        }
    }
    assert!(unknown.is_empty(), "{unknown:#?}");
    let cited: BTreeSet<&str> = found.iter().map(|c| c.rule.as_str()).collect();
    for (id, entries) in &rows {
        assert_eq!(
            cited.contains(id.as_str()),
            !entries.is_empty(),
            "{id}: a rule row lists tests exactly when some test cites the rule \
             (its \"proven by\" says \"none yet\" otherwise)"
        );
    }
}

/// What the catalogue should say: each row's "proven by" entries that still exist and cite
/// the rule, in their order, then every citing test not yet listed; and the status line.
fn expected(rows: &BTreeMap<String, Vec<String>>) -> (BTreeMap<String, Vec<String>>, String) {
    let (found, texts) = every_citation();
    let cites = |id: &str, file: &str, function: &str| {
        found
            .iter()
            .any(|c| c.rule == id && c.file == file && c.function.as_deref() == Some(function))
    };
    let mut out = BTreeMap::new();
    for (id, entries) in rows {
        let mut keep: Vec<String> = entries
            .iter()
            .filter(|e| {
                let (file, rest) = e.split_once("::").unwrap_or((e, ""));
                let function = rest.split_whitespace().next().unwrap_or_default();
                let exists = texts.get(file).is_some_and(|t| {
                    t.lines()
                        .any(|l| declared_fn(l.trim_start()) == Some(function))
                });
                exists && cites(id, file, function)
            })
            .cloned()
            .collect();
        for c in found.iter().filter(|c| c.in_test && c.rule == *id) {
            let entry = format!("{}::{}", c.file, c.function.as_deref().unwrap_or("?"));
            if !keep
                .iter()
                .any(|e| e.split_whitespace().next() == Some(entry.as_str()))
            {
                keep.push(entry);
            }
        }
        out.insert(id.clone(), keep);
    }
    let unproven: Vec<&str> = out
        .iter()
        .filter(|(_, e)| e.is_empty())
        .map(|(id, _)| id.as_str())
        .collect();
    let status = format!(
        "**Status:** {} rules; {} cited by at least one test; not yet proven: {}.",
        out.len(),
        out.len() - unproven.len(),
        if unproven.is_empty() {
            "none".to_string()
        } else {
            unproven.join(", ")
        }
    );
    (out, status)
}

/// The catalogue's text with `rows`' "proven by" cells and the `status` line put in.
fn rewritten(text: &str, rows: &BTreeMap<String, Vec<String>>, status: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let id = line
            .strip_prefix("| ")
            .and_then(|l| l.split([' ', '|']).next())
            .unwrap_or_default();
        if line.starts_with("**Status:**") {
            out.push_str(status);
        } else if let Some(entries) = rows.get(id) {
            let cells: Vec<&str> = line.split(" | ").collect();
            let head = cells[..cells.len() - 1].join(" | ");
            let proven = if entries.is_empty() {
                "none yet".to_string()
            } else {
                entries
                    .iter()
                    .map(|e| format!("`{e}`"))
                    .collect::<Vec<_>>()
                    .join("<br>")
            };
            out.push_str(&format!("{head} | {proven} |"));
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

#[test]
fn every_rows_proven_by_is_exactly_the_tests_that_cite_its_rule() {
    // Every test that cites a rule is in the rule's row, and every entry of a row exists and
    // cites the rule. PARTNERKIT_UPDATE_RULES=1 rewrites the column (keeping the order of
    // what is still true) and the status line instead of failing.
    let path = root().join("docs/RULES.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let (rows, status) = expected(&catalogue());
    let want = rewritten(&text, &rows, &status);
    if want == text {
        return;
    }
    if std::env::var_os("PARTNERKIT_UPDATE_RULES").is_some() {
        std::fs::write(&path, want).unwrap();
        return;
    }
    let diff: Vec<String> = text
        .lines()
        .zip(want.lines())
        .filter(|(a, b)| a != b)
        .map(|(a, b)| format!("- {}\n+ {}", clip(a), clip(b)))
        .collect();
    panic!(
        "docs/RULES.md's \"proven by\" column or status line is out of date \
         (PARTNERKIT_UPDATE_RULES=1 cargo test -p partnerkit --test tests catalogue \
         rewrites it):\n{}",
        diff.join("\n")
    );
}

fn clip(s: &str) -> String {
    s.chars().take(160).collect()
}

#[test]
fn the_scanner_reads_citations_as_the_catalogue_describes_them() {
    // A test that cannot fail is a defect: the scanner itself, on a known text.
    let text = "#[test]\nfn a() {\n    // rule: PAY-6, PAY-7 (why)\n    x();\n}\n\
                // rule: X-2\n#[test]\nfn b() {}\nfn helper() {\n    // rule: TEN-4\n}\n";
    let mut out = Vec::new();
    citations("f.rs", text, &mut out);
    let got: Vec<_> = out
        .iter()
        .map(|c| (c.rule.as_str(), c.function.as_deref().unwrap(), c.in_test))
        .collect();
    assert_eq!(
        got,
        [
            ("PAY-6", "a", true),
            ("PAY-7", "a", true),
            ("X-2", "b", true),
            ("TEN-4", "helper", false)
        ]
    );
    assert_eq!(cited("/// see `// rule: PAY-6`"), None);
}
