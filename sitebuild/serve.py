"""`build.py --serve`: build, serve the site on 127.0.0.1, rebuild and reload the page on edits.

Stdlib only: the sources are polled for changed mtimes, the page polls a small endpoint for the
build number and reloads when it changes (livereload.js, added to the page only in this mode).
While the last build failed, the page is replaced by the error; the server keeps running. The
HTTP side (httpd.py) serves from a bounded pool and closes idle connections.
"""

import html
import http.server
import importlib
import sys
import threading
import time
import traceback
from functools import partial
from pathlib import Path

from . import BuildError, describe_failure
from .httpd import REQUEST_SECONDS, PooledHTTPServer

WATCHED = ("content", "site_templates", "pgcore", "pyproject.toml", "README.md")
POLL_SECONDS = 0.25
LIVE_RELOAD_JS = Path(__file__).with_name("livereload.js")
ENDPOINT = "/__pgsite/"
IMMUTABLE = ("/assets/", "/pyodide/")  # content-hashed names, and the pinned runtime's version
TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".wasm": "application/wasm",
    ".json": "application/json",
    ".whl": "application/zip",
    ".zip": "application/zip",
}


class BuildState:
    """The number of the latest build and its error message, if it failed."""

    def __init__(self):
        self.number, self.error = 0, None


def serve(rebuild, root, out, port, report, debug=False):
    """Build, then serve out on 127.0.0.1:port and rebuild on every change until interrupted."""
    state = BuildState()
    run_build(rebuild, state, report, debug)
    handler = partial(DevHandler, state, directory=str(out))
    try:
        server = PooledHTTPServer(("127.0.0.1", port), handler)
    except OSError as error:
        print(
            f"build.py: error: cannot serve on 127.0.0.1:{port}: {error.strerror}; "
            "try another --port",
            file=sys.stderr,
        )
        return 1
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"build.py: serving http://127.0.0.1:{server.server_port}/ (Ctrl-C to stop)", flush=True)
    try:
        seen = snapshot(root)
        while True:
            time.sleep(POLL_SECONDS)
            now = snapshot(root)
            if now != seen:
                seen = now
                run_build(rebuild, state, report, debug)
    except KeyboardInterrupt:
        print("build.py: stopped")
    finally:
        server.shutdown()
        server.server_close()
    return 0


def run_build(rebuild, state, report, debug=False):
    """Rebuild with a freshly imported pgcore; record and print the outcome."""
    for name in [name for name in sys.modules if name.split(".")[0] == "pgcore"]:
        del sys.modules[name]
    importlib.invalidate_caches()
    started = time.perf_counter()
    try:
        rebuild()
        state.error = None
        print(f"build.py: built in {(time.perf_counter() - started) * 1000:.0f} ms", flush=True)
    except BuildError as error:
        state.error = report(error)
        print(state.error, file=sys.stderr, flush=True)
    except Exception as error:  # a bug in pgcore or the build must not stop the server either
        if debug:
            traceback.print_exc()
        state.error = describe_failure(error)
        print(state.error, file=sys.stderr, flush=True)
    state.number += 1


def snapshot(root):
    """Return {file: (mtime, size)} of the watched sources."""
    files = {}
    for name in WATCHED:
        path = root / name
        for file in [path] if path.is_file() else path.rglob("*"):
            if file.is_file() and "__pycache__" not in file.parts:
                stat = file.stat()
                files[file] = (stat.st_mtime_ns, stat.st_size)
    return files


class DevHandler(http.server.SimpleHTTPRequestHandler):
    """Serve the site without caching, plus the build number, livereload.js and the error page."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}
    timeout = REQUEST_SECONDS  # a request that stalls half-way frees its worker

    def __init__(self, state, *args, **kwargs):
        self.state = state
        super().__init__(*args, **kwargs)

    def do_GET(self):  # noqa: N802 (http.server's name)
        """Answer the dev endpoints and, after a failed build, the page with the error."""
        path = self.path.split("?")[0]
        if path == ENDPOINT + "build":
            self.respond(str(self.state.number).encode(), "text/plain")
        elif path == ENDPOINT + "livereload.js":
            self.respond(LIVE_RELOAD_JS.read_bytes(), "text/javascript")
        elif self.state.error and path in ("/", "/index.html"):
            # 200, not 500: it is a page for the author, and it must not count as a load failure
            self.respond(error_page(self.state.error).encode(), "text/html; charset=utf-8")
        else:
            super().do_GET()

    def respond(self, body, content_type):
        """Send a complete 200 response."""
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def end_headers(self):
        """Let the browser keep hashed and versioned files; fetch everything else afresh."""
        immutable = self.path.startswith(IMMUTABLE) and self.state.error is None
        self.send_header(
            "Cache-Control", "max-age=31536000, immutable" if immutable else "no-store"
        )
        super().end_headers()

    def log_message(self, format, *args):  # noqa: A002 (http.server's signature)
        """Stay quiet: the terminal is for build results."""


def error_page(message):
    """Return the page shown instead of the site while the last build failed."""
    return (
        '<!doctype html><html lang="en"><meta charset="utf-8"><title>Build error</title>'
        '<link rel="icon" href="data:,">'  # no favicon request, no 404 in the console
        "<h1>The build failed</h1><p>Fix the source and save; this page reloads.</p>"
        f"<pre>{html.escape(message)}</pre>"
        f'<script src="{ENDPOINT}livereload.js"></script></html>\n'
    )
