//! The data-quality report: rows read, used and excluded per reason, every
//! excluded row with its row number, column and text, and a CSV download.

use crate::browser::download;
use crate::components::data_table::{Cell, DataTable};
use crate::components::drill::Drill;
use crate::state::use_app;
use leptos::prelude::*;
use opscalc_core::{Ledger, Reason};

/// The reason of an excluded row in the user's language.
pub fn reason_text(reason: Reason, lang: crate::i18n::Lang) -> &'static str {
    use Reason::*;
    match lang {
        crate::i18n::Lang::En => reason.describe(),
        crate::i18n::Lang::ZhTw => crate::learn_tw::reason_tw(reason).unwrap_or(reason.describe()),
        crate::i18n::Lang::Zh => match reason {
            BlankRow => "整行为空",
            DuplicateRow => "与前面某行完全相同，只计一次",
            MissingOrderId => "缺少订单号",
            MissingTime => "时间列为空",
            BadTime => "时间无法识别",
            BadNumber => "数字无法识别",
            Unpaid => "订单没有付款时间（未付款）",
            CancelledOrUnpaid => "状态表示未付款（关闭、取消、待付款）",
            Refunded => "已退款，且设置为排除退款",
            MissingBuyer => "缺少买家ID，不计入买家指标",
            MissingUser => "缺少用户ID",
            MissingSku => "缺少 SKU",
            DuplicateSku => "SKU 在商品表中重复出现",
            UnknownStatus => "状态既不是在线也不是仓库中，需要确认",
            OutsideWindow => "不在所选时间窗口内",
            AfterAsOf => "晚于统计日期",
            UnknownSku => "订单中的 SKU 不在商品表中",
            TotalRow => "合计行，不重复计算",
            MissingSession => "缺少会话ID",
            #[allow(unreachable_patterns)]
            _ => reason.describe(),
        },
    }
}

/// The column of an excluded row: a header as in the file, or (when the
/// core names a role, such as `sku` or `buyer_id`) the role's name in the
/// language, as the mapping shows it.
///
/// # Example
/// ```
/// use opscalc_web::{components::quality_panel::column_text, i18n::Lang};
/// assert_eq!(column_text("buyer_id", Lang::Zh), "买家ID (buyer_id)");
/// assert_eq!(column_text("付款时间", Lang::ZhTw), "付款时间");
/// assert_eq!(column_text("buyer_id", Lang::En), "buyer_id");
/// ```
pub fn column_text(column: &str, lang: crate::i18n::Lang) -> String {
    match opscalc_core::Role::from_key(column) {
        Some(r) if lang != crate::i18n::Lang::En => {
            crate::components::import_panel::role_label(r, lang)
        }
        _ => column.to_string(),
    }
}

/// The excluded rows as CSV in a language: the same columns as the CLI's
/// (English keeps its exact file), with the headings and the explanation
/// in the language; reason keys and cell text stay as they are.
///
/// # Example
/// ```
/// use opscalc_core::{Ledger, Reason};
/// use opscalc_web::{components::quality_panel::excluded_csv, i18n::Lang};
/// let mut l = Ledger::new("o.csv", 3);
/// l.exclude(2, Some("付款时间"), Reason::BadTime, "abc");
/// assert_eq!(
///     excluded_csv(&l, Lang::Zh),
///     "\u{FEFF}文件,行,列,原因,说明,内容\r\no.csv,2,付款时间,bad_time,时间无法识别,abc\r\n"
/// );
/// assert_eq!(excluded_csv(&l, Lang::En), l.to_csv());
/// ```
pub fn excluded_csv(ledger: &Ledger, lang: crate::i18n::Lang) -> String {
    use crate::i18n::Lang;
    let headers: [&str; 6] = match lang {
        Lang::En => return ledger.to_csv(),
        Lang::Zh => ["文件", "行", "列", "原因", "说明", "内容"],
        Lang::ZhTw => ["檔案", "列", "欄", "原因", "說明", "內容"],
    };
    let rows: Vec<Vec<String>> = ledger
        .issues
        .iter()
        .map(|i| {
            vec![
                ledger.file.clone(),
                i.row.to_string(),
                i.column
                    .as_deref()
                    .map(|c| column_text(c, lang))
                    .unwrap_or_default(),
                i.reason.key().to_string(),
                reason_text(i.reason, lang).to_string(),
                i.text.clone(),
            ]
        })
        .collect();
    opscalc_core::to_csv(&headers, &rows)
}

/// The data-quality panel of one calculator's rows.
#[component]
pub fn QualityPanel(
    /// The rows not used.
    #[prop(into)]
    ledger: Signal<Ledger>,
    /// Warnings to show.
    #[prop(into)]
    warnings: Signal<Vec<String>>,
) -> impl IntoView {
    let app = use_app();
    let t = move || app.lang.get().t();
    let reasons = move || {
        let lang = app.lang.get();
        ledger.with(|l| {
            let mut by: Vec<(Reason, usize)> = Vec::new();
            for i in &l.issues {
                match by.iter_mut().find(|(r, _)| *r == i.reason) {
                    Some(e) => e.1 += 1,
                    None => by.push((i.reason, 1)),
                }
            }
            by.into_iter()
                .map(|(r, n)| {
                    view! {
                        <li data-reason=r.key()>
                            <code>{r.key()}</code>
                            " "
                            <strong class="num" data-count=n.to_string()>{n}</strong>
                            " — "
                            {reason_text(r, lang)}
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let rows = Signal::derive(move || {
        let lang = app.lang.get();
        ledger.with(|l| {
            l.issues
                .iter()
                .map(|i| {
                    vec![
                        Cell::num(i.row as f64, i.row.to_string()),
                        Cell::text(
                            i.column
                                .as_deref()
                                .map(|c| column_text(c, lang))
                                .unwrap_or_default(),
                        ),
                        Cell::text(format!(
                            "{} · {}",
                            i.reason.key(),
                            reason_text(i.reason, lang)
                        )),
                        Cell::text(i.text.clone()),
                    ]
                })
                .collect::<Vec<_>>()
        })
    });
    let headers = Signal::derive(move || {
        let t = t();
        vec![
            t.row.to_string(),
            t.column.to_string(),
            t.reason.to_string(),
            t.text.to_string(),
        ]
    });
    view! {
        <section class="panel quality">
            <h3>{move || t().data_quality}</h3>
            <div class="row-counts">
                <span>{move || t().rows_read}": "<strong data-testid="rows-read">{move || ledger.with(|l| l.read)}</strong></span>
                <span>{move || t().rows_used}": "<strong data-testid="rows-used">{move || ledger.with(|l| l.used())}</strong></span>
                <span>{move || t().rows_excluded}": "<strong data-testid="rows-excluded">{move || ledger.with(|l| l.issues.len())}</strong></span>
            </div>
            <Show when=move || warnings.with(|w| !w.is_empty())>
                <ul class="warnings" data-testid="warnings">
                    {move || {
                        // The core writes English; say it in the reader's language.
                        let lang = app.lang.get();
                        warnings
                            .get()
                            .into_iter()
                            .map(|w| view! { <li>{crate::warning_text::warning_in(&w, lang)}</li> })
                            .collect_view()
                    }}
                </ul>
            </Show>
            <Show
                when=move || ledger.with(|l| !l.issues.is_empty())
                fallback=move || view! { <p class="hint">{move || t().no_excluded}</p> }
            >
                <ul class="reasons">{reasons}</ul>
                <Drill class="" summary=Signal::derive(move || t().show_rows.to_string())>
                    <DataTable headers=headers rows=rows filename="excluded-rows.csv" />
                </Drill>
                <button class="secondary" on:click=move |_| {
                    let l = ledger.get_untracked();
                    let csv = excluded_csv(&l, app.lang.get_untracked());
                    download("excluded-rows.csv", "text/csv;charset=utf-8", &csv);
                }>{move || t().download_excluded}</button>
            </Show>
        </section>
    }
}
