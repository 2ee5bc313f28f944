//! Secrets: values that are never printed, never serialised, and stored only as fingerprints
//! or masked forms (rule X-4).

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::context::IdSource;

/// A secret text: a password, a key value, a bank account number.
///
/// `Debug` and `Display` print `[REDACTED]`; it implements neither `Serialize` nor
/// `Deserialize`, so it cannot end up in stored state by accident. Read it with
/// [`expose_secret`](SecretString::expose_secret) where it must be shown, once.
///
/// ```
/// use partnerkit_core::SecretString;
/// let s = SecretString::new("hunter2");
/// assert_eq!(format!("{s:?} {s}"), "SecretString([REDACTED]) [REDACTED]");
/// assert_eq!(s.expose_secret(), "hunter2");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        SecretString(value.into())
    }

    /// Generates a secret of `len` characters from the alphabet `A–Z a–z 0–9` with bytes
    /// drawn from `ids` (the host's randomness, rule X-5).
    pub fn generate(ids: &dyn IdSource, len: usize) -> Self {
        const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        let mut bytes = vec![0u8; len];
        ids.fill_bytes(&mut bytes);
        let s = bytes
            .iter()
            .map(|b| {
                let i = usize::from(*b) % ALPHABET.len();
                ALPHABET.get(i).map_or('x', |c| char::from(*c))
            })
            .collect();
        SecretString(s)
    }

    /// The secret value. Call it only where the value is shown to its owner.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// A one-way fingerprint (SHA-256) for storing and comparing without keeping the value.
    ///
    /// Fit for high-entropy generated values (key values, temporary passwords). A host that
    /// stores passwords people chose uses a slow password hash (such as Argon2) instead.
    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of(self.0.as_bytes())
    }

    /// The value with all but the last `visible` characters replaced by `•`, for showing an
    /// account number: `masked(4)` of `"123456789"` is `"•••••6789"`.
    pub fn masked(&self, visible: usize) -> Masked {
        Masked::of(&self.0, visible)
    }

    /// The number of characters.
    pub fn len(&self) -> usize {
        self.0.chars().count()
    }

    /// True for an empty secret.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString([REDACTED])")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl From<String> for SecretString {
    fn from(s: String) -> Self {
        SecretString(s)
    }
}

impl From<&str> for SecretString {
    fn from(s: &str) -> Self {
        SecretString(s.to_owned())
    }
}

/// The SHA-256 fingerprint of a secret, as lowercase hex: safe to store and to show.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Fingerprint(String);

impl Fingerprint {
    fn of(bytes: &[u8]) -> Self {
        let digest = Sha256::digest(bytes);
        let mut hex = String::with_capacity(64);
        for b in digest {
            hex.push_str(&format!("{b:02x}"));
        }
        Fingerprint(hex)
    }

    /// True if `secret` has this fingerprint.
    pub fn matches(&self, secret: &SecretString) -> bool {
        *self == secret.fingerprint()
    }

    /// The hex text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Fingerprint {
    type Error = crate::Error;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        if s.len() == 64
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            Ok(Fingerprint(s))
        } else {
            Err(crate::Error::InvalidId {
                kind: "fingerprint",
                given: crate::error::clip(&s, 80),
                expected: "64 lowercase hexadecimal digits (SHA-256)",
            })
        }
    }
}

impl From<Fingerprint> for String {
    fn from(f: Fingerprint) -> String {
        f.0
    }
}

/// A masked form of a secret, such as `•••••6789`: safe to store and to show.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Masked(String);

impl Masked {
    /// Masks all but the last `visible` characters of `value`. At most half of a value is
    /// ever shown, however large `visible` is.
    pub fn of(value: &str, visible: usize) -> Self {
        let n = value.chars().count();
        let shown = visible.min(n / 2);
        let mut s: String = "•".repeat(n - shown);
        s.extend(value.chars().skip(n - shown));
        Masked(s)
    }

    /// The masked text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Masked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
