//! Typed identifiers: one newtype per entity, so a [`UserId`] can never be passed where a
//! [`GroupId`] is expected.
//!
//! Ids are UUIDs drawn from the host's [`IdSource`](crate::IdSource) (rule X-5); partnerkit
//! never draws random numbers itself. The marketplace-assigned [`SellerId`] is a number
//! instead.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{Error, Result, clip};

/// What every typed id can do: convert from and to a UUID.
pub trait EntityId: Copy + Eq + Ord + std::hash::Hash + fmt::Debug + fmt::Display {
    /// The entity's name, used in error messages ("user id").
    const KIND: &'static str;
    /// Wraps a UUID.
    fn from_uuid(uuid: Uuid) -> Self;
    /// The UUID inside.
    fn uuid(&self) -> Uuid;
}

macro_rules! define_ids {
    ($($(#[$doc:meta])* $name:ident => $kind:literal;)*) => {$(
        $(#[$doc])*
        ///
        /// Serialised as the UUID's hyphenated text; parsing and deserialising accept only a UUID.
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl EntityId for $name {
            const KIND: &'static str = $kind;
            fn from_uuid(uuid: Uuid) -> Self {
                $name(uuid)
            }
            fn uuid(&self) -> Uuid {
                self.0
            }
        }

        impl $name {
            /// Wraps a UUID.
            pub const fn from_uuid(uuid: Uuid) -> Self {
                $name(uuid)
            }
            /// The UUID inside.
            pub const fn uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0.hyphenated(), f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self.0.hyphenated())
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self> {
                Uuid::parse_str(s).map($name).map_err(|_| Error::InvalidId {
                    kind: ::std::borrow::Cow::Borrowed($kind),
                    given: clip(s, 64),
                    expected: "a UUID such as 67e55044-10b1-426f-9247-bb680e5fe0c8".into(),
                })
            }
        }
    )*};
}

define_ids! {
    /// The publisher's marketplace account (rule ACC-2: assigned by the marketplace, never edited).
    AccountId => "account id";
    /// A directory (tenant) associated with the account.
    TenantId => "tenant id";
    /// A directory user given access to the account.
    UserId => "user id";
    /// A directory group given access to the account.
    GroupId => "group id";
    /// A directory application given access to the account.
    AppId => "app id";
    /// A key (client secret) of an application.
    KeyId => "key id";
    /// An email invitation of a guest user.
    InvitationId => "invitation id";
    /// The personal owner account (MSA) associated for financial settings (rule PAY-1).
    OwnerAccountId => "owner account id";
    /// A payout account (bank account or PayPal).
    PayoutAccountId => "payout account id";
    /// A recorded event, for de-duplication by hosts.
    EventId => "event id";
}

/// The seller ID the marketplace assigns to a publisher (rule ACC-2): 1 to 20 digits, no
/// leading zero.
///
/// ```
/// use partnerkit_core::SellerId;
/// let s: SellerId = "91234567".parse()?;
/// assert_eq!(s.to_string(), "91234567");
/// assert!("12a".parse::<SellerId>().is_err());
/// # Ok::<(), partnerkit_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema), schemars(extend("pattern" = "^[1-9][0-9]{0,19}$")))]
#[serde(try_from = "String", into = "String")]
pub struct SellerId(String);

impl SellerId {
    /// Validates a seller ID.
    pub fn new(value: &str) -> Result<SellerId> {
        let ok = (1..=20).contains(&value.len())
            && value.bytes().all(|b| b.is_ascii_digit())
            && !value.starts_with('0');
        if ok {
            Ok(SellerId(value.to_owned()))
        } else {
            Err(Error::InvalidId {
                kind: "seller id".into(),
                given: clip(value, 64),
                expected: "1 to 20 digits, not starting with 0, such as 91234567".into(),
            })
        }
    }
}
crate::validated_string!(SellerId, Error);
