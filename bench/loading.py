"""Figures 1, 2 and 6: time to interactive, first view and page weight, from first visits.

Each run loads the bare Pyodide page and the real page in fresh contexts, back to back, in
alternating order, so neither always gets the warmer machine. The real page is opened at its
figure (index.html#figure), so the first paint is the paint a reader sees the figure in.
"""

from .chromium import Visit
from .site import weigh
from .table import Figure, Target

TTI = "time to interactive"
FCP = "first contentful paint"
OURS_GZIP = "page weight, ours (gzip)"


def measure_loading(browser, server, bare_page, runs, log):
    """Load both pages `runs` times; return the figures."""
    tti = Figure(TTI, "ms", target=Target("ratio", "<=", 1.10))
    fcp = Figure(FCP, "ms", target=Target("median", "<=", 300))
    weights = {
        key: Figure(name, "KB", target=target)
        for key, name, target in (
            (("ours", "gzip"), OURS_GZIP, Target("median", "<=", 100)),
            (("ours", "raw"), "page weight, ours (raw)", None),
            (("runtime", "gzip"), "page weight, Pyodide runtime (gzip)", None),
            (("runtime", "raw"), "page weight, Pyodide runtime (raw)", None),
        )
    }
    for run in range(runs):
        order = ("bare", "page") if run % 2 == 0 else ("page", "bare")
        times, boots = {}, {}
        for which in order:
            if which == "bare":
                with Visit(browser, server.url(bare_page)) as visit:
                    times["bare"] = visit.wait_ready()
                    boots["bare"] = visit.probe("return bench.boot;")
                continue
            server.sent.clear()
            with Visit(browser, server.url("index.html#figure")) as visit:
                times["page"] = visit.wait_ready()
                paint, state = visit.first_paint()
                boots["page"] = visit.probe("return bench.boot;")
                visit.wait(1)  # anything the page fetches right after ready counts too
                visit.check()
            if paint is None:
                fcp.problems.append(f"run {run + 1}: no first-contentful-paint entry")
            else:
                fcp.values.append(paint)
                if state == "ready":
                    fcp.problems.append(f"run {run + 1}: first paint came after ready")
            for key, total in weigh(list(server.sent), server.folder).items():
                weights[key].values.append(total / 1024)
        tti.values.append(times["page"])
        tti.reference.append(times["bare"])
        steps = boot_steps(times, boots)
        log(f"load {run + 1}/{runs}: first paint {paint or 0:.0f} ms ({state}); {steps}")
    return [tti, fcp, *weights.values()]


def boot_steps(times, boots):
    """Where each page's time to interactive went: start, Pyodide's boot, then its own work."""
    return "; ".join(
        f"{which} called loadPyodide at {called:.0f} ms, booted in {booted - called:.0f} ms, "
        f"ready {times[which] - booted:.0f} ms later"
        for which, (called, booted) in boots.items()
    )
