//! Share links of manual mode: the typed totals in the URL fragment
//! (`#m=repurchase&buyers=883&...`). The fragment never reaches a server,
//! and only plain numbers for known fields go in or come out: a link can
//! never carry raw data.

use crate::browser::{build_query, parse_query};

/// The fragment (without `#`) for a page's typed totals. Values that are
/// not plain numbers are left out.
///
/// # Example
/// ```
/// use opscalc_web::share::encode;
/// let f = encode("repurchase", &[("buyers", "883".into()), ("orders", "12,10".into())]);
/// assert_eq!(f, "m=repurchase&buyers=883");
/// ```
pub fn encode(page: &str, fields: &[(&str, String)]) -> String {
    let mut q = vec![("m".to_string(), page.to_string())];
    for (k, v) in fields {
        if is_plain_number(v) {
            q.push((k.to_string(), v.trim().to_string()));
        }
    }
    build_query(&q)
}

/// The totals a fragment holds for `page`: only the `allowed` fields, only
/// plain numbers. `None` when the fragment is not this page's share link.
///
/// # Example
/// ```
/// use opscalc_web::share::decode;
/// let got = decode("#m=repurchase&buyers=900&evil=1&orders=%3Cb%3E", "repurchase", &["buyers", "orders"]);
/// assert_eq!(got, Some(vec![("buyers".to_string(), "900".to_string())]));
/// assert_eq!(decode("#m=traffic&pv=1", "repurchase", &["buyers"]), None);
/// ```
pub fn decode(fragment: &str, page: &str, allowed: &[&str]) -> Option<Vec<(String, String)>> {
    let q = parse_query(fragment.trim_start_matches('#'));
    if crate::browser::param(&q, "m") != Some(page) {
        return None;
    }
    Some(
        q.into_iter()
            .filter(|(k, v)| allowed.contains(&k.as_str()) && is_plain_number(v))
            .collect(),
    )
}

/// `883`, `12600.5`: digits with at most one decimal point, 20 characters
/// at most.
fn is_plain_number(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty()
        && s.len() <= 20
        && s.chars().all(|c| c.is_ascii_digit() || c == '.')
        && s.chars().filter(|&c| c == '.').count() <= 1
        && s.chars().any(|c| c.is_ascii_digit())
}

/// The URL fragment, with `#`.
pub fn current_fragment() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|w| w.location().hash().ok())
            .unwrap_or_default()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        String::new()
    }
}

/// Whether the page was opened from a share link of `page` (so it starts
/// in manual mode).
pub fn opened_from_link(page: &str) -> bool {
    decode(&current_fragment(), page, &[]).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_of_every_field() {
        let fields = [
            ("pv", "12000".to_string()),
            ("revenue", "12600.5".to_string()),
        ];
        let f = encode("traffic", &fields);
        let back = decode(&format!("#{f}"), "traffic", &["pv", "revenue"]).unwrap();
        assert_eq!(
            back,
            vec![
                ("pv".to_string(), "12000".to_string()),
                ("revenue".to_string(), "12600.5".to_string())
            ]
        );
    }

    #[test]
    fn only_numbers_pass() {
        for bad in [
            "",
            "-1",
            "1e5",
            "1.2.3",
            "abc",
            "<script>",
            "1 2",
            "123456789012345678901",
        ] {
            assert!(!is_plain_number(bad), "{bad}");
        }
        for good in ["0", "883", "0.5", "12600.50"] {
            assert!(is_plain_number(good), "{good}");
        }
    }
}
