"""The gradient cloud: unbiased for every estimator, baselines cut its spread, stats as numpy's."""

import math
import random

import numpy as np
import pytest

from pgcore import ContinuousTask, GaussianPolicy, GridWorld, Hyperparams, SoftmaxPolicy
from pgcore.algorithms import make_learner
from pgcore.cloud import BASELINE_LABELS, BASELINES, GaussianCloud, GridCloud, ellipse
from pgcore.weights import step_weights
from tests.oracle import grid_model, policy_gradient
from tests.test_gaussian import expected_reward

SE_BOUND = 4.5  # |mean - exact| <= 4.5 standard errors per component: two-sided p ~ 7e-6 each


def within_standard_errors(summary):
    return [
        abs(m - e) <= SE_BOUND * se + 1e-12
        for m, e, se in zip(summary["mean"], summary["exact"], summary["se"], strict=True)
    ]


def random_policy(env, seed, scale=0.7):
    theta = np.random.default_rng(seed).normal(0.0, scale, (env.n_states, 4))
    return SoftmaxPolicy(env.n_states, theta=theta.tolist())


def trained_policy(env):
    """The page's world after 1000 rollouts of REINFORCE with baseline (J 0.84 of J* 0.88)."""
    policy = SoftmaxPolicy(env.n_states)
    hp = Hyperparams(lr=1.0, batch_size=8, gamma=0.9)
    make_learner("reinforce_baseline", env, policy, hp, random.Random(0)).train(1000)
    return policy


GRID_CASES = [  # cells and actions whose components are large at random_policy(env, 4)
    (dict(), 0.9, (1, 0), (0, 1)),
    (
        dict(rows=3, cols=4, goal=(2, 3), pit=(1, 1), walls=[(0, 2)], max_steps=10),
        0.8,
        (2, 2),
        (0, 1),
    ),
]


@pytest.mark.parametrize(("spec", "gamma", "cell", "actions"), GRID_CASES)
@pytest.mark.parametrize("baseline", BASELINES)
@pytest.mark.parametrize("reward_to_go", [True, False])
def test_grid_cloud_is_centred_on_the_exact_gradient(
    spec, gamma, cell, actions, baseline, reward_to_go
):
    env = GridWorld(**spec)
    policy = random_policy(env, 4)
    cloud = GridCloud(
        env, policy, cell, actions, gamma, baseline, reward_to_go, batch_size=4, seed=21
    )
    cloud.sample(2500)
    summary = cloud.summary()
    model = grid_model(env.rows, env.cols, env.goal, env.pit, env.walls, env.start, env.max_steps)
    exact = policy_gradient(model, np.array(policy.theta), gamma)[env.state(cell), list(actions)]
    np.testing.assert_allclose(summary["exact"], exact, rtol=1e-10, atol=1e-14)
    assert all(within_standard_errors(summary))
    assert min(abs(e) for e in summary["exact"]) > 5 * max(summary["se"])  # a gradient to miss


def test_a_biased_estimator_is_caught():
    # weighting each step by pi(a_t|s_t) as well ("dropping the log") estimates grad pi, not
    # grad J: with the same points budget the check must reject it
    def drop_the_log(rewards, pi_taken, gamma, b):
        w = step_weights(rewards, pi_taken, gamma, b)
        return [w_t * p for w_t, p in zip(w, pi_taken, strict=True)]

    spec, gamma, cell, actions = GRID_CASES[0]
    env = GridWorld(**spec)
    policy = random_policy(env, 4)
    cloud = GridCloud(
        env, policy, cell, actions, gamma, batch_size=4, seed=21, weights=drop_the_log
    )
    cloud.sample(2500)
    assert not all(within_standard_errors(cloud.summary()))


def test_same_seed_same_episodes_whatever_the_estimator():
    env, policy = GridWorld(), random_policy(GridWorld(), 5)
    clouds = [
        GridCloud(env, policy, (2, 0), (0, 1), 0.9, baseline, reward_to_go, batch_size=6, seed=8)
        for baseline in BASELINES
        for reward_to_go in (True, False)
    ]
    for cloud in clouds:
        cloud.sample(50)
    # the same draws from the batches' stream: the value baseline learns from its own stream
    assert len({str(cloud.rng.getstate()) for cloud in clouds}) == 1
    # with its one reward at the end of an episode, this world has gamma^t G_t = G_0 for
    # every t: reward-to-go and the whole return weigh every step alike
    for whole, to_go in zip(clouds[1::2], clouds[::2], strict=True):
        np.testing.assert_allclose(whole.points, to_go.points, rtol=1e-12, atol=1e-15)
    different = GridCloud(env, policy, (2, 0), (0, 1), 0.9, batch_size=6, seed=9)
    different.sample(50)
    assert different.points != clouds[0].points


def variance_ratios(policy, env, cell=(2, 0), actions=(0, 1)):
    variance = {}
    for baseline in BASELINES:
        cloud = GridCloud(env, policy, cell, actions, 0.9, baseline, batch_size=8, seed=3)
        cloud.sample(1500)
        variance[baseline] = cloud.summary()["variance"]
    return variance["none"] / variance["leave_one_out"], variance["none"] / variance["value"]


def test_the_baselines_cut_the_variance_on_the_page_world():
    # seeded figures (none / leave-one-out, none / value) at cell (2, 0), actions up and right
    env = GridWorld()
    loo_at_zero, value_at_zero = variance_ratios(SoftmaxPolicy(env.n_states), env)
    loo_trained, value_trained = variance_ratios(trained_policy(env), env)
    # at theta = 0 the returns are +1, -1 and 0 alike: their mean is near 0, so leave-one-out
    # has nothing to subtract, while a learned V(s) still knows which cells are good
    assert 0.8 < loo_at_zero < 1.25 and value_at_zero > 1.5
    # trained, nearly every return is about the same: subtracting it removes most of the noise
    assert loo_trained > 2.5 and value_trained > 5.0


def test_summary_matches_numpy():
    env = GridWorld()
    cloud = GridCloud(env, random_policy(env, 6), (1, 0), (0, 2), 0.9, "value", seed=4)
    cloud.sample(300)
    cloud.sample(200)  # incremental: the same as 500 at once
    summary, points = cloud.summary(), np.array(cloud.points)
    assert summary["n"] == len(points) == 500
    np.testing.assert_allclose(summary["mean"], points.mean(axis=0), rtol=1e-12)
    cov = np.cov(points.T)
    np.testing.assert_allclose(summary["cov"], cov, rtol=1e-10)
    assert summary["variance"] == pytest.approx(np.trace(cov), rel=1e-10)
    np.testing.assert_allclose(summary["se"], np.sqrt(np.diag(cov) / 500), rtol=1e-10)
    assert summary["distance"] == pytest.approx(
        np.linalg.norm(points.mean(axis=0) - summary["exact"]), rel=1e-12
    )
    # the ellipse: eigen-decomposition of cov / n, radii sqrt(5.991 lambda)
    lambdas, vectors = np.linalg.eigh(cov / 500)
    shape = summary["ellipse"]
    np.testing.assert_allclose(shape["semi_axes"], np.sqrt(5.991 * lambdas[::-1]), rtol=1e-9)
    major = vectors[:, 1]
    direction = np.array([math.cos(shape["angle"]), math.sin(shape["angle"])])
    assert abs(abs(direction @ major) - 1.0) < 1e-9
    np.testing.assert_allclose(shape["centre"], summary["mean"], rtol=1e-15)


def test_ellipse_by_hand():
    # axis-aligned: variances 4 and 1 give radii sqrt(5.991 * 4) along x and sqrt(5.991) along y
    shape = ellipse([1.0, 2.0], [[4.0, 0.0], [0.0, 1.0]])
    assert shape["semi_axes"] == pytest.approx([2 * math.sqrt(5.991), math.sqrt(5.991)])
    assert shape["angle"] == 0.0
    assert ellipse([0, 0], [[1.0, 0.0], [0.0, 4.0]])["angle"] == pytest.approx(math.pi / 2)


def test_gaussian_exact_gradient_is_the_derivative_of_the_closed_form():
    task = ContinuousTask(target=(0.6, -0.3), width=0.4)
    policy = GaussianPolicy(mu=(-0.2, 0.1), log_sigma=(math.log(0.3), math.log(0.6)))
    cloud = GaussianCloud(task, policy)
    h = 1e-6
    for i in range(2):
        up, down = list(policy.mu), list(policy.mu)
        up[i] += h
        down[i] -= h
        numeric = (
            expected_reward(up, policy.log_sigma, task.target, task.width)
            - expected_reward(down, policy.log_sigma, task.target, task.width)
        ) / (2 * h)
        assert cloud.exact[i] == pytest.approx(numeric, rel=1e-7)


@pytest.mark.parametrize("baseline", BASELINES)
def test_gaussian_cloud_is_centred_and_the_baselines_help(baseline):
    task, policy = ContinuousTask(), GaussianPolicy()
    cloud = GaussianCloud(task, policy, baseline, batch_size=8, seed=2)
    cloud.sample(3000)
    summary = cloud.summary()
    assert all(within_standard_errors(summary))
    if baseline != "none":
        plain = GaussianCloud(task, policy, "none", batch_size=8, seed=2)
        plain.sample(3000)
        assert summary["variance"] < 0.95 * plain.summary()["variance"]


def test_bad_settings_are_refused():
    env, policy = GridWorld(), SoftmaxPolicy(9)
    with pytest.raises(ValueError, match="baseline"):
        GridCloud(env, policy, (2, 0), (0, 1), baseline="mean")
    with pytest.raises(ValueError, match="goal"):
        GridCloud(env, policy, (0, 2), (0, 1))
    with pytest.raises(ValueError, match="two action"):
        GridCloud(env, policy, (2, 0), (0, 4))
    with pytest.raises(ValueError, match="batch_size"):
        GaussianCloud(ContinuousTask(), GaussianPolicy(), batch_size=0)
    with pytest.raises(ValueError, match="at least 2 points"):
        GridCloud(env, policy, (2, 0), (0, 1)).summary()
    assert set(BASELINE_LABELS) == set(BASELINES)
