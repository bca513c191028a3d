"""Property tests for the new learners: any world, knobs and seed keep theta and V sane."""

import math
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from pgcore import Hyperparams, SoftmaxPolicy, exact_return
from pgcore.algorithms import ALGORITHMS, make_learner
from pgcore.critic import Critic
from tests.test_properties import assert_distribution, worlds

# no example database: the suite writes nothing into the checkout
FAST = settings(max_examples=150, deadline=None, database=None)

knobs = st.builds(
    Hyperparams,
    lr=st.floats(0.0, 10.0),
    batch_size=st.integers(1, 8),
    gamma=st.floats(0.0, 1.0),
    advantage=st.sampled_from(["td", "gae"]),
    lam=st.floats(0.0, 1.0),
    critic_lr=st.floats(1e-3, 1.0),
    clip_eps=st.floats(1e-3, 10.0),
    epochs=st.integers(1, 5),
)


@FAST
@given(worlds(), knobs, st.integers(0, 2**32 - 1), st.floats(0.0, 20.0))
def test_switching_learners_keeps_the_policy_a_distribution_and_v_a_value(env, hp, seed, scale):
    rng = random.Random(seed)
    theta = [[rng.uniform(-scale, scale) for _ in range(4)] for _ in range(env.n_states)]
    policy, critic = SoftmaxPolicy(env.n_states, theta=theta), Critic(env.n_states)
    for _ in range(4):
        name = rng.choice(ALGORITHMS)
        learner = make_learner(name, env, policy, hp, rng, critic)
        made = learner.train(rng.randrange(1, 25))
        assert all(len(ro.actions) <= env.max_steps and math.isfinite(ro.G) for ro in made)
        assert all(isinstance(v, float) and math.isfinite(v) for v in learner.stats.values())
        if rng.random() < 0.5:
            open_cells = [env.cell(s) for s in env.start_states() if env.cell(s) != env.start]
            if open_cells:
                env.move_goal(rng.choice(open_cells))
    assert all(math.isfinite(x) for row in policy.theta for x in row)
    for s in range(env.n_states):
        assert_distribution(policy.probs(s))
    # every target is a mix of a +-1 reward and discounted values, so V stays within [-1, 1]
    assert all(-1.0 - 1e-9 <= v <= 1.0 + 1e-9 for v in critic.V)
    assert -1.0 - 1e-12 <= exact_return(env, policy, hp.gamma) <= 1.0 + 1e-12
