"""Figure 5: memory before and after 10,000 frames of training with mode switches.

A leak at the browser boundary (a proxy created per frame and never destroyed, a listener added
per mode switch) shows as growth that a garbage collection does not take back. So: load the page,
train through every mode once (first-use allocations: code, caches, the deques filling up), then
take the "before" reading; train 10,000 more frames switching mode every 500 frames; pause in the
mode the reading was taken in and take the "after" reading. Each reading follows Python's
gc.collect() and two full JS collections (DevTools' HeapProfiler.collectGarbage).

JS heap: performance.memory.usedJSHeapSize (exact with --enable-precise-memory-info). Wasm memory:
the byte length of Pyodide's linear memory; it never shrinks, so growth there means Python's heap
needed more pages. Python objects: len(gc.get_objects()), the count a leaked proxy keeps alive.
"""

from .chromium import Visit
from .table import Figure, Target

MODES = ("policy", "trajectories", "continuous")
SWITCH_EVERY = 500
MiB = 1024 * 1024

READING = """
return [
  performance.memory.usedJSHeapSize,
  bench.wasmBytes(),
  bench.pyodide.runPython("import gc; gc.collect(); len(gc.get_objects())"),
];
"""


def measure_memory(browser, server, runs, frames, log):
    """Train `frames` frames with mode switches `runs` times; return the figures."""
    heap = Figure("JS heap growth", "MB", target=Target("max", "<=", 2))
    wasm = Figure("wasm memory growth", "MB", target=Target("max", "<=", 2))
    objects = Figure("Python objects growth", "count")
    for run in range(runs):
        with Visit(browser, server.url("index.html")) as visit:
            visit.wait_ready()
            cdp = visit.context.new_cdp_session(visit.page)
            train = visit.page.locator('[data-widget] [data-pg="train"]')
            train.click()
            run_frames(visit, len(MODES) * 100, 100)  # warm-up: each mode once
            set_running(visit, train, False)
            before = reading(visit, cdp)
            set_running(visit, train, True)
            run_frames(visit, frames, SWITCH_EVERY)
            set_running(visit, train, False)
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
    visit.probe("bench.cycle = null; bench.setMode('policy');")


def set_running(visit, train, running):
    """Press Train or Pause so that training is on (running) or off, and let a frame pass."""
    if (visit.page.locator("[data-widget]").get_attribute("data-running") == "true") != running:
        train.click()
    visit.wait(0.2)


def reading(visit, cdp):
    """(JS heap bytes, wasm memory bytes, Python objects) after collecting garbage everywhere."""
    visit.probe("bench.pyodide.runPython('import gc; gc.collect()');")
    for _ in range(2):
        cdp.send("HeapProfiler.collectGarbage")
    return visit.probe(READING)
