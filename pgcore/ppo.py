"""PPO: several steps on one batch, each kept near the pi that played it (Schulman et al. 2017).

After collecting a batch with pi_old, PPO climbs the clipped surrogate
    L(theta) = (1/N) sum_i sum_t gamma^t min(ratio_t A_t, clip(ratio_t, 1-eps, 1+eps) A_t),
    ratio_t = pi_theta(a_t|s_t) / pi_old(a_t|s_t),
for hp.epochs full-batch steps (a batch is a handful of episodes: too few to split further).
At theta = theta_old its gradient is actor-critic's; once a ratio leaves [1-eps, 1+eps] in the
direction its advantage pushes, the clipped term is the smaller one and that step stops pulling.
"""

import math
from collections import Counter

from .actor_critic import ActorCritic, discounted
from .advantages import batch_advantages
from .scores import score_gradient


def clipped_surrogate(steps, pi_table, clip_eps, n_episodes):
    """(L, dL/dtheta with None rows where no step pulls, clip fraction) at the pi of pi_table.

    steps holds (s_t, a_t, gamma^t A_t, pi_old(a_t|s_t)) for every step of the batch. The clip
    fraction is the share of steps whose clipped term is the smaller, so their gradient is 0.
    """
    n_states = len(pi_table)
    chosen, visits = [[0.0] * 4 for _ in range(n_states)], [0.0] * n_states
    L, clipped_steps = 0.0, 0
    for s, a, gA, pi_old_taken in steps:
        ratio = pi_table[s][a] / pi_old_taken
        clipped = min(max(ratio, 1.0 - clip_eps), 1.0 + clip_eps)
        if clipped * gA < ratio * gA:
            L += clipped * gA  # constant in theta: no gradient
            clipped_steps += 1
        else:
            L += ratio * gA
            # d ratio / d theta[s] = ratio * (onehot(a) - pi(.|s)): grad pi = pi grad log pi
            chosen[s][a] += ratio * gA
            visits[s] += ratio * gA
    gradient = score_gradient(chosen, visits, pi_table, 1.0 / n_episodes)
    return L / n_episodes, gradient, clipped_steps / len(steps) if steps else 0.0


def log_softmax(logits):
    """log pi(.|s) from the logits, finite even where pi itself underflows to 0."""
    m = max(logits)
    log_z = m + math.log(sum(math.exp(x - m) for x in logits))
    return [x - log_z for x in logits]


def kl(theta_old_row, theta_row):
    """KL(pi_old(.|s) || pi(.|s)) = sum_a pi_old(a) (log pi_old(a) - log pi(a))."""
    log_old, log_new = log_softmax(theta_old_row), log_softmax(theta_row)
    return sum(math.exp(lo) * (lo - ln) for lo, ln in zip(log_old, log_new, strict=True))


class PPO(ActorCritic):
    """PPO-clip on a GridWorld: GAE(hp.lam) advantages from the shared critic, hp.epochs steps.

    stats: clip_fraction (mean over the epochs) and kl, KL(pi_old || pi_new) averaged over the
    batch's steps (so over its visited states, each as often as it was visited).
    """

    def lam(self):
        """PPO always uses GAE (hp.advantage chooses only for actor-critic)."""
        return self.hp.lam

    def _update(self):
        """hp.epochs steps theta += lr dL/dtheta on the batch, then V moves toward its targets."""
        hp, batch, sampler, policy = self.hp, self._pending, self._sampler, self.policy
        gamma, pi_old = sampler.gamma, sampler.pi_table
        advantages, states, targets = batch_advantages(batch, self.critic, gamma, self.lam())
        weights = discounted(advantages, gamma)
        for ro, w in zip(batch, weights, strict=True):
            ro.weights = w  # the surrogate's gradient at theta_old: gamma^t A_t per step
        steps = [
            (s, a, gA, pi_old[s][a])
            for ro, gAs in zip(batch, weights, strict=True)
            for s, a, gA in zip(ro.states, ro.actions, gAs, strict=True)
        ]
        visits = Counter(states)  # each visited state once, with how often it was visited
        theta_old = {s: list(policy.theta[s]) for s in visits}
        clip_fractions = []
        for _ in range(hp.epochs):
            pi = [policy.probs(s) if s in visits else None for s in range(policy.n_states)]
            _, gradient, clip_fraction = clipped_surrogate(steps, pi, hp.clip_eps, len(batch))
            policy.ascend([None if row is None else [hp.lr * g for g in row] for row in gradient])
            clip_fractions.append(clip_fraction)
        value_error = self.critic.update(states, targets, hp.critic_lr, len(batch))
        self._returns = [ro.G for ro in batch]
        self._diagnostics = {
            "clip_fraction": sum(clip_fractions) / len(clip_fractions),
            "kl": sum(n * kl(theta_old[s], policy.theta[s]) for s, n in visits.items())
            / len(states),
            "value_error": value_error,
        }
