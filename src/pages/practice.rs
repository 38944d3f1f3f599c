//! Practice mode: a seeded exercise per calculator family, the learner's
//! answer checked against the core, and the working revealed step by step
//! with the rows that count highlighted. `?family=repurchase&seed=42` in
//! the URL gives a whole class the same exercise.

use crate::browser::{query_params, replace_query};
use crate::format::{date_in, metric_value, number};
use crate::i18n::Lang;
use crate::metric_text::metric_text;
use crate::pages::glossary::formula_words;
use crate::state::use_app;
use leptos::prelude::*;
use opscalc_core::{
    check_answer, exercise, is_percent_metric, Check, Exercise, Family, PracticeColumn,
};

/// A family's name in the menu.
pub fn family_name(f: Family, lang: Lang) -> &'static str {
    let t = lang.t();
    match f {
        Family::Repurchase => t.nav_repurchase,
        Family::Lifecycle => t.nav_lifecycle,
        Family::SellThrough => t.nav_sell_through,
        Family::Traffic => t.nav_traffic,
    }
}

/// A column's header in the learner's language.
pub fn column_name(c: PracticeColumn, lang: Lang) -> &'static str {
    use PracticeColumn::*;
    let name = |k: &'static str| metric_text(k, lang).name;
    match c {
        OrderId => lang.pick("订单编号", "訂單編號", "Order ID"),
        Buyer => lang.t().buyer,
        PaidAt => lang.pick("付款时间", "付款時間", "Paid at"),
        Amount => lang.t().amount,
        User => lang.pick("用户ID", "使用者 ID", "User"),
        VisitedAt => lang.pick("访问时间", "造訪時間", "Visited at"),
        Sku => lang.t().sku,
        Status => lang.pick("宝贝状态", "商品狀態", "Status"),
        Sales30d => lang.pick("30天销量", "30 天銷量", "Units sold, 30 days"),
        Date => lang.pick("日期", "日期", "Date"),
        Channel => lang.t().channel,
        Pv => name("pv"),
        Uv => name("uv"),
        Visits => name("visits"),
        BouncedVisits => name("bounced_visits"),
        Buyers => lang.pick("支付买家数", "付款買家數", "Paying buyers"),
        Revenue => name("revenue"),
    }
}

/// The question of an exercise, in the learner's language.
///
/// # Example
/// ```
/// use opscalc_core::{exercise, Family};
/// use opscalc_web::{i18n::Lang, pages::practice::question};
/// let e = exercise(Family::Lifecycle, 1);
/// assert!(question(&e, Lang::En).contains("churn"));
/// ```
pub fn question(e: &Exercise, lang: Lang) -> String {
    let name = metric_text(e.metric, lang).name;
    let context = match (e.family, e.window) {
        (Family::Repurchase, Some((a, b))) => lang.pick(
            format!(
                "时间窗口为表中第一天到最后一天（{} 至 {}）。",
                date_in(a, lang),
                date_in(b, lang)
            ),
            format!(
                "時間區間為表中第一天到最後一天（{} 至 {}）。",
                date_in(a, lang),
                date_in(b, lang)
            ),
            format!(
                "The window is the table's first to last day ({} to {}).",
                date_in(a, lang),
                date_in(b, lang)
            ),
        ),
        (Family::Lifecycle, Some((a, b))) => lang.pick(
            format!(
                "窗口为 {} 至 {}，流失天数为 {} 天。",
                date_in(a, lang),
                date_in(b, lang),
                e.churn_days
            ),
            format!(
                "區間為 {} 至 {}，流失天數為 {} 天。",
                date_in(a, lang),
                date_in(b, lang),
                e.churn_days
            ),
            format!(
                "The window is {} to {}; users churn after {} days without a visit.",
                date_in(a, lang),
                date_in(b, lang),
                e.churn_days
            ),
        ),
        (Family::SellThrough, Some((_, b))) => lang.pick(
            format!(
                "统计日期为 {}，“30天销量”是截至该日 30 天内的销量；状态“出售中”是在线宝贝，“仓库中”不在线。",
                date_in(b, lang)
            ),
            format!(
                "統計日期為 {}，「30 天銷量」是截至該日 30 天內的銷量；匯出檔的狀態「出售中」是上架商品，「仓库中」（倉庫中）未上架。",
                date_in(b, lang)
            ),
            format!(
                "As of {}; the sales column is the 30 days up to that date. The export's status \"出售中\" means online (on sale), \"仓库中\" in the warehouse.",
                date_in(b, lang)
            ),
        ),
        _ => {
            let ch = e.channel.clone().unwrap_or_default();
            lang.pick(
                format!("只看渠道“{ch}”的所有日期。"),
                format!("只看通路「{ch}」的所有日期。"),
                format!("Only the channel \"{ch}\", over all its days."),
            )
        }
    };
    lang.pick(
        format!(
            "请计算{name}（{}）。{context}",
            formula_words(e.metric, lang)
        ),
        format!(
            "請計算{name}（{}）。{context}",
            formula_words(e.metric, lang)
        ),
        format!(
            "Work out this metric: {name} ({}). {context}",
            formula_words(e.metric, lang)
        ),
    )
}

/// How far off a wrong answer is, e.g. `Off by +2.9 percentage points`:
/// one decimal for rates and two for other values, the precision answers
/// are checked to, so a near miss never reads "off by 0.0".
///
/// # Example
/// ```
/// use opscalc_core::check_answer;
/// use opscalc_web::{i18n::Lang, pages::practice::feedback};
/// let c = check_answer("60", "reflow_rate", 4.0 / 7.0).unwrap();
/// assert_eq!(feedback(&c, "reflow_rate", Lang::En), "Not yet, try again. Off by +2.9 percentage points.");
/// let c = check_answer("150.52", "aov", 150.5).unwrap();
/// assert_eq!(feedback(&c, "aov", Lang::ZhTw), "還不對，再試試看。與正確答案相差 +0.02。");
/// ```
pub fn feedback(c: &Check, metric: &str, lang: Lang) -> String {
    let t = lang.t();
    if c.correct {
        return t.practice_right.to_string();
    }
    let (unit, decimals) = if is_percent_metric(metric) {
        (lang.pick(" 个百分点", " 個百分點", " percentage points"), 1)
    } else {
        ("", 2)
    };
    let sep = lang.pick("", "", " ");
    let end = lang.pick("。", "。", ".");
    format!(
        "{}{sep}{} {:+.decimals$}{unit}{end}",
        t.practice_wrong, t.practice_off_by, c.difference
    )
}

fn new_seed() -> u64 {
    #[cfg(target_arch = "wasm32")]
    {
        1 + (js_sys::Math::random() * 99_999.0) as u64
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        1 + (crate::pages::common::today()
            .map(|d| d.0 as u64)
            .unwrap_or(0)
            % 99_999)
    }
}

/// The practice page.
#[component]
pub fn PracticePage() -> impl IntoView {
    let app = use_app();
    let lang = move || app.lang.get();
    let t = move || lang().t();
    let q = query_params();
    let get = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let family = RwSignal::new(
        get("family")
            .and_then(|f| Family::from_key(&f))
            .unwrap_or(Family::Repurchase),
    );
    let seed = RwSignal::new(
        get("seed")
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or_else(new_seed),
    );
    let ex = Memo::new(move |_| exercise(family.get(), seed.get()));
    let answer = RwSignal::new(String::new());
    let result: RwSignal<Option<Option<Check>>> = RwSignal::new(None);
    let reveal = RwSignal::new(false);
    Effect::new(move |_| {
        replace_query(&[
            ("family".into(), family.get().key().into()),
            ("seed".into(), seed.get().to_string()),
        ]);
        answer.set(String::new());
        result.set(None);
        reveal.set(false);
    });
    let check = move || {
        let c = ex.with(|e| check_answer(&answer.get_untracked(), e.metric, e.answer));
        if c.is_some_and(|c| c.correct) {
            reveal.set(true);
        }
        result.set(Some(c));
    };
    let share = move || {
        format!(
            "/practice?family={}&seed={}",
            family.get().key(),
            seed.get()
        )
    };
    view! {
        <section class="practice">
            <h1>{move || t().nav_practice}</h1>
            <p class="hint">{move || t().practice_intro}</p>
            <div class="settings-grid">
                <label>{move || t().practice_family}
                    <select data-testid="practice-family" on:change=move |ev| {
                        if let Some(f) = Family::from_key(&event_target_value(&ev)) { family.set(f); }
                    }>
                        {Family::ALL.into_iter().map(|f| view! {
                            <option value=f.key() selected=move || family.get() == f>{move || family_name(f, lang())}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>{move || t().practice_seed}
                    <input type="number" min="0" data-testid="practice-seed" prop:value=move || seed.get().to_string()
                        on:change=move |ev| { if let Ok(s) = event_target_value(&ev).trim().parse::<u64>() { seed.set(s) } } />
                </label>
                <button data-testid="practice-new" on:click=move |_| seed.set(new_seed())>{move || t().practice_new}</button>
                <a class="share" data-testid="practice-share" href=share>{move || t().practice_share}</a>
            </div>
            {move || ex.with(|e| {
                let l = lang();
                let (from, to) = e.window.map(|(a, b)| (a.to_string(), b.to_string())).unwrap_or_default();
                view! {
                    <p class="question" data-testid="practice-question" data-metric=e.metric data-family=e.family.key()
                        data-from=from data-to=to data-churn-days=e.churn_days.to_string()
                        data-channel=e.channel.clone().unwrap_or_default()>{question(e, l)}</p>
                }
            })}
            <div class="table-wrap">
                <table class="data practice-table" data-testid="practice-table">
                    <thead><tr>
                        <th>"#"</th>
                        {move || ex.with(|e| {
                            let l = lang();
                            e.columns.iter().map(|c| view! { <th>{column_name(*c, l)}</th> }).collect_view()
                        })}
                    </tr></thead>
                    <tbody>
                        {move || ex.with(|e| {
                            let shown = reveal.get();
                            e.rows.iter().enumerate().map(|(i, r)| {
                                let hit = shown && e.highlight.contains(&i);
                                view! {
                                    <tr class:counts=hit data-row=i.to_string()>
                                        <td class="num">{i + 1}</td>
                                        {r.iter().map(|c| view! { <td>{c.clone()}</td> }).collect_view()}
                                    </tr>
                                }
                            }).collect_view()
                        })}
                    </tbody>
                </table>
            </div>
            <div class="practice-answer">
                <label>{move || t().practice_your_answer}
                    <input type="text" inputmode="decimal" data-testid="practice-answer"
                        prop:value=move || answer.get()
                        on:input=move |ev| answer.set(event_target_value(&ev))
                        on:keydown=move |ev| { if ev.key() == "Enter" { check() } } />
                </label>
                <span class="hint">{move || if ex.with(|e| is_percent_metric(e.metric)) { t().practice_percent_hint } else { t().practice_decimal_hint }}</span>
                <button data-testid="practice-check" on:click=move |_| check()>{move || t().practice_check}</button>
                <button class="secondary" data-testid="practice-reveal" on:click=move |_| reveal.set(true)>{move || t().practice_working}</button>
            </div>
            {move || result.get().map(|c| {
                let l = lang();
                match c {
                    Some(c) => {
                        let text = ex.with(|e| feedback(&c, e.metric, l));
                        view! { <p class="feedback" class:right=c.correct class:wrong=!c.correct data-testid="practice-feedback" data-correct=c.correct.to_string()>{text}</p> }.into_any()
                    }
                    None => view! { <p class="feedback wrong" data-testid="practice-feedback" data-correct="false">{t().practice_not_number}</p> }.into_any(),
                }
            })}
            <Show when=move || reveal.get()>
                <section class="card working" data-testid="practice-working">
                    <h2>{move || t().practice_working}</h2>
                    <p class="hint">{move || t().practice_rows_hint}</p>
                    <ol>
                        {move || ex.with(|e| {
                            let l = lang();
                            let mut items: Vec<AnyView> = e.steps.iter().map(|s| {
                                let rows = s.rows.iter().map(|r| (r + 1).to_string()).collect::<Vec<_>>().join(", ");
                                let label = l.pick("行", "列", "rows");
                                view! {
                                    <li data-step=s.key data-value=s.value.to_string()>
                                        {format!("{} = {}", metric_text(s.key, l).name, metric_value(s.key, s.value))}
                                        <span class="hint">{format!(" ({label} {rows})")}</span>
                                    </li>
                                }.into_any()
                            }).collect();
                            let tx = metric_text(e.metric, l);
                            items.push(view! {
                                <li data-step="answer" data-value=e.answer.to_string()>
                                    <strong>{format!("{} = {} / {} = {} / {} = {}", tx.name, tx.numerator, tx.denominator,
                                        number(e.steps[0].value), number(e.steps[1].value), metric_value(e.metric, e.answer))}</strong>
                                </li>
                            }.into_any());
                            items
                        })}
                    </ol>
                    <p><a href=move || format!("/glossary#{}", ex.with(|e| e.metric))>{move || t().glossary_link}</a></p>
                </section>
            </Show>
        </section>
    }
}
