"""Run the benchmark suite: `python -m bench [--runs N] [--long-runs M] [--quick] [--only ...]`.

Builds the article and the bench's four-figure page once with the real build.py into a
temporary folder, serves them on 127.0.0.1, measures every figure against its reference in this
one run (the race on the article; a five-volume series of the bench's own in bench/series.py),
prints the table with the machine's load average and writes it to bench/RESULTS.md.
Exits 1 when a target is missed, so it can gate a change; it is not a test.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from .building import measure_building
from .chromium import chromium
from .loading import measure_loading
from .memory import measure_memory
from .race import measure_race
from .report import machine, write_results
from .series import measure_series
from .site import BenchError, build_sites, page_figures, servers
from .table import text_table
from .training import measure_training

PARTS = ("loading", "training", "race", "memory", "building", "series")
RESULTS = Path(__file__).with_name("RESULTS.md")


def parse_args(argv):
    """Parse the command line."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of the quick figures (5)")
    parser.add_argument(
        "--long-runs", type=int, default=3, help="runs of training and memory, minutes each (3)"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="2 runs, 1 long run, 5 s windows, short sweeps, 2,000 frames: a smoke run, not for "
        "the README",
    )
    parser.add_argument("--only", nargs="+", choices=PARTS, help="measure only these parts")
    parser.add_argument(
        "--results",
        type=Path,
        help="where to write the markdown table (default: bench/RESULTS.md, on full runs only)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.long_runs = 2, 1
    args.window_s = 5 if args.quick else 20
    args.dwell_s = 0.3 if args.quick else 1.5  # per speed and mode in the sweeps
    args.frames = 2000 if args.quick else 10_000
    if args.results is None and not (args.quick or args.only):
        args.results = RESULTS
    return args


def log(message):
    """Progress, on stderr so stdout is the table alone."""
    print(f"bench: {message}", file=sys.stderr, flush=True)


def measure(args):
    """Measure the chosen parts; return the figures in the issue's order."""
    parts = set(args.only or PARTS)
    figures = []
    info = machine()
    with tempfile.TemporaryDirectory(prefix="pgbench-site-") as scratch:
        log("building the article and the four-figure page")
        article, many = build_sites(Path(scratch))
        specs, many_specs = page_figures(article), page_figures(many)
        with servers(article, many) as (server, many_server), chromium() as browser:
            info["chromium"] = browser.version
            if "loading" in parts:
                figures += measure_loading(browser, server, article, specs, args.runs, log)
            if "training" in parts:
                figures += measure_training(
                    browser,
                    (server, specs),
                    (many_server, many_specs),
                    args.long_runs,
                    args.window_s,
                    args.dwell_s,
                    log,
                )
            if "race" in parts:
                figures += measure_race(browser, server, specs, args.long_runs, log)
            if "memory" in parts:
                figures += measure_memory(
                    browser, server, specs[0], args.long_runs, args.frames, log
                )
    if "building" in parts:
        figures += measure_building(args.runs, log)
    if "series" in parts:
        figures += measure_series(args.runs, log)
    info["load_end"] = os.getloadavg()[0]
    return figures, info


def main(argv=None):
    """Run the suite; return 0 when every target is met, 1 otherwise, 2 when it cannot run."""
    args = parse_args(argv)
    started = time.monotonic()
    try:
        figures, info = measure(args)
    except BenchError as error:
        print(f"bench: error: {error}", file=sys.stderr)
        return 2
    info["minutes"] = (time.monotonic() - started) / 60
    print(f"load average {info['load']:.1f} at the start, {info['load_end']:.1f} at the end")
    print(text_table(figures))
    for figure in figures:
        for problem in figure.problems:
            print(f"{figure.name}: {problem}")
    if args.results:
        write_results(args.results, figures, info, args)
        log(f"wrote {args.results}")
    log(f"took {info['minutes']:.1f} min")
    missed = [figure.name for figure in figures if figure.passed is False]
    if missed:
        print(f"missed: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
