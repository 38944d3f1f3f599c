//! A drill-down: a `<details>` whose content is built only while it is open.

use leptos::prelude::*;

/// A collapsible drill-down whose rows are computed only while it is open,
/// so a list of a hundred thousand buyers costs nothing until asked for.
#[component]
pub fn Drill(
    /// The summary line.
    #[prop(into)]
    summary: Signal<String>,
    /// Classes of the `<details>` element.
    #[prop(into, default = "panel drill".to_string())]
    class: String,
    /// Test id of the summary.
    #[prop(into, default = String::new())]
    summary_test_id: String,
    /// Test id of the `<details>` element.
    #[prop(into, default = String::new())]
    test_id: String,
    /// Whether it is open, for a caller that fetches its rows only then.
    #[prop(optional)]
    open: Option<RwSignal<bool>>,
    /// What is shown when open.
    children: ChildrenFn,
) -> impl IntoView {
    let open = open.unwrap_or_else(|| RwSignal::new(false));
    view! {
        <details
            class=class
            data-testid=test_id
            on:toggle=move |ev| open.set(event_target::<web_sys::HtmlDetailsElement>(&ev).open())
        >
            <summary data-testid=summary_test_id>{summary}</summary>
            <Show when=move || open.get()>{children()}</Show>
        </details>
    }
}
