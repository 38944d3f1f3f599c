//! What each built-in sample is about: the story it tells, so a trainee
//! knows what to look for before the numbers appear.

use crate::i18n::Lang;
use opscalc_core::InputKind;

/// The story of the sample of a kind of input.
///
/// # Example
/// ```
/// use opscalc_core::InputKind;
/// use opscalc_web::{i18n::Lang, state_samples::story};
/// assert!(story(InputKind::Orders, Lang::En).contains("160 buyers"));
/// ```
pub fn story(kind: InputKind, lang: Lang) -> &'static str {
    let t = lang.t();
    match kind {
        InputKind::Orders => t.story_orders,
        InputKind::Activity => t.story_activity,
        InputKind::Products => t.story_products,
        InputKind::TrafficTable | InputKind::PageViews => t.story_traffic,
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::state::sample;
    use std::collections::BTreeSet;

    #[test]
    fn the_stories_match_their_samples() {
        // The orders story says 160 buyers and three duplicated rows.
        let o = sample(InputKind::Orders);
        let col = o.mapping.get(opscalc_core::Role::BuyerId).unwrap();
        let buyers: BTreeSet<&str> = (0..o.bytes.read().table.len())
            .map(|r| o.bytes.read().table.cell(r, col))
            .filter(|b| !b.is_empty())
            .collect();
        assert_eq!(buyers.len(), 160);
        // The products story says 24 products, 18 of them on sale.
        let p = sample(InputKind::Products);
        assert_eq!(p.bytes.read().table.len(), 24);
        let st = p.mapping.get(opscalc_core::Role::Status).unwrap();
        let on_sale = (0..24)
            .filter(|&r| p.bytes.read().table.cell(r, st) == "出售中")
            .count();
        assert_eq!(on_sale, 18);
        // The traffic story says eight weeks.
        let t = sample(InputKind::TrafficTable);
        let dc = t.mapping.get(opscalc_core::Role::Date).unwrap();
        let days: BTreeSet<&str> = (0..t.bytes.read().table.len())
            .map(|r| t.bytes.read().table.cell(r, dc))
            .collect();
        assert_eq!(days.len(), 56);
        for l in Lang::ALL {
            for k in [
                InputKind::Orders,
                InputKind::Activity,
                InputKind::Products,
                InputKind::TrafficTable,
            ] {
                assert!(story(k, l).len() > 40);
            }
        }
    }
}
