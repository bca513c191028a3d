"""REINFORCE: roll out, compute returns, push log-probabilities up in proportion to the return.

The estimate of dJ/dtheta from one episode is sum_t w_t * grad_log_pi(s_t, a_t) with
w_t = gamma^t G_t (reward-to-go, as in Sutton & Barto) or w_t = G_0 (the whole return), minus an
optional baseline. Every random draw comes from the random.Random passed in.
"""

from dataclasses import dataclass

from .softmax import cumulative


@dataclass
class Hyperparams:
    """The knobs of REINFORCE, shared by the gridworld and the continuous trainer."""

    lr: float = 1.0
    """Step size alpha: theta += lr * (mean over the batch of the per-episode estimates)."""
    batch_size: int = 10
    """Episodes (or samples) averaged into one update; leftovers wait for the next call."""
    gamma: float = 1.0
    """Discount in [0, 1]: G_t = r_t + gamma * G_{t+1}; J is the expected discounted return."""
    reward_to_go: bool = True
    """Weight step t by gamma^t G_t (what came after it) instead of G_0; both are unbiased,
    reward-to-go drops the rewards an action could not have caused, so it has less variance."""
    baseline: bool = True
    """Subtract from each episode's weight the mean G_0 of the *other* episodes in its batch.
    Leaving the episode itself out keeps the baseline independent of its actions: no bias."""

    def __post_init__(self):
        if not 0.0 <= self.lr < float("inf"):
            raise ValueError(f"lr must be finite and >= 0, got {self.lr!r}")
        if not isinstance(self.batch_size, int) or self.batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {self.batch_size!r}")
        if not 0.0 <= self.gamma <= 1.0:
            raise ValueError(f"gamma must be in [0, 1], got {self.gamma!r}")


class Rollout:
    """One episode: states[t], actions[t], rewards[t] for t < T, then where it ended."""

    __slots__ = ("states", "actions", "rewards", "final_state", "outcome", "G")

    def __init__(self, states, actions, rewards, final_state, outcome, G):
        self.states, self.actions, self.rewards = states, actions, rewards
        self.final_state = final_state  # the goal or pit cell, or where the timeout caught it
        self.outcome = outcome  # "goal" | "pit" | "timeout"
        self.G = G  # discounted return from t = 0

    def __repr__(self):
        return f"Rollout(T={len(self.actions)}, outcome={self.outcome!r}, G={self.G!r})"


def returns(rewards, gamma):
    """G_t = r_t + gamma * G_{t+1}, computed backwards from G_T = 0."""
    G_t, out = 0.0, [0.0] * len(rewards)
    for t in range(len(rewards) - 1, -1, -1):
        G_t = rewards[t] + gamma * G_t
        out[t] = G_t
    return out


class _Sampler:
    """Everything a rollout step needs under a fixed pi, laid out for speed.

    rows[s] = (cum[0], cum[1], cum[2], transitions[s]) with cum = cumulative(pi(.|s)): a step
    is one rng.random(), at most three comparisons and one tuple lookup, and no allocation.
    """

    __slots__ = ("pi_table", "rows", "starts", "goal_state", "max_steps", "gamma", "discounts")

    def __init__(self, env, policy, gamma):
        if (policy.n_states, policy.n_actions) != (env.n_states, env.n_actions):
            raise ValueError(
                f"policy is {policy.n_states}x{policy.n_actions}, "
                f"the grid needs {env.n_states}x{env.n_actions}"
            )
        walls = {env.state(w) for w in env.walls}
        # goal, pit and walls are never acted in, so their pi is never needed
        self.pi_table = [
            None if s in walls or env.is_terminal(s) else policy.probs(s)
            for s in range(env.n_states)
        ]
        self.rows = [
            None if pi is None else (*cumulative(pi)[:3], moves)
            for pi, moves in zip(self.pi_table, env.transitions, strict=True)
        ]
        self.starts = env.start_states()
        self.goal_state = env.state(env.goal)
        self.max_steps = env.max_steps
        self.gamma = gamma
        self.discounts = [gamma**t for t in range(env.max_steps)]

    def roll(self, rng):
        """Run one episode (4 actions: a = first index with u < cum[a], cum[3] = 1)."""
        random, rows, discounts = rng.random, self.rows, self.discounts
        states, actions, rewards = [], [], []
        starts = self.starts
        s = starts[min(int(random() * len(starts)), len(starts) - 1)]
        G, done = 0.0, False
        for t in range(self.max_steps):
            c0, c1, c2, moves = rows[s]
            u = random()
            a = 0 if u < c0 else 1 if u < c1 else 2 if u < c2 else 3
            states.append(s)
            actions.append(a)
            s, r, done = moves[a]
            rewards.append(r)
            if r:
                G += discounts[t] * r
            if done:
                break
        outcome = "timeout" if not done else "goal" if s == self.goal_state else "pit"
        return Rollout(states, actions, rewards, s, outcome, G)


def rollout(env, policy, rng, gamma=1.0):
    """Sample one episode from pi; G is its gamma-discounted return."""
    return _Sampler(env, policy, gamma).roll(rng)


def leave_one_out(values):
    """b_i = mean of the other values (0 for a batch of one)."""
    n, total = len(values), sum(values)
    return [(total - v) / (n - 1) if n > 1 else 0.0 for v in values]


def _baselines(batch, baseline):
    return leave_one_out([ro.G for ro in batch]) if baseline else [0.0] * len(batch)


def _weigh(batch, bs, sampler, reward_to_go):
    """Sum over the batch (episode i with baseline bs[i]) of sum_t w_t onehot(a_t) per state
    (chosen) and of w_t (visits).

    grad_log_pi(s, a) = onehot(a) - pi(.|s), so the batch's summed estimate at state s is
    chosen[s] - visits[s] * pi(.|s): the pi part is applied once per state, not per step.
    """
    n_states = len(sampler.pi_table)
    chosen, visits = [[0.0] * 4 for _ in range(n_states)], [0.0] * n_states
    gamma, discounts = sampler.gamma, sampler.discounts
    for ro, b in zip(batch, bs, strict=True):
        states, actions = ro.states, ro.actions
        if reward_to_go:
            rewards, G_t = ro.rewards, 0.0
            for t in range(len(rewards) - 1, -1, -1):
                G_t = rewards[t] + gamma * G_t
                # gamma^t G_t is the part of G_0 earned from t on, so b (a guess at G_0) fits it
                w = discounts[t] * G_t - b
                s = states[t]
                chosen[s][actions[t]] += w
                visits[s] += w
        else:
            w = ro.G - b  # the whole return R(tau) weighs every step
            for s, a in zip(states, actions, strict=True):
                chosen[s][a] += w
                visits[s] += w
    return chosen, visits


def _gradient(chosen, visits, pi_table, scale):
    """scale * (chosen[s] - visits[s] * pi(.|s)); None for states no episode touched."""
    return [
        None
        if pi is None or (not v and not any(c_row))
        else [scale * (c - v * p) for c, p in zip(c_row, pi, strict=True)]
        for c_row, v, pi in zip(chosen, visits, pi_table, strict=True)
    ]


def _dense(gradient, n_actions=4):
    return [[0.0] * n_actions if row is None else row for row in gradient]


def episode_gradients(env, policy, episodes, rng, gamma=1.0, baseline=False, reward_to_go=True):
    """One REINFORCE estimate of dJ/dtheta per episode (the samples estimate_gradient averages).

    With the baseline, episode i's estimate uses the other episodes' returns (leave-one-out).
    """
    sampler = _Sampler(env, policy, gamma)
    batch = [sampler.roll(rng) for _ in range(episodes)]
    samples = []
    for ro, b in zip(batch, _baselines(batch, baseline), strict=True):
        chosen, visits = _weigh([ro], [b], sampler, reward_to_go)
        samples.append(_dense(_gradient(chosen, visits, sampler.pi_table, 1.0)))
    return samples


def estimate_gradient(env, policy, episodes, rng, gamma=1.0, baseline=False, reward_to_go=True):
    """The Monte-Carlo REINFORCE estimate of dJ/dtheta (theta's shape); the policy is unchanged.

    Unbiased for exact_gradient(env, policy, gamma) with or without the baseline.
    """
    sampler = _Sampler(env, policy, gamma)
    batch = [sampler.roll(rng) for _ in range(episodes)]
    chosen, visits = _weigh(batch, _baselines(batch, baseline), sampler, reward_to_go)
    return _dense(_gradient(chosen, visits, sampler.pi_table, 1.0 / episodes))


class Trainer:
    """Batched REINFORCE on a GridWorld, driven a few rollouts at a time by the page.

    theta is read once when a batch starts, so every episode of a batch is sampled from the
    pi its gradient is taken at. Moving the goal or pit drops a half-collected batch: those
    episodes were played in a different world.
    """

    def __init__(self, env, policy, hp, rng):
        _Sampler(env, policy, hp.gamma)  # fail now, not mid-animation, on a shape mismatch
        self.env, self.policy, self.hp, self.rng = env, policy, hp, rng
        self.rollouts_done = 0
        self.updates_done = 0
        self._pending = []
        self._sampler = None  # pi of the batch in progress
        self._layout = None

    def train(self, n_rollouts):
        """Play n_rollouts episodes, updating theta after every hp.batch_size of them."""
        env, pending, made = self.env, self._pending, []
        for _ in range(n_rollouts):
            if self._layout != env.layout_version:
                pending.clear()
                self._layout = env.layout_version
            if not pending:
                self._sampler = _Sampler(env, self.policy, self.hp.gamma)
            ro = self._sampler.roll(self.rng)
            made.append(ro)
            pending.append(ro)
            if len(pending) >= self.hp.batch_size:
                self._update()
        self.rollouts_done += n_rollouts
        return made

    def _update(self):
        """theta += lr * (1/N) sum_i sum_t w_t grad_log_pi(s_t, a_t) over the pending batch."""
        hp, batch, sampler = self.hp, self._pending, self._sampler
        bs = _baselines(batch, hp.baseline)
        chosen, visits = _weigh(batch, bs, sampler, hp.reward_to_go)
        self.policy.ascend(_gradient(chosen, visits, sampler.pi_table, hp.lr / len(batch)))
        self.updates_done += 1
        batch.clear()
