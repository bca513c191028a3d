"""Serve a built site on 127.0.0.1 with the content types the runtime needs."""

import contextlib
import functools
import http.server
import threading

CONTENT_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".wasm": "application/wasm",
    ".json": "application/json",
    ".zip": "application/zip",
    ".whl": "application/zip",
}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files without logging every request."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **CONTENT_TYPES}

    def log_message(self, format, *args):  # noqa: A002 (http.server's signature)
        """Stay quiet."""


@contextlib.contextmanager
def serving(folder, handler=QuietHandler):
    """Serve folder over http on a free port of 127.0.0.1; yield its URL."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(folder))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
