//! Secrets: values that are never printed, never serialised, and stored only as fingerprints
//! or masked forms (rule X-4).

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use subtle::ConstantTimeEq;
use zeroize::{Zeroize, Zeroizing};

use crate::error::Error;
use crate::random::SecureRandom;

/// The characters of generated passwords and key values: the 57 letters and digits left
/// when the look-alikes `I`, `O`, `l`, `0` and `1` are removed:
/// `ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789`.
pub const SECRET_ALPHABET: &str = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/// A secret text: a password, a key value, a bank account number.
///
/// `Debug` and `Display` print `[REDACTED]`; it implements neither `Serialize` nor
/// `Deserialize`, so it cannot end up in stored state by accident. Read it with
/// [`expose_secret`](SecretString::expose_secret) where it must be shown, once.
///
/// Its memory is overwritten with zeros when it is dropped (rule X-4), and `==` compares in
/// constant time, so a comparison does not tell how many leading characters matched.
///
/// ```
/// use partnerkit_core::SecretString;
/// let s = SecretString::new("hunter2");
/// assert_eq!(format!("{s:?} {s}"), "SecretString([REDACTED]) [REDACTED]");
/// assert_eq!(s.expose_secret(), "hunter2");
/// ```
#[derive(Clone)]
pub struct SecretString(String);

impl SecretString {
    /// Characters of a password made by [`generate_password`](SecretString::generate_password):
    /// 22 characters of the 57 of [`SECRET_ALPHABET`] give 128.3 bits.
    pub const PASSWORD_CHARS: usize = 22;

    /// Characters of a key value made by
    /// [`generate_key_value`](SecretString::generate_key_value): 40 characters of the 57 of
    /// [`SECRET_ALPHABET`] give 233 bits.
    pub const KEY_VALUE_CHARS: usize = 40;

    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        SecretString(value.into())
    }

    /// A new temporary password (rule USR-8, X-6): [`PASSWORD_CHARS`](Self::PASSWORD_CHARS)
    /// characters drawn uniformly from [`SECRET_ALPHABET`] (at least 128 bits).
    ///
    /// # Errors
    ///
    /// [`Error::RandomnessFailed`] if `rng` fails or keeps returning unusable bytes.
    pub fn generate_password(rng: &dyn SecureRandom) -> Result<SecretString, Error> {
        Self::generate(rng, Self::PASSWORD_CHARS)
    }

    /// A new application key value (rule APP-4, X-6): [`KEY_VALUE_CHARS`](Self::KEY_VALUE_CHARS)
    /// characters drawn uniformly from [`SECRET_ALPHABET`].
    ///
    /// # Errors
    ///
    /// [`Error::RandomnessFailed`] if `rng` fails or keeps returning unusable bytes.
    pub fn generate_key_value(rng: &dyn SecureRandom) -> Result<SecretString, Error> {
        Self::generate(rng, Self::KEY_VALUE_CHARS)
    }

    /// `len` characters drawn uniformly from [`SECRET_ALPHABET`] by rejection sampling: a
    /// random byte `b` is used only if `b < 228` (4 × 57), as `ALPHABET[b % 57]`, so every
    /// character is exactly equally likely; other bytes are thrown away.
    fn generate(rng: &dyn SecureRandom, len: usize) -> Result<SecretString, Error> {
        const ALPHABET: &[u8] = SECRET_ALPHABET.as_bytes();
        // The largest multiple of the alphabet size that fits a byte: 228.
        const LIMIT: usize = 256 - 256 % ALPHABET.len();
        // 228 of 256 bytes are kept; a healthy source fills a password in one or two rounds.
        // A source that keeps giving only unusable bytes is broken, not unlucky.
        const MAX_ROUNDS: usize = 64;
        let mut out = String::with_capacity(len);
        let mut buf = Zeroizing::new([0u8; 64]);
        for _ in 0..MAX_ROUNDS {
            if out.len() >= len {
                break;
            }
            rng.fill(buf.as_mut_slice())?;
            for &b in buf.iter() {
                if out.len() >= len {
                    break;
                }
                let b = usize::from(b);
                if b < LIMIT
                    && let Some(c) = b.checked_rem(ALPHABET.len()).and_then(|i| ALPHABET.get(i))
                {
                    out.push(char::from(*c));
                }
            }
        }
        if out.len() < len {
            out.zeroize();
            return Err(Error::RandomnessFailed {
                reason: "the random source keeps returning unusable bytes".into(),
            });
        }
        Ok(SecretString(out))
    }

    /// The secret value. Call it only where the value is shown to its owner.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// A one-way fingerprint (SHA-256) for storing and comparing without keeping the value.
    ///
    /// Fit only for high-entropy generated values (key values, temporary passwords). Passwords
    /// people chose are stored as a salted, slow [`PasswordHash`](crate::PasswordHash) instead
    /// (rule X-6).
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

impl Drop for SecretString {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl PartialEq for SecretString {
    /// Constant-time in the contents (the length may show).
    fn eq(&self, other: &Self) -> bool {
        self.0.as_bytes().ct_eq(other.0.as_bytes()).into()
    }
}

impl Eq for SecretString {}

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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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

    /// True if `secret` has this fingerprint. Compares in constant time.
    pub fn matches(&self, secret: &SecretString) -> bool {
        self.0
            .as_bytes()
            .ct_eq(secret.fingerprint().0.as_bytes())
            .into()
    }

    /// The hex text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Fingerprint {
    type Error = Error;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        if s.len() == 64
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            Ok(Fingerprint(s))
        } else {
            Err(Error::InvalidId {
                kind: "fingerprint".into(),
                given: crate::error::clip(&s, 80),
                expected: "64 lowercase hexadecimal digits (SHA-256)".into(),
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
///
/// Serialised as its text. Deserialising accepts only a properly masked text (rule X-4): `•`
/// characters followed by the visible characters, at most half of the whole shown — what
/// [`Masked::of`] makes — so a stored full account number can never pass as masked.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct Masked(String);

impl Masked {
    /// Masks all but the last `visible` characters of `value`. At most half of a value is
    /// ever shown, however large `visible` is.
    ///
    /// A value longer than [`Masked::MAX_CHARS`] is masked as its last `MAX_CHARS`
    /// characters, so every mask reads back through [`Masked::new`].
    pub fn of(value: &str, visible: usize) -> Self {
        let all = value.chars().count();
        let n = all.min(Self::MAX_CHARS);
        let shown = visible.min(n / 2);
        let hidden = n.saturating_sub(shown);
        let mut s: String = "•".repeat(hidden);
        s.extend(value.chars().skip(all.saturating_sub(shown)));
        Masked(s)
    }

    /// Checks a stored masked text: one or more `•`, then at most as many visible characters
    /// as there are `•` (at most half of the text shown), and the empty text (the mask of an
    /// empty value).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidText`] if more than half would be visible or the text is longer than
    /// [`Masked::MAX_CHARS`].
    pub fn new(masked: &str) -> Result<Masked, Error> {
        let invalid = |reason: String| Error::InvalidText {
            field: "masked value".into(),
            reason,
        };
        if masked.len() > Self::MAX_CHARS.saturating_mul(4) {
            return Err(invalid(format!(
                "it is longer than {} characters",
                Self::MAX_CHARS
            )));
        }
        let total = masked.chars().count();
        let hidden = masked.chars().take_while(|c| *c == '•').count();
        let shown = total.saturating_sub(hidden);
        if shown > total / 2 {
            return Err(invalid(format!(
                "it shows {shown} of {total} characters; at most half may be shown, the rest as •"
            )));
        }
        Ok(Masked(masked.to_owned()))
    }

    /// The longest masked text [`Masked::new`] and deserialising accept, in characters.
    pub const MAX_CHARS: usize = 1024;

    /// The masked text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Masked {
    type Error = Error;
    fn try_from(s: String) -> Result<Self, Error> {
        Masked::new(&s)
    }
}

impl From<Masked> for String {
    fn from(m: Masked) -> String {
        m.0
    }
}

impl fmt::Display for Masked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
