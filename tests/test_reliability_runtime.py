"""When the runtime cannot be had (unreachable, missing, corrupt), the page says so fast and stays
useful: data-state="error", the static figure still shown, and a message of what happened and
what to do. Requests are blocked or altered with Playwright's routing; the served site is intact.
"""

import pytest
from conftest import READY

pytestmark = pytest.mark.e2e

FIGURE = '[data-widget="policy-gradient"]'
FAIL_WITHIN_MS = 20_000  # well under the loader's 90 s stall notice: each failure is caught


def abort(route):
    """The request fails as if the network were down."""
    route.abort("connectionrefused")


def not_found(route):
    """The server has no such file."""
    route.fulfill(status=404, body="not found")


def corrupt(route):
    """The file arrives, with 64 bytes in its middle inverted."""
    response = route.fetch()
    body = bytearray(response.body())
    middle = len(body) // 2
    body[middle : middle + 64] = bytes(b ^ 0xFF for b in body[middle : middle + 64])
    route.fulfill(response=response, body=bytes(body))


def truncated(route):
    """The file arrives cut off half-way."""
    response = route.fetch()
    route.fulfill(response=response, body=response.body()[: len(response.body()) // 2])


# case -> (URL pattern, handler, what the message says happened)
LOADED = "The Python runtime could not be loaded"
INSTALLED = "The figure’s Python package could not be installed"
CASES = {
    "runtime folder unreachable": ("**/pyodide/*/*", abort, LOADED),
    "pyodide.js corrupt (its SRI refuses it)": ("**/pyodide.js", corrupt, LOADED),
    "pyodide.asm.mjs unreachable": ("**/pyodide.asm.mjs", abort, LOADED),
    "pyodide.asm.mjs corrupt": ("**/pyodide.asm.mjs", corrupt, LOADED),
    "pyodide.asm.wasm unreachable": ("**/pyodide.asm.wasm", abort, LOADED),
    "pyodide.asm.wasm missing": ("**/pyodide.asm.wasm", not_found, LOADED),
    "pyodide.asm.wasm corrupt": ("**/pyodide.asm.wasm", corrupt, LOADED),
    "python_stdlib.zip unreachable": ("**/python_stdlib.zip", abort, LOADED),
    "python_stdlib.zip truncated": ("**/python_stdlib.zip", truncated, LOADED),
    "python_stdlib.zip corrupt": ("**/python_stdlib.zip", corrupt, INSTALLED),
    "lock file unreachable": ("**/assets/pyodide-lock.*.json", abort, LOADED),
    "wheel unreachable": ("**/assets/wheels/*/*.whl", abort, INSTALLED),
}


def assert_failed_usefully(page, what, advice):
    """The error state with the static figure, disabled controls and a two-part message."""
    page.wait_for_selector(READY, timeout=FAIL_WITHIN_MS)
    assert page.get_attribute(FIGURE, "data-state") == "error"
    assert page.is_visible("svg[data-pg='static']"), "the static figure must stay"
    assert not page.is_visible("[data-pg='canvas']")
    assert not page.is_visible("[data-pg='progress']")
    assert page.is_visible("[data-pg='error']")
    detail = " ".join(page.text_content("[data-pg='error-detail']").split())
    assert detail.startswith(what + " ("), detail  # what happened, then the browser's reason
    assert advice in detail, detail  # and what to do
    assert page.locator("[data-pg='train']").is_disabled()


@pytest.mark.parametrize("case", CASES)
def test_a_runtime_that_cannot_be_had_leaves_the_static_figure_and_says_why(
    page, console_errors, server_url, case
):
    pattern, handler, what = CASES[case]
    page.route(pattern, handler)
    page.goto(server_url)
    assert_failed_usefully(page, what, "Reload the page to try again")
    console_errors.clear()  # the browser's own reports of the failed or refused file


def test_from_disk_a_cdn_runtime_that_fails_says_to_serve_the_folder(
    page, console_errors, site, route_cdn, runtime_dir
):
    cdn = route_cdn(page)
    wasm = bytearray((runtime_dir / "pyodide.asm.wasm").read_bytes())
    wasm[len(wasm) // 2 :] = bytes(len(wasm) - len(wasm) // 2)  # zeros: no valid code after
    page.route(  # the later route wins over route_cdn's, and nothing leaves the machine
        cdn + "pyodide.asm.wasm",
        lambda route: route.fulfill(
            body=bytes(wasm),
            headers={"Content-Type": "application/wasm", "Access-Control-Allow-Origin": "*"},
        ),
    )
    page.goto((site / "index.html").as_uri())
    assert_failed_usefully(
        page, "The Python runtime could not be loaded", "python build.py --serve"
    )
    console_errors.clear()


def test_the_figure_recovers_on_reload_once_the_runtime_is_back(page, console_errors, server_url):
    page.route("**/pyodide.asm.wasm", abort)
    page.goto(server_url)
    assert_failed_usefully(page, "The Python runtime could not be loaded", "Reload the page")
    console_errors.clear()
    page.unroute("**/pyodide.asm.wasm")
    page.reload()
    page.wait_for_selector(READY, timeout=60_000)
    assert page.get_attribute(FIGURE, "data-state") == "ready"
