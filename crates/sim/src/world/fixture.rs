//! The fixture account every run starts from, built through the service itself: see
//! [`Cast`]. Each step is one part of it — the account and its two tenants, the first
//! tenant's users, its groups, its apps, the pending guest — made in this order, so the ids
//! and names drawn are those of every run.

use partnerkit::access::{Grant, Permission, Principal, Role};
use partnerkit::core::{
    Actor, Context, CountryCode, Currency, DisplayName, SellerId, TenantId, Url,
};
use partnerkit::identity::{AccountType, DirectoryUser, DomainName};
use partnerkit::{AccountCommand as C, NewApp, OpenAccount, TenantToAssociate};

use super::{Cast, World, uuid};

/// A fixture value a constructor refused, as the fixture's error.
fn e(e: partnerkit::core::Error) -> String {
    e.to_string()
}

/// Ids 200.. are the fixture's; the generator's own start at 1,000.
pub(super) fn cast(lean: bool) -> Cast {
    Cast {
        t1: uuid(201),
        t2: uuid(202),
        alice: uuid(211),
        bob: uuid(212),
        dev: uuid(213),
        groups_only: uuid(214),
        users_only: uuid(215),
        keys_only: uuid(216),
        mgr: (!lean).then(|| uuid(217)),
        own: (!lean).then(|| uuid(218)),
        guest: uuid(219),
        devs: uuid(231),
        owners: uuid(232),
        app: uuid(241),
        mgr_app: uuid(242),
    }
}

impl World {
    /// The fixture: see [`Cast`].
    pub(super) fn fixture(&mut self) -> Result<(), String> {
        self.open_account()?;
        let alice = self.associate_tenants()?;
        self.fixture_users(alice)?;
        self.fixture_groups(alice)?;
        self.fixture_apps(alice)?;
        let c = self.cast;
        self.run(
            alice,
            C::InviteGuests {
                tenant: c.t1,
                emails: "guest@outlook.com".into(),
                guests: vec![c.guest],
                grant: Grant::Role(Role::Manager),
            },
        )?;
        self.ever_manager = true;
        Ok(())
    }

    /// Runs a fixture command, which must be accepted, and learns what it created.
    fn run(&mut self, actor: Actor, command: C) -> Result<(), String> {
        let ctx = Context::new(self.now, actor, &self.ids).with_rng(&self.random);
        match self.service.execute(self.account, &ctx, command.clone()) {
            Ok(done) => {
                if let Some(r) = done.revealed {
                    self.secrets.push(r.secret.expose_secret().to_owned());
                }
                self.learn(&command);
                Ok(())
            }
            Err(e) => Err(format!("{actor:?} {} refused: {e}", command.kind())),
        }
    }

    /// The marketplace opens the account, with its owner account.
    fn open_account(&mut self) -> Result<(), String> {
        self.run(
            Actor::Marketplace,
            C::OpenAccount(OpenAccount {
                account: self.account,
                seller_id: SellerId::new("91234567").map_err(e)?,
                account_type: AccountType::Company,
                display_name: DisplayName::new("Simulated Apps").map_err(e)?,
                owner: Some(self.owner),
                country: CountryCode::US,
                currency: Currency::USD,
            }),
        )
    }

    /// The two tenants: the marketplace associates the first, with Alice as Manager; Alice
    /// associates the second, with Bob as Manager (Developer in a lean run). Alice, who acts
    /// for the rest of the fixture.
    fn associate_tenants(&mut self) -> Result<Actor, String> {
        let c = self.cast;
        self.pool.tenants.push((c.t1, "contoso.com".into()));
        self.pool.tenants.push((c.t2, "fabrikam.com".into()));
        let alice = self.person(c.alice, "Alice", 0, true)?;
        let bob = self.person(c.bob, "Bob", 1, true)?;
        let m = Actor::Marketplace;
        self.associate(m, c.t1, "Contoso", "contoso.com", alice, None)?;
        let alice_actor = Actor::User {
            tenant: c.t1,
            user: c.alice,
        };
        let bob_grant = if self.lean {
            Role::Developer
        } else {
            Role::Manager
        };
        self.associate(
            alice_actor,
            c.t2,
            "Fabrikam",
            "fabrikam.com",
            bob,
            Some(Grant::Role(bob_grant)),
        )?;
        self.pool.users.push((c.t1, c.alice));
        self.pool.users.push((c.t2, c.bob));
        Ok(alice_actor)
    }

    /// The first tenant's other users, added by Alice: the Developer, the three custom
    /// holders, and outside a lean run a second Manager and a work account the owner account
    /// then grants Owner.
    fn fixture_users(&mut self, alice: Actor) -> Result<(), String> {
        let c = self.cast;
        let custom = |p: Permission| Grant::custom([p]).map_err(|e| e.to_string());
        let mut users = vec![
            (c.dev, "Dev", false, Grant::Role(Role::Developer)),
            (
                c.groups_only,
                "Groups",
                false,
                custom(Permission::ManageGroups)?,
            ),
            (
                c.users_only,
                "Users",
                true,
                custom(Permission::ManageUsers)?,
            ),
            (
                c.keys_only,
                "Keys",
                false,
                custom(Permission::ManageAppKeys)?,
            ),
        ];
        if let Some(mgr) = c.mgr {
            users.push((mgr, "Mgr", false, Grant::Role(Role::Manager)));
        }
        if let Some(own) = c.own {
            users.push((own, "Own", false, Grant::Role(Role::Developer)));
        }
        for (id, name, admin, grant) in users {
            let user = self.person(id, name, 0, admin)?;
            self.run(
                alice,
                C::AddUsers {
                    tenant: c.t1,
                    users: vec![user],
                    grant,
                },
            )?;
        }
        let owner_actor = Actor::OwnerAccount { owner: self.owner };
        if let Some(own) = c.own {
            self.run(
                owner_actor,
                C::Grant {
                    principals: vec![Principal::User(own)],
                    grant: Grant::Role(Role::Owner),
                },
            )?;
        }
        Ok(())
    }

    /// The Developers group (granted Developer, with the Developer in it) and the Owners
    /// group, which the owner account grants Owner.
    fn fixture_groups(&mut self, alice: Actor) -> Result<(), String> {
        let c = self.cast;
        let owner_actor = Actor::OwnerAccount { owner: self.owner };
        self.run(
            alice,
            C::CreateGroup {
                tenant: c.t1,
                group: c.devs,
                name: DisplayName::new("Developers").map_err(e)?,
                members: vec![c.dev],
                grant: Some(Grant::Role(Role::Developer)),
            },
        )?;
        self.run(
            alice,
            C::CreateGroup {
                tenant: c.t1,
                group: c.owners,
                name: DisplayName::new("Owners").map_err(e)?,
                members: Vec::new(),
                grant: None,
            },
        )?;
        self.run(
            owner_actor,
            C::Grant {
                principals: vec![Principal::Group(c.owners)],
                grant: Grant::Role(Role::Owner),
            },
        )?;
        Ok(())
    }

    /// Two apps of the first tenant, created by Alice: one granted Developer, one Manager.
    fn fixture_apps(&mut self, alice: Actor) -> Result<(), String> {
        let c = self.cast;
        for (app, name, role) in [
            (c.app, "Sim app", Role::Developer),
            (c.mgr_app, "Manager app", Role::Manager),
        ] {
            let n = self.next;
            self.next += 1;
            self.run(
                alice,
                C::CreateApp(NewApp {
                    tenant: c.t1,
                    app,
                    name: DisplayName::new(name).map_err(e)?,
                    reply_url: Url::new(&format!("https://app{n}.contoso.com/reply")).map_err(e)?,
                    app_id_uri: Url::new(&format!("https://contoso.com/app{n}")).map_err(e)?,
                    grant: Some(Grant::Role(role)),
                }),
            )?;
        }
        Ok(())
    }

    /// `actor` associates `tenant` (organisation `org`, domain `domain`) with `first` as its
    /// first user, given `grant`: begun, then confirmed.
    fn associate(
        &mut self,
        actor: Actor,
        tenant: TenantId,
        org: &str,
        domain: &str,
        first: DirectoryUser,
        grant: Option<Grant>,
    ) -> Result<(), String> {
        let domain = DomainName::new(domain).map_err(|e| e.to_string())?;
        self.run(
            actor,
            C::BeginTenantAssociation(TenantToAssociate {
                tenant,
                organization: DisplayName::new(org).map_err(e)?,
                domain,
                synced_from_on_premises: false,
                first_user: Some(first),
            }),
        )?;
        self.run(actor, C::ConfirmTenantAssociation { tenant, grant })
    }
}
