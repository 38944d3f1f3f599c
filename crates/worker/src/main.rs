//! The import worker. The page hands it a `File`; it reads the bytes in
//! chunks, decodes and parses them with the same core as everything else,
//! and hands back the parsed table as one transferable buffer. Progress goes
//! out every ~150 ms; the page cancels by terminating the worker, which
//! stops it at once and leaves the page's data untouched.
//!
//! Messages in: `{id, file, encoding?, sheet?}`. Out: `{type: "ready"}`,
//! `{type: "progress", id, phase, bytes, total, rows}`,
//! `{type: "done", id, buffer, readMs, parseMs}`, `{type: "error", id, message}`.

#[cfg(target_arch = "wasm32")]
mod worker;

fn main() {
    #[cfg(target_arch = "wasm32")]
    worker::start();
}
