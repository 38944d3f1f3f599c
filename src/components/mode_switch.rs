//! The "from a file" / "type totals" switch at the top of each calculator.

use crate::state::use_app;
use leptos::prelude::*;

/// Two tabs that set `manual`.
#[component]
pub fn ModeSwitch(manual: RwSignal<bool>) -> impl IntoView {
    let app = use_app();
    let t = move || app.lang.get().t();
    view! {
        <div class="mode-switch" role="tablist">
            <button role="tab" class:active=move || !manual.get() on:click=move |_| manual.set(false)>{move || t().file_mode}</button>
            <button role="tab" class:active=move || manual.get() on:click=move |_| manual.set(true) data-testid="manual-tab">{move || t().manual_mode}</button>
        </div>
    }
}
