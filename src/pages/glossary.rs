//! The glossary: every metric the core reports, with its definition,
//! formula, a worked example computed by the core, and common mistakes.
//! Each entry's anchor is its metric key (`/glossary#reflow_rate`).

use crate::components::metric_card::formula_line;
use crate::format::metric_value;
use crate::glossary_data::{example_for, mistakes_for};
use crate::i18n::Lang;
use crate::metric_text::metric_text;
use crate::state::use_app;
use leptos::prelude::*;

/// The formula of a metric in words: `numerator ÷ denominator`, or the
/// definition for a count.
///
/// # Example
/// ```
/// use opscalc_web::{i18n::Lang, pages::glossary::formula_words};
/// assert_eq!(formula_words("bounce_rate", Lang::En), "bounced visits ÷ visits");
/// assert_eq!(formula_words("bounce_rate", Lang::ZhTw), "跳出造訪數 ÷ 造訪次數");
/// ```
pub fn formula_words(key: &'static str, lang: Lang) -> String {
    let t = metric_text(key, lang);
    if t.numerator.is_empty() {
        t.definition.to_string()
    } else {
        format!("{} ÷ {}", t.numerator, t.denominator)
    }
}

/// The example line of a metric: the formula with the example's numbers.
///
/// # Example
/// ```
/// use opscalc_web::{i18n::Lang, pages::glossary::example_line};
/// assert_eq!(example_line("user_repurchase_rate", Lang::En), "repeat buyers / buyers = 1 / 4 = 25.0%");
/// assert_eq!(example_line("buyers", Lang::En), "Buyers = 4");
/// ```
pub fn example_line(key: &'static str, lang: Lang) -> String {
    let Some(e) = example_for(key) else {
        return String::new();
    };
    let Some(m) = e.metrics.iter().find(|m| m.key == key) else {
        return String::new();
    };
    let line = formula_line(m, lang);
    if !line.is_empty() {
        return line;
    }
    let v = m
        .value
        .map(|v| metric_value(key, v))
        .unwrap_or_else(|| lang.t().not_available.to_string());
    format!("{} = {v}", metric_text(key, lang).name)
}

/// One glossary entry.
#[component]
fn Entry(key: &'static str) -> impl IntoView {
    let app = use_app();
    let lang = move || app.lang.get();
    let t = move || lang().t();
    let example = example_for(key);
    let (headers, rows, note) = match &example {
        Some(e) => (
            e.table.headers().to_vec(),
            (0..e.table.len())
                .map(|r| e.table.row(r).map(str::to_string).collect::<Vec<_>>())
                .collect::<Vec<_>>(),
            Some(e.note),
        ),
        None => (Vec::new(), Vec::new(), None),
    };
    view! {
        <article class="card glossary-entry" id=key data-glossary=key>
            <h3>{move || metric_text(key, lang()).name}" "<code>{key}</code></h3>
            <dl>
                <dt>{move || t().definition}</dt>
                <dd>{move || metric_text(key, lang()).definition}</dd>
                <dt>{move || t().formula}</dt>
                <dd>{move || formula_words(key, lang())}</dd>
                <dt>{move || t().example}</dt>
                <dd>
                    <span class="glossary-example" data-example=key>{move || example_line(key, lang())}</span>
                    " ("{move || note.map(|n| n.text(lang())).unwrap_or_default()}")"
                    <details>
                        <summary>{move || t().show_rows}</summary>
                        <div class="table-wrap">
                            <table class="data">
                                <thead><tr>{headers.into_iter().map(|h| view! { <th>{h}</th> }).collect_view()}</tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|r| view! {
                                        <tr>{r.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}</tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    </details>
                </dd>
                <dt>{move || t().common_mistakes}</dt>
                <dd>
                    <ul>
                        {move || {
                            let l = lang();
                            mistakes_for(key).into_iter().map(|m| view! { <li>{m.text(l)}</li> }).collect_view()
                        }}
                    </ul>
                </dd>
            </dl>
        </article>
    }
}

/// The glossary page.
#[component]
pub fn GlossaryPage() -> impl IntoView {
    let app = use_app();
    let t = move || app.lang.get().t();
    // After a link from a metric card, show the entry it named.
    Effect::new(move |_| scroll_to_hash());
    view! {
        <section class="glossary">
            <h1>{move || t().nav_glossary}</h1>
            <p class="hint">{move || t().glossary_intro}</p>
            <nav class="glossary-index">
                {opscalc_core::metric_keys().into_iter().map(|k| view! {
                    <a href=format!("#{k}")>{move || metric_text(k, app.lang.get()).name}</a>
                }).collect_view()}
            </nav>
            {opscalc_core::metric_keys().into_iter().map(|k| view! { <Entry key=k /> }).collect_view()}
        </section>
    }
}

fn scroll_to_hash() {
    #[cfg(target_arch = "wasm32")]
    {
        let Some(w) = web_sys::window() else { return };
        let hash = w.location().hash().unwrap_or_default();
        let id = hash.trim_start_matches('#');
        if id.is_empty() {
            return;
        }
        if let Some(el) = w.document().and_then(|d| d.get_element_by_id(id)) {
            el.scroll_into_view();
        }
    }
}
