"""The figure's state: what the reader has done to it, and what it shows because of that.

Everything the page does (Train, Step, Reset, a new goal, a mode switch, a slider) is a method
here, in pure Python, so the whole widget runs and is tested under CPython; pgcore.browser only
forwards events and paints the scenes. Nothing here knows about the DOM.
"""

import math
import random
import time
from collections import deque

from . import views
from .exact import exact_return, optimal_return
from .gaussian import ContinuousTask, GaussianPolicy, GaussianTrainer
from .reinforce import Hyperparams, Trainer
from .scene import GridLayout, PlaneLayout
from .settings import Settings
from .softmax import SoftmaxPolicy

MODES = ("policy", "trajectories", "continuous")

# Rollouts per animation frame at each step of the speed slider (index 0 = slowest). The last
# step, None, trains as many as fit in FRAME_BUDGET_S: the page trains on the main thread, between
# paints, so the frame's time, not a count, is what bounds it there.
SPEEDS = (1, 2, 4, 8, 16, 32, 64, None)
FRAME_BUDGET_S = 0.003
CHUNK = 16  # rollouts between two looks at the clock in the time-budgeted speed

RECENT = 100  # window of the "mean return" readout, in rollouts (or samples)
TRAILS = 12  # rollouts kept for the Trajectories view
SAMPLES = 48  # Gaussian samples kept for the Continuous view
CURVE_POINTS = 240  # the learning curve is thinned to at most this many points

# The Gaussian's score (a - mu) / sigma^2 is about 1/sigma times larger than the softmax's
# onehot(a) - pi, so one slider position must take a smaller step there to stay stable.
CONTINUOUS_LR_SCALE = 0.05


class Explainer:
    """One live figure: a gridworld with a softmax policy and a 2-D Gaussian bandit."""

    def __init__(self, settings=None):
        self.settings = settings if settings is not None else Settings()
        self.env = self.settings.world()
        self.mode = "policy"
        self.running = False
        self.speed = 3
        self.hp = Hyperparams(
            lr=self.settings.lr,
            batch_size=self.settings.batch_size,
            gamma=self.settings.gamma,
            reward_to_go=True,
            baseline=self.settings.baseline,
        )
        self.gaussian_hp = Hyperparams(
            lr=self.hp.lr * CONTINUOUS_LR_SCALE,
            batch_size=8,
            gamma=1.0,
            reward_to_go=True,
            baseline=self.hp.baseline,
        )
        self.task = ContinuousTask()
        self._best = None  # (goal, J*) of the grid, recomputed when the goal moves
        self.reset()

    # -- what the reader does ------------------------------------------------------------------

    def reset(self):
        """Forget everything learned; the world (goal, target) stays where the reader put it."""
        self.rng = random.Random(self.settings.seed)
        self.policy = SoftmaxPolicy(self.env.n_states)
        self.trainer = Trainer(self.env, self.policy, self.hp, self.rng)
        self.gaussian = GaussianPolicy()
        self.gaussian_trainer = GaussianTrainer(
            self.task, self.gaussian, self.gaussian_hp, random.Random(self.settings.seed + 1)
        )
        self.recent = deque(maxlen=TRAILS)  # (serial, Rollout)
        self.recent_returns = deque(maxlen=RECENT)
        self.samples = deque(maxlen=SAMPLES)  # (action, reward)
        self.recent_rewards = deque(maxlen=RECENT)
        self.mu_trail = [tuple(self.gaussian.mu)]
        self.history = {
            "grid": [(0, self.grid_return())],
            "continuous": [(0, self.continuous_return())],
        }
        self.serial = 0

    def set_mode(self, mode):
        """Switch the view; training carries on in whichever world the view shows."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r} (expected one of {', '.join(MODES)})")
        self.mode = mode

    def set_lr(self, lr):
        """Set the learning rate alpha used from the next update on."""
        if not (isinstance(lr, int | float) and math.isfinite(lr) and 0 < lr <= 10):
            raise ValueError(f"learning rate must be in (0, 10], got {lr!r}")
        self.hp.lr = float(lr)
        self.gaussian_hp.lr = self.hp.lr * CONTINUOUS_LR_SCALE

    def set_speed(self, level):
        """Choose how many rollouts each animation frame trains (an index into SPEEDS)."""
        self.speed = min(max(int(level), 0), len(SPEEDS) - 1)

    def set_baseline(self, on):
        """Switch the leave-one-out baseline on or off."""
        self.hp.baseline = self.gaussian_hp.baseline = bool(on)

    def move_goal(self, cell):
        """Make an empty cell the goal; theta is kept, so the policy relearns from where it is."""
        if self.env.role(cell) not in ("empty",):
            return False
        self.env.move_goal(cell)
        self._record()
        return True

    def move_target(self, point):
        """Move the continuous task's reward peak, kept inside the plane; mu and sigma are kept."""
        bound = self.task.bounds
        self.task.move_target(tuple(min(max(float(x), -bound), bound) for x in point))
        self._record()

    def click(self, x, y):
        """Act on a click at scene point (x, y): a new goal, or a new target in Continuous."""
        if self.mode == "continuous":
            self.move_target(PlaneLayout(self.task.bounds).to_action(x, y))
            return True
        cell = GridLayout(self.env.rows, self.env.cols).cell_at(x, y)
        return cell is not None and self.move_goal(cell)

    # -- learning ------------------------------------------------------------------------------

    def train(self, n=None):
        """Run n rollouts (default: this frame's share at the current speed) in the shown world."""
        n = SPEEDS[self.speed] if n is None else n
        if n is None:
            self.train_for(FRAME_BUDGET_S)
            return
        self._train(n)
        self._record()

    def train_for(self, seconds, clock=time.perf_counter):
        """Train in chunks until `seconds` have passed (at least one chunk); return the count."""
        start, done = clock(), 0
        while True:
            self._train(CHUNK)
            done += CHUNK
            if clock() - start >= seconds:
                break
        self._record()
        return done

    def _train(self, n):
        """Run n rollouts (or Gaussian samples) in the shown world and keep what the views show."""
        if self.mode == "continuous":
            for action, reward in self.gaussian_trainer.train(n):
                self.samples.append((action, reward))
                self.recent_rewards.append(reward)
            self.mu_trail.append(tuple(self.gaussian.mu))
            del self.mu_trail[:-60]
        else:
            for rollout in self.trainer.train(n):
                self.serial += 1
                self.recent.append((self.serial, rollout))
                self.recent_returns.append(rollout.G)

    def step(self):
        """Train exactly one batch: one policy update."""
        self.train(self.hp.batch_size)

    def _record(self):
        """Append the current exact return to the shown world's learning curve."""
        if self.mode == "continuous":
            key, done, value = (
                "continuous",
                self.gaussian_trainer.samples_done,
                self.continuous_return(),
            )
        else:
            key, done, value = "grid", self.trainer.rollouts_done, self.grid_return()
        curve = self.history[key]
        if curve and curve[-1][0] == done:
            curve[-1] = (done, value)
        else:
            curve.append((done, value))
        if len(curve) > CURVE_POINTS:
            del curve[1:-1:2]

    # -- readouts ------------------------------------------------------------------------------

    def grid_return(self):
        """J(theta): the exact expected discounted return of the softmax policy."""
        return exact_return(self.env, self.policy, self.hp.gamma)

    def continuous_return(self):
        """The exact expected reward E[r(a)] for a ~ N(mu, diag sigma^2)."""
        # Gaussian reward times Gaussian density integrates in closed form, dimension by dimension:
        # E exp(-(a - t)^2 / 2w^2) = w / sqrt(w^2 + sigma^2) * exp(-(mu - t)^2 / 2(w^2 + sigma^2))
        w2 = self.task.width**2
        value = 1.0
        for mu, sigma, t in zip(
            self.gaussian.mu, self.gaussian.sigma, self.task.target, strict=True
        ):
            spread = w2 + sigma * sigma
            value *= math.sqrt(w2 / spread) * math.exp(-((mu - t) ** 2) / (2 * spread))
        return value

    def status(self):
        """The live status line: rollouts so far and the mean return over the recent window."""
        if self.mode == "continuous":
            done, window = self.gaussian_trainer.samples_done, self.recent_rewards
            noun, what = "samples", "mean reward"
        else:
            done, window = self.trainer.rollouts_done, self.recent_returns
            noun, what = "rollouts", "mean return"
        mean = f"{sum(window) / len(window):+.2f}" if window else "\u2013"
        line = f"{done:,} {noun} \u00b7 {what} (last {len(window)}): {mean}"
        if self.mode == "trajectories" and self.recent:
            # What the arrows show, in words, for readers who cannot see them.
            outcomes = [rollout.outcome for _, rollout in self.recent]
            counts = ", ".join(f"{outcomes.count(o)} {o}" for o in ("goal", "pit", "timeout"))
            line += f" \u00b7 shown: {counts}"
        return line

    def table_rows(self):
        """One row per cell for the accessible policy table: label, role, pi(a|s), goal button."""
        rows = []
        for state in range(self.env.n_states):
            cell = self.env.cell(state)
            role = self.env.role(cell)
            probs = self.policy.probs(state)
            rows.append(
                {
                    "label": f"({cell[0]}, {cell[1]})",
                    "row": cell[0],
                    "col": cell[1],
                    "role": role,
                    "probs": [f"{p:.3f}" for p in probs],
                    "goal_button": role == "empty",
                }
            )
        return rows

    def readout(self):
        """mu, sigma and the target of the Continuous view, as numbers."""
        return {
            "mu": tuple(self.gaussian.mu),
            "sigma": tuple(self.gaussian.sigma),
            "target": tuple(self.task.target),
        }

    # -- scenes --------------------------------------------------------------------------------

    def scene(self):
        """The main canvas for the current mode."""
        if self.mode == "continuous":
            return views.continuous_scene(
                self.task, self.gaussian, list(self.samples), self.mu_trail
            )
        if self.mode == "trajectories":
            return views.trajectories_scene(self.env, list(self.recent))
        last = self.recent[-1][1] if self.recent else None
        agent = _final_state(last) if last is not None else self._first_start()
        return views.policy_scene(self.env, self.policy, last, agent)

    def curve_scene(self):
        """The learning curve of the world the current mode shows."""
        if self.mode == "continuous":
            best = math.prod(
                self.task.width / math.hypot(self.task.width, floor)
                for floor in (self.gaussian.sigma_floor,) * 2
            )
            return views.curve_scene(self.history["continuous"], best, 0.0, 1.0, "E[r]", "samples")
        if self._best is None or self._best[0] != self.env.goal:
            self._best = (self.env.goal, optimal_return(self.env, self.hp.gamma))
        return views.curve_scene(
            self.history["grid"], self._best[1], -1.0, 1.0, "J(\u03b8)", "rollouts"
        )

    def _first_start(self):
        """Where the agent dot waits before the first rollout: the bottom-left-most start."""
        return max(
            self.env.start_states(), key=lambda s: (self.env.cell(s)[0], -self.env.cell(s)[1])
        )


def _final_state(rollout):
    """The state a rollout ended in (terminal, or where the horizon cut it off)."""
    return rollout.final_state
