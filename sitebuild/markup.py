"""Prose to HTML: markdown through Python-Markdown, LaTeX ($...$) through latex2mathml to MathML.

Markdown has tables, fenced code highlighted by Pygments, footnotes and admonitions
(sitebuild/extensions.py), smart quotes and sane lists. An article's body is converted in one go
and split at its `## ` headings (render_body), so footnotes are numbered over the whole page.
Math is rendered at build time, so the page ships no math JavaScript. The $...$ spans are taken
out of markdown's hands before any inline pattern runs (code spans still win: `$x$` in backticks
stays code) and the MathML goes into markdown's HTML stash. Every error carries the source line
it concerns, known from the parse itself (sitebuild/lines.py); and, given a `mark`, the HTML
carries a comment before each block naming its line, for the page's checks (checks.py).
"""

import html
import re
import secrets
import xml.etree.ElementTree as ElementTree

import latex2mathml.commands
import latex2mathml.converter
import markdown
from markdown.extensions import Extension
from markdown.extensions.tables import TableExtension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE, AtomicString
from markupsafe import Markup

from .extensions import (
    Admonitions,
    Fences,
    Footnotes,
    SourceError,
    code_highlighting,
    stray_fence,
)
from .lines import SourceLines, TrackLines, text_lines

# Column alignment as align attributes: the default style="text-align: ..." breaks the CSP.
EXTENSIONS = [TableExtension(use_align_attribute=True), "smarty", "sane_lists"]

# $$display$$ and $inline$; inline math may not start or end with a space (so "$5 and $6" stays
# text), and a literal dollar is written \$.
DISPLAY_MATH = r"\$\$(?P<display>(?:[^$\\]|\\.)+?)\$\$"
INLINE_MATH = r"(?<![\\$])\$(?![\s$])(?P<inline>(?:[^$\\]|\\.)+?)(?<!\s)\$(?!\d)"
# A code span opens with a run of backticks (not escaped) and closes with a run as long.
CODE_TICKS = r"(?<!\\)(?P<ticks>`+)"
MATH_OR_CODE = re.compile(f"{CODE_TICKS}|{DISPLAY_MATH}|{INLINE_MATH}", re.S)
# Where LaTeX-looking text is verbatim, not prose.
VERBATIM = {"code", "pre", "kbd", "samp"}

# A footnote reference that the footnotes extension left as text: it has no definition.
UNDEFINED_FOOTNOTE = re.compile(r"\[\^([^\]\s]*)\]")
# A reference-style link ([text][name]) that markdown left as text: its name has no definition.
UNDEFINED_REFERENCE = re.compile(r"\[([^\]\n]+)\]\[([^\]\n]*)\]")

# A LaTeX command that reached the output as text: latex2mathml passes unknown commands through
# (\foo becomes <mi>\foo</mi>), and a $ that markdown never saw as math leaves \theta as it was.
RAW_COMMAND = re.compile(r"\\[A-Za-z]+")

# latex2mathml also drops an environment it does not know (\begin{tikzpicture}x\end{...} gives
# just x) and builds a fraction or script with a part missing (\frac{1} gives a one-child
# <mfrac>), so both are checked on its input and output.
ENVIRONMENT = re.compile(r"\\begin\s*\{([^}]*)\}")
ENVIRONMENTS = {name.removeprefix("\\") for name in latex2mathml.commands.MATRICES}
PARTS = {
    "mfrac": (2, "a fraction needs two parts, \\frac{numerator}{denominator}"),
    "mroot": (2, "a root needs its radicand"),
    "msub": (2, "a subscript needs its base and index"),
    "msup": (2, "a superscript needs its base and exponent"),
    "msubsup": (3, "a base needs both its subscript and superscript"),
    "munder": (2, "an under-script needs its base and script"),
    "mover": (2, "an over-script needs its base and script"),
    "munderover": (3, "a base needs both its under- and over-script"),
}


class MarkupError(ValueError):
    """Prose that cannot be rendered, at `line` of its source (None until the caller knows it)."""

    def __init__(self, message, line=None):
        super().__init__(message)
        self.line = line


def render_latex(tex, display=False):
    """Render one LaTeX formula to MathML, or raise MarkupError for what latex2mathml can't do."""
    if not _balanced(tex):  # latex2mathml closes a missing } silently
        raise MarkupError(
            f"cannot parse LaTeX {_quote(tex)}: unbalanced braces; close every {{ with a }}"
        )
    try:
        mathml = latex2mathml.converter.convert(tex, display="block" if display else "inline")
    except Exception as error:  # latex2mathml raises many types, mostly without a message
        raise MarkupError(
            f"cannot parse LaTeX {_quote(tex)}: {_describe(error)}; fix the formula (or, if "
            "it is not math, write its dollar signs as \\$)"
        ) from None
    for name in ENVIRONMENT.findall(tex):
        if name.strip() not in ENVIRONMENTS:
            raise MarkupError(
                f"unsupported LaTeX environment {name.strip()} in {_quote(tex)}: use one of "
                f"{', '.join(sorted(ENVIRONMENTS))}"
            )
    try:
        elements = list(ElementTree.fromstring(mathml).iter())
    except ElementTree.ParseError:  # latex2mathml copies a stray & or control character as is
        raise MarkupError(
            f"cannot parse LaTeX {_quote(tex)}: it gives malformed MathML; remove any & outside "
            "a matrix or cases environment and any control character"
        ) from None
    for element in elements:
        tag = element.tag.rpartition("}")[2]
        if tag in PARTS and len(element) != PARTS[tag][0]:
            raise MarkupError(
                f"cannot parse LaTeX {_quote(tex)}: {PARTS[tag][1]}; add the missing part"
            )
    unknown = RAW_COMMAND.search(mathml)
    if unknown:
        message = (
            f"unknown LaTeX command {unknown.group()} in {_quote(tex)}: fix its spelling or use "
            "a command latex2mathml supports"
        )
        raise MarkupError(message)
    return mathml


def render_markdown(text, inline=False, resolve_link=None, first_line=1, mark=None):
    """Render markdown with $...$ math to Markup; inline drops the one paragraph's <p>.

    text starts at first_line of its file; a MarkupError carries the line of its mistake.
    resolve_link(url) checks and rewrites each link's URL (raising MarkupError without a line);
    mark(line), if given, names a source line in an HTML comment put before each block.
    """
    html = _convert(text, first_line, resolve_link, mark)
    if inline:
        paragraph = re.fullmatch(r"(<!--[^>]*-->)?<p>(.*)</p>", html, re.S)
        if paragraph is None or "<p>" in paragraph.group(2):
            raise MarkupError(
                "expected one line of inline markdown, found blocks: write this field as one "
                "paragraph without lists, headings or blank lines",
                first_line,
            )
        html = (paragraph.group(1) or "") + paragraph.group(2)
    return Markup(html)


def render_body(text, first_line=1, resolve_link=None, mark=None):
    """Render an article's body; return ([(line, heading HTML, section HTML)], footnotes HTML).

    The body is one conversion, split before each top-level `## ` heading (line is the
    heading's): the part before any heading must be empty. Footnotes, numbered over the whole
    body, come apart at the end.
    """
    split = f"pgsplit-{secrets.token_hex(6)}"
    converted = _convert(text, first_line, resolve_link, mark, split)
    head, *parts = re.split(f"<!--{split} section ([0-9]+)-->", converted)
    if re.sub(r"<!--[^>]*-->", "", head).strip():
        raise MarkupError("text before the first `## ` heading: add a heading above it", first_line)
    footnotes = ""
    if parts and f"<!--{split} notes-->" in parts[-1]:
        parts[-1], footnotes = parts[-1].split(f"<!--{split} notes-->")
    sections = []
    for line, part in zip(parts[::2], parts[1::2], strict=True):
        heading = re.match(r"(\s*(?:<!--[^>]*-->)?)<h2>(.*?)</h2>", part, re.S)
        html = heading.group(1) + part[heading.end() :]
        sections.append((int(line), Markup(heading.group(2)), Markup(html)))
    return sections, Markup(footnotes)


def heading_text(title):
    """Return the plain text of a heading's inline markdown (math as its symbols)."""
    rendered = render_markdown(title, inline=True)
    return html.unescape(re.sub(r"<[^>]*>", "", str(rendered)))


def _convert(text, first_line, resolve_link, mark, split=None):
    """Run one conversion with every extension; return the HTML."""
    positions = SourceLines(first_line)
    footnotes = Footnotes(positions)
    md = markdown.Markdown(
        extensions=[
            *EXTENSIONS,
            TrackLines(positions),
            Fences(positions),
            code_highlighting(),
            footnotes,
            Admonitions(positions),
            _Prose(positions, resolve_link, mark, footnotes, split),
        ]
    )
    try:
        return md.convert(text)
    except SourceError as error:
        raise MarkupError(str(error), error.line) from None
    except RecursionError:  # Python-Markdown recurses once per level of nesting
        raise MarkupError(
            "markdown nested too deeply (lists or quotes inside each other hundreds of levels "
            "down): flatten it",
            positions.current_line,
        ) from None


def _quote(tex, limit=60):
    """Quote LaTeX for a message as written (no repr doubling of backslashes), on one line."""
    tex = " ".join(tex.split())
    return f"${tex if len(tex) <= limit else tex[: limit - 1] + '…'}$"


def _balanced(tex):
    """Tell whether the unescaped braces of tex pair up."""
    depth = 0
    for brace in re.findall(r"\\.|[{}]", tex):
        depth += {"{": 1, "}": -1}.get(brace, 0)
        if depth < 0:
            return False
    return depth == 0


def _describe(error):
    """Name a latex2mathml exception in words, e.g. MissingSuperScriptOrSubscriptError."""
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", type(error).__name__).lower().removesuffix(" error")
    return f"{words}: {error}" if str(error) else words


def replace_math(text, line, store):
    """Replace the $...$ spans of text (outside code spans) by store(MathML); line is text's."""
    pieces, pos = [], 0
    while (found := MATH_OR_CODE.search(text, pos)) is not None:
        if found.group("ticks"):  # a code span: keep it whole, or its backticks if unclosed
            ticks = found.group("ticks")
            close = re.compile(f"(?<!`){ticks}(?!`)").search(text, found.end())
            end = close.end() if close else found.end()
            pieces.append(text[pos:end])
            pos = end
            continue
        display = found.group("display") is not None
        tex = found.group("display") if display else found.group("inline")
        try:
            mathml = render_latex(tex, display)
        except MarkupError as error:
            error.line = line + text.count("\n", 0, found.start())
            raise
        pieces += [text[pos : found.start()], store(mathml)]
        pos = found.end()
    return "".join(pieces) + text[pos:] if pieces else text


class _MathPass(Treeprocessor):
    """Render the math of every text before inline patterns run (emphasis must not see it)."""

    def __init__(self, md, positions):
        super().__init__(md)
        self.positions = positions

    def run(self, root):
        """Replace math spans in place."""
        for kind, element, line in text_lines(root, self.positions.element_line, 1):
            if kind == "start" or "$" not in (getattr(element, kind) or ""):
                continue
            text = getattr(element, kind)
            if isinstance(text, AtomicString):  # code blocks
                continue
            setattr(element, kind, replace_math(text, line, self.md.htmlStash.store))


class _ProsePass(Treeprocessor):
    """After inline patterns: resolve links and refuse LaTeX left in prose, each at its line;
    refuse a footnote cited but not defined, or defined but not cited."""

    def __init__(self, md, positions, resolve_link, footnotes):
        super().__init__(md)
        self.positions, self.resolve_link, self.footnotes = positions, resolve_link, footnotes

    def run(self, root):
        """Check and rewrite in place."""
        self.check_text(root)
        uncited = self.footnotes.uncited()
        if uncited:
            raise MarkupError(
                f"footnote [^{uncited[0]}] is never cited: cite it with [^{uncited[0]}] in the "
                "text, or remove it",
                uncited[1],
            )

    def check_text(self, root):
        """Resolve every link; refuse LaTeX and footnote references left as text."""
        parents = {child: parent for parent in root.iter() for child in parent}
        verbatim = {e for v in root.iter() if v.tag in VERBATIM for e in v.iter()}
        for kind, element, line in text_lines(root, self.positions.element_line, 1):
            if kind == "start":
                self.links(element, line)
                continue
            holder = element if kind == "text" else parents.get(element)
            if holder in verbatim:
                continue
            text = getattr(element, kind)
            raw = RAW_COMMAND.search(text)
            if raw:
                raise MarkupError(
                    unrendered_latex(raw.group(), text), line + text.count("\n", 0, raw.start())
                )
            cited = UNDEFINED_FOOTNOTE.search(text)
            if cited:
                raise MarkupError(
                    f"footnote [^{cited.group(1)}] has no definition: add a line "
                    f"[^{cited.group(1)}]: … (its text) below the paragraph",
                    line + text.count("\n", 0, cited.start()),
                )
            link = UNDEFINED_REFERENCE.search(text)
            if link:
                name = link.group(2) or link.group(1)
                raise MarkupError(
                    f"link reference [{name}] has no definition: add a line [{name}]: https://… "
                    "below the paragraph, or write the link inline as [text](https://…)",
                    line + text.count("\n", 0, link.start()),
                )

    def links(self, element, line):
        """Send the element's href or src through resolve_link."""
        for attribute in ("href", "src"):
            url = element.get(attribute)
            if url is None or self.resolve_link is None:
                continue
            try:
                element.set(attribute, self.resolve_link(url))
            except MarkupError as error:
                error.line = line
                raise


class _MarkPass(Treeprocessor):
    """Put an HTML comment naming its source line before each block (for the page's checks)."""

    def __init__(self, md, positions, mark):
        super().__init__(md)
        self.positions, self.mark = positions, mark

    def run(self, root):
        """Insert the comments."""
        element_line, last = self.positions.element_line, None
        places = []
        for parent in root.iter():
            if parent.tag == "pre":
                continue
            for child in parent:
                line = element_line.get(child)
                if line is not None and line != last:
                    places.append((parent, child, line))
                    last = line
        for parent, child, line in places:
            comment = ElementTree.Comment(self.mark(line))
            parent.insert(list(parent).index(child), comment)


class _SplitPass(Treeprocessor):
    """Mark where each top-level `## ` heading and the footnotes begin, for render_body."""

    def __init__(self, md, positions, split):
        super().__init__(md)
        self.positions, self.split = positions, split

    def run(self, root):
        """Insert a marker comment before each section's heading and before the footnotes."""
        for child in list(root):
            if child.tag == "h2":
                if child.find(".//a") is not None:
                    raise MarkupError(
                        "a section heading may not hold a link (the heading itself links to its "
                        "section): move the link into the text below it",
                        self.positions.element_line.get(child),
                    )
                kind = f"section {self.positions.element_line.get(child, 0)}"
            elif child.tag == "div" and child.get("class") == "footnote":
                kind = "notes"
            else:
                continue
            root.insert(list(root).index(child), ElementTree.Comment(f"{self.split} {kind}"))


class _StrayFences(Preprocessor):
    """Refuse a fence that no code block took (see extensions.stray_fence)."""

    def __init__(self, md, positions):
        super().__init__(md)
        self.positions = positions

    def run(self, lines):
        """Check the preprocessed lines; change nothing."""
        stray_fence(lines, self.positions)
        return lines


class _Prose(Extension):
    """Register the math pass (before inline patterns), the prose checks and the line marks."""

    def __init__(self, positions, resolve_link, mark, footnotes, split=None):
        super().__init__()
        self.positions, self.resolve_link, self.mark = positions, resolve_link, mark
        self.footnotes, self.split = footnotes, split

    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        """Add the passes to md; `\\$` is an escaped dollar."""
        md.ESCAPED_CHARS.append("$")
        md.preprocessors.register(_StrayFences(md, self.positions), "pg-fences", -1)
        md.treeprocessors.register(_MathPass(md, self.positions), "pg-math", 25)
        md.treeprocessors.register(
            _ProsePass(md, self.positions, self.resolve_link, self.footnotes), "pg-prose", -1
        )
        if self.split is not None:
            md.treeprocessors.register(_SplitPass(md, self.positions, self.split), "pg-split", -1.5)
        if self.mark is not None:
            md.treeprocessors.register(_MarkPass(md, self.positions, self.mark), "pg-mark", -2)


def unrendered_latex(command, text):
    """Say that a LaTeX command stands in prose outside $...$."""
    return (
        f"LaTeX left unrendered: {command} in “{_one_line(text)}” (math belongs between $...$ "
        "in the body or a markdown field)"
    )


def _one_line(text, limit=60):
    """Quote prose in a message on one line, stashed math or HTML shown as …."""
    text = HTML_PLACEHOLDER_RE.sub("…", text)
    return " ".join(text.split())[:limit]
