//! Result exports: the headline metrics as a table (CSV and XLSX), table
//! cells as XLSX cells, and charts as PNG (drawn by `web/export.js`).

use crate::components::data_table::Cell;
use crate::components::metric_card::formula_line;
use crate::format::metric_value;
use crate::i18n::Lang;
use crate::metric_text::metric_text;
use opscalc_core::{Metric, XlsxCell};

/// The MIME type of XLSX downloads.
pub const XLSX_MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The headers of the results table.
pub fn results_headers(lang: Lang) -> Vec<String> {
    let k = lang.k();
    vec![
        "key".to_string(),
        k.metric.to_string(),
        k.value.to_string(),
        k.formula.to_string(),
        k.reason.to_string(),
    ]
}

/// The headline metrics as rows: key, name, value as shown, formula with
/// the user's numbers, and why a value is not available.
///
/// # Example
/// ```
/// use opscalc_core::Metric;
/// use opscalc_web::{export::results_rows, i18n::Lang};
/// let rows = results_rows(&[Metric::ratio("user_repurchase_rate", 240.0, 883.0)], Lang::En);
/// assert_eq!(rows[0][0].text, "user_repurchase_rate");
/// assert_eq!(rows[0][2].text, "27.2%");
/// assert_eq!(rows[0][3].text, "repeat buyers / buyers = 240 / 883 = 27.2%");
/// ```
pub fn results_rows(metrics: &[Metric], lang: Lang) -> Vec<Vec<Cell>> {
    metrics
        .iter()
        .map(|m| {
            let value = match m.value {
                Some(v) => Cell::num(v, metric_value(m.key, v)),
                None => Cell::text(lang.t().not_available),
            };
            vec![
                Cell::text(m.key),
                Cell::text(metric_text(m.key, lang).name),
                value,
                Cell::text(formula_line(m, lang)),
                Cell::text(m.unavailable.clone().unwrap_or_default()),
            ]
        })
        .collect()
}

/// A table cell for XLSX: numbers stay numbers, rates become percentages
/// (the fraction, formatted as %), everything else is text.
///
/// # Example
/// ```
/// use opscalc_core::XlsxCell;
/// use opscalc_web::{components::data_table::Cell, export::xlsx_cell};
/// assert_eq!(xlsx_cell(&Cell::rate(Some(0.25), "n/a")), XlsxCell::Percent(0.25));
/// assert_eq!(xlsx_cell(&Cell::count(1234.0)), XlsxCell::Number(1234.0));
/// assert_eq!(xlsx_cell(&Cell::text("=1+1")), XlsxCell::Text("=1+1".into()));
/// assert_eq!(xlsx_cell(&Cell::text("")), XlsxCell::Empty);
/// ```
pub fn xlsx_cell(c: &Cell) -> XlsxCell {
    match c.num {
        Some(v) if c.text.ends_with('%') => XlsxCell::Percent(v),
        Some(v) => XlsxCell::Number(v),
        None if c.text.is_empty() => XlsxCell::Empty,
        None => XlsxCell::Text(c.text.clone()),
    }
}

/// Rows of cells as CSV text (formula-guarded, with a BOM for Excel).
pub fn cells_csv(headers: &[String], rows: &[Vec<Cell>]) -> String {
    let hs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let data: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| c.text.clone()).collect())
        .collect();
    opscalc_core::to_csv(&hs, &data)
}

/// Rows of cells as an XLSX workbook.
pub fn cells_xlsx(sheet: &str, headers: &[String], rows: &[Vec<Cell>]) -> Vec<u8> {
    let hs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let data: Vec<Vec<XlsxCell>> = rows
        .iter()
        .map(|r| r.iter().map(xlsx_cell).collect())
        .collect();
    opscalc_core::to_xlsx(sheet, &hs, &data)
}

/// `repurchase-periods.csv` -> `repurchase-periods.xlsx`.
///
/// # Example
/// ```
/// use opscalc_web::export::with_extension;
/// assert_eq!(with_extension("buyers.csv", "xlsx"), "buyers.xlsx");
/// assert_eq!(with_extension("buyers", "xlsx"), "buyers.xlsx");
/// ```
pub fn with_extension(name: &str, ext: &str) -> String {
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    format!("{stem}.{ext}")
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(module = "/web/export.js")]
extern "C" {
    #[wasm_bindgen(js_name = svgToPng)]
    fn svg_to_png(id: &str, filename: &str) -> js_sys::Promise;
}

/// A click handler that downloads the chart (SVG element) with this id as
/// a PNG at twice its size on white.
pub fn png_download(id: &'static str) -> impl Fn(leptos::ev::MouseEvent) + Clone + 'static {
    move |_| {
        #[cfg(target_arch = "wasm32")]
        {
            let _ = svg_to_png(
                id,
                &crate::download_name::in_page_lang(&format!("{id}.png")),
            );
        }
        #[cfg(not(target_arch = "wasm32"))]
        let _ = id;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sheet's XML: entries are stored, so it is in the file as is
    /// (reading XLSX back with calamine is tested in core).
    fn sheet_xml(bytes: &[u8]) -> String {
        let text = String::from_utf8_lossy(bytes);
        let start = text.find("<worksheet").unwrap();
        let end = text.find("</worksheet>").unwrap();
        text[start..end].to_string()
    }

    #[test]
    fn results_xlsx_has_rates_as_percent_numbers_and_text_as_text() {
        let ms = vec![
            Metric::count("buyers", 883.0),
            Metric::ratio("user_repurchase_rate", 240.0, 883.0),
            Metric::unavailable("buyback_rate", "no history"),
        ];
        let rows = results_rows(&ms, Lang::En);
        let xml = sheet_xml(&cells_xlsx("results", &results_headers(Lang::En), &rows));
        assert!(xml.contains(r#"<c r="C2"><v>883</v></c>"#), "{xml}");
        let rate = 240.0 / 883.0;
        assert!(
            xml.contains(&format!(r#"<c r="C3" s="1"><v>{rate}</v></c>"#)),
            "{xml}"
        );
        assert!(xml.contains(">no history<"), "{xml}");
        let csv = cells_csv(&results_headers(Lang::En), &rows);
        assert!(
            csv.starts_with("\u{FEFF}key,Metric,Value,Formula,Why not available\r\n"),
            "{csv}"
        );
        assert!(csv.contains("\r\nbuyers,Buyers,883,,\r\n"), "{csv}");
        assert!(csv.contains("\r\nbuyback_rate,"), "{csv}");
    }
}
