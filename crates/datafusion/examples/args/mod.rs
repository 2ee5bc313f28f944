//! The examples' command-line flags: `--name value`, with a default.

/// The value after `name` in `args`, parsed; `default` if it is missing or does not parse.
pub(crate) fn flag<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> T {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
