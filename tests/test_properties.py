"""Property tests: random worlds, logits, learning rates and seeds never break the numbers."""

import math
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from pgcore import (
    ContinuousTask,
    GaussianPolicy,
    GaussianTrainer,
    GridWorld,
    Hyperparams,
    SoftmaxPolicy,
    Trainer,
    estimate_gradient,
    exact_gradient,
    exact_return,
)
from pgcore.softmax import softmax

# no example database: the suite writes nothing into the checkout
FAST = settings(max_examples=150, deadline=None, database=None)


@st.composite
def worlds(draw):
    """A valid GridWorld up to 8x8: distinct goal and pit, some walls, at least one open cell."""
    rows, cols = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    cells = [(r, c) for r in range(rows) for c in range(cols)]
    if len(cells) < 3:
        cols += 3 - len(cells)
        cells = [(r, c) for r in range(rows) for c in range(cols)]
    order = draw(st.permutations(cells))
    goal, pit = order[0], draw(st.sampled_from([order[1], None]))
    n_walls = draw(st.integers(0, len(cells) - 3))
    walls = order[3 : 3 + n_walls]
    start = draw(st.sampled_from([None, order[2]]))
    return GridWorld(rows, cols, goal, pit, start, walls, max_steps=draw(st.integers(1, 30)))


hyperparams = st.builds(
    Hyperparams,
    lr=st.floats(0.0, 10.0),
    batch_size=st.integers(1, 8),
    gamma=st.floats(0.0, 1.0),
    reward_to_go=st.booleans(),
    baseline=st.booleans(),
)


def assert_distribution(pi):
    assert all(math.isfinite(p) and p >= 0.0 for p in pi)
    assert abs(math.fsum(pi) - 1.0) < 1e-12


@FAST
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=6))
def test_softmax_of_any_logits_is_a_distribution(logits):
    assert_distribution(softmax(logits))


@FAST
@given(worlds(), hyperparams, st.integers(0, 2**32 - 1), st.floats(0.0, 20.0))
def test_training_keeps_the_policy_a_distribution(env, hp, seed, theta_scale):
    rng = random.Random(seed)
    theta = [
        [rng.uniform(-theta_scale, theta_scale) for _ in range(4)] for _ in range(env.n_states)
    ]
    policy = SoftmaxPolicy(env.n_states, theta=theta)
    trainer = Trainer(env, policy, hp, rng)
    for _ in range(3):
        made = trainer.train(rng.randrange(1, 25))
        assert all(len(ro.actions) <= env.max_steps and math.isfinite(ro.G) for ro in made)
        if rng.random() < 0.5:
            open_cells = [env.cell(s) for s in env.start_states() if env.cell(s) != env.start]
            if open_cells:
                env.move_goal(rng.choice(open_cells))
    assert all(math.isfinite(x) for row in policy.theta for x in row)
    for s in range(env.n_states):
        assert_distribution(policy.probs(s))
    J = exact_return(env, policy, hp.gamma)
    assert -1.0 - 1e-12 <= J <= 1.0 + 1e-12
    for gradient in (
        exact_gradient(env, policy, hp.gamma),
        estimate_gradient(env, policy, 3, rng, hp.gamma, hp.baseline),
    ):
        assert len(gradient) == env.n_states
        assert all(len(row) == 4 and all(math.isfinite(g) for g in row) for row in gradient)


@FAST
@given(
    st.tuples(st.floats(-1.0, 1.0), st.floats(-1.0, 1.0)),
    st.floats(0.01, 1.0),
    st.floats(1e-3, 0.5),
    hyperparams,
    st.integers(0, 2**32 - 1),
)
def test_gaussian_training_keeps_sigma_above_its_floor(target, width, floor, hp, seed):
    task = ContinuousTask(target=target, width=width)
    policy = GaussianPolicy(sigma_floor=floor)
    rng = random.Random(seed)
    trainer = GaussianTrainer(task, policy, hp, rng)
    for _ in range(3):
        for a, r in trainer.train(rng.randrange(1, 40)):
            assert all(math.isfinite(x) for x in a) and 0.0 <= r <= 1.0
        task.move_target((rng.uniform(-1, 1), rng.uniform(-1, 1)))
        assert all(s >= floor for s in policy.sigma)
        assert all(math.isfinite(m) and abs(m) <= task.bounds for m in policy.mu)
        assert math.isfinite(policy.log_prob(policy.mu))
