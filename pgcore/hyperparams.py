"""The knobs of every learner, in one dataclass (pgcore.reinforce re-exports it)."""

from dataclasses import dataclass

ADVANTAGES = ("td", "gae")


@dataclass
class Hyperparams:
    """The knobs of REINFORCE, actor-critic and PPO, shared by the grid and the continuous task."""

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
    advantage: str = "gae"
    """Actor-critic's A_t: "td" is the one-step TD error delta_t, "gae" is GAE(lam)."""
    lam: float = 0.9
    """GAE's lambda in [0, 1]: A_t = sum_k (gamma lam)^k delta_{t+k}; 0 is the TD error (low
    variance, biased by the critic), 1 is G_t - V(s_t) (unbiased, noisy)."""
    critic_lr: float = 0.5
    """Step of the critic in (0, 1]: V(s) += critic_lr / N * sum over the batch's visits of s
    of (target - V(s)), never past the mean of those targets (see pgcore.critic)."""
    clip_eps: float = 0.2
    """PPO's epsilon > 0: the ratio pi_theta / pi_old is clipped to [1 - eps, 1 + eps]."""
    epochs: int = 4
    """PPO's passes of gradient ascent on the clipped surrogate per batch."""

    def __post_init__(self):
        if not 0.0 <= self.lr < float("inf"):
            raise ValueError(f"lr must be finite and >= 0, got {self.lr!r}")
        if not isinstance(self.batch_size, int) or self.batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {self.batch_size!r}")
        if not 0.0 <= self.gamma <= 1.0:
            raise ValueError(f"gamma must be in [0, 1], got {self.gamma!r}")
        if self.advantage not in ADVANTAGES:
            raise ValueError(f"advantage must be 'td' or 'gae', got {self.advantage!r}")
        if not 0.0 <= self.lam <= 1.0:
            raise ValueError(f"lam must be in [0, 1], got {self.lam!r}")
        if not 0.0 < self.critic_lr <= 1.0:
            raise ValueError(f"critic_lr must be in (0, 1], got {self.critic_lr!r}")
        if not 0.0 < self.clip_eps < float("inf"):
            raise ValueError(f"clip_eps must be finite and > 0, got {self.clip_eps!r}")
        if not isinstance(self.epochs, int) or isinstance(self.epochs, bool) or self.epochs < 1:
            raise ValueError(f"epochs must be a positive integer, got {self.epochs!r}")
