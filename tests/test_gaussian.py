"""Continuous mode: Gaussian log-density and its gradient, the reward bump, and the trainer."""

import math
import random

import numpy as np
import pytest

from pgcore import ContinuousTask, GaussianPolicy, GaussianTrainer, Hyperparams


def np_log_prob(a, mu, log_sigma):
    """log N(a; mu, Sigma) with Sigma = diag(sigma^2), via the generic multivariate formula."""
    cov = np.diag(np.exp(2 * np.asarray(log_sigma)))
    diff = np.asarray(a) - np.asarray(mu)
    return float(
        -0.5 * diff @ np.linalg.solve(cov, diff) - 0.5 * np.log(np.linalg.det(2 * np.pi * cov))
    )


def expected_reward(mu, log_sigma, target, width):
    """E[reward(a)] for a ~ N(mu, sigma^2): the Gaussian bump convolved with the policy."""
    var = width**2 + np.exp(2 * np.asarray(log_sigma))
    diff = np.asarray(mu) - np.asarray(target)
    return float(np.prod(width / np.sqrt(var) * np.exp(-(diff**2) / (2 * var))))


def test_defaults_and_sigma_floor():
    policy = GaussianPolicy()
    assert policy.mu == [0.0, 0.0] and policy.sigma == pytest.approx((0.5, 0.5), rel=1e-15)
    assert policy.sigma_floor == 0.05
    low = GaussianPolicy(log_sigma=(-30.0, math.log(0.2)), sigma_floor=0.1)
    assert low.sigma[0] >= 0.1 and low.sigma[1] == pytest.approx(0.2)
    low.log_sigma[0] = -1e9  # written by hand past the floor: sigma still honours it
    assert low.sigma[0] == 0.1
    with pytest.raises(ValueError, match="sigma_floor"):
        GaussianPolicy(sigma_floor=0.0)


def test_log_prob_matches_numpy():
    policy = GaussianPolicy(mu=(0.3, -0.2), log_sigma=(math.log(0.4), math.log(0.7)))
    for a in [(0.0, 0.0), (1.2, -0.9), (0.3, -0.2)]:
        assert policy.log_prob(a) == pytest.approx(
            np_log_prob(a, policy.mu, policy.log_sigma), rel=1e-13
        )


def test_grad_log_pi_matches_finite_differences():
    mu, log_sigma = np.array([0.3, -0.2]), np.array([math.log(0.4), math.log(0.7)])
    a = (0.9, -1.1)
    d_mu, d_log_sigma = GaussianPolicy(mu, log_sigma).grad_log_pi(a)
    eps = 1e-6
    for i in range(2):
        step = np.eye(2)[i] * eps
        assert d_mu[i] == pytest.approx(
            (np_log_prob(a, mu + step, log_sigma) - np_log_prob(a, mu - step, log_sigma))
            / (2 * eps),
            rel=1e-7,
        )
        assert d_log_sigma[i] == pytest.approx(
            (np_log_prob(a, mu, log_sigma + step) - np_log_prob(a, mu, log_sigma - step))
            / (2 * eps),
            rel=1e-7,
        )


def test_samples_have_the_policy_mean_and_spread():
    policy = GaussianPolicy(mu=(0.3, -0.2), log_sigma=(math.log(0.4), math.log(0.1)))
    rng = random.Random(5)
    n = 40_000
    a = np.array([policy.sample(rng) for _ in range(n)])
    se_mean = np.array(policy.sigma) / math.sqrt(n)
    assert (np.abs(a.mean(axis=0) - policy.mu) < 4.5 * se_mean).all()
    # the sample standard deviation has standard error ~ sigma / sqrt(2n)
    se_std = np.array(policy.sigma) / math.sqrt(2 * n)
    assert (np.abs(a.std(axis=0) - policy.sigma) < 4.5 * se_std).all()
    assert abs(np.corrcoef(a.T)[0, 1]) < 4.5 / math.sqrt(n)
    again = [policy.sample(random.Random(5)) for _ in range(2)]
    assert again[0] == again[1] == tuple(a[0])


def test_reward_peaks_at_the_target():
    task = ContinuousTask(target=(0.6, 0.5), width=0.35)
    assert task.reward((0.6, 0.5)) == 1.0
    assert task.reward((0.6 + 0.35, 0.5)) == pytest.approx(math.exp(-0.5))
    assert 0.0 <= task.reward((-1.0, -1.0)) < task.reward((0.0, 0.0)) < 1.0
    task.move_target((-0.2, 0.1))
    assert task.target == (-0.2, 0.1) and task.reward((-0.2, 0.1)) == 1.0
    with pytest.raises(ValueError, match="outside the box"):
        task.move_target((1.5, 0.0))
    with pytest.raises(ValueError, match="width"):
        ContinuousTask(width=0.0)


def test_score_function_estimate_is_unbiased_for_the_expected_reward_gradient():
    task = ContinuousTask(target=(0.6, 0.5), width=0.35)
    mu, log_sigma = np.array([0.1, 0.2]), np.log([0.3, 0.45])
    policy = GaussianPolicy(mu, log_sigma)
    rng = random.Random(17)
    samples = []
    for _ in range(30_000):
        a = policy.sample(rng)
        d_mu, d_log_sigma = policy.grad_log_pi(a)
        samples.append(task.reward(a) * np.array(d_mu + d_log_sigma))
    samples = np.array(samples)
    eps = 1e-6
    exact = []
    for i in range(4):
        step = np.eye(4)[i] * eps
        up = expected_reward(mu + step[:2], log_sigma + step[2:], task.target, task.width)
        down = expected_reward(mu - step[:2], log_sigma - step[2:], task.target, task.width)
        exact.append((up - down) / (2 * eps))
    se = samples.std(axis=0, ddof=1) / math.sqrt(len(samples))
    assert (np.abs(samples.mean(axis=0) - exact) <= 4.5 * se + 1e-9).all()
    assert exact[0] > 0.05 and exact[1] > 0.05  # mu is pulled toward the target


@pytest.mark.parametrize("baseline", [False, True])
def test_trainer_step_is_the_batch_mean_of_weighted_scores(baseline):
    task = ContinuousTask()
    policy = GaussianPolicy(mu=(0.1, -0.1))
    twin = GaussianPolicy(mu=(0.1, -0.1))
    hp = Hyperparams(lr=0.05, batch_size=8, baseline=baseline)
    trainer = GaussianTrainer(task, policy, hp, random.Random(3))
    made = trainer.train(7)
    assert len(made) == 7 and trainer.samples_done == 7 and policy.mu == twin.mu
    made += trainer.train(1)
    rewards = np.array([r for _, r in made])
    assert rewards.tolist() == [task.reward(a) for a, _ in made]
    b = (rewards.sum() - rewards) / 7 if baseline else np.zeros(8)
    scores = np.array([sum(twin.grad_log_pi(a), ()) for a, _ in made])
    step = 0.05 * ((rewards - b)[:, None] * scores).mean(axis=0)
    np.testing.assert_allclose(policy.mu, np.array(twin.mu) + step[:2], rtol=1e-12)
    np.testing.assert_allclose(policy.log_sigma, np.array(twin.log_sigma) + step[2:], rtol=1e-12)


@pytest.mark.parametrize("seed", [1, 2])
def test_mu_converges_to_the_target_and_follows_it(seed):
    task, policy = ContinuousTask(target=(0.6, 0.5)), GaussianPolicy()
    trainer = GaussianTrainer(
        task, policy, Hyperparams(lr=0.05, batch_size=10), random.Random(seed)
    )
    sigmas = []
    for _ in range(30):
        trainer.train(200)
        sigmas.append(min(policy.sigma))
    assert math.dist(policy.mu, task.target) < 0.05
    assert min(sigmas) >= policy.sigma_floor and policy.sigma[0] < 0.2  # sharpened, not collapsed
    task.move_target((0.1, 0.1))
    trainer.train(6000)
    assert math.dist(policy.mu, task.target) < 0.05
    assert min(policy.sigma) >= policy.sigma_floor


def test_projection_keeps_mu_in_the_box_and_sigma_bounded():
    task = ContinuousTask(target=(1.0, -1.0))
    policy = GaussianPolicy(mu=(0.9, -0.9))
    trainer = GaussianTrainer(task, policy, Hyperparams(lr=50.0, batch_size=2), random.Random(0))
    edges = set()
    for _ in range(200):
        trainer.train(2)
        assert all(abs(m) <= task.bounds for m in policy.mu)
        assert all(policy.sigma_floor <= s <= task.bounds for s in policy.sigma)
        edges.update(m for m in policy.mu if abs(m) == task.bounds)
        edges.update(
            s
            for s in policy.sigma
            if math.isclose(s, policy.sigma_floor) or math.isclose(s, task.bounds)
        )
    assert len(edges) >= 2  # the huge steps did run into the walls of the box
