"""The race: K seeded learners per algorithm, their mean exact J and its 95 % band."""

import random

import numpy as np
import pytest

from pgcore import GridWorld, Hyperparams, SoftmaxPolicy
from pgcore.algorithms import LABELS, make_learner
from pgcore.race import Race
from tests.oracle import grid_model, policy_return

HP = dict(lr=1.0, batch_size=8, gamma=0.9)
THREE = ("reinforce_baseline", "actor_critic", "ppo")


def test_checkpoints_are_the_seeds_mean_and_band_by_numpy():
    env, hp = GridWorld(), Hyperparams(**HP)
    race = Race(env, THREE, hp, seeds=5, seed=40)
    model = grid_model(env.rows, env.cols, env.goal, env.pit, env.walls, env.start, env.max_steps)
    J_0 = policy_return(model, np.zeros((9, 4)), 0.9)
    for name in THREE:  # every seed starts from theta = 0: one J, no spread
        assert race.history[name] == [{"rollouts": 0, "mean_J": pytest.approx(J_0), "band": 0.0}]
    race.advance(64)
    race.advance(96)
    for name in THREE:
        J = [policy_return(model, np.array(ln.policy.theta), 0.9) for ln in race.learners[name]]
        last = race.history[name][-1]
        assert len(race.history[name]) == 3 and last["rollouts"] == 160
        assert last["mean_J"] == pytest.approx(np.mean(J), rel=1e-12)
        assert last["band"] == pytest.approx(1.96 * np.std(J, ddof=1) / np.sqrt(5), rel=1e-9)
        assert last["band"] > 0.0
    assert [row["label"] for row in race.standings()] == [LABELS[name] for name in THREE]
    assert race.standings()[1]["mean_J"] == race.history["actor_critic"][-1]["mean_J"]
    assert race.rollouts_per_second() > 0.0


def test_seed_k_is_the_learner_made_with_seed_plus_k():
    env, hp = GridWorld(), Hyperparams(**HP)
    race = Race(env, ("ppo",), hp, seeds=3, seed=7)
    race.advance(40)
    for k, learner in enumerate(race.learners["ppo"]):
        alone = SoftmaxPolicy(9)
        make_learner("ppo", env, alone, hp, random.Random(7 + k)).train(40)
        assert learner.policy.theta == alone.theta
    thetas = [ln.policy.theta for ln in race.learners["ppo"]]
    assert thetas[0] != thetas[1] != thetas[2]


def test_training_without_scoring_then_recording():
    race = Race(GridWorld(), ("reinforce",), Hyperparams(**HP), seeds=2)
    race.advance(16, record=False)
    race.advance(16, record=False)
    assert race.rollouts == 32 and len(race.history["reinforce"]) == 1
    race.record()
    race.record()  # nothing new to score: no second point at 32
    assert [point["rollouts"] for point in race.history["reinforce"]] == [0, 32]


def test_the_budget_stops_the_race():
    race = Race(GridWorld(), ("reinforce",), Hyperparams(**HP), seeds=2, budget=50)
    race.advance(32)
    assert not race.finished
    race.advance(32)
    assert race.finished and race.rollouts == 50
    race.advance(32)
    assert [point["rollouts"] for point in race.history["reinforce"]] == [0, 32, 50]
    assert all(ln.rollouts_done == 50 for ln in race.learners["reinforce"])


def test_sixteen_seeds_of_three_algorithms_all_learn():
    env = GridWorld()
    race = Race(env, THREE, Hyperparams(**HP))
    assert race.seeds == 16
    race.advance(400)
    race.advance(400)
    for name in THREE:
        start, end = race.history[name][0], race.history[name][-1]
        assert end["mean_J"] - end["band"] > start["mean_J"] + 0.3, name


def test_bad_settings_are_refused():
    env, hp = GridWorld(), Hyperparams()
    with pytest.raises(ValueError, match="algorithms"):
        Race(env, ("reinforce", "a3c"), hp)
    with pytest.raises(ValueError, match="algorithms"):
        Race(env, (), hp)
    with pytest.raises(ValueError, match="seeds"):
        Race(env, ("ppo",), hp, seeds=0)
    with pytest.raises(ValueError, match="budget"):
        Race(env, ("ppo",), hp, budget=-1)


def test_a_lap_trains_one_learner_per_step_and_ends_where_advance_does():
    env, hp = GridWorld(), Hyperparams(**HP)
    stepped = Race(env, THREE, hp, seeds=4, seed=3, budget=100)
    whole = Race(env, THREE, hp, seeds=4, seed=3, budget=100)
    everyone = [ln for name in THREE for ln in stepped.learners[name]]
    for lap_n in (40, 40, 40):  # the last lap is cut to the 20 rollouts the budget leaves
        lap, before = stepped.lap(lap_n), stepped.rollouts
        n = min(lap_n, 100 - before)
        for k in range(len(everyone)):
            assert next(lap) == n
            # exactly the learners up to this one have trained, the rest wait
            done = [ln.rollouts_done for ln in everyone]
            assert done[: k + 1] == [before + n] * (k + 1)
            assert done[k + 1 :] == [before] * (len(everyone) - k - 1)
            # the count and the checkpoint move with the last learner's step
            last = k == len(everyone) - 1
            assert stepped.rollouts == (before + n if last else before)
            assert stepped.history["ppo"][-1]["rollouts"] == stepped.rollouts
        assert next(lap, None) is None
        whole.advance(lap_n)
        assert stepped.rollouts == whole.rollouts
        assert stepped.history == whole.history
    assert stepped.finished and stepped.rollouts == 100
    assert list(stepped.lap(40)) == [] and len(stepped.history["ppo"]) == 4
    for name in THREE:
        thetas = [ln.policy.theta for ln in whole.learners[name]]
        assert [ln.policy.theta for ln in stepped.learners[name]] == thetas
