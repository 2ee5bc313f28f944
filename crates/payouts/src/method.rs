//! Payout methods: bank account or PayPal (rule PAY-2), in their stored (masked) and their
//! input (with the full account number) forms.

use std::fmt;

use partnerkit_core::{CountryCode, DisplayName, EmailAddress, Masked, PhoneNumber, PostalAddress};
use serde::{Deserialize, Serialize};

use crate::account_number::BankAccountNumber;
use crate::bank::{BankScheme, check_aba, check_bic, check_iban};
use crate::error::Error;

/// The kind of payout method, for threshold tables (rule PAY-8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum MethodKind {
    /// A bank account.
    Bank,
    /// A PayPal account.
    PayPal,
}

/// The type of a bank account (rule PAY-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum BankAccountType {
    /// A checking (current) account.
    Checking,
    /// A savings account.
    Savings,
}

/// A bank routing number, checked the way its country's scheme defines (rules PAY-2,
/// PAY-11).
///
/// - US numbers are ABA routing transit numbers: nine digits whose weighted sum
///   `3·(d1+d4+d7) + 7·(d2+d5+d8) + (d3+d6+d9)` is a multiple of 10, whose first two digits
///   are a Federal Reserve prefix ([`ABA_PREFIXES`](crate::ABA_PREFIXES)), and not
///   `000000000`.
/// - Elsewhere, a code with letters is a BIC (SWIFT code): 8 or 11 characters, a 4-letter
///   institution code, the ISO 3166 code of the account's country, a 2-character location
///   and an optional 3-character branch.
/// - A code of digits only is a national bank code (sort code, BSB number, …) of 2 to 34
///   digits.
///
/// Spaces and hyphens are removed; letters are upper-cased.
///
/// ```
/// use partnerkit_core::CountryCode;
/// use partnerkit_payouts::RoutingNumber;
/// assert!(RoutingNumber::new(CountryCode::US, "021000021").is_ok());
/// assert!(RoutingNumber::new(CountryCode::US, "021000022").is_err()); // bad checksum
/// assert!(RoutingNumber::new(CountryCode::US, "000000000").is_err());
/// assert_eq!(RoutingNumber::new(CountryCode::SE, "ESSE SE SS")?.as_str(), "ESSESESS");
/// assert!(RoutingNumber::new(CountryCode::SE, "X1").is_err());
/// assert!(RoutingNumber::new(CountryCode::SE, "DEUTDEFF").is_err()); // a German bank
/// assert_eq!(RoutingNumber::new(CountryCode::GB, "20-00-00")?.as_str(), "200000");
/// # Ok::<(), partnerkit_payouts::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RawRouting")]
pub struct RoutingNumber {
    country: CountryCode,
    number: String,
}

partnerkit_core::validated_fields!(
    RoutingNumber from RawRouting { country: CountryCode, number: String }
    by |country, number: String| RoutingNumber::new(country, &number), Error
);

impl RoutingNumber {
    /// Validates a routing number of a bank in `country`.
    pub fn new(country: CountryCode, value: &str) -> Result<Self, Error> {
        let invalid = |reason: &str| Error::InvalidRoutingNumber {
            country,
            reason: reason.into(),
        };
        let mut number = String::with_capacity(value.len());
        for c in value.trim().chars() {
            match c {
                ' ' | '-' => {}
                c if c.is_ascii_alphanumeric() => number.push(c.to_ascii_uppercase()),
                _ => {
                    return Err(invalid(
                        "it may hold only letters, digits, spaces and hyphens",
                    ));
                }
            }
        }
        match BankScheme::of(country) {
            BankScheme::Aba => check_aba(&number).map_err(invalid)?,
            _ if number.bytes().any(|b| b.is_ascii_alphabetic()) => {
                check_bic(&number, country).map_err(|r| invalid(&r))?;
            }
            _ if !(2..=34).contains(&number.len()) => {
                return Err(invalid(
                    "a national bank code (such as a sort code or BSB number) has 2 to 34 digits",
                ));
            }
            _ => {}
        }
        Ok(RoutingNumber { country, number })
    }

    /// The normalised number.
    pub fn as_str(&self) -> &str {
        &self.number
    }

    /// The bank's country.
    pub fn country(&self) -> CountryCode {
        self.country
    }
}

impl fmt::Display for RoutingNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.number)
    }
}

/// Where PayPal is offered as a payout method (rule PAY-2): data the host can override.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", content = "countries", rename_all = "snake_case")]
pub enum PaypalMarkets {
    /// Offered everywhere except in these countries.
    AllExcept(Vec<CountryCode>),
    /// Offered only in these countries.
    Only(Vec<CountryCode>),
}

impl PaypalMarkets {
    /// True if PayPal is offered in `country`.
    pub fn supports(&self, country: CountryCode) -> bool {
        match self {
            PaypalMarkets::AllExcept(list) => !list.contains(&country),
            PaypalMarkets::Only(list) => list.contains(&country),
        }
    }
}

impl Default for PaypalMarkets {
    /// Everywhere except India, South Korea, Brazil, Latvia and Lithuania (see
    /// [`PayoutPolicy`](crate::PayoutPolicy) for the source).
    fn default() -> Self {
        let codes = ["IN", "KR", "BR", "LV", "LT"];
        PaypalMarkets::AllExcept(codes.iter().filter_map(|c| c.parse().ok()).collect())
    }
}

/// A payout method as stored: the account number only masked (rule X-4).
#[allow(clippy::large_enum_variant)] // a few hundred bytes, set rarely: not worth a Box in the public form
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum PayoutMethod {
    /// A bank account.
    Bank {
        /// Checking or savings.
        account_type: BankAccountType,
        /// The account holder's name (a person or a company).
        holder: DisplayName,
        /// The account number, masked: `••••••6789`.
        account_number: Masked,
        /// The routing number.
        routing_number: RoutingNumber,
        /// The billing address; its country is the payout account's country.
        billing_address: PostalAddress,
        /// A phone number for the account.
        phone: PhoneNumber,
    },
    /// A PayPal account.
    #[serde(rename = "paypal")]
    PayPal {
        /// The PayPal account's email address.
        email: EmailAddress,
        /// The PayPal account's country.
        country: CountryCode,
    },
}

impl PayoutMethod {
    /// Bank or PayPal.
    pub fn kind(&self) -> MethodKind {
        match self {
            PayoutMethod::Bank { .. } => MethodKind::Bank,
            PayoutMethod::PayPal { .. } => MethodKind::PayPal,
        }
    }

    /// The payout account's country (rule PAY-3).
    pub fn country(&self) -> CountryCode {
        match self {
            PayoutMethod::Bank {
                billing_address, ..
            } => billing_address.country(),
            PayoutMethod::PayPal { country, .. } => *country,
        }
    }
}

/// A new payout account as entered by the owner, with the full account number (rule PAY-2).
///
/// Built only by [`NewPayoutAccount::bank`] and [`NewPayoutAccount::paypal`], which validate
/// every field. The account number is a [`BankAccountNumber`]: `Debug` masks it. Deciding the
/// command keeps only its masked form, so events and state hold only the last four characters
/// (rule X-4); the host passes the full number to its bank-verification service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPayoutAccount {
    method: PayoutMethod,
    account_number: Option<BankAccountNumber>,
}

/// The details of a bank account, for [`NewPayoutAccount::bank`].
#[derive(Debug, Clone)]
pub struct BankDetails {
    /// Checking or savings.
    pub account_type: BankAccountType,
    /// The account holder's name.
    pub holder: DisplayName,
    /// The full account number, checked on its own when it was made.
    pub account_number: BankAccountNumber,
    /// The routing number as written (checked against the billing address's country).
    pub routing_number: String,
    /// The billing address.
    pub billing_address: PostalAddress,
    /// A phone number.
    pub phone: PhoneNumber,
}

impl NewPayoutAccount {
    /// How many trailing characters of an account number stay visible when masked.
    pub const VISIBLE_DIGITS: usize = BankAccountNumber::VISIBLE;

    /// A bank account. The account number was checked on its own when it was made
    /// ([`BankAccountNumber::new`]: 4 to 34 letters or digits, an IBAN wherever it has the
    /// shape of one); here, in a SEPA country ([`BankScheme::Iban`](crate::BankScheme)) it
    /// must be an IBAN, and an IBAN must be of the billing address's country (rule PAY-11).
    /// The routing number is checked by the scheme of the billing address's country
    /// ([`RoutingNumber::new`]).
    pub fn bank(details: BankDetails) -> Result<Self, Error> {
        let country = details.billing_address.country();
        let routing_number = RoutingNumber::new(country, &details.routing_number)?;
        let account_number = details.account_number;
        if BankScheme::of(country) == BankScheme::Iban || account_number.is_iban() {
            check_iban(account_number.expose_secret(), country)
                .map_err(|reason| Error::InvalidAccountNumber { reason })?;
        }
        Ok(NewPayoutAccount {
            method: PayoutMethod::Bank {
                account_type: details.account_type,
                holder: details.holder,
                account_number: account_number.masked(),
                routing_number,
                billing_address: details.billing_address,
                phone: details.phone,
            },
            account_number: Some(account_number),
        })
    }

    /// A PayPal account in `country`, if PayPal is offered there (rule PAY-2).
    pub fn paypal(
        email: EmailAddress,
        country: CountryCode,
        markets: &PaypalMarkets,
    ) -> Result<Self, Error> {
        if !markets.supports(country) {
            return Err(Error::PayPalNotSupported { country });
        }
        Ok(NewPayoutAccount {
            method: PayoutMethod::PayPal { email, country },
            account_number: None,
        })
    }

    /// The method as it will be stored (masked).
    pub fn method(&self) -> &PayoutMethod {
        &self.method
    }

    /// The full, normalised account number, for the host's bank-verification call. `None` for
    /// PayPal.
    pub fn account_number(&self) -> Option<&BankAccountNumber> {
        self.account_number.as_ref()
    }

    pub(crate) fn into_method(self) -> PayoutMethod {
        self.method
    }
}
