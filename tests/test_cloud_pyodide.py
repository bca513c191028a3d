"""The gradient cloud's frames in real Pyodide under Node equal CPython's, event for event.

The host is driven by the same messages at the same times in both; every sampled batch, every
variance in the table and every point of the plot must agree (numbers to 1e-9, text exactly).
"""

import pytest
from pyodide_runs import assert_same, host_session, run_in_both

FIGURES = [{"id": "cloud", "kind": "gradient-cloud", "config": {"seed": 3}}]
EVENTS = {
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
SESSION = host_session(
    FIGURES, {frame: [("cloud", event) for event in events] for frame, events in EVENTS.items()}
)


@pytest.mark.node
def test_the_cloud_sends_the_same_frames_in_pyodide_and_cpython():
    cpython, pyodide = run_in_both(SESSION)
    assert len(cpython) == 160, "a frame for every animation frame while sampling"
    assert all(message["errors"] == {} for message in cpython)
    tables = [m["frames"]["cloud"]["tables"] for m in cpython if "tables" in m["frames"]["cloud"]]
    last = tables[-1]["variance-table"]
    assert all(row["cells"][-1] != "0" for row in last), "the clouds were sampled"
    assert_same(cpython, pyodide, "frames")
