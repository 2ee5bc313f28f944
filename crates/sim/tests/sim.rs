//! The simulator's fixed budget in `cargo test`; CI runs a larger one in release
//! (`.ci/run`).

use partnerkit_sim::{Config, run};

// rule: ROL-7, ROL-8, ROL-9, USR-7, X-2, X-3, X-4, X-8
#[test]
fn random_command_streams_keep_every_invariant() {
    let report = run(&Config {
        seed: 20_271_104,
        commands: 3_000,
        steps_per_run: 50,
    });
    match report {
        Ok(report) => {
            assert!(report.accepted > 0, "{report:?}");
            assert!(report.denied > 0, "{report:?}");
            assert!(report.faults > 0, "{report:?}");
        }
        Err(failure) => panic!("{failure}"),
    }
}
