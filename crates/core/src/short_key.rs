//! Ids as integers: most ids in shop exports (order numbers, buyer
//! nicknames, SKUs, categories, channels, statuses) are at most 15 bytes,
//! or 16 to 19 digits (Taobao order numbers), and such a string fits in 16
//! bytes with its length. A hash map keyed by those 16 bytes compares two
//! integers instead of calling `memcmp` on a string elsewhere in memory:
//! on a million order lines, the string compares and the cache misses of
//! reaching the strings were a sixth of building orders.

/// A string packed into two words so that two keys are equal exactly when
/// the strings are: up to 15 bytes with the length in the last byte, or 16
/// to 19 ASCII digits as their value with the length (16..=19) in the last
/// byte. Longer or other strings have no key. The bytes are big-endian, so
/// keys of one form sort like their strings (ids that rise in a file give
/// rising keys, which a sort finds already in order).
///
/// # Example
/// ```
/// use opscalc_core::short_key;
/// assert_eq!(short_key("SKU-1"), short_key("SKU-1"));
/// assert_ne!(short_key("a"), short_key("a\0"));
/// assert_ne!(short_key("0123456789012345678"), short_key("123456789012345678"));
/// assert!(short_key("3512345678901234567").is_some());
/// assert!(short_key("a string of twenty b").is_none());
/// ```
#[inline(always)]
pub fn short_key(s: &str) -> Option<(u64, u64)> {
    short_key_bytes(s.as_bytes())
}

/// [`short_key`] of any bytes: two byte strings with keys have equal keys
/// exactly when they are equal.
#[inline(always)]
pub(crate) fn short_key_bytes(b: &[u8]) -> Option<(u64, u64)> {
    if b.len() <= 15 {
        let (lo, hi) = b.split_at(b.len().min(8));
        Some((be_prefix(lo), be_prefix(hi) | b.len() as u64))
    } else if b.len() <= 19 && b.iter().all(u8::is_ascii_digit) {
        // 19 digits are at most 9,999,999,999,999,999,999 < u64::MAX; the
        // length tells "007" from "7" and keeps these apart from the short
        // form, whose last byte is at most 15.
        let v = b.iter().fold(0u64, |v, &d| v * 10 + u64::from(d - b'0'));
        Some((v, b.len() as u64))
    } else {
        None
    }
}

/// Up to 8 bytes as the top bytes of a big-endian word, zero below. Built
/// from (overlapping) fixed-size loads: copying a variable length into a
/// zeroed buffer called `memcpy`, six times per order line, and those calls
/// were a seventh of building orders.
#[inline]
fn be_prefix(b: &[u8]) -> u64 {
    let n = b.len();
    match n {
        8.. => u64::from_be_bytes(b[..8].try_into().unwrap_or([0; 8])),
        4..=7 => {
            let first = u64::from(u32::from_be_bytes(b[..4].try_into().unwrap_or([0; 4])));
            let last = u64::from(u32::from_be_bytes(b[n - 4..].try_into().unwrap_or([0; 4])));
            // The last four bytes end at byte n: shifted so they land there;
            // where they overlap the first four they are the same bytes.
            (first << 32) | (last << (8 * (8 - n)))
        }
        1..=3 => {
            u64::from(b[0]) << 56
                | u64::from(b[n / 2]) << (56 - 8 * (n / 2))
                | u64::from(b[n - 1]) << (56 - 8 * (n - 1))
        }
        0 => 0,
    }
}

/// The first 16 bytes of `s`, zero-padded, as two big-endian words: if the
/// prefixes of two strings differ, they order the strings as `str::cmp`
/// would (a shorter string pads with zeros, the least byte); equal
/// prefixes settle nothing.
pub(crate) fn prefix16(s: &str) -> (u64, u64) {
    let b = s.as_bytes();
    let b = &b[..b.len().min(16)];
    let (lo, hi) = b.split_at(b.len().min(8));
    (be_prefix(lo), be_prefix(hi))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_strings_get_distinct_keys() {
        let words = [
            "",
            "\0",
            "\0\0",
            "a",
            "a\0",
            "ab",
            "ba",
            "买",
            "买家",
            "12345678",
            "123456789",
            "1234567890123456",
            "01234567890123456",
            "1234567890123456789",
            "0000000000000000",
            "00000000000000000",
        ];
        let keys: std::collections::HashSet<_> = words.iter().map(|w| short_key(w)).collect();
        assert_eq!(keys.len(), words.len());
        // Bytes in order, zero-padded, the length in the last byte.
        assert_eq!(
            short_key("abcdefghi"),
            Some((0x6162_6364_6566_6768, 0x6900_0000_0000_0009))
        );
        assert_eq!(short_key("0123456789012345"), Some((123456789012345, 16)));
        // Every length up to 15 packs its bytes in order, zero-padded.
        let text = "abcdefghijklmno";
        for n in 0..=15 {
            let mut buf = [0u8; 16];
            buf[..n].copy_from_slice(&text.as_bytes()[..n]);
            buf[15] = n as u8;
            let want = (
                u64::from_be_bytes(buf[..8].try_into().unwrap()),
                u64::from_be_bytes(buf[8..].try_into().unwrap()),
            );
            assert_eq!(short_key(&text[..n]), Some(want), "{n}");
        }
        // Different 16-byte prefixes order strings as str::cmp does.
        let long = [
            "a",
            "a\0",
            "a\0b",
            "ab",
            "b",
            "",
            "买",
            "buyer_0000004",
            "buyer_0000004x",
        ];
        let mut all: Vec<String> = words.iter().chain(&long).map(|w| w.to_string()).collect();
        all.push("0123456789abcdefXYZ".into());
        all.push("0123456789abcdefABC".into());
        for a in &all {
            for b in &all {
                let (pa, pb) = (prefix16(a), prefix16(b));
                if pa != pb {
                    assert_eq!(pa.cmp(&pb), a.cmp(b), "{a:?} {b:?}");
                }
            }
        }
        // Keys of one form sort like their strings.
        assert!(short_key("100000009") < short_key("100000010"));
        assert!(short_key("1000000000000009") < short_key("1000000000000010"));
    }
}
