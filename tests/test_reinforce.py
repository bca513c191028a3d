"""REINFORCE: rollouts obey the world, the estimator is unbiased, and training finds the optimum."""

import math
import random

import numpy as np
import pytest

from pgcore import (
    GridWorld,
    Hyperparams,
    SoftmaxPolicy,
    Trainer,
    episode_gradients,
    estimate_gradient,
    exact_gradient,
    exact_return,
    returns,
    rollout,
)
from pgcore.reinforce import leave_one_out
from tests.oracle import grid_model, optimal_return


def test_returns_by_hand():
    assert returns([0.0, 0.0, 1.0], 0.9) == pytest.approx([0.81, 0.9, 1.0], rel=1e-15)
    assert returns([1.0, -1.0, 2.0], 1.0) == [2.0, 1.0, 2.0]
    assert returns([], 0.5) == []


def test_leave_one_out_by_hand():
    assert leave_one_out([1.0, 2.0, 6.0]) == [4.0, 3.5, 1.5]
    assert leave_one_out([5.0]) == [0.0]


def test_rollouts_obey_the_world():
    env = GridWorld(rows=3, cols=4, goal=(0, 3), pit=(1, 1), walls=[(2, 2)], max_steps=8)
    policy = SoftmaxPolicy(
        env.n_states, theta=np.random.default_rng(0).normal(size=(env.n_states, 4)).tolist()
    )
    rng = random.Random(1)
    outcomes = set()
    for _ in range(500):
        ro = rollout(env, policy, rng, gamma=0.9)
        assert ro.states[0] in env.start_states()
        T = len(ro.actions)
        assert len(ro.states) == len(ro.rewards) == T and 1 <= T <= env.max_steps
        path = ro.states + [ro.final_state]
        for t in range(T):
            s_next, reward, done = env.step(path[t], ro.actions[t])
            assert (s_next, reward) == (path[t + 1], ro.rewards[t])
            assert done == (t == T - 1 and ro.outcome != "timeout")
        assert ro.G == pytest.approx(sum(0.9**t * r for t, r in enumerate(ro.rewards)), abs=1e-15)
        expected = {env.goal: "goal", env.pit: "pit"}.get(env.cell(ro.final_state), "timeout")
        assert ro.outcome == expected
        outcomes.add(ro.outcome)
    assert outcomes == {"goal", "pit", "timeout"}


def test_a_near_deterministic_policy_walks_its_path():
    env = GridWorld(start=(2, 0))
    theta = [[0.0] * 4 for _ in range(9)]
    for cell, action in [((2, 0), 1), ((2, 1), 1), ((2, 2), 0), ((1, 2), 0)]:
        theta[env.state(cell)][action] = 50.0
    ro = rollout(env, SoftmaxPolicy(9, theta=theta), random.Random(0), gamma=0.5)
    assert ro.states == [6, 7, 8, 5] and ro.actions == [1, 1, 0, 0]
    assert ro.rewards == [0.0, 0.0, 0.0, 1.0] and ro.outcome == "goal" and ro.G == 0.125


def test_same_seed_same_rollouts():
    env, policy = GridWorld(), SoftmaxPolicy(9)
    first = [rollout(env, policy, random.Random(42)) for _ in range(3)]
    again = [rollout(env, policy, random.Random(42)) for _ in range(3)]
    assert [(r.states, r.actions) for r in first] == [(r.states, r.actions) for r in again]
    rng = random.Random(42)
    assert len({tuple(rollout(env, policy, rng).actions) for _ in range(20)}) > 5


def test_estimate_gradient_leaves_the_policy_alone_and_averages_episode_gradients():
    env = GridWorld()
    policy = SoftmaxPolicy(9, theta=np.random.default_rng(3).normal(size=(9, 4)).tolist())
    before = [row[:] for row in policy.theta]
    for baseline in (False, True):
        mean = estimate_gradient(env, policy, 300, random.Random(9), 0.9, baseline)
        samples = episode_gradients(env, policy, 300, random.Random(9), 0.9, baseline)
        np.testing.assert_allclose(mean, np.mean(samples, axis=0), rtol=1e-12, atol=1e-15)
    assert policy.theta == before


MC_CASES = [
    (dict(), 1.0, 11),
    (dict(rows=3, cols=4, goal=(2, 3), pit=(1, 1), walls=[(0, 2)], max_steps=10), 0.9, 12),
    (dict(start=(2, 0), max_steps=8), 0.8, 13),
]


def mc_samples(spec, gamma, seed, baseline, reward_to_go, episodes=12_000):
    env = GridWorld(**spec)
    policy = SoftmaxPolicy(
        env.n_states,
        theta=np.random.default_rng(seed).normal(0.0, 0.7, size=(env.n_states, 4)).tolist(),
    )
    samples = np.array(
        episode_gradients(env, policy, episodes, random.Random(seed), gamma, baseline, reward_to_go)
    )
    return samples, np.array(exact_gradient(env, policy, gamma))


def within_standard_errors(samples, exact):
    """|mean - exact| <= 4.5 SE + 1e-9 per component (two-sided p ~ 7e-6 each)."""
    se = samples.std(axis=0, ddof=1) / math.sqrt(len(samples))
    return np.abs(samples.mean(axis=0) - exact) <= 4.5 * se + 1e-9


@pytest.mark.parametrize(("spec", "gamma", "seed"), MC_CASES)
@pytest.mark.parametrize("baseline", [False, True])
@pytest.mark.parametrize("reward_to_go", [True, False])
def test_monte_carlo_estimate_agrees_with_the_exact_gradient(
    spec, gamma, seed, baseline, reward_to_go
):
    samples, exact = mc_samples(spec, gamma, seed, baseline, reward_to_go)
    assert within_standard_errors(samples, exact).all()
    assert np.abs(exact).max() > 0.02  # there is a gradient to get wrong


def test_the_standard_error_check_has_power():
    # the same episodes judged against the gradient of the undiscounted J must fail: this is
    # the size of mistake (dropping gamma^t) the agreement test is there to catch
    spec, gamma, seed = MC_CASES[1]
    samples, _ = mc_samples(spec, gamma, seed, baseline=False, reward_to_go=True)
    env = GridWorld(**spec)
    policy = SoftmaxPolicy(
        env.n_states,
        theta=np.random.default_rng(seed).normal(0.0, 0.7, size=(env.n_states, 4)).tolist(),
    )
    assert not within_standard_errors(samples, np.array(exact_gradient(env, policy, 1.0))).all()


def test_baseline_lowers_the_variance_when_returns_share_a_sign():
    # no pit and a long step budget: nearly every episode reaches the goal with G = 1, so G
    # alone says little about which actions helped; subtracting the batch mean removes it
    spec = dict(pit=None, max_steps=60)
    plain, _ = mc_samples(spec, 1.0, 21, baseline=False, reward_to_go=True, episodes=4000)
    based, _ = mc_samples(spec, 1.0, 21, baseline=True, reward_to_go=True, episodes=4000)
    assert based.var(axis=0).sum() < 0.5 * plain.var(axis=0).sum()


def test_trainer_updates_once_per_full_batch():
    env, policy = GridWorld(), SoftmaxPolicy(9)
    trainer = Trainer(env, policy, Hyperparams(lr=1.0, batch_size=4), random.Random(0))
    made = trainer.train(3)
    assert len(made) == 3 and trainer.rollouts_done == 3 and trainer.updates_done == 0
    assert policy.theta == SoftmaxPolicy(9).theta
    trainer.train(2)
    assert trainer.rollouts_done == 5 and trainer.updates_done == 1
    assert policy.theta != SoftmaxPolicy(9).theta
    trainer.train(3)
    assert trainer.updates_done == 2


@pytest.mark.parametrize(
    ("baseline", "reward_to_go", "gamma"),
    [(False, True, 1.0), (True, True, 0.9), (True, False, 0.7)],
)
def test_trainer_step_is_lr_times_the_estimate(baseline, reward_to_go, gamma):
    env = GridWorld(walls=[(2, 1)])
    theta = np.random.default_rng(5).normal(size=(9, 4)).tolist()
    estimate = estimate_gradient(
        env, SoftmaxPolicy(9, theta=theta), 16, random.Random(8), gamma, baseline, reward_to_go
    )
    policy = SoftmaxPolicy(9, theta=theta)
    hp = Hyperparams(
        lr=0.7, batch_size=16, gamma=gamma, baseline=baseline, reward_to_go=reward_to_go
    )
    Trainer(env, policy, hp, random.Random(8)).train(16)
    np.testing.assert_allclose(
        np.array(policy.theta) - np.array(theta), 0.7 * np.array(estimate), atol=1e-13
    )


def test_moving_the_goal_drops_the_half_collected_batch():
    env, policy = GridWorld(), SoftmaxPolicy(9)
    trainer = Trainer(env, policy, Hyperparams(batch_size=4), random.Random(0))
    trainer.train(3)
    env.move_goal((2, 0))
    trainer.train(3)
    assert trainer.updates_done == 0
    trainer.train(1)
    assert trainer.updates_done == 1


def optimum(env, gamma):
    return optimal_return(
        grid_model(env.rows, env.cols, env.goal, env.pit, env.walls, env.start, env.max_steps),
        gamma,
    )


FOUR_BY_FOUR = dict(rows=4, cols=4, goal=(0, 3), pit=(1, 2), walls=[(2, 1)])


@pytest.mark.parametrize(
    ("spec", "gamma"),
    [
        (dict(), 1.0),
        (dict(walls=[(2, 1)]), 0.9),
        (dict(FOUR_BY_FOUR, max_steps=15), 0.9),
    ],
)
def test_training_from_uniform_reaches_the_optimum(spec, gamma):
    env = GridWorld(**spec)
    policy = SoftmaxPolicy(env.n_states)
    hp = Hyperparams(lr=1.0, batch_size=10, gamma=gamma, baseline=True)
    best = optimum(env, gamma)
    assert best - exact_return(env, policy, gamma) > 0.3  # training has somewhere to go
    Trainer(env, policy, hp, random.Random(2024)).train(20_000)
    assert exact_return(env, policy, gamma) > best - 0.02


@pytest.mark.parametrize(("spec", "new_goal"), [(dict(), (2, 0)), (FOUR_BY_FOUR, (3, 0))])
def test_training_follows_a_moved_goal(spec, new_goal):
    # gamma = 1 as on the page. With gamma < 1 the first optimum is so sharp that after the
    # move most episodes circle until the timeout, G = 0 for all, and relearning crawls.
    env = GridWorld(**spec)
    policy = SoftmaxPolicy(env.n_states)
    trainer = Trainer(env, policy, Hyperparams(lr=1.0, batch_size=10), random.Random(7))
    trainer.train(15_000)
    assert exact_return(env, policy) > optimum(env, 1.0) - 0.02
    env.move_goal(new_goal)
    best = optimum(env, 1.0)
    assert exact_return(env, policy) < best - 0.5  # the old policy is now wrong
    trainer.train(25_000)
    assert exact_return(env, policy) > best - 0.02


def test_hyperparams_are_validated():
    with pytest.raises(ValueError, match="lr"):
        Hyperparams(lr=-1.0)
    with pytest.raises(ValueError, match="lr"):
        Hyperparams(lr=math.nan)
    with pytest.raises(ValueError, match="batch_size"):
        Hyperparams(batch_size=0)
    with pytest.raises(ValueError, match="gamma"):
        Hyperparams(gamma=1.5)


def test_policy_of_the_wrong_shape_is_refused():
    with pytest.raises(ValueError, match="the grid needs 9x4"):
        Trainer(GridWorld(), SoftmaxPolicy(4), Hyperparams(), random.Random(0))
    with pytest.raises(ValueError, match="the grid needs 9x4"):
        rollout(GridWorld(), SoftmaxPolicy(9, n_actions=3), random.Random(0))
