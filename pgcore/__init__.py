"""pgcore: the policy-gradient engine behind the explainer, in pure standard-library Python."""

from .exact import exact_gradient, exact_return
from .gaussian import ContinuousTask, GaussianPolicy, GaussianTrainer
from .gridworld import ACTIONS, MOVES, GridWorld
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
    "MOVES",
    "ContinuousTask",
    "GaussianPolicy",
    "GaussianTrainer",
    "GridWorld",
    "Hyperparams",
    "Rollout",
    "SoftmaxPolicy",
    "Trainer",
    "episode_gradients",
    "estimate_gradient",
    "exact_gradient",
    "exact_return",
    "returns",
    "rollout",
    "step_weights",
    "whole_return_weights",
]
