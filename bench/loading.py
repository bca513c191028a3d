"""Loading: time to interactive, the main thread while the runtime starts, first paint, bytes.

Each run makes five first visits. Three, back to back in an order that rotates from run to run
so none always gets the warmer machine: the article, the bare page booting the runtime in a
worker and the bare page booting it on the main thread (bench/site.py). Then the article again,
with a reader clicking the policy table's <summary> every CLICK_EVERY_S until the figure is
ready; the article opened from disk (file://) with every request to the network refused; and, if
the article has a code figure, the article once more, scrolled to it when ready: what the
editor costs, fetched only then.

The article is opened at its first figure (index.html#<id>), so the first paint is the paint a
reader sees the figure in. Total blocking time is the sum, over the long tasks (Long Tasks API,
observed from before any script of the page) that started before the last figure was ready, of
their time beyond 50 ms. A click is answered when the <details> it opens or closes fires its
`toggle` event; the answer's time is counted from the click event's timestamp, so it includes
any wait for the main thread.
"""

from pathlib import Path

from devtools.worker_probe import worker_boot

from .chromium import Visit
from .site import REFERENCE_RUNTIME, gzip_size, weigh
from .table import Figure, Target

CLICK_EVERY_S = 0.25
SUMMARY = "[data-widget] details > summary"
BUSY_MS = 50  # a task longer than this blocks the reader (the Long Tasks API's threshold)
PAGES = ("page", "bare-worker", "bare-main")
STEPS = (
    "navigation to worker created",
    "worker created to loadPyodide called",
    "loadPyodide called to resolved",
    "resolved to ready",
)

BOOT = "return [bench.workerCreated, window.__pgBenchBoot || [null, null]];"
CLICKS = "return [bench.clicks, bench.toggles, bench.inputs, bench.ready()];"


def measure_loading(browser, server, site, figures, runs, log):
    """Load the pages `runs` times; return the figures."""
    at_figure = f"index.html#{figures[0].id}"
    tti = Figure("time to interactive", "ms", target=Target("ratio", "<=", 1.10))
    tti_main = Figure("  same, against the runtime booted on the main thread", "ms")
    steps = [Figure(f"  boot: {name}", "ms") for name in STEPS]
    tbt = Figure("total blocking time, to ready", "ms", target=Target("median", "<=", 100))
    tbt_main = Figure("  same, the runtime booted on the main thread", "ms")
    click = Figure(
        "click during the boot, slowest answer", "ms", target=Target("median", "<=", 100)
    )
    click_paint = Figure("  same, from the input to the next paint (Event Timing)", "ms")
    fcp = Figure("first contentful paint", "ms", target=Target("median", "<=", 300))
    disk = Figure("time to ready from disk (file://, offline)", "ms")
    tbt_disk = Figure("  total blocking time from disk", "ms")
    weights = {
        key: Figure(name, "KB", target=target)
        for key, name, target in (
            (("ours", "gzip"), "page weight, ours (gzip)", Target("median", "<=", 100)),
            (("ours", "raw"), "page weight, ours (raw)", None),
            (("runtime", "gzip"), "runtime and wheel packs (gzip)", None),
            (("runtime", "raw"), "runtime and wheel packs (raw)", None),
            (("bare", "gzip"), "  the runtime as raw files (gzip)", None),
            (("bare", "raw"), "  the runtime as raw files (raw)", None),
        )
    }

    editor = Figure(
        "code editor, loaded on demand (gzip)", "KB", target=Target("median", "<=", 130)
    )
    code = next((figure for figure in figures if figure.kind == "code"), None)

    for run in range(runs):
        visits = {}
        for which in PAGES[run % 3 :] + PAGES[: run % 3]:
            server.sent.clear()
            url = at_figure if which == "page" else f"{which}.html"
            visits[which] = load(browser, server.url(url), which == "page")
            visits[which]["sent"] = list(server.sent)
        page, bare, main = (visits[which] for which in PAGES)
        tti.values.append(page["ready"])
        tti.reference.append(bare["ready"])
        tti_main.values.append(page["ready"])
        tti_main.reference.append(main["ready"])
        if page["steps"] and bare["steps"]:
            for figure, ours, theirs in zip(steps, page["steps"], bare["steps"], strict=True):
                figure.values.append(ours)
                figure.reference.append(theirs)
        else:
            steps[0].problems.append(f"run {run + 1}: a probe missed a step of the boot")
        tbt.values.append(page["blocking"])
        tbt_main.values.append(main["blocking"])
        for key, total in weigh(page["sent"], server.folder).items():
            weights[key].values.append(total / 1024)
        if any("/editor." in path for path, _ in page["sent"]):
            weights["ours", "gzip"].problems.append(f"run {run + 1}: the first load got the editor")
        if code is not None:
            editor.values.append(editor_on_demand(browser, server, code) / 1024)
        runtime = [path for path, _ in bare["sent"] if path.startswith("/" + REFERENCE_RUNTIME)]
        files = [Path(server.folder) / path.lstrip("/") for path in runtime]
        weights["bare", "raw"].values.append(sum(f.stat().st_size for f in files) / 1024)
        weights["bare", "gzip"].values.append(sum(gzip_size(f) for f in files) / 1024)
        paint, after_ready = page["paint"]
        if paint is None:
            fcp.problems.append(f"run {run + 1}: no first-contentful-paint entry")
        else:
            fcp.values.append(paint)
            if after_ready:
                fcp.problems.append(f"run {run + 1}: first paint came after ready")

        slowest, answered, painted = clicks_during_boot(browser, server.url(at_figure))
        if slowest is None:
            click.problems.append(f"run {run + 1}: no click was answered before ready")
        else:
            click.values.append(slowest)
        if painted is not None:
            click_paint.values.append(painted)

        from_disk = (Path(site) / "index.html").as_uri() + "#" + figures[0].id
        offline = load(browser, from_disk, False, offline=True)
        disk.values.append(offline["ready"])
        disk.reference.append(page["ready"])
        tbt_disk.values.append(offline["blocking"])

        log(
            f"load {run + 1}/{runs}: ready {page['ready']:.0f} ms, bare worker "
            f"{bare['ready']:.0f} ms, bare main thread {main['ready']:.0f} ms; steps "
            f"{describe(page['steps'])} (bare worker {describe(bare['steps'])}); blocking "
            f"{page['blocking']:.0f} ms (main thread {main['blocking']:.0f} ms); {answered} "
            f"clicks answered in at most {slowest or 0:.0f} ms; first paint {paint or 0:.0f} ms; "
            f"from disk {offline['ready']:.0f} ms, blocking {offline['blocking']:.0f} ms"
        )
    loaded = [editor] if code is not None else []
    return [tti, tti_main, *steps, tbt, tbt_main, click, click_paint, fcp, disk, tbt_disk] + [
        *weights.values(),
        *loaded,
    ]


def load(browser, url, is_page, offline=False):
    """Open url and wait for ready: {ready, blocking, steps (the page and bare worker), paint}."""
    with Visit(browser, url, offline=offline, watch_worker=is_page) as visit:
        ready = visit.wait_ready()
        result = {"ready": ready, "blocking": blocking(visit.long_tasks(), ready), "steps": None}
        created, boot = visit.probe(BOOT)
        if is_page and not offline:
            boot = worker_boot(visit.page)
            result["paint"] = visit.first_paint()
            visit.wait(1)  # anything the page fetches right after ready counts too
        if created is not None and None not in boot:
            called, resolved = boot
            result["steps"] = (created, called - created, resolved - called, ready - resolved)
        visit.check()
    return result


def editor_on_demand(browser, server, code):
    """Gzipped bytes of our own files the page fetches when the reader reaches the code figure
    (the editor's script, loaded then and not before)."""
    with Visit(browser, server.url("index.html")) as visit:
        visit.wait_ready()
        visit.wait(1)
        server.sent.clear()
        visit.page.locator(f"#{code.id}").scroll_into_view_if_needed()
        visit.page.locator(f"#{code.id} .cm-editor").wait_for()
        visit.wait(0.5)
        visit.check()
        return weigh(list(server.sent), server.folder)["ours", "gzip"]


def blocking(tasks, ready):
    """Total blocking time before ready: each long task's time beyond BUSY_MS, added up."""
    return sum(max(0.0, duration - BUSY_MS) for start, duration in tasks or () if start < ready)


def describe(steps):
    """A boot's steps for the log."""
    return " + ".join(f"{ms:.0f}" for ms in steps) + " ms" if steps else "?"


def clicks_during_boot(browser, url):
    """Click the policy table's summary until the figure is ready.

    Return (the slowest answer in ms, the number of clicks answered, the slowest time from an
    input to the next paint that Event Timing reported, or None: it reports none under 16 ms).
    """
    with Visit(browser, url) as visit:
        summary = visit.page.locator(SUMMARY).first
        summary.wait_for(state="attached")
        while visit.probe("return bench.ready();") is None:
            summary.click()
            visit.wait(CLICK_EVERY_S)
        visit.wait_ready()
        clicks, toggles, inputs, ready = visit.probe(CLICKS)
        visit.check()
    painted = [
        duration
        for name, start, _, duration in inputs
        if name in ("pointerdown", "pointerup", "click") and start < ready
    ]
    answers = []
    for stamp, handled in clicks:
        if stamp >= ready:
            continue
        toggle = next((t for t in toggles if t >= handled), None)
        if toggle is not None:
            answers.append(toggle - stamp)
    return (max(answers) if answers else None), len(answers), max(painted, default=None)
