"""The gradient cloud: many single-batch gradient estimates at one frozen policy, as 2-D points.

Each point is what one batch would have told a learner about two components of dJ/dtheta
(two action scores of one cell, or the Gaussian's mu). The points scatter around the exact
gradient; their mean stays on it (the estimators are unbiased) while a baseline shrinks the
scatter. Two clouds with the same seed and batch size play the very same episodes, so only the
estimator differs between them.
"""

import math
import random

from .exact import exact_gradient
from .gaussian import GaussianPolicy
from .reinforce import _Sampler, leave_one_out
from .scores import score_sums
from .weights import step_weights, whole_return_weights

BASELINES = ("none", "leave_one_out", "value")
BASELINE_LABELS = {
    "none": "no baseline",
    "leave_one_out": "leave-one-out baseline",
    "value": "learned value baseline",
}
CHI2_95_2D = 5.991  # P(chi-square with 2 degrees of freedom <= 5.991) = 0.95
VALUE_ROLLOUTS = 2000  # separate episodes (or samples) the value baseline is learned from


class Cloud:
    """Running statistics of 2-D points next to an exact 2-D gradient; subclasses make points."""

    def __init__(self, exact):
        self.exact = list(exact)
        self.points = []  # [x, y] per single-batch estimate
        self._count = 0
        self._mean = [0.0, 0.0]
        self._scatter = [[0.0, 0.0], [0.0, 0.0]]  # sum of outer products of deviations

    def sample(self, n):
        """Add n single-batch estimates; returns the new points."""
        new = [self._estimate() for _ in range(n)]
        for point in new:
            self._add(point)
        self.points += new
        return new

    def _add(self, point):
        """Welford's update of the mean and the scatter matrix, stable for any count."""
        n = self._count + 1
        delta = [p - m for p, m in zip(point, self._mean, strict=True)]
        self._mean = [m + d / n for m, d in zip(self._mean, delta, strict=True)]
        after = [p - m for p, m in zip(point, self._mean, strict=True)]
        for i in range(2):
            for j in range(2):
                self._scatter[i][j] += delta[i] * after[j]
        self._count = n

    def summary(self):
        """The cloud in numbers, as plain data (see the keys below); needs 2 points or more.

        mean and cov of the single-batch estimates (sample covariance), variance = trace(cov),
        se = the mean's standard error per component, ellipse = the 95 % confidence ellipse
        of the mean (from cov / n), distance = |mean - exact|.
        """
        n = self._count
        if n < 2:
            raise ValueError("a cloud needs at least 2 points for its spread")
        cov = [[self._scatter[i][j] / (n - 1) for j in range(2)] for i in range(2)]
        return {
            "n": n,
            "exact": list(self.exact),
            "mean": list(self._mean),
            "cov": cov,
            "variance": cov[0][0] + cov[1][1],
            "se": [math.sqrt(cov[i][i] / n) for i in range(2)],
            "ellipse": ellipse(self._mean, [[c / n for c in row] for row in cov]),
            "distance": math.dist(self._mean, self.exact),
        }


def ellipse(centre, cov, quantile=CHI2_95_2D):
    """The ellipse {x : (x - centre)^T cov^-1 (x - centre) <= quantile}: its semi-axes and angle.

    The axes point along the eigenvectors of the 2x2 cov, with half-lengths sqrt(quantile * l)
    for its eigenvalues l (major first); angle is the major axis' direction in radians.
    """
    (a, b), (_, c) = cov
    middle, radius = (a + c) / 2.0, math.hypot((a - c) / 2.0, b)
    major, minor = middle + radius, max(middle - radius, 0.0)
    return {
        "centre": list(centre),
        "semi_axes": [math.sqrt(quantile * major), math.sqrt(quantile * minor)],
        "angle": 0.5 * math.atan2(2.0 * b, a - c),
    }


def value_table(sampler, rng, episodes=VALUE_ROLLOUTS):
    """V(s): the mean gamma-discounted return-to-go G_t over every visit to s in fresh episodes."""
    total, visits = [0.0] * len(sampler.pi_table), [0] * len(sampler.pi_table)
    gamma = sampler.gamma
    for _ in range(episodes):
        ro, G_t = sampler.roll(rng), 0.0
        for t in range(len(ro.rewards) - 1, -1, -1):
            G_t = ro.rewards[t] + gamma * G_t
            total[ro.states[t]] += G_t
            visits[ro.states[t]] += 1
    return [tot / n if n else 0.0 for tot, n in zip(total, visits, strict=True)]


class GridCloud(Cloud):
    """Estimates of (dJ/dtheta[s][a], dJ/dtheta[s][b]) for a cell s and two of its actions.

    policy is copied, so training elsewhere does not move the cloud's theta. baseline is one of
    BASELINES: "value" subtracts gamma^t V(s_t), V learned beforehand (value_table) from
    separate episodes on a stream of their own, never from the batch it is used on, so the
    estimate stays unbiased and the batches stay those of the other settings. weights replaces
    REINFORCE's per-step weights as in pgcore.weights.
    """

    def __init__(
        self,
        env,
        policy,
        cell,
        actions,
        gamma=1.0,
        baseline="none",
        reward_to_go=True,
        batch_size=8,
        seed=0,
        weights=None,
    ):
        if baseline not in BASELINES:
            raise ValueError(f"baseline must be one of {', '.join(BASELINES)}, got {baseline!r}")
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        self.policy = policy.copy()
        self.s = env.state(cell)
        if env.is_terminal(self.s) or cell in env.walls:
            raise ValueError(f"cell {cell} is the {env.role(cell)}: no action is taken there")
        self.actions = tuple(actions)
        if len(self.actions) != 2 or not all(0 <= a < env.n_actions for a in self.actions):
            raise ValueError(f"actions must be two action indices, got {actions!r}")
        self.gamma, self.baseline, self.batch_size = gamma, baseline, batch_size
        self.weights = weights or (step_weights if reward_to_go else whole_return_weights)
        self.sampler = _Sampler(env, self.policy, gamma)
        self.rng = random.Random(seed)
        self.V = None
        if baseline == "value":
            self.V = value_table(self.sampler, random.Random(f"value baseline {seed}"))
        grad = exact_gradient(env, self.policy, gamma)
        super().__init__([grad[self.s][a] for a in self.actions])

    def _estimate(self):
        """One batch's estimate of the two components: (1/B) sum_i sum_t w_t grad_log_pi."""
        batch = [self.sampler.roll(self.rng) for _ in range(self.batch_size)]
        bs = (
            leave_one_out([ro.G for ro in batch])
            if self.baseline == "leave_one_out"
            else [0.0] * len(batch)
        )
        pi_table, gamma = self.sampler.pi_table, self.gamma
        ws = []
        for ro, b in zip(batch, bs, strict=True):
            pi_taken = [pi_table[s][a] for s, a in zip(ro.states, ro.actions, strict=True)]
            w = list(self.weights(ro.rewards, pi_taken, gamma, b))
            if self.V is not None:  # b_t = gamma^t V(s_t): a guess at gamma^t G_t
                V_t = [self.V[s] for s in ro.states]
                w = [w_t - gamma**t * v for t, (w_t, v) in enumerate(zip(w, V_t, strict=True))]
            ws.append(w)
        chosen, visits = score_sums(batch, ws, len(pi_table))
        pi = pi_table[self.s]
        return [(chosen[self.s][a] - visits[self.s] * pi[a]) / len(batch) for a in self.actions]


class GaussianCloud(Cloud):
    """Estimates of dJ/dmu for the Gaussian policy on the one-step ContinuousTask.

    J(mu) = prod_i w / sqrt(w^2 + sigma_i^2) exp(-(mu_i - t_i)^2 / (2 (w^2 + sigma_i^2))) in
    closed form (a Gaussian bump under a Gaussian policy), so dJ/dmu_i = J (t_i - mu_i) /
    (w^2 + sigma_i^2). One step means no reward-to-go; "value" subtracts the mean reward of
    separate samples, drawn beforehand on a stream of their own.
    """

    def __init__(self, task, policy, baseline="none", batch_size=8, seed=0):
        if baseline not in BASELINES:
            raise ValueError(f"baseline must be one of {', '.join(BASELINES)}, got {baseline!r}")
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        self.task, self.baseline, self.batch_size = task, baseline, batch_size
        self.mu, self.sigma = tuple(policy.mu), policy.sigma
        self.policy = GaussianPolicy(self.mu, policy.log_sigma, policy.sigma_floor)
        self.rng = random.Random(seed)
        self.b = 0.0  # the baseline of "none"; "value" learns its own below
        if baseline == "value":
            value_rng = random.Random(f"value baseline {seed}")
            rewards = [task.reward(self.policy.sample(value_rng)) for _ in range(VALUE_ROLLOUTS)]
            self.b = sum(rewards) / len(rewards)
        super().__init__(gaussian_gradient(task, self.mu, self.sigma))

    def _estimate(self):
        """(1/B) sum_i (r_i - b_i) (a_i - mu) / sigma^2, the score of mu weighted by r - b."""
        actions = [self.policy.sample(self.rng) for _ in range(self.batch_size)]
        rewards = [self.task.reward(a) for a in actions]
        if self.baseline == "leave_one_out":
            bs = leave_one_out(rewards)
        else:
            bs = [self.b] * len(rewards)
        return [
            sum(
                (r - b) * (a[i] - self.mu[i]) / self.sigma[i] ** 2
                for a, r, b in zip(actions, rewards, bs, strict=True)
            )
            / len(actions)
            for i in range(2)
        ]


def gaussian_gradient(task, mu, sigma):
    """Exact dJ/dmu of J = E[reward(a)], a ~ N(mu, diag sigma^2), from J's closed form."""
    w2, J = task.width**2, 1.0
    for m, s, t in zip(mu, sigma, task.target, strict=True):
        J *= math.sqrt(w2 / (w2 + s * s)) * math.exp(-((m - t) ** 2) / (2.0 * (w2 + s * s)))
    return [J * (t - m) / (w2 + s * s) for m, s, t in zip(mu, sigma, task.target, strict=True)]
