"""The race in Chromium: it starts, fills its table, climbs, and stops when told, at once.

The fixture page (tests/fixtures/race) holds one race of 16 seeds of three algorithms to 5,000
rollouts per seed. Everything is read as the reader gets it: the table's text, the status line,
the chart's pixels, and when the Stop button turned back into Start.
"""

import re

import pytest
from conftest import ROOT, built_fixture, serving
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

# The page's own patience: a Stop the worker leaves unanswered this long restarts the worker.
INTERRUPT_MS = int(
    re.search(
        r"INTERRUPT_MS = (\d+);",
        (ROOT / "site_templates" / "assets" / "loader.js").read_text(encoding="utf-8"),
    ).group(1)
)
RACING = ("REINFORCE with baseline", "Actor-critic", "PPO")

# Record, in the page, when Stop was pressed, when its button said Start again, and every state
# the figure went through (a restarted worker would show as "loading").
WATCH = """() => {
  const root = document.getElementById("race");
  const button = root.querySelector("[data-pg='train']");
  const watch = window.raceWatch = {clicked: null, answered: null, states: []};
  button.addEventListener("click", () => { watch.clicked = performance.now(); }, true);
  new MutationObserver(() => {
    if (watch.clicked !== null && watch.answered === null && button.textContent === "Start") {
      watch.answered = performance.now();
    }
  }).observe(button, {childList: true, characterData: true, subtree: true});
  new MutationObserver(() => watch.states.push(root.dataset.state))
    .observe(root, {attributes: true, attributeFilter: ["data-state"]});
}"""

# How many pixels of the chart are close to each algorithm's colour.
PIXELS = """() => {
  const canvas = document.querySelector("#race canvas[data-pg='chart']");
  const style = getComputedStyle(canvas);
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  const probe = document.createElement("canvas").getContext("2d");
  const counts = {};
  for (const role of ["reinforce", "reinforce-baseline", "actor-critic", "ppo"]) {
    probe.fillStyle = style.getPropertyValue("--pg-" + role).trim();
    probe.fillRect(0, 0, 1, 1);
    const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      const off = Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b);
      if (off < 30) { n++; }
    }
    counts[role] = n;
  }
  return counts;
}"""


@pytest.fixture(scope="module")
def race_url(tmp_path_factory, runtime_dir):
    """The race fixture built and served."""
    with serving(built_fixture(tmp_path_factory, "race")) as url:
        yield url


def table(page):
    """The race table's rows as the reader reads them: {algorithm: (mean J, band, rollouts)}."""
    rows = page.eval_on_selector_all(
        "#race [data-pg='race-table'] tbody tr",
        "rows => rows.map(r => Array.from(r.cells).map(c => c.textContent))",
    )
    return {
        name: (float(mean), float(band.lstrip("\u00b1 ")), int(count.replace(",", "")))
        for name, mean, band, count in rows
    }


def status(page):
    return page.text_content("#race [data-pg='status']")


def test_the_race_fills_its_table_climbs_and_stops_at_once(page, race_url):
    page.goto(race_url)
    page.wait_for_selector("#race[data-state='ready']", timeout=60_000)
    assert table(page) == {} and status(page).startswith("Not started")
    page.evaluate(WATCH)
    page.click("#race [data-pg='train']")
    expect(page.locator("#race [data-pg='train']")).to_have_text("Stop")
    page.wait_for_function(
        "() => /^Racing · ([1-9]\\d{2,}|[6-9]\\d)/.test("
        "document.querySelector(\"#race [data-pg='status']\").textContent)"
    )
    assert list(table(page)) == list(RACING)
    page.click("#race [data-pg='train']")  # Stop
    page.wait_for_function("() => window.raceWatch.answered !== null", timeout=5_000)
    watch = page.evaluate("() => window.raceWatch")
    answered_ms = watch["answered"] - watch["clicked"]
    assert answered_ms < INTERRUPT_MS, f"Stop answered after {answered_ms:.0f} ms"
    stopped, early = status(page), table(page)
    assert stopped.startswith("Stopped")
    page.wait_for_timeout(800)
    assert status(page) == stopped and table(page) == early, "the race went on after Stop"
    assert "loading" not in page.evaluate("() => window.raceWatch.states"), "worker restarted"
    counts = {name: rollouts for name, (_, _, rollouts) in early.items()}
    assert len(set(counts.values())) == 1 and 0 < counts["PPO"] < 5000, counts
    # Start again: it goes on from where it stopped, to the finish, every algorithm higher.
    page.click("#race [data-pg='train']")
    page.wait_for_function(
        "() => /^Finished/.test(document.querySelector(\"#race [data-pg='status']\").textContent)",
        timeout=120_000,
    )
    final = table(page)
    for name in RACING:
        assert final[name][2] == 5000
        assert final[name][0] > early[name][0] + 2 * final[name][1], (name, early, final)
    assert re.search(r"· [\d,]+ rollouts/s over 48 learners$", status(page)), status(page)
    pixels = page.evaluate(PIXELS)
    assert all(pixels[role] > 100 for role in ("reinforce-baseline", "actor-critic", "ppo"))
    assert pixels["reinforce"] == 0, pixels  # not racing: none of its colour


def test_the_controls_set_up_the_next_race(page, race_url):
    page.goto(race_url)
    page.wait_for_selector("#race[data-state='ready']", timeout=60_000)
    page.check("#race [data-pg='algorithm-reinforce']")
    page.locator("#race [data-pg='seeds']").fill("4")
    page.locator("#race [data-pg='budget']").fill("300")
    expect(page.locator("#race [data-pg='status']")).to_have_text(
        "Not started \u00b7 4 algorithms \u00d7 4 seeds, 300 rollouts each"
    )
    page.click("#race [data-pg='train']")
    expect(page.locator("#race [data-pg='status']")).to_contain_text(
        "Finished \u00b7 300 of 300", timeout=60_000
    )
    assert list(table(page)) == ["REINFORCE", *RACING]
    for name in ("reinforce", "reinforce_baseline", "actor_critic"):
        page.uncheck(f"#race [data-pg='algorithm-{name}']")
    expect(page.locator("#race [data-pg='algorithm-ppo']")).to_be_disabled()
    expect(page.locator("#race [data-pg='status']")).to_have_text(
        "Not started \u00b7 1 algorithm \u00d7 4 seeds, 300 rollouts each"
    )
    page.check("#race [data-pg='algorithm-actor_critic']")
    expect(page.locator("#race [data-pg='algorithm-ppo']")).to_be_enabled()
