"""Memory before and after 10,000 frames of training with mode switches.

A leak shows as growth that a garbage collection does not take back: in the page, a listener
added per frame or per mode switch, DOM nodes or canvases kept; in the worker, Python objects
kept per frame (the wasm memory grows when Python's heap needs more pages, and never shrinks).
So: open the article, press Train at the fastest speed, go through every mode once (first-use
allocations: code, caches, the deques filling up), then take the "before" reading; train 10,000
more frames switching mode every 500 frames; pause in the mode the reading was taken in and take
the "after" reading. A frame is an animation frame in which the page applied a frame from the
worker.

The fastest speed, not the default: at a paced speed the figure stops sending frames once its
policy has settled (pgcore.host sleeps with the page's request for a frame pending when a frame
has no news; see bench/ANALYSIS.md), so 10,000 frames never come.

Page: performance.memory.usedJSHeapSize (exact with --enable-precise-memory-info) after two full
collections (DevTools' HeapProfiler.collectGarbage). Worker (devtools.worker_probe): the byte
length of Pyodide's wasm memory, and len(gc.get_objects()), both after Python's gc.collect().
"""

from devtools.worker_probe import worker_reading
from pgcore.figure import SPEEDS
from pgcore.figures.explainer import MODES

from .chromium import Visit
from .table import Figure, Target

SWITCH_EVERY = 500
SPEED = len(SPEEDS) - 1  # the fastest
MiB = 1024 * 1024


def measure_memory(browser, server, figure, runs, frames, log):
    """Train `frames` frames with mode switches `runs` times; return the figures."""
    heap = Figure("JS heap growth, page", "MB", target=Target("max", "<=", 2))
    wasm = Figure("wasm memory growth, worker", "MB", target=Target("max", "<=", 2))
    objects = Figure("Python objects growth, worker", "count")
    for run in range(runs):
        with Visit(browser, server.url("index.html")) as visit:
            visit.wait_ready()
            cdp = visit.context.new_cdp_session(visit.page)
            visit.page.locator(f'#{figure.id} [data-pg="speed"]').fill(str(SPEED))
            train = visit.page.locator(f'#{figure.id} [data-pg="train"]')
            train.click()
            run_frames(visit, len(MODES) * 100, 100)  # warm-up: each mode once
            set_running(visit, figure, train, False)
            before = reading(visit, cdp)
            set_running(visit, figure, train, True)
            run_frames(visit, frames, SWITCH_EVERY)
            set_running(visit, figure, train, False)
            after = reading(visit, cdp)
            visit.check()
        heap.values.append((after[0] - before[0]) / MiB)
        wasm.values.append((after[1] - before[1]) / MiB)
        objects.values.append(after[2] - before[2])
        log(
            f"memory {run + 1}/{runs}: JS heap {before[0] / MiB:.1f} -> {after[0] / MiB:.1f} MB, "
            f"wasm {before[1] / MiB:.1f} -> {after[1] / MiB:.1f} MB, "
            f"Python objects {before[2]:,} -> {after[2]:,}"
        )
    return [heap, wasm, objects]


def run_frames(visit, frames, every):
    """Let the page train `frames` frames, switching mode every `every`, ending in policy."""
    visit.probe(
        "bench.cycle = {every: arg.every, modes: arg.modes, frames: 0};",
        {"every": every, "modes": list(MODES)},
    )
    # Allow for frames at a quarter of 60 Hz before giving up.
    visit.page.wait_for_function(
        f"() => window.__pgBench.cycle.frames >= {frames}",
        timeout=max(60_000, frames / 15 * 1000),
        polling=500,
    )
    visit.probe(f"bench.cycle = null; bench.setMode('{MODES[0]}');")


def set_running(visit, figure, train, running):
    """Press Train or Pause so that training is on (running) or off, and let frames pass."""
    if (visit.page.locator(f"#{figure.id}").get_attribute("data-running") == "true") != running:
        train.click()
    visit.page.wait_for_function(
        f"() => document.getElementById('{figure.id}').dataset.running === '{str(running).lower()}'"
    )
    visit.wait(0.3)


def reading(visit, cdp):
    """(page's JS heap bytes, worker's wasm bytes, Python objects) after collecting garbage."""
    wasm, python_objects = worker_reading(visit.page)
    for _ in range(2):
        cdp.send("HeapProfiler.collectGarbage")
    return visit.probe("return performance.memory.usedJSHeapSize;"), wasm, python_objects
