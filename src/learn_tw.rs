//! Traditional Chinese for the texts the core writes in Simplified Chinese
//! and English only (benchmark reasons, diagnoses, excluded-row reasons,
//! lifecycle stages), so the zh-TW interface shows no Simplified leftovers.

use opscalc_core::{Band, BenchmarkResult, Diagnosis, Reason};

/// The threshold as the core printed it (`50%`, `2.5`), taken from the
/// English reason, where it is the first word starting with a digit.
///
/// # Example
/// ```
/// use opscalc_web::learn_tw::threshold;
/// assert_eq!(threshold("below 50%: many returning visitors"), "50%");
/// assert_eq!(threshold("at least 1.5 times the flagship's aov"), "1.5");
/// ```
pub fn threshold(en: &str) -> &str {
    en.split(|c: char| c.is_whitespace())
        .find(|w| w.starts_with(|c: char| c.is_ascii_digit()))
        .map(|w| w.trim_end_matches(':'))
        .unwrap_or("")
}

/// Why a benchmark band matters, in Traditional Chinese.
pub fn benchmark_reason_tw(b: &BenchmarkResult) -> String {
    let t = threshold(&b.reason_en);
    match (b.key, b.band) {
        ("bounce_rate", Band::Excellent) => {
            format!("跳出率低於{t}：回頭客多，訪客認得商店、進店就逛")
        }
        ("bounce_rate", Band::Good) => format!("跳出率低於{t}：大多數訪客會繼續看第二個頁面"),
        ("bounce_rate", Band::Pass) => format!("跳出率低於{t}：及格，到達頁面大致留得住人"),
        ("bounce_rate", _) => format!("跳出率不低於{t}：多數訪客只看一頁就離開，頁面留不住人"),
        ("visit_depth", Band::Excellent) => {
            format!("瀏覽深度高於{t}：訪客逛得深，關聯推薦和店內導覽有發揮作用")
        }
        ("visit_depth", Band::Good) => format!("瀏覽深度高於{t}：訪客願意多看幾款"),
        ("visit_depth", Band::Pass) => format!("瀏覽深度至少{t}：及格"),
        ("visit_depth", _) => format!("瀏覽深度低於{t}：訪客看得太少，頁面沒有把人帶向其他商品"),
        ("store_aov_ratio", Band::Good | Band::Excellent) => {
            format!("全店客單價至少是主推商品的{t}倍：買家常常順便加購")
        }
        ("store_aov_ratio", Band::Pass) => {
            format!("全店客單價至少是主推商品的{t}倍：及格，有一定的加購")
        }
        ("store_aov_ratio", _) => {
            format!("全店客單價不到主推商品的{t}倍：買家多半只買主推商品，關聯銷售弱")
        }
        _ => b.reason_en.clone(),
    }
}

/// A diagnosis in Traditional Chinese.
pub fn diagnosis_tw(d: &Diagnosis) -> String {
    match d.key {
        "fix_pages_first" => "跳出率和瀏覽深度都沒有及格：先優化頁面（首頁、商品頁、關聯推薦），再花錢買流量；每週檢查一次這兩個數字。",
        "high_bounce" => "跳出率沒有及格：訪客只看一頁就離開，先檢查到達頁面與導入的客群是否相符、首屏是否有吸引力；每週檢查一次。",
        "shallow_visits" => "瀏覽深度沒有及格：訪客看得太少，加強關聯推薦和店內導覽；每週檢查一次。",
        "pages_ok" => "跳出率和瀏覽深度都已及格：頁面留得住人，可以加大導流；仍需每週檢查。",
        "weak_cross_sell" => "全店客單價與主推商品相差不大：買家多半只買主推商品，用組合優惠、滿額折扣或關聯推薦提高加購。",
        "roi_below_one" => "投入產出比低於 1：付費流量帶來的營業額少於花費。",
        _ => return d.en.clone(),
    }
    .to_string()
}

/// The reason of an excluded row in Traditional Chinese (`None`: a reason
/// added to the core later, shown in English until it is translated).
pub fn reason_tw(reason: Reason) -> Option<&'static str> {
    use Reason::*;
    Some(match reason {
        BlankRow => "整列為空",
        DuplicateRow => "與前面某一列完全相同，只計一次",
        MissingOrderId => "缺少訂單編號",
        MissingTime => "時間欄為空",
        BadTime => "無法辨識時間",
        BadNumber => "無法辨識數字",
        Unpaid => "訂單沒有付款時間（未付款）",
        CancelledOrUnpaid => "狀態代表未付款（關閉、取消、待付款）",
        Refunded => "已退款，且設定為排除退款",
        MissingBuyer => "缺少買家 ID，不計入買家指標",
        MissingUser => "缺少使用者 ID",
        MissingSku => "缺少 SKU",
        DuplicateSku => "SKU 在商品表中重複出現",
        UnknownStatus => "狀態既不是上架中也不是倉庫中，需要確認",
        OutsideWindow => "不在所選的時間區間內",
        AfterAsOf => "晚於統計日期",
        UnknownSku => "訂單中的 SKU 不在商品表中",
        TotalRow => "合計列，不重複計算",
        MissingSession => "缺少工作階段 ID",
        #[allow(unreachable_patterns)]
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use opscalc_core::{diagnose, evaluate_benchmarks, Bands, Metric};

    #[test]
    fn every_benchmark_band_and_diagnosis_has_traditional_text() {
        let bands = Bands::default();
        for (bounce, depth) in [(0.4, 4.5), (0.55, 3.8), (0.65, 2.6), (0.8, 1.5)] {
            let m = vec![
                Metric::ratio("bounce_rate", bounce * 100.0, 100.0),
                Metric::ratio("visit_depth", depth * 100.0, 100.0),
                Metric::ratio("store_aov_ratio", 1.2, 1.0),
                Metric::ratio("roi", 0.5, 1.0),
            ];
            let r = evaluate_benchmarks(&m, &bands);
            for b in &r {
                let t = benchmark_reason_tw(b);
                assert_ne!(t, b.reason_en, "{} {:?}", b.key, b.band);
                assert!(t.chars().any(|c| c.is_ascii_digit()), "{t}");
            }
            for d in diagnose(&r, &m) {
                assert_ne!(diagnosis_tw(&d), d.en, "{}", d.key);
            }
        }
    }
}
