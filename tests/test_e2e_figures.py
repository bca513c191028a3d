"""Several figures on one page, each its own object in the one worker; and Stop means stop.

The figures fixture places two gridworlds, a Gaussian and the explainer's figure. Each must come
alive with its own settings, answer only its own controls, and keep going while the others train.
A worker that stops answering (here: made to spin forever, as a reader's endless loop would) is
terminated when the reader presses Pause or Reset, and a new one brings the figures back with
their settings and their last parameters, without a reload.
"""

import re
import time

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

FIGURES = ("small-grid", "figure-2", "figure-3", "figure-4")


def open_figures(page, url):
    """Load the page and wait until every figure is ready."""
    page.goto(url)
    for figure_id in FIGURES:
        page.wait_for_selector(f"#{figure_id}[data-state='ready']", timeout=60_000)


def status(page, figure_id):
    """A figure's status line."""
    return page.text_content(f"#{figure_id} [data-pg='status']")


def count(page, figure_id):
    """The rollouts (or samples) a figure's status line counts."""
    return int(re.match(r"([\d,]+)", status(page, figure_id)).group(1).replace(",", ""))


def probabilities(page, figure_id):
    """The numbers of a figure's policy table, row by row."""
    return page.eval_on_selector_all(
        f"#{figure_id} [data-pg='policy-table'] tbody tr",
        "rows => rows.map(r => Array.from(r.cells).slice(2, 6).map(c => c.textContent))",
    )


def test_every_figure_comes_alive_with_its_own_settings_and_controls(page, figures_url):
    open_figures(page, figures_url)
    assert page.text_content("#small-grid [data-pg='lr-out']") == "\u03b1 = 0.01"
    assert page.input_value("#small-grid [data-pg='algorithm']") == "reinforce"
    assert page.is_checked("#figure-3 [data-pg='baseline']")  # the Gaussian's own switch
    assert page.text_content("#figure-2 [data-pg='lr-out']") == "\u03b1 = 2"
    assert page.text_content("#figure-3 [data-pg='target']") == "(-0.500, +0.400)"
    assert (
        len(probabilities(page, "figure-2")) == 16 and len(probabilities(page, "small-grid")) == 6
    )
    # One figure's Step trains that figure only.
    page.click("#figure-2 [data-pg='step']")
    expect(page.locator("#figure-2 [data-pg='status']")).to_contain_text("8 rollouts")
    assert [count(page, f) for f in ("small-grid", "figure-3", "figure-4")] == [0, 0, 0]
    # Three train at once; each keeps counting.
    for figure_id in ("small-grid", "figure-3", "figure-4"):
        page.click(f"#{figure_id} [data-pg='train']")
    page.wait_for_timeout(1500)
    first = [count(page, f) for f in ("small-grid", "figure-3", "figure-4")]
    page.wait_for_timeout(1000)
    later = [count(page, f) for f in ("small-grid", "figure-3", "figure-4")]
    assert all(b > a > 0 for a, b in zip(first, later, strict=True)), (first, later)
    assert status(page, "figure-3").split()[1] == "samples"
    assert count(page, "figure-2") == 8
    # A goal button moves the goal of its own figure.
    page.locator("#small-grid details").evaluate("d => { d.open = true; }")
    page.locator("#small-grid").get_by_role("button", name="Make (0, 0) the goal").click()
    expect(page.locator("#small-grid [data-pg='policy-table'] tbody tr").first).to_have_attribute(
        "data-role", "goal"
    )
    assert page.get_attribute("#figure-2 [data-pg='policy-table'] tbody tr", "data-role") == "empty"


# Times, inside the page, a press of a control and the figures' leaving "ready" that follows:
# the delay the reader sees, without Playwright's own latency on a busy machine.
TIME_THE_STOP = """
window.pgStop = {pressed: null, stopped: null};
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-pg-interrupt]") && window.pgStop.pressed === null) {
    window.pgStop.pressed = performance.now();
  }
}, true);
new MutationObserver(() => {
  const figure = document.querySelector("[data-widget][data-state='loading']");
  if (figure && window.pgStop.pressed !== null && window.pgStop.stopped === null) {
    window.pgStop.stopped = performance.now();
  }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ["data-state"]});
"""


def spin_the_worker(page):
    """Make the worker busy forever, as Python stuck in an endless loop would leave it."""
    (worker,) = page.workers
    worker.evaluate("() => { setTimeout(() => { for (;;) {} }, 0); }")
    return worker


@pytest.mark.parametrize("control", ["train", "reset"])
def test_a_worker_that_never_answers_is_stopped_and_the_figures_come_back(
    page, figures_url, control
):
    open_figures(page, figures_url)
    page.click("#figure-2 [data-pg='train']")
    page.wait_for_function(
        "() => /^[1-9]/.test(document.querySelector(\"#figure-2 [data-pg='status']\").textContent)"
    )
    page.click("#figure-2 [data-pg='train']")  # paused: its parameters are final
    expect(page.locator("#figure-2 [data-pg='train']")).to_have_text("Train")
    page.locator("#figure-3 [data-pg='lr']").fill("20")
    expect(page.locator("#figure-3 [data-pg='lr-out']")).to_have_text("\u03b1 = 0.1")
    page.wait_for_timeout(300)
    trained = probabilities(page, "figure-2")
    assert trained != probabilities(page, "small-grid")
    old = spin_the_worker(page)
    closed = []
    old.on("close", lambda worker: closed.append(time.monotonic()))
    page.evaluate(TIME_THE_STOP)
    page.click(f"#figure-4 [data-pg='{control}']")
    page.wait_for_selector("#figure-4[data-state='loading']", timeout=5_000)
    times = page.evaluate("window.pgStop")
    stopped_after = (times["stopped"] - times["pressed"]) / 1000
    assert stopped_after < 1.0, f"stopped {stopped_after:.2f} s after {control}"
    for figure_id in FIGURES:  # the same page, no reload: every figure comes back
        page.wait_for_selector(f"#{figure_id}[data-state='ready']", timeout=60_000)
    for _ in range(100):  # Playwright reports the terminated worker's end a little later
        if closed:
            break
        page.wait_for_timeout(100)
    assert closed, "the stuck worker was terminated"
    assert probabilities(page, "figure-2") == trained, "the last parameters came back"
    assert page.text_content("#figure-3 [data-pg='lr-out']") == "\u03b1 = 0.1"
    assert page.input_value("#figure-3 [data-pg='lr']") == "20"
    # And it lives: a Step trains.
    page.click("#figure-2 [data-pg='step']")
    expect(page.locator("#figure-2 [data-pg='status']")).not_to_have_text(status(page, "figure-2"))
