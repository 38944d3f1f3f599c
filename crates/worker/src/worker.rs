//! The worker's message loop (wasm only).

use js_sys::{Array, Object, Reflect, Uint8Array};
use opscalc_core::{
    from_wire, to_wire, Engine, EngineError, Fed, Finished, InputKind, ReadOptions, ReadResult,
    Reply, TextReader, PREVIEW_ROWS,
};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DedicatedWorkerGlobalScope, File, MessageEvent};

/// Bytes per slice read: big enough that a slice's parse hides the next
/// slice's read, small enough for a smooth progress bar and little memory.
const CHUNK: f64 = 8.0 * 1024.0 * 1024.0;
/// Milliseconds between progress messages.
const PROGRESS_MS: f64 = 150.0;
/// wasm32 memory stops at 4 GB; the table alone is about 1.3 times the
/// file.
const MAX_FILE_BYTES: f64 = 1.5e9;
/// How long after an import's first answer the whole table is encoded
/// for the page if no calculation has been asked for meanwhile.
const TABLE_AFTER_MS: i32 = 200;
/// How long after the engine's first answer it rehearses a big import
/// (see [`warm_up_soon`]): once the page has drawn that answer.
const WARM_UP_AFTER_MS: i32 = 100;

thread_local! {
    // The compute engine, when this worker is the page's engine worker
    // (the same bundle also runs one-off imports).
    static ENGINE: RefCell<Engine> = RefCell::new(Engine::new(js_sys::Date::now));
    // The import whose whole table the page has not been sent yet (its
    // id, the table's id): see `send_table`.
    static UNSENT: Cell<Option<(f64, u32)>> = const { Cell::new(None) };
    // Imports under way, and whether the warm-up has been scheduled.
    static IMPORTING: Cell<u32> = const { Cell::new(0) };
    static WARM_UP_SCHEDULED: Cell<bool> = const { Cell::new(false) };
}

pub fn start() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let out = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |ev: MessageEvent| {
        let data = ev.data();
        let id = get(&data, "id").as_f64().unwrap_or(0.0);
        match get(&data, "type").as_string().as_deref() {
            Some("put") => {
                // A table put replaces the one of its kind: an import's
                // table still owed to the page goes out first.
                send_table(&out);
                return put(&data);
            }
            Some("call") => return call(&out, id, &data),
            _ => {}
        }
        // An import: read the file, keep the table in the engine (no copy,
        // no decode) and send the page its encoded bytes. It runs between
        // awaits on slice reads, so "call" and "put" messages are answered
        // meanwhile; its state lives in the future, not in ENGINE.
        let out = out.clone();
        IMPORTING.set(IMPORTING.get() + 1);
        wasm_bindgen_futures::spawn_local(async move {
            let result = match get(&data, "file").dyn_into::<File>() {
                Ok(file) => import(&out, id, &file, &data).await,
                Err(_) => Err(opscalc_core::notice::NO_FILE_GIVEN.en.to_string()),
            };
            IMPORTING.set(IMPORTING.get() - 1);
            finish_import(&out, id, result);
        });
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    // Messages sent before the wasm has loaded would be lost: say when ready.
    let _ = scope.post_message(&message("ready", 0.0));
    prepare_spare();
}

/// Posts an import's "done" (with its table's preview) or "error". The
/// whole table follows in a "table" message (`send_table`).
fn finish_import(out: &DedicatedWorkerGlobalScope, id: f64, result: Result<Imported, String>) {
    {
        match result {
            Ok(done) => {
                let msg = message("done", id);
                set(&msg, "buffer", &done.preview);
                set(&msg, "rows", &(done.rows as f64).into());
                set(&msg, "tableBytes", &(done.table_bytes as f64).into());
                set(&msg, "readMs", &done.read_ms.into());
                set(&msg, "parseMs", &done.parse_ms.into());
                set(&msg, "copyMs", &done.copy_ms.into());
                set(&msg, "yieldMs", &done.yield_ms.into());
                set(&msg, "memoryBytes", &memory_bytes().into());
                let _ = out.post_message_with_transfer(&msg, &Array::of1(&done.preview));
                UNSENT.set(Some((id, done.table_id)));
                // The page's first request comes a few milliseconds after
                // "done": it is answered first, the table encoded after it.
                // Should no request come, the table goes out soon anyway.
                let later = out.clone();
                let _ = out.set_timeout_with_callback_and_timeout_and_arguments_0(
                    Closure::once_into_js(move || send_table(&later)).unchecked_ref(),
                    TABLE_AFTER_MS,
                );
            }
            Err(e) => {
                let msg = message("error", id);
                set(&msg, "message", &e.into());
                let _ = out.post_message(&msg);
            }
        }
    }
}

/// Holds a table the page sent (the buffer an import returned, or a
/// sample's or paste's encoded table) in the engine.
fn put(data: &JsValue) {
    let meta = Uint8Array::new(&get(data, "meta")).to_vec();
    let Ok((table_id, kind)) = from_wire::<(u32, InputKind)>(&meta) else {
        return;
    };
    let buffer = Uint8Array::new(&get(data, "buffer"));
    let len = buffer.length() as usize;
    // A damaged buffer is simply not held: a request for it then answers
    // "missing table", and the page sends it again.
    if let Ok(read) = ReadResult::read_from(len, &mut |at, out| {
        buffer
            .subarray(at as u32, (at + out.len()) as u32)
            .copy_to(out)
    }) {
        ENGINE.with(|e| e.borrow_mut().put(table_id, kind, read));
    }
}

/// Runs one calculation and posts the reply (transferred, not copied).
fn call(out: &DedicatedWorkerGlobalScope, id: f64, data: &JsValue) {
    let request = Uint8Array::new(&get(data, "request")).to_vec();
    let reply = ENGINE.with(|e| match e.try_borrow_mut() {
        Ok(mut e) => e.handle_wire(&request),
        Err(_) => to_wire(&Reply {
            result: Err(EngineError::Failed(
                opscalc_core::notice::ENGINE_BUSY.en.into(),
            )),
            timings: Vec::new(),
        }),
    });
    let buffer = Uint8Array::from(reply.as_slice());
    let msg = message("reply", id);
    set(&msg, "reply", &buffer.buffer());
    // The engine's orders and views come on top of the import's table:
    // the page keeps the largest figure (the benchmark's peak memory).
    set(&msg, "memoryBytes", &memory_bytes().into());
    let _ = out.post_message_with_transfer(&msg, &Array::of1(&buffer.buffer()));
    send_table(out);
    warm_up_soon(out);
}

/// Once, a moment after the engine's first answer (a page with numbers is
/// open, so a file may follow): reads made-up orders and answers the
/// repurchase page for them, so the browser has optimised that code
/// before a real file comes (`opscalc_core::warm_up`: about 85 ms here,
/// saving about 30 ms on the first million-row file). Skipped when an
/// import is already under way.
fn warm_up_soon(out: &DedicatedWorkerGlobalScope) {
    if WARM_UP_SCHEDULED.replace(true) {
        return;
    }
    let run = Closure::once_into_js(|| {
        if IMPORTING.get() == 0 {
            opscalc_core::warm_up(opscalc_core::WARM_UP_ROWS);
        }
    });
    let _ = out.set_timeout_with_callback_and_timeout_and_arguments_0(
        run.unchecked_ref(),
        WARM_UP_AFTER_MS,
    );
}

/// Sends the page the whole table of the last import, if it has not been
/// sent ("table", or "table" with `lost` when the engine no longer holds
/// it). Encoding a million rows takes about a tenth of a second, so it
/// waits until the import's first calculation has been answered: the
/// page needs only the preview to ask for it, and the table for saving
/// and for a restarted engine.
fn send_table(out: &DedicatedWorkerGlobalScope) {
    let Some((id, table_id)) = UNSENT.take() else {
        return;
    };
    let Ok(held) = ENGINE.with(|e| e.try_borrow().map(|e| e.held(table_id))) else {
        // In a calculation (not reached: calls are synchronous); later.
        UNSENT.set(Some((id, table_id)));
        return;
    };
    let msg = message("table", id);
    match held {
        Some(read) => {
            let started = js_sys::Date::now();
            let buffer = encode(&read);
            set(&msg, "encodeMs", &(js_sys::Date::now() - started).into());
            set(&msg, "buffer", &buffer.buffer());
            let _ = out.post_message_with_transfer(&msg, &Array::of1(&buffer.buffer()));
        }
        None => {
            set(&msg, "lost", &true.into());
            let _ = out.post_message(&msg);
        }
    }
}

/// A table encoded for the page ([`ReadResult::write_to`]) straight into a
/// JS buffer, piece by piece.
fn encode(read: &ReadResult) -> Uint8Array {
    let buffer = Uint8Array::new_with_length(read.encoded_len() as u32);
    let mut offset = 0u32;
    read.write_to(&mut |piece| {
        buffer
            .subarray(offset, offset + piece.len() as u32)
            .copy_from(piece);
        offset += piece.len() as u32;
    });
    buffer
}

/// What an import hands the page.
struct Imported {
    /// The table's first rows encoded for the page (its import preview).
    preview: JsValue,
    /// The table's row count.
    rows: usize,
    /// The size of the whole table encoded.
    table_bytes: usize,
    /// The engine's id for the table.
    table_id: u32,
    /// Time spent waiting for slices the parse had not hidden.
    read_ms: f64,
    /// Time spent decoding and parsing.
    parse_ms: f64,
    /// Time spent copying slices into wasm memory.
    copy_ms: f64,
    /// Time spent in task breaks (the browser's own tasks on this thread,
    /// among them copying the next slice out of the file).
    yield_ms: f64,
}

/// Bytes copied into wasm memory and parsed at a time: small enough to
/// stay in the CPU's cache from the copy to the parse.
const PIECE: usize = 1 << 19;
/// Bytes parsed between two task breaks where this thread reads the file
/// itself (about 10 ms of work: Chromium copies the next slice in tasks
/// on this thread), and where the helper does (only calls for other
/// tables wait, about 40 ms; each break costs about 0.4 ms).
const BREAK_OWN: usize = 1 << 20;
const BREAK_HELPER: usize = 4 << 20;

/// One message channel for every task break, and the breaks waiting on it.
struct Breaks {
    channel: web_sys::MessageChannel,
    waiting: Rc<RefCell<VecDeque<js_sys::Function>>>,
    _on_message: Closure<dyn FnMut(JsValue)>,
}

impl Breaks {
    fn new() -> Option<Breaks> {
        let channel = web_sys::MessageChannel::new().ok()?;
        let waiting: Rc<RefCell<VecDeque<js_sys::Function>>> = Rc::default();
        let queue = waiting.clone();
        let on_message = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            let next = queue.borrow_mut().pop_front();
            if let Some(resolve) = next {
                let _ = resolve.call0(&JsValue::NULL);
            }
        });
        channel
            .port1()
            .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Some(Breaks {
            channel,
            waiting,
            _on_message: on_message,
        })
    }
}

thread_local! {
    // A new channel per break cost about 0.4 ms each (123 breaks in a
    // million-row import): one channel, made once, is reused.
    static BREAKS: Option<Breaks> = Breaks::new();
}

/// A future that resolves in a new task (a message to itself: a timer
/// would be clamped to 4 ms once nested), so the browser can run its
/// own tasks on this thread in between.
fn yield_now() -> JsFuture {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        BREAKS.with(|b| match b {
            Some(b) => {
                b.waiting.borrow_mut().push_back(resolve);
                let _ = b.channel.port2().post_message(&JsValue::NULL);
            }
            None => {
                let _ = resolve.call0(&JsValue::NULL);
            }
        })
    });
    JsFuture::from(promise)
}

/// Starts reading the slice `from..to` of the file; the browser reads it
/// off this thread while the previous slice is parsed.
fn read_slice(file: &File, from: f64, to: f64) -> Result<JsFuture, ()> {
    let blob = file.slice_with_f64_and_f64(from, to).map_err(|_| ())?;
    Ok(JsFuture::from(blob.array_buffer()))
}

/// Slices the engine has not taken yet, and the engine's wait for one.
#[derive(Default)]
struct Inbox {
    arrived: VecDeque<JsValue>,
    waiting: Option<js_sys::Function>,
}

impl Inbox {
    /// Queues a message from the helper, and hands the oldest to the
    /// engine if it is waiting for one.
    fn deliver(inbox: &RefCell<Inbox>, msg: JsValue) {
        let mut inbox = inbox.borrow_mut();
        inbox.arrived.push_back(msg);
        if let Some(resolve) = inbox.waiting.take() {
            let next = inbox.arrived.pop_front().unwrap_or(JsValue::NULL);
            drop(inbox);
            let _ = resolve.call1(&JsValue::NULL, &next);
        }
    }
}

/// A helper worker (`read-worker.js`) that reads the file in slices and
/// transfers them here. Chromium copies a blob read into its buffer in
/// tasks on the reading thread; on this thread that cost a quarter of a
/// million-row import, on the helper's it runs on the other core while
/// this one parses. Dropped, it stops.
struct SliceReader {
    worker: web_sys::Worker,
    inbox: Rc<RefCell<Inbox>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
    /// Whether a slice has come: until then a silent helper (its script
    /// still loading after [`HELPER_WAIT_MS`]) is given up on.
    started: Cell<bool>,
}

/// How long the first slice from the helper may take (its script loads,
/// it starts, it reads 8 MB: tens of milliseconds) before the engine
/// reads the file itself: a script request that hangs must not hang the
/// import.
const HELPER_WAIT_MS: i32 = 5000;

/// The first slice's size, read by the engine while the helper starts.
const FIRST: f64 = 1024.0 * 1024.0;

/// Slices read ahead of the parse: enough that one is always waiting, few
/// enough to hold little memory (with the one being parsed, at most four
/// 8 MB buffers outside wasm memory).
const AHEAD: f64 = 3.0;

impl SliceReader {
    /// Starts reading `file` from byte `from`; `None` where a worker
    /// cannot start one (the caller then reads the slices itself).
    fn start(file: &File, from: f64) -> Option<SliceReader> {
        let worker = match take_spare() {
            Some(w) => w,
            None => web_sys::Worker::new(READ_WORKER).ok()?,
        };
        let inbox = Rc::new(RefCell::new(Inbox::default()));
        let to = inbox.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            Inbox::deliver(&to, ev.data())
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        // A script that fails to load (an offline copy from before the
        // helper existed), an error in it, or a slice that cannot be
        // received would leave the import waiting: say so, and the engine
        // reads the rest itself from the slice it waits for. The error is
        // handled here, not passed on to the page (which would restart
        // the engine).
        let to = inbox.clone();
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            ev.prevent_default();
            let failed = Object::new();
            set(&failed, "notStarted", &true.into());
            Inbox::deliver(&to, failed.into())
        });
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        worker.set_onmessageerror(Some(on_error.as_ref().unchecked_ref()));
        let reader = SliceReader {
            worker,
            inbox,
            _on_message: on_message,
            _on_error: on_error,
            started: Cell::new(false),
        };
        let msg = Object::new();
        set(&msg, "file", file);
        set(&msg, "from", &from.into());
        set(&msg, "chunk", &CHUNK.into());
        set(&msg, "ahead", &AHEAD.into());
        // Dropped on failure: the helper stops.
        reader.worker.post_message(&msg).ok()?;
        Some(reader)
    }

    /// The next slice, in file order; `Err` when the file could not be
    /// read, or the reader itself did not start (`Err(true)`).
    async fn next(&self) -> Result<Uint8Array, bool> {
        let ready = self.inbox.borrow_mut().arrived.pop_front();
        let msg = match ready {
            Some(m) => m,
            None => {
                let inbox = self.inbox.clone();
                let promise = js_sys::Promise::new(&mut |resolve, _| {
                    inbox.borrow_mut().waiting = Some(resolve);
                });
                let promise = if self.started.get() {
                    promise
                } else {
                    // Until the helper has sent a slice, a timer may
                    // answer first, as if it had not started.
                    let timer = js_sys::Promise::new(&mut |resolve, _| {
                        let gave_up = Object::new();
                        set(&gave_up, "notStarted", &true.into());
                        let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
                        let _ = scope.set_timeout_with_callback_and_timeout_and_arguments_1(
                            &resolve,
                            HELPER_WAIT_MS,
                            &gave_up,
                        );
                    });
                    js_sys::Promise::race(&Array::of2(&promise, &timer))
                };
                let msg = JsFuture::from(promise).await.map_err(|_| false)?;
                self.inbox.borrow_mut().waiting = None;
                msg
            }
        };
        let buffer = get(&msg, "buffer");
        if !buffer.is_object() {
            return Err(get(&msg, "notStarted").is_truthy());
        }
        self.started.set(true);
        // Taken: the reader may read one more.
        let next = Object::new();
        set(&next, "type", &"next".into());
        let _ = self.worker.post_message(&next);
        Ok(Uint8Array::new(&buffer))
    }
}

impl Drop for SliceReader {
    fn drop(&mut self) {
        // Detached first: a message already queued must not call a
        // dropped closure.
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.set_onmessageerror(None);
        self.worker.terminate();
        // The next import's helper loads now, while nothing waits for it.
        prepare_spare();
    }
}

/// The helper reader's script.
const READ_WORKER: &str = "./read-worker.js";

/// A helper reader started before it is needed: starting one when an
/// import began cost the import 40-60 ms of waiting for its first slice
/// (a thread, its script, then an 8 MB read), the parse of the first
/// megabyte having hidden only a few.
struct Spare {
    worker: web_sys::Worker,
    /// Set if its script failed to load (then a new one is started).
    failed: Rc<Cell<bool>>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

thread_local! {
    static SPARE: RefCell<Option<Spare>> = const { RefCell::new(None) };
}

/// Starts a spare helper reader if there is none.
fn prepare_spare() {
    SPARE.with(|s| {
        if s.borrow().is_some() {
            return;
        }
        let Ok(worker) = web_sys::Worker::new(READ_WORKER) else {
            return;
        };
        let failed = Rc::new(Cell::new(false));
        let flag = failed.clone();
        // Its own error, not the page's (which would restart the engine).
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            ev.prevent_default();
            flag.set(true);
        });
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        *s.borrow_mut() = Some(Spare {
            worker,
            failed,
            _on_error: on_error,
        });
    })
}

/// The spare helper reader, unless its script failed to load.
fn take_spare() -> Option<web_sys::Worker> {
    let spare = SPARE.with(|s| s.borrow_mut().take())?;
    spare.worker.set_onerror(None);
    if spare.failed.get() {
        spare.worker.terminate();
        return None;
    }
    Some(spare.worker)
}

/// Where the slices come from: the helper reader, or this thread's own
/// reads (one ahead) where no helper starts.
enum Slices {
    /// The first slice, read here (the helper takes tens of milliseconds
    /// to start), then the helper's.
    Helper(Option<JsFuture>, SliceReader),
    Own(Option<JsFuture>),
}

impl Slices {
    fn start(file: &File, total: f64) -> Result<Slices, ()> {
        // A small first slice: the parse starts after reading 1 MB, not 8.
        let first = read_slice(file, 0.0, FIRST.min(total))?;
        // A file of one slice needs no helper.
        match (total > FIRST).then(|| SliceReader::start(file, FIRST)) {
            Some(Some(r)) => Ok(Slices::Helper(Some(first), r)),
            _ => Ok(Slices::Own(Some(first))),
        }
    }

    /// The slice at `at` (slices are taken in order, from 0).
    async fn next(&mut self, file: &File, at: f64, total: f64) -> Result<Uint8Array, ()> {
        if let Slices::Helper(first, r) = self {
            if let Some(first) = first.take() {
                return Ok(Uint8Array::new(&first.await.map_err(|_| ())?));
            }
            match r.next().await {
                Ok(chunk) => return Ok(chunk),
                // The helper's script did not load (an offline copy from
                // before it existed): read on this thread from here on.
                Err(true) => {
                    *self = Slices::Own(Some(read_slice(file, at, (at + CHUNK).min(total))?))
                }
                Err(false) => return Err(()),
            }
        }
        match self {
            Slices::Helper(..) => Err(()),
            Slices::Own(pending) => {
                let chunk = pending.take().ok_or(())?.await.map_err(|_| ())?;
                let chunk = Uint8Array::new(&chunk);
                let end = at + f64::from(chunk.length());
                if end < total {
                    *pending = Some(read_slice(file, end, (end + CHUNK).min(total))?);
                }
                Ok(chunk)
            }
        }
    }
}

/// Reads and parses one file slice by slice (text never held whole; a
/// spreadsheet is gathered, it needs its end), gives the table to the
/// engine under the id and kind the page chose (`meta`), and encodes it
/// for the page.
async fn import(
    out: &DedicatedWorkerGlobalScope,
    id: f64,
    file: &File,
    data: &JsValue,
) -> Result<Imported, String> {
    let meta = Uint8Array::new(&get(data, "meta")).to_vec();
    let (table_id, kind) = from_wire::<(u32, InputKind)>(&meta)
        .map_err(|_| "the import request is damaged".to_string())?;
    // An earlier import's table goes out before this one is read.
    send_table(out);
    let name = file.name();
    let total = file.size();
    if total > MAX_FILE_BYTES {
        return Err(opscalc_core::notice::file_too_big(
            &name,
            total,
            MAX_FILE_BYTES,
        ));
    }
    let opts = ReadOptions {
        encoding: get(data, "encoding").as_string().filter(|s| !s.is_empty()),
        delimiter: None,
        sheet: get(data, "sheet").as_string().filter(|s| !s.is_empty()),
    };
    let mut last = js_sys::Date::now();
    let mut report = |bytes: f64, rows: f64, force: bool| {
        let now = js_sys::Date::now();
        if force || now - last >= PROGRESS_MS {
            last = now;
            let msg = message("progress", id);
            set(&msg, "phase", &"parse".into());
            set(&msg, "bytes", &bytes.into());
            set(&msg, "total", &total.into());
            set(&msg, "rows", &rows.into());
            let _ = out.post_message(&msg);
        }
    };

    let mut reader = TextReader::new(&name, &opts).expect_bytes(total as usize);
    // One buffer for every piece: the file is never in memory at once.
    let mut bytes: Vec<u8> = Vec::new();
    let (mut read_ms, mut parse_ms, mut copy_ms, mut yield_ms) = (0.0, 0.0, 0.0, 0.0);
    let mut rows = 0.0;
    let result = 'file: loop {
        let mut at = 0.0;
        let mut slices = Slices::start(file, total).map_err(|_| cannot_read(&name))?;
        let mut unbroken = 0;
        while at < total {
            let waited = js_sys::Date::now();
            let chunk = slices
                .next(file, at, total)
                .await
                .map_err(|_| cannot_read(&name))?;
            read_ms += js_sys::Date::now() - waited;
            let from = at;
            at += f64::from(chunk.length());
            if chunk.length() == 0 {
                // The file shrank after it was chosen.
                return Err(cannot_read(&name));
            }
            let mut fed = Fed::More;
            let mut off = 0;
            while off < chunk.length() {
                // Copied into wasm memory a piece at a time, right before it
                // is parsed: the piece is still in the CPU's cache when
                // the reader checks and copies it again.
                let end = off.saturating_add(PIECE as u32).min(chunk.length());
                let copying = js_sys::Date::now();
                bytes.resize((end - off) as usize, 0);
                chunk.subarray(off, end).copy_to(&mut bytes);
                copy_ms += js_sys::Date::now() - copying;
                off = end;
                let parsing = js_sys::Date::now();
                fed = reader
                    .feed(&bytes, &mut |p| {
                        rows = p.rows as f64;
                        report(from.max(p.bytes as f64), rows, false)
                    })
                    .map_err(|e| e.to_string())?;
                parse_ms += js_sys::Date::now() - parsing;
                if fed == Fed::Rewind {
                    break;
                }
                // A task break now and then: calls for other tables are
                // answered meanwhile, and where this thread reads the
                // slices itself, Chromium copies them in tasks on this
                // thread (without breaks the next read would stall).
                unbroken += bytes.len();
                let every = match slices {
                    Slices::Helper(..) => BREAK_HELPER,
                    Slices::Own(_) => BREAK_OWN,
                };
                if unbroken >= every {
                    unbroken = 0;
                    let yielding = js_sys::Date::now();
                    let _ = yield_now().await;
                    yield_ms += js_sys::Date::now() - yielding;
                }
            }
            if fed == Fed::Rewind {
                // Not the encoding the start suggested: read it all again.
                continue 'file;
            }
            report(at, rows, false);
        }
        let parsing = js_sys::Date::now();
        let finished = reader
            .finish(&mut |p| report(total, p.rows as f64, false))
            .map_err(|e| e.to_string())?;
        parse_ms += js_sys::Date::now() - parsing;
        match finished {
            Finished::Done(r) => break 'file *r,
            Finished::Rewind => continue 'file,
        }
    };
    drop(bytes);
    report(total, result.table.len() as f64, true);

    let preview = encode(&result.preview(PREVIEW_ROWS));
    let (rows, table_bytes) = (result.table.len(), result.encoded_len());
    // The engine keeps the table itself: the page's request for numbers
    // needs no second copy or decode.
    ENGINE.with(|e| e.borrow_mut().put(table_id, kind, result));
    Ok(Imported {
        preview: preview.buffer().into(),
        rows,
        table_bytes,
        table_id,
        read_ms,
        parse_ms,
        copy_ms,
        yield_ms,
    })
}

/// The size of this worker's wasm memory. It only grows, so its size now
/// is the peak so far.
fn memory_bytes() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let bytes = memory
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length();
    f64::from(bytes)
}

fn cannot_read(name: &str) -> String {
    opscalc_core::notice::cannot_read_file(name)
}

fn message(kind: &str, id: f64) -> Object {
    let msg = Object::new();
    set(&msg, "type", &kind.into());
    set(&msg, "id", &id.into());
    msg
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

fn set(obj: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &key.into(), value);
}
