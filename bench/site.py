"""The site under test: built once by the real build.py, served from 127.0.0.1 as a reader gets it.

Beside the page, the suite adds bare.html: the reference for time to interactive. It loads the same
vendored Pyodide runtime with the same lock file and runs 1+1, nothing else, and marks itself
ready the way the widget does (data-state="ready"), so the probe times both alike.
"""

import functools
import gzip
import http.server
import itertools
import json
import os
import re
import subprocess
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Bare Pyodide</title></head>
<body data-state="loading"><p>Pyodide and 1+1, nothing else.</p>
<script src="{index_url}pyodide.js"></script>
<script>
loadPyodide({{indexURL: "{index_url}", lockFileURL: "{lock_url}"}}).then(function (pyodide) {{
  pyodide.runPython("1+1");
  document.body.setAttribute("data-state", "ready");
}});
</script></body></html>
"""

TYPES = {".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript"}


class BenchError(Exception):
    """The suite could not measure something; the message says what and why."""


def build_site(out, root=ROOT, env=None):
    """Build the site into out with the real build.py, in a fresh interpreter."""
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


def runtime_urls(site):
    """The runtime folder and lock file the page uses, as relative URLs."""
    index = next((site / "pyodide").glob("*/pyodide.js"), None)
    locks = sorted((site / "assets").glob("pyodide-lock.*.json"))
    if index is None or len(locks) != 1:
        raise BenchError(f"{site} has no pyodide/<version>/pyodide.js or no single lock file")
    return index.parent.relative_to(site).as_posix() + "/", locks[0].relative_to(site).as_posix()


def add_bare_page(site):
    """Write bare.html beside the page; return its name."""
    index_url, lock_url = runtime_urls(site)
    (site / "bare.html").write_text(BARE_PAGE.format(index_url=index_url, lock_url=lock_url))
    return "bare.html"


def widget_config(site):
    """The widget's settings as the page has them: the JSON of its data-config."""

    class Finder(HTMLParser):
        config = None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if attrs.get("data-widget") == "policy-gradient":
                Finder.config = attrs.get("data-config")

    Finder().feed((site / "index.html").read_text(encoding="utf-8"))
    if Finder.config is None:
        raise BenchError(f"{site / 'index.html'} has no [data-widget] with data-config")
    return json.loads(Finder.config)


class Server:
    """Serve a folder on 127.0.0.1 (a free port) and log each file it sends, with its size."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.sent = []  # (path, bytes) of every file served since the last clear
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}

            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(server.folder), **kwargs)

            def send_head(self):
                stream = super().send_head()
                if stream is not None and hasattr(stream, "fileno"):
                    path = self.path.split("?")[0].split("#")[0]
                    server.sent.append((path, os.fstat(stream.fileno()).st_size))
                return stream

            def log_message(self, format, *args):  # noqa: A002 (http.server's signature)
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path=""):
        return f"http://127.0.0.1:{self.httpd.server_port}/{path}"


def weigh(sent, folder):
    """Bytes of the files sent, raw and gzipped (level 6, as web servers do), by owner.

    The owner is "runtime" for the vendored Pyodide files and "ours" for everything else the page
    loads (HTML, CSS, JS, wheel, lock). HTTP headers are not counted.
    """
    totals = dict.fromkeys(itertools.product(("runtime", "ours"), ("raw", "gzip")), 0)
    for path, size in sent:
        owner = "runtime" if re.match(r"^/pyodide/", path) else "ours"
        file = Path(folder) / (path.lstrip("/") or "index.html")
        if file.is_dir():
            file = file / "index.html"
        totals[owner, "raw"] += size
        totals[owner, "gzip"] += gzip_size(file)
    return totals


@functools.cache
def gzip_size(file):
    """Size of a file gzipped at level 6 (cached: the runtime alone takes a second)."""
    return len(gzip.compress(Path(file).read_bytes(), compresslevel=6, mtime=0))
