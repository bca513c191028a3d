"""The README's performance section: the table of one real run, the machine, and how to read it."""

import os
import platform
import subprocess
from datetime import datetime
from pathlib import Path

from .table import markdown_table

ANALYSIS = Path(__file__).with_name("ANALYSIS.md")

METHOD = """\
How each figure is measured (headless Chromium, the built site served from 127.0.0.1, a fresh
browser context per run so every load is a first visit):

1. **Time to interactive**: from navigation start to the widget's `data-state="ready"`, against
   a bare page in the same run that loads the same vendored Pyodide runtime and lock file and runs
   `1+1`; the two are loaded back to back in alternating order, and the ratio is the median of
   the per-run ratios.
2. **First contentful paint** of the page opened at its figure (`index.html#figure`), from the
   Paint Timing API; a run whose first paint came after `data-state="ready"` fails the figure.
3. **Training throughput**: the status line's rollout count over the fast window, while
   training at the fastest speed, against pgcore's `Trainer` on CPython with the page's
   settings, measured right after in the same run; and against the CPython frame loop (what a
   frame of the page does in Python, back to back without frame pacing).
4. **Frame budget**: time inside the requestAnimationFrame callbacks per frame (Python's frame
   and the canvas drawing) over a window of training at the default speed (8 rollouts per frame)
   and at the fastest; late frames are those more than 1.5 vsync periods after the previous one;
   long tasks (> 50 ms, Long Tasks API) are counted from `ready` to the end of the visit.
5. **Memory**: after a warm-up through the three modes, 10,000 frames of training with a mode
   switch every 500 frames; JS heap (`performance.memory`, precise) and Pyodide's wasm memory,
   each after Python's `gc.collect()` and two full JS collections, before and after.
6. **Page weight**: bytes of every file the server sent for the first load, raw and gzipped at
   level 6, split into the Pyodide runtime (`pyodide/<version>/`) and our own files.
7. **Build**: `python build.py` in a fresh interpreter into a new folder with only the runtime
   cached (the wheel is built), and with the wheel cached too; a rebuild under `--serve` after
   appending one line to a copy of the article, as the server reports it, and from the edit.
"""


def machine():
    """What the numbers were measured on."""
    memory_kb = 0
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "cores": len(os.sched_getaffinity(0)),
        "memory_gib": memory_kb / 1024 / 1024,
        "cpu": cpu,
        "python": platform.python_version(),
        "commit": _commit(),
        "load": os.getloadavg()[0],
    }


def _commit():
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).parent,
    )
    return result.stdout.strip() or "unknown"


def write_results(path, figures, info, args):
    """Write the performance section (markdown) to path."""
    missed = [figure.name.strip() for figure in figures if figure.passed is False]
    verdict = f"Missed: {', '.join(missed)}." if missed else "Every target met."
    text = f"""## Performance

`./dev bench` (or `python -m bench`) measures what a reader feels: how fast the page comes alive
and how smoothly it trains. It builds the site, serves it on 127.0.0.1 and drives headless
Chromium; every ratio is against a reference measured in the same run, since the machine is
shared and noisy. It prints this table and exits 1 when a target is missed.

Run of {info["date"]} at commit {info["commit"]}: {info["cores"]} cores ({info["cpu"]}),
{info["memory_gib"]:.0f} GiB memory, Chromium {info.get("chromium", "?")} headless, Python
{info["python"]}; load average {info["load"]:.1f} at the start (the machine is shared). Medians
over {args.runs} runs ({args.long_runs} for training and memory); min and max show the spread.
A target applies to the median, or to the median of the per-run ratios, except where it says
"every run": no run may have a long task after ready or grow memory past the limit. {verdict}

{markdown_table(figures)}

{METHOD}"""
    problems = [f"- {f.name.strip()}: {p}" for f in figures for p in f.problems]
    if problems:
        text += "\nProblems seen in this run:\n\n" + "\n".join(problems) + "\n"
    if ANALYSIS.is_file():
        text += "\n" + ANALYSIS.read_text(encoding="utf-8")
    Path(path).write_text(text, encoding="utf-8")
