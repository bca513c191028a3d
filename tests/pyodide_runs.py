"""Run the same Python in real Pyodide under Node and in CPython, and compare what they print.

The page runs pgcore in Pyodide 314 (Python 3.14, WebAssembly); the tests run it on CPython. A
snippet prints JSON; devtools/pyodide_node.mjs runs it in Pyodide on this checkout's pgcore, a
fresh CPython runs it too, and run_in_both returns both results for assert_same to compare
(libm may differ in the last bit; sampled paths must not).
"""

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DRIVER = ROOT / "devtools" / "pyodide_node.mjs"


def pyodide_runtime():
    """The unpacked Pyodide: $PGSITE_PYODIDE_DIR (conftest exports the build's cache), else skip."""
    configured = os.environ.get("PGSITE_PYODIDE_DIR")
    if not configured:
        pytest.skip("no Pyodide runtime: set PGSITE_PYODIDE_DIR to an unpacked pyodide@314.0.7")
    if not (Path(configured) / "pyodide.mjs").is_file():
        pytest.fail(f"PGSITE_PYODIDE_DIR={configured} holds no pyodide.mjs")
    return Path(configured)


def run_in_both(snippet, timeout=300):
    """(CPython's, Pyodide's) parsed JSON output of snippet; skip if Node or Pyodide is missing."""
    runtime = pyodide_runtime()
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not on PATH")
    in_pyodide = subprocess.run(
        [node, str(DRIVER), str(runtime), str(ROOT / "pgcore")],
        input=snippet,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert in_pyodide.returncode == 0, in_pyodide.stderr
    in_cpython = subprocess.run(
        [sys.executable, "-c", snippet],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    return json.loads(in_cpython.stdout), json.loads(in_pyodide.stdout)


def host_session(figures, script, frames=160):
    """A snippet that mounts figures in a Host, sends script's events at their frames and
    prints every frames message: what a page at 60 frames a second would receive."""
    return f"""
import json
from pgcore.host import Host

host = Host()
host.receive(json.dumps({{"type": "mount", "figures": {figures!r}}}))
script = {script!r}
sent = []
for frame in range({frames}):
    for figure_id, event in script.get(frame, []):
        host.receive(json.dumps({{"type": "event", "id": figure_id, "event": event}}))
    host.receive('{{"type": "want"}}')
    out = host.tick(frame * 1000 / 60)
    if out is not None:
        sent.append(json.loads(out))
print(json.dumps(sent))
"""


def assert_same(cpython, pyodide, where="result"):
    """Equal structure and strings; numbers within 1e-9 relative (1e-12 absolute near 0)."""
    if isinstance(cpython, list):
        assert isinstance(pyodide, list) and len(pyodide) == len(cpython), where
        for i, (a, b) in enumerate(zip(cpython, pyodide, strict=True)):
            assert_same(a, b, f"{where}[{i}]")
    elif isinstance(cpython, dict):
        assert isinstance(pyodide, dict) and pyodide.keys() == cpython.keys(), where
        for key in cpython:
            assert_same(cpython[key], pyodide[key], f"{where}.{key}")
    elif isinstance(cpython, float):
        assert math.isclose(cpython, pyodide, rel_tol=1e-9, abs_tol=1e-12), (
            f"{where}: CPython {cpython!r} vs Pyodide {pyodide!r}"
        )
    else:
        assert cpython == pyodide, f"{where}: CPython {cpython!r} vs Pyodide {pyodide!r}"
