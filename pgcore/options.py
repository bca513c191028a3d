"""How a figure's settings are declared and checked: option() and SettingsBase.

Every figure kind declares its settings as a frozen dataclass built with `option()`, which holds
the default, a one-line description and, for numbers, the allowed range (or, for text, the
allowed choices). That one declaration is what the build checks an article against, what the
page's controls start from, and what the README's table of settings is tested against.
"""

import math
from dataclasses import MISSING, asdict, field, fields


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
