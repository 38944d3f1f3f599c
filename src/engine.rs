//! The page's side of the compute engine: tables are put once, calculations
//! are requests answered by replies.
//!
//! In the browser the [`opscalc_core::Engine`] runs in a long-lived worker
//! (the same bundle as the import worker), so a calculation over a million
//! orders never blocks the page. Natively (unit tests) it runs inline.
//!
//! The worker may die (out of memory, a bug): pending calculations then
//! fail with a message, the page keeps its data, and the next request
//! starts a new worker and sends it the tables again.

use crate::state::Shared;
use leptos::prelude::*;
use opscalc_core::{EngineError, InputKind, ReadResult, Reply, Request, Response};
use std::cell::{Cell, RefCell};
use std::sync::{Arc, Weak};

thread_local! {
    static NEXT_ID: Cell<u32> = const { Cell::new(1) };
    // Every table put, so a restarted worker can be given them again; weak,
    // so a replaced dataset is freed.
    static TABLES: RefCell<Vec<(u32, InputKind, Weak<TableBytes>)>> = const { RefCell::new(Vec::new()) };
}

pub use opscalc_core::PREVIEW_ROWS;

/// A dataset's whole table in the encoded form the engine reads
/// ([`ReadResult::write_to`]). In the browser the bytes stay in a JS buffer
/// outside wasm memory: the page never decodes a million-row table, it
/// shows a preview ([`TableBytes::preview`]) and hands the bytes on to the
/// engine and to saving. Natively (unit tests) it is the table itself.
///
/// An import's table comes in two steps: the engine worker keeps the table
/// and first sends only its preview, so the page can ask for numbers at
/// once; the whole table follows after the first answer
/// ([`TableBytes::settled`] waits for it).
///
/// # Example
/// ```
/// use opscalc_core::read_text;
/// use opscalc_web::engine::TableBytes;
/// let r = read_text("o.csv", "id\n1\n2\n3\n", None).unwrap();
/// let (preview, rows) = TableBytes::from_read(&r).preview(2).unwrap();
/// assert_eq!((preview.table.len(), rows), (2, 3));
/// ```
pub struct TableBytes {
    len: usize,
    /// The row count, when the bytes so far are only the first rows.
    #[cfg(target_arch = "wasm32")]
    rows: Option<usize>,
    #[cfg(target_arch = "wasm32")]
    key: u32,
    #[cfg(not(target_arch = "wasm32"))]
    read: ReadResult,
}

#[cfg(target_arch = "wasm32")]
thread_local! {
    // The buffers behind live `TableBytes`, by key (JS objects cannot live
    // in the Send + Sync state the signals need).
    static BUFFERS: RefCell<std::collections::HashMap<u32, Held>> = RefCell::new(Default::default());
    static NEXT_KEY: Cell<u32> = const { Cell::new(1) };
}

impl TableBytes {
    /// Encodes a table read on the page (a sample, a paste).
    pub fn from_read(read: &ReadResult) -> TableBytes {
        #[cfg(target_arch = "wasm32")]
        {
            TableBytes::from_buffer(encode_table(read))
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            TableBytes {
                len: read.encoded_len(),
                read: read.clone(),
            }
        }
    }

    /// Keeps bytes a worker or storage produced, without copying them.
    #[cfg(target_arch = "wasm32")]
    pub fn from_buffer(buffer: js_sys::Uint8Array) -> TableBytes {
        let len = buffer.length() as usize;
        TableBytes::held(Held::Whole(buffer), len, None)
    }

    /// An imported table of which only the preview (its first rows, encoded)
    /// has come: `rows` rows and `len` bytes in all, which
    /// [`TableBytes::arrived`] brings.
    #[cfg(target_arch = "wasm32")]
    pub fn from_preview(preview: js_sys::Uint8Array, rows: usize, len: usize) -> TableBytes {
        TableBytes::held(Held::Preview(preview), len, Some(rows))
    }

    #[cfg(target_arch = "wasm32")]
    fn held(held: Held, len: usize, rows: Option<usize>) -> TableBytes {
        let key = NEXT_KEY.with(|k| {
            let key = k.get();
            k.set(key + 1);
            key
        });
        BUFFERS.with(|b| b.borrow_mut().insert(key, held));
        TableBytes { len, rows, key }
    }

    /// The whole table has come for the table under `key` (`None`: it is
    /// lost, its worker stopped first).
    #[cfg(target_arch = "wasm32")]
    fn arrived(key: u32, whole: Option<js_sys::Uint8Array>) {
        BUFFERS.with(|b| {
            if let Some(held) = b.borrow_mut().get_mut(&key) {
                *held = match whole {
                    Some(w) => Held::Whole(w),
                    None => Held::Lost,
                };
            }
        })
    }

    /// The whole table's bytes (a view, not a copy); `None` while only
    /// the preview has come, or when the table was lost.
    #[cfg(target_arch = "wasm32")]
    pub fn buffer(&self) -> Option<js_sys::Uint8Array> {
        BUFFERS.with(|b| match b.borrow().get(&self.key) {
            Some(Held::Whole(w)) => Some(w.clone()),
            _ => None,
        })
    }

    /// Waits until the whole table has come, or never will (the worker
    /// stopped before sending it); at once for every table but an
    /// import's in its first moments.
    pub async fn settled(&self) {
        #[cfg(target_arch = "wasm32")]
        while BUFFERS.with(|b| matches!(b.borrow().get(&self.key), Some(Held::Preview(_)))) {
            gloo::timers::future::TimeoutFuture::new(50).await;
        }
    }

    /// The table itself (native only: in the browser it is never decoded
    /// on the page).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn read(&self) -> &ReadResult {
        &self.read
    }

    /// The encoded size in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True for no bytes at all (never for a valid table).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The table's first `rows` rows with what the reader found, and its
    /// full row count; damaged bytes are an error.
    pub fn preview(&self, rows: usize) -> Result<(ReadResult, usize), String> {
        #[cfg(target_arch = "wasm32")]
        {
            let bytes = BUFFERS.with(|b| match b.borrow().get(&self.key) {
                Some(Held::Whole(w) | Held::Preview(w)) => Ok(w.clone()),
                _ => Err(opscalc_core::notice::DATA_NOT_LOADED.en.to_string()),
            })?;
            let total = self.rows;
            ReadResult::preview_from(
                bytes.length() as usize,
                &mut |at, out| {
                    bytes
                        .subarray(at as u32, (at + out.len()) as u32)
                        .copy_to(out)
                },
                rows,
            )
            .map(|(p, n)| (p, total.unwrap_or(n)))
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            Ok((self.read.preview(rows), self.read.table.len()))
        }
    }
}

/// What the page holds of a table's bytes.
#[cfg(target_arch = "wasm32")]
#[derive(Clone)]
enum Held {
    /// All of them.
    Whole(js_sys::Uint8Array),
    /// Only the preview's, the whole table still to come.
    Preview(js_sys::Uint8Array),
    /// None: the worker stopped before sending the whole table.
    Lost,
}

#[cfg(target_arch = "wasm32")]
impl Drop for TableBytes {
    fn drop(&mut self) {
        BUFFERS.with(|b| b.borrow_mut().remove(&self.key));
    }
}

// Natively two tables are equal when their contents are; in the browser
// only a table is equal to itself (its bytes are never compared).
impl PartialEq for TableBytes {
    fn eq(&self, other: &TableBytes) -> bool {
        #[cfg(target_arch = "wasm32")]
        {
            self.key == other.key
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            self.read == other.read
        }
    }
}

impl std::fmt::Debug for TableBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TableBytes({} bytes)", self.len)
    }
}

/// A fresh table id.
pub fn next_table_id() -> u32 {
    NEXT_ID.with(|n| {
        let id = n.get();
        n.set(id + 1);
        id
    })
}

/// A table's bytes (`ReadResult::write_to`) straight into a JS buffer,
/// piece by piece: never a second whole copy in wasm memory. The engine,
/// saving and the import path all move tables in this form.
#[cfg(target_arch = "wasm32")]
pub fn encode_table(read: &ReadResult) -> js_sys::Uint8Array {
    let buffer = js_sys::Uint8Array::new_with_length(read.encoded_len() as u32);
    let mut offset = 0u32;
    read.write_to(&mut |piece| {
        buffer
            .subarray(offset, offset + piece.len() as u32)
            .copy_from(piece);
        offset += piece.len() as u32;
    });
    buffer
}

/// Gives the engine a table under `id`, replacing the one of its kind.
pub fn put(id: u32, kind: InputKind, bytes: &Arc<TableBytes>) {
    adopt(id, kind, bytes);
    imp::put(id, kind, bytes);
}

/// Registers a table the engine already holds (an import's, which the
/// engine worker kept as it parsed it), so a restarted worker is given it.
pub fn adopt(id: u32, kind: InputKind, bytes: &Arc<TableBytes>) {
    TABLES.with(|t| {
        let mut t = t.borrow_mut();
        t.retain(|(_, _, w)| w.strong_count() > 0);
        t.push((id, kind, Arc::downgrade(bytes)));
    });
}

/// Imports `file` in the engine worker as the `kind` table: the worker
/// reads and parses it, keeps the table, and `on_done` gets the table's id
/// and bytes (or a message; the page's data is untouched). A running
/// import is cancelled first: its `on_stopped` runs (another section's
/// panel would otherwise show its progress bar for good), as it does when
/// this one is cancelled or replaced.
pub fn import(
    file: web_sys::File,
    request: crate::import_worker::ImportRequest,
    kind: InputKind,
    on_progress: impl Fn(crate::import_worker::ImportProgress) + 'static,
    on_done: impl FnOnce(Result<(u32, TableBytes), String>) + 'static,
    on_stopped: impl FnOnce() + 'static,
) {
    // A running import stops at once (so does a cancelled one still
    // waiting to hand over an earlier table: this one must not wait).
    imp::stop_import();
    let id = next_table_id();
    imp::import(
        file,
        request,
        id,
        kind,
        std::rc::Rc::new(on_progress),
        Box::new(move |r: Result<TableBytes, String>| on_done(r.map(|b| (id, b)))),
        Box::new(on_stopped),
    );
}

/// Cancels the running import (the page's data is untouched); true when
/// one was running. The worker is replaced and given the page's tables
/// again: at once, or, when it still owes the page an earlier import's
/// table, as soon as that has come.
pub fn cancel_import() -> bool {
    imp::cancel_import()
}

/// The tables still in use, to give a (re)started engine worker.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn live_tables() -> Vec<(u32, InputKind, Arc<TableBytes>)> {
    TABLES.with(|t| {
        t.borrow()
            .iter()
            .filter_map(|(i, k, w)| w.upgrade().map(|r| (*i, *k, r)))
            .collect()
    })
}

/// Runs a request; `on_reply` gets the response or a message for the user.
pub fn call(request: Request, on_reply: impl FnOnce(Result<Response, String>) + 'static) {
    imp::call(request, Box::new(on_reply));
}

/// The user's message for an engine error.
fn message(e: EngineError) -> String {
    match e {
        EngineError::Failed(m) => m,
        EngineError::MissingTable(_) => opscalc_core::notice::DATA_NOT_LOADED.en.into(),
    }
}

/// A result computed by the engine from a request signal.
///
/// While a new result is computed the previous one stays on screen and
/// `busy` is true; a reply to an outdated request is ignored.
pub struct Computed<T: Send + Sync + 'static> {
    /// The latest result, or why there is none (empty while the first
    /// result is on its way).
    pub result: Memo<Result<Shared<T>, String>>,
    /// A calculation is running.
    pub busy: Signal<bool>,
}

/// Computes `pick(response)` in the engine whenever `request` changes.
pub fn computed<T: Send + Sync + 'static>(
    request: Memo<Result<Request, String>>,
    pick: fn(Response) -> Option<T>,
) -> Computed<T> {
    let state: RwSignal<Result<Shared<T>, String>> = RwSignal::new(Err(String::new()));
    // The request whose answer is shown: busy is "the request differs",
    // true from the moment a setting changes, not from when the message
    // leaves, so nobody reads a stale number as the new one.
    let answered: RwSignal<Option<Result<Request, String>>> = RwSignal::new(None);
    let latest = StoredValue::new(0u64);
    Effect::new(move |_| {
        let req = request.get();
        latest.update_value(|n| *n += 1);
        let n = latest.get_value();
        match req.clone() {
            Err(e) => {
                state.set(Err(e));
                answered.set(Some(req));
            }
            Ok(r) => call(r, move |reply| {
                // Outdated, or the page is gone.
                if latest.try_get_value() != Some(n) {
                    return;
                }
                let reply = reply.and_then(|resp| {
                    pick(resp).ok_or_else(|| opscalc_core::notice::WRONG_ANSWER.en.to_string())
                });
                state.set(reply.map(|v| Shared(Arc::new(v))));
                answered.set(Some(req));
            }),
        }
    });
    Computed {
        result: Memo::new(move |_| state.get()),
        busy: Signal::derive(move || request.with(|r| answered.with(|a| a.as_ref() != Some(r)))),
    }
}

/// Computes `pick(response)` for `request()` only while `open()` is true:
/// the rows behind a drill-down, asked of the engine when the reader opens
/// it (at a million buyers they would be most of every answer's bytes).
/// Closed, the result is an empty error, as before the first answer.
pub fn computed_when<T: Send + Sync + 'static>(
    open: impl Fn() -> bool + Send + Sync + 'static,
    request: impl Fn() -> Result<Request, String> + Send + Sync + 'static,
    pick: fn(Response) -> Option<T>,
) -> Computed<T> {
    let asked = Memo::new(move |_| {
        if open() {
            request()
        } else {
            Err(String::new())
        }
    });
    computed(asked, pick)
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    use super::*;
    use opscalc_core::Engine;

    thread_local! {
        static ENGINE: RefCell<Engine> = RefCell::new(Engine::new(|| 0.0));
    }

    pub fn put(id: u32, kind: InputKind, bytes: &Arc<TableBytes>) {
        ENGINE.with(|e| e.borrow_mut().put(id, kind, bytes.read().clone()));
    }

    pub fn call(request: Request, on_reply: Box<dyn FnOnce(Result<Response, String>)>) {
        let reply: Reply = ENGINE.with(|e| e.borrow_mut().handle(request));
        on_reply(reply.result.map_err(message));
    }

    pub fn import(
        _file: web_sys::File,
        _request: crate::import_worker::ImportRequest,
        _id: u32,
        _kind: InputKind,
        _on_progress: std::rc::Rc<dyn Fn(crate::import_worker::ImportProgress)>,
        on_done: Box<dyn FnOnce(Result<TableBytes, String>)>,
        _on_stopped: Box<dyn FnOnce()>,
    ) {
        on_done(Err("files are read in a browser worker".into()));
    }

    pub fn cancel_import() -> bool {
        false
    }

    pub fn stop_import() {}
}

#[cfg(target_arch = "wasm32")]
mod imp {
    use super::*;
    use crate::import_worker::{ImportProgress, ImportRequest};
    use js_sys::{Array, Object, Reflect, Uint8Array};
    use opscalc_core::{from_wire, to_wire};
    use std::collections::HashMap;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{ErrorEvent, MessageEvent, Worker};

    type OnReply = Box<dyn FnOnce(Result<Response, String>)>;

    struct Pending {
        request: Vec<u8>,
        on_reply: OnReply,
        retried: bool,
    }

    /// The import the worker is running.
    struct Importing {
        call: u32,
        name: String,
        started: f64,
        on_progress: std::rc::Rc<dyn Fn(ImportProgress)>,
        on_done: Box<dyn FnOnce(Result<TableBytes, String>)>,
        /// Runs when the import is stopped without an answer (cancelled,
        /// or replaced by another import).
        on_stopped: Box<dyn FnOnce()>,
    }

    struct Running {
        worker: Worker,
        ready: bool,
        queue: Vec<(Object, Option<Array>)>,
        pending: HashMap<u32, Pending>,
        importing: Option<Importing>,
        /// Imports whose whole table is still to come: the table's key
        /// in `BUFFERS` by import call.
        unsent: HashMap<u32, u32>,
        /// An import was cancelled while an earlier one's table was still
        /// to come: the worker is stopped once it has come.
        stop_after_tables: bool,
        next_call: u32,
        _on_message: Closure<dyn FnMut(MessageEvent)>,
        _on_error: Closure<dyn FnMut(ErrorEvent)>,
    }

    thread_local! {
        static RUNNING: RefCell<Option<Running>> = const { RefCell::new(None) };
    }

    const WORKER_URL: &str = "/opscalc-worker_loader.js";

    fn set(obj: &Object, key: &str, value: &JsValue) {
        let _ = Reflect::set(obj, &key.into(), value);
    }

    /// Posts now, or once the worker's wasm has loaded.
    fn post(r: &mut Running, msg: Object, transfer: Option<Array>) {
        if r.ready {
            let _ = match &transfer {
                Some(t) => r.worker.post_message_with_transfer(&msg, t),
                None => r.worker.post_message(&msg),
            };
        } else {
            r.queue.push((msg, transfer));
        }
    }

    fn put_message(id: u32, kind: InputKind, buffer: &js_sys::ArrayBuffer) -> Object {
        let msg = Object::new();
        set(&msg, "type", &"put".into());
        set(
            &msg,
            "meta",
            &Uint8Array::from(to_wire(&(id, kind)).as_slice()).into(),
        );
        set(&msg, "buffer", buffer);
        msg
    }

    /// The message that puts a table: a copy of the page's buffer
    /// (structured clone: no decode, no wasm memory, but a copy on the
    /// page's thread). Imported tables are already in the engine; only a
    /// new worker is given them this way. None for a table whose bytes
    /// have not all come (the old worker stopped first: it is lost).
    fn table_message(
        id: u32,
        kind: InputKind,
        bytes: &TableBytes,
    ) -> Option<(Object, Option<Array>)> {
        Some((put_message(id, kind, &bytes.buffer()?.buffer()), None))
    }

    /// Runs `f` on the worker, starting it (and giving it every live
    /// table) if there is none.
    fn with_running(f: impl FnOnce(&mut Running)) {
        RUNNING.with(|cell| {
            if cell.borrow().is_none() {
                let Some(r) = start() else { return };
                *cell.borrow_mut() = Some(r);
                let tables = live_tables();
                let mut guard = cell.borrow_mut();
                let r = guard.as_mut().expect("just started");
                for (id, kind, bytes) in tables {
                    if let Some((msg, transfer)) = table_message(id, kind, &bytes) {
                        post(r, msg, transfer);
                    }
                }
            }
            if let Some(r) = cell.borrow_mut().as_mut() {
                f(r);
            }
        });
    }

    pub fn put(id: u32, kind: InputKind, bytes: &Arc<TableBytes>) {
        // A worker that is not running gets every table when it starts, on
        // the first calculation: the home page never loads the worker.
        let running = RUNNING.with(|c| c.borrow().is_some());
        if !running {
            return;
        }
        // The message copies the buffer on the page's thread (timed for the
        // benchmark).
        crate::browser::timed("engine_put", || {
            with_running(|r| {
                if let Some((msg, transfer)) = table_message(id, kind, bytes) {
                    post(r, msg, transfer)
                }
            })
        });
    }

    pub fn call(request: Request, on_reply: OnReply) {
        let bytes = to_wire(&request);
        let mut on_reply = Some(on_reply);
        with_running(|r| {
            let id = r.next_call;
            r.next_call += 1;
            send_call(r, id, &bytes);
            r.pending.insert(
                id,
                Pending {
                    request: bytes,
                    on_reply: on_reply.take().expect("called once"),
                    retried: false,
                },
            );
        });
        if let Some(f) = on_reply {
            f(Err(opscalc_core::notice::ENGINE_CANNOT_START.en.into()));
        }
    }

    pub fn import(
        file: web_sys::File,
        request: ImportRequest,
        table_id: u32,
        kind: InputKind,
        on_progress: std::rc::Rc<dyn Fn(ImportProgress)>,
        on_done: Box<dyn FnOnce(Result<TableBytes, String>)>,
        on_stopped: Box<dyn FnOnce()>,
    ) {
        let name = file.name();
        let mut on_done = Some(on_done);
        with_running(|r| {
            let call = r.next_call;
            r.next_call += 1;
            let msg = Object::new();
            set(&msg, "type", &"import".into());
            set(&msg, "id", &call.into());
            set(&msg, "file", &file);
            set(
                &msg,
                "meta",
                &Uint8Array::from(to_wire(&(table_id, kind)).as_slice()).into(),
            );
            set(&msg, "encoding", &request.encoding.into());
            set(&msg, "sheet", &request.sheet.into());
            post(r, msg, None);
            r.importing = Some(Importing {
                call,
                name: name.clone(),
                started: js_sys::Date::now(),
                on_progress,
                on_done: on_done.take().expect("called once"),
                on_stopped,
            });
        });
        if let Some(f) = on_done {
            f(Err(opscalc_core::notice::import_worker_cannot_start(&name)));
        }
    }

    pub fn cancel_import() -> bool {
        // None: no import runs; Some(true): stop the worker now.
        let now = RUNNING.with(|c| {
            let mut guard = c.borrow_mut();
            let r = guard.as_mut().filter(|r| r.importing.is_some())?;
            if r.unsent.is_empty() {
                return Some(true);
            }
            // The worker still owes the page an earlier import's table
            // (it sends it after its first answer, before reading this
            // file): stopping it now would lose that table. The import is
            // cancelled for the page at once, the worker stopped when the
            // table has come (`on_table_message`).
            r.importing = None;
            r.stop_after_tables = true;
            Some(false)
        });
        if now == Some(true) {
            restart();
        }
        now.is_some()
    }

    /// For a new import: stops a running import, or a cancelled one whose
    /// worker is still to hand over a table, at once.
    pub fn stop_import() {
        let busy = RUNNING.with(|c| {
            c.borrow()
                .as_ref()
                .is_some_and(|r| r.importing.is_some() || r.stop_after_tables)
        });
        if busy {
            restart();
        }
    }

    /// Stops the worker, whatever it is doing, and asks a new one (given
    /// the page's tables) whatever was waiting for an answer.
    fn restart() {
        let Some(old) = RUNNING.with(|c| c.borrow_mut().take()) else {
            return;
        };
        old.worker.terminate();
        lose_unsent(&old);
        let stopped = old.importing.map(|job| job.on_stopped);
        let mut waiting: Vec<(u32, Pending)> = old.pending.into_iter().collect();
        waiting.sort_by_key(|(id, _)| *id);
        if !waiting.is_empty() {
            with_running(|r| {
                for (_, p) in waiting {
                    let id = r.next_call;
                    r.next_call += 1;
                    send_call(r, id, &p.request);
                    r.pending.insert(id, p);
                }
            });
        }
        // Last: the panel it calls back may start another import.
        if let Some(on_stopped) = stopped {
            on_stopped();
        }
    }

    /// The running import's message: progress, its table, or its error.
    fn on_import_message(kind: &str, call: u32, get: &dyn Fn(&str) -> JsValue) {
        if kind == "progress" {
            let job = RUNNING.with(|c| {
                c.borrow().as_ref().and_then(|r| {
                    r.importing
                        .as_ref()
                        .filter(|j| j.call == call)
                        .map(|j| (j.on_progress.clone(), j.started))
                })
            });
            if let Some((on_progress, started)) = job {
                on_progress(ImportProgress {
                    phase: get("phase").as_string().unwrap_or_default(),
                    bytes: get("bytes").as_f64().unwrap_or(0.0),
                    total: get("total").as_f64().unwrap_or(0.0),
                    rows: get("rows").as_f64().unwrap_or(0.0),
                    elapsed_ms: js_sys::Date::now() - started,
                });
            }
            return;
        }
        let job = RUNNING.with(|c| {
            c.borrow_mut().as_mut().and_then(|r| {
                if r.importing.as_ref().is_some_and(|j| j.call == call) {
                    r.importing.take()
                } else {
                    None
                }
            })
        });
        let Some(job) = job else { return };
        if kind == "error" {
            (job.on_done)(Err(get("message").as_string().unwrap_or_default()));
            return;
        }
        note_worker_memory(&get("memoryBytes"));
        // For the benchmark: the worker's memory and timings.
        if let Some(w) = web_sys::window() {
            let stats = Object::new();
            for k in ["memoryBytes", "readMs", "parseMs", "copyMs", "yieldMs"] {
                set(&stats, k, &get(k));
            }
            set(
                &stats,
                "totalMs",
                &(js_sys::Date::now() - job.started).into(),
            );
            let _ = Reflect::set(&w, &"opscalcLastImport".into(), &stats);
        }
        // The preview; the whole table comes in a "table" message.
        let preview = Uint8Array::new(&get("buffer"));
        let bytes = match (get("rows").as_f64(), get("tableBytes").as_f64()) {
            (Some(rows), Some(len)) => {
                let bytes = TableBytes::from_preview(preview, rows as usize, len as usize);
                RUNNING.with(|c| {
                    if let Some(r) = c.borrow_mut().as_mut() {
                        r.unsent.insert(call, bytes.key);
                    }
                });
                bytes
            }
            // A worker from before the two-step table sends it whole.
            _ => TableBytes::from_buffer(preview),
        };
        crate::browser::timed("import_apply", || (job.on_done)(Ok(bytes)));
    }

    /// An import's whole table has come (or is lost).
    fn on_table_message(call: u32, get: &dyn Fn(&str) -> JsValue) {
        let found = RUNNING.with(|c| {
            c.borrow_mut().as_mut().and_then(|r| {
                let key = r.unsent.remove(&call)?;
                Some((key, r.stop_after_tables && r.unsent.is_empty()))
            })
        });
        let Some((key, stop)) = found else { return };
        let buffer = get("buffer");
        let whole = (!buffer.is_undefined()).then(|| Uint8Array::new(&buffer));
        if let Some(w) = web_sys::window() {
            let stats = Object::new();
            set(&stats, "encodeMs", &get("encodeMs"));
            let _ = Reflect::set(&w, &"opscalcLastTable".into(), &stats);
        }
        TableBytes::arrived(key, whole);
        if stop {
            // The cancelled import's worker has sent what it owed.
            restart();
        }
    }

    /// A stopped worker never sends the tables it still owed the page.
    fn lose_unsent(r: &Running) {
        for &key in r.unsent.values() {
            TableBytes::arrived(key, None);
        }
    }

    fn send_call(r: &mut Running, id: u32, bytes: &[u8]) {
        let msg = Object::new();
        set(&msg, "type", &"call".into());
        set(&msg, "id", &id.into());
        let b = Uint8Array::from(bytes);
        set(&msg, "request", &b.buffer());
        post(r, msg, Some(Array::of1(&b.buffer())));
    }

    /// For the benchmark: the largest wasm memory the engine worker has
    /// reported (an import's table, then the orders and views built on
    /// it), as `window.opscalcWorkerPeakBytes`.
    fn note_worker_memory(bytes: &JsValue) {
        let (Some(w), Some(bytes)) = (web_sys::window(), bytes.as_f64()) else {
            return;
        };
        let key = JsValue::from_str("opscalcWorkerPeakBytes");
        let before = Reflect::get(&w, &key)
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0);
        let _ = Reflect::set(&w, &key, &bytes.max(before).into());
    }

    fn record_timings(timings: &[(String, f64)]) {
        let Some(w) = web_sys::window() else { return };
        let key = JsValue::from_str("opscalcTimings");
        let all = Reflect::get(&w, &key)
            .ok()
            .filter(|v| v.is_object())
            .unwrap_or_else(|| Object::new().into());
        for (name, ms) in timings {
            let _ = Reflect::set(&all, &name.as_str().into(), &(*ms).into());
        }
        let _ = Reflect::set(&w, &key, &all);
    }

    fn on_reply_message(id: u32, bytes: &[u8]) {
        let reply: Result<Reply, String> =
            crate::browser::timed("engine_reply_decode", || from_wire(bytes));
        // A missing table (the worker restarted and lost it, or a message
        // raced a replacement): put the tables again and retry once.
        if let Ok(Reply {
            result: Err(EngineError::MissingTable(_)),
            ..
        }) = &reply
        {
            let retry = RUNNING.with(|c| {
                c.borrow_mut()
                    .as_mut()
                    .and_then(|r| r.pending.get(&id).map(|p| !p.retried))
                    .unwrap_or(false)
            });
            if retry {
                let tables = live_tables();
                with_running(|r| {
                    for (tid, kind, bytes) in tables {
                        if let Some((msg, transfer)) = table_message(tid, kind, &bytes) {
                            post(r, msg, transfer);
                        }
                    }
                    if let Some(p) = r.pending.get_mut(&id) {
                        p.retried = true;
                        let bytes = p.request.clone();
                        send_call(r, id, &bytes);
                    }
                });
                return;
            }
        }
        let pending = RUNNING.with(|c| c.borrow_mut().as_mut().and_then(|r| r.pending.remove(&id)));
        let Some(p) = pending else { return };
        let result = reply.and_then(|r| {
            record_timings(&r.timings);
            r.result.map_err(message)
        });
        // Applying a reply renders its page (Leptos runs the effects as
        // microtasks of the task that sets the signal): do it in a task of
        // its own, so decoding a big reply (a million rows' excluded-row
        // list) and drawing it are two short tasks rather than one long one.
        gloo::timers::callback::Timeout::new(0, move || {
            crate::browser::timed("engine_reply_apply", || (p.on_reply)(result))
        })
        .forget();
    }

    fn start() -> Option<Running> {
        let worker = Worker::new(WORKER_URL).ok()?;
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            let data = ev.data();
            let get = |k: &str| Reflect::get(&data, &k.into()).unwrap_or(JsValue::UNDEFINED);
            match get("type").as_string().as_deref() {
                Some("ready") => RUNNING.with(|c| {
                    if let Some(r) = c.borrow_mut().as_mut() {
                        r.ready = true;
                        for (msg, transfer) in std::mem::take(&mut r.queue) {
                            let _ = match &transfer {
                                Some(t) => r.worker.post_message_with_transfer(&msg, t),
                                None => r.worker.post_message(&msg),
                            };
                        }
                    }
                }),
                Some("reply") => {
                    let id = get("id").as_f64().unwrap_or(-1.0) as u32;
                    note_worker_memory(&get("memoryBytes"));
                    let bytes = Uint8Array::new(&get("reply")).to_vec();
                    on_reply_message(id, &bytes);
                }
                Some("table") => {
                    let id = get("id").as_f64().unwrap_or(-1.0) as u32;
                    on_table_message(id, &get);
                }
                Some(kind @ ("progress" | "done" | "error")) => {
                    let id = get("id").as_f64().unwrap_or(-1.0) as u32;
                    on_import_message(kind, id, &get);
                }
                _ => {}
            }
        });
        let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |ev: ErrorEvent| {
            // The worker died: fail what was asked, forget the worker (the
            // next request starts a new one with the tables); the page and
            // its data are untouched.
            ev.prevent_default();
            let detail = ev.message();
            let running = RUNNING.with(|c| c.borrow_mut().take());
            if let Some(r) = running {
                r.worker.terminate();
                lose_unsent(&r);
                if let Some(job) = r.importing {
                    (job.on_done)(Err(opscalc_core::notice::import_stopped(
                        &job.name, &detail,
                    )));
                }
                for (_, p) in r.pending {
                    (p.on_reply)(Err(opscalc_core::notice::calculation_stopped(&detail)));
                }
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Some(Running {
            worker,
            ready: false,
            queue: Vec::new(),
            pending: HashMap::new(),
            importing: None,
            unsent: HashMap::new(),
            stop_after_tables: false,
            next_call: 1,
            _on_message: on_message,
            _on_error: on_error,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opscalc_core::{read_text, Mapping, OrderOptions, RepurchaseOptions, TableRef};

    #[test]
    fn a_request_is_answered_from_the_table_put() {
        let read = read_text(
            "o.csv",
            "订单号,买家ID,付款时间\n1,amy,2024-03-01\n2,amy,2024-03-09\n3,bob,2024-03-05\n",
            None,
        )
        .unwrap();
        let id = next_table_id();
        put(
            id,
            InputKind::Orders,
            &Arc::new(TableBytes::from_read(&read)),
        );
        let mapping = Mapping::detect(InputKind::Orders, read.table.headers());
        let got = Rc::new(RefCell::new(None));
        let g = got.clone();
        call(
            Request::Repurchase {
                orders: TableRef { id, mapping },
                order_options: OrderOptions::default(),
                options: RepurchaseOptions::default(),
            },
            move |r| *g.borrow_mut() = Some(r),
        );
        let Some(Ok(Response::Repurchase(r))) = got.borrow_mut().take() else {
            panic!("no repurchase reply")
        };
        assert_eq!(r.report.value("buyers"), Some(2.0));
        assert_eq!(r.report.value("repeat_buyers"), Some(1.0));
        // An unknown table is a message, not a panic.
        let got = Rc::new(RefCell::new(None));
        let g = got.clone();
        call(
            Request::Repurchase {
                orders: TableRef {
                    id: id + 1000,
                    mapping: Mapping::default(),
                },
                order_options: OrderOptions::default(),
                options: RepurchaseOptions::default(),
            },
            move |r| *g.borrow_mut() = Some(r),
        );
        assert!(matches!(got.borrow_mut().take(), Some(Err(m)) if m.contains("no longer loaded")));
    }

    use std::rc::Rc;
}
