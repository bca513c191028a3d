"""Figures 3 and 4: training throughput in the page, and the frame budget while training.

Each run opens the page, presses Train and records every animation-frame callback for a window at
the default speed and then at the fastest, reading the status line's rollout count at both ends
of the fast window. The page refreshes the status line a few times a second, so each reading
waits for the next refresh and takes the time of that refresh. pgcore's CPython references are
measured in the same run, right after.

Frame work is the time spent inside the frame's requestAnimationFrame callbacks: the Python frame
(train, scenes, status) and the canvas drawing it calls. A frame is late when it came more than
half a vsync period after the one before (1.5 x 16.7 ms), that is, when at least one vsync passed
without a new frame; with vsync-aligned timestamps any cut-off between 16.7 and 33 ms counts the
same frames, while one at exactly 16.7 would count the timer's jitter.
"""

import statistics

from pgcore.explainer import SPEEDS

from .chromium import Visit, status_count
from .cpython import engine_rates, frame_loop, trainer_rate
from .table import Figure, Target

VSYNC_MS = 1000 / 60
LATE_MS = 1.5 * VSYNC_MS
DEFAULT_SPEED = 3  # pgcore.explainer.Explainer's initial speed (8 rollouts per frame)
FASTEST = len(SPEEDS) - 1

# Resolves at the status line's next refresh with [time, text].
READ_STATUS = """
const status = document.querySelector('[data-widget] [data-pg="status"]');
return new Promise((resolve) => {
  const observer = new MutationObserver(() => {
    observer.disconnect();
    resolve([performance.now(), status.textContent]);
  });
  observer.observe(status, { childList: true, characterData: true, subtree: true });
});
"""
TAKE_RECORD = """
bench.recording = false;
const record = [bench.stamps, bench.work];
bench.stamps = []; bench.work = [];
return record;
"""


def measure_training(browser, server, config, runs, window_s, log):
    """Train in the page and on CPython `runs` times; return the figures."""
    throughput = Figure(
        f"training throughput, {label(FASTEST)}", "/s", target=Target("ratio", ">=", 0.5)
    )
    versus_loop = Figure("  same, against the CPython frame loop", "/s")
    work = {
        speed: Figure(f"frame work p95, {label(speed)}", "ms", target=Target("median", "<=", 8))
        for speed in (DEFAULT_SPEED, FASTEST)
    }
    late = {speed: Figure(f"late frames, {label(speed)}", "%") for speed in work}
    long_tasks = Figure("long tasks after ready", "count", target=Target("max", "<=", 0))
    cpython_work = Figure(f"CPython frame work p95, {label(FASTEST)}", "ms")
    engine = Figure("  engine alone: Pyodide in Node vs CPython", "/s")

    for run in range(runs):
        with Visit(browser, server.url("index.html")) as visit:
            ready = visit.wait_ready()
            visit.wait(0.5)
            visit.page.locator('[data-widget] [data-pg="train"]').click()
            rates = {}
            for speed in (DEFAULT_SPEED, FASTEST):
                visit.page.locator('[data-widget] [data-pg="speed"]').fill(str(speed))
                visit.wait(2)  # warm-up at this speed
                start, first = visit.probe(READ_STATUS)
                visit.probe("bench.stamps = []; bench.work = []; bench.recording = true;")
                visit.wait(window_s)
                stamps, durations = visit.probe(TAKE_RECORD)
                end, last = visit.probe(READ_STATUS)
                rates[speed] = (status_count(last) - status_count(first)) / (end - start) * 1000
                frame_work, intervals = per_frame(stamps, durations)
                work[speed].values.append(percentile(frame_work, 95))
                late[speed].values.append(100 * share(intervals, lambda i: i > LATE_MS))
            tasks = visit.probe("return bench.longTasks;")
            visit.check()
        after_ready = [task for task in tasks if task[0] > ready] if tasks is not None else []
        long_tasks.values.append(len(after_ready))
        if tasks is None:
            long_tasks.problems.append("this Chromium does not report long tasks")

        # The references, on this machine, right after the page closed.
        reference = trainer_rate(config, window_s)
        loop_rate, loop_ms = frame_loop(config, window_s)
        throughput.values.append(rates[FASTEST])
        throughput.reference.append(reference)
        versus_loop.values.append(rates[FASTEST])
        versus_loop.reference.append(loop_rate)
        cpython_work.values.append(percentile(loop_ms, 95))
        engine_pyodide, engine_cpython = engine_rates()
        engine.values.append(engine_pyodide)
        engine.reference.append(engine_cpython)
        log(
            f"training {run + 1}/{runs}: page {rates[FASTEST]:,.0f}/s "
            f"({rates[DEFAULT_SPEED]:,.0f}/s at {label(DEFAULT_SPEED)}), CPython trainer "
            f"{reference:,.0f}/s, frame loop {loop_rate:,.0f}/s, engine in Pyodide "
            f"{engine_pyodide / engine_cpython:.2f} of CPython; frame work p95 "
            f"{work[DEFAULT_SPEED].values[-1]:.1f} / {work[FASTEST].values[-1]:.1f} ms "
            f"(CPython {cpython_work.values[-1]:.1f} ms); "
            f"long tasks {[round(task[1]) for task in after_ready]} ms"
        )
    return [
        throughput,
        versus_loop,
        engine,
        work[DEFAULT_SPEED],
        late[DEFAULT_SPEED],
        work[FASTEST],
        late[FASTEST],
        cpython_work,
        long_tasks,
    ]


def per_frame(stamps, durations):
    """(work per frame, intervals between frames): callbacks of one frame share its timestamp."""
    frames = {}
    for stamp, duration in zip(stamps, durations, strict=True):
        frames[stamp] = frames.get(stamp, 0.0) + duration
    times = sorted(frames)
    return [frames[t] for t in times], [b - a for a, b in zip(times, times[1:], strict=False)]


def percentile(values, q):
    """The q-th percentile (inclusive method), or 0 without values."""
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def share(values, predicate):
    """The fraction of values for which predicate holds."""
    return sum(1 for v in values if predicate(v)) / len(values) if values else 0.0


def label(speed):
    """How the table names a speed: rollouts per frame, or the time-budgeted fastest."""
    per_frame = SPEEDS[speed]
    return "fastest (frame budget)" if per_frame is None else f"{per_frame}/frame"
