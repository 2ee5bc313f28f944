//! Data classes: what kind of information a piece of an account is, so that reads can be cut
//! to what an actor may see (rule X-8).

use std::fmt;

use serde::{Deserialize, Serialize};

/// What kind of information a piece of an account is (rule X-8). A read on behalf of an actor
/// returns only the classes the actor's permissions cover; which permissions cover which
/// class is the access crate's rule (`partnerkit_access::DataClass` coverage), and which
/// class each piece of state or each event belongs to is its own crate's answer.
///
/// Credential verifiers (password fingerprints and hashes, key fingerprints) belong to no
/// class: no read returns them, whoever asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum DataClass {
    /// The account profile: type, verification, publisher IDs, display name, contacts
    /// (ACC-1..3).
    Profile,
    /// The directory: tenants, users, groups, apps, keys (without values) and who holds which
    /// grant (TEN, USR, GRP, APP, ROL).
    Directory,
    /// Money: the owner account, payout accounts, the hold, statements (PAY).
    Financial,
    /// The tax profile and forms (TAX).
    Tax,
    /// Accepted publishing agreements (AGR).
    Agreements,
}

impl DataClass {
    /// Every class, in canonical order.
    pub const ALL: [DataClass; 5] = [
        DataClass::Profile,
        DataClass::Directory,
        DataClass::Financial,
        DataClass::Tax,
        DataClass::Agreements,
    ];

    /// The snake-case name used in serde forms and messages.
    pub const fn as_str(self) -> &'static str {
        match self {
            DataClass::Profile => "profile",
            DataClass::Directory => "directory",
            DataClass::Financial => "financial",
            DataClass::Tax => "tax",
            DataClass::Agreements => "agreements",
        }
    }

    const fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for DataClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of [`DataClass`]es (a bitset). Serialised as the list of class names in canonical
/// order.
///
/// ```
/// use partnerkit_core::{DataClass, DataClasses};
/// let seen = DataClasses::from(DataClass::Directory) | DataClass::Agreements;
/// assert!(seen.contains(DataClass::Directory) && !seen.contains(DataClass::Financial));
/// assert_eq!(serde_json::to_string(&seen)?, r#"["directory","agreements"]"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(into = "Vec<DataClass>", from = "Vec<DataClass>")]
pub struct DataClasses(u8);

impl DataClasses {
    /// No class.
    pub const NONE: DataClasses = DataClasses(0);
    /// Every class.
    pub const ALL: DataClasses = DataClasses(0b1_1111);

    /// True if `class` is in the set.
    pub const fn contains(self, class: DataClass) -> bool {
        self.0 & class.bit() != 0
    }

    /// True if the set holds no class.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Adds `class`.
    pub fn insert(&mut self, class: DataClass) {
        self.0 |= class.bit();
    }

    /// The classes in canonical order.
    pub fn iter(self) -> impl Iterator<Item = DataClass> {
        DataClass::ALL
            .into_iter()
            .filter(move |c| self.contains(*c))
    }
}

impl fmt::Debug for DataClasses {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl From<DataClass> for DataClasses {
    fn from(class: DataClass) -> Self {
        DataClasses(class.bit())
    }
}

impl std::ops::BitOr<DataClass> for DataClasses {
    type Output = DataClasses;
    fn bitor(self, rhs: DataClass) -> DataClasses {
        DataClasses(self.0 | rhs.bit())
    }
}

impl std::ops::BitOr for DataClasses {
    type Output = DataClasses;
    fn bitor(self, rhs: DataClasses) -> DataClasses {
        DataClasses(self.0 | rhs.0)
    }
}

impl FromIterator<DataClass> for DataClasses {
    fn from_iter<I: IntoIterator<Item = DataClass>>(iter: I) -> Self {
        let mut set = DataClasses::NONE;
        for c in iter {
            set.insert(c);
        }
        set
    }
}

impl From<DataClasses> for Vec<DataClass> {
    fn from(set: DataClasses) -> Self {
        set.iter().collect()
    }
}

impl From<Vec<DataClass>> for DataClasses {
    fn from(list: Vec<DataClass>) -> Self {
        list.into_iter().collect()
    }
}
