//! Lazy routes: every page but home is a `#[lazy_route]`, so its code sits
//! in its own wasm chunk (wasm_split) that loads when the page is first
//! opened. The home page paints from the main module alone: that keeps the
//! first load under the budget of issue 11 (budgets.json).
//!
//! A route is the page component behind a unit struct; the struct has no
//! data (`data()` is empty), pages read the shared `AppState` context. A
//! page waits for the sample files (`AfterSamples`), which load at start.

use crate::pages;
use crate::sample_files::AfterSamples;
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

/// Declares `$route`, a lazy route that renders the page `$page`.
macro_rules! lazy_page {
    ($(#[$doc:meta])* $route:ident => $($page:ident)::+) => {
        $(#[$doc])*
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                // Pages show errors: their translations load with them.
                crate::lazy_errors::preload(crate::state::use_app().lang.get_untracked());
                view! { <AfterSamples><$($page)::+ /></AfterSamples> }.into_any()
            }
        }
    };
}

lazy_page!(
    /// `/repurchase`: repurchase rate (复购率).
    RepurchaseRoute => pages::repurchase::RepurchasePage
);
lazy_page!(
    /// `/lifecycle`: return visits, retention and lifecycle.
    LifecycleRoute => pages::lifecycle::LifecyclePage
);
lazy_page!(
    /// `/sell-through`: sell-through (动销率 / 滞销率).
    SellThroughRoute => pages::sell_through::SellThroughPage
);
lazy_page!(
    /// `/traffic`: traffic quality (跳失率, 转化率, ROI ...).
    TrafficRoute => pages::traffic::TrafficPage
);
lazy_page!(
    /// `/workspaces`: saved workspaces.
    WorkspacesRoute => pages::workspaces::WorkspacesPage
);
lazy_page!(
    /// `/glossary`: the metric glossary.
    GlossaryRoute => pages::glossary::GlossaryPage
);
lazy_page!(
    /// `/practice`: practice mode: seeded exercises.
    PracticeRoute => pages::practice::PracticePage
);
