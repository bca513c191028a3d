"""The gradient cloud in the page: it comes alive, samples, and its table tells the truth.

The "cloud" fixture places the figure alone (seed 7). What is read is what the reader sees: the
table's text, the status and readout lines, the map's and the plot's pixels.
"""

import re

import pytest
from conftest import built_fixture, serving
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

ROOT = "#cloud"
NO_ESTIMATES = "No estimates yet: press Start sampling."


@pytest.fixture(scope="module")
def cloud_url(tmp_path_factory, runtime_dir):
    """The cloud fixture, built once and served over http."""
    with serving(built_fixture(tmp_path_factory, "cloud")) as url:
        yield url


def open_cloud(page, url):
    page.goto(url)
    page.wait_for_selector(f"{ROOT}[data-state='ready']", timeout=60_000)


def table(page):
    """The variance table: {estimator: [variance, cut, distance, standard error, estimates]}."""
    rows = page.eval_on_selector_all(
        f"{ROOT} [data-pg='variance-table'] tbody tr",
        "rows => rows.map(r => Array.from(r.cells).map(c => c.textContent))",
    )
    return {row[0]: row[1:] for row in rows}


def estimates(page):
    (count,) = {int(cells[-1].replace(",", "")) for cells in table(page).values()}
    return count


def sample_until(page, count):
    """Sample until every row counts at least count estimates, then pause."""
    page.click(f"{ROOT} [data-pg='sample']")
    page.wait_for_function(
        """n => Array.from(document.querySelectorAll("#cloud [data-pg='variance-table'] tbody tr"))
        .every(r => Number(r.cells[5].textContent.replace(/,/g, "")) >= n)""",
        arg=count,
        timeout=120_000,
    )
    page.click(f"{ROOT} [data-pg='sample']")
    expect(page.locator(f"{ROOT} [data-pg='sample']")).to_have_text("Start sampling")


def plot_signature(page, slot="canvas"):
    """A checksum of a canvas's pixels."""
    return page.evaluate(
        """slot => { const c = document.querySelector(`#cloud [data-pg='${slot}']`);
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let h = 0; for (let i = 0; i < d.length; i += 7) h = (h * 31 + d[i]) >>> 0; return h; }""",
        slot,
    )


def test_sampling_at_a_trained_theta_shows_the_baselines_cutting_the_variance(page, cloud_url):
    open_cloud(page, cloud_url)
    assert list(table(page)) == ["no baseline", "leave-one-out baseline", "learned value baseline"]
    assert "variance" in page.text_content(f"{ROOT} [data-pg='variance-table'] caption").lower()
    for _ in range(5):
        page.click(f"{ROOT} [data-pg='train']")
    theta = page.locator(f"{ROOT} [data-pg='theta']")
    expect(theta).to_contain_text("frozen after 1,000 rollouts of training")
    before = plot_signature(page)
    sample_until(page, 1200)
    rows = table(page)
    variance = {name: float(cells[0]) for name, cells in rows.items()}
    assert variance["leave-one-out baseline"] < variance["no baseline"]
    assert variance["learned value baseline"] < variance["leave-one-out baseline"]
    for name, cells in rows.items():
        distance, standard_error = float(cells[2]), float(cells[3])
        assert distance <= 4 * standard_error, name  # the mean sits on the exact gradient
    assert rows["no baseline"][1] == "1.00\u00d7"
    # paused: nothing moves any more, and the plot holds the points
    count = estimates(page)
    signature = plot_signature(page)
    assert signature != before
    page.wait_for_timeout(400)
    assert estimates(page) == count and plot_signature(page) == signature
    assert re.match(rf"{count:,} estimates each \u00b7 no baseline: variance ", status(page))


def status(page):
    return page.text_content(f"{ROOT} [data-pg='status']")


def map_point(page, row, col):
    """Page coordinates of a cell's centre on the map (pgcore.scene.GridLayout, 3x3, width 480)."""
    size = (480 - 28) / 3
    canvas = page.locator(f"{ROOT} [data-pg='map']")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    scale = box["width"] / 480
    return box["x"] + (14 + (col + 0.5) * size) * scale, box["y"] + (
        14 + (row + 0.5) * size
    ) * scale


def test_toggles_and_cell_clicks_reach_the_figure(page, cloud_url):
    open_cloud(page, cloud_url)
    axes = page.locator(f"{ROOT} [data-pg='axes']")
    dJ = "\u2202J/\u2202\u03b8"
    expect(axes).to_have_text(f"Plotted: {dJ}[(2,0), \u2191] across, {dJ}[(2,0), \u2192] up")
    # A click on the map chooses the cell; the pit is not a choice; the ring moves on the map.
    map_before = plot_signature(page, "map")
    page.mouse.click(*map_point(page, 1, 1))
    page.mouse.click(*map_point(page, 0, 1))
    expect(axes).to_contain_text("[(0,1), \u2191]")
    assert plot_signature(page, "map") != map_before
    page.focus(f"{ROOT} [data-pg='map']")
    page.keyboard.press("ArrowDown")  # over the pit to the cell beyond
    expect(axes).to_contain_text("[(2,1), \u2191]")
    page.select_option(f"{ROOT} [data-pg='pair']", "1,3")
    expect(axes).to_contain_text("[(2,1), \u2190] up")
    # The baseline only changes which cloud is shown; the others change what is estimated.
    sample_until(page, 40)
    page.select_option(f"{ROOT} [data-pg='baseline']", "value")
    shown = page.locator(f"{ROOT} tr[data-shown='true'] th")
    expect(shown).to_have_text("learned value baseline")
    expect(page.locator(f"{ROOT} [data-pg='status']")).to_contain_text("learned value baseline")
    assert estimates(page) >= 40
    page.uncheck(f"{ROOT} [data-pg='reward-to-go']")
    expect(page.locator(f"{ROOT} [data-pg='status']")).to_have_text(NO_ESTIMATES)
    assert estimates(page) == 0
    page.locator(f"{ROOT} [data-pg='batch']").fill("16")
    expect(page.locator(f"{ROOT} [data-pg='batch-out']")).to_have_text("16 rollouts")
    sample_until(page, 10)
    page.click(f"{ROOT} [data-pg='clear']")
    expect(page.locator(f"{ROOT} [data-pg='status']")).to_have_text(NO_ESTIMATES)
    # The Gaussian's mu: the grid's controls hide, the units and the trained parameters change.
    page.locator(f"{ROOT} [data-pg-event='space'][value='gaussian']").click()
    expect(page.locator(f"{ROOT} [data-pg='pair']")).to_be_hidden()
    expect(page.locator(f"{ROOT} [data-pg='reward-to-go']")).to_be_hidden()
    expect(page.locator(f"{ROOT} [data-pg='batch-out']")).to_have_text("16 samples")
    expect(axes).to_have_text(
        "Plotted: \u2202J/\u2202\u03bc\u2081 across, \u2202J/\u2202\u03bc\u2082 up"
    )
    page.click(f"{ROOT} [data-pg='train']")
    expect(page.locator(f"{ROOT} [data-pg='theta']")).to_contain_text("200 samples of training")
    sample_until(page, 20)
    assert page.get_attribute(ROOT, "data-space") == "gaussian"
