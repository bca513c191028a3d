"""The code figure and links in a real Chromium: the reader's own update, run, broken, stopped
and restored; the editor loaded only when needed, under the page's policy; and a link that
rebuilds exactly what its sender saw, while a hostile one changes nothing but a note.
"""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from test_e2e_figures import TIME_THE_STOP

from pgcore.reader import ANCHOR, own_source
from pgcore.share import encode, pack_text

pytestmark = pytest.mark.e2e

GRID, CODE = "#grid", "#figure-2"

RECORD_VIOLATIONS = """
window.pgViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.pgViolations.push(event.effectiveDirective + " " + event.blockedURI);
}, true);
"""


def open_code(page, url):
    """Load the page, wait for both figures, and bring the code figure (and its editor) in."""
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(url)
    for figure in (GRID, CODE):
        page.wait_for_selector(f"{figure}[data-state='ready']", timeout=60_000)
    page.locator(CODE).scroll_into_view_if_needed()
    page.wait_for_selector(f"{CODE} .pg-editor .cm-content", timeout=20_000)


def editor_text(page):
    """What the editor holds."""
    return page.locator(f"{CODE} .cm-content").inner_text()


def replace_code(page, text):
    """Select everything in the editor and type text in its place, as a reader would paste."""
    page.locator(f"{CODE} .cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(text)


def probabilities(page):
    """The grid's policy table, its numbers only."""
    return page.eval_on_selector_all(
        f"{GRID} [data-pg='policy-table'] tbody tr",
        "rows => rows.map(r => Array.from(r.cells).slice(2, 6).map(c => c.textContent))",
    )


def steps(page, n):
    """Press the grid's Step n times and wait for the status to count them."""
    status = page.locator(f"{GRID} [data-pg='status']")
    before = int(re.match(r"([\d,]+)", status.text_content()).group(1).replace(",", ""))
    for _ in range(n):
        page.click(f"{GRID} [data-pg='step']")
    expect(status).to_contain_text(f"{before + 8 * n:,} rollouts")


def test_the_editor_loads_only_when_the_reader_comes_near_it_and_breaks_no_rule(page, code_url):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(code_url)
    page.wait_for_selector(f"{GRID}[data-state='ready']", timeout=60_000)
    assert not any("/editor." in url for url in requested), "not on the first load"
    page.locator(CODE).scroll_into_view_if_needed()
    page.wait_for_selector(f"{CODE} .pg-editor .cm-content", timeout=20_000)
    assert any("/editor." in url for url in requested)
    assert editor_text(page).startswith("def step_weights(rewards, pi_taken, gamma, b):")
    textbox = page.get_by_role("textbox", name="Python code of the update")
    assert textbox.count() == 1 and textbox.evaluate("e => e.closest('.cm-editor') !== null")
    assert page.evaluate("window.pgViolations") == []


def test_zero_weights_keep_the_policy_uniform_and_restore_brings_the_real_update_back(
    page, code_url
):
    open_code(page, code_url)
    replace_code(page, own_source().replace(ANCHOR, "        w[t] = 0.0\n"))
    page.click(f"{CODE} [data-pg='run']")
    expect(page.locator(f"{CODE} [data-pg='code-status']")).to_have_text(
        "Running your step_weights."
    )
    steps(page, 5)
    assert {p for row in probabilities(page) for p in row} == {"0.250"}
    page.click(f"{CODE} [data-pg='restore']")
    expect(page.locator(f"{CODE} .cm-content")).to_contain_text("w[t] = gamma**t * G_t - b")
    steps(page, 8)
    assert {p for row in probabilities(page) for p in row} != {"0.250"}
    assert page.evaluate("window.pgViolations") == []


def test_a_syntax_error_shows_its_line_and_the_grid_keeps_training(page, code_url):
    open_code(page, code_url)
    replace_code(page, "def step_weights(rewards, pi_taken, gamma, b):\n    return [1.0 for r in\n")
    page.click(f"{CODE} [data-pg='run']")
    error = page.locator(f"{CODE} [data-pg='code-error']")
    expect(error).to_be_visible()
    assert re.match(r"line [23]: SyntaxError", error.text_content()), error.text_content()
    steps(page, 3)
    assert {p for row in probabilities(page) for p in row} != {"0.250"}


def test_an_endless_loop_is_stopped_within_a_second_and_the_text_is_kept(page, code_url):
    open_code(page, code_url)
    endless = "def step_weights(rewards, pi_taken, gamma, b):\n    while True:\n        pass\n"
    replace_code(page, endless)
    page.click(f"{CODE} [data-pg='run']")  # the trial run never returns: Python is stuck
    page.wait_for_timeout(300)
    page.evaluate(TIME_THE_STOP)
    page.click(f"{CODE} [data-pg='stop']")
    page.wait_for_selector(f"{GRID}[data-state='loading']", timeout=5_000)
    times = page.evaluate("window.pgStop")
    assert (times["stopped"] - times["pressed"]) / 1000 < 1.0, times
    for figure in (GRID, CODE):
        page.wait_for_selector(f"{figure}[data-state='ready']", timeout=60_000)
    assert "while True" in editor_text(page), "the reader's text is kept"
    expect(page.locator(f"{CODE} [data-pg='code-status']")).to_contain_text("press Run")
    steps(page, 2)  # pgcore's own update trains the grid again
    page.click(f"{CODE} [data-pg='restore']")
    expect(page.locator(f"{CODE} .cm-content")).to_contain_text("w[t] = gamma**t * G_t - b")


def test_keyboard_only_editing(page, code_url):
    open_code(page, code_url)
    page.locator(f"{CODE} [data-pg='restore']").focus()
    page.keyboard.press("Shift+Tab")  # back into the editor
    page.keyboard.press("Shift+Tab")
    content = page.locator(f"{CODE} .cm-content")
    content.focus()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("x = 1")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # Tab indents inside the editor
    assert content.evaluate("e => e.contains(document.activeElement)")
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")  # Escape then Tab leaves it
    assert not content.evaluate("e => e.contains(document.activeElement)")
    focused = page.evaluate("document.activeElement.getAttribute('data-pg')")
    assert focused == "run"
    page.keyboard.press("Enter")  # Run, from the keyboard
    expect(page.locator(f"{CODE} [data-pg='code-status']")).to_have_text(
        "Running your step_weights."
    )


def test_a_link_rebuilds_the_same_figures_and_the_same_run_in_a_fresh_browser(
    browser, page, code_url
):
    open_code(page, code_url)
    page.locator(f"{GRID} [data-pg='algorithm']").select_option("ppo")
    page.locator(f"{GRID} [data-pg='lr']").fill("34")
    page.locator(f"{GRID} details").evaluate("d => { d.open = true; }")
    page.locator(GRID).get_by_role("button", name="Make (2, 0) the goal").click()
    page.click(f"{GRID} [data-pg-event='view'][value='trajectories']")
    expect(page.locator(f"{GRID} [data-pg='lr-out']")).to_have_text("\u03b1 = 0.5")
    expect(page).to_have_url(re.compile(r"#v=1&.*grid\.view=trajectories"))
    link = page.url
    context = browser.new_context()
    other = context.new_page()
    try:
        other.goto(link)
        other.wait_for_selector(f"{GRID}[data-state='ready']", timeout=60_000)
        assert other.input_value(f"{GRID} [data-pg='algorithm']") == "ppo"
        assert other.text_content(f"{GRID} [data-pg='lr-out']") == "\u03b1 = 0.5"
        assert other.is_checked(f"{GRID} [data-pg-event='view'][value='trajectories']")
        assert (
            other.get_attribute(
                f"{GRID} [data-pg='policy-table'] tbody tr:nth-child(7)", "data-role"
            )
            == "goal"
        )
        # The sender resets and steps as many times as the receiver: the same numbers.
        page.click(f"{GRID} [data-pg='reset']")
        steps(page, 4)
        steps(other, 4)
        assert probabilities(page) == probabilities(other)
        assert page.text_content(f"{GRID} [data-pg='status']") == other.text_content(
            f"{GRID} [data-pg='status']"
        )
        assert other.text_content(f"{GRID} [data-pg='link-note']") == ""
    finally:
        context.close()


def test_hostile_links_leave_a_note_and_run_nothing(browser, code_url):
    code = own_source().replace(ANCHOR, "        w[t] = 0.0  # from a stranger\n")
    links = {
        "100 KB": "#v=1&grid.mode=" + "x" * 100_000,
        "malformed": "#v=1&grid.lr=-5&grid.goal=banana&grid&=&%zz&nobody.seed=3",
        "with code": "#" + encode({"figure-2": {"code": pack_text(code)}, "grid": {"speed": "5"}}),
    }
    base = code_url.rstrip("/") + "/"
    for name, fragment in links.items():
        context = browser.new_context()
        page = context.new_page()
        errors = []
        page.on("console", lambda m, e=errors: m.type == "error" and e.append(m.text))
        page.on("pageerror", lambda error, e=errors: e.append(str(error)))
        try:
            page.goto(base + fragment)
            page.wait_for_selector(f"{GRID}[data-state='ready']", timeout=60_000)
            page.wait_for_selector(f"{CODE}[data-state='ready']", timeout=60_000)
            assert errors == [], (name, errors)
            if name == "with code":
                assert page.input_value(f"{GRID} [data-pg='speed']") == "5"
                page.locator(CODE).scroll_into_view_if_needed()
                expect(page.locator(f"{CODE} [data-pg='code-status']")).to_contain_text("press Run")
                steps(page, 3)  # the stranger's zero weights are not running
                assert {p for row in probabilities(page) for p in row} != {"0.250"}
                assert "from a stranger" in page.locator(f"{CODE} textarea").input_value()
            else:
                note = page.locator(f"{GRID} [data-pg='link-note']")
                expect(note).to_be_visible()
                assert note.text_content().startswith("From the link:"), note.text_content()
                assert page.text_content(f"{GRID} [data-pg='lr-out']") == "\u03b1 = 1"
            assert urlsplit(page.url).path == urlsplit(base).path
        finally:
            context.close()


def test_the_state_is_written_into_the_address_the_page_was_opened_at(page, code_url):
    # "//index.html" read as a relative URL names a host: the page must keep its own address.
    address = code_url.rstrip("/") + "//index.html"
    page.goto(address)
    page.wait_for_selector(f"{GRID}[data-state='ready']", timeout=60_000)
    page.click(f"{GRID} [data-pg-event='view'][value='trajectories']")
    expect(page).to_have_url(re.compile(re.escape(address) + r"#v=1&.*grid\.view=trajectories"))
