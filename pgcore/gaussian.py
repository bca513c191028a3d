"""The continuous mode: a 2-D Gaussian policy over points, and a reward bump at a target.

pi(a) = N(a; mu, diag(sigma^2)) with a learned log sigma per axis (so the page can draw the
sigma ellipse). The task is one step long: sample a point a, receive reward(a), so the return
of an episode is just its reward and REINFORCE drags mu toward the samples that scored well.
"""

import math

from .reinforce import leave_one_out

LOG_2PI = math.log(2.0 * math.pi)
LOG_HALF = math.log(0.5)


class GaussianPolicy:
    """A diagonal Gaussian over R^2 with mean mu and standard deviation sigma >= sigma_floor."""

    def __init__(self, mu=(0.0, 0.0), log_sigma=(LOG_HALF, LOG_HALF), sigma_floor=0.05):
        if not sigma_floor > 0.0:
            raise ValueError(f"sigma_floor must be > 0, got {sigma_floor!r}")
        if len(mu) != 2 or len(log_sigma) != 2:
            raise ValueError("mu and log_sigma must each have 2 components")
        self.sigma_floor = sigma_floor
        self.mu = [float(m) for m in mu]
        self.log_sigma = [max(float(ls), math.log(sigma_floor)) for ls in log_sigma]

    @property
    def sigma(self):
        # the max() also covers log_sigma written by hand below log(sigma_floor)
        return tuple(max(math.exp(ls), self.sigma_floor) for ls in self.log_sigma)

    def sample(self, rng):
        """a = mu + sigma * z, z ~ N(0, I) by Box-Muller from two rng.random() draws."""
        u1, u2 = rng.random(), rng.random()
        radius = math.sqrt(-2.0 * math.log(1.0 - u1))  # 1 - u1 is in (0, 1]: log is finite
        angle = 2.0 * math.pi * u2
        z = (radius * math.cos(angle), radius * math.sin(angle))
        return tuple(m + s * zi for m, s, zi in zip(self.mu, self.sigma, z, strict=True))

    def log_prob(self, a):
        """log N(a; mu, diag(sigma^2)), summed over the two axes."""
        return sum(
            -0.5 * ((x - m) / s) ** 2 - math.log(s) - 0.5 * LOG_2PI
            for x, m, s in zip(a, self.mu, self.sigma, strict=True)
        )

    def grad_log_pi(self, a):
        """(d log pi / d mu, d log pi / d log sigma), one component per axis."""
        sigma = self.sigma
        # d/d mu of -(a - mu)^2 / (2 sigma^2) is (a - mu) / sigma^2
        d_mu = tuple((x - m) / s**2 for x, m, s in zip(a, self.mu, sigma, strict=True))
        # d/d log sigma of -(a - mu)^2 / (2 sigma^2) - log sigma is (a - mu)^2 / sigma^2 - 1
        d_log_sigma = tuple(
            (x - m) ** 2 / s**2 - 1.0 for x, m, s in zip(a, self.mu, sigma, strict=True)
        )
        return d_mu, d_log_sigma


class ContinuousTask:
    """reward(a) = exp(-|a - target|^2 / (2 width^2)): 1 at the target, fading with distance.

    Targets live in the box [-bounds, bounds]^2 that the page draws.
    """

    def __init__(self, target=(0.6, 0.5), width=0.35, bounds=1.0):
        if not bounds > 0.0:
            raise ValueError(f"bounds must be > 0, got {bounds!r}")
        if not width > 0.0:
            raise ValueError(f"width must be > 0, got {width!r}")
        self.width, self.bounds = width, bounds
        self.move_target(target)

    def move_target(self, point):
        x, y = (float(v) for v in point)
        if not (abs(x) <= self.bounds and abs(y) <= self.bounds):
            raise ValueError(f"target {tuple(point)} is outside the box +-{self.bounds}")
        self.target = (x, y)

    def reward(self, a):
        tx, ty = self.target
        return math.exp(-((a[0] - tx) ** 2 + (a[1] - ty) ** 2) / (2.0 * self.width**2))


class GaussianTrainer:
    """Batched REINFORCE on the one-step ContinuousTask (hp.gamma, hp.reward_to_go unused).

    After each update mu is projected back into the task's box and sigma into
    [sigma_floor, bounds]: outside the box the reward, and so the gradient, vanishes for good,
    and a sigma wider than the box explores nothing new but can overflow exp(log sigma).
    """

    def __init__(self, task, policy, hp, rng):
        self.task, self.policy, self.hp, self.rng = task, policy, hp, rng
        self.samples_done = 0
        self.updates_done = 0
        self._pending = []  # (reward, grad_log_pi) of the batch in progress

    def train(self, n_samples):
        """Draw n_samples points, updating after every hp.batch_size; returns (a, reward)s."""
        made = []
        for _ in range(n_samples):
            a = self.policy.sample(self.rng)
            r = self.task.reward(a)
            made.append((a, r))
            # grad_log_pi is taken now, at the (mu, sigma) that drew a
            self._pending.append((r, self.policy.grad_log_pi(a)))
            if len(self._pending) >= self.hp.batch_size:
                self._update()
        self.samples_done += n_samples
        return made

    def _update(self):
        """mu += lr * mean (r - b) d_mu; log sigma += lr * mean (r - b) d_log_sigma."""
        hp, batch, policy = self.hp, self._pending, self.policy
        rewards = [r for r, _ in batch]
        bs = leave_one_out(rewards) if hp.baseline else [0.0] * len(batch)
        step = hp.lr / len(batch)
        g_mu, g_log_sigma = [0.0, 0.0], [0.0, 0.0]
        for (r, (d_mu, d_log_sigma)), b in zip(batch, bs, strict=True):
            for i in range(2):
                g_mu[i] += (r - b) * d_mu[i]
                g_log_sigma[i] += (r - b) * d_log_sigma[i]
        lo, hi = math.log(policy.sigma_floor), math.log(max(self.task.bounds, policy.sigma_floor))
        box = self.task.bounds
        for i in range(2):
            policy.mu[i] = min(max(policy.mu[i] + step * g_mu[i], -box), box)
            policy.log_sigma[i] = min(max(policy.log_sigma[i] + step * g_log_sigma[i], lo), hi)
        self.updates_done += 1
        batch.clear()
