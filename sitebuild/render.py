"""Stage two: turn the gathered sources into the site's files, in memory.

The result maps each output path (relative to dist/) to bytes, or to a file to copy (a Verified
one, from the cache, with the sha256 it must still have): each article's page, the contents page,
and with a base URL the feed, the sitemap and the sharing cards (pages.py says what each template
gets; feeds.py makes the rest). Static assets get content-hashed names; every URL a page uses is
relative to that page.
"""

import contextlib
import functools
import hashlib
import json
import re
import secrets
import traceback
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from . import BuildError, packs, runtime
from .checks import check_page
from .feeds import FEED, SITEMAP_FILE, atom_feed, sharing_card, sitemap
from .figures import first_scene
from .gather import CONTENTS_TEMPLATE, LOADER, PAGE_TEMPLATE
from .marks import SourceMarks
from .pages import (
    article_context,
    contents_context,
    nav_context,
    page_path,
    plain,
    site_context,
)
from .palette import palette_from_css
from .prose import Prose, hashed_name
from .series import CONTENTS, relative_url
from .svg import render_svg


class SvgStash:
    """Stand-ins for a page's inline SVGs while the page is checked.

    The SVGs are svg.py's, drawn from scenes with a fixed set of elements and escaped values, so
    parsing them again (most of a page's bytes) checks nothing; an empty <svg> with a token stands
    in for each until the page has passed its checks.
    """

    def __init__(self):
        self.token, self.svgs = f"pgsvg-{secrets.token_hex(6)}", {}

    def render(self, scene, roles, **options):
        """Draw a scene as SVG (svg.render_svg) and return its stand-in."""
        stand_in = f'<svg data-{self.token}="{len(self.svgs)}"></svg>'
        self.svgs[stand_in] = render_svg(scene, roles, **options)
        return Markup(stand_in)

    def restore(self, html):
        """Put each SVG in place of its stand-in."""
        for stand_in, svg in self.svgs.items():
            html = html.replace(stand_in, svg, 1)
        return html


LOADER_MARK = "/* build.py: runtime */ null"
LOADER_URL = "assets/loader.js"
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
STYLESHEET = "style.css"


def render(sources, live_reload=False, memo=None):
    """Render the whole site to {output path: bytes or source file}.

    live_reload renders pages for the dev server, whose policy lets them reach it. memo, a dict
    kept across builds (build.py --serve keeps one), remembers each page by a digest of all its
    inputs, so a rebuild renders only the pages an edit changed.
    """
    files = {".nojekyll": b""}
    runtime_config = add_runtime(sources.runtime, sources.wheel, files)
    asset_urls = add_assets(sources.assets, files, runtime_config)
    if sources.editor is not None:  # loaded by a page only when its code figure needs it
        editor = sources.editor.read_bytes()
        asset_urls["editor.js"] = hashed_name("assets/editor.js", editor)
        files[asset_urls["editor.js"]] = editor
    site = sources.site
    pages = {article.path.resolve(): page_path(article, sources) for article in sources.articles}
    feed = bool(site.base_url) and any("date" in a.front for a in sources.articles)
    palette = card_palette(sources) if site.base_url else None
    if site.base_url:  # first: the pages link to them
        files[SITEMAP_FILE] = sitemap(site_urls(sources, pages))
    if feed:
        files[FEED] = atom_feed(site, feed_entries(sources, pages))
    planned = {*pages.values(), CONTENTS}  # pages a page may link to before they are made
    render_page = functools.partial(page_renderer, sources, files, planned, asset_urls, live_reload)
    remember = Memo(memo, files, inputs_digest(sources, asset_urls, feed, live_reload))
    for index, article in enumerate(sources.articles):
        path = pages[article.path.resolve()]
        nav = nav_context(sources, path, index, feed)
        with remember(article.digest, nav) as missing:
            if missing:
                prose, svgs = Prose(article, path, files, pages), SvgStash()
                inputs = card_inputs(sources, article)
                card = add_card(files, article.slug, *inputs, palette, sources.cache)
                asset = asset_function(asset_urls, "../" * path.count("/"))
                try:  # the figures' templates render here
                    page = article_context(sources, article, prose, path, card, svgs.render, asset)
                except jinja2.TemplateError as error:
                    raise template_error(error, sources.templates) from None
                render_page(PAGE_TEMPLATE, page, prose.marks, svgs, nav)
    # The contents page: each article's lede rendered again, its links resolved from here.
    nav = nav_context(sources, CONTENTS, None, feed)
    with remember(*(article.digest for article in sources.articles), nav) as missing:
        if missing:
            marks, svgs = SourceMarks(), SvgStash()
            proses = [Prose(article, CONTENTS, files, pages, marks) for article in sources.articles]
            card = add_card(files, "contents", None, site.series, site.name, palette, sources.cache)
            page, volumes = contents_context(sources, proses, card, svgs.render)
            render_page(CONTENTS_TEMPLATE, page, marks, svgs, nav, volumes)
    remember.forget_unused()
    return files


class Memo:
    """Pages remembered across builds by a digest of their inputs (with the files they add)."""

    def __init__(self, memo, files, common):
        self.memo, self.files, self.common, self.used = memo, files, common, {}

    @contextlib.contextmanager
    def __call__(self, *inputs):
        """Yield True if the page must be rendered; else put its remembered files in place."""
        key = hashlib.sha256(
            self.common + json.dumps(inputs, sort_keys=True, default=str).encode()
        ).hexdigest()
        if self.memo is not None and key in self.memo:
            self.files.update(self.memo[key])
            self.used[key] = self.memo[key]
            yield False
            return
        before = set(self.files)
        yield True
        self.used[key] = {name: self.files[name] for name in self.files.keys() - before}

    def forget_unused(self):
        """Keep only the pages of this build."""
        if self.memo is not None:
            self.memo.clear()
            self.memo.update(self.used)


def inputs_digest(sources, *parts):
    """Digest what every page depends on besides its own article: the series' configuration,
    templates, pgcore (the wheel's name carries its sources' hash), the files content/ links."""
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode())
    digest.update(str(sources.wheel).encode() + b"\0")
    folder = Path(sources.templates.loader.searchpath[0])
    for path in sorted(folder.rglob("*.html")):
        digest.update(path.read_bytes() + b"\0")
    content = sources.site.path.parent
    for path in sorted(content.rglob("*")):
        article = path.parent == content and path.suffix == ".md"  # each page's own input
        if path.is_file() and not article:  # site.toml, and any file an article may link
            digest.update(path.relative_to(content).as_posix().encode() + path.read_bytes())
    return digest.digest()


def page_renderer(
    sources, files, planned, asset_urls, live_reload, template, page, marks, svgs, nav, volumes=()
):
    """Render one page from its template into files[page's path], checked.

    Its links may name the files made so far and the pages planned.
    """
    path = page["path"]
    root = "../" * path.count("/")
    context = {
        "site": site_context(sources.site),
        "page": page,
        "nav": nav,
        "volumes": volumes,
        "asset": asset_function(asset_urls, root),
        "root": root,
        "live_reload": live_reload,
    }
    html = render_template(sources.templates, template, context)
    sections = page.get("sections") or [{}]
    check_page(
        html,
        files.keys() | planned,
        marks,
        page=path,
        template=Path(sources.templates.loader.searchpath[0]) / template,
        example_id=sections[0].get("id"),
    )
    files[path] = svgs.restore(marks.strip(html)).encode("utf-8")


def card_inputs(sources, article):
    """Return (scene, title, subtitle) of an article's sharing card."""
    figures = article.figures
    scene = first_scene(figures[0], sources.pgcore["figures"]) if figures else None
    volume = article.front.get("volume")
    subtitle = f"{sources.site.series} · Vol. {volume}" if volume else sources.site.series
    return scene, article.front["title"], subtitle


def add_card(files, name, scene, title, subtitle, palette, cache):
    """Add the sharing card social/<name>.<hash>.png; return its path ("" without a palette)."""
    if palette is None:
        return ""
    card = sharing_card(cache, scene, title, subtitle, palette)
    path = f"social/{name}.{card.sha256[:8]}.png"
    files[path] = card
    return path


def card_palette(sources):
    """Read the cards' colours, the light theme's, from the stylesheet."""
    stylesheet = sources.assets.get(STYLESHEET)
    try:
        return palette_from_css(stylesheet.read_text(encoding="utf-8"), "light", sources.roles)
    except (AttributeError, ValueError) as error:
        raise BuildError(
            f"the sharing cards take their colours from the stylesheet: {error}; restore the "
            "--pg-<role> properties in site_templates/assets/style.css",
            stylesheet,
        ) from None


def site_urls(sources, pages):
    """Return [(absolute URL, date of last change)] of every page, for the sitemap."""
    base, urls = sources.site.base_url, []
    for article in sources.articles:
        changed = article.front.get("updated", article.front.get("date"))
        urls.append((base + pages[article.path.resolve()].removesuffix("index.html"), changed))
    dates = [changed for _, changed in urls if changed is not None]
    return sorted(urls) + [(base + CONTENTS.removesuffix("index.html"), max(dates, default=None))]


def feed_entries(sources, pages):
    """Return the feed's entries: every dated article, newest first."""
    site, entries = sources.site, []
    for article in sources.articles:
        front = article.front
        if "date" not in front:
            continue
        lede = Prose(article, "", {}, pages).field("lede", inline=True) if "lede" in front else ""
        entries.append(
            {
                "title": front["title"],
                "url": site.base_url + pages[article.path.resolve()].removesuffix("index.html"),
                "published": front["date"],
                "updated": front.get("updated", front["date"]),
                "summary": front.get("description") or plain(lede),
                "author": front.get("author", site.author),
            }
        )
    return sorted(entries, key=lambda entry: (entry["published"], entry["url"]), reverse=True)


def add_assets(assets, files, runtime_config):
    """Add the assets under hashed names (CSS last, its url()s rewritten); return the URLs."""
    urls = {}
    for name in sorted(assets, key=lambda name: name.endswith(".css")):
        data = assets[name].read_bytes()
        if name == LOADER:
            data = bake_loader(data.decode("utf-8"), assets[name], runtime_config).encode()
        if name.endswith(".css"):
            check_css_blocks(data.decode("utf-8"), assets[name])
            data = rewrite_css_urls(data.decode("utf-8"), name, assets[name], urls).encode()
        urls[name] = hashed_name(f"assets/{name}", data)
        files[urls[name]] = data
    return urls


def check_css_blocks(css, path):
    """Refuse a stylesheet whose braces do not pair up: browsers drop all that follows."""
    opened = []
    for match in re.finditer(r"/\*.*?\*/|\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|[{}]", css, re.S):
        if match.group() == "{":
            opened.append(match.start())
        elif match.group() == "}":
            if not opened:
                line = css.count("\n", 0, match.start()) + 1
                raise BuildError("this } closes no block: remove it", path, line)
            opened.pop()
    if opened:
        line = css.count("\n", 0, opened[-1]) + 1
        raise BuildError(
            "the block opened on this line is never closed, so browsers would ignore the rest "
            "of the stylesheet: add its }",
            path,
            line,
        )


def rewrite_css_urls(css, name, path, urls):
    """Point url(...) references between assets at their hashed names."""
    folder = name.rpartition("/")[0]

    def hashed(match):
        """Return the url() with a hashed target, or raise for a missing asset."""
        target = match.group(2).strip()
        if target.startswith(("data:", "#")) or urlsplit(target).scheme:
            return match.group(0)
        resolved = _join(folder, target.split("#")[0].split("?")[0])
        if resolved not in urls:
            line = css.count("\n", 0, match.start()) + 1
            raise BuildError(
                f"url({target}) names no asset in site_templates/assets/: add the file there "
                "or fix the url",
                path,
                line,
            )
        return f'url("{relative_url(urls[resolved], "assets/" + name)}")'

    return CSS_URL.sub(hashed, css)


def bake_loader(script, path, runtime_config):
    """Write the runtime's settings into loader.js, its URLs relative to the script itself."""
    if script.count(LOADER_MARK) != 1:
        raise BuildError(
            f"the loader must hold the marker {LOADER_MARK!r} once: restore it where the "
            "runtime's settings go",
            path,
        )
    settings = dict(runtime_config)
    settings["files"] = {
        name: entry | {"url": relative_url(entry["url"], LOADER_URL)}
        for name, entry in runtime_config["files"].items()
    }
    settings["wheel"] = runtime_config["wheel"] | {
        "url": relative_url(runtime_config["wheel"]["url"], LOADER_URL)
    }
    settings["index_url"] = relative_url(runtime_config["index_url"], LOADER_URL)
    return script.replace(LOADER_MARK, json.dumps(settings, sort_keys=True))


def add_runtime(pinned, wheel, files):
    """Add the runtime's and the wheel's packs; return the loader's runtime settings.

    Each file the worker needs ships as a pack (sitebuild/packs.py) with the sha256 the worker
    checks it against: the runtime's from pyproject.toml's pins, the wheel's from the lock.
    """
    folder = "assets/runtime/"
    entries = {}
    for name in runtime.PAGE_FILES:
        sha256 = pinned.pins[name]
        url = f"{folder}{name}.{sha256[:8]}.js"
        files[url] = packs.cached_pack(pinned.folder / name, sha256, pinned.folder.parent)
        entries[name] = {"url": url, "sha256": sha256}
    lock = runtime.make_lock(pinned, wheel, "")
    sha256 = lock["packages"]["pgcore"]["sha256"]
    pack = packs.make_pack(wheel.name, wheel.read_bytes())
    url = hashed_name(f"{folder}{wheel.name}.js", pack)
    files[url] = pack
    wheel_entry = {"name": wheel.name, "url": url, "sha256": sha256}
    return {"files": entries, "wheel": wheel_entry, "lock": lock, "index_url": folder}


def asset_function(urls, root=""):
    """Return the templates' asset(name): the hashed URL of a static asset, from the page."""

    def asset(name):
        """Return the hashed, page-relative URL of site_templates/assets/<name>."""
        if name not in urls:
            raise LookupError(
                f"asset({name!r}): no such file in site_templates/assets/: add it there or fix "
                "the name"
            )
        return root + urls[name]

    return asset


def render_template(env, name, context):
    """Render a template; errors name the template file and line they happened at."""
    try:
        return env.get_template(name).render(context)
    except (jinja2.TemplateError, LookupError, TypeError, ValueError) as error:
        raise template_error(error, env) from None


def template_error(error, env):
    """The BuildError for an error raised while rendering a template, at its file and line."""
    if isinstance(error, jinja2.TemplateSyntaxError):  # an included template, compiled late
        return BuildError(
            f"template syntax error: {error.message.rstrip('.')}; fix the template on this line",
            error.filename,
            error.lineno,
        )
    file, line = _template_frame(error, env)
    message = error.message if isinstance(error, jinja2.TemplateError) else str(error)
    if isinstance(error, jinja2.UndefinedError):
        message = (
            f"undefined template variable: {message}; use a name build.py provides (site, "
            "page, nav, volumes, asset, root, live_reload: see sitebuild/pages.py; a figure "
            "template's fig: see render_figures in sitebuild/figures.py)"
        )
    elif not isinstance(error, LookupError):  # asset()'s message says what to do already
        message = f"{message}; fix the template on this line"
    return BuildError(message, file, line)


def _template_frame(error, env):
    """Find the innermost template file and line in an exception's traceback."""
    folder = Path(env.loader.searchpath[0]).resolve()
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        path = Path(frame.filename).resolve()
        if path.is_relative_to(folder):
            return path, frame.lineno
    return folder / PAGE_TEMPLATE, None


def _join(folder, target):
    """Resolve a relative URL path against a folder of asset names."""
    parts = folder.split("/") if folder else []
    for part in target.split("/"):
        if part == "..":
            parts = parts[:-1]
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)
