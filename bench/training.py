"""Training: throughput at the fastest speed, the main thread's frame work, and long tasks.

Each run opens the article, presses Train and records every animation-frame callback of the page
for a window at the default speed and then at the fastest, reading the figure's status line at
both ends of the fast window. The worker refreshes the status line five times a second, so each
reading waits for the next refresh and takes the time of that refresh. Then, in the same visit,
the figure goes through every speed in every mode (the sweep); the long tasks of the whole visit
after ready are counted. The same sweep runs on the bench's four-figure page with every figure
training. pgcore's CPython references are measured in the same run, right after the page closed.

Frame work is the time spent inside the page's requestAnimationFrame callbacks: where loader.js
applies the newest frame of each figure (frames.js) and painter.js draws its canvases. A frame is
late when it came more than half a vsync period after the one before (1.5 x 16.7 ms), that is,
when at least one vsync passed without a new frame.
"""

import statistics

from pgcore.figure import DEFAULT_SPEED, SPEEDS
from pgcore.figures.explainer import MODES

from .chromium import Visit, status_count
from .cpython import engine_rates, host_rate, trainer_rate
from .table import Figure, Target

VSYNC_MS = 1000 / 60
LATE_MS = 1.5 * VSYNC_MS
FASTEST = len(SPEEDS) - 1

STATUS_TIMEOUT_S = 5  # a running figure refreshes its status line five times a second
# Resolves at the figure's next status line with [time, text], or with null if none came.
READ_STATUS = """
const status = document.querySelector('#' + arg.id + ' [data-pg="status"]');
return new Promise((resolve) => {
  const observer = new MutationObserver(() => {
    observer.disconnect();
    resolve([performance.now(), status.textContent]);
  });
  observer.observe(status, { childList: true, characterData: true, subtree: true });
  setTimeout(() => { observer.disconnect(); resolve(null); }, arg.timeout);
});
"""
START_RECORD = "bench.stamps = []; bench.work = []; bench.recording = true;"
TAKE_RECORD = """
bench.recording = false;
const record = [bench.stamps, bench.work];
bench.stamps = []; bench.work = [];
return record;
"""


def measure_training(browser, article, figures_page, runs, window_s, dwell_s, log):
    """Train on the article and on the four-figure page `runs` times; return the figures.

    article and figures_page are (server, [FigureSpec]); dwell_s is the sweep's time per speed
    and mode.
    """
    server, (figure, *_) = article
    throughput = Figure(
        f"training throughput, {label(FASTEST)}", "/s", target=Target("ratio", ">=", 0.40)
    )
    paced = Figure(
        f"training throughput, {label(DEFAULT_SPEED)} (60 Hz: {60 * SPEEDS[DEFAULT_SPEED]}/s)", "/s"
    )
    versus_host = Figure("  same, against the CPython host loop", "/s")
    engine = Figure("  engine alone: Pyodide in Node vs CPython", "/s")
    work = {
        speed: Figure(f"frame work p95, {label(speed)}", "ms", target=Target("median", "<=", 4))
        for speed in (DEFAULT_SPEED, FASTEST)
    }
    late = {speed: Figure(f"  late frames, {label(speed)}", "%") for speed in work}
    long_tasks = Figure(
        "long tasks after ready, every speed and mode", "count", target=Target("max", "<=", 0)
    )
    many_tasks = Figure(
        "  same, four figures training at once", "count", target=Target("max", "<=", 0)
    )
    many_work = Figure("frame work p95, four figures, every speed and mode", "ms")
    many_late = Figure("  late frames, four figures", "%")

    for run in range(runs):
        with Visit(browser, server.url("index.html")) as visit:
            ready = visit.wait_ready()
            visit.wait(0.5)
            press_train(visit, [figure])
            rates = {}
            for speed in (DEFAULT_SPEED, FASTEST):
                rates[speed], frame_work, intervals = train_window(visit, figure, speed, window_s)
                work[speed].values.append(percentile(frame_work, 95))
                late[speed].values.append(100 * share(intervals, lambda i: i > LATE_MS))
                if rates[speed] is None:
                    (throughput if speed == FASTEST else paced).problems.append(
                        f"run {run + 1}: training stopped at {label(speed)}: no new status line "
                        f"for {STATUS_TIMEOUT_S} s"
                    )
            sweep(visit, [figure], dwell_s)
            tasks = after_ready(visit, ready, long_tasks)
            visit.check()

        many_server, many_figures = figures_page
        with Visit(browser, many_server.url("index.html")) as visit:
            ready = visit.wait_ready()
            visit.wait(0.5)
            press_train(visit, many_figures)
            visit.probe(START_RECORD)
            sweep(visit, many_figures, dwell_s)
            frame_work, intervals = per_frame(*visit.probe(TAKE_RECORD))
            many_work.values.append(percentile(frame_work, 95))
            many_late.values.append(100 * share(intervals, lambda i: i > LATE_MS))
            many = after_ready(visit, ready, many_tasks)
            visit.check()

        # The references, on this machine, right after the pages closed.
        reference = trainer_rate(figure.config, window_s)
        host = host_rate(figure, window_s)
        engine_pyodide, engine_cpython = engine_rates()
        if rates[DEFAULT_SPEED] is not None:
            paced.values.append(rates[DEFAULT_SPEED])
        if rates[FASTEST] is not None:
            throughput.values.append(rates[FASTEST])
            throughput.reference.append(reference)
            versus_host.values.append(rates[FASTEST])
            versus_host.reference.append(host)
        engine.values.append(engine_pyodide)
        engine.reference.append(engine_cpython)
        log(
            f"training {run + 1}/{runs}: page {rates[FASTEST] or 0:,.0f}/s "
            f"({rates[DEFAULT_SPEED] or 0:,.0f}/s at {label(DEFAULT_SPEED)}), CPython trainer "
            f"{reference:,.0f}/s, host loop {host:,.0f}/s, engine in Pyodide "
            f"{engine_pyodide / engine_cpython:.2f} of CPython; frame work p95 "
            f"{work[DEFAULT_SPEED].values[-1]:.1f} / {work[FASTEST].values[-1]:.1f} ms, "
            f"four figures {many_work.values[-1]:.1f} ms; long tasks after ready "
            f"{[round(d) for d in tasks]} ms, four figures {[round(d) for d in many]} ms"
        )
    return [
        throughput,
        versus_host,
        engine,
        paced,
        work[DEFAULT_SPEED],
        late[DEFAULT_SPEED],
        work[FASTEST],
        late[FASTEST],
        many_work,
        many_late,
        long_tasks,
        many_tasks,
    ]


def train_window(visit, figure, speed, window_s):
    """Train at speed for window_s after a warm-up: (rollouts/s, frame work, frame intervals).

    The rate is None if the status line stopped changing (training stopped).
    """
    set_speed(visit, [figure], speed)
    visit.wait(2)  # warm-up at this speed
    first = read_status(visit, figure)
    visit.probe(START_RECORD)
    visit.wait(window_s)
    frame_work, intervals = per_frame(*visit.probe(TAKE_RECORD))
    last = read_status(visit, figure)
    if first is None or last is None:
        return None, frame_work, intervals
    (start, count), (end, final) = first, last
    return (final - count) / (end - start) * 1000, frame_work, intervals


def read_status(visit, figure):
    """(time, rollout count) of the figure's next status line; None if none came in time."""
    reading = visit.probe(READ_STATUS, {"id": figure.id, "timeout": STATUS_TIMEOUT_S * 1000})
    return None if reading is None else (reading[0], status_count(reading[1]))


def press_train(visit, figures):
    """Press each figure's Train button."""
    for figure in figures:
        visit.page.locator(f'#{figure.id} [data-pg="train"]').click()


def set_speed(visit, figures, speed):
    """Move each figure's speed slider to a step of SPEEDS."""
    for figure in figures:
        visit.page.locator(f'#{figure.id} [data-pg="speed"]').fill(str(speed))


def sweep(visit, figures, dwell_s):
    """Train at every speed in every mode, dwell_s each, the figures running all along."""
    for speed in range(len(SPEEDS)):
        set_speed(visit, figures, speed)
        for mode in MODES:
            visit.probe("bench.setMode(arg);", mode)
            visit.wait(dwell_s)
    visit.probe("bench.setMode(arg);", MODES[0])


def after_ready(visit, ready, figure):
    """Add to figure the number of long tasks that started after ready; return their durations.

    If Chromium reports no long tasks at all, the figure says so instead of counting zero.
    """
    tasks = visit.long_tasks()
    if tasks is None:
        figure.problems.append("this Chromium does not report long tasks")
        tasks = []
    durations = [duration for start, duration in tasks if start > ready]
    figure.values.append(len(durations))
    return durations


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
    """How the table names a speed: rollouts per frame, or the unpaced fastest."""
    per_frame = SPEEDS[speed]
    return "fastest (unpaced)" if per_frame is None else f"{per_frame}/frame"
