//! A publisher account set up through the service, step by step, for the tests.

use chrono::{DateTime, Duration, Utc};
use partnerkit::access::Decision;
use partnerkit::access::{Grant, Role};
use partnerkit::agreements::{
    Agreement, AgreementId, AgreementText, AgreementVersion, Catalogue, PublishedVersion,
};
use partnerkit::core::SeededRandom;
use partnerkit::core::testing::{at, id};
use partnerkit::core::{
    AccountId, Actor, Context, CountryCode, Currency, DisplayName, EmailAddress, OwnerAccountId,
    PersonName, PhoneNumber, PostalAddress, SellerId, SequentialIds, Url, UserId,
};
use partnerkit::identity::{
    AccountType, CompanyApprover, DirectoryUser, DomainName, SellerContact, StepState,
    VerificationStep,
};
use partnerkit::payouts::OwnerAccountRegistry;
use partnerkit::{
    AccountService, AccountStore, Denial, Error, Executed, InMemoryStore, OpenAccount, Settings,
    TenantToAssociate,
};

/// What `authorize`, `may` and `may_read` answer, as a yes (with its value) or the denial
/// ([`Error::Denied`]); any other error fails the test.
pub(crate) trait Answer<T> {
    /// The value, or the denial.
    fn answer(self) -> Result<T, Denial>;
}

impl<T> Answer<T> for Result<T, Error> {
    fn answer(self) -> Result<T, Denial> {
        match self {
            Ok(v) => Ok(v),
            Err(Error::Denied(d)) => Err(*d),
            Err(other) => panic!("not an answer: {other}"),
        }
    }
}

/// `authorize`'s explained decision for an actor that can sign in (rule ROL-6): the allowing
/// one, or the refusing one its [`Denial::Permission`] carries; any other answer fails the
/// test.
pub(crate) trait Decided {
    /// The decision, allowing or not.
    fn decision(self) -> Decision;
}

impl Decided for Result<Decision, Error> {
    fn decision(self) -> Decision {
        match self.answer() {
            Ok(d) => {
                assert!(d.is_allowed(), "authorize's Ok always allows: {d}");
                d
            }
            Err(Denial::Permission(d)) => {
                assert!(!d.is_allowed(), "a denial's decision never allows: {d}");
                d
            }
            Err(other) => panic!("not a decision: {other}"),
        }
    }
}

pub(crate) const T1: u128 = 100;
pub(crate) const T2: u128 = 200;
pub(crate) const ALICE: u128 = 101; // global admin of T1, first Manager
pub(crate) const BOB: u128 = 102; // user of T1
pub(crate) const CARA: u128 = 201; // global admin of T2
pub(crate) const OWNER: u128 = 900;

/// A registry in which the owner belongs to nothing yet, or to another account.
pub(crate) struct Registry(pub(crate) Option<AccountId>);

impl OwnerAccountRegistry for Registry {
    fn associated_account(&self, _: OwnerAccountId) -> Option<AccountId> {
        self.0
    }
}

pub(crate) fn agreement_id() -> AgreementId {
    AgreementId::new("publisher-agreement").unwrap()
}

pub(crate) fn v(label: &str) -> AgreementVersion {
    AgreementVersion::new(label).unwrap()
}

pub(crate) fn catalogue() -> Catalogue {
    let text = |n: &str| {
        AgreementText::link(Url::new(&format!("https://contoso.example/mpa/{n}")).unwrap())
    };
    Catalogue::new(vec![
        Agreement::new(
            agreement_id(),
            DisplayName::new("Publisher Agreement").unwrap(),
            vec![
                PublishedVersion::new(v("2026-06"), at(2026, 6, 1, 0, 0, 0), text("2026-06")),
                PublishedVersion::new(v("2027-02"), at(2027, 2, 1, 0, 0, 0), text("2027-02")),
            ],
        )
        .unwrap(),
    ])
    .unwrap()
}

pub(crate) fn person(first: &str) -> PersonName {
    PersonName::new(first, "Lind").unwrap()
}

pub(crate) fn dir_user(n: u128, first: &str, domain: &str, admin: bool) -> DirectoryUser {
    DirectoryUser {
        user: id(n),
        name: person(first),
        username: EmailAddress::new(&format!("{}@{domain}", first.to_lowercase())).unwrap(),
        global_admin: admin,
    }
}

pub(crate) struct World<S: AccountStore = InMemoryStore> {
    pub(crate) svc: AccountService<S>,
    pub(crate) ids: SequentialIds,
    pub(crate) now: DateTime<Utc>,
    pub(crate) account: AccountId,
    pub(crate) random: SeededRandom,
}

/// What opens the test account: a US company whose owner account is [`OWNER`].
pub(crate) fn opening(account: AccountId) -> OpenAccount {
    OpenAccount {
        account,
        seller_id: SellerId::new("91234567").unwrap(),
        account_type: AccountType::Company,
        display_name: DisplayName::new("Contoso Apps").unwrap(),
        owner: Some(id(OWNER)),
        country: CountryCode::US,
        currency: Currency::USD,
    }
}

pub(crate) fn user(tenant: u128, user: u128) -> Actor {
    Actor::User {
        tenant: id(tenant),
        user: id(user),
    }
}

pub(crate) fn owner() -> Actor {
    Actor::OwnerAccount { owner: id(OWNER) }
}

impl<S: AccountStore> World<S> {
    pub(crate) fn ctx(&self, actor: Actor) -> Context<'_> {
        Context::new(self.now, actor, &self.ids).with_rng(&self.random)
    }

    pub(crate) fn uid(&self, n: u128) -> UserId {
        id(n)
    }

    pub(crate) fn state(&self) -> partnerkit::AccountState {
        self.svc.state(self.account).unwrap().unwrap()
    }

    pub(crate) fn version(&self) -> partnerkit::core::Version {
        self.svc.store().version(self.account).unwrap()
    }

    /// Opens a verified US company account with tenant T1 (Alice, Manager, global admin).
    pub(crate) fn company(store: S) -> Self {
        Self::company_with(store, Settings::default())
    }

    /// [`World::company`] with the service's `settings` (the test catalogue is put in).
    pub(crate) fn company_with(store: S, settings: Settings) -> Self {
        let mut w = World {
            svc: AccountService::with_settings(
                store,
                Settings {
                    catalogue: catalogue(),
                    ..settings
                },
            ),
            ids: SequentialIds::starting_after(1_000_000),
            now: at(2027, 1, 5, 9, 0, 0),
            account: id(1),
            random: SeededRandom::new(7),
        };
        w.open(CountryCode::US, AccountType::Company);
        w.verify_all();
        w.associate(
            T1,
            "contoso.com",
            Some(dir_user(ALICE, "Alice", "contoso.com", true)),
            Actor::Marketplace,
        );
        w
    }

    pub(crate) fn open(&mut self, country: CountryCode, account_type: AccountType) -> Executed {
        let mut open = opening(self.account);
        open.country = country;
        open.account_type = account_type;
        self.svc
            .open_account(&self.ctx(Actor::Marketplace), open)
            .unwrap()
    }

    /// Records every verification step the account's type requires as verified.
    pub(crate) fn verify_all(&mut self) {
        let company =
            self.state().identity.profile().map(|p| p.account_type) == Some(AccountType::Company);
        let steps: &[VerificationStep] = if company {
            &[
                VerificationStep::Email,
                VerificationStep::Employment,
                VerificationStep::Business,
            ]
        } else {
            &[VerificationStep::Email]
        };
        for step in steps.iter().copied() {
            self.svc
                .record_verification(
                    self.account,
                    &self.ctx(Actor::Marketplace),
                    step,
                    StepState::Verified,
                )
                .unwrap();
        }
    }

    pub(crate) fn contact(&mut self) {
        let address = PostalAddress::builder("1 Main St", "Redmond", CountryCode::US)
            .postal_code("98052")
            .build()
            .unwrap();
        let contact = SellerContact {
            name: person("Alice"),
            email: EmailAddress::new("alice@contoso.com").unwrap(),
            phone: PhoneNumber::new("+14255550100").unwrap(),
            address,
        };
        self.svc
            .set_seller_contact(self.account, &self.ctx(user(T1, ALICE)), contact)
            .unwrap();
        let approver = CompanyApprover {
            name: person("Alice"),
            email: EmailAddress::new("alice@contoso.com").unwrap(),
            phone: PhoneNumber::new("+14255550100").unwrap(),
        };
        self.svc
            .set_company_approver(self.account, &self.ctx(user(T1, ALICE)), approver)
            .unwrap();
    }

    pub(crate) fn associate(
        &mut self,
        tenant: u128,
        domain: &str,
        first: Option<DirectoryUser>,
        by: Actor,
    ) {
        let t = TenantToAssociate {
            tenant: id(tenant),
            organization: DisplayName::new("Contoso").unwrap(),
            domain: DomainName::new(domain).unwrap(),
            synced_from_on_premises: false,
            first_user: first,
        };
        self.svc
            .begin_tenant_association(self.account, &self.ctx(by), t)
            .unwrap();
        self.svc
            .confirm_tenant_association(self.account, &self.ctx(by), id(tenant), None)
            .unwrap();
    }

    /// Adds a second tenant T2 with Cara (global admin) as a Manager.
    pub(crate) fn second_tenant(&mut self) {
        let t = TenantToAssociate {
            tenant: id(T2),
            organization: DisplayName::new("Fabrikam").unwrap(),
            domain: DomainName::new("fabrikam.com").unwrap(),
            synced_from_on_premises: false,
            first_user: Some(dir_user(CARA, "Cara", "fabrikam.com", true)),
        };
        let alice = self.ctx(user(T1, ALICE));
        self.svc
            .begin_tenant_association(self.account, &alice, t)
            .unwrap();
        self.svc
            .confirm_tenant_association(
                self.account,
                &alice,
                id(T2),
                Some(Grant::Role(Role::Manager)),
            )
            .unwrap();
    }

    /// Adds Bob to T1 with `role`.
    pub(crate) fn bob(&mut self, role: Role) {
        self.svc
            .add_users(
                self.account,
                &self.ctx(user(T1, ALICE)),
                id(T1),
                vec![dir_user(BOB, "Bob", "contoso.com", false)],
                Grant::Role(role),
            )
            .unwrap();
    }
}

pub(crate) fn email(s: &str) -> EmailAddress {
    EmailAddress::new(s).unwrap()
}

pub(crate) fn in_days(now: DateTime<Utc>, days: i64) -> DateTime<Utc> {
    now + Duration::days(days)
}
