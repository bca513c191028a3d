"""SoftmaxPolicy: probabilities against numpy, stability at extreme logits, sampling, gradients."""

import math
import random

import numpy as np
import pytest

from pgcore import SoftmaxPolicy
from pgcore.softmax import THETA_LIMIT, cumulative, pick, softmax
from tests.oracle import softmax as np_softmax


def test_zeros_are_uniform():
    policy = SoftmaxPolicy(5)
    assert policy.theta == [[0.0] * 4 for _ in range(5)]
    assert all(policy.probs(s) == [0.25] * 4 for s in range(5))


def test_probs_match_numpy():
    theta = np.random.default_rng(1).normal(0.0, 3.0, size=(6, 4))
    policy = SoftmaxPolicy(6, theta=theta.tolist())
    np.testing.assert_allclose([policy.probs(s) for s in range(6)], np_softmax(theta), rtol=1e-13)


@pytest.mark.parametrize(
    "logits",
    [
        [1e308, -1e308, 0.0, 1e308],
        [-1e308, -1e308, -1e308, -1e308],
        [800.0, 0.0, -800.0, 799.0],
        [math.inf, 0.0, 1.0, -math.inf],
        [-math.inf, -math.inf, -math.inf, -math.inf],
        [0.0, math.nan, 1.0, 2.0],
        [1746.0, math.nan],  # found by hypothesis: the NaN must not be clipped against the old max
        [math.nan, math.nan, math.nan, math.nan],
    ],
)
def test_extreme_logits_give_finite_probabilities_summing_to_one(logits):
    pi = softmax(logits)
    assert all(math.isfinite(p) and 0.0 <= p <= 1.0 for p in pi)
    assert math.fsum(pi) == pytest.approx(1.0, abs=1e-15)


def test_extreme_logits_keep_the_right_order():
    pi = softmax([1e308, -1e308, 0.0, 1e308])
    assert pi == [0.5, 0.0, 0.0, 0.5]
    assert softmax([800.0, 0.0, -800.0, 799.0])[0] == pytest.approx(1 / (1 + math.exp(-1)))


def test_constructor_clips_theta_into_the_finite_range():
    policy = SoftmaxPolicy(1, theta=[[math.inf, -math.inf, 1e308, 2.0]])
    assert policy.theta == [[THETA_LIMIT, -THETA_LIMIT, THETA_LIMIT, 2.0]]


def test_ascend_keeps_theta_finite_under_overflowing_steps():
    policy = SoftmaxPolicy(2)
    policy.ascend([[1e308, -1e308, 0.0, 5.0], None])
    policy.ascend([[1e308, -1e308, math.inf, -math.inf], None])
    assert policy.theta[0] == [THETA_LIMIT, -THETA_LIMIT, THETA_LIMIT, -THETA_LIMIT]
    assert policy.theta[1] == [0.0] * 4  # a None row is left alone
    policy.ascend([[math.nan, 0.0, -math.inf, math.inf], [1.0, 2.0, 3.0, 4.0]])
    # NaN keeps the old logit; infinities saturate at the limit
    assert policy.theta == [
        [THETA_LIMIT, -THETA_LIMIT, -THETA_LIMIT, THETA_LIMIT],
        [1.0, 2.0, 3.0, 4.0],
    ]
    assert all(math.isfinite(p) for s in range(2) for p in policy.probs(s))


def test_grad_log_pi_matches_finite_differences_of_log_pi():
    theta = np.random.default_rng(2).normal(0.0, 1.0, size=(3, 4))
    policy = SoftmaxPolicy(3, theta=theta.tolist())
    eps = 1e-6
    for a in range(4):
        numeric = []
        for b in range(4):
            up, down = theta.copy(), theta.copy()
            up[1, b] += eps
            down[1, b] -= eps
            numeric.append(
                (np.log(np_softmax(up)[1, a]) - np.log(np_softmax(down)[1, a])) / (2 * eps)
            )
        np.testing.assert_allclose(policy.grad_log_pi(1, a), numeric, atol=1e-8)


def test_cumulative_ends_at_one_after_the_last_possible_action():
    assert cumulative([0.25, 0.25, 0.25, 0.25]) == [0.25, 0.5, 0.75, 1.0]
    cum = cumulative([0.1, 0.9, 0.0, 0.0])
    assert cum[1:] == [1.0, 1.0, 1.0]
    # whatever u in [0, 1) comes, an action of probability 0 is never picked
    for u in (0.0, 0.1, 0.5, 1.0 - 2**-53):
        assert pick(cum, u) in (0, 1)
    assert pick(cumulative([0.0, 0.0, 1.0, 0.0]), 0.0) == 2


def test_sampling_frequencies_match_probabilities():
    policy = SoftmaxPolicy(1, theta=[[0.5, -1.0, 1.5, 0.0]])
    pi = policy.probs(0)
    rng = random.Random(4)
    n = 100_000
    counts = np.bincount([policy.sample(0, rng) for _ in range(n)], minlength=4)
    expected = n * np.array(pi)
    # Pearson chi-square, 3 degrees of freedom: 21 is beyond its 99.99th percentile
    assert ((counts - expected) ** 2 / expected).sum() < 21


def test_a_copy_has_its_own_theta():
    policy = SoftmaxPolicy(2, theta=[[0.0, 3.0, 3.0, -1.0], [0.0, 0.0, 0.0, 0.0]])
    twin = policy.copy()
    twin.theta[0][0] = 9.0
    assert policy.theta[0][0] == 0.0


def test_bad_shapes_raise():
    with pytest.raises(ValueError, match="2 rows of 4 logits"):
        SoftmaxPolicy(2, theta=[[0.0] * 4])
    with pytest.raises(ValueError, match="n_states >= 1"):
        SoftmaxPolicy(0)
