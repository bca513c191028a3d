"""Shared fixtures: the built site, a server for it, a real Chromium and strict pages.

    runtime_dir   the pinned Pyodide runtime, verified, in the build's cache (also exported as
                  $PGSITE_PYODIDE_DIR for tests that run Pyodide under Node)
    site          the "explainer" fixture (tests/fixtures/explainer: an article with the
                  explainer's figure and every part of a page) built once into a temporary dist/
    server_url    that site served over http by http.server on a free port ("http://.../")
    figures_site  the "figures" fixture: several figures of several kinds on one page
    browser       Debian's Chromium driven by Playwright (never a downloaded browser)
    page          a fresh page that fails the test on any console error or uncaught page error
    console_errors  the list the page fixture collects them in (read it, or clear expected ones)

Readiness is always an explicit signal from the page (data-state), never a sleep.
"""

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from sitebuild import BuildError
from sitebuild.runtime import cache_dir, ensure_runtime

ROOT = Path(__file__).resolve().parent.parent

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
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# What build.py reads besides the content (itself included).
CODE = ("build.py", "sitebuild", "site_templates", "pgcore", "pyproject.toml", "README.md")


def copy_project(root, fixture="explainer"):
    """Copy the project's code to root with a fixture's content (tests/fixtures/<fixture>/).

    Tests never read the real content/: an author may change it at will.
    """
    root.mkdir(parents=True, exist_ok=True)
    for name in CODE:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.is_file():
            shutil.copy2(source, root / name)
    shutil.copytree(FIXTURES / fixture / "content", root / "content")
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


def built_fixture(tmp_path_factory, fixture):
    """Build a fixture's content with a copy of the project; return its dist/."""
    root = copy_project(tmp_path_factory.mktemp(fixture), fixture)
    result = build_site(root, root / "dist")
    if result.returncode != 0:
        pytest.fail(f"the {fixture} fixture does not build:\n{result.stderr}")
    return root / "dist"


@contextlib.contextmanager
def serving(folder):
    """Serve folder over http on 127.0.0.1 (a free port); yield its URL."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site(tmp_path_factory, runtime_dir):
    """The explainer fixture built once into a temporary dist/."""
    return built_fixture(tmp_path_factory, "explainer")


@pytest.fixture(scope="session")
def server_url(site):
    """The built site served over http on 127.0.0.1 (a free port)."""
    with serving(site) as url:
        yield url


@pytest.fixture(scope="session")
def figures_site(tmp_path_factory, runtime_dir):
    """The figures fixture (several figures of several kinds) built once."""
    return built_fixture(tmp_path_factory, "figures")


@pytest.fixture(scope="session")
def figures_url(figures_site):
    """The figures fixture served over http."""
    with serving(figures_site) as url:
        yield url


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


@pytest.fixture(scope="module")
def project(tmp_path_factory, runtime_dir):
    """A copy of the project (explainer fixture) with a good dist/ built from it, per module."""
    root = copy_project(tmp_path_factory.mktemp("project"))
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
