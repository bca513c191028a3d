"""What the suite reports: one Figure per measured quantity, and the table that shows them.

A figure holds every run's value, so the table can show the median with its spread. Where a
reference was measured in the same run (the bare Pyodide page, pgcore on CPython), the ratio is
taken run by run and its median reported: the machine's noise drifts, and a pair measured back to
back shares most of it.
"""

import statistics
from dataclasses import dataclass, field

COLUMNS = ("figure", "median", "min", "max", "reference", "ratio", "target", "result")


@dataclass(frozen=True)
class Target:
    """A limit on one statistic of a figure: "median", "max" or "ratio"."""

    stat: str
    op: str  # "<=" or ">="
    limit: float

    def met(self, value):
        """Whether value is within the limit."""
        return value <= self.limit if self.op == "<=" else value >= self.limit

    def describe(self, unit):
        """The target as the table shows it, e.g. "ratio <= 1.10" or "<= 300 ms"."""
        if self.stat == "ratio":
            return f"ratio {self.op} {self.limit:.2f}"
        prefix = "every run " if self.stat == "max" else ""
        limit = format_value(self.limit, unit)
        if float(self.limit).is_integer() and unit != "count":
            limit = f"{self.limit:,.0f} {unit}"
        return f"{prefix}{self.op} {limit}"


@dataclass
class Figure:
    """One row of the table: a quantity measured once per run."""

    name: str
    unit: str  # "ms", "KB", "MB", "/s", "%", "count"
    values: list = field(default_factory=list)
    reference: list = field(default_factory=list)  # the same run's reference, run by run
    target: Target | None = None
    problems: list = field(default_factory=list)  # conditions a run broke, beyond the number

    @property
    def median(self):
        return statistics.median(self.values) if self.values else None

    @property
    def ratio(self):
        """Median of the per-run ratios value / reference (None without a reference)."""
        pairs = [(v, r) for v, r in zip(self.values, self.reference, strict=False) if r]
        return statistics.median(v / r for v, r in pairs) if pairs else None

    def statistic(self, name):
        return {"median": self.median, "max": max(self.values, default=None), "ratio": self.ratio}[
            name
        ]

    @property
    def passed(self):
        """True or False against the target; None for a figure reported without one."""
        if self.target is None:
            return None if not self.problems else False
        value = self.statistic(self.target.stat)
        return value is not None and self.target.met(value) and not self.problems

    def cells(self):
        """The row's cells as text, in COLUMNS order."""
        fmt = lambda value: format_value(value, self.unit)  # noqa: E731
        reference = statistics.median(self.reference) if self.reference else None
        result = {True: "pass", False: "FAIL", None: "-"}[self.passed]
        return (
            self.name,
            fmt(self.median),
            fmt(min(self.values, default=None)),
            fmt(max(self.values, default=None)),
            fmt(reference),
            "-" if self.ratio is None else f"{self.ratio:.2f}",
            self.target.describe(self.unit) if self.target else "-",
            result,
        )


def format_value(value, unit):
    """A value with its unit, with as many digits as the unit deserves."""
    if value is None:
        return "-"
    if unit == "ms":
        return f"{value:.1f} ms" if abs(value) < 100 else f"{value:,.0f} ms"
    if unit in ("KB", "MB"):
        return f"{value:,.1f} {unit}" if abs(value) < 1000 else f"{value:,.0f} {unit}"
    if unit == "/s":
        return f"{value:,.0f}/s"
    if unit == "%":
        return f"{value:.1f} %"
    return f"{value:,.0f}"


def text_table(figures):
    """The table with fixed-width columns, for the terminal."""
    rows = [COLUMNS, *(figure.cells() for figure in figures)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = []
    for n, row in enumerate(rows):
        left, right = row[:1], row[1:]
        cells = [left[0].ljust(widths[0])] + [
            cell.rjust(width) for cell, width in zip(right, widths[1:], strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def markdown_table(figures):
    """The table in markdown, for bench/RESULTS.md and the README."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" + "---:|" * (len(COLUMNS) - 1)]
    for figure in figures:
        cells = [cell.replace("|", "\\|") for cell in figure.cells()]
        if cells[-1] == "FAIL":
            cells[-1] = "**FAIL**"
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
