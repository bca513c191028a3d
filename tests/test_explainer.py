"""The figure's state machine, exactly as the page drives it, but under CPython."""

import math
import random

import numpy as np
import pytest

from pgcore.explainer import CURVE_POINTS, SPEEDS, Explainer
from pgcore.scene import GridLayout
from pgcore.settings import Settings


def greedy_path_reaches_goal(explainer):
    """Follow the most probable action from every start state; True if all reach the goal."""
    env = explainer.env
    for start in env.start_states():
        state = start
        for _ in range(env.max_steps):
            state, _, done = env.step(state, explainer.policy.greedy(state))
            if done:
                break
        if env.cell(state) != env.goal:
            return False
    return True


def test_training_raises_the_exact_return_and_learns_a_greedy_path():
    explainer = Explainer()
    before = explainer.grid_return()
    for _ in range(150):
        explainer.train()
    assert explainer.grid_return() > before + 0.5
    assert greedy_path_reaches_goal(explainer)
    curve = explainer.history["grid"]
    assert (
        curve[0] == (0, pytest.approx(before)) and curve[-1][0] == explainer.trainer.rollouts_done
    )


def test_moving_the_goal_keeps_theta_and_training_finds_the_new_goal():
    explainer = Explainer()
    for _ in range(100):
        explainer.train()
    theta = [row[:] for row in explainer.policy.theta]
    layout = GridLayout(3, 3)
    assert explainer.click(*layout.centre((2, 0)))
    assert explainer.env.goal == (2, 0)
    assert explainer.policy.theta == theta
    for _ in range(300):
        explainer.train()
    assert greedy_path_reaches_goal(explainer)


def test_only_empty_cells_can_become_the_goal():
    explainer = Explainer(Settings.from_mapping({"start": [2, 0], "walls": [[2, 2]]}))
    for cell in [(1, 1), (0, 2), (2, 0), (2, 2)]:
        assert not explainer.move_goal(cell)
    assert explainer.env.goal == (0, 2)
    assert explainer.move_goal((0, 0))
    buttons = [row["label"] for row in explainer.table_rows() if row["goal_button"]]
    assert buttons == ["(0, 1)", "(0, 2)", "(1, 0)", "(1, 2)", "(2, 1)"]


def test_reset_forgets_learning_but_keeps_the_readers_world():
    explainer = Explainer()
    explainer.move_goal((2, 2))
    explainer.train(64)
    explainer.reset()
    assert explainer.env.goal == (2, 2)
    assert all(value == 0.0 for row in explainer.policy.theta for value in row)
    assert explainer.trainer.rollouts_done == 0 and len(explainer.history["grid"]) == 1


def test_same_controls_same_run():
    def run():
        explainer = Explainer()
        for speed in (2, 6, 0):
            explainer.set_speed(speed)
            explainer.train()
        explainer.set_mode("continuous")
        explainer.train(32)
        return explainer.policy.theta, explainer.gaussian.mu

    assert run() == run()


def test_continuous_training_pulls_mu_to_a_moved_target():
    explainer = Explainer()
    explainer.set_mode("continuous")
    explainer.move_target((-0.5, -0.4))

    def distance():
        return math.dist(explainer.gaussian.mu, explainer.task.target)

    start = distance()
    for _ in range(300):
        explainer.train()
    assert distance() < 0.25 * start
    assert explainer.continuous_return() > 0.6


def test_continuous_return_matches_monte_carlo():
    explainer = Explainer()
    explainer.gaussian.mu[:] = [0.2, -0.1]
    rng = np.random.default_rng(0)
    sigma = np.array(explainer.gaussian.sigma)
    samples = rng.normal(explainer.gaussian.mu, sigma, size=(200_000, 2))
    target = np.array(explainer.task.target)
    rewards = np.exp(-((samples - target) ** 2).sum(axis=1) / (2 * explainer.task.width**2))
    standard_error = rewards.std() / math.sqrt(len(rewards))
    assert abs(explainer.continuous_return() - rewards.mean()) < 4 * standard_error


def test_status_counts_rollouts_and_averages_recent_returns():
    explainer = Explainer()
    assert explainer.status().startswith("0 rollouts")
    explainer.train(10)
    returns = [rollout.G for _, rollout in explainer.recent]
    assert explainer.status().startswith("10 rollouts")
    assert f"{sum(returns) / len(returns):+.2f}" in explainer.status()


def test_learning_curve_stays_short():
    explainer = Explainer()
    explainer.set_speed(0)
    for _ in range(3 * CURVE_POINTS):
        explainer.train()
    curve = explainer.history["grid"]
    assert len(curve) <= CURVE_POINTS
    assert curve[0][0] == 0 and curve[-1][0] == 3 * CURVE_POINTS * SPEEDS[0]
    assert [n for n, _ in curve] == sorted(n for n, _ in curve)


def test_random_interaction_never_breaks_the_figure():
    rng = random.Random(5)
    explainer = Explainer()
    for _ in range(400):
        action = rng.randrange(7)
        if action == 0:
            explainer.set_mode(rng.choice(["policy", "trajectories", "continuous"]))
        elif action == 1:
            explainer.click(rng.uniform(0, 480), rng.uniform(0, 480))
        elif action == 2:
            explainer.reset()
        elif action == 3:
            explainer.set_lr(10 ** rng.uniform(-2, 1))
        elif action == 4:
            explainer.set_speed(rng.randrange(len(SPEEDS)))
        elif action == 5:
            explainer.set_baseline(rng.random() < 0.5)
        else:
            explainer.train()
        explainer.scene()
        explainer.curve_scene()
    for row in explainer.table_rows():
        assert math.isclose(sum(float(p) for p in row["probs"]), 1.0, abs_tol=0.003)


def test_fastest_speed_trains_for_a_time_budget_not_a_count():
    explainer = Explainer()
    explainer.set_speed(len(SPEEDS) - 1)
    assert SPEEDS[explainer.speed] is None
    ticks = iter(range(1000))
    # A fake clock advancing 1 ms per look: a 3 ms budget is spent after 3 chunks.
    assert explainer.train_for(0.003, clock=lambda: next(ticks) / 1000) == 3 * 16
    assert explainer.trainer.rollouts_done == 48
    assert explainer.history["grid"][-1][0] == 48
    explainer.train()  # the real clock: at least one chunk
    assert explainer.trainer.rollouts_done >= 64


def test_the_target_stays_inside_the_plane():
    explainer = Explainer()
    explainer.move_target((1.7, -3.0))
    assert tuple(explainer.task.target) == (1.0, -1.0)
