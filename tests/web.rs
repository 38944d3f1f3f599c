//! Component tests in a real browser (headless Chromium via
//! wasm-bindgen-test-runner and chromedriver). Run by `scripts/test`.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use opscalc_core::{InputKind, Metric};
use opscalc_web::components::data_table::{Cell, DataTable};
use opscalc_web::components::import_panel::ImportPanel;
use opscalc_web::components::metric_card::MetricCard;
use opscalc_web::i18n::Lang;
use opscalc_web::state::AppState;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts a view in a fresh container with the app state provided.
fn mount(lang: Lang, f: impl FnOnce() -> AnyView + 'static) -> (web_sys::HtmlElement, AppState) {
    let doc = web_sys::window().unwrap().document().unwrap();
    let el: web_sys::HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    doc.body().unwrap().append_child(&el).unwrap();
    // The web app fetches the sample files at start; tests embed them.
    opscalc_web::sample_files::install(vec![
        (
            InputKind::Orders,
            include_str!("../samples/orders.csv").to_string(),
        ),
        (
            InputKind::Activity,
            include_str!("../samples/activity.csv").to_string(),
        ),
        (
            InputKind::Products,
            include_str!("../samples/products.csv").to_string(),
        ),
        (
            InputKind::TrafficTable,
            include_str!("../samples/traffic.csv").to_string(),
        ),
    ]);
    let state = AppState::with_samples(lang);
    let handle = leptos::mount::mount_to(el.clone(), move || {
        provide_context(state);
        f()
    });
    handle.forget();
    (el, state)
}

async fn settle() {
    for _ in 0..3 {
        leptos::task::tick().await;
    }
}

fn attr(el: &web_sys::HtmlElement, selector: &str, name: &str) -> Option<String> {
    el.query_selector(selector)
        .unwrap()
        .and_then(|e| e.get_attribute(name))
}

fn text(el: &web_sys::HtmlElement, selector: &str) -> String {
    el.query_selector(selector)
        .unwrap()
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn metric_card_shows_value_formula_and_raw_data() {
    let metric = RwSignal::new(Metric::ratio("user_repurchase_rate", 240.0, 883.0));
    let (el, state) = mount(Lang::En, move || {
        view! { <MetricCard metric=metric /> }.into_any()
    });
    settle().await;
    assert_eq!(
        attr(&el, "[data-metric]", "data-metric").as_deref(),
        Some("user_repurchase_rate")
    );
    let raw: f64 = attr(&el, "[data-metric]", "data-value")
        .unwrap()
        .parse()
        .unwrap();
    assert!((raw - 240.0 / 883.0).abs() < 1e-15);
    assert_eq!(text(&el, ".metric-value"), "27.2%");
    assert_eq!(
        text(&el, ".metric-formula"),
        "repeat buyers / buyers = 240 / 883 = 27.2%"
    );
    assert_eq!(text(&el, ".metric-name"), "User repurchase rate");

    // Switching language re-renders the same card in Chinese.
    state.lang.set(Lang::Zh);
    settle().await;
    assert_eq!(text(&el, ".metric-name"), "用户复购率");
    assert_eq!(
        text(&el, ".metric-formula"),
        "复购买家数 / 买家数 = 240 / 883 = 27.2%"
    );

    // A zero denominator is "not available", with an empty data-value.
    metric.set(Metric::ratio("buyback_rate", 0.0, 0.0));
    settle().await;
    assert_eq!(
        attr(&el, "[data-metric]", "data-value").as_deref(),
        Some("")
    );
    assert_eq!(text(&el, ".metric-value"), "不可用");
    assert_eq!(
        text(&el, ".metric-reason"),
        "用户回购率：分母为 0，无法计算。"
    );
}

#[wasm_bindgen_test]
async fn data_table_sorts_numbers_numerically_and_filters() {
    let headers = Signal::stored(vec!["name".to_string(), "orders".to_string()]);
    let rows = Signal::stored(vec![
        vec![Cell::text("amy"), Cell::count(2.0)],
        vec![Cell::text("bob"), Cell::count(10.0)],
        vec![Cell::text("cat"), Cell::count(9.0)],
    ]);
    let (el, _) = mount(Lang::En, move || {
        view! { <DataTable headers=headers rows=rows filename="t.csv" test_id="t" /> }.into_any()
    });
    settle().await;
    let first_col = |el: &web_sys::HtmlElement| -> Vec<String> {
        let list = el.query_selector_all("tbody tr td:first-child").unwrap();
        (0..list.length())
            .map(|i| list.item(i).unwrap().text_content().unwrap())
            .collect()
    };
    assert_eq!(first_col(&el), ["amy", "bob", "cat"]);
    // Click "orders": descending by value (10, 9, 2), not by text ("9" > "2" > "10").
    let th: web_sys::HtmlElement = el
        .query_selector_all("th")
        .unwrap()
        .item(1)
        .unwrap()
        .unchecked_into();
    th.click();
    settle().await;
    assert_eq!(first_col(&el), ["bob", "cat", "amy"]);
    th.click();
    settle().await;
    assert_eq!(first_col(&el), ["amy", "cat", "bob"]);
    // Search keeps matching rows only.
    let input: web_sys::HtmlInputElement = el
        .query_selector("input[type=search]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    input.set_value("bo");
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    settle().await;
    assert_eq!(first_col(&el), ["bob"]);
    assert_eq!(text(&el, ".count"), "1 / 3");
}

#[wasm_bindgen_test]
async fn import_panel_reads_a_paste_and_keeps_data_on_bad_input() {
    let (el, state) = mount(Lang::En, || {
        view! { <ImportPanel kind=InputKind::Orders /> }.into_any()
    });
    settle().await;
    assert!(text(&el, "[data-testid=data-summary]").starts_with("sample · 406 rows"));

    let area: web_sys::HtmlTextAreaElement = el
        .query_selector("[data-testid=paste-area]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    let button: web_sys::HtmlElement = el
        .query_selector("[data-testid=paste-use]")
        .unwrap()
        .unwrap()
        .unchecked_into();

    // An empty paste is refused with a message; the sample stays.
    area.set_value("");
    area.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    button.click();
    settle().await;
    assert!(text(&el, "[data-testid=import-error]").contains("pasted text: the file is empty"));
    assert_eq!(state.orders.with_untracked(|d| d.rows), 406);

    // A TSV paste as Excel copies it replaces the data and maps the roles.
    area.set_value("订单号\t买家ID\t付款时间\nA1\tamy\t2024-03-01\nA2\tbob\t2024-03-02\n");
    area.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    button.click();
    settle().await;
    assert!(el
        .query_selector("[data-testid=import-error]")
        .unwrap()
        .is_none());
    assert!(text(&el, "[data-testid=data-summary]").starts_with("pasted data · 2 rows · 3 columns"));
    let mapped = state
        .orders
        .with_untracked(|d| d.mapping.get(opscalc_core::Role::BuyerId));
    assert_eq!(mapped, Some(1));
    let select: web_sys::HtmlSelectElement = el
        .query_selector("select[data-role=buyer_id]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    assert_eq!(select.value(), "1");
}

#[wasm_bindgen_test]
async fn heatmap_cells_carry_raw_shares_and_pick_their_cohort() {
    use opscalc_web::components::charts::Heatmap;
    let picked = RwSignal::new(None::<(String, usize)>);
    let (el, _) = mount(Lang::En, move || {
        let rows = Signal::derive(|| {
            vec![
                ("2024-01".to_string(), 3, vec![1.0, 0.0, 1.0 / 3.0]),
                ("2024-02".to_string(), 1, vec![1.0, 1.0]),
            ]
        });
        let pick = Callback::new(move |p: (String, usize)| picked.set(Some(p)));
        view! {
            <Heatmap row_header="Cohort".to_string() size_header="Users".to_string() rows=rows metric="retention_cohort" on_pick=pick />
        }
        .into_any()
    });
    settle().await;
    let cell = r#"[data-metric="retention_cohort"][data-cohort="2024-01"][data-k="2"]"#;
    // The raw share, not the rounded 33.3% shown.
    assert_eq!(
        attr(&el, cell, "data-value").as_deref(),
        Some("0.3333333333333333")
    );
    assert_eq!(text(&el, cell), "33.3%");
    assert_eq!(
        el.query_selector_all("[data-metric=\"retention_cohort\"]")
            .unwrap()
            .length(),
        5
    );
    let td: web_sys::HtmlElement = el.query_selector(cell).unwrap().unwrap().unchecked_into();
    td.click();
    settle().await;
    assert_eq!(picked.get_untracked(), Some(("2024-01".to_string(), 2)));
}
