//! Sell-through (动销率 / 滞销率), spec section 4.

use crate::browser::{download, param, query_params, replace_query};
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
use crate::metric_text::metric_text;
use crate::pages::common::{
    metric_cards, opt_date, svg_download, today, whole, with_read_warnings,
};
use crate::state::{lines, use_app, Shared, Source};
use leptos::prelude::*;
use opscalc_core::{
    sell_through_sql, Dialect, InputKind, OrderOptions, ProductOptions, Request, Response,
    SellThroughCounts, SellThroughOptions, SqlFile, DEFAULT_ONLINE_STATUSES,
    DEFAULT_WAREHOUSE_STATUSES,
};
use std::sync::Arc;

/// The page's settings, mirrored in the URL query (status lists are kept
/// in memory only: they can be long).
#[derive(Clone, Debug, PartialEq)]
pub struct SellThroughSettings {
    /// Last day of the window (blank: last order date).
    pub as_of: String,
    /// Window length in days.
    pub window_days: String,
    /// Count sales from the orders dataset.
    pub use_orders: bool,
    /// Status values meaning online, one per line.
    pub online: String,
    /// Status values meaning warehouse, one per line.
    pub warehouse: String,
}

impl SellThroughSettings {
    /// Settings from the URL query.
    ///
    /// # Example
    /// ```
    /// use opscalc_web::pages::sell_through::SellThroughSettings;
    /// let s = SellThroughSettings::from_query(&[("window".into(), "7".into()), ("orders".into(), "0".into())]);
    /// assert_eq!(s.window_days, "7");
    /// assert!(!s.use_orders);
    /// ```
    pub fn from_query(q: &[(String, String)]) -> SellThroughSettings {
        SellThroughSettings {
            as_of: param(q, "as_of").unwrap_or_default().to_string(),
            window_days: param(q, "window").unwrap_or("30").to_string(),
            use_orders: param(q, "orders") != Some("0"),
            online: DEFAULT_ONLINE_STATUSES.join("\n"),
            warehouse: DEFAULT_WAREHOUSE_STATUSES.join("\n"),
        }
    }

    /// The query of these settings.
    pub fn to_query(&self) -> Vec<(String, String)> {
        vec![
            ("as_of".into(), self.as_of.clone()),
            (
                "window".into(),
                if self.window_days == "30" {
                    String::new()
                } else {
                    self.window_days.clone()
                },
            ),
            (
                "orders".into(),
                if self.use_orders {
                    String::new()
                } else {
                    "0".into()
                },
            ),
        ]
    }
}

const KEYS: &[&str] = &[
    "online_skus",
    "warehouse_skus",
    "all_skus",
    "selling_online_skus",
    "sell_through_rate",
    "unsold_skus",
    "unsold_rate",
    "new_listing_days",
];

/// The sell-through page.
#[component]
pub fn SellThroughPage() -> impl IntoView {
    let app = use_app();
    let lang = move || app.lang.get();
    let zh = move || lang() == crate::i18n::Lang::Zh;
    let t = move || lang().t();
    let settings = RwSignal::new(SellThroughSettings::from_query(&query_params()));
    let manual = RwSignal::new(crate::share::opened_from_link("sell-through"));
    Effect::new(move |_| replace_query(&settings.with(SellThroughSettings::to_query)));

    let sql = Callback::new(move |dialect: Dialect| {
        let s = settings.get();
        let opts = SellThroughOptions {
            as_of: opt_date(&s.as_of, "as of")?,
            window_days: whole(&s.window_days, "window days")?,
            today: None,
        };
        let product_opts = ProductOptions {
            online_statuses: lines(&s.online),
            warehouse_statuses: lines(&s.warehouse),
            date_order: None,
        };
        let own_products_sample_orders = app.products.with(|p| p.source != Source::Sample)
            && app.orders.with(|o| o.source == Source::Sample);
        let use_orders = s.use_orders && !own_products_sample_orders;
        let order_opts = OrderOptions::default();
        app.products.with(|p| {
            app.orders.with(|o| {
                let pf = SqlFile {
                    path: p.name(),
                    headers: p.preview.table.headers(),
                    mapping: &p.mapping,
                };
                let of = SqlFile {
                    path: o.name(),
                    headers: o.preview.table.headers(),
                    mapping: &o.mapping,
                };
                let orders = use_orders.then_some((&of, &order_opts));
                sell_through_sql(dialect, &pf, &product_opts, orders, &opts)
            })
        })
    });
    // Products, orders and the rate are computed in the engine worker.
    let request = Memo::new(move |_| {
        let (as_of, window) = settings.with(|s| {
            (
                opt_date(&s.as_of, "as of"),
                whole(&s.window_days, "window days"),
            )
        });
        let options = SellThroughOptions {
            as_of: as_of?,
            window_days: window?,
            today: today(),
        };
        let (online, warehouse, use_orders) =
            settings.with(|s| (lines(&s.online), lines(&s.warehouse), s.use_orders));
        // The built-in sample orders are never mixed with the user's own
        // products file.
        let own_products_sample_orders = app.products.with(|p| p.source != Source::Sample)
            && app.orders.with(|o| o.source == Source::Sample);
        let orders = (use_orders && !own_products_sample_orders).then(|| {
            app.orders.with(|d| {
                (
                    d.table_ref(),
                    OrderOptions {
                        date_order: d.date_order,
                        ..OrderOptions::default()
                    },
                )
            })
        });
        Ok(app.products.with(|d| Request::SellThrough {
            products: d.table_ref(),
            product_options: ProductOptions {
                online_statuses: online,
                warehouse_statuses: warehouse,
                date_order: d.date_order,
            },
            orders,
            options,
        }))
    });
    let Computed {
        result: answer,
        busy,
    } = computed(request, |r| match r {
        Response::SellThrough(r, unknown) => Some((r, unknown)),
        _ => None,
    });
    let result = Memo::new(move |_| {
        answer.with(|a| {
            a.as_ref()
                .map(|a| Shared(Arc::new(a.0 .0.clone())))
                .map_err(Clone::clone)
        })
    });
    let metrics = Signal::derive(move || {
        result.with(|r| {
            r.as_ref()
                .map(|r| r.report.metrics.clone())
                .unwrap_or_default()
        })
    });
    let unknown = Signal::derive(move || {
        answer.with(|a| a.as_ref().map(|a| a.0 .1.clone()).unwrap_or_default())
    });

    let category_rows = Signal::derive(move || {
        let na = t().not_available;
        result.with(|r| {
            r.as_ref()
                .map(|r| {
                    r.categories
                        .iter()
                        .map(|c| {
                            vec![
                                Cell::text(c.category.clone().unwrap_or_else(|| "—".into())),
                                Cell::count(c.online_skus as f64),
                                Cell::count(c.warehouse_skus as f64),
                                Cell::count(c.selling_online_skus as f64),
                                Cell::rate(c.sell_through_rate.value, na),
                                Cell::count(c.unsold_skus as f64),
                                Cell::rate(c.unsold_rate.value, na),
                            ]
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
    });
    let category_headers = Signal::derive(move || {
        let l = lang();
        let mut h = vec![t().category.to_string()];
        for k in [
            "online_skus",
            "warehouse_skus",
            "selling_online_skus",
            "sell_through_rate",
            "unsold_skus",
            "unsold_rate",
        ] {
            h.push(metric_text(k, l).name.to_string());
        }
        h
    });
    let category_bars = Signal::derive(move || {
        result.with(|r| {
            r.as_ref()
                .map(|r| {
                    r.categories
                        .iter()
                        .map(|c| {
                            (
                                c.category.clone().unwrap_or_else(|| "—".into()),
                                c.unsold_rate.value.unwrap_or(0.0),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
    });
    let unsold_rows = Signal::derive(move || {
        result.with(|r| {
            r.as_ref()
                .map(|r| {
                    r.unsold_online
                        .iter()
                        .map(|u| {
                            vec![
                                Cell::text(u.sku.clone()),
                                Cell::text(u.product.clone().unwrap_or_default()),
                                Cell::text(u.category.clone().unwrap_or_default()),
                                Cell::text(u.listed_at.map(|d| d.to_string()).unwrap_or_default()),
                                Cell::text(
                                    u.last_sold_at.map(|d| d.to_string()).unwrap_or_default(),
                                ),
                            ]
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
    });
    let unsold_headers = Signal::derive(move || {
        if lang() == crate::i18n::Lang::ZhTw {
            vec![
                "SKU".into(),
                "商品".into(),
                "類別".into(),
                "上架時間".into(),
                "最後成交".into(),
            ]
        } else if zh() {
            vec![
                "SKU".into(),
                "商品".into(),
                "类目".into(),
                "上架时间".into(),
                "最后成交".into(),
            ]
        } else {
            vec![
                "SKU".into(),
                "Product".into(),
                "Category".into(),
                "Listed".into(),
                "Last sold".into(),
            ]
        }
    });
    let cadence = Signal::derive(move || {
        result.with(|r| {
            r.as_ref()
                .ok()
                .and_then(|r| r.listing_cadence.as_ref())
                .map(|c| {
                    c.days
                        .iter()
                        .map(|(d, n)| (d.to_string()[5..].to_string(), *n as f64))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let has_cadence = move || {
        result.with(|r| {
            r.as_ref()
                .map(|r| r.listing_cadence.is_some())
                .unwrap_or(false)
        })
    };
    // A memo: the panel reads it several times and a ledger of a
    // million rows' exclusions is costly to copy.
    let products_ledger = Memo::new(move |_| {
        result.with(|r| r.as_ref().map(|r| r.ledger.clone()).unwrap_or_default())
    });
    // A memo: the panel reads it several times and a ledger of a
    // million rows' exclusions is costly to copy.
    let orders_ledger = Memo::new(move |_| {
        result.with(|r| {
            r.as_ref()
                .ok()
                .and_then(|r| r.orders_ledger.clone())
                .unwrap_or_default()
        })
    });
    let warnings = Signal::derive(move || {
        with_read_warnings(
            &[app.products, app.orders],
            result.with(|r| {
                r.as_ref()
                    .map(|r| r.report.warnings.clone())
                    .unwrap_or_default()
            }),
        )
    });
    let no_warnings = Signal::derive(Vec::new);
    let window_text = move || {
        result.with(|r| {
            r.as_ref()
                .map(|r| {
                    let l = lang();
                    format!(
                        "{} – {}",
                        crate::format::date_in(r.from, l),
                        crate::format::date_in(r.as_of, l)
                    )
                })
                .unwrap_or_default()
        })
    };
    let classify = move |value: String, online: bool| {
        settings.update(|s| {
            let list = if online {
                &mut s.online
            } else {
                &mut s.warehouse
            };
            list.push('\n');
            list.push_str(&value);
        })
    };

    view! {
        <section class="calculator sell-through">
            <h1>{move || t().nav_sell_through}</h1>
            <ModeSwitch manual=manual />
            <Show when=move || !manual.get() fallback=move || view! { <ManualSellThrough /> }>
                <ImportPanel kind=InputKind::Products />
                <ImportPanel kind=InputKind::Orders />
                <section class="panel settings">
                    <h3>{move || t().settings}</h3>
                    <div class="settings-grid">
                        <label>{move || lang().pick("统计日期", "統計日期", "As of")}
                            <input type="date" data-testid="as-of" prop:value=move || { let v = settings.with(|s| s.as_of.clone()); if v.is_empty() { result.with(|r| r.as_ref().map(|r| r.as_of.to_string()).unwrap_or_default()) } else { v } }
                                on:change=move |ev| settings.update(|s| s.as_of = event_target_value(&ev)) />
                        </label>
                        <label>{move || lang().pick("窗口天数", "區間天數", "Window days")}
                            <input type="number" min="1" data-testid="window-days" prop:value=move || settings.with(|s| s.window_days.clone()) on:change=move |ev| settings.update(|s| s.window_days = event_target_value(&ev)) />
                        </label>
                        <label class="check">
                            <input type="checkbox" prop:checked=move || settings.with(|s| s.use_orders) on:change=move |ev| settings.update(|s| s.use_orders = event_target_checked(&ev)) />
                            {move || lang().pick("从订单数据统计销量", "從訂單資料計算銷量", "Count sales from the orders data")}
                        </label>
                    </div>
                    <p class="hint">{move || format!("{}: {}", t().window, window_text())}</p>
                    <details>
                        <summary>{move || lang().pick("在线 / 仓库中 状态值", "上架中 / 倉庫中 狀態值", "Online / warehouse status values")}</summary>
                        <div class="settings-grid">
                            <label>{move || lang().pick("在线", "上架中", "Online")}
                                <textarea rows="7" prop:value=move || settings.with(|s| s.online.clone()) on:change=move |ev| settings.update(|s| s.online = event_target_value(&ev))></textarea></label>
                            <label>{move || lang().pick("仓库中", "倉庫中", "Warehouse")}
                                <textarea rows="7" prop:value=move || settings.with(|s| s.warehouse.clone()) on:change=move |ev| settings.update(|s| s.warehouse = event_target_value(&ev))></textarea></label>
                        </div>
                    </details>
                </section>
                <Show when=move || unknown.with(|u| !u.is_empty())>
                    <section class="panel question" data-testid="unknown-statuses">
                        <h3>{move || lang().pick("这些状态表示在线还是仓库中？（不会自动猜测）", "這些狀態代表上架中還是倉庫中？（不會自動猜測）", "Do these statuses mean online or warehouse? (never guessed)")}</h3>
                        {move || unknown.get().into_iter().map(|(value, n)| {
                            let (v1, v2) = (value.clone(), value.clone());
                            view! {
                                <div class="unknown">
                                    <code>{if value.is_empty() { "(empty)".to_string() } else { value.clone() }}</code>
                                    {format!(" × {n} ")}
                                    <button on:click=move |_| classify(v1.clone(), true)>{move || lang().pick("在线", "上架中", "Online")}</button>
                                    " "
                                    <button class="secondary" on:click=move |_| classify(v2.clone(), false)>{move || lang().pick("仓库中", "倉庫中", "Warehouse")}</button>
                                </div>
                            }
                        }).collect_view()}
                    </section>
                </Show>
                <Show when=move || result.with(|r| matches!(r, Err(e) if !e.is_empty()))>
                    <div class="error" role="alert" data-testid="calc-error">{move || result.with(|r| crate::error_text::error_in(r.as_ref().err().map_or("", |e| e.as_str()), app.lang.get()))}</div>
                </Show>
                <div class="cards" class:busy=busy aria-busy=move || busy.get().to_string()>{metric_cards(KEYS, metrics)}</div>
                <ReportBar title=Signal::derive(move || t().nav_sell_through.to_string()) metrics=metrics datasets=vec![app.products, app.orders] stem="sell-through" />
                <section class="panel">
                    <h3>{move || lang().pick("分类目", "依類別", "By category")}</h3>
                    <BarChart id="chart-categories" title=Signal::derive(move || metric_text("unsold_rate", lang()).name.to_string()) bars=category_bars percent=true />
                    <button class="secondary" on:click=svg_download("chart-categories")>{move || t().download_svg}</button>
                    <button class="secondary" on:click=png_download("chart-categories")>{move || app.lang.get().k().download_png}</button>
                    <DataTable headers=category_headers rows=category_rows filename="sell-through-categories.csv" test_id="categories" />
                </section>
                <section class="panel">
                    <h3>{move || lang().pick("未动销的在线宝贝（下架候选）", "未動銷的上架商品（下架候選）", "Online SKUs that did not sell (delist candidates)")}</h3>
                    <DataTable headers=unsold_headers rows=unsold_rows filename="unsold-online-skus.csv" test_id="unsold" />
                    <button class="secondary" on:click=move |_| { if let Ok(r) = result.get_untracked() { download("unsold-online-skus.csv", "text/csv;charset=utf-8", &r.unsold_csv()) } }>
                        {move || lang().pick("下载完整清单", "下載完整清單", "Download the full list")}
                    </button>
                </section>
                <Show when=has_cadence>
                    <section class="panel">
                        <h3>{move || lang().pick("近 14 天上新节奏", "近 14 天上新節奏", "New listings, last 14 days")}</h3>
                        <p class="hint">{move || metric_text("new_listing_days", lang()).definition}</p>
                        <BarChart id="chart-cadence" title=Signal::derive(move || metric_text("new_listing_days", lang()).name.to_string()) bars=cadence />
                    </section>
                </Show>
                <QualityPanel ledger=products_ledger warnings=warnings source=(request, 0) />
                <QualityPanel ledger=orders_ledger warnings=no_warnings source=(request, 1) />
                <SqlPanel sql=sql />
            </Show>
        </section>
    }
}

/// Manual mode: a learner types the SKU counts.
#[component]
fn ManualSellThrough() -> impl IntoView {
    let app = use_app();
    let online = RwSignal::new("120".to_string());
    let warehouse = RwSignal::new("30".to_string());
    let selling = RwSignal::new("84".to_string());
    let unsold = RwSignal::new("60".to_string());
    let counts = Memo::new(move |_| {
        let p = |s: RwSignal<String>| s.get().trim().parse::<u64>().ok();
        let c = SellThroughCounts {
            online_skus: p(online)?,
            warehouse_skus: p(warehouse)?,
            selling_online_skus: p(selling)?,
            unsold_skus: p(unsold)?,
        };
        // Online SKUs that did not sell are all unsold, so unsold >= online - selling.
        (c.selling_online_skus <= c.online_skus
            && c.unsold_skus <= c.all_skus()
            && c.unsold_skus >= c.online_skus - c.selling_online_skus)
            .then_some(c)
    });
    let metrics = Signal::derive(move || counts.get().map(|c| c.metrics()).unwrap_or_default());
    let field = move |key: &'static str, sig: RwSignal<String>| {
        view! {
            <label>{move || metric_text(key, app.lang.get()).name}
                <input type="number" min="0" data-testid=format!("manual-{key}") prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev)) /></label>
        }
    };
    view! {
        <section class="panel manual">
            <p class="hint">{move || app.lang.get().t().manual_hint}</p>
            <div class="settings-grid">
                {field("online_skus", online)}
                {field("warehouse_skus", warehouse)}
                {field("selling_online_skus", selling)}
                {field("unsold_skus", unsold)}
            </div>
            <Show when=move || counts.get().is_none()>
                <div class="error" role="alert">{move || app.lang.get().t().invalid_manual}</div>
            </Show>
            <ShareLink page="sell-through" fields=vec![("online_skus", online), ("warehouse_skus", warehouse), ("selling_online_skus", selling), ("unsold_skus", unsold)] />
        </section>
        <div class="cards">{metric_cards(&["online_skus", "all_skus", "sell_through_rate", "unsold_rate"], metrics)}</div>
    }
}
