//! A production clock, id source and secure randomness: the system clock and random UUIDs,
//! implementing `partnerkit_core::Clock` and `IdSource`, and the operating system's random
//! generator (`OsRandom`) for secrets. partnerkit's crates never read a clock or draw
//! randomness themselves (rule X-5); the host supplies all three, as here.
//!
//! Through the facade, none of this is needed: `partnerkit` turns on chrono's `clock` and
//! uuid's `v4`, so `partnerkit::core::chrono::Utc::now()` and `partnerkit::RandomIds` are
//! there (see the `small_host` example). This example uses `partnerkit-core` alone, whose
//! chrono has no `clock` and whose uuid has neither `v4` nor `v7`, and writes its own clock and
//! a time-ordered (v7) id source. A host using the core crate alone turns the features on in
//! its own manifest; this example crate does it in its `production` feature:
//!
//! ```toml
//! chrono = { version = "0.4", default-features = false, features = ["clock"] }
//! uuid = { version = "1", default-features = false, features = ["v4", "v7"] }
//! ```
//!
//! Run with `cargo run --example production_clock --features production`.

use std::error::Error;

use partnerkit_core::chrono::{DateTime, Utc};
use partnerkit_core::uuid::Uuid;
use partnerkit_core::{AccountId, Actor, Clock, Context, IdSource, OsRandom, SecretString, UserId};

/// The system clock, in UTC.
#[derive(Debug, Clone, Copy, Default)]
struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Fresh ids from the operating system's random generator.
///
/// Not time-ordered: UUID v4 (122 random bits). Time-ordered: UUID v7, a millisecond
/// timestamp then random bits, so ids made later sort later, which keeps database
/// indexes on ids compact. Ids are identifiers, not secrets: never use one as a password;
/// secrets come from a `SecureRandom` such as `OsRandom`, given with `Context::with_rng`.
#[derive(Debug, Clone, Copy)]
struct RandomIds {
    time_ordered: bool,
}

impl IdSource for RandomIds {
    fn next_uuid(&self) -> Uuid {
        if self.time_ordered {
            Uuid::now_v7()
        } else {
            Uuid::new_v4()
        }
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let clock = SystemClock;
    let ids = RandomIds { time_ordered: true };

    // One context per command: the time is read once, so every event of the command carries
    // the same instant.
    let ctx = Context::at_clock(&clock, Actor::Marketplace, &ids);
    let account: AccountId = ctx.new_id();
    let users: Vec<UserId> = (0..3).map(|_| ctx.new_id()).collect();
    println!("at {} the marketplace opens account {account}", ctx.now());
    for user in &users {
        println!("  user {user}");
    }
    // v7 ids made later sort later.
    let mut sorted = users.clone();
    sorted.sort();
    println!("  in creation order when sorted: {}", sorted == users);

    // v4 ids carry no time at all.
    let random = RandomIds {
        time_ordered: false,
    };
    let a: AccountId = Context::at_clock(&clock, Actor::Marketplace, &random).new_id();
    println!(
        "a v4 account id: {a} (version {})",
        a.uuid().get_version_num()
    );

    // Secrets (initial passwords, app key values, password-hash salts) come from the
    // operating system's secure generator, given to the context of the commands that make
    // them. Without it such a command is refused, never made with weak randomness (rule X-6).
    let ctx = Context::at_clock(&clock, Actor::Marketplace, &ids);
    println!("without randomness: {}", describe(ctx.rng().map(|_| ())));
    let ctx = ctx.with_rng(&OsRandom);
    let password = SecretString::generate_password(ctx.rng()?)?;
    println!(
        "with OsRandom: a {}-character password, printed as {password:?}",
        password.len()
    );
    Ok(())
}

fn describe(result: Result<(), partnerkit_core::Error>) -> String {
    match result {
        Ok(()) => "random bytes available".to_owned(),
        Err(e) => format!("refused: {e}"),
    }
}
