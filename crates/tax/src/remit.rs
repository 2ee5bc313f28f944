//! Who remits sales/use tax (VAT, GST) for a country: the marketplace or the seller (rule TAX-6).

use std::collections::BTreeMap;

use partnerkit_core::{CountryCode, checked_text};
use serde::{Deserialize, Serialize};

use crate::error::Error;

/// Who collects and remits sales/use tax on a sale to a country (rule TAX-6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Remitter {
    /// The marketplace collects the tax from the customer and remits it for the seller.
    Marketplace,
    /// The seller may have to register and remit the tax to the local authority itself.
    Seller,
}

/// Which countries the marketplace remits sales/use tax for (rule TAX-6): versioned,
/// host-overridable data.
///
/// Countries not listed get the table's fallback (the seller remits, in the default table).
///
/// ```
/// use partnerkit_core::CountryCode;
/// use partnerkit_tax::{RemittanceTable, Remitter};
///
/// let table = RemittanceTable::default_table();
/// assert_eq!(table.remitter(CountryCode::SE), Remitter::Marketplace);
/// assert_eq!(table.remitter(CountryCode::BR), Remitter::Seller);
///
/// // A host overrides a country with its marketplace's own list.
/// let mine = table.with(CountryCode::BR, Remitter::Marketplace);
/// assert_eq!(mine.remitter(CountryCode::BR), Remitter::Marketplace);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RawRemittanceTable")]
pub struct RemittanceTable {
    version: String,
    source: String,
    fallback: Remitter,
    countries: BTreeMap<CountryCode, Remitter>,
}

partnerkit_core::validated_fields!(
    RemittanceTable from RawRemittanceTable {
        version: String,
        source: String,
        fallback: Remitter,
        countries: BTreeMap<CountryCode, Remitter>,
    } by |version: String, source: String, fallback, countries| {
        RemittanceTable::new(&version, &source, fallback, countries)
    }, Error
);

/// Version of the table returned by [`RemittanceTable::default_table`].
pub const DEFAULT_REMITTANCE_TABLE_VERSION: &str = "partnerkit-remittance/2025-01-01";

/// Countries in the default table where the marketplace remits: those whose law makes a
/// marketplace (platform) liable for the tax on electronically supplied services it
/// facilitates (EU VAT deemed-supplier rule, UK, Norway, Switzerland, Australia, New Zealand,
/// Japan, Singapore, Canada, the US marketplace-facilitator laws).
const MARKETPLACE_REMITS: &str = "AT AU BE BG CA CH CY CZ DE DK EE ES FI FR GB GR HR HU IE IT JP \
LT LU LV MT NL NO NZ PL PT RO SE SG SI SK US";

impl RemittanceTable {
    /// Checks and builds a table.
    pub fn new(
        version: &str,
        source: &str,
        fallback: Remitter,
        countries: impl IntoIterator<Item = (CountryCode, Remitter)>,
    ) -> Result<RemittanceTable, Error> {
        Ok(RemittanceTable {
            version: checked_text("remittance table version", version, 100)?,
            source: checked_text("remittance table source", source, 500)?,
            fallback,
            countries: countries.into_iter().collect(),
        })
    }

    /// The default table, version [`DEFAULT_REMITTANCE_TABLE_VERSION`]: the marketplace
    /// remits in the EU member states, GB, NO, CH, AU, NZ, JP, SG, CA and the US; the seller
    /// everywhere else.
    ///
    /// These are partnerkit's illustrative defaults, drawn from the marketplace-facilitator and
    /// deemed-supplier rules of those countries, not any marketplace's official list: a host
    /// supplies its marketplace's own table ("Tax details" page) with [`RemittanceTable::new`].
    pub fn default_table() -> RemittanceTable {
        RemittanceTable {
            version: DEFAULT_REMITTANCE_TABLE_VERSION.to_owned(),
            source: "partnerkit defaults: countries whose marketplace-facilitator or \
                     deemed-supplier rules make the marketplace remit tax on electronically \
                     supplied services; replace with your marketplace's own list"
                .to_owned(),
            fallback: Remitter::Seller,
            countries: MARKETPLACE_REMITS
                .split_ascii_whitespace()
                .filter_map(|c| CountryCode::new(c).ok())
                .map(|c| (c, Remitter::Marketplace))
                .collect(),
        }
    }

    /// Who remits sales/use tax on sales to `country` (rule TAX-6).
    pub fn remitter(&self, country: CountryCode) -> Remitter {
        self.countries
            .get(&country)
            .copied()
            .unwrap_or(self.fallback)
    }

    /// The same table with `country` set to `remitter` (a host override).
    pub fn with(mut self, country: CountryCode, remitter: Remitter) -> RemittanceTable {
        self.countries.insert(country, remitter);
        self
    }

    /// The version of the data.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Where the data comes from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Who remits for a country the table does not list.
    pub fn fallback(&self) -> Remitter {
        self.fallback
    }

    /// The listed countries.
    pub fn countries(&self) -> &BTreeMap<CountryCode, Remitter> {
        &self.countries
    }
}

impl Default for RemittanceTable {
    fn default() -> Self {
        RemittanceTable::default_table()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_country_is_a_valid_code() {
        let listed = MARKETPLACE_REMITS.split_ascii_whitespace().count();
        assert_eq!(RemittanceTable::default_table().countries().len(), listed);
    }
}
