"""REINFORCE's per-step weights: how hard each step's log pi(a_t|s_t) is pushed, in one place.

One episode's estimate of dJ/dtheta is sum_t w_t grad_log_pi(s_t, a_t). The functions here give
the w_t of one episode; REINFORCE's estimators and Trainer, and the gradient cloud, take them
from a `weights=` function, so a reader can pass their own (the in-page code editor will).

Contract for a replacement: called as weights(rewards, pi_taken, gamma, b) with
  rewards   r_0 .. r_{T-1} of one episode (floats),
  pi_taken  pi(a_t|s_t) of the action taken at each step, under the pi that played it,
  gamma     the discount in [0, 1],
  b         the episode's baseline (0.0 without one),
it returns a sequence of len(rewards) finite floats, w_0 .. w_{T-1}.
"""


def step_weights(rewards, pi_taken, gamma, b):
    """w_t for each step t of one episode: how hard to push log pi(a_t|s_t) up (down if < 0).

    w_t = gamma^t G_t - b. J counts a reward earned at step k as gamma^k r_k, and the action at
    t can only cause what comes after it, so its share is gamma^t G_t (reward-to-go); b is a
    guess at G_0 that does not depend on the episode's own actions, so subtracting it adds no
    bias. pi_taken is unused: weighting step t by pi_taken[t] as well would "drop the log",
    since grad pi = pi grad log pi.
    """
    T = len(rewards)
    w, G_t = [0.0] * T, 0.0
    for t in range(T - 1, -1, -1):
        G_t = rewards[t] + gamma * G_t  # G_t = r_t + gamma G_{t+1}, from G_T = 0
        w[t] = gamma**t * G_t - b
    return w


def whole_return_weights(rewards, pi_taken, gamma, b):
    """w_t = G_0 - b at every step: the whole return R(tau) weighs each action (Williams 1992)."""
    G_0 = 0.0
    for t, r in enumerate(rewards):
        if r:  # summed forward, zero rewards skipped, exactly as a rollout adds up its G
            G_0 += gamma**t * r
    return [G_0 - b] * len(rewards)
