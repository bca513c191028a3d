"""A figure's frames in CPython equal the worker's: the host, driven by the same messages at the
same times, sends the same JSON from real Pyodide under Node as from CPython."""

import json
import shutil
import subprocess
import sys

import pytest
from test_pyodide_node import DRIVER, ROOT, assert_same, pyodide_runtime

# A page's session: three figures mounted, then the reader's events between animation frames.
# Only paced speeds: the fastest trains for a wall-clock budget, which no two runs share.
SESSION = """
import json
from pgcore.host import Host

host = Host()
figures = [
    {"id": "explainer", "kind": "policy-gradient", "config": {"seed": 5}},
    {"id": "grid", "kind": "gridworld", "config": {"rows": 4, "cols": 4, "goal": [0, 3],
     "pit": [2, 2], "walls": [[1, 1]], "lr": 2.0}},
    {"id": "gauss", "kind": "gaussian", "config": {"target": [-0.5, 0.4]}},
]
host.receive(json.dumps({"type": "mount", "figures": figures}))
script = {
    1: [("explainer", {"name": "train"}), ("grid", {"name": "train"})],
    2: [("gauss", {"name": "speed", "value": "6"}), ("gauss", {"name": "train"})],
    40: [("explainer", {"name": "mode", "value": "trajectories"})],
    60: [("grid", {"name": "goal", "value": "3,0"})],
    80: [("explainer", {"name": "mode", "value": "continuous"}),
         ("gauss", {"name": "canvas", "type": "key", "key": "ArrowLeft"})],
    100: [("explainer", {"name": "baseline", "value": False}), ("grid", {"name": "reset"})],
    130: [("explainer", {"name": "canvas", "type": "click", "x": 100.0, "y": 300.0})],
}
sent = []
for frame in range(160):
    for figure_id, event in script.get(frame, []):
        host.receive(json.dumps({"type": "event", "id": figure_id, "event": event}))
    host.receive('{"type": "want"}')
    out = host.tick(frame * 1000 / 60)
    if out is not None:
        sent.append(json.loads(out))
print(json.dumps(sent))
"""


@pytest.mark.node
def test_the_hosts_frames_are_identical_in_pyodide_and_cpython():
    runtime = pyodide_runtime()
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not on PATH")
    in_pyodide = subprocess.run(
        [node, str(DRIVER), str(runtime), str(ROOT / "pgcore")],
        input=SESSION,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert in_pyodide.returncode == 0, in_pyodide.stderr
    in_cpython = subprocess.run(
        [sys.executable, "-c", SESSION],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    pyodide, cpython = json.loads(in_pyodide.stdout), json.loads(in_cpython.stdout)
    assert len(cpython) > 100, "the session sent frames"
    assert all(message["errors"] == {} for message in cpython)
    assert_same(cpython, pyodide, "frames")
