"""A series in Chromium: a reader goes from the contents page to a volume and on to the next, and
each volume's figure comes alive from its own folder, served and straight from disk.

The series fixture (tests/fixtures/series) puts every volume but the home one a folder down, so
every URL those pages use starts with ../ (and the runtime is found from there).
"""

import re

import pytest
from conftest import READY

pytestmark = pytest.mark.e2e


def test_a_reader_goes_from_the_contents_to_a_volume_and_on(page, series_url):
    page.goto(series_url + "contents/index.html")
    assert page.title() == "Contents · Fixture Series"
    titles = page.locator(".volume-title a").all_text_contents()
    assert titles == [
        "Gridworlds",
        "Gaussian Policies",
        "Policy Gradients",
        "Baselines",
        "Notes on Notation",
    ]
    page.click("text=Gaussian Policies")
    page.wait_for_url(re.compile(r"/gaussian-policies/index\.html$"))
    page.wait_for_selector(READY, timeout=60_000)
    assert page.get_attribute("[data-widget]", "data-state") == "ready"
    page.click("a[rel='next']")
    page.wait_for_url(series_url + "index.html")
    page.wait_for_selector(READY, timeout=60_000)
    page.click("a[rel='next']")
    page.wait_for_url(re.compile(r"/baselines/index\.html$"))
    page.wait_for_selector(READY, timeout=60_000)
    page.click(".masthead-contents")
    page.wait_for_url(series_url + "contents/index.html")


def test_a_volume_a_folder_down_comes_alive_from_disk(page, series_site):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.route(re.compile(r"^(https?|wss?)://"), lambda route: route.abort("internetdisconnected"))
    page.goto((series_site / "gridworlds" / "index.html").as_uri())
    page.wait_for_selector(READY, timeout=60_000)
    assert page.get_attribute("[data-widget]", "data-state") == "ready"
    assert all(url.startswith(("file://", "blob:")) for url in requested), requested
    # The prose this page has: highlighted code, a styled table, the footnote and its back link.
    assert page.locator(".highlight .k").first.is_visible()
    page.click("a.footnote-ref")
    assert page.evaluate("location.hash") == "#fn:cost"
