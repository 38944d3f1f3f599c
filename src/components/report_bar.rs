//! The results bar of a calculator: the headline metrics as CSV or XLSX,
//! a Print button, and the header a printed report starts with.

use crate::browser::{download, download_bytes};
use crate::export::{cells_csv, cells_xlsx, results_headers, results_rows, XLSX_MIME};
use crate::state::{use_app, Dataset, Source};
use leptos::prelude::*;
use opscalc_core::Metric;

/// Export and print buttons for a page's headline metrics, and the print
/// header (shown only on paper): report title, page, data files, date.
#[component]
pub fn ReportBar(
    /// The page's name, e.g. `复购率`.
    #[prop(into)]
    title: Signal<String>,
    /// The headline metrics.
    #[prop(into)]
    metrics: Signal<Vec<Metric>>,
    /// The datasets the page uses, named in the print header.
    datasets: Vec<RwSignal<Dataset>>,
    /// File name stem of the downloads, e.g. `repurchase` ->
    /// `repurchase-results.csv`.
    stem: &'static str,
) -> impl IntoView {
    let app = use_app();
    let k = move || app.lang.get().k();
    let table = move || {
        let lang = app.lang.get_untracked();
        (
            results_headers(lang),
            metrics.with_untracked(|m| results_rows(m, lang)),
        )
    };
    let on_csv = move |_| {
        let (h, rows) = table();
        download(
            &format!("{stem}-results.csv"),
            "text/csv;charset=utf-8",
            &cells_csv(&h, &rows),
        );
    };
    let on_xlsx = move |_| {
        let (h, rows) = table();
        download_bytes(
            &format!("{stem}-results.xlsx"),
            XLSX_MIME,
            &cells_xlsx(stem, &h, &rows),
        );
    };
    let on_print = move |_| {
        #[cfg(target_arch = "wasm32")]
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    let files = move || {
        let lang = app.lang.get();
        datasets
            .iter()
            .map(|d| {
                d.with(|d| match &d.source {
                    Source::File(n) => n.clone(),
                    Source::Sample => format!("{} ({})", d.name(), lang.t().source_sample),
                    Source::Paste => lang.t().source_paste.to_string(),
                })
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let today = move || {
        crate::pages::common::today()
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    view! {
        <div class="print-header" data-testid="print-header">
            <strong>{move || k().report_of}" · "{move || title.get()}</strong>
            <span>{move || k().data_files}": "{files}</span>
            <span>{move || k().printed_on}": "{today}</span>
        </div>
        <div class="export-bar no-print" data-testid="export-bar">
            <span class="label">{move || k().export_results}</span>
            <button class="secondary" data-testid="results-csv" on:click=on_csv>{move || app.lang.get().t().download_csv}</button>
            <button class="secondary" data-testid="results-xlsx" on:click=on_xlsx>{move || k().download_xlsx}</button>
            <button class="secondary" data-testid="print" on:click=on_print>{move || k().print}</button>
        </div>
    }
}
