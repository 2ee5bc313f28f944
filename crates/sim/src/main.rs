//! `cargo run -p partnerkit-sim --release -- --commands N --seed S`: simulate N random
//! commands from seed S and print what was checked, or the shortest failing trace.

use std::process::ExitCode;

use partnerkit_sim::{Config, run};

fn main() -> ExitCode {
    let mut config = Config {
        seed: 1,
        commands: 200_000,
        steps_per_run: 50,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().and_then(|v| v.parse::<u64>().ok());
        match (arg.as_str(), value) {
            ("--commands", Some(n)) => config.commands = n,
            ("--seed", Some(s)) => config.seed = s,
            ("--steps-per-run", Some(n)) => {
                config.steps_per_run = u32::try_from(n).unwrap_or(u32::MAX)
            }
            _ => {
                eprintln!("usage: partnerkit-sim [--commands N] [--seed S] [--steps-per-run K]");
                return ExitCode::from(2);
            }
        }
    }
    match run(&config) {
        Ok(report) => {
            let secs = report.elapsed.as_secs_f64();
            println!(
                "simulated {} commands in {} runs (seed {}) in {:.1} s: {:.0} commands/s",
                report.commands,
                report.runs,
                config.seed,
                secs,
                report.commands as f64 / secs.max(1e-9)
            );
            println!(
                "accepted {}, denied {}, refused by a rule {}, met an injected store fault {}; {} invariant checks",
                report.accepted, report.denied, report.refused, report.faults, report.checks
            );
            ExitCode::SUCCESS
        }
        Err(failure) => {
            eprintln!("{failure}");
            ExitCode::FAILURE
        }
    }
}
