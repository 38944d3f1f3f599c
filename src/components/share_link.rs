//! "Copy share link" of manual mode: the typed totals go into the URL
//! fragment, and opening such a link fills them in again.

use crate::share::{current_fragment, decode, encode};
use crate::state::use_app;
use leptos::prelude::*;

/// Fills `fields` from a share link of `page` (if the page was opened from
/// one), and offers a link with the current values.
#[component]
pub fn ShareLink(
    /// The page's key in the link, e.g. `repurchase`.
    page: &'static str,
    /// The typed totals: (field key, its input's value).
    fields: Vec<(&'static str, RwSignal<String>)>,
) -> impl IntoView {
    let app = use_app();
    let k = move || app.lang.get().k();
    let keys: Vec<&str> = fields.iter().map(|(k, _)| *k).collect();
    if let Some(values) = decode(&current_fragment(), page, &keys) {
        for (key, v) in values {
            if let Some((_, sig)) = fields.iter().find(|(k, _)| *k == key) {
                sig.set(v);
            }
        }
    }
    let link = RwSignal::new(String::new());
    let on_click = move |_| {
        let values: Vec<(&str, String)> = fields
            .iter()
            .map(|(k, s)| (*k, s.get_untracked()))
            .collect();
        let fragment = encode(page, &values);
        #[cfg(target_arch = "wasm32")]
        {
            let Some(w) = web_sys::window() else { return };
            let loc = w.location();
            let url = format!(
                "{}{}#{fragment}",
                loc.origin().unwrap_or_default(),
                loc.pathname().unwrap_or_default()
            );
            if let Ok(h) = w.history() {
                let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
            }
            crate::browser::copy_text(&url);
            link.set(url);
        }
        #[cfg(not(target_arch = "wasm32"))]
        link.set(fragment);
    };
    view! {
        <div class="share no-print">
            <button class="secondary" data-testid="share-link" on:click=on_click>{move || k().share_link}</button>
            <span class="hint">{move || k().share_hint}</span>
            <Show when=move || link.with(|l| !l.is_empty())>
                <span class="hint" role="status">{move || k().share_copied}</span>
                <input class="share-url" readonly data-testid="share-url" prop:value=move || link.get() />
            </Show>
        </div>
    }
}
