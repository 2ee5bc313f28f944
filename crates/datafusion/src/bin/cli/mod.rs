//! The binaries' flags: `--name value`, each known, each value parsed or an error.

use std::fmt::Display;
use std::process::ExitCode;
use std::str::FromStr;

/// The process's exit: success, or `program: error` on stderr and failure.
pub(crate) fn exit(program: &str, result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{program}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The command line after the program's name.
pub(crate) struct Args {
    args: Vec<String>,
}

impl Args {
    /// The process's arguments; an error names a flag not in `known` (each takes a value).
    pub(crate) fn parse(known: &[&str]) -> Result<Args, String> {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let mut rest = args.iter();
        while let Some(a) = rest.next() {
            if !known.contains(&a.as_str()) {
                return Err(format!(
                    "unknown argument {a} (known: {})",
                    known.join(", ")
                ));
            }
            if rest.next().is_none() {
                return Err(format!("{a} needs a value"));
            }
        }
        Ok(Args { args })
    }

    /// The value after `name`, parsed; `default` if the flag is not given.
    pub(crate) fn get<T>(&self, name: &str, default: T) -> Result<T, String>
    where
        T: FromStr,
        T::Err: Display,
    {
        Ok(self.parsed(name)?.unwrap_or(default))
    }

    /// The value after `name`, parsed, if the flag is given.
    pub(crate) fn parsed<T>(&self, name: &str) -> Result<Option<T>, String>
    where
        T: FromStr,
        T::Err: Display,
    {
        self.optional(name)
            .map(|value| value.parse().map_err(|e| format!("{name} {value}: {e}")))
            .transpose()
    }

    /// The value after `name`, if the flag is given ([`parse`](Self::parse) checked that
    /// every flag has one).
    pub(crate) fn optional(&self, name: &str) -> Option<String> {
        let i = self.args.iter().position(|a| a == name)?;
        self.args.get(i + 1).cloned()
    }
}
