"""PPO: the clipped surrogate's gradient, its first epoch, its clip fraction and its KL."""

import math
import random

import numpy as np
import pytest

from pgcore import GridWorld, Hyperparams, SoftmaxPolicy
from pgcore.actor_critic import ActorCritic, discounted
from pgcore.advantages import batch_advantages
from pgcore.critic import Critic
from pgcore.ppo import PPO, clipped_surrogate, kl
from pgcore.reinforce import rollout
from tests.oracle import softmax
from tests.oracle_algos import clipped_objective, kl_divergence

EPS = 0.2


def surrogate_case(seed, episodes=12):
    """A batch played by theta_old, its steps (s, a, gamma^t A_t, pi_old) and a moved theta."""
    env = GridWorld(rows=3, cols=4, goal=(0, 3), pit=(1, 1), walls=[(2, 2)], max_steps=8)
    rng = np.random.default_rng(seed)
    theta_old = rng.normal(0, 0.7, (env.n_states, 4))
    critic = Critic(env.n_states)
    critic.V = rng.normal(0, 0.3, env.n_states).tolist()
    policy = SoftmaxPolicy(env.n_states, theta=theta_old.tolist())
    play = random.Random(seed)
    batch = [rollout(env, policy, play, 0.9) for _ in range(episodes)]
    advantages, _, _ = batch_advantages(batch, critic, 0.9, 0.8)
    pi_old = softmax(theta_old)
    steps = [
        (s, a, gA, float(pi_old[s, a]))
        for ro, gAs in zip(batch, discounted(advantages, 0.9), strict=True)
        for s, a, gA in zip(ro.states, ro.actions, gAs, strict=True)
    ]
    # a step of the size several epochs take, so that some ratios leave [1 - eps, 1 + eps]
    theta = theta_old + rng.normal(0, 0.35, theta_old.shape)
    return steps, theta_old, theta, len(batch)


def table(theta):
    return softmax(theta).tolist()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_surrogate_gradient_matches_central_differences(seed):
    steps, theta_old, theta, n = surrogate_case(seed)
    L, gradient, clip_fraction = clipped_surrogate(steps, table(theta), EPS, n)
    assert L == pytest.approx(clipped_objective(theta, theta_old, steps, EPS, n), rel=1e-12)
    # the test means something only with both kinds of step present, and none near a kink
    ratios = np.array([softmax(theta)[s, a] / p for s, a, _, p in steps])
    assert 0.05 < clip_fraction < 0.95
    assert np.abs(np.abs(ratios - 1.0) - EPS).min() > 1e-4
    h = 1e-6
    visited = sorted({s for s, *_ in steps})
    for s in visited:
        for a in range(4):
            up, down = theta.copy(), theta.copy()
            up[s, a] += h
            down[s, a] -= h
            numeric = (
                clipped_objective(up, theta_old, steps, EPS, n)
                - clipped_objective(down, theta_old, steps, EPS, n)
            ) / (2 * h)
            assert gradient[s][a] == pytest.approx(numeric, rel=1e-5, abs=1e-8)
    assert all(gradient[s] is None for s in range(len(theta)) if s not in visited)


def test_clip_fraction_counts_the_steps_whose_clipped_term_is_smaller():
    # ratio 2 with A > 0 is clipped; ratio 2 with A < 0 is not (the unclipped term is smaller);
    # ratio 0.5 with A < 0 is clipped; ratio 1 never is
    pi_table = [[0.5, 0.5, 0.0, 0.0], None]
    steps = [(0, 0, 1.0, 0.25), (0, 0, -1.0, 0.25), (0, 1, -1.0, 1.0), (0, 1, 1.0, 0.5)]
    L, gradient, clip_fraction = clipped_surrogate(steps, pi_table, EPS, 1)
    assert clip_fraction == 0.5
    assert L == pytest.approx(1.2 - 2.0 - 0.8 + 1.0)
    # only the unclipped steps pull: w = ratio * gA = -2 (action 0) and +1 (action 1)
    assert gradient[0] == pytest.approx([-2.0 + 0.5, 1.0 + 0.5, 0.0, 0.0])  # c - v pi, v = -1
    assert gradient[1] is None


def test_one_unclipped_epoch_is_actor_critic_with_gae():
    env = GridWorld()
    theta = np.random.default_rng(5).normal(0, 0.5, (9, 4)).tolist()
    critic = Critic(9)
    critic.V = np.random.default_rng(6).normal(0, 0.4, 9).tolist()
    common = dict(lr=0.9, batch_size=8, gamma=0.9, lam=0.8, critic_lr=0.3)
    ppo_policy, ac_policy = SoftmaxPolicy(9, theta=theta), SoftmaxPolicy(9, theta=theta)
    ppo = PPO(
        env,
        ppo_policy,
        Hyperparams(**common, epochs=1, clip_eps=1e6),
        random.Random(4),
        critic.copy(),
    )
    ac = ActorCritic(
        env, ac_policy, Hyperparams(**common, advantage="gae"), random.Random(4), critic.copy()
    )
    for _ in range(25):
        ppo.train(8)
        ac.train(8)
        np.testing.assert_allclose(ppo_policy.theta, ac_policy.theta, rtol=0, atol=1e-12)
        np.testing.assert_allclose(ppo.critic.V, ac.critic.V, rtol=0, atol=1e-12)
        assert ppo.stats["clip_fraction"] == 0.0
    assert np.abs(np.array(ppo_policy.theta) - np.array(theta)).max() > 0.5  # it moved


def test_several_epochs_clip_and_report_kl():
    env = GridWorld()
    policy = SoftmaxPolicy(9)
    hp = Hyperparams(lr=1.0, batch_size=8, gamma=0.9, epochs=6, clip_eps=0.1)
    ppo = PPO(env, policy, hp, random.Random(9))
    fractions, kls = [], []
    for _ in range(40):
        before = [row[:] for row in policy.theta]
        batch = ppo.train(8)
        stats = ppo.stats
        fractions.append(stats["clip_fraction"])
        kls.append(stats["kl"])
        states = [s for ro in batch for s in ro.states]
        expected = np.mean([kl_divergence(before[s], policy.theta[s]) for s in states])
        assert stats["kl"] == pytest.approx(expected, rel=1e-9, abs=1e-15)
        assert 0.0 <= stats["clip_fraction"] <= 1.0
        assert stats["mean_return"] == pytest.approx(np.mean([ro.G for ro in batch]))
    assert max(fractions) > 0.05 and min(kls) >= 0.0 and max(kls) > 1e-3


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ([0.0, 0.0, 0.0, 0.0], [1.0, -1.0, 0.5, 0.0]),
        ([3.0, -2.0, 0.1, 0.0], [-1.0, 2.0, 0.0, 0.3]),
        ([1000.0, -1000.0, 0.0, 0.0], [0.0, 999.0, -5.0, 0.0]),  # pi underflows to 0
    ],
)
def test_kl_matches_numpy(old, new):
    assert kl(old, new) == pytest.approx(kl_divergence(old, new), rel=1e-12)
    assert kl(old, old) == 0.0
    assert math.isfinite(kl(new, old))
