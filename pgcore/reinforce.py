"""REINFORCE: roll out, compute returns, push log-probabilities up in proportion to the return.

The estimate of dJ/dtheta from one episode is sum_t w_t * grad_log_pi(s_t, a_t) with
w_t = gamma^t G_t (reward-to-go, as in Sutton & Barto) or w_t = G_0 (the whole return), minus an
optional baseline; those weights come from pgcore.weights, or from a function passed as
weights=. Every random draw comes from the random.Random passed in.
"""

from functools import lru_cache

from .hyperparams import Hyperparams  # noqa: F401 (its home was here; callers import it so)
from .scores import check_finite, dense, score_gradient
from .softmax import cumulative
from .weights import step_weights, whole_return_weights


class Rollout:
    """One episode: states[t], actions[t], rewards[t] for t < T, then where it ended."""

    __slots__ = ("states", "actions", "rewards", "final_state", "outcome", "G", "weights")

    def __init__(self, states, actions, rewards, final_state, outcome, G):
        self.states, self.actions, self.rewards = states, actions, rewards
        self.final_state = final_state  # the goal or pit cell, or where the timeout caught it
        self.outcome = outcome  # "goal" | "pit" | "timeout"
        self.G = G  # discounted return from t = 0
        # w_t its batch's update pushed log pi(a_t|s_t) by; None until that update happened
        self.weights = None

    def __repr__(self):
        return f"Rollout(T={len(self.actions)}, outcome={self.outcome!r}, G={self.G!r})"


def returns(rewards, gamma):
    """G_t = r_t + gamma * G_{t+1}, computed backwards from G_T = 0."""
    G_t, out = 0.0, [0.0] * len(rewards)
    for t in range(len(rewards) - 1, -1, -1):
        G_t = rewards[t] + gamma * G_t
        out[t] = G_t
    return out


@lru_cache(maxsize=16)
def _discounts(gamma, horizon):
    """(gamma^0, ..., gamma^(horizon-1)), kept: a trainer asks for the same ones every batch."""
    return tuple(gamma**t for t in range(horizon))


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
        self.discounts = _discounts(gamma, env.max_steps)

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


def _weights_for(weights, reward_to_go):
    """The weights function to use: the one given, else the default for reward_to_go."""
    if weights is not None:
        return weights
    return step_weights if reward_to_go else whole_return_weights


def _weigh(batch, bs, pi_table, gamma, weights):
    """score_sums of the batch with w = weights(rewards, pi_taken, gamma, bs[i]) for episode i.

    The same loop as score_sums, fused with the weights call: this is the page's hot path.
    """
    n_states = len(pi_table)
    chosen, visits = [[0.0] * 4 for _ in range(n_states)], [0.0] * n_states
    # pgcore's own weights never read pi_taken (see pgcore.weights): look it up for others only
    own = weights is step_weights or weights is whole_return_weights
    for ro, b in zip(batch, bs, strict=True):
        states, actions = ro.states, ro.actions
        pi_taken = None if own else [pi_table[s][a] for s, a in zip(states, actions, strict=True)]
        w, T = weights(ro.rewards, pi_taken, gamma, b), len(states)
        if not own and len(w) != T:
            raise ValueError(f"weights gave {len(w)} w_t for an episode of {T} steps")
        ro.weights = w
        for t in range(T - 1, -1, -1):  # backwards, the order the sums always had
            s, w_t = states[t], w[t]
            chosen[s][actions[t]] += w_t
            visits[s] += w_t
    if not own:  # pgcore's own weights have the right length, and are finite
        check_finite(visits)
    return chosen, visits


def episode_gradients(
    env, policy, episodes, rng, gamma=1.0, baseline=False, reward_to_go=True, weights=None
):
    """One REINFORCE estimate of dJ/dtheta per episode (the samples estimate_gradient averages).

    With the baseline, episode i's estimate uses the other episodes' returns (leave-one-out).
    weights replaces the per-step weights (see pgcore.weights); None picks step_weights, or
    whole_return_weights when reward_to_go is False.
    """
    sampler = _Sampler(env, policy, gamma)
    batch = [sampler.roll(rng) for _ in range(episodes)]
    weights = _weights_for(weights, reward_to_go)
    samples = []
    for ro, b in zip(batch, _baselines(batch, baseline), strict=True):
        chosen, visits = _weigh([ro], [b], sampler.pi_table, gamma, weights)
        samples.append(dense(score_gradient(chosen, visits, sampler.pi_table, 1.0)))
    return samples


def estimate_gradient(
    env, policy, episodes, rng, gamma=1.0, baseline=False, reward_to_go=True, weights=None
):
    """The Monte-Carlo REINFORCE estimate of dJ/dtheta (theta's shape); the policy is unchanged.

    Unbiased for exact_gradient(env, policy, gamma) with or without the baseline (with the
    default weights). weights is as in episode_gradients.
    """
    sampler = _Sampler(env, policy, gamma)
    batch = [sampler.roll(rng) for _ in range(episodes)]
    weights = _weights_for(weights, reward_to_go)
    chosen, visits = _weigh(batch, _baselines(batch, baseline), sampler.pi_table, gamma, weights)
    return dense(score_gradient(chosen, visits, sampler.pi_table, 1.0 / episodes))


class Trainer:
    """Batched REINFORCE on a GridWorld, driven a few rollouts at a time by the page.

    theta is read once when a batch starts, so every episode of a batch is sampled from the
    pi its gradient is taken at. Moving the goal or pit drops a half-collected batch: those
    episodes were played in a different world. Learners with another update (actor-critic,
    PPO) subclass it and replace _update.

    weights: the per-step weights function (see pgcore.weights); None picks step_weights, or
    whole_return_weights while hp.reward_to_go is False. baseline: True or False fixes the
    leave-one-out baseline on or off; None follows hp.baseline.
    """

    def __init__(self, env, policy, hp, rng, weights=None, baseline=None):
        _Sampler(env, policy, hp.gamma)  # fail now, not mid-animation, on a shape mismatch
        self.env, self.policy, self.hp, self.rng = env, policy, hp, rng
        self.weights, self.baseline = weights, baseline
        self.rollouts_done = 0
        self.updates_done = 0
        self._returns = []  # G_0 of the last update's episodes
        self._diagnostics = {}  # what a subclass's last update measured
        self._pending = []
        self._sampler = None  # pi of the batch in progress
        self._layout = None

    def train(self, n_rollouts):
        """Play n_rollouts episodes, updating theta after every hp.batch_size of them."""
        env, pending, made, rng = self.env, self._pending, [], self.rng
        batch_size, sampler = self.hp.batch_size, self._sampler
        for _ in range(n_rollouts):
            if self._layout != env.layout_version:
                pending.clear()
                self._layout = env.layout_version
            if not pending:
                sampler = self._sampler = _Sampler(env, self.policy, self.hp.gamma)
            ro = sampler.roll(rng)
            made.append(ro)
            pending.append(ro)
            if len(pending) >= batch_size:
                self._update()
                self.updates_done += 1
                pending.clear()
        self.rollouts_done += n_rollouts
        return made

    @property
    def stats(self):
        """Diagnostics of the last update as plain floats ({} before the first one)."""
        if not self._returns:
            return {}
        return {"mean_return": sum(self._returns) / len(self._returns), **self._diagnostics}

    def _update(self):
        """theta += lr * (1/N) sum_i sum_t w_t grad_log_pi(s_t, a_t) over the pending batch."""
        hp, batch, sampler = self.hp, self._pending, self._sampler
        self._returns = G = [ro.G for ro in batch]
        baseline = hp.baseline if self.baseline is None else self.baseline
        bs = leave_one_out(G) if baseline else [0.0] * len(batch)
        weights = _weights_for(self.weights, hp.reward_to_go)
        chosen, visits = _weigh(batch, bs, sampler.pi_table, sampler.gamma, weights)
        self.policy.ascend(score_gradient(chosen, visits, sampler.pi_table, hp.lr / len(batch)))
