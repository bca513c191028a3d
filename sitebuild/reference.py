"""The README's reference of everything an author writes, made from the code's own declarations.

The tables of site.toml's keys, the front matter's keys and every figure kind's settings come from
series.SITE_SCHEMA, frontmatter.SCHEMA and pgcore's Settings.describe(), so they cannot drift from
what the build checks; tests/test_readme.py holds the README to them. After changing any of them:

    .venv/bin/python -m sitebuild.reference      rewrite the README's generated part
"""

import datetime
import sys
from pathlib import Path

from .frontmatter import ANY_TABLE, SCHEMA
from .series import SITE_SCHEMA

START = "<!-- reference: made by python -m sitebuild.reference from the code; edit the code -->"
END = "<!-- reference: end -->"
TYPE_WORDS = {str: "text", int: "whole number", datetime.date: "date (2026-11-25)"}


def reference(figures):
    """Return the markdown reference: site.toml, front matter, figure blocks, figure settings."""
    parts = [
        "#### `content/site.toml`\n",
        _table(["key", "type", "default", "meaning"], list(_schema_rows(SITE_SCHEMA))),
        "#### Front matter (TOML between `+++` lines at the top of an article)\n",
        _table(["key", "type", "default", "meaning"], list(_schema_rows(SCHEMA))),
        "#### Figure blocks\n",
        "A figure goes where its block stands, on lines of its own: ```` ```figure <kind> ````,"
        " the settings in TOML, and a closing ```` ``` ````. Besides its kind's settings, a "
        "block may hold `caption` (markdown, shown under the figure) and `id` (letters, digits,"
        " `-` and `_`; default `figure-<n>`, n its place on the page).\n",
    ]
    for settings, kinds in _settings_classes(figures):
        names = ", ".join(f"`{kind}`" for kind in kinds)
        about = settings.__doc__.strip().rstrip(".")
        parts.append(f"Settings of {names} ({about[0].lower()}{about[1:]}):\n")
        rows = [
            [
                f"`{row['key']}`",
                row["type"],
                _default(row["default"]),
                row["range"] or "",
                row["doc"],
            ]
            for row in settings.describe()
        ]
        parts.append(_table(["key", "type", "default", "range", "meaning"], rows))
    return "\n".join(parts)


def _schema_rows(schema, prefix="", brackets=("", "")):
    """Yield a row per key of a schema, a table's keys after the table."""
    for name, key in schema.items():
        label = f"`{brackets[0]}{prefix}{brackets[1]} {name}`" if prefix else f"`{name}`"
        yield [label, _type(key), _required(key), key.doc]
        if isinstance(key.kind, dict):
            yield from _schema_rows(key.kind, f"{prefix}{name}", ("[", "]"))
        elif isinstance(key.kind, list):
            path = f"{prefix}.{name}" if prefix else name
            yield from _schema_rows(key.kind[0], path, ("[[", "]]"))


def _type(key):
    """Name a key's type for authors: what a text holds, else its TOML kind."""
    if key.kind == ANY_TABLE:
        return "table of your own"
    if isinstance(key.kind, dict):
        return "table"
    if isinstance(key.kind, list):
        return "array of tables"
    return key.form or " or ".join(TYPE_WORDS[kind] for kind in key.kind)


def _required(key):
    """Say whether a key is required, or what leaving it out means."""
    return "**required**" if key.required else key.default or "none"


def _default(value):
    """Write a setting's default as TOML."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, tuple):
        return f"`{_toml_list(value)}`"
    return f"`{value}`"


def _toml_list(value):
    """Write a tuple (of tuples) as a TOML array."""
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml_list(item) for item in value) + "]"
    return str(value)


def _settings_classes(figures):
    """Yield (settings class, [its kinds]) in the order the kinds are registered."""
    classes = {}
    for kind, (_, settings) in figures.FIGURES.items():
        classes.setdefault(settings, []).append(kind)
    return classes.items()


def _table(header, rows):
    """Render a markdown table (cells' | escaped)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |")
    return "\n".join(lines) + "\n"


def with_reference(readme, figures):
    """Return the README text with its generated part replaced by the current reference."""
    if START not in readme or END not in readme:
        raise ValueError(f"the README has no generated part: add the lines {START} and {END}")
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n\n{reference(figures)}\n{END}{tail}"


def main():
    """Rewrite README.md's generated part; exit 1 if it had none."""
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    from pgcore import figures

    readme = root / "README.md"
    try:
        updated = with_reference(readme.read_text(encoding="utf-8"), figures)
    except ValueError as error:
        print(f"sitebuild.reference: {error}", file=sys.stderr)
        return 1
    readme.write_text(updated, encoding="utf-8")
    print(f"sitebuild.reference: wrote {readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
