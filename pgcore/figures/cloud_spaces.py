"""The two parameter spaces of the gradient cloud: two action scores of a cell, or the mean mu.

Each space owns a policy that stays frozen until the reader moves it (Train adds TRAIN_ROLLOUTS
of REINFORCE with the leave-one-out baseline, always from the same seeded stream, so a count of
training rollouts names one theta; Reset goes back to the start), makes the three clouds that
share a seed, names the two components it plots, and draws its small map.
"""

import math
import random
from itertools import combinations

from .. import views
from ..cloud import BASELINES, GaussianCloud, GridCloud
from ..exact import exact_return
from ..figure import FigureError
from ..gaussian import ContinuousTask, GaussianPolicy, GaussianTrainer
from ..plane_view import continuous_scene
from ..reinforce import Hyperparams, Trainer
from ..scene import GridLayout, rect
from ..softmax import SoftmaxPolicy
from .gaussian import CONTINUOUS_LR_SCALE

TRAIN_ROLLOUTS = 200  # what one press of Train adds
TRAIN_BATCH = 8  # rollouts per update of that training (the cloud's batch size is the reader's)
PAIRS = tuple(combinations(range(4), 2))  # the pairs of actions a cell's cloud can plot
ARROWS = "\u2191\u2192\u2193\u2190"  # up, right, down, left: the order of pgcore.gridworld
STEPS = {"ArrowUp": (-1, 0), "ArrowRight": (0, 1), "ArrowDown": (1, 0), "ArrowLeft": (0, -1)}
RESUME_MAX_TRAINED = 100_000  # a resumed policy replays its training; beyond this it starts over


class _Space:
    """What both spaces share: Train, and coming back after a restart of the worker."""

    def train(self, n):
        """Move the policy by n more rollouts (or samples) of REINFORCE with baseline."""
        self.trainer.train(n)

    def theta_line(self):
        """How far the frozen policy was trained, and how good it is, exactly."""
        trained, J = f"{self.trained:,} {self.UNIT}", f"{self.J_NAME} = {self.J():.3f}"
        return f"frozen after {trained} of training \u00b7 {J}"

    def resume_state(self):
        return {"trained": self.trained}

    def resume(self, state):
        """Replay the training that resume_state() counted: the same seed, the same policy."""
        count = state.get("trained")
        if isinstance(count, int) and 0 < count <= RESUME_MAX_TRAINED:
            self.reset()
            self.train(count)


class GridSpace(_Space):
    """theta of a softmax policy on the figure's gridworld; the cloud plots two scores of a cell."""

    UNIT, J_NAME, PARAMETERS = "rollouts", "J(\u03b8)", "\u03b8"

    def __init__(self, settings):
        self.settings = settings
        self.env = settings.world()
        self.cell = settings.cell or max(self.cells(), key=lambda cell: (cell[0], -cell[1]))
        self.pair = PAIRS[0]
        self.reset()

    def cells(self):
        """The cells where the agent acts: not the goal, the pit or a wall."""
        return [
            (row, col)
            for row in range(self.env.rows)
            for col in range(self.env.cols)
            if self.env.role((row, col)) not in ("goal", "pit", "wall")
        ]

    def reset(self):
        """theta = 0 (the uniform policy) and a fresh training stream from the seed."""
        self.policy = SoftmaxPolicy(self.env.n_states)
        hp = Hyperparams(
            lr=self.settings.lr,
            batch_size=TRAIN_BATCH,
            gamma=self.settings.gamma,
            reward_to_go=True,
            baseline=True,
        )
        self.trainer = Trainer(self.env, self.policy, hp, random.Random(self.settings.seed))

    @property
    def trained(self):
        return self.trainer.rollouts_done

    def J(self):
        """J(theta), exactly."""
        return exact_return(self.env, self.policy, self.settings.gamma)

    def clouds(self, reward_to_go, batch_size, seed):
        """One cloud per baseline at this theta, cell and pair, all drawing the same batches."""
        return {
            baseline: GridCloud(
                self.env,
                self.policy,
                self.cell,
                self.pair,
                self.settings.gamma,
                baseline,
                reward_to_go,
                batch_size,
                seed,
            )
            for baseline in BASELINES
        }

    def labels(self):
        """The plotted components, e.g. dJ/dtheta[(2,0), up]."""
        return [
            f"\u2202J/\u2202\u03b8[({self.cell[0]},{self.cell[1]}), {ARROWS[a]}]" for a in self.pair
        ]

    def choose(self, cell):
        """Plot the scores of another cell; False (and nothing changes) where no action is taken."""
        if tuple(cell) not in self.cells() or tuple(cell) == self.cell:
            return False
        self.cell = tuple(cell)
        return True

    def choose_pair(self, value):
        """Plot another pair of actions, value "a,b"; return whether it changed."""
        try:
            pair = tuple(int(part) for part in str(value).split(","))
        except ValueError:
            pair = None
        if pair not in PAIRS:
            raise FigureError(f"pair needs two actions 'a,b' (a < b < 4), got {value!r}")
        changed, self.pair = pair != self.pair, pair
        return changed

    def on_map(self, event):
        """A click chooses the cell under it; an arrow key the next cell that way where the agent
        acts. Return whether the cell changed."""
        if event.get("type") == "click":
            try:
                x, y = float(event["x"]), float(event["y"])
            except (KeyError, TypeError, ValueError):
                raise FigureError("a click on the map needs numbers x and y") from None
            cell = GridLayout(self.env.rows, self.env.cols).cell_at(x, y)
            return cell is not None and self.choose(cell)
        (dr, dc), (row, col) = STEPS.get(event.get("key"), (0, 0)), self.cell
        while (dr or dc) and 0 <= row + dr < self.env.rows and 0 <= col + dc < self.env.cols:
            row, col = row + dr, col + dc
            if self.choose((row, col)):
                return True
        return False

    def resume_state(self):
        return super().resume_state() | {"cell": list(self.cell), "pair": list(self.pair)}

    def resume(self, state):
        """The cell, the pair and theta, where they were."""
        if isinstance(state.get("cell"), list) and len(state["cell"]) == 2:
            self.choose(state["cell"])
        if isinstance(state.get("pair"), list) and tuple(state["pair"]) in PAIRS:
            self.pair = tuple(state["pair"])
        super().resume(state)

    def map_scene(self):
        """The policy at the frozen theta, the chosen cell ringed."""
        scene = views.policy_scene(self.env, self.policy)
        layout = GridLayout(self.env.rows, self.env.cols)
        x, y = layout.origin(self.cell)
        scene["items"].append(
            rect(x + 1, y + 1, layout.size - 2, layout.size - 2, r=7, stroke="accent", lw=5)
        )
        return scene


class GaussianSpace(_Space):
    """The Gaussian policy on the plane; the cloud plots the two components of its mean mu."""

    UNIT, J_NAME, PARAMETERS = "samples", "E[r]", "\u03bc, \u03c3"

    def __init__(self, settings):
        self.settings = settings
        self.task = ContinuousTask()
        self.reset()

    def reset(self):
        """mu at the centre, sigma 0.5, and a fresh training stream from the seed."""
        self.policy = GaussianPolicy()
        hp = Hyperparams(
            lr=self.settings.lr * CONTINUOUS_LR_SCALE,
            batch_size=TRAIN_BATCH,
            gamma=1.0,
            reward_to_go=True,
            baseline=True,
        )
        rng = random.Random(self.settings.seed + 1)
        self.trainer = GaussianTrainer(self.task, self.policy, hp, rng)

    @property
    def trained(self):
        return self.trainer.samples_done

    def J(self):
        """E[r(a)] for a ~ N(mu, diag sigma^2), in closed form (pgcore.cloud.GaussianCloud)."""
        w2, value = self.task.width**2, 1.0
        for mu, sigma, t in zip(self.policy.mu, self.policy.sigma, self.task.target, strict=True):
            spread = w2 + sigma * sigma
            value *= math.sqrt(w2 / spread) * math.exp(-((mu - t) ** 2) / (2 * spread))
        return value

    def clouds(self, reward_to_go, batch_size, seed):
        """One cloud per baseline at this mu and sigma; one step long, so no reward-to-go."""
        return {
            baseline: GaussianCloud(self.task, self.policy, baseline, batch_size, seed)
            for baseline in BASELINES
        }

    def labels(self):
        return ["\u2202J/\u2202\u03bc\u2081", "\u2202J/\u2202\u03bc\u2082"]

    def map_scene(self):
        """The reward landscape and the frozen Gaussian."""
        return continuous_scene(self.task, self.policy, [], [tuple(self.policy.mu)])
