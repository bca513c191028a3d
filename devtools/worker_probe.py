"""Watch the figures' worker from outside: its Python and its wasm memory (worker_probe.js)."""

from pathlib import Path

PROBE = (Path(__file__).with_name("worker_probe.js")).read_text(encoding="utf-8")

# (wasm memory bytes, Python objects) after a full collection of Python's garbage.
READING = """() => [
  Math.max(0, ...self.pgProbe.memories.map((memory) => memory.buffer.byteLength)),
  self.pgProbe.pyodide.runPython("import gc; gc.collect(); len(gc.get_objects())"),
]"""


def watch_workers(page):
    """Install the probe in every worker the page starts, before its Python does."""
    page.on("worker", lambda worker: worker.evaluate(PROBE))


def worker_reading(page):
    """(wasm bytes, Python objects) of the page's one worker; fails if the probe missed it."""
    (worker,) = page.workers
    ready = worker.evaluate("() => !!(self.pgProbe && self.pgProbe.pyodide)")
    if not ready:
        raise RuntimeError("the worker probe was installed after Pyodide started")
    return worker.evaluate(READING)
