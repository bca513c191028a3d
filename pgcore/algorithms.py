"""The learners the grid figure can switch between, by name, all around one shared policy.

Each learner trains the SoftmaxPolicy it is given in place, so making a new learner around the
same policy keeps theta (and handing it the same Critic keeps V): the reader can switch
algorithm mid-training and watch a non-stationary learner carry on from where the last stopped.
"""

from .actor_critic import ActorCritic
from .critic import Critic
from .ppo import PPO
from .reinforce import Trainer

ALGORITHMS = ("reinforce", "reinforce_baseline", "actor_critic", "ppo")
LABELS = {
    "reinforce": "REINFORCE",
    "reinforce_baseline": "REINFORCE with baseline",
    "actor_critic": "Actor-critic",
    "ppo": "PPO",
}


def make_learner(name, env, policy, hp, rng, critic=None, weights=None):
    """A learner for the algorithm name (one of ALGORITHMS) training policy on env.

    Every learner has train(n_rollouts) -> list of Rollouts, rollouts_done, updates_done and
    stats (the last update's diagnostics). reinforce weighs step t by gamma^t G_t,
    reinforce_baseline by gamma^t G_t - b (leave-one-out b), whatever hp.baseline says; weights
    replaces their per-step weights (pgcore.weights). actor_critic and ppo learn a Critic:
    pass one to share it, else each makes its own.
    """
    if name not in ALGORITHMS:
        raise ValueError(f"unknown algorithm {name!r} (expected one of {', '.join(ALGORITHMS)})")
    if name in ("reinforce", "reinforce_baseline"):
        return Trainer(env, policy, hp, rng, weights=weights, baseline=name == "reinforce_baseline")
    if weights is not None:
        raise ValueError(f"{name} weighs steps by gamma^t A_t; weights= is for REINFORCE only")
    critic = critic if critic is not None else Critic(env.n_states)
    learner = ActorCritic if name == "actor_critic" else PPO
    return learner(env, policy, hp, rng, critic)
