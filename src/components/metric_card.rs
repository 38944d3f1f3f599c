//! A metric card: value, one-line definition, and the formula with the
//! user's own numbers.

use crate::format::{metric_value, number};
use crate::metric_text::metric_text;
use crate::state::use_app;
use leptos::prelude::*;
use opscalc_core::Metric;

/// The formula line with numbers plugged in, e.g.
/// `复购买家数 / 买家数 = 65 / 155 = 41.9%`.
///
/// # Example
/// ```
/// use opscalc_core::Metric;
/// use opscalc_web::{components::metric_card::formula_line, i18n::Lang};
/// let m = Metric::ratio("user_repurchase_rate", 240.0, 883.0);
/// assert_eq!(formula_line(&m, Lang::En), "repeat buyers / buyers = 240 / 883 = 27.2%");
/// ```
pub fn formula_line(m: &Metric, lang: crate::i18n::Lang) -> String {
    let t = metric_text(m.key, lang);
    match (m.numerator, m.denominator) {
        (Some(n), Some(d)) => {
            let result = match m.value {
                Some(v) => metric_value(m.key, v),
                None => lang.t().not_available.to_string(),
            };
            format!(
                "{} / {} = {} / {} = {}",
                t.numerator,
                t.denominator,
                number(n),
                number(d),
                result
            )
        }
        _ => String::new(),
    }
}

/// One metric as a card, with `data-metric` and `data-value` on the value.
#[component]
pub fn MetricCard(#[prop(into)] metric: Signal<Metric>) -> impl IntoView {
    let app = use_app();
    let key = move || metric.with(|m| m.key);
    view! {
        <div class="card metric" class:na=move || metric.with(|m| m.value.is_none())>
            // The name alone in .metric-name, so a blank name is seen as blank.
            <div class="metric-head">
                <span class="metric-name">{move || metric_text(key(), app.lang.get()).name}</span>
                " "
                <a class="glossary-link" data-testid="glossary-link" href=move || format!("/glossary#{}", key())
                    title=move || app.lang.get().t().glossary_link
                    aria-label=move || app.lang.get().t().glossary_link>"?"</a>
            </div>
            <div
                class="metric-value"
                data-metric=key
                data-value=move || metric.with(|m| m.value.map(|v| v.to_string()).unwrap_or_default())
            >
                {move || {
                    let lang = app.lang.get();
                    metric.with(|m| match m.value {
                        Some(v) => metric_value(m.key, v),
                        None => lang.t().not_available.to_string(),
                    })
                }}
            </div>
            <div class="metric-def">{move || metric_text(key(), app.lang.get()).definition}</div>
            <div class="metric-formula">{move || metric.with(|m| formula_line(m, app.lang.get()))}</div>
            <Show when=move || metric.with(|m| m.value.is_none() && m.unavailable.is_some())>
                <div class="metric-reason">
                    {move || metric.with(|m| m.unavailable.as_deref().map(|r| crate::reason_text::reason_in(r, app.lang.get())).unwrap_or_default())}
                </div>
            </Show>
        </div>
    }
}
