//! File imports: they run in the engine worker (`crates/worker`, see
//! [`crate::engine::import`]), which keeps the parsed table for the
//! calculations, so the numbers need no second copy of it; the page only
//! ever receives the table's bytes, as one transferred buffer. Cancelling
//! is `terminate()` (immediate, whatever the worker is doing); a new worker
//! is given the page's tables again.

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

/// Starts importing `file` as the `kind` dataset in the engine worker
/// (cancelling any running import). `on_progress` runs every ~150 ms;
/// `on_done` runs once, unless the import is cancelled, with the engine's id
/// for the table and its bytes; `on_stopped` runs instead when it is
/// cancelled or replaced by another import (of any section).
pub fn start(
    file: web_sys::File,
    request: ImportRequest,
    kind: opscalc_core::InputKind,
    on_progress: impl Fn(ImportProgress) + 'static,
    on_done: impl FnOnce(Result<(u32, TableBytes), String>) + 'static,
    on_stopped: impl FnOnce() + 'static,
) {
    crate::engine::import(file, request, kind, on_progress, on_done, on_stopped);
}

/// Stops the running import at once; true when one was running. The
/// page's current data is untouched.
pub fn cancel() -> bool {
    crate::engine::cancel_import()
}
