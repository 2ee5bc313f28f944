//! Secrets and randomness: generated secrets are uniform, secrets never leak (rules ).

use std::collections::BTreeMap;

use partnerkit_core::testing::default_now;
use partnerkit_core::*;

/// A broken random source that only ever returns the byte `b`.
struct Constant(u8);
impl SecureRandom for Constant {
    fn fill(&self, buf: &mut [u8]) -> Result<(), Error> {
        buf.fill(self.0);
        Ok(())
    }
}

/// A random source that always fails.
struct Failing;
impl SecureRandom for Failing {
    fn fill(&self, _: &mut [u8]) -> Result<(), Error> {
        Err(Error::RandomnessFailed {
            reason: "no entropy".into(),
        })
    }
}

#[test]
fn generated_secrets_have_the_documented_length_and_alphabet() {
    // rule: X-6
    let rng = SeededRandom::new(1);
    let p = SecretString::generate_password(&rng).unwrap();
    let k = SecretString::generate_key_value(&rng).unwrap();
    assert_eq!(p.len(), 22);
    assert_eq!(k.len(), 40);
    assert_eq!(SECRET_ALPHABET.len(), 57);
    // 22 characters of 57 carry at least 128 bits.
    assert!(22.0 * 57f64.log2() >= 128.0);
    for c in p.expose_secret().chars().chain(k.expose_secret().chars()) {
        assert!(SECRET_ALPHABET.contains(c), "{c:?} is not in the alphabet");
    }
}

#[test]
fn every_alphabet_character_appears() {
    // rule: X-6
    let rng = SeededRandom::new(2);
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..200 {
        seen.extend(
            SecretString::generate_key_value(&rng)
                .unwrap()
                .expose_secret()
                .chars(),
        );
    }
    let alphabet: std::collections::BTreeSet<char> = SECRET_ALPHABET.chars().collect();
    assert_eq!(seen, alphabet);
}

#[test]
fn generated_characters_are_uniform() {
    // rule: X-6 — rejection sampling, no modulo bias. With `byte % 57` the first 28
    // characters would come 5/4 as often, giving a chi-square in the thousands.
    let rng = SeededRandom::new(3);
    let mut counts: BTreeMap<char, u64> = SECRET_ALPHABET.chars().map(|c| (c, 0)).collect();
    let draws = 2_000;
    for _ in 0..draws {
        for c in SecretString::generate_key_value(&rng)
            .unwrap()
            .expose_secret()
            .chars()
        {
            *counts.get_mut(&c).unwrap() += 1;
        }
    }
    let total = (draws * 40) as f64;
    let expected = total / 57.0;
    let chi2: f64 = counts
        .values()
        .map(|&n| {
            let d = n as f64 - expected;
            d * d / expected
        })
        .sum();
    // 56 degrees of freedom: the 99.99th percentile is about 107.
    assert!(
        chi2 < 107.0,
        "chi-square {chi2} says the characters are not uniform"
    );
    for (c, &n) in &counts {
        assert!(
            (n as f64 - expected).abs() < expected * 0.15,
            "{c:?} came {n} times, expected about {expected}"
        );
    }
}

#[test]
fn unusable_bytes_are_rejected_not_folded() {
    // rule: X-6 — bytes 228..=255 would bias the first characters; they are thrown away,
    // and a source that gives nothing else is reported, not looped on forever.
    assert_eq!(
        SecretString::generate_password(&Constant(228)).unwrap_err(),
        Error::RandomnessFailed {
            reason: "the random source keeps returning unusable bytes".into()
        }
    );
    // 227 is the last usable byte: 227 % 57 = 56, the last alphabet character.
    let p = SecretString::generate_password(&Constant(227)).unwrap();
    assert_eq!(p.expose_secret(), "9".repeat(22));
    assert!(matches!(
        SecretString::generate_key_value(&Failing),
        Err(Error::RandomnessFailed { .. })
    ));
}

#[test]
fn seeded_random_is_repeatable_and_os_random_is_not() {
    // rule: X-6
    let a = SecretString::generate_password(&SeededRandom::new(9)).unwrap();
    let b = SecretString::generate_password(&SeededRandom::new(9)).unwrap();
    let c = SecretString::generate_password(&SeededRandom::new(10)).unwrap();
    assert_eq!(a, b);
    assert_ne!(a, c);
    let x = SecretString::generate_password(&OsRandom).unwrap();
    let y = SecretString::generate_password(&OsRandom).unwrap();
    assert_ne!(x, y);
}

#[test]
fn context_without_randomness_says_how_to_add_it() {
    // rule: X-6
    let ids = SequentialIds::default();
    let ctx = Context::new(default_now(), Actor::Marketplace, &ids);
    let err = ctx.rng().err().unwrap();
    assert_eq!(err, Error::NoRandomness);
    assert!(err.to_string().contains("Context::with_rng"), "{err}");
    let rng = SeededRandom::new(1);
    let ctx = ctx.with_rng(&rng);
    let p = SecretString::generate_password(ctx.rng().unwrap()).unwrap();
    assert_eq!(p.len(), 22);
}

#[test]
fn context_is_copy_send_and_sync() {
    fn assert_traits<T: Copy + Send + Sync>() {}
    assert_traits::<Context<'static>>();
    let ids = SequentialIds::default();
    let rng = OsRandom;
    let ctx = Context::new(default_now(), Actor::Marketplace, &ids).with_rng(&rng);
    // Usable from another thread.
    let id: UserId = std::thread::scope(|s| s.spawn(|| ctx.new_id()).join().unwrap());
    assert_eq!(id.to_string(), "00000000-0000-0000-0000-000000000001");
}

#[test]
fn secrets_compare_by_value() {
    // rule: X-4 — equality is by content (in constant time), fingerprints match only their
    // own secret.
    let a = SecretString::new("correct horse");
    assert_eq!(a, SecretString::new("correct horse"));
    assert_ne!(a, SecretString::new("correct horsf"));
    assert_ne!(a, SecretString::new("correct hors"));
    assert!(a.fingerprint().matches(&a));
    assert!(!a.fingerprint().matches(&SecretString::new("correct horsf")));
}

#[test]
fn chosen_passwords_are_salted_slow_hashes() {
    // rule: X-6 — one password, two users: two different hashes, both verify.
    let rng = SeededRandom::new(5);
    let pw = SecretString::new("Tr0ub4dor&3");
    let a = PasswordHash::hash(&pw, &rng).unwrap();
    let b = PasswordHash::hash(&pw, &rng).unwrap();
    assert_ne!(a, b, "a fresh salt per hash");
    assert!(a.as_str().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    assert!(a.verify(&pw) && b.verify(&pw));
    assert!(!a.verify(&SecretString::new("Tr0ub4dor&4")));
    assert!(!a.as_str().contains("Tr0ub4dor"));
}

#[test]
fn password_hash_serde_goes_through_validation() {
    // rule: X-6
    let rng = SeededRandom::new(6);
    let pw = SecretString::new("correct horse battery");
    let h = PasswordHash::hash(&pw, &rng).unwrap();
    let json = serde_json::to_string(&h).unwrap();
    let back: PasswordHash = serde_json::from_str(&json).unwrap();
    assert_eq!(back, h);
    assert!(back.verify(&pw));
    assert_eq!(PasswordHash::new(h.as_str()).unwrap(), h);
    for bad in [
        "\"\"",
        "\"not a hash\"",
        // An unsalted SHA-256 fingerprint is not a password hash.
        "\"3a7dba9c30507f4045b460889f9487b71e1f55978f1d13128c0ce6bd7853545a\"",
        // argon2i is refused: only argon2id.
        "\"$argon2i$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc\"",
        // 4 GiB of memory per verification would let a stored hash exhaust the host.
        "\"$argon2id$v=19$m=4194304,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc\"",
        // A salt of 8 bytes is too short.
        "\"$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc\"",
    ] {
        let err = serde_json::from_str::<PasswordHash>(bad).unwrap_err();
        assert!(
            err.to_string().contains("password hash is not valid"),
            "{bad}: {err}"
        );
    }
    let long = format!("\"{}\"", "a".repeat(10_000));
    assert!(serde_json::from_str::<PasswordHash>(&long).is_err());
}

#[test]
fn password_hash_debug_hides_salt_and_hash() {
    // rule: X-4
    let h = PasswordHash::hash(&SecretString::new("hunter22"), &SeededRandom::new(8)).unwrap();
    let salt_and_hash = h.as_str().rsplitn(3, '$').take(2).collect::<Vec<_>>();
    let shown = format!("{h:?}");
    assert_eq!(
        shown,
        "PasswordHash($argon2id$v=19$m=19456,t=2,p=1$[REDACTED])"
    );
    for part in salt_and_hash {
        assert!(!shown.contains(part));
    }
}

#[test]
fn the_documented_alphabet_is_the_one_used() {
    // rule: X-6 — the docs once named another alphabet than the code used.
    let src = include_str!("../src/secret.rs");
    assert!(src.contains(&format!("/// `{SECRET_ALPHABET}`.")));
    let mut sorted: Vec<char> = SECRET_ALPHABET.chars().collect();
    sorted.dedup();
    assert_eq!(sorted.len(), 57, "no character twice");
    for lookalike in ['I', 'O', 'l', '0', '1'] {
        assert!(!SECRET_ALPHABET.contains(lookalike));
    }
}
