//! The tax profile: who the seller is for US tax purposes and which form is on file
//! (rules TAX-1, TAX-2, TAX-3).

use chrono::{Datelike, NaiveDate};
use partnerkit_core::{CountryCode, DisplayName, Masked};
use serde::{Deserialize, Serialize};

use crate::rate::Rate;
use crate::treaty::{IncomeType, TreatyArticle};

/// Whether the seller is a natural person or an organisation (rule TAX-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum EntityType {
    /// A natural person.
    Individual,
    /// A company, partnership, trust or other organisation.
    Entity,
}

/// A US tax form (rule TAX-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum FormKind {
    /// IRS Form W-9: US persons.
    #[serde(rename = "w9")]
    W9,
    /// IRS Form W-8BEN: foreign individuals.
    #[serde(rename = "w8ben")]
    W8Ben,
    /// IRS Form W-8BEN-E: foreign entities.
    #[serde(rename = "w8ben_e")]
    W8BenE,
}

impl FormKind {
    /// True for the W-8 family, which expires (rule TAX-5) and may carry a treaty claim.
    pub const fn is_w8(self) -> bool {
        matches!(self, FormKind::W8Ben | FormKind::W8BenE)
    }

    /// The form's IRS name: `W-9`, `W-8BEN`, `W-8BEN-E`.
    pub const fn irs_name(self) -> &'static str {
        match self {
            FormKind::W9 => "W-9",
            FormKind::W8Ben => "W-8BEN",
            FormKind::W8BenE => "W-8BEN-E",
        }
    }
}

impl std::fmt::Display for FormKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.irs_name())
    }
}

/// True if a seller with this residence and citizenship (for an entity: country of
/// organisation) is a US person for this crate: either is the US.
pub fn is_us_person(residence: CountryCode, citizenship: CountryCode) -> bool {
    residence == CountryCode::US || citizenship == CountryCode::US
}

/// Which form a seller completes (rule TAX-2): US persons a W-9, whatever their entity type;
/// everyone else a W-8 — W-8BEN for individuals, W-8BEN-E for entities.
///
/// A US citizen living abroad, and a person resident in the US, are US persons here. (The
/// IRS's substantial-presence test is the host's to apply before it states the residence.)
///
/// ```
/// use partnerkit_core::CountryCode as C;
/// use partnerkit_tax::{EntityType, FormKind, required_form};
/// assert_eq!(required_form(C::US, C::US, EntityType::Entity), FormKind::W9);
/// assert_eq!(required_form(C::SE, C::US, EntityType::Individual), FormKind::W9);
/// assert_eq!(required_form(C::SE, C::SE, EntityType::Individual), FormKind::W8Ben);
/// assert_eq!(required_form(C::SE, C::SE, EntityType::Entity), FormKind::W8BenE);
/// ```
pub fn required_form(
    residence: CountryCode,
    citizenship: CountryCode,
    entity_type: EntityType,
) -> FormKind {
    match (is_us_person(residence, citizenship), entity_type) {
        (true, _) => FormKind::W9,
        (false, EntityType::Individual) => FormKind::W8Ben,
        (false, EntityType::Entity) => FormKind::W8BenE,
    }
}

/// The last day a W-8 signed on `signed_on` is valid: the end of the third calendar year
/// after the year of signing (rule TAX-5). Signed 2015-09-30 → valid through 2018-12-31.
pub fn w8_valid_through(signed_on: NaiveDate) -> NaiveDate {
    signed_on
        .year()
        .checked_add(3)
        .and_then(|y| NaiveDate::from_ymd_opt(y, 12, 31))
        .unwrap_or(NaiveDate::MAX)
}

/// An electronic signature: who signed and on which date (rule TAX-2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ElectronicSignature {
    /// The name typed as the signature.
    pub signer: DisplayName,
    /// The date written next to it (a calendar date, not an instant).
    pub signed_on: NaiveDate,
}

impl ElectronicSignature {
    /// A signature by `signer` on `signed_on`.
    pub fn new(signer: DisplayName, signed_on: NaiveDate) -> Self {
        ElectronicSignature { signer, signed_on }
    }
}

/// A treaty claim, as made in Part II of the W-8BEN (Part III of the W-8BEN-E) (rule TAX-5):
/// "the beneficial owner is a resident of `country` … claims the provisions of `article` …
/// to claim a `rate` rate of withholding on `income`".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TreatyClaim {
    /// The treaty country, which must be the country of residence.
    pub country: CountryCode,
    /// The article and paragraph claimed.
    pub article: TreatyArticle,
    /// The rate claimed.
    pub rate: Rate,
    /// The type of income.
    pub income: IncomeType,
}

/// What is kept of a taxpayer identification number: its masked form, never the number
/// (rule X-4).
///
/// Deliberately no hash: a nine-digit number's SHA-256 is reversed by trying all 10^9
/// numbers, so a hash would be the number in disguise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TinRecord {
    /// The number with all but its last four characters hidden, such as `•••••6789`.
    pub masked: Masked,
}

/// A signed form on file (rules TAX-2, TAX-3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SubmittedForm {
    /// Which form.
    pub kind: FormKind,
    /// The beneficial owner's (or US person's) legal name.
    pub name: DisplayName,
    /// W-9: the US TIN (SSN or EIN). W-8: the optional foreign TIN. No ITIN is ever required
    /// (rule TAX-3).
    pub tin: Option<TinRecord>,
    /// W-8 only: the treaty claim, if any (rule TAX-5).
    pub treaty_claim: Option<TreatyClaim>,
    /// The electronic signature.
    pub signature: ElectronicSignature,
}

impl SubmittedForm {
    /// The last day the form is valid: `None` for a W-9 (it does not expire), the end of the
    /// third calendar year after signing for a W-8 (rule TAX-5).
    pub fn valid_through(&self) -> Option<NaiveDate> {
        self.kind
            .is_w8()
            .then(|| w8_valid_through(self.signature.signed_on))
    }

    /// True if the form is in force on `on`: signed on or before it and not expired.
    pub fn is_valid_on(&self, on: NaiveDate) -> bool {
        self.signature.signed_on <= on && self.valid_through().is_none_or(|end| on <= end)
    }
}

/// Residence, citizenship and entity type: who the seller is (rule TAX-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ProfileDetails {
    /// Country or region of residence (for an entity: where it is resident for tax).
    pub residence: CountryCode,
    /// Country or region of citizenship (for an entity: where it is organised).
    pub citizenship: CountryCode,
    /// Individual or entity.
    pub entity_type: EntityType,
}

impl ProfileDetails {
    /// The form these details require (rule TAX-2).
    pub fn required_form(&self) -> FormKind {
        required_form(self.residence, self.citizenship, self.entity_type)
    }
}

/// Whether the tax profile lets the seller be paid without default withholding (rule TAX-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProfileStatus {
    /// No profile yet.
    NotStarted,
    /// The profile exists but the required form is missing (or not yet signed on that date).
    Incomplete,
    /// The required form is on file and in force.
    Complete,
    /// The W-8 on file has expired: a new one is needed (rule TAX-5).
    Expired,
}

/// A form's time on file: the form, the details it was submitted under, and the days it was
/// in force (rules TAX-1, TAX-5).
///
/// The period covers every date `d` with `from <= d < until` (`until` is **exclusive**; `None`
/// while the form is still on file). Dates are UTC calendar days, like a sale's date.
///
/// - `from` is the later of the day the form was submitted and the day it was signed: a form
///   covers no sale made before it was on file, nor before it was signed (a signature may be
///   dated up to a day ahead of UTC, rule TAX-2).
/// - `until` is the day the form was withdrawn (the profile was edited) or replaced by a new
///   form. Exclusive, so that on a day with several changes the documentation on file at the
///   end of the day decides: a form submitted and replaced on the same day covers no day.
///
/// A W-8 also stops applying after its validity ends (rule TAX-5), even within its period:
/// see [`TaxProfile::form_on`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FormPeriod {
    /// Residence, citizenship and entity type when the form was submitted. (Editing them
    /// withdraws the form, so they hold for the whole period.)
    pub details: ProfileDetails,
    /// The form.
    pub form: SubmittedForm,
    /// The first day covered: the later of the submission day and the signing date.
    pub from: NaiveDate,
    /// The day the form was withdrawn or replaced (not covered); `None` while it is on file.
    pub until: Option<NaiveDate>,
}

impl FormPeriod {
    /// True if the form was on file on `on`: `from <= on` and, once closed, `on < until`.
    pub fn covers(&self, on: NaiveDate) -> bool {
        self.from <= on && self.until.is_none_or(|until| on < until)
    }
}

/// Residence, citizenship and entity type from a day on (rule TAX-8): one entry of
/// [`TaxProfile::details_history`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DatedDetails {
    /// The first day the details apply; `None` in histories recorded before the day was
    /// kept: from the earliest date.
    pub from: Option<NaiveDate>,
    /// The details.
    #[serde(flatten)]
    pub details: ProfileDetails,
}

/// The seller's tax profile (rule TAX-1): the state of the [`Tax`](crate::Tax) decider.
///
/// Its [`status`](TaxProfile::status) depends on the date (W-8 forms expire), so it is
/// derived, not stored.
///
/// Two kinds of question, two kinds of method:
///
/// - **Now** — [`status`](TaxProfile::status), [`valid_form`](TaxProfile::valid_form),
///   [`required_form`](TaxProfile::required_form) look at the *current* details and form (the
///   `on` date only decides whether that form is signed yet or has expired). Use them for
///   "what must the seller do today?".
/// - **Then** — [`form_on`](TaxProfile::form_on) and [`period_on`](TaxProfile::period_on) look
///   up the [`history`](TaxProfile::history): the documentation on file on that day. Use them
///   for anything about a past sale; [`withholding_rate`](crate::withholding_rate) does, so a
///   later edit or form never restates past months.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TaxProfile {
    /// Residence, citizenship, entity type; `None` before the profile is started.
    pub details: Option<ProfileDetails>,
    /// The form on file now, if any.
    pub form: Option<SubmittedForm>,
    /// Every form ever on file, oldest first, with the days it was in force; the last one is
    /// open (`until: None`) while [`form`](TaxProfile::form) is on file.
    pub history: Vec<FormPeriod>,
    /// Every start and edit of the details, oldest first, with the day from which they
    /// apply: who the seller was on a past day with no form on file (rule TAX-8).
    #[serde(default)]
    pub details_history: Vec<DatedDetails>,
}

impl TaxProfile {
    /// The profile's status on `on` (rule TAX-1), from the **current** details and form: is
    /// the form on file now the required one, and is it signed and not expired on `on`? For
    /// the form on file on a past date, see [`form_on`](TaxProfile::form_on).
    pub fn status(&self, on: NaiveDate) -> ProfileStatus {
        let Some(details) = &self.details else {
            return ProfileStatus::NotStarted;
        };
        match &self.form {
            Some(form) if form.kind == details.required_form() => {
                if form.is_valid_on(on) {
                    ProfileStatus::Complete
                } else if form.valid_through().is_some_and(|end| on > end) {
                    ProfileStatus::Expired
                } else {
                    ProfileStatus::Incomplete
                }
            }
            _ => ProfileStatus::Incomplete,
        }
    }

    /// The form the profile requires now, once started (rule TAX-2).
    pub fn required_form(&self) -> Option<FormKind> {
        self.details.as_ref().map(ProfileDetails::required_form)
    }

    /// The **current** form if it is the required one and in force on `on` (signed, not
    /// expired). For the form on file on a past date, see [`form_on`](TaxProfile::form_on).
    pub fn valid_form(&self, on: NaiveDate) -> Option<&SubmittedForm> {
        let required = self.required_form()?;
        self.form
            .as_ref()
            .filter(|f| f.kind == required && f.is_valid_on(on))
    }

    /// The form period covering `on` (see [`FormPeriod`] for its bounds), valid or not.
    pub fn period_on(&self, on: NaiveDate) -> Option<&FormPeriod> {
        self.history.iter().rev().find(|p| p.covers(on))
    }

    /// The documentation in force on `on`: the form on file that day with the details it was
    /// submitted under, if it was the form those details required and was valid that day
    /// (signed, and for a W-8 not yet expired, rule TAX-5). Later edits and forms do not
    /// change the answer for a past date.
    pub fn form_on(&self, on: NaiveDate) -> Option<(&ProfileDetails, &SubmittedForm)> {
        self.period_on(on)
            .filter(|p| p.form.kind == p.details.required_form() && p.form.is_valid_on(on))
            .map(|p| (&p.details, &p.form))
    }

    /// The details in effect on `on`: the last start or edit made on or before that day;
    /// `None` before the profile was started.
    pub fn details_on(&self, on: NaiveDate) -> Option<&ProfileDetails> {
        self.details_history
            .iter()
            .rev()
            .find(|d| d.from.is_none_or(|from| from <= on))
            .map(|d| &d.details)
    }

    /// Records details started or edited on `on` (`None`: from the earliest date).
    pub(crate) fn set_details(&mut self, details: ProfileDetails, on: Option<NaiveDate>) {
        self.details = Some(details);
        self.details_history
            .push(DatedDetails { from: on, details });
    }

    /// Records `form`, submitted on `on`: closes the open period and opens a new one.
    pub(crate) fn submit(&mut self, form: &SubmittedForm, on: NaiveDate) {
        self.close(on);
        if let Some(details) = self.details {
            self.history.push(FormPeriod {
                details,
                form: form.clone(),
                from: on.max(form.signature.signed_on),
                until: None,
            });
        }
        self.form = Some(form.clone());
    }

    /// Withdraws the form on file on `on`: closes the open period.
    pub(crate) fn withdraw(&mut self, on: NaiveDate) {
        self.close(on);
        self.form = None;
    }

    fn close(&mut self, on: NaiveDate) {
        if let Some(open) = self.history.last_mut().filter(|p| p.until.is_none()) {
            open.until = Some(on);
        }
    }
}
