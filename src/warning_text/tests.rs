//! Every notice of the core, made through the core's own code where a small
//! table triggers it (its template function otherwise), said in zh-CN and
//! zh-TW exactly as written here.

use super::*;
use opscalc_core::notice::{self, NOTICES};
use opscalc_core::*;
use std::collections::BTreeSet;

/// Checks one warning's translations and returns its notice key.
fn said(w: &str, cn: &str, tw: &str) -> &'static str {
    assert_eq!(warning_in(w, Lang::Zh), cn, "zh-CN of {w}");
    assert_eq!(warning_in(w, Lang::ZhTw), tw, "zh-TW of {w}");
    assert_eq!(warning_in(w, Lang::En), w);
    recognise(w).unwrap().0.key
}

fn table(name: &str, headers: &[&str], rows: &[&[&str]]) -> Table {
    Table::from_rows(name, headers, rows)
}

fn orders(t: &Table) -> Orders {
    Orders::build(
        t,
        &Mapping::detect(InputKind::Orders, t.headers()),
        &OrderOptions::default(),
    )
    .unwrap()
}

fn products(t: &Table) -> Products {
    Products::build(
        t,
        &Mapping::detect(InputKind::Products, t.headers()),
        &ProductOptions::default(),
    )
    .unwrap()
}

fn traffic(t: &Table) -> Vec<String> {
    let tt =
        TrafficTable::build(t, &Mapping::detect(InputKind::TrafficTable, t.headers())).unwrap();
    traffic_from_table(&tt, &TrafficOptions::default())
        .report
        .warnings
}

fn activity(t: &Table) -> Activity {
    Activity::build(t, &Mapping::detect(InputKind::Activity, t.headers()), None).unwrap()
}

fn day(s: &str) -> Option<Date> {
    Date::parse(s)
}

/// The reader's warnings.
fn reader(covered: &mut BTreeSet<&'static str>) {
    let r = read_bytes(
        "o.csv",
        "订单号,买家ID\n1,amy,x,y\n2,bob\n3,cat,z\n".as_bytes(),
        &ReadOptions::default(),
    )
    .unwrap();
    covered.insert(said(
        &r.warnings[0],
        "o.csv：2 行的单元格比表头多（第一处：第 2 行，多 2 个）；多出的单元格已忽略。",
        "o.csv：2 列的儲存格比標題列多（第一處：第 2 列，多 2 個）；多出的儲存格已忽略。",
    ));

    let r = read_bytes(
        "q.csv",
        "订单号,买家ID\n1,\"amy\n".as_bytes(),
        &ReadOptions::default(),
    )
    .unwrap();
    covered.insert(said(
        &r.warnings[0],
        "q.csv：文件中的引号不成对；其后的行可能被合并进一个单元格。",
        "q.csv：檔案中的引號不成對；其後的列可能被合併進一個儲存格。",
    ));

    let r = read_bytes(
        "d.csv",
        "金额,金额,id\n1,2,3\n".as_bytes(),
        &ReadOptions::default(),
    )
    .unwrap();
    covered.insert(said(
        &r.warnings[0],
        "d.csv：第 1 行有重复的列名；已重命名 “金额 (2)”（另一个“金额”）。",
        "d.csv：第 1 列有重複的欄名；已重新命名 「金额 (2)」（另一個「金额」）。",
    ));
    let many = format!("{}\n{}\n", ["a"; 8].join(","), ["1"; 8].join(","));
    let r = read_bytes("m.csv", many.as_bytes(), &ReadOptions::default()).unwrap();
    covered.insert(said(
        &r.warnings[0],
        "m.csv：第 1 行有重复的列名；已重命名 “a (2)”（另一个“a”）、“a (3)”（另一个“a”）、“a (4)”（另一个“a”）、“a (5)”（另一个“a”）、“a (6)”（另一个“a”），另有 2 个。",
        "m.csv：第 1 列有重複的欄名；已重新命名 「a (2)」（另一個「a」）、「a (3)」（另一個「a」）、「a (4)」（另一個「a」）、「a (5)」（另一個「a」）、「a (6)」（另一個「a」），另有 2 個。",
    ));

    // A lone 0xFF is neither UTF-8 nor GB18030.
    let r = read_bytes(
        "b.csv",
        b"id,name\n1,amy\n2,\xff\n",
        &ReadOptions::default(),
    )
    .unwrap();
    covered.insert(said(
        &r.warnings[0],
        "b.csv：文件既不是有效的 UTF-8 也不是 GBK 编码；无法解码的字节（第一处在第 3 行）已替换为 \u{FFFD}。",
        "b.csv：檔案既不是有效的 UTF-8 也不是 GBK 編碼；無法解碼的位元組（第一處在第 3 列）已替換為 \u{FFFD}。",
    ));
    let r = read_bytes(
        "u.csv",
        b"id,name\n1,\xff\n",
        &ReadOptions {
            encoding: Some("utf-8".into()),
            ..Default::default()
        },
    )
    .unwrap();
    covered.insert(said(
        &r.warnings[0],
        "u.csv：部分字节不是有效的 UTF-8，已替换为 \u{FFFD}；如果文字看起来不对，请换一种编码。",
        "u.csv：部分位元組不是有效的 UTF-8，已替換為 \u{FFFD}；如果文字看起來不對，請換一種編碼。",
    ));

    // Spreadsheets: the reader's template functions (an XLSX is not built here).
    covered.insert(said(
        &notice::sheet_errors("s.xlsx", 2, 3, "实付金额", "#DIV/0!"),
        "s.xlsx：2 个单元格是表格公式错误（第一处：第 3 行，实付金额 列：#DIV/0!）；按文本读取，计为无法识别的值。",
        "s.xlsx：2 個儲存格是試算表公式錯誤（第一處：第 3 列，实付金额 欄：#DIV/0!）；以文字讀取，計為無法辨識的值。",
    ));
    covered.insert(said(
        &notice::first_sheet("s.xlsx", "订单", 3),
        "s.xlsx：读取了 3 个工作表中的第一个“订单”；如需其他工作表请另选。",
        "s.xlsx：讀取了 3 個工作表中的第一個「订单」；如需其他工作表請另選。",
    ));
}

/// Orders and repurchase.
fn repurchase_notices(covered: &mut BTreeSet<&'static str>) {
    let t = table(
        "o.csv",
        &["订单号", "买家ID", "付款时间"],
        &[
            &["1", "amy", "2024-03-01"],
            &["1", "bob", "2024-03-02"],
            &["2", "cat", "2024-03-05"],
        ],
    );
    let o = orders(&t);
    covered.insert(said(
        &o.warnings[0],
        "o.csv：1 个订单的明细行买家不一致（取第一个），例如 1。",
        "o.csv：1 筆訂單的明細列買家不一致（取第一個），例如 1。",
    ));
    covered.insert(said(
        &o.warnings[1],
        "o.csv：1 个订单的明细行时间不一致（取最早的），例如 1。",
        "o.csv：1 筆訂單的明細列時間不一致（取最早的），例如 1。",
    ));

    let r = repurchase(
        &o,
        &RepurchaseOptions {
            from: day("2024-04-01"),
            to: day("2024-04-30"),
            merge_same_day: true,
            ..Default::default()
        },
    )
    .unwrap();
    let w = &r.report.warnings;
    covered.insert(said(
        &w[2],
        "2024年4月1日 至 2024年4月30日 之间没有带买家的订单。",
        "2024/04/01 至 2024/04/30 之間沒有帶買家的訂單。",
    ));
    covered.insert(said(
        &w[3],
        "同一买家同一天的订单算一次购买：“订单”按买家-日计。",
        "同一買家同一天的訂單算一次購買：「訂單」以買家－日計。",
    ));

    let unpaid = table(
        "n.csv",
        &["订单号", "买家ID", "付款时间"],
        &[&["1", "amy", ""]],
    );
    let r = repurchase(&orders(&unpaid), &RepurchaseOptions::default()).unwrap();
    covered.insert(said(
        &r.report.warnings[0],
        "n.csv：没有可统计的已付款订单。",
        "n.csv：沒有可統計的已付款訂單。",
    ));

    let far = table(
        "f.csv",
        &["订单号", "买家ID", "付款时间"],
        &[&["1", "amy", "1900-01-01"], &["2", "amy", "9999-12-31"]],
    );
    let r = repurchase(&orders(&far), &RepurchaseOptions::default()).unwrap();
    let span = r.report.warnings.last().unwrap();
    covered.insert(said(
        span,
        "订单跨越超过 1,200 个月（是否有 9999-12-31 之类的占位日期？）；同期群矩阵不显示。",
        "訂單跨越超過 1,200 個月（是否有 9999-12-31 之類的佔位日期？）；同期群矩陣不顯示。",
    ));
}

/// Activity: return visits, retention and the lifecycle.
fn activity_notices(covered: &mut BTreeSet<&'static str>) {
    let a = activity(&table(
        "a.csv",
        &["用户ID", "访问时间"],
        &[&["amy", "2024-03-01"], &["amy", "2024-03-20"]],
    ));
    let r = reflow(
        &a,
        &ReflowOptions {
            from: day("2024-03-10"),
            ..Default::default()
        },
    )
    .unwrap();
    covered.insert(said(
        &r.report.warnings[0],
        "数据从 2024年3月1日 开始，距窗口开始日 2024年3月10日 不足 30 天（流失天数）：数据开始前就已流失的用户会被当作新用户，流失用户数可能偏低。",
        "資料從 2024/03/01 開始，距區間開始日 2024/03/10 不足 30 天（流失天數）：資料開始前就已流失的使用者會被當成新使用者，流失使用者數可能偏低。",
    ));

    let empty = activity(&table("e.csv", &["用户ID", "访问时间"], &[&["amy", ""]]));
    let r = reflow(&empty, &ReflowOptions::default()).unwrap();
    covered.insert(said(
        &r.report.warnings[0],
        "e.csv：没有可统计的活跃记录。",
        "e.csv：沒有可統計的活躍紀錄。",
    ));

    let far = activity(&table(
        "z.csv",
        &["用户ID", "访问时间"],
        &[&["amy", "1900-01-01"], &["amy", "9999-12-31"]],
    ));
    let r = reflow(&far, &ReflowOptions::default()).unwrap();
    covered.insert(said(
        r.report.warnings.last().unwrap(),
        "活跃数据跨越超过 1,200 个月（是否有 9999-12-31 之类的占位日期？）；留存同期群表不显示。",
        "活躍資料跨越超過 1,200 個月（是否有 9999-12-31 之類的佔位日期？）；留存同期群表不顯示。",
    ));
    assert_eq!(
        warning_in(&notice::activity_span(1200, "week"), Lang::ZhTw),
        "活躍資料跨越超過 1,200 週（是否有 9999-12-31 之類的佔位日期？）；留存同期群表不顯示。"
    );

    let o = orders(&table(
        "o.csv",
        &["订单号", "买家ID", "付款时间"],
        &[&["1", "amy", "2024-03-01"]],
    ));
    let l = lifecycle(
        &o,
        None,
        &LifecycleOptions {
            as_of: day("2024-02-01"),
            ..Default::default()
        },
    )
    .unwrap();
    covered.insert(said(
        &l.report.warnings[0],
        "没有活跃文件：这里每个用户都买过，所以没有用户处于导入期。",
        "沒有活躍檔案：這裡每位使用者都買過，所以沒有使用者處於導入期。",
    ));
    covered.insert(said(
        &l.report.warnings[1],
        "2024年2月1日 及之前没有任何用户的数据。",
        "2024/02/01 及之前沒有任何使用者的資料。",
    ));
    // The app's own lifecycle warning for its activity sample.
    covered.insert(said(
        &notice::no_orders_file(),
        "没有订单文件：没有人买过，所以每个用户都处于导入期或流失期；导入订单才能看到其他阶段。",
        "沒有訂單檔案：沒有人買過，所以每位使用者都處於導入期或流失期；匯入訂單才能看到其他階段。",
    ));
}

/// Products and sell-through.
fn sell_through_notices(covered: &mut BTreeSet<&'static str>) {
    let p = products(&table(
        "p.csv",
        &["商家编码", "宝贝状态", "30天销量", "最后成交时间"],
        &[
            &["A", "出售中", "1", "2024-03-09"],
            &["A", "出售中", "1", ""],
            &["B", "下架待审", "0", ""],
            &["C", "出售中", "0", ""],
        ],
    ));
    covered.insert(said(
        &p.warnings[0],
        "p.csv：1 行的 SKU 与前面某行重复；每个 SKU 只用第一行。",
        "p.csv：1 列的 SKU 與前面某列重複；每個 SKU 只用第一列。",
    ));
    let o = orders(&table(
        "o.csv",
        &["订单号", "买家ID", "付款时间", "商家编码"],
        &[
            &["1", "amy", "2024-03-01", "X"],
            &["2", "bob", "2024-03-02", "X"],
        ],
    ));
    let s = sell_through(
        &p,
        Some(&o),
        &SellThroughOptions {
            as_of: day("2024-03-05"),
            window_days: 7,
            ..Default::default()
        },
    )
    .unwrap();
    let w = &s.report.warnings;
    let find = |key: &str| {
        w.iter()
            .find(|x| recognise(x).is_some_and(|(n, _)| n.key == key))
            .unwrap_or_else(|| panic!("{key} not in {w:?}"))
    };
    covered.insert(said(
        find("skus_not_in_products"),
        "o.csv：窗口内售出的 1 个 SKU 不在商品文件中（2 行未计入），例如 \"X\"。",
        "o.csv：區間內售出的 1 個 SKU 不在商品檔案中（2 列未計入），例如 \"X\"。",
    ));
    covered.insert(said(
        find("unknown_statuses"),
        "p.csv：这些状态既不是在线也不是仓库中：“下架待审”（1 行）；请归类，在此之前这些 SKU 不计入。",
        "p.csv：這些狀態既不是上架也不是倉庫中：「下架待审」（1 列）；請歸類，在此之前這些 SKU 不計入。",
    ));
    covered.insert(said(
        find("sales_30d_window"),
        "商品文件的 30 天销量覆盖 30 天，而不是 7 天的窗口。",
        "商品檔案的 30 天銷量涵蓋 30 天，而不是 7 天的區間。",
    ));
    covered.insert(said(
        find("sold_after_as_of"),
        "1 个 SKU 的最后售出日期晚于 2024年3月5日，不能说明窗口内有销售，例如 \"A\"。",
        "1 個 SKU 的最後售出日期晚於 2024/03/05，不能說明區間內有銷售，例如 \"A\"。",
    ));

    let bare = products(&table(
        "b.csv",
        &["商家编码", "宝贝状态"],
        &[&["A", "出售中"]],
    ));
    let s = sell_through(
        &bare,
        None,
        &SellThroughOptions {
            as_of: day("2024-03-05"),
            ..Default::default()
        },
    )
    .unwrap();
    covered.insert(said(
        &s.report.warnings[0],
        "没有销量数据：请导入订单文件，或映射 30 天销量列或最后售出日期列；每个 SKU 都按未售出计。",
        "沒有銷量資料：請匯入訂單檔案，或對應 30 天銷量欄或最後售出日期欄；每個 SKU 都以未售出計。",
    ));
}

/// Traffic from a table of counts and from a page-view log.
fn traffic_notices(covered: &mut BTreeSet<&'static str>) {
    let w = traffic(&table(
        "t.csv",
        &[
            "日期",
            "访客数",
            "支付买家数",
            "浏览量",
            "访问次数",
            "跳失访问数",
            "展现量",
            "点击量",
            "跳失率",
        ],
        &[
            &["2024-03-01", "10", "30", "5", "8", "9", "1", "2", "50%"],
            &["2024-03-02", "10", "", "5", "8", "9", "1", "2", "50%"],
        ],
    ));
    let cases = [
        (
            "t.csv：未使用跳失率列“跳失率”：已给出跳失访问数。",
            "t.csv：未使用跳出率欄「跳失率」：已提供跳出造訪數。",
        ),
        (
            "t.csv：计数列中有 1 个空单元格（第一处：第 3 行，支付买家数 列），按无计；涉及这些行的比率可能有偏差。",
            "t.csv：計數欄中有 1 個空白儲存格（第一處：第 3 列，支付买家数 欄），以無計；涉及這些列的比率可能有偏差。",
        ),
        (
            "按天汇总的访客数每天各计一次，所以大于整个期间的不同访客数。",
            "按天加總的訪客數每天各計一次，所以大於整段期間的不重複訪客數。",
        ),
        (
            "数据看起来不一致：跳失访问数大于访问次数；请检查列映射。",
            "資料看起來不一致：跳出造訪數大於造訪次數；請檢查欄位對應。",
        ),
        (
            "数据看起来不一致：支付买家数大于访客数；请检查列映射。",
            "資料看起來不一致：買家數大於訪客數；請檢查欄位對應。",
        ),
        (
            "数据看起来不一致：点击量大于展现量；请检查列映射。",
            "資料看起來不一致：點擊數大於曝光數；請檢查欄位對應。",
        ),
        (
            "数据看起来不一致：访问次数大于浏览量；请检查列映射。",
            "資料看起來不一致：造訪次數大於瀏覽量；請檢查欄位對應。",
        ),
    ];
    assert_eq!(w.len(), cases.len(), "{w:?}");
    for (w, (cn, tw)) in w.iter().zip(cases) {
        covered.insert(said(w, cn, tw));
    }

    let w = traffic(&table("r.csv", &["访客数", "跳失率"], &[&["10", "50%"]]));
    covered.insert(said(
        &w[0],
        "r.csv：未使用跳失率列“跳失率”：没有每行的访问次数就只能对比率取平均，而比率从不取平均。",
        "r.csv：未使用跳出率欄「跳失率」：沒有每列的造訪次數就只能對比率取平均，而比率從不取平均。",
    ));
    let w = traffic(&table("v.csv", &["访问次数", "跳失率"], &[&["10", "50%"]]));
    covered.insert(said(
        &w[0],
        "v.csv：跳失访问数按行以跳失率 × 访问次数算出。",
        "v.csv：跳出造訪數逐列以跳出率 × 造訪次數算出。",
    ));
    let w = traffic(&table("0.csv", &["访客数"], &[]));
    covered.insert(said(
        &w[0],
        "0.csv：没有可用的计数行。",
        "0.csv：沒有可用的計數列。",
    ));

    let pv = table(
        "pv.csv",
        &["访客ID", "访问时间", "渠道"],
        &[&["v1", "2024-03-01", "搜索"], &["v1", "2024-03-02", "直播"]],
    );
    let pv = PageViews::build(
        &pv,
        &Mapping::detect(InputKind::PageViews, pv.headers()),
        None,
    )
    .unwrap();
    let w = traffic_from_pageviews(&pv, &TrafficOptions::default())
        .report
        .warnings;
    covered.insert(said(
        &w[0],
        "pv.csv：时间只有日期没有时刻，无法按间隔拆分访问：每个访客一天内的浏览算一次访问。",
        "pv.csv：時間只有日期沒有時刻，無法依間隔拆分造訪：每位訪客一天內的瀏覽算一次造訪。",
    ));
    covered.insert(said(
        &w[1],
        "部分访客来自多个渠道，在每个渠道各计一次；渠道占比按各渠道访客数之和计算。",
        "部分訪客來自多個通路，在每個通路各計一次；通路占比依各通路訪客數之和計算。",
    ));
    let none = table("p0.csv", &["访客ID", "访问时间"], &[&["v1", ""]]);
    let none = PageViews::build(
        &none,
        &Mapping::detect(InputKind::PageViews, none.headers()),
        None,
    )
    .unwrap();
    let w = traffic_from_pageviews(&none, &TrafficOptions::default())
        .report
        .warnings;
    covered.insert(said(
        &w[0],
        "p0.csv：没有可统计的浏览记录。",
        "p0.csv：沒有可統計的瀏覽紀錄。",
    ));
}

#[test]
fn every_notice_is_said_exactly_in_both_chinese_scripts() {
    let mut covered = BTreeSet::new();
    reader(&mut covered);
    repurchase_notices(&mut covered);
    activity_notices(&mut covered);
    sell_through_notices(&mut covered);
    traffic_notices(&mut covered);
    // A new notice in the core fails here until it has a translation and
    // an exact case above.
    let all: BTreeSet<&str> = NOTICES.iter().map(|n| n.key).collect();
    let missing: Vec<_> = all.difference(&covered).collect();
    assert!(missing.is_empty(), "notices without a case: {missing:?}");
}

#[test]
fn every_template_has_both_translations_with_the_same_values() {
    for n in NOTICES {
        let (cn, tw) = templates(n.key).unwrap_or_else(|| panic!("{} has no translation", n.key));
        for (script, t) in [("zh-CN", cn), ("zh-TW", tw)] {
            for name in n.names() {
                assert_eq!(
                    t.matches(&format!("{{{name}}}")).count(),
                    1,
                    "{} {script}: {{{name}}}",
                    n.key
                );
            }
            // No value the English template lacks.
            let braces = t.matches('{').count();
            assert_eq!(braces, n.names().len(), "{} {script}", n.key);
            // No English words left in the sentence itself.
            assert!(
                !t.replace(['{', '}'], " ").split_whitespace().any(
                    |w| !n.names().contains(&w) && w.contains(|c: char| c.is_ascii_lowercase())
                ),
                "{} {script}: English left in {t}",
                n.key
            );
        }
    }
}

#[test]
fn values_with_the_templates_own_words_are_kept_and_unknown_sentences_stay() {
    // A file name with a colon and spaces, and English in the cell text.
    let w = notice::no_paid_orders("my orders: no paid orders.csv");
    assert_eq!(
        warning_in(&w, Lang::Zh),
        "my orders: no paid orders.csv：没有可统计的已付款订单。"
    );
    assert_eq!(
        warning_in("the moon is made of cheese", Lang::Zh),
        "the moon is made of cheese"
    );
    // A status list that does not split cleanly stays as the core wrote it.
    assert_eq!(
        value_in("unknown_statuses", "statuses", "odd", Lang::Zh),
        "odd"
    );
    assert_eq!(
        warnings_in(&[notice::merge_same_day()], Lang::En),
        vec![notice::merge_same_day()]
    );
}
