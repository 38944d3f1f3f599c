//! A sortable, searchable table with a CSV download of all its rows.

use crate::browser::download;
use crate::state::use_app;
use leptos::prelude::*;

/// One table cell: display text and, for numbers, the value to sort by.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// What is shown (and downloaded).
    pub text: String,
    /// Sort key for numeric columns.
    pub num: Option<f64>,
}

impl Cell {
    /// A text cell.
    pub fn text(s: impl Into<String>) -> Cell {
        Cell {
            text: s.into(),
            num: None,
        }
    }

    /// A number cell shown as `text`.
    pub fn num(v: f64, text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            num: Some(v),
        }
    }

    /// A rate cell (percentage, or n/a), sortable.
    pub fn rate(v: Option<f64>, na: &str) -> Cell {
        match v {
            Some(v) => Cell::num(v, crate::format::percent(v)),
            None => Cell {
                text: na.to_string(),
                num: None,
            },
        }
    }

    /// A count cell.
    pub fn count(v: f64) -> Cell {
        Cell::num(v, crate::format::number(v))
    }
}

/// Sorts rows by a column: numbers numerically (missing last), text by text.
///
/// # Example
/// ```
/// use opscalc_web::components::data_table::{sort_rows, Cell};
/// let mut rows = vec![vec![Cell::count(2.0)], vec![Cell::text("n/a")], vec![Cell::count(10.0)]];
/// sort_rows(&mut rows, 0, false);
/// assert_eq!(rows.iter().map(|r| r[0].text.as_str()).collect::<Vec<_>>(), ["10", "2", "n/a"]);
/// ```
pub fn sort_rows(rows: &mut [Vec<Cell>], col: usize, ascending: bool) {
    rows.sort_by(|a, b| compare(&a[col], &b[col], ascending));
}

/// The order of two cells of a column (numbers first, then text).
fn compare(x: &Cell, y: &Cell, ascending: bool) -> std::cmp::Ordering {
    let ord = match (x.num, y.num) {
        (Some(p), Some(q)) => p.total_cmp(&q),
        (Some(_), None) => return std::cmp::Ordering::Less,
        (None, Some(_)) => return std::cmp::Ordering::Greater,
        (None, None) => x.text.cmp(&y.text),
    };
    if ascending {
        ord
    } else {
        ord.reverse()
    }
}

/// The rows matching a search (any cell containing it, ignoring case),
/// sorted by a column: as row indices, so a table of a hundred thousand
/// buyers is never copied.
///
/// # Example
/// ```
/// use opscalc_web::components::data_table::{visible_rows, Cell};
/// let rows = vec![
///     vec![Cell::text("Amy"), Cell::count(2.0)],
///     vec![Cell::text("bob"), Cell::count(10.0)],
///     vec![Cell::text("amos"), Cell::count(5.0)],
/// ];
/// assert_eq!(visible_rows(&rows, "am", Some((1, false))), [2, 0]);
/// assert_eq!(visible_rows(&rows, "", None), [0, 1, 2]);
/// ```
pub fn visible_rows(rows: &[Vec<Cell>], query: &str, sort: Option<(usize, bool)>) -> Vec<usize> {
    let q = query.to_lowercase();
    let mut idx: Vec<usize> = (0..rows.len())
        .filter(|&i| q.is_empty() || rows[i].iter().any(|c| c.text.to_lowercase().contains(&q)))
        .collect();
    if let Some((c, asc)) = sort {
        // Stable, like sorting the rows themselves.
        idx.sort_by(|&a, &b| compare(&rows[a][c], &rows[b][c], asc));
    }
    idx
}

/// Most rows drawn at once; the download always has all of them.
const SHOWN: usize = 200;

/// A sortable, searchable table.
#[component]
pub fn DataTable(
    /// Column headers.
    #[prop(into)]
    headers: Signal<Vec<String>>,
    /// Rows of cells.
    #[prop(into)]
    rows: Signal<Vec<Vec<Cell>>>,
    /// File name of the CSV download.
    #[prop(into)]
    filename: String,
    /// Show a search box.
    #[prop(default = true)]
    searchable: bool,
    /// Test id of the table element.
    #[prop(into, default = String::new())]
    test_id: String,
) -> impl IntoView {
    let app = use_app();
    let sort = RwSignal::new(None::<(usize, bool)>);
    let query = RwSignal::new(String::new());
    let visible = Memo::new(move |_| {
        let (q, by) = (query.get(), sort.get());
        rows.with(|rows| visible_rows(rows, &q, by))
    });
    // The rows in view, in order (downloads have all of them).
    let picked = move || -> Vec<Vec<Cell>> {
        visible.with(|v| rows.with(|r| v.iter().map(|&i| r[i].clone()).collect()))
    };
    let xlsx_name = filename.clone();
    let on_download = move |_| {
        let h = headers.get();
        let hs: Vec<&str> = h.iter().map(String::as_str).collect();
        let data: Vec<Vec<String>> = visible.with(|v| {
            rows.with(|r| {
                v.iter()
                    .map(|&i| r[i].iter().map(|c| c.text.clone()).collect())
                    .collect()
            })
        });
        download(
            &filename,
            "text/csv;charset=utf-8",
            &opscalc_core::to_csv(&hs, &data),
        );
    };
    let on_xlsx = {
        let filename = xlsx_name;
        move |_| {
            let h = headers.get();
            let sheet = filename
                .rsplit_once('.')
                .map_or(filename.as_str(), |(s, _)| s);
            let bytes = crate::export::cells_xlsx(sheet, &h, &picked());
            crate::browser::download_bytes(
                &crate::export::with_extension(&filename, "xlsx"),
                crate::export::XLSX_MIME,
                &bytes,
            );
        }
    };
    view! {
        <div class="data-table">
            <div class="table-tools">
                <Show when=move || searchable>
                    <input
                        type="search"
                        class="search"
                        placeholder=move || app.lang.get().t().search
                        prop:value=move || query.get()
                        on:input=move |ev| query.set(event_target_value(&ev))
                    />
                </Show>
                <span class="count">{move || format!("{} / {}", visible.with(Vec::len), rows.with(Vec::len))}</span>
                <button class="secondary" on:click=on_download>{move || app.lang.get().t().download_csv}</button>
                <button class="secondary" on:click=on_xlsx>{move || app.lang.get().k().download_xlsx}</button>
            </div>
            <div class="table-wrap">
                <table data-testid=test_id>
                    <thead>
                        <tr>
                            {move || {
                                headers
                                    .get()
                                    .into_iter()
                                    .enumerate()
                                    .map(|(i, h)| {
                                        let arrow = move || match sort.get() {
                                            Some((c, true)) if c == i => " ▲",
                                            Some((c, false)) if c == i => " ▼",
                                            _ => "",
                                        };
                                        view! {
                                            <th class="sortable" on:click=move |_| {
                                                sort.update(|s| *s = match *s {
                                                    Some((c, asc)) if c == i => Some((i, !asc)),
                                                    _ => Some((i, false)),
                                                })
                                            }>{h}{arrow}</th>
                                        }
                                    })
                                    .collect_view()
                            }}
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            visible.with(|v| rows.with(|all| {
                                v.iter()
                                    .take(SHOWN)
                                    .map(|&i| {
                                        all[i].iter()
                                            .map(|c| {
                                                let class = if c.num.is_some() { "num" } else { "" };
                                                view! { <td class=class>{c.text.clone()}</td> }
                                            })
                                            .collect_view()
                                    })
                                    .map(|cells| view! { <tr>{cells}</tr> })
                                    .collect_view()
                            }))
                        }}
                    </tbody>
                </table>
            </div>
        </div>
    }
}
