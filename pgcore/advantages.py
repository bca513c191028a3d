"""Advantages from a critic: the TD error delta_t and GAE(lambda) (Schulman et al. 2016).

A_t says how much better the action at t turned out than the critic expected of s_t. The
one-step TD error leans on the critic (little variance, biased while V is wrong); summing the
TD errors ahead with weights (gamma lambda)^k trades that bias for variance, and with lambda = 1
it telescopes to the Monte-Carlo advantage G_t - V(s_t).
"""


def td_errors(rewards, values, V_end, gamma):
    """delta_t = r_t + gamma V(s_{t+1}) - V(s_t), with values[t] = V(s_t) and V_end after the last.

    V_end is 0 when the episode ended at the goal or pit, and V(s_T) when it timed out (see
    pgcore.critic: the cut is not an ending).
    """
    T = len(rewards)
    deltas = [0.0] * T
    for t in range(T):
        V_next = values[t + 1] if t + 1 < T else V_end
        deltas[t] = rewards[t] + gamma * V_next - values[t]
    return deltas


def gae(deltas, gamma, lam):
    """A_t = sum_k (gamma lam)^k delta_{t+k}, by A_t = delta_t + gamma lam A_{t+1} from A_T = 0."""
    A, A_next = [0.0] * len(deltas), 0.0
    for t in range(len(deltas) - 1, -1, -1):
        A_next = A[t] = deltas[t] + gamma * lam * A_next
    return A


def batch_advantages(batch, critic, gamma, lam):
    """A_t of every episode (one list each), and the critic's targets per step, flat.

    The target for V(s_t) is the lambda-return A_t + V(s_t): r_t + gamma V(s_{t+1}) for lam = 0,
    the bootstrapped return G_t for lam = 1. Everything uses V as it was before the batch.
    """
    advantages, states, targets = [], [], []
    V = critic.V
    for ro in batch:
        values = [V[s] for s in ro.states]
        A = gae(td_errors(ro.rewards, values, critic.bootstrap(ro), gamma), gamma, lam)
        advantages.append(A)
        states += ro.states
        targets += [A_t + v for A_t, v in zip(A, values, strict=True)]
    return advantages, states, targets
