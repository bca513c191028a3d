"""The dev server's HTTP plumbing: a deep listen backlog, a bounded pool, idle connections parked.

http.server's ThreadingHTTPServer starts a thread per connection, which then waits, forever, for
a request that an idle client never sends; and its listen backlog of 5 makes a burst of parallel
requests wait for the kernel's retries. Here an accepted connection waits in a selector (no
thread) until it has bytes to read, then a worker of a fixed pool serves it; a connection that
stays silent for IDLE_SECONDS is closed, and a request that stalls half-way times out after
REQUEST_SECONDS (the handler's timeout).
"""

import http.server
import selectors
import socket
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

WORKERS = 8
BACKLOG = 512  # the kernel caps it at net.core.somaxconn
IDLE_SECONDS = 15.0
REQUEST_SECONDS = 15.0


class PooledHTTPServer(http.server.HTTPServer):
    """An HTTP server that serves from a bounded pool and parks idle connections in a selector."""

    request_queue_size = BACKLOG

    def __init__(self, address, handler, workers=WORKERS, idle_seconds=IDLE_SECONDS):
        self.idle_seconds = idle_seconds
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pgsite-http")
        self.parked = selectors.DefaultSelector()
        self.deadlines = {}  # parked connection -> when it is closed unless it speaks
        self.lock = threading.Lock()
        self.wake_reader, self.wake_writer = socket.socketpair()
        self.parked.register(self.wake_reader, selectors.EVENT_READ)
        self.stopping = False
        self.watcher = threading.Thread(target=self._watch, name="pgsite-idle", daemon=True)
        self.watcher.start()
        # Last: if the address is taken, this calls server_close, which needs all of the above.
        super().__init__(address, handler)

    def process_request(self, request, client_address):
        """Park a new connection until it has a request to read (called by serve_forever)."""
        with self.lock:
            self.deadlines[request] = time.monotonic() + self.idle_seconds
            self.parked.register(request, selectors.EVENT_READ, client_address)
        self.wake_writer.send(b"\0")

    def _watch(self):
        """Hand connections that speak to the pool; close those silent for too long."""
        while not self.stopping:
            events = self.parked.select(timeout=1.0)
            with self.lock:
                for key, _ in events:
                    if key.fileobj is self.wake_reader:
                        self.wake_reader.recv(4096)
                        continue
                    self.parked.unregister(key.fileobj)
                    del self.deadlines[key.fileobj]
                    self.pool.submit(self._serve, key.fileobj, key.data)
                now = time.monotonic()
                for request in [r for r, due in self.deadlines.items() if due < now]:
                    self.parked.unregister(request)
                    del self.deadlines[request]
                    self.shutdown_request(request)

    def _serve(self, request, client_address):
        """Serve one connection in a worker of the pool."""
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)

    def handle_error(self, request, client_address):
        """Say in one line that a request failed (a client hanging up is no error)."""
        error = sys.exc_info()[1]
        if not isinstance(error, OSError):
            print(f"build.py: a request failed: {type(error).__name__}: {error}", file=sys.stderr)

    def server_close(self):
        """Stop the watcher and the pool, and close every parked connection."""
        self.stopping = True
        self.wake_writer.send(b"\0")
        self.watcher.join(timeout=5)
        super().server_close()
        self.pool.shutdown(wait=False, cancel_futures=True)
        with self.lock:
            for request in list(self.deadlines):
                self.parked.unregister(request)
                self.shutdown_request(request)
            self.deadlines.clear()
        self.parked.close()
        self.wake_reader.close()
        self.wake_writer.close()
