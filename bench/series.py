"""A series: how long an author waits for build.py on a site of five articles, and for --serve.

The series is the bench's own (write_series): five volumes, each the bench's four-figure article
(bench/content/policy-gradients.md: two gridworlds, a Gaussian and the explainer's figure) under
its own title, volume and date, linking to the first volume; a site.toml with a base URL, so the
build makes the contents page, the feed, the sitemap and six sharing cards. It is written with a
copy of the project's code into a temporary folder; content/ and the tests are never touched.

- Cold: `python build.py` in a fresh interpreter into a folder that does not exist yet, with a
  cache that holds the verified runtime, its packs and the pgcore wheel (what every build of an
  author's checkout has) but no sharing cards, so all six are drawn. Beside it: the same with the
  cards cached too (the usual rebuild), and `build.py --check`.
- Rebuild: `build.py --serve` on the copy; one paragraph is added to the home article's prose
  and the server's own "built in N ms" line is read (a rebuild renders only the pages whose
  inputs changed: that article's page and the contents page).
- Edit to page: the same edit with the article open in headless Chromium, its figure training;
  from the moment before the file is written to the moment the new paragraph is in the page (the
  page's own clock, both wall-clock milliseconds), with the server's polling of the sources and
  the page's long poll included.

Call measure_series(runs, log) from bench/__main__.py (it returns bench.table Figures), or run
`python -m bench.series [runs]` for this table alone.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from devtools.chromium import launch
from devtools.project import ROOT, copy_project
from sitebuild.runtime import cache_dir, read_runtime_pins

from .building import DevServer
from .site import BENCH_CONTENT, BenchError
from .table import Figure, Target, text_table

VOLUMES = 5
ARTICLE = Path("content") / "volume-1.md"  # the home page, the one edited under --serve
SECTION = "## A Gaussian\n"  # the new paragraph goes under this heading
# Note on the page's clock when the new paragraph shows: body's children are what the prose swap
# replaces, so only their replacement is looked at (the training figure changes the DOM often).
WATCH = """marker => {
  window.pgShown = null;
  new MutationObserver((_, observer) => {
    if (document.body.textContent.includes(marker)) {
      observer.disconnect();
      window.pgShown = performance.timeOrigin + performance.now();
    }
  }).observe(document.body, {childList: true});
}"""


def measure_series(runs, log):
    """Time builds of the five-article series and prose edits under --serve; return Figures."""
    cold = Figure(
        "series of 5: build, cold (cards drawn)", "ms", target=Target("median", "<=", 2000)
    )
    cards = Figure("  same, sharing cards cached", "ms")
    check = Figure("  build.py --check", "ms")
    rebuild = Figure(
        "series: rebuild under --serve, prose edit", "ms", target=Target("median", "<=", 300)
    )
    swapped = Figure(
        "series: edit to page updated in place", "ms", target=Target("median", "<=", 300)
    )
    with tempfile.TemporaryDirectory(prefix="pgbench-series-") as scratch:
        scratch = Path(scratch)
        project = copy_project(scratch / "project", write_series(scratch / "series"))
        warm = built_cache(scratch / "cache-warm", project)
        for run in range(runs):
            cache = linked_cache(warm, scratch / f"cache-{run}")
            env = {**os.environ, "PGSITE_CACHE": str(cache)}
            cold.values.append(timed_build(project, scratch / f"cold-{run}", env))
            cards.values.append(timed_build(project, scratch / f"cards-{run}", env))
            check.values.append(timed_build(project, None, env, "--check"))
            log(
                f"series build {run + 1}/{runs}: cold {cold.values[-1]:.0f} ms, cards cached "
                f"{cards.values[-1]:.0f} ms, --check {check.values[-1]:.0f} ms"
            )
        env = {**os.environ, "PGSITE_CACHE": str(warm)}
        with DevServer(project, env) as server:
            edit_and_watch(project, server, runs, rebuild, swapped, log)
    return [cold, cards, check, rebuild, swapped]


def write_series(content):
    """Write the bench's series of VOLUMES articles into the folder content; return it."""
    front, body = BENCH_CONTENT.joinpath("policy-gradients.md").read_text("utf-8").split("+++")[1:]
    front = "\n".join(line for line in front.splitlines() if not line.startswith("title ="))
    content.mkdir(parents=True)
    content.joinpath("site.toml").write_text(
        'name = "bench.series"\nseries = "The bench\'s series"\n'
        'base_url = "https://bench.invalid/series/"\nhome = "volume-1"\n',
        encoding="utf-8",
    )
    for number in range(1, VOLUMES + 1):
        head = f'title = "Volume {number}: four figures at once"\nvolume = {number}\n'
        head += f"date = 2026-11-{10 + number:02d}{front}"
        see = "\n\nThe first volume has the same figures: [two grids](volume-1.md#two-grids).\n"
        content.joinpath(f"volume-{number}.md").write_text(
            f"+++\n{head.strip()}\n+++{body.rstrip()}{see}", encoding="utf-8"
        )
    return content


def built_cache(folder, project):
    """A cache with the verified runtime and its packs (from the real cache) and the wheel."""
    package, version, _ = read_runtime_pins(ROOT / "pyproject.toml")
    source = cache_dir()
    if not (source / f"{package}-{version}").is_dir():
        raise BenchError(f"no verified runtime in {source}: build the site once first")
    folder.mkdir(parents=True)
    for name in (f"{package}-{version}", "packs"):
        if (source / name).is_dir():
            shutil.copytree(source / name, folder / name, copy_function=os.link)
    env = {**os.environ, "PGSITE_CACHE": str(folder)}
    timed_build(project, None, env, "--check")  # makes the packs and the wheel once
    shutil.rmtree(folder / "cards", ignore_errors=True)
    return folder


def linked_cache(warm, folder):
    """A copy of the warm cache (hard links) without sharing cards."""
    shutil.copytree(warm, folder, copy_function=os.link, ignore=shutil.ignore_patterns("cards"))
    return folder


def timed_build(project, out, env, *args):
    """Run build.py of project in a fresh interpreter; return its wall time in ms."""
    command = [sys.executable, str(project / "build.py"), *args]
    if out is not None:
        command += ["--out", str(out)]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    elapsed = (time.perf_counter() - started) * 1000
    if result.returncode != 0:
        raise BenchError(f"build.py {' '.join(args)} failed: {result.stderr.strip()}")
    return elapsed


def edit_and_watch(project, server, runs, rebuild, swapped, log):
    """Add a paragraph per run to the open article; record the rebuild and the swap."""
    from playwright.sync_api import sync_playwright

    article = project / ARTICLE
    original = article.read_text(encoding="utf-8")
    with sync_playwright() as playwright:
        browser = launch(playwright.chromium)
        try:
            page = browser.new_page()
            page.goto(server.url)
            page.wait_for_selector('[data-widget][data-state="ready"]', timeout=120_000)
            page.click("[data-pg='train']")  # the figure trains while the prose changes
            for run in range(runs):
                page.wait_for_timeout(500)  # a quiet tree, and a few frames of training
                marker = f"Paragraph {run + 1} added by the benchmark."
                page.evaluate(WATCH, marker)
                text = original.replace(SECTION, f"{SECTION}\n{marker}\n", 1)
                saved = time.time() * 1000
                article.write_text(text, encoding="utf-8")
                rebuild.values.append(server.next_build())
                page.wait_for_function("() => window.pgShown !== null", timeout=30_000)
                swapped.values.append(page.evaluate("window.pgShown") - saved)
                if not page.evaluate("document.querySelector('[data-widget]').isConnected"):
                    raise BenchError("the figure was not kept across the prose edit")
                log(
                    f"prose edit {run + 1}/{runs}: rebuilt in {rebuild.values[-1]:.0f} ms, "
                    f"page updated {swapped.values[-1]:.0f} ms after the save"
                )
        finally:
            browser.close()
            article.write_text(original, encoding="utf-8")


def main(argv=None):
    """Measure and print the series' figures; exit 1 if a target is missed."""
    argv = sys.argv[1:] if argv is None else argv
    runs = int(argv[0]) if argv else 5
    figures = measure_series(runs, lambda line: print(line, file=sys.stderr, flush=True))
    print(text_table(figures))
    return 0 if all(figure.passed is not False for figure in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
