//! The data-quality report: rows read, used and excluded per reason, every
//! excluded row with its row number, column and text, and a CSV download.

use crate::browser::download;
use crate::components::data_table::{Cell, DataTable};
use crate::components::drill::Drill;
use crate::engine::computed_when;
use crate::state::use_app;
use leptos::prelude::*;
use opscalc_core::{Ledger, Reason, Request, Response};

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

/// What the list says while it shows only the first excluded rows: the
/// engine's answers list the first [`opscalc_core::LISTED_EXCLUDED_ROWS`]
/// and count the rest, and the panel asks for all of them when the list is
/// opened or downloaded.
///
/// # Example
/// ```
/// use opscalc_web::{components::quality_panel::partial_list_note, i18n::Lang};
/// assert_eq!(
///     partial_list_note(1000, 42083, Lang::En),
///     "Showing the first 1,000 of 42,083 excluded rows while the rest load."
/// );
/// assert_eq!(partial_list_note(1000, 42083, Lang::Zh), "正在载入其余的排除行，先显示前 1,000 行（共 42,083 行）。");
/// ```
pub fn partial_list_note(listed: usize, all: usize, lang: crate::i18n::Lang) -> String {
    let (listed, all) = (
        crate::format::group(&listed.to_string()),
        crate::format::group(&all.to_string()),
    );
    match lang {
        crate::i18n::Lang::En => {
            format!("Showing the first {listed} of {all} excluded rows while the rest load.")
        }
        crate::i18n::Lang::Zh => {
            format!("正在载入其余的排除行，先显示前 {listed} 行（共 {all} 行）。")
        }
        crate::i18n::Lang::ZhTw => {
            format!("正在載入其餘的排除列，先顯示前 {listed} 列（共 {all} 列）。")
        }
    }
}

/// The data-quality panel of one calculator's rows.
#[component]
pub fn QualityPanel(
    /// The rows not used (an engine answer lists the first of them and
    /// counts the rest: see `source`).
    #[prop(into)]
    ledger: Signal<Ledger>,
    /// Warnings to show.
    #[prop(into)]
    warnings: Signal<Vec<String>>,
    /// The request whose answer holds `ledger`, and which of the answer's
    /// ledgers it is (`Response::ledgers_mut` order): the whole list is
    /// asked of the engine when the reader opens or downloads it.
    #[prop(optional)]
    source: Option<(Memo<Result<Request, String>>, usize)>,
) -> impl IntoView {
    let app = use_app();
    let t = move || app.lang.get().t();
    let open = RwSignal::new(false);
    let want_download = RwSignal::new(false);
    // Asked when opened or downloaded, and only when the answer listed
    // part of the ledger.
    let whole = computed_when(
        move || !ledger.with(Ledger::is_complete) && (open.get() || want_download.get()),
        move || {
            let (request, which) = source.ok_or_else(String::new)?;
            request.get().map(|r| Request::Excluded {
                of: Box::new(r),
                which,
            })
        },
        |r| match r {
            Response::Excluded(l) => Some(l),
            _ => None,
        },
    );
    // Whether the whole ledger has come for the ledger shown now.
    let has_whole = move || {
        !whole.busy.get() && !ledger.with(Ledger::is_complete) && whole.result.with(|r| r.is_ok())
    };
    let save = move |l: &Ledger| {
        let csv = excluded_csv(l, app.lang.get_untracked());
        download("excluded-rows.csv", "text/csv;charset=utf-8", &csv);
    };
    let save_whole = move || {
        whole.result.with_untracked(|r| {
            if let Ok(l) = r {
                save(l);
            }
        })
    };
    // A download asked for before the whole list was here.
    Effect::new(move |_| {
        if want_download.get() && has_whole() {
            want_download.set(false);
            save_whole();
        }
    });
    let reasons = move || {
        let lang = app.lang.get();
        ledger.with(|l| {
            l.by_reason()
                .into_iter()
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
        let row = |i: &opscalc_core::RowIssue| {
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
        };
        if has_whole() {
            whole.result.with(|r| match r {
                Ok(l) => l.issues.iter().map(row).collect::<Vec<_>>(),
                Err(_) => Vec::new(),
            })
        } else {
            ledger.with(|l| l.issues.iter().map(row).collect::<Vec<_>>())
        }
    });
    let partial = move || {
        let lang = app.lang.get();
        let (listed, all, complete) =
            ledger.with(|l| (l.issues.len(), l.excluded(), l.is_complete()));
        (!complete && !has_whole()).then(|| {
            view! { <p class="hint" data-testid="excluded-partial">{partial_list_note(listed, all, lang)}</p> }
        })
    };
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
                <span>{move || t().rows_excluded}": "<strong data-testid="rows-excluded">{move || ledger.with(|l| l.excluded())}</strong></span>
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
                when=move || ledger.with(|l| l.excluded() > 0)
                fallback=move || view! { <p class="hint">{move || t().no_excluded}</p> }
            >
                <ul class="reasons">{reasons}</ul>
                <Drill class="" summary=Signal::derive(move || t().show_rows.to_string()) open=open>
                    {partial}
                    <DataTable headers=headers rows=rows filename="excluded-rows.csv" />
                </Drill>
                <button
                    class="secondary"
                    aria-busy=move || want_download.get().then_some("true")
                    on:click=move |_| {
                        if has_whole() {
                            save_whole();
                        } else if ledger.with_untracked(Ledger::is_complete) || source.is_none() {
                            save(&ledger.get_untracked());
                        } else {
                            want_download.set(true);
                        }
                    }
                >
                    {move || t().download_excluded}
                </button>
            </Show>
        </section>
    }
}
