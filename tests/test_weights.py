"""REINFORCE's per-step weights: by hand, bit for bit as before, and replaceable by a reader's."""

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
)
from pgcore.reinforce import leave_one_out
from pgcore.weights import step_weights, whole_return_weights
from tests.test_reinforce import within_standard_errors


def test_step_weights_by_hand():
    # G = [1 + 0.5 * 1, 0 + 0.5 * 2, 2] = [1.5, 1, 2]; gamma^t G_t = [1.5, 0.5, 0.5]
    assert step_weights([1.0, 0.0, 2.0], None, 0.5, 0.25) == [1.25, 0.25, 0.25]
    assert step_weights([0.0, 0.0, 1.0], None, 0.9, 0.0) == pytest.approx([0.81] * 3, rel=1e-15)
    assert step_weights([], None, 0.9, 0.3) == []


def test_whole_return_weights_by_hand():
    # G_0 = 1 + 0.25 * 2 = 1.5 weighs every step
    assert whole_return_weights([1.0, 0.0, 2.0], None, 0.5, 0.25) == [1.25, 1.25, 1.25]
    assert whole_return_weights([0.0, -1.0], None, 0.9, 0.1) == pytest.approx([-1.0] * 2)


def legacy_update(policy, batch, hp):
    """The update exactly as pgcore computed it before the weights had a function of their own.

    The inline loop of the old reinforce._weigh, kept here as the reference for "bit for bit":
    w_t = gamma^t G_t - b summed backwards per episode, or G_0 - b for the whole return.
    """
    n_states = policy.n_states
    pi_table = [policy.probs(s) for s in range(n_states)]
    bs = leave_one_out([ro.G for ro in batch]) if hp.baseline else [0.0] * len(batch)
    discounts = [hp.gamma**t for t in range(100)]
    chosen, visits = [[0.0] * 4 for _ in range(n_states)], [0.0] * n_states
    for ro, b in zip(batch, bs, strict=True):
        if hp.reward_to_go:
            G_t = 0.0
            for t in range(len(ro.rewards) - 1, -1, -1):
                G_t = ro.rewards[t] + hp.gamma * G_t
                w = discounts[t] * G_t - b
                chosen[ro.states[t]][ro.actions[t]] += w
                visits[ro.states[t]] += w
        else:
            for s, a in zip(ro.states, ro.actions, strict=True):
                chosen[s][a] += ro.G - b
                visits[s] += ro.G - b
    scale = hp.lr / len(batch)
    policy.ascend(
        [
            None
            if not v and not any(c_row)
            else [scale * (c - v * p) for c, p in zip(c_row, pi, strict=True)]
            for c_row, v, pi in zip(chosen, visits, pi_table, strict=True)
        ]
    )


@pytest.mark.parametrize("gamma", [1.0, 0.9, 0.7])
@pytest.mark.parametrize("baseline", [False, True])
@pytest.mark.parametrize("reward_to_go", [True, False])
def test_trainer_gives_the_old_numbers_bit_for_bit(gamma, baseline, reward_to_go):
    env = GridWorld(walls=[(2, 1)])
    hp = Hyperparams(
        lr=0.8, batch_size=8, gamma=gamma, baseline=baseline, reward_to_go=reward_to_go
    )
    policy, reference = SoftmaxPolicy(env.n_states), SoftmaxPolicy(env.n_states)
    trainer = Trainer(env, policy, hp, random.Random(11))
    for update in range(150):
        batch = trainer.train(hp.batch_size)
        legacy_update(reference, batch, hp)
        assert policy.theta == reference.theta, f"update {update}"
        if update == 100:
            env.move_goal((2, 0))
    assert max(abs(x) for row in policy.theta for x in row) > 1.0  # it learned something


def drop_the_log(rewards, pi_taken, gamma, b):
    """What a reader may try: w_t pi(a_t|s_t), which turns grad log pi into grad pi."""
    return [w * p for w, p in zip(step_weights(rewards, pi_taken, gamma, b), pi_taken, strict=True)]


def test_a_replacement_sees_pi_taken_and_its_weights_are_used():
    env, gamma, episodes = GridWorld(), 0.9, 40
    theta = np.random.default_rng(4).normal(size=(9, 4))
    pi = np.exp(theta) / np.exp(theta).sum(axis=1, keepdims=True)
    seen = []

    def recording(rewards, pi_taken, gamma, b):
        seen.append(list(pi_taken))
        return step_weights(rewards, pi_taken, gamma, b)

    # lr = 0: the trainer only plays the episodes estimate_gradient will play from this seed
    hp = Hyperparams(lr=0.0, batch_size=episodes, gamma=gamma, baseline=True)
    policy = SoftmaxPolicy(9, theta=theta.tolist())
    batch = Trainer(env, policy, hp, random.Random(5), weights=recording).train(episodes)
    for ro, pi_taken in zip(batch, seen, strict=True):
        np.testing.assert_allclose(pi_taken, pi[ro.states, ro.actions], rtol=1e-14)

    estimate = estimate_gradient(
        env, policy, episodes, random.Random(5), gamma, True, True, drop_the_log
    )
    G_0 = np.array([ro.G for ro in batch])
    b = (G_0.sum() - G_0) / (episodes - 1)
    expected = np.zeros((9, 4))
    for ro, b_i in zip(batch, b, strict=True):
        r = np.array(ro.rewards)
        t = np.arange(len(r))
        G_t = np.array([np.sum(gamma ** np.arange(len(r) - k) * r[k:]) for k in t])
        w = (gamma**t * G_t - b_i) * pi[ro.states, ro.actions]
        for s, a, w_t in zip(ro.states, ro.actions, w, strict=True):
            expected[s] += w_t * (np.eye(4)[a] - pi[s])
    np.testing.assert_allclose(estimate, expected / episodes, rtol=1e-10, atol=1e-14)


def test_trainer_takes_a_reader_function_and_refuses_bad_output():
    env, hp = GridWorld(), Hyperparams(lr=0.5, batch_size=4, gamma=0.9)
    own, wrapped = SoftmaxPolicy(9), SoftmaxPolicy(9)
    Trainer(env, own, hp, random.Random(3)).train(40)
    # a replacement that gives the same numbers leaves the same theta, bit for bit
    Trainer(env, wrapped, hp, random.Random(3), weights=lambda *a: step_weights(*a)).train(40)
    assert own.theta == wrapped.theta

    short = Trainer(env, SoftmaxPolicy(9), hp, random.Random(3), weights=lambda r, p, g, b: [1.0])
    with pytest.raises(ValueError, match="w_t for an episode of"):
        short.train(40)
    nan = Trainer(
        env, SoftmaxPolicy(9), hp, random.Random(3), weights=lambda r, p, g, b: [math.nan] * len(r)
    )
    with pytest.raises(ValueError, match="not finite"):
        nan.train(4)


def test_the_baseline_keyword_overrides_hp():
    env = GridWorld()
    on, off = Hyperparams(batch_size=5, baseline=True), Hyperparams(batch_size=5, baseline=False)
    forced, plain = SoftmaxPolicy(9), SoftmaxPolicy(9)
    Trainer(env, forced, on, random.Random(8), baseline=False).train(50)
    Trainer(env, plain, off, random.Random(8)).train(50)
    assert forced.theta == plain.theta


def test_dropping_the_log_is_caught_as_biased():
    # weighting by pi_taken estimates sum pi grad_log_pi = grad pi, not grad J: the
    # standard-error check against the exact gradient must notice, and pass the honest weights
    env = GridWorld(rows=3, cols=4, goal=(2, 3), pit=(1, 1), walls=[(0, 2)], max_steps=10)
    policy = SoftmaxPolicy(
        env.n_states, theta=np.random.default_rng(12).normal(0, 0.7, (env.n_states, 4)).tolist()
    )
    exact = np.array(exact_gradient(env, policy, 0.9))
    honest = np.array(episode_gradients(env, policy, 12_000, random.Random(12), 0.9))
    dropped = np.array(
        episode_gradients(env, policy, 12_000, random.Random(12), 0.9, weights=drop_the_log)
    )
    assert within_standard_errors(honest, exact).all()
    assert not within_standard_errors(dropped, exact).all()
