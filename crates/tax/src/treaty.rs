//! Treaty rates: versioned data naming its source (rule TAX-5).

use chrono::NaiveDate;
use partnerkit_core::{CountryCode, checked_text, validated_string};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::rate::Rate;

/// The kind of US-source income a treaty rate applies to, by its Form 1042-S income code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum IncomeType {
    /// Income code 12, "other royalties": copyright, software, broadcasting. App sales paid to
    /// their developer are taxed as these.
    OtherRoyalties,
}

/// The income as a 1042-S names it, with its code: "other royalties (income code 12)".
impl std::fmt::Display for IncomeType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self {
            IncomeType::OtherRoyalties => "other royalties",
        };
        write!(f, "{name} (income code {})", self.income_code())
    }
}

impl IncomeType {
    /// The Form 1042-S income code (`12` for other royalties).
    pub const fn income_code(self) -> u8 {
        match self {
            IncomeType::OtherRoyalties => 12,
        }
    }
}

/// A treaty article and paragraph as the IRS tables cite it: `12(1)`, `14(1)`, `12(2)(a)`.
///
/// One to three digits, then up to three parenthesised groups of one to four letters or
/// digits. Parsing, `TryFrom` and `Deserialize` share one validator
/// ([`validated_string!`](partnerkit_core::validated_string)).
///
/// ```
/// use partnerkit_tax::TreatyArticle;
/// assert_eq!(TreatyArticle::new(" 12(1) ")?.as_str(), "12(1)");
/// assert!(TreatyArticle::new("Article 12").is_err());
/// # Ok::<(), partnerkit_tax::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema), schemars(extend("pattern" = "^\\s*[0-9]{1,3}(\\([A-Za-z0-9]{1,4}\\)){0,3}\\s*$", "examples" = ["12(1)"])))]
#[serde(try_from = "String", into = "String")]
pub struct TreatyArticle(String);

impl TreatyArticle {
    /// Validates an article reference.
    pub fn new(text: &str) -> Result<TreatyArticle, Error> {
        let t = text.trim();
        let invalid = || Error::InvalidArticle {
            given: t.chars().take(32).collect(),
        };
        let digits_end = t.bytes().take_while(u8::is_ascii_digit).count();
        if !(1..=3).contains(&digits_end) {
            return Err(invalid());
        }
        let mut rest = t.get(digits_end..).ok_or_else(invalid)?;
        let mut groups = 0;
        while !rest.is_empty() {
            let inner = rest.strip_prefix('(').ok_or_else(invalid)?;
            let close = inner.find(')').ok_or_else(invalid)?;
            let group = inner.get(..close).ok_or_else(invalid)?;
            if !(1..=4).contains(&group.len()) || !group.bytes().all(|b| b.is_ascii_alphanumeric())
            {
                return Err(invalid());
            }
            groups += 1;
            if groups > 3 {
                return Err(invalid());
            }
            rest = inner.get(close + 1..).ok_or_else(invalid)?;
        }
        Ok(TreatyArticle(t.to_owned()))
    }
}

validated_string!(TreatyArticle, Error);

/// One row of a [`TreatyTable`]: the rate for residents of `country` on one income type.
///
/// A row without an article records that the country has no income-tax treaty with the US,
/// so the default rate applies (Brazil in the default table).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TreatyEntry {
    /// The treaty partner (the seller's country of residence).
    pub country: CountryCode,
    /// The income the rate applies to.
    pub income: IncomeType,
    /// The treaty rate; the default 30 % when there is no treaty.
    pub rate: Rate,
    /// The treaty article granting the rate; `None` when there is no treaty.
    pub article: Option<TreatyArticle>,
    /// A note from the source, such as a different rate for other income.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl TreatyEntry {
    /// A row for a treaty granting `rate` under `article`.
    pub fn treaty(
        country: CountryCode,
        income: IncomeType,
        rate: Rate,
        article: TreatyArticle,
    ) -> Self {
        TreatyEntry {
            country,
            income,
            rate,
            article: Some(article),
            note: None,
        }
    }

    /// A row recording that `country` has no income-tax treaty: the default rate applies.
    pub fn no_treaty(country: CountryCode, income: IncomeType) -> Self {
        TreatyEntry {
            country,
            income,
            rate: Rate::DEFAULT_WITHHOLDING,
            article: None,
            note: None,
        }
    }

    /// The same row with a note.
    pub fn with_note(mut self, note: &str) -> Self {
        self.note = Some(note.to_owned());
        self
    }

    /// True if the row grants a treaty rate.
    pub fn has_treaty(&self) -> bool {
        self.article.is_some()
    }
}

/// Treaty withholding rates as versioned data with their source and effective date
/// (rule TAX-5).
///
/// The crate ships [`TreatyTable::irs_table_1`]; a host supplies its own with
/// [`TreatyTable::new`] (or by deserialising one, which runs the same checks). A table:
///
/// - names its version, its source and the date from which it applies;
/// - has at most one row per country and income type, none for the US;
/// - never holds a rate above the 30 % default, and a row without a treaty holds exactly 30 %.
///
/// ```
/// use partnerkit_core::CountryCode;
/// use partnerkit_tax::{IncomeType, TreatyTable};
///
/// let table = TreatyTable::irs_table_1();
/// let india = table.treaty(CountryCode::IN, IncomeType::OtherRoyalties).unwrap();
/// assert_eq!((india.rate.to_string(), india.article.as_ref().unwrap().as_str()), ("15%".into(), "12(2)"));
/// assert!(table.treaty(CountryCode::BR, IncomeType::OtherRoyalties).is_none()); // no treaty
/// assert!(table.source().contains("Tax Treaty Table 1"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RawTreatyTable")]
pub struct TreatyTable {
    version: String,
    source: String,
    effective: NaiveDate,
    entries: Vec<TreatyEntry>,
}

partnerkit_core::validated_fields!(
    TreatyTable from RawTreatyTable {
        version: String,
        source: String,
        effective: NaiveDate,
        entries: Vec<TreatyEntry>,
    } by |version: String, source: String, effective, entries| {
        TreatyTable::new(&version, &source, effective, entries)
    }, Error
);

/// Version of the table returned by [`TreatyTable::irs_table_1`].
pub const DEFAULT_TREATY_TABLE_VERSION: &str = "irs-tax-treaty-table-1/income-code-12/2025-01-01";

impl TreatyTable {
    /// Checks and builds a table. Rows are kept sorted by country and income type.
    pub fn new(
        version: &str,
        source: &str,
        effective: NaiveDate,
        entries: impl IntoIterator<Item = TreatyEntry>,
    ) -> Result<TreatyTable, Error> {
        let version = checked_text("treaty table version", version, 100)?;
        let source = checked_text("treaty table source", source, 500)?;
        let mut entries: Vec<TreatyEntry> = entries.into_iter().collect();
        entries.sort_by_key(|e| (e.country, e.income));
        for e in &entries {
            let bad = |reason: String| Error::InvalidTreatyTable {
                reason: format!("row {} {:?}: {reason}", e.country, e.income),
            };
            if e.country == CountryCode::US {
                return Err(bad(
                    "the US is not a treaty partner of itself: remove the row".into(),
                ));
            }
            if e.rate > Rate::DEFAULT_WITHHOLDING {
                return Err(bad(format!(
                    "rate {} is above the {} default: a treaty only lowers the rate (rule TAX-5)",
                    e.rate,
                    Rate::DEFAULT_WITHHOLDING
                )));
            }
            if e.article.is_none() && e.rate != Rate::DEFAULT_WITHHOLDING {
                return Err(bad(format!(
                    "a row without a treaty article must hold the {} default, not {}",
                    Rate::DEFAULT_WITHHOLDING,
                    e.rate
                )));
            }
            if let Some(note) = &e.note {
                checked_text("treaty table note", note, 500)?;
            }
        }
        if let Some(w) = entries
            .windows(2)
            .find(|w| matches!(w, [a, b] if (a.country, a.income) == (b.country, b.income)))
            && let Some(e) = w.first()
        {
            return Err(Error::InvalidTreatyTable {
                reason: format!(
                    "row {} {:?} appears twice: keep one row per country and income type",
                    e.country, e.income
                ),
            });
        }
        Ok(TreatyTable {
            version,
            source,
            effective,
            entries,
        })
    }

    /// The version of the data, such as `irs-tax-treaty-table-1/income-code-12/2025-01-01`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Where the figures come from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The date from which the table applies.
    pub fn effective(&self) -> NaiveDate {
        self.effective
    }

    /// Every row, sorted by country and income type.
    pub fn entries(&self) -> &[TreatyEntry] {
        &self.entries
    }

    /// The row for `country` and `income`, with or without a treaty.
    pub fn entry(&self, country: CountryCode, income: IncomeType) -> Option<&TreatyEntry> {
        self.entries
            .binary_search_by_key(&(country, income), |e| (e.country, e.income))
            .ok()
            .and_then(|i| self.entries.get(i))
    }

    /// The row for `country` and `income` if a treaty grants a rate there.
    pub fn treaty(&self, country: CountryCode, income: IncomeType) -> Option<&TreatyEntry> {
        self.entry(country, income).filter(|e| e.has_treaty())
    }

    /// The default table: US treaty rates on other royalties (Form 1042-S income code 12:
    /// copyright, software, broadcasting) for sixteen countries, from the IRS Tax Treaty
    /// Table 1, version [`DEFAULT_TREATY_TABLE_VERSION`], effective 2025-01-01.
    ///
    /// Check the figures against the current IRS "Tax Treaty Table 1" before relying on them;
    /// a host with newer figures supplies its own table.
    pub fn irs_table_1() -> TreatyTable {
        use CountryCode as C;
        let royalties = IncomeType::OtherRoyalties;
        let row = |country: CountryCode, bps: u16, article: &str| TreatyEntry {
            country,
            income: royalties,
            rate: Rate::from_bps_unchecked(bps),
            article: Some(TreatyArticle(article.to_owned())),
            note: None,
        };
        let mut entries = vec![
            row(C::AU, 500, "12(2)"),
            row(C::CA, 0, "12(3)").with_note("10% for motion picture and television royalties"),
            row(C::CN, 1_000, "11(2)"),
            row(C::DE, 0, "12(1)"),
            row(C::ES, 0, "12(1)").with_note("5% before the 2019 protocol"),
            row(C::FR, 0, "12(1)"),
            row(C::GB, 0, "12(1)"),
            row(C::IE, 0, "12(1)"),
            row(C::IL, 1_000, "14(1)"),
            row(C::IN, 1_500, "12(2)"),
            row(C::JP, 0, "12(1)"),
            row(C::KR, 1_000, "14(1)"),
            row(C::MX, 1_000, "12(2)"),
            row(C::NL, 0, "13(1)"),
            row(C::SE, 0, "12(1)"),
            TreatyEntry::no_treaty(C::BR, royalties)
                .with_note("no income-tax treaty with the US: the default applies"),
        ];
        entries.sort_by_key(|e| (e.country, e.income));
        TreatyTable {
            version: DEFAULT_TREATY_TABLE_VERSION.to_owned(),
            source: "IRS Tax Treaty Table 1 (Tax Rates on Income Other Than Personal Service \
                     Income), income code 12: other royalties (copyright, software, broadcasting)"
                .to_owned(),
            effective: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or(NaiveDate::MIN),
            entries,
        }
    }
}

impl Default for TreatyTable {
    /// [`TreatyTable::irs_table_1`].
    fn default() -> Self {
        TreatyTable::irs_table_1()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_table_passes_the_table_checks() {
        let t = TreatyTable::irs_table_1();
        let checked =
            TreatyTable::new(t.version(), t.source(), t.effective(), t.entries().to_vec());
        assert_eq!(checked.as_ref(), Ok(&t));
        assert_eq!(t.entries().len(), 16);
    }
}
