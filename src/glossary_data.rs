//! The glossary's content: common mistakes per metric in three languages,
//! and a small worked example per calculator family whose numbers come
//! from the core calculators (never typed in by hand).

use crate::format::{date_in, number};
use crate::i18n::Lang;
use opscalc_core::*;

/// A common mistake, the metrics it concerns, and its text in zh-CN,
/// zh-TW and en.
pub struct Mistake {
    /// Metric keys it applies to.
    pub keys: &'static [&'static str],
    /// Simplified, Traditional, English.
    pub text: [&'static str; 3],
}

impl Mistake {
    /// The text in a language.
    pub fn text(&self, lang: Lang) -> &'static str {
        lang.pick(self.text[0], self.text[1], self.text[2])
    }
}

/// Every mistake the glossary warns about.
pub const MISTAKES: &[Mistake] = &[
    Mistake {
        keys: &["orders", "repeat_orders", "order_repurchase_rate", "buyers", "repeat_buyers"],
        text: [
            "把明细行当订单数：一笔订单买了两件商品会占两行，按订单编号合并后才是订单数。",
            "把明細列當成訂單數：一筆訂單買了兩件商品會占兩列，依訂單編號合併後才是訂單數。",
            "Counting line items as orders: an order of two products takes two rows; merge rows by order id first.",
        ],
    },
    Mistake {
        keys: &["repeat_buyers", "user_repurchase_rate", "repeat_orders", "order_repurchase_rate"],
        text: [
            "同一天的两笔订单算不算复购？拆单或补拍常在同一天产生第二笔订单；需要时打开“同一买家同一天的订单算一次购买”。",
            "同一天的兩筆訂單算不算複購？拆單或補下單常在同一天產生第二筆訂單；需要時開啟「同一買家同一天的訂單算一次購買」。",
            "Same-day orders: a split or corrected order on the same day looks like a repurchase; turn on \"a buyer's orders on one day count as one purchase\" when that matters.",
        ],
    },
    Mistake {
        keys: &["user_repurchase_rate", "order_repurchase_rate", "buyback_rate", "reflow_rate", "sell_through_rate", "unsold_rate", "bounce_rate", "conversion_rate", "ctr", "retention_day_1", "retention_day_7", "retention_day_30"],
        text: [
            "把每日（每月）比率取平均：应把分子、分母各自加总后再相除；流量小的日子和流量大的日子权重不同。",
            "把每日（每月）比率取平均：應把分子、分母各自加總後再相除；流量小的日子和大的日子權重不同。",
            "Averaging daily (or monthly) rates: sum the numerators and the denominators, then divide; a quiet day and a busy day do not weigh the same.",
        ],
    },
    Mistake {
        keys: &["buyback_rate", "returning_buyers"],
        text: [
            "把回购率当成复购率：回购看的是窗口开始前就买过的老买家，复购看的是窗口内买了两次及以上。",
            "把回購率當成複購率：回購看的是區間開始前就買過的舊買家，複購看的是區間內買了兩次以上。",
            "Taking buy-back for repurchase: buy-back asks who bought before the window, repurchase who bought twice inside it.",
        ],
    },
    Mistake {
        keys: &["churned_users", "reflowed_users", "reflow_rate"],
        text: [
            "把窗口内才第一次出现的新用户算作流失：流失的前提是窗口开始前有活动，且已经沉寂满流失天数。",
            "把區間內才第一次出現的新使用者算作流失：流失的前提是區間開始前有活動，且已沉寂滿流失天數。",
            "Counting new users as churned: a churned user was active before the window and silent for the churn days when it opened.",
        ],
    },
    Mistake {
        keys: &["retention_day_1", "retention_day_7", "retention_day_30"],
        text: [
            "把第 k 天还在数据之后的用户算作没留存：他们还无法判断，应从分母中去掉。",
            "把第 k 天還在資料之後的使用者算作沒留存：他們還無法判斷，應從分母中去掉。",
            "Counting users whose day k lies beyond the data as lost: they cannot be judged yet and leave the denominator.",
        ],
    },
    Mistake {
        keys: &["stage_new", "stage_growing", "stage_mature", "stage_dormant", "stage_churned", "stage_new_share", "stage_growing_share", "stage_mature_share", "stage_dormant_share", "stage_churned_share"],
        text: [
            "规则顺序弄错：先判断流失，再判断休眠、成熟、成长、导入；一个很久没来的老买家是流失期，不是成熟期。",
            "規則順序弄錯：先判斷流失，再判斷休眠、成熟、成長、導入；一位很久沒來的老買家是流失期，不是成熟期。",
            "Applying the rules in the wrong order: churned is checked first, then dormant, mature, growing, new; a long-gone loyal buyer is churned, not mature.",
        ],
    },
    Mistake {
        keys: &["online_skus", "selling_online_skus", "sell_through_rate"],
        text: [
            "动销率的分母算进了仓库中的宝贝：动销率只看在线宝贝，且不足 10 款时不计算。",
            "動銷率的分母算進了倉庫中的商品：動銷率只看上架商品，且不足 10 款時不計算。",
            "Counting warehouse SKUs in sell-through: it is about online SKUs only, and needs at least 10 of them.",
        ],
    },
    Mistake {
        keys: &["all_skus", "warehouse_skus", "unsold_skus", "unsold_rate"],
        text: [
            "滞销率漏掉了仓库中的宝贝：滞销率的分母是全部宝贝，仓库中的计算在内，所以动销率 + 滞销率通常不等于 100%。",
            "滯銷率漏掉了倉庫中的商品：滯銷率的分母是全部商品，倉庫中的計算在內，所以動銷率 + 滯銷率通常不等於 100%。",
            "Leaving warehouse SKUs out of the unsold rate: its denominator is all SKUs, so sell-through and unsold rate need not add up to 100%.",
        ],
    },
    Mistake {
        keys: &["new_listing_days"],
        text: [
            "只数上新的件数：建议看的是 14 天里有几天上新，节奏要稳定，而不是一天集中上很多。",
            "只數上新的件數：建議看的是 14 天裡有幾天上新，節奏要穩定，而不是一天集中上很多。",
            "Counting new items instead of days: the advice is a steady cadence, new listings on many of the 14 days, not many on one.",
        ],
    },
    Mistake {
        keys: &["uv", "pv_per_uv", "conversion_rate", "aov"],
        text: [
            "把每天的访客数加总当成不同访客数：一个人来了三天会被算三次；按天汇总的访客数只能当作“访客天数”。",
            "把每天的訪客數加總當成不重複訪客數：一個人來了三天會被算三次；按天加總的訪客數只能當作「訪客人天」。",
            "Summing UV over days as distinct visitors: someone who came on three days counts three times; summed daily UV is visitor-days.",
        ],
    },
    Mistake {
        keys: &["pv", "visits", "bounced_visits", "bounce_rate", "visit_depth"],
        text: [
            "用浏览量或访客数当跳失率、访问深度的分母：两者的分母都是访问次数。",
            "用瀏覽量或訪客數當跳出率、瀏覽深度的分母：兩者的分母都是造訪次數。",
            "Dividing by page views or visitors for bounce rate or depth: both divide by visits.",
        ],
    },
    Mistake {
        keys: &["revenue", "aov", "store_aov_ratio"],
        text: [
            "用订单数当客单价的分母：客单价 = 支付金额 ÷ 支付买家数，一个买家下两单仍是一个客人。",
            "用訂單數當客單價的分母：客單價 = 營業額 ÷ 付款買家數，一位買家下兩單仍是一位顧客。",
            "Dividing revenue by orders for AOV: AOV is revenue ÷ paying buyers; a buyer with two orders is one customer.",
        ],
    },
    Mistake {
        keys: &["impressions", "clicks", "spend", "ctr", "cpc", "roi"],
        text: [
            "投入产出比用全店成交额除以花费：只应计入有花费的渠道或日期的成交额，否则自然流量的成交也算成了广告的功劳。",
            "投入產出比用全店營業額除以花費：只應計入有花費的通路或日期的營業額，否則自然流量的成交也算成廣告的功勞。",
            "ROI as all revenue ÷ spend: only revenue of rows with spend counts, or organic sales are credited to the ads.",
        ],
    },
];

/// The mistakes about a metric.
pub fn mistakes_for(key: &str) -> Vec<&'static Mistake> {
    MISTAKES.iter().filter(|m| m.keys.contains(&key)).collect()
}

/// A family's example table and the metrics the core computes from it.
pub struct GlossaryExample {
    /// The table shown.
    pub table: Table,
    /// What the core reports for it.
    pub metrics: Vec<Metric>,
    /// The settings the example was computed with (e.g. the window).
    pub note: ExampleNote,
}

/// The settings behind a worked example, said in the reader's language.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ExampleNote {
    /// A window, first to last day.
    Window(Date, Date),
    /// A window and the churn days.
    WindowChurn(Date, Date, u32),
    /// The as-of date of a lifecycle stage.
    AsOf(Date),
    /// The as-of date and the days of the sales window.
    AsOfDays(Date, u32),
    /// The flagship store's AOV the shop is compared with.
    FlagshipAov(f64),
}

impl ExampleNote {
    /// The note in a language, dates written as that language writes them.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::Date;
    /// use opscalc_web::{glossary_data::ExampleNote, i18n::Lang};
    /// let d = |s| Date::parse(s).unwrap();
    /// let n = ExampleNote::WindowChurn(d("2024-03-01"), d("2024-03-31"), 30);
    /// assert_eq!(n.text(Lang::En), "window Mar 1, 2024 to Mar 31, 2024, churn after 30 days");
    /// assert_eq!(n.text(Lang::ZhTw), "區間 2024/03/01 至 2024/03/31，流失天數 30 天");
    /// ```
    pub fn text(self, lang: Lang) -> String {
        let d = |x: Date| date_in(x, lang);
        let window = |a: Date, b: Date| {
            lang.pick(
                format!("窗口 {} 至 {}", d(a), d(b)),
                format!("區間 {} 至 {}", d(a), d(b)),
                format!("window {} to {}", d(a), d(b)),
            )
        };
        match self {
            ExampleNote::Window(a, b) => window(a, b),
            ExampleNote::WindowChurn(a, b, n) => format!(
                "{}{}",
                window(a, b),
                lang.pick(
                    format!("，流失天数 {n} 天"),
                    format!("，流失天數 {n} 天"),
                    format!(", churn after {n} days"),
                )
            ),
            ExampleNote::AsOf(a) => lang.pick(
                format!("统计日期 {}", d(a)),
                format!("統計日期 {}", d(a)),
                format!("as of {}", d(a)),
            ),
            ExampleNote::AsOfDays(a, n) => lang.pick(
                format!("统计日期 {}，近 {n} 天销量", d(a)),
                format!("統計日期 {}，近 {n} 天銷量", d(a)),
                format!("as of {}, sales of the last {n} days", d(a)),
            ),
            ExampleNote::FlagshipAov(v) => lang.pick(
                format!("旗舰店客单价 {}", number(v)),
                format!("旗艦店客單價 {}", number(v)),
                format!("flagship store AOV {}", number(v)),
            ),
        }
    }
}

fn orders_example() -> (Table, Orders) {
    let t = Table::from_rows(
        "orders.csv",
        &[
            "订单编号",
            "买家会员名",
            "订单付款时间",
            "买家实际支付金额",
            "商家编码",
        ],
        &[
            &["A1", "amy", "2024-01-05", "100", "T-1"],
            &["A2", "amy", "2024-02-10", "60", "T-1"],
            &["A2", "amy", "2024-02-10", "40", "T-2"],
            &["A3", "bob", "2024-02-12", "80", "T-2"],
            &["A4", "cat", "2024-02-20", "50", "T-1"],
            &["A5", "cat", "2024-02-28", "70", "T-3"],
            &["A6", "dan", "2024-02-25", "90", "T-1"],
        ],
    );
    let o = Orders::build(
        &t,
        &Mapping::detect(InputKind::Orders, t.headers()),
        &OrderOptions::default(),
    )
    .expect("fixed example reads");
    (t, o)
}

/// The worked example of a metric's family (`None` for an unknown key).
pub fn example_for(key: &str) -> Option<GlossaryExample> {
    let d = |s: &str| Date::parse(s);
    let day = |s: &str| Date::parse(s).expect("fixed example date");
    let (orders_t, orders) = orders_example();
    let has = |ms: &[Metric]| ms.iter().any(|m| m.key == key);
    let rep = repurchase(
        &orders,
        &RepurchaseOptions {
            from: d("2024-02-01"),
            to: d("2024-02-29"),
            ..Default::default()
        },
    )
    .ok()?;
    if has(&rep.report.metrics) {
        return Some(GlossaryExample {
            table: orders_t,
            metrics: rep.report.metrics,
            note: ExampleNote::Window(day("2024-02-01"), day("2024-02-29")),
        });
    }
    let act_t = Table::from_rows(
        "activity.csv",
        &["用户ID", "访问时间"],
        &[
            &["amy", "2024-01-01"],
            &["amy", "2024-01-02"],
            &["amy", "2024-02-05"],
            &["bob", "2024-01-01"],
            &["bob", "2024-01-08"],
            &["cat", "2024-01-03"],
            &["dan", "2024-01-01"],
            &["dan", "2024-03-10"],
        ],
    );
    let act = Activity::build(
        &act_t,
        &Mapping::detect(InputKind::Activity, act_t.headers()),
        None,
    )
    .ok()?;
    let rf_opts = ReflowOptions {
        from: d("2024-03-01"),
        to: d("2024-03-31"),
        ..Default::default()
    };
    let rf = reflow(&act, &rf_opts).ok()?;
    if has(&rf.report.metrics) {
        return Some(GlossaryExample {
            table: act_t,
            metrics: rf.report.metrics,
            note: ExampleNote::WindowChurn(
                day("2024-03-01"),
                day("2024-03-31"),
                rf_opts.churn_days,
            ),
        });
    }
    let life = lifecycle(&orders, Some(&act), &LifecycleOptions::default()).ok()?;
    if has(&life.report.metrics) {
        return Some(GlossaryExample {
            table: orders_t,
            note: ExampleNote::AsOf(life.as_of),
            metrics: life.report.metrics,
        });
    }
    let prod_t = Table::from_rows(
        "products.csv",
        &["商家编码", "宝贝状态", "30天销量", "上架时间"],
        &[
            &["T-01", "出售中", "5", "2024-02-20"],
            &["T-02", "出售中", "0", "2024-02-20"],
            &["T-03", "出售中", "2", "2024-02-22"],
            &["T-04", "出售中", "1", "2024-01-15"],
            &["T-05", "出售中", "0", "2024-01-15"],
            &["T-06", "出售中", "9", "2024-01-15"],
            &["T-07", "出售中", "3", "2024-01-10"],
            &["T-08", "出售中", "4", "2024-01-10"],
            &["T-09", "出售中", "0", "2024-01-10"],
            &["T-10", "出售中", "7", "2024-01-10"],
            &["T-11", "仓库中", "0", "2023-12-01"],
            &["T-12", "仓库中", "0", "2023-12-01"],
        ],
    );
    let prods = Products::build(
        &prod_t,
        &Mapping::detect(InputKind::Products, prod_t.headers()),
        &ProductOptions::default(),
    )
    .ok()?;
    let st_opts = SellThroughOptions {
        as_of: d("2024-02-29"),
        ..Default::default()
    };
    let st = sell_through(&prods, None, &st_opts).ok()?;
    if has(&st.report.metrics) {
        return Some(GlossaryExample {
            table: prod_t,
            metrics: st.report.metrics,
            note: ExampleNote::AsOfDays(day("2024-02-29"), st_opts.window_days),
        });
    }
    let tr_t = Table::from_rows(
        "traffic.csv",
        &[
            "日期",
            "渠道",
            "浏览量",
            "访客数",
            "访问次数",
            "跳失访问数",
            "支付买家数",
            "支付金额",
            "花费",
            "展现量",
            "点击量",
        ],
        &[
            &[
                "2024-05-06",
                "直通车",
                "300",
                "100",
                "120",
                "66",
                "3",
                "450",
                "200",
                "3000",
                "110",
            ],
            &[
                "2024-05-07",
                "直通车",
                "500",
                "150",
                "180",
                "90",
                "6",
                "780",
                "300",
                "4500",
                "160",
            ],
        ],
    );
    let tt = TrafficTable::build(
        &tr_t,
        &Mapping::detect(InputKind::TrafficTable, tr_t.headers()),
    )
    .ok()?;
    let tr = traffic_from_table(
        &tt,
        &TrafficOptions {
            flagship_aov: Some(100.0),
            ..Default::default()
        },
    );
    if has(&tr.report.metrics) {
        return Some(GlossaryExample {
            table: tr_t,
            metrics: tr.report.metrics,
            note: ExampleNote::FlagshipAov(100.0),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_of_the_core_has_a_mistake_and_a_worked_example() {
        for k in metric_keys() {
            assert!(!mistakes_for(k).is_empty(), "{k} has no common mistake");
            let e = example_for(k).unwrap_or_else(|| panic!("{k} has no example"));
            let m = e.metrics.iter().find(|m| m.key == k).unwrap();
            assert!(
                m.value.is_some(),
                "{k}: example value not available: {:?}",
                m.unavailable
            );
        }
    }

    #[test]
    fn examples_give_the_values_worked_out_by_hand() {
        let v = |k: &str| {
            example_for(k)
                .unwrap()
                .metrics
                .iter()
                .find(|m| m.key == k)
                .unwrap()
                .value
                .unwrap()
        };
        // February: amy (A2, two lines), bob, cat (A4, A5), dan.
        assert_eq!(v("buyers"), 4.0);
        assert_eq!(v("orders"), 5.0);
        assert_eq!(v("user_repurchase_rate"), 0.25);
        assert_eq!(v("order_repurchase_rate"), 0.2);
        assert_eq!(v("buyback_rate"), 0.25); // amy bought in January
                                             // Churned by March 1 (30 days): bob, cat, dan; dan came back.
        assert_eq!(v("churned_users"), 3.0);
        assert!((v("reflow_rate") - 1.0 / 3.0).abs() < 1e-12);
        // 10 online, 7 sold; 5 of 12 did not sell.
        assert_eq!(v("sell_through_rate"), 0.7);
        assert!((v("unsold_rate") - 5.0 / 12.0).abs() < 1e-12);
        // Two days of paid traffic: bounced 156 of 300 visits, 800 pv.
        assert_eq!(v("bounce_rate"), 0.52);
        assert!((v("visit_depth") - 800.0 / 300.0).abs() < 1e-12);
        assert_eq!(v("aov"), 1230.0 / 9.0);
        assert_eq!(v("roi"), 1230.0 / 500.0);
    }

    #[test]
    fn mistakes_exist_in_all_three_languages() {
        for m in MISTAKES {
            for l in Lang::ALL {
                assert!(!m.text(l).is_empty());
            }
            assert_ne!(m.text[0], m.text[1], "zh-TW copied from zh-CN");
        }
    }
}
