"""pgcore: the policy-gradient engine behind the explainer, in pure standard-library Python."""

from .actor_critic import ActorCritic
from .algorithms import ALGORITHMS, LABELS, make_learner
from .cloud import GaussianCloud, GridCloud
from .critic import Critic
from .exact import exact_gradient, exact_return
from .gaussian import ContinuousTask, GaussianPolicy, GaussianTrainer
from .gridworld import ACTIONS, MOVES, GridWorld
from .ppo import PPO
from .race import Race
from .reinforce import (
    Hyperparams,
    Rollout,
    Trainer,
    episode_gradients,
    estimate_gradient,
    returns,
    rollout,
)
from .softmax import SoftmaxPolicy
from .weights import step_weights, whole_return_weights

__version__ = "0.1.0"

__all__ = [
    "ACTIONS",
    "ALGORITHMS",
    "LABELS",
    "MOVES",
    "PPO",
    "ActorCritic",
    "ContinuousTask",
    "Critic",
    "GaussianCloud",
    "GaussianPolicy",
    "GaussianTrainer",
    "GridCloud",
    "GridWorld",
    "Hyperparams",
    "Race",
    "Rollout",
    "SoftmaxPolicy",
    "Trainer",
    "episode_gradients",
    "estimate_gradient",
    "exact_gradient",
    "exact_return",
    "make_learner",
    "returns",
    "rollout",
    "step_weights",
    "whole_return_weights",
]
