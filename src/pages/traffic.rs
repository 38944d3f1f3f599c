//! Traffic quality (跳失率, 访问深度, 转化率, 客单价, ROI), spec section 5.

use crate::browser::{load, param, query_params, replace_query, save};
use crate::components::charts::BarChart;
use crate::components::data_table::{Cell, DataTable};
use crate::components::import_panel::ImportPanel;
use crate::components::mode_switch::ModeSwitch;
use crate::components::quality_panel::QualityPanel;
use crate::components::report_bar::ReportBar;
use crate::components::share_link::ShareLink;
use crate::components::sql_panel::SqlPanel;
use crate::engine::{computed, Computed};
use crate::export::png_download;
use crate::format::{metric_value, number};
use crate::metric_text::metric_text;
use crate::pages::common::{metric_cards, opt_date, svg_download, whole, with_read_warnings};
use crate::state::use_app;
use leptos::prelude::*;
use opscalc_core::{
    decompose_revenue, diagnose, evaluate_benchmarks, pageviews_sql, parse_number, split_periods,
    traffic_table_sql, Bands, BenchmarkResult, Diagnosis, Dialect, InputKind, Mapping,
    OrderOptions, Request, Response, Role, SqlFile, TrafficCounts, TrafficOptions,
};

/// The page's settings, mirrored in the URL query.
#[derive(Clone, Debug, PartialEq)]
pub struct TrafficSettings {
    /// Inactivity gap that splits visits in a page-view log.
    pub gap_minutes: String,
    /// Flagship AOV (blank: not compared).
    pub flagship_aov: String,
    /// Comparison periods A and B (blank: halves of the data).
    pub a_from: String,
    /// End of period A.
    pub a_to: String,
    /// Start of period B.
    pub b_from: String,
    /// End of period B.
    pub b_to: String,
}

impl TrafficSettings {
    /// Settings from the URL query.
    ///
    /// # Example
    /// ```
    /// use opscalc_web::pages::traffic::TrafficSettings;
    /// let s = TrafficSettings::from_query(&[("gap".into(), "15".into())]);
    /// assert_eq!(s.gap_minutes, "15");
    /// ```
    pub fn from_query(q: &[(String, String)]) -> TrafficSettings {
        let g = |k: &str, d: &str| param(q, k).unwrap_or(d).to_string();
        TrafficSettings {
            gap_minutes: g("gap", "30"),
            flagship_aov: g("flagship", ""),
            a_from: g("a_from", ""),
            a_to: g("a_to", ""),
            b_from: g("b_from", ""),
            b_to: g("b_to", ""),
        }
    }

    /// The query of these settings.
    pub fn to_query(&self) -> Vec<(String, String)> {
        vec![
            (
                "gap".into(),
                if self.gap_minutes == "30" {
                    String::new()
                } else {
                    self.gap_minutes.clone()
                },
            ),
            ("flagship".into(), self.flagship_aov.clone()),
            ("a_from".into(), self.a_from.clone()),
            ("a_to".into(), self.a_to.clone()),
            ("b_from".into(), self.b_from.clone()),
            ("b_to".into(), self.b_to.clone()),
        ]
    }
}

/// A page-view log rather than a table of counts: no count columns, but a
/// visitor and a time.
///
/// # Example
/// ```
/// use opscalc_web::pages::traffic::log_mapping;
/// let h: Vec<String> = ["访客ID", "访问时间", "页面"].iter().map(|s| s.to_string()).collect();
/// assert!(log_mapping(&h, &opscalc_core::Mapping::default()).is_some());
/// ```
pub fn log_mapping(headers: &[String], table_mapping: &Mapping) -> Option<Mapping> {
    let counts = [
        Role::Pv,
        Role::Uv,
        Role::Visits,
        Role::Buyers,
        Role::Revenue,
    ];
    if counts.iter().any(|r| table_mapping.get(*r).is_some()) {
        return None;
    }
    let m = Mapping::detect(InputKind::PageViews, headers);
    (m.get(Role::VisitorId).is_some() && m.get(Role::Time).is_some()).then_some(m)
}

const KEYS: &[&str] = &[
    "pv",
    "uv",
    "visits",
    "bounced_visits",
    "visit_depth",
    "pv_per_uv",
    "bounce_rate",
    "buyers",
    "conversion_rate",
    "revenue",
    "aov",
    "impressions",
    "clicks",
    "spend",
    "ctr",
    "cpc",
    "roi",
    "store_aov_ratio",
];

fn band_view(b: &BenchmarkResult, lang: crate::i18n::Lang) -> impl IntoView {
    let name = metric_text(b.key, lang).name;
    let label = match (b.band.key(), lang) {
        ("fail", crate::i18n::Lang::Zh) => "未及格",
        ("pass", crate::i18n::Lang::Zh) => "及格",
        ("good", crate::i18n::Lang::Zh) => "良好",
        ("excellent", crate::i18n::Lang::Zh) => "优秀",
        ("fail", crate::i18n::Lang::ZhTw) => "未及格",
        ("pass", crate::i18n::Lang::ZhTw) => "及格",
        ("good", crate::i18n::Lang::ZhTw) => "良好",
        ("excellent", crate::i18n::Lang::ZhTw) => "優秀",
        (k, _) => k,
    };
    let reason = match lang {
        crate::i18n::Lang::Zh => b.reason_zh.clone(),
        crate::i18n::Lang::En => b.reason_en.clone(),
        crate::i18n::Lang::ZhTw => crate::learn_tw::benchmark_reason_tw(b),
    };
    view! {
        <li data-benchmark=b.key data-band=b.band.key()>
            <strong>{name}</strong>" "{metric_value(b.key, b.value)}" "
            <span class=format!("band {}", b.band.key())>{label}</span>
            <div class="hint">{reason}</div>
        </li>
    }
}

fn diagnosis_view(d: &Diagnosis, lang: crate::i18n::Lang) -> impl IntoView {
    let text = match lang {
        crate::i18n::Lang::Zh => d.zh.clone(),
        crate::i18n::Lang::En => d.en.clone(),
        crate::i18n::Lang::ZhTw => crate::learn_tw::diagnosis_tw(d),
    };
    view! { <li data-diagnosis=d.key>{text}</li> }
}

/// The editable benchmark bands, remembered in the browser.
fn bands_editor(
    bands: RwSignal<Bands>,
    lang: impl Fn() -> crate::i18n::Lang + Copy + Send + Sync + 'static,
) -> impl IntoView {
    type Field = (
        &'static str,
        &'static str,
        &'static str,
        fn(&mut Bands) -> &mut f64,
        bool,
    );
    let fields: [Field; 8] = [
        (
            "跳失率 及格 <",
            "跳出率 及格 <",
            "bounce pass <",
            |b| &mut b.bounce_pass,
            true,
        ),
        (
            "跳失率 良好 <",
            "跳出率 良好 <",
            "bounce good <",
            |b| &mut b.bounce_good,
            true,
        ),
        (
            "跳失率 优秀 <",
            "跳出率 優秀 <",
            "bounce excellent <",
            |b| &mut b.bounce_excellent,
            true,
        ),
        (
            "访问深度 及格 ≥",
            "瀏覽深度 及格 ≥",
            "depth pass ≥",
            |b| &mut b.depth_pass,
            false,
        ),
        (
            "访问深度 良好 >",
            "瀏覽深度 良好 >",
            "depth good >",
            |b| &mut b.depth_good,
            false,
        ),
        (
            "访问深度 优秀 >",
            "瀏覽深度 優秀 >",
            "depth excellent >",
            |b| &mut b.depth_excellent,
            false,
        ),
        (
            "客单价比 及格 ≥",
            "客單價比 及格 ≥",
            "AOV ratio pass ≥",
            |b| &mut b.aov_ratio_pass,
            false,
        ),
        (
            "客单价比 良好 ≥",
            "客單價比 良好 ≥",
            "AOV ratio good ≥",
            |b| &mut b.aov_ratio_good,
            false,
        ),
    ];
    view! {
        <div class="settings-grid">
            {fields.into_iter().map(|(z, tw, e, get, pct)| view! {
                <label>{move || lang().pick(z, tw, e)}{if pct { " (%)" } else { "" }}
                    <input type="number" step="0.1"
                        prop:value=move || { let mut b = bands.get(); let v = *get(&mut b); if pct { format!("{:.1}", v * 100.0) } else { format!("{v}") } }
                        on:change=move |ev| {
                            if let Some(v) = parse_number(&event_target_value(&ev)) {
                                bands.update(|b| *get(b) = if pct { v / 100.0 } else { v });
                                save("opscalc.bands", &bands.get_untracked());
                            }
                        } />
                </label>
            }).collect_view()}
            <button class="secondary" on:click=move |_| { bands.set(Bands::default()); save("opscalc.bands", &Bands::default()); }>
                {move || lang().pick("恢复默认基准", "恢復預設基準", "Reset to the source's bands")}
            </button>
        </div>
    }
}

/// The traffic-quality page.
#[component]
pub fn TrafficPage() -> impl IntoView {
    let app = use_app();
    let lang = move || app.lang.get();
    let t = move || lang().t();
    let settings = RwSignal::new(TrafficSettings::from_query(&query_params()));
    let bands = RwSignal::new(load::<Bands>("opscalc.bands").unwrap_or_default());
    let manual = RwSignal::new(crate::share::opened_from_link("traffic"));
    Effect::new(move |_| replace_query(&settings.with(TrafficSettings::to_query)));

    let options = move || -> Result<TrafficOptions, String> {
        let s = settings.get();
        let flagship = if s.flagship_aov.trim().is_empty() {
            None
        } else {
            Some(
                parse_number(&s.flagship_aov)
                    .ok_or_else(|| format!("flagship AOV: not a number: \"{}\"", s.flagship_aov))?,
            )
        };
        Ok(TrafficOptions {
            session_gap_minutes: whole(&s.gap_minutes, "session gap minutes")?,
            flagship_aov: flagship,
            bands: bands.get(),
        })
    };
    // Computed in the engine worker: a page-view log of millions of rows
    // never blocks the page.
    let request = Memo::new(move |_| {
        let options = options()?;
        Ok(app.traffic.with(|d| Request::Traffic {
            traffic: d.table_ref(),
            log: log_mapping(d.preview.table.headers(), &d.mapping),
            date_order: d.date_order,
            options,
        }))
    });
    let Computed { result, busy } = computed(request, |r| match r {
        Response::Traffic(t) => Some(t),
        _ => None,
    });
    let sql = Callback::new(move |dialect: Dialect| {
        let opts = options()?;
        app.traffic.with(|d| {
            let headers = d.preview.table.headers();
            let log = log_mapping(headers, &d.mapping);
            let f = SqlFile {
                path: d.name(),
                headers,
                mapping: log.as_ref().unwrap_or(&d.mapping),
            };
            match log {
                Some(_) => pageviews_sql(dialect, &f, &opts),
                None => traffic_table_sql(dialect, &f, &opts),
            }
        })
    });
    let metrics = Signal::derive(move || {
        result.with(|r| {
            r.as_ref()
                .map(|r| r.report.metrics.clone())
                .unwrap_or_default()
        })
    });
    let use_best_seller = move |_| {
        let request = app.orders.with(|d| Request::FlagshipAov {
            orders: d.table_ref(),
            order_options: OrderOptions {
                date_order: d.date_order,
                ..OrderOptions::default()
            },
        });
        crate::engine::call(request, move |r| {
            if let Ok(Response::FlagshipAov(Some((_, aov)))) = r {
                settings.update(|s| s.flagship_aov = format!("{aov:.2}"));
            }
        });
    };

    let channel_rows = Signal::derive(move || {
        let na = t().not_available;
        result.with(|r| {
            r.as_ref()
                .map(|r| {
                    r.channels
                        .iter()
                        .map(|c| {
                            let m = c.counts.metrics(None);
                            let v = |k: &str| m.iter().find(|x| x.key == k).and_then(|x| x.value);
                            vec![
                                Cell::text(c.channel.clone()),
                                Cell::count(c.counts.uv.unwrap_or(0.0)),
                                Cell::rate(c.uv_share, na),
                                Cell::rate(v("bounce_rate"), na),
                                v("visit_depth")
                                    .map(|d| Cell::num(d, format!("{d:.2}")))
                                    .unwrap_or(Cell::text(na)),
                                Cell::rate(v("conversion_rate"), na),
                                v("aov")
                                    .map(|a| Cell::num(a, format!("{a:.2}")))
                                    .unwrap_or(Cell::text(na)),
                                v("roi")
                                    .map(|a| Cell::num(a, format!("{a:.2}")))
                                    .unwrap_or(Cell::text(na)),
                            ]
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
    });
    let channel_headers = Signal::derive(move || {
        let l = lang();
        let mut h = vec![
            t().channel.to_string(),
            metric_text("uv", l).name.to_string(),
            lang().pick("访客占比", "訪客占比", "UV share").into(),
        ];
        for k in [
            "bounce_rate",
            "visit_depth",
            "conversion_rate",
            "aov",
            "roi",
        ] {
            h.push(metric_text(k, l).name.to_string());
        }
        h
    });
    let channel_bars = Signal::derive(move || {
        result.with(|r| {
            r.as_ref()
                .map(|r| {
                    r.channels
                        .iter()
                        .map(|c| (c.channel.clone(), c.uv_share.unwrap_or(0.0)))
                        .collect()
                })
                .unwrap_or_default()
        })
    });
    let funnel = Signal::derive(move || {
        let l = lang();
        result.with(|r| {
            r.as_ref()
                .ok()
                .and_then(|r| r.funnel.clone())
                .map(|f| {
                    f.into_iter()
                        .map(|(k, v)| {
                            let label = match k {
                                "uv" => l.pick("访客", "訪客", "visitors"),
                                "visits" => l.pick("访问", "造訪", "visits"),
                                "cart" => l.pick("加购", "加入購物車", "added to cart"),
                                "order" => l.pick("下单", "下單", "ordered"),
                                "pay" => l.pick("支付", "付款", "paid"),
                                k => k,
                            };
                            (label.to_string(), v)
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let identity = move || {
        result.with(|r| {
            let r = r.as_ref().ok()?;
            let m = &r.report;
            let (uv, conv, aov, rev) = (
                m.value("uv")?,
                m.value("conversion_rate")?,
                m.value("aov")?,
                m.value("revenue")?,
            );
            Some(format!(
                "{} = {} × {} × {} = {} × {:.2}% × {:.2} = {:.2}",
                metric_text("revenue", lang()).name,
                metric_text("uv", lang()).name,
                metric_text("conversion_rate", lang()).name,
                metric_text("aov", lang()).name,
                number(uv),
                conv * 100.0,
                aov,
                rev
            ))
        })
    };
    // Period-over-period decomposition; default periods are the halves of the days.
    let decomposition = Memo::new(move |_| {
        let r = result.get().ok()?;
        if r.days.len() < 2 {
            return None;
        }
        let s = settings.get();
        let mid = r.days.len() / 2;
        let (first, last) = (r.days[0].0, r.days[r.days.len() - 1].0);
        let d = |v: &str, dflt| opt_date(v, "period").ok().flatten().unwrap_or(dflt);
        let (af, at, bf, bt) = (
            d(&s.a_from, first),
            d(&s.a_to, r.days[mid - 1].0),
            d(&s.b_from, r.days[mid].0),
            d(&s.b_to, last),
        );
        let (a, b) = split_periods(&r.days, af, at, bf, bt);
        Some(((af, at, bf, bt), decompose_revenue(&a, &b)))
    });

    // A memo: the panel reads it several times and a ledger of a
    // million rows' exclusions is costly to copy.
    let ledger = Memo::new(move |_| {
        result.with(|r| r.as_ref().map(|r| r.ledger.clone()).unwrap_or_default())
    });
    let warnings = Signal::derive(move || {
        with_read_warnings(
            &[app.traffic],
            result.with(|r| {
                r.as_ref()
                    .map(|r| r.report.warnings.clone())
                    .unwrap_or_default()
            }),
        )
    });

    view! {
        <section class="calculator traffic">
            <h1>{move || t().nav_traffic}</h1>
            <ModeSwitch manual=manual />
            <Show when=move || !manual.get() fallback=move || view! { <ManualTraffic bands=bands /> }>
                <ImportPanel kind=InputKind::TrafficTable />
                <section class="panel settings">
                    <h3>{move || t().settings}</h3>
                    <div class="settings-grid">
                        <label>{move || lang().pick("会话间隔（分钟，用于浏览日志）", "工作階段間隔（分鐘，用於瀏覽紀錄）", "Session gap (minutes, page-view logs)")}
                            <input type="number" min="1" data-testid="gap" prop:value=move || settings.with(|s| s.gap_minutes.clone()) on:change=move |ev| settings.update(|s| s.gap_minutes = event_target_value(&ev)) /></label>
                        <label>{move || lang().pick("主推款客单价", "主推商品客單價", "Flagship AOV")}
                            <input type="text" inputmode="decimal" data-testid="flagship" prop:value=move || settings.with(|s| s.flagship_aov.clone()) on:change=move |ev| settings.update(|s| s.flagship_aov = event_target_value(&ev)) /></label>
                        <button class="secondary" data-testid="flagship-from-orders" on:click=use_best_seller>{move || lang().pick("取订单中最畅销商品的客单价", "取訂單中最暢銷商品的客單價", "Use the best seller's AOV from the orders")}</button>
                    </div>
                    <details>
                        <summary>{move || lang().pick("基准线（可编辑，自动保存）", "基準線（可編輯，自動儲存）", "Benchmark bands (editable, remembered)")}</summary>
                        {bands_editor(bands, lang)}
                    </details>
                </section>
                <Show when=move || result.with(|r| matches!(r, Err(e) if !e.is_empty()))>
                    <div class="error" role="alert" data-testid="calc-error">{move || result.with(|r| crate::error_text::error_in(r.as_ref().err().map_or("", |e| e.as_str()), app.lang.get()))}</div>
                </Show>
                <div class="cards" class:busy=busy aria-busy=move || busy.get().to_string()>{metric_cards(KEYS, metrics)}</div>
                <ReportBar title=Signal::derive(move || t().nav_traffic.to_string()) metrics=metrics datasets=vec![app.traffic] stem="traffic" />
                <section class="panel">
                    <h3>{move || lang().pick("基准与诊断", "基準與診斷", "Benchmarks and diagnosis")}</h3>
                    <ul class="benchmarks">{move || { let l = lang(); result.with(|r| r.as_ref().map(|r| r.benchmarks.iter().map(|b| band_view(b, l)).collect_view()).ok()) }}</ul>
                    <ul class="diagnosis" data-testid="diagnosis">{move || { let l = lang(); result.with(|r| r.as_ref().map(|r| r.diagnosis.iter().map(|d| diagnosis_view(d, l)).collect_view()).ok()) }}</ul>
                    <p class="metric-formula" data-testid="identity">{identity}</p>
                </section>
                <section class="panel">
                    <h3>{move || lang().pick("支付金额变化拆解（访客 × 转化率 × 客单价）", "營業額變化拆解（訪客 × 轉換率 × 客單價）", "Revenue change split into visitors, conversion and AOV")}</h3>
                    {move || decomposition.get().map(|((af, at, bf, bt), d)| {
                        let l = lang();
                        let period_inputs = view! {
                            <div class="settings-grid">
                                <label>{l.pick("A 开始", "A 開始", "A from")}<input type="date" prop:value=af.to_string() on:change=move |ev| settings.update(|s| s.a_from = event_target_value(&ev)) /></label>
                                <label>{l.pick("A 结束", "A 結束", "A to")}<input type="date" prop:value=at.to_string() on:change=move |ev| settings.update(|s| s.a_to = event_target_value(&ev)) /></label>
                                <label>{l.pick("B 开始", "B 開始", "B from")}<input type="date" prop:value=bf.to_string() on:change=move |ev| settings.update(|s| s.b_from = event_target_value(&ev)) /></label>
                                <label>{l.pick("B 结束", "B 結束", "B to")}<input type="date" prop:value=bt.to_string() on:change=move |ev| settings.update(|s| s.b_to = event_target_value(&ev)) /></label>
                            </div>
                        };
                        let body = match d {
                            Some(c) => view! {
                                <table data-testid="decomposition">
                                    <tbody>
                                        <tr><th>"A"</th><td class="num">{format!("{:.2}", c.revenue_before)}</td></tr>
                                        <tr><th>"B"</th><td class="num">{format!("{:.2}", c.revenue_after)}</td></tr>
                                        <tr><th>{l.pick("变化", "變化", "Change")}</th><td class="num" data-metric="revenue_change" data-value=c.change.to_string()>{format!("{:+.2}", c.change)}</td></tr>
                                        <tr><th>{metric_text("uv", l).name}</th><td class="num" data-metric="due_to_uv" data-value=c.due_to_uv.to_string()>{format!("{:+.2}", c.due_to_uv)}</td></tr>
                                        <tr><th>{metric_text("conversion_rate", l).name}</th><td class="num" data-metric="due_to_conversion" data-value=c.due_to_conversion.to_string()>{format!("{:+.2}", c.due_to_conversion)}</td></tr>
                                        <tr><th>{metric_text("aov", l).name}</th><td class="num" data-metric="due_to_aov" data-value=c.due_to_aov.to_string()>{format!("{:+.2}", c.due_to_aov)}</td></tr>
                                    </tbody>
                                </table>
                                <p class="hint">{l.pick("方法：Shapley 分解，对三个因素的 6 种替换顺序取平均，三部分之和恰好等于变化。", "方法：Shapley 分解，對三個因素的 6 種替換順序取平均，三部分之和恰好等於變化。", "Method: Shapley decomposition, averaging the 6 orders of substituting the three factors, so the parts add up exactly to the change.")}</p>
                            }.into_any(),
                            None => view! { <p class="hint">{l.t().not_available}</p> }.into_any(),
                        };
                        view! { {period_inputs} {body} }
                    })}
                </section>
                <section class="panel">
                    <h3>{move || lang().pick("渠道结构", "通路結構", "Channels")}</h3>
                    <BarChart id="chart-channels" title=Signal::derive(move || lang().pick("访客占比".to_string(), "訪客占比".to_string(), "UV share".to_string())) bars=channel_bars percent=true />
                    <button class="secondary" on:click=svg_download("chart-channels")>{move || t().download_svg}</button>
                    <button class="secondary" on:click=png_download("chart-channels")>{move || app.lang.get().k().download_png}</button>
                    <DataTable headers=channel_headers rows=channel_rows filename="traffic-channels.csv" test_id="channels" />
                </section>
                <Show when=move || funnel.with(|f| !f.is_empty())>
                    <section class="panel">
                        <h3>{move || lang().pick("转化漏斗", "轉換漏斗", "Funnel")}</h3>
                        <BarChart id="chart-funnel" title=Signal::derive(move || lang().pick("转化漏斗".to_string(), "轉換漏斗".to_string(), "Funnel".to_string())) bars=funnel />
                    </section>
                </Show>
                <QualityPanel ledger=ledger warnings=warnings source=(request, 0) />
                <SqlPanel sql=sql />
            </Show>
        </section>
    }
}

/// Manual mode: a learner types PV, UV, visits and the rest.
#[component]
fn ManualTraffic(bands: RwSignal<Bands>) -> impl IntoView {
    let app = use_app();
    let fields: [(&'static str, RwSignal<String>); 9] = [
        ("pv", RwSignal::new("12000".to_string())),
        ("uv", RwSignal::new("3000".to_string())),
        ("visits", RwSignal::new("3600".to_string())),
        ("bounced_visits", RwSignal::new("2300".to_string())),
        ("buyers", RwSignal::new("75".to_string())),
        ("revenue", RwSignal::new("12600".to_string())),
        ("spend", RwSignal::new("1500".to_string())),
        ("impressions", RwSignal::new("40000".to_string())),
        ("clicks", RwSignal::new("1200".to_string())),
    ];
    let counts = Memo::new(move |_| {
        let v = |i: usize| -> Option<f64> {
            let s = fields[i].1.get();
            if s.trim().is_empty() {
                None
            } else {
                parse_number(&s).filter(|x| *x >= 0.0)
            }
        };
        TrafficCounts {
            pv: v(0),
            uv: v(1),
            visits: v(2),
            bounced_visits: v(3),
            buyers: v(4),
            revenue: v(5),
            spend: v(6),
            impressions: v(7),
            clicks: v(8),
            ..TrafficCounts::default()
        }
    });
    let metrics = Signal::derive(move || counts.get().metrics(None));
    let benchmarks = Signal::derive(move || evaluate_benchmarks(&metrics.get(), &bands.get()));
    let diagnosis = Signal::derive(move || diagnose(&benchmarks.get(), &metrics.get()));
    view! {
        <section class="panel manual">
            <p class="hint">{move || app.lang.get().t().manual_hint}</p>
            <div class="settings-grid">
                {fields.into_iter().map(|(key, sig)| view! {
                    <label>{move || metric_text(key, app.lang.get()).name}
                        <input type="text" inputmode="decimal" data-testid=format!("manual-{key}") prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev)) /></label>
                }).collect_view()}
            </div>
            <ShareLink page="traffic" fields=fields.to_vec() />
        </section>
        <div class="cards">{metric_cards(&["visit_depth", "pv_per_uv", "bounce_rate", "conversion_rate", "aov", "ctr", "cpc", "roi"], metrics)}</div>
        <section class="panel">
            <ul class="benchmarks">{move || { let l = app.lang.get(); benchmarks.get().iter().map(|b| band_view(b, l)).collect_view() }}</ul>
            <ul class="diagnosis">{move || { let l = app.lang.get(); diagnosis.get().iter().map(|d| diagnosis_view(d, l)).collect_view() }}</ul>
        </section>
    }
}
