"""The page's state in its link: what the reader set, in the URL's fragment, read back on load.

    #v=1&figure-1.mode=trajectories&figure-1.goal=2.0&figure-1.lr=34&code-1.code=eJz...

Each figure says what it would share as {key: text} (share()) and takes it back, value by value
(apply_share(values) -> notes). A value that is malformed or out of range is ignored and named
in a short note the page shows, never an error: a link can come from anyone. The reader's code
travels compressed (zlib, then base64url) and a link that carries code never runs it: the code
figure only shows it until the reader presses Run.
"""

import base64
import zlib
from urllib.parse import quote, unquote

VERSION = "1"  # a link without v is from before versions; any v parses, unknown keys are noted
MAX_LINK = 16 * 1024  # characters: every real link is far shorter (code compresses well)
MAX_CODE = 64 * 1024  # characters of code a link may unpack to


def encode(states):
    """The fragment for {figure id: {key: text}} (without the leading #)."""
    parts = [f"v={VERSION}"]
    for figure_id, values in states.items():
        parts += [
            f"{quote(figure_id)}.{key}={quote(value, safe=',.;-_')}"
            for key, value in values.items()
        ]
    return "&".join(parts)


def decode(fragment):
    """({figure id: {key: text}}, notes) from a fragment; nothing in it raises."""
    fragment = fragment.removeprefix("#")
    if "=" not in fragment:  # empty, or a plain #anchor of the page: no state in it
        return {}, []
    if len(fragment) > MAX_LINK:
        return {}, [
            f"the link is longer than any link of this page ({len(fragment):,} characters), "
            "so its settings were ignored"
        ]
    states, notes = {}, []
    for part in fragment.split("&"):
        key, sep, value = part.partition("=")
        if key == "v" or not part:
            continue
        figure_id, dot, name = unquote(key).rpartition(".")
        if not (sep and dot and figure_id and name):
            notes.append(f"ignored {_show(part)}: not a setting of this page")
            continue
        states.setdefault(figure_id, {})[name] = unquote(value)
    return states, notes


def pack_text(text):
    """Text compressed for a link: base64url of its zlib deflate."""
    return base64.urlsafe_b64encode(zlib.compress(text.encode("utf-8"), 9)).decode("ascii")


def unpack_text(packed):
    """The text pack_text gave, or None if packed is not such a thing (or unpacks too far)."""
    try:
        data = base64.urlsafe_b64decode(packed.encode("ascii") + b"=" * (-len(packed) % 4))
        inflate = zlib.decompressobj()
        text = inflate.decompress(data, MAX_CODE * 4)
        if inflate.unconsumed_tail or not inflate.eof:
            return None
        return text.decode("utf-8")[:MAX_CODE]
    except (ValueError, UnicodeError, zlib.error):
        return None


def _show(text, limit=40):
    """Quote part of a link in a note, short."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "\u2026")


class Reader:
    """Reads one figure's shared values, collecting a note for each one it must ignore."""

    def __init__(self, figure_id, values):
        self.figure_id, self.values, self.notes = figure_id, dict(values), []

    def take(self, key, parse):
        """parse(text) of the value under key, or None (absent, or noted as ignored)."""
        if key not in self.values:
            return None
        text = self.values.pop(key)
        try:
            return parse(text)
        except (ValueError, TypeError, KeyError, IndexError):
            self.notes.append(f"{self.figure_id}: ignored {key}={_show(text)}")
            return None

    def finish(self):
        """The notes, with one for every key nobody took."""
        for key, text in self.values.items():
            self.notes.append(f"{self.figure_id}: ignored {key}={_show(text)} (unknown)")
        return self.notes


def number(low, high, kind=float):
    """A parser of a number in [low, high]."""

    def parse(text):
        value = kind(text)
        if not low <= value <= high:
            raise ValueError(text)
        return value

    return parse


def choice(options):
    """A parser of one of options."""

    def parse(text):
        if text not in options:
            raise ValueError(text)
        return text

    return parse


def cell(text):
    """A cell written row.col."""
    row, col = text.split(".")
    return (int(row), int(col))


def point(text):
    """A point written x,y, each in [-1, 1]."""
    x, y = (float(part) for part in text.split(","))
    if not (abs(x) <= 1 and abs(y) <= 1):
        raise ValueError(text)
    return (x, y)


class PageLink:
    """The link of one page: read once when the figures mount, written as the reader acts."""

    def __init__(self, base_length=0):
        self.base_length = base_length  # characters of the page's address before the #
        self.fragment = None  # what the page's address says now
        self.article = None  # the fragment of the figures as the article set them

    def apply(self, fragment, figures):
        """Give each figure its values of fragment; return {figure id: [notes]}.

        Until the figures differ from what the article set, the page's address has no fragment.
        """
        self.article = self._make(figures)
        states, notes = decode(fragment)
        by_figure = {figure_id: [] for figure_id in figures}
        first = next(iter(figures), None)
        for figure_id, values in states.items():
            figure = figures.get(figure_id)
            if figure is None or not hasattr(figure, "apply_share"):
                notes.append(f"ignored the settings of {_show(figure_id)}: no such figure here")
                continue
            reader = Reader(figure_id, values)
            figure.apply_share(reader)
            by_figure[figure_id] += reader.finish()
        if first is not None:
            by_figure[first] = notes + by_figure[first]
        return {figure_id: found for figure_id, found in by_figure.items() if found}

    def update(self, figures):
        """The fragment the figures' state makes, if it is new (else None); "" for none."""
        fragment = self._make(figures)
        if fragment == self.article:
            fragment = ""
        if fragment == self.fragment:
            return None
        self.fragment = fragment
        return fragment

    @staticmethod
    def _make(figures):
        """The fragment of the figures' state now."""
        states = {i: f.share() for i, f in figures.items() if hasattr(f, "share")}
        return encode({i: values for i, values in states.items() if values})

    def label(self):
        """The Copy link button's words: with code in the link, how long the link is."""
        if self.fragment and ".code=" in self.fragment:
            return f"Copy link ({self.base_length + 1 + len(self.fragment):,} characters)"
        return "Copy link"
