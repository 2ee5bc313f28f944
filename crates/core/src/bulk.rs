//! Reading ordered maps in bulk.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};

/// Deserialises a map into a [`BTreeMap`] by collecting its entries and building the tree in
/// one pass, for `#[serde(deserialize_with = "partnerkit_core::bulk_map")]` on large maps.
///
/// The result is the one serde's own `BTreeMap` impl gives (a repeated key keeps its last
/// value), but where that inserts entries one at a time, each from the root, this builds the
/// tree from sorted entries with full nodes: for the sorted maps that serde writes, loading
/// 100,000 entries takes a few milliseconds instead of tens.
///
/// ```
/// use std::collections::BTreeMap;
///
/// #[derive(serde::Deserialize)]
/// struct Users {
///     #[serde(deserialize_with = "partnerkit_core::bulk_map")]
///     by_id: BTreeMap<u32, String>,
/// }
/// let u: Users = serde_json::from_str(r#"{"by_id": {"2": "b", "1": "a", "2": "c"}}"#)?;
/// assert_eq!(u.by_id, BTreeMap::from([(1, "a".into()), (2, "c".into())]));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn bulk_map<'de, D, K, V>(deserializer: D) -> Result<BTreeMap<K, V>, D::Error>
where
    D: Deserializer<'de>,
    K: Deserialize<'de> + Ord,
    V: Deserialize<'de>,
{
    struct Entries<K, V>(PhantomData<(K, V)>);

    impl<'de, K: Deserialize<'de> + Ord, V: Deserialize<'de>> Visitor<'de> for Entries<K, V> {
        type Value = BTreeMap<K, V>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a map")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            // At most 64 MiB reserved ahead, the length being the input's word: enough for
            // the 100,000 users of a large account in one allocation (growing the vector
            // would copy them, and fault in fresh pages, once more).
            let most = (1usize << 26)
                .checked_div(std::mem::size_of::<(K, V)>())
                .unwrap_or(usize::MAX);
            let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(most));
            while let Some(entry) = map.next_entry()? {
                entries.push(entry);
            }
            // `from_iter` sorts stably (linear on sorted input) and keeps the last of equal
            // keys, as inserting one at a time would.
            Ok(entries.into_iter().collect())
        }
    }

    deserializer.deserialize_map(Entries(PhantomData))
}
