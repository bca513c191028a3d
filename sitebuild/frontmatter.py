"""The article's TOML front matter: split it off, parse it, check it against the schema.

Every check raises BuildError with the content file and the line of the key concerned, so a typo
reads like a compiler error: content/policy-gradients.md:12: [gradient] formula: expected ...
The schema documents itself (Key.doc, Key.default): the README's table of front-matter keys is
made from it (sitebuild/reference.py), and a test keeps the two equal.
"""

import datetime
import re
import tomllib
from dataclasses import dataclass

from . import BuildError

FENCE = "+++"


@dataclass(frozen=True)
class Key:
    """One key of a TOML schema: its kind, what it means, and what leaving it out means.

    kind is a tuple of types, a dict (a table's own schema), a list of one dict (an array of
    tables) or ANY_TABLE (a table of the author's own values, not checked).
    """

    kind: object
    doc: str
    required: bool = False
    default: str = ""  # what an absent key means, in words, for the README
    form: str = ""  # what a text holds, for the README: plain text, markdown, LaTeX, ...


ANY_TABLE = "any table"
TEXT = (str,)
DATE = (datetime.date,)
LEGEND_MARKS = ("agent", "bar", "arrow", "goal", "pit", "timeout")
REFERENCE = {
    "authors": Key(TEXT, "who wrote it", required=True, form="plain text"),
    "year": Key((int, str), "when it appeared", required=True),
    "title": Key(TEXT, "its title", required=True, form="plain text"),
    "venue": Key(TEXT, "where it appeared", required=True, form="plain text"),
    "url": Key(TEXT, "a link to it", default="the title is not a link", form="http(s) URL"),
    "note": Key(TEXT, "a line on why to read it", default="none", form="inline markdown"),
}
SCHEMA = {
    "title": Key(
        TEXT,
        "the article's title: its heading, the window title, the contents page and the feed",
        required=True,
        form="plain text",
    ),
    "lede": Key(
        TEXT,
        "the paragraph under the title; the contents page shows it too",
        default="none",
        form="inline markdown",
    ),
    "description": Key(
        TEXT,
        "the summary that search engines, the feed and shared links show",
        default="the lede as plain text",
        form="plain text",
    ),
    "volume": Key(
        (int, str),
        "the article's number in the series, a whole number or a Roman numeral (XXVIII); "
        "the contents page and the previous/next links follow it",
        default="none: listed after the numbered volumes, by file name",
        form="whole number or Roman numeral",
    ),
    "edition": Key(
        (str, int),
        "a note beside the site's name, e.g. notebook · v.4.2026",
        default="none",
        form="plain text",
    ),
    "date": Key(
        DATE,
        "when it was published, e.g. 2026-11-25: the feed's and the sitemap's date",
        default="none: the feed leaves the article out (the build says so)",
    ),
    "updated": Key(DATE, "when it last changed substantially", default="date"),
    "author": Key(TEXT, "who wrote it", default="site.toml's author", form="plain text"),
    "language": Key(
        TEXT,
        "the language of the page, a BCP 47 tag like en or de-CH",
        default="site.toml's language",
        form="plain text",
    ),
    "gradient": Key(
        {
            "title": Key(TEXT, "the box's heading", required=True, form="plain text"),
            "formula": Key(TEXT, "the formula, shown as display math", required=True, form="LaTeX"),
            "reading": Key(TEXT, "the formula in plain English", required=True, form="markdown"),
            "glossary": Key(
                [
                    {
                        "symbol": Key(
                            TEXT, "one symbol of the formula", required=True, form="LaTeX"
                        ),
                        "meaning": Key(TEXT, "what it means", required=True, form="markdown"),
                    }
                ],
                "one entry per symbol",
                required=True,
            ),
        },
        "a box after the sections that reads a formula symbol by symbol",
        default="no box",
    ),
    "legend": Key(
        [
            {
                "mark": Key(
                    TEXT,
                    f"the figure's mark it explains: one of {', '.join(LEGEND_MARKS)}",
                    required=True,
                ),
                "text": Key(TEXT, "what the mark means", required=True, form="inline markdown"),
            }
        ],
        '"Reading the figure": one entry per mark',
        default="no legend",
    ),
    "examples": Key(
        [
            {
                "title": Key(TEXT, "the example's heading", required=True, form="plain text"),
                "body": Key(TEXT, "the example", required=True, form="markdown"),
            }
        ],
        '"Where you\'ve seen this": one card per example',
        default="no examples",
    ),
    "references": Key(
        [REFERENCE], '"Further reading": one entry per work', default="no further reading"
    ),
    "extra": Key(
        ANY_TABLE,
        "values of your own for your templates, which read them as page.extra (e.g. "
        "page.extra.difficulty)",
        default="empty",
    ),
}
# Keys an article held before the series had a site.toml.
SITE_KEYS = {"site": "name", "series": "series"}
TYPE_NAMES = {
    str: "a string",
    int: "a whole number",
    dict: "a table",
    list: "an array",
    datetime.date: "a date like 2026-11-25",
}


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
    data, locate = parse_toml(toml_text, path, SCHEMA, first_line=2, what="front matter")
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


def parse_toml(toml_text, path, schema, first_line=1, what="TOML"):
    """Parse TOML that starts at first_line of path and check it against schema.

    Return (data, locate), where locate(*key_path) is the file line of that key.
    """
    try:
        data = tomllib.loads(toml_text)
    except tomllib.TOMLDecodeError as error:
        message, line = _toml_message(error, toml_text)
        raise BuildError(
            f"{what} is not valid TOML: {message}; fix the TOML on this line "
            '(text in "quotes", lists in [ ], one key = value per line)',
            path,
            max(line + first_line - 1, 1),
        ) from None
    except RecursionError:
        raise BuildError(
            f"{what} nested too deeply (arrays or tables inside each other hundreds of "
            "levels down): flatten it",
            path,
            first_line,
        ) from None
    lines = toml_text.splitlines()

    def locate(*key_path):
        """Return the file line of the key at key_path (its table's line if absent)."""
        return max(locate_key(lines, key_path) + first_line, 1)

    check_table(data, schema, (), path, locate)
    return data, locate


def check_table(table, schema, key_path, path, locate):
    """Check one table's keys and value types against its schema, recursively."""
    where = _table_name(key_path)
    for key in table:
        if key not in schema:
            raise FrontMatterError(
                f"{where}unknown key {key!r}: {_unknown_advice(key, schema, key_path)}",
                path,
                locate(*key_path, key),
                (*key_path, key),
            )
    for key, entry in schema.items():
        if key not in table:
            if entry.required:
                raise FrontMatterError(
                    f"{where}missing required key {key!r}: "
                    f"{_how_to_add(key, entry.kind, key_path)}",
                    path,
                    locate(*key_path),
                    (*key_path, key),
                )
            continue
        value, here, kind = table[key], (*key_path, key), entry.kind
        if kind == ANY_TABLE:
            _expect(value, dict, here, path, locate)
        elif isinstance(kind, dict):
            _expect(value, dict, here, path, locate)
            check_table(value, kind, here, path, locate)
        elif isinstance(kind, list):
            _expect(value, list, here, path, locate)
            for index, item in enumerate(value):
                _expect(item, dict, (*here, index), path, locate)
                check_table(item, kind[0], (*here, index), path, locate)
        else:
            _expect(value, kind, here, path, locate)


def _unknown_advice(key, schema, key_path):
    """Say what to do with an unknown key: a custom value goes under [extra]."""
    known = f"(known: {', '.join(schema)})"
    if key_path:
        return f"remove it or fix its spelling {known}"
    if schema is SCHEMA and key in SITE_KEYS:
        return (
            f"{key} is the whole series' setting now: move it to content/site.toml as "
            f"{SITE_KEYS[key]} = … and remove it here"
        )
    if "extra" in schema:
        return (
            "fix its spelling, or put a value of your own under an [extra] table "
            f"(templates read it as page.extra.{key}) {known}"
        )
    return f"remove it or fix its spelling {known}"


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
    if (
        isinstance(value, kinds)
        and not (isinstance(value, bool) and bool not in kinds)
        and not (isinstance(value, datetime.datetime) and datetime.datetime not in kinds)
    ):
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
    """Turn a TOMLDecodeError into (message, line of the TOML text; 0 if it has none)."""
    message = str(error)
    at = re.search(r"\s*\(at line (\d+), column \d+\)$", message)
    if at:
        return message[: at.start()], int(at.group(1))
    end = re.search(r"\s*\(at end of document\)$", message)
    if end:
        return message[: end.start()], toml_text.count("\n") + 1
    return message, 0
