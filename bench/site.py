"""The sites under test: built by the real build.py, served from 127.0.0.1 as a reader gets them.

Two sites are built in each run:
- the article (content/), the page a reader opens, with its one figure;
- the bench's own article (bench/content/): four figures on one page (two gridworlds, a Gaussian
  and the explainer's figure), built by a copy of the project with that content, to load the
  worker with every figure at once.

Beside the article the suite writes the references for time to interactive, each a bare page that
boots the same pinned runtime from its raw files (copied from the build's verified cache into
bench-runtime/), runs 1+1 and marks itself ready as a figure does (data-state="ready"):
- bare-worker.html starts it in a module Web Worker (bare-worker.mjs), with the standard
  loadPyodide({indexURL}) of pyodide.mjs: how a Pyodide worker boots when nothing else is asked
  of it;
- bare-main.html starts it on the main thread, as the page did before the worker.
The raw files, not the page's packs, because the packs (base64 and gzip, decoded and checked in
the worker) are a choice of the page's design, there for pages opened from disk: their cost
belongs to the page, and the reference is what booting the runtime costs anyway.
"""

import contextlib
import gzip
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from devtools.project import copy_project
from devtools.serving import QuietHandler, serving
from sitebuild.runtime import LOCK_FILE, PAGE_FILES, cache_dir, read_runtime_pins

ROOT = Path(__file__).resolve().parent.parent
BENCH_CONTENT = Path(__file__).with_name("content")
REFERENCE_RUNTIME = "bench-runtime/"
PACKS = "assets/runtime/"  # where the build puts the runtime's and the wheel's packs

# The bare pages report their boot to the probe through data-state and two marks: when the
# page (or its worker) called loadPyodide and when it resolved, in the page's clock.
BARE_MAIN = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pyodide on the main thread</title></head>
<body><p data-state="loading">Pyodide and 1+1 on the main thread, nothing else.</p>
<script src="{runtime}pyodide.js"></script>
<script>
var called = performance.now();
loadPyodide({{ indexURL: "{runtime}" }}).then(function (pyodide) {{
  window.__pgBenchBoot = [called, performance.now()];
  pyodide.runPython("1+1");
  document.querySelector("[data-state]").setAttribute("data-state", "ready");
}});
</script></body></html>
"""

BARE_WORKER = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pyodide in a worker</title></head>
<body><p data-state="loading">Pyodide and 1+1 in a Web Worker, nothing else.</p>
<script>
var worker = new Worker("bare-worker.mjs", {{ type: "module" }});
worker.onmessage = function (event) {{
  var shift = event.data.timeOrigin - performance.timeOrigin;  // the worker's clock to the page's
  window.__pgBenchBoot = event.data.boot.map(function (t) {{ return t + shift; }});
  document.querySelector("[data-state]").setAttribute("data-state", "ready");
}};
</script></body></html>
"""

# Pyodide's own recipe for a worker: a module worker importing pyodide.mjs (it refuses to start
# in a classic worker unless handed its Emscripten module, as the page's worker.js does).
BARE_WORKER_SCRIPT = """import {{ loadPyodide }} from "./{runtime}pyodide.mjs";
const called = performance.now();
const pyodide = await loadPyodide({{ indexURL: new URL("{runtime}", location.href).href }});
const booted = performance.now();
pyodide.runPython("1+1");
postMessage({{ boot: [called, booted], timeOrigin: performance.timeOrigin }});
"""


class BenchError(Exception):
    """The suite could not measure something; the message says what and why."""


def build(root, out, env=None):
    """Build the project at root into out with its build.py, in a fresh interpreter."""
    result = subprocess.run(
        [sys.executable, str(root / "build.py"), "--out", str(out)],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if result.returncode != 0:
        raise BenchError(f"build.py failed:\n{result.stderr.strip()[-2000:]}")
    return Path(out)


def build_sites(scratch):
    """Build the article and the bench's four-figure article; return (article, figures) sites."""
    article = build(ROOT, scratch / "article")
    project = copy_project(scratch / "figures-project", BENCH_CONTENT)
    figures = build(project, scratch / "figures")
    add_bare_pages(article)
    return article, figures


def add_bare_pages(site):
    """Write the reference pages and the raw runtime they boot from into the site."""
    package, version, _ = read_runtime_pins(ROOT / "pyproject.toml")
    source = cache_dir() / f"{package}-{version}"
    folder = site / REFERENCE_RUNTIME
    folder.mkdir()
    for name in (*PAGE_FILES, "pyodide.mjs", LOCK_FILE):
        shutil.copyfile(source / name, folder / name)  # a copy: the cache is never touched
    runtime = REFERENCE_RUNTIME
    (site / "bare-main.html").write_text(BARE_MAIN.format(runtime=runtime), encoding="utf-8")
    (site / "bare-worker.html").write_text(BARE_WORKER.format(runtime=runtime), encoding="utf-8")
    (site / "bare-worker.mjs").write_text(
        BARE_WORKER_SCRIPT.format(runtime=runtime), encoding="utf-8"
    )


@dataclass(frozen=True)
class FigureSpec:
    """A figure of a built page: its id, kind and settings (its data-config)."""

    id: str
    kind: str
    config: dict


def page_figures(site):
    """The figures of the site's index.html, in page order."""
    found = []

    class Finder(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if "data-widget" in attrs:
                found.append(
                    FigureSpec(attrs["id"], attrs["data-widget"], json.loads(attrs["data-config"]))
                )

    Finder().feed((site / "index.html").read_text(encoding="utf-8"))
    if not found:
        raise BenchError(f"{site / 'index.html'} has no figure ([data-widget])")
    return found


class Server:
    """Serve a folder on 127.0.0.1 (a free port) and log each file it sends, with its size."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.sent = []  # (path, bytes) of every file served since the last clear
        self._serving = None
        self.base = None

    def __enter__(self):
        sent = self.sent

        class Handler(QuietHandler):
            def send_head(self):
                stream = super().send_head()
                if stream is not None and hasattr(stream, "fileno"):
                    path = self.path.split("?")[0].split("#")[0]
                    sent.append((path, os.fstat(stream.fileno()).st_size))
                return stream

        self._serving = serving(self.folder, Handler)
        self.base = self._serving.__enter__()
        return self

    def __exit__(self, *exc):
        self._serving.__exit__(*exc)

    def url(self, path=""):
        return self.base + path


def owner(path):
    """Who a served file belongs to: "runtime" (the runtime's and the wheel's packs), or "ours"."""
    return "runtime" if path.lstrip("/").startswith(PACKS) else "ours"


def weigh(sent, folder):
    """Bytes of the files sent, raw and gzipped (level 6, as web servers do), by owner.

    HTTP headers are not counted.
    """
    totals = {(who, how): 0 for who in ("runtime", "ours") for how in ("raw", "gzip")}
    for path, size in sent:
        file = Path(folder) / (path.lstrip("/") or "index.html")
        if file.is_dir():
            file = file / "index.html"
        totals[owner(path), "raw"] += size
        totals[owner(path), "gzip"] += gzip_size(file)
    return totals


def gzip_size(file):
    """Size of a file gzipped at level 6 (cached: the runtime alone takes a second)."""
    return len(gzip.compress(Path(file).read_bytes(), compresslevel=6, mtime=0))


@contextlib.contextmanager
def servers(*folders):
    """Serve each folder; yield their Servers."""
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(Server(folder)) for folder in folders]
