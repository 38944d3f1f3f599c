//! OpsCalc web app (运营计算器): Leptos 0.8, client-side only. The numbers
//! come from `opscalc-core`, the same code as the `opscalc` command line.

pub mod browser;
pub mod components;
pub mod download_name;
pub mod engine;
pub mod error_text;
pub mod export;
pub mod failure_text;
pub mod format;
pub mod glossary_data;
pub mod i18n;
pub mod i18n_keep;
pub mod i18n_tw;
pub mod import_worker;
pub mod lazy_errors;
pub mod lazy_routes;
pub mod learn_tw;
pub mod metric_text;
pub mod metric_text_tw;
pub mod pages;
pub mod panic;
pub mod persist;
pub mod reason_text;
pub mod sample_files;
pub mod share;
pub mod state;
pub mod state_samples;
pub mod warning_text;

use components::nav::Nav;
use i18n::Lang;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use leptos_router::Lazy;
use pages::{home::Home, not_found::NotFound};
use state::AppState;

/// The language to start in: the remembered choice, else the browser's.
pub fn initial_lang() -> Lang {
    browser::load::<Lang>("opscalc.lang")
        .unwrap_or_else(|| Lang::from_tag(&browser::browser_language()))
}

/// The whole app: state, header, routes.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::with_samples(initial_lang());
    provide_context(state);
    persist::provide(state);
    // The error translations are a chunk: loaded on switching to Chinese.
    lazy_errors::provide(state);
    // The samples are files, not part of this wasm (sample_files.rs).
    leptos::task::spawn_local(sample_files::load(state));
    Effect::new(move |_| {
        let lang = state.lang.get();
        browser::save("opscalc.lang", &lang);
        if let Some(el) = web_sys_document_element() {
            let _ = el.set_attribute("lang", lang.tag());
        }
    });
    view! {
        <Router>
            <Nav />
            <components::storage_banner::StorageBanner />
            <main>
                <ErrorBoundary fallback=|errors| view! { <components::error_view::ErrorView errors=errors /> }>
                    <Routes fallback=NotFound>
                        <Route path=path!("/") view=Home />
                        <Route path=path!("/repurchase") view={Lazy::<lazy_routes::RepurchaseRoute>::new()} />
                        <Route path=path!("/lifecycle") view={Lazy::<lazy_routes::LifecycleRoute>::new()} />
                        <Route path=path!("/sell-through") view={Lazy::<lazy_routes::SellThroughRoute>::new()} />
                        <Route path=path!("/traffic") view={Lazy::<lazy_routes::TrafficRoute>::new()} />
                        <Route path=path!("/workspaces") view={Lazy::<lazy_routes::WorkspacesRoute>::new()} />
                        <Route path=path!("/glossary") view={Lazy::<lazy_routes::GlossaryRoute>::new()} />
                        <Route path=path!("/practice") view={Lazy::<lazy_routes::PracticeRoute>::new()} />
                    </Routes>
                </ErrorBoundary>
            </main>
            <footer class="footer">
                <span>{move || state.lang.get().t().home_privacy}</span>
            </footer>
        </Router>
    }
}

fn web_sys_document_element() -> Option<web_sys::Element> {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()?.document()?.document_element()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        None
    }
}

/// Starts the app in the page body.
pub fn start() {
    panic::install();
    expose_memory();
    // The saved workspace is read before the first render, so the user's
    // data (not the samples) is what appears.
    wasm_bindgen_futures::spawn_local(async {
        persist::restore_for_start().await;
        mount_to_body(App);
    });
}

/// Puts the wasm memory on `window.opscalcWasmMemory`, so the benchmark can
/// read the heap's peak size (wasm memory only grows).
fn expose_memory() {
    #[cfg(target_arch = "wasm32")]
    if let Some(w) = web_sys::window() {
        let _ = js_sys::Reflect::set(&w, &"opscalcWasmMemory".into(), &wasm_bindgen::memory());
    }
}
