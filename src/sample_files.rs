//! The text of the built-in samples. In the browser they are files of the
//! build (`dist/samples/*.csv`, precached by the service worker), fetched
//! once at start: inside the app's wasm they were 29 KB of the gzipped first
//! load, and the home page shows none of them (issue 11's 250 KB budget;
//! wasm_split moves code into route chunks, never data). Native builds
//! (unit tests, doc examples) embed them.
//!
//! Until the files are in, [`crate::state::sample`] gives an empty
//! placeholder; [`load`] then puts the real samples in the placeholders'
//! place, and [`AfterSamples`] holds a calculator page back until then, so
//! no page ever computes on the placeholder.

use leptos::prelude::*;
use opscalc_core::InputKind;
use std::cell::RefCell;

/// The sample files, by the kind of table each holds: (kind, file under
/// `samples/`, the name the app shows).
pub const FILES: [(InputKind, &str, &str); 4] = [
    (InputKind::Orders, "orders.csv", "sample-orders.csv"),
    (InputKind::Activity, "activity.csv", "sample-activity.csv"),
    (InputKind::Products, "products.csv", "sample-products.csv"),
    (InputKind::TrafficTable, "traffic.csv", "sample-traffic.csv"),
];

/// The sample file for a kind (page views share the traffic sample).
///
/// # Example
/// ```
/// use opscalc_core::InputKind;
/// assert_eq!(opscalc_web::sample_files::file_for(InputKind::PageViews).1, "traffic.csv");
/// ```
pub fn file_for(kind: InputKind) -> (InputKind, &'static str, &'static str) {
    let kind = match kind {
        InputKind::PageViews => InputKind::TrafficTable,
        k => k,
    };
    FILES
        .into_iter()
        .find(|(k, ..)| *k == kind)
        .unwrap_or(FILES[0])
}

thread_local! {
    static TEXTS: RefCell<Vec<(InputKind, String)>> = const { RefCell::new(Vec::new()) };
    static LOADED: ArcRwSignal<bool> = ArcRwSignal::new(cfg!(not(target_arch = "wasm32")));
}

/// The sample text of a kind, once it is there.
///
/// # Example
/// ```
/// use opscalc_core::InputKind;
/// // Native builds embed the samples; page views share the traffic file.
/// let t = opscalc_web::sample_files::text(InputKind::PageViews).unwrap();
/// assert_eq!(Some(t), opscalc_web::sample_files::text(InputKind::TrafficTable));
/// ```
pub fn text(kind: InputKind) -> Option<String> {
    let kind = file_for(kind).0;
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = &TEXTS;
        Some(
            match kind {
                InputKind::Orders => include_str!("../samples/orders.csv"),
                InputKind::Activity => include_str!("../samples/activity.csv"),
                InputKind::Products => include_str!("../samples/products.csv"),
                _ => include_str!("../samples/traffic.csv"),
            }
            .to_string(),
        )
    }
    #[cfg(target_arch = "wasm32")]
    TEXTS.with(|t| {
        t.borrow()
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, s)| s.clone())
    })
}

/// The samples are in (reactive).
pub fn loaded() -> bool {
    LOADED.with(|l| l.get())
}

/// Puts the sample texts in place, as [`load`] does once it has fetched
/// them; tests in the browser call it with the files they embed.
pub fn install(texts: Vec<(InputKind, String)>) {
    TEXTS.with(|t| *t.borrow_mut() = texts);
    LOADED.with(|l| l.set(true));
}

/// Fetches the sample files, then replaces every placeholder dataset of
/// `app` with its sample. Quietly (untracked): the saved-work effect must
/// not read the samples' arrival as an edit to save, and no page has read
/// the placeholders (they wait in [`AfterSamples`]).
pub async fn load(app: crate::state::AppState) {
    if loaded() {
        return;
    }
    let mut texts = Vec::new();
    for (kind, file, _) in FILES {
        match fetch_text(&format!("/samples/{file}")).await {
            Ok(t) => texts.push((kind, t)),
            Err(e) => {
                leptos::logging::warn!("sample {file}: {e}");
                return;
            }
        }
    }
    TEXTS.with(|t| *t.borrow_mut() = texts);
    for (kind, ..) in FILES {
        let slot = app.dataset(kind);
        if slot.with_untracked(crate::state::is_placeholder) {
            let s = crate::state::sample(kind);
            slot.update_untracked(|d| *d = s);
        }
    }
    LOADED.with(|l| l.set(true));
}

#[cfg(target_arch = "wasm32")]
async fn fetch_text(url: &str) -> Result<String, String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let err = |e: wasm_bindgen::JsValue| format!("{e:?}");
    let window = web_sys::window().ok_or("no window")?;
    let resp: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(err)?
        .dyn_into()
        .map_err(err)?;
    if !resp.ok() {
        return Err(format!("HTTP {}", resp.status()));
    }
    let text = JsFuture::from(resp.text().map_err(err)?)
        .await
        .map_err(err)?;
    text.as_string().ok_or_else(|| "not text".to_string())
}

#[cfg(not(target_arch = "wasm32"))]
async fn fetch_text(_url: &str) -> Result<String, String> {
    Err("native builds embed the samples".to_string())
}

/// Shows a calculator page once the samples are in (at once when they are
/// already, as after the first page).
#[component]
pub fn AfterSamples(children: ChildrenFn) -> impl IntoView {
    view! {
        <Show when=loaded fallback=|| view! { <p class="loading" aria-busy="true"></p> }>
            {children()}
        </Show>
    }
}
