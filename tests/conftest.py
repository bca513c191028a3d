"""Shared fixtures: the built site, a server for it, a real Chromium and strict pages.

    runtime_dir   the pinned Pyodide runtime, verified, in the build's cache (also exported as
                  $PGSITE_PYODIDE_DIR for tests that run Pyodide under Node)
    site          the real content built once per session into a temporary dist/
    server_url    that site served over http by http.server on a free port ("http://.../")
    browser       Debian's Chromium driven by Playwright (never a downloaded browser)
    page          a fresh page that fails the test on any console error or uncaught page error
    console_errors  the list the page fixture collects them in (read it, or clear expected ones)
    route_cdn     route_cdn(page) answers the runtime's CDN URLs from runtime_dir, as jsDelivr
                  would (CORS headers included), so file:// pages run without the internet

Readiness is always an explicit signal from the page (data-state), never a sleep.
"""

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import settings

from sitebuild import BuildError
from sitebuild.runtime import cache_dir, ensure_runtime, read_runtime_pins

ROOT = Path(__file__).resolve().parent.parent

# Hypothesis: under CI the same examples every run (derandomized: a red CI is reproducible and
# never a fluke of the draw); locally a fresh random draw; HYPOTHESIS_PROFILE=long for a long
# random search. Tests that set max_examples themselves keep their own number.
settings.register_profile("ci", max_examples=300, derandomize=True, database=None, deadline=None)
settings.register_profile("dev", max_examples=300, deadline=None)
settings.register_profile("long", max_examples=5000, deadline=None)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE")
    or ("ci" if os.environ.get("CI", "").lower() in ("1", "true", "yes") else "dev")
)
# The tests' own article (the real one in content/ may change at any time).
FIXTURE_CONTENT = Path(__file__).resolve().parent / "fixtures" / "site" / "content"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
CONTENT_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".wasm": "application/wasm",
    ".json": "application/json",
    ".zip": "application/zip",
    ".whl": "application/zip",
}
READY = '[data-widget][data-state="ready"], [data-widget][data-state="error"]'
PROJECT = (
    "build.py",
    "sitebuild",
    "content",
    "site_templates",
    "pgcore",
    "pyproject.toml",
    "README.md",
)


def copy_project(root, content=None):
    """Copy what build.py reads (itself included) to root, for tests that edit or serve it.

    content: a folder to use as content/ instead of the project's own.
    """
    root.mkdir(parents=True, exist_ok=True)
    for name in PROJECT:
        source = ROOT / name
        if name == "content" and content is not None:
            source = Path(content)
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.is_file():
            shutil.copy2(source, root / name)
    return root


def build_site(root, out, env=None):
    """Run build.py of the project at root into out; return the CompletedProcess."""
    return subprocess.run(
        [sys.executable, str(root / "build.py"), "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files with the content types the runtime needs, without logging every request."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **CONTENT_TYPES}

    def log_message(self, format, *args):  # noqa: A002 (http.server's signature)
        """Stay quiet."""


@pytest.fixture(scope="session")
def runtime_dir():
    """The verified runtime folder in the build's cache."""
    runtime = ensure_runtime(ROOT / "pyproject.toml", cache_dir())
    os.environ.setdefault("PGSITE_PYODIDE_DIR", str(runtime.folder))
    return runtime.folder


@pytest.fixture(scope="session", autouse=True)
def export_runtime_dir():
    """Set $PGSITE_PYODIDE_DIR for tests that run Pyodide themselves (unless already set)."""
    try:
        folder = ensure_runtime(ROOT / "pyproject.toml", cache_dir()).folder
    except BuildError:
        return  # the runtime_dir fixture reports it to the tests that need the runtime
    os.environ.setdefault("PGSITE_PYODIDE_DIR", str(folder))


@pytest.fixture(scope="session")
def site(tmp_path_factory, runtime_dir):
    """The real content built once into a temporary dist/."""
    out = tmp_path_factory.mktemp("site") / "dist"
    result = build_site(ROOT, out)
    if result.returncode != 0:
        pytest.fail(f"the site does not build:\n{result.stderr}")
    return out


@pytest.fixture(scope="session")
def server_url(site):
    """The built site served over http on 127.0.0.1 (a free port)."""
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, for the whole session."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (./dev test does)")
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def console_errors():
    """Console errors and page errors of the test's page, as text."""
    return []


@pytest.fixture
def page(browser, console_errors):
    """A fresh page in its own context; the test fails if the page logged any error."""
    context = browser.new_context()
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and console_errors.append(f"console: {m.text}"))
    page.on("pageerror", lambda error: console_errors.append(f"pageerror: {error}"))
    yield page
    context.close()
    assert console_errors == [], "the page logged errors"


@pytest.fixture(scope="session")
def route_cdn(runtime_dir):
    """Return route_cdn(page): answer the pinned CDN's runtime URLs from the cached runtime."""
    package, version, _ = read_runtime_pins(ROOT / "pyproject.toml")
    prefix = f"https://cdn.jsdelivr.net/npm/{package}@{version}/"

    def fulfil(route):
        """Serve one CDN file from the cache, with the CORS header jsDelivr sends."""
        name = route.request.url.removeprefix(prefix).split("?")[0]
        file = runtime_dir / name
        headers = {"Access-Control-Allow-Origin": "*"}
        if "/" in name or not file.is_file():
            route.fulfill(status=404, body="not in the pinned runtime", headers=headers)
            return
        headers["Content-Type"] = CONTENT_TYPES.get(file.suffix, "application/octet-stream")
        route.fulfill(status=200, body=file.read_bytes(), headers=headers)

    def route_cdn(page):
        """Route the page's requests for the pinned runtime to the cache."""
        page.route(prefix + "**", fulfil)
        return prefix

    return route_cdn


@pytest.fixture(scope="module")
def project(tmp_path_factory, runtime_dir):
    """A copy of the project, on the fixture article, with a good dist/ built from it."""
    root = copy_project(tmp_path_factory.mktemp("project"), content=FIXTURE_CONTENT)
    result = build_site(root, root / "dist")
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def broken(project, tmp_path):
    """A fresh copy of the project (dist/ hard-linked) for one case to break."""
    root = tmp_path / "project"
    shutil.copytree(project, root, ignore=shutil.ignore_patterns("dist", "__pycache__"))
    shutil.copytree(project / "dist", root / "dist", copy_function=os.link)
    return root
