//! Snapshots compressed here, before they cross the connection (issue 22).
//!
//! A 100,000-user snapshot is about 17 MB as the codec writes it. Left to PostgreSQL, the
//! column is compressed on the server (pglz, to about 1.8 MB), so every cold load made the
//! server decompress 17 MB and send all of it: most of the time PostgreSQL added to a cold
//! start. Compressed here with LZ4 (about 2.2 MB), the server stores and sends the bytes as
//! they are (the column's storage is `EXTERNAL`, migration 4) and the client decompresses
//! them, which costs less than moving 17 MB.
//!
//! The `compression` column says how a row's `data` is stored: [`NONE`] (every snapshot
//! written before migration 4) or [`LZ4`]. A row this release cannot unpack — another
//! number, or LZ4 data that is damaged or claims an impossible length — is handed to the
//! codec as bytes it does not recognise, so the account is rebuilt from its events and the
//! snapshot rewritten (rule X-9), never guessed at.

/// `data` is the snapshot as the codec wrote it.
pub(crate) const NONE: i16 = 0;
/// `data` is an LZ4 block of the snapshot, after its length (4 bytes, little-endian).
pub(crate) const LZ4: i16 = 1;

/// LZ4 never expands more than about 255 times: a larger claimed length is damage, and is
/// refused before anything is allocated.
const MAX_RATIO: usize = 255;

/// The compression to store and the bytes to store for a snapshot `data`.
pub(crate) fn pack(data: &[u8]) -> (i16, Vec<u8>) {
    (LZ4, lz4_flex::block::compress_prepend_size(data))
}

/// The snapshot stored as `data` with `compression`; empty (which the codec does not
/// recognise, so it rebuilds) if it cannot be unpacked.
pub(crate) fn unpack(compression: i16, data: Vec<u8>) -> Vec<u8> {
    match compression {
        NONE => data,
        LZ4 => unpack_lz4(&data).unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn unpack_lz4(data: &[u8]) -> Option<Vec<u8>> {
    let (len, block) = data.split_first_chunk::<4>()?;
    let len = usize::try_from(u32::from_le_bytes(*len)).ok()?;
    if len > block.len().saturating_mul(MAX_RATIO) {
        return None;
    }
    let out = lz4_flex::block::decompress(block, len).ok()?;
    (out.len() == len).then_some(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;

    #[test]
    fn a_packed_snapshot_unpacks_to_itself() {
        let data: Vec<u8> = (0..100_000u32)
            .flat_map(|n| (n % 251).to_le_bytes())
            .collect();
        let (compression, packed) = pack(&data);
        assert_eq!(compression, LZ4);
        assert!(packed.len() < data.len() / 4, "{} bytes", packed.len());
        assert_eq!(unpack(compression, packed), data);
        assert_eq!(unpack(NONE, data.clone()), data);
    }

    // rule: X-9
    #[test]
    fn damaged_or_unknown_compression_unpacks_to_nothing_so_the_account_is_rebuilt() {
        let data = b"PKSN a snapshot, repeated; a snapshot, repeated; a snapshot".repeat(50);
        let (_, packed) = pack(&data);
        // An unknown compression number.
        assert!(unpack(7, packed.clone()).is_empty());
        // A length that no LZ4 block of this size can reach: refused before allocating.
        let mut huge = packed.clone();
        huge[..4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(unpack(LZ4, huge).is_empty());
        // A length that is wrong by one, and a block cut short.
        let mut off = packed.clone();
        let len = u32::from_le_bytes(off[..4].try_into().unwrap()) + 1;
        off[..4].copy_from_slice(&len.to_le_bytes());
        assert!(unpack(LZ4, off).is_empty());
        assert!(unpack(LZ4, packed[..packed.len() / 2].to_vec()).is_empty());
        assert!(unpack(LZ4, vec![1, 0]).is_empty());
    }
}
