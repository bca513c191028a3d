"""exact_return / exact_gradient against hand values, finite differences and the numpy oracle."""

import numpy as np
import pytest

from pgcore import GridWorld, SoftmaxPolicy, exact_gradient, exact_return
from pgcore.exact import optimal_return
from tests.oracle import grid_model, policy_gradient, policy_return
from tests.oracle import optimal_return as oracle_optimal_return

WORLDS = [
    dict(rows=3, cols=3, goal=(0, 2), pit=(1, 1)),
    dict(rows=3, cols=3, goal=(2, 0), pit=(0, 1), start=(2, 2), max_steps=6),
    dict(rows=4, cols=5, goal=(3, 4), pit=(1, 2), walls=[(2, 2), (0, 3), (3, 1)], max_steps=12),
    dict(rows=2, cols=6, goal=(0, 0), pit=None, walls=[(1, 3)], max_steps=9),
    dict(rows=1, cols=4, goal=(0, 3), pit=(0, 0), max_steps=3),
    dict(rows=5, cols=5, goal=(2, 2), pit=(4, 4), walls=[(1, 2), (2, 1)], max_steps=25),
    dict(rows=3, cols=4, goal=(0, 3), pit=(1, 1), max_steps=15, step_reward=-0.04),
]
GAMMAS = [1.0, 0.9, 0.5, 0.0]


def world(spec):
    model = grid_model(
        spec["rows"],
        spec["cols"],
        spec["goal"],
        spec["pit"],
        spec.get("walls", ()),
        spec.get("start"),
        spec.get("max_steps", 20),
        spec.get("step_reward", 0.0),
    )
    return GridWorld(**spec), model


def random_theta(n_states, seed, scale=1.5):
    return np.random.default_rng(seed).normal(0.0, scale, size=(n_states, 4))


def test_corridor_by_hand():
    # one cell from the goal, no pit: each step succeeds with probability 1/4
    env = GridWorld(rows=1, cols=2, goal=(0, 1), pit=None, start=(0, 0), max_steps=5)
    policy = SoftmaxPolicy(2)
    assert exact_return(env, policy) == pytest.approx(1 - 0.75**5, rel=1e-15)
    expected = sum(0.9**t * 0.75**t * 0.25 for t in range(5))
    assert exact_return(env, policy, gamma=0.9) == pytest.approx(expected, rel=1e-15)


def test_pit_next_to_start_by_hand():
    # right reaches the goal, left the pit, up/down bump: J = sum_t (1/2)^t (1/4 - 1/4) = 0
    env = GridWorld(rows=1, cols=3, goal=(0, 2), pit=(0, 0), start=(0, 1), max_steps=4)
    assert exact_return(env, SoftmaxPolicy(3)) == pytest.approx(0.0, abs=1e-16)
    tilted = SoftmaxPolicy(3, theta=[[0.0] * 4, [0.0, np.log(3.0), 0.0, 0.0], [0.0] * 4])
    # pi(right) = 1/2, pi(left) = 1/6, stay 1/3: J = sum_t (1/3)^t (1/2 - 1/6)
    expected = sum((1 / 3) ** t * (1 / 3) for t in range(4))
    assert exact_return(env, tilted) == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize("spec", WORLDS)
@pytest.mark.parametrize("gamma", GAMMAS)
def test_return_and_gradient_match_the_numpy_oracle(spec, gamma):
    env, model = world(spec)
    for seed in range(3):
        theta = random_theta(env.n_states, seed)
        policy = SoftmaxPolicy(env.n_states, theta=theta.tolist())
        assert exact_return(env, policy, gamma) == pytest.approx(
            policy_return(model, theta, gamma), rel=1e-12, abs=1e-14
        )
        np.testing.assert_allclose(
            exact_gradient(env, policy, gamma),
            policy_gradient(model, theta, gamma),
            rtol=1e-10,
            atol=1e-14,
        )


@pytest.mark.parametrize("spec", WORLDS[:4])
@pytest.mark.parametrize("gamma", [1.0, 0.8])
def test_gradient_matches_central_finite_differences(spec, gamma):
    env, _ = world(spec)
    theta = random_theta(env.n_states, seed=7)
    gradient = exact_gradient(env, SoftmaxPolicy(env.n_states, theta=theta.tolist()), gamma)
    eps = 1e-5
    numeric = np.zeros_like(theta)
    for s in range(env.n_states):
        for a in range(4):
            up, down = theta.copy(), theta.copy()
            up[s, a] += eps
            down[s, a] -= eps
            J_up = exact_return(env, SoftmaxPolicy(env.n_states, theta=up.tolist()), gamma)
            J_down = exact_return(env, SoftmaxPolicy(env.n_states, theta=down.tolist()), gamma)
            numeric[s, a] = (J_up - J_down) / (2 * eps)
    # central differences are O(eps^2) accurate: ~1e-10 here, plus rounding ~1e-11
    np.testing.assert_allclose(gradient, numeric, atol=1e-8)
    assert np.abs(numeric).max() > 1e-3  # the comparison is not between two zero tables


def test_gradient_is_zero_where_no_one_acts():
    env = GridWorld(walls=[(2, 2)])
    gradient = exact_gradient(env, SoftmaxPolicy(9, theta=random_theta(9, 3).tolist()))
    for cell in [(0, 2), (1, 1), (2, 2)]:
        assert gradient[env.state(cell)] == [0.0] * 4


@pytest.mark.parametrize("spec", WORLDS)
@pytest.mark.parametrize("gamma", GAMMAS)
def test_optimal_return_matches_value_iteration_and_bounds_every_policy(spec, gamma):
    env, model = world(spec)
    best = optimal_return(env, gamma)
    assert best == pytest.approx(oracle_optimal_return(model, gamma), rel=1e-12, abs=1e-14)
    for seed in range(3):
        theta = random_theta(env.n_states, seed, scale=4.0)
        assert exact_return(env, SoftmaxPolicy(env.n_states, theta=theta.tolist()), gamma) <= (
            best + 1e-12
        )
