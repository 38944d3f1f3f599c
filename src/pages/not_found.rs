//! Shown for unknown routes.

use crate::state::use_app;
use leptos::prelude::*;
use leptos_router::components::A;

/// The 404 page.
#[component]
pub fn NotFound() -> impl IntoView {
    let app = use_app();
    view! {
        <section class="not-found">
            <h1>"404"</h1>
            <p>{move || app.lang.get().t().not_found}</p>
            <A href="/">{move || app.lang.get().t().back_home}</A>
        </section>
    }
}
