"""The page boots its Python in a real Chromium, in a worker: over http, from disk with no network
at all, on failure, and live under the dev server.

Readiness is the figure's data-state (ready / error), never a sleep.
"""

import re
import subprocess
import sys
import threading
import time

import pytest
from conftest import READY, copy_project

from sitebuild.runtime import PAGE_FILES

pytestmark = pytest.mark.e2e

FIGURE = '[data-widget="policy-gradient"]'

# Records every state and progress text the figure shows, from before the loader runs.
RECORD_STATES = """
window.pgStates = [];
new MutationObserver(() => {
  const figure = document.querySelector('[data-widget]');
  if (!figure) return;
  const text = figure.querySelector('[data-pg="progress-text"]');
  const seen = figure.dataset.state + (text ? ': ' + text.textContent : '');
  if (window.pgStates[window.pgStates.length - 1] !== seen) window.pgStates.push(seen);
}).observe(document, {subtree: true, childList: true, attributes: true,
                      attributeFilter: ['data-state']});
"""


def requests_of(page):
    """Collect the URLs the page requests and the responses that failed."""
    seen = {"requested": [], "failed": []}
    page.on("request", lambda request: seen["requested"].append(request.url))
    page.on("requestfailed", lambda request: seen["failed"].append(request.url))
    page.on("response", lambda r: r.status >= 400 and seen["failed"].append(f"{r.status} {r.url}"))
    return seen


def state(page):
    """The figure's data-state."""
    return page.get_attribute(FIGURE, "data-state")


def test_served_over_http_the_figure_becomes_live(page, server_url):
    seen = requests_of(page)
    page.add_init_script(RECORD_STATES)
    page.goto(server_url)
    page.wait_for_selector(READY, timeout=60_000)
    assert state(page) == "ready", page.text_content('[data-pg="error"]')
    assert seen["failed"] == []
    local = [url.removeprefix(server_url) for url in seen["requested"] if url.startswith("http")]
    packs = {re.sub(r"\.[0-9a-f]{8}\.js$", "", u) for u in local if u.startswith("assets/runtime/")}
    assert {f"assets/runtime/{name}" for name in PAGE_FILES} < packs
    assert any(re.fullmatch(r"assets/runtime/pgcore-.+\.whl", u) for u in packs)
    assert all(u.startswith(server_url) or u.startswith("blob:") for u in seen["requested"])
    (worker,) = page.workers
    assert worker.url.startswith("blob:"), "the Python runs in a worker, under the page's policy"
    states = page.evaluate("window.pgStates")
    steps = [s.split(": ", 1)[1] for s in states if s.startswith("loading: ")]
    assert len(steps) == 3 and states[-1].startswith("ready"), states


def test_from_disk_with_no_network_the_figure_becomes_live(page, site):
    seen = requests_of(page)
    page.route(re.compile(r"^(https?|wss?)://"), lambda route: route.abort("internetdisconnected"))
    page.goto((site / "index.html").as_uri())
    page.wait_for_selector(READY, timeout=60_000)
    assert state(page) == "ready", page.text_content('[data-pg="error"]')
    assert seen["failed"] == []
    assert all(url.startswith(("file://", "blob:")) for url in seen["requested"]), seen
    page.click("[data-pg='step']")
    page.wait_for_function(
        "() => document.querySelector(\"[data-pg='status']\").textContent.startsWith('8 ')"
    )


class DevServer:
    """`build.py --serve --port 0` of a project copy, its output collected as it comes."""

    def __init__(self, root):
        self.lines = []
        self.process = subprocess.Popen(
            [sys.executable, str(root / "build.py"), "--serve", "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        self.url = self.wait_for(r"serving (http://\S+/)").group(1)

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern, after=0, timeout=60):
        """Wait for an output line (from line number `after` on) matching pattern."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines[after:]:
                match = re.search(pattern, line)
                if match:
                    return match
            assert self.process.poll() is None, "\n".join(self.lines)
            time.sleep(0.05)
        raise AssertionError(f"no line matching {pattern!r} in:\n" + "\n".join(self.lines))

    def stop(self):
        """Stop the server this test started."""
        self.process.terminate()
        self.process.wait(timeout=10)


def status_count(page):
    """The rollout count from the figure's status line."""
    text = page.locator("[data-pg='status']").text_content()
    return int(re.match(r"([\d,]+)", text).group(1).replace(",", ""))


def test_serve_swaps_prose_in_place_reloads_for_settings_and_shows_build_errors(
    page, tmp_path, runtime_dir
):
    root = copy_project(tmp_path / "project")
    server = DevServer(root)
    try:
        page.goto(server.url)
        page.wait_for_selector(READY, timeout=60_000)
        assert state(page) == "ready"
        article = root / "content" / "policy-gradients.md"
        text = article.read_text(encoding="utf-8")
        page.click("[data-pg='train']")  # the figure trains through the prose edits
        page.wait_for_function(
            "() => /^[1-9]/.test(document.querySelector(\"[data-pg='status']\").textContent)"
        )
        page.evaluate("window.pgMark = document.querySelector('[data-widget]')")
        (worker,) = page.workers

        # A prose edit: the page's prose is swapped in place, its figure carries on training.
        mark = len(server.lines)
        edited = text.replace('title = "', 'title = "Live ', 1).replace(
            "## Why it matters\n", "## Why it matters\n\nA paragraph written while it ran.\n", 1
        )
        article.write_text(edited, encoding="utf-8")
        server.wait_for(r"built in \d+ ms", after=mark)
        page.wait_for_function("() => document.title.startsWith('Live ')", timeout=30_000)
        page.wait_for_selector("text=A paragraph written while it ran.")
        assert page.evaluate("window.pgMark === document.querySelector('[data-widget]')")
        assert page.evaluate("document.body.contains(window.pgMark)"), "the same figure, in place"
        assert page.workers == [worker], "the same worker, never restarted"
        before = status_count(page)
        page.wait_for_function(
            f"() => parseInt(document.querySelector(\"[data-pg='status']\").textContent"
            f".replace(/,/g, '')) > {before}"
        )
        assert page.locator("[data-pg='train']").text_content() == "Pause"

        # A figure's settings: the page reloads, and its new figure starts.
        mark = len(server.lines)
        article.write_text(edited.replace("seed = 7", "seed = 8", 1), encoding="utf-8")
        server.wait_for(r"built in \d+ ms", after=mark)
        page.wait_for_function("() => window.pgMark === undefined", timeout=30_000)
        page.wait_for_selector(READY, timeout=60_000)
        assert state(page) == "ready" and '"seed":8' in page.get_attribute(FIGURE, "data-config")

        # A mistake: the terminal and the browser both show the one-line error.
        mark = len(server.lines)
        article.write_text(text.replace("gamma = ", "gamma = = ", 1), encoding="utf-8")
        server.wait_for(r"build.py: error: content/policy-gradients.md:\d+: ", after=mark)
        page.wait_for_selector("text=The build failed", timeout=30_000)
        assert "content/policy-gradients.md:" in page.text_content("pre")

        # Fixed: the page comes back, live.
        mark = len(server.lines)
        article.write_text(text, encoding="utf-8")
        server.wait_for(r"built in \d+ ms", after=mark)
        page.wait_for_selector(READY, timeout=60_000)
        assert state(page) == "ready"
        assert not (root / "dist").exists(), "--serve writes no folder"
    finally:
        page.goto("about:blank")  # stop livereload's polling before its server goes
        server.stop()
