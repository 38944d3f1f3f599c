//! The core's warnings in the reader's language. The core writes each
//! warning from one English template (`opscalc_core::notice`, the CLI's and
//! the JSON's wording); the app recognises the template, keeps its values
//! (file names and cell text as they are, counts and dates in the
//! language's format) and says it in Chinese. English readers get the
//! core's sentence; a sentence the app does not know stays as written.

use crate::format::{date_in, number_in};
use crate::i18n::Lang;
use opscalc_core::notice::{recognise, Notice};
use opscalc_core::Date;

/// A warning in a language.
///
/// # Example
/// ```
/// use opscalc_web::{i18n::Lang, warning_text::warning_in};
/// let w = "o.csv: 1200 rows have more cells than the header (first: row 3, 2 extra); the extra cells are ignored";
/// assert_eq!(
///     warning_in(w, Lang::Zh),
///     "o.csv：1,200 行的单元格比表头多（第一处：第 3 行，多 2 个）；多出的单元格已忽略。"
/// );
/// assert_eq!(
///     warning_in(w, Lang::ZhTw),
///     "o.csv：1,200 列的儲存格比標題列多（第一處：第 3 列，多 2 個）；多出的儲存格已忽略。"
/// );
/// assert_eq!(warning_in(w, Lang::En), w);
/// assert_eq!(warning_in("free text", Lang::Zh), "free text");
/// ```
pub fn warning_in(warning: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return warning.to_string();
    }
    translate(warning, lang).unwrap_or_else(|| warning.to_string())
}

/// Every warning of a list in a language, in order.
pub fn warnings_in(warnings: &[String], lang: Lang) -> Vec<String> {
    warnings.iter().map(|w| warning_in(w, lang)).collect()
}

/// The Chinese templates of a notice: (zh-CN, zh-TW), with the English
/// template's `{name}`s. `None` for a notice without a translation (a test
/// requires one for every notice).
pub fn templates(key: &str) -> Option<(&'static str, &'static str)> {
    Some(match key {
        "not_utf8_or_gbk" => (
            "{file}：文件既不是有效的 UTF-8 也不是 GBK 编码；无法解码的字节（第一处在第 {row} 行）已替换为 \u{FFFD}",
            "{file}：檔案既不是有效的 UTF-8 也不是 GBK 編碼；無法解碼的位元組（第一處在第 {row} 列）已替換為 \u{FFFD}",
        ),
        "bad_bytes" => (
            "{file}：部分字节不是有效的 {encoding}，已替换为 \u{FFFD}；如果文字看起来不对，请换一种编码",
            "{file}：部分位元組不是有效的 {encoding}，已替換為 \u{FFFD}；如果文字看起來不對，請換一種編碼",
        ),
        "extra_cells" => (
            "{file}：{rows} 行的单元格比表头多（第一处：第 {row} 行，多 {extra} 个）；多出的单元格已忽略",
            "{file}：{rows} 列的儲存格比標題列多（第一處：第 {row} 列，多 {extra} 個）；多出的儲存格已忽略",
        ),
        "unbalanced_quote" => (
            "{file}：文件中的引号不成对；其后的行可能被合并进一个单元格",
            "{file}：檔案中的引號不成對；其後的列可能被合併進一個儲存格",
        ),
        "renamed_columns" => (
            "{file}：第 {row} 行有重复的列名；已重命名 {renamed}",
            "{file}：第 {row} 列有重複的欄名；已重新命名 {renamed}",
        ),
        "renamed_columns_more" => (
            "{file}：第 {row} 行有重复的列名；已重命名 {renamed}，另有 {more} 个",
            "{file}：第 {row} 列有重複的欄名；已重新命名 {renamed}，另有 {more} 個",
        ),
        "sheet_errors" => (
            "{file}：{cells} 个单元格是表格公式错误（第一处：第 {row} 行，{column} 列：{error}）；按文本读取，计为无法识别的值",
            "{file}：{cells} 個儲存格是試算表公式錯誤（第一處：第 {row} 列，{column} 欄：{error}）；以文字讀取，計為無法辨識的值",
        ),
        "first_sheet" => (
            "{file}：读取了 {sheets} 个工作表中的第一个“{sheet}”；如需其他工作表请另选",
            "{file}：讀取了 {sheets} 個工作表中的第一個「{sheet}」；如需其他工作表請另選",
        ),
        "conflicting_buyers" => (
            "{file}：{orders} 个订单的明细行买家不一致（取第一个），例如 {examples}",
            "{file}：{orders} 筆訂單的明細列買家不一致（取第一個），例如 {examples}",
        ),
        "conflicting_times" => (
            "{file}：{orders} 个订单的明细行时间不一致（取最早的），例如 {examples}",
            "{file}：{orders} 筆訂單的明細列時間不一致（取最早的），例如 {examples}",
        ),
        "no_time_of_day" => (
            "{file}：时间只有日期没有时刻，无法按间隔拆分访问：每个访客一天内的浏览算一次访问",
            "{file}：時間只有日期沒有時刻，無法依間隔拆分造訪：每位訪客一天內的瀏覽算一次造訪",
        ),
        "no_page_views" => (
            "{file}：没有可统计的浏览记录",
            "{file}：沒有可統計的瀏覽紀錄",
        ),
        "multi_channel_visitors" => (
            "部分访客来自多个渠道，在每个渠道各计一次；渠道占比按各渠道访客数之和计算",
            "部分訪客來自多個通路，在每個通路各計一次；通路占比依各通路訪客數之和計算",
        ),
        "duplicate_skus" => (
            "{file}：{rows} 行的 SKU 与前面某行重复；每个 SKU 只用第一行",
            "{file}：{rows} 列的 SKU 與前面某列重複；每個 SKU 只用第一列",
        ),
        "no_activity" => (
            "{file}：没有可统计的活跃记录",
            "{file}：沒有可統計的活躍紀錄",
        ),
        "short_history" => (
            "数据从 {first} 开始，距窗口开始日 {from} 不足 {days} 天（流失天数）：数据开始前就已流失的用户会被当作新用户，流失用户数可能偏低",
            "資料從 {first} 開始，距區間開始日 {from} 不足 {days} 天（流失天數）：資料開始前就已流失的使用者會被當成新使用者，流失使用者數可能偏低",
        ),
        "activity_span" => (
            "活跃数据跨越超过 {periods} {period}（是否有 9999-12-31 之类的占位日期？）；留存同期群表不显示",
            "活躍資料跨越超過 {periods} {period}（是否有 9999-12-31 之類的佔位日期？）；留存同期群表不顯示",
        ),
        "no_paid_orders" => (
            "{file}：没有可统计的已付款订单",
            "{file}：沒有可統計的已付款訂單",
        ),
        "no_buyers_in_window" => (
            "{from} 至 {to} 之间没有带买家的订单",
            "{from} 至 {to} 之間沒有帶買家的訂單",
        ),
        "merge_same_day" => (
            "同一买家同一天的订单算一次购买：“订单”按买家-日计",
            "同一買家同一天的訂單算一次購買：「訂單」以買家－日計",
        ),
        "order_span" => (
            "订单跨越超过 {months} 个月（是否有 9999-12-31 之类的占位日期？）；同期群矩阵不显示",
            "訂單跨越超過 {months} 個月（是否有 9999-12-31 之類的佔位日期？）；同期群矩陣不顯示",
        ),
        "no_activity_file" => (
            "没有活跃文件：这里每个用户都买过，所以没有用户处于导入期",
            "沒有活躍檔案：這裡每位使用者都買過，所以沒有使用者處於導入期",
        ),
        "no_orders_file" => (
            "没有订单文件：没有人买过，所以每个用户都处于导入期或流失期；导入订单才能看到其他阶段",
            "沒有訂單檔案：沒有人買過，所以每位使用者都處於導入期或流失期；匯入訂單才能看到其他階段",
        ),
        "no_users_as_of" => (
            "{as_of} 及之前没有任何用户的数据",
            "{as_of} 及之前沒有任何使用者的資料",
        ),
        "skus_not_in_products" => (
            "{file}：窗口内售出的 {skus} 个 SKU 不在商品文件中（{rows} 行未计入），例如 {examples}",
            "{file}：區間內售出的 {skus} 個 SKU 不在商品檔案中（{rows} 列未計入），例如 {examples}",
        ),
        "unknown_statuses" => (
            "{file}：这些状态既不是在线也不是仓库中：{statuses}；请归类，在此之前这些 SKU 不计入",
            "{file}：這些狀態既不是上架也不是倉庫中：{statuses}；請歸類，在此之前這些 SKU 不計入",
        ),
        "no_sales_data" => (
            "没有销量数据：请导入订单文件，或映射 30 天销量列或最后售出日期列；每个 SKU 都按未售出计",
            "沒有銷量資料：請匯入訂單檔案，或對應 30 天銷量欄或最後售出日期欄；每個 SKU 都以未售出計",
        ),
        "sales_30d_window" => (
            "商品文件的 30 天销量覆盖 30 天，而不是 {days} 天的窗口",
            "商品檔案的 30 天銷量涵蓋 30 天，而不是 {days} 天的區間",
        ),
        "sold_after_as_of" => (
            "{skus} 个 SKU 的最后售出日期晚于 {as_of}，不能说明窗口内有销售，例如 {examples}",
            "{skus} 個 SKU 的最後售出日期晚於 {as_of}，不能說明區間內有銷售，例如 {examples}",
        ),
        "bounced_exceed_visits" => (
            "数据看起来不一致：跳失访问数大于访问次数；请检查列映射",
            "資料看起來不一致：跳出造訪數大於造訪次數；請檢查欄位對應",
        ),
        "buyers_exceed_uv" => (
            "数据看起来不一致：支付买家数大于访客数；请检查列映射",
            "資料看起來不一致：買家數大於訪客數；請檢查欄位對應",
        ),
        "clicks_exceed_impressions" => (
            "数据看起来不一致：点击量大于展现量；请检查列映射",
            "資料看起來不一致：點擊數大於曝光數；請檢查欄位對應",
        ),
        "visits_exceed_pv" => (
            "数据看起来不一致：访问次数大于浏览量；请检查列映射",
            "資料看起來不一致：造訪次數大於瀏覽量；請檢查欄位對應",
        ),
        "rate_column_bounced_given" => (
            "{file}：未使用跳失率列“{column}”：已给出跳失访问数",
            "{file}：未使用跳出率欄「{column}」：已提供跳出造訪數",
        ),
        "rate_column_no_visits" => (
            "{file}：未使用跳失率列“{column}”：没有每行的访问次数就只能对比率取平均，而比率从不取平均",
            "{file}：未使用跳出率欄「{column}」：沒有每列的造訪次數就只能對比率取平均，而比率從不取平均",
        ),
        "bounced_from_rate" => (
            "{file}：跳失访问数按行以跳失率 × 访问次数算出",
            "{file}：跳出造訪數逐列以跳出率 × 造訪次數算出",
        ),
        "blank_counts" => (
            "{file}：计数列中有 {cells} 个空单元格（第一处：第 {row} 行，{column} 列），按无计；涉及这些行的比率可能有偏差",
            "{file}：計數欄中有 {cells} 個空白儲存格（第一處：第 {row} 列，{column} 欄），以無計；涉及這些列的比率可能有偏差",
        ),
        "uv_summed_days" => (
            "按天汇总的访客数每天各计一次，所以大于整个期间的不同访客数",
            "按天加總的訪客數每天各計一次，所以大於整段期間的不重複訪客數",
        ),
        "no_count_rows" => (
            "{file}：没有可用的计数行",
            "{file}：沒有可用的計數列",
        ),
        _ => return None,
    })
}

/// Values that are counts: grouped in thousands as elsewhere in the app.
const COUNTS: &[&str] = &[
    "rows", "extra", "cells", "sheets", "orders", "skus", "days", "periods", "months", "more",
];
/// Values that are dates: written as the language writes dates.
const DATES: &[&str] = &["first", "from", "to", "as_of"];

fn translate(warning: &str, lang: Lang) -> Option<String> {
    let (notice, values) = recognise(warning)?;
    let (cn, tw) = templates(notice.key)?;
    let template = if lang == Lang::ZhTw { tw } else { cn };
    Some(fill(template, &notice, &values, lang) + "。")
}

/// The Chinese template with the values said in the language.
fn fill(template: &str, notice: &Notice, values: &[(&'static str, String)], lang: Lang) -> String {
    let mut out = template.to_string();
    for (name, raw) in values {
        let said = value_in(notice.key, name, raw, lang);
        out = out.replace(&format!("{{{name}}}"), &said);
    }
    out
}

/// One value in a language; anything not understood stays as written.
fn value_in(key: &str, name: &str, raw: &str, lang: Lang) -> String {
    let tw = lang == Lang::ZhTw;
    if COUNTS.contains(&name) {
        return raw
            .parse::<u64>()
            .map(|n| number_in(n as f64, lang))
            .unwrap_or_else(|_| raw.to_string());
    }
    if DATES.contains(&name) {
        return Date::parse(raw)
            .map(|d| date_in(d, lang))
            .unwrap_or_else(|| raw.to_string());
    }
    match (key, name) {
        (_, "period") => match raw {
            "day" => "天",
            "week" if tw => "週",
            "week" => "周",
            "month" if tw => "個月",
            "month" => "个月",
            _ => raw,
        }
        .to_string(),
        (_, "renamed") => {
            let another = if tw { "另一個" } else { "另一个" };
            list_in(raw, " (another \"", "\")", |new, old| {
                format!("{}（{another}{}）", quote(new, tw), quote(old, tw))
            })
        }
        (_, "statuses") => {
            let unit = if tw { "列" } else { "行" };
            list_in(raw, "\" (", " rows)", |v, n| match n.parse::<u64>() {
                Ok(n) => format!("{}（{} {unit}）", quote(v, tw), number_in(n as f64, lang)),
                Err(_) => format!("{}（{n} {unit}）", quote(v, tw)),
            })
        }
        _ => raw.to_string(),
    }
}

/// Cell text in the language's quotation marks.
fn quote(s: &str, tw: bool) -> String {
    if tw {
        format!("「{s}」")
    } else {
        format!("“{s}”")
    }
}

/// A list the core wrote as `"a"<mid>b<end>, "c"<mid>d<end>` (renamed
/// columns, unknown statuses), each item said by `item`; a list that does
/// not split cleanly (a value holding the separators) stays as written.
fn list_in(raw: &str, mid: &str, end: &str, item: impl Fn(&str, &str) -> String) -> String {
    let Some(body) = raw.strip_suffix(end) else {
        return raw.to_string();
    };
    let sep = format!("{end}, \"");
    let mut out = Vec::new();
    for part in body.split(sep.as_str()) {
        let part = part.strip_prefix('"').unwrap_or(part);
        let Some((a, b)) = part.split_once(mid) else {
            return raw.to_string();
        };
        // Statuses are `"v" (n rows)`: `mid` holds the closing quote.
        out.push(item(a.trim_end_matches('"'), b));
    }
    out.join("、")
}

#[cfg(test)]
mod tests;
