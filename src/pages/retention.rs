//! Retention (留存) on the lifecycle page: the cohort heatmap and the
//! drill-down to the users behind day-1/7/30 retention and each cohort cell.

use crate::components::charts::Heatmap;
use crate::components::data_table::{Cell, DataTable};
use crate::engine::computed_when;
use crate::format::number;
use crate::i18n::Lang;
use crate::metric_text::metric_text;
use crate::state::use_app;
use leptos::prelude::*;
use opscalc_core::{ActivityFrom, Period, Request, Response, RetentionFigure, RETENTION_DAYS};

/// What the drill-down shows, in the user's language, e.g. `次日留存` or
/// `2024-01 +1`.
///
/// # Example
/// ```
/// use opscalc_core::RetentionFigure;
/// use opscalc_web::{i18n::Lang, pages::retention::figure_name};
/// assert_eq!(figure_name(&RetentionFigure::Day(7), Lang::En), "Day-7 retention");
/// let cell = RetentionFigure::Cohort { cohort: "2024-01".into(), k: 1 };
/// assert_eq!(figure_name(&cell, Lang::Zh), "首次活跃 2024-01，+1 期");
/// ```
pub fn figure_name(f: &RetentionFigure, lang: Lang) -> String {
    match f {
        RetentionFigure::Day(k) => {
            let key = RETENTION_DAYS.iter().find(|d| d.0 == *k).map(|d| d.1);
            match key {
                Some(key) => metric_text(key, lang).name.to_string(),
                None => format!("day {k}"),
            }
        }
        RetentionFigure::Cohort { cohort, k } => match lang {
            Lang::Zh => format!("首次活跃 {cohort}，+{k} 期"),
            Lang::ZhTw => format!("首次活躍 {cohort}，+{k} 期"),
            Lang::En => format!("first active {cohort}, +{k}"),
        },
    }
}

/// The retention heatmap and its drill-down. Rows are computed only while
/// the drill-down is open: at millions of rows the list is large.
#[component]
pub fn RetentionPanel(
    /// Where the activity the figures come from is.
    activity: Signal<ActivityFrom>,
    /// The cohorts' period.
    #[prop(into)]
    period: Signal<Period>,
    /// Heatmap rows: (cohort label, size, shares by offset).
    #[prop(into)]
    cohorts: Signal<Vec<(String, u64, Vec<f64>)>>,
) -> impl IntoView {
    let app = use_app();
    let lang = move || app.lang.get();
    let zh = move || lang() == Lang::Zh;
    let figure = RwSignal::new(RetentionFigure::Day(1));
    let retained_only = RwSignal::new(false);
    let open = RwSignal::new(false);

    let listed = computed_when(
        move || open.get(),
        move || {
            Ok(Request::RetentionUsers {
                activity: activity.get(),
                period: period.get(),
                figure: figure.get(),
            })
        },
        |r| match r {
            Response::RetentionUsers(u) => Some(u),
            _ => None,
        },
    );
    let users = Memo::new(move |_| listed.result.get().ok());
    let counts = move || {
        users.with(|u| {
            u.as_ref().map(|u| {
                let n = u.iter().filter(|x| x.returned).count();
                (n, u.len())
            })
        })
    };
    let rows = Signal::derive(move || {
        let t = lang().t();
        let only = retained_only.get();
        users.with(|u| {
            u.iter()
                .flat_map(|u| u.iter())
                .filter(|u| !only || u.returned)
                .map(|u| {
                    vec![
                        Cell::text(u.user.clone()),
                        Cell::text(u.first_seen.to_string()),
                        Cell::text(u.target.clone()),
                        Cell::text(if u.returned { t.yes } else { t.no }),
                    ]
                })
                .collect()
        })
    });
    let headers = Signal::derive(move || {
        let h: [&str; 4] = if lang() == Lang::ZhTw {
            ["使用者", "首次活躍", "須活躍的日期／週期", "已留存"]
        } else if zh() {
            ["用户", "首次活跃", "需活跃的日期/周期", "已留存"]
        } else {
            ["User", "First seen", "Must be active on", "Retained"]
        };
        h.map(String::from).to_vec()
    });
    let pick = Callback::new(move |(cohort, k): (String, usize)| {
        figure.set(RetentionFigure::Cohort { cohort, k });
        open.set(true);
    });
    let is_cohort = move || figure.with(|f| matches!(f, RetentionFigure::Cohort { .. }));

    view! {
        <section class="panel">
            <h3>{move || lang().pick("留存（按首次活跃周期）", "留存（依首次活躍週期）", "Retention (by period of first activity)")}</h3>
            <p class="hint">{move || lang().pick("点击单元格查看其中的用户。", "點選儲存格查看其中的使用者。", "Click a cell to see its users.")}</p>
            <Heatmap
                row_header=Signal::derive(move || lang().pick("首次活跃".to_string(), "首次活躍".to_string(), "First active".to_string()))
                size_header=Signal::derive(move || lang().pick("人数".to_string(), "人數".to_string(), "Users".to_string()))
                rows=cohorts
                metric="retention_cohort"
                on_pick=pick
            />
        </section>
        <details
            class="panel drill"
            data-testid="retention-drill"
            prop:open=move || open.get()
            on:toggle=move |ev| open.set(event_target::<web_sys::Element>(&ev).has_attribute("open"))
        >
            <summary data-testid="retention-show-rows">
                {move || format!("{}: {}", lang().t().show_rows, lang().pick("留存用户", "留存使用者", "retention users"))}
            </summary>
            <div class="segmented">
                {RETENTION_DAYS.iter().map(|&(k, key)| view! {
                    <label>
                        <input type="radio" name="retention-figure" data-testid=format!("drill-{key}")
                            prop:checked=move || figure.with(|f| *f == RetentionFigure::Day(k))
                            on:change=move |_| figure.set(RetentionFigure::Day(k)) />
                        {move || metric_text(key, lang()).name}
                    </label>
                }).collect_view()}
                <Show when=is_cohort>
                    <label>
                        <input type="radio" name="retention-figure" prop:checked=true />
                        {move || figure.with(|f| figure_name(f, lang()))}
                    </label>
                </Show>
            </div>
            <div class="segmented">
                <label><input type="radio" name="retention-who" data-testid="drill-judged" prop:checked=move || !retained_only.get() on:change=move |_| retained_only.set(false) />
                    {move || lang().pick("分母：可判断的用户", "分母：可判斷的使用者", "Denominator: users who can be judged")}</label>
                <label><input type="radio" name="retention-who" data-testid="drill-retained" prop:checked=move || retained_only.get() on:change=move |_| retained_only.set(true) />
                    {move || lang().pick("分子：已留存", "分子：已留存", "Numerator: retained")}</label>
            </div>
            <p class="metric-formula" data-testid="retention-drill-summary" aria-busy=move || listed.busy.get().to_string()>
                {move || counts().map(|(n, d)| {
                    let name = figure.with(|f| figure_name(f, lang()));
                    let (a, b) = lang().pick(("已留存", "可判断的用户"), ("已留存", "可判斷的使用者"), ("retained", "users who can be judged"));
                    format!("{name}: {a} / {b} = {} / {}", number(n as f64), number(d as f64))
                })}
            </p>
            <DataTable headers=headers rows=rows filename="retention-users.csv" test_id="retention-users" />
        </details>
    }
}
