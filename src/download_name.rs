//! Download file names in the reader's language. The pages name their
//! downloads in English (`repurchase-results.csv`, `chart-periods.png`),
//! which also keys tests and the XLSX sheet; the browser saves them under
//! the name said here, from the page's current language (`<html lang>`).

use crate::i18n::Lang;

/// Each English stem and its zh-CN and zh-TW names.
const NAMES: &[(&str, &str, &str)] = &[
    ("repurchase-results", "复购率-结果", "複購率-結果"),
    (
        "lifecycle-results",
        "回流与生命周期-结果",
        "回流與生命週期-結果",
    ),
    ("sell-through-results", "动销率-结果", "動銷率-結果"),
    ("traffic-results", "流量质量-结果", "流量品質-結果"),
    ("excluded-rows", "排除的行", "排除的列"),
    ("buyers", "买家", "買家"),
    ("repurchase-periods", "复购率-按周期", "複購率-依週期"),
    ("repurchase-breakdown", "复购率-分组", "複購率-分組"),
    ("retention-users", "留存-用户", "留存-使用者"),
    ("reflow-periods", "回流-按周期", "回流-依週期"),
    ("lifecycle-users", "生命周期-用户", "生命週期-使用者"),
    ("churned-users", "流失用户", "流失使用者"),
    ("sell-through-categories", "动销率-按类目", "動銷率-依類別"),
    ("unsold-online-skus", "在售未动销商品", "上架未動銷商品"),
    ("traffic-channels", "流量-按渠道", "流量-依通路"),
    ("chart-periods", "图表-复购率按周期", "圖表-複購率依週期"),
    ("chart-breakdown", "图表-复购率分组", "圖表-複購率分組"),
    ("chart-intervals", "图表-复购间隔", "圖表-複購間隔"),
    ("chart-categories", "图表-动销率按类目", "圖表-動銷率依類別"),
    ("chart-channels", "图表-流量按渠道", "圖表-流量依通路"),
    ("chart-stages", "图表-生命周期阶段", "圖表-生命週期階段"),
    ("chart-reflow", "图表-回流", "圖表-回流"),
];

/// `filename` in `lang`: a known English stem is replaced, the extension
/// kept; other names (a user's own file) are left as they are.
///
/// # Example
/// ```
/// use opscalc_web::{download_name::download_name, i18n::Lang};
/// assert_eq!(download_name("repurchase-results.xlsx", Lang::Zh), "复购率-结果.xlsx");
/// assert_eq!(download_name("chart-periods.png", Lang::ZhTw), "圖表-複購率依週期.png");
/// assert_eq!(download_name("buyers.csv", Lang::En), "buyers.csv");
/// assert_eq!(download_name("my.csv", Lang::Zh), "my.csv");
/// ```
pub fn download_name(filename: &str, lang: Lang) -> String {
    let (stem, ext) = filename.rsplit_once('.').unwrap_or((filename, ""));
    let Some(&(_, cn, tw)) = NAMES.iter().find(|(en, _, _)| *en == stem) else {
        return filename.to_string();
    };
    let name = lang.pick(cn, tw, stem);
    if ext.is_empty() {
        name.to_string()
    } else {
        format!("{name}.{ext}")
    }
}

/// `filename` in the page's current language (its `<html lang>`, which
/// the app keeps on the language switch); English outside a browser.
pub fn in_page_lang(filename: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    let lang = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|e| e.get_attribute("lang"))
        .map_or(Lang::En, |tag| Lang::from_tag(&tag));
    #[cfg(not(target_arch = "wasm32"))]
    let lang = Lang::En;
    download_name(filename, lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_download_the_pages_offer_has_a_name() {
        // The names the pages and components give, read from their source:
        // a new download without a Chinese name fails here.
        let sources = [
            include_str!("pages/repurchase.rs"),
            include_str!("pages/lifecycle.rs"),
            include_str!("pages/retention.rs"),
            include_str!("pages/sell_through.rs"),
            include_str!("pages/traffic.rs"),
            include_str!("components/quality_panel.rs"),
            include_str!("components/report_bar.rs"),
        ];
        let mut offered = Vec::new();
        for src in sources {
            for (open, ext) in [
                ("filename=\"", ""),
                ("stem=\"", "-results.csv"),
                ("svg_download(\"", ".svg"),
                ("png_download(\"", ".png"),
            ] {
                for (at, _) in src.match_indices(open) {
                    let rest = &src[at + open.len()..];
                    let name = &rest[..rest.find('"').unwrap()];
                    offered.push(format!("{name}{ext}"));
                }
            }
        }
        assert!(offered.len() >= 25, "{offered:?}");
        for f in offered {
            let ext = f.rsplit_once('.').map_or("", |(_, e)| e);
            let cn = download_name(&f, Lang::Zh);
            let tw = download_name(&f, Lang::ZhTw);
            for n in [&cn, &tw] {
                let stem = n
                    .strip_suffix(&format!(".{ext}"))
                    .unwrap_or_else(|| panic!("{n}"));
                assert!(
                    !stem.contains(|c: char| c.is_ascii_alphabetic()),
                    "{f}: {n}"
                );
            }
            assert_ne!(cn, tw, "{f}");
            assert_eq!(download_name(&f, Lang::En), f);
        }
    }
}
