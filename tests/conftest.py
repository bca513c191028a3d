"""Shared fixtures: the built site, a server for it, a real Chromium and strict pages.

    runtime_dir   the pinned Pyodide runtime, verified, in the build's cache (also exported as
                  $PGSITE_PYODIDE_DIR for tests that run Pyodide under Node)
    site          the "explainer" fixture (tests/fixtures/explainer: an article with the
                  explainer's figure and every part of a page) built once into a temporary dist/
    server_url    that site served over http by http.server on a free port ("http://.../")
    figures_site  the "figures" fixture: several figures of several kinds on one page
    series_site   the "series" fixture: five articles in volume order, a contents page, a feed
    browser       Debian's Chromium driven by Playwright (never a downloaded browser)
    page          a fresh page that fails the test on any console error or uncaught page error
    console_errors  the list the page fixture collects them in (read it, or clear expected ones)

Readiness is always an explicit signal from the page (data-state), never a sleep.
"""

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from devtools import project as projects
from devtools.chromium import CHROMIUM, CHROMIUM_ARGS, launch
from devtools.project import ROOT, build_site
from devtools.serving import serving
from sitebuild import BuildError
from sitebuild.runtime import cache_dir, ensure_runtime

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "ROOT", "build_site", "copy_project", "serving"]

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

READY = '[data-widget][data-state="ready"], [data-widget][data-state="error"]'
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The tests' own article (the real one in content/ may change at any time).
FIXTURE_CONTENT = FIXTURES / "explainer" / "content"


def copy_project(root, fixture="explainer"):
    """Copy the project's code to root with a fixture's content (tests/fixtures/<fixture>/).

    Tests never read the real content/: an author may change it at will.
    """
    return projects.copy_project(root, FIXTURES / fixture / "content")


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
def code_site(tmp_path_factory, runtime_dir):
    """The code fixture (a gridworld and the code figure that drives it) built once."""
    return built_fixture(tmp_path_factory, "code")


@pytest.fixture(scope="session")
def code_url(code_site):
    """The code fixture served over http."""
    with serving(code_site) as url:
        yield url


@pytest.fixture(scope="session")
def series_site(tmp_path_factory, runtime_dir):
    """The series fixture (five articles, a base URL) built once."""
    return built_fixture(tmp_path_factory, "series")


@pytest.fixture(scope="session")
def series_url(series_site):
    """The series fixture served over http."""
    with serving(series_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, for the whole session."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = launch(playwright.chromium)
    except FileNotFoundError as error:
        playwright.stop()
        pytest.fail(f"{error} (./dev test does)")
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
