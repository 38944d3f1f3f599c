//! "Show SQL": the page's metrics as one DuckDB or Spark SQL query, with the
//! current settings and the user's column names, to run where the data is
//! too large for the browser (docs/SCALING.md).

use crate::browser::copy_text;
use crate::state::use_app;
use leptos::prelude::*;
use opscalc_core::Dialect;

/// A closed `<details>` with a dialect toggle, the SQL and a copy button.
/// `sql` builds the query for a dialect from the page's current data and
/// settings; an error (a role not mapped, a bad setting) is shown instead.
#[component]
pub fn SqlPanel(sql: Callback<Dialect, Result<String, String>>) -> impl IntoView {
    let app = use_app();
    let t = move || app.lang.get().t();
    let dialect = RwSignal::new(Dialect::DuckDb);
    let copied = RwSignal::new(false);
    // Built only while the panel is open: most visitors never open it.
    let open = RwSignal::new(false);
    let text = Memo::new(move |_| open.get().then(|| sql.run(dialect.get())));
    let tab = move |d: Dialect, label: &'static str| {
        view! {
            <button
                role="tab"
                class:active=move || dialect.get() == d
                data-testid=format!("sql-{}", d.key())
                on:click=move |_| {
                    dialect.set(d);
                    copied.set(false);
                }
            >
                {label}
            </button>
        }
    };
    view! {
        <details class="sql-panel" data-testid="sql-panel" on:toggle=move |ev| {
            use wasm_bindgen::JsCast;
            let o = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok())
                .is_some_and(|d| d.open());
            open.set(o);
        }>
            <summary>{move || t().show_sql}</summary>
            <p class="hint">{move || t().sql_hint}</p>
            <div class="sql-toolbar">
                <div class="mode-switch" role="tablist">
                    {tab(Dialect::DuckDb, "DuckDB")}
                    {tab(Dialect::Spark, "Spark SQL")}
                </div>
                <button
                    data-testid="sql-copy"
                    on:click=move |_| {
                        if let Some(Ok(s)) = text.get_untracked() {
                            copy_text(&s);
                            copied.set(true);
                        }
                    }
                >
                    {move || if copied.get() { t().copied } else { t().copy }}
                </button>
            </div>
            {move || match text.get() {
                Some(Ok(s)) => view! { <pre class="sql" data-testid="sql-text">{s}</pre> }.into_any(),
                Some(Err(e)) => view! { <p class="error" data-testid="sql-error">{move || crate::error_text::error_in(&e, app.lang.get())}</p> }.into_any(),
                None => ().into_any(),
            }}
        </details>
    }
}
