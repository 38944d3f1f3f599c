//! Keeping the user's work in the browser (IndexedDB, through the small
//! shim `web/persist.js`): named workspaces holding each dataset in parsed
//! form (the bytes of [`ReadResult::write_to`], the same form the import
//! worker hands over), its mapping, source and date order, and every page's
//! settings (the URL query each page keeps).
//!
//! The async API below takes and returns those bytes and metadata only, so
//! it does not care where the full table lives. The current workspace is
//! saved shortly after every change ([`provide`] sets that up) and restored
//! before the app mounts ([`restore_for_start`]). Nothing here ever touches
//! the data on screen when a save fails: a full disk is a message, not a loss.

use crate::engine::TableBytes;
use crate::i18n::Lang;
use crate::state::{sample, AppState, Dataset, Source};
use leptos::prelude::*;
use opscalc_core::{DateOrder, InputKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where the active workspace's name is remembered.
const ACTIVE_KEY: &str = "opscalc.workspace";
/// How long after the last change the workspace is saved.
const SAVE_DELAY_MS: u32 = 400;

/// One dataset's description in a saved workspace (its table, when it is
/// not a sample, is stored beside it as bytes).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DatasetMeta {
    /// `Orders`, `Activity`, `Products`, `TrafficTable` or `PageViews`.
    pub kind: String,
    /// `sample`, `file` or `paste`.
    pub source: String,
    /// The file name for `file`.
    #[serde(default)]
    pub file: String,
    /// The mapping as (role key, header) pairs.
    pub mapping: Vec<(String, String)>,
    /// `dmy` or `mdy` when the user chose one.
    #[serde(default)]
    pub date_order: Option<String>,
    /// Whether a table is stored for this dataset.
    pub has_table: bool,
}

/// A workspace's description: its datasets and the pages' settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkspaceMeta {
    /// Format version, for later changes.
    pub version: u32,
    /// The datasets, in [`SLOTS`] order.
    pub datasets: Vec<DatasetMeta>,
    /// Each page's settings: path -> URL query.
    #[serde(default)]
    pub queries: BTreeMap<String, String>,
}

/// A saved workspace as the list shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkspaceInfo {
    /// Its name (unique).
    pub name: String,
    /// When it was last saved, milliseconds since 1970.
    pub saved_at: f64,
    /// Stored bytes (tables plus description).
    pub size: f64,
}

/// Why storing failed.
#[derive(Clone, Debug, PartialEq)]
pub enum PersistError {
    /// The browser's storage quota is used up (`QuotaExceededError`).
    Quota,
    /// IndexedDB is unavailable (private windows in some browsers).
    Unavailable,
    /// Anything else, with the browser's message.
    Other(String),
}

impl PersistError {
    /// The message shown to the user.
    pub fn message(&self, lang: Lang) -> String {
        let k = lang.k();
        match self {
            PersistError::Quota => k.quota_full.to_string(),
            PersistError::Unavailable => k.storage_unavailable.to_string(),
            PersistError::Other(m) => {
                // Nothing until the error translations are in (lazy_errors).
                let said = crate::lazy_errors::error_in(m, lang);
                if said.is_empty() && !m.is_empty() {
                    said
                } else {
                    format!("{}{}", k.save_failed, said)
                }
            }
        }
    }
}

/// The kind's name in storage.
///
/// # Example
/// ```
/// use opscalc_core::InputKind;
/// use opscalc_web::persist::{kind_key, kind_from_key};
/// assert_eq!(kind_from_key(kind_key(InputKind::PageViews)), Some(InputKind::PageViews));
/// assert_eq!(kind_from_key("Nope"), None);
/// ```
pub fn kind_key(kind: InputKind) -> &'static str {
    match kind {
        InputKind::Orders => "Orders",
        InputKind::Activity => "Activity",
        InputKind::Products => "Products",
        InputKind::TrafficTable => "TrafficTable",
        InputKind::PageViews => "PageViews",
    }
}

/// The kind named by [`kind_key`].
pub fn kind_from_key(s: &str) -> Option<InputKind> {
    Some(match s {
        "Orders" => InputKind::Orders,
        "Activity" => InputKind::Activity,
        "Products" => InputKind::Products,
        "TrafficTable" => InputKind::TrafficTable,
        "PageViews" => InputKind::PageViews,
        _ => return None,
    })
}

/// The description of a dataset; its table is stored unless it is a sample
/// (samples are built in, so only their mapping is kept).
///
/// # Example
/// ```
/// use opscalc_core::InputKind;
/// use opscalc_web::{persist::dataset_meta, state::sample};
/// let m = dataset_meta(&sample(InputKind::Orders));
/// assert_eq!((m.kind.as_str(), m.source.as_str(), m.has_table), ("Orders", "sample", false));
/// ```
pub fn dataset_meta(d: &Dataset) -> DatasetMeta {
    let (source, file) = match &d.source {
        Source::Sample => ("sample", String::new()),
        Source::File(n) => ("file", n.clone()),
        Source::Paste => ("paste", String::new()),
    };
    DatasetMeta {
        kind: kind_key(d.kind).to_string(),
        source: source.to_string(),
        file,
        mapping: d.mapping_pairs(),
        date_order: d.date_order.map(|o| {
            match o {
                DateOrder::DayFirst => "dmy",
                DateOrder::MonthFirst => "mdy",
            }
            .to_string()
        }),
        has_table: d.source != Source::Sample,
    }
}

/// Rebuilds a dataset from its description and stored table (`None` for a
/// sample). A description that does not fit (a table missing) gives `None`,
/// and the caller keeps the sample.
///
/// # Example
/// ```
/// use opscalc_core::{read_text, InputKind, Role};
/// use opscalc_web::persist::{dataset_meta, restore_dataset};
/// use opscalc_web::state::{Dataset, Source};
/// use opscalc_web::engine::TableBytes;
/// let r = read_text("o.csv", "单号,收货人,买家ID\n1,x,y\n", None).unwrap();
/// let mut d = Dataset::from_read(InputKind::Orders, r.clone(), Source::File("o.csv".into()), None, |_| None);
/// d.mapping.set(Role::BuyerId, Some(1));
/// let back = restore_dataset(&dataset_meta(&d), Some(TableBytes::from_read(&r))).unwrap();
/// assert_eq!(back.mapping.get(Role::BuyerId), Some(1));
/// assert_eq!(back.source, Source::File("o.csv".into()));
/// ```
pub fn restore_dataset(meta: &DatasetMeta, table: Option<TableBytes>) -> Option<Dataset> {
    let kind = kind_from_key(&meta.kind)?;
    let pairs = meta.mapping.clone();
    let mut d = match (meta.source.as_str(), table) {
        // Samples are not stored: the built-in one comes back.
        ("sample", _) => {
            let mut s = sample(kind);
            s.mapping = crate::state::mapping_for(kind, &s.preview, Some(&pairs));
            s
        }
        (source @ ("file" | "paste"), Some(t)) => {
            let source = if source == "file" {
                Source::File(meta.file.clone())
            } else {
                Source::Paste
            };
            Dataset::from_bytes(kind, t, source, None, move |_| Some(pairs.clone())).ok()?
        }
        _ => return None,
    };
    d.date_order = match meta.date_order.as_deref() {
        Some("dmy") => Some(DateOrder::DayFirst),
        Some("mdy") => Some(DateOrder::MonthFirst),
        _ => None,
    };
    Some(d)
}

/// The app's dataset slots, in the order they are stored.
pub fn slots(app: &AppState) -> [RwSignal<Dataset>; 4] {
    [app.orders, app.activity, app.products, app.traffic]
}

/// "1.2 MB", "830 KB", "512 B".
///
/// # Example
/// ```
/// use opscalc_web::persist::human_size;
/// assert_eq!(human_size(512.0), "512 B");
/// assert_eq!(human_size(2048.0), "2.0 KB");
/// assert_eq!(human_size(3_500_000.0), "3.3 MB");
/// ```
pub fn human_size(bytes: f64) -> String {
    if bytes < 1024.0 {
        format!("{bytes:.0} B")
    } else if bytes < 1024.0 * 1024.0 {
        format!("{:.1} KB", bytes / 1024.0)
    } else {
        format!("{:.1} MB", bytes / (1024.0 * 1024.0))
    }
}

/// A workspace as loaded: its description and each dataset's table.
pub type Loaded = (WorkspaceMeta, Vec<Option<TableBytes>>);

thread_local! {
    /// Each page's settings (path -> query), so they are saved with the
    /// workspace and a page opened without a query gets its last settings.
    static QUERIES: ArcRwSignal<BTreeMap<String, String>> = ArcRwSignal::new(BTreeMap::new());
    /// What [`restore_for_start`] loaded, taken by [`provide`].
    static RESTORED: std::cell::RefCell<Option<(String, Loaded)>> =
        const { std::cell::RefCell::new(None) };
}

fn queries() -> ArcRwSignal<BTreeMap<String, String>> {
    QUERIES.with(Clone::clone)
}

/// Records a page's settings query (called by `browser::replace_query`).
pub fn remember_query(path: &str, query: &str) {
    let q = queries();
    if q.with_untracked(|m| m.get(path).map(String::as_str) != Some(query)) {
        q.update(|m| {
            m.insert(path.to_string(), query.to_string());
        });
    }
}

/// A page's last settings query, if any.
pub fn remembered_query(path: &str) -> Option<String> {
    queries().with_untracked(|m| m.get(path).cloned())
}

/// The keep-your-work state shared by the app: which workspace is active,
/// and the last storage problem.
#[derive(Clone, Copy)]
pub struct Persistence {
    /// The active workspace's name (autosave writes there).
    pub active: RwSignal<String>,
    /// The last save's problem, shown as a banner until dismissed.
    pub problem: RwSignal<Option<PersistError>>,
    /// Bumped after every save, so the workspace list refreshes.
    pub saves: RwSignal<u32>,
}

/// The persistence context.
pub fn use_persist() -> Persistence {
    use_context::<Persistence>().expect("Persistence is provided at the root")
}

/// Loads the active workspace before the app mounts, so the first screen
/// already shows the user's data. Any failure means "nothing stored".
pub async fn restore_for_start() {
    let Some(name) = crate::browser::load::<String>(ACTIVE_KEY) else {
        return;
    };
    if let Ok(Some((meta, tables))) = imp::load(&name).await {
        RESTORED.with(|r| *r.borrow_mut() = Some((name, (meta, tables))));
    }
}

/// Puts a loaded workspace on screen: its datasets (samples where it has
/// none or a table does not decode) and its settings.
pub fn apply(app: &AppState, meta: &WorkspaceMeta, tables: Vec<Option<TableBytes>>) {
    let mut tables = tables.into_iter();
    for (slot, d) in slots(app).into_iter().zip(&meta.datasets) {
        let table = tables.next().flatten();
        let restored = restore_dataset(d, table)
            .unwrap_or_else(|| sample(kind_from_key(&d.kind).unwrap_or(InputKind::Orders)));
        slot.set(restored);
    }
    queries().set(meta.queries.clone());
}

/// The current state as a workspace description.
pub fn snapshot_meta(app: &AppState) -> WorkspaceMeta {
    WorkspaceMeta {
        version: 1,
        datasets: slots(app)
            .iter()
            .map(|s| s.with_untracked(dataset_meta))
            .collect(),
        queries: queries().get_untracked(),
    }
}

/// Provides [`Persistence`], puts the restored workspace on screen, and
/// saves the active workspace shortly after every change to the data,
/// mappings or settings.
pub fn provide(app: AppState) -> Persistence {
    let restored = RESTORED.with(|r| r.borrow_mut().take());
    let default_name = || app.lang.get_untracked().k().default_workspace.to_string();
    let active = match &restored {
        Some((name, ..)) => name.clone(),
        None => crate::browser::load::<String>(ACTIVE_KEY).unwrap_or_else(default_name),
    };
    if let Some((_, (meta, tables))) = restored {
        apply(&app, &meta, tables);
    }
    let p = Persistence {
        active: RwSignal::new(active),
        problem: RwSignal::new(None),
        saves: RwSignal::new(0),
    };
    provide_context(p);
    let q = queries();
    Effect::new(move |first: Option<()>| {
        for s in slots(&app) {
            s.track();
        }
        q.track();
        // The first run is the state just restored (or the samples).
        if first.is_some() {
            schedule_save(app, p);
        }
    });
    p
}

thread_local! {
    static PENDING: std::cell::RefCell<Option<gloo::timers::callback::Timeout>> =
        const { std::cell::RefCell::new(None) };
}

fn schedule_save(app: AppState, p: Persistence) {
    // Replacing the timeout drops (cancels) the previous one: one save
    // after a burst of changes.
    let t = gloo::timers::callback::Timeout::new(SAVE_DELAY_MS, move || {
        leptos::task::spawn_local(save_now(app, p));
    });
    PENDING.with(|c| *c.borrow_mut() = Some(t));
}

/// Saves the current state under the active workspace's name.
pub async fn save_now(app: AppState, p: Persistence) {
    let name = p.active.get_untracked();
    match save_checked(&app, &name).await {
        // Overtaken by a clear, open, delete or rename: nothing written.
        Ok(false) => {}
        Ok(true) => {
            crate::browser::save(ACTIVE_KEY, &name);
            // A later save that works clears an earlier problem.
            p.problem.set(None);
            p.saves.update(|n| *n += 1);
        }
        Err(e) => p.problem.set(Some(e)),
    }
}

thread_local! {
    // Bumped by whatever replaces or removes stored workspaces, so a save
    // that waited across one writes nothing.
    static GENERATION: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

fn next_generation() {
    GENERATION.with(|g| g.set(g.get() + 1));
}

/// Saves the current state as workspace `name` (replacing one of that name).
pub async fn save_as(app: &AppState, name: &str) -> Result<(), PersistError> {
    save_checked(app, name).await.map(|_| ())
}

/// [`save_as`]; false when a clear, open, delete or rename came while it
/// waited for a table, and it wrote nothing.
async fn save_checked(app: &AppState, name: &str) -> Result<bool, PersistError> {
    // An import's whole table comes a moment after its first numbers: every
    // table is waited for before the state is taken, so saves that waited
    // still write the latest state, and what came meanwhile is not undone.
    let generation = GENERATION.with(std::cell::Cell::get);
    for s in slots(app) {
        let bytes = s.with_untracked(|d| d.bytes.clone());
        bytes.settled().await;
    }
    if GENERATION.with(std::cell::Cell::get) != generation {
        return Ok(false);
    }
    let meta = snapshot_meta(app);
    let tables: Vec<Option<std::sync::Arc<TableBytes>>> = slots(app)
        .iter()
        .zip(&meta.datasets)
        .map(|(s, m)| m.has_table.then(|| s.with_untracked(|d| d.bytes.clone())))
        .collect();
    imp::save(name, &meta, &tables).await?;
    Ok(true)
}

/// Makes `name` the active workspace and puts it on screen.
pub async fn open(app: AppState, p: Persistence, name: &str) -> Result<(), PersistError> {
    next_generation();
    let Some((meta, tables)) = imp::load(name).await? else {
        return Err(PersistError::Other(
            opscalc_core::notice::WORKSPACE_NOT_FOUND.fill(&[("workspace", &name)]),
        ));
    };
    // Switch first, so the autosave the change triggers writes here.
    p.active.set(name.to_string());
    crate::browser::save(ACTIVE_KEY, &name.to_string());
    apply(&app, &meta, tables);
    Ok(())
}

/// The saved workspaces, newest first.
pub async fn list() -> Result<Vec<WorkspaceInfo>, PersistError> {
    imp::list().await
}

/// Deletes a saved workspace.
pub async fn delete(name: &str) -> Result<(), PersistError> {
    next_generation();
    imp::delete(name).await
}

/// Renames a saved workspace.
pub async fn rename(from: &str, to: &str) -> Result<(), PersistError> {
    next_generation();
    imp::rename(from, to).await
}

/// "Clear my data": every workspace, remembered setting and data cache,
/// then the samples on screen.
pub async fn clear_everything(app: AppState, p: Persistence) -> Result<(), PersistError> {
    next_generation();
    PENDING.with(|c| c.borrow_mut().take());
    imp::clear().await?;
    queries().set(BTreeMap::new());
    for s in slots(&app) {
        let kind = s.with_untracked(|d| d.kind);
        s.set(sample(kind));
    }
    // Resetting the screen schedules a save of the samples: cancel it, so
    // nothing is stored again until the user changes something.
    let name = app.lang.get_untracked().k().default_workspace.to_string();
    p.active.set(name);
    leptos::task::spawn_local(async move {
        gloo::timers::future::TimeoutFuture::new(0).await;
        PENDING.with(|c| c.borrow_mut().take());
    });
    p.saves.update(|n| *n += 1);
    Ok(())
}

#[cfg(target_arch = "wasm32")]
mod imp {
    use super::*;
    use js_sys::{Array, Reflect, Uint8Array};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen_futures::JsFuture;

    #[wasm_bindgen(module = "/web/persist.js")]
    extern "C" {
        #[wasm_bindgen(js_name = putWorkspace)]
        fn put_workspace(name: &str, meta: &str, tables: &Array, size: f64) -> js_sys::Promise;
        #[wasm_bindgen(js_name = getWorkspace)]
        fn get_workspace(name: &str) -> js_sys::Promise;
        #[wasm_bindgen(js_name = listWorkspaces)]
        fn list_workspaces() -> js_sys::Promise;
        #[wasm_bindgen(js_name = deleteWorkspace)]
        fn delete_workspace(name: &str) -> js_sys::Promise;
        #[wasm_bindgen(js_name = renameWorkspace)]
        fn rename_workspace(from: &str, to: &str) -> js_sys::Promise;
        #[wasm_bindgen(js_name = clearEverything)]
        fn clear_everything() -> js_sys::Promise;
        #[wasm_bindgen(js_name = persistStorage)]
        fn persist_storage();
    }

    fn error(e: JsValue) -> PersistError {
        let name = Reflect::get(&e, &"name".into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        let message = Reflect::get(&e, &"message".into())
            .ok()
            .and_then(|v| v.as_string())
            .or_else(|| e.as_string())
            .unwrap_or_default();
        if name == "QuotaExceededError" || message.contains("QuotaExceeded") {
            PersistError::Quota
        } else if message.contains("IndexedDB is not available") {
            PersistError::Unavailable
        } else {
            PersistError::Other(message)
        }
    }

    async fn call(p: js_sys::Promise) -> Result<JsValue, PersistError> {
        JsFuture::from(p).await.map_err(error)
    }

    pub async fn save(
        name: &str,
        meta: &WorkspaceMeta,
        tables: &[Option<std::sync::Arc<TableBytes>>],
    ) -> Result<(), PersistError> {
        let meta = serde_json::to_string(meta).map_err(|e| PersistError::Other(e.to_string()))?;
        let list = Array::new();
        let mut size = meta.len() as f64;
        for t in tables {
            match t {
                Some(r) => match r.buffer() {
                    // The bytes as the page keeps them: nothing to encode.
                    Some(b) => {
                        size += f64::from(b.length());
                        list.push(&b);
                    }
                    // Lost (the worker stopped before sending it): the
                    // workspace is saved without it.
                    None => {
                        list.push(&JsValue::NULL);
                    }
                },
                None => {
                    list.push(&JsValue::NULL);
                }
            }
        }
        // The promise is made at once: IndexedDB copies the buffers here,
        // on the page's thread (timed for the benchmark).
        let saving =
            crate::browser::timed("persist_put", || put_workspace(name, &meta, &list, size));
        call(saving).await?;
        persist_storage();
        Ok(())
    }

    pub async fn load(name: &str) -> Result<Option<Loaded>, PersistError> {
        let rec = call(get_workspace(name)).await?;
        if rec.is_null() || rec.is_undefined() {
            return Ok(None);
        }
        let meta: WorkspaceMeta = Reflect::get(&rec, &"meta".into())
            .ok()
            .and_then(|m| m.as_string())
            .and_then(|m| serde_json::from_str(&m).ok())
            .ok_or_else(|| {
                PersistError::Other(
                    opscalc_core::notice::WORKSPACE_UNREADABLE.fill(&[("workspace", &name)]),
                )
            })?;
        let list: Array = Reflect::get(&rec, &"tables".into())
            .map(|v| Array::from(&v))
            .unwrap_or_default();
        let tables = (0..meta.datasets.len() as u32)
            .map(|i| {
                // The stored copy itself, not `Uint8Array::new` (a copy:
                // a page-thread memcpy of the whole table, and a buffer
                // web/persist.js does not know, so the next save would
                // write the table again).
                list.get(i)
                    .dyn_into::<Uint8Array>()
                    .ok()
                    .map(TableBytes::from_buffer)
            })
            .collect();
        Ok(Some((meta, tables)))
    }

    pub async fn list() -> Result<Vec<WorkspaceInfo>, PersistError> {
        let v = call(list_workspaces()).await?;
        let get = |o: &JsValue, k: &str| Reflect::get(o, &k.into()).unwrap_or(JsValue::UNDEFINED);
        Ok(Array::from(&v)
            .iter()
            .map(|o| WorkspaceInfo {
                name: get(&o, "name").as_string().unwrap_or_default(),
                saved_at: get(&o, "savedAt").as_f64().unwrap_or(0.0),
                size: get(&o, "size").as_f64().unwrap_or(0.0),
            })
            .collect())
    }

    pub async fn delete(name: &str) -> Result<(), PersistError> {
        call(delete_workspace(name)).await.map(|_| ())
    }

    pub async fn rename(from: &str, to: &str) -> Result<(), PersistError> {
        call(rename_workspace(from, to)).await.map(|_| ())
    }

    pub async fn clear() -> Result<(), PersistError> {
        call(clear_everything()).await.map(|_| ())
    }
}

/// Native builds (tests, docs) have no IndexedDB: nothing is stored.
#[cfg(not(target_arch = "wasm32"))]
mod imp {
    use super::*;

    pub async fn save(
        _: &str,
        _: &WorkspaceMeta,
        _: &[Option<std::sync::Arc<TableBytes>>],
    ) -> Result<(), PersistError> {
        Err(PersistError::Unavailable)
    }
    pub async fn load(_: &str) -> Result<Option<Loaded>, PersistError> {
        Ok(None)
    }
    pub async fn list() -> Result<Vec<WorkspaceInfo>, PersistError> {
        Ok(Vec::new())
    }
    pub async fn delete(_: &str) -> Result<(), PersistError> {
        Err(PersistError::Unavailable)
    }
    pub async fn rename(_: &str, _: &str) -> Result<(), PersistError> {
        Err(PersistError::Unavailable)
    }
    pub async fn clear() -> Result<(), PersistError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opscalc_core::{read_text, Role};

    #[test]
    fn meta_round_trips_through_json_with_mapping_and_date_order() {
        let r = read_text("p.txt", "day,uid\n05/03/2024,a\n", None).unwrap();
        let mut d = Dataset::from_read(InputKind::Activity, r.clone(), Source::Paste, None, |_| {
            None
        });
        d.date_order = Some(DateOrder::DayFirst);
        d.mapping.set(Role::UserId, Some(1));
        d.mapping.set(Role::Time, Some(0));
        let meta = WorkspaceMeta {
            version: 1,
            datasets: vec![dataset_meta(&d)],
            queries: BTreeMap::from([("/lifecycle".to_string(), "churn=30".to_string())]),
        };
        let json = serde_json::to_string(&meta).unwrap();
        let back: WorkspaceMeta = serde_json::from_str(&json).unwrap();
        assert_eq!(back, meta);
        let table = opscalc_core::ReadResult::from_bytes(&r.to_bytes()).unwrap();
        let restored =
            restore_dataset(&back.datasets[0], Some(TableBytes::from_read(&table))).unwrap();
        // A restored table is a new table for the engine: only its id differs.
        assert_ne!(restored.table_id, d.table_id);
        assert_eq!(
            Dataset {
                table_id: d.table_id,
                ..restored
            },
            d
        );
    }

    #[test]
    fn a_file_without_its_table_is_not_restored() {
        let m = DatasetMeta {
            kind: "Orders".into(),
            source: "file".into(),
            file: "x.csv".into(),
            mapping: vec![],
            date_order: None,
            has_table: true,
        };
        assert_eq!(restore_dataset(&m, None), None);
        let bad_kind = DatasetMeta {
            kind: "Invoices".into(),
            ..m
        };
        assert_eq!(restore_dataset(&bad_kind, None), None);
    }

    #[test]
    fn a_sample_keeps_the_users_mapping() {
        let s = sample(InputKind::Orders);
        let mut meta = dataset_meta(&s);
        // The user unmapped everything but the order id and buyer.
        meta.mapping
            .retain(|(r, _)| r == "order_id" || r == "buyer_id");
        let d = restore_dataset(&meta, None).unwrap();
        assert_eq!(d.source, Source::Sample);
        assert!(d.mapping.get(Role::OrderId).is_some());
        assert_eq!(d.mapping.get(Role::Amount), None);
        assert_eq!((&d.preview, &d.bytes), (&s.preview, &s.bytes));
    }

    #[test]
    fn queries_are_remembered_per_path() {
        remember_query("/repurchase", "from=2024-01-01");
        remember_query("/traffic", "");
        assert_eq!(
            remembered_query("/repurchase").as_deref(),
            Some("from=2024-01-01")
        );
        assert_eq!(remembered_query("/traffic").as_deref(), Some(""));
        assert_eq!(remembered_query("/nowhere"), None);
    }

    #[test]
    fn quota_message_says_nothing_on_screen_is_lost() {
        assert!(PersistError::Quota
            .message(Lang::En)
            .contains("data on screen is kept"));
        assert!(PersistError::Other("x".into())
            .message(Lang::Zh)
            .ends_with('x'));
    }
}
