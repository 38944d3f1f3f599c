//! Runs file imports in the import worker (`crates/worker`): one worker per
//! import, so cancelling is `terminate()` (immediate, whatever the worker is
//! doing) and the worker's memory goes back to the system when it is done.
//! The page only ever receives the parsed table, as one transferred buffer.

use crate::engine::TableBytes;

/// How far an import has got.
///
/// # Example
/// ```
/// use opscalc_web::import_worker::ImportProgress;
/// let p = ImportProgress { phase: "parse".into(), bytes: 50e6, total: 100e6, rows: 400_000.0, elapsed_ms: 2000.0 };
/// assert_eq!(p.percent(), 55.0); // reading is the first tenth, parsing the rest
/// assert_eq!(p.rows_per_second(), 200_000.0);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportProgress {
    /// `read` (bytes from disk) or `parse` (rows).
    pub phase: String,
    /// Bytes done in this phase.
    pub bytes: f64,
    /// File size.
    pub total: f64,
    /// Rows parsed so far.
    pub rows: f64,
    /// Milliseconds since the import started.
    pub elapsed_ms: f64,
}

impl ImportProgress {
    /// Share done, 0 to 100. Reading counts as the first tenth (it is the
    /// quick part), parsing as the rest.
    pub fn percent(&self) -> f64 {
        if self.total <= 0.0 {
            return 0.0;
        }
        // GBK text grows when decoded, so parsed bytes can pass the size.
        let f = (self.bytes / self.total).clamp(0.0, 1.0);
        if self.phase == "read" {
            f * 10.0
        } else {
            10.0 + f * 90.0
        }
    }

    /// Rows parsed per second so far.
    pub fn rows_per_second(&self) -> f64 {
        if self.elapsed_ms <= 0.0 {
            0.0
        } else {
            self.rows / (self.elapsed_ms / 1000.0)
        }
    }
}

/// What to read: the file and the user's reader choices.
#[derive(Clone, Debug, Default)]
pub struct ImportRequest {
    /// An encoding label, empty for detection.
    pub encoding: String,
    /// A sheet name, empty for the first.
    pub sheet: String,
}

thread_local! {
    static FILES: std::cell::RefCell<Vec<(u32, web_sys::File)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A file the user chose, kept as the browser's handle (not its bytes) so
/// it can be read again with another encoding or sheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileRef(u32);

/// Keeps the handle of a chosen file; the last few are kept.
pub fn keep_file(file: web_sys::File) -> FileRef {
    FILES.with(|f| {
        let mut f = f.borrow_mut();
        let id = f.last().map_or(0, |(i, _)| i + 1);
        f.push((id, file));
        if f.len() > 8 {
            f.remove(0);
        }
        FileRef(id)
    })
}

/// The file behind a [`FileRef`], if still kept.
pub fn kept_file(r: FileRef) -> Option<web_sys::File> {
    FILES.with(|f| {
        f.borrow()
            .iter()
            .find(|(i, _)| *i == r.0)
            .map(|(_, f)| f.clone())
    })
}

#[cfg(target_arch = "wasm32")]
mod imp {
    use super::*;
    use js_sys::{Object, Reflect, Uint8Array};
    use std::cell::RefCell;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{ErrorEvent, File, MessageEvent, Worker};

    struct Running {
        worker: Worker,
        // Kept alive while the worker runs.
        _on_message: Closure<dyn FnMut(MessageEvent)>,
        _on_error: Closure<dyn FnMut(ErrorEvent)>,
    }

    thread_local! {
        static RUNNING: RefCell<Option<Running>> = const { RefCell::new(None) };
    }

    /// The worker's loader, at the site root (pages have their own paths).
    const WORKER_URL: &str = "/opscalc-worker_loader.js";

    pub fn start(
        file: File,
        request: ImportRequest,
        on_progress: impl Fn(ImportProgress) + 'static,
        on_done: impl FnOnce(Result<TableBytes, String>) + 'static,
    ) {
        cancel();
        let name = file.name();
        let worker = match Worker::new(WORKER_URL) {
            Ok(w) => w,
            Err(_) => {
                on_done(Err(opscalc_core::notice::import_worker_cannot_start(&name)));
                return;
            }
        };
        let started = js_sys::Date::now();
        let done = std::rc::Rc::new(RefCell::new(Some(
            Box::new(on_done) as Box<dyn FnOnce(Result<TableBytes, String>)>
        )));
        let finish = {
            let done = done.clone();
            move |r: Result<TableBytes, String>| {
                // Stop the worker first so its memory is released.
                RUNNING.with(|c| {
                    if let Some(r) = c.borrow_mut().take() {
                        r.worker.terminate();
                    }
                });
                if let Some(f) = done.borrow_mut().take() {
                    f(r);
                }
            }
        };
        let finish = std::rc::Rc::new(RefCell::new(Some(finish)));
        let job = {
            let msg = Object::new();
            let _ = Reflect::set(&msg, &"id".into(), &1.into());
            let _ = Reflect::set(&msg, &"file".into(), &file);
            let _ = Reflect::set(&msg, &"encoding".into(), &request.encoding.into());
            let _ = Reflect::set(&msg, &"sheet".into(), &request.sheet.into());
            msg
        };
        let w = worker.clone();
        let fin = finish.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            let data = ev.data();
            let get = |k: &str| Reflect::get(&data, &k.into()).unwrap_or(JsValue::UNDEFINED);
            match get("type").as_string().as_deref() {
                Some("ready") => {
                    let _ = w.post_message(&job);
                }
                Some("progress") => on_progress(ImportProgress {
                    phase: get("phase").as_string().unwrap_or_default(),
                    bytes: get("bytes").as_f64().unwrap_or(0.0),
                    total: get("total").as_f64().unwrap_or(0.0),
                    rows: get("rows").as_f64().unwrap_or(0.0),
                    elapsed_ms: js_sys::Date::now() - started,
                }),
                Some("done") => {
                    // For the benchmark: the worker's peak memory and timings.
                    if let Some(w) = web_sys::window() {
                        let stats = Object::new();
                        for k in ["memoryBytes", "readMs", "parseMs"] {
                            let _ = Reflect::set(&stats, &k.into(), &get(k));
                        }
                        let _ = Reflect::set(
                            &stats,
                            &"totalMs".into(),
                            &(js_sys::Date::now() - started).into(),
                        );
                        let _ = Reflect::set(&w, &"opscalcLastImport".into(), &stats);
                    }
                    // Kept as it is: the page decodes only a preview, and
                    // the engine gets the bytes.
                    let buffer = Uint8Array::new(&get("buffer"));
                    let bytes = TableBytes::from_buffer(buffer);
                    if let Ok(spare) = get("spare").dyn_into::<js_sys::ArrayBuffer>() {
                        bytes.give_spare(spare);
                    }
                    if let Some(f) = fin.borrow_mut().take() {
                        crate::browser::timed("import_apply", || f(Ok(bytes)));
                    }
                }
                Some("error") => {
                    let m = get("message").as_string().unwrap_or_default();
                    if let Some(f) = fin.borrow_mut().take() {
                        f(Err(m));
                    }
                }
                _ => {}
            }
        });
        let fin = finish.clone();
        let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |ev: ErrorEvent| {
            // A crash in the worker (out of memory, a bug): the page and
            // its data are untouched; say what happened.
            ev.prevent_default();
            let detail = ev.message();
            if let Some(f) = fin.borrow_mut().take() {
                f(Err(opscalc_core::notice::import_stopped(&name, &detail)));
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        RUNNING.with(|c| {
            *c.borrow_mut() = Some(Running {
                worker,
                _on_message: on_message,
                _on_error: on_error,
            })
        });
    }

    pub fn cancel() -> bool {
        RUNNING.with(|c| match c.borrow_mut().take() {
            Some(r) => {
                r.worker.terminate();
                true
            }
            None => false,
        })
    }
}

/// Starts importing `file` in a fresh worker (cancelling any running
/// import). `on_progress` runs every ~150 ms; `on_done` runs once, unless
/// the import is cancelled.
pub fn start(
    file: web_sys::File,
    request: ImportRequest,
    on_progress: impl Fn(ImportProgress) + 'static,
    on_done: impl FnOnce(Result<TableBytes, String>) + 'static,
) {
    #[cfg(target_arch = "wasm32")]
    imp::start(file, request, on_progress, on_done);
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (file, request, on_progress);
        on_done(Err("files are read in a browser worker".into()));
    }
}

/// Stops the running import at once; true when one was running. The
/// page's current data is untouched.
pub fn cancel() -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        imp::cancel()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        false
    }
}
