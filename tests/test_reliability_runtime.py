"""When the runtime cannot be had (unreachable, missing, corrupt, altered), the page says so fast
and stays useful: data-state="error", the static figure still shown, and a message of what
happened and what to do. Nothing unverified runs: a runtime file changed by one byte, served or
from disk, is refused by its sha256 before any of it is used.

Served, requests are blocked or altered with Playwright's routing (the worker's requests too);
from disk, a copy of the site has one of its runtime packs altered.
"""

import base64
import gzip
import json
import re
import shutil

import pytest
from conftest import READY

from sitebuild.packs import make_pack
from sitebuild.runtime import PAGE_FILES

pytestmark = pytest.mark.e2e

FIGURE = '[data-widget="policy-gradient"]'
FAIL_WITHIN_MS = 20_000  # well under the loader's 90 s stall notice: each failure is caught
LOADED = "The Python runtime could not be loaded"
INSTALLED = "The figure’s Python package could not be installed"
RELOAD = "Reload the page to try again"
FROM_DISK = "Rebuild the site (python3 build.py) or serve it while you edit (./dev site)"


def pack_of(url):
    """The URL pattern of a file's pack (pgcore's wheel: its name starts with pgcore-)."""
    return f"**/assets/runtime/{url}.*.js"


def abort(route):
    """The request fails as if the network were down."""
    route.abort("connectionrefused")


def not_found(route):
    """The server has no such file."""
    route.fulfill(status=404, body="not found")


def truncated(route):
    """The pack arrives cut off half-way (a script that does not parse)."""
    response = route.fetch()
    route.fulfill(response=response, body=response.body()[: len(response.body()) // 2])


def altered_pack(text):
    """The same pack format carrying its file with one byte of the middle changed."""
    name = re.search(r'\["([^"]+)"\] = ', text).group(1)
    record = json.loads(re.search(r"\] = (\{.*\});\n$", text).group(1))
    data = bytearray(base64.b64decode(record["b64"]))
    if record["gzip"]:
        data = bytearray(gzip.decompress(bytes(data)))
    data[len(data) // 2] ^= 0x01
    return make_pack(name, bytes(data))


def altered(route):
    """The pack arrives well formed, but its file is not the pinned one (one bit flipped)."""
    response = route.fetch()
    route.fulfill(response=response, body=altered_pack(response.text()))


# case -> (URL pattern, handler, what the message says happened, what it must name)
CASES = {
    "every runtime pack unreachable": (pack_of("pyodide*"), abort, LOADED, "importScripts"),
    "pyodide.js altered": (pack_of("pyodide.js"), altered, LOADED, "pyodide.js is corrupt"),
    "pyodide.asm.mjs unreachable": (pack_of("pyodide.asm.mjs"), abort, LOADED, ""),
    "pyodide.asm.mjs altered": (
        pack_of("pyodide.asm.mjs"),
        altered,
        LOADED,
        "pyodide.asm.mjs is corrupt",
    ),
    "pyodide.asm.wasm missing": (pack_of("pyodide.asm.wasm"), not_found, LOADED, ""),
    "pyodide.asm.wasm truncated": (pack_of("pyodide.asm.wasm"), truncated, LOADED, ""),
    "pyodide.asm.wasm altered": (
        pack_of("pyodide.asm.wasm"),
        altered,
        LOADED,
        "pyodide.asm.wasm is corrupt",
    ),
    "python_stdlib.zip unreachable": (pack_of("python_stdlib.zip"), abort, LOADED, ""),
    "python_stdlib.zip altered": (
        pack_of("python_stdlib.zip"),
        altered,
        LOADED,
        "python_stdlib.zip is corrupt",
    ),
    "wheel unreachable": (pack_of("pgcore-*"), abort, INSTALLED, ""),
    "wheel altered": (pack_of("pgcore-*"), altered, INSTALLED, ".whl is corrupt"),
}


def assert_failed_usefully(page, what, advice, names=""):
    """The error state with the static figure, disabled controls and a two-part message."""
    page.wait_for_selector(READY, timeout=FAIL_WITHIN_MS)
    assert page.get_attribute(FIGURE, "data-state") == "error"
    assert page.is_visible("svg[data-pg='static']"), "the static figure must stay"
    assert not page.is_visible("[data-pg='canvas']")
    assert not page.is_visible("[data-pg='progress']")
    assert page.is_visible("[data-pg='error']")
    detail = " ".join(page.text_content("[data-pg='error-detail']").split())
    assert detail.startswith(what + " ("), detail  # what happened, then the reason
    assert names in detail, detail
    assert advice in detail, detail  # and what to do
    assert page.locator("[data-pg='train']").is_disabled()


@pytest.mark.parametrize("case", CASES)
def test_a_runtime_that_cannot_be_had_leaves_the_static_figure_and_says_why(
    page, console_errors, server_url, case
):
    pattern, handler, what, names = CASES[case]
    page.route(pattern, handler)
    page.goto(server_url)
    assert_failed_usefully(page, what, RELOAD, names)
    console_errors.clear()  # the browser's own reports of the failed or refused file


@pytest.mark.parametrize("name", [*PAGE_FILES, "pgcore-"])
def test_from_disk_every_altered_runtime_file_is_refused(
    page, console_errors, site, tmp_path, name
):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    (pack,) = (copy / "assets" / "runtime").glob(f"{name}*.js")
    pack.write_bytes(altered_pack(pack.read_text(encoding="ascii")))
    page.goto((copy / "index.html").as_uri())
    what = INSTALLED if name == "pgcore-" else LOADED
    assert_failed_usefully(page, what, FROM_DISK, "is corrupt: its sha256 is not the pinned one")
    console_errors.clear()


def test_from_disk_a_missing_runtime_file_says_what_to_do(page, console_errors, site, tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    (pack,) = (copy / "assets" / "runtime").glob("pyodide.asm.wasm.*.js")
    pack.unlink()
    page.goto((copy / "index.html").as_uri())
    assert_failed_usefully(page, LOADED, FROM_DISK, "Could not load")
    console_errors.clear()


def test_the_figure_recovers_on_reload_once_the_runtime_is_back(page, console_errors, server_url):
    page.route(pack_of("pyodide.asm.wasm"), abort)
    page.goto(server_url)
    assert_failed_usefully(page, LOADED, RELOAD)
    console_errors.clear()
    page.unroute(pack_of("pyodide.asm.wasm"))
    page.reload()
    page.wait_for_selector(READY, timeout=60_000)
    assert page.get_attribute(FIGURE, "data-state") == "ready"
