"""The new learners, the gradient cloud and the race give CPython's numbers in real Pyodide.

The sibling of tests/test_pyodide_node.py, with its runtime lookup, Node driver and comparison
(numbers to 1e-9 relative; sampled paths, counts and strings exactly).
"""

import pytest
from pyodide_runs import assert_same, run_in_both

SNIPPET = """
import json, random, sys
import pgcore
from pgcore.algorithms import ALGORITHMS, make_learner
from pgcore.cloud import BASELINES, GaussianCloud, GridCloud
from pgcore.critic import Critic
from pgcore.race import Race

out = {"runtime": {"platform": sys.platform, "version": list(sys.version_info[:2])}}

env = pgcore.GridWorld()
hp = pgcore.Hyperparams(lr=1.0, batch_size=8, gamma=0.9)
learners = {}
for name in ALGORITHMS:
    policy, critic = pgcore.SoftmaxPolicy(env.n_states), Critic(env.n_states)
    learner = make_learner(name, env, policy, hp, random.Random(31), critic)
    first = learner.train(5)
    learner.train(995)
    learners[name] = {
        "theta": policy.theta,
        "V": critic.V,
        "stats": learner.stats,
        "J": pgcore.exact_return(env, policy, 0.9),
        "first": [[ro.states, ro.actions, ro.outcome, ro.G] for ro in first],
    }
# switching algorithm mid-training keeps theta and the critic
policy, critic, rng = pgcore.SoftmaxPolicy(env.n_states), Critic(env.n_states), random.Random(4)
make_learner("actor_critic", env, policy, hp, rng, critic).train(300)
make_learner("ppo", env, policy, hp, rng, critic).train(300)
learners["switched"] = {"theta": policy.theta, "V": critic.V}
out["learners"] = learners

trained = pgcore.SoftmaxPolicy(env.n_states)
make_learner("reinforce_baseline", env, trained, hp, random.Random(0)).train(1000)
clouds = {}
for baseline in BASELINES:
    for reward_to_go in (True, False):
        cloud = GridCloud(env, trained, (2, 0), (0, 1), 0.9, baseline, reward_to_go, 8, seed=3)
        cloud.sample(150)
        clouds[f"grid {baseline} {reward_to_go}"] = {**cloud.summary(), "last": cloud.points[-3:]}
    cloud = GaussianCloud(pgcore.ContinuousTask(), pgcore.GaussianPolicy(), baseline, 8, seed=3)
    cloud.sample(150)
    clouds[f"gaussian {baseline}"] = {**cloud.summary(), "last": cloud.points[-3:]}
out["clouds"] = clouds

race = Race(env, ("reinforce", "actor_critic", "ppo"), hp, seeds=4, seed=9, budget=300)
for _ in range(4):
    race.advance(100)
out["race"] = {"history": race.history, "standings": race.standings()}
print(json.dumps(out))
"""


@pytest.mark.node
def test_learners_cloud_and_race_are_identical_in_pyodide_and_cpython():
    cpython, pyodide = run_in_both(SNIPPET)

    assert pyodide.pop("runtime") == {"platform": "emscripten", "version": [3, 14]}
    assert cpython.pop("runtime")["platform"] != "emscripten"
    assert_same(cpython, pyodide)
    # the runs learned and spread, so agreement is not two copies of a starting state
    for name, learned in cpython["learners"].items():
        assert max(abs(x) for row in learned["theta"] for x in row) > 1.0, name
    assert cpython["learners"]["ppo"]["stats"]["kl"] > 0.0
    assert all(cloud["variance"] > 0.0 for cloud in cpython["clouds"].values())
    assert cpython["race"]["history"]["ppo"][-1]["band"] > 0.0
