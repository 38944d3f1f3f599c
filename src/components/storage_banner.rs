//! The banner that says when saving in the browser failed (storage full).

use crate::persist::use_persist;
use crate::state::use_app;
use leptos::prelude::*;

/// Shows the last storage problem until dismissed or a save works again.
#[component]
pub fn StorageBanner() -> impl IntoView {
    let app = use_app();
    let p = use_persist();
    view! {
        <Show when=move || p.problem.with(Option::is_some)>
            <div class="storage-banner error no-print" role="alert" data-testid="storage-problem">
                <span>{move || p.problem.get().map(|e| e.message(app.lang.get())).unwrap_or_default()}</span>
                <button class="secondary" on:click=move |_| p.problem.set(None)>{move || app.lang.get().k().dismiss}</button>
            </div>
        </Show>
    }
}
