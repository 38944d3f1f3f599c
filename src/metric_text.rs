//! Names, one-line definitions and formulas of every metric, in each
//! language, keyed by the spec's metric keys.

use crate::i18n::Lang;

/// How a metric is explained on its card.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MetricText {
    /// Display name.
    pub name: &'static str,
    /// One-line definition.
    pub definition: &'static str,
    /// Numerator label of a ratio (empty for counts).
    pub numerator: &'static str,
    /// Denominator label of a ratio (empty for counts).
    pub denominator: &'static str,
}

type Entry = [&'static str; 8];

fn entry(key: &str) -> Option<Entry> {
    // [zh name, en name, zh definition, en definition, zh num, en num, zh den, en den]
    Some(match key {
        "buyers" => ["买家数", "Buyers", "窗口内至少有一笔订单的不同买家数。", "Distinct buyers with at least one order in the window.", "", "", "", ""],
        "repeat_buyers" => ["复购买家数", "Repeat buyers", "窗口内购买两次及以上的买家数。", "Buyers with two or more orders in the window.", "", "", "", ""],
        "user_repurchase_rate" => ["用户复购率", "User repurchase rate", "购买两次及以上的用户数 ÷ 有购买行为的总用户数。", "Buyers with 2+ orders ÷ all buyers in the window.", "复购买家数", "repeat buyers", "买家数", "buyers"],
        "orders" => ["订单数", "Orders", "窗口内有买家的订单数（明细行按订单号合并）。", "Orders with a buyer in the window (line items merged by order id).", "", "", "", ""],
        "repeat_orders" => ["复购订单数", "Repeat orders", "买家在窗口内的第二笔及以后的订单 = 订单数 − 买家数。", "A buyer's 2nd and later orders in the window = orders − buyers.", "", "", "", ""],
        "order_repurchase_rate" => ["订单复购率", "Order repurchase rate", "第二次及以上购买的订单数 ÷ 总订单数。", "Orders that are a buyer's 2nd or later ÷ all orders.", "复购订单数", "repeat orders", "订单数", "orders"],
        "returning_buyers" => ["老买家数", "Returning buyers", "窗口内购买、且在窗口开始前也购买过的买家数。", "Buyers in the window who also ordered before it.", "", "", "", ""],
        "buyback_rate" => ["用户回购率", "Buy-back rate", "有购买行为的老用户数 ÷ 有购买行为的总用户数。", "Returning buyers ÷ all buyers in the window.", "老买家数", "returning buyers", "买家数", "buyers"],
        "churned_users" => ["流失用户数", "Churned users", "窗口开始前最后一次活跃距开始日已达流失天数的用户。", "Users whose last activity before the window is churn-days or more before it.", "", "", "", ""],
        "reflowed_users" => ["回流用户数", "Returned users", "流失用户中在窗口内再次活跃的人数。", "Churned users with any activity in the window.", "", "", "", ""],
        "reflow_rate" => ["回流率", "Reflow rate", "时间周期内流失的再回访的人数 ÷ 时间周期内流失的人数。", "Churned users who came back ÷ churned users.", "回流用户数", "returned users", "流失用户数", "churned users"],
        "retention_day_1" => ["次日留存", "Day-1 retention", "首次出现后第 1 天仍活跃的用户占比；这一天还在数据之后的用户不计入。", "Share of users active the day after they were first seen; users whose day 1 lies beyond the data are left out.", "第 1 天活跃", "active on day 1", "可判断的新用户", "new users who can be judged"],
        "retention_day_7" => ["7 日留存", "Day-7 retention", "首次出现后第 7 天仍活跃的用户占比；这一天还在数据之后的用户不计入。", "Share of users active 7 days after they were first seen; users whose day 7 lies beyond the data are left out.", "第 7 天活跃", "active on day 7", "可判断的新用户", "new users who can be judged"],
        "retention_day_30" => ["30 日留存", "Day-30 retention", "首次出现后第 30 天仍活跃的用户占比；这一天还在数据之后的用户不计入。", "Share of users active 30 days after they were first seen; users whose day 30 lies beyond the data are left out.", "第 30 天活跃", "active on day 30", "可判断的新用户", "new users who can be judged"],
        "stage_new" => ["导入期", "New", "还没有购买（只有访问或注册）。", "No purchase yet (only activity or registration).", "", "", "", ""],
        "stage_growing" => ["成长期", "Growing", "恰好购买过 1 次。", "Exactly one purchase.", "", "", "", ""],
        "stage_mature" => ["成熟期", "Mature", "购买 2 次及以上，且最近购买未达休眠天数。", "Two or more purchases, the last one recent.", "", "", "", ""],
        "stage_dormant" => ["休眠期", "Dormant", "购买 2 次及以上，但最近一次购买已达休眠天数。", "Two or more purchases, the last one dormant-days or more ago.", "", "", "", ""],
        "stage_churned" => ["流失期", "Churned", "最后一次活跃已达流失天数。", "Last activity churn-days or more ago.", "", "", "", ""],
        "stage_new_share" => ["导入期占比", "New share", "导入期用户 ÷ 全部用户。", "New users ÷ all users.", "导入期", "new", "全部用户", "all users"],
        "stage_growing_share" => ["成长期占比", "Growing share", "成长期用户 ÷ 全部用户。", "Growing users ÷ all users.", "成长期", "growing", "全部用户", "all users"],
        "stage_mature_share" => ["成熟期占比", "Mature share", "成熟期用户 ÷ 全部用户。", "Mature users ÷ all users.", "成熟期", "mature", "全部用户", "all users"],
        "stage_dormant_share" => ["休眠期占比", "Dormant share", "休眠期用户 ÷ 全部用户。", "Dormant users ÷ all users.", "休眠期", "dormant", "全部用户", "all users"],
        "stage_churned_share" => ["流失期占比", "Churned share", "流失期用户 ÷ 全部用户。", "Churned users ÷ all users.", "流失期", "churned", "全部用户", "all users"],
        "online_skus" => ["在线宝贝数", "Online SKUs", "状态为出售中的宝贝数（仓库中的不计）。", "SKUs on sale (warehouse SKUs not counted).", "", "", "", ""],
        "warehouse_skus" => ["仓库中宝贝数", "Warehouse SKUs", "仓库中/下架的宝贝数。", "SKUs in the warehouse (delisted, drafts).", "", "", "", ""],
        "all_skus" => ["总宝贝数", "All SKUs", "在线 + 仓库中。", "Online + warehouse.", "", "", "", ""],
        "selling_online_skus" => ["有销量的在线宝贝", "Online SKUs that sold", "窗口内有销量的在线宝贝数。", "Online SKUs with sales in the window.", "", "", "", ""],
        "sell_through_rate" => ["动销率", "Sell-through rate", "30 天内有销量的宝贝数 ÷ 总在线宝贝数（仓库中的不含；10 款以上才计算）。", "Online SKUs that sold in the window ÷ online SKUs (needs 10+ online SKUs).", "有销量的在线宝贝", "online SKUs that sold", "在线宝贝数", "online SKUs"],
        "unsold_skus" => ["滞销宝贝数", "Unsold SKUs", "窗口内没有销量的宝贝（含仓库中）。", "SKUs, online or warehouse, with no sales in the window.", "", "", "", ""],
        "unsold_rate" => ["滞销率", "Unsold rate", "30 天内没有销量的宝贝数 ÷ 总宝贝数（仓库中的计算在内）。", "SKUs with no sales in the window ÷ all SKUs (warehouse included).", "滞销宝贝数", "unsold SKUs", "总宝贝数", "all SKUs"],
        "new_listing_days" => ["上新天数（近 14 天）", "Days with new listings (last 14)", "近 14 天中有上新的天数；建议 14 天内保持稳定的每日上新节奏。", "Days in the last 14 with at least one new listing; the source advises a steady daily cadence.", "", "", "", ""],
        "pv" => ["浏览量", "Page views", "页面被浏览的次数。", "Pages viewed.", "", "", "", ""],
        "uv" => ["访客数", "Visitors", "不同访客数（按天汇总时每天各计一次）。", "Distinct visitors (once per day when days are summed).", "", "", "", ""],
        "visits" => ["访问次数", "Visits", "会话数：按会话 ID，或相隔超过设定分钟数即拆为新访问。", "Sessions: by session id, or split after the inactivity gap.", "", "", "", ""],
        "bounced_visits" => ["跳失访问数", "Bounced visits", "只浏览了一个页面的访问。", "Visits with exactly one page view.", "", "", "", ""],
        "visit_depth" => ["平均访问深度", "Visit depth", "浏览量 ÷ 访问次数。", "Page views ÷ visits.", "浏览量", "page views", "访问次数", "visits"],
        "pv_per_uv" => ["人均浏览量", "Page views per visitor", "浏览量 ÷ 访客数。", "Page views ÷ visitors.", "浏览量", "page views", "访客数", "visitors"],
        "bounce_rate" => ["跳失率", "Bounce rate", "跳失访问数 ÷ 访问次数。", "Bounced visits ÷ visits.", "跳失访问数", "bounced visits", "访问次数", "visits"],
        "conversion_rate" => ["支付转化率", "Conversion rate", "支付买家数 ÷ 访客数。", "Paying buyers ÷ visitors.", "支付买家数", "buyers", "访客数", "visitors"],
        "revenue" => ["支付金额", "Revenue", "支付金额合计。", "Total paid amount.", "", "", "", ""],
        "aov" => ["客单价", "AOV", "支付金额 ÷ 支付买家数。", "Revenue ÷ paying buyers.", "支付金额", "revenue", "支付买家数", "buyers"],
        "impressions" => ["展现量", "Impressions", "广告展现次数。", "Ad impressions.", "", "", "", ""],
        "clicks" => ["点击量", "Clicks", "广告点击次数。", "Ad clicks.", "", "", "", ""],
        "spend" => ["花费", "Spend", "推广花费合计。", "Total ad spend.", "", "", "", ""],
        "ctr" => ["点击率", "CTR", "点击量 ÷ 展现量。", "Clicks ÷ impressions.", "点击量", "clicks", "展现量", "impressions"],
        "cpc" => ["平均点击花费", "CPC", "花费 ÷ 点击量。", "Spend ÷ clicks.", "花费", "spend", "点击量", "clicks"],
        "roi" => ["投入产出比", "ROI", "有花费的渠道/日期的支付金额 ÷ 花费。", "Revenue of the rows with spend ÷ spend.", "有花费行的支付金额", "revenue with spend", "花费", "spend"],
        "store_aov_ratio" => ["全店客单价比", "Store AOV ratio", "全店客单价 ÷ 主推款客单价。", "Store AOV ÷ flagship AOV.", "全店客单价", "store AOV", "主推款客单价", "flagship AOV"],
        _ => return None,
    })
}

/// The text of a metric in a language; unknown keys show the key itself.
///
/// # Example
/// ```
/// use opscalc_web::{i18n::Lang, metric_text::metric_text};
/// assert_eq!(metric_text("reflow_rate", Lang::Zh).name, "回流率");
/// assert_eq!(metric_text("reflow_rate", Lang::En).denominator, "churned users");
/// ```
pub fn metric_text(key: &'static str, lang: Lang) -> MetricText {
    if lang == Lang::ZhTw {
        if let Some([name, definition, numerator, denominator]) =
            crate::metric_text_tw::entry_tw(key)
        {
            return MetricText {
                name,
                definition,
                numerator,
                denominator,
            };
        }
    }
    match entry(key) {
        Some(e) => {
            let i = match lang {
                Lang::Zh | Lang::ZhTw => 0,
                Lang::En => 1,
            };
            MetricText {
                name: e[i],
                definition: e[2 + i],
                numerator: e[4 + i],
                denominator: e[6 + i],
            }
        }
        None => MetricText {
            name: key,
            definition: "",
            numerator: "",
            denominator: "",
        },
    }
}

/// Whether a metric is shown as a percentage.
pub fn is_percent(key: &str) -> bool {
    key.ends_with("_rate")
        || key.ends_with("_share")
        || key == "ctr"
        || key.starts_with("retention_")
}

/// Whether a metric is an amount of money.
pub fn is_money(key: &str) -> bool {
    matches!(key, "revenue" | "aov" | "spend" | "cpc")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_key_of_the_core_has_text_in_all_three_languages() {
        for k in opscalc_core::metric_keys() {
            assert!(entry(k).is_some(), "{k} has no zh/en text");
            assert!(
                crate::metric_text_tw::entry_tw(k).is_some(),
                "{k} has no zh-TW text"
            );
            for l in Lang::ALL {
                let t = metric_text(k, l);
                assert_ne!(t.name, k, "{k} has no name in {l:?}");
                assert!(!t.definition.is_empty(), "{k} has no definition in {l:?}");
                assert_eq!(t.numerator.is_empty(), t.denominator.is_empty());
            }
        }
    }

    #[test]
    fn every_metric_the_core_reports_has_text_in_both_languages() {
        let keys = [
            "buyers",
            "repeat_buyers",
            "user_repurchase_rate",
            "orders",
            "repeat_orders",
            "order_repurchase_rate",
            "returning_buyers",
            "buyback_rate",
        ];
        for k in keys {
            for l in [Lang::Zh, Lang::En] {
                let t = metric_text(k, l);
                assert_ne!(t.name, k, "{k} has no name");
                assert!(!t.definition.is_empty(), "{k} has no definition");
            }
        }
    }
}
