//! The size limits of issue 23, checked rather than kept by hand: no source file in
//! `crates/*/src` (all three workspaces: the root one, `crates/axum` and `crates/datafusion`)
//! is over 600 lines, and no function there is over 80 lines, counted from its `fn` line to
//! its closing brace. A file or function that must be larger is listed in [`EXCEPTIONS`] and
//! in docs/ARCHITECTURE.md ("Size limits"), with the reason.
//!
//! The counts assume rustfmt's layout (`cargo fmt --check` is part of CI): a function's body
//! closes on a line holding only `}` at the indentation its `fn` line starts at.

use crate::catalogue::{root, sources};

/// Most lines a source file may have.
const FILE_LINES: usize = 600;
/// Most lines a function may have, its signature and closing brace included.
const FN_LINES: usize = 80;
/// Files or functions (`path` or `path::function`) allowed past the limits. Empty: every
/// exception went in issue 23; adding one needs its reason in docs/ARCHITECTURE.md.
const EXCEPTIONS: &[&str] = &[];

/// Whether `line` declares a function (with a body or without), as rustfmt writes one.
fn declares_fn(line: &str) -> bool {
    let mut rest = line.trim_start();
    for prefix in [
        "pub(crate) ",
        "pub(super) ",
        "pub ",
        "const ",
        "async ",
        "unsafe ",
    ] {
        rest = rest.strip_prefix(prefix).unwrap_or(rest);
    }
    rest.starts_with("fn ")
}

/// The functions of `text` longer than `most` lines: (name, first line, lines).
fn long_functions(text: &str, most: usize) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut long = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if !declares_fn(line) {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let close = format!("{}}}", &line[..indent]);
        // A declaration without a body (in a trait) ends with `;` before any `{`.
        let Some(open) = (i..lines.len()).find(|&j| {
            let l = lines[j].trim_end();
            l.ends_with('{') || l.ends_with(';') || l.ends_with('}')
        }) else {
            continue;
        };
        let opened = lines[open].trim_end();
        if !opened.ends_with('{') {
            continue; // no body, or a body on one line
        }
        let Some(end) = (open + 1..lines.len()).find(|&j| lines[j].trim_end() == close) else {
            continue;
        };
        let count = end - i + 1;
        if count > most {
            let name = line.trim_start().split("fn ").nth(1).unwrap_or_default();
            let name = name
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()
                .unwrap_or_default();
            long.push((name.to_string(), i + 1, count));
        }
    }
    long
}

#[test]
fn no_source_file_over_600_lines_and_no_function_over_80() {
    let root = root();
    let mut files = Vec::new();
    for krate in std::fs::read_dir(root.join("crates")).unwrap() {
        let src = krate.unwrap().path().join("src");
        if src.is_dir() {
            sources(&src, &mut files);
        }
    }
    assert!(files.len() > 100, "found only {} source files", files.len());
    let mut over = Vec::new();
    for file in &files {
        let rel = file
            .strip_prefix(&root)
            .unwrap_or(file)
            .display()
            .to_string();
        let rel = rel.replace("crates/../", "");
        let text = std::fs::read_to_string(file).unwrap();
        let lines = text.lines().count();
        if lines > FILE_LINES && !EXCEPTIONS.contains(&rel.as_str()) {
            over.push(format!("{rel}: {lines} lines (most {FILE_LINES})"));
        }
        for (name, at, count) in long_functions(&text, FN_LINES) {
            if !EXCEPTIONS.contains(&format!("{rel}::{name}").as_str()) {
                over.push(format!(
                    "{rel}:{at}: fn {name} is {count} lines (most {FN_LINES})"
                ));
            }
        }
    }
    assert!(
        over.is_empty(),
        "past the size limits (split them, or list them in EXCEPTIONS and in \
         docs/ARCHITECTURE.md with the reason):\n{}",
        over.join("\n")
    );
}

/// The counter itself: a function of exactly the limit passes, one line more fails; nested
/// blocks, trait declarations and one-line bodies are read as rustfmt writes them.
#[test]
fn the_counter_measures_from_fn_to_its_closing_brace() {
    let body = |n: usize| {
        let inner: String = (0..n)
            .map(|k| format!("        let _x{k} = {k};\n"))
            .collect();
        format!(
            "impl A {{\n    pub(crate) fn long(&self) {{\n        if true {{\n{inner}        }}\n    }}\n}}\n"
        )
    };
    // fn line + `if` line + inner + `}` of the if + closing brace = inner + 4.
    assert!(long_functions(&body(76), 80).is_empty());
    assert_eq!(
        long_functions(&body(77), 80),
        vec![("long".to_string(), 2, 81)]
    );
    let other = "trait T {\n    fn decl(&self);\n    fn one(&self) -> u8 { 1 }\n}\nfn f(\n    a: u8,\n) -> u8 {\n    a\n}\n";
    assert!(long_functions(other, 5).is_empty());
    assert_eq!(long_functions(other, 4), vec![("f".to_string(), 5, 5)]);
}
