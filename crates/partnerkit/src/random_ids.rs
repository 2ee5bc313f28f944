//! Ids for a production host.

use partnerkit_core::IdSource;
use uuid::Uuid;

/// Fresh random UUIDs (version 4, from the operating system's random number generator): the
/// [`IdSource`] a production host passes to [`Context::new`](partnerkit_core::Context::new).
/// Tests use [`SequentialIds`](partnerkit_core::SequentialIds) instead.
///
/// ```
/// use partnerkit::RandomIds;
/// use partnerkit::core::chrono::Utc;
/// use partnerkit::core::{Actor, Context, IdSource};
///
/// let ids = RandomIds;
/// let ctx = Context::new(Utc::now(), Actor::Marketplace, &ids);
/// assert_ne!(ids.next_uuid(), ids.next_uuid());
/// # let _ = ctx;
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomIds;

impl IdSource for RandomIds {
    fn next_uuid(&self) -> Uuid {
        Uuid::new_v4()
    }
}
