"""Headless Chromium for the suite: Debian's /usr/bin/chromium driven by Playwright.

Every run gets a fresh browser context, so no HTTP cache, compiled wasm or storage carries over
from one run to the next: each load is a reader's first visit.
"""

import re
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from tests.conftest import CHROMIUM, CHROMIUM_ARGS

from .site import BenchError

EXECUTABLE = CHROMIUM
# The test suite's flags for Debian's Chromium on these machines, plus exact memory figures.
ARGS = [*CHROMIUM_ARGS, "--enable-precise-memory-info"]  # performance.memory, not bucketed
VIEWPORT = {"width": 1280, "height": 900}
PROBE = (Path(__file__).with_name("probe.js")).read_text(encoding="utf-8")
READY_TIMEOUT_MS = 120_000
POLL_MS = 100  # never poll with requestAnimationFrame: the probe counts every frame callback


@contextmanager
def chromium():
    """Launch the browser; yield it; close it."""
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=EXECUTABLE, args=ARGS)
        except PlaywrightError as error:
            raise BenchError(f"cannot start {EXECUTABLE}: {error}") from None
        try:
            yield browser
        finally:
            browser.close()


class Visit:
    """One page in a fresh context, with the probe installed and page errors collected."""

    def __init__(self, browser, url):
        self.context = browser.new_context(viewport=VIEWPORT)
        self.page = self.context.new_page()
        self.errors = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", self._on_console)
        self.page.on("response", self._on_response)
        self.page.add_init_script(PROBE)
        self.url = url

    def _on_console(self, message):
        # A failed load is reported (with its URL) by _on_response.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(message.text)

    def _on_response(self, response):
        # The browser asks for /favicon.ico on its own; the bare page has no icon link.
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self.errors.append(f"HTTP {response.status} for {response.url}")

    def __enter__(self):
        self.page.goto(self.url, wait_until="commit")
        return self

    def __exit__(self, *exc):
        self.context.close()

    def probe(self, expression, arg=None):
        """Evaluate a JS expression with `bench` bound to the probe's record."""
        return self.page.evaluate(
            f"(arg) => {{ const bench = window.__pgBench; {expression} }}", arg
        )

    def wait_ready(self):
        """Wait for data-state="ready" (or "error", which ends the suite); return its time in ms."""
        try:
            self.page.wait_for_function(
                "() => (window.__pgBench.states.find(([, s]) => s === 'ready' || s === 'error')"
                " || [])[1]",
                timeout=READY_TIMEOUT_MS,
                polling=POLL_MS,
            )
        except PlaywrightError as error:
            raise BenchError(f"{self.url} did not become ready: {error}; {self.errors}") from None
        time, state = self.probe(
            "return bench.states.find(([, s]) => s === 'ready' || s === 'error');"
        )
        if state == "error" or self.errors:
            raise BenchError(f"{self.url} failed to start: {self.errors}")
        return time

    def first_paint(self):
        """(first contentful paint in ms, the data-state at that moment)."""
        return self.probe(
            "const fcp = performance.getEntriesByName('first-contentful-paint')[0];"
            "if (!fcp) return [null, null];"
            "const before = bench.states.filter(([t]) => t <= fcp.startTime);"
            "return [fcp.startTime, before.length ? before[before.length - 1][1] : 'static'];"
        )

    def wait(self, seconds):
        """Let the page run for a while (timers keep firing in the page meanwhile)."""
        self.page.wait_for_timeout(seconds * 1000)

    def check(self):
        """Raise if the page reported an error since it loaded."""
        if self.errors:
            raise BenchError(f"{self.url} reported errors: {self.errors}")


def status_count(text):
    """The rollout count at the start of the status line, e.g. "1,234 rollouts · ..." -> 1234."""
    match = re.match(r"\s*([\d,]+)\s", text or "")
    if match is None:
        raise BenchError(f"the status line does not start with a count: {text!r}")
    return int(match.group(1).replace(",", ""))
