"""`build.py --serve`: build in memory, serve on 127.0.0.1, and update the open page on every edit.

Nothing is written: the dev server answers from the last build's files, held in memory, and adds
its live-reload script to each page as it serves it (the pages are rendered with a policy that
lets them reach this server, and only here). The sources are polled for changed mtimes; the page
waits on a long poll (/__pgsite/wait) for the next build. If only its prose changed, it swaps the
new prose in and keeps its figures, their DOM and their worker (the figures keep training);
if anything else changed (pgcore, a template, an asset, a figure's settings), it reloads.
While the last build failed, every page is replaced by the error; the server keeps running.
The HTTP side (httpd.py) serves from a bounded pool and closes idle connections.
"""

import hashlib
import html
import http.server
import importlib
import json
import mimetypes
import sys
import threading
import time
import traceback
from functools import partial
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from . import BuildError, describe_failure
from .httpd import REQUEST_SECONDS, PooledHTTPServer
from .series import page_path
from .write import read_content

WATCHED = ("content", "site_templates", "pgcore", "pyproject.toml", "README.md")
POLL_SECONDS = 0.05  # a stat of the watched files takes well under a millisecond
WAIT_SECONDS = 10.0  # a long poll answers at the next build or after this long
LIVE_RELOAD_JS = Path(__file__).with_name("livereload.js")
ENDPOINT = "/__pgsite/"
IMMUTABLE = ("assets/", "social/", "media/")  # content-hashed names
TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".wasm": "application/wasm",
    ".json": "application/json",
    ".whl": "application/zip",
    ".zip": "application/zip",
    ".xml": "application/xml",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}


class BuildState:
    """The latest build: its number, its files and each page's shape, or its error message."""

    def __init__(self):
        self.number, self.error, self.files, self.shapes = 0, None, {}, {}
        self.changed = threading.Condition()

    def publish(self, files=None, shapes=None, error=None):
        """Make a build's outcome the one served, and wake the pages waiting for it."""
        with self.changed:
            if error is None:
                self.files, self.shapes = files, shapes
            self.error = error
            self.number += 1
            self.changed.notify_all()

    def wait(self, after, seconds):
        """Wait until the build number is no longer `after` (or seconds pass); return it."""
        with self.changed:
            self.changed.wait_for(lambda: self.number != after, timeout=seconds)
            return self.number


def serve(make, root, port, report, debug=False):
    """Build with make() -> (sources, files), serve on 127.0.0.1:port, rebuild on every change."""
    state = BuildState()
    run_build(make, state, report, root, debug, fresh_pgcore=False)
    try:
        server = PooledHTTPServer(("127.0.0.1", port), partial(DevHandler, state))
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
                edited = {
                    file for file in now.keys() | seen.keys() if now.get(file) != seen.get(file)
                }
                seen = now
                pgcore = any((root / "pgcore") in file.parents for file in edited)
                run_build(make, state, report, root, debug, fresh_pgcore=pgcore)
    except KeyboardInterrupt:
        print("build.py: stopped")
    finally:
        server.shutdown()
        server.server_close()
    return 0


def run_build(make, state, report, root, debug=False, fresh_pgcore=True):
    """Rebuild (with pgcore imported afresh if it changed); publish and print the outcome."""
    if fresh_pgcore:
        for name in [name for name in sys.modules if name.split(".")[0] == "pgcore"]:
            del sys.modules[name]
        importlib.invalidate_caches()
    started = time.perf_counter()
    try:
        sources, files = make()
        state.publish(files, page_shapes(sources, files))
        print(f"build.py: built in {(time.perf_counter() - started) * 1000:.0f} ms", flush=True)
    except BuildError as error:
        state.publish(error=report(error, root))
        print(state.error, file=sys.stderr, flush=True)
    except Exception as error:  # a bug in pgcore or the build must not stop the server either
        if debug:
            traceback.print_exc()
        state.publish(error=describe_failure(error))
        print(state.error, file=sys.stderr, flush=True)


def page_shapes(sources, files):
    """Return {page: digest of everything but its prose}: the page reloads when it changes.

    What is not prose: the site's scripts, styles and runtime (their hashed names), the templates,
    and the page's figures (kind, id and settings).
    """
    common = hashlib.sha256()
    for name in sorted(files):
        if name.startswith("assets/"):
            common.update(name.encode() + b"\0")
    for template in sorted(Path(sources.templates.loader.searchpath[0]).rglob("*.html")):
        common.update(template.read_bytes() + b"\0")
    figures = {
        page_path(article.slug, sources.home): [
            [block.kind, block.id, block.settings.to_json_dict()] for block in article.figures
        ]
        for article in sources.articles
    }
    return {
        name: hashlib.sha256(
            common.digest() + json.dumps(figures.get(name, []), sort_keys=True).encode()
        ).hexdigest()[:16]
        for name in files
        if name.endswith(".html")
    }


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


class DevHandler(http.server.BaseHTTPRequestHandler):
    """Serve the last build from memory, with live reload; its error page while it failed."""

    timeout = REQUEST_SECONDS  # a request that stalls half-way frees its worker

    def __init__(self, state, *args, **kwargs):
        self.state = state
        super().__init__(*args, **kwargs)

    def do_GET(self):  # noqa: N802 (http.server's name)
        """Answer the dev endpoints, the site's files, or the error page."""
        self.answer(body=True)

    def do_HEAD(self):  # noqa: N802 (http.server's name)
        """Answer as GET would, without the body."""
        self.answer(body=False)

    def answer(self, body):
        """Find what the request asks for and send it."""
        url = urlsplit(self.path)
        if url.path == ENDPOINT + "livereload.js":
            return self.respond(LIVE_RELOAD_JS.read_bytes(), "text/javascript", body)
        if url.path == ENDPOINT + "wait":
            return self.respond(self.waited(parse_qs(url.query)), "application/json", body)
        name = site_path(url.path)
        number, error, files = self.state.number, self.state.error, self.state.files
        page = name.endswith(".html")
        if error and (page or name not in files):
            # 200, not 500: it is a page for the author, and it must not count as a load failure
            return self.respond(error_page(error, number).encode(), TYPES[".html"], body)
        if name not in files:
            return self.send_error(404, "Not in the site")
        data = read_content(files[name])
        if page:
            shape = self.state.shapes.get(name, "")
            data = with_live_reload(data, number, shape)
        suffix = Path(name).suffix
        kind = TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
        immutable = name.startswith(IMMUTABLE)
        return self.respond(data, kind, body, immutable)

    def waited(self, query):
        """Wait for a build after the page's; say its number, shape and whether it failed."""
        after = int((query.get("after") or ["0"])[0])
        page = site_path((query.get("page") or ["/"])[0])
        number = self.state.wait(after, WAIT_SECONDS)
        answer = {"build": number, "error": self.state.error is not None}
        answer["shape"] = self.state.shapes.get(page, "")
        return json.dumps(answer).encode()

    def respond(self, data, content_type, body=True, immutable=False):
        """Send a complete 200 response."""
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        cache = "max-age=31536000, immutable" if immutable else "no-store"
        self.send_header("Cache-Control", cache)
        self.end_headers()
        if body:
            self.wfile.write(data)

    def log_message(self, format, *args):  # noqa: A002 (http.server's signature)
        """Stay quiet: the terminal is for build results."""


def site_path(path):
    """Return the site's file for a URL path: / and folders mean their index.html."""
    name = unquote(path).lstrip("/")
    return name + "index.html" if name == "" or name.endswith("/") else name


def with_live_reload(page, number, shape):
    """Add the live-reload script, told the page's build and shape, before </body>."""
    tag = (
        f'<script src="{ENDPOINT}livereload.js" data-build="{number}" data-shape="{shape}" '
        "defer></script>\n"
    ).encode()
    return page.replace(b"</body>", tag + b"</body>", 1)


def error_page(message, number):
    """Return the page shown instead of the site while the last build failed."""
    return (
        '<!doctype html><html lang="en"><meta charset="utf-8"><title>Build error</title>'
        '<link rel="icon" href="data:,">'  # no favicon request, no 404 in the console
        "<h1>The build failed</h1><p>Fix the source and save; this page reloads.</p>"
        f"<pre>{html.escape(message)}</pre>"
        f'<script src="{ENDPOINT}livereload.js" data-build="{number}" data-shape=""></script>'
        "</html>\n"
    )
