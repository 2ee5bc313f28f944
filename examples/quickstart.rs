//! partnerkit quickstart: a publisher account from opening to its first payouts.
//!
//! Run it with
//!
//! ```sh
//! cargo run --example quickstart                # writes ./partnerkit-quickstart.sqlite
//! cargo run --example quickstart -- /tmp/pk.db  # or anywhere else
//! ```
//!
//! A partnerkit database left there by an earlier run is deleted and recreated at start, so
//! every run prints the same thing (but the secrets shown once); any other file at that path is
//! left alone and the example stops. Time comes from a [`ManualClock`] the example moves
//! through the months and ids from [`SequentialIds`]; secrets (initial passwords, key values)
//! are drawn from [`OsRandom`], the operating system's secure generator, given to each
//! [`Context`] with [`Context::with_rng`] (a real host passes its own clock and random ids in
//! the same way, rule X-5).
//!
//! It tells two stories, each through the one entry point a host calls, [`AccountService`].
//! Every operation is an [`AccountCommand`] — data a host could take straight from JSON — run
//! by [`AccountService::execute`]; the typed methods used below (`add_users`, `set_payout_hold`,
//! …) are one-line constructors over it, and the ids of what a command creates are chosen by
//! the caller and carried in the command.
//!
//! 1. **Contoso Apps**, a company registered in the US: the marketplace opens and verifies
//!    the account with its owner account, and associates the company directory its first
//!    global administrator signed in to, who becomes the first Manager; she creates a tenant,
//!    adds, invites and creates users, a group and an app with a key, and grants roles; a
//!    Developer is denied a Manager's work and a Manager is denied the owner account's payout
//!    settings, each with its explanation; an invalid input is refused with a typed error; she
//!    accepts the publishing agreement (and its update a month later); the owner account sets
//!    up a US bank account and a W-9; sales are recorded from January to April; the payout hold
//!    is turned on in March and off in April; the payout statements explain every cent.
//! 2. **Lina Berg**, an individual seller registered in Sweden, whose owner account the
//!    marketplace associates after opening: her W-8BEN first claims no treaty rate, so 30 % is
//!    withheld from her US sales (and only those); her second W-8BEN claims the US–Sweden
//!    treaty rate of 0 %; a small month stays under the payment threshold.
//!
//! At the end it prints each account's audit trail size and whether it may sell (rule ACC-4).
//! Comments cite the rule each step shows, such as "(rule PAY-6)".

use std::error::Error;
use std::path::{Path, PathBuf};

use partnerkit::access::{Grant, Permission, Principal, Role};
use partnerkit::agreements::{
    Agreement, AgreementId, AgreementText, AgreementVersion, Catalogue, PublishedVersion,
};
use partnerkit::core::chrono::{DateTime, Months, NaiveDate, TimeZone, Utc};
use partnerkit::core::{
    AccountId, Actor, AppId, Context, CountryCode, Currency, DisplayName, EntityId, GroupId,
    ManualClock, Money, OsRandom, OwnerAccountId, PayoutAccountId, PersonName, PhoneNumber,
    PostalAddress, SellerId, SequentialIds, TenantId, UserId,
};
use partnerkit::identity::{
    AccountType, CompanyApprover, DirectoryUser, SellerContact, StepState, VerificationStep,
};
use partnerkit::payouts::{
    BankAccountNumber, BankAccountType, CarryOver, FixedRates, LedgerEntry, OwnerAccountRegistry,
    PayoutMonth, RevenueSource, Statement, VerificationOutcome,
};
use partnerkit::tax::{
    ElectronicSignature, EntityType, ForeignTin, IncomeType, ProfileDetails, ReportingRules,
    TreatyClaim, UsTin, withholding_rate,
};
use partnerkit::{
    AccountCommand, AccountEvent, AccountService, Executed, Missing, NewApp, NewTenant, NewUser,
    OpenAccount, OwnerRegistry, PayoutMethodInput, Settings, TenantToAssociate, W8Input, W9Input,
    statements_converted, year_end_returns,
};
use partnerkit_examples::check_partnerkit_database;
use partnerkit_sqlite::SqliteStore;

type Service = AccountService<SqliteStore>;
type Res<T = ()> = Result<T, Box<dyn Error>>;

/// Where the example writes when no path is given.
const DEFAULT_DB: &str = "partnerkit-quickstart.sqlite";

fn main() -> Res {
    let path = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| DEFAULT_DB.to_owned()),
    );
    let store = match fresh_store(&path) {
        Ok(store) => store,
        Err(e) => {
            eprintln!("partnerkit quickstart: {e}");
            std::process::exit(2);
        }
    };
    println!("partnerkit quickstart, writing to {}", path.display());

    // The host's data: here a catalogue of one agreement with two versions (rule AGR-3) and
    // the registry of owner accounts (rule PAY-1); payout policy, treaty and remittance tables
    // keep the data shipped with their crates.
    let settings = Settings {
        catalogue: catalogue()?,
        owner_registry: OwnerRegistry::host(NoOtherAccounts),
        ..Settings::default()
    };
    let svc = AccountService::with_settings(store, settings);

    let contoso = contoso_apps(&svc)?;
    let lina = swedish_seller(&svc)?;

    section("The audit trail and readiness");
    // Every accepted command stored its events with who and when (rule X-1).
    let june = Utc
        .with_ymd_and_hms(2027, 6, 1, 9, 0, 0)
        .single()
        .ok_or("bad date")?;
    for (name, account) in [("Contoso Apps", contoso), ("Lina Berg", lina)] {
        println!("  {name}:");
        audit_trail(&svc, account)?;
        show_readiness(&svc, account, june)?;
    }
    year_end(&svc, lina)?;
    println!(
        "\nDone: open {} to browse the accounts and their events.",
        path.display()
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Story 1: Contoso Apps, a US company
// ---------------------------------------------------------------------------------------------

/// The people and directories of Contoso Apps.
struct Contoso {
    account: AccountId,
    owner: OwnerAccountId,
    tenant: TenantId,
    ann: UserId,
    bo: UserId,
}

impl Contoso {
    fn ann(&self) -> Actor {
        Actor::User {
            tenant: self.tenant,
            user: self.ann,
        }
    }
    fn bo(&self) -> Actor {
        Actor::User {
            tenant: self.tenant,
            user: self.bo,
        }
    }
    fn owner(&self) -> Actor {
        Actor::OwnerAccount { owner: self.owner }
    }
}

fn contoso_apps(svc: &Service) -> Res<AccountId> {
    let host = Host::starting(2027, 1, 5, 0);
    let c = Contoso {
        account: host.new_id(),
        owner: host.new_id(),
        tenant: host.new_id(),
        ann: host.new_id(),
        bo: host.new_id(),
    };

    section("Contoso Apps: open and verify the account");
    open_account(svc, &host, &c, "Contoso Apps", AccountType::Company)?;
    set_contact_info(svc, &host, &c)?;
    host.day(2027, 1, 6);
    // The marketplace runs three checks for a company account (rule ACC-1).
    for s in [
        VerificationStep::Email,
        VerificationStep::Employment,
        VerificationStep::Business,
    ] {
        let ctx = host.ctx(Actor::Marketplace);
        svc.record_verification(c.account, &ctx, s, StepState::Verified)?;
        step(&format!(
            "marketplace: {s} verification passed (rule ACC-1)"
        ));
    }
    let verified = svc
        .state(c.account)?
        .and_then(|s| s.identity.profile().map(|p| p.status().is_verified()));
    step(&format!("account verified: {}", verified.unwrap_or(false)));

    section("Contoso Apps: users, groups, apps and roles");
    users_groups_and_apps(svc, &host, &c)?;
    roles_and_denials(svc, &host, &c)?;

    section("Contoso Apps: agreements");
    host.day(2027, 1, 8);
    accept_latest(svc, &host, c.account, c.ann(), "Ann Lind")?;
    // Free offers need the profile and the agreements; paid ones also payouts and tax (ACC-4).
    show_readiness(svc, c.account, host.now())?;

    section("Contoso Apps: payouts and tax (signed in as the owner account)");
    host.day(2027, 1, 8);
    // The owner account was associated when the account was opened (rule PAY-1): only it
    // changes payout and tax settings, never a work account, whatever its role (rule ROL-7).
    step(&format!(
        "the owner account (MSA {}) signs in: only it may change payout and tax settings (rules PAY-1, ROL-7)",
        short(c.owner)
    ));
    let bank = PayoutMethodInput::Bank {
        account_type: BankAccountType::Checking,
        holder: DisplayName::new("Contoso Apps LLC")?,
        account_number: BankAccountNumber::new("000123456789")?,
        routing_number: "021000021".into(), // ABA checksum checked (rule PAY-2)
        billing_address: redmond()?,
        phone: "+1 425 555 0100".parse()?,
    };
    set_up_payout_account(svc, &host, c.account, c.owner(), bank)?;
    // A US company fills in a W-9 (rules TAX-1, TAX-2); its TIN is kept only masked (X-4).
    let owner = host.ctx(c.owner());
    svc.start_tax_profile(
        c.account,
        &owner,
        ProfileDetails {
            residence: CountryCode::US,
            citizenship: CountryCode::US,
            entity_type: EntityType::Entity,
        },
    )?;
    svc.submit_w9(
        c.account,
        &owner,
        W9Input {
            name: DisplayName::new("Contoso Apps LLC")?,
            tin: UsTin::new("12-3456789")?,
            signature: ElectronicSignature::new(DisplayName::new("Ann Lind")?, host.today()),
        },
    )?;
    step("tax profile: US entity, W-9 signed (rules TAX-1, TAX-2)");
    show_rate(svc, c.account, host.today())?;
    host.day(2027, 1, 11);
    verify_payout_account(svc, &host, c.account)?;
    show_readiness(svc, c.account, host.now())?;

    section("Contoso Apps: a month later");
    host.day(2027, 2, 2);
    // Version 2027-02 was published on 1 February: accepting it is needed again (rule AGR-2).
    accept_latest(svc, &host, c.account, c.ann(), "Ann Lind")?;
    host.day(2027, 3, 20);
    hold(svc, &host, c.account, c.owner(), true)?;
    host.day(2027, 4, 20);
    hold(svc, &host, c.account, c.owner(), false)?;

    section("Contoso Apps: sales and payout statements");
    // The ledger is the host's data: what the marketplace sold, by month and country.
    let ledger = vec![
        sale("120.00 USD", (2027, 1, 14), CountryCode::US)?,
        sale("80.00 USD", (2027, 1, 22), CountryCode::DE)?,
        sale("200.00 USD", (2027, 2, 9), CountryCode::US)?,
        sale("50.00 USD", (2027, 2, 17), CountryCode::GB)?,
        sale("-20.00 USD", (2027, 2, 25), CountryCode::US)?, // a refund (rule PAY-9)
        sale("300.00 USD", (2027, 3, 12), CountryCode::US)?,
        sale("150.00 USD", (2027, 4, 8), CountryCode::US)?,
        sale("40.00 USD", (2027, 4, 19), CountryCode::JP)?,
    ];
    print_ledger(&ledger);
    // App sales are payable the month after they are earned: January's in February (PAY-5).
    print_statements(svc, c.account, &ledger, month(2027, 2)?, month(2027, 5)?)?;
    Ok(c.account)
}

/// The marketplace opens the account with its owner account, then associates the company
/// directory its first administrator signed in to, in two steps; she becomes the first
/// Manager (rules ACC-2, PAY-1, TEN-2, USR-7, ROL-8).
fn open_account(
    svc: &Service,
    host: &Host,
    c: &Contoso,
    name: &str,
    account_type: AccountType,
) -> Res {
    // Every operation is a command, data a host can take straight from JSON; `execute` is the
    // one path each takes. (The typed methods used further on build the same commands.)
    let marketplace = host.ctx(Actor::Marketplace);
    let open = OpenAccount::new(
        c.account,
        SellerId::new("91000001")?,
        account_type,
        DisplayName::new(name)?,
        CountryCode::US,
        Currency::USD,
    )
    .with_owner(c.owner); // associated now, checked against the registry (rule PAY-1)
    let open = AccountCommand::OpenAccount(open);
    svc.execute(c.account, &marketplace, open)?;
    step(&format!(
        "marketplace: opened {account_type} account {name}, seller ID 91000001, owner account {} (rules ACC-2, PAY-1)",
        short(c.owner)
    ));

    // The account's first tenant is associated by the marketplace, for the global
    // administrator who signed in to it (rules TEN-2, ROL-8).
    svc.begin_tenant_association(
        c.account,
        &marketplace,
        TenantToAssociate::new(
            c.tenant,
            DisplayName::new("Contoso Ltd")?,
            "contoso.com".parse()?,
        )
        .with_first_user(DirectoryUser {
            user: c.ann,
            name: PersonName::new("Ann", "Lind")?,
            username: "ann@contoso.com".parse()?,
            global_admin: true,
        }),
    )?;
    step(&format!(
        "Ann (user {}), global admin of contoso.com, signs in; the marketplace begins associating her tenant (rule TEN-2)",
        short(c.ann)
    ));
    svc.confirm_tenant_association(c.account, &marketplace, c.tenant, None)?;
    step(
        "confirmed: contoso.com is associated and Ann is its first Manager, never Owner (rules USR-7, ROL-8)",
    );
    Ok(())
}

/// Seller contact and company approver (rule ACC-3): each part is a validated value.
fn set_contact_info(svc: &Service, host: &Host, c: &Contoso) -> Res {
    let ann = host.ctx(c.ann());
    let phone: PhoneNumber = "+1 (425) 555-0100".parse()?;
    svc.set_seller_contact(
        c.account,
        &ann,
        SellerContact {
            name: PersonName::new("Ann", "Lind")?,
            email: "ann@contoso.com".parse()?,
            phone: phone.clone(),
            address: redmond()?,
        },
    )?;
    svc.set_company_approver(
        c.account,
        &ann,
        CompanyApprover {
            name: PersonName::new("Carl", "Ortiz")?,
            email: "carl@contoso.com".parse()?,
            phone,
        },
    )?;
    step("Ann sets the seller contact and the company approver (rule ACC-3)");
    Ok(())
}

fn users_groups_and_apps(svc: &Service, host: &Host, c: &Contoso) -> Res {
    let ann = host.ctx(c.ann());
    let developer = Grant::Role(Role::Developer);

    // A new directory for the apps (rule TEN-3); its administrator's password is shown once.
    // The ids of what a command creates are chosen by the caller and carried in the command.
    let ida: UserId = host.new_id();
    let created = svc.create_tenant(
        c.account,
        &ann,
        NewTenant {
            tenant: host.new_id(),
            label: "contosoapps".parse()?,
            contact_email: "it@contoso.com".parse()?,
            admin: ida,
            admin_name: PersonName::new("Ida", "Park")?,
            admin_username: "ida@contosoapps.onmicrosoft.com".parse()?,
            grant: None, // a directory role gives no account role (rule ROL-5)
        },
    )?;
    step("created tenant contosoapps.onmicrosoft.com with global admin Ida (rule TEN-3)");
    secret("Ida's initial password", &created);

    // Existing directory users join in one step, all with the same role (rule USR-3).
    svc.add_users(
        c.account,
        &ann,
        c.tenant,
        vec![DirectoryUser {
            user: c.bo,
            name: PersonName::new("Bo", "Chen")?,
            username: "bo@contoso.com".parse()?,
            global_admin: false,
        }],
        developer,
    )?;
    step(&format!(
        "added Bo (user {}, bo@contoso.com) as Developer (rules USR-3, ROL-2)",
        short(c.bo)
    ));

    // Guests are invited by email and have no access until they accept (rule USR-5).
    let guests: Vec<UserId> = vec![host.new_id(), host.new_id()];
    svc.invite_guests(
        c.account,
        &ann,
        c.tenant,
        "dee@fabrikam.com; eli@fabrikam.com",
        guests.clone(),
        developer,
    )?;
    step(&format!(
        "invited {} guests from fabrikam.com as Developers (rule USR-5)",
        guests.len()
    ));
    if let Some(dee) = guests.first().copied() {
        let as_dee = host.ctx(Actor::User {
            tenant: c.tenant,
            user: dee,
        });
        svc.accept_invitation(c.account, &as_dee, dee)?;
        step("Dee accepted her invitation and can now sign in (rule USR-5)");
    }

    // A group with custom permissions (rules GRP-2, ROL-3); members get them (rule ROL-4).
    let finance = Grant::custom([Permission::ViewFinancialReports, Permission::ViewReports])?;
    let group: GroupId = host.new_id();
    svc.create_group(
        c.account,
        &ann,
        c.tenant,
        group,
        DisplayName::new("Finance")?,
        vec![],
        Some(finance),
    )?;
    step(&format!(
        "created group Finance ({}) with custom permissions: reports and financial reports (rule ROL-3)",
        short(group)
    ));
    // Putting Fay in the group gives her what the group gives: Ann holds all of it (ROL-8).
    let fay: UserId = host.new_id();
    let created = svc.create_user(
        c.account,
        &ann,
        NewUser::new(
            c.tenant,
            fay,
            PersonName::new("Fay", "Novak")?,
            "fay@contoso.com".parse()?,
        )
        .with_reset_email("fay.novak@outlook.com".parse()?)
        .with_groups([group]),
    )?;
    step(&format!(
        "created user Fay ({}) in contoso.com, member of Finance (rules USR-4, ROL-8)",
        short(fay)
    ));
    secret("Fay's initial password", &created);
    let as_fay = Actor::User {
        tenant: c.tenant,
        user: fay,
    };
    explain(svc, c.account, &as_fay, Permission::ViewFinancialReports)?;

    // An app for the build pipeline, with a key that lives at most 24 months (rule APP-4).
    let app: AppId = host.new_id();
    svc.create_app(
        c.account,
        &ann,
        NewApp {
            tenant: c.tenant,
            app,
            name: DisplayName::new("Contoso Build Pipeline")?,
            reply_url: "https://build.contoso.com/auth".parse()?,
            app_id_uri: "https://contoso.com/build-pipeline".parse()?,
            grant: Some(developer),
        },
    )?;
    step("created app Contoso Build Pipeline as Developer (rule APP-2)");
    let expires = host
        .now()
        .checked_add_months(Months::new(12))
        .ok_or("date out of range")?;
    let key = svc.add_app_key(c.account, &ann, app, host.new_id(), expires)?;
    step(&format!(
        "added a key to it, valid until {} (rule APP-4)",
        expires.date_naive()
    ));
    secret("the key's value", &key);
    if let Some(revealed) = &key.revealed {
        step(&format!(
            "in logs the key is only {:?}; the stored event keeps its fingerprint (rule X-4)",
            revealed.secret
        ));
    }
    Ok(())
}

fn roles_and_denials(svc: &Service, host: &Host, c: &Contoso) -> Res {
    host.day(2027, 1, 7);
    // A Developer may not manage users (rule ROL-2): the denial says why (rule ROL-6).
    let as_bo = host.ctx(c.bo());
    let newcomer = DirectoryUser {
        user: host.new_id(),
        name: PersonName::new("Gus", "Diaz")?,
        username: "gus@contoso.com".parse()?,
        global_admin: false,
    };
    let tried = svc.add_users(
        c.account,
        &as_bo,
        c.tenant,
        vec![newcomer],
        Grant::Role(Role::Developer),
    );
    refused("Bo (Developer) adds a user", tried);

    // A Manager may not change payout settings: only the owner account may (rules ROL-1, PAY-1).
    let as_ann = host.ctx(c.ann());
    refused(
        "Ann (Manager) turns the payout hold on",
        svc.set_payout_hold(c.account, &as_ann, true),
    );

    // Nor may she give anyone the Owner role: nobody gives more than they hold, and the payout
    // settings it gives are held by the owner account alone (rules ROL-7, ROL-8).
    refused(
        "Ann (Manager) makes Bo an Owner",
        svc.grant(
            c.account,
            &as_ann,
            vec![Principal::User(c.bo)],
            Grant::Role(Role::Owner),
        ),
    );

    // Invalid input is a typed error naming its rule, and changes nothing (rule X-3).
    let eleven: Vec<String> = (1..=11).map(|i| format!("guest{i}@fabrikam.com")).collect();
    let ids: Vec<UserId> = eleven.iter().map(|_| host.new_id()).collect();
    refused(
        "Ann invites 11 guests at once",
        svc.invite_guests(
            c.account,
            &as_ann,
            c.tenant,
            &eleven.join("; "),
            ids,
            Grant::Role(Role::Developer),
        ),
    );

    // She may promote Bo to Manager: she holds everything the role gives (rule ROL-7).
    svc.set_grants(
        c.account,
        &as_ann,
        Principal::User(c.bo),
        vec![Grant::Role(Role::Manager)],
    )?;
    step("Ann changes Bo's role from Developer to Manager (rule ROL-1)");
    explain(svc, c.account, &c.bo(), Permission::ManageUsers)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Story 2: Lina Berg, an individual seller in Sweden
// ---------------------------------------------------------------------------------------------

fn swedish_seller(svc: &Service) -> Res<AccountId> {
    // Her own host clock starts in January too; ids start far from Contoso's.
    let host = Host::starting(2027, 1, 5, 10_000);
    let account: AccountId = host.new_id();
    let owner: OwnerAccountId = host.new_id();
    let tenant: TenantId = host.new_id();
    let lina: UserId = host.new_id();
    let as_lina = Actor::User { tenant, user: lina };
    let as_owner = Actor::OwnerAccount { owner };

    section("Lina Berg: an individual seller in Sweden");
    let marketplace = host.ctx(Actor::Marketplace);
    svc.open_account(
        &marketplace,
        // No owner account yet: it is associated below.
        OpenAccount::new(
            account,
            SellerId::new("91000002")?,
            AccountType::Individual,
            DisplayName::new("Berg Games")?,
            CountryCode::SE,
            Currency::USD,
        ),
    )?;
    // Individual accounts verify their email only (rule ACC-1).
    let email = VerificationStep::Email;
    svc.record_verification(account, &marketplace, email, StepState::Verified)?;
    step("marketplace: opened individual account Berg Games (SE); email verified (rule ACC-1)");
    // The first tenant is associated by the marketplace; Lina becomes its Manager (ROL-8).
    svc.begin_tenant_association(
        account,
        &marketplace,
        TenantToAssociate::new(
            tenant,
            DisplayName::new("Berg Games")?,
            "berggames.se".parse()?,
        )
        .with_first_user(DirectoryUser {
            user: lina,
            name: PersonName::new("Lina", "Berg")?,
            username: "lina@berggames.se".parse()?,
            global_admin: true,
        }),
    )?;
    svc.confirm_tenant_association(account, &marketplace, tenant, None)?;
    let ctx = host.ctx(as_lina);
    let address = PostalAddress::builder("Götgatan 1", "Stockholm", CountryCode::SE)
        .postal_code("116 46")
        .build()?;
    svc.set_seller_contact(
        account,
        &ctx,
        SellerContact {
            name: PersonName::new("Lina", "Berg")?,
            email: "lina@berggames.se".parse()?,
            phone: "+46 8 123 456 78".parse()?,
            address: address.clone(),
        },
    )?;
    step(
        "berggames.se is associated, Lina is its Manager; she sets her seller contact (rules TEN-2, ACC-3)",
    );
    accept_latest(svc, &host, account, as_lina, "Lina Berg")?;

    associate_owner(svc, &host, account, owner)?;
    // A Swedish bank account: payout accounts are in the registration country (rule PAY-3).
    let bank = PayoutMethodInput::Bank {
        account_type: BankAccountType::Checking,
        holder: DisplayName::new("Lina Berg")?,
        account_number: BankAccountNumber::new("SE45 5000 0000 0583 9825 7466")?,
        routing_number: "ESSESESS".into(),
        billing_address: address,
        phone: "+46 8 123 456 78".parse()?,
    };
    set_up_payout_account(svc, &host, account, as_owner, bank)?;

    // A foreign individual files a W-8BEN (rule TAX-2); no US TIN is asked for (rule TAX-3).
    let ctx = host.ctx(as_owner);
    svc.start_tax_profile(
        account,
        &ctx,
        ProfileDetails {
            residence: CountryCode::SE,
            citizenship: CountryCode::SE,
            entity_type: EntityType::Individual,
        },
    )?;
    svc.submit_w8ben(account, &ctx, w8ben(host.today(), None)?)?;
    step("tax profile: Swedish individual, W-8BEN signed without a treaty claim");
    show_rate(svc, account, host.today())?;
    host.day(2027, 1, 11);
    verify_payout_account(svc, &host, account)?;

    host.day(2027, 2, 2);
    accept_latest(svc, &host, account, as_lina, "Lina Berg")?;

    host.day(2027, 3, 3);
    // Part II of a new W-8BEN claims the US–Sweden treaty: 0 % on software royalties (TAX-5).
    let claim = TreatyClaim {
        country: CountryCode::SE,
        article: "12(1)".parse()?,
        rate: "0%".parse()?,
        income: IncomeType::OtherRoyalties,
    };
    let ctx = host.ctx(as_owner);
    svc.submit_w8ben(account, &ctx, w8ben(host.today(), Some(claim))?)?;
    step("a new W-8BEN claims the treaty rate in Part II (rule TAX-5)");
    show_rate(svc, account, host.today())?;

    section("Lina Berg: sales and payout statements");
    let ledger = vec![
        sale("100.00 USD", (2027, 1, 14), CountryCode::US)?,
        sale("60.00 USD", (2027, 1, 20), CountryCode::SE)?,
        sale("80.00 USD", (2027, 2, 10), CountryCode::US)?,
        sale("40.00 USD", (2027, 2, 12), CountryCode::DE)?,
        sale("50.00 USD", (2027, 3, 1), CountryCode::US)?, // before the treaty claim
        sale("100.00 USD", (2027, 3, 10), CountryCode::US)?, // after it
        sale("25.00 USD", (2027, 4, 6), CountryCode::US)?,
        sale("10.00 USD", (2027, 4, 9), CountryCode::SE)?,
        sale("40.00 USD", (2027, 5, 18), CountryCode::US)?,
    ];
    print_ledger(&ledger);
    print_statements(svc, account, &ledger, month(2027, 2)?, month(2027, 6)?)?;
    Ok(account)
}

/// A W-8BEN signed by Lina on `signed_on`, with or without a treaty claim.
fn w8ben(signed_on: NaiveDate, treaty_claim: Option<TreatyClaim>) -> Res<W8Input> {
    Ok(W8Input {
        name: DisplayName::new("Lina Berg")?,
        foreign_tin: Some(ForeignTin::new("19900101-1234")?),
        treaty_claim,
        signature: ElectronicSignature::new(DisplayName::new("Lina Berg")?, signed_on),
    })
}

// ---------------------------------------------------------------------------------------------
// Steps both stories share
// ---------------------------------------------------------------------------------------------

/// The host's record of which owner account belongs to which marketplace account (rule
/// PAY-1), given to the service in its [`Settings`]. A real host reads it from its database;
/// here every owner account is new.
struct NoOtherAccounts;

impl OwnerAccountRegistry for NoOtherAccounts {
    fn associated_account(&self, _owner: OwnerAccountId) -> Option<AccountId> {
        None
    }
}

/// Only the marketplace associates an owner account, after the registry shows it belongs to
/// no other account (rule PAY-1).
fn associate_owner(svc: &Service, host: &Host, account: AccountId, owner: OwnerAccountId) -> Res {
    svc.associate_owner_account(account, &host.ctx(Actor::Marketplace), owner)?;
    step(&format!(
        "marketplace: owner account {} associated for payouts; only it changes payout and tax settings (rules PAY-1, ROL-7)",
        short(owner)
    ));
    Ok(())
}

/// Sets the payout account; it awaits the marketplace's verification (rules PAY-2..4).
fn set_up_payout_account(
    svc: &Service,
    host: &Host,
    account: AccountId,
    owner: Actor,
    bank: PayoutMethodInput,
) -> Res {
    let id: PayoutAccountId = host.new_id();
    svc.set_payout_account(account, &host.ctx(owner), id, bank)?;
    // Only the masked number was decided and stored (rule X-4).
    let state = svc.state(account)?.ok_or("no such account")?;
    let shown = match state.payouts.payout_account().map(|a| &a.method) {
        Some(partnerkit::payouts::PayoutMethod::Bank {
            account_number,
            billing_address,
            ..
        }) => format!(
            "bank account {account_number} in {}",
            billing_address.country()
        ),
        Some(partnerkit::payouts::PayoutMethod::PayPal { email, .. }) => format!("PayPal {email}"),
        _ => "none".to_owned(),
    };
    step(&format!(
        "payout account set: {shown}, awaiting verification (rules PAY-2..4)"
    ));
    Ok(())
}

fn verify_payout_account(svc: &Service, host: &Host, account: AccountId) -> Res {
    let id = svc
        .state(account)?
        .and_then(|s| s.payouts.payout_account().map(|a| a.id))
        .ok_or("no payout account")?;
    let ctx = host.ctx(Actor::Marketplace);
    svc.record_payout_verification(account, &ctx, id, VerificationOutcome::Verified)?;
    step("marketplace: payout account verified (rule PAY-4)");
    Ok(())
}

fn hold(svc: &Service, host: &Host, account: AccountId, owner: Actor, on: bool) -> Res {
    svc.set_payout_hold(account, &host.ctx(owner), on)?;
    // The hold's state at the end of a month decides the next month's payout (rule PAY-6).
    let (what, effect) = if on {
        ("on", "next month's payout is held")
    } else {
        ("off", "next month's payout is paid, held amounts included")
    };
    step(&format!(
        "{}: the owner account turns the payout hold {what}: {effect} (rule PAY-6)",
        host.today()
    ));
    Ok(())
}

/// Accepts the latest published version of every agreement needing action (rules AGR-1..3).
fn accept_latest(svc: &Service, host: &Host, account: AccountId, user: Actor, name: &str) -> Res {
    let state = svc.state(account)?.ok_or("no such account")?;
    let pending = partnerkit::agreements::action_needed(
        &svc.settings().catalogue,
        &state.agreements,
        host.now(),
    );
    for todo in pending {
        let since = match &todo.accepted {
            None => "never accepted".to_owned(),
            Some(v) => format!("{v} accepted, behind for {} day(s)", todo.pending_days),
        };
        let deadline = todo
            .accept_by
            .map(|t| format!(", accept by {}", t.date_naive()))
            .unwrap_or_default();
        step(&format!(
            "{}: action needed on {} version {} ({since}{deadline}) (rule AGR-2)",
            host.today(),
            todo.name,
            todo.version
        ));
        svc.accept_agreement(account, &host.ctx(user), &todo.agreement, &todo.version)?;
        step(&format!(
            "{name} accepts exactly version {}; her name and the time are recorded (rules AGR-1, AGR-3)",
            todo.version
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------------------------

/// One publishing agreement with two versions; the second must be accepted by 31 March.
fn catalogue() -> Res<Catalogue> {
    let version = |label: &str, y, m, d| -> Res<PublishedVersion> {
        let url = format!("https://marketplace.example/agreements/publisher/{label}").parse()?;
        Ok(PublishedVersion::new(
            AgreementVersion::new(label)?,
            Utc.with_ymd_and_hms(y, m, d, 0, 0, 0)
                .single()
                .ok_or("bad date")?,
            AgreementText::link(url),
        ))
    };
    let deadline = Utc
        .with_ymd_and_hms(2027, 3, 31, 0, 0, 0)
        .single()
        .ok_or("bad date")?;
    Ok(Catalogue::new(vec![Agreement::new(
        AgreementId::new("publisher-agreement")?,
        DisplayName::new("Marketplace Publisher Agreement")?,
        vec![
            version("2026-07", 2026, 7, 1)?,
            version("2027-02", 2027, 2, 1)?.with_accept_by(deadline)?,
        ],
    )?])?)
}

fn redmond() -> Res<PostalAddress> {
    Ok(
        PostalAddress::builder("1 Microsoft Way", "Redmond", CountryCode::US)
            .region("WA")
            .postal_code("98052")
            .build()?,
    )
}

/// One app sale (or refund, if negative) from the host's ledger.
fn sale(amount: &str, (y, m, d): (i32, u32, u32), country: CountryCode) -> Res<LedgerEntry> {
    let policy = partnerkit::payouts::PayoutPolicy::default();
    Ok(LedgerEntry::new(
        RevenueSource::new(RevenueSource::APP_SALES)?,
        amount.parse::<Money>()?,
        NaiveDate::from_ymd_opt(y, m, d).ok_or("bad date")?,
        country,
        &policy,
    )?)
}

fn month(y: i32, m: u32) -> Res<PayoutMonth> {
    Ok(PayoutMonth::new(y, m)?)
}

// ---------------------------------------------------------------------------------------------
// The host: clock, ids, output
// ---------------------------------------------------------------------------------------------

/// What a host brings to every command: the time and fresh ids (rule X-5).
struct Host {
    clock: ManualClock,
    ids: SequentialIds,
}

impl Host {
    fn starting(y: i32, m: u32, d: u32, ids_after: u64) -> Self {
        Host {
            clock: ManualClock::new(nine_am(y, m, d)),
            ids: SequentialIds::starting_after(ids_after),
        }
    }
    /// Moves the clock to 09:00 UTC on that day.
    fn day(&self, y: i32, m: u32, d: u32) {
        self.clock.set(nine_am(y, m, d));
    }
    fn now(&self) -> DateTime<Utc> {
        partnerkit::core::Clock::now(&self.clock)
    }
    fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }
    /// The context of one command: the time, the actor, fresh ids, and the operating
    /// system's secure random generator for the secrets some commands make (rule X-6).
    fn ctx(&self, actor: Actor) -> Context<'_> {
        Context::at_clock(&self.clock, actor, &self.ids).with_rng(&OsRandom)
    }
    fn new_id<I: EntityId>(&self) -> I {
        self.ctx(Actor::Marketplace).new_id()
    }
}

fn nine_am(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

/// Opens a fresh database at `path`. A partnerkit database left there by an earlier run is
/// deleted first (with SQLite's side files); anything else at that path is refused, never
/// deleted.
fn fresh_store(path: &Path) -> Res<SqliteStore> {
    let side_files = ["-wal", "-shm"].map(|suffix| {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        PathBuf::from(p)
    });
    if path.exists() {
        if let Err(why) = check_partnerkit_database(path) {
            return Err(format!(
                "refusing to overwrite {}: {why}. Give the path of a new file, or of a database an earlier run wrote: `cargo run --example quickstart -- /tmp/pk.sqlite`",
                path.display()
            )
            .into());
        }
        std::fs::remove_file(path)?;
    } else if let Some(side) = side_files.iter().find(|p| p.exists()) {
        return Err(format!(
            "refusing to write {}: {} exists without it; remove it or give another path",
            path.display(),
            side.display()
        )
        .into());
    }
    for side in &side_files {
        match std::fs::remove_file(side) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    }
    Ok(SqliteStore::open(path)?)
}

/// The last digits of an id: enough to tell who is who in the explanations.
fn short(id: impl std::fmt::Display) -> String {
    let id = id.to_string();
    format!(
        "…{}",
        id.get(id.len().saturating_sub(4)..).unwrap_or_default()
    )
}

fn section(title: &str) {
    println!("\n== {title} ==");
}

fn step(text: &str) {
    println!("  - {text}");
}

/// Shows the secret a command generated: it comes back once, in `Executed::revealed`, and is
/// stored nowhere (rule X-4).
fn secret(what: &str, executed: &Executed) {
    if let Some(revealed) = &executed.revealed {
        println!(
            "    {what}, shown once: {}",
            revealed.secret.expose_secret()
        );
    }
}

/// Prints a refused command: a denial with its explanation, or the broken rule.
fn refused<T>(what: &str, result: Result<T, partnerkit::Error>) {
    match result {
        Ok(_) => step(&format!("{what}: accepted (unexpected!)")),
        // The error says what went wrong: a denial explains what is missing, a broken rule
        // names the rule.
        Err(e) => step(&format!("{what}: REFUSED\n      {e}")),
    }
}

/// May `actor` do what `permission` covers? The decision explains itself (rule ROL-6).
fn explain(svc: &Service, account: AccountId, actor: &Actor, permission: Permission) -> Res {
    match svc.authorize(account, actor, permission) {
        Ok(allowed) => step(&format!("check: {allowed}")),
        Err(no) if no.is_denied() => step(&format!("check: {no}")),
        Err(failed) => return Err(failed.into()),
    }
    Ok(())
}

/// The audit trail's size, by domain (rule X-1).
fn audit_trail(svc: &Service, account: AccountId) -> Res {
    let trail = svc.history(account)?;
    let mut by_domain = std::collections::BTreeMap::<&str, usize>::new();
    for recorded in &trail {
        let domain = match recorded.event {
            AccountEvent::Identity(_) => "identity",
            AccountEvent::Access(_) => "access",
            AccountEvent::Payouts(_) => "payouts",
            AccountEvent::Tax(_) => "tax",
            AccountEvent::Agreements(_) => "agreements",
            _ => "other",
        };
        *by_domain.entry(domain).or_default() += 1;
    }
    let parts: Vec<String> = by_domain.iter().map(|(d, n)| format!("{d} {n}")).collect();
    let span = match (trail.first(), trail.last()) {
        (Some(a), Some(b)) => format!(", {} to {}", a.at.date_naive(), b.at.date_naive()),
        _ => String::new(),
    };
    step(&format!(
        "{} events in the audit trail ({}){span}, each with who and when (rule X-1)",
        trail.len(),
        parts.join(", ")
    ));
    Ok(())
}

fn show_rate(svc: &Service, account: AccountId, on: NaiveDate) -> Res {
    let state = svc.state(account)?.ok_or("no such account")?;
    let decision = withholding_rate(&state.tax, on, &svc.settings().treaties);
    step(&format!(
        "withholding from {on}: {} on US sales ({}), none on other sales (rules TAX-4, TAX-5)",
        decision.rate, decision.reason
    ));
    Ok(())
}

fn show_readiness(svc: &Service, account: AccountId, at: DateTime<Utc>) -> Res {
    let readiness = svc.readiness(account, at)?;
    if readiness.can_sell_paid_offers() {
        step(&format!(
            "{}: ready to sell paid and free offers (rule ACC-4)",
            at.date_naive()
        ));
    } else {
        let missing: Vec<String> = readiness.missing.iter().map(describe_missing).collect();
        step(&format!(
            "{}: not ready for paid offers (free offers: {}); missing: {} (rule ACC-4)",
            at.date_naive(),
            if readiness.can_list_free_offers() {
                "yes"
            } else {
                "no"
            },
            missing.join(", ")
        ));
    }
    Ok(())
}

fn describe_missing(m: &Missing) -> String {
    match m {
        Missing::Identity { lacks } => format!("profile ({lacks:?})"),
        Missing::Agreements { pending } => format!("{} agreement(s) to accept", pending.len()),
        Missing::OwnerAccount => "owner account".into(),
        Missing::PayoutAccount => "payout account".into(),
        Missing::PayoutAccountNotVerified => "payout account verification".into(),
        Missing::TaxProfile { status } => format!("tax profile ({status})"),
        other => format!("{other:?}"),
    }
}

fn print_ledger(ledger: &[LedgerEntry]) {
    println!("  ledger (app sales; payable the month after they are earned):");
    for e in ledger {
        println!(
            "    {}  {:>12}  sold in {}",
            e.earned_on(),
            e.amount().to_string(),
            e.country_of_sale()
        );
    }
}

/// Prints the statements of the cycles `first..=last` as small tables (rule PAY-9).
fn print_statements(
    svc: &Service,
    account: AccountId,
    ledger: &[LedgerEntry],
    first: PayoutMonth,
    last: PayoutMonth,
) -> Res {
    for s in svc.statements(account, ledger, first, last)? {
        print_statement(&s);
    }
    Ok(())
}

fn print_statement(s: &Statement) {
    let checked = if s.balances() {
        "balances to the cent"
    } else {
        "DOES NOT BALANCE"
    };
    println!(
        "\n  Statement {}: paid {}{} ({checked})",
        s.month,
        s.paid,
        s.payment_date
            .map(|d| format!(" by {d}"))
            .unwrap_or_default()
    );
    for line in &s.lines {
        println!(
            "    {:<16} {:>12}  {}",
            line.kind,
            line.amount.to_string(),
            line.why
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Year end: a sale in euros converted, and Lina's Form 1042-S (rules PAY-10, TAX-10)
// ---------------------------------------------------------------------------------------------

fn year_end(svc: &Service, lina: AccountId) -> Res {
    section("Lina Berg: a sale in euros, and the year's Form 1042-S");
    let (state, settings) = (svc.state(lina)?.ok_or("no account")?, svc.settings());
    // The host's rate per currency and month; partnerkit never fetches one (rule PAY-10).
    let eur_usd = "1.0712".parse()?;
    let rates = FixedRates::new().with(Currency::EUR, Currency::USD, month(2027, 10)?, eur_usd);
    let ledger = vec![
        sale("80.00 USD", (2027, 10, 4), CountryCode::US)?,
        sale("100.00 EUR", (2027, 10, 9), CountryCode::US)?,
        sale("60.00 USD", (2027, 12, 20), CountryCode::US)?, // paid in January: 2028's return
    ];
    let (first, last) = (month(2027, 2)?, month(2028, 1)?);
    let zero = CarryOver::zero(Currency::USD);
    let statements = statements_converted(&state, settings, &ledger, &rates, first, last, zero)?;
    for s in statements.iter().filter(|s| !s.conversions.is_empty()) {
        print_statement(s);
        for c in &s.conversions {
            let (to, from, rate) = (c.converted.to_string(), c.original, c.rate);
            println!("    converted        {to:>12}  {from} at {rate}, rounded once");
        }
    }
    let rules = ReportingRules::default();
    let returns = year_end_returns(&state, settings, &ledger, &rates, &statements, 2027, &rules)?;
    for f in &returns.forms_1042s {
        let (code, exemption) = (f.income_code, f.exemption_code.code());
        let (gross, withheld, by) = (f.gross_income, f.tax_withheld, f.furnish_by);
        step(&format!(
            "Form 1042-S {}: income code {code}, exemption {exemption} (treaty), gross {gross}, withheld {withheld}, furnish by {by}",
            f.tax_year
        ));
    }
    let ok = returns.reconciles()?;
    step(&format!(
        "the forms reconcile with the paid statements: {ok}"
    ));
    Ok(())
}
