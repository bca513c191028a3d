"""One article's prose, rendered: markdown and LaTeX to HTML, every error a BuildError at its line.

Each fragment is wrapped in source marks (marks.py), so the page's checks report a mistake at its
own line. Links are checked and rewritten for the page they end up on: another article's file
(other.md) becomes that article's page, any other file of content/ is copied to media/ under a
content-hashed name.
"""

import hashlib
import re
from urllib.parse import unquote, urlsplit

from markupsafe import Markup

from . import BuildError
from .checks import check_fragment
from .figures import put_figures
from .frontmatter import FrontMatterError
from .marks import SourceMarks
from .markup import (
    RAW_COMMAND,
    MarkupError,
    render_body,
    render_latex,
    render_markdown,
    unrendered_latex,
)
from .series import relative_url


class Prose:
    """Renders one article's markdown and LaTeX for its page at page_path."""

    def __init__(self, article, page_path, files, pages, marks=None):
        """Render article for page_path; pages maps each article's file (resolved) to its page's
        path, for links between them; marks are the page's (several articles may share one)."""
        self.article, self.page_path, self.files, self.pages = article, page_path, files, pages
        self.marks = marks or SourceMarks()

    def markdown(self, text, line, inline=False):
        """Render markdown written at line of the article."""
        path = self.article.path
        try:
            html = render_markdown(
                text, inline, self.resolve_link, line, lambda at: self.marks.at(path, at)
            )
        except MarkupError as error:
            raise BuildError(str(error), path, error.line or line) from None
        return self.fragment(html, line)

    def fragment(self, html, line):
        """Check a rendered fragment on its own and wrap it in source marks."""
        path = self.article.path
        check_fragment(html, self.marks, path, line)
        return Markup(f"{self.marks.open(path, line)}{html}{self.marks.close()}")

    def body(self):
        """Render the body: [(heading HTML, section HTML)] per section, and the footnotes."""
        article = self.article
        try:
            sections, footnotes = render_body(
                article.body,
                article.body_line,
                self.resolve_link,
                lambda at: self.marks.at(article.path, at),
            )
        except MarkupError as error:
            raise BuildError(str(error), article.path, error.line or article.body_line) from None
        made = [line for line, _, _ in sections]
        for index, section in enumerate(article.sections):
            if made[index : index + 1] != [section.line]:  # markdown read the line otherwise
                raise BuildError(
                    "this `## ` line is not a section heading to markdown (inside a list, a quote "
                    "or an HTML block?): put it on a line of its own, after a blank line",
                    article.path,
                    section.line,
                )
        if len(made) > len(article.sections):
            raise BuildError(
                "this heading starts a section the build did not see: write section headings "
                "as `## Heading` lines",
                article.path,
                made[len(article.sections)],
            )
        rendered = [
            (self.fragment(heading, s.line), self.fragment(html, s.line))
            for (_, heading, html), s in zip(sections, article.sections, strict=True)
        ]
        last = article.sections[-1].line
        return rendered, self.fragment(footnotes, last) if footnotes else ""

    def put_figures(self, section_html, figures, blocks):
        """Put the section's figures (their HTML by token) where their blocks stood."""
        return put_figures(section_html, figures, self.article.path, blocks, self.marks.trusted)

    def field(self, *key_path, inline=False):
        """Render the markdown of a front-matter field."""
        text = _dig(self.article.front, key_path)
        return self.markdown(text, self.article.locate(*key_path), inline)

    def text(self, *key_path):
        """Return a plain-text front-matter field (the templates escape it), refusing LaTeX."""
        value = _dig(self.article.front, key_path)
        raw = RAW_COMMAND.search(value) if isinstance(value, str) else None
        if raw:
            raise FrontMatterError(
                unrendered_latex(raw.group(), value),
                self.article.path,
                self.article.locate(*key_path),
                key_path,
            )
        return value

    def url(self, *key_path):
        """Return a front-matter URL that links out of the site: http(s), nothing hidden in it."""
        url = _dig(self.article.front, key_path)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or re.search(r"[\\\s]", url):
            raise FrontMatterError(
                f"url {url!r} is not a web address: write it as https://host/path, without "
                "spaces or backslashes",
                self.article.path,
                self.article.locate(*key_path),
                key_path,
            )
        return url

    def latex(self, *key_path, display=False):
        """Render the LaTeX of a front-matter field to MathML."""
        tex, line = _dig(self.article.front, key_path), self.article.locate(*key_path)
        try:
            return Markup(render_latex(tex, display))
        except MarkupError as error:
            raise BuildError(str(error), self.article.path, line) from None

    def resolve_link(self, url):
        """Check a link from the article and return its URL from the page."""
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "mailto"):
            return url
        if parts.scheme or parts.netloc or url.startswith(("/", "\\")):
            raise MarkupError(
                f"link {url!r} must be relative to the article (or http/https): write it as a "
                "path from content/, e.g. figures/grid.svg or another-article.md"
            )
        if not parts.path:
            return url  # #id: checked against the finished page (checks.py)
        folder = self.article.path.parent
        target = (folder / unquote(parts.path)).resolve()
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        if target in self.pages:
            return relative_url(self.pages[target], self.page_path) + fragment
        if not target.is_file() or not target.is_relative_to(folder.resolve()):
            raise MarkupError(
                f"linked file {parts.path!r} does not exist in content/: add the file there or "
                "fix the link"
            )
        hashed = hashed_name(f"media/{target.name}", target.read_bytes())
        self.files[hashed] = target
        return relative_url(hashed, self.page_path) + fragment


def hashed_name(path, data):
    """Insert 8 hex digits of sha256(data) before the suffix: style.css -> style.1a2b3c4d.css."""
    stem, dot, suffix = path.rpartition(".")
    if "/" in suffix or not stem:
        stem, dot, suffix = path, "", ""
    return f"{stem}.{hashlib.sha256(data).hexdigest()[:8]}{dot}{suffix}"


def _dig(data, key_path):
    """Return data[k1][k2]... for a key path."""
    for key in key_path:
        data = data[key]
    return data
