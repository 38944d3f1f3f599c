//! The fallback of the page error boundary: readable errors, data kept.

use crate::state::use_app;
use leptos::prelude::*;

/// Lists the errors caught by an `ErrorBoundary`.
#[component]
pub fn ErrorView(errors: ArcRwSignal<Errors>) -> impl IntoView {
    let app = use_app();
    view! {
        <div class="error-view" role="alert">
            <h2>{move || app.lang.get().t().error_title}</h2>
            <ul>
                {move || errors.get().into_iter().map(|(_, e)| view! { <li>{crate::lazy_errors::error_in(&e.to_string(), app.lang.get())}</li> }).collect_view()}
            </ul>
            <p>{move || app.lang.get().t().error_keep_data}</p>
        </div>
    }
}
