//! Return visits and lifecycle (回流率, 留存, 用户生命周期), spec section 3.

use crate::browser::{param, query_params, replace_query};
use crate::components::charts::{BarChart, LineChart};
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
use crate::metric_text::metric_text;
use crate::pages::common::{metric_cards, opt_date, svg_download, whole, with_read_warnings};
use crate::pages::retention::RetentionPanel;
use crate::state::{use_app, Shared, Source};
use leptos::prelude::*;
use opscalc_core::{
    lifecycle_sql, reflow_manual, reflow_sql, ActivityFrom, ActivitySql, Dialect, InputKind,
    Ledger, Lifecycle, LifecycleOptions, OrderOptions, Period, Reflow, ReflowOptions, Request,
    Response, SqlFile, Stage, Transitions,
};
use std::sync::Arc;

/// The engine's return-visit answer: the figures and the activity's rows.
struct ReflowView {
    reflow: Reflow,
    ledger: Ledger,
}

impl std::ops::Deref for ReflowView {
    type Target = Reflow;
    fn deref(&self) -> &Reflow {
        &self.reflow
    }
}

/// The engine's lifecycle answer: the stages and the stage movement.
#[derive(Clone)]
struct LifeView {
    life: Lifecycle,
    transitions: Transitions,
}

impl std::ops::Deref for LifeView {
    type Target = Lifecycle;
    fn deref(&self) -> &Lifecycle {
        &self.life
    }
}

/// The page's settings, mirrored in the URL query.
#[derive(Clone, Debug, PartialEq)]
pub struct LifecycleSettings {
    /// Churn days (7, 30 or custom).
    pub churn_days: String,
    /// Dormant days.
    pub dormant_days: String,
    /// Reflow window start.
    pub from: String,
    /// Reflow window end.
    pub to: String,
    /// Period of the per-period table and retention cohorts.
    pub period: Period,
    /// Lifecycle as-of date.
    pub as_of: String,
    /// Earlier as-of date for the transition table.
    pub compare: String,
}

impl LifecycleSettings {
    /// Settings from the URL query.
    ///
    /// # Example
    /// ```
    /// use opscalc_web::pages::lifecycle::LifecycleSettings;
    /// let s = LifecycleSettings::from_query(&[("churn".into(), "7".into())]);
    /// assert_eq!(s.churn_days, "7");
    /// assert_eq!(s.dormant_days, "15");
    /// ```
    pub fn from_query(q: &[(String, String)]) -> LifecycleSettings {
        let get = |k: &str, d: &str| param(q, k).unwrap_or(d).to_string();
        LifecycleSettings {
            churn_days: get("churn", "30"),
            dormant_days: get("dormant", "15"),
            from: get("from", ""),
            to: get("to", ""),
            period: param(q, "period")
                .and_then(Period::parse)
                .unwrap_or(Period::Month),
            as_of: get("as_of", ""),
            compare: get("compare", ""),
        }
    }

    /// The query of these settings.
    pub fn to_query(&self) -> Vec<(String, String)> {
        vec![
            ("churn".into(), self.churn_days.clone()),
            ("dormant".into(), self.dormant_days.clone()),
            ("from".into(), self.from.clone()),
            ("to".into(), self.to.clone()),
            (
                "period".into(),
                if self.period == Period::Month {
                    String::new()
                } else {
                    self.period.key().into()
                },
            ),
            ("as_of".into(), self.as_of.clone()),
            ("compare".into(), self.compare.clone()),
        ]
    }

    fn reflow_options(&self) -> Result<ReflowOptions, String> {
        Ok(ReflowOptions {
            churn_days: whole(&self.churn_days, "churn days")?,
            from: opt_date(&self.from, "from")?,
            to: opt_date(&self.to, "to")?,
            period: self.period,
        })
    }

    fn lifecycle_options(&self) -> Result<LifecycleOptions, String> {
        Ok(LifecycleOptions {
            as_of: opt_date(&self.as_of, "as of")?,
            churn_days: whole(&self.churn_days, "churn days")?,
            dormant_days: whole(&self.dormant_days, "dormant days")?,
        })
    }
}

const REFLOW_KEYS: &[&str] = &[
    "churned_users",
    "reflowed_users",
    "reflow_rate",
    "retention_day_1",
    "retention_day_7",
    "retention_day_30",
];
const STAGE_KEYS: &[&str] = &[
    "stage_new",
    "stage_growing",
    "stage_mature",
    "stage_dormant",
    "stage_churned",
    // The shares carry the formula with the user's numbers (stage / all users).
    "stage_new_share",
    "stage_growing_share",
    "stage_mature_share",
    "stage_dormant_share",
    "stage_churned_share",
];

fn stage_name(s: Stage, lang: crate::i18n::Lang) -> &'static str {
    match lang {
        crate::i18n::Lang::Zh => s.zh(),
        crate::i18n::Lang::En => s.en(),
        crate::i18n::Lang::ZhTw => match s {
            Stage::New => "導入期",
            Stage::Growing => "成長期",
            Stage::Mature => "成熟期",
            Stage::Dormant => "休眠期",
            Stage::Churned => "流失期",
        },
    }
}

/// The return-visit and lifecycle page.
#[component]
pub fn LifecyclePage() -> impl IntoView {
    let app = use_app();
    let lang = move || app.lang.get();
    let zh = move || lang() == crate::i18n::Lang::Zh;
    let t = move || lang().t();
    let settings = RwSignal::new(LifecycleSettings::from_query(&query_params()));
    let manual = RwSignal::new(crate::share::opened_from_link("lifecycle"));
    Effect::new(move |_| replace_query(&settings.with(LifecycleSettings::to_query)));

    // Activity and orders are built, and every figure computed, in the
    // engine worker; the page sends table ids, mappings and settings.
    let order_source = move || {
        app.orders.with(|d| {
            (
                d.table_ref(),
                OrderOptions {
                    date_order: d.date_order,
                    ..OrderOptions::default()
                },
            )
        })
    };
    // The built-in sample is never mixed with the user's own data: with the
    // user's orders and the sample visits, the orders serve as activity
    // (the spec allows orders alone).
    let sample_activity_with_own_orders = move || {
        app.activity.with(|a| a.source == Source::Sample)
            && app.orders.with(|o| o.source != Source::Sample)
    };
    let activity = Memo::new(move |_| {
        if sample_activity_with_own_orders() {
            let (t, o) = order_source();
            return ActivityFrom::Orders(t, o);
        }
        app.activity
            .with(|d| ActivityFrom::Table(d.table_ref(), d.date_order))
    });
    let reflow_request = Memo::new(move |_| {
        let options = settings.with(LifecycleSettings::reflow_options)?;
        Ok(Request::Reflow {
            activity: activity.get(),
            options,
        })
    });
    let Computed {
        result: reflow_result,
        busy: reflow_busy,
    } = computed(reflow_request, |r| match r {
        Response::Reflow(reflow, ledger) => Some(ReflowView { reflow, ledger }),
        _ => None,
    });
    // Nor are the sample orders joined to the user's own activity: without
    // orders of their own, nobody has bought.
    let own_activity_sample_orders = move || {
        app.activity.with(|a| a.source != Source::Sample)
            && app.orders.with(|o| o.source == Source::Sample)
    };
    let life_request = Memo::new(move |_| {
        let options = settings.with(LifecycleSettings::lifecycle_options)?;
        let compare = settings
            .with(|s| opt_date(&s.compare, "compare"))
            .ok()
            .flatten();
        let own_orders = !own_activity_sample_orders();
        // Orders serving as activity are not counted twice.
        let act = match activity.get() {
            ActivityFrom::Orders(..) => None,
            a => Some(a),
        };
        Ok(Request::Lifecycle {
            orders: own_orders.then(order_source),
            activity: act,
            options,
            compare,
        })
    });
    let Computed {
        result: life_engine,
        busy: life_busy,
    } = computed(life_request, |r| match r {
        Response::Lifecycle(life, transitions) => Some(LifeView { life, transitions }),
        _ => None,
    });
    let life_result = Memo::new(move |_| {
        let mut r = life_engine.get();
        if own_activity_sample_orders() {
            if let Ok(l) = &mut r {
                let mut v = LifeView::clone(l);
                v.life
                    .report
                    .warnings
                    .push(opscalc_core::notice::no_orders_file());
                *l = Shared(Arc::new(v));
            }
        }
        r
    });

    // Return visits, then lifecycle: the page's two families, as two queries.
    let sql = Callback::new(move |dialect: Dialect| {
        let reflow_opts = settings.with(LifecycleSettings::reflow_options)?;
        let life_opts = settings.with(LifecycleSettings::lifecycle_options)?;
        let order_opts = OrderOptions::default();
        let orders_as_activity = sample_activity_with_own_orders();
        app.orders.with(|o| {
            app.activity.with(|a| {
                let of = SqlFile {
                    path: o.name(),
                    headers: o.preview.table.headers(),
                    mapping: &o.mapping,
                };
                let act = if orders_as_activity {
                    ActivitySql::Orders(of, &order_opts)
                } else {
                    ActivitySql::Activity(SqlFile {
                        path: a.name(),
                        headers: a.preview.table.headers(),
                        mapping: &a.mapping,
                    })
                };
                Ok(format!(
                    "{}\n{}",
                    reflow_sql(dialect, &act, &reflow_opts)?,
                    lifecycle_sql(dialect, &of, &order_opts, Some(&act), &life_opts)?
                ))
            })
        })
    });

    let reflow_metrics = Signal::derive(move || {
        reflow_result.with(|r| {
            r.as_ref()
                .map(|r| r.report.metrics.clone())
                .unwrap_or_default()
        })
    });
    let life_metrics = Signal::derive(move || {
        life_result.with(|r| {
            r.as_ref()
                .map(|l| l.report.metrics.clone())
                .unwrap_or_default()
        })
    });

    let period_points = Signal::derive(move || {
        reflow_result.with(|r| {
            r.as_ref()
                .map(|r| {
                    r.periods
                        .iter()
                        .map(|p| {
                            (
                                p.label.clone(),
                                (p.churned_users > 0)
                                    .then(|| p.reflowed_users as f64 / p.churned_users as f64),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
    });
    let period_rows = Signal::derive(move || {
        let na = t().not_available;
        reflow_result.with(|r| {
            r.as_ref()
                .map(|r| {
                    r.periods
                        .iter()
                        .map(|p| {
                            let rate = (p.churned_users > 0)
                                .then(|| p.reflowed_users as f64 / p.churned_users as f64);
                            vec![
                                Cell::text(p.label.clone()),
                                Cell::count(p.churned_users as f64),
                                Cell::count(p.reflowed_users as f64),
                                Cell::rate(rate, na),
                            ]
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
    });
    let period_headers = Signal::derive(move || {
        let l = lang();
        vec![
            t().period.to_string(),
            metric_text("churned_users", l).name.into(),
            metric_text("reflowed_users", l).name.into(),
            metric_text("reflow_rate", l).name.into(),
        ]
    });
    let retention_rows = Signal::derive(move || {
        reflow_result.with(|r| {
            r.as_ref()
                .map(|r| {
                    r.retention
                        .cohorts
                        .iter()
                        .map(|c| {
                            (
                                c.month.clone(),
                                c.size,
                                c.active
                                    .iter()
                                    .map(|a| *a as f64 / c.size.max(1) as f64)
                                    .collect(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
    });
    // The recall list and the stage list are asked of the engine only
    // while their drill-downs are open: at a million users they would be
    // most of every answer's bytes.
    let churned_open = RwSignal::new(false);
    let churned = computed_when(
        move || churned_open.get(),
        move || match reflow_request.get() {
            Ok(Request::Reflow { activity, options }) => {
                Ok(Request::ReflowUsers { activity, options })
            }
            _ => Err(String::new()),
        },
        |r| match r {
            Response::ReflowUsers(u) => Some(u),
            _ => None,
        },
    );
    let stages_open = RwSignal::new(false);
    let stage_users = computed_when(
        move || stages_open.get(),
        move || match life_request.get() {
            Ok(Request::Lifecycle {
                orders,
                activity,
                options,
                ..
            }) => Ok(Request::LifecycleUsers {
                orders,
                activity,
                options,
            }),
            _ => Err(String::new()),
        },
        |r| match r {
            Response::LifecycleUsers(u) => Some(u),
            _ => None,
        },
    );
    let reflow_users = Signal::derive(move || {
        let (y, n) = (t().yes, t().no);
        churned.result.with(|r| {
            r.as_ref()
                .map(|users| {
                    users
                        .iter()
                        .map(|u| {
                            vec![
                                Cell::text(u.user.clone()),
                                Cell::text(u.last_before.to_string()),
                                Cell::text(if u.reflowed { y } else { n }),
                                Cell::text(
                                    u.first_return.map(|d| d.to_string()).unwrap_or_default(),
                                ),
                            ]
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
    });
    let reflow_user_headers = Signal::derive(move || {
        if lang() == crate::i18n::Lang::ZhTw {
            vec![
                "使用者".into(),
                "區間前最後活躍".into(),
                "已回流".into(),
                "首次回訪".into(),
            ]
        } else if zh() {
            vec![
                "用户".into(),
                "窗口前最后活跃".into(),
                "已回流".into(),
                "首次回访".into(),
            ]
        } else {
            vec![
                "User".into(),
                "Last active before".into(),
                "Returned".into(),
                "First return".into(),
            ]
        }
    });

    // Lifecycle stage lists, filterable by stage.
    let stage_filter = RwSignal::new(String::new());
    let stage_rows = Signal::derive(move || {
        let l = lang();
        let f = stage_filter.get();
        stage_users.result.with(|r| {
            r.as_ref()
                .map(|users| {
                    users
                        .iter()
                        .filter(|u| f.is_empty() || u.stage.key() == f)
                        .map(|u| {
                            vec![
                                Cell::text(u.user.clone()),
                                Cell::text(stage_name(u.stage, l)),
                                Cell::count(u.purchases as f64),
                                Cell::text(
                                    u.last_purchase.map(|d| d.to_string()).unwrap_or_default(),
                                ),
                                Cell::text(u.last_activity.to_string()),
                            ]
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
    });
    let stage_headers = Signal::derive(move || {
        if lang() == crate::i18n::Lang::ZhTw {
            vec![
                "使用者".into(),
                "階段".into(),
                "購買次數".into(),
                "最近購買".into(),
                "最近活躍".into(),
            ]
        } else if zh() {
            vec![
                "用户".into(),
                "阶段".into(),
                "购买次数".into(),
                "最近购买".into(),
                "最近活跃".into(),
            ]
        } else {
            vec![
                "User".into(),
                "Stage".into(),
                "Purchases".into(),
                "Last purchase".into(),
                "Last activity".into(),
            ]
        }
    });
    let stage_bars = Signal::derive(move || {
        let l = lang();
        life_result.with(|r| {
            r.as_ref()
                .map(|life| {
                    Stage::ALL
                        .iter()
                        .map(|s| {
                            (
                                stage_name(*s, l).to_string(),
                                life.report.value(s.share_key()).unwrap_or(0.0),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
    });

    // Transitions between an earlier as-of date and the current one.
    let transitions = Memo::new(move |_| {
        life_result.with(|r| {
            r.as_ref().ok().map(|l| {
                let t = &l.transitions;
                (t.from, t.to, t.counts.clone())
            })
        })
    });

    // A memo: the panel reads it several times and a ledger of a
    // million rows' exclusions is costly to copy.
    let activity_ledger = Memo::new(move |_| {
        reflow_result.with(|r| r.as_ref().map(|r| r.ledger.clone()).unwrap_or_default())
    });
    let activity_warnings = Signal::derive(move || {
        let mut w = with_read_warnings(&[app.activity, app.orders], Vec::new());
        w.extend(reflow_result.with(|r| {
            r.as_ref()
                .map(|r| r.report.warnings.clone())
                .unwrap_or_default()
        }));
        w.extend(life_result.with(|r| {
            r.as_ref()
                .map(|l| l.report.warnings.clone())
                .unwrap_or_default()
        }));
        w
    });
    // A memo: the panel reads it several times and a ledger of a
    // million rows' exclusions is costly to copy.
    let orders_ledger = Memo::new(move |_| {
        life_result.with(|r| {
            r.as_ref()
                .ok()
                .and_then(|l| l.ledgers.first().cloned())
                .unwrap_or_default()
        })
    });
    let no_warnings = Signal::derive(Vec::new);
    let error = move || {
        let mut e = Vec::new();
        // An empty error is a first answer still on its way.
        if let Err(x) = reflow_result.get() {
            if !x.is_empty() {
                e.push(x)
            }
        }
        if let Err(x) = life_result.get() {
            if !x.is_empty() && !e.contains(&x) {
                e.push(x)
            }
        }
        // The core's errors are English; say them in the reader's language.
        let lang = app.lang.get();
        e.iter()
            .map(|x| crate::error_text::error_in(x, lang))
            .collect::<Vec<_>>()
            .join("\n")
    };

    view! {
        <section class="calculator lifecycle">
            <h1>{move || t().nav_lifecycle}</h1>
            <ModeSwitch manual=manual />
            <Show when=move || !manual.get() fallback=move || view! { <ManualReflow /> }>
                <ImportPanel kind=InputKind::Activity />
                <ImportPanel kind=InputKind::Orders />
                <section class="panel settings">
                    <h3>{move || t().settings}</h3>
                    <div class="settings-grid">
                        <label>{move || lang().pick("流失天数", "流失天數", "Churn days")}
                            <select data-testid="churn-preset" on:change=move |ev| { let v = event_target_value(&ev); if !v.is_empty() { settings.update(|s| s.churn_days = v) } }>
                                <option value="7" selected=move || settings.with(|s| s.churn_days == "7")>"7"</option>
                                <option value="30" selected=move || settings.with(|s| s.churn_days == "30")>"30"</option>
                                <option value="" selected=move || settings.with(|s| s.churn_days != "7" && s.churn_days != "30")>{move || lang().pick("自定义", "自訂", "custom")}</option>
                            </select>
                        </label>
                        <label>{move || lang().pick("自定义流失天数", "自訂流失天數", "Custom churn days")}
                            <input type="number" min="1" data-testid="churn-days" prop:value=move || settings.with(|s| s.churn_days.clone()) on:change=move |ev| settings.update(|s| s.churn_days = event_target_value(&ev)) />
                        </label>
                        <label>{move || t().window_from}
                            <input type="date" data-testid="from" prop:value=move || { let v = settings.with(|s| s.from.clone()); if v.is_empty() { reflow_result.with(|r| r.as_ref().map(|r| r.from.to_string()).unwrap_or_default()) } else { v } }
                                on:change=move |ev| settings.update(|s| s.from = event_target_value(&ev)) />
                        </label>
                        <label>{move || t().window_to}
                            <input type="date" data-testid="to" prop:value=move || { let v = settings.with(|s| s.to.clone()); if v.is_empty() { reflow_result.with(|r| r.as_ref().map(|r| r.to.to_string()).unwrap_or_default()) } else { v } }
                                on:change=move |ev| settings.update(|s| s.to = event_target_value(&ev)) />
                        </label>
                        <label>{move || t().period}
                            <select on:change=move |ev| settings.update(|s| s.period = Period::parse(&event_target_value(&ev)).unwrap_or(Period::Month))>
                                <option value="month" selected=move || settings.with(|s| s.period == Period::Month)>{move || t().month}</option>
                                <option value="week" selected=move || settings.with(|s| s.period == Period::Week)>{move || t().week}</option>
                            </select>
                        </label>
                        <label>{move || lang().pick("统计日期（生命周期）", "統計日期（生命週期）", "As of (lifecycle)")}
                            <input type="date" data-testid="as-of" prop:value=move || { let v = settings.with(|s| s.as_of.clone()); if v.is_empty() { life_result.with(|r| r.as_ref().map(|l| l.as_of.to_string()).unwrap_or_default()) } else { v } }
                                on:change=move |ev| settings.update(|s| s.as_of = event_target_value(&ev)) />
                        </label>
                        <label>{move || lang().pick("休眠天数", "休眠天數", "Dormant days")}
                            <input type="number" min="1" data-testid="dormant-days" prop:value=move || settings.with(|s| s.dormant_days.clone()) on:change=move |ev| settings.update(|s| s.dormant_days = event_target_value(&ev)) />
                        </label>
                    </div>
                </section>
                <Show when=move || !error().is_empty()>
                    <div class="error" role="alert" data-testid="calc-error">{error}</div>
                </Show>
                <h2>{move || metric_text("reflow_rate", lang()).name}</h2>
                <div class="cards" class:busy=reflow_busy aria-busy=move || reflow_busy.get().to_string()>{metric_cards(REFLOW_KEYS, reflow_metrics)}</div>
                <section class="panel">
                    <h3>{move || t().per_period}</h3>
                    <LineChart id="chart-reflow" title=Signal::derive(move || metric_text("reflow_rate", lang()).name.to_string()) points=period_points percent=true />
                    <button class="secondary" on:click=svg_download("chart-reflow")>{move || t().download_svg}</button>
                    <button class="secondary" on:click=png_download("chart-reflow")>{move || app.lang.get().k().download_png}</button>
                    <DataTable headers=period_headers rows=period_rows filename="reflow-periods.csv" searchable=false test_id="reflow-periods" />
                </section>
                <Drill class="panel" open=churned_open summary=Signal::derive(move || lang().pick("流失用户明细（召回名单）", "流失使用者明細（召回名單）", "Churned users (recall list)").to_string())>
                    <div aria-busy=move || churned.busy.get().to_string()>
                        <DataTable headers=reflow_user_headers rows=reflow_users filename="churned-users.csv" />
                    </div>
                </Drill>
                <RetentionPanel activity=activity.into() period=Signal::derive(move || settings.with(|s| s.period)) cohorts=retention_rows />
                <h2>{move || lang().pick("用户生命周期", "使用者生命週期", "Lifecycle stages")}</h2>
                <div class="cards" class:busy=life_busy aria-busy=move || life_busy.get().to_string()>{metric_cards(STAGE_KEYS, life_metrics)}</div>
                <ReportBar title=Signal::derive(move || t().nav_lifecycle.to_string())
                    metrics=Signal::derive(move || { let mut m = reflow_metrics.get(); m.extend(life_metrics.get()); m })
                    datasets=vec![app.activity, app.orders] stem="lifecycle" />
                <section class="panel">
                    <BarChart id="chart-stages" title=Signal::derive(move || lang().pick("各阶段占比".to_string(), "各階段占比".to_string(), "Share of users by stage".to_string())) bars=stage_bars percent=true />
                    <button class="secondary" on:click=svg_download("chart-stages")>{move || t().download_svg}</button>
                    <button class="secondary" on:click=png_download("chart-stages")>{move || app.lang.get().k().download_png}</button>
                    <Drill class="drill" test_id="stage-drill" open=stages_open summary=Signal::derive(move || lang().pick("各阶段用户明细", "各階段使用者明細", "Users by stage").to_string())>
                    <div class="segmented">
                        <label><input type="radio" name="stage" prop:checked=move || stage_filter.with(String::is_empty) on:change=move |_| stage_filter.set(String::new()) />{move || lang().pick("全部", "全部", "All")}</label>
                        {Stage::ALL.iter().map(|s| { let s = *s; view! {
                            <label><input type="radio" name="stage" data-testid=format!("stage-{}", s.key()) prop:checked=move || stage_filter.with(|f| f == s.key()) on:change=move |_| stage_filter.set(s.key().to_string()) />{move || stage_name(s, lang())}</label>
                        }}).collect_view()}
                    </div>
                    <div aria-busy=move || stage_users.busy.get().to_string()>
                        <DataTable headers=stage_headers rows=stage_rows filename="lifecycle-users.csv" test_id="stage-users" />
                    </div>
                    </Drill>
                </section>
                <section class="panel">
                    <h3>{move || lang().pick("阶段迁移", "階段移轉", "Stage movement")}</h3>
                    <label class="inline">{move || lang().pick("对比的较早统计日期", "比較用的較早統計日期", "Earlier as-of date")}
                        <input type="date" prop:value=move || transitions.with(|t| t.as_ref().map(|t| t.0.to_string()).unwrap_or_default()) on:change=move |ev| settings.update(|s| s.compare = event_target_value(&ev)) />
                    </label>
                    {move || transitions.get().map(|(a, b, m)| {
                        let l = lang();
                        view! {
                            <div class="table-wrap">
                                <table data-testid="transitions">
                                    <thead><tr><th>{format!("{a} → {b}")}</th>{Stage::ALL.iter().map(|s| view! { <th>{stage_name(*s, l)}</th> }).collect_view()}</tr></thead>
                                    <tbody>
                                        {Stage::ALL.iter().enumerate().map(|(i, s)| view! {
                                            <tr><th>{stage_name(*s, l)}</th>{m[i].iter().map(|n| view! { <td class="num">{*n}</td> }).collect_view()}</tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }
                    })}
                </section>
                <QualityPanel ledger=activity_ledger warnings=activity_warnings source=(reflow_request, 0) />
                <QualityPanel ledger=orders_ledger warnings=no_warnings source=(life_request, 0) />
                <SqlPanel sql=sql />
            </Show>
        </section>
    }
}

/// Manual mode: churned and returned counts typed by a learner.
#[component]
fn ManualReflow() -> impl IntoView {
    let app = use_app();
    let churned = RwSignal::new("400".to_string());
    let reflowed = RwSignal::new("58".to_string());
    let counts = Memo::new(move |_| {
        let c = churned.get().trim().parse::<u64>().ok()?;
        let r = reflowed.get().trim().parse::<u64>().ok()?;
        (r <= c).then_some((c, r))
    });
    let metrics = Signal::derive(move || {
        counts
            .get()
            .map(|(c, r)| reflow_manual(c, r).metrics)
            .unwrap_or_default()
    });
    view! {
        <section class="panel manual">
            <p class="hint">{move || app.lang.get().t().manual_hint}</p>
            <div class="settings-grid">
                <label>{move || metric_text("churned_users", app.lang.get()).name}
                    <input type="number" min="0" data-testid="manual-churned_users" prop:value=move || churned.get() on:input=move |ev| churned.set(event_target_value(&ev)) /></label>
                <label>{move || metric_text("reflowed_users", app.lang.get()).name}
                    <input type="number" min="0" data-testid="manual-reflowed_users" prop:value=move || reflowed.get() on:input=move |ev| reflowed.set(event_target_value(&ev)) /></label>
            </div>
            <Show when=move || counts.get().is_none()>
                <div class="error" role="alert">{move || app.lang.get().t().invalid_manual}</div>
            </Show>
            <ShareLink page="lifecycle" fields=vec![("churned_users", churned), ("reflowed_users", reflowed)] />
        </section>
        <div class="cards">{metric_cards(&["churned_users", "reflowed_users", "reflow_rate"], metrics)}</div>
    }
}
