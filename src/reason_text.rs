//! Why a metric is not available, in the reader's language. The core says
//! it in English (`"<key>: not available because ..."`, the CLI's and the
//! JSON's wording); the app recognises each of the core's reasons and says
//! it in Chinese. English readers get the core's sentence as it is.

use crate::i18n::Lang;
use crate::metric_text::metric_text;

/// A metric key of the core as a static string (metric texts are keyed so).
fn key_of(s: &str) -> Option<&'static str> {
    opscalc_core::metric_keys().into_iter().find(|k| *k == s)
}

/// A metric's name in a language, or the key itself when unknown.
fn name(key: &str, lang: Lang) -> String {
    key_of(key)
        .map(|k| metric_text(k, lang).name.to_string())
        .unwrap_or_else(|| key.to_string())
}

/// The reason a metric is not available, in a language. A reason the app
/// does not know stays as the core wrote it.
///
/// # Example
/// ```
/// use opscalc_web::{i18n::Lang, reason_text::reason_in};
/// let r = "buyback_rate: not available because the denominator is 0";
/// assert_eq!(reason_in(r, Lang::Zh), "用户回购率：分母为 0，无法计算。");
/// assert_eq!(reason_in(r, Lang::ZhTw), "使用者回購率：分母為 0，無法計算。");
/// assert_eq!(reason_in(r, Lang::En), r);
/// ```
pub fn reason_in(reason: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return reason.to_string();
    }
    translate(reason, lang).unwrap_or_else(|| reason.to_string())
}

fn translate(reason: &str, lang: Lang) -> Option<String> {
    let (key, rest) = reason.split_once(": not available ")?;
    let metric = name(key, lang);
    let zh = |cn: String, tw: String| lang.pick(cn.clone(), tw, cn);
    if rest == "with fewer than 10 online SKUs (the source's minimum)" {
        return Some(zh(
            format!("{metric}：在线宝贝少于 10 个（原始定义的最低要求），不计算。"),
            format!("{metric}：上架商品少於 10 個（原始定義的最低要求），不計算。"),
        ));
    }
    let because = rest.strip_prefix("because ")?;
    let why = match because {
        "the denominator is 0" => zh(
            "分母为 0，无法计算".into(),
            "分母為 0，無法計算".into(),
        ),
        "the data holds no orders before the window (no history)" => zh(
            "数据中没有窗口开始前的订单（没有历史），无法判断老买家".into(),
            "資料中沒有區間開始前的訂單（沒有歷史），無法判斷舊買家".into(),
        ),
        "reflowed_users exceeds churned_users (returning users are a part of the churned users)" => {
            zh(
                format!(
                    "{}大于{}（回流用户是流失用户的一部分），数据有误",
                    name("reflowed_users", Lang::Zh),
                    name("churned_users", Lang::Zh)
                ),
                format!(
                    "{}大於{}（回流使用者是流失使用者的一部分），資料有誤",
                    name("reflowed_users", Lang::ZhTw),
                    name("churned_users", Lang::ZhTw)
                ),
            )
        }
        "it is not given" => zh("数据中没有给出".into(), "資料中沒有提供".into()),
        "no flagship aov is given" => zh(
            "没有填写旗舰店客单价".into(),
            "沒有填寫旗艦店客單價".into(),
        ),
        "the store's aov is not available" => zh(
            "本店客单价无法计算".into(),
            "本店客單價無法計算".into(),
        ),
        "the flagship aov is negative" => zh(
            "旗舰店客单价为负数".into(),
            "旗艦店客單價為負數".into(),
        ),
        other => {
            if let Some(missing) = other
                .strip_suffix(" is not given")
                .or_else(|| other.strip_suffix(" are not given"))
            {
                let names: Vec<String> =
                    missing.split(" and ").map(|k| name(k, lang)).collect();
                let names = names.join("、");
                zh(
                    format!("数据中没有给出{names}"),
                    format!("資料中沒有提供{names}"),
                )
            } else if let Some(k) = other
                .strip_prefix("no user was first seen ")
                .and_then(|s| s.strip_suffix(" or more days before the last date in the data"))
            {
                zh(
                    format!("没有用户的首次出现早于数据最后一天 {k} 天或以上，无法判断"),
                    format!("沒有使用者的首次出現早於資料最後一天 {k} 天以上，無法判斷"),
                )
            } else {
                return None;
            }
        }
    };
    Some(format!("{metric}：{why}。"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use opscalc_core::*;

    /// Every reason the core gives for the cases below is translated, so a
    /// reworded core reason fails here instead of showing English in zh.
    fn assert_translated(reason: &str) {
        for l in [Lang::Zh, Lang::ZhTw] {
            let t = translate(reason, l).unwrap_or_else(|| panic!("not translated: {reason}"));
            assert!(!t.is_ascii(), "{t}");
            assert!(
                !t.contains(|c: char| c.is_ascii_lowercase()),
                "English left in {t}"
            );
        }
    }

    #[test]
    fn traffic_reasons_name_the_missing_counts() {
        // No counts at all: every traffic metric is "not given".
        let ms = TrafficCounts::default().metrics(None);
        for m in &ms {
            assert_translated(m.unavailable.as_deref().unwrap());
        }
        let bounce = ms.iter().find(|m| m.key == "bounce_rate").unwrap();
        assert_eq!(
            reason_in(bounce.unavailable.as_deref().unwrap(), Lang::Zh),
            "跳失率：数据中没有给出跳失访问数、访问次数。"
        );
        // A negative flagship AOV.
        let c = TrafficCounts {
            revenue: Some(100.0),
            buyers: Some(2.0),
            ..Default::default()
        };
        let ratio = c
            .metrics(Some(-1.0))
            .into_iter()
            .find(|m| m.key == "store_aov_ratio")
            .unwrap();
        assert_eq!(
            reason_in(ratio.unavailable.as_deref().unwrap(), Lang::ZhTw),
            "全店客單價比：旗艦店客單價為負數。"
        );
    }

    #[test]
    fn repurchase_sell_through_and_zero_denominators() {
        let t = Table::from_rows(
            "o.csv",
            &["订单号", "买家ID", "付款时间"],
            &[&["1", "amy", "2024-03-02"], &["2", "amy", "2024-03-05"]],
        );
        let o = Orders::build(
            &t,
            &Mapping::detect(InputKind::Orders, t.headers()),
            &OrderOptions::default(),
        )
        .unwrap();
        let r = repurchase(&o, &RepurchaseOptions::default()).unwrap();
        let buyback = r
            .report
            .metrics
            .iter()
            .find(|m| m.key == "buyback_rate")
            .unwrap();
        assert_eq!(
            reason_in(buyback.unavailable.as_deref().unwrap(), Lang::Zh),
            "用户回购率：数据中没有窗口开始前的订单（没有历史），无法判断老买家。"
        );
        let zero = Metric::ratio("reflow_rate", 0.0, 0.0);
        assert_translated(zero.unavailable.as_deref().unwrap());

        let p = Table::from_rows(
            "p.csv",
            &["商家编码", "宝贝状态", "30天销量"],
            &[&["A", "出售中", "1"], &["B", "出售中", "0"]],
        );
        let p = Products::build(
            &p,
            &Mapping::detect(InputKind::Products, p.headers()),
            &ProductOptions::default(),
        )
        .unwrap();
        let s = sell_through(
            &p,
            None,
            &SellThroughOptions {
                as_of: Date::parse("2024-03-06"),
                ..Default::default()
            },
        )
        .unwrap();
        let rate = s
            .report
            .metrics
            .iter()
            .find(|m| m.key == "sell_through_rate")
            .unwrap();
        assert_eq!(
            reason_in(rate.unavailable.as_deref().unwrap(), Lang::ZhTw),
            "動銷率：上架商品少於 10 個（原始定義的最低要求），不計算。"
        );
    }

    #[test]
    fn retention_without_enough_days_and_the_reflow_guard() {
        let t = Table::from_rows(
            "a.csv",
            &["用户ID", "访问时间"],
            &[&["amy", "2024-03-01"], &["amy", "2024-03-02"]],
        );
        let a =
            Activity::build(&t, &Mapping::detect(InputKind::Activity, t.headers()), None).unwrap();
        let r = reflow(&a, &ReflowOptions::default()).unwrap();
        let day7 = r
            .report
            .metrics
            .iter()
            .find(|m| m.key == "retention_day_7")
            .unwrap();
        assert_eq!(
            reason_in(day7.unavailable.as_deref().unwrap(), Lang::Zh),
            "7 日留存：没有用户的首次出现早于数据最后一天 7 天或以上，无法判断。"
        );
        // The guard cannot trigger from consistent data; its wording is the
        // core's (reflow.rs).
        assert_translated(
            "reflow_rate: not available because reflowed_users exceeds churned_users (returning users are a part of the churned users)",
        );
    }

    #[test]
    fn an_unknown_reason_stays_as_the_core_wrote_it() {
        let r = "x: not available because of the moon";
        assert_eq!(reason_in(r, Lang::Zh), r);
        assert_eq!(reason_in("free text", Lang::ZhTw), "free text");
    }
}
