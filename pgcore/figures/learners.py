"""Which algorithm trains the grid figure's policy, with its knobs, as the reader chooses.

The gridworld figure offers REINFORCE, REINFORCE with baseline, actor-critic and PPO
(pgcore.algorithms). Switching makes a new learner around the same policy and the same critic,
so theta and V(s) carry over: the new algorithm picks up where the last one stopped. The knobs
an algorithm does not use are hidden: lambda for the two REINFORCEs, epsilon for all but PPO.
"""

from ..algorithms import ALGORITHMS, LABELS, make_learner
from ..critic import Critic
from ..figure import FigureError, number
from ..hyperparams import Hyperparams

LAM_STEP = 0.05  # the lambda slider's step
CLIP_STEPS = (0.05, 0.5, 0.05)  # the epsilon slider's range and step
USES_CRITIC = ("actor_critic", "ppo")
REINFORCE = ("reinforce", "reinforce_baseline")  # the learners whose weights a reader may write


class LearnerChoice:
    """The chosen algorithm, its hyperparameters and its learner, around one policy."""

    def __init__(self, settings, env, policy, rng, lr):
        self.name = settings.algorithm
        self.env, self.policy, self.rng = env, policy, rng
        self.hp = Hyperparams(
            lr=lr,
            batch_size=settings.batch_size,
            gamma=settings.gamma,
            reward_to_go=True,
            advantage="gae",  # lambda = 0 is the TD error: one slider covers both
            lam=settings.lam,
            clip_eps=settings.clip_eps,
            epochs=settings.epochs,
        )
        self.critic = Critic(env.n_states)
        self.weights = None  # the reader's REINFORCE weights (the code figure's), or pgcore's
        self.done = 0  # rollouts of every learner so far: the curve's x axis
        self.learner = self._make()

    def _make(self):
        """A learner of the chosen algorithm around the shared policy and critic."""
        weights = self.weights if self.name in REINFORCE else None
        return make_learner(
            self.name, self.env, self.policy, self.hp, self.rng, self.critic, weights
        )

    def switch(self, name):
        """Train with another algorithm from now on; theta and V are kept."""
        if name not in ALGORITHMS:
            raise FigureError(f"unknown algorithm {name!r}")
        if name != self.name:
            self.name = name
            self.learner = self._make()

    def set_weights(self, weights):
        """Weigh REINFORCE's steps with weights (None: pgcore's own); switch to REINFORCE with
        baseline if an algorithm that has no such weights is training."""
        if weights is not None and not callable(weights):
            raise FigureError("weights must be a function")
        self.weights = weights
        if self.name not in REINFORCE:
            self.name = "reinforce_baseline"
        self.learner = self._make()

    def set_lam(self, event):
        """The lambda slider moved."""
        self.hp.lam = round(number(event, 0.0, 1.0) / LAM_STEP) * LAM_STEP

    def set_clip(self, event):
        """The epsilon slider moved."""
        low, high, step = CLIP_STEPS
        self.hp.clip_eps = round(number(event, low, high) / step) * step

    def train(self, n, lr):
        """n rollouts with the chosen learner at learning rate lr; return them."""
        self.hp.lr = lr
        self.done += n
        return self.learner.train(n)

    # -- what the page shows ---------------------------------------------------------------------

    def controls(self):
        """The algorithm select and its sliders."""
        low, high, step = CLIP_STEPS
        return {
            "algorithm": {"value": self.name},
            "lam": {"min": 0, "max": 1, "step": LAM_STEP, "value": self.hp.lam},
            "clip": {"min": low, "max": high, "step": step, "value": self.hp.clip_eps},
        }

    def texts(self):
        """The sliders' readouts and what the last update measured."""
        return {
            "lam-out": f"\u03bb = {self.hp.lam:.2f}" + (" (TD error)" if not self.hp.lam else ""),
            "clip-out": f"\u03b5 = {self.hp.clip_eps:.2f}",
            "algorithm-stats": self.stats_line(),
        }

    def stats_line(self):
        """PPO's clip fraction and KL, or the critic's error, per update; for REINFORCE, whose
        weights it uses."""
        stats = self.learner.stats
        if self.name in REINFORCE:
            return "weights: yours (the code figure)" if self.weights is not None else ""
        if self.name == "ppo" and "kl" in stats:
            return (
                f"last update: clip fraction {stats['clip_fraction']:.2f} \u00b7 "
                f"KL {stats['kl']:.4f} \u00b7 critic error {stats['value_error']:.3f}"
            )
        if self.name == "actor_critic" and "value_error" in stats:
            return f"last update: critic error {stats['value_error']:.3f}"
        return ""

    def hidden(self):
        """Which of the algorithm's parts the page hides (an attrs part of a frame)."""
        return {
            "lam-group": {"hidden": self.name not in USES_CRITIC or None},
            "clip-group": {"hidden": self.name != "ppo" or None},
            "algorithm-stats": {"hidden": not self.stats_line() or None},
        }

    def resume_state(self):
        """The algorithm and its knobs (the critic relearns its values)."""
        return {"algorithm": self.name, "lam": self.hp.lam, "clip": self.hp.clip_eps}

    def resume(self, state):
        """Take back resume_state() (malformed parts are ignored)."""
        if state.get("algorithm") in ALGORITHMS:
            self.switch(state["algorithm"])
        for key, setter in (("lam", self.set_lam), ("clip", self.set_clip)):
            if isinstance(state.get(key), int | float):
                setter({"name": key, "value": state[key]})


CHOICES = [(name, LABELS[name]) for name in ALGORITHMS]
