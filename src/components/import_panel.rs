//! The data step of every calculator: the current dataset, upload, paste,
//! encoding, sheet and date-order choices, and the column mapping with a
//! preview of the first 20 rows.

use crate::browser::{load, save};
use crate::import_worker::{ImportProgress, ImportRequest};
use crate::state::{sample, use_app, Dataset, Source};
use leptos::prelude::*;
use opscalc_core::{DateOrder, InputKind, Mapping, Role};

/// A role's name in a language (the mapping labels; also used by error_text).
pub(crate) fn role_label(role: Role, lang: crate::i18n::Lang) -> String {
    let zh = match role {
        Role::OrderId => "订单号",
        Role::BuyerId => "买家ID",
        Role::PaidAt => "付款时间",
        Role::CreatedAt => "创建时间",
        Role::Amount => "金额",
        Role::Status => "状态",
        Role::Sku => "SKU",
        Role::Product => "商品",
        Role::Category => "类目",
        Role::Channel => "渠道",
        Role::Quantity => "数量",
        Role::UserId => "用户ID",
        Role::Time => "时间",
        Role::RegisteredAt => "注册时间",
        Role::Sales30d => "30天销量",
        Role::LastSoldAt => "最后成交时间",
        Role::ListedAt => "上架时间",
        Role::Date => "日期",
        Role::Pv => "浏览量",
        Role::Uv => "访客数",
        Role::Visits => "访问次数",
        Role::BouncedVisits => "跳失访问数",
        Role::BounceRate => "跳失率",
        Role::Buyers => "支付买家数",
        Role::Orders => "支付订单数",
        Role::Revenue => "支付金额",
        Role::Spend => "花费",
        Role::Impressions => "展现量",
        Role::Clicks => "点击量",
        Role::Carts => "加购人数",
        Role::VisitorId => "访客ID",
        Role::Page => "页面",
        Role::SessionId => "会话ID",
    };
    match lang {
        crate::i18n::Lang::Zh => format!("{zh} ({})", role.key()),
        crate::i18n::Lang::ZhTw => format!("{} ({})", role_label_tw(role), role.key()),
        crate::i18n::Lang::En => role.key().to_string(),
    }
}

/// A role's name in Traditional Chinese (Taiwan terms).
fn role_label_tw(role: Role) -> &'static str {
    match role {
        Role::OrderId => "訂單編號",
        Role::BuyerId => "買家 ID",
        Role::PaidAt => "付款時間",
        Role::CreatedAt => "建立時間",
        Role::Amount => "金額",
        Role::Status => "狀態",
        Role::Sku => "SKU",
        Role::Product => "商品",
        Role::Category => "類別",
        Role::Channel => "通路",
        Role::Quantity => "數量",
        Role::UserId => "使用者 ID",
        Role::Time => "時間",
        Role::RegisteredAt => "註冊時間",
        Role::Sales30d => "30 天銷量",
        Role::LastSoldAt => "最後成交時間",
        Role::ListedAt => "上架時間",
        Role::Date => "日期",
        Role::Pv => "瀏覽量",
        Role::Uv => "訪客數",
        Role::Visits => "造訪次數",
        Role::BouncedVisits => "跳出造訪數",
        Role::BounceRate => "跳出率",
        Role::Buyers => "付款買家數",
        Role::Orders => "付款訂單數",
        Role::Revenue => "營業額",
        Role::Spend => "花費",
        Role::Impressions => "曝光數",
        Role::Clicks => "點擊數",
        Role::Carts => "加入購物車人數",
        Role::VisitorId => "訪客 ID",
        Role::Page => "頁面",
        Role::SessionId => "工作階段 ID",
    }
}

/// What a dataset holds, for the panel title (pages with two datasets).
fn kind_label(kind: InputKind, lang: crate::i18n::Lang) -> &'static str {
    if lang == crate::i18n::Lang::ZhTw {
        return match kind {
            InputKind::Orders => "訂單",
            InputKind::Activity => "造訪／活躍紀錄",
            InputKind::Products => "商品",
            InputKind::TrafficTable | InputKind::PageViews => "流量",
        };
    }
    let zh = lang == crate::i18n::Lang::Zh;
    match kind {
        InputKind::Orders => {
            if zh {
                "订单"
            } else {
                "orders"
            }
        }
        InputKind::Activity => {
            if zh {
                "访问/活跃记录"
            } else {
                "activity"
            }
        }
        InputKind::Products => {
            if zh {
                "商品"
            } else {
                "products"
            }
        }
        InputKind::TrafficTable | InputKind::PageViews => {
            if zh {
                "流量"
            } else {
                "traffic"
            }
        }
    }
}

/// "12.4 / 123.6 MB · 98,304 rows · 412,000 rows/s"
fn progress_text(p: Option<ImportProgress>, lang: crate::i18n::Lang) -> String {
    let Some(p) = p else {
        return String::new();
    };
    let mb = |b: f64| format!("{:.1}", b / 1e6);
    let phase = match p.phase.as_str() {
        "read" => lang.pick("读取文件", "讀取檔案", "reading"),
        "" => lang.pick("启动中", "啟動中", "starting"),
        _ => lang.pick("解析", "解析", "parsing"),
    };
    format!(
        "{phase} {} / {} MB · {} {} · {} {}",
        mb(p.bytes.min(p.total)),
        mb(p.total),
        crate::format::group(&(p.rows as u64).to_string()),
        lang.pick("行", "列", "rows"),
        crate::format::group(&(p.rows_per_second() as u64).to_string()),
        lang.pick("行/秒", "列/秒", "rows/s"),
    )
}

fn memory_key(d: &Dataset) -> String {
    format!(
        "opscalc.mapping.{:?}.{}",
        d.kind,
        Mapping::signature(d.preview.table.headers())
    )
}

/// The data step for one input kind.
#[component]
pub fn ImportPanel(
    /// Which dataset this panel edits.
    kind: InputKind,
) -> impl IntoView {
    let app = use_app();
    let data = app.dataset(kind);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let paste = RwSignal::new(String::new());
    let encoding = RwSignal::new(String::new());
    let t = move || app.lang.get().t();

    // Reads bytes into a dataset; on failure the previous dataset stays.
    let accept = move |result: Result<Dataset, opscalc_core::ReadError>| match result {
        Ok(d) => {
            error.set(None);
            data.set(d);
        }
        Err(e) => error.set(Some(e.to_string())),
    };
    let remembered = move |headers: &[String]| -> Option<Vec<(String, String)>> {
        load(&format!(
            "opscalc.mapping.{:?}.{}",
            kind,
            Mapping::signature(headers)
        ))
    };
    // Reads a file in the import worker; the page's data changes only
    // when the whole file has been read.
    let progress = RwSignal::new(None::<ImportProgress>);
    let notice = RwSignal::new(None::<&'static str>);
    // Which of this panel's imports is the latest: a new one here stops the
    // one before it, whose `on_stopped` must then leave the new one's
    // progress alone.
    let latest = StoredValue::new(0u32);
    // The panel after its import was stopped (cancelled here, or replaced
    // by an import in another section).
    let stopped = move || {
        busy.set(false);
        progress.set(None);
        notice.set(Some(t().import_cancelled));
    };
    let import = move |file: web_sys::File, sheet: Option<String>| {
        let this = latest.get_value().wrapping_add(1);
        latest.set_value(this);
        let name = file.name();
        let file_ref = crate::import_worker::keep_file(file.clone());
        busy.set(true);
        notice.set(None);
        progress.set(Some(ImportProgress::default()));
        crate::import_worker::start(
            file,
            ImportRequest {
                encoding: encoding.get_untracked(),
                sheet: sheet.unwrap_or_default(),
            },
            kind,
            move |p| progress.set(Some(p)),
            move |result| {
                busy.set(false);
                progress.set(None);
                match result {
                    Ok((table_id, bytes)) => {
                        let d = crate::browser::timed("page_table_decode", || {
                            Dataset::from_import(
                                kind,
                                table_id,
                                bytes,
                                Source::File(name.clone()),
                                Some(file_ref),
                                remembered,
                            )
                        });
                        match d {
                            Ok(d) => accept(Ok(d)),
                            Err(m) => error.set(Some(format!("{name}: {m}"))),
                        }
                    }
                    Err(m) => error.set(Some(m)),
                }
            },
            move || {
                if latest.get_value() == this {
                    stopped();
                }
            },
        );
    };

    let on_file = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        import(file, None);
        input.set_value("");
    };

    let on_cancel = move |_| {
        // Also when the worker stops later (it still owes an earlier
        // table): the panel is idle at once.
        if crate::import_worker::cancel() {
            stopped();
        }
    };

    let on_paste = move |_| {
        accept(Dataset::from_paste(
            kind,
            &paste.get_untracked(),
            remembered,
        ));
    };

    let reread = move |sheet: Option<String>| {
        let d = data.get_untracked();
        // Samples and pastes are text already; the setting applies to files.
        if let (Some(f), Source::File(name)) = (d.file, &d.source) {
            match crate::import_worker::kept_file(f) {
                Some(file) => import(file, sheet),
                None => error.set(Some(format!(
                    "{name}: choose the file again to read it with this setting"
                ))),
            }
        }
    };

    let set_role = move |role: Role, col: Option<usize>| {
        data.update(|d| {
            d.mapping.set(role, col);
            save(&memory_key(d), &d.mapping_pairs());
        });
    };

    let summary = move || {
        let lang = app.lang.get();
        data.with(|d| {
            let source = match &d.source {
                Source::Sample => lang.t().source_sample.to_string(),
                Source::File(n) => n.clone(),
                Source::Paste => lang.t().source_paste.to_string(),
            };
            format!(
                "{source} · {} {} · {} {}",
                d.rows,
                lang.pick("行", "列", "rows"),
                d.preview.table.headers().len(),
                lang.pick("列", "欄", "columns"),
            ) + &format!(" · {}", d.preview.encoding)
        })
    };

    let roles = kind.roles();
    view! {
        <section class="panel import" data-kind=format!("{kind:?}")>
            <div class="import-head">
                <h3>{move || format!("{} · {}", t().data, kind_label(kind, app.lang.get()))}</h3>
                <span class="data-summary" data-testid="data-summary">{summary}</span>
                <Show when=move || data.with(|d| d.source == Source::Sample)>
                    <span class="badge">{move || t().sample_loaded}</span>
                </Show>
            </div>
            <details class="sample-story" data-testid="sample-story">
                <summary>{move || t().sample_story}</summary>
                <p>{move || crate::state_samples::story(kind, app.lang.get())}</p>
            </details>
            <div class="import-actions">
                <label class="file-button">
                    <span>{move || t().upload}</span>
                    <input type="file" accept=".csv,.tsv,.txt,.xlsx,.xls,.xlsb,.ods" on:change=on_file data-testid="file-input" />
                </label>
                <button class="secondary" on:click=move |_| { error.set(None); data.set(sample(kind)); }>
                    {move || t().load_sample}
                </button>
                <label class="inline">
                    {move || t().encoding}
                    <select on:change=move |ev| { encoding.set(event_target_value(&ev)); reread(None); }>
                        <option value="">{move || t().auto_detect}</option>
                        <option value="utf-8">"UTF-8"</option>
                        <option value="gb18030">"GBK / GB18030"</option>
                        <option value="utf-16le">"UTF-16LE"</option>
                        <option value="utf-16be">"UTF-16BE"</option>
                    </select>
                </label>
                <Show when=move || data.with(|d| d.preview.sheets.len() > 1)>
                    <label class="inline">
                        {move || t().sheet}
                        <select on:change=move |ev| reread(Some(event_target_value(&ev)))>
                            {move || data.with(|d| d.preview.sheets.iter().map(|s| view! { <option value=s.clone()>{s.clone()}</option> }).collect_view())}
                        </select>
                    </label>
                </Show>
                <label class="inline">
                    {move || t().date_order}
                    <select on:change=move |ev| {
                        let v = event_target_value(&ev);
                        data.update(|d| d.date_order = match v.as_str() {
                            "dmy" => Some(DateOrder::DayFirst),
                            "mdy" => Some(DateOrder::MonthFirst),
                            _ => None,
                        });
                    }>
                        <option value="">{move || t().auto_detect}</option>
                        <option value="dmy">{move || t().day_first}</option>
                        <option value="mdy">{move || t().month_first}</option>
                    </select>
                </label>
            </div>
            <Show when=move || busy.get()>
                <div class="import-progress" data-testid="import-progress" role="status">
                    <progress max="100" value=move || progress.with(|p| p.as_ref().map_or(0.0, ImportProgress::percent))></progress>
                    <span class="progress-text">{move || progress_text(progress.get(), app.lang.get())}</span>
                    <button class="secondary" on:click=on_cancel data-testid="import-cancel">{move || t().cancel}</button>
                </div>
            </Show>
            <Show when=move || notice.with(Option::is_some)>
                <div class="notice" role="status" data-testid="import-notice">{move || notice.get().unwrap_or_default()}</div>
            </Show>
            <details class="paste">
                <summary>{move || t().paste}</summary>
                <textarea
                    rows="6"
                    placeholder=move || t().paste_hint
                    data-testid="paste-area"
                    prop:value=move || paste.get()
                    on:input=move |ev| paste.set(event_target_value(&ev))
                ></textarea>
                <button on:click=on_paste data-testid="paste-use">{move || t().use_paste}</button>
            </details>
            <Show when=move || error.with(Option::is_some)>
                <div class="error" role="alert" data-testid="import-error">{move || crate::error_text::error_in(&error.get().unwrap_or_default(), app.lang.get())}</div>
            </Show>
            <details class="mapping">
                <summary>{move || t().mapping}</summary>
                <p class="hint">{move || t().mapping_hint}</p>
                <div class="mapping-grid">
                    {roles
                        .into_iter()
                        .map(|role| {
                            view! {
                                <label class="role">
                                    <span>{move || role_label(role, app.lang.get())}</span>
                                    <select
                                        data-role=role.key()
                                        on:change=move |ev| {
                                            let v = event_target_value(&ev);
                                            set_role(role, v.parse().ok());
                                        }
                                    >
                                        <option value="" selected=move || data.with(|d| d.mapping.get(role).is_none())>
                                            {move || t().not_mapped}
                                        </option>
                                        {move || {
                                            data.with(|d| {
                                                d.preview
                                                    .table
                                                    .headers()
                                                    .iter()
                                                    .enumerate()
                                                    .map(|(i, h)| {
                                                        let selected = d.mapping.get(role) == Some(i);
                                                        view! { <option value=i.to_string() selected=selected>{h.clone()}</option> }
                                                    })
                                                    .collect_view()
                                            })
                                        }}
                                    </select>
                                </label>
                            }
                        })
                        .collect_view()}
                </div>
                <h4>{move || t().preview}</h4>
                <div class="table-wrap">
                    <table class="preview">
                        <thead>
                            <tr>
                                {move || {
                                    let lang = app.lang.get();
                                    data.with(|d| {
                                        d.preview
                                            .table
                                            .headers()
                                            .iter()
                                            .enumerate()
                                            .map(|(i, h)| {
                                                let role = d.mapping.iter().find(|(_, c)| *c == i).map(|(r, _)| role_label(r, lang));
                                                view! {
                                                    <th>
                                                        {h.clone()}
                                                        {role.map(|r| view! { <div class="role-tag">{r}</div> })}
                                                    </th>
                                                }
                                            })
                                            .collect_view()
                                    })
                                }}
                            </tr>
                        </thead>
                        <tbody>
                            {move || {
                                data.with(|d| {
                                    let t = &d.preview.table;
                                    (0..t.len().min(crate::engine::PREVIEW_ROWS))
                                        .map(|r| {
                                            let cells = t.row(r).map(|c| view! { <td>{c.to_string()}</td> }).collect_view();
                                            view! { <tr>{cells}</tr> }
                                        })
                                        .collect_view()
                                })
                            }}
                        </tbody>
                    </table>
                </div>
            </details>
        </section>
    }
}
