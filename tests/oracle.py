"""Independent numpy reference for the tabular gridworld: dynamics, J(theta), dJ/dtheta, J*.

Nothing here imports pgcore. The grid is rebuilt from its settings with its own move rule,
J comes from the matrix Bellman recursion V_k = r_pi + gamma P_pi V_{k-1}, and the gradient
is forward-mode differentiation of that recursion (not the policy-gradient theorem pgcore
uses), so agreement checks the theorem as well as the code.
"""

from dataclasses import dataclass

import numpy as np

DELTAS = np.array([(-1, 0), (0, 1), (1, 0), (0, -1)])  # up, right, down, left


@dataclass
class Model:
    """Tabular MDP: next_state[s, a], reward[s, a], live[s] (an agent can act there), rho."""

    next_state: np.ndarray
    reward: np.ndarray
    live: np.ndarray
    rho: np.ndarray
    horizon: int


def grid_model(rows, cols, goal, pit, walls=(), start=None, max_steps=20, step_reward=0.0):
    n = rows * cols
    walls = {tuple(w) for w in walls}
    next_state = np.zeros((n, 4), dtype=int)
    reward = np.zeros((n, 4))
    live = np.ones(n, dtype=bool)
    for r in range(rows):
        for c in range(cols):
            s = r * cols + c
            ends = (r, c) == tuple(goal) or (pit is not None and (r, c) == tuple(pit))
            live[s] = not ends and (r, c) not in walls
            for a, (dr, dc) in enumerate(DELTAS):
                target = (r + dr, c + dc)
                inside = 0 <= target[0] < rows and 0 <= target[1] < cols
                if not inside or target in walls:
                    target = (r, c)
                next_state[s, a] = target[0] * cols + target[1]
                if target == tuple(goal):
                    reward[s, a] = 1.0
                elif pit is not None and target == tuple(pit):
                    reward[s, a] = -1.0
                else:
                    reward[s, a] = step_reward
    rho = np.zeros(n)
    if start is None:
        rho[live] = 1.0 / live.sum()
    else:
        rho[start[0] * cols + start[1]] = 1.0
    return Model(next_state, reward, live, rho, max_steps)


def softmax(theta):
    z = np.exp(theta - theta.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def transition_tensor(model):
    """T[s, a, s'] = 1 if acting a in live s leads to s'; rows of dead states are zero."""
    n = len(model.live)
    T = np.zeros((n, 4, n))
    for s in np.flatnonzero(model.live):
        T[s, np.arange(4), model.next_state[s]] = 1.0
    return T


def policy_return(model, theta, gamma):
    """J = rho . V_H with V_k = r_pi + gamma P_pi V_{k-1}; dead states absorb with V = 0."""
    pi = softmax(np.asarray(theta, dtype=float))
    T = transition_tensor(model)
    live = model.live.astype(float)
    r_pi = live * (pi * model.reward).sum(axis=1)
    P_pi = np.einsum("sa,sat->st", pi, T) * model.live[None, :]  # entering goal/pit ends it
    V = np.zeros(len(live))
    for _ in range(model.horizon):
        V = r_pi + gamma * P_pi @ V
    return float(model.rho @ V)


def policy_gradient(model, theta, gamma):
    """dJ/dtheta by forward-mode differentiation of the Bellman recursion."""
    theta = np.asarray(theta, dtype=float)
    n = theta.shape[0]
    pi = softmax(theta)
    T = transition_tensor(model)
    live = model.live.astype(float)
    # dpi[s, a, s2, b] = d pi(a|s) / d theta[s2, b] = [s == s2] pi(a|s) ([a == b] - pi(b|s))
    local = pi[:, :, None] * (np.eye(4)[None, :, :] - pi[:, None, :])
    dpi = np.einsum("st,sab->satb", np.eye(n), local).reshape(n, 4, n * 4)
    r_pi = live * (pi * model.reward).sum(axis=1)
    dr_pi = live[:, None] * np.einsum("sap,sa->sp", dpi, model.reward)
    P_pi = np.einsum("sa,sat->st", pi, T) * model.live[None, :]
    dP_pi = np.einsum("sap,sat->stp", dpi, T) * model.live[None, :, None]
    V, dV = np.zeros(n), np.zeros((n, n * 4))
    for _ in range(model.horizon):
        V, dV = (
            r_pi + gamma * P_pi @ V,
            dr_pi + gamma * (np.einsum("stp,t->sp", dP_pi, V) + P_pi @ dV),
        )
    return (model.rho @ dV).reshape(n, 4)


def optimal_return(model, gamma):
    """max over all (even non-stationary) policies of J, by finite-horizon value iteration."""
    V = np.zeros(len(model.live))
    for _ in range(model.horizon):
        Q = model.reward + gamma * V[model.next_state] * model.live[model.next_state]
        V = np.where(model.live, Q.max(axis=1), 0.0)
    return float(model.rho @ V)
