"""Numerical extremes from the controls: the highest learning rate (alpha = 10, the slider's end)
and the fastest speed (as many rollouts as a frame allows) never show NaN, never break the drawing.

First in CPython, where every number of every scene can be checked (and drawn by the build's SVG
renderer, which refuses non-finite numbers); then in the page, from what the reader sees.
"""

import math
import random

import pytest
from playwright.sync_api import expect
from test_soak import assert_finite_and_sane

from pgcore.algorithms import ALGORITHMS
from pgcore.figure import LR_STEPS, SPEEDS, speed_text
from pgcore.figures import make_figure
from pgcore.figures.explainer import MODES
from pgcore.scene import ROLES
from sitebuild.svg import render_svg

FASTEST = len(SPEEDS) - 1


def numbers(value):
    """Every number in a scene (or any nest of dicts, lists and tuples)."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple):
        return [n for item in value for n in numbers(item)]
    return [value] if isinstance(value, int | float) and not isinstance(value, bool) else []


def assert_drawable(explainer, now):
    """The scenes hold only finite numbers and draw; the table and readouts are finite too."""
    explainer.shown._changed = True  # a whole frame: every part, the slow ones included
    frame = explainer.frame(now)
    for scene in frame["scenes"].values():
        assert all(math.isfinite(n) for n in numbers(scene)), explainer.mode
        render_svg(scene, ROLES)  # raises ValueError for anything the painter could not draw
    for state in range(explainer.grid.env.n_states):
        probs = explainer.grid.policy.probs(state)
        assert all(math.isfinite(p) and 0 <= p <= 1 for p in probs), probs
        assert abs(sum(probs) - 1) <= 1e-9, probs
    readouts = explainer.gauss.readouts()
    assert all(math.isfinite(float(x)) for text in readouts.values() for x in text[1:-1].split(","))
    assert "nan" not in frame["text"]["status"].lower()


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"batch_size": 1, "gamma": 1.0, "algorithm": "reinforce"},
        {"rows": 8, "cols": 8, "goal": [7, 7], "pit": [0, 7], "batch_size": 256, "max_steps": 60},
    ],
    ids=["default world", "batch of one", "large world, large batch"],
)
def test_the_highest_learning_rate_at_full_speed_keeps_every_number_finite(settings):
    explainer = make_figure("policy-gradient", settings)
    explainer.handle({"name": "lr", "value": LR_STEPS})  # alpha = 10, the slider's end
    explainer.handle({"name": "speed", "value": FASTEST})
    explainer.handle({"name": "train"})
    rng = random.Random(11)
    for frame in range(240):
        if frame % 40 == 0:
            explainer.handle({"name": "mode", "value": MODES[frame // 40 % len(MODES)]})
            explainer.handle({"name": "baseline", "value": frame % 80 == 0})
            explainer.handle({"name": "algorithm", "value": ALGORITHMS[frame // 40 % 4]})
        if frame % 13 == 0:  # the goal or the target moves
            x, y = rng.uniform(0, 480), rng.uniform(0, 480)
            explainer.handle({"name": "canvas", "type": "click", "x": x, "y": y})
        explainer.shown._train(64)
        if frame % 10 == 0:
            assert_drawable(explainer, frame / 60)
    assert_drawable(explainer, 5.0)


def canvas_signature(page, pg="canvas"):
    """A checksum of a canvas's pixels, and how many distinct values it holds."""
    return page.evaluate(
        """pg => { const c = document.querySelector(`[data-pg='${pg}']`);
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let h = 0; const seen = new Set();
        for (let i = 0; i < d.length; i += 7) { h = (h * 31 + d[i]) >>> 0; seen.add(d[i]); }
        return [h, seen.size]; }""",
        pg,
    )


@pytest.mark.e2e
def test_the_slider_ends_keep_the_page_finite_and_drawing_in_every_mode(page, server_url):
    page.goto(server_url)
    page.wait_for_selector('[data-widget][data-state="ready"]', timeout=60_000)
    page.locator("details:has([data-pg='policy-table'])").evaluate("d => { d.open = true; }")
    lr, speed = page.locator("[data-pg='lr']"), page.locator("[data-pg='speed']")
    lr.fill(lr.get_attribute("max"))
    speed.fill(speed.get_attribute("max"))
    # The readouts are the worker's answer: they change with its next frame.
    expect(page.locator("[data-pg='lr-out']")).to_have_text("α = 10")
    expect(page.locator("[data-pg='speed-out']")).to_have_text(speed_text(FASTEST))
    page.click("[data-pg='train']")
    for mode in MODES:
        for baseline in (False, True):  # the Gaussian's switch, or the grid's REINFORCE pair
            page.locator(f"[data-pg-event='mode'][value='{mode}']").click()
            if mode == "continuous":
                page.locator("[data-pg='baseline']").set_checked(baseline)
            else:
                choice = "reinforce_baseline" if baseline else "reinforce"
                page.locator("[data-pg='algorithm']").select_option(choice)
            page.wait_for_timeout(1000)
            first, shades = canvas_signature(page)
            # A converged policy can draw the same picture twice (the same start, the same
            # path): the canvas must change within a few looks, not at the very next one.
            for _ in range(20):
                page.wait_for_timeout(150)
                if canvas_signature(page)[0] != first:
                    break
            else:
                pytest.fail(f"{mode}: the canvas stopped changing")
            assert shades > 8, f"{mode}: the canvas is blank"
            assert canvas_signature(page, "curve")[1] > 8
            assert page.get_attribute('[data-widget="policy-gradient"]', "data-state") == "ready"
            assert_finite_and_sane(page)
    page.click("[data-pg='train']")
    assert_finite_and_sane(page)


@pytest.mark.e2e
def test_arrow_keys_at_the_edge_of_the_plane_keep_the_figure_running(page, server_url):
    # Found by the soak: the arrow keys moved the target 0.1 past the plane's edge, and
    # ContinuousTask.move_target's ValueError stopped the whole figure.
    page.goto(server_url)
    page.wait_for_selector('[data-widget][data-state="ready"]', timeout=60_000)
    page.locator("[data-pg-event='mode'][value='continuous']").click()
    canvas = page.locator("[data-pg='canvas']")
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + 2, box["y"] + box["height"] / 2)  # the target to the left edge
    canvas.focus()
    for _ in range(2):
        page.keyboard.press("ArrowLeft")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    assert page.get_attribute('[data-widget="policy-gradient"]', "data-state") == "ready", (
        page.text_content("[data-pg='error']")
    )
    target = page.text_content("[data-pg='target']")
    assert float(target.strip("()").split(",")[0]) == -1.0
