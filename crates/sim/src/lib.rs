//! A seeded simulator for partnerkit's [`AccountService`](partnerkit::AccountService): random multi-actor command
//! streams over simulated months, with injected store faults, checking the service's
//! invariants after every step.
//!
//! ```
//! use partnerkit_sim::{Config, run};
//!
//! let report = run(&Config { seed: 7, commands: 300, steps_per_run: 50 })
//!     .map_err(|failure| failure.to_string())?;
//! assert!(report.commands >= 300);
//! # Ok::<(), String>(())
//! ```
//!
//! Each run opens a fixture account — the marketplace, its owner account, Managers,
//! Developers, users holding only custom `[manage_groups]`, `[manage_users]` or
//! `[manage_app_keys]`, a work account and a group the owner account granted Owner, an app
//! holding Manager, a pending guest; in a lean run Alice is the only Manager — and then lets
//! random actors (including strangers, removed users and other owner accounts) send random
//! commands with random data, a quarter of them edge steps aimed at principals holding more
//! than the actor and at the last Manager. After every step it checks:
//!
//! - **no escalation** (rules ROL-7, ROL-8): after an accepted command, every principal holds
//!   at most what it held before plus what the actor held; no principal but the owner account
//!   holds payout or tax settings;
//! - **no takes or reveals** (rule ROL-9): an accepted command removed, reduced, reset,
//!   renamed or keyed no principal that held a permission the actor did not, and revealed no
//!   secret of one — judged from the stored events, not from the service's own check;
//! - **a Manager remains** (rule USR-7): once a user who can sign in held Manager, one does,
//!   unless no user can sign in at all (the only tenant removed by the owner account);
//! - **refused means unchanged** (rules X-2, X-3): a denied or failed command (including a
//!   store fault) leaves version and state as they were;
//! - **one refusal** (rule X-2): strangers, removed users, pending guests and users claiming
//!   another tenant get `cannot_sign_in` for every kind of command, on the account and on one
//!   that does not exist;
//! - **reads by class** (rule X-8): `state_for` and `history_for` hold exactly the classes
//!   the actor's holdings cover, and never a credential verifier; the read table agrees with
//!   `authorize`;
//! - **state == fold(history)** with every event read back through JSON, and the service's
//!   cached state equal to it;
//! - **no secret leaks**: no generated or chosen secret appears in the state's `Debug` or
//!   JSON, or in the stored history;
//! - **no panic**.
//!
//! A failure carries its seed and the shortest command trace that still fails (found by
//! removing steps one at a time), and replays from the seed.

mod rng;
mod store;
mod world;

use std::fmt;
use std::time::{Duration, Instant};

pub use rng::Rng;
pub use store::{Fault, FaultyStore, Injected};
pub use world::{Step, World};

/// What to simulate.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// The seed: the same seed gives the same runs.
    pub seed: u64,
    /// How many random commands to send in all (the fixture's commands come on top).
    pub commands: u64,
    /// How many commands each run sends before a fresh account is opened.
    pub steps_per_run: u32,
}

/// What a simulation did.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Random commands sent (fixture commands not counted).
    pub commands: u64,
    /// Runs (fresh accounts).
    pub runs: u64,
    /// Commands the service accepted.
    pub accepted: u64,
    /// Commands the service denied (the actor may not).
    pub denied: u64,
    /// Commands a rule refused.
    pub refused: u64,
    /// Commands that met an injected store fault.
    pub faults: u64,
    /// Invariant checks made.
    pub checks: u64,
    /// Wall time.
    pub elapsed: Duration,
}

/// A broken invariant, with what reproduces it.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The seed of the simulation.
    pub seed: u64,
    /// The run (fresh account) it happened in; its world seed is derived from both.
    pub run: u64,
    /// How many random commands had been sent when it broke, the breaking one included
    /// (0 if the fixture failed).
    pub commands: u64,
    /// What broke.
    pub message: String,
    /// The shortest trace found that still breaks an invariant, after the fixture.
    pub trace: Vec<Step>,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "invariant broken (seed {}, run {}, after {} commands): {}",
            self.seed, self.run, self.commands, self.message
        )?;
        writeln!(f, "shortest trace ({} steps):", self.trace.len())?;
        for (i, step) in self.trace.iter().enumerate() {
            let json = serde_json::to_string(step).unwrap_or_else(|e| e.to_string());
            writeln!(f, "  {i:>3}: {json}")?;
        }
        write!(
            f,
            "replay: cargo run -p partnerkit-sim --release -- --seed {} --commands {}",
            self.seed,
            (self.run + 1) * 50
        )
    }
}

/// The seed of run `run` of a simulation seeded with `seed`.
pub fn run_seed(seed: u64, run: u64) -> u64 {
    Rng::new(seed ^ run.wrapping_mul(0xA076_1D64_78BD_642F)).next_u64()
}

/// Simulates `config.commands` random commands, in runs of `config.steps_per_run`.
///
/// # Errors
/// The first broken invariant, shrunk to its shortest trace.
pub fn run(config: &Config) -> Result<Report, Failure> {
    let started = Instant::now();
    let mut report = Report::default();
    let per_run = u64::from(config.steps_per_run.max(1));
    let mut run = 0;
    while report.commands < config.commands {
        let seed = run_seed(config.seed, run);
        let mut world = World::new(seed).map_err(|message| Failure {
            seed: config.seed,
            run,
            commands: report.commands,
            message: format!("the fixture failed: {message}"),
            trace: Vec::new(),
        })?;
        let mut trace = Vec::new();
        for _ in 0..per_run.min(config.commands - report.commands) {
            let step = world.next_step();
            trace.push(step.clone());
            report.commands += 1;
            match world.apply_and_check(&step, &mut report) {
                Ok(()) => {}
                Err(message) => {
                    let trace = shrink(seed, trace);
                    return Err(Failure {
                        seed: config.seed,
                        run,
                        commands: report.commands,
                        message,
                        trace,
                    });
                }
            }
        }
        if let Err(message) = world.check_secrets(&mut report) {
            return Err(Failure {
                seed: config.seed,
                run,
                commands: report.commands,
                message,
                trace: shrink(seed, trace),
            });
        }
        report.runs += 1;
        run += 1;
    }
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Replays `steps` on a fresh world of `seed`; the first broken invariant, if any.
pub fn replay(seed: u64, steps: &[Step]) -> Option<String> {
    let mut world = match World::new(seed) {
        Ok(w) => w,
        Err(e) => return Some(format!("the fixture failed: {e}")),
    };
    let mut report = Report::default();
    for step in steps {
        if let Err(message) = world.apply_and_check(step, &mut report) {
            return Some(message);
        }
    }
    world.check_secrets(&mut report).err()
}

/// Removes steps one at a time while the trace still fails.
fn shrink(seed: u64, mut steps: Vec<Step>) -> Vec<Step> {
    if replay(seed, &steps).is_none() {
        return steps;
    }
    let mut i = steps.len();
    while i > 0 {
        i -= 1;
        let mut shorter = steps.clone();
        shorter.remove(i);
        if replay(seed, &shorter).is_some() {
            steps = shorter;
        }
    }
    steps
}
