"""A figure's frames in CPython equal the worker's: the host, driven by the same messages at the
same times, sends the same JSON from real Pyodide under Node as from CPython."""

import pytest
from pyodide_runs import assert_same, host_session, run_in_both

FIGURES = [
    {"id": "explainer", "kind": "policy-gradient", "config": {"seed": 5}},
    {
        "id": "grid",
        "kind": "gridworld",
        "config": {
            "rows": 4,
            "cols": 4,
            "goal": [0, 3],
            "pit": [2, 2],
            "walls": [[1, 1]],
            "lr": 2.0,
            "step_reward": -0.04,
        },
    },
    {"id": "gauss", "kind": "gaussian", "config": {"target": [-0.5, 0.4]}},
    {"id": "code", "kind": "code", "config": {"target": "explainer"}},
]
# The reader's events between animation frames. Only paced speeds: the fastest trains for a
# wall-clock budget, which no two runs share.
SCRIPT = {
    1: [("explainer", {"name": "train"}), ("grid", {"name": "train"})],
    2: [("gauss", {"name": "speed", "value": "6"}), ("gauss", {"name": "train"})],
    20: [("grid", {"name": "algorithm", "value": "ppo"}), ("grid", {"name": "clip", "value": 0.3})],
    40: [
        ("explainer", {"name": "mode", "value": "trajectories"}),
        ("explainer", {"name": "colour", "value": "weight"}),
    ],
    50: [
        ("grid", {"name": "algorithm", "value": "actor_critic"}),
        ("grid", {"name": "lam", "value": 0.5}),
    ],
    60: [
        ("grid", {"name": "goal", "value": "3,0"}),
        ("code", {"name": "guided", "value": "drop-log"}),
    ],
    80: [
        ("explainer", {"name": "mode", "value": "continuous"}),
        ("gauss", {"name": "canvas", "type": "key", "key": "ArrowLeft"}),
    ],
    100: [
        ("explainer", {"name": "baseline", "value": False}),
        ("grid", {"name": "reset"}),
        ("code", {"name": "restore"}),
    ],
    130: [("explainer", {"name": "canvas", "type": "click", "x": 100.0, "y": 300.0})],
}


@pytest.mark.node
def test_the_hosts_frames_are_identical_in_pyodide_and_cpython():
    cpython, pyodide = run_in_both(host_session(FIGURES, SCRIPT))
    assert len(cpython) > 100, "the session sent frames"
    assert all(message["errors"] == {} for message in cpython)
    assert any(
        "clip fraction" in m["frames"].get("grid", {}).get("text", {}).get("algorithm-stats", "")
        for m in cpython
    ), "PPO ran and said so"
    assert_same(cpython, pyodide, "frames")
