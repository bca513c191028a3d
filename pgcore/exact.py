"""Exact J(theta) and dJ/dtheta for the tabular case, by dynamic programming over the horizon.

With H = max_steps and k steps left, V_k(s) = sum_a pi(a|s) Q_k(s, a) and
Q_k(s, a) = r(s, a) + gamma * V_{k-1}(s'), where V_0 = 0 and V is 0 at the goal and the pit
(the episode is over). J(theta) = E_{s_0}[V_H(s_0)] over the start distribution.
"""


def _live_rows(env, policy):
    """(s, pi(.|s), transitions[s]) for every state an episode can be in before it ends."""
    walls = {env.state(w) for w in env.walls}
    return [
        (s, policy.probs(s), env.transitions[s])
        for s in range(env.n_states)
        if s not in walls and not env.is_terminal(s)
    ]


def _values(env, rows, gamma):
    """[V_0, V_1, ..., V_H], each a list over all states."""
    markov = []  # per live state: expected reward R(s) and P(s'|s) over non-terminal s'
    for s, pi, moves in rows:
        R, successors = 0.0, {}
        for p, (s_next, r, done) in zip(pi, moves, strict=True):
            R += p * r
            if not done:
                successors[s_next] = successors.get(s_next, 0.0) + p
        markov.append((s, R, tuple(successors.items())))
    V = [0.0] * env.n_states
    values = [V]
    for _ in range(env.max_steps):
        V_prev, V = V, [0.0] * env.n_states
        for s, R, successors in markov:
            future = 0.0
            for s_next, p in successors:
                future += p * V_prev[s_next]
            V[s] = R + gamma * future
        values.append(V)
    return values


def exact_return(env, policy, gamma=1.0):
    """J(theta): the expected gamma-discounted return within max_steps, over the start states."""
    V_H = _values(env, _live_rows(env, policy), gamma)[-1]
    starts = env.start_states()
    return sum(V_H[s] for s in starts) / len(starts)


def exact_gradient(env, policy, gamma=1.0):
    """dJ/dtheta, shaped like theta, by the finite-horizon policy-gradient theorem:

    dJ/dtheta[s][a] = sum_t gamma^t d_t(s) pi(a|s) (Q_{H-t}(s, a) - V_{H-t}(s)),
    where d_t(s) is the probability of still being in the episode at state s at time t.
    """
    rows = _live_rows(env, policy)
    values = _values(env, rows, gamma)
    H = env.max_steps
    grad = [[0.0] * env.n_actions for _ in range(env.n_states)]
    starts = env.start_states()
    d = [0.0] * env.n_states
    for s in starts:
        d[s] += 1.0 / len(starts)
    discount = 1.0
    for t in range(H):
        V_k, V_next = values[H - t], values[H - t - 1]
        d_next = [0.0] * env.n_states
        for s, pi, moves in rows:
            if d[s] == 0.0:
                continue
            weight = discount * d[s]
            for a, (p, (s_next, r, done)) in enumerate(zip(pi, moves, strict=True)):
                Q = r + gamma * V_next[s_next]  # V is 0 at the goal and pit: nothing follows
                # softmax: d pi(a|s) / d theta[s][b] = pi(a|s) (onehot(a)[b] - pi(b|s)), so
                # sum_a (d pi(a|s)/d theta[s][b]) Q(s, a) = pi(b|s) (Q(s, b) - V(s))
                grad[s][a] += weight * p * (Q - V_k[s])
                if not done:
                    d_next[s_next] += d[s] * p
        d = d_next
        discount *= gamma
    return grad


def optimal_return(env, gamma=1.0):
    """J*: the best expected return any policy can reach within max_steps (the curve's ceiling).

    Finite-horizon value iteration, V*_k(s) = max_a [r(s, a) + gamma V*_{k-1}(s')]; the optimum
    over all policies is attained by a deterministic one, which a softmax approaches as theta
    grows, so J(theta) climbs toward this line but never crosses it.
    """
    walls = {env.state(w) for w in env.walls}
    live = [s for s in range(env.n_states) if s not in walls and not env.is_terminal(s)]
    V = [0.0] * env.n_states
    for _ in range(env.max_steps):
        V_prev, V = V, [0.0] * env.n_states
        for s in live:
            V[s] = max(
                r + (0.0 if done else gamma * V_prev[s_next])
                for s_next, r, done in env.transitions[s]
            )
    starts = env.start_states()
    return sum(V[s] for s in starts) / len(starts)
