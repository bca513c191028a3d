"""The same seeded training gives the same numbers on CPython and in real Pyodide under Node.

The page runs pgcore in Pyodide 314 (Python 3.14, WebAssembly); the tests run it on CPython.
One snippet trains both modes from fixed seeds and prints JSON; tests/pyodide_node.mjs runs it
in Pyodide on this checkout's pgcore sources, a fresh CPython runs it too, and every number
must agree to 1e-9 relative (libm may differ in the last bit; sampled paths must not).
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
DRIVER = ROOT / "tests" / "pyodide_node.mjs"
FALLBACK = Path("/tmp/pyo/package")

SNIPPET = """
import json, random, sys
import pgcore

env = pgcore.GridWorld(walls=[(2, 1)])
policy = pgcore.SoftmaxPolicy(env.n_states)
hp = pgcore.Hyperparams(lr=0.8, batch_size=8, gamma=0.95, baseline=True)
trainer = pgcore.Trainer(env, policy, hp, random.Random(20240601))
first = trainer.train(5)
trainer.train(1995)
env.move_goal((2, 0))
last = trainer.train(500)

task, gaussian = pgcore.ContinuousTask(), pgcore.GaussianPolicy()
gaussian_hp = pgcore.Hyperparams(lr=0.05, batch_size=10)
samples = pgcore.GaussianTrainer(task, gaussian, gaussian_hp, random.Random(5)).train(1500)

print(json.dumps({
    "runtime": {"platform": sys.platform, "version": list(sys.version_info[:2])},
    "theta": policy.theta,
    "J": pgcore.exact_return(env, policy, 0.95),
    "dJ": pgcore.exact_gradient(env, policy, 0.95),
    "estimate": pgcore.estimate_gradient(env, policy, 300, random.Random(3), 0.95, True),
    "first": [[ro.states, ro.actions, ro.outcome, ro.G] for ro in first],
    "last_returns": [ro.G for ro in last[-20:]],
    "last_actions": [ro.actions for ro in last[-5:]],
    "mu": gaussian.mu,
    "log_sigma": gaussian.log_sigma,
    "last_samples": samples[-5:],
}))
"""


def pyodide_runtime():
    """The unpacked Pyodide: $PGSITE_PYODIDE_DIR, else /tmp/pyo/package if present, else skip."""
    configured = os.environ.get("PGSITE_PYODIDE_DIR")
    if configured:
        if not (Path(configured) / "pyodide.mjs").is_file():
            pytest.fail(f"PGSITE_PYODIDE_DIR={configured} holds no pyodide.mjs")
        return Path(configured)
    if (FALLBACK / "pyodide.mjs").is_file():
        return FALLBACK
    pytest.skip("no Pyodide runtime: set PGSITE_PYODIDE_DIR to an unpacked pyodide@314.0.7")


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


@pytest.mark.node
def test_training_is_identical_in_pyodide_and_cpython():
    runtime = pyodide_runtime()
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not on PATH")
    in_pyodide = subprocess.run(
        [node, str(DRIVER), str(runtime), str(ROOT / "pgcore")],
        input=SNIPPET,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert in_pyodide.returncode == 0, in_pyodide.stderr
    in_cpython = subprocess.run(
        [sys.executable, "-c", SNIPPET],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    pyodide, cpython = json.loads(in_pyodide.stdout), json.loads(in_cpython.stdout)

    assert pyodide.pop("runtime") == {"platform": "emscripten", "version": [3, 14]}
    assert cpython.pop("runtime")["platform"] != "emscripten"
    assert_same(cpython, pyodide)
    # the run did learn something, so agreement is not two untouched uniform policies
    assert max(abs(x) for row in cpython["theta"] for x in row) > 1.0
    assert cpython["mu"] != [0.0, 0.0]
