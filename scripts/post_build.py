#!/usr/bin/env python3
"""Trunk's one post-build hook. Trunk runs the hooks of a stage at the same
time, so steps that depend on each other must be one hook; this runs, in
order, in TRUNK_STAGING_DIR:

1. copy the route chunks that scripts/split-bin/wasm-bindgen left beside
   Trunk's wasm-bindgen output (target/wasm-bindgen/<profile>/wasm_split/)
   into the build, each named after a hash of its content like Trunk's own
   files, and link the loader (__wasm_split-<hash>.js) and the main JS
   (renamed after its new text) to each other;
2. scripts/externalize_boot.py: the inline boot script into a file (CSP);
1b. the main JS and the loader lose their comment lines and indentation
   (`lean_js`) before they are named;
3. the hand-written JS modules (web/*.js, copied by wasm-bindgen as
   snippets) go through `lean_js` too, with their subresource integrity in
   index.html updated: their comments were 2 KB of the gzipped first load
   (issue 11's 250 KB budget);
4. scripts/make_sw.py: the service worker that precaches every file, the
   chunks and the boot file included (run last, so it sees them all).

    python3 scripts/post_build.py [app-out-name]   (default opscalc-web)
"""
import base64, glob, hashlib, os, re, shutil, subprocess, sys

here = os.path.dirname(os.path.abspath(__file__))
staging = os.environ.get("TRUNK_STAGING_DIR") or "dist"
name = sys.argv[1] if len(sys.argv) > 1 else "opscalc-web"


def content_hash(data):
    return hashlib.sha256(data).hexdigest()[:16]


def copy_split_chunks():
    """Step 1; returns the files it wrote (empty when nothing was split)."""
    profile = os.environ.get("TRUNK_PROFILE", "release")
    target = os.environ.get("CARGO_TARGET_DIR", "target")
    src = os.path.join(target, "wasm-bindgen", profile, "wasm_split", name)
    if not os.path.isdir(src):
        return []
    main_js = [
        p for p in glob.glob(os.path.join(staging, name + "-*.js"))
        if re.fullmatch(re.escape(name) + r"-[0-9a-f]+\.js", os.path.basename(p))
    ]
    if len(main_js) != 1:
        sys.exit(f"post_build: expected one {name}-<hash>.js in {staging}, found {main_js}")
    main_js = main_js[0]
    trunk_main = os.path.basename(main_js)
    with open(os.path.join(src, "__wasm_split.js"), encoding="utf-8") as f:
        loader = lean_js(f.read())
    written = []
    for chunk in sorted(os.listdir(src)):
        if not chunk.endswith(".wasm"):
            continue
        with open(os.path.join(src, chunk), "rb") as f:
            data = f.read()
        # Hashed names: a browser cache never mixes chunks of two builds.
        hashed = f"{chunk[:-5]}-{content_hash(data)}.wasm"
        if f'"./{chunk}"' not in loader:
            sys.exit(f"post_build: {chunk} is not referenced by __wasm_split.js")
        loader = loader.replace(f'"./{chunk}"', f'"./{hashed}"')
        shutil.copyfile(os.path.join(src, chunk), os.path.join(staging, hashed))
        written.append(hashed)
    # The main JS and the loader import each other, so neither name can be
    # the hash of its final text. The loader is named after its text and
    # Trunk's main JS name (which fix the rest of it); the main JS, once it
    # imports the loader by that name, after its own final text. Every file
    # is then content-named, and may be cached for good (scripts/serve.mjs).
    loader_name = f"__wasm_split-{content_hash((loader + trunk_main).encode())}.js"
    with open(main_js, encoding="utf-8") as f:
        js = lean_js(f.read())
    # Only the import statements: the same string also names the wasm's
    # import module in the imports object, which must stay as it is.
    if 'from "./__wasm_split.js"' not in js:
        sys.exit(f"post_build: {main_js} does not import ./__wasm_split.js")
    js = js.replace('from "./__wasm_split.js"', f'from "./{loader_name}"')
    final_main = f"{name}-{content_hash(js.encode())}.js"
    os.remove(main_js)
    with open(os.path.join(staging, final_main), "w", encoding="utf-8") as f:
        f.write(js)
    if f'from "./{name}.js"' not in loader:
        sys.exit(f"post_build: __wasm_split.js does not import ./{name}.js")
    loader = loader.replace(f'from "./{name}.js"', f'from "./{final_main}"')
    with open(os.path.join(staging, loader_name), "w", encoding="utf-8") as f:
        f.write(loader)
    # index.html preloads the main JS and its inline boot script imports it.
    index = os.path.join(staging, "index.html")
    with open(index, encoding="utf-8") as f:
        html = f.read()
    html = html.replace(trunk_main, final_main)
    # Trunk's preload carries the subresource integrity of the JS it wrote;
    # the browser blocks the changed file unless it is the new text's.
    sri = "sha384-" + base64.b64encode(hashlib.sha384(js.encode()).digest()).decode()
    html, n = re.subn(
        r'(<link[^>]*href="/' + re.escape(final_main) + r'"[^>]*integrity=")[^"]*(")',
        lambda m: m.group(1) + sri + m.group(2),
        html,
    )
    if n == 0 and "integrity=" in html:
        sys.exit(f"post_build: no integrity attribute found for {final_main}")
    with open(index, "w", encoding="utf-8") as f:
        f.write(html)
    return written + [loader_name]


def lean_js(text):
    """`text` without its comment lines (`//` lines and `/* ... */` blocks
    that start a line) and without indentation, outside template literals
    (a line after an odd number of backticks is inside one, kept as it
    is): wasm-bindgen's glue is a fifth JSDoc and indentation, 1.1 KB of
    the gzipped first load; persist.js was half comments."""
    out, in_template, in_block = [], False, False
    for line in text.splitlines(keepends=True):
        bare = line.strip()
        if in_template:
            out.append(line)
        elif in_block:
            if "*/" in bare[:-2]:
                sys.exit(f"post_build: code after a comment's end: {bare[:80]}")
            in_block = not bare.endswith("*/")
            continue
        elif bare.startswith("/*") and "*/" not in bare[2:-2]:
            # A comment that starts a line and runs to the line ending it
            # (`/* a */ f();` is code, kept whole).
            in_block = not (len(bare) >= 4 and bare.endswith("*/"))
            continue
        elif bare.startswith("//") or not bare:
            continue
        else:
            out.append(line.lstrip())
        if line.count("`") % 2 == 1:
            in_template = not in_template
    lean = "".join(out)
    # A last guard: the glue must still parse (node is there whenever the
    # tests run; a build without it skips the check).
    node = shutil.which("node")
    if node:
        check = subprocess.run([node, "--input-type=module", "--check"], input=lean, text=True, capture_output=True)
        if check.returncode != 0:
            sys.exit(f"post_build: the lean JS does not parse: {check.stderr[:400]}")
    return lean


def strip_snippet_comments():
    """Step 3; returns how many bytes went."""
    index = os.path.join(staging, "index.html")
    with open(index, encoding="utf-8") as f:
        html = f.read()
    saved = 0
    for path in glob.glob(os.path.join(staging, "snippets", "**", "*.js"), recursive=True):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        lean = lean_js(text)
        if lean == text:
            continue
        with open(path, "w", encoding="utf-8") as f:
            f.write(lean)
        saved += len(text) - len(lean)
        href = "/" + os.path.relpath(path, staging).replace(os.sep, "/")
        digest = base64.b64encode(hashlib.sha384(lean.encode("utf-8")).digest()).decode()
        html = re.sub(
            r'(<link[^>]*href="' + re.escape(href) + r'"[^>]*integrity=")sha384-[^"]*(")',
            lambda m: m.group(1) + "sha384-" + digest + m.group(2),
            html,
        )
    with open(index, "w", encoding="utf-8") as f:
        f.write(html)
    return saved


written = copy_split_chunks()
print(f"post_build: {len(written)} split files -> {staging}")
print(f"post_build: {strip_snippet_comments()} bytes of comments out of the JS modules")
for step in ("externalize_boot.py", "make_sw.py"):
    subprocess.run([sys.executable, os.path.join(here, step)], check=True)
