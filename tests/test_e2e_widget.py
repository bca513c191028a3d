"""The live figure in a real Chromium: the reader's actions, read back from what the page shows.

Fixtures (tests/conftest.py): `server_url` serves the real built site; `page` is a fresh page
that fails the test on any console error or page error. Everything is read from the DOM the
reader has (the accessible policy table, the status line, the readouts) or from canvas pixels.
"""

import math
import random
import re
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import expect

from pgcore.algorithms import ALGORITHMS
from pgcore.figure import SPEEDS
from tests.oracle import grid_model, policy_return
from tests.oracle import optimal_return as oracle_optimal_return

pytestmark = pytest.mark.e2e

MOVES = {0: (-1, 0), 1: (0, 1), 2: (1, 0), 3: (0, -1)}  # up, right, down, left
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"


def open_widget(page, url):
    """Load the page and wait for the explicit ready signal."""
    page.goto(url)
    page.wait_for_selector('[data-widget="policy-gradient"][data-state="ready"]', timeout=60_000)
    page.locator("details:has([data-pg='policy-table'])").evaluate("d => { d.open = true; }")


def read_table(page):
    """The policy table as {(r, c): (role, [pi(up), pi(right), pi(down), pi(left)])}."""
    rows = page.eval_on_selector_all(
        "[data-pg='policy-table'] tbody tr",
        "rows => rows.map(r => Array.from(r.cells, c => c.textContent.trim()))",
    )
    table = {}
    for cells in rows:
        row, col = (int(n) for n in re.findall(r"\d+", cells[0]))
        table[(row, col)] = (cells[1], [float(p) for p in cells[2:6]])
    return table


def wait_for_role(page, cell, role):
    """Wait until the table's row for cell shows role (the table updates on the next frame)."""
    page.wait_for_function(
        """([label, role]) => Array.from(
            document.querySelectorAll("[data-pg='policy-table'] tbody tr"))
            .some(r => r.cells[0].textContent.trim() === label
                       && r.cells[1].textContent.trim() === role)""",
        arg=[f"({cell[0]}, {cell[1]})", role],
    )


def greedy_reaches_goal(table, max_steps=20):
    """Follow the most probable action from every empty cell: all must reach the goal, no pit."""
    rows = 1 + max(r for r, _ in table)
    cols = 1 + max(c for _, c in table)
    for cell, (role, _) in table.items():
        if role not in ("empty", "start"):
            continue
        here = cell
        for _ in range(max_steps):
            probs = table[here][1]
            dr, dc = MOVES[max(range(4), key=probs.__getitem__)]
            there = (here[0] + dr, here[1] + dc)
            if 0 <= there[0] < rows and 0 <= there[1] < cols and table[there][0] != "wall":
                here = there
            if table[here][0] in ("goal", "pit"):
                break
        if table[here][0] != "goal":
            return False
    return True


def rollouts_done(page):
    """The rollout (or sample) count from the status line."""
    text = page.locator("[data-pg='status']").text_content()
    return int(re.match(r"([\d,]+)", text).group(1).replace(",", ""))


def set_speed(page, level):
    """Move the speed slider as a reader would (the input event)."""
    page.locator("[data-pg='speed']").fill(str(level))


def train_until(page, condition, timeout_s=90):
    """Press Train, poll until condition() holds, then Pause; fail on timeout."""
    page.click("[data-pg='train']")
    deadline = page.evaluate("performance.now()") + timeout_s * 1000
    try:
        while not condition():
            assert page.evaluate("performance.now()") < deadline, "training did not get there"
            page.wait_for_timeout(250)
    finally:
        page.click("[data-pg='train']")
    # The figure answers from its worker: the button says Train once the next frame is painted.
    expect(page.locator("[data-pg='train']")).to_have_text("Train")


def choose_mode(page, mode):
    """Pick a view from the radio group with a pointer click on its segment, as a reader does."""
    page.locator(f"[data-pg-event='mode'][value='{mode}']").click()
    assert page.locator(f"[data-pg-event='mode'][value='{mode}']").is_checked()


def canvas_point(page, x, y, width=480.0):
    """Page coordinates of scene point (x, y) on the main canvas."""
    canvas = page.locator("[data-pg='canvas']")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    scale = box["width"] / width
    return box["x"] + x * scale, box["y"] + y * scale


def cell_centre(row, col, rows=3, cols=3):
    """Scene coordinates of a cell's centre (pgcore.scene.GridLayout, width 480, margin 14)."""
    size = (480 - 28) / max(rows, cols)
    left = (480 - cols * size) / 2
    return left + (col + 0.5) * size, 14 + (row + 0.5) * size


def canvas_signature(page):
    """A checksum of the main canvas's pixels."""
    return page.evaluate(
        """() => { const c = document.querySelector("[data-pg='canvas']");
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let h = 0; for (let i = 0; i < d.length; i += 7) h = (h * 31 + d[i]) >>> 0; return h; }"""
    )


def colour_counts(page):
    """How many canvas pixels are (nearly) the goal colour and the pit colour."""
    return page.evaluate(
        """() => {
        const c = document.querySelector("[data-pg='canvas']");
        const rgb = role => { const p = document.createElement('canvas').getContext('2d');
          p.fillStyle = getComputedStyle(c).getPropertyValue('--pg-' + role).trim();
          p.fillRect(0, 0, 1, 1); return p.getImageData(0, 0, 1, 1).data; };
        const goal = rgb('goal'), pit = rgb('pit');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const near = (i, k) => Math.abs(d[i] - k[0]) + Math.abs(d[i+1] - k[1])
          + Math.abs(d[i+2] - k[2]) < 36 && d[i+3] > 200;
        let g = 0, p = 0;
        for (let i = 0; i < d.length; i += 4) {
          if (near(i, goal)) g++; else if (near(i, pit)) p++;
        }
        return {goal: g, pit: p}; }"""
    )


def test_training_learns_a_path_to_the_goal_from_every_cell(page, server_url):
    open_widget(page, server_url)
    table = read_table(page)
    assert all(probs == [0.25] * 4 for role, probs in table.values() if role == "empty")
    before = canvas_signature(page)
    set_speed(page, 6)
    train_until(page, lambda: greedy_reaches_goal(read_table(page)))
    assert canvas_signature(page) != before
    assert rollouts_done(page) > 0


def test_goal_moves_by_canvas_click_and_by_table_button(page, server_url):
    open_widget(page, server_url)
    set_speed(page, 6)
    train_until(page, lambda: greedy_reaches_goal(read_table(page)))
    # A click on the canvas cell (2, 0).
    page.mouse.click(*canvas_point(page, *cell_centre(2, 0)))
    wait_for_role(page, (2, 0), "goal")
    table = read_table(page)
    assert table[(2, 0)][0] == "goal" and table[(0, 2)][0] == "empty"
    train_until(page, lambda: greedy_reaches_goal(read_table(page)))
    # The keyboard way: the table's button for (0, 0).
    button = page.get_by_role("button", name="Make (0, 0) the goal")
    button.focus()
    page.keyboard.press("Enter")
    wait_for_role(page, (0, 0), "goal")
    assert page.get_by_role("button", name="Make (0, 0) the goal").count() == 0
    train_until(page, lambda: greedy_reaches_goal(read_table(page)))


def test_trajectories_draw_goal_and_pit_coloured_arrows(page, server_url):
    open_widget(page, server_url)
    choose_mode(page, "trajectories")
    empty = colour_counts(page)
    status = page.locator("[data-pg='status']")
    for _ in range(40):
        page.click("[data-pg='step']")
        shown = re.search(r"shown: (\d+) goal, (\d+) pit", status.text_content() or "")
        if shown and int(shown.group(1)) > 0 and int(shown.group(2)) > 0:
            break
    else:
        pytest.fail("forty batches without both a goal and a pit rollout on screen")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    drawn = colour_counts(page)
    assert drawn["goal"] > empty["goal"] + 50, (empty, drawn)
    assert drawn["pit"] > empty["pit"] + 50, (empty, drawn)


def test_continuous_mode_pulls_mu_towards_the_target(page, server_url):
    open_widget(page, server_url)
    choose_mode(page, "continuous")

    def distance():
        values = {}
        for name in ("mu", "target"):
            text = page.locator(f"[data-pg='{name}']").text_content()
            values[name] = [float(v) for v in re.findall(r"[-+]?\d+\.\d+", text)]
        return math.dist(values["mu"], values["target"])

    start = distance()
    assert start > 0.3
    set_speed(page, 4)
    train_until(page, lambda: distance() < 0.3 * start)
    # Clicking the plane moves the target; mu follows it.
    before = page.locator("[data-pg='target']").text_content()
    page.mouse.click(*canvas_point(page, 100, 380))
    # The readout is rewritten on the next frame.
    page.wait_for_function(
        "t => document.querySelector(\"[data-pg='target']\").textContent !== t",
        arg=before,
    )
    moved = distance()
    assert moved > 0.3
    train_until(page, lambda: distance() < 0.4 * moved)


def test_a_python_error_is_shown_in_the_widget(browser, server_url):
    # Its own page: the widget logs the traceback to the console on purpose.
    page = browser.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        open_widget(page, server_url)
        page.evaluate(
            """() => { const r = document.querySelector("[data-pg-event='mode']");
            r.value = 'sideways'; r.checked = true;
            r.dispatchEvent(new Event('change', {bubbles: true})); }"""
        )
        page.wait_for_selector('[data-widget="policy-gradient"][data-state="error"]')
        message = page.locator("[data-pg='error']")
        assert message.is_visible()
        assert "sideways" in message.text_content()
        assert len(errors) == 1 and "FigureError: unknown mode 'sideways'" in errors[0]
        assert page.locator("[data-pg='train']").is_disabled()
    finally:
        page.close()


def test_random_interaction_for_a_minute_leaves_the_widget_ready(page, server_url):
    open_widget(page, server_url)
    rng = random.Random(2026)
    page.click("[data-pg='train']")
    end = page.evaluate("performance.now()") + 60_000
    while page.evaluate("performance.now()") < end:
        action = rng.randrange(6)
        if action == 0:
            choose_mode(page, rng.choice(["policy", "trajectories", "continuous"]))
        elif action == 1:
            x, y = rng.uniform(20, 460), rng.uniform(20, 460)
            page.mouse.click(*canvas_point(page, x, y))
        elif action == 2:
            page.click("[data-pg='reset']")
            page.click("[data-pg='train']")
        elif action == 3:
            page.locator("[data-pg='lr']").fill(str(rng.randrange(0, 61)))
        elif action == 4:
            set_speed(page, rng.randrange(0, 7))
        else:
            page.click("[data-pg='step']")
            page.click("[data-pg='train']")
        page.wait_for_timeout(rng.uniform(20, 300))
    assert page.get_attribute("[data-widget]", "data-state") == "ready"
    choose_mode(page, "policy")
    for role, probs in read_table(page).values():
        if role in ("empty", "start"):
            assert abs(sum(probs) - 1) < 0.01 and all(0 <= p <= 1 for p in probs)


def test_reduced_motion_updates_in_steps(browser, server_url):
    context = browser.new_context(reduced_motion="reduce")
    page = context.new_page()
    try:
        open_widget(page, server_url)
        page.click("[data-pg='train']")
        seen = set()
        for _ in range(12):
            page.wait_for_timeout(150)
            seen.add(rollouts_done(page))
        page.click("[data-pg='train']")
        # Each update trains a whole chunk (8 x rollouts per frame at speed 3 = 64).
        assert len(seen) >= 2
        assert all(n % 64 == 0 for n in seen), seen
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("device", "width"), [("desktop", 1280), ("phone", 390)])
def test_screenshots_of_every_mode(browser, server_url, scheme, device, width):
    context = browser.new_context(
        color_scheme=scheme, viewport={"width": width, "height": 900}, device_scale_factor=1
    )
    page = context.new_page()
    try:
        open_widget(page, server_url)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for mode in ("policy", "trajectories", "continuous"):
            choose_mode(page, mode)
            for _ in range(6):
                page.click("[data-pg='step']")
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")
            figure = page.locator("[data-widget='policy-gradient']")
            path = SCREENSHOTS / f"{mode}-{scheme}-{device}.png"
            figure.screenshot(path=path)
            assert path.stat().st_size > 5000
    finally:
        context.close()


def exact_return_of_table(table, goal, gamma=0.9, max_steps=20):
    """J of the policy the table shows (3 decimals a probability), and J*, by the numpy oracle."""
    model = grid_model(3, 3, goal, (1, 1), max_steps=max_steps)
    theta = np.zeros((9, 4))
    for (row, col), (_, probs) in table.items():
        theta[row * 3 + col] = np.log(np.maximum(probs, 1e-9))
    return policy_return(model, theta, gamma), oracle_optimal_return(model, gamma)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_every_algorithm_comes_within_002_of_the_best_return_and_again_after_a_goal_move(
    page, server_url, algorithm
):
    open_widget(page, server_url)
    page.select_option("[data-pg='algorithm']", algorithm)
    set_speed(page, len(SPEEDS) - 1)

    def close_to_best(goal):
        J, best = exact_return_of_table(read_table(page), goal)
        return J >= best - 0.02

    train_until(page, lambda: close_to_best((0, 2)), timeout_s=120)
    page.get_by_role("button", name="Make (2, 2) the goal").click()
    wait_for_role(page, (2, 2), "goal")
    train_until(page, lambda: close_to_best((2, 2)), timeout_s=120)
    assert page.input_value("[data-pg='algorithm']") == algorithm
