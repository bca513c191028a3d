"""The markdown authors expect, each construct keeping its source lines (sitebuild/lines.py).

- Fenced code, highlighted at build time by Pygments through codehilite (CSS classes, no
  JavaScript; colours in style.css). A fence names a Pygments language, or none, or `text` for
  plain text; a name Pygments does not know is an error at the fence's line, not plain text.
- Footnotes ([^name] and [^name]: text), numbered in the order they are defined, listed after
  the last section. A reference without a definition, or a definition nobody cites, is an error.
- Admonitions (!!! note "Title"), one of ADMONITIONS; an unknown kind is an error at its line.

Python-Markdown keeps no positions, so each one reports to the conversion's SourceLines: the code
block which source text its stashed HTML stands for, the footnote and admonition at which line
the text they parse begins.
"""

import re

from markdown.extensions.admonition import AdmonitionExtension, AdmonitionProcessor
from markdown.extensions.attr_list import get_attrs_and_remainder
from markdown.extensions.codehilite import CodeHiliteExtension
from markdown.extensions.fenced_code import FencedBlockPreprocessor, FencedCodeExtension
from markdown.extensions.footnotes import FootnoteBlockProcessor, FootnoteExtension
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

ADMONITIONS = ("note", "tip", "important", "warning", "caution")
CODE_CLASS = "highlight"  # the wrapper's class, which style.css colours
# A fence line that no code block took: fenced_code saw no closing fence, or an info string it
# cannot read, and would leave the backticks in a paragraph.
STRAY_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


class SourceError(ValueError):
    """A construct that cannot be rendered, at `line` of the source."""

    def __init__(self, message, line):
        super().__init__(message)
        self.line = line


def code_language(name):
    """Check a fence's language name against Pygments; raise ValueError for an unknown one."""
    if not name:
        return
    try:
        get_lexer_by_name(name)
    except ClassNotFound:
        raise ValueError(
            f"unknown code language {name!r}: use a name Pygments knows (python, js, toml, "
            "bash, html, …), or text for plain text"
        ) from None


class _Watched:
    """A compiled pattern that remembers its last match (fenced_code's, to see what it took)."""

    def __init__(self, pattern):
        self.pattern, self.last = pattern, None

    def search(self, text, pos=0):
        """Search like the pattern, remembering the match."""
        self.last = self.pattern.search(text, pos)
        return self.last


class _Fences(FencedBlockPreprocessor):
    """fenced_code's preprocessor, checking each fence's language and recording its source."""

    def __init__(self, md, config, positions):
        super().__init__(md, config)
        self.positions = positions
        self.FENCED_BLOCK_RE = _Watched(FencedBlockPreprocessor.FENCED_BLOCK_RE)

    def run(self, lines):
        """Take out the fenced blocks; refuse an unknown language and a fence left over."""
        store, cursor = self.md.htmlStash.store, [0]

        def stored(html):
            """Store a block's HTML, noting the source text it was made from."""
            match = self.FENCED_BLOCK_RE.last
            start = self.positions.snapshot.find(match.group(0), cursor[0])
            line = self.positions.first_line + self.positions.snapshot.count("\n", 0, start)
            cursor[0] = start + len(match.group(0))
            try:
                code_language(_fence_language(match))
            except ValueError as error:
                raise SourceError(str(error), line) from None
            placeholder = store(html)
            self.positions.stashed(self.md.htmlStash.html_counter - 1, match.group(0))
            return placeholder

        self.md.htmlStash.store = stored
        try:
            return super().run(lines)
        finally:
            del self.md.htmlStash.store


def _fence_language(match):
    """Return the language a fence names: its word, or the first class of its {attributes}."""
    if match.group("attrs"):
        attrs, _ = get_attrs_and_remainder(match.group("attrs"))
        classes = [value for key, value in attrs if key == "."]
        return classes[0] if classes else None
    return match.group("lang") or None


class Fences(FencedCodeExtension):
    """Fenced code blocks, highlighted by codehilite, with their source lines kept."""

    def __init__(self, positions, **kwargs):
        super().__init__(**kwargs)
        self.positions = positions

    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        """Register our fenced-code preprocessor where fenced_code's goes."""
        md.registerExtension(self)
        md.preprocessors.register(
            _Fences(md, self.getConfigs(), self.positions), "fenced_code_block", 25
        )


def code_highlighting():
    """Return codehilite as the site uses it: Pygments, CSS classes, never a guessed language."""
    return CodeHiliteExtension(css_class=CODE_CLASS, guess_lang=False, use_pygments=True)


def stray_fence(lines, positions):
    """Raise SourceError at a fence line that no code block took (lines as preprocessed)."""
    for index, text in enumerate(lines):
        if STRAY_FENCE.match(text):
            raise SourceError(
                "this fence opens no code block: close it with a line of the same backticks, "
                "put the language as one word after them (```python), and keep code blocks "
                "outside lists and quotes",
                positions.block_line(index),
            )


class _FootnoteBlocks(FootnoteBlockProcessor):
    """Note the line of each footnote definition as it is taken out of the text."""

    def __init__(self, footnotes, positions):
        super().__init__(footnotes)
        self.positions = positions

    def run(self, parent, blocks):
        """Take out the definitions of the block, their lines noted in order."""
        block, line = blocks[0], self.positions.current_line
        self.footnotes.pending = [
            line + block.count("\n", 0, found.start()) for found in self.RE.finditer(block)
        ]
        return super().run(parent, blocks)


class Footnotes(FootnoteExtension):
    """Footnotes whose text keeps its source lines, with their definitions' lines known."""

    def __init__(self, positions, **kwargs):
        super().__init__(**kwargs)
        self.positions = positions
        self.pending, self.lines = [], {}

    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        """Register the footnote processors, ours for the definitions."""
        super().extendMarkdown(md)
        md.parser.blockprocessors.register(_FootnoteBlocks(self, self.positions), "footnote", 17)

    def setFootnote(self, id, text):  # noqa: A002, N802 (Python-Markdown's names)
        """Store a footnote with the line of its definition."""
        super().setFootnote(id, text)
        self.lines[id] = self.pending.pop(0) if self.pending else self.positions.current_line

    def makeFootnotesDiv(self, root):  # noqa: N802 (Python-Markdown's name)
        """Build the list of footnotes, each parsed with its own lines."""
        parse_chunk, ids = self.parser.parseChunk, iter(list(self.footnotes))

        def tracked(parent, text):
            """Parse one footnote's text, its blocks tagged from its definition's line."""
            self.positions.track(parent, self.lines[next(ids)])
            parse_chunk(parent, text)

        self.parser.parseChunk = tracked
        try:
            return super().makeFootnotesDiv(root)
        finally:
            del self.parser.parseChunk

    def uncited(self):
        """Return (name, line) of the first footnote defined but never cited, or None."""
        cited = set(self.footnote_order)
        return next(
            ((name, self.lines[name]) for name in self.footnotes if name not in cited), None
        )


class _Admonitions(AdmonitionProcessor):
    """Admonitions of the known kinds, their bodies keeping their lines."""

    def __init__(self, parser, positions):
        super().__init__(parser)
        self.positions = positions

    def run(self, parent, blocks):
        """Check the kind, then parse the body with its lines."""
        block, line = blocks[0], self.positions.current_line
        found = self.RE.search(block)
        if found:
            line += block.count("\n", 0, found.start()) + (block[found.start()] == "\n")
            kind = found.group(1).split()[0].lower()
            if kind not in ADMONITIONS:
                raise SourceError(
                    f"unknown admonition !!! {kind}: use one of {', '.join(ADMONITIONS)}", line
                )
        body = line + 1 if found else line
        parse_chunk = self.parser.parseChunk

        def tracked(box, text):
            """Parse the body into the box, its first line at body."""
            for element in box.iter():
                self.positions.element_line.setdefault(element, line)
            self.positions.track(box, body)
            parse_chunk(box, text)

        self.parser.parseChunk = tracked
        try:
            return super().run(parent, blocks)
        finally:
            del self.parser.parseChunk


class Admonitions(AdmonitionExtension):
    """Admonitions (callouts) of the kinds in ADMONITIONS, with their source lines kept."""

    def __init__(self, positions, **kwargs):
        super().__init__(**kwargs)
        self.positions = positions

    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        """Register our admonition processor where admonition's goes."""
        md.registerExtension(self)
        md.parser.blockprocessors.register(
            _Admonitions(md.parser, self.positions), "admonition", 105
        )
