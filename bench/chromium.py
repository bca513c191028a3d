"""Headless Chromium for the suite: Debian's Chromium with the machine's flags (devtools.chromium).

Every visit gets a fresh browser context, so no HTTP cache, compiled wasm or storage carries over
from one visit to the next: each load is a reader's first visit. The main thread is watched by
bench/probe.js, the figures' worker by devtools/worker_probe.js.
"""

import re
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from devtools.chromium import launch
from devtools.worker_probe import probe_workers_first

from .site import BenchError

# performance.memory, exact rather than bucketed.
EXTRA_ARGS = ["--enable-precise-memory-info"]
VIEWPORT = {"width": 1280, "height": 900}
PROBE = (Path(__file__).with_name("probe.js")).read_text(encoding="utf-8")
READY_TIMEOUT_MS = 120_000
POLL_MS = 20  # never poll with requestAnimationFrame: the probe counts every frame callback
OUTSIDE = re.compile(r"^(https?|wss?)://")


@contextmanager
def chromium():
    """Launch the browser; yield it; close it."""
    with sync_playwright() as playwright:
        try:
            browser = launch(playwright.chromium, EXTRA_ARGS)
        except (FileNotFoundError, PlaywrightError) as error:
            raise BenchError(f"cannot start Chromium: {error}") from None
        try:
            yield browser
        finally:
            browser.close()


class Visit:
    """One page in a fresh context, with the probes installed and page errors collected.

    offline: refuse every request that is not to a file (a page opened from disk).
    watch_worker: install the worker probe in the page's workers (the page's own worker; the
    bare pages time their boot themselves).
    """

    def __init__(self, browser, url, offline=False, watch_worker=True):
        self.context = browser.new_context(viewport=VIEWPORT)
        self.page = self.context.new_page()
        self.errors = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", self._on_console)
        self.page.on("response", self._on_response)
        self.page.add_init_script(PROBE)
        if watch_worker:
            probe_workers_first(self.page)
        if offline:
            self.page.route(OUTSIDE, lambda route: route.abort("internetdisconnected"))
        self.url = url

    def _on_console(self, message):
        # A failed load is reported (with its URL) by _on_response.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(message.text)

    def _on_response(self, response):
        # The browser asks for /favicon.ico on its own; the bare pages have no icon link.
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self.errors.append(f"HTTP {response.status} for {response.url}")

    def __enter__(self):
        self.page.goto(self.url, wait_until="commit")
        return self

    def __exit__(self, *exc):
        self.context.close()

    def probe(self, expression, arg=None):
        """Evaluate a JS function body with `bench` bound to the probe's record."""
        return self.page.evaluate(
            f"(arg) => {{ const bench = window.__pgBench; {expression} }}", arg
        )

    def wait_ready(self):
        """Wait until every figure is ready; return when the last became so (ms from navigation).

        A figure in data-state="error" ends the suite with what the page said.
        """
        try:
            self.page.wait_for_function(
                "() => window.__pgBench.ready() !== null", timeout=READY_TIMEOUT_MS, polling=POLL_MS
            )
        except PlaywrightError as error:
            raise BenchError(f"{self.url} did not become ready: {error}; {self.errors}") from None
        ready = self.probe("return bench.ready();")
        if ready == "error" or self.errors:
            raise BenchError(f"{self.url} failed to start: {self.errors}")
        return ready

    def first_paint(self):
        """(first contentful paint in ms, whether every figure was ready by then)."""
        return self.probe(
            "const fcp = performance.getEntriesByName('first-contentful-paint')[0];"
            "if (!fcp) return [null, null];"
            "const ready = bench.ready();"
            "return [fcp.startTime, typeof ready === 'number' && ready <= fcp.startTime];"
        )

    def long_tasks(self):
        """[(start, duration)] of every long task so far; None if Chromium does not report them."""
        return self.probe("return bench.longTasks;")

    def wait(self, seconds):
        """Let the page run for a while (its timers and worker keep running meanwhile)."""
        self.page.wait_for_timeout(seconds * 1000)

    def check(self):
        """Raise if the page reported an error since it loaded."""
        if self.errors:
            raise BenchError(f"{self.url} reported errors: {self.errors}")


def status_count(text):
    """The count at the start of a status line, e.g. "1,234 rollouts · ..." -> 1234."""
    match = re.match(r"\s*([\d,]+)\s", text or "")
    if match is None:
        raise BenchError(f"the status line does not start with a count: {text!r}")
    return int(match.group(1).replace(",", ""))
