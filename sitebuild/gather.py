"""Stage one: read every input and check it, so nothing half-valid reaches the render stage.

Inputs are the series (content/site.toml and every content/*.md article, with the figures each
places, their settings checked by pgcore itself), the templates and assets (site_templates/),
the pinned runtime and the pgcore wheel.
"""

import functools
import hashlib
import importlib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from . import BuildError, runtime
from .checks import scan_template
from .editor import build_editor
from .figures import check_targets, extract_figures
from .frontmatter import FrontMatterError, parse_front_matter, split_front_matter
from .ids import section_ids
from .markup import MarkupError, heading_text
from .series import (
    check_language,
    check_slug,
    choose_home,
    in_volume_order,
    read_site,
    volume_number,
)
from .textfile import read_source

CONTENT = Path("content")
TEMPLATES = Path("site_templates")
PAGE_TEMPLATE = "page.html"
CONTENTS_TEMPLATE = "contents.html"
LOADER = "loader.js"

SECTION_HEADING = re.compile(r"^##\s+(.+?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass
class Section:
    """One `## Heading` of the body and the markdown up to the next one."""

    id: str
    title: str
    text: str
    line: int
    figures: list = field(default_factory=list)  # its ```figure blocks (FigureBlock)


@dataclass
class Article:
    """One content/*.md: its front matter, its body split into sections, its figures."""

    path: Path
    slug: str
    front: dict
    locate: object  # locate(*key_path) -> line of that front-matter key
    body: str  # the markdown body, each figure block replaced by its token line
    body_line: int
    sections: list
    figures: list  # FigureBlock of every ```figure block, in article order
    number: int | None  # the volume's number, for ordering
    digest: str  # sha256 of the article's text


@dataclass
class Sources:
    """Everything the render stage needs, read and checked."""

    root: Path
    site: object  # series.Site
    articles: list  # Article, in volume order
    home: str  # the slug of the article that is index.html
    templates: jinja2.Environment
    assets: dict  # name under site_templates/assets/ -> file
    pgcore: dict  # pgcore's modules the build uses: figures, scene
    roles: tuple
    runtime: runtime.Runtime
    wheel: Path
    cache: Path  # the build's cache folder (runtime, packs, wheels, sharing cards)
    notes: list = field(default_factory=list)  # one-line notices for the author
    editor: Path | None = None  # the code editor's bundle, when a page places a code figure


def gather(root, cache, content=None):
    """Read and check every input of the site under root (its content from content/ there)."""
    content = root / CONTENT if content is None else content
    site = read_site(content)
    templates = read_templates(root / TEMPLATES)
    pgcore, roles = import_pgcore(root)
    page_ids = template_ids(root / TEMPLATES)
    articles = [
        read_article(path, pgcore["figures"], page_ids) for path in sorted(content.glob("*.md"))
    ]
    if not articles:
        raise BuildError(
            "content/ has no articles: add a file like content/first-article.md (front matter "
            "with a title between +++ lines, then ## sections)",
            content,
        )
    articles = in_volume_order(articles)
    assets = read_assets(root / TEMPLATES / "assets")
    try:
        pinned = runtime.ensure_runtime(root / "pyproject.toml", cache)
        wheel = runtime.build_wheel(root, cache)
        with_code = any(block.kind == "code" for a in articles for block in a.figures)
        editor = build_editor(root, cache) if with_code else None
    except OSError as error:
        raise BuildError(
            f"cannot use the cache folder: {error.strerror or error} ({error.filename}); "
            "set PGSITE_CACHE to a folder you can write, or delete this one",
            cache,
        ) from None
    return Sources(
        root,
        site,
        articles,
        choose_home(site, articles),
        templates,
        assets,
        pgcore,
        roles,
        pinned,
        wheel,
        cache,
        notes=notes_for(site, articles),
        editor=editor,
    )


def read_article(path, figures_module, page_ids):
    """Read and check one article: front matter, figures, sections."""
    slug = check_slug(path)
    text = read_source(path, "article")
    front_text, body, body_line = split_front_matter(text, path)
    front, locate = parse_front_matter(front_text, path)
    number = None
    if "volume" in front:
        number = volume_number(front["volume"])
        if number is None:
            raise FrontMatterError(
                f"volume {front['volume']!r}: write a whole number (28) or a Roman numeral "
                "(XXVIII)",
                path,
                locate("volume"),
                ("volume",),
            )
    if "language" in front:
        check_language(front["language"], path, locate("language"))
    # The figures first: their blocks become token lines, and their ids join the page's own,
    # which no section may take.
    body, figures = extract_figures(body, body_line, path, figures_module, 1)
    check_targets(figures, path)
    reserved = page_ids | {block.id for block in figures}
    sections = parse_sections(body, body_line, path, reserved=reserved)
    ends = [s.line for s in sections[1:]] + [float("inf")]
    for section, end in zip(sections, ends, strict=True):
        section.figures = [block for block in figures if section.line < block.line < end]
    digest = hashlib.sha256(text.encode()).hexdigest()
    return Article(path, slug, front, locate, body, body_line, sections, figures, number, digest)


def notes_for(site, articles):
    """Say, one line each, what the build leaves out and why."""
    if not site.base_url:
        return [
            f"{site.path.parent.name}/{site.path.name} has no base_url, so the site has no "
            'feed, sitemap, canonical URLs or sharing cards: add base_url = "https://…/" '
            "to make them"
        ]
    return [
        f"{article.path.parent.name}/{article.path.name} has no date, so the feed leaves it "
        "out: add a line date = YYYY-MM-DD to its front matter"
        for article in articles
        if "date" not in article.front
    ]


def parse_sections(body, first_line, path, reserved=()):
    """Split the markdown body at its `## ` headings into sections with ids unique on the page.

    reserved: the ids the page already uses (the templates', the figures'), which no section
    may take.
    """
    sections, in_code = [], False
    for number, line in enumerate(body.splitlines(keepends=True), start=first_line):
        if FENCE.match(line):
            in_code = not in_code
        heading = None if in_code else SECTION_HEADING.match(line)
        if heading:
            sections.append(Section("", heading.group(1), "", number))
        elif sections:
            sections[-1].text += line
        elif line.strip():
            raise BuildError(
                "text before the first `## ` heading: every part of the body belongs to a "
                "section; add a `## Heading` line above it",
                path,
                number,
            )
    if not sections:
        raise BuildError(
            "the body has no `## ` section headings: start each section with a `## Heading` line",
            path,
            first_line,
        )
    titles = []
    for section in sections:
        try:
            titles.append(heading_text(section.title))
        except MarkupError as error:
            raise BuildError(str(error), path, section.line) from None
    for section, section_id in zip(sections, section_ids(titles, reserved), strict=True):
        section.id = section_id
    return sections


def import_pgcore(root):
    """Import pgcore's figures and scene modules from the package under root."""
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    try:
        modules = {name: importlib.import_module(f"pgcore.{name}") for name in ("figures", "scene")}
    except SyntaxError as error:
        raise BuildError(
            f"pgcore does not import: {error.msg}; fix the syntax on this line",
            error.filename,
            error.lineno,
        ) from None
    where = Path(modules["figures"].__file__).resolve()
    if not where.is_relative_to(root.resolve()):
        raise BuildError(
            f"pgcore was imported from {where}, not from {root}: run this project's build.py "
            "in a fresh Python (without another pgcore on PYTHONPATH)"
        )
    return modules, tuple(modules["scene"].ROLES)


def read_templates(folder):
    """Load the Jinja templates (autoescaped, strict) and compile each to find syntax errors."""
    if not (folder / PAGE_TEMPLATE).is_file():
        raise BuildError(
            "the page template is missing: restore it (git checkout site_templates)",
            folder / PAGE_TEMPLATE,
        )
    env = template_environment(folder)
    for name in env.list_templates(extensions=["html"]):
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as error:
            raise BuildError(
                f"template syntax error: {error.message.rstrip('.')}; fix the template on "
                "this line",
                error.filename or folder / name,
                error.lineno,
            ) from None
    return env


def template_ids(folder):
    """Return the ids the templates write literally; refuse inline code or styles in them."""
    ids = set()
    for path in sorted(folder.rglob("*.html")):
        ids |= scan_template(path, read_source(path, "template"))
    return ids


@functools.cache
def template_environment(folder):
    """Return the Jinja environment for folder; kept across rebuilds, it recompiles on mtime."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def read_assets(folder):
    """List the static assets by their name relative to folder; the loader must be one."""
    assets = {
        path.relative_to(folder).as_posix(): path
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not any(part.startswith(".") for part in path.parts)
    }
    if LOADER not in assets:
        raise BuildError(
            "the page's loader script is missing: restore it (git checkout site_templates)",
            folder / LOADER,
        )
    return assets
