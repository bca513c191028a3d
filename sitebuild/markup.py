"""Prose to HTML: markdown through Python-Markdown, LaTeX ($...$) through latex2mathml to MathML.

Math is rendered at build time, so the page ships no math JavaScript. The $...$ spans are taken
out of markdown's hands by an inline pattern that runs before escapes and emphasis (code spans
still win: `$x$` in backticks stays code) and stores the MathML in markdown's HTML stash.
"""

import re
import xml.etree.ElementTree as ElementTree

import latex2mathml.commands
import latex2mathml.converter
import markdown
from markdown.extensions import Extension
from markdown.extensions.tables import TableExtension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

# Column alignment as align attributes: the default style="text-align: ..." breaks the CSP.
EXTENSIONS = [TableExtension(use_align_attribute=True), "smarty", "sane_lists"]

# $$display$$ and $inline$; inline math may not start or end with a space (so "$5 and $6" stays
# text), and a literal dollar is written \$.
DISPLAY_MATH = r"\$\$((?:[^$\\]|\\.)+?)\$\$"
INLINE_MATH = r"(?<![\\$])\$(?![\s$])((?:[^$\\]|\\.)+?)(?<!\s)\$(?!\d)"

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
    """Prose that cannot be rendered; `needle` is the source text to find its line by."""

    def __init__(self, message, needle):
        super().__init__(message)
        self.needle = needle


def render_latex(tex, display=False):
    """Render one LaTeX formula to MathML, or raise MarkupError for what latex2mathml can't do."""
    if not _balanced(tex):  # latex2mathml closes a missing } silently
        raise MarkupError(
            f"cannot parse LaTeX {_quote(tex)}: unbalanced braces; close every {{ with a }}", tex
        )
    try:
        mathml = latex2mathml.converter.convert(tex, display="block" if display else "inline")
    except Exception as error:  # latex2mathml raises many types, mostly without a message
        raise MarkupError(
            f"cannot parse LaTeX {_quote(tex)}: {_describe(error)}; fix the formula (or, if "
            "it is not math, write its dollar signs as \\$)",
            tex,
        ) from None
    for name in ENVIRONMENT.findall(tex):
        if name.strip() not in ENVIRONMENTS:
            raise MarkupError(
                f"unsupported LaTeX environment {name.strip()} in {_quote(tex)}: use one of "
                f"{', '.join(sorted(ENVIRONMENTS))}",
                tex,
            )
    try:
        elements = list(ElementTree.fromstring(mathml).iter())
    except ElementTree.ParseError:  # latex2mathml copies a stray & or control character as is
        raise MarkupError(
            f"cannot parse LaTeX {_quote(tex)}: it gives malformed MathML; remove any & outside "
            "a matrix or cases environment and any control character",
            tex,
        ) from None
    for element in elements:
        tag = element.tag.rpartition("}")[2]
        if tag in PARTS and len(element) != PARTS[tag][0]:
            raise MarkupError(
                f"cannot parse LaTeX {_quote(tex)}: {PARTS[tag][1]}; add the missing part", tex
            )
    unknown = RAW_COMMAND.search(mathml)
    if unknown:
        message = (
            f"unknown LaTeX command {unknown.group()} in {_quote(tex)}: fix its spelling or use "
            "a command latex2mathml supports"
        )
        raise MarkupError(message, unknown.group())
    return mathml


def render_markdown(text, inline=False, resolve_link=None):
    """Render markdown with $...$ math to Markup; inline drops the one paragraph's <p>."""
    md = markdown.Markdown(extensions=[*EXTENSIONS, _MathAndLinks(resolve_link)])
    html = md.convert(text)
    if inline:
        if html.count("<p>") != 1 or not (html.startswith("<p>") and html.endswith("</p>")):
            raise MarkupError(
                "expected one line of inline markdown, found blocks: write this field as one "
                "paragraph without lists, headings or blank lines",
                text.strip(),
            )
        html = html[3:-4]
    return Markup(html)


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


class _MathPattern(InlineProcessor):
    """Replace a math span by its MathML, stashed so no later pattern touches it."""

    def __init__(self, pattern, md, display):
        super().__init__(pattern, md)
        self.display = display

    def handleMatch(self, m, data):  # noqa: N802 (Python-Markdown's name)
        """Stash the MathML for this match."""
        return self.md.htmlStash.store(render_latex(m.group(1), self.display)), m.start(0), m.end(0)


class _LinkPass(Treeprocessor):
    """Send every href and src through resolve_link, which checks and rewrites local ones."""

    def __init__(self, md, resolve_link):
        super().__init__(md)
        self.resolve_link = resolve_link

    def run(self, root):
        """Rewrite links in place."""
        for element in root.iter():
            for attribute in ("href", "src"):
                if element.get(attribute) is not None:
                    element.set(attribute, self.resolve_link(element.get(attribute)))


class _MathAndLinks(Extension):
    """Register the math patterns (before escapes, after code spans) and the link pass."""

    def __init__(self, resolve_link):
        super().__init__()
        self.resolve_link = resolve_link

    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        """Add the patterns and the link pass to md."""
        md.ESCAPED_CHARS.append("$")
        md.inlinePatterns.register(_MathPattern(DISPLAY_MATH, md, True), "display-math", 186)
        md.inlinePatterns.register(_MathPattern(INLINE_MATH, md, False), "inline-math", 185)
        if self.resolve_link is not None:
            md.treeprocessors.register(_LinkPass(md, self.resolve_link), "links", 1)
