// IndexedDB for saved workspaces (src/persist.rs is the only caller).
// One object store, one record per workspace:
//   { name, savedAt (ms), size (bytes), meta (JSON text), tables: [Uint8Array] }
// A failed write rejects with the browser's error (its `name` says
// "QuotaExceededError" when storage is full); the transaction is then
// aborted, so the previously saved copy stays whole.
const DB = "opscalc";
const STORE = "workspaces";

let opening = null;

function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      if (!("indexedDB" in self)) return reject(new Error("IndexedDB is not available"));
      const req = indexedDB.open(DB, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: "name" });
      req.onsuccess = () => {
        const db = req.result;
        // Another tab deleting the database ("clear my data") closes ours.
        db.onversionchange = () => { db.close(); opening = null; };
        resolve(db);
      };
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new Error("the workspace store is in use by another tab"));
    });
    opening.catch(() => { opening = null; });
  }
  return opening;
}

function run(mode, body) {
  return open().then((db) => new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const store = tx.objectStore(STORE);
    let result, failed;
    Promise.resolve(body(store)).then(
      (r) => { result = r; },
      (e) => { failed = e; try { tx.abort(); } catch (_) { /* already done */ } },
    );
    tx.oncomplete = () => (failed ? reject(failed) : resolve(result));
    tx.onabort = () => reject(failed || tx.error || new Error("the save was aborted"));
    tx.onerror = (e) => { e.preventDefault(); };
  }));
}

function req(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

export function putWorkspace(name, meta, tables, size) {
  const record = { name, savedAt: Date.now(), size, meta, tables };
  return run("readwrite", (s) => { s.put(record); });
}

// The record, or null.
export function getWorkspace(name) {
  return run("readonly", (s) => req(s.get(name))).then((r) => r || null);
}

// [{ name, savedAt, size }], newest first; table bytes are not read.
export function listWorkspaces() {
  return run("readonly", (s) => new Promise((resolve, reject) => {
    const out = [];
    const cur = s.openCursor();
    cur.onsuccess = () => {
      const c = cur.result;
      if (!c) return resolve(out);
      out.push({ name: c.value.name, savedAt: c.value.savedAt, size: c.value.size });
      c.continue();
    };
    cur.onerror = () => reject(cur.error);
  })).then((list) => list.sort((a, b) => b.savedAt - a.savedAt));
}

export function deleteWorkspace(name) {
  return run("readwrite", (s) => { s.delete(name); });
}

// Renames in one transaction: the copy and the delete both happen or neither.
export function renameWorkspace(from, to) {
  return run("readwrite", (s) => req(s.get(from)).then((r) => {
    if (!r) throw new Error("no such workspace");
    r.name = to;
    s.put(r);
    s.delete(from);
  }));
}

// "Clear my data": every workspace, every remembered setting, and any cache
// that is not the app's own offline copy (named "opscalc-<version>").
export async function clearEverything() {
  const db = await open().catch(() => null);
  if (db) {
    await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, "readwrite");
      tx.objectStore(STORE).clear();
      tx.oncomplete = resolve;
      tx.onabort = () => reject(tx.error);
    });
  }
  try { localStorage.clear(); } catch (_) { /* storage blocked: nothing stored */ }
  try { sessionStorage.clear(); } catch (_) { /* as above */ }
  if ("caches" in self) {
    for (const k of await caches.keys()) {
      if (!k.startsWith("opscalc-")) await caches.delete(k);
    }
  }
}

// Asks the browser not to evict the workspaces under storage pressure.
export function persistStorage() {
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
}
