"""The continuous figure: a 2-D Gaussian policy whose mean drifts toward reward.

The action is a point a on the plane; the reward is a bump around a target. REINFORCE drags mu
toward the samples that scored well and narrows sigma as the policy settles. A click on the plane,
or the arrow keys on it, move the target; mu and sigma are kept.
"""

import dataclasses
import math
import random
from collections import deque

from .. import share
from ..curve_view import curve_scene
from ..figure import TrainingFigure
from ..gaussian import ContinuousTask, GaussianPolicy, GaussianTrainer
from ..plane_view import continuous_scene
from ..reinforce import Hyperparams
from ..scene import PlaneLayout

RECENT = 100  # window of the status line's mean reward, in samples
SAMPLES = 48  # samples kept on the plane
MU_TRAIL = 60  # positions of mu kept for its trail

# The Gaussian's score (a - mu) / sigma^2 is about 1/sigma times larger than the softmax's
# onehot(a) - pi, so one slider position must take a smaller step here to stay stable.
CONTINUOUS_LR_SCALE = 0.05

KEY_STEP = 0.1  # how far an arrow key moves the target, in action units
KEYS = {"ArrowUp": (0, KEY_STEP), "ArrowDown": (0, -KEY_STEP)}
KEYS |= {"ArrowLeft": (-KEY_STEP, 0), "ArrowRight": (KEY_STEP, 0)}


class GaussianFigure(TrainingFigure):
    """The Gaussian policy, the reward bump, and what the reader can do to them."""

    UNIT = "samples"
    KEYS = tuple(KEYS)  # the keys the canvas takes from the page (it stops their scrolling)

    def __init__(self, settings, reduced_motion=False):
        super().__init__(settings, reduced_motion)
        self.baseline = settings.baseline
        self.task = ContinuousTask(target=settings.target, width=settings.width)
        self._reset_learning()

    # -- learning ------------------------------------------------------------------------------

    def _reset_learning(self):
        """mu at the centre, sigma 0.5, a fresh random stream, an empty curve."""
        self.policy = GaussianPolicy()
        self.hp = Hyperparams(
            lr=self.lr * CONTINUOUS_LR_SCALE,
            batch_size=self.settings.batch_size,
            gamma=1.0,
            reward_to_go=True,
            baseline=self.baseline,
        )
        self.trainer = GaussianTrainer(
            self.task, self.policy, self.hp, random.Random(self.settings.seed)
        )
        self.samples = deque(maxlen=SAMPLES)  # (action, reward)
        self.recent_rewards = deque(maxlen=RECENT)
        self.mu_trail = [tuple(self.policy.mu)]
        self.curve = [(0, self._exact())]

    def _train(self, n):
        """Draw n samples with the reader's current knobs, updating every batch."""
        self.hp.lr, self.hp.baseline = self.lr * CONTINUOUS_LR_SCALE, self.baseline
        for action, reward in self.trainer.train(n):
            self.samples.append((action, reward))
            self.recent_rewards.append(reward)
        self.mu_trail.append(tuple(self.policy.mu))
        del self.mu_trail[:-MU_TRAIL]

    def _exact(self):
        """The exact expected reward E[r(a)] for a ~ N(mu, diag sigma^2)."""
        # A Gaussian reward times a Gaussian density integrates in closed form, axis by axis:
        # E exp(-(a - t)^2 / 2w^2) = w / sqrt(w^2 + sigma^2) * exp(-(mu - t)^2 / 2(w^2 + sigma^2))
        w2 = self.task.width**2
        value = 1.0
        for mu, sigma, t in zip(self.policy.mu, self.policy.sigma, self.task.target, strict=True):
            spread = w2 + sigma * sigma
            value *= math.sqrt(w2 / spread) * math.exp(-((mu - t) ** 2) / (2 * spread))
        return value

    def _best(self):
        """The most E[r] can reach: mu on the target with sigma at its floor."""
        floor = self.policy.sigma_floor
        return (self.task.width / math.hypot(self.task.width, floor)) ** 2

    def _progress(self):
        return self.trainer.samples_done

    # -- events --------------------------------------------------------------------------------

    def on_baseline(self, event):
        """The Baseline switch flipped."""
        self.baseline = bool(event.get("value"))

    def on_canvas(self, event):
        """A click on the plane moves the target there; an arrow key nudges it."""
        if event.get("type") == "click":
            self.move_target(PlaneLayout(self.task.bounds).to_action(event["x"], event["y"]))
        elif event.get("type") == "key" and event.get("key") in KEYS:
            dx, dy = KEYS[event["key"]]
            tx, ty = self.task.target
            self.move_target((tx + dx, ty + dy))

    def move_target(self, point):
        """Move the reward's peak, kept on the plane; mu and sigma are kept."""
        bound = self.task.bounds
        self.task.move_target(tuple(min(max(float(x), -bound), bound) for x in point))
        self._trained = True  # the curve gets a point for the new reward

    # -- frames --------------------------------------------------------------------------------

    def parts(self, now, refresh):
        """The plane every frame; the curve, status line and readouts when due."""
        parts = {"scenes": {"canvas": self.scene()}}
        if refresh:
            parts["scenes"]["curve"] = self.curve_scene()
            status = self.status(self.trainer.samples_done, self.recent_rewards, "mean reward")
            parts["text"] = {"status": status} | self.readouts()
        return parts

    def readouts(self):
        """mu, sigma and the target as text, for the readout beside the plane."""
        return {
            name: f"({values[0]:+.3f}, {values[1]:+.3f})"
            for name, values in (
                ("mu", self.policy.mu),
                ("sigma", self.policy.sigma),
                ("target", self.task.target),
            )
        }

    def controls(self):
        """The knobs, and the Baseline switch."""
        return super().controls() | {"baseline": {"checked": self.baseline}}

    def scene(self):
        """The reward landscape, the samples, mu and its sigma ellipses, the target."""
        return continuous_scene(self.task, self.policy, list(self.samples), self.mu_trail)

    def curve_scene(self):
        """E[r] against samples, under the dashed ceiling."""
        return curve_scene(self.curve, self._best(), 0.0, 1.0, "E[r]", "samples")

    # -- links -----------------------------------------------------------------------------------

    def share(self):
        """The knobs, the Baseline switch, the target and the seed (exact: reprs)."""
        return super().share() | {
            "baseline": "1" if self.baseline else "0",
            "target": ",".join(repr(x) for x in self.task.target),
            "seed": str(self.settings.seed),
        }

    def apply_share(self, reader):
        """Take a link's seed (a fresh start), target and knobs."""
        seed = reader.take("seed", share.number(0, 2**31 - 1, int))
        if seed is not None:
            self.settings = dataclasses.replace(self.settings, seed=seed)
            self._reset_learning()
        super().apply_share(reader)
        baseline = reader.take("baseline", share.choice(("0", "1")))
        if baseline is not None:
            self.baseline = baseline == "1"
        target = reader.take("target", share.point)
        if target is not None:
            self.move_target(target)
            self.curve = [(0, self._exact())]

    # -- resume ----------------------------------------------------------------------------------

    def resume_state(self):
        """The knobs, the target, mu and log sigma."""
        return super().resume_state() | {
            "baseline": self.baseline,
            "target": list(self.task.target),
            "mu": list(self.policy.mu),
            "log_sigma": list(self.policy.log_sigma),
        }

    def resume(self, state):
        """Come back where resume_state() was taken (malformed parts are ignored)."""
        super().resume(state)
        self.baseline = bool(state.get("baseline", self.baseline))
        for key in ("target", "mu", "log_sigma"):
            value = state.get(key)
            if not (isinstance(value, list) and len(value) == 2):
                continue
            point = [float(x) for x in value]
            if not all(math.isfinite(x) for x in point):
                continue
            if key == "target":
                self.move_target(point)
            else:
                setattr(self.policy, key, point)
        self.policy.log_sigma = [
            max(ls, math.log(self.policy.sigma_floor)) for ls in self.policy.log_sigma
        ]
        self.curve = [(0, self._exact())]
