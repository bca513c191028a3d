"""GridWorld: indexing, dynamics by hand and against the numpy model, validation, moves."""

import random
import re
from collections import Counter

import numpy as np
import pytest

from pgcore import ACTIONS, MOVES, GridWorld, SoftmaxPolicy
from pgcore.reinforce import rollout
from tests.oracle import grid_model

UP, RIGHT, DOWN, LEFT = range(4)


def test_actions_are_up_right_down_left():
    assert ACTIONS == ("up", "right", "down", "left")
    assert MOVES == ((-1, 0), (0, 1), (1, 0), (0, -1))


def test_defaults_and_indexing():
    env = GridWorld()
    assert (env.rows, env.cols, env.goal, env.pit, env.start, env.max_steps) == (
        3,
        3,
        (0, 2),
        (1, 1),
        None,
        20,
    )
    assert env.walls == frozenset() and env.n_states == 9 and env.n_actions == 4
    assert env.state((2, 1)) == 7 and env.cell(7) == (2, 1)
    assert all(env.state(env.cell(s)) == s for s in range(9))
    assert env.is_terminal(2) and env.is_terminal(4) and not env.is_terminal(0)
    assert env.start_states() == [0, 1, 3, 5, 6, 7, 8]


def test_steps_by_hand():
    env = GridWorld(walls=[(2, 1)])
    assert env.step(0, UP) == (0, 0.0, False)  # off the top edge: stay
    assert env.step(0, LEFT) == (0, 0.0, False)
    assert env.step(0, RIGHT) == (1, 0.0, False)
    assert env.step(1, RIGHT) == (2, 1.0, True)  # into the goal
    assert env.step(5, UP) == (2, 1.0, True)
    assert env.step(1, DOWN) == (4, -1.0, True)  # into the pit
    assert env.step(6, RIGHT) == (6, 0.0, False)  # into the wall: stay
    assert env.step(8, LEFT) == (8, 0.0, False)
    assert env.step(3, DOWN) == (6, 0.0, False)
    assert env.step(2, DOWN) == (2, 0.0, True)  # terminal states absorb


@pytest.mark.parametrize(
    "spec",
    [
        dict(rows=3, cols=3, goal=(0, 2), pit=(1, 1)),
        dict(rows=4, cols=6, goal=(3, 0), pit=(0, 5), walls=[(1, 1), (2, 4), (3, 1)]),
        dict(rows=1, cols=5, goal=(0, 4), pit=(0, 0)),
        dict(rows=5, cols=2, goal=(2, 1), pit=None, walls=[(0, 1)]),
    ],
)
def test_dynamics_match_the_numpy_model(spec):
    env = GridWorld(**spec)
    model = grid_model(spec["rows"], spec["cols"], spec["goal"], spec["pit"], spec.get("walls", ()))
    for s in np.flatnonzero(model.live):
        for a in range(4):
            s_next, reward, done = env.step(int(s), a)
            assert s_next == model.next_state[s, a] and reward == model.reward[s, a]
            assert done == (not model.live[s_next] and reward != 0)
    assert env.start_states() == list(np.flatnonzero(model.live))


def test_roles():
    env = GridWorld(walls=[(2, 2)], start=(2, 0))
    assert env.role((0, 2)) == "goal" and env.role((1, 1)) == "pit"
    assert env.role((2, 2)) == "wall" and env.role((2, 0)) == "start"
    assert env.role((0, 0)) == "empty"
    assert GridWorld().role((2, 0)) == "empty"  # a random start marks no cell


def test_random_start_is_uniform_over_open_cells():
    env = GridWorld(walls=[(2, 2)])
    rng = random.Random(3)
    n = 60_000
    policy = SoftmaxPolicy(env.n_states)
    counts = Counter(rollout(env, policy, rng).states[0] for _ in range(n))
    assert set(counts) == {0, 1, 3, 5, 6, 7}
    expected = n / 6
    # Pearson chi-square with 5 degrees of freedom; 25 is beyond its 99.99th percentile
    assert sum((c - expected) ** 2 / expected for c in counts.values()) < 25


def test_fixed_start():
    env = GridWorld(start=(2, 0))
    rng = random.Random(0)
    assert env.start_states() == [6]
    policy = SoftmaxPolicy(env.n_states)
    assert {rollout(env, policy, rng).states[0] for _ in range(50)} == {6}


def test_move_goal_keeps_everything_else_and_rebuilds_dynamics():
    env = GridWorld(walls=[(2, 1)])
    version = env.layout_version
    env.move_goal((2, 0))
    assert env.goal == (2, 0) and env.pit == (1, 1) and env.walls == {(2, 1)}
    assert env.layout_version != version
    assert env.step(3, DOWN) == (6, 1.0, True)
    assert env.step(1, RIGHT) == (2, 0.0, False)  # the old goal is an ordinary cell now
    assert 2 in env.start_states() and 6 not in env.start_states()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(goal=(5, 0)), "goal (5, 0) is outside the 3x3 grid"),
        (dict(goal=(0, -1)), "goal (0, -1) is outside the 3x3 grid"),
        (dict(pit=(3, 3)), "pit (3, 3) is outside the 3x3 grid"),
        (dict(goal=(1, 1)), "pit (1, 1) is on the goal"),
        (dict(walls=[(0, 2)]), "goal (0, 2) is on a wall"),
        (dict(walls=[(1, 1)]), "pit (1, 1) is on a wall"),
        (dict(walls=[(9, 9)]), "wall (9, 9) is outside the 3x3 grid"),
        (dict(start=(0, 2)), "start (0, 2) is on the goal"),
        (dict(start=(1, 1)), "start (1, 1) is on the pit"),
        (dict(rows=0), "rows must be a positive integer"),
        (dict(cols=2.5), "cols must be a positive integer"),
        (dict(max_steps=0), "max_steps must be a positive integer"),
        (dict(goal="x"), "goal 'x' is not a (row, col) pair"),
        (dict(rows=1, cols=2, goal=(0, 0), pit=(0, 1)), "no cell left to start in"),
    ],
)
def test_invalid_settings_name_the_setting(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        GridWorld(**kwargs)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ((3, 0), "outside the 3x3 grid"),
        ((1, 1), "on the pit"),
        ((2, 2), "on a wall"),
        ((2, 0), "on the fixed start"),
    ],
)
def test_move_goal_rejects_bad_cells_and_leaves_the_world_alone(cell, message):
    env = GridWorld(walls=[(2, 2)], start=(2, 0))
    before = env.transitions
    with pytest.raises(ValueError, match=message):
        env.move_goal(cell)
    assert env.goal == (0, 2) and env.transitions is before
