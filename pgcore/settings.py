"""A figure's settings: the TOML of its ```figure block in the article, checked once.

Every figure kind declares its settings as a frozen dataclass built with `option()`, which holds
the default, a one-line description and, for numbers, the allowed range. That one declaration is
what the build checks an article against, what the page's controls start from, and what the
README's table of settings is tested against. The build checks with CPython; the page receives
the normalised result as JSON and rebuilds the same settings under Pyodide, so a setting that
passes the build is a setting the page can run.
"""

from __future__ import annotations

import math
from dataclasses import MISSING, asdict, dataclass, field, fields

from .algorithms import ALGORITHMS
from .gridworld import GridWorld


class SettingsError(ValueError):
    """A figure setting is unknown, of the wrong type or out of range; `key` names it."""

    def __init__(self, key, message):
        super().__init__(f"{key}: {message}")
        self.key = key


def option(default, doc, low=None, high=None, open_low=False, choices=None):
    """A settings field: its default, what it means, and for a number its range [low, high].

    open_low makes the range (low, high]: the value must be strictly above low. choices lists
    the values a text setting may take.
    """
    metadata = {"doc": doc, "range": (low, high, open_low), "choices": choices}
    return field(default=default, metadata=metadata)


class SettingsBase:
    """What every settings dataclass can do: check a mapping, describe itself, go to JSON."""

    @classmethod
    def from_mapping(cls, mapping):
        """Check a plain mapping (TOML or JSON) and build the settings from it."""
        known = {f.name: f for f in fields(cls)}
        for key in mapping:
            if key not in known:
                raise SettingsError(key, f"unknown setting (known: {', '.join(known)})")
        values = {key: _convert(key, known[key].type, mapping[key]) for key in mapping}
        settings = cls(**values)
        settings.check()
        return settings

    def check(self):
        """Raise SettingsError unless every number is in its range (subclasses check more)."""
        for f in fields(self):
            low, high, open_low = f.metadata["range"]
            value = getattr(self, f.name)
            choices = f.metadata["choices"]
            if choices is not None and value not in choices:
                raise SettingsError(f.name, f"{value!r} is not one of {', '.join(choices)}")
            if low is None or not isinstance(value, int | float):
                continue
            inside = (value > low if open_low else value >= low) and value <= high
            if not inside:
                raise SettingsError(f.name, f"{value} is out of range ({_range_text(f)})")

    @classmethod
    def describe(cls):
        """One row per setting: name, type, default, range (text), meaning; for the README."""
        return [
            {
                "key": f.name,
                "type": _type_name(f.type),
                "default": f.default if f.default is not MISSING else None,
                "range": _range_text(f),
                "doc": f.metadata["doc"],
            }
            for f in fields(cls)
        ]

    @classmethod
    def bounds(cls, key):
        """(low, high) of a numeric setting, for a control that offers its range."""
        low, high, _ = next(f for f in fields(cls) if f.name == key).metadata["range"]
        return low, high

    def to_json_dict(self):
        """Return the settings as JSON-able plain data (cells as lists)."""
        return asdict(self)


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
        try:
            self.world()
        except ValueError as error:
            raise SettingsError(_world_key(str(error)), str(error)) from None

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


@dataclass(frozen=True)
class CloudSettings(SettingsBase):
    """The gradient cloud: its own gridworld and policy, frozen where the reader trains it."""

    rows: int = option(3, "grid height in cells", 2, 8)
    cols: int = option(3, "grid width in cells", 2, 8)
    goal: tuple[int, int] = option((0, 2), "the goal cell [row, col]; entering it pays +1")
    pit: tuple[int, int] = option((1, 1), "the pit cell [row, col]; entering it pays -1")
    start: tuple[int, int] | None = option(
        None, "a fixed start cell [row, col]; omit it for a random start in any free cell"
    )
    walls: tuple[tuple[int, int], ...] = option((), "cells the agent cannot enter")
    max_steps: int = option(20, "horizon: an episode is cut off after this many steps", 1, 200)
    # A cost per step, so that reward-to-go and the whole return differ: with a reward only at
    # the end, gamma^t G_t equals G_0 at every step and the Reward-to-go switch would do nothing.
    step_reward: float = option(
        -0.04, "reward of every step that does not end the episode", -0.5, 0.5
    )
    gamma: float = option(
        0.9, "discount: a reward t steps away counts gamma^t", 0.0, 1.0, open_low=True
    )
    lr: float = option(1.0, "learning rate of the Train θ button", 0.0, 10.0, open_low=True)
    batch_size: int = option(8, "rollouts (or samples) per gradient estimate, at the start", 1, 64)
    cell: tuple[int, int] | None = option(
        None, "the cell whose two action scores the cloud starts on; omit it for the lowest-left"
    )
    seed: int = option(7, "seed of the random numbers of training and of every batch", 0, 2**31 - 1)

    def check(self):
        """Check ranges, the world, and that the cloud's cell is one where actions are taken."""
        super().check()
        try:
            env = self.world()
        except ValueError as error:
            raise SettingsError(_world_key(str(error)), str(error)) from None
        if self.cell is not None:
            row, col = self.cell
            if not (0 <= row < self.rows and 0 <= col < self.cols):
                raise SettingsError("cell", f"{list(self.cell)} is outside the grid")
            if env.role(self.cell) in ("goal", "pit", "wall"):
                raise SettingsError("cell", f"{list(self.cell)} is the {env.role(self.cell)}")

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


BUDGET_STEP = 100  # the budget slider's step, in rollouts per seed


def _as_in_grid(key):
    """GridSettings' option for key, unchanged: the race's world is declared once, there."""
    grid = next(f for f in fields(GridSettings) if f.name == key)
    return field(default=grid.default, metadata=grid.metadata)


@dataclass(frozen=True)
class RaceSettings(SettingsBase):
    """K seeds of each chosen algorithm learning one gridworld side by side."""

    rows: int = _as_in_grid("rows")
    cols: int = _as_in_grid("cols")
    goal: tuple[int, int] = _as_in_grid("goal")
    pit: tuple[int, int] = _as_in_grid("pit")
    start: tuple[int, int] | None = _as_in_grid("start")
    walls: tuple[tuple[int, int], ...] = _as_in_grid("walls")
    max_steps: int = _as_in_grid("max_steps")
    step_reward: float = _as_in_grid("step_reward")
    gamma: float = _as_in_grid("gamma")
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

    world = GridSettings.world

    def check(self):
        """Check ranges, the world, the algorithms and the budget's step."""
        super().check()
        try:
            self.world()
        except ValueError as error:
            raise SettingsError(_world_key(str(error)), str(error)) from None
        unknown = [name for name in self.algorithms if name not in ALGORITHMS]
        if unknown or not self.algorithms or len(set(self.algorithms)) < len(self.algorithms):
            raise SettingsError(
                "algorithms",
                f"{list(self.algorithms)}: name each of {', '.join(ALGORITHMS)} at most "
                "once, and at least one",
            )
        if self.budget % BUDGET_STEP:
            raise SettingsError("budget", f"{self.budget} is not a multiple of {BUDGET_STEP}")


def _range_text(f):
    """The range of a settings field in words, e.g. '2..8' or '0 < x <= 1' ('' if none)."""
    low, high, open_low = f.metadata["range"]
    if f.metadata["choices"] is not None:
        return "one of " + ", ".join(f.metadata["choices"])
    if low is None:
        return ""
    if open_low:
        return f"{_number(low)} < {f.name} <= {_number(high)}"
    return f"{_number(low)}..{_number(high)}"


def _number(value):
    """Write a bound compactly (2**31 - 1 as is, 10.0 as 10)."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def _type_name(annotation):
    """Name a settings field's type in the words the README uses."""
    kind = str(annotation)
    if kind.startswith("tuple[tuple"):
        return "list of cells"
    if kind.startswith("tuple[float"):
        return "point [a1, a2]"
    if kind.startswith("tuple[str"):
        return "list of names"
    if kind.startswith("tuple"):
        return "cell [row, col]"
    names = {"int": "whole number", "float": "number", "bool": "true or false", "str": "text"}
    return names.get(kind, kind)


def _world_key(message):
    """Name the setting a GridWorld error is about (its messages start with the setting's name)."""
    first = message.split(" ", 1)[0].rstrip(":")
    names = {f.name for f in fields(GridSettings)}
    first = {"wall": "walls"}.get(first, first)
    return first if first in names else "walls"


def _convert(key, annotation, value):
    """Coerce one TOML/JSON value to the field's type, or raise SettingsError."""
    kind = str(annotation)
    if kind == "bool":
        if not isinstance(value, bool):
            raise SettingsError(key, f"expected true or false, got {value!r}")
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingsError(key, f"expected a whole number, got {value!r}")
        return value
    if kind == "float":
        return _finite(key, value)
    if kind == "str":
        if not isinstance(value, str):
            raise SettingsError(key, f"expected text in quotes, got {value!r}")
        return value
    if kind.startswith("tuple[tuple"):
        if not isinstance(value, list | tuple):
            raise SettingsError(key, f"expected a list of [row, col] cells, got {value!r}")
        return tuple(_cell(key, cell) for cell in value)
    if kind.startswith("tuple[str"):
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise SettingsError(key, f"expected a list of names in quotes, got {value!r}")
        return tuple(value)
    if kind.startswith("tuple[float"):
        if not isinstance(value, list | tuple) or len(value) != 2:
            raise SettingsError(key, f"expected a point [a1, a2] of two numbers, got {value!r}")
        return tuple(_finite(key, x) for x in value)
    if value is None and "None" in kind:
        return None
    return _cell(key, value)


def _finite(key, value):
    """Coerce a number to a finite float, or raise SettingsError."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SettingsError(key, f"expected a number, got {value!r}")
    if not math.isfinite(value):
        raise SettingsError(key, f"expected a finite number, got {value!r}")
    return float(value)


def _cell(key, value):
    """Coerce a [row, col] pair to a cell tuple, or raise SettingsError."""
    if (
        not isinstance(value, list | tuple)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        raise SettingsError(key, f"expected a cell [row, col] of two whole numbers, got {value!r}")
    return (value[0], value[1])


@dataclass(frozen=True)
class CodeSettings(SettingsBase):
    """The code figure: which gridworld figure of the page trains with the reader's code."""

    target: str = option("figure-1", "the id of the gridworld figure that runs the code")

    # The kinds of figure a code figure can drive (the build checks the target against them).
    TARGET_KINDS = ("gridworld", "policy-gradient")
