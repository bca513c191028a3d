"""What each page's template receives: the article's fields rendered, the series around it.

Every template gets `site` (site.toml, with defaults), `page` (the page's own fields), `nav`
(relative URLs of the home page, the contents page, the feed and the previous and next volumes),
`root` (the way back to the site's top, "" or "../"), `asset(name)` and `live_reload`. Article
pages also get their sections, figures and boxes; the contents page gets `volumes`.
"""

import html
import re

import jinja2

from . import BuildError, series
from .feeds import FEED
from .figures import first_scene, render_figures
from .series import CONTENTS, HOME, relative_url
from .social import SOCIAL_SIZE


def site_context(site):
    """Return the templates' `site`."""
    return {
        "name": site.name,
        "series": site.series,
        "description": site.description,
        "language": site.language,
        "base_url": site.base_url,
    }


def nav_context(sources, path, index=None, feed=False):
    """Return the templates' `nav` for the page at path (index: its article's place)."""
    articles = sources.articles

    def link(article):
        """Say where a neighbouring volume is, and what it is called."""
        return {
            "url": relative_url(page_path(article, sources), path),
            "title": article.front["title"],
            "volume": str(article.front.get("volume", "")),
        }

    return {
        "home": relative_url(HOME, path),
        "contents": relative_url(CONTENTS, path),
        "feed": relative_url(FEED, path) if feed else "",
        "previous": link(articles[index - 1]) if index else None,
        "next": link(articles[index + 1])
        if index is not None and index + 1 < len(articles)
        else None,
    }


def page_path(article, sources):
    """Return the output path of an article's page."""
    return series.page_path(article.slug, sources.home)


def article_context(sources, article, prose, path, card, draw_svg, asset):
    """Return the template's `page` for an article: its fields rendered to HTML and MathML.

    card is the sharing card's output path, or "" without a base URL; draw_svg(scene, roles,
    **options) draws a figure's scene as inline SVG.
    """
    front, site = article.front, sources.site
    figures = figures_html(sources, article, prose, draw_svg, asset)
    sections, footnotes = prose.body()
    lede = prose.field("lede", inline=True) if "lede" in front else ""
    return {
        "kind": "article",
        "slug": article.slug,
        "path": path,
        "title": prose.text("title"),
        "lede": lede,
        "description": prose.text("description") if "description" in front else plain(lede),
        "volume": str(prose.text("volume")) if "volume" in front else "",
        "edition": str(prose.text("edition")) if "edition" in front else "",
        "date": front["date"].isoformat() if "date" in front else "",
        "updated": front["updated"].isoformat() if "updated" in front else "",
        "author": prose.text("author") if "author" in front else site.author,
        "language": front.get("language", site.language),
        "figures": len(article.figures),
        "sections": [
            {
                "id": section.id,
                "title": heading,
                "html": prose.put_figures(body, figures, section.figures),
            }
            for section, (heading, body) in zip(article.sections, sections, strict=True)
        ],
        "footnotes": footnotes,
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
        "extra": front.get("extra", {}),
        **sharing_context(site, path, card),
    }


def contents_context(sources, proses, card, draw_svg):
    """Return the contents page's `page` and `volumes`: every article, in volume order.

    proses holds one Prose per article, made for the contents page (their links resolve from it);
    each volume shows its first figure's first scene, drawn by draw_svg.
    """
    site, volumes = sources.site, []
    for article, prose in zip(sources.articles, proses, strict=True):
        scene = (
            first_scene(article.figures[0], sources.pgcore["figures"]) if article.figures else None
        )
        title = prose.text("title")
        volumes.append(
            {
                "url": relative_url(page_path(article, sources), CONTENTS),
                "number": str(article.front.get("volume", "")),
                "title": title,
                "lede": prose.field("lede", inline=True) if "lede" in article.front else "",
                "date": article.front["date"].isoformat() if "date" in article.front else "",
                "snapshot": draw_svg(scene, sources.roles) if scene else "",
            }
        )
    page = {
        "kind": "contents",
        "path": CONTENTS,
        "title": site.series,
        "description": site.description or f"Every volume of {site.series}.",
        "language": site.language,
        "volume": "",
        "edition": "",
        "date": "",
        "figures": 0,
        **sharing_context(site, CONTENTS, card),
    }
    return page, volumes


def sharing_context(site, path, card):
    """Return the page's canonical URL and sharing card, absolute; empty without a base URL."""
    if not site.base_url:
        return {"canonical": "", "image": None}
    width, height = SOCIAL_SIZE
    url = site.base_url + (path.removesuffix("index.html"))
    return {
        "canonical": url,
        "image": {"url": site.base_url + card, "width": width, "height": height},
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


def figures_html(sources, article, prose, draw_svg, asset):
    """Render every figure of the article: {token: HTML}, from its template and first frame."""

    def caption(block):
        """Render the figure's caption, markdown, at the line it was written on."""
        return prose.markdown(block.caption, block.caption_line) if block.caption else ""

    try:
        return render_figures(
            article.figures,
            sources.templates,
            sources.pgcore["figures"],
            draw_svg,
            sources.roles,
            caption,
            asset,
        )
    except jinja2.TemplateError:
        raise  # render.template_error names the template and line
    except (KeyError, TypeError, ValueError) as error:
        raise BuildError(
            f"a figure's first frame cannot be drawn: {error!r}; this is a bug in pgcore's "
            "figures for these settings: report it, or change the settings",
            article.path,
            article.figures[0].line if article.figures else None,
        ) from None


def plain(rendered):
    """Return the plain text of rendered inline HTML (a lede as a description)."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", "", str(rendered))).split())
