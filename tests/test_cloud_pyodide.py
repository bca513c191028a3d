"""The gradient cloud's frames in real Pyodide under Node equal CPython's, event for event.

The host is driven by the same messages at the same times in both; every sampled batch, every
variance in the table and every point of the plot must agree (numbers to 1e-9, text exactly).
"""

import json
import shutil
import subprocess
import sys

import pytest
from test_pyodide_node import DRIVER, ROOT, assert_same, pyodide_runtime

SESSION = """
import json
from pgcore.host import Host

host = Host()
figures = [{"id": "cloud", "kind": "gradient-cloud", "config": {"seed": 3}}]
host.receive(json.dumps({"type": "mount", "figures": figures}))
script = {
    1: [{"name": "sample"}],
    20: [{"name": "baseline", "value": "value"}],
    30: [{"name": "train"}, {"name": "train"}],
    50: [{"name": "map", "type": "click", "x": 100.0, "y": 100.0}],
    60: [{"name": "map", "type": "key", "key": "ArrowDown"}, {"name": "pair", "value": "1,2"}],
    75: [{"name": "reward-to-go", "value": False}, {"name": "batch", "value": "3"}],
    90: [{"name": "space", "value": "gaussian"}],
    100: [{"name": "train"}, {"name": "baseline", "value": "leave_one_out"}],
    120: [{"name": "clear"}],
    140: [{"name": "space", "value": "grid"}, {"name": "reset"}],
}
sent = []
for frame in range(160):
    for event in script.get(frame, []):
        host.receive(json.dumps({"type": "event", "id": "cloud", "event": event}))
    host.receive('{"type": "want"}')
    out = host.tick(frame * 1000 / 60)
    if out is not None:
        sent.append(json.loads(out))
print(json.dumps(sent))
"""


@pytest.mark.node
def test_the_cloud_sends_the_same_frames_in_pyodide_and_cpython():
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
    assert len(cpython) == 160, "a frame for every animation frame while sampling"
    assert all(message["errors"] == {} for message in cpython)
    tables = [m["frames"]["cloud"]["tables"] for m in cpython if "tables" in m["frames"]["cloud"]]
    last = tables[-1]["variance-table"]
    assert all(row["cells"][-1] != "0" for row in last), "the clouds were sampled"
    assert_same(cpython, pyodide, "frames")
