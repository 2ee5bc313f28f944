//! The rules partnerkit implements, by ID: what errors name and tests cite.

use std::fmt;
use std::str::FromStr;

macro_rules! rules {
    ($($variant:ident = $id:literal,)*) => {
        /// One rule of the catalogue (docs/RULES.md), by its ID.
        ///
        /// An error that refuses a command because of a rule names it with this type, so the
        /// rule's ID is checked by the compiler rather than spelled in a string; its
        /// [`Display`](fmt::Display) and its serde form are the ID itself (`"PAY-6"`), and
        /// [`FromStr`] reads it back. Tests cite rules with a `// rule: PAY-6` comment, and a
        /// test of the workspace checks that every cited ID is a `Rule` and a row of the
        /// catalogue.
        ///
        /// ```
        /// use partnerkit_core::Rule;
        ///
        /// assert_eq!(Rule::Pay6.to_string(), "PAY-6");
        /// assert_eq!("X-2".parse::<Rule>(), Ok(Rule::X2));
        /// assert!("PAY-99".parse::<Rule>().is_err());
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Rule {
            $(
                #[doc = concat!("Rule ", $id, ".")]
                $variant,
            )*
        }

        impl Rule {
            /// Every rule, in catalogue order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            /// The rule's ID, such as `"PAY-6"`.
            pub const fn id(self) -> &'static str {
                match self {
                    $(Rule::$variant => $id,)*
                }
            }
        }
    };
}

rules! {
    Acc1 = "ACC-1", Acc2 = "ACC-2", Acc3 = "ACC-3", Acc4 = "ACC-4",
    Pay1 = "PAY-1", Pay2 = "PAY-2", Pay3 = "PAY-3", Pay4 = "PAY-4", Pay5 = "PAY-5",
    Pay6 = "PAY-6", Pay7 = "PAY-7", Pay8 = "PAY-8", Pay9 = "PAY-9", Pay10 = "PAY-10",
    Pay11 = "PAY-11", Pay12 = "PAY-12",
    Tax1 = "TAX-1", Tax2 = "TAX-2", Tax3 = "TAX-3", Tax4 = "TAX-4", Tax5 = "TAX-5",
    Tax6 = "TAX-6", Tax7 = "TAX-7", Tax8 = "TAX-8", Tax9 = "TAX-9", Tax10 = "TAX-10",
    Ten1 = "TEN-1", Ten2 = "TEN-2", Ten3 = "TEN-3", Ten4 = "TEN-4",
    Usr1 = "USR-1", Usr2 = "USR-2", Usr3 = "USR-3", Usr4 = "USR-4", Usr5 = "USR-5",
    Usr6 = "USR-6", Usr7 = "USR-7", Usr8 = "USR-8",
    Grp1 = "GRP-1", Grp2 = "GRP-2", Grp3 = "GRP-3",
    App1 = "APP-1", App2 = "APP-2", App3 = "APP-3", App4 = "APP-4",
    Rol1 = "ROL-1", Rol2 = "ROL-2", Rol3 = "ROL-3", Rol4 = "ROL-4", Rol5 = "ROL-5",
    Rol6 = "ROL-6", Rol7 = "ROL-7", Rol8 = "ROL-8", Rol9 = "ROL-9",
    Agr1 = "AGR-1", Agr2 = "AGR-2", Agr3 = "AGR-3",
    X1 = "X-1", X2 = "X-2", X3 = "X-3", X4 = "X-4", X5 = "X-5", X6 = "X-6", X7 = "X-7",
    X8 = "X-8", X9 = "X-9",
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.id())
    }
}

/// The text is not the ID of a rule of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a rule ID of the catalogue (docs/RULES.md): write one such as \"PAY-6\"")]
pub struct UnknownRule(String);

impl FromStr for Rule {
    type Err = UnknownRule;

    fn from_str(s: &str) -> Result<Rule, UnknownRule> {
        Rule::ALL
            .iter()
            .copied()
            .find(|r| r.id() == s)
            .ok_or_else(|| UnknownRule(crate::clip(s, 16)))
    }
}

impl serde::Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl<'de> serde::Deserialize<'de> for Rule {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Rule, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Its wire form: the rule's id, one of [`Rule::ALL`].
#[cfg(feature = "schema")]
impl schemars::JsonSchema for Rule {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Rule".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
        schemars::json_schema!({
            "type": "string",
            "description": "A rule of the requirements, by id (e.g. `ROL-6`).",
            "enum": ids
        })
    }
}
