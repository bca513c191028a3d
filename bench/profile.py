"""Where the time goes: `python -m bench.profile [--boot | --sweep | --speed N] [--seconds 5]`.

The suite says whether a target is met; this says why not. With a Chromium performance trace of
the article (DevTools can open DIR/trace.json):
- --boot: a first visit from navigation to ready. It prints the long tasks of the main thread
  and, for the main thread and the figures' worker, the self time of the trace's events (the
  time inside an event and not inside an event it contains): script evaluation, synchronous
  loads, decompression, digests, wasm compilation, style, layout and paint.
- --sweep: the suite's sweep (every speed in every mode, --seconds each) on the bench's
  four-figure page, every figure training. It prints the main thread's long tasks with their
  wall time and the thread's own CPU time in them, and what filled them: a long task with little
  CPU time is one in which the main thread waited (descheduled on a busy machine, or waiting for
  the compositor), not one in which the page worked.
- --speed N (default: the fastest): a window of training at that step of SPEEDS. It prints the
  main thread's time per frame, split into the animation-frame callback (applying the worker's
  frames and painting the canvases), style and layout, paint, layer update and commit, the long
  tasks, and the same self times per thread; then cProfile of pgcore.host training the same
  figure on CPython, for the Python side by function name (the trace names wasm, not Python).
"""

import argparse
import bisect
import collections
import cProfile
import json
import pstats
import statistics
import sys
import tempfile
from pathlib import Path

from pgcore.figure import SPEEDS

from .chromium import Visit, chromium
from .cpython import host_rate
from .site import build_sites, page_figures, servers
from .training import press_train, sweep

TRACE_CATEGORIES = [
    "devtools.timeline",
    "disabled-by-default-devtools.timeline",
    "benchmark",  # ProxyMain::BeginMainFrame, DoUpdateLayers: the frame and its canvas upload
    "blink",
    "cc",
    "loading",
    "v8",
    "v8.execute",
    "disabled-by-default-v8.cpu_profiler",  # JS and wasm samples of every thread
]
PHASES = (
    ("FireAnimationFrame", "rAF callback (frames applied, canvases painted)"),
    ("UpdateLayoutTree", "style"),
    ("Layout", "layout"),
    ("PrePaint", "pre-paint"),
    ("Paint", "paint"),
    ("LayerTreeHost::DoUpdateLayers", "update layers (canvas upload)"),
    ("Commit", "commit to the compositor"),
)
# Events that only wrap others; a long task is described by what is inside them.
WRAPPERS = {"RunTask", "ThreadControllerImpl::RunTask", "ProxyMain::BeginMainFrame"}
THREADS = (("CrRendererMain", "main thread"), ("DedicatedWorker thread", "the figures' worker"))


def record(browser, url, out, mode, speed, seconds, figures=()):
    """Trace a boot, a sweep of figures, or training at speed; return the trace's events."""
    with Visit(browser, "about:blank", watch_worker=False) as visit:
        if mode == "boot":
            browser.start_tracing(
                page=visit.page, path=out / "trace.json", categories=TRACE_CATEGORIES
            )
            visit.page.goto(url)
            visit.wait_ready()
        elif mode == "sweep":
            visit.page.goto(url)
            visit.wait_ready()
            press_train(visit, figures)
            browser.start_tracing(
                page=visit.page, path=out / "trace.json", categories=TRACE_CATEGORIES
            )
            sweep(visit, figures, seconds)
        else:
            visit.page.goto(url)
            visit.wait_ready()
            figure = visit.page.locator("[data-widget]").first
            figure.locator('[data-pg="train"]').click()
            figure.locator('[data-pg="speed"]').fill(str(speed))
            visit.wait(3)
            browser.start_tracing(
                page=visit.page, path=out / "trace.json", categories=TRACE_CATEGORIES
            )
            visit.wait(seconds)
        browser.stop_tracing()
        visit.check()
    trace = json.loads((out / "trace.json").read_text())
    return trace["traceEvents"] if isinstance(trace, dict) else trace


def thread_names(events):
    """{(pid, tid): thread name} from the trace's metadata."""
    return {
        (e["pid"], e["tid"]): e["args"]["name"]
        for e in events
        if e.get("ph") == "M" and e.get("name") == "thread_name"
    }


def threads(events):
    """{thread name: (its complete ("X") events in time order, its JS samples)} for THREADS."""
    names = thread_names(events)
    found = {}
    for wanted, _ in THREADS:
        keys = [key for key, name in names.items() if name == wanted]
        if not keys:
            continue
        busiest = max(keys, key=lambda key: sum(1 for e in events if (e["pid"], e["tid"]) == key))
        spans = sorted(
            (e for e in events if (e.get("pid"), e.get("tid")) == busiest and e.get("ph") == "X"),
            key=lambda e: (e["ts"], -e.get("dur", 0)),
        )
        found[wanted] = (spans, js_self_times(events, busiest))
    return found


def js_self_times(events, thread):
    """ms of JS and wasm self time per function on one thread, from V8's sampling profiler."""
    profile = next(
        (e.get("id") for e in events if e["name"] == "Profile" and (e["pid"], e["tid"]) == thread),
        None,
    )
    frames, own = {}, collections.Counter()
    for chunk in (e for e in events if e["name"] == "ProfileChunk" and e.get("id") == profile):
        data = chunk["args"]["data"]
        for node in data.get("cpuProfile", {}).get("nodes", []):
            call = node["callFrame"]
            where = call.get("url", "").rsplit("/", 1)[-1][:40]
            frames[node["id"]] = f"{call.get('functionName') or '(anonymous)'}  {where}".rstrip()
        samples = data.get("cpuProfile", {}).get("samples", [])
        for sample, delta in zip(samples, data.get("timeDeltas", []), strict=False):
            own[sample] += delta / 1e3
    by_name = collections.Counter()
    for node, ms in own.items():
        by_name[frames.get(node, f"node {node}")] += ms
    return by_name


def self_times(events):
    """ms of self time per event name: an event's time minus that of the events inside it."""
    own = collections.Counter()
    stack = []  # (end, name) of the events that contain the current one
    for event in events:
        start, duration = event["ts"], event.get("dur", 0)
        while stack and stack[-1][0] <= start:
            stack.pop()
        if stack:
            own[stack[-1][1]] -= duration / 1e3
        own[event["name"]] += duration / 1e3
        stack.append((start + duration, event["name"]))
    return own


class Spans:
    """The main thread's events by name, to add up one name's time inside a task quickly."""

    def __init__(self, events):
        self.starts, self.durations = collections.defaultdict(list), collections.defaultdict(list)
        for event in events:  # already in time order
            self.starts[event["name"]].append(event["ts"])
            self.durations[event["name"]].append(event.get("dur", 0))

    def within(self, task, name):
        """ms spent in events called name that start inside task."""
        starts = self.starts[name]
        first = bisect.bisect_left(starts, task["ts"])
        last = bisect.bisect_left(starts, task["ts"] + task["dur"])
        return sum(self.durations[name][first:last]) / 1e3


def report_frames(main):
    """Print the main thread's per-frame phases."""
    spans = Spans(main)
    frames = [e for e in main if e["name"] == "ProxyMain::BeginMainFrame"]
    print(f"{len(frames)} frames; {'phase per frame':40}{'median':>9}{'p95':>9}{'max':>9}  (ms)")
    for name, label in (("ProxyMain::BeginMainFrame", "whole frame"), *PHASES):
        values = sorted(spans.within(frame, name) for frame in frames) or [0.0]
        p95 = values[int(0.95 * (len(values) - 1))]
        print(f"  {label:48}{statistics.median(values):9.2f}{p95:9.2f}{values[-1]:9.2f}")


def report_threads(found, top=14):
    """Print each thread's busy time, long tasks (main thread), self time by event and by JS."""
    for name, label in THREADS:
        if name not in found:
            print(f"{label}: not in the trace")
            continue
        events, samples = found[name]
        tasks = [e for e in events if e["name"] == "RunTask"]
        span = (events[-1]["ts"] + events[-1].get("dur", 0) - events[0]["ts"]) / 1e3
        busy = sum(t.get("dur", 0) for t in tasks) / 1e3
        print(f"{label}: busy {busy:.0f} ms of {span:.0f} ms traced")
        if name == THREADS[0][0]:
            report_long_tasks(events, tasks)
        for event, ms in self_times(events).most_common(top):
            print(f"  {ms:9.1f} ms  {event}")
        print(f"  JS and wasm self time (sampled), top {top}:")
        for function, ms in samples.most_common(top):
            print(f"  {ms:9.1f} ms  {function}")


def report_long_tasks(events, tasks, top=4):
    """Print each long task: wall time, the thread's CPU time in it, and what filled it."""
    long_tasks = [t for t in tasks if t.get("dur", 0) > 50_000]
    print(f"  long tasks (> 50 ms): {len(long_tasks)}")
    spans = Spans(events)
    for task in long_tasks:
        inside = collections.Counter(
            {name: spans.within(task, name) for name in spans.starts if name not in WRAPPERS}
        )
        parts = ", ".join(f"{name} {ms:.0f}" for name, ms in inside.most_common(top))
        print(f"    {task['dur'] / 1e3:5.0f} ms, CPU {task.get('tdur', 0) / 1e3:5.1f} ms: {parts}")


def report_cpython(figure, speed, seconds, top=15):
    """Print cProfile's top functions of pgcore.host training the figure on CPython."""
    profiler = cProfile.Profile()
    profiler.runcall(host_rate, figure, seconds, speed)
    print(f"pgcore.host on CPython at speed {speed}, by own time:")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(top)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    fastest = len(SPEEDS) - 1
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--boot", action="store_true", help="trace the boot, not training")
    which.add_argument(
        "--sweep", action="store_true", help="trace the sweep of the four-figure page"
    )
    parser.add_argument(
        "--speed", type=int, default=fastest, help=f"speed slider step 0..{fastest} ({fastest})"
    )
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--out", type=Path, help="keep trace.json here (default: discard)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pgbench-profile-") as scratch:
        out = args.out or Path(scratch)
        out.mkdir(parents=True, exist_ok=True)
        article, many = build_sites(Path(scratch))
        (figure, *_) = page_figures(article)
        mode = "boot" if args.boot else "sweep" if args.sweep else "train"
        with servers(many if args.sweep else article) as (server,), chromium() as browser:
            url = server.url("index.html" if args.sweep else f"index.html#{figure.id}")
            figures = page_figures(many) if args.sweep else [figure]
            events = record(browser, url, out, mode, args.speed, args.seconds, figures)
        found = threads(events)
        if mode != "boot" and "CrRendererMain" in found:
            report_frames(found["CrRendererMain"][0])
        report_threads(found)
        if mode == "train":
            report_cpython(figure, args.speed, args.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
