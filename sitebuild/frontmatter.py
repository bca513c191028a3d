"""The article's TOML front matter: split it off, parse it, check it against the schema.

Every check raises BuildError with the content file and the line of the key concerned, so a typo
reads like a compiler error: content/policy-gradients.md:12: [gradient] formula: expected ...
"""

import re
import tomllib

from . import BuildError

FENCE = "+++"

# The schema: key -> (type or types, required). A list of one dict is an array of tables.
TEXT = (str,)
REFERENCE = {
    "authors": (TEXT, True),
    "year": ((int, str), True),
    "title": (TEXT, True),
    "venue": (TEXT, True),
    "url": (TEXT, False),
    "note": (TEXT, False),
}
SCHEMA = {
    "title": (TEXT, True),
    "lede": (TEXT, True),
    "description": (TEXT, True),
    "site": (TEXT, True),
    "series": (TEXT, False),
    "volume": ((str, int), False),
    "edition": ((str, int), False),
    "gradient": (
        {
            "title": (TEXT, True),
            "formula": (TEXT, True),
            "reading": (TEXT, True),
            "glossary": ([{"symbol": (TEXT, True), "meaning": (TEXT, True)}], True),
        },
        False,
    ),
    "legend": ([{"mark": (TEXT, True), "text": (TEXT, True)}], False),
    "examples": ([{"title": (TEXT, True), "body": (TEXT, True)}], False),
    "references": ([REFERENCE], False),
}
LEGEND_MARKS = ("agent", "bar", "arrow", "goal", "pit", "timeout")
TYPE_NAMES = {str: "a string", int: "a whole number", dict: "a table", list: "an array"}


class FrontMatterError(BuildError):
    """A mistake at one key of the front matter; `key` is its path, e.g. ('widget', 'goal')."""

    def __init__(self, message, file, line, key=()):
        super().__init__(message, file, line)
        self.key = tuple(key)


HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\"' -]+?)\s*\]\]?\s*(#.*)?$")


def split_front_matter(text, path):
    """Split a content file into (front-matter text, body text, the body's first line)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != FENCE:
        raise BuildError(
            f"the file must start with a line {FENCE} opening the front matter: add {FENCE}, "
            f"the TOML settings and a closing {FENCE} line at the top",
            path,
            1,
        )
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == FENCE:
            return "".join(lines[1 : number - 1]), "".join(lines[number:]), number + 1
    raise BuildError(
        f"the front matter opened on line 1 has no closing {FENCE} line: add one after its "
        "last setting",
        path,
        1,
    )


def parse_front_matter(toml_text, path):
    """Parse and validate the front matter; return (data, locate) where locate(key path) -> line."""
    try:
        data = tomllib.loads(toml_text)
    except tomllib.TOMLDecodeError as error:
        message, line = _toml_message(error, toml_text)
        raise BuildError(
            f"front matter is not valid TOML: {message}; fix the TOML on this line "
            '(text in "quotes", lists in [ ], one key = value per line)',
            path,
            line,
        ) from None
    except RecursionError:
        raise BuildError(
            "front matter nested too deeply (arrays or tables inside each other hundreds of "
            "levels down): flatten it",
            path,
            2,
        ) from None
    lines = toml_text.splitlines()

    def locate(*key_path):
        """Return the file line of the front-matter key at key_path (its table's line if absent)."""
        return locate_key(lines, key_path) + 2  # line 0 of the front matter is line 2 of the file

    check_table(data, SCHEMA, (), path, locate)
    for index, entry in enumerate(data.get("legend", [])):
        if entry["mark"] not in LEGEND_MARKS:
            raise FrontMatterError(
                f"[[legend]] mark: {entry['mark']!r} is not a mark; use one of "
                f"{', '.join(LEGEND_MARKS)}",
                path,
                locate("legend", index, "mark"),
                ("legend", index, "mark"),
            )
    return data, locate


def check_table(table, schema, key_path, path, locate):
    """Check one table's keys and value types against its schema, recursively."""
    where = _table_name(key_path)
    for key in table:
        if key not in schema:
            raise FrontMatterError(
                f"{where}unknown key {key!r}: remove it or fix its spelling "
                f"(known: {', '.join(schema)})",
                path,
                locate(*key_path, key),
                (*key_path, key),
            )
    for key, (kind, required) in schema.items():
        if key not in table:
            if required:
                raise FrontMatterError(
                    f"{where}missing required key {key!r}: {_how_to_add(key, kind, key_path)}",
                    path,
                    locate(*key_path),
                    (*key_path, key),
                )
            continue
        value, here = table[key], (*key_path, key)
        if isinstance(kind, dict):
            _expect(value, dict, here, path, locate)
            check_table(value, kind, here, path, locate)
        elif isinstance(kind, list):
            _expect(value, list, here, path, locate)
            for index, entry in enumerate(value):
                _expect(entry, dict, (*here, index), path, locate)
                check_table(entry, kind[0], (*here, index), path, locate)
        else:
            _expect(value, kind, here, path, locate)


def locate_key(lines, key_path):
    """Find the 0-based front-matter line of key_path, e.g. ('references', 2, 'year')."""
    names = [part for part in key_path if isinstance(part, str)]
    index = next((part for part in reversed(key_path) if isinstance(part, int)), 0)
    if key_path and isinstance(key_path[-1], int):
        table, key = names, None
    else:
        table, key = names[:-1], (names[-1] if names else None)
    span = _table_span(lines, ".".join(table), index)
    if span is None:  # e.g. an inline table: settle for the first line naming the key
        return next((n for n, line in enumerate(lines) if _assigns(line, names[0])), -1)
    start, end = span
    if key is None:
        return start
    assigned = next((n for n in range(max(start, 0), end) if _assigns(lines[n], key)), None)
    if assigned is not None:
        return assigned
    own = _table_span(lines, ".".join(names), index)  # the key is a [table] of its own
    return own[0] if own else start


def _table_span(lines, name, index):
    """Return (header line, end) of the index-th [name] / [[name]] table; (-1, ...) for the top."""
    headers = [(n, HEADER.match(line)) for n, line in enumerate(lines)]
    headers = [(n, m.group(1).replace(" ", "")) for n, m in headers if m]
    if not name:
        return -1, headers[0][0] if headers else len(lines)
    matches = [n for n, header in headers if header == name]
    if index >= len(matches):
        return None
    start = matches[index]
    end = next((n for n, _ in headers if n > start), len(lines))
    return start, end


def _assigns(line, key):
    """Tell whether a TOML line assigns key (bare or quoted)."""
    return re.match(rf"""^\s*["']?{re.escape(key)}["']?\s*=""", line) is not None


def _expect(value, kind, key_path, path, locate):
    """Raise BuildError unless value has one of the types in kind (bool is not a number)."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds):
        return
    wanted = " or ".join(TYPE_NAMES.get(k, k.__name__) for k in kinds)
    name = ".".join(str(part) for part in key_path if isinstance(part, str))
    raise FrontMatterError(
        f"{name}: expected {wanted}, got {value!r}; write {name.rpartition('.')[2]} as {wanted}",
        path,
        locate(*key_path),
        key_path,
    )


def _how_to_add(key, kind, key_path):
    """Say how to add a missing key: a line, a [table] or an [[array of tables]] entry."""
    names = ".".join(str(part) for part in (*key_path, key) if isinstance(part, str))
    if isinstance(kind, dict):
        return f"add a [{names}] table"
    if isinstance(kind, list):
        return f"add at least one [[{names}]] entry"
    noun = "entry" if key_path and isinstance(key_path[-1], int) else "table"
    where = f" to the {_table_name(key_path).strip()} {noun}" if key_path else ""
    return f"add a line {key} = …{where}"


def _table_name(key_path):
    """Name a table for messages: '' at the top, '[gradient] ', '[[references]] '."""
    names = [part for part in key_path if isinstance(part, str)]
    if not names:
        return ""
    brackets = ("[[", "]]") if key_path and isinstance(key_path[-1], int) else ("[", "]")
    return f"{brackets[0]}{'.'.join(names)}{brackets[1]} "


def _toml_message(error, toml_text):
    """Turn a TOMLDecodeError into (message, file line) for the content file."""
    message = str(error)
    at = re.search(r"\s*\(at line (\d+), column \d+\)$", message)
    if at:
        return message[: at.start()], int(at.group(1)) + 1
    end = re.search(r"\s*\(at end of document\)$", message)
    if end:
        return message[: end.start()], toml_text.count("\n") + 2
    return message, 1
