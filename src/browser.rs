//! Thin wrappers over browser APIs: storage, downloads, the URL query.
//! On non-wasm targets they do nothing, so logic using them stays testable
//! natively.

/// Reads a value remembered in localStorage.
pub fn load<T: serde::de::DeserializeOwned>(key: &str) -> Option<T> {
    #[cfg(target_arch = "wasm32")]
    {
        use gloo::storage::{LocalStorage, Storage};
        LocalStorage::get(key).ok()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = key;
        None
    }
}

/// Remembers a value in localStorage (silently skipped when storage is
/// unavailable, as in private windows: remembering is a convenience).
pub fn save<T: serde::Serialize>(key: &str, value: &T) {
    #[cfg(target_arch = "wasm32")]
    {
        use gloo::storage::{LocalStorage, Storage};
        let _ = LocalStorage::set(key, value);
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (key, serde_json::to_string(value));
    }
}

/// The browser's preferred language tag.
pub fn browser_language() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|w| w.navigator().language())
            .unwrap_or_else(|| "en".into())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        "en".into()
    }
}

/// Puts text on the clipboard (the promise is not awaited: the button
/// shows "copied" at once, and a refused permission leaves the text
/// selectable on the page).
pub fn copy_text(text: &str) {
    #[cfg(target_arch = "wasm32")]
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = text;
}

/// Offers text as a file download (UTF-8).
pub fn download(filename: &str, mime: &str, content: &str) {
    download_bytes(filename, mime, content.as_bytes());
}

/// Offers bytes as a file download (XLSX and other binary files).
pub fn download_bytes(filename: &str, mime: &str, bytes: &[u8]) {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
        let opts = web_sys::BlobPropertyBag::new();
        opts.set_type(mime);
        let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts) else {
            return;
        };
        let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
            return;
        };
        if let Some(a) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.create_element("a").ok())
            .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        {
            a.set_href(&url);
            a.set_download(&crate::download_name::in_page_lang(filename));
            a.click();
        }
        let _ = web_sys::Url::revoke_object_url(&url);
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (filename, mime, bytes);
    }
}

/// The current URL's query parameters.
pub fn query_params() -> Vec<(String, String)> {
    #[cfg(target_arch = "wasm32")]
    {
        let location = web_sys::window().map(|w| w.location());
        let search = location
            .as_ref()
            .and_then(|l| l.search().ok())
            .unwrap_or_default();
        // A page opened without settings in its URL gets the ones saved
        // with the workspace (a reload of a plain link, the nav).
        if search.is_empty() {
            let path = location.and_then(|l| l.pathname().ok()).unwrap_or_default();
            if let Some(q) = crate::persist::remembered_query(&path) {
                return parse_query(&q);
            }
        }
        parse_query(&search)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        Vec::new()
    }
}

/// Replaces the URL's query (no navigation, no history entry), so settings
/// can be bookmarked. Data never goes here, only settings.
pub fn replace_query(params: &[(String, String)]) {
    #[cfg(target_arch = "wasm32")]
    {
        let Some(w) = web_sys::window() else { return };
        let path = w.location().pathname().unwrap_or_default();
        let q = build_query(params);
        crate::persist::remember_query(&path, &q);
        let url = if q.is_empty() {
            path
        } else {
            format!("{path}?{q}")
        };
        if let Ok(h) = w.history() {
            let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = params;
    }
}

/// Parses `?a=1&b=x%20y`.
///
/// # Example
/// ```
/// use opscalc_web::browser::parse_query;
/// assert_eq!(parse_query("?from=2024-01-01&by=sku"), vec![("from".into(), "2024-01-01".into()), ("by".into(), "sku".into())]);
/// ```
pub fn parse_query(search: &str) -> Vec<(String, String)> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// Builds `a=1&b=x%20y`, leaving out empty values.
///
/// # Example
/// ```
/// use opscalc_web::browser::build_query;
/// assert_eq!(build_query(&[("a".into(), "x y".into()), ("b".into(), "".into())]), "a=x%20y");
/// ```
pub fn build_query(params: &[(String, String)]) -> String {
    params
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() && s.is_char_boundary(i + 1) && s.is_char_boundary(i + 3)
        {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A query parameter by name.
pub fn param<'a>(params: &'a [(String, String)], key: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// Runs `f` and records how long it took under `window.opscalcTimings[name]`
/// (milliseconds), for the benchmark; timing is all it does.
pub fn timed<T>(name: &str, f: impl FnOnce() -> T) -> T {
    #[cfg(target_arch = "wasm32")]
    {
        let perf = web_sys::window().and_then(|w| w.performance());
        let clock = || perf.as_ref().map_or_else(js_sys::Date::now, |p| p.now());
        let t0 = clock();
        let out = f();
        let ms = clock() - t0;
        if let Some(w) = web_sys::window() {
            let key = wasm_bindgen::JsValue::from_str("opscalcTimings");
            let timings = js_sys::Reflect::get(&w, &key)
                .ok()
                .filter(|v| v.is_object())
                .unwrap_or_else(|| js_sys::Object::new().into());
            let _ = js_sys::Reflect::set(&timings, &name.into(), &ms.into());
            let _ = js_sys::Reflect::set(&w, &key, &timings);
        }
        out
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = name;
        f()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_round_trip() {
        let p = vec![("by".to_string(), "类目 x&y".to_string())];
        assert_eq!(parse_query(&build_query(&p)), p);
        assert_eq!(decode("%E4%B8%AD"), "中");
        assert_eq!(decode("%Z1%"), "%Z1%");
    }
}
