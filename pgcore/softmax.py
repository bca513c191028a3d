"""The tabular softmax policy pi(a|s) = exp(theta[s][a]) / sum_b exp(theta[s][b]).

theta is a plain list of lists (zeros = uniform). Logits are kept finite: every update goes
through ascend(), which clips theta to [-THETA_LIMIT, THETA_LIMIT], so probabilities never
become NaN however large the learning rate.
"""

import math
from itertools import accumulate

# Clipping theta to +-THETA_LIMIT (a projection after each step) stops it overflowing to inf,
# where inf - inf would give NaN. It is far from ordinary training: onehot(a) - pi sums to 0
# over a row, so from theta = 0 a logit at +1000 means another sits at -333 or below, an
# action whose probability (exp of a gap over 1300) is already exactly 0 in float64.
THETA_LIMIT = 1000.0


def clip_logit(x):
    """Clamp a logit into [-THETA_LIMIT, THETA_LIMIT]; NaN (from inf - inf) becomes 0."""
    if x != x:
        return 0.0
    return -THETA_LIMIT if x < -THETA_LIMIT else THETA_LIMIT if x > THETA_LIMIT else x


def softmax(logits):
    """Probabilities from logits, stable for any finite values (subtract the max first)."""
    m = max(logits)
    exps = [math.exp(x - m) for x in logits]
    z = sum(exps)
    # With finite logits the max's own term is exp(0) = 1, so z < 1 or NaN means an inf or NaN
    # logit (only possible in a theta written by hand): clip them all and start again.
    if not z >= 1.0:
        logits = [clip_logit(x) for x in logits]
        m = max(logits)
        exps = [math.exp(x - m) for x in logits]
        z = sum(exps)
    return [e / z for e in exps]


def cumulative(pi):
    """Thresholds for sampling with one uniform u: action a is the first with u < cum[a].

    The last action with nonzero probability gets threshold exactly 1.0, so rounding in the
    running sum can neither push u past the end nor select an action of probability 0.
    """
    cum = list(accumulate(pi))
    last = len(pi) - 1
    while not pi[last] > 0.0:  # softmax gives the max logit >= 1/n, so this stops
        last -= 1
    cum[last:] = [1.0] * (len(cum) - last)
    return cum


def pick(cum, u):
    """The action whose cumulative threshold first exceeds u."""
    for a, c in enumerate(cum):
        if u < c:
            return a
    return len(cum) - 1


class SoftmaxPolicy:
    """pi(a|s) = softmax(theta[s])[a], one row of logits per state."""

    def __init__(self, n_states, n_actions=4, theta=None):
        if n_states < 1 or n_actions < 1:
            raise ValueError(f"need n_states >= 1 and n_actions >= 1, got {n_states}, {n_actions}")
        self.n_states, self.n_actions = n_states, n_actions
        if theta is None:
            self.theta = [[0.0] * n_actions for _ in range(n_states)]
        else:
            if len(theta) != n_states or any(len(row) != n_actions for row in theta):
                raise ValueError(f"theta must be {n_states} rows of {n_actions} logits")
            self.theta = [[clip_logit(float(x)) for x in row] for row in theta]

    def probs(self, s):
        return softmax(self.theta[s])

    def sample(self, s, rng):
        return pick(cumulative(self.probs(s)), rng.random())

    def grad_log_pi(self, s, a):
        """d log pi(a|s) / d theta[s] = onehot(a) - pi(.|s) (softmax log-derivative)."""
        return [(1.0 if b == a else 0.0) - p for b, p in enumerate(self.probs(s))]

    def ascend(self, step):
        """theta += step (theta's shape; a None row means no change), clipped to stay finite."""
        for row, d_row in zip(self.theta, step, strict=True):
            if d_row is None:
                continue
            for a, d in enumerate(d_row):
                new = row[a] + d
                if -THETA_LIMIT <= new <= THETA_LIMIT:
                    row[a] = new
                elif new == new:  # NaN (inf - inf) keeps the old logit rather than invent one
                    row[a] = THETA_LIMIT if new > 0.0 else -THETA_LIMIT

    def copy(self):
        return SoftmaxPolicy(self.n_states, self.n_actions, self.theta)
