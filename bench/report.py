"""The README's performance section: the table of one real run, the machine, and how to read it."""

import os
import platform
import subprocess
from datetime import datetime
from pathlib import Path

from .table import markdown_table

ANALYSIS = Path(__file__).with_name("ANALYSIS.md")

METHOD = """\
How each figure is measured (headless Chromium, the built site served from 127.0.0.1 by Python's
http.server, a fresh browser context per visit so every load is a first visit):

1. **Time to interactive**: from navigation start to every figure's `data-state="ready"`,
   against a bare page in the same run that boots the same pinned runtime in a module Web Worker
   with Pyodide's standard `loadPyodide({indexURL})` from the runtime's raw files, and runs
   `1+1`. The raw files, not the page's packs: the packs are the page's choice (for pages opened
   from disk), so their cost is counted against the page. Also against a bare page booting the
   runtime on the main thread (the old design). The three are loaded back to back in an order
   that rotates from run to run; a ratio is the median of the per-run ratios. The boot's steps
   (from the worker probe: worker created, loadPyodide called, resolved, ready) are shown for
   the page with the bare worker's as reference.
2. **The main thread during the boot**: total blocking time is the sum over long tasks (Long
   Tasks API, observed from before any page script) that start before ready of their time beyond
   50 ms. In another visit a reader clicks the policy table's `<summary>` every 250 ms until
   ready; an answer is the time from the click event's timestamp to the `<details>`' `toggle`
   event, and a run's value is its slowest answer; Event Timing's input-to-next-paint is beside
   it (Chromium reports none under 16 ms).
3. **First contentful paint** of the article opened at its figure, from the Paint Timing API.
4. **From disk**: the article opened as `file://` with every network request refused; time to
   ready against the served page of the same run, and its total blocking time.
5. **Training throughput**: the rollouts counted by the figure's status line per second while
   training at the fastest (unpaced) speed, against pgcore's `Trainer` on CPython with the
   figure's settings, and against `pgcore.host` on CPython (the worker's own code, ticked back to
   back and asked for a frame 60 times a second), both right after in the same run; and the
   engine alone in Pyodide under Node against CPython (`bench/rollouts.py`).
6. **Frame work**: time inside the page's requestAnimationFrame callbacks per frame (where
   `loader.js` applies the newest frame of each figure and `painter.js` draws) over a window of
   training at the default speed and at the fastest; late frames are those more than 1.5 vsync
   periods after the previous one.
7. **Long tasks after ready**: the figure trains at every step of the speed slider in every mode
   (1.5 s each), on the article and on the bench's page of four figures (bench/content/: two
   gridworlds, a Gaussian, the explainer), every figure training.
8. **Memory**: after a warm-up through the three modes at the fastest speed, 10,000 frames with
   a mode switch every 500; the page's JS heap (`performance.memory`, precise, after two full
   collections) and the worker's wasm memory and Python object count (after `gc.collect()`).
9. **Bytes**: every file the server sent for the first load, raw and gzipped at level 6: ours
   (HTML, CSS, scripts, icon), and the runtime's and wheel's packs; beside them the runtime's raw
   files as the bare worker page loads them. The code editor: every file the page requests once
   the code figure is scrolled into view, gzipped the same way.
10. **Build**: `python build.py` in a fresh interpreter into a new folder with only the downloads
   in the cache (the runtime and the editor's npm packages: packs made, wheel and editor bundle
   built, sharing cards drawn), with the packs cached too, and with everything cached;
   a rebuild under `--serve` after appending one line to a copy of the article, as the server
   reports it, and from the edit.
11. **The race**: the article's race set to its largest rollout budget and started; its rate is
   every learner's rollouts (seeds × algorithms × budget) over the time to "Finished" in the
   page's clock, against pgcore's `RaceFigure` on CPython running the same race right after;
   meanwhile the page's frames per second, frame work, late frames and long tasks.
12. **A series** (`bench/series.py`): the bench's own five volumes (each the four-figure page
   under its own title) with a contents page, feed, sitemap and six sharing cards, built by
   `python build.py` in a fresh interpreter with the runtime, packs and wheel cached but no
   cards, then with the cards cached, and `--check`; under `--serve` with the article open and
   training, a paragraph added to the prose: the server's rebuild, and the time from the save to
   the paragraph in the page, polling included.
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
{info["python"]}; load average {info["load"]:.1f} at the start and {info["load_end"]:.1f} at the
end (the machine is shared). Medians over {args.runs} runs ({args.long_runs} for training and
memory); min and max show the spread. A target applies to the median, or to the median of the
per-run ratios, except where it says "every run": no run may have a long task after ready or
grow memory past the limit. A row without a target fails when a run broke a condition (listed
under the table). {verdict}

{markdown_table(figures)}

{METHOD}"""
    problems = [f"- {f.name.strip()}: {p}" for f in figures for p in f.problems]
    if problems:
        text += "\nProblems seen in this run:\n\n" + "\n".join(problems) + "\n"
    if ANALYSIS.is_file():
        text += "\n" + ANALYSIS.read_text(encoding="utf-8")
    Path(path).write_text(text, encoding="utf-8")
