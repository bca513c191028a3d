"""Checks on the rendered page: no LaTeX left as text, every URL relative and resolving, and
nothing inline that the page's Content-Security-Policy would refuse to run.

These catch what slips past the per-field rendering: a $ that markdown never saw as math, a
template that links a file the site lacks, a root-absolute URL that breaks under a project page.
Errors point at the source line that holds the offending text, found by searching the sources.
"""

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import BuildError
from .markup import RAW_COMMAND

URL_ATTRIBUTES = {"href", "src", "action", "poster", "data", "srcset"}
TEXT_ATTRIBUTES = {"content", "alt", "title", "aria-label", "placeholder"}
DATA_URLS = ("-url", "-src", "-href", "-js")  # e.g. the loader's data-lock-url
VERBATIM = {"code", "pre", "script", "style", "math", "kbd", "samp"}


class _PageParser(HTMLParser):
    """Collect ids, URLs, the prose text (outside code and math) and inline code of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.urls, self.texts, self.open_verbatim = set(), [], [], []
        self.inline = []  # (what, start tag as written): code or style the CSP would refuse

    def handle_starttag(self, tag, attrs):
        """Note the tag's id, URLs and inline code; track verbatim elements."""
        if tag == "script" and not dict(attrs).get("src") or tag == "style":
            self.inline.append((f"an inline <{tag}> element", self.get_starttag_text()))
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                what = "a style attribute" if name == "style" else f"an {name} attribute"
                self.inline.append((what, self.get_starttag_text()))
            if value is None:
                continue
            if name == "id":
                self.ids.add(value)
            elif name in URL_ATTRIBUTES or (name.startswith("data-") and name.endswith(DATA_URLS)):
                self.urls.append((tag, name, value))
            elif name in TEXT_ATTRIBUTES:
                self.texts.append(value)
        if tag in VERBATIM:
            self.open_verbatim.append(tag)

    def handle_endtag(self, tag):
        """Leave a verbatim element."""
        if tag in self.open_verbatim:
            while self.open_verbatim and self.open_verbatim.pop() != tag:
                pass

    def handle_data(self, data):
        """Keep prose text."""
        if not self.open_verbatim:
            self.texts.append(data)


def check_page(html, files, sources):
    """Raise BuildError for raw LaTeX, broken or absolute URLs and dangling #links in html."""
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    if parser.inline:
        what, tag = parser.inline[0]
        raise BuildError(
            f"{what} ({_one_line(tag)}): the page's Content-Security-Policy runs no inline code or "
            "styles; move it into a file in site_templates/assets/ (a class in style.css)",
            *find_source(tag.split()[0].rstrip(">"), sources, containing=tag),
        )
    for text in parser.texts:
        raw = RAW_COMMAND.search(text)
        if raw:
            raise BuildError(
                f"LaTeX left unrendered in the page: {raw.group()} in “{_one_line(text)}” "
                "(math belongs between $...$ in the body or a markdown field)",
                *find_source(raw.group(), sources),
            )
    for tag, attribute, url in parser.urls:
        for candidate in _split_srcset(url) if attribute == "srcset" else [url]:
            _check_url(tag, attribute, candidate, files, parser.ids, sources)


def _check_url(tag, attribute, url, files, ids, sources):
    """Check that one URL is relative and names a file (or an id) of the site."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https"):
        if tag == "a" and attribute == "href":
            return  # a link out of the site, e.g. to a reference
        raise BuildError(
            f"<{tag} {attribute}={url!r}>: the site loads nothing from elsewhere; put the file "
            "in site_templates/assets/ and link it with asset()",
            *find_source(url, sources),
        )
    if parts.scheme in ("mailto", "data"):
        return
    if parts.scheme or parts.netloc or url.startswith("/"):
        raise BuildError(
            f"<{tag} {attribute}={url!r}>: URLs must be relative to the page; drop the "
            "leading / (or the scheme) so it works from any folder",
            *find_source(url, sources),
        )
    path = unquote(parts.path)
    if not path:
        if parts.fragment and parts.fragment not in ids:
            raise BuildError(
                f"<{tag} {attribute}={url!r}>: no element has that id; link to a section, "
                f"e.g. #{sources.sections[0].id}",
                *find_source(url, sources),
            )
        return
    exists = path in files or (path.endswith("/") and any(name.startswith(path) for name in files))
    if not exists:
        raise BuildError(
            f"<{tag} {attribute}={url!r}>: the site has no such file; add it or fix the URL",
            *find_source(url, sources),
        )


def find_source(needle, sources, containing=None):
    """Return (file, line) of the first source line holding needle: the article, then templates.

    With containing, prefer a line holding all of it (a start tag as written) to one holding
    just the needle.
    """
    folder = Path(sources.templates.loader.searchpath[0])
    candidates = [sources.article, *sorted(folder.glob("*.html"))]
    for wanted in filter(None, (containing, needle)):
        for file in candidates:
            for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
                if wanted in line:
                    return file, number
    return folder / "page.html", None


def _one_line(text, limit=60):
    """Quote source text in a message: whitespace runs collapsed, so the message stays one line."""
    return " ".join(text.split())[:limit]


def _split_srcset(srcset):
    """Return the URLs of a srcset attribute."""
    return [candidate.strip().split(" ")[0] for candidate in srcset.split(",") if candidate.strip()]
