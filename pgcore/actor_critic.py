"""Actor-critic: REINFORCE with the return replaced by an advantage from a learned V(s).

The actor is the same softmax policy, climbing sum_t gamma^t A_t grad_log_pi(s_t, a_t); the
critic is a table V(s) learned from the same batches (Konda and Tsitsiklis 2000). A_t is the
TD error (hp.advantage = "td") or GAE(hp.lam) (pgcore.advantages).

The critic bootstraps at a timeout (pgcore.critic), so these advantages belong to the world
without the step budget; its J differs from the curve's by at most gamma^H times the chance
that an episode is still going after H = max_steps steps, which training drives toward 0.
"""

from .advantages import batch_advantages
from .critic import Critic
from .reinforce import Trainer
from .scores import score_gradient, score_sums


def discounted(advantages, gamma):
    """gamma^t A_t for each episode's A_t.

    REINFORCE weighs step t by gamma^t G_t because J is the discounted return from t = 0; the
    same gamma^t here keeps every learner climbing that one J, the curve the page draws.
    """
    return [[gamma**t * A_t for t, A_t in enumerate(A)] for A in advantages]


class ActorCritic(Trainer):
    """Batched advantage actor-critic on a GridWorld; the critic may be shared between learners."""

    def __init__(self, env, policy, hp, rng, critic=None):
        super().__init__(env, policy, hp, rng)
        self.critic = critic if critic is not None else Critic(env.n_states)
        if self.critic.n_states != env.n_states:
            raise ValueError(f"critic has {self.critic.n_states} states, the grid {env.n_states}")

    def lam(self):
        """The lambda in use: the TD error is GAE with lambda = 0."""
        return self.hp.lam if self.hp.advantage == "gae" else 0.0

    def _update(self):
        """theta += lr (1/N) sum_i sum_t gamma^t A_t grad_log_pi; then V moves to its targets."""
        hp, batch, sampler = self.hp, self._pending, self._sampler
        gamma = sampler.gamma
        advantages, states, targets = batch_advantages(batch, self.critic, gamma, self.lam())
        ws = discounted(advantages, gamma)
        for ro, w in zip(batch, ws, strict=True):
            ro.weights = w
        chosen, visits = score_sums(batch, ws, len(sampler.pi_table))
        self.policy.ascend(score_gradient(chosen, visits, sampler.pi_table, hp.lr / len(batch)))
        value_error = self.critic.update(states, targets, hp.critic_lr, len(batch))
        self._returns = [ro.G for ro in batch]
        self._diagnostics = {"value_error": value_error}
