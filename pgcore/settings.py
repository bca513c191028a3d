"""Every figure kind's settings: the TOML of its ```figure block in the article, checked once.

Each is a frozen dataclass of options (pgcore.options): default, meaning and range in one
declaration. The build checks with CPython; the page receives the normalised result as JSON and
rebuilds the same settings under Pyodide, so a setting that passes the build is one the page can
run.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields

from .algorithms import ALGORITHMS
from .gridworld import GridWorld
from .options import SettingsBase, SettingsError, option

__all__ = [
    "CloudSettings",
    "CodeSettings",
    "GaussianSettings",
    "GridSettings",
    "RaceSettings",
    "SettingsBase",
    "SettingsError",
    "option",
]


@dataclass(frozen=True)
class GridSettings(SettingsBase):
    """The gridworld and how its softmax policy learns."""

    rows: int = option(3, "grid height in cells", 2, 8)
    cols: int = option(3, "grid width in cells", 2, 8)
    goal: tuple[int, int] = option((0, 2), "the goal cell [row, col]; entering it pays +1")
    pit: tuple[int, int] = option((1, 1), "the pit cell [row, col]; entering it pays -1")
    start: tuple[int, int] | None = option(
        None, "a fixed start cell [row, col]; omit it for a random start in any free cell"
    )
    walls: tuple[tuple[int, int], ...] = option((), "cells the agent cannot enter")
    max_steps: int = option(20, "horizon: an episode is cut off after this many steps", 1, 200)
    step_reward: float = option(
        0.0, "reward of every step that does not end the episode (e.g. -0.04)", -0.5, 0.5
    )
    gamma: float = option(
        0.9, "discount: a reward t steps away counts gamma^t", 0.0, 1.0, open_low=True
    )
    lr: float = option(1.0, "learning rate alpha the slider starts at", 0.0, 10.0, open_low=True)
    batch_size: int = option(8, "rollouts per policy update", 1, 256)
    algorithm: str = option(
        "reinforce_baseline", "the algorithm the figure starts with", choices=ALGORITHMS
    )
    lam: float = option(0.9, "GAE lambda of actor-critic and PPO (0: the TD error)", 0.0, 1.0)
    clip_eps: float = option(0.2, "PPO's clip range epsilon", 0.05, 0.5)
    epochs: int = option(4, "PPO's passes over each batch", 1, 16)
    seed: int = option(7, "seed of the random numbers that draw every rollout", 0, 2**31 - 1)

    def check(self):
        """Check ranges, then that the cells describe a world the figure can run."""
        super().check()
        _checked_world(self)

    def world(self):
        """Build the gridworld these settings describe."""
        return GridWorld(
            rows=self.rows,
            cols=self.cols,
            goal=self.goal,
            pit=self.pit,
            start=self.start,
            walls=self.walls,
            max_steps=self.max_steps,
            step_reward=self.step_reward,
        )


@dataclass(frozen=True)
class GaussianSettings(SettingsBase):
    """A 2-D Gaussian policy reaching for a reward bump on the plane [-1, 1]^2."""

    target: tuple[float, float] = option((0.6, 0.5), "the reward's peak [a1, a2], each in -1..1")
    width: float = option(0.35, "how far from the target the reward fades (its sigma)", 0.05, 1.0)
    lr: float = option(1.0, "learning rate alpha the slider starts at", 0.0, 10.0, open_low=True)
    batch_size: int = option(8, "samples per policy update", 1, 256)
    baseline: bool = option(True, "start with the leave-one-out baseline switched on")
    seed: int = option(8, "seed of the random numbers that draw every sample", 0, 2**31 - 1)

    def check(self):
        """Check ranges, then that the target lies on the plane."""
        super().check()
        if not all(abs(x) <= 1.0 for x in self.target):
            raise SettingsError("target", f"{list(self.target)} is outside the plane -1..1")


def _as_in_grid(key, default=MISSING):
    """GridSettings' option for key (with another default if given): a world is declared once."""
    grid = next(f for f in fields(GridSettings) if f.name == key)
    return field(default=grid.default if default is MISSING else default, metadata=grid.metadata)


@dataclass(frozen=True)
class _OwnWorld(SettingsBase):
    """A figure with a gridworld of its own, declared as the gridworld figure declares it."""

    rows: int = _as_in_grid("rows")
    cols: int = _as_in_grid("cols")
    goal: tuple[int, int] = _as_in_grid("goal")
    pit: tuple[int, int] = _as_in_grid("pit")
    start: tuple[int, int] | None = _as_in_grid("start")
    walls: tuple[tuple[int, int], ...] = _as_in_grid("walls")
    max_steps: int = _as_in_grid("max_steps")
    step_reward: float = _as_in_grid("step_reward")
    gamma: float = _as_in_grid("gamma")

    world = GridSettings.world

    def check(self):
        """Check ranges and the world; return the world."""
        super().check()
        return _checked_world(self)


@dataclass(frozen=True)
class CloudSettings(_OwnWorld):
    """The gradient cloud: its own gridworld and policy, frozen where the reader trains it."""

    # A cost per step, so that reward-to-go and the whole return differ: with a reward only at
    # the end, gamma^t G_t equals G_0 at every step and the Reward-to-go switch would do nothing.
    step_reward: float = _as_in_grid("step_reward", default=-0.04)
    lr: float = option(1.0, "learning rate of the Train θ button", 0.0, 10.0, open_low=True)
    batch_size: int = option(8, "rollouts (or samples) per gradient estimate, at the start", 1, 64)
    cell: tuple[int, int] | None = option(
        None, "the cell whose two action scores the cloud starts on; omit it for the lowest-left"
    )
    seed: int = option(7, "seed of the random numbers of training and of every batch", 0, 2**31 - 1)

    def check(self):
        """Check ranges, the world, and that the cloud's cell is one where actions are taken."""
        env = super().check()
        if self.cell is not None:
            row, col = self.cell
            if not (0 <= row < self.rows and 0 <= col < self.cols):
                raise SettingsError("cell", f"{list(self.cell)} is outside the grid")
            if env.role(self.cell) in ("goal", "pit", "wall"):
                raise SettingsError("cell", f"{list(self.cell)} is the {env.role(self.cell)}")


BUDGET_STEP = 100  # the budget slider's step, in rollouts per seed


@dataclass(frozen=True)
class RaceSettings(_OwnWorld):
    """K seeds of each chosen algorithm learning one gridworld side by side."""

    lr: float = option(1.0, "learning rate alpha of every learner", 0.0, 10.0, open_low=True)
    # Capped lower than the grid's 256: one learner's batch must stay a short call in the page.
    batch_size: int = option(8, "rollouts per policy update of every learner", 1, 32)
    seed: int = option(7, "seed k of every algorithm draws from seed + k", 0, 2**31 - 1)
    algorithms: tuple[str, ...] = option(
        ("reinforce_baseline", "actor_critic", "ppo"),
        f"the algorithms that race at first, some of {', '.join(ALGORITHMS)}",
    )
    seeds: int = option(16, "K: seeds of each algorithm the race starts with", 2, 32)
    budget: int = option(
        1000, f"rollouts per seed before the race stops (a multiple of {BUDGET_STEP})", 100, 5000
    )

    def check(self):
        """Check ranges, the world, the algorithms and the budget's step."""
        super().check()
        unknown = [name for name in self.algorithms if name not in ALGORITHMS]
        if unknown or not self.algorithms or len(set(self.algorithms)) < len(self.algorithms):
            raise SettingsError(
                "algorithms",
                f"{list(self.algorithms)}: name each of {', '.join(ALGORITHMS)} at most "
                "once, and at least one",
            )
        if self.budget % BUDGET_STEP:
            raise SettingsError("budget", f"{self.budget} is not a multiple of {BUDGET_STEP}")


def _checked_world(settings):
    """The gridworld the settings describe; a SettingsError naming the key if they describe none."""
    try:
        return settings.world()
    except ValueError as error:
        raise SettingsError(_world_key(str(error)), str(error)) from None


def _world_key(message):
    """Name the setting a GridWorld error is about (its messages start with the setting's name)."""
    first = message.split(" ", 1)[0].rstrip(":")
    names = {f.name for f in fields(GridSettings)}
    first = {"wall": "walls"}.get(first, first)
    return first if first in names else "walls"


@dataclass(frozen=True)
class CodeSettings(SettingsBase):
    """The code figure: which gridworld figure of the page trains with the reader's code."""

    target: str = option("figure-1", "the id of the gridworld figure that runs the code")

    # The kinds of figure a code figure can drive (the build checks the target against them).
    TARGET_KINDS = ("gridworld", "policy-gradient")
