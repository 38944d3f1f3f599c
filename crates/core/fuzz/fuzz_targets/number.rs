//! The amount, count and rate parsers: never a panic, and only finite
//! numbers (an infinite or NaN amount would poison every sum).
#![no_main]

use libfuzzer_sys::fuzz_target;
use opscalc_core::{parse_number, parse_rate, to_half_width};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let half = to_half_width(s);
    assert_eq!(half.chars().count(), s.chars().count());
    if let Some(v) = parse_number(s) {
        assert!(v.is_finite(), "{s:?} parsed as {v}");
        // Full-width forms mean the same as their ASCII forms.
        assert_eq!(parse_number(&half).map(f64::to_bits), Some(v.to_bits()));
    }
    if let Some(v) = parse_rate(s) {
        assert!(v.is_finite(), "{s:?} parsed as rate {v}");
    }
});
