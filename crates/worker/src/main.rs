//! The engine worker. It holds the page's tables in an
//! [`opscalc_core::Engine`] and answers calculation requests; it also
//! imports files: the page hands it a `File`, a helper worker
//! (`read-worker.js`, on the other core) reads it in 8 MB slices with
//! `Blob.arrayBuffer()` and transfers them here, a few ahead of the parse
//! (where no helper starts, this worker reads them itself), and it feeds
//! them to the core's `TextReader`, so a text file is never held whole.
//! It keeps the table, hands the page its preview at once ("done"), and
//! the whole table encoded as one transferable buffer ("table") after
//! answering the first calculation: the page asks for numbers without
//! waiting for the encoding. `readMs` in "done" is the time spent waiting
//! for slices (reading the parse did not hide), `parseMs` the time spent
//! decoding and parsing. Progress goes out every ~150 ms; the page cancels
//! an import by terminating the worker (once it has sent any table it
//! owed), which stops it at once and leaves the page's data untouched (a
//! new worker gets the page's tables again).
//!
//! Messages in: `{type: "put", meta, buffer}`, `{type: "call", id, request}`,
//! `{type: "import", id, file, meta, encoding?, sheet?}`. Out:
//! `{type: "ready"}`, `{type: "reply", id, reply, memoryBytes}`,
//! `{type: "progress", id, phase, bytes, total, rows}`,
//! `{type: "done", id, buffer (the preview), rows, tableBytes, readMs,
//! parseMs, copyMs, yieldMs, memoryBytes}`, `{type: "table", id, buffer,
//! encodeMs}` (or `{type: "table", id, lost}` when the engine no longer
//! holds it), `{type: "error", id, message}`.

#[cfg(target_arch = "wasm32")]
mod worker;

fn main() {
    #[cfg(target_arch = "wasm32")]
    worker::start();
}
