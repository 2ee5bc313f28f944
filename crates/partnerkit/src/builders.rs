//! Constructors for the command inputs a host builds by hand: `new` takes what is required
//! (so leaving it out does not compile), and chained `with_…` setters add what is optional.
//! The fields stay public, and the JSON form is unchanged: a missing optional field reads
//! as its default.

use partnerkit_access::Grant;
use partnerkit_core::{
    AccountId, AppId, CountryCode, Currency, DisplayName, EmailAddress, GroupId, OwnerAccountId,
    PersonName, SellerId, TenantId, Url, UserId,
};
use partnerkit_identity::{AccountType, DirectoryUser, DomainLabel, DomainName};

use crate::command::{NewApp, NewTenant, NewUser, OpenAccount, TenantToAssociate};

impl OpenAccount {
    /// Opens `account` with the publisher IDs the marketplace assigned (rule ACC-2), its type
    /// (rule ACC-1), its name, and where it is registered and paid (rule PAY-3). No owner
    /// account yet: add one with [`with_owner`](Self::with_owner).
    ///
    /// ```
    /// use partnerkit::prelude::*;
    /// # use partnerkit::core::uuid::Uuid;
    /// # let account = AccountId::from_uuid(Uuid::from_u128(1));
    /// let open = OpenAccount::new(
    ///     account,
    ///     SellerId::new("91234567")?,
    ///     AccountType::Company,
    ///     DisplayName::new("Contoso Apps")?,
    ///     CountryCode::US,
    ///     Currency::USD,
    /// );
    /// assert_eq!(open.owner, None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(
        account: AccountId,
        seller_id: SellerId,
        account_type: AccountType,
        display_name: DisplayName,
        country: CountryCode,
        currency: Currency,
    ) -> Self {
        OpenAccount {
            account,
            seller_id,
            account_type,
            display_name,
            owner: None,
            country,
            currency,
        }
    }

    /// The owner account (MSA) that opened it (rule PAY-1).
    #[must_use]
    pub fn with_owner(mut self, owner: OwnerAccountId) -> Self {
        self.owner = Some(owner);
        self
    }
}

impl TenantToAssociate {
    /// Associates `tenant`, as its directory reports it (organisation name and domain): not
    /// synchronised from an on-premises directory, and no first user. Add the user who
    /// signed in to it, who becomes the first Manager on confirmation (rule TEN-2), with
    /// [`with_first_user`](Self::with_first_user).
    pub fn new(tenant: TenantId, organization: DisplayName, domain: DomainName) -> Self {
        TenantToAssociate {
            tenant,
            organization,
            domain,
            synced_from_on_premises: false,
            first_user: None,
        }
    }

    /// The user who signed in to the tenant, who joins the account on confirmation.
    #[must_use]
    pub fn with_first_user(mut self, user: DirectoryUser) -> Self {
        self.first_user = Some(user);
        self
    }

    /// Whether the tenant synchronises from an on-premises directory (rule USR-6).
    #[must_use]
    pub fn with_synced_from_on_premises(mut self, synced: bool) -> Self {
        self.synced_from_on_premises = synced;
        self
    }
}

impl NewTenant {
    /// A new tenant `LABEL.onmicrosoft.com` with its contact email and first global
    /// administrator (id, name, user name in the new domain). Nothing granted in the
    /// account: see [`with_grant`](Self::with_grant).
    pub fn new(
        tenant: TenantId,
        label: DomainLabel,
        contact_email: EmailAddress,
        admin: UserId,
        admin_name: PersonName,
        admin_username: EmailAddress,
    ) -> Self {
        NewTenant {
            tenant,
            label,
            contact_email,
            admin,
            admin_name,
            admin_username,
            grant: None,
        }
    }

    /// What the administrator is given in the account.
    #[must_use]
    pub fn with_grant(mut self, grant: Grant) -> Self {
        self.grant = Some(grant);
        self
    }
}

impl NewUser {
    /// A new user of `tenant` with its id, name and user name (sign-in address in the
    /// tenant's domain): not a global administrator, no reset address, in no group, nothing
    /// granted. The `with_…` setters add those.
    ///
    /// ```
    /// use partnerkit::prelude::*;
    /// # use partnerkit::core::uuid::Uuid;
    /// # let (tenant, bob) = (TenantId::from_uuid(Uuid::from_u128(2)), UserId::from_uuid(Uuid::from_u128(4)));
    /// let bob = NewUser::new(tenant, bob, PersonName::new("Bob", "Lind")?, "bob@contoso.com".parse()?)
    ///     .with_reset_email("bob@example.com".parse()?)
    ///     .with_grant(Grant::Role(Role::Developer));
    /// assert!(!bob.global_admin && bob.groups.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(tenant: TenantId, user: UserId, name: PersonName, username: EmailAddress) -> Self {
        NewUser {
            tenant,
            user,
            name,
            username,
            global_admin: false,
            reset_email: None,
            groups: Vec::new(),
            grant: None,
        }
    }

    /// Whether they are a global administrator of the directory (which needs a reset
    /// address: [`with_reset_email`](Self::with_reset_email)).
    #[must_use]
    pub fn with_global_admin(mut self, global_admin: bool) -> Self {
        self.global_admin = global_admin;
        self
    }

    /// Where password resets are sent (rule USR-8).
    #[must_use]
    pub fn with_reset_email(mut self, reset_email: EmailAddress) -> Self {
        self.reset_email = Some(reset_email);
        self
    }

    /// The groups to put them in (rule ROL-8: the actor must hold what those groups give).
    #[must_use]
    pub fn with_groups(mut self, groups: impl IntoIterator<Item = GroupId>) -> Self {
        self.groups = groups.into_iter().collect();
        self
    }

    /// What they are given in the account.
    #[must_use]
    pub fn with_grant(mut self, grant: Grant) -> Self {
        self.grant = Some(grant);
        self
    }
}

impl NewApp {
    /// A new app of `tenant`: its id (client ID), name, reply URL and App ID URI (each unique
    /// in the directory). Nothing granted: see [`with_grant`](Self::with_grant).
    pub fn new(
        tenant: TenantId,
        app: AppId,
        name: DisplayName,
        reply_url: Url,
        app_id_uri: Url,
    ) -> Self {
        NewApp {
            tenant,
            app,
            name,
            reply_url,
            app_id_uri,
            grant: None,
        }
    }

    /// What it is given in the account.
    #[must_use]
    pub fn with_grant(mut self, grant: Grant) -> Self {
        self.grant = Some(grant);
        self
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use partnerkit_access::{Grant, Role};
    use partnerkit_core::{
        AccountId, AppId, CountryCode, Currency, DisplayName, EmailAddress, GroupId,
        OwnerAccountId, PersonName, SellerId, TenantId, Url, UserId,
    };
    use partnerkit_identity::{AccountType, DirectoryUser, DomainLabel, DomainName};
    use uuid::Uuid;

    use crate::command::{NewApp, NewTenant, NewUser, OpenAccount, TenantToAssociate};

    fn u(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn email(s: &str) -> EmailAddress {
        EmailAddress::new(s).unwrap()
    }

    /// What a built input is equals its JSON with only the required fields, and with every
    /// optional one: the builders and serde's defaults agree.
    fn same_as_json<T>(built: &T, json: serde_json::Value)
    where
        T: serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        let read: T = serde_json::from_value(json).unwrap();
        assert_eq!(&read, built);
    }

    #[test]
    fn open_account_new_leaves_the_owner_out_and_with_owner_sets_it() {
        let open = OpenAccount::new(
            AccountId::from_uuid(u(1)),
            SellerId::new("91234567").unwrap(),
            AccountType::Company,
            DisplayName::new("Contoso Apps").unwrap(),
            CountryCode::US,
            Currency::USD,
        );
        let json = serde_json::json!({
            "account": u(1), "seller_id": "91234567", "account_type": "company",
            "display_name": "Contoso Apps", "country": "US", "currency": "USD",
        });
        same_as_json(&open, json.clone());
        let owned = open.with_owner(OwnerAccountId::from_uuid(u(9)));
        let mut with_owner = json;
        with_owner["owner"] = serde_json::json!(u(9));
        same_as_json(&owned, with_owner);
    }

    #[test]
    fn new_user_new_has_every_optional_field_at_its_default() {
        let name = PersonName::new("Bob", "Lind").unwrap();
        let bob = NewUser::new(
            TenantId::from_uuid(u(2)),
            UserId::from_uuid(u(4)),
            name,
            email("bob@contoso.com"),
        );
        let json = serde_json::json!({
            "tenant": u(2), "user": u(4), "name": {"first": "Bob", "last": "Lind"},
            "username": "bob@contoso.com",
        });
        same_as_json(&bob, json.clone());
        let full = bob
            .with_global_admin(true)
            .with_reset_email(email("bob@example.com"))
            .with_groups([GroupId::from_uuid(u(7))])
            .with_grant(Grant::Role(Role::Developer));
        let mut every = json;
        every["global_admin"] = true.into();
        every["reset_email"] = "bob@example.com".into();
        every["groups"] = serde_json::json!([u(7)]);
        every["grant"] = serde_json::to_value(Grant::Role(Role::Developer)).unwrap();
        same_as_json(&full, every);
    }

    #[test]
    fn the_other_inputs_start_without_their_optional_fields() {
        let associate = TenantToAssociate::new(
            TenantId::from_uuid(u(2)),
            DisplayName::new("Contoso").unwrap(),
            DomainName::new("contoso.com").unwrap(),
        );
        assert!(!associate.synced_from_on_premises && associate.first_user.is_none());
        let alice = DirectoryUser {
            user: UserId::from_uuid(u(3)),
            name: PersonName::new("Alice", "Lind").unwrap(),
            username: email("alice@contoso.com"),
            global_admin: true,
        };
        let associate = associate
            .with_first_user(alice.clone())
            .with_synced_from_on_premises(true);
        assert_eq!(associate.first_user, Some(alice));
        assert!(associate.synced_from_on_premises);

        let tenant = NewTenant::new(
            TenantId::from_uuid(u(5)),
            DomainLabel::new("fabrikam").unwrap(),
            email("it@fabrikam.com"),
            UserId::from_uuid(u(6)),
            PersonName::new("Fay", "Lind").unwrap(),
            email("fay@fabrikam.onmicrosoft.com"),
        );
        assert_eq!(tenant.grant, None);
        let manager = Grant::Role(Role::Manager);
        assert_eq!(tenant.with_grant(manager).grant, Some(manager));

        let app = NewApp::new(
            TenantId::from_uuid(u(2)),
            AppId::from_uuid(u(8)),
            DisplayName::new("Bot").unwrap(),
            Url::new("https://bot.contoso.com/reply").unwrap(),
            Url::new("api://bot.contoso.com").unwrap(),
        );
        assert_eq!(app.grant, None);
        assert_eq!(app.with_grant(manager).grant, Some(manager));
    }
}
