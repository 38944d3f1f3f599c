//! The header: app name, calculator links and the language switch.

use crate::i18n::Lang;
use crate::state::use_app;
use leptos::prelude::*;
use leptos_router::components::A;

/// The site header.
#[component]
pub fn Nav() -> impl IntoView {
    let app = use_app();
    let t = move || app.lang.get().t();
    view! {
        <header class="nav">
            <A href="/" attr:class="brand">{move || t().app_name}</A>
            <nav>
                <A href="/repurchase">{move || t().nav_repurchase}</A>
                <A href="/lifecycle">{move || t().nav_lifecycle}</A>
                <A href="/sell-through">{move || t().nav_sell_through}</A>
                <A href="/traffic">{move || t().nav_traffic}</A>
                <A href="/workspaces">{move || app.lang.get().k().nav_workspaces}</A>
                <A href="/glossary">{move || t().nav_glossary}</A>
                <A href="/practice">{move || t().nav_practice}</A>
            </nav>
            <label class="lang">
                <span class="sr-only">{move || t().language}</span>
                <select
                    data-testid="lang-switch"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        app.lang.set(Lang::from_tag(&v));
                    }
                >
                    <option value="zh-CN" selected=move || app.lang.get() == Lang::Zh>"简体中文"</option>
                    <option value="zh-TW" selected=move || app.lang.get() == Lang::ZhTw>"繁體中文"</option>
                    <option value="en" selected=move || app.lang.get() == Lang::En>"English"</option>
                </select>
            </label>
        </header>
    }
}
