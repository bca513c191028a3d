"""Building: how long the author waits for build.py, cold and under --serve.

Cold: `python build.py` in a fresh interpreter into a folder that does not exist yet, with a
cache that holds only what the build downloads (the verified Pyodide runtime, the editor's npm
packages), so the runtime's packs are made, the pgcore wheel and the editor's bundle are built
and the sharing cards drawn (what a fresh checkout pays once the downloads are done).
Beside it: the same build with the packs cached as well (the wheel built: what an edit of pgcore
costs), and with everything cached.

Rebuild: `build.py --serve` runs on a copy of the project in a temporary folder (the real
content/ is never touched); the suite appends one line to the copy's article and reads the
server's own "built in N ms" line. The time from the edit to that line is reported too: it adds
the server's polling interval for changed files (sitebuild.serve.POLL_SECONDS).
"""

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from devtools.project import copy_project
from sitebuild.runtime import cache_dir, read_runtime_pins

from .site import ROOT, BenchError, build
from .table import Figure, Target

ARTICLE = Path("content") / "policy-gradients.md"
BUILT = re.compile(r"built in (\d+) ms")


def measure_building(runs, log):
    """Time cold builds and rebuilds under --serve `runs` times each; return the figures."""
    cold = Figure("build, cold (downloads cached)", "ms", target=Target("median", "<=", 2000))
    wheel = Figure("  build, runtime and packs cached (wheel built)", "ms")
    warm = Figure("  build, everything cached", "ms")
    rebuild = Figure("rebuild under --serve", "ms", target=Target("median", "<=", 300))
    edit = Figure("  edit to rebuilt, with file polling", "ms")
    with tempfile.TemporaryDirectory(prefix="pgbench-build-") as scratch:
        scratch = Path(scratch)
        for run in range(runs):
            cache = downloads_only_cache(scratch / f"cache-{run}")
            env = {**os.environ, "PGSITE_CACHE": str(cache)}
            for figure, out in ((cold, "cold"), (warm, "warm"), (wheel, "wheel")):
                if figure is wheel:
                    shutil.rmtree(cache / "wheels")
                started = time.perf_counter()
                build(ROOT, scratch / f"{out}-{run}", env=env)
                figure.values.append((time.perf_counter() - started) * 1000)
            log(
                f"build {run + 1}/{runs}: cold {cold.values[-1]:.0f} ms, packs cached "
                f"{wheel.values[-1]:.0f} ms, everything cached {warm.values[-1]:.0f} ms"
            )
        project = copy_project(scratch / "project", ROOT / "content")
        env = {**os.environ, "PGSITE_CACHE": str(scratch / f"cache-{runs - 1}")}
        with DevServer(project, env) as server:
            for run in range(runs):
                time.sleep(0.6)  # let the server's poll see a quiet tree first
                with open(project / ARTICLE, "a", encoding="utf-8") as article:
                    article.write(f"\nOne more line for the benchmark, number {run + 1}.\n")
                started = time.perf_counter()
                rebuild.values.append(server.next_build())
                edit.values.append((time.perf_counter() - started) * 1000)
                log(
                    f"rebuild {run + 1}/{runs}: {rebuild.values[-1]:.0f} ms built, "
                    f"{edit.values[-1]:.0f} ms from the edit"
                )
    return [cold, wheel, warm, rebuild, edit]


def downloads_only_cache(folder):
    """A cache holding only what the build downloads (the verified runtime, and the editor's
    npm packages when the real cache has them), copied from the real cache (never touched)."""
    package, version, _ = read_runtime_pins(ROOT / "pyproject.toml")
    source = cache_dir() / f"{package}-{version}"
    if not source.is_dir():
        raise BenchError(f"no cached runtime at {source}: build the site once first")
    shutil.copytree(source, folder / source.name)
    for packages in sorted((cache_dir() / "editor").glob("packages-*")):
        shutil.copytree(packages, folder / "editor" / packages.name, symlinks=True)
    return folder


class DevServer:
    """`build.py --serve --port 0` of a project (it writes no folder), its output read line by
    line; url is where it serves."""

    def __init__(self, project, env):
        self.command = [sys.executable, "-u", str(project / "build.py"), "--serve", "--port", "0"]
        self.env, self.lines, self.url = env, queue.Queue(), None

    def __enter__(self):
        self.process = subprocess.Popen(
            self.command, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        threading.Thread(target=self._read, daemon=True).start()
        line = self._expect(lambda line: "serving http://" in line, 120)
        self.url = re.search(r"(http://\S+/)", line).group(1)
        return self

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def _expect(self, wanted, timeout):
        """Return the first line for which wanted(line) holds; raise on an error or timeout."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise BenchError(f"build.py --serve said nothing useful for {timeout} s") from None
            if line is None:
                raise BenchError(f"build.py --serve exited with {self.process.wait()}")
            if line.startswith("build.py: error") or "Traceback" in line:
                raise BenchError(f"build.py --serve reported: {line}")
            if wanted(line):
                return line

    def next_build(self):
        """Wait for the next "built in N ms" line; return N."""
        return float(BUILT.search(self._expect(BUILT.search, 60)).group(1))
