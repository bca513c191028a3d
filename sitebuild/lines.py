"""Where each piece of rendered markdown came from: source lines carried through Python-Markdown.

Python-Markdown keeps no positions, so they are carried along while it parses:

1. the text is snapshotted once the whitespace is normalised, and after the last preprocessor the
   stashed blocks (raw HTML, which the preprocessors turn into one placeholder line each) are
   mapped back onto that snapshot, giving the source line of every line the block parser sees;
2. the block parser's top-level loop is run here, so every element a block creates is tagged
   with the block's first line (list items and table rows with their own lines);
3. text_lines() walks a tree in document order and gives each text the line it starts on: its
   element's line plus the newlines before it.

Extensions that parse text of their own (a footnote, an admonition's body: sitebuild/extensions.py)
register the element they parse it into with track(), and its blocks are tagged the same way; one
that stashes HTML made from source text (a highlighted code block) records that text with
stashed(), so the alignment can consume it.

Nothing searches the source or the output for a string afterwards.
"""

import re

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.util import HTML_PLACEHOLDER_RE

# A list item's first line, as the list processors recognise it (sane_lists: both markers).
ITEM = re.compile(r"^[ ]*(?:\d+[.)]|[*+-])[ ]+")
# A table's delimiter row, its second line: every other line of the block is a row.
DELIMITER_ROW = re.compile(r"^[ ]*\|?[ ]*:?-+:?[ ]*(\|[ ]*:?-+:?[ ]*)*\|?[ ]*$")


class SourceLines:
    """The positions of one conversion: output line -> source line, element -> line."""

    def __init__(self, first_line):
        self.first_line = first_line
        self.snapshot = ""
        self.line_of_output = None  # 0-based source line of each preprocessed line
        self.element_line = {}
        self.parsing = False
        self.current_line = first_line  # the block being parsed (where a RecursionError is)
        self.stash_sources = {}  # stash index -> the source text its HTML was made from
        self.chunks = {}  # element -> line of the first block an extension parses into it

    def track(self, element, first_line):
        """Tag the blocks parsed next into element with lines counted from first_line."""
        self.chunks[element] = first_line

    def stashed(self, index, source):
        """Record that stashed HTML number index was made from source text (not copied)."""
        self.stash_sources[index] = source

    def block_line(self, output_index):
        """Return the source line of the preprocessed line at output_index (0-based)."""
        lines = self.line_of_output
        if not lines:
            return self.first_line + output_index
        if output_index < len(lines):
            return self.first_line + lines[output_index]
        return self.first_line + lines[-1] + output_index - len(lines) + 1


def align(source, output, stash, stash_sources=None):
    """Return the 0-based source line of each line of output, a preprocessed copy of source.

    The preprocessors copy text through unchanged except that a stashed block becomes a
    placeholder and blank lines are added around it; so the walk matches output to source
    character by character, a placeholder consuming its stashed text, an extra newline nothing.
    If the two part ways (an extension that rewrites text), the rest keeps its offset.
    stash_sources gives, for HTML that is not a copy of its source, the source text instead.
    """
    stash_sources = stash_sources or {}
    lines, i, line, pos = [0], 0, 0, 0
    while pos < len(output):
        placeholder = HTML_PLACEHOLDER_RE.match(output, pos)
        if placeholder:
            number = int(placeholder.group(1))
            raw = stash_sources.get(number, stash[number]).strip("\n")
            start = i
            while (
                start < len(source) and source[start] in " \n" and not source.startswith(raw, start)
            ):
                start += 1
            if not source.startswith(raw, start):
                break
            line += source.count("\n", i, start + len(raw))
            i, pos = start + len(raw), placeholder.end()
            continue
        char = output[pos]
        if i < len(source) and source[i] == char:
            i += 1
            line += char == "\n"
        elif char != "\n":
            break
        if char == "\n":
            lines.append(line)
        pos += 1
    while len(lines) < output.count("\n") + 1:  # parted ways: keep the offset
        lines.append(lines[-1] + 1)
    return lines


class _Snapshot(Preprocessor):
    """Keep the normalised source text, before any block is stashed."""

    def __init__(self, md, positions):
        super().__init__(md)
        self.positions = positions

    def run(self, lines):
        """Remember lines; change nothing."""
        self.positions.snapshot = "\n".join(lines)
        return lines


class _Align(Preprocessor):
    """Map every preprocessed line back to its source line (see align)."""

    def __init__(self, md, positions):
        super().__init__(md)
        self.positions = positions

    def run(self, lines):
        """Record the map; change nothing."""
        self.positions.line_of_output = align(
            self.positions.snapshot,
            "\n".join(lines),
            self.md.htmlStash.rawHtmlBlocks,
            self.positions.stash_sources,
        )
        return lines


def _tracking_parse_blocks(parser, positions):
    """Return a parseBlocks for parser that tags what each block makes with its line.

    The document's top-level blocks are tagged with their source lines, and so are the blocks
    an extension parses into an element it registered with positions.track().
    """
    original = parser.parseBlocks

    def parse_blocks(parent, blocks):
        """Run the block processors like BlockParser.parseBlocks, noting each block's line."""
        if parent is getattr(parser, "root", None) and not positions.parsing:
            positions.parsing = True
            line_of = positions.block_line
        elif parent in positions.chunks:
            start = positions.chunks.pop(parent)
            line_of = lambda index: start + index  # noqa: E731 (a chunk's text is verbatim)
        else:
            return original(parent, blocks)
        total = _line_count(blocks)
        while blocks:
            line = positions.current_line = line_of(total - _line_count(blocks))
            block = blocks[0]
            for processor in parser.blockprocessors:
                if processor.test(parent, blocks[0]):
                    if processor.run(parent, blocks) is not False:
                        break
            _tag_new(parent, line, block, positions.element_line)

    return parse_blocks


def _line_count(blocks):
    """Count the lines of '\\n\\n'.join(blocks)."""
    return sum(block.count("\n") for block in blocks) + 2 * max(len(blocks) - 1, 0) + 1


def _tag_new(root, line, block, element_line):
    """Tag the elements not yet tagged with line; list items with their own item lines."""
    texts = block.split("\n")
    items = [line + n for n, text in enumerate(texts) if ITEM.match(text)]
    table = len(texts) > 1 and DELIMITER_ROW.match(texts[1]) is not None
    rows = [line + n for n in range(len(texts)) if n != 1] if table else []
    element_line.setdefault(root, line)
    stack = [(child, line) for child in reversed(root)]
    while stack:
        element, inherited = stack.pop()
        if element not in element_line:
            if element.tag == "li" and items:
                inherited = items.pop(0)
            elif element.tag == "tr" and rows:
                inherited = rows.pop(0)
            element_line[element] = inherited
        else:
            inherited = line  # new children of an older element come from this block
        stack.extend((child, inherited) for child in reversed(element))


def text_lines(root, element_line, line):
    """Yield (kind, element, line) in document order: kind 'start', 'text' or 'tail'.

    'start' is an element's start tag; 'text' its .text, 'tail' its .tail, each with the line it
    begins on: the nearest tagged element's line plus the newlines of the text before it.
    """
    stack = [(root, False)]
    while stack:
        element, closing = stack.pop()
        if closing:
            tail = element.tail
            if tail:
                yield "tail", element, line
                line += tail.count("\n")
            continue
        line = element_line.get(element, line)
        yield "start", element, line
        text = element.text
        if isinstance(text, str) and text:
            yield "text", element, line
            line += text.count("\n")
        stack.append((element, True))
        stack.extend((child, False) for child in reversed(element))


class TrackLines(Extension):
    """Carry source lines through one conversion into `positions` (a SourceLines)."""

    def __init__(self, positions):
        super().__init__()
        self.positions = positions

    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        """Add the snapshot, the alignment and the line-tagging block loop to md."""
        md.preprocessors.register(_Snapshot(md, self.positions), "pg-snapshot", 29)
        md.preprocessors.register(_Align(md, self.positions), "pg-align", 0)
        md.parser.parseBlocks = _tracking_parse_blocks(md.parser, self.positions)
