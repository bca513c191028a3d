"""The critic: a learned table V(s), the discounted return pi can expect from state s.

What V(s) estimates, given the step budget: the critic sees the cell s but not how many steps
are left, so it cannot tell an episode about to time out from one that is not. It learns the
value of s in the same world without the budget, V^pi = r_pi + gamma P_pi V^pi (0 at the goal
and the pit, where nothing follows). So at a timeout the episode was cut off, not ended: the
target there bootstraps with V(s_T) of the cell it stopped in (Pardo et al. 2018, "Time limits
in reinforcement learning"); counting the cut as worth 0 would teach V that a cell is worth
nothing at random moments, a target that is not a function of the cell.
"""


class Critic:
    """V(s) for every state, 0 until learned; shared by learners, so switching keeps it."""

    def __init__(self, n_states):
        if not isinstance(n_states, int) or n_states < 1:
            raise ValueError(f"n_states must be a positive integer, got {n_states!r}")
        self.n_states = n_states
        self.V = [0.0] * n_states

    def bootstrap(self, rollout):
        """V after the last step: V(s_T) if the episode timed out, 0 if it ended."""
        return self.V[rollout.final_state] if rollout.outcome == "timeout" else 0.0

    def update(self, states, targets, critic_lr, n_episodes):
        """Move V toward the targets of a batch of n_episodes episodes (states[k] got targets[k]).

        Semi-gradient descent on the batch's squared error per episode,
        (1/2N) sum_i sum_t (target_t - V(s_t))^2: V(s) += critic_lr / N * sum over the visits
        of s of (target - V(s)). Its fixed point is where the targets balance out on average,
        which for TD targets is the Bellman equation, so V^pi. The step is capped at 1 / n_s
        (n_s = visits of s in the batch), so V(s) never passes the mean of its own targets: an
        episode that circles in one cell cannot make it diverge. Returns the mean squared
        error over the steps, before the update.
        """
        errors, visits, squared = {}, {}, 0.0
        V = self.V
        for s, target in zip(states, targets, strict=True):
            error = target - V[s]
            errors[s] = errors.get(s, 0.0) + error
            visits[s] = visits.get(s, 0) + 1
            squared += error * error
        for s, n_s in visits.items():
            V[s] += min(critic_lr / n_episodes, 1.0 / n_s) * errors[s]
        return squared / len(states) if states else 0.0

    def copy(self):
        critic = Critic(self.n_states)
        critic.V = list(self.V)
        return critic
