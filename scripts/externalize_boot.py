#!/usr/bin/env python3
"""Trunk post-build hook: move the inline module script that boots the wasm
into boot-<hash>.js, so the page's CSP can say script-src 'self' with no
'unsafe-inline'. Runs in TRUNK_STAGING_DIR."""
import hashlib, os, re, sys

staging = os.environ.get("TRUNK_STAGING_DIR") or (sys.argv[1] if len(sys.argv) > 1 else "dist")
path = os.path.join(staging, "index.html")
html = open(path, encoding="utf-8").read()
pattern = re.compile(r'<script type="module"(?: nonce="[^"]*")?>(.*?)</script>', re.S)
m = pattern.search(html)
if not m:
    sys.exit(0)  # already external
body = m.group(1).strip() + "\n"
name = "boot-" + hashlib.sha256(body.encode()).hexdigest()[:16] + ".js"
with open(os.path.join(staging, name), "w", encoding="utf-8") as f:
    f.write(body)
html = html[: m.start()] + f'<script type="module" src="/{name}"></script>' + html[m.end():]
# Trunk's nonce placeholders mean nothing for a static site.
html = re.sub(r' nonce="[^"]*"', "", html)
open(path, "w", encoding="utf-8").write(html)
