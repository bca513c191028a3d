"""Checks on the finished page, parsed as a browser parses it (html5lib, the HTML5 algorithm).

Content (between source marks, see marks.py) must keep to sanitize.py's allow-list and stay in
the place it was put; the templates must keep to the Content-Security-Policy. Everywhere: no
LaTeX left as text, every URL relative and resolving (links out only from <a>), every #link
naming an element, and every id used once. A mistake in content is reported at its source line
(its mark's line plus the newlines before it); one in the templates at the template, and most of
those are found earlier, with their lines, by scan_template.
"""

import posixpath
import re
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import html5lib

from . import BuildError
from .markup import RAW_COMMAND, unrendered_latex
from .sanitize import content_problem, csp_problem, local_name

URL_ATTRIBUTES = {"href", "src", "action", "poster", "data", "srcset", "formaction"}
DATA_URLS = ("-url", "-src", "-href", "-js")  # e.g. the loader's data-lock-url
VERBATIM = {"code", "pre", "script", "style", "math", "kbd", "samp"}
STRAY_END_TAG = (
    "an end tag here closes an element that the content did not open: remove it (content "
    "must stay inside the place the page gives it)"
)
UNBALANCED = (
    "unbalanced HTML here: an element is left open across the end of its paragraph, or an end "
    "tag closes what the content did not open; close every element you open, in the same block"
)
SWALLOWED = (
    "this HTML swallows what follows it (an unclosed <!-- comment or quote, or an element "
    "whose content is raw text, like <textarea> or <title>): close it or remove it"
)


class _Region:
    """Where the walk is: the templates (file, no line) or content (file, line, newlines)."""

    def __init__(self, content, file, line=None):
        self.content, self.file, self.line, self.newlines = content, file, line, 0
        self.last = self.position()  # where the last element or word was

    def advance(self, text):
        """Move past text, noting the line of its first word."""
        if text.strip() and self.line:
            lead = text[: len(text) - len(text.lstrip())]
            self.last = (self.file, self.line + self.newlines + lead.count("\n"))
        self.newlines += text.count("\n")

    def position(self):
        """Return (file, line) of the text the walk is at."""
        return self.file, (self.line + self.newlines if self.line else None)


def check_page(html, files, marks, page="index.html", template="page.html", example_id=None):
    """Raise BuildError for anything in the page that breaks the rules above.

    page is the page's own path in the site (its URLs are relative to it), template the file
    its HTML came from, example_id an id a message may suggest linking to.
    """
    tree = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    template = _Region(False, Path(template))
    region, opened, parent_of, position_of = template, [], {}, {}
    ids, fragment_links = {}, []
    verbatim = {e for v in tree.iter() if _is(v, VERBATIM) for e in v.iter()}
    for kind, node, parent in _walk(tree):
        parent_of[node] = parent
        if kind == "comment":
            mark = marks.read(node.text or "")
            if mark is None:
                if marks.token in (node.text or ""):
                    raise BuildError(SWALLOWED, *region.position())
                continue
            what, where = mark
            if what in ("open", "trusted"):
                opened.append((node, parent, region))
                region = (
                    _Region(True, *where)
                    if what == "open"
                    else _Region(False, region.file, region.line)
                )
                continue
            if opened and not _inside(node, opened[-1][1], parent_of):
                raise BuildError(STRAY_END_TAG, *region.last)  # in the block before
            if what == "at" and region.content:
                region.line, region.newlines = where[1], 0
            elif what in ("close", "untrusted"):
                start, start_parent, before = opened.pop()
                if parent is not start_parent:
                    raise BuildError(*_never_closed(node, start_parent, parent_of, position_of))
                region = before
            continue
        if kind == "text":
            if marks.token in node:
                raise BuildError(SWALLOWED, *region.position())
            raw = None if parent in verbatim else RAW_COMMAND.search(node)
            if raw:
                region.newlines += node.count("\n", 0, raw.start())
                raise BuildError(unrendered_latex(raw.group(), node), *region.position())
            region.advance(node)
            continue
        position_of[node] = region.last = region.position()
        attributes = dict(node.attrib)
        if any(marks.token in value for value in attributes.values()):
            raise BuildError(SWALLOWED, *region.position())
        problem = (content_problem if region.content else csp_problem)(node.tag, attributes)
        if problem:
            raise BuildError(problem, *region.position())
        if "id" in attributes:
            _claim_id(ids, attributes["id"], region)
        for attribute, url in attributes.items():
            if _is_url(attribute):
                for candidate in _split_srcset(url) if attribute == "srcset" else [url]:
                    fragment = _check_url(
                        node.tag, attributes, attribute, candidate, files, page, region.position()
                    )
                    if fragment:
                        fragment_links.append((node.tag, attribute, candidate, region.position()))
    if opened:  # a fragment's close mark never came: something swallowed it
        raise BuildError(SWALLOWED, *region.last)
    for tag, attribute, url, position in fragment_links:
        if unquote(urlsplit(url).fragment) not in ids:
            example = f", e.g. #{example_id}" if example_id else ""
            raise BuildError(
                f"<{local_name(tag)} {attribute}={url!r}>: no element has that id; link to a "
                f"section{example}",
                *position,
            )


def check_fragment(html, marks, file, first_line):
    """Raise BuildError where a rendered fragment closes what it did not open.

    Parsed alone, as html5lib parses a fragment, content that closes an element it did not
    open, or closes its own out of order (an inline <b> left open across a paragraph's end),
    is a parse error; in the page, the same end tag would close the page's element, or the open
    element would run on into the page. The error's place in the HTML is mapped to the source
    through the marks before it.
    """
    parser = html5lib.HTMLParser(namespaceHTMLElements=False)
    parser.parseFragment(html, container="div")
    for (line, column), code, _ in parser.errors:
        if "end-tag" not in code:
            continue  # e.g. a bare & or an unknown entity: harmless, as browsers show them
        lines = html.split("\n")
        offset = sum(len(text) + 1 for text in lines[: line - 1]) + column
        source_line, mark_end = first_line, 0
        for mark in re.finditer(f"<!--({re.escape(marks.token)} at [0-9]+)-->", html[:offset]):
            source_line, mark_end = marks.read(mark.group(1))[1][1], mark.end()
        raise BuildError(UNBALANCED, file, source_line + html.count("\n", mark_end, offset))


def _walk(root):
    """Yield ('element' | 'comment', node, parent) and ('text', text, holder) in document order."""
    stack = [(root, None, False)]
    while stack:
        node, parent, closing = stack.pop()
        if closing:
            if node.tail:
                yield "text", node.tail, parent
            continue
        if node.tag is ElementTree.Comment:
            yield "comment", node, parent
        else:
            yield "element", node, parent
            if node.text:
                yield "text", node.text, node
        stack.append((node, parent, True))
        if node.tag is not ElementTree.Comment:
            stack.extend((child, node, False) for child in reversed(node))


def _inside(node, ancestor, parent_of):
    """Tell whether node lies inside ancestor."""
    while node is not None:
        node = parent_of.get(node)
        if node is ancestor:
            return True
    return False


def _never_closed(close, start_parent, parent_of, position_of):
    """Return (message, file, line) for the element a fragment opened and never closed."""
    element = parent_of.get(close)
    while parent_of.get(element) is not start_parent:
        element = parent_of.get(element)
    tag = local_name(element.tag)
    return (
        f"<{tag}> is never closed: add </{tag}> in the same paragraph or block",
        *position_of[element],
    )


def _claim_id(ids, value, region):
    """Record an id, or raise BuildError if the page has it: at the content's side, if either is."""
    here = (region.content, region.position())
    if value in ids:
        (first_content, first), (_, second) = ids[value], here
        blame, other = (first, second) if first_content and not region.content else (second, first)
        name = f"{Path(other[0]).name}:{other[1]}" if other[1] else Path(other[0]).name
        raise BuildError(
            f"the id {value!r} is used twice on the page (also in {name}): ids must be unique; "
            "rename one",
            *blame,
        )
    ids[value] = here


def _check_url(tag, attributes, attribute, url, files, page, position):
    """Check that one URL is relative and names a file of the site; return True for #links.

    page is the path of the page in the site, which relative URLs start from.
    """
    parts = urlsplit(url)
    tag = local_name(tag)
    if parts.scheme in ("http", "https", "mailto"):
        if tag == "a" and attribute == "href":
            return False  # a link out of the site, e.g. to a reference
        if tag == "link" and attributes.get("rel") == "canonical":
            return False  # the page's own published address: named, never loaded
        raise BuildError(
            f"<{tag} {attribute}={url!r}>: the site loads nothing from elsewhere; put the file "
            "in site_templates/assets/ and link it with asset()",
            *position,
        )
    if parts.scheme or parts.netloc or url.startswith(("/", "\\")):
        raise BuildError(
            f"<{tag} {attribute}={url!r}>: URLs must be relative to the page; drop the "
            "leading / (or the scheme) so it works from any folder",
            *position,
        )
    if not parts.path:
        return bool(parts.fragment)
    path = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
    path += "/" if parts.path.endswith("/") else ""
    exists = path in files or (path.endswith("/") and any(name.startswith(path) for name in files))
    if not exists:
        raise BuildError(
            f"<{tag} {attribute}={url!r}>: the site has no such file; add it or fix the URL",
            *position,
        )
    return False


def _is(element, names):
    """Tell whether element (HTML or foreign) has one of the local names."""
    return isinstance(element.tag, str) and local_name(element.tag) in names


def _is_url(attribute):
    """Tell whether an attribute holds a URL."""
    return attribute in URL_ATTRIBUTES or (
        attribute.startswith("data-") and attribute.endswith(DATA_URLS)
    )


def _split_srcset(srcset):
    """Return the URLs of a srcset attribute."""
    return [candidate.strip().split(" ")[0] for candidate in srcset.split(",") if candidate.strip()]


class _TemplateScanner(HTMLParser):
    """Collect a template's literal ids and what the CSP would refuse, each with its line."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.problems = set(), []

    def handle_starttag(self, tag, attrs):
        """Note the tag's literal id and any inline code, style or foreign URL."""
        attributes = {name: value or "" for name, value in attrs}
        line = self.getpos()[0]
        problem = csp_problem(tag, attributes)
        if problem:
            self.problems.append((line, problem))
        for name, value in attributes.items():
            if name == "id" and "{" not in value:
                self.ids.add(value)
            if _is_url(name) and value.startswith(("http:", "https:", "//")):
                if not (tag == "a" and name == "href"):
                    self.problems.append(
                        (
                            line,
                            f"<{tag} {name}={value!r}>: the site loads nothing from elsewhere; "
                            "put the file in site_templates/assets/ and link it with asset()",
                        )
                    )


def scan_template(path, text):
    """Return a template's literal ids; raise BuildError at the line of a CSP mistake in it."""
    scanner = _TemplateScanner()
    scanner.feed(_without_jinja_comments(text))
    scanner.close()
    if scanner.problems:
        line, problem = scanner.problems[0]
        raise BuildError(problem, path, line)
    return scanner.ids


def _without_jinja_comments(text):
    """Blank out {# ... #} comments, keeping their newlines so lines stay where they were."""
    pieces, pos = [], 0
    while (start := text.find("{#", pos)) != -1:
        end = text.find("#}", start)
        end = len(text) if end == -1 else end + 2
        pieces += [text[pos:start], "\n" * text.count("\n", start, end)]
        pos = end
    return "".join(pieces) + text[pos:]
