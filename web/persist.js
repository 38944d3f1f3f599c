// IndexedDB for saved workspaces (src/persist.rs is the only caller).
// Two object stores:
//   workspaces: { name, savedAt (ms), size (bytes), meta (JSON text),
//                 tableKeys: [key or null] }
//   tables:     key -> head { chunks, length }, and key#0, key#1, ... ->
//               Uint8Array chunks of a parsed table (ReadResult::write_to)
// Tables are stored apart and written once: autosave runs after every
// settings change, and rewriting a million-row table each time cost half a
// second of the page's thread and 120 MB of disk writes per change.
// A table's chunks are written first, each in its own transaction; its head
// and the workspace record that refers to it come last, together, so a
// reload in the middle of a save finds the previous record whole.
// (Version 1 kept the tables inline as `tables`; version 2 kept each table
// as one Uint8Array under its key; both still load.)
// A failed write rejects with the browser's error (its `name` says
// "QuotaExceededError" when storage is full); the record is then not
// written, so the previously saved copy stays whole.
const DB = "opscalc";
const STORE = "workspaces";
const TABLES = "tables";

let opening = null;

function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      if (!("indexedDB" in self)) return reject(new Error("IndexedDB is not available"));
      // Version 3 (chunked tables) has the same stores; the bump closes
      // pages of an older version (onversionchange below), whose garbage
      // collection would take chunks for unreferenced tables.
      const req = indexedDB.open(DB, 3);
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

// Tables are stored in chunks, each in its own small transaction: put()
// clones its value on the page's thread before it returns, and one 150 MB
// table in one put was one 312 ms task. A 2 MiB chunk clones in a few ms
// (a 4 MiB one took up to 37 ms with the copy and the garbage collector's
// share), and the page runs between chunks. Reading back is chunked the
// same way.
const CHUNK_BYTES = 2 * 1024 * 1024;
function chunkBytes() {
  // Tests set a small size so that a small table spans several chunks.
  const n = Number(self.__opscalcChunkBytes);
  return Number.isInteger(n) && n > 0 ? n : CHUNK_BYTES;
}
const chunkKey = (k, i) => `${k}#${i}`;
// The table a stored key belongs to: a chunk's table, or the key itself
// (a head, or a version-2 whole table).
function tableOf(key) {
  const at = typeof key === "string" ? key.indexOf("#") : -1;
  return at < 0 ? key : key.slice(0, at);
}

// A stable key per table buffer: the page hands the same Uint8Array for a
// table that has not changed (src/persist.rs caches them).
const tableKey = new WeakMap();
// Tables stored whole (head written): never written again.
const written = new Set();
// Table key -> the promise of its chunks being written, so that a second
// autosave during a long write waits for it instead of writing it twice.
const writing = new Map();
// Table key -> how many saves in flight refer to it: the garbage collection
// leaves those alone, written or not (their workspace record comes last).
const busy = new Map();
// Keys this page made or read: for any other key, this page cannot know
// whether another tab is still writing its chunks.
const mine = new Set();
let sequence = 0;
function keyOf(t) {
  let k = tableKey.get(t);
  if (!k) {
    // The time is read back by `spare`; the random part keeps two tabs
    // from making the same key in the same millisecond.
    k = `t-${Date.now().toString(36)}-${sequence++}-${Math.random().toString(36).slice(2, 8)}`;
    tableKey.set(t, k);
    mine.add(k);
  }
  return k;
}

// How long an unreferenced table of another tab is left alone: that tab
// may still be writing its chunks. Chunks of a tab closed mid-save go at
// the first collection after this.
const FOREIGN_GRACE_MS = 10 * 60 * 1000;
function spare(k, now) {
  if (busy.has(k) || writing.has(k)) return true;
  if (mine.has(k)) return false;
  const m = /^t-([0-9a-z]+)-/.exec(k);
  const age = m ? now - parseInt(m[1], 36) : Infinity;
  // A key "from the future" is not a time this code wrote: not spared.
  return age > -FOREIGN_GRACE_MS && age < FOREIGN_GRACE_MS;
}

// Deletes stored tables (heads and chunks) no workspace refers to any more.
function collect(ws, tables) {
  return Promise.all([req(ws.getAll()), req(tables.getAllKeys())]).then(([records, keys]) => {
    const used = new Set(records.flatMap((r) => r.tableKeys || []));
    const now = Date.now();
    for (const key of keys) {
      const k = tableOf(key);
      if (used.has(k) || spare(k, now)) continue;
      tables.delete(key);
      written.delete(k);
    }
  });
}

// "Clear my data" bumps this: saves in flight stop and store nothing.
let epoch = 0;
function cleared() {
  return new DOMException("the data was cleared while saving", "AbortError");
}

function putChunk(db, key, part) {
  return new Promise((resolve, reject) => {
    // Relaxed: the workspace record's transaction, written last, is the
    // one that has to reach the disk.
    const tx = db.transaction(TABLES, "readwrite", { durability: "relaxed" });
    try {
      tx.objectStore(TABLES).put(part, key);
    } catch (e) {
      try { tx.abort(); } catch (_) { /* nothing to undo */ }
      return reject(e);
    }
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error || new Error("the save was aborted"));
  });
}

// Writes a table's chunks; resolves to its head { chunks, length }.
function writeChunks(db, key, t) {
  let w = writing.get(key);
  if (!w) {
    const started = epoch;
    w = (async () => {
      const size = chunkBytes();
      const chunks = Math.ceil(t.byteLength / size);
      for (let i = 0; i < chunks; i++) {
        if (started !== epoch) throw cleared();
        // slice, not subarray: a view would clone its whole buffer.
        await putChunk(db, chunkKey(key, i), t.slice(i * size, (i + 1) * size));
      }
      return { chunks, length: t.byteLength };
    })();
    writing.set(key, w);
    // Kept after success until a head is committed (putWorkspace): a save
    // starting in between must not write the chunks again.
    w.catch(() => writing.delete(key));
  }
  return w;
}

// Saves started, and per workspace name the newest whose record is
// written: an older save finishing later (its table took longer) must not
// put its older record back.
let saves = 0;
const newest = new Map();
// Workspace name -> saves in flight.
const inFlight = new Map();
// Resolves when every save of `name` started so far has finished.
function settled(name) {
  const all = [...(inFlight.get(name) || [])].map((s) => s.catch(() => {}));
  return Promise.all(all);
}

export function putWorkspace(name, meta, tables, size) {
  const keys = tables.map((t) => (t ? keyOf(t) : null));
  const held = keys.filter(Boolean);
  for (const k of held) busy.set(k, (busy.get(k) || 0) + 1);
  const release = () => {
    for (const k of held) {
      const n = busy.get(k) - 1;
      if (n > 0) busy.set(k, n);
      else busy.delete(k);
    }
  };
  const order = ++saves;
  const started = epoch;
  const saving = open().then(async (db) => {
    const heads = await Promise.all(tables.map((t, i) => (
      t && !written.has(keys[i]) ? writeChunks(db, keys[i], t).then((h) => [keys[i], h]) : null
    )));
    if (started !== epoch) throw cleared();
    const fresh = heads.filter(Boolean);
    let before = null;
    await run("readwrite", (ws, store) => {
      // Heads and record last, in one transaction: a reload before it
      // commits finds the previous record, whose tables are untouched.
      for (const [k, head] of fresh) store.put(head, k);
      if ((newest.get(name) || 0) < order) {
        before = newest.get(name) || 0;
        newest.set(name, order);
        ws.put({ name, savedAt: Date.now(), size, meta, tableKeys: keys });
      }
      return collect(ws, store);
    }).catch((e) => {
      if (before !== null && newest.get(name) === order) newest.set(name, before);
      for (const [k] of fresh) writing.delete(k);
      throw e;
    });
    for (const [k] of fresh) {
      written.add(k);
      writing.delete(k);
    }
  });
  if (!inFlight.has(name)) inFlight.set(name, new Set());
  inFlight.get(name).add(saving);
  const done = () => {
    release();
    const set = inFlight.get(name);
    set.delete(saving);
    if (!set.size) inFlight.delete(name);
  };
  saving.then(done, done);
  return saving;
}

// A stored table as one Uint8Array, or null when it is missing or
// incomplete (the caller then keeps the sample). Each get is its own
// task, so no deserialisation is bigger than a chunk.
async function readTable(store, k) {
  const head = await req(store.get(k));
  if (head instanceof Uint8Array) return head; // version 2: the whole table
  if (!head || !Number.isInteger(head.chunks) || !Number.isInteger(head.length)) return null;
  const out = new Uint8Array(head.length);
  let at = 0;
  for (let i = 0; i < head.chunks; i++) {
    const part = await req(store.get(chunkKey(k, i)));
    if (!(part instanceof Uint8Array) || at + part.byteLength > head.length) return null;
    out.set(part, at);
    at += part.byteLength;
  }
  return at === head.length ? out : null;
}

// The record with its tables, or null. One transaction: a save in another
// tab cannot replace the record and collect its tables halfway through.
export function getWorkspace(name) {
  return run("readonly", async (ws, store) => {
    const r = await req(ws.get(name));
    // Version 1 kept the tables inline as `tables`.
    if (!r || !r.tableKeys) return r || null;
    const tables = [];
    for (const k of r.tableKeys) tables.push(k ? await readTable(store, k) : null);
    // The buffers read back are the stored copies: reuse their keys.
    tables.forEach((t, i) => {
      if (t) {
        const k = r.tableKeys[i];
        tableKey.set(t, k);
        written.add(k);
        mine.add(k);
      }
    });
    return { ...r, tables };
  }).then((r) => r || null);
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
  // After any save of this name still writing its tables, which would
  // otherwise bring it back.
  return settled(name).then(() => run("readwrite", (ws, store) => {
    ws.delete(name);
    return collect(ws, store);
  }));
}

// Renames in one transaction: the copy and the delete both happen or neither.
export function renameWorkspace(from, to) {
  // After any save still writing under the old name: the renamed record
  // then has its changes, and the old name does not come back.
  return settled(from).then(() => run("readwrite", (s) => req(s.get(from)).then((r) => {
    if (!r) throw new Error("no such workspace");
    r.name = to;
    s.put(r);
    s.delete(from);
  })));
}

// "Clear my data": every workspace, every remembered setting, and any cache
// that is not the app's own offline copy (named "opscalc-<version>").
export async function clearEverything() {
  epoch++; // saves in flight stop before their record
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
