//! The names a host uses in almost every file, in one import: `use partnerkit::prelude::*;`.
//!
//! The services and store traits, the commands (and their constructors), settings and errors
//! of this crate; the ids and values of `partnerkit-core` (with its context, id sources and
//! `OsRandom`); the permission
//! vocabulary of `partnerkit-access`; and the directory types of `partnerkit-identity` that
//! opening an account and adding users take. Everything else stays under its module
//! (`partnerkit::payouts`, `partnerkit::tax`, `partnerkit::agreements`, …), so a glob import
//! of the prelude brings no name a host is likely to define itself.
//!
//! ```
//! use partnerkit::prelude::*;
//! use partnerkit::core::chrono::{TimeZone, Utc};
//! use partnerkit::core::uuid::Uuid;
//!
//! let service = AccountService::new(InMemoryStore::new());
//! let ids = SequentialIds::default();
//! let now = Utc.with_ymd_and_hms(2027, 1, 5, 9, 0, 0).unwrap();
//! let marketplace = Context::new(now, Actor::Marketplace, &ids);
//! let account = AccountId::from_uuid(Uuid::from_u128(1));
//! let name = DisplayName::new("Contoso Apps")?;
//! let open = OpenAccount::new(account, SellerId::new("91234567")?, AccountType::Company, name,
//!     CountryCode::US, Currency::USD);
//! service.open_account(&marketplace, open)?;
//! // A stranger learns nothing about the account (rule X-2).
//! let stranger = Actor::User {
//!     tenant: TenantId::from_uuid(Uuid::from_u128(2)),
//!     user: UserId::from_uuid(Uuid::from_u128(3)),
//! };
//! let no = service.authorize(account, &stranger, Permission::ManageUsers).unwrap_err();
//! assert!(matches!(no.denial(), Some(Denial::CannotSignIn { .. })));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub use crate::{
    AccountCommand, AccountEvent, AccountService, AccountState, AccountStore, AsyncAccountService,
    AsyncAccountStore, BadCommand, CommandKind, Denial, DomainError, Error, Executed, Freshness,
    InMemoryStore, NewApp, NewTenant, NewUser, OpenAccount, OwnerRegistry, Password, RandomIds,
    ReadKind, Settings, TenantToAssociate,
};
pub use partnerkit_access::{Grant, Permission, PermissionSet, Role};
pub use partnerkit_core::{
    AccountId, Actor, AppId, Context, CountryCode, Currency, DisplayName, EmailAddress, GroupId,
    Money, OsRandom, OwnerAccountId, PersonName, SellerId, SequentialIds, TenantId, UserId,
    Version,
};
pub use partnerkit_identity::{AccountType, DirectoryUser, DomainName};
