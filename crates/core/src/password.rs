//! Salted, slow hashes of passwords people choose (rule X-6).

use std::fmt;

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::{Error, Result, clip};
use crate::random::SecureRandom;
use crate::secret::SecretString;

/// A password hashed with Argon2id (RFC 9106) and a random 16-byte salt, kept as its PHC
/// string, such as `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`.
///
/// This is how passwords people chose are stored (rule X-6): two users with the same
/// password get different hashes, and guessing a password from its hash costs 19 MiB of
/// memory and two passes per guess (the OWASP recommendation for Argon2id). Generated
/// high-entropy secrets may use the cheaper [`Fingerprint`](crate::Fingerprint).
///
/// Serialised as the PHC string; deserialising validates it like [`PasswordHash::new`].
/// `Debug` shows the algorithm and parameters but not the salt and hash.
///
/// ```
/// use partnerkit_core::{PasswordHash, SecretString, SeededRandom};
/// let rng = SeededRandom::new(1); // tests only: production uses OsRandom
/// let hash = PasswordHash::hash(&SecretString::new("correct horse battery"), &rng)?;
/// assert!(hash.as_str().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
/// assert!(hash.verify(&SecretString::new("correct horse battery")));
/// assert!(!hash.verify(&SecretString::new("correct horse")));
/// # Ok::<(), partnerkit_core::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct PasswordHash(String);

impl PasswordHash {
    /// The longest PHC string accepted, in bytes (checked before parsing).
    pub const MAX_LEN: usize = 256;
    /// The most memory a stored hash may ask for, in KiB (256 MiB): verifying a hash runs with
    /// its own parameters, so a stored hash must not be able to exhaust the host.
    pub const MAX_MEMORY_KIB: u32 = 256 * 1024;
    /// The most passes a stored hash may ask for.
    pub const MAX_PASSES: u32 = 16;
    /// The most lanes a stored hash may ask for.
    pub const MAX_LANES: u32 = 16;

    const SALT_LEN: usize = 16;

    /// Hashes `password` with Argon2id (19 MiB, 2 passes, 1 lane) and a fresh salt from `rng`.
    ///
    /// # Errors
    ///
    /// [`Error::RandomnessFailed`] if `rng` fails; [`Error::InvalidPasswordHash`] if hashing
    /// fails (it does not for any password shorter than 4 GiB).
    pub fn hash(password: &SecretString, rng: &dyn SecureRandom) -> Result<Self> {
        let mut salt = Zeroizing::new([0u8; Self::SALT_LEN]);
        rng.fill(salt.as_mut_slice())?;
        let hash = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::DEFAULT)
            .hash_password_with_salt(password.expose_secret().as_bytes(), salt.as_slice())
            .map_err(|e| Error::InvalidPasswordHash {
                reason: format!("hashing failed: {e}"),
            })?;
        PasswordHash::new(&hash.to_string())
    }

    /// True if `password` is the password this hash was made from. The comparison of the
    /// hash outputs takes constant time.
    pub fn verify(&self, password: &SecretString) -> bool {
        match argon2::PasswordHash::new(&self.0) {
            Ok(parsed) => Argon2::default()
                .verify_password(password.expose_secret().as_bytes(), &parsed)
                .is_ok(),
            Err(_) => false,
        }
    }

    /// Validates a stored PHC string: Argon2id, version 19, a salt of at least 16 bytes, a
    /// 32-byte output and parameters within [`MAX_MEMORY_KIB`](Self::MAX_MEMORY_KIB),
    /// [`MAX_PASSES`](Self::MAX_PASSES) and [`MAX_LANES`](Self::MAX_LANES).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPasswordHash`] saying what is wrong.
    pub fn new(phc: &str) -> Result<Self> {
        let invalid = |reason: String| Error::InvalidPasswordHash { reason };
        if phc.len() > Self::MAX_LEN {
            return Err(invalid(format!(
                "it has {} bytes; at most {} are allowed",
                phc.len(),
                Self::MAX_LEN
            )));
        }
        let parsed = argon2::PasswordHash::new(phc)
            .map_err(|e| invalid(format!("it is not a PHC string ({e})")))?;
        if parsed.algorithm.as_str() != "argon2id" {
            return Err(invalid(format!(
                "its algorithm is {:?}; only argon2id is accepted",
                clip(parsed.algorithm.as_str(), 16)
            )));
        }
        if parsed.version != Some(0x13) {
            return Err(invalid("it is not Argon2 version 19 (v=19)".into()));
        }
        let params = Params::try_from(&parsed)
            .map_err(|e| invalid(format!("its parameters are not valid ({e})")))?;
        if params.m_cost() > Self::MAX_MEMORY_KIB
            || params.t_cost() > Self::MAX_PASSES
            || params.p_cost() > Self::MAX_LANES
        {
            return Err(invalid(format!(
                "its cost (m={}, t={}, p={}) is above the limits m={}, t={}, p={}",
                params.m_cost(),
                params.t_cost(),
                params.p_cost(),
                Self::MAX_MEMORY_KIB,
                Self::MAX_PASSES,
                Self::MAX_LANES
            )));
        }
        match (&parsed.salt, &parsed.hash) {
            (Some(salt), Some(hash)) if salt.len() >= Self::SALT_LEN && hash.len() == 32 => {}
            _ => {
                return Err(invalid(
                    "it needs a salt of at least 16 bytes and a 32-byte hash".into(),
                ));
            }
        }
        Ok(PasswordHash(phc.to_owned()))
    }

    /// The PHC string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PasswordHash {
    /// `PasswordHash($argon2id$v=19$m=19456,t=2,p=1$[REDACTED])`: the salt and hash are not
    /// shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The PHC string is `$alg$v=..$params$salt$hash`: keep the first four fields.
        let head: Vec<&str> = self.0.splitn(5, '$').take(4).collect();
        write!(f, "PasswordHash({}$[REDACTED])", head.join("$"))
    }
}

impl TryFrom<String> for PasswordHash {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        PasswordHash::new(&s)
    }
}

impl From<PasswordHash> for String {
    fn from(h: PasswordHash) -> String {
        h.0
    }
}
