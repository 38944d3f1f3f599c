//! The engine worker. It holds the page's tables in an
//! [`opscalc_core::Engine`] and answers calculation requests; it also
//! imports files: the page hands it a `File`, a helper worker
//! (`read-worker.js`, on the other core) reads it in 8 MB slices with
//! `Blob.arrayBuffer()` and transfers them here, a few ahead of the parse
//! (where no helper starts, this worker reads them itself), and it feeds
//! them to the core's `TextReader`, so a text file is never held whole.
//! A text file of 32 MB or more is read by two instances of this worker at
//! once: the second (`second.rs`) reads from a line end past the middle of
//! what is left when it has loaded, and the engine joins its part.
//! The engine keeps the table and hands the page its preview at once, and
//! the whole table encoded (one transferable buffer) after answering the
//! first calculation. Progress goes out every ~150 ms; the page cancels an
//! import by terminating the worker, which stops it (and its helpers) at
//! once and leaves the page's data untouched (a new worker gets the page's
//! tables again).
//!
//! Messages in: `{type: "put", meta, buffer}`, `{type: "call", id, request}`,
//! `{type: "import", id, file, meta, encoding?, sheet?, twoReadersFrom?}`,
//! and, to a second reader, `{type: "part", file, from, spec}`. Out:
//! `{type: "ready"}`, `{type: "reply", id, reply, memoryBytes}`,
//! `{type: "progress", id, phase, bytes, total, rows}`,
//! `{type: "done", id, buffer (the preview), rows, tableBytes, readMs,
//! parseMs, copyMs, yieldMs, waitMs, joinMs, twoReaders, memoryBytes}`,
//! `{type: "table", id, buffer, encodeMs}` (or `{type: "table", id, lost}`),
//! `{type: "error", id, message}`; a second reader's `{type:
//! "partProgress", bytes, rows}`, `{type: "part", buffer}`, `{type:
//! "partFailed", reason}`.

#[cfg(target_arch = "wasm32")]
mod second;
#[cfg(target_arch = "wasm32")]
mod worker;

fn main() {
    #[cfg(target_arch = "wasm32")]
    worker::start();
}
