//! A bank account number (or IBAN): a secret checked when it is made (rules PAY-2, PAY-11,
//! X-4).

use std::fmt;

use partnerkit_core::{Masked, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::bank::{check_iban_format, looks_like_iban};
use crate::error::Error;

/// A bank account number or IBAN, as the owner enters it: checked when it is made, and a
/// secret from then on (rules PAY-2, PAY-11, X-4).
///
/// **What is checked.** Spaces and hyphens are removed and letters upper-cased; what is left
/// must be 4 to 34 letters or digits (34 is the longest IBAN, ISO 13616-1). A number with the
/// shape of an IBAN (two letters, then two digits) must be one: check digits 02 to 98 that
/// satisfy MOD 97-10, and the length and format its country registers (SWIFT IBAN Registry).
/// What depends on the account — that a SEPA country's account is an IBAN, and of that country
/// — is checked by [`NewPayoutAccount::bank`](crate::NewPayoutAccount::bank) against the
/// billing address. No error repeats the number.
///
/// **A secret.** `Debug`, `Display` and `Serialize` show only the masked form
/// (`••••••••6789`, the last [`VISIBLE`](Self::VISIBLE) characters); the number is read only
/// through [`expose_secret`](Self::expose_secret), for the host's bank-verification call.
/// `==` compares in constant time and the memory is overwritten with zeros when dropped (it is
/// kept in a [`SecretString`]). Deserialising reads a plain JSON string and goes through
/// [`BankAccountNumber::new`], so JSON holding an invalid number is refused when read. The
/// serialised (masked) form is therefore not read back: an account number is input only.
///
/// ```
/// use partnerkit_payouts::BankAccountNumber;
/// let n = BankAccountNumber::new("0001-2345 6789")?;
/// assert_eq!(n.expose_secret(), "000123456789");
/// assert_eq!(n.to_string(), "••••••••6789");
/// assert_eq!(format!("{n:?}"), "BankAccountNumber(••••••••6789)");
/// assert_eq!(serde_json::to_string(&n).unwrap(), "\"••••••••6789\"");
/// assert!(BankAccountNumber::new("SE45 5000 0000 0583 9825 7466")?.is_iban());
/// assert!(BankAccountNumber::new("SE45 5000 0000 0583 9825 7467").is_err()); // check digits
/// assert!(BankAccountNumber::new("123").is_err());
/// let read: BankAccountNumber = serde_json::from_str("\"000123456789\"").unwrap();
/// assert_eq!(read, n);
/// assert!(serde_json::from_str::<BankAccountNumber>("\"12\"").is_err());
/// # Ok::<(), partnerkit_payouts::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct BankAccountNumber(SecretString);

impl BankAccountNumber {
    /// How many trailing characters stay visible when masked.
    pub const VISIBLE: usize = 4;

    /// Checks and normalises an account number (see the type's docs).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidAccountNumber`], saying what is wrong without repeating the number.
    pub fn new(value: &str) -> Result<Self, Error> {
        // Capacity for the whole input, so the number is never copied by a reallocation; the
        // SecretString zeroes it on every path out.
        let mut number = String::with_capacity(value.len());
        let mut bad_char = false;
        for c in value.trim().chars() {
            match c {
                ' ' | '-' => {}
                c if c.is_ascii_alphanumeric() => number.push(c.to_ascii_uppercase()),
                _ => {
                    bad_char = true;
                    break;
                }
            }
        }
        let number = SecretString::new(number);
        let invalid = |reason: String| Error::InvalidAccountNumber { reason };
        if bad_char {
            return Err(invalid(
                "it may hold only letters, digits, spaces and hyphens".into(),
            ));
        }
        let n = number.expose_secret();
        if !(4..=34).contains(&n.len()) {
            return Err(invalid("it must have 4 to 34 letters or digits".into()));
        }
        if looks_like_iban(n) {
            check_iban_format(n).map_err(invalid)?;
        }
        Ok(BankAccountNumber(number))
    }

    /// The full, normalised number (letters upper-cased, no spaces or hyphens). Call it only
    /// where the number must leave partnerkit: the host's bank-verification call.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }

    /// The masked form kept in events and state: all but the last [`VISIBLE`](Self::VISIBLE)
    /// characters as `•`.
    pub fn masked(&self) -> Masked {
        self.0.masked(Self::VISIBLE)
    }

    /// True if the number is an IBAN (checked as one when it was made).
    pub fn is_iban(&self) -> bool {
        looks_like_iban(self.expose_secret())
    }
}

impl fmt::Debug for BankAccountNumber {
    /// `BankAccountNumber(••••••••6789)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BankAccountNumber({})", self.masked())
    }
}

impl fmt::Display for BankAccountNumber {
    /// The masked form, `••••••••6789`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.masked(), f)
    }
}

impl TryFrom<&str> for BankAccountNumber {
    type Error = Error;
    fn try_from(value: &str) -> Result<Self, Error> {
        BankAccountNumber::new(value)
    }
}

impl TryFrom<String> for BankAccountNumber {
    type Error = Error;
    fn try_from(value: String) -> Result<Self, Error> {
        let value = SecretString::new(value);
        BankAccountNumber::new(value.expose_secret())
    }
}

impl Serialize for BankAccountNumber {
    /// The masked form only (rule X-4).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.masked().as_str())
    }
}

impl<'de> Deserialize<'de> for BankAccountNumber {
    /// A JSON string, checked by [`BankAccountNumber::new`].
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = SecretString::new(String::deserialize(d)?);
        BankAccountNumber::new(raw.expose_secret()).map_err(serde::de::Error::custom)
    }
}

/// Its wire form: a string, input only (the serialised form is masked).
#[cfg(feature = "schema")]
impl schemars::JsonSchema for BankAccountNumber {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "BankAccountNumber".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "password",
            "description": "A bank account number (or an IBAN where the country uses one), checked when read. Input only: written back masked (rule X-4)."
        })
    }
}
