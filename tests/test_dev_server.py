"""The dev server under load (issue 9): a bounded pool, idle connections parked, a deep backlog.

The server is build.py --serve's own (PooledHTTPServer with the DevHandler) on a free port, in
this process, so its threads can be counted. Assertions are on counts and errors, never on
times: how fast the 200 requests are answered is the benchmark's business.
"""

import http.client
import resource
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import pytest

from sitebuild.httpd import WORKERS, PooledHTTPServer
from sitebuild.serve import BuildState, DevHandler

IDLE = 1000
PARALLEL = 200


@pytest.fixture
def dev_server():
    """Start a dev server on a tiny site; yield (server, port)."""

    def start(**options):
        state = BuildState()
        state.publish({"index.html": b"<!doctype html><p>hello</p>"}, {"index.html": "x"})
        server = PooledHTTPServer(("127.0.0.1", 0), partial(DevHandler, state), **options)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        started.append(server)
        return server, server.server_port

    started = []
    yield start
    for server in started:
        server.shutdown()
        server.server_close()


def get(port, path="/index.html"):
    """GET a path; return (status, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_for(condition, seconds=30):
    """Poll condition until it holds (or the time runs out); return its last value."""
    deadline = time.monotonic() + seconds
    while not (value := condition()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return value


def test_two_hundred_parallel_requests_are_all_answered(dev_server):
    _, port = dev_server()
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        results = list(pool.map(lambda _: get(port), range(PARALLEL)))
    assert [status for status, _ in results] == [200] * PARALLEL
    assert all(body.endswith(b"<p>hello</p>") for _, body in results)


def test_a_thousand_idle_connections_take_no_threads_and_block_no_one(dev_server):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 3 * IDLE:  # both ends of every connection live in this process
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4 * IDLE), hard))
    server, port = dev_server()
    threads_before = threading.active_count()
    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(IDLE)]
    try:
        assert wait_for(lambda: len(server.deadlines) == IDLE), len(server.deadlines)
        status, _ = get(port)
        assert status == 200
        assert threading.active_count() - threads_before <= WORKERS
    finally:
        for connection in idle:
            connection.close()


def test_a_silent_connection_is_closed_after_the_idle_timeout(dev_server):
    server, port = dev_server(idle_seconds=0.5)
    silent = socket.create_connection(("127.0.0.1", port))
    silent.settimeout(30)
    try:
        assert silent.recv(1) == b""  # the server hung up
        assert wait_for(lambda: not server.deadlines)
    finally:
        silent.close()


def test_a_request_that_stalls_half_way_frees_its_worker(dev_server, monkeypatch):
    monkeypatch.setattr(DevHandler, "timeout", 0.5)
    _, port = dev_server(workers=1)
    stalled = socket.create_connection(("127.0.0.1", port))
    stalled.settimeout(30)
    try:
        stalled.sendall(b"GET /index.html HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
        status, _ = get(port)  # the only worker must come free for this one
        assert status == 200
        assert stalled.recv(1) == b""
    finally:
        stalled.close()
