//! The home page: the four calculators, each with a one-line explanation.

use crate::state::use_app;
use leptos::prelude::*;
use leptos_router::components::A;

/// The home page.
#[component]
pub fn Home() -> impl IntoView {
    let app = use_app();
    let t = move || app.lang.get().t();
    let card = move |href: &'static str,
                     title: fn(&crate::i18n::Texts) -> &'static str,
                     body: fn(&crate::i18n::Texts) -> &'static str| {
        view! {
            <A href=href attr:class="calc-card">
                <h2>{move || title(t())}</h2>
                <p>{move || body(t())}</p>
                <span class="open">{move || t().open}" →"</span>
            </A>
        }
    };
    view! {
        <section class="home">
            <h1>{move || t().app_name}</h1>
            <p class="tagline">{move || t().tagline}</p>
            <div class="calc-grid">
                {card("/repurchase", |t| t.nav_repurchase, |t| t.home_repurchase)}
                {card("/lifecycle", |t| t.nav_lifecycle, |t| t.home_lifecycle)}
                {card("/sell-through", |t| t.nav_sell_through, |t| t.home_sell_through)}
                {card("/traffic", |t| t.nav_traffic, |t| t.home_traffic)}
                {card("/glossary", |t| t.nav_glossary, |t| t.home_glossary)}
                {card("/practice", |t| t.nav_practice, |t| t.home_practice)}
            </div>
        </section>
    }
}
