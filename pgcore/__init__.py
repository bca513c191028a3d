"""pgcore: the policy-gradient engine behind the explainer, in pure standard-library Python.

The gradient cloud (pgcore.cloud) and the race (pgcore.race) are imported where they are
used, not here: the page compiles every module this file imports before it is ready.
"""

from .algorithms import ALGORITHMS, LABELS, make_learner
from .critic import Critic
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
    "ALGORITHMS",
    "LABELS",
    "MOVES",
    "ContinuousTask",
    "Critic",
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
    "make_learner",
    "returns",
    "rollout",
    "step_weights",
    "whole_return_weights",
]
