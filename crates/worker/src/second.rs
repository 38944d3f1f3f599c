//! Reading a big text file with two workers: the engine worker reads the
//! start, a second instance of this worker (`SecondReader`) reads the
//! rest on the machine's other core (`read_part`), and the engine joins
//! the two parts (`TextReader::finish_with`).

use crate::worker::{
    get, message, set, yield_now, Slices, BREAK_HELPER, BREAK_OWN, PIECE, PROGRESS_MS,
};
use js_sys::{Array, Object, Uint8Array};
use opscalc_core::{from_wire, to_wire, PartReader, PartSpec};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DedicatedWorkerGlobalScope, File, MessageEvent, Worker};

/// This worker's own script: the second reader is another instance of it.
const SELF_URL: &str = "./opscalc-worker_loader.js";

/// What the second reader has said.
#[derive(Default)]
struct Heard {
    ready: bool,
    /// Bytes and rows read so far.
    progress: (f64, f64),
    /// Its part, encoded, or why there is none.
    result: Option<Result<Uint8Array, String>>,
    /// The engine's wait for `result`.
    waiting: Option<js_sys::Function>,
}

/// A second instance of the engine worker that reads the part of a file
/// after a given byte. Dropped, it stops.
pub(crate) struct SecondReader {
    worker: Worker,
    heard: Rc<RefCell<Heard>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

impl SecondReader {
    /// Starts the second worker loading; `None` where it cannot start.
    pub(crate) fn start() -> Option<SecondReader> {
        let worker = Worker::new(SELF_URL).ok()?;
        let heard = Rc::new(RefCell::new(Heard::default()));
        let to = heard.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            let data = ev.data();
            let mut h = to.borrow_mut();
            match get(&data, "type").as_string().as_deref() {
                Some("ready") => h.ready = true,
                Some("partProgress") => {
                    h.progress = (
                        get(&data, "bytes").as_f64().unwrap_or(0.0),
                        get(&data, "rows").as_f64().unwrap_or(0.0),
                    )
                }
                Some("part") => {
                    h.result = Some(Ok(Uint8Array::new(&get(&data, "buffer"))));
                }
                Some("partFailed") => {
                    h.result = Some(Err(get(&data, "reason").as_string().unwrap_or_default()));
                }
                _ => return,
            }
            if h.result.is_some() {
                if let Some(resolve) = h.waiting.take() {
                    drop(h);
                    let _ = resolve.call0(&JsValue::NULL);
                }
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        // A script that does not load, or an error in it: no part, and
        // the engine reads the rest itself. Handled here, not passed on
        // to the page (which would restart the engine).
        let to = heard.clone();
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            ev.prevent_default();
            let mut h = to.borrow_mut();
            h.result = Some(Err("the second reader stopped".into()));
            if let Some(resolve) = h.waiting.take() {
                drop(h);
                let _ = resolve.call0(&JsValue::NULL);
            }
        });
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        worker.set_onmessageerror(Some(on_error.as_ref().unchecked_ref()));
        Some(SecondReader {
            worker,
            heard,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// Whether its wasm has loaded (it can be given a part).
    pub(crate) fn is_ready(&self) -> bool {
        let h = self.heard.borrow();
        h.ready && h.result.is_none()
    }

    /// Bytes and rows it has read so far.
    pub(crate) fn progress(&self) -> (f64, f64) {
        self.heard.borrow().progress
    }

    /// Asks it to read `file` from byte `from` (a record start) to the end.
    pub(crate) fn read(&self, file: &File, from: f64, spec: &PartSpec) {
        let msg = Object::new();
        set(&msg, "type", &"part".into());
        set(&msg, "file", file);
        set(&msg, "from", &from.into());
        set(
            &msg,
            "spec",
            &Uint8Array::from(to_wire(spec).as_slice()).into(),
        );
        if self.worker.post_message(&msg).is_err() {
            self.heard.borrow_mut().result = Some(Err("the part could not be sent".into()));
        }
    }

    /// Its part (encoded) or why there is none; `None` if neither has come
    /// within `ms` milliseconds.
    pub(crate) async fn result(&self, ms: i32) -> Option<Result<Uint8Array, String>> {
        if self.heard.borrow().result.is_none() {
            let heard = self.heard.clone();
            let done = js_sys::Promise::new(&mut |resolve, _| {
                heard.borrow_mut().waiting = Some(resolve);
            });
            let timer = js_sys::Promise::new(&mut |resolve, _| {
                let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
                let _ = scope.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
            });
            let _ = JsFuture::from(js_sys::Promise::race(&Array::of2(&done, &timer))).await;
            self.heard.borrow_mut().waiting = None;
        }
        self.heard.borrow_mut().result.take()
    }
}

impl Drop for SecondReader {
    fn drop(&mut self) {
        // Detached first: a message already queued must not call a
        // dropped closure.
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.set_onmessageerror(None);
        self.worker.terminate();
    }
}

/// The second reader's side: reads the part of the file the message
/// names and posts it encoded ("part"), or why it could not ("partFailed":
/// the engine then reads that part itself).
pub(crate) fn on_part_message(out: &DedicatedWorkerGlobalScope, data: &JsValue) {
    let out = out.clone();
    let data = data.clone();
    wasm_bindgen_futures::spawn_local(async move {
        match read_part(&out, &data).await {
            Ok(buffer) => {
                let msg = message("part", 0.0);
                set(&msg, "buffer", &buffer.buffer());
                let _ = out.post_message_with_transfer(&msg, &Array::of1(&buffer.buffer()));
            }
            Err(reason) => {
                let msg = message("partFailed", 0.0);
                set(&msg, "reason", &reason.into());
                let _ = out.post_message(&msg);
            }
        }
    });
}

async fn read_part(out: &DedicatedWorkerGlobalScope, data: &JsValue) -> Result<Uint8Array, String> {
    let file: File = get(data, "file")
        .dyn_into()
        .map_err(|_| "no file".to_string())?;
    let from = get(data, "from").as_f64().ok_or("no start")?;
    let spec: PartSpec = from_wire(&Uint8Array::new(&get(data, "spec")).to_vec())?;
    let total = file.size();
    let mut reader = PartReader::new(&file.name(), &spec, (total - from).max(0.0) as usize);
    let cannot = |_| "the file could not be read".to_string();
    let mut slices = Slices::start(&file, from, total).map_err(cannot)?;
    let mut bytes: Vec<u8> = Vec::new();
    let mut at = from;
    let mut unbroken = 0;
    let mut last = js_sys::Date::now();
    while at < total {
        let chunk = slices.next(&file, at, total).await.map_err(cannot)?;
        if chunk.length() == 0 {
            return Err("the file shrank".into());
        }
        let mut off = 0u32;
        while off < chunk.length() {
            let end = off.saturating_add(PIECE as u32).min(chunk.length());
            bytes.resize((end - off) as usize, 0);
            chunk.subarray(off, end).copy_to(&mut bytes);
            off = end;
            reader.feed(&bytes).map_err(|e| e.to_string())?;
            unbroken += bytes.len();
            let every = match slices {
                Slices::Helper(..) => BREAK_HELPER,
                Slices::Own(_) => BREAK_OWN,
            };
            if unbroken >= every {
                unbroken = 0;
                let _ = yield_now().await;
            }
            let now = js_sys::Date::now();
            if now - last >= PROGRESS_MS {
                last = now;
                let p = reader.progress();
                let msg = message("partProgress", 0.0);
                set(&msg, "bytes", &(p.bytes as f64).into());
                set(&msg, "rows", &(p.rows as f64).into());
                let _ = out.post_message(&msg);
            }
        }
        at += f64::from(chunk.length());
    }
    let part = reader.finish().map_err(|e| e.to_string())?;
    let buffer = Uint8Array::new_with_length(part.encoded_len() as u32);
    let mut offset = 0u32;
    part.write_to(&mut |piece| {
        buffer
            .subarray(offset, offset + piece.len() as u32)
            .copy_from(piece);
        offset += piece.len() as u32;
    });
    Ok(buffer)
}
