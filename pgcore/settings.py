"""The figure's settings: the [widget] table of the article's front matter, checked once.

The build reads them from content/ and validates them here, with CPython; the page receives the
normalised result as JSON and builds the same world from it under Pyodide. So a setting that
passes the build is a setting the page can run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from .gridworld import GridWorld


class SettingsError(ValueError):
    """A widget setting is missing, of the wrong type or out of range; `key` names it."""

    def __init__(self, key, message):
        super().__init__(f"{key}: {message}")
        self.key = key


@dataclass(frozen=True)
class Settings:
    """What the author may set for the figure; every field has a default."""

    rows: int = 3
    """Grid height in cells (2..8)."""
    cols: int = 3
    """Grid width in cells (2..8)."""
    goal: tuple[int, int] = (0, 2)
    """The goal cell (row, col); entering it pays +1."""
    pit: tuple[int, int] = (1, 1)
    """The pit cell (row, col); entering it pays -1."""
    start: tuple[int, int] | None = None
    """A fixed start cell, or None for a uniformly random non-terminal start (every cell learns)."""
    walls: tuple[tuple[int, int], ...] = ()
    """Cells the agent cannot enter."""
    max_steps: int = 20
    """Horizon: an episode that has not ended after this many steps is cut off."""
    gamma: float = 0.9
    """Discount factor: a reward t steps away counts gamma**t."""
    lr: float = 1.0
    """Initial learning rate alpha (the reader's slider starts here)."""
    batch_size: int = 8
    """Rollouts per policy update."""
    baseline: bool = True
    """Start with the leave-one-out baseline switched on."""
    seed: int = 7
    """Seed of the random.Random that draws every rollout."""

    @classmethod
    def from_mapping(cls, mapping):
        """Check a plain mapping (front matter or JSON) and build Settings from it."""
        known = {f.name: f for f in fields(cls)}
        for key in mapping:
            if key not in known:
                raise SettingsError(key, f"unknown widget setting (known: {', '.join(known)})")
        values = {key: _convert(key, known[key].type, mapping[key]) for key in mapping}
        settings = cls(**values)
        settings.check()
        return settings

    def check(self):
        """Raise SettingsError unless the settings describe a world the figure can run."""
        for key, low, high in (
            ("rows", 2, 8),
            ("cols", 2, 8),
            ("max_steps", 1, 200),
            ("batch_size", 1, 256),
        ):
            value = getattr(self, key)
            if not low <= value <= high:
                raise SettingsError(key, f"{value} is out of range ({low}..{high})")
        if not 0.0 < self.gamma <= 1.0:
            raise SettingsError("gamma", f"{self.gamma} is out of range (0 < gamma <= 1)")
        if not 0.0 < self.lr <= 10.0:
            raise SettingsError("lr", f"{self.lr} is out of range (0 < lr <= 10)")
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
        )

    def to_json_dict(self):
        """Return the settings as JSON-able plain data (cells as lists)."""
        return asdict(self)


def _world_key(message):
    """Name the setting a GridWorld error is about (its messages start with the setting's name)."""
    first = message.split(" ", 1)[0].rstrip(":")
    names = {f.name for f in fields(Settings)} | {"wall": "walls"}.keys()
    return {"wall": "walls"}.get(first, first) if first in names else "widget"


def _convert(key, annotation, value):
    """Coerce one front-matter value to the field's type, or raise SettingsError."""
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
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SettingsError(key, f"expected a number, got {value!r}")
        if value != value or value in (float("inf"), float("-inf")):
            raise SettingsError(key, f"expected a finite number, got {value!r}")
        return float(value)
    if kind.startswith("tuple[tuple"):
        if not isinstance(value, list | tuple):
            raise SettingsError(key, f"expected a list of [row, col] cells, got {value!r}")
        return tuple(_cell(key, cell) for cell in value)
    if value is None and "None" in kind:
        return None
    return _cell(key, value)


def _cell(key, value):
    """Coerce a [row, col] pair to a cell tuple, or raise SettingsError."""
    if (
        not isinstance(value, list | tuple)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        raise SettingsError(key, f"expected a cell [row, col] of two whole numbers, got {value!r}")
    return (value[0], value[1])
