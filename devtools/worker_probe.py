"""Watch the figures' worker from outside: its Python and its wasm memory (worker_probe.js)."""

import json
from pathlib import Path

PROBE = (Path(__file__).with_name("worker_probe.js")).read_text(encoding="utf-8")

# A page init script that starts every classic worker with the probe. The page's Worker
# constructor gets a script that runs the probe and then the worker's own code, unchanged: for a
# blob: worker made from text (the figures' worker), the same text, remembered when the page made
# the Blob (a page opened from disk may not load its own blob: URLs into a new worker); for a
# script of the site, an importScripts of it.
PROBE_FIRST = r"""((probe) => {
  const texts = new WeakMap();  // Blob -> the strings it was made of
  const urls = new Map();  // blob: URL -> those strings
  const PageBlob = self.Blob;
  self.Blob = function (parts, options) {
    const blob = Reflect.construct(PageBlob, [parts, options], new.target || PageBlob);
    if (Array.isArray(parts) && parts.every((part) => typeof part === "string")) {
      texts.set(blob, parts);
    }
    return blob;
  };
  self.Blob.prototype = PageBlob.prototype;
  const createObjectURL = URL.createObjectURL;
  URL.createObjectURL = function (object) {
    const url = createObjectURL.call(URL, object);
    if (texts.has(object)) urls.set(url, texts.get(object));
    return url;
  };
  const PageWorker = self.Worker;
  self.Worker = function (url, options) {
    if (!options || options.type !== "module") {
      const own = urls.get(String(url)) ||
        ["importScripts(" + JSON.stringify(new URL(url, location.href).href) + ");"];
      const source = new PageBlob([probe, "\n", ...own], { type: "text/javascript" });
      url = createObjectURL.call(URL, source);
    }
    return Reflect.construct(PageWorker, [url, options], new.target || PageWorker);
  };
  self.Worker.prototype = PageWorker.prototype;
})(%s);"""

# (wasm memory bytes, Python objects) after a full collection of Python's garbage.
READING = """() => [
  Math.max(0, ...self.pgProbe.memories.map((memory) => memory.buffer.byteLength)),
  self.pgProbe.pyodide.runPython("import gc; gc.collect(); len(gc.get_objects())"),
]"""


def probe_workers_first(page):
    """Install the probe in every classic worker the page starts, before the worker's script.

    Installing it from Playwright's "worker" event instead loses the race with a worker that
    starts Pyodide before the event is handled (seen on a loaded machine: the probe then finds
    loadPyodide already defined). Call it before the page is opened.
    """
    page.add_init_script(PROBE_FIRST % json.dumps(PROBE))


def worker_reading(page):
    """(wasm bytes, Python objects) of the page's one worker; fails if the probe missed it."""
    (worker,) = page.workers
    ready = worker.evaluate("() => !!(self.pgProbe && self.pgProbe.pyodide)")
    if not ready:
        raise RuntimeError("the worker probe was installed after Pyodide started")
    return worker.evaluate(READING)


def worker_boot(page):
    """(loadPyodide called, resolved) in the page's one worker, in ms of the page's clock.

    Either is None until it happened; both are None if the probe missed the worker.
    """
    (worker,) = page.workers
    boot, origin = worker.evaluate(
        "() => [self.pgProbe && self.pgProbe.boot, performance.timeOrigin]"
    )
    if not boot:
        return None, None
    shift = origin - page.evaluate("performance.timeOrigin")
    return tuple(None if t is None else t + shift for t in boot)
