"""Independent numpy references for the learners: V^pi, advantages, the PPO objective, KL.

Nothing here imports pgcore. V^pi is the value the critic is meant to learn (see
pgcore/critic.py): the same world without the step budget, solved as one linear system.
"""

import numpy as np

from tests.oracle import softmax, transition_tensor


def state_values(model, theta, gamma):
    """V^pi with no step budget: (I - gamma P_pi) V = r_pi, 0 at the goal, the pit and walls."""
    pi = softmax(np.asarray(theta, dtype=float))
    live = model.live.astype(float)
    r_pi = live * (pi * model.reward).sum(axis=1)
    P_pi = np.einsum("sa,sat->st", pi, transition_tensor(model)) * model.live[None, :]
    return np.linalg.solve(np.eye(len(live)) - gamma * P_pi, r_pi)


def mc_advantages(rewards, states, V, V_end, gamma):
    """G_t - V(s_t), G_t = sum_k gamma^k r_{t+k} plus gamma^(T-t) V_end (the cut-off tail)."""
    rewards, T = np.asarray(rewards, dtype=float), len(rewards)
    G = np.array(
        [
            np.sum(gamma ** np.arange(T - t) * rewards[t:]) + gamma ** (T - t) * V_end
            for t in range(T)
        ]
    )
    return G - np.asarray(V)[states]


def td_errors(rewards, states, V, V_end, gamma):
    """delta_t = r_t + gamma V(s_{t+1}) - V(s_t), vectorised."""
    V_next = np.append(np.asarray(V)[states[1:]], V_end)
    return np.asarray(rewards) + gamma * V_next - np.asarray(V)[states]


def clipped_objective(theta, theta_old, steps, eps, n_episodes):
    """(1/N) sum over steps of min(ratio gA, clip(ratio) gA), steps = (s, a, gamma^t A_t, ...).

    pi_old comes from theta_old here, not from the steps.
    """
    pi, pi_old = softmax(theta), softmax(theta_old)
    s, a = (np.array([step[i] for step in steps], dtype=int) for i in (0, 1))
    gA = np.array([step[2] for step in steps])
    ratio = pi[s, a] / pi_old[s, a]
    return np.sum(np.minimum(ratio * gA, np.clip(ratio, 1 - eps, 1 + eps) * gA)) / n_episodes


def kl_divergence(theta_old_row, theta_row):
    """KL(p || q) of two softmax rows through scipy-free log-sum-exp."""

    def log_softmax(x):
        x = np.asarray(x, dtype=float)
        return x - (x.max() + np.log(np.exp(x - x.max()).sum()))

    log_p, log_q = log_softmax(theta_old_row), log_softmax(theta_row)
    return float(np.sum(np.exp(log_p) * (log_p - log_q)))
