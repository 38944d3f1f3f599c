//! Small SVG charts (line, bar) and an HTML heatmap. Hand-written instead of
//! a charting crate: none of the maintained ones targets Leptos 0.8 CSR
//! without pulling in a canvas stack, and these need only axes, labels and
//! CSS-variable colours that follow dark mode.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

const W: f64 = 640.0;
const H: f64 = 260.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 48.0;

/// "Nice" tick step for a maximum: 1, 2 or 5 times a power of ten.
///
/// # Example
/// ```
/// use opscalc_web::components::charts::nice_step;
/// assert_eq!(nice_step(0.47, 5), 0.1);
/// assert_eq!(nice_step(870.0, 5), 200.0);
/// ```
pub fn nice_step(max: f64, ticks: usize) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let raw = max / ticks as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let n = raw / mag;
    let step = if n <= 1.0 {
        1.0
    } else if n <= 2.0 {
        2.0
    } else if n <= 5.0 {
        5.0
    } else {
        10.0
    };
    step * mag
}

fn tick_label(v: f64, percent: bool) -> String {
    if percent {
        format!("{:.0}%", v * 100.0)
    } else if v.abs() >= 10_000.0 {
        format!("{:.0}k", v / 1000.0)
    } else if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

fn axis(max: f64, percent: bool, unit: &str) -> (f64, impl IntoView) {
    let step = nice_step(max, 5);
    let top = (max / step).ceil().max(1.0) * step;
    let n = (top / step).round() as usize;
    let ticks = (0..=n)
        .map(|i| {
            let v = step * i as f64;
            let y = TOP + (H - TOP - BOTTOM) * (1.0 - v / top);
            view! {
                <g class="tick">
                    <line x1=LEFT x2=W - RIGHT y1=y y2=y class="grid" stroke="#8884" />
                    <text x=LEFT - 6.0 y=y + 4.0 text-anchor="end" class="tick-label" font-size="11" fill="currentColor">
                        {tick_label(v, percent)}
                    </text>
                </g>
            }
        })
        .collect_view();
    let unit = unit.to_string();
    (
        top,
        view! {
            {ticks}
            <text x=4 y=TOP - 4.0 font-size="11" class="unit" fill="currentColor">{unit}</text>
        },
    )
}

fn x_labels(labels: &[String], x_of: impl Fn(usize) -> f64) -> impl IntoView {
    let every = labels.len().div_ceil(10).max(1);
    labels
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(i, l)| {
            let x = x_of(i);
            view! {
                <text x=x y=H - BOTTOM + 16.0 text-anchor="middle" font-size="11" class="tick-label" fill="currentColor">
                    {l.clone()}
                </text>
            }
        })
        .collect_view()
}

/// A line chart of values over labelled periods; missing values break the
/// line instead of dropping to zero.
#[component]
pub fn LineChart(
    /// Element id, for the SVG download.
    #[prop(into)]
    id: String,
    /// Accessible title.
    #[prop(into)]
    title: Signal<String>,
    /// (label, value) points.
    #[prop(into)]
    points: Signal<Vec<(String, Option<f64>)>>,
    /// Values are fractions shown as percentages.
    #[prop(default = false)]
    percent: bool,
    /// Unit shown at the top of the y axis.
    #[prop(into, default = Signal::stored(String::new()))]
    unit: Signal<String>,
) -> impl IntoView {
    view! {
        <svg id=id class="chart line-chart" viewBox=format!("0 0 {W} {H}") role="img" xmlns="http://www.w3.org/2000/svg">
            <title>{move || title.get()}</title>
            {move || {
                let pts = points.get();
                let max = pts.iter().filter_map(|p| p.1).fold(0.0f64, f64::max);
                let (top, axis_view) = axis(if percent { max.clamp(0.01, 1.0) } else { max }, percent, &unit.get());
                let n = pts.len().max(1);
                let x_of = move |i: usize| {
                    if n == 1 { (LEFT + W - RIGHT) / 2.0 } else { LEFT + (W - LEFT - RIGHT) * i as f64 / (n - 1) as f64 }
                };
                let y_of = move |v: f64| TOP + (H - TOP - BOTTOM) * (1.0 - v / top);
                // Split into runs of available values.
                let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
                for (i, (_, v)) in pts.iter().enumerate() {
                    match v {
                        Some(v) => runs.last_mut().unwrap().push((x_of(i), y_of(*v))),
                        None => runs.push(Vec::new()),
                    }
                }
                let paths = runs
                    .into_iter()
                    .filter(|r| !r.is_empty())
                    .map(|r| {
                        let d = r
                            .iter()
                            .enumerate()
                            .map(|(i, (x, y))| format!("{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" }))
                            .collect::<String>();
                        let dots = r
                            .iter()
                            .map(|(x, y)| view! { <circle cx=*x cy=*y r="3" class="dot" fill="var(--accent, #2563eb)" /> })
                            .collect_view();
                        view! {
                            <path d=d class="series" fill="none" stroke="var(--accent, #2563eb)" stroke-width="2" />
                            {dots}
                        }
                    })
                    .collect_view();
                let labels: Vec<String> = pts.iter().map(|p| p.0.clone()).collect();
                view! {
                    {axis_view}
                    <line x1=LEFT x2=W - RIGHT y1=H - BOTTOM y2=H - BOTTOM stroke="currentColor" />
                    {paths}
                    {x_labels(&labels, x_of)}
                }
            }}
        </svg>
    }
}

/// A vertical bar chart.
#[component]
pub fn BarChart(
    /// Element id, for the SVG download.
    #[prop(into)]
    id: String,
    /// Accessible title.
    #[prop(into)]
    title: Signal<String>,
    /// (label, value) bars.
    #[prop(into)]
    bars: Signal<Vec<(String, f64)>>,
    /// Values are fractions shown as percentages.
    #[prop(default = false)]
    percent: bool,
    /// Unit shown at the top of the y axis.
    #[prop(into, default = Signal::stored(String::new()))]
    unit: Signal<String>,
) -> impl IntoView {
    view! {
        <svg id=id class="chart bar-chart" viewBox=format!("0 0 {W} {H}") role="img" xmlns="http://www.w3.org/2000/svg">
            <title>{move || title.get()}</title>
            {move || {
                let bars = bars.get();
                let max = bars.iter().map(|b| b.1).fold(0.0f64, f64::max);
                let (top, axis_view) = axis(if percent { max.clamp(0.01, 1.0) } else { max.max(1.0) }, percent, &unit.get());
                let n = bars.len().max(1);
                let slot = (W - LEFT - RIGHT) / n as f64;
                let bw = (slot * 0.7).min(48.0);
                let x_of = move |i: usize| LEFT + slot * (i as f64 + 0.5);
                let rects = bars
                    .iter()
                    .enumerate()
                    .map(|(i, (label, v))| {
                        let h = (H - TOP - BOTTOM) * (v / top).clamp(0.0, 1.0);
                        let x = x_of(i) - bw / 2.0;
                        let y = H - BOTTOM - h;
                        let tip = format!("{label}: {}", if percent { format!("{:.1}%", v * 100.0) } else { crate::format::number(*v) });
                        view! {
                            <rect x=x y=y width=bw height=h class="bar" fill="var(--accent, #2563eb)" rx="2">
                                <title>{tip}</title>
                            </rect>
                        }
                    })
                    .collect_view();
                let labels: Vec<String> = bars.iter().map(|b| shorten(&b.0, 8)).collect();
                view! {
                    {axis_view}
                    <line x1=LEFT x2=W - RIGHT y1=H - BOTTOM y2=H - BOTTOM stroke="currentColor" />
                    {rects}
                    {x_labels(&labels, x_of)}
                }
            }}
        </svg>
    }
}

fn shorten(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).collect::<String>() + "…"
    }
}

/// A cohort heatmap: rows of shares coloured by value. With `metric`, each
/// cell carries `data-metric`, `data-value` (the unrounded share),
/// `data-cohort` and `data-k`; with `on_pick`, clicking a cell passes its
/// (cohort label, k) on, for a drill-down.
#[component]
pub fn Heatmap(
    /// Column header of the row labels.
    #[prop(into)]
    row_header: Signal<String>,
    /// Column header of the sizes.
    #[prop(into)]
    size_header: Signal<String>,
    /// (label, size, shares by offset).
    #[prop(into)]
    rows: Signal<Vec<(String, u64, Vec<f64>)>>,
    /// The `data-metric` key of the cells.
    #[prop(optional)]
    metric: Option<&'static str>,
    /// Called with (cohort label, k) when a cell is clicked.
    #[prop(optional)]
    on_pick: Option<Callback<(String, usize)>>,
) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table
                class="heatmap"
                class:pickable=on_pick.is_some()
                on:click=move |ev: leptos::ev::MouseEvent| {
                    // One listener for every cell: the cell says what it is.
                    let Some(cb) = on_pick else { return };
                    let cell = ev
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        .and_then(|e| e.closest("td.heat").ok().flatten());
                    let Some(cell) = cell else { return };
                    let k = cell.get_attribute("data-k").and_then(|k| k.parse().ok());
                    if let (Some(cohort), Some(k)) = (cell.get_attribute("data-cohort"), k) {
                        cb.run((cohort, k));
                    }
                }
            >
                <thead>
                    <tr>
                        <th>{move || row_header.get()}</th>
                        <th>{move || size_header.get()}</th>
                        {move || {
                            let n = rows.with(|r| r.iter().map(|x| x.2.len()).max().unwrap_or(0));
                            (0..n).map(|k| view! { <th>{format!("+{k}")}</th> }).collect_view()
                        }}
                    </tr>
                </thead>
                // One assignment of the body's HTML: built node by node, with
                // a listener per cell, a few years of monthly cohorts were
                // thousands of DOM calls, most of the main-thread task that
                // drew a million orders' results.
                <tbody inner_html=move || rows.with(|r| heatmap_body(r, metric, on_pick.is_some()))></tbody>
            </table>
        </div>
    }
}

/// The heatmap's body rows as HTML (see [`Heatmap`]): cells carry
/// `data-metric` and `data-value` with `metric`, and `data-cohort` and
/// `data-k` with `metric` or when `pickable`.
fn heatmap_body(rows: &[(String, u64, Vec<f64>)], metric: Option<&str>, pickable: bool) -> String {
    use std::fmt::Write;
    let mut html = String::new();
    for (label, size, shares) in rows {
        let label = escape_html(label);
        let _ = write!(html, "<tr><th>{label}</th><td class=\"num\">{size}</td>");
        for (k, s) in shares.iter().enumerate() {
            let alpha = (0.08 + s * 0.92).clamp(0.0, 1.0);
            let color = if *s > 0.5 { "#fff" } else { "inherit" };
            let _ = write!(
                html,
                "<td class=\"heat\" style=\"background: rgba(37, 99, 235, {alpha:.2}); color: {color}\""
            );
            if let Some(m) = metric {
                let _ = write!(
                    html,
                    " data-metric=\"{}\" data-value=\"{s}\"",
                    escape_html(m)
                );
            }
            if metric.is_some() || pickable {
                let _ = write!(html, " data-cohort=\"{label}\" data-k=\"{k}\"");
            }
            let _ = write!(html, ">{:.1}%</td>", s * 100.0);
        }
        html.push_str("</tr>");
    }
    html
}

/// `s` safe as HTML text and as a quoted attribute value.
fn escape_html(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains(['&', '<', '>', '"', '\'']) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heatmap_body_escapes_labels_and_marks_cells() {
        let rows = vec![("<a&\"b'>".to_string(), 3, vec![1.0, 1.0 / 3.0])];
        let html = heatmap_body(&rows, Some("retention_cohort"), true);
        assert_eq!(
            html,
            "<tr><th>&lt;a&amp;&quot;b&#39;&gt;</th><td class=\"num\">3</td>\
             <td class=\"heat\" style=\"background: rgba(37, 99, 235, 1.00); color: #fff\" \
             data-metric=\"retention_cohort\" data-value=\"1\" data-cohort=\"&lt;a&amp;&quot;b&#39;&gt;\" data-k=\"0\">100.0%</td>\
             <td class=\"heat\" style=\"background: rgba(37, 99, 235, 0.39); color: inherit\" \
             data-metric=\"retention_cohort\" data-value=\"0.3333333333333333\" data-cohort=\"&lt;a&amp;&quot;b&#39;&gt;\" data-k=\"1\">33.3%</td></tr>"
        );
        // Without a metric or a pick, cells carry only their look.
        let plain = heatmap_body(&[("2024-01".to_string(), 1, vec![0.0])], None, false);
        assert_eq!(
            plain,
            "<tr><th>2024-01</th><td class=\"num\">1</td>\
             <td class=\"heat\" style=\"background: rgba(37, 99, 235, 0.08); color: inherit\">0.0%</td></tr>"
        );
    }
}
