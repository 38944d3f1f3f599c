//! Pieces every calculator page uses.

use crate::browser::download;
use crate::components::metric_card::MetricCard;
use crate::state::{Dataset, Shared};
use leptos::prelude::*;
use opscalc_core::{Date, Metric};

/// Metric cards for these keys, in order, from a list of metrics.
pub fn metric_cards(keys: &'static [&'static str], metrics: Signal<Vec<Metric>>) -> impl IntoView {
    keys.iter()
        .map(|&key| {
            let m = Signal::derive(move || {
                metrics.with(|ms| {
                    ms.iter()
                        .find(|m| m.key == key)
                        .cloned()
                        .unwrap_or_else(|| Metric::unavailable(key, ""))
                })
            });
            view! { <MetricCard metric=m /> }
        })
        .collect_view()
}

/// What the reader noticed about the files behind a page (undecodable
/// bytes, an unbalanced quote, renamed duplicate columns, spreadsheet error
/// cells), followed by the calculator's own warnings: the quality panel
/// shows both, so a hostile or damaged file is named in the UI as in the CLI.
pub fn with_read_warnings(datasets: &[RwSignal<Dataset>], own: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = datasets
        .iter()
        .flat_map(|d| d.with(|d| d.preview.warnings.clone()))
        .collect();
    out.extend(own);
    out
}

/// A signal of something computed from a successful result, or its
/// default while the result is an error (the error is shown elsewhere).
pub fn ok_or_default<R, T>(
    result: Memo<Result<Shared<R>, String>>,
    f: impl Fn(&R) -> T + Send + Sync + 'static,
) -> Signal<T>
where
    R: Send + Sync + 'static,
    T: Default + Clone + Send + Sync + 'static,
{
    Signal::derive(move || result.with(|r| r.as_ref().map(|r| f(r)).unwrap_or_default()))
}

/// A click handler that downloads the SVG element with this id.
pub fn svg_download(id: &'static str) -> impl Fn(leptos::ev::MouseEvent) + Clone + 'static {
    move |_| {
        #[cfg(target_arch = "wasm32")]
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
        {
            download(&format!("{id}.svg"), "image/svg+xml", &el.outer_html());
        }
        #[cfg(not(target_arch = "wasm32"))]
        let _ = (id, download);
    }
}

/// Parses an optional date field; blank is `None`.
///
/// # Example
/// ```
/// use opscalc_web::pages::common::opt_date;
/// assert_eq!(opt_date("", "from"), Ok(None));
/// assert!(opt_date("2024-13-01", "from").unwrap_err().contains("from"));
/// ```
pub fn opt_date(s: &str, what: &str) -> Result<Option<Date>, String> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        Date::parse(s)
            .map(Some)
            .ok_or_else(|| format!("{what}: not a date: \"{s}\""))
    }
}

/// Parses a positive whole number field.
///
/// # Example
/// ```
/// use opscalc_web::pages::common::whole;
/// assert_eq!(whole("30", "churn days"), Ok(30));
/// assert!(whole("0", "churn days").is_err());
/// ```
pub fn whole(s: &str, what: &str) -> Result<u32, String> {
    match s.trim().parse::<u32>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!(
            "{what}: expected a whole number of 1 or more, got \"{s}\""
        )),
    }
}

/// Today's date from the browser clock (UTC), for defaults the core cannot
/// know.
pub fn today() -> Option<Date> {
    #[cfg(target_arch = "wasm32")]
    {
        let ms = js_sys::Date::now();
        Some(Date((ms / 86_400_000.0).floor() as i32))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_secs();
        Some(Date((secs / 86_400) as i32))
    }
}
