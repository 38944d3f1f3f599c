//! Role detection from headers: never a panic, every mapped column exists
//! and plays one role, and --map style overrides fail with a message
//! rather than a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use opscalc_core::{normalize_header, InputKind, Mapping};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    // Headers, then after a blank line, overrides one per line.
    let (head, maps) = s.split_once("\n\n").unwrap_or((s, ""));
    let headers: Vec<String> = head.split(['\t', '\n']).map(str::to_string).collect();
    let maps: Vec<String> = maps.lines().map(str::to_string).collect();
    for kind in [
        InputKind::Orders,
        InputKind::Activity,
        InputKind::Products,
        InputKind::TrafficTable,
        InputKind::PageViews,
    ] {
        let mut m = Mapping::detect(kind, &headers);
        check(&m, headers.len());
        if m.apply_overrides(&headers, &maps).is_ok() {
            check(&m, headers.len());
        }
    }
    let _ = Mapping::signature(&headers);
    for h in &headers {
        let n = normalize_header(h);
        assert_eq!(normalize_header(&n), n, "normalising is idempotent");
    }
});

fn check(m: &Mapping, width: usize) {
    let mut seen = vec![false; width];
    for (_, col) in m.iter() {
        assert!(col < width);
        assert!(!seen[col], "column {col} plays two roles");
        seen[col] = true;
    }
}
