"""Soak: a long, seeded run of random reader actions while the figure trains.

Mode switches, clicks on the canvas, the table's goal buttons, Reset, Step, Train/Pause, the
sliders, the Baseline switch and the arrow keys, at random moments, for PGSITE_SOAK_SECONDS
(60 by default, so CI stays quick; the issue's full soak is 600):

    PGSITE_SOAK_SECONDS=600 ./dev test tests/test_soak.py -s

Afterwards the figure must be ready, every number it shows finite, the console clean, and memory
within the benchmark's bound (at most 2 MB of growth in the page's JS heap and in the worker's
wasm memory, each read after a full garbage collection) since a warm-up of the same mix.
PGSITE_SOAK_SEED replays another sequence.
"""

import math
import os
import random
import re

import pytest
from conftest import READY

from devtools.chromium import launch
from devtools.worker_probe import probe_workers_first, worker_reading
from pgcore.algorithms import ALGORITHMS

pytestmark = pytest.mark.e2e

SOAK_SECONDS = float(os.environ.get("PGSITE_SOAK_SECONDS", "60"))
SEED = int(os.environ.get("PGSITE_SOAK_SEED", "2026"))
WARM_UP_SECONDS = 12
GROWTH_BOUND_MB = 2.0  # bench/memory.py's target for both the JS heap and the wasm memory
MiB = 1024 * 1024
FIGURE = '[data-widget="policy-gradient"]'
MODES = ("policy", "trajectories", "continuous")


@pytest.fixture
def soak_page(browser):
    """A page in its own Chromium with exact heap sizes; the test fails on any console error."""
    chromium = launch(browser.browser_type, ["--enable-precise-memory-info"])
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(f"console: {m.text}"))
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    probe_workers_first(page)
    yield page, errors
    chromium.close()


def reading(page, cdp):
    """(page's JS heap bytes, worker's wasm bytes, Python objects) after collecting garbage."""
    wasm, objects = worker_reading(page)
    for _ in range(2):
        cdp.send("HeapProfiler.collectGarbage")
    return page.evaluate("performance.memory.usedJSHeapSize"), wasm, objects


def set_running(page, running):
    """Press Train or Pause so that training is on or off."""
    if (page.get_attribute(FIGURE, "data-running") == "true") != running:
        page.click("[data-pg='train']")


def canvas_click(page, rng):
    """Click a random point of the main canvas (a goal move, or a new target)."""
    box = page.locator("[data-pg='canvas']").bounding_box()
    page.mouse.click(
        box["x"] + rng.uniform(0.02, 0.98) * box["width"],
        box["y"] + rng.uniform(0.02, 0.98) * box["height"],
    )


def goal_button(page, rng):
    """Press one of the table's "Make (r, c) the goal" buttons."""
    buttons = page.locator("[data-pg-event='goal']")
    if buttons.count():
        buttons.nth(rng.randrange(buttons.count())).click()


def arrow_key(page, rng):
    """Focus the canvas and press an arrow key (moves the target in Continuous)."""
    page.locator("[data-pg='canvas']").focus()
    page.keyboard.press(rng.choice(["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight"]))


def choose_algorithm(page, rng):
    """Pick the grid's algorithm (its select shows in the grid views only)."""
    select = page.locator("[data-pg='algorithm']:visible")
    if select.count():
        select.select_option(rng.choice(ALGORITHMS))


def flip_baseline(page, rng):
    """Flip the Gaussian's Baseline switch (it shows in the continuous view only)."""
    switch = page.locator("[data-pg='baseline']:visible")
    if switch.count():
        switch.click()


ACTIONS = [
    (
        4,
        lambda page, rng: page.locator(
            f"[data-pg-event='mode'][value='{rng.choice(MODES)}']"
        ).click(),
    ),
    (3, canvas_click),
    (2, goal_button),
    (1, lambda page, rng: page.click("[data-pg='reset']")),
    (2, lambda page, rng: page.click("[data-pg='step']")),
    (2, lambda page, rng: page.click("[data-pg='train']")),
    (2, lambda page, rng: page.locator("[data-pg='lr']").fill(str(rng.randrange(0, 61)))),
    (2, lambda page, rng: page.locator("[data-pg='speed']").fill(str(rng.randrange(0, 8)))),
    (1, choose_algorithm),
    (1, flip_baseline),
    (1, arrow_key),
]


def act_for(page, errors, rng, seconds):
    """Random actions for `seconds` of page time; training is kept on most of the time."""
    kinds, weights = zip(*[(action, weight) for weight, action in ACTIONS], strict=True)
    end = page.evaluate("performance.now()") + seconds * 1000
    actions = 0
    while page.evaluate("performance.now()") < end:
        action = rng.choices(kinds, weights)[0]
        action(page, rng)
        actions += 1
        if page.get_attribute(FIGURE, "data-state") != "ready":  # fail now, with the reason
            pytest.fail(
                f"the figure stopped after action {actions} ({getattr(action, '__name__', '')}): "
                f"{page.text_content('[data-pg=error]')}\n" + "\n".join(errors)
            )
        if rng.random() < 0.7:
            set_running(page, True)
        page.wait_for_timeout(rng.uniform(30, 400))
    return actions


def shown_numbers(page):
    """Every number the figure shows in text: the table's pi(a|s), the readout, the status."""
    rows = page.eval_on_selector_all(
        "[data-pg='policy-table'] tbody tr",
        "rows => rows.map(r => Array.from(r.cells, c => c.textContent.trim()))",
    )
    readout = page.eval_on_selector_all(
        "[data-pg='continuous-readout'] dd", "slots => slots.map(s => s.textContent)"
    )
    return rows, readout, page.text_content("[data-pg='status']")


def assert_finite_and_sane(page):
    """Probabilities in [0, 1] summing to 1 in every row, finite readouts, no NaN anywhere."""
    rows, readout, status = shown_numbers(page)
    for cells in rows:
        if cells[1] in ("goal", "pit", "wall"):
            continue
        probs = [float(p) for p in cells[2:6]]
        assert all(math.isfinite(p) and 0 <= p <= 1 for p in probs), cells
        assert abs(sum(probs) - 1) <= 0.003, cells
    for text in readout:
        numbers = [float(n) for n in re.findall(r"[-+]?\d+\.\d+|nan|inf", text, re.IGNORECASE)]
        assert len(numbers) == 2 and all(map(math.isfinite, numbers)), readout
    assert not re.search(r"nan|inf", status, re.IGNORECASE), status


def test_a_long_random_session_leaves_the_figure_ready_finite_and_lean(soak_page, server_url):
    page, errors = soak_page
    page.goto(server_url)
    page.wait_for_selector(READY, timeout=60_000)
    assert page.get_attribute(FIGURE, "data-state") == "ready"
    page.locator("details:has([data-pg='policy-table'])").evaluate("d => { d.open = true; }")
    cdp = page.context.new_cdp_session(page)
    rng = random.Random(SEED)

    # Warm-up: every action and mode once or more, so first-use allocations are behind us.
    act_for(page, errors, rng, WARM_UP_SECONDS)
    set_running(page, False)
    before = reading(page, cdp)

    actions = act_for(page, errors, rng, SOAK_SECONDS)
    set_running(page, False)
    page.locator("[data-pg-event='mode'][value='policy']").click()
    after = reading(page, cdp)

    heap = (after[0] - before[0]) / MiB
    wasm = (after[1] - before[1]) / MiB
    print(
        f"\nsoak {SOAK_SECONDS:.0f} s, seed {SEED}, {actions} actions: "
        f"JS heap {before[0] / MiB:.2f} -> {after[0] / MiB:.2f} MB ({heap:+.2f}), "
        f"wasm {before[1] / MiB:.1f} -> {after[1] / MiB:.1f} MB ({wasm:+.2f}), "
        f"Python objects {before[2]:,} -> {after[2]:,}"
    )
    assert page.get_attribute(FIGURE, "data-state") == "ready"
    assert page.locator("[data-pg='train']").is_enabled()
    assert_finite_and_sane(page)
    for mode in MODES:  # each view still draws and reads out finite numbers
        page.locator(f"[data-pg-event='mode'][value='{mode}']").click()
        page.click("[data-pg='step']")
        assert_finite_and_sane(page)
    assert errors == [], "the page logged errors during the soak"
    assert heap <= GROWTH_BOUND_MB, f"JS heap grew {heap:.2f} MB"
    assert wasm <= GROWTH_BOUND_MB, f"wasm memory grew {wasm:.2f} MB"
