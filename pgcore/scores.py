"""From step weights to a gradient: sum_t w_t grad_log_pi(s_t, a_t) over a batch, per state.

Every learner on the grid weighs the steps of its episodes (REINFORCE by gamma^t G_t - b,
actor-critic by gamma^t A_t, PPO by gamma^t A_t times the ratio) and then climbs the same
softmax score, grad_log_pi(s, a) = onehot(a) - pi(.|s), so they share these sums.
"""

import math


def score_sums(batch, ws, n_states):
    """chosen[s][a] = sum of w_t over the steps that took a in s; visits[s] = sum of w_t at s.

    ws[i][t] is the weight of step t of episode batch[i]. Since grad_log_pi(s, a) = onehot(a)
    - pi(.|s), sum_i sum_t w_t grad_log_pi(s_t, a_t) at state s is chosen[s] - visits[s] *
    pi(.|s): the pi part is applied once per state, not per step. A non-finite w_t raises
    ValueError.
    """
    chosen, visits = [[0.0] * 4 for _ in range(n_states)], [0.0] * n_states
    for ro, w in zip(batch, ws, strict=True):
        states, actions = ro.states, ro.actions
        for t in range(len(states) - 1, -1, -1):  # backwards, as REINFORCE always added them
            s, w_t = states[t], w[t]
            chosen[s][actions[t]] += w_t
            visits[s] += w_t
    check_finite(visits)
    return chosen, visits


def check_finite(visits):
    """Refuse non-finite weights: one inf or NaN w_t leaves its state's sum of w_t non-finite."""
    if not all(map(math.isfinite, visits)):
        raise ValueError(f"a step weight w_t is not finite (sums of w_t per state: {visits})")


def score_gradient(chosen, visits, pi_table, scale):
    """scale * (chosen[s] - visits[s] * pi(.|s)); None for states no episode touched."""
    return [
        None
        if pi is None or (not v and not any(c_row))
        else [scale * (c - v * p) for c, p in zip(c_row, pi, strict=True)]
        for c_row, v, pi in zip(chosen, visits, pi_table, strict=True)
    ]


def dense(gradient, n_actions=4):
    """The gradient with every None row (a state no episode touched) written as zeros."""
    return [[0.0] * n_actions if row is None else row for row in gradient]
