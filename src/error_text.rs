//! Import and calculation errors in the reader's language. The core's
//! errors read `file: row N, column C: message` (a `ReadError`) or are a
//! bare message (a calculator's options); the app recognises the message
//! by its core template (`opscalc_core::notice::ERRORS`) and says the whole
//! error in Chinese. English readers, and messages without a template
//! get the core's text unchanged. The spreadsheet reader's and the
//! browser's own failures (workers, engine) are in `failure_text`.

use crate::components::import_panel::role_label;
use crate::failure_text::Values;
use crate::format::date_in;
use crate::i18n::Lang;
use opscalc_core::notice::recognise_error;
use opscalc_core::{Date, Role};

/// An error in a language.
///
/// # Example
/// ```
/// use opscalc_web::{error_text::error_in, i18n::Lang};
/// let e = "o.csv: row 3, column 付款时间: dates like \"05/03/2024\" could be day-first or month-first; choose the date order";
/// assert_eq!(
///     error_in(e, Lang::Zh),
///     "o.csv：第 3 行，付款时间 列：“05/03/2024”这样的日期既可能是日/月也可能是月/日；请选择日期顺序。"
/// );
/// assert_eq!(error_in(e, Lang::En), e);
/// ```
pub fn error_in(error: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return error.to_string();
    }
    translate(error, lang).unwrap_or_else(|| error.to_string())
}

fn translate(error: &str, lang: Lang) -> Option<String> {
    if let Some(field) = field_error(error, lang) {
        return Some(field);
    }
    // A sentence that names its own file or workspace first (the import
    // worker's, the page's) is one template whole, whatever the name holds.
    if let Some((n, _)) = recognise_error(error) {
        if n.en.starts_with("{file}") || n.en.starts_with("{workspace}") {
            return message_in(error, lang).map(|m| m + "。");
        }
    }
    // The message follows the first ": " after which it is a known one (the
    // place before it has no known message in it); a bare message last.
    error
        .match_indices(": ")
        .find_map(|(at, _)| {
            let message = message_in(&error[at + 2..], lang)?;
            Some(format!("{}：{message}。", place_in(&error[..at], lang)))
        })
        .or_else(|| message_in(error, lang).map(|m| m + "。"))
}

/// A settings field the page could not read (`pages::common::opt_date`
/// and `whole`; reachable through a link's query): `{field}: not a date:
/// "{text}"` or `{field}: expected a whole number of 1 or more, got
/// "{text}"`.
fn field_error(error: &str, lang: Lang) -> Option<String> {
    let (field, rest) = error.split_once(": ")?;
    let name = match field {
        "from" => ("开始日期", "開始日期"),
        "to" => ("结束日期", "結束日期"),
        "as of" => ("统计日期", "統計日期"),
        "compare" => ("对比的较早统计日期", "比較用的較早統計日期"),
        "period" => ("周期", "週期"),
        "churn days" => ("流失天数", "流失天數"),
        "dormant days" => ("休眠天数", "休眠天數"),
        "window days" => ("统计天数", "統計天數"),
        "session gap minutes" => ("会话间隔分钟数", "工作階段間隔分鐘數"),
        "lookback days" => ("回看天数", "回看天數"),
        _ => return None,
    };
    let tw = lang == Lang::ZhTw;
    let name = if tw { name.1 } else { name.0 };
    let quoted = |t: &str| {
        if tw {
            format!("「{t}」")
        } else {
            format!("“{t}”")
        }
    };
    if let Some(text) = rest
        .strip_prefix("not a date: \"")
        .and_then(|t| t.strip_suffix('"'))
    {
        return Some(format!("{name}：{}不是日期。", quoted(text)));
    }
    if let Some(text) = rest
        .strip_prefix("not a whole number: \"")
        .and_then(|t| t.strip_suffix('"'))
    {
        return Some(if tw {
            format!("{name}：{}不是整數。", quoted(text))
        } else {
            format!("{name}：{}不是整数。", quoted(text))
        });
    }
    let text = rest
        .strip_prefix("expected a whole number of 1 or more, got \"")?
        .strip_suffix('"')?;
    Some(if tw {
        format!("{name}：應為 1 以上的整數，輸入的是{}。", quoted(text))
    } else {
        format!("{name}：应为 1 及以上的整数，输入的是{}。", quoted(text))
    })
}

/// `file`, `file: row N`, `file: row N, column C` or `file: column C`.
fn place_in(head: &str, lang: Lang) -> String {
    let tw = lang == Lang::ZhTw;
    let (row_word, col_word) = if tw { ("列", "欄") } else { ("行", "列") };
    let row = |n: &str| format!("第 {n} {row_word}");
    if let Some((file, rest)) = head.split_once(": row ") {
        let (n, column) = match rest.split_once(", column ") {
            Some((n, c)) => (n, Some(c)),
            None => (rest, None),
        };
        if n.parse::<u32>().is_ok() {
            return match column {
                Some(c) => format!("{file}：{}，{c} {col_word}", row(n)),
                None => format!("{file}：{}", row(n)),
            };
        }
    }
    if let Some((file, c)) = head.split_once(": column ") {
        return format!("{file}：{c} {col_word}");
    }
    head.to_string()
}

/// A core error message in Chinese, without the final stop.
fn message_in(message: &str, lang: Lang) -> Option<String> {
    let (notice, values) = recognise_error(message)?;
    // Counts must be numbers: otherwise the place (`row 1: 5000`) was
    // taken into the message.
    const COUNTS: &[&str] = &["columns", "max", "bytes", "rows", "mb", "max_mb"];
    let numeric = |(k, v): &(&str, String)| {
        let count = COUNTS.contains(k) || (notice.key == "header_too_long" && *k == "column");
        !count || v.parse::<u64>().is_ok()
    };
    if !values.iter().all(numeric) {
        return None;
    }
    let x = Values {
        values: &values,
        lang,
    };
    let v = |name: &str| x.v(name);
    let n = |name: &str| x.n(name);
    let q = |s: &str| x.q(s);
    let zh = |cn: String, tw: String| x.zh(cn, tw);
    let d =
        |name: &str| Date::parse(v(name)).map_or_else(|| v(name).to_string(), |x| date_in(x, lang));
    Some(match notice.key {
        "missing_column" => {
            let role = match Role::from_key(v("role")) {
                Some(r) => role_label(r, lang),
                None if v("role").starts_with("pv, uv") => {
                    zh("流量计数（浏览量、访客数等）".into(), "流量計數（瀏覽量、訪客數等）".into())
                }
                None => v("role").to_string(),
            };
            zh(
                format!("没有一列看起来是{role}：请映射一列"),
                format!("沒有一欄看起來是{role}：請對應一欄"),
            )
        }
        "date_order_ambiguous" => zh(
            format!("{}这样的日期既可能是日/月也可能是月/日；请选择日期顺序", q(v("value"))),
            format!("{}這樣的日期既可能是日/月也可能是月/日；請選擇日期順序", q(v("value"))),
        ),
        "date_order_mixed" => zh(
            format!(
                "同一列混有日在前（{}）和月在前（{}）的日期",
                q(v("day_first")),
                q(v("month_first"))
            ),
            format!(
                "同一欄混有日在前（{}）和月在前（{}）的日期",
                q(v("day_first")),
                q(v("month_first"))
            ),
        ),
        "empty_file" => zh("文件是空的：没有表头行".into(), "檔案是空的：沒有標題列".into()),
        "nul_bytes" => zh(
            "文件含有 NUL 字节，不是文本表格（是二进制文件，或没有 BOM 的 UTF-16？）；请选择编码，或重新另存为 CSV".into(),
            "檔案含有 NUL 位元組，不是文字表格（是二進位檔，或沒有 BOM 的 UTF-16？）；請選擇編碼，或重新另存為 CSV".into(),
        ),
        "too_many_columns" => zh(
            format!("{} 列；最多支持 {} 列（这真的是表格吗？）", n("columns"), n("max")),
            format!("{} 欄；最多支援 {} 欄（這真的是表格嗎？）", n("columns"), n("max")),
        ),
        "header_too_long" => zh(
            format!(
                "第 {} 个表头长 {} 字节；最多支持 {} 字节（这真的是表格吗？）",
                v("column"),
                n("bytes"),
                n("max")
            ),
            format!(
                "第 {} 個標題長 {} 位元組；最多支援 {} 位元組（這真的是表格嗎？）",
                v("column"),
                n("bytes"),
                n("max")
            ),
        ),
        "too_many_cells" => zh(
            format!(
                "表格超过 {} 个单元格（目前 {} 行 × {} 列）；请拆分文件",
                n("max"),
                n("rows"),
                n("columns")
            ),
            format!(
                "表格超過 {} 個儲存格（目前 {} 列 × {} 欄）；請分割檔案",
                n("max"),
                n("rows"),
                n("columns")
            ),
        ),
        "unknown_encoding" => zh(
            format!("未知的编码{}", q(v("encoding"))),
            format!("未知的編碼{}", q(v("encoding"))),
        ),
        "window_backwards" => zh(
            format!("窗口开始日（{}）晚于结束日（{}）", d("from"), d("to")),
            format!("區間開始日（{}）晚於結束日（{}）", d("from"), d("to")),
        ),
        "churn_days_zero" => zh(
            "流失天数至少为 1".into(),
            "流失天數至少為 1".into(),
        ),
        "stage_days_zero" => zh(
            "流失天数和休眠天数至少为 1".into(),
            "流失天數和休眠天數至少為 1".into(),
        ),
        "window_days_zero" => zh(
            "窗口至少为 1 天".into(),
            "區間至少為 1 天".into(),
        ),
        _ => return crate::failure_text::message_in(notice.key, &values, lang),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use opscalc_core::notice::ERRORS;
    use opscalc_core::*;

    #[test]
    fn settings_fields_the_page_cannot_read() {
        let bad_date = crate::pages::common::opt_date("2024-13-01", "as of").unwrap_err();
        said(
            &bad_date,
            "统计日期：“2024-13-01”不是日期。",
            "統計日期：「2024-13-01」不是日期。",
        );
        let bad_days = crate::pages::common::whole("0", "churn days").unwrap_err();
        said(
            &bad_days,
            "流失天数：应为 1 及以上的整数，输入的是“0”。",
            "流失天數：應為 1 以上的整數，輸入的是「0」。",
        );
        said(
            "lookback days: not a whole number: \"3.5\"",
            "回看天数：“3.5”不是整数。",
            "回看天數：「3.5」不是整數。",
        );
        // Every field name the pages use has its words.
        for field in [
            "from",
            "to",
            "as of",
            "compare",
            "period",
            "churn days",
            "dormant days",
            "window days",
            "session gap minutes",
        ] {
            let e = crate::pages::common::whole("x", field).unwrap_err();
            assert!(!error_in(&e, Lang::Zh).contains(field), "{field}");
        }
    }

    fn said(e: &str, cn: &str, tw: &str) {
        assert_eq!(error_in(e, Lang::Zh), cn, "zh-CN of {e}");
        assert_eq!(error_in(e, Lang::ZhTw), tw, "zh-TW of {e}");
        assert_eq!(error_in(e, Lang::En), e);
    }

    fn read(name: &str, bytes: &[u8]) -> String {
        read_bytes(name, bytes, &ReadOptions::default())
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn reader_errors_through_the_reader() {
        said(
            &read("e.csv", b""),
            "e.csv：文件是空的：没有表头行。",
            "e.csv：檔案是空的：沒有標題列。",
        );
        said(
            &read("n.csv", b"id,name\n1,amy\n2,a\0b\n"),
            "n.csv：第 3 行，name 列：文件含有 NUL 字节，不是文本表格（是二进制文件，或没有 BOM 的 UTF-16？）；请选择编码，或重新另存为 CSV。",
            "n.csv：第 3 列，name 欄：檔案含有 NUL 位元組，不是文字表格（是二進位檔，或沒有 BOM 的 UTF-16？）；請選擇編碼，或重新另存為 CSV。",
        );
        let wide = vec!["h"; 5000].join(",") + "\n";
        said(
            &read("w.csv", wide.as_bytes()),
            "w.csv：第 1 行：5,000 列；最多支持 4,096 列（这真的是表格吗？）。",
            "w.csv：第 1 列：5,000 欄；最多支援 4,096 欄（這真的是表格嗎？）。",
        );
        let long = "x".repeat(2000) + "\n";
        said(
            &read("l.csv", long.as_bytes()),
            "l.csv：第 1 行：第 1 个表头长 2,000 字节；最多支持 1,024 字节（这真的是表格吗？）。",
            "l.csv：第 1 列：第 1 個標題長 2,000 位元組；最多支援 1,024 位元組（這真的是表格嗎？）。",
        );
        let e = read_bytes(
            "k.csv",
            b"a\n1\n",
            &ReadOptions {
                encoding: Some("klingon".into()),
                ..Default::default()
            },
        )
        .unwrap_err()
        .to_string();
        said(
            &e,
            "k.csv：未知的编码“klingon”。",
            "k.csv：未知的編碼「klingon」。",
        );
    }

    #[test]
    fn mapping_and_date_order_errors_through_the_builders() {
        let t = Table::from_rows("o.csv", &["x"], &[&["1"]]);
        let e = Orders::build(
            &t,
            &Mapping::detect(InputKind::Orders, t.headers()),
            &OrderOptions::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("no column looks like"), "{e}");
        assert!(!error_in(&e, Lang::Zh).contains("no column"), "{e}");

        let t = Table::from_rows("o.csv", &["订单号", "付款时间"], &[&["1", "2024-03-01"]]);
        let o = Orders::build(
            &t,
            &Mapping::detect(InputKind::Orders, t.headers()),
            &OrderOptions::default(),
        )
        .unwrap();
        let e = repurchase(&o, &RepurchaseOptions::default()).unwrap_err();
        said(
            &e,
            "o.csv：没有一列看起来是买家ID (buyer_id)：请映射一列。",
            "o.csv：沒有一欄看起來是買家 ID (buyer_id)：請對應一欄。",
        );

        let t = Table::from_rows(
            "d.csv",
            &["订单号", "买家ID", "付款时间"],
            &[&["1", "amy", "05/03/2024"]],
        );
        let e = Orders::build(
            &t,
            &Mapping::detect(InputKind::Orders, t.headers()),
            &OrderOptions::default(),
        )
        .unwrap_err()
        .to_string();
        said(
            &e,
            "d.csv：第 2 行，付款时间 列：“05/03/2024”这样的日期既可能是日/月也可能是月/日；请选择日期顺序。",
            "d.csv：第 2 列，付款时间 欄：「05/03/2024」這樣的日期既可能是日/月也可能是月/日；請選擇日期順序。",
        );
        let t = Table::from_rows(
            "m.csv",
            &["订单号", "买家ID", "付款时间"],
            &[&["1", "amy", "25/03/2024"], &["2", "bob", "03/25/2024"]],
        );
        let e = Orders::build(
            &t,
            &Mapping::detect(InputKind::Orders, t.headers()),
            &OrderOptions::default(),
        )
        .unwrap_err()
        .to_string();
        said(
            &e,
            "m.csv：第 3 行，付款时间 列：同一列混有日在前（“25/03/2024”）和月在前（“03/25/2024”）的日期。",
            "m.csv：第 3 列，付款时间 欄：同一欄混有日在前（「25/03/2024」）和月在前（「03/25/2024」）的日期。",
        );
    }

    #[test]
    fn option_errors_and_every_error_template_is_known() {
        let t = Table::from_rows(
            "o.csv",
            &["订单号", "买家ID", "付款时间"],
            &[&["1", "amy", "2024-03-01"]],
        );
        let o = Orders::build(
            &t,
            &Mapping::detect(InputKind::Orders, t.headers()),
            &OrderOptions::default(),
        )
        .unwrap();
        let e = repurchase(
            &o,
            &RepurchaseOptions {
                from: Date::parse("2024-03-09"),
                to: Date::parse("2024-03-01"),
                ..Default::default()
            },
        )
        .unwrap_err();
        said(
            &e,
            "窗口开始日（2024年3月9日）晚于结束日（2024年3月1日）。",
            "區間開始日（2024/03/09）晚於結束日（2024/03/01）。",
        );
        // Every template has a translation without English words in it.
        for n in ERRORS {
            let values: Vec<(&str, String)> = n
                .names()
                .into_iter()
                .map(|k| (k, "1".to_string()))
                .collect();
            let values: Vec<(&str, &dyn std::fmt::Display)> = values
                .iter()
                .map(|(k, v)| (*k, v as &dyn std::fmt::Display))
                .collect();
            let e = n.fill(&values);
            for l in [Lang::Zh, Lang::ZhTw] {
                let t = error_in(&e, l);
                assert_ne!(t, e, "{} has no translation", n.key);
                // Names (Excel, the opscalc command) stay as they are.
                assert!(
                    !t.split(|c: char| !c.is_ascii_alphabetic())
                        .any(|w| w.len() > 2
                            && w.contains(|c: char| c.is_ascii_lowercase())
                            && !["Excel", "opscalc"].contains(&w)),
                    "{} {l:?}: English left in {t}",
                    n.key
                );
            }
        }
        // A library's own reason stays inside the translated sentence.
        assert_eq!(
            error_in("x.xlsx: cannot read the spreadsheet: bad zip", Lang::Zh),
            "x.xlsx：无法读取电子表格：bad zip。"
        );
    }
}
