"""Stage two: turn the gathered sources into the site's files, in memory.

The result maps each output path (relative to dist/) to bytes, or to a file to copy (a Verified
one, from the cache, with the sha256 it must still have).
Static assets get content-hashed names; every URL the page uses is relative to the page.
"""

import hashlib
import json
import re
import traceback
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2
from markupsafe import Markup

from . import BuildError, packs, runtime
from .checks import check_fragment, check_page
from .figures import put_figures, render_figures
from .frontmatter import FrontMatterError
from .gather import LOADER, PAGE_TEMPLATE
from .marks import SourceMarks
from .markup import RAW_COMMAND, MarkupError, render_latex, render_markdown, unrendered_latex
from .svg import render_svg

LIVE_RELOAD_TAG = '<script src="__pgsite/livereload.js" defer></script>\n'
LOADER_MARK = "/* build.py: runtime */ null"
LOADER_URL = "assets/loader.js"
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


def render(sources, live_reload=False):
    """Render the whole site to {output path: bytes or source file}."""
    files = {".nojekyll": b""}
    runtime_config = add_runtime(sources.runtime, sources.wheel, files)
    asset_urls = add_assets(sources.assets, files, runtime_config)
    if sources.editor is not None:  # loaded by the page only when its code figure needs it
        editor = sources.editor.read_bytes()
        asset_urls["editor.js"] = hashed_name("assets/editor.js", editor)
        files[asset_urls["editor.js"]] = editor
    prose = Prose(sources, files)
    context = {
        "page": page_context(sources, prose, asset_function(asset_urls)),
        "asset": asset_function(asset_urls),
        "root": "",
        "live_reload": live_reload,
    }
    html = render_template(sources.templates, PAGE_TEMPLATE, context)
    check_page(html, files, sources, prose.marks)
    html = prose.marks.strip(html)
    if live_reload:
        html = html.replace("</body>", LIVE_RELOAD_TAG + "</body>", 1)
    files["index.html"] = html.encode("utf-8")
    return files


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
        return f'url("{_relative(urls[resolved], "assets/" + name)}")'

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
        name: entry | {"url": _relative(entry["url"], LOADER_URL)}
        for name, entry in runtime_config["files"].items()
    }
    settings["wheel"] = runtime_config["wheel"] | {
        "url": _relative(runtime_config["wheel"]["url"], LOADER_URL)
    }
    settings["index_url"] = _relative(runtime_config["index_url"], LOADER_URL)
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


class Prose:
    """Renders the article's markdown and LaTeX, turning errors into BuildErrors with lines.

    Each rendered fragment is wrapped in source marks (marks.py) for the page's checks.
    """

    def __init__(self, sources, files):
        self.sources, self.files = sources, files
        self.marks = SourceMarks()

    def markdown(self, text, line, inline=False):
        """Render markdown written at line of the article."""
        article = self.sources.article
        try:
            html = render_markdown(
                text, inline, self.resolve_link, line, lambda at: self.marks.at(article, at)
            )
        except MarkupError as error:
            raise BuildError(str(error), article, error.line or line) from None
        check_fragment(html, self.marks, article, line)
        return Markup(f"{self.marks.open(article, line)}{html}{self.marks.close()}")

    def field(self, *key_path, inline=False):
        """Render the markdown of a front-matter field."""
        text = _dig(self.sources.front, key_path)
        return self.markdown(text, self.sources.locate(*key_path), inline)

    def text(self, *key_path):
        """Return a plain-text front-matter field (the templates escape it), refusing LaTeX."""
        value = _dig(self.sources.front, key_path)
        raw = RAW_COMMAND.search(value) if isinstance(value, str) else None
        if raw:
            raise FrontMatterError(
                unrendered_latex(raw.group(), value),
                self.sources.article,
                self.sources.locate(*key_path),
                key_path,
            )
        return value

    def url(self, *key_path):
        """Return a front-matter URL that links out of the site: http(s), nothing hidden in it."""
        url = _dig(self.sources.front, key_path)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or re.search(r"[\\\s]", url):
            raise FrontMatterError(
                f"url {url!r} is not a web address: write it as https://host/path, without "
                "spaces or backslashes",
                self.sources.article,
                self.sources.locate(*key_path),
                key_path,
            )
        return url

    def latex(self, *key_path, display=False):
        """Render the LaTeX of a front-matter field to MathML."""
        tex, line = _dig(self.sources.front, key_path), self.sources.locate(*key_path)
        try:
            return Markup(render_latex(tex, display))
        except MarkupError as error:
            raise BuildError(str(error), self.sources.article, line) from None

    def resolve_link(self, url):
        """Check a link from the article and return its URL in the site (files get hashed names)."""
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "mailto"):
            return url
        if parts.scheme or parts.netloc or url.startswith(("/", "\\")):
            raise MarkupError(
                f"link {url!r} must be relative to the article (or http/https): write it as a "
                "path from content/, e.g. figures/grid.svg"
            )
        if not parts.path:
            return url  # #id: checked against the finished page (checks.py)
        folder = self.sources.article.parent
        target = (folder / unquote(parts.path)).resolve()
        if not target.is_file() or not target.is_relative_to(folder.resolve()):
            raise MarkupError(
                f"linked file {parts.path!r} does not exist in content/: add the file there or "
                "fix the link"
            )
        hashed = hashed_name(f"media/{target.name}", target.read_bytes())
        self.files[hashed] = target
        return hashed + (f"#{parts.fragment}" if parts.fragment else "")


def page_context(sources, prose, asset):
    """Return the template's `page`: the article's fields rendered to HTML and MathML."""
    front = sources.front
    figures = figures_html(sources, prose, asset)
    return {
        "title": prose.text("title"),
        "lede": prose.field("lede", inline=True),
        "description": prose.text("description"),
        "site": prose.text("site"),
        "series": prose.text("series") if "series" in front else "",
        "volume": prose.text("volume") if "volume" in front else "",
        "edition": prose.text("edition") if "edition" in front else "",
        "sections": [
            {
                "id": s.id,
                "title": s.title,
                "html": put_figures(
                    prose.markdown(s.text, s.line + 1),
                    figures,
                    sources.article,
                    s.figures,
                    prose.marks.trusted,
                ),
            }
            for s in sources.sections
        ],
        "gradient": gradient_context(front["gradient"], prose) if "gradient" in front else None,
        "legend": [
            {"mark": entry["mark"], "text": prose.field("legend", i, "text", inline=True)}
            for i, entry in enumerate(front.get("legend", []))
        ],
        "examples": [
            {
                "title": prose.text("examples", i, "title"),
                "html": prose.field("examples", i, "body"),
            }
            for i in range(len(front.get("examples", [])))
        ],
        "references": [
            {
                "authors": prose.text("references", i, "authors"),
                "year": prose.text("references", i, "year"),
                "title": prose.text("references", i, "title"),
                "venue": prose.text("references", i, "venue"),
                "url": prose.url("references", i, "url") if "url" in ref else None,
                "note": prose.field("references", i, "note", inline=True) if "note" in ref else "",
            }
            for i, ref in enumerate(front.get("references", []))
        ],
    }


def gradient_context(gradient, prose):
    """Return the formula box: the formula and glossary symbols as MathML, the rest markdown."""
    return {
        "title": prose.text("gradient", "title"),
        "formula": prose.latex("gradient", "formula", display=True),
        "reading": prose.field("gradient", "reading"),
        "glossary": [
            {
                "symbol": prose.latex("gradient", "glossary", i, "symbol"),
                "meaning": prose.field("gradient", "glossary", i, "meaning"),
            }
            for i in range(len(gradient["glossary"]))
        ],
    }


def figures_html(sources, prose, asset):
    """Render every figure of the article: {token: HTML}, from its template and first frame."""

    def caption(block):
        """The figure's caption, markdown rendered at the line it was written on."""
        return prose.markdown(block.caption, block.caption_line) if block.caption else ""

    try:
        return render_figures(
            sources.figures,
            sources.templates,
            sources.pgcore["figures"],
            render_svg,
            sources.roles,
            caption,
            asset,
        )
    except jinja2.TemplateError as error:
        raise template_error(error, sources.templates) from None
    except (KeyError, TypeError, ValueError) as error:
        raise BuildError(
            f"a figure's first frame cannot be drawn: {error!r}; this is a bug in pgcore's "
            "figures for these settings: report it, or change the settings",
            sources.article,
            sources.figures[0].line if sources.figures else None,
        ) from None


def asset_function(urls):
    """Return the templates' asset(name): the hashed URL of a static asset."""

    def asset(name):
        """Return the hashed, page-relative URL of site_templates/assets/<name>."""
        if name not in urls:
            raise LookupError(
                f"asset({name!r}): no such file in site_templates/assets/: add it there or fix "
                "the name"
            )
        return urls[name]

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
            f"undefined template variable: {message}; use a name build.py provides (page, "
            "asset, root, live_reload: see page_context and render in sitebuild/render.py; "
            "a figure template's fig: see render_figures in sitebuild/figures.py)"
        )
    elif not isinstance(error, LookupError):  # asset()'s message says what to do already
        message = f"{message}; fix the template on this line"
    return BuildError(message, file, line)


def hashed_name(path, data):
    """Insert 8 hex digits of sha256(data) before the suffix: style.css -> style.1a2b3c4d.css."""
    stem, dot, suffix = path.rpartition(".")
    if "/" in suffix or not stem:
        stem, dot, suffix = path, "", ""
    return f"{stem}.{hashlib.sha256(data).hexdigest()[:8]}{dot}{suffix}"


def _template_frame(error, env):
    """Find the innermost template file and line in an exception's traceback."""
    folder = Path(env.loader.searchpath[0]).resolve()
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        path = Path(frame.filename).resolve()
        if path.is_relative_to(folder):
            return path, frame.lineno
    return folder / PAGE_TEMPLATE, None


def _dig(data, key_path):
    """Return data[k1][k2]... for a key path."""
    for key in key_path:
        data = data[key]
    return data


def _join(folder, target):
    """Resolve a relative URL path against a folder of asset names."""
    parts = folder.split("/") if folder else []
    for part in target.split("/"):
        if part == "..":
            parts = parts[:-1]
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


def _relative(target, source):
    """Return the URL of output path target relative to output path source."""
    source_parts, target_parts = source.split("/")[:-1], target.split("/")
    common = 0
    while (
        common < min(len(source_parts), len(target_parts) - 1)
        and source_parts[common] == target_parts[common]
    ):
        common += 1
    return "/".join([".."] * (len(source_parts) - common) + target_parts[common:])
