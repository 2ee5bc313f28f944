//! [`PostalAddress`]: street lines, city, region, postal code (US ZIP checked) and country.

use serde::{Deserialize, Serialize};

use super::checked_text;
use crate::country::CountryCode;
use crate::error::{Error, Result};

/// A postal address: one or two street lines, city, optional region and postal code, country.
///
/// Lines and city are 1 to 100 characters. US addresses need a ZIP code (`98052` or
/// `98052-6399`); elsewhere a postal code is optional and, when given, 2 to 12 letters, digits,
/// spaces or hyphens.
///
/// ```
/// use partnerkit_core::{CountryCode, PostalAddress};
/// let a = PostalAddress::builder("1 Microsoft Way", "Redmond", CountryCode::US)
///     .region("WA")
///     .postal_code("98052")
///     .build()?;
/// assert_eq!(a.country(), CountryCode::US);
/// assert!(PostalAddress::builder("1 Main St", "Springfield", CountryCode::US).build().is_err());
/// # Ok::<(), partnerkit_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "PostalAddressBuilder")]
pub struct PostalAddress {
    line1: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    line2: Option<String>,
    city: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    postal_code: Option<String>,
    country: CountryCode,
}

/// Unvalidated parts of a [`PostalAddress`]; [`PostalAddressBuilder::build`] validates them.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    schemars(extend(
        "if" = { "properties": { "country": { "const": "US" } }, "required": ["country"] },
        "then" = {
            "required": ["postal_code"],
            "properties": { "postal_code": { "type": "string", "pattern": "^\\s*[0-9]{5}(-[0-9]{4})?\\s*$" } }
        }
    ))
)]
pub struct PostalAddressBuilder {
    #[cfg_attr(feature = "schema", schemars(extend("minLength" = 1, "maxLength" = 100, "pattern" = crate::TEXT_PATTERN)))]
    line1: String,
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(extend("maxLength" = 100)))]
    line2: Option<String>,
    #[cfg_attr(feature = "schema", schemars(extend("minLength" = 1, "maxLength" = 100, "pattern" = crate::TEXT_PATTERN)))]
    city: String,
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(extend("maxLength" = 100)))]
    region: Option<String>,
    /// A US ZIP code (`98052`, `98052-6399`), required in the US; elsewhere optional, 2 to
    /// 12 letters, digits, spaces or hyphens.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(extend("pattern" = "^\\s*([A-Za-z0-9 -]{2,12})?\\s*$")))]
    postal_code: Option<String>,
    country: CountryCode,
}

impl PostalAddressBuilder {
    /// Sets the second street line.
    pub fn line2(mut self, v: &str) -> Self {
        self.line2 = Some(v.to_owned());
        self
    }
    /// Sets the region (state, province, county).
    pub fn region(mut self, v: &str) -> Self {
        self.region = Some(v.to_owned());
        self
    }
    /// Sets the postal code.
    pub fn postal_code(mut self, v: &str) -> Self {
        self.postal_code = Some(v.to_owned());
        self
    }
    /// Validates the parts and builds the address.
    pub fn build(self) -> Result<PostalAddress> {
        PostalAddress::try_from(self)
    }
}

fn optional_text(field: &'static str, v: Option<String>, max: usize) -> Result<Option<String>> {
    match v {
        Some(s) if !s.trim().is_empty() => checked_text(field, &s, max).map(Some),
        _ => Ok(None),
    }
}

impl TryFrom<PostalAddressBuilder> for PostalAddress {
    type Error = Error;
    fn try_from(b: PostalAddressBuilder) -> Result<Self> {
        let postal_code = optional_text("postal code", b.postal_code, 12)?;
        let country = b.country;
        match (&postal_code, country == CountryCode::US) {
            (None, true) => {
                return Err(Error::InvalidPostalCode {
                    given: String::new(),
                    country: country.to_string(),
                    expected: "a US address needs a ZIP code such as 98052 or 98052-6399".into(),
                });
            }
            (Some(p), true) if !is_us_zip(p) => {
                return Err(Error::InvalidPostalCode {
                    given: p.clone(),
                    country: country.to_string(),
                    expected: "a US ZIP code is five digits, optionally a hyphen and four more"
                        .into(),
                });
            }
            (Some(p), false)
                if p.len() < 2
                    || !p
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-') =>
            {
                return Err(Error::InvalidPostalCode {
                    given: p.clone(),
                    country: country.to_string(),
                    expected: "2 to 12 letters, digits, spaces or hyphens".into(),
                });
            }
            _ => {}
        }
        Ok(PostalAddress {
            line1: checked_text("address line 1", &b.line1, 100)?,
            line2: optional_text("address line 2", b.line2, 100)?,
            city: checked_text("city", &b.city, 100)?,
            region: optional_text("region", b.region, 100)?,
            postal_code,
            country,
        })
    }
}

fn is_us_zip(p: &str) -> bool {
    let b = p.as_bytes();
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    match b.len() {
        5 => digits(b),
        10 => {
            b.get(5) == Some(&b'-')
                && digits(b.get(..5).unwrap_or(&[]))
                && digits(b.get(6..).unwrap_or(&[]))
        }
        _ => false,
    }
}

impl PostalAddress {
    /// Starts an address from its required parts.
    pub fn builder(line1: &str, city: &str, country: CountryCode) -> PostalAddressBuilder {
        PostalAddressBuilder {
            line1: line1.to_owned(),
            line2: None,
            city: city.to_owned(),
            region: None,
            postal_code: None,
            country,
        }
    }
    /// First street line.
    pub fn line1(&self) -> &str {
        &self.line1
    }
    /// Second street line, if any.
    pub fn line2(&self) -> Option<&str> {
        self.line2.as_deref()
    }
    /// City.
    pub fn city(&self) -> &str {
        &self.city
    }
    /// Region (state, province), if any.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }
    /// Postal code, if any (always present for US addresses).
    pub fn postal_code(&self) -> Option<&str> {
        self.postal_code.as_deref()
    }
    /// Country or region.
    pub fn country(&self) -> CountryCode {
        self.country
    }
}
