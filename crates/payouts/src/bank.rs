//! Bank identifiers checked the way their schemes define them (rule PAY-11): IBAN (ISO 13616)
//! checksum and per-country format, BIC (ISO 9362) structure and country, ABA routing
//! numbers by checksum and Federal Reserve prefix.
//!
//! The tables here are data, with their sources in the crate's `data/bank-schemes.md`.

use iban::{BaseIban, Iban, IbanLike, ParseBaseIbanError, ParseIbanError};
use partnerkit_core::CountryCode;
use serde::{Deserialize, Serialize};

/// How a country's bank accounts are identified (rule PAY-11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BankScheme {
    /// The United States: an account number and a nine-digit ABA routing transit number.
    Aba,
    /// A SEPA country: the account number is an IBAN, the bank a BIC or a national code.
    Iban,
    /// Elsewhere: a national account number; the bank by BIC or a national code (such as
    /// an Australian BSB or an Indian IFSC).
    National,
}

/// Countries of the SEPA schemes with their own IBAN country code, where the account number is
/// an IBAN: the EU member states, Iceland, Liechtenstein, Norway, Switzerland, the United
/// Kingdom, Monaco, San Marino, Vatican City, Andorra and Gibraltar, and the countries that
/// joined the SEPA schemes in 2025: Albania, Montenegro, Moldova and North Macedonia. Source
/// and date: `data/bank-schemes.md`. See also [`SEPA_TERRITORIES`].
pub const SEPA_COUNTRIES: [&str; 41] = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO", "CH", "GB",
    "MC", "SM", "VA", "AD", "GI", "AL", "ME", "MD", "MK",
];

/// Territories in the SEPA schemes that have their own ISO 3166 code but whose banks issue
/// IBANs of another country, with that country: the French overseas departments and
/// collectivities (French Guiana, Guadeloupe, Martinique, Mayotte, Réunion, Saint Barthélemy,
/// Saint Martin, Saint Pierre and Miquelon: `FR` IBANs), the British Crown Dependencies
/// (Guernsey, Jersey, the Isle of Man: `GB` IBANs) and Åland (`FI` IBANs). A billing
/// address there takes an IBAN of the territory's code (none is issued) or of the country
/// listed. Source and date: `data/bank-schemes.md`.
pub const SEPA_TERRITORIES: [(&str, &str); 12] = [
    ("GF", "FR"),
    ("GP", "FR"),
    ("MQ", "FR"),
    ("YT", "FR"),
    ("RE", "FR"),
    ("BL", "FR"),
    ("MF", "FR"),
    ("PM", "FR"),
    ("GG", "GB"),
    ("JE", "GB"),
    ("IM", "GB"),
    ("AX", "FI"),
];

/// A BBAN format as the SWIFT IBAN Registry writes it, one `(count, kind)` per part: kind
/// `'a'` capital letters, `'n'` digits, `'c'` capital letters or digits (`4!a16!c` is
/// `[(4, 'a'), (16, 'c')]`).
pub type BbanFormat = &'static [(usize, char)];

/// IBAN formats of the SWIFT IBAN Registry that the `iban_validate` crate (version 5.0.1,
/// the newest on crates.io on 2026-12-03) does not know, used only for a country it does
/// not know: country, IBAN length, and the BBAN format as the registry writes it (`4!a` four
/// capital letters, `16!c` sixteen letters or digits, `20!n` twenty digits). Formats as in
/// SWIFT IBAN Registry release 101; see `data/bank-schemes.md`.
pub const SUPPLEMENTARY_IBAN_FORMATS: [(&str, usize, BbanFormat); 2] = [
    // Pakistan: PKkk bbbb cccc cccc cccc cccc, the registry's example PK36SCBL0000001123456702.
    ("PK", 24, &[(4, 'a'), (16, 'c')]),
    // Honduras: HNkk bbbb cccc cccc cccc cccc cccc (bank code, then a 20-digit account).
    ("HN", 28, &[(4, 'a'), (20, 'n')]),
];

impl BankScheme {
    /// The scheme of bank accounts in `country`: SEPA countries and territories take IBANs.
    pub fn of(country: CountryCode) -> BankScheme {
        if country == CountryCode::US {
            BankScheme::Aba
        } else if SEPA_COUNTRIES.contains(&country.as_str())
            || SEPA_TERRITORIES.iter().any(|(t, _)| *t == country.as_str())
        {
            BankScheme::Iban
        } else {
            BankScheme::National
        }
    }
}

/// The country code whose IBANs (and BICs) a bank account in `country` may carry besides its
/// own: the parent country of a [`SEPA_TERRITORIES`] territory.
fn parent_of(country: CountryCode) -> Option<&'static str> {
    SEPA_TERRITORIES
        .iter()
        .find(|(t, _)| *t == country.as_str())
        .map(|(_, p)| *p)
}

/// The ABA routing-number prefixes the Federal Reserve assigns (first two digits): 00 (US
/// government), 01–12 (Federal Reserve districts), 21–32 (thrift institutions), 61–72
/// (electronic transactions) and 80 (traveller's cheques). Source: `data/bank-schemes.md`.
pub const ABA_PREFIXES: [(u8, u8); 4] = [(0, 12), (21, 32), (61, 72), (80, 80)];

/// Checks a normalised (digits only) ABA routing number; the reason when it is not valid.
pub(crate) fn check_aba(number: &str) -> Result<(), &'static str> {
    let digits: Vec<u32> = number.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 9 || number.len() != 9 {
        return Err("a US ABA routing number has exactly nine digits");
    }
    if digits.iter().all(|d| *d == 0) {
        return Err("000000000 is not a routing number");
    }
    let prefix = digits
        .iter()
        .take(2)
        .fold(0u32, |acc, d| acc.saturating_mul(10).saturating_add(*d));
    if !ABA_PREFIXES
        .iter()
        .any(|(lo, hi)| (u32::from(*lo)..=u32::from(*hi)).contains(&prefix))
    {
        return Err(
            "its first two digits are not a Federal Reserve prefix (00-12, 21-32, 61-72 or 80)",
        );
    }
    let weights = [3u32, 7, 1, 3, 7, 1, 3, 7, 1];
    let sum = digits
        .iter()
        .zip(weights)
        .fold(0u32, |acc, (d, w)| acc.saturating_add(d.saturating_mul(w)));
    if sum % 10 != 0 {
        return Err(
            "the ABA checksum does not match: check the nine digits on a cheque or with the bank",
        );
    }
    Ok(())
}

/// Checks a normalised (upper-case letters and digits) BIC of a bank in `country`; the reason
/// when it is not valid. A BIC is 8 or 11 characters: a 4-letter institution code, the
/// 2-letter ISO 3166 country code, a 2-character location code and an optional 3-character
/// branch code.
pub(crate) fn check_bic(bic: &str, country: CountryCode) -> Result<(), String> {
    let b = bic.as_bytes();
    if b.len() != 8 && b.len() != 11 {
        return Err("a BIC (SWIFT code) has 8 or 11 letters and digits".into());
    }
    let (institution, rest) = b.split_at(4);
    let (bic_country, rest) = rest.split_at(2);
    if !institution.iter().all(u8::is_ascii_uppercase) {
        return Err("a BIC starts with a 4-letter institution code".into());
    }
    let code = std::str::from_utf8(bic_country).unwrap_or("");
    let Ok(code) = code.parse::<CountryCode>() else {
        return Err(format!(
            "{code:?} in a BIC's 5th and 6th characters is not an ISO 3166 country code"
        ));
    };
    if code != country && parent_of(country) != Some(code.as_str()) {
        return Err(format!(
            "the BIC is of a bank in {code}, but the account is in {country}"
        ));
    }
    if !rest
        .iter()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return Err("a BIC's location and branch codes are letters and digits".into());
    }
    Ok(())
}

/// True if `s` (normalised) has the shape of an IBAN: two letters, then two digits.
pub(crate) fn looks_like_iban(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 5
        && b.iter().take(2).all(u8::is_ascii_uppercase)
        && b.iter().skip(2).take(2).all(u8::is_ascii_digit)
}

/// Checks a normalised IBAN of an account in `country`; the reason when it is not valid. The
/// IBAN itself is never repeated (rule X-4).
///
/// [`check_iban_format`], and the IBAN's country must be `country`: a billing address in a
/// [`SEPA_TERRITORIES`] territory takes an IBAN of its parent country.
pub(crate) fn check_iban(iban: &str, country: CountryCode) -> Result<(), String> {
    let code = check_iban_format(iban)?;
    if code != country.as_str() && parent_of(country) != Some(code.as_str()) {
        return Err(format!(
            "the IBAN is of an account in {code}, but the billing address is in {country}"
        ));
    }
    Ok(())
}

/// Checks a normalised IBAN on its own, whatever account it is for: its check digits and the
/// length and format its country registers; its country code when valid. The IBAN itself is
/// never repeated (rule X-4).
///
/// Check digits 00, 01 and 99 are refused whatever the checksum says: ISO 13616-1 computes
/// check digits as 98 minus a remainder modulo 97, so they run from 02 to 98. A country the
/// `iban_validate` crate does not know is checked against [`SUPPLEMENTARY_IBAN_FORMATS`].
pub(crate) fn check_iban_format(iban: &str) -> Result<String, String> {
    let iban_country = iban.get(..2).unwrap_or("");
    if let Some(check) = iban.get(2..4)
        && matches!(check, "00" | "01" | "99")
    {
        return Err(format!(
            "IBAN check digits are 02 to 98, never {check} (ISO 13616-1): check the IBAN character by character"
        ));
    }
    let parsed: Result<Iban, _> = iban.parse();
    match parsed {
        Ok(parsed) => Ok(parsed.country_code().to_owned()),
        Err(ParseIbanError::UnknownCountry(_)) => check_supplementary(iban),
        Err(e) => Err(parse_error(&e, iban_country)),
    }
}

fn parse_error(e: &ParseIbanError, iban_country: &str) -> String {
    match e {
        ParseIbanError::InvalidBaseIban {
            source: ParseBaseIbanError::InvalidChecksum,
        } => "the IBAN's check digits do not match: check it character by character".to_owned(),
        ParseIbanError::InvalidBaseIban { .. } => {
            "it is not an IBAN: two letters, two check digits and up to 30 letters or digits"
                .to_owned()
        }
        ParseIbanError::InvalidBban(_) => format!(
            "the IBAN does not have the length and format that its country ({iban_country}) defines"
        ),
        ParseIbanError::UnknownCountry(_) => {
            format!("no IBAN format is registered for {iban_country:?}")
        }
    }
}

/// Checks an IBAN of a country the `iban_validate` crate does not know against
/// [`SUPPLEMENTARY_IBAN_FORMATS`]; its country code when valid.
fn check_supplementary(iban: &str) -> Result<String, String> {
    let iban_country = iban.get(..2).unwrap_or("");
    let Some((code, length, format)) = SUPPLEMENTARY_IBAN_FORMATS
        .iter()
        .find(|(c, ..)| *c == iban_country)
    else {
        return Err(format!("no IBAN format is registered for {iban_country:?}"));
    };
    // The checksum and the general shape, by the crate's country-independent parser.
    iban.parse::<BaseIban>()
        .map_err(|e| parse_error(&ParseIbanError::InvalidBaseIban { source: e }, iban_country))?;
    let wrong_format = || {
        format!("the IBAN does not have the length and format that its country ({code}) defines")
    };
    if iban.len() != *length {
        return Err(wrong_format());
    }
    let mut bban = iban.bytes().skip(4);
    for (count, kind) in format.iter() {
        for _ in 0..*count {
            let ok = bban.next().is_some_and(|b| match kind {
                'a' => b.is_ascii_uppercase(),
                'n' => b.is_ascii_digit(),
                _ => b.is_ascii_uppercase() || b.is_ascii_digit(),
            });
            if !ok {
                return Err(wrong_format());
            }
        }
    }
    Ok((*code).to_owned())
}
