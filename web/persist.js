// IndexedDB for saved workspaces (src/persist.rs is the only caller).
// Two object stores:
//   workspaces: { name, savedAt (ms), size (bytes), meta (JSON text),
//                 tableKeys: [key or null] }
//   tables:     key -> Uint8Array (a parsed table, ReadResult::write_to)
// Tables are stored apart and written once: autosave runs after every
// settings change, and rewriting a million-row table each time cost half a
// second of the page's thread and 120 MB of disk writes per change.
// (Version 1 kept the tables inline as `tables`; such records still load.)
// A failed write rejects with the browser's error (its `name` says
// "QuotaExceededError" when storage is full); the transaction is then
// aborted, so the previously saved copy stays whole.
const DB = "opscalc";
const STORE = "workspaces";
const TABLES = "tables";

let opening = null;

function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      if (!("indexedDB" in self)) return reject(new Error("IndexedDB is not available"));
      const req = indexedDB.open(DB, 2);
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: "name" });
        if (!db.objectStoreNames.contains(TABLES)) db.createObjectStore(TABLES);
      };
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
    const tx = db.transaction([STORE, TABLES], mode);
    const store = tx.objectStore(STORE);
    let result, failed;
    Promise.resolve(body(store, tx.objectStore(TABLES))).then(
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

// A stable key per table buffer: the page hands the same Uint8Array for a
// table that has not changed (src/persist.rs caches them).
const tableKey = new WeakMap();
const written = new Set();
let sequence = 0;
function keyOf(t) {
  let k = tableKey.get(t);
  if (!k) {
    k = `t-${Date.now().toString(36)}-${sequence++}`;
    tableKey.set(t, k);
  }
  return k;
}

// Deletes stored tables no workspace refers to any more.
function collect(ws, tables) {
  return Promise.all([req(ws.getAll()), req(tables.getAllKeys())]).then(([records, keys]) => {
    const used = new Set(records.flatMap((r) => r.tableKeys || []));
    for (const k of keys) if (!used.has(k)) tables.delete(k);
  });
}

export function putWorkspace(name, meta, tables, size) {
  const keys = tables.map((t) => (t ? keyOf(t) : null));
  const fresh = [];
  return run("readwrite", (ws, store) => {
    tables.forEach((t, i) => {
      if (t && !written.has(keys[i])) {
        store.put(t, keys[i]);
        fresh.push(keys[i]);
      }
    });
    ws.put({ name, savedAt: Date.now(), size, meta, tableKeys: keys });
    return collect(ws, store);
  }).then(() => { for (const k of fresh) written.add(k); });
}

// The record with its tables, or null.
export function getWorkspace(name) {
  return run("readonly", (ws, store) => req(ws.get(name)).then((r) => {
    if (!r || !r.tableKeys) return r || null;
    return Promise.all(r.tableKeys.map((k) => (k ? req(store.get(k)) : null))).then((tables) => {
      // The buffers read back are the stored copies: reuse their keys.
      tables.forEach((t, i) => { if (t) { tableKey.set(t, r.tableKeys[i]); written.add(r.tableKeys[i]); } });
      return { ...r, tables };
    });
  })).then((r) => r || null);
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
  return run("readwrite", (ws, store) => {
    ws.delete(name);
    return collect(ws, store);
  });
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
      const tx = db.transaction([STORE, TABLES], "readwrite");
      tx.objectStore(STORE).clear();
      tx.objectStore(TABLES).clear();
      tx.oncomplete = resolve;
      tx.onabort = () => reject(tx.error);
    });
  }
  written.clear();
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
