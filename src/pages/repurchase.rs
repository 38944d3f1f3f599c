//! The repurchase calculator (复购率), spec section 2.

use crate::browser::{param, query_params, replace_query};
use crate::components::charts::{BarChart, Heatmap, LineChart};
use crate::components::data_table::{Cell, DataTable};
use crate::components::drill::Drill;
use crate::components::import_panel::ImportPanel;
use crate::components::mode_switch::ModeSwitch;
use crate::components::quality_panel::QualityPanel;
use crate::components::report_bar::ReportBar;
use crate::components::share_link::ShareLink;
use crate::components::sql_panel::SqlPanel;
use crate::engine::{computed, computed_when, Computed};
use crate::export::png_download;
use crate::pages::common::{metric_cards, ok_or_default, svg_download, with_read_warnings};
use crate::state::{lines, use_app, Shared};
use leptos::prelude::*;
use opscalc_core::{
    repurchase_sql, Date, Dialect, Dimension, InputKind, OrderOptions, Period, Repurchase,
    RepurchaseCounts, RepurchaseOptions, Request, Response, SqlFile, DEFAULT_CANCELLED_STATUSES,
    DEFAULT_REFUNDED_STATUSES,
};

/// The page's settings, mirrored in the URL query.
#[derive(Clone, Debug, PartialEq)]
pub struct RepurchaseSettings {
    /// Window start (blank: first date in the data).
    pub from: String,
    /// Window end (blank: last date in the data).
    pub to: String,
    /// Lookback days for returning buyers (blank: all history).
    pub lookback: String,
    /// Merge a buyer's same-day orders.
    pub merge_same_day: bool,
    /// Exclude refunded orders.
    pub exclude_refunded: bool,
    /// Per-period table period.
    pub period: Period,
    /// Breakdown dimension.
    pub by: Option<Dimension>,
    /// Statuses meaning never paid, one per line.
    pub cancelled: String,
    /// Statuses meaning refunded, one per line.
    pub refunded: String,
}

impl Default for RepurchaseSettings {
    fn default() -> Self {
        RepurchaseSettings {
            from: String::new(),
            to: String::new(),
            lookback: String::new(),
            merge_same_day: false,
            exclude_refunded: false,
            period: Period::Month,
            by: Some(Dimension::Category),
            cancelled: DEFAULT_CANCELLED_STATUSES.join("\n"),
            refunded: DEFAULT_REFUNDED_STATUSES.join("\n"),
        }
    }
}

impl RepurchaseSettings {
    /// Settings from URL query parameters (unknown values keep defaults).
    ///
    /// # Example
    /// ```
    /// use opscalc_web::pages::repurchase::RepurchaseSettings;
    /// let s = RepurchaseSettings::from_query(&[("from".into(), "2024-02-01".into()), ("merge".into(), "1".into()), ("by".into(), "none".into())]);
    /// assert_eq!(s.from, "2024-02-01");
    /// assert!(s.merge_same_day);
    /// assert_eq!(s.by, None);
    /// ```
    pub fn from_query(q: &[(String, String)]) -> RepurchaseSettings {
        let d = RepurchaseSettings::default();
        RepurchaseSettings {
            from: param(q, "from").unwrap_or_default().to_string(),
            to: param(q, "to").unwrap_or_default().to_string(),
            lookback: param(q, "lookback").unwrap_or_default().to_string(),
            merge_same_day: param(q, "merge") == Some("1"),
            exclude_refunded: param(q, "refunded") == Some("exclude"),
            period: param(q, "period")
                .and_then(Period::parse)
                .unwrap_or(d.period),
            by: match param(q, "by") {
                Some("none") => None,
                Some(b) => Dimension::parse(b).or(d.by),
                None => d.by,
            },
            ..d
        }
    }

    /// The query parameters of these settings (defaults left out).
    pub fn to_query(&self) -> Vec<(String, String)> {
        let mut q = vec![
            ("from".to_string(), self.from.clone()),
            ("to".to_string(), self.to.clone()),
            ("lookback".to_string(), self.lookback.clone()),
        ];
        if self.merge_same_day {
            q.push(("merge".into(), "1".into()));
        }
        if self.exclude_refunded {
            q.push(("refunded".into(), "exclude".into()));
        }
        if self.period != Period::Month {
            q.push(("period".into(), self.period.key().into()));
        }
        match self.by {
            Some(Dimension::Category) => {}
            Some(b) => q.push(("by".into(), b.key().into())),
            None => q.push(("by".into(), "none".into())),
        }
        q
    }

    /// Core options; a bad date or number is an error naming the field.
    pub fn options(&self) -> Result<(OrderOptions, RepurchaseOptions), String> {
        let date = |s: &str, what: &str| -> Result<Option<Date>, String> {
            if s.trim().is_empty() {
                Ok(None)
            } else {
                Date::parse(s)
                    .map(Some)
                    .ok_or_else(|| format!("{what}: not a date: \"{s}\""))
            }
        };
        let lookback =
            if self.lookback.trim().is_empty() {
                None
            } else {
                Some(self.lookback.trim().parse::<u32>().map_err(|_| {
                    format!("lookback days: not a whole number: \"{}\"", self.lookback)
                })?)
            };
        Ok((
            OrderOptions {
                exclude_refunded: self.exclude_refunded,
                cancelled_statuses: lines(&self.cancelled),
                refunded_statuses: lines(&self.refunded),
                date_order: None,
            },
            RepurchaseOptions {
                from: date(&self.from, "from")?,
                to: date(&self.to, "to")?,
                lookback_days: lookback,
                merge_same_day: self.merge_same_day,
                period: self.period,
                by: self.by,
            },
        ))
    }
}

/// The keys of the headline cards, in order.
const KEYS: &[&str] = &[
    "buyers",
    "repeat_buyers",
    "user_repurchase_rate",
    "orders",
    "repeat_orders",
    "order_repurchase_rate",
    "returning_buyers",
    "buyback_rate",
];

/// The repurchase page.
#[component]
pub fn RepurchasePage() -> impl IntoView {
    let app = use_app();
    let t = move || app.lang.get().t();
    let settings = RwSignal::new(RepurchaseSettings::from_query(&query_params()));
    let manual = RwSignal::new(crate::share::opened_from_link("repurchase"));
    Effect::new(move |_| replace_query(&settings.with(RepurchaseSettings::to_query)));

    // The orders are built and the views computed in the engine worker;
    // the page sends the table's id, mapping and settings.
    let request = Memo::new(move |_| {
        let (order_opts, opts) = settings.with(RepurchaseSettings::options)?;
        Ok(app.orders.with(|d| Request::Repurchase {
            orders: d.table_ref(),
            order_options: OrderOptions {
                date_order: d.date_order,
                ..order_opts
            },
            options: opts,
        }))
    });
    let Computed { result, busy } = computed(request, |r| match r {
        Response::Repurchase(r) => Some(r),
        _ => None,
    });
    let ok = move || result.with(|r| r.is_ok());
    let failed = move || result.with(|r| matches!(r, Err(e) if !e.is_empty()));
    let metrics = Signal::derive(move || {
        result.with(|r| {
            r.as_ref()
                .map(|r| r.report.metrics.clone())
                .unwrap_or_default()
        })
    });
    // A memo: the panel reads it several times and a ledger of a
    // million rows' exclusions is costly to copy.
    let ledger = Memo::new(move |_| {
        result.with(|r| r.as_ref().map(|r| r.ledger.clone()).unwrap_or_default())
    });
    let warnings = Signal::derive(move || {
        with_read_warnings(
            &[app.orders],
            result.with(|r| {
                r.as_ref()
                    .map(|r| r.report.warnings.clone())
                    .unwrap_or_default()
            }),
        )
    });

    let sql = Callback::new(move |dialect: Dialect| {
        let (order_opts, opts) = settings.with(RepurchaseSettings::options)?;
        app.orders.with(|d| {
            let f = SqlFile {
                path: d.name(),
                headers: d.preview.table.headers(),
                mapping: &d.mapping,
            };
            repurchase_sql(dialect, &f, &order_opts, &opts)
        })
    });

    // Window defaults shown in the date inputs.
    let window = move || {
        result.with(|r| {
            r.as_ref()
                .map(|r| (r.from.to_string(), r.to.to_string()))
                .unwrap_or_default()
        })
    };

    view! {
        <section class="calculator repurchase">
            <h1>{move || t().nav_repurchase}</h1>
            <ModeSwitch manual=manual />
            <Show when=move || !manual.get() fallback=move || view! { <ManualRepurchase /> }>
                <ImportPanel kind=InputKind::Orders />
                <section class="panel settings">
                    <h3>{move || t().settings}</h3>
                    <div class="settings-grid">
                        <label>{move || t().window_from}
                            <input type="date" data-testid="from" prop:value=move || { let s = settings.with(|s| s.from.clone()); if s.is_empty() { window().0 } else { s } }
                                on:change=move |ev| settings.update(|s| s.from = event_target_value(&ev)) />
                        </label>
                        <label>{move || t().window_to}
                            <input type="date" data-testid="to" prop:value=move || { let s = settings.with(|s| s.to.clone()); if s.is_empty() { window().1 } else { s } }
                                on:change=move |ev| settings.update(|s| s.to = event_target_value(&ev)) />
                        </label>
                        <label>{move || t().lookback_days}
                            <input type="number" min="1" data-testid="lookback" prop:value=move || settings.with(|s| s.lookback.clone())
                                on:change=move |ev| settings.update(|s| s.lookback = event_target_value(&ev)) />
                        </label>
                        <label>{move || t().period}
                            <select data-testid="period" on:change=move |ev| settings.update(|s| s.period = Period::parse(&event_target_value(&ev)).unwrap_or(Period::Month))>
                                <option value="month" selected=move || settings.with(|s| s.period == Period::Month)>{move || t().month}</option>
                                <option value="week" selected=move || settings.with(|s| s.period == Period::Week)>{move || t().week}</option>
                                <option value="day" selected=move || settings.with(|s| s.period == Period::Day)>{move || t().day}</option>
                            </select>
                        </label>
                        <label>{move || t().by}
                            <select data-testid="by" on:change=move |ev| settings.update(|s| s.by = Dimension::parse(&event_target_value(&ev)))>
                                <option value="none" selected=move || settings.with(|s| s.by.is_none())>{move || t().none}</option>
                                <option value="category" selected=move || settings.with(|s| s.by == Some(Dimension::Category))>{move || t().category}</option>
                                <option value="product" selected=move || settings.with(|s| s.by == Some(Dimension::Product))>{move || t().product}</option>
                                <option value="sku" selected=move || settings.with(|s| s.by == Some(Dimension::Sku))>{move || t().sku}</option>
                                <option value="channel" selected=move || settings.with(|s| s.by == Some(Dimension::Channel))>{move || t().channel}</option>
                            </select>
                        </label>
                        <label class="check">
                            <input type="checkbox" data-testid="merge" prop:checked=move || settings.with(|s| s.merge_same_day)
                                on:change=move |ev| settings.update(|s| s.merge_same_day = event_target_checked(&ev)) />
                            {move || t().merge_same_day}
                        </label>
                        <label class="check">
                            <input type="checkbox" data-testid="exclude-refunded" prop:checked=move || settings.with(|s| s.exclude_refunded)
                                on:change=move |ev| settings.update(|s| s.exclude_refunded = event_target_checked(&ev)) />
                            {move || t().exclude_refunded}
                        </label>
                    </div>
                    <details class="status-lists">
                        <summary>{move || t().cancelled_statuses}" / "{move || t().refunded_statuses}</summary>
                        <div class="settings-grid">
                            <label>{move || t().cancelled_statuses}" ("{move || t().one_per_line}")"
                                <textarea rows="8" prop:value=move || settings.with(|s| s.cancelled.clone())
                                    on:change=move |ev| settings.update(|s| s.cancelled = event_target_value(&ev))></textarea>
                            </label>
                            <label>{move || t().refunded_statuses}" ("{move || t().one_per_line}")"
                                <textarea rows="8" prop:value=move || settings.with(|s| s.refunded.clone())
                                    on:change=move |ev| settings.update(|s| s.refunded = event_target_value(&ev))></textarea>
                            </label>
                        </div>
                    </details>
                </section>
                <Show when=failed>
                    <div class="error" role="alert" data-testid="calc-error">{move || result.with(|r| crate::error_text::error_in(r.as_ref().err().map_or("", |e| e.as_str()), app.lang.get()))}</div>
                </Show>
                <div class="cards" class:busy=busy aria-busy=move || busy.get().to_string()>
                    {metric_cards(KEYS, metrics)}
                </div>
                <ReportBar title=Signal::derive(move || t().nav_repurchase.to_string()) metrics=metrics datasets=vec![app.orders] stem="repurchase" />
                <Show when=ok>
                    <RepurchaseViews result=result request=request />
                </Show>
                <QualityPanel ledger=ledger warnings=warnings source=(request, 0) />
                <SqlPanel sql=sql />
            </Show>
        </section>
    }
}

type ResultMemo = Memo<Result<Shared<Repurchase>, String>>;

/// Drill-down, per-period, breakdown, cohort and interval views.
#[component]
fn RepurchaseViews(
    result: ResultMemo,
    /// The request behind `result`.
    request: Memo<Result<Request, String>>,
) -> impl IntoView {
    let app = use_app();
    let t = move || app.lang.get().t();
    let na = move || t().not_available;

    // Drill-down of the buyers behind the cards, asked of the engine only
    // while open (at a million orders they are most of an answer's bytes).
    let drill_open = RwSignal::new(false);
    let buyers_request = move || match request.get()? {
        Request::Repurchase {
            orders,
            order_options,
            options,
        } => Ok(Request::RepurchaseBuyers {
            orders,
            order_options,
            options,
        }),
        _ => Err(String::new()),
    };
    let buyers = computed_when(
        move || drill_open.get(),
        buyers_request,
        |r| match r {
            Response::RepurchaseBuyers(b) => Some(b),
            _ => None,
        },
    );
    let who = RwSignal::new("all".to_string());
    let buyer_rows = Signal::derive(move || {
        let filter = who.get();
        let t = t();
        buyers.result.with(|r| {
            let Ok(r) = r else { return Vec::new() };
            r.iter()
                .filter(|b| match filter.as_str() {
                    "repeat" => b.orders >= 2,
                    "returning" => b.returning,
                    _ => true,
                })
                .map(|b| {
                    vec![
                        Cell::text(b.buyer.clone()),
                        Cell::count(b.orders as f64),
                        Cell::text(if b.returning { t.yes } else { t.no }),
                        Cell::text(b.first.to_string()),
                        Cell::text(b.last.to_string()),
                        Cell::num(b.amount, format!("{:.2}", b.amount)),
                    ]
                })
                .collect::<Vec<_>>()
        })
    });
    let buyer_headers = Signal::derive(move || {
        let t = t();
        [
            t.buyer,
            t.orders_col,
            t.returning,
            t.first_order,
            t.last_order,
            t.amount,
        ]
        .map(String::from)
        .to_vec()
    });

    let count_row = move |label: String, c: &RepurchaseCounts| {
        let m = c.metrics();
        vec![
            Cell::text(label),
            Cell::count(c.buyers as f64),
            Cell::count(c.repeat_buyers as f64),
            Cell::rate(m[2].value, na()),
            Cell::count(c.orders as f64),
            Cell::count(c.repeat_orders() as f64),
            Cell::rate(m[5].value, na()),
            Cell::count(c.returning_buyers as f64),
            Cell::rate(m[7].value, na()),
        ]
    };
    let count_headers = move |first: &str| {
        let lang = app.lang.get();
        let mut h = vec![first.to_string()];
        for &k in KEYS {
            h.push(crate::metric_text::metric_text(k, lang).name.to_string());
        }
        h
    };
    let period_rows = ok_or_default(result, move |r| {
        r.periods
            .iter()
            .map(|p| count_row(p.label.clone(), &p.counts))
            .collect()
    });
    let period_headers = Signal::derive(move || count_headers(t().period));
    let period_points = ok_or_default(result, move |r| {
        r.periods
            .iter()
            .map(|p| (p.label.clone(), p.counts.metrics()[2].value))
            .collect()
    });
    let breakdown_rows = ok_or_default(result, move |r| {
        r.breakdown
            .iter()
            .map(|p| count_row(p.label.clone(), &p.counts))
            .collect()
    });
    let breakdown_headers = Signal::derive(move || count_headers(t().by));
    let breakdown_bars = ok_or_default(result, move |r| {
        r.breakdown
            .iter()
            .take(20)
            .filter_map(|p| Some((p.label.clone(), p.counts.metrics()[2].value?)))
            .collect()
    });
    let has_breakdown =
        move || result.with(|r| r.as_ref().map(|r| !r.breakdown.is_empty()).unwrap_or(false));
    let cohort_rows = ok_or_default(result, move |r| {
        r.cohorts
            .rows
            .iter()
            .map(|c| {
                (
                    c.month.clone(),
                    c.size,
                    c.active.iter().map(|a| *a as f64 / c.size as f64).collect(),
                )
            })
            .collect()
    });
    let histogram = ok_or_default(result, move |r| {
        r.intervals
            .histogram
            .iter()
            .map(|(l, n)| (l.to_string(), *n as f64))
            .collect()
    });
    let interval_text = move || {
        let t = t();
        result.with(|r| {
            let Ok(r) = r else { return String::new() };
            let i = &r.intervals;
            match (i.median, i.q1, i.q3) {
                (Some(m), Some(a), Some(b)) => format!(
                    "{}: {m:.1} {} · {}: {a:.1} – {b:.1} {} · {}: {}",
                    t.median, t.days, t.quartiles, t.days, t.intervals, i.count
                ),
                _ => t.not_available.to_string(),
            }
        })
    };

    view! {
        <Drill summary=Signal::derive(move || t().show_rows.to_string()) summary_test_id="show-rows" open=drill_open>
            <div class="segmented">
                <label><input type="radio" name="who" checked=true on:change=move |_| who.set("all".into()) />{move || crate::metric_text::metric_text("buyers", app.lang.get()).name}</label>
                <label><input type="radio" name="who" on:change=move |_| who.set("repeat".into()) data-testid="drill-repeat" />{move || crate::metric_text::metric_text("repeat_buyers", app.lang.get()).name}</label>
                <label><input type="radio" name="who" on:change=move |_| who.set("returning".into()) />{move || crate::metric_text::metric_text("returning_buyers", app.lang.get()).name}</label>
            </div>
            <div aria-busy=move || buyers.busy.get().to_string()>
                <DataTable headers=buyer_headers rows=buyer_rows filename="buyers.csv" test_id="buyers-table" />
            </div>
        </Drill>
        <section class="panel">
            <h3>{move || t().per_period}</h3>
            <LineChart id="chart-periods" title=Signal::derive(move || crate::metric_text::metric_text("user_repurchase_rate", app.lang.get()).name.to_string()) points=period_points percent=true />
            <button class="secondary" on:click=svg_download("chart-periods")>{move || t().download_svg}</button>
                    <button class="secondary" on:click=png_download("chart-periods")>{move || app.lang.get().k().download_png}</button>
            <DataTable headers=period_headers rows=period_rows filename="repurchase-periods.csv" searchable=false test_id="periods-table" />
        </section>
        <Show when=has_breakdown>
            <section class="panel">
                <h3>{move || t().breakdown}</h3>
                <BarChart id="chart-breakdown" title=Signal::derive(move || crate::metric_text::metric_text("user_repurchase_rate", app.lang.get()).name.to_string()) bars=breakdown_bars percent=true />
                <button class="secondary" on:click=svg_download("chart-breakdown")>{move || t().download_svg}</button>
                    <button class="secondary" on:click=png_download("chart-breakdown")>{move || app.lang.get().k().download_png}</button>
                <DataTable headers=breakdown_headers rows=breakdown_rows filename="repurchase-breakdown.csv" test_id="breakdown-table" />
            </section>
        </Show>
        <section class="panel">
            <h3>{move || t().cohorts}</h3>
            <Heatmap row_header=Signal::derive(move || t().cohort.to_string()) size_header=Signal::derive(move || t().cohort_size.to_string()) rows=cohort_rows />
        </section>
        <section class="panel">
            <h3>{move || t().repeat_interval}</h3>
            <p class="interval-summary" data-testid="interval-summary">{interval_text}</p>
            <BarChart id="chart-intervals" title=Signal::derive(move || t().repeat_interval.to_string()) bars=histogram unit=Signal::derive(move || t().intervals.to_string()) />
            <button class="secondary" on:click=svg_download("chart-intervals")>{move || t().download_svg}</button>
                    <button class="secondary" on:click=png_download("chart-intervals")>{move || app.lang.get().k().download_png}</button>
        </section>
    }
}

/// Manual mode: a learner types the counts and sees the working.
#[component]
fn ManualRepurchase() -> impl IntoView {
    let app = use_app();
    let t = move || app.lang.get().t();
    let buyers = RwSignal::new("883".to_string());
    let repeat = RwSignal::new("240".to_string());
    let orders = RwSignal::new("1210".to_string());
    let returning = RwSignal::new("310".to_string());
    let counts = Memo::new(move |_| {
        let p = |s: RwSignal<String>| s.get().trim().parse::<u64>().ok();
        let (b, r, o, ret) = (p(buyers)?, p(repeat)?, p(orders)?, p(returning)?);
        // Each repeat buyer has at least two orders.
        (r <= b && ret <= b && b.checked_add(r).is_some_and(|min| o >= min)).then_some(
            RepurchaseCounts {
                buyers: b,
                repeat_buyers: r,
                orders: o,
                returning_buyers: ret,
                has_history: true,
            },
        )
    });
    let metrics = Signal::derive(move || counts.get().map(|c| c.metrics()).unwrap_or_default());
    let field = move |label: &'static str, sig: RwSignal<String>| {
        view! {
            <label>{move || crate::metric_text::metric_text(label, app.lang.get()).name}
                <input type="number" min="0" data-testid=format!("manual-{label}") prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev)) />
            </label>
        }
    };
    view! {
        <section class="panel manual">
            <p class="hint">{move || t().manual_hint}</p>
            <div class="settings-grid">
                {field("buyers", buyers)}
                {field("repeat_buyers", repeat)}
                {field("orders", orders)}
                {field("returning_buyers", returning)}
            </div>
            <Show when=move || counts.get().is_none()>
                <div class="error" role="alert">{move || t().invalid_manual}</div>
            </Show>
            <ShareLink page="repurchase" fields=vec![("buyers", buyers), ("repeat_buyers", repeat), ("orders", orders), ("returning_buyers", returning)] />
        </section>
        <Show when=move || counts.get().is_some()>
            <div class="cards">{metric_cards(KEYS, metrics)}</div>
        </Show>
    }
}
