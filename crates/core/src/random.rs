//! Randomness for secrets, from the host (rule X-5, X-6).
//!
//! Domain crates never draw randomness themselves: the host hands a [`SecureRandom`] to the
//! [`Context`](crate::Context) with [`Context::with_rng`](crate::Context::with_rng), and code
//! that makes a secret asks for it with [`Context::rng`](crate::Context::rng).

use crate::error::{Error, Result};

/// A cryptographically secure source of random bytes, for secrets (temporary passwords, key
/// values, password-hash salts; rule X-6).
///
/// Ids are not secrets and come from an [`IdSource`](crate::IdSource) instead.
///
/// Production hosts use [`OsRandom`] (feature `os-rng`, on by default). Tests use
/// `SeededRandom` (feature `testing`), which is predictable and never for production.
pub trait SecureRandom: Send + Sync {
    /// Fills `buf` with unpredictable bytes, or says why it cannot.
    fn fill(&self, buf: &mut [u8]) -> Result<(), Error>;
}

impl<T: SecureRandom + ?Sized> SecureRandom for &T {
    fn fill(&self, buf: &mut [u8]) -> Result<(), Error> {
        (**self).fill(buf)
    }
}

/// The operating system's cryptographically secure random number generator, through the
/// [`getrandom`] crate: the randomness every production host should use.
///
/// ```
/// use partnerkit_core::{OsRandom, SecretString};
/// let password = SecretString::generate_password(&OsRandom)?;
/// assert_eq!(password.len(), 22);
/// # Ok::<(), partnerkit_core::Error>(())
/// ```
#[cfg(feature = "os-rng")]
#[cfg_attr(docsrs, doc(cfg(feature = "os-rng")))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OsRandom;

#[cfg(feature = "os-rng")]
impl SecureRandom for OsRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<(), Error> {
        getrandom::fill(buf).map_err(|e| Error::RandomnessFailed {
            reason: e.to_string(),
        })
    }
}

/// A predictable random source for tests and examples: the same seed gives the same bytes in
/// every run (SplitMix64).
///
/// **Never use it in production**: anyone who knows or guesses the seed knows every password
/// and key made with it. It exists only behind the `testing` feature.
///
/// ```
/// use partnerkit_core::{SecretString, SeededRandom};
/// let a = SecretString::generate_password(&SeededRandom::new(7))?;
/// let b = SecretString::generate_password(&SeededRandom::new(7))?;
/// assert_eq!(a, b);
/// # Ok::<(), partnerkit_core::Error>(())
/// ```
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
#[derive(Debug)]
pub struct SeededRandom(std::sync::atomic::AtomicU64);

#[cfg(feature = "testing")]
impl SeededRandom {
    /// A source whose bytes are fixed by `seed`. Tests only: never for production.
    pub fn new(seed: u64) -> Self {
        SeededRandom(std::sync::atomic::AtomicU64::new(seed))
    }

    fn next_u64(&self) -> u64 {
        // SplitMix64: the state advances by the golden gamma; the output is a mix of it.
        const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut z = self
            .0
            .fetch_add(GAMMA, std::sync::atomic::Ordering::Relaxed)
            .wrapping_add(GAMMA);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

#[cfg(feature = "testing")]
impl SecureRandom for SeededRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<(), Error> {
        for chunk in buf.chunks_mut(8) {
            for (dst, src) in chunk.iter_mut().zip(self.next_u64().to_le_bytes()) {
                *dst = src;
            }
        }
        Ok(())
    }
}
