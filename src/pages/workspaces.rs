//! The workspaces page: the saved workspaces (name, date, size) with open,
//! rename, delete and "save as", and "clear my data".

use crate::persist::{self, human_size, use_persist, PersistError, WorkspaceInfo};
use crate::state::use_app;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// A saved time as local `2024-03-05 13:22`.
fn local_time(ms: f64) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}",
            d.get_full_year(),
            d.get_month() + 1,
            d.get_date(),
            d.get_hours(),
            d.get_minutes()
        )
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        format!("{ms}")
    }
}

/// The workspace list and the clear-my-data button.
#[component]
pub fn WorkspacesPage() -> impl IntoView {
    let app = use_app();
    let p = use_persist();
    let k = move || app.lang.get().k();
    let list = RwSignal::new(Vec::<WorkspaceInfo>::new());
    let message = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<PersistError>);
    let new_name = RwSignal::new(String::new());
    let renaming = RwSignal::new(None::<(String, String)>);
    let confirm = RwSignal::new(false);

    let refresh = move || {
        spawn_local(async move {
            match persist::list().await {
                Ok(l) => list.set(l),
                Err(e) => problem.set(Some(e)),
            }
        })
    };
    // Refresh after every save (autosave included) and on first show.
    Effect::new(move |_| {
        p.saves.track();
        refresh();
    });
    let taken = move |name: &str| list.with(|l| l.iter().any(|w| w.name == name));
    let report = move |r: Result<(), PersistError>, ok: Option<String>| match r {
        Ok(()) => {
            problem.set(None);
            message.set(ok);
            refresh();
        }
        Err(e) => problem.set(Some(e)),
    };

    let on_save_as = move |_| {
        let name = new_name.get_untracked().trim().to_string();
        if name.is_empty() {
            message.set(Some(k().name_empty.into()));
            return;
        }
        if taken(&name) {
            message.set(Some(k().name_taken.into()));
            return;
        }
        spawn_local(async move {
            let r = persist::save_as(&app, &name).await;
            if r.is_ok() {
                p.active.set(name.clone());
                crate::browser::save("opscalc.workspace", &name);
                new_name.set(String::new());
            }
            report(r, None);
        });
    };
    let open = move |name: String| {
        spawn_local(async move {
            let r = persist::open(app, p, &name).await;
            let ok = format!("{}: {name}", k().opened);
            report(r, Some(ok));
        })
    };
    let delete =
        move |name: String| spawn_local(async move { report(persist::delete(&name).await, None) });
    let finish_rename = move || {
        let Some((from, to)) = renaming.get_untracked() else {
            return;
        };
        let to = to.trim().to_string();
        if to.is_empty() || to == from {
            renaming.set(None);
            return;
        }
        if taken(&to) {
            message.set(Some(k().name_taken.into()));
            return;
        }
        renaming.set(None);
        spawn_local(async move {
            let r = persist::rename(&from, &to).await;
            if r.is_ok() && p.active.get_untracked() == from {
                p.active.set(to.clone());
                crate::browser::save("opscalc.workspace", &to);
            }
            report(r, None);
        });
    };
    let on_clear = move |_| {
        confirm.set(false);
        spawn_local(async move {
            let r = persist::clear_everything(app, p).await;
            let ok = k().cleared.to_string();
            report(r, Some(ok));
        });
    };

    let row = move |w: WorkspaceInfo| {
        let name = w.name.clone();
        let (n1, n2, n3) = (name.clone(), name.clone(), name.clone());
        let is_renaming = move || renaming.with(|r| r.as_ref().is_some_and(|(f, _)| *f == n1));
        let active = {
            let name = name.clone();
            move || p.active.with(|a| *a == name)
        };
        view! {
            <tr data-testid="workspace-row" data-name=name.clone() class:active=active>
                <td class="ws-name">
                    <Show when=is_renaming fallback={
                        let name = name.clone();
                        move || view! { <span>{name.clone()}</span> }
                    }>
                        <input data-testid="rename-input"
                            prop:value=move || renaming.with(|r| r.as_ref().map(|(_, t)| t.clone()).unwrap_or_default())
                            on:input=move |ev| renaming.update(|r| if let Some(r) = r { r.1 = event_target_value(&ev) })
                            on:keydown=move |ev| if ev.key() == "Enter" { finish_rename() } />
                        <button class="secondary" data-testid="rename-ok" on:click=move |_| finish_rename()>"OK"</button>
                    </Show>
                </td>
                <td>{local_time(w.saved_at)}</td>
                <td class="num" data-testid="workspace-size" data-bytes=w.size.to_string()>{human_size(w.size)}</td>
                <td class="ws-actions">
                    <button class="secondary" data-testid="workspace-open" on:click=move |_| open(n2.clone())>{move || k().open_workspace}</button>
                    <button class="secondary" data-testid="workspace-rename" on:click={
                        let name = name.clone();
                        move |_| renaming.set(Some((name.clone(), name.clone())))
                    }>{move || k().rename}</button>
                    <button class="secondary" data-testid="workspace-delete" on:click=move |_| delete(n3.clone())>{move || k().delete}</button>
                </td>
            </tr>
        }
    };

    view! {
        <section class="calculator workspaces">
            <h1>{move || k().workspaces}</h1>
            <p class="hint">{move || k().workspaces_hint}</p>
            <section class="panel">
                <p>{move || k().current_workspace}": "<strong data-testid="active-workspace">{move || p.active.get()}</strong></p>
                <div class="settings-grid">
                    <label>{move || k().new_name}
                        <input data-testid="save-as-name" prop:value=move || new_name.get() on:input=move |ev| new_name.set(event_target_value(&ev)) />
                    </label>
                </div>
                <button data-testid="save-as" on:click=on_save_as>{move || k().save_as}</button>
                <Show when=move || message.with(Option::is_some)>
                    <p class="notice" role="status" data-testid="workspace-message">{move || message.get().unwrap_or_default()}</p>
                </Show>
                <Show when=move || problem.with(Option::is_some)>
                    <p class="error" role="alert" data-testid="workspace-error">{move || problem.get().map(|e| e.message(app.lang.get())).unwrap_or_default()}</p>
                </Show>
                <div class="table-wrap">
                    <table data-testid="workspace-list">
                        <thead><tr>
                            <th>{move || k().name}</th>
                            <th>{move || k().saved_at}</th>
                            <th>{move || k().size}</th>
                            <th>{move || k().actions}</th>
                        </tr></thead>
                        <tbody>
                            <For each=move || list.get() key=|w| (w.name.clone(), w.saved_at.to_bits(), w.size.to_bits()) children=row />
                        </tbody>
                    </table>
                </div>
                <Show when=move || list.with(Vec::is_empty)>
                    <p class="hint">{move || k().no_workspaces}</p>
                </Show>
            </section>
            <section class="panel danger">
                <h3>{move || k().clear_data}</h3>
                <p class="hint">{move || k().clear_data_hint}</p>
                <Show when=move || confirm.get() fallback=move || view! {
                    <button class="danger" data-testid="clear-data" on:click=move |_| confirm.set(true)>{move || k().clear_data}</button>
                }>
                    <p role="alert">{move || k().clear_confirm}</p>
                    <button class="danger" data-testid="clear-yes" on:click=on_clear>{move || k().clear_yes}</button>
                    <button class="secondary" on:click=move |_| confirm.set(false)>{move || k().clear_no}</button>
                </Show>
            </section>
        </section>
    }
}
