"""The race: K seeds of each algorithm trained by the worker while the page keeps painting.

Each run opens the article, sets the race's budget to the largest the figure offers (so the race
lasts seconds, not one), presses Start and waits for the status line to say "Finished", recording
every animation-frame callback of the page meanwhile. The race's rate is every learner's
rollouts (seeds x algorithms x budget) over that time, in the page's clock, against the same
race run by pgcore's RaceFigure on CPython right after (train_for slices until it finishes: the
worker's work without the browser and without Pyodide). Whether the main thread stayed free: the
frames per second the page renders meanwhile (the probe's own frame loop, so it counts frames
whether or not the race has news), how many of them come late, the page's work per frame, the
long tasks after ready; and how often the race's picture changes (a race frame is due every
pgcore.figure.REFRESH_S while it runs).
"""

import time

from pgcore.figures import make_figure
from pgcore.settings import RaceSettings

from .chromium import Visit
from .site import BenchError
from .table import Figure, Target
from .training import (
    LATE_MS,
    START_RECORD,
    TAKE_RECORD,
    VSYNC_MS,
    after_ready,
    per_frame,
    percentile,
    share,
)

SLICE_S = 0.012  # as pgcore.host trains a freely training figure between two looks
# Resolves with performance.now() when the race's status line says it finished (null: timeout).
FINISHED = """
const status = document.querySelector('#' + arg.id + ' [data-pg="status"]');
return new Promise((resolve) => {
  const done = () => status.textContent.startsWith('Finished');
  if (done()) { resolve(performance.now()); return; }
  const observer = new MutationObserver(() => {
    if (done()) { observer.disconnect(); resolve(performance.now()); }
  });
  observer.observe(status, { childList: true, characterData: true, subtree: true });
  setTimeout(() => { observer.disconnect(); resolve(null); }, arg.timeout);
});
"""
RACE_TIMEOUT_S = 300


def measure_race(browser, server, figures, runs, log):
    """Run the article's race `runs` times; return the figures ([] and a note without a race)."""
    race = next((figure for figure in figures if figure.kind == "race"), None)
    if race is None:
        log("the article has no race figure: the race is not measured")
        return []
    budget = RaceSettings.bounds("budget")[1]
    config = race.config | {"budget": budget}
    shape = make_figure("race", config)
    learners = shape.seeds * len(shape.algorithms)
    name = f"race, {learners} learners x {budget:,} rollouts"
    rate = Figure(f"{name}: rollouts/s against CPython", "/s")
    vsync_hz = 1000 / VSYNC_MS
    fps = Figure(
        "  page's frame rate during the race", "/s", target=Target("median", ">=", 0.9 * vsync_hz)
    )
    late = Figure("  late frames during the race", "%")
    updates = Figure("  race frames painted per second", "/s")
    work = Figure("  frame work p95 during the race", "ms", target=Target("median", "<=", 4))
    tasks = Figure("  long tasks after ready, race", "count", target=Target("max", "<=", 0))
    for run in range(runs):
        with Visit(browser, server.url("index.html")) as visit:
            ready = visit.wait_ready()
            visit.page.locator(f'#{race.id} [data-pg="budget"]').fill(str(budget))
            visit.page.locator(f'#{race.id} [data-pg="status"]').filter(
                has_text=f"{budget:,} rollouts each"
            ).wait_for()
            visit.probe(START_RECORD + "bench.watchFrames();")
            started = visit.probe("return performance.now();")
            visit.page.locator(f'#{race.id} [data-pg="train"]').click()
            finished = visit.probe(FINISHED, {"id": race.id, "timeout": RACE_TIMEOUT_S * 1000})
            beats = visit.probe("return bench.beats;")
            frame_work, _ = per_frame(*visit.probe(TAKE_RECORD))
            if finished is None:
                raise BenchError(f"the race did not finish within {RACE_TIMEOUT_S} s")
            seconds = (finished - started) / 1000
            rate.values.append(learners * budget / seconds)
            intervals = [b - a for a, b in zip(beats, beats[1:], strict=False)]
            fps.values.append(1000 * len(intervals) / sum(intervals) if intervals else 0.0)
            late.values.append(100 * share(intervals, lambda i: i > LATE_MS))
            updates.values.append(len(frame_work) / seconds)
            work.values.append(percentile(frame_work, 95))
            durations = after_ready(visit, ready, tasks)
            visit.check()
        rate.reference.append(cpython_race_rate(config))
        log(
            f"race {run + 1}/{runs}: {rate.values[-1]:,.0f} rollouts/s in the page "
            f"({seconds:.1f} s), CPython {rate.reference[-1]:,.0f}/s; page {fps.values[-1]:.0f} "
            f"frames/s ({late.values[-1]:.0f} % late), race frames {updates.values[-1]:.1f}/s, "
            f"frame work p95 {work.values[-1]:.1f} ms; long tasks after ready "
            f"{[round(d) for d in durations]} ms"
        )
    return [rate, fps, late, updates, work, tasks]


def cpython_race_rate(config):
    """Every learner's rollouts per second of the same race run by RaceFigure on CPython."""
    figure = make_figure("race", config, False)
    figure.handle({"name": "train"})
    start = time.perf_counter()
    while figure.running:
        figure.train_for(SLICE_S)
    seconds = time.perf_counter() - start
    return figure.race.rollouts * figure.seeds * len(figure.race.algorithms) / seconds
