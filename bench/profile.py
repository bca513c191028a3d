"""Where a frame's time goes: `python -m bench.profile [--speed N] [--seconds 5] [--out DIR]`.

The suite says whether a target is met; this says why not. It trains in the page at one speed
and records, over the same window:
- a Chromium performance trace: the renderer main thread's time per frame, split into the
  animation-frame callback (Python and the canvas calls), style and layout, paint, layer update
  and commit, plus every long task and what filled it (DevTools can open DIR/trace.json);
- a JS sampling profile: self time by function, wasm functions included;
- cProfile of the same frame work on CPython, for the Python side by function name (Pyodide's
  wasm profile names C functions, not Python ones).
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

from pgcore.explainer import SPEEDS

from .chromium import Visit, chromium
from .cpython import frame_loop
from .site import Server, build_site, widget_config

TRACE_CATEGORIES = [
    "devtools.timeline",
    "disabled-by-default-devtools.timeline",
    "benchmark",  # ProxyMain::BeginMainFrame, DoUpdateLayers: the frame and its canvas upload
    "cc",
    "v8.execute",
]
PHASES = (
    ("FireAnimationFrame", "rAF callback (Python + canvas calls)"),
    ("UpdateLayoutTree", "style"),
    ("Layout", "layout"),
    ("PrePaint", "pre-paint"),
    ("Paint", "paint"),
    ("LayerTreeHost::DoUpdateLayers", "update layers (canvas upload)"),
    ("Commit", "commit to the compositor"),
)

# Events that only wrap others; a long task is described by what is inside them.
WRAPPERS = {
    "RunTask",
    "ThreadControllerImpl::RunTask",
    "ProxyMain::BeginMainFrame",
    "AsyncTask Run",
}


def record(browser, url, speed, seconds, out):
    """Train at speed; return (trace events, CPU profile), writing the trace to out."""
    with Visit(browser, url) as visit:
        visit.wait_ready()
        visit.page.locator('[data-widget] [data-pg="train"]').click()
        visit.page.locator('[data-widget] [data-pg="speed"]').fill(str(speed))
        visit.wait(3)
        cdp = visit.context.new_cdp_session(visit.page)
        cdp.send("Profiler.enable")
        cdp.send("Profiler.setSamplingInterval", {"interval": 250})
        browser.start_tracing(page=visit.page, path=out / "trace.json", categories=TRACE_CATEGORIES)
        cdp.send("Profiler.start")
        visit.wait(seconds)
        profile = cdp.send("Profiler.stop")["profile"]
        browser.stop_tracing()
        visit.check()
    trace = json.loads((out / "trace.json").read_text())
    return trace["traceEvents"] if isinstance(trace, dict) else trace, profile


def main_thread(events):
    """The complete ("X") events of the page's renderer main thread, in time order."""
    names = {
        (e["pid"], e["tid"]): e["args"]["name"]
        for e in events
        if e.get("ph") == "M" and e.get("name") == "thread_name"
    }
    mains = [key for key, name in names.items() if name == "CrRendererMain"]
    busiest = max(mains, key=lambda key: sum(1 for e in events if (e["pid"], e["tid"]) == key))
    return sorted(
        (e for e in events if (e.get("pid"), e.get("tid")) == busiest and e.get("ph") == "X"),
        key=lambda e: e["ts"],
    )


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


def report_trace(events, seconds):
    """Print the per-frame phases and the long tasks."""
    spans = Spans(events)
    tasks = [e for e in events if e["name"] == "RunTask"]
    frames = [e for e in events if e["name"] == "ProxyMain::BeginMainFrame"]
    busy = sum(t["dur"] for t in tasks) / 1e3
    print(f"main thread busy {busy:.0f} ms of {seconds * 1000:.0f} ms; {len(frames)} frames")
    print(f"{'phase per frame':40}{'median':>9}{'p95':>9}{'max':>9}  (ms)")
    for name, label in (("ProxyMain::BeginMainFrame", "whole frame"), *PHASES):
        values = sorted(spans.within(frame, name) for frame in frames) or [0.0]
        p95 = values[int(0.95 * (len(values) - 1))]
        print(f"{label:40}{statistics.median(values):9.2f}{p95:9.2f}{values[-1]:9.2f}")
    long_tasks = [t for t in tasks if t["dur"] > 50_000]
    print(f"long tasks (> 50 ms): {len(long_tasks)}")
    for task in long_tasks:
        inside = collections.Counter()
        end = task["ts"] + task["dur"]
        for event in events:
            if task["ts"] <= event["ts"] < end and event["name"] not in WRAPPERS:
                inside[event["name"]] += event.get("dur", 0) / 1e3
        parts = ", ".join(f"{name} {ms:.1f}" for name, ms in inside.most_common(6))
        at = (task["ts"] - tasks[0]["ts"]) / 1e3
        print(f"  {task['dur'] / 1e3:.1f} ms at {at:.0f} ms into the window: {parts}")


def report_profile(profile, top=15):
    """Print JS and wasm self time by function."""
    nodes = {node["id"]: node["callFrame"] for node in profile["nodes"]}
    self_us = collections.Counter()
    for sample, delta in zip(profile["samples"], profile["timeDeltas"][1:] + [0], strict=True):
        frame = nodes[sample]
        self_us[frame["functionName"] or "(anonymous)", frame["url"].rsplit("/", 1)[-1]] += delta
    total = sum(self_us.values()) or 1
    by_script = collections.Counter()
    for (name, script), us in self_us.items():
        by_script[script or name if name.startswith("(") else script or "(browser built-ins)"] += us
    print(f"self time by script, of {total / 1e3:.0f} ms sampled:")
    for script, us in by_script.most_common(8):
        print(f"  {us / 1e3:8.1f} ms {100 * us / total:5.1f} %  {script}")
    print(f"JS/wasm self time, top {top} functions:")
    for (name, script), us in self_us.most_common(top):
        print(f"  {us / 1e3:8.1f} ms {100 * us / total:5.1f} %  {name}  {script}")


def report_cpython(config, speed, seconds, top=15):
    """Print cProfile's top functions of the frame work on CPython."""
    profiler = cProfile.Profile()
    profiler.runcall(frame_loop, config, seconds, speed)
    print(f"CPython frame loop at speed {speed}, by own time:")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(top)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    fastest = len(SPEEDS) - 1
    parser.add_argument(
        "--speed", type=int, default=fastest, help=f"speed slider index 0..{fastest} ({fastest})"
    )
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--out", type=Path, help="keep trace.json here (default: discard)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pgbench-profile-") as scratch:
        out = args.out or Path(scratch)
        out.mkdir(parents=True, exist_ok=True)
        site = build_site(Path(scratch) / "site")
        with Server(site) as server, chromium() as browser:
            events, profile = record(
                browser, server.url("index.html"), args.speed, args.seconds, out
            )
        report_trace(main_thread(events), args.seconds)
        report_profile(profile)
        report_cpython(widget_config(site), args.speed, args.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
