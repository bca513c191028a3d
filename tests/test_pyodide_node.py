"""The same seeded training gives the same numbers on CPython and in real Pyodide under Node.

The page runs pgcore in Pyodide 314 (Python 3.14, WebAssembly); the tests run it on CPython.
One snippet trains both modes from fixed seeds and prints JSON; devtools/pyodide_node.mjs runs it
in Pyodide on this checkout's pgcore sources, a fresh CPython runs it too, and every number
must agree to 1e-9 relative (libm may differ in the last bit; sampled paths must not).
"""

import pytest
from pyodide_runs import assert_same, run_in_both

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


@pytest.mark.node
def test_training_is_identical_in_pyodide_and_cpython():
    cpython, pyodide = run_in_both(SNIPPET)

    assert pyodide.pop("runtime") == {"platform": "emscripten", "version": [3, 14]}
    assert cpython.pop("runtime")["platform"] != "emscripten"
    assert_same(cpython, pyodide)
    # the run did learn something, so agreement is not two untouched uniform policies
    assert max(abs(x) for row in cpython["theta"] for x in row) > 1.0
    assert cpython["mu"] != [0.0, 0.0]
