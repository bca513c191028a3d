"""What the site tells the rest of the web: an Atom feed, a sitemap, and each page's sharing card.

All three need absolute URLs, so they exist only when site.toml has a base_url. Nothing in them
depends on the time of the build: the feed's dates are the articles' own, so equal sources give
equal bytes.
"""

import hashlib
import io
import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from .social import render_social_image
from .write import Verified

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
FEED = "feed.xml"
SITEMAP_FILE = "sitemap.xml"
# Part of every card's cache key: raise it when the way cards are drawn changes (social.py, png.py).
CARD_VERSION = 1


def atom_feed(site, entries):
    """Return the Atom feed of the series: entries are dicts of title, url, published, updated,
    summary and author, newest first; dates are datetime.date."""
    feed = ElementTree.Element("feed", xmlns=ATOM)
    feed.set("xml:lang", site.language)
    _text(feed, "title", site.series)
    if site.description:
        _text(feed, "subtitle", site.description)
    _text(feed, "id", site.base_url)
    ElementTree.SubElement(feed, "link", rel="self", href=site.base_url + FEED)
    ElementTree.SubElement(feed, "link", rel="alternate", href=site.base_url)
    _text(feed, "updated", _timestamp(max(entry["updated"] for entry in entries)))
    _text(ElementTree.SubElement(feed, "author"), "name", site.author)
    for entry in entries:
        item = ElementTree.SubElement(feed, "entry")
        _text(item, "title", entry["title"])
        _text(item, "id", entry["url"])
        ElementTree.SubElement(item, "link", rel="alternate", type="text/html", href=entry["url"])
        _text(item, "published", _timestamp(entry["published"]))
        _text(item, "updated", _timestamp(entry["updated"]))
        if entry["author"] != site.author:
            _text(ElementTree.SubElement(item, "author"), "name", entry["author"])
        if entry["summary"]:
            _text(item, "summary", entry["summary"])
    return _xml(feed)


def sitemap(urls):
    """Return sitemap.xml for [(absolute URL, date of last change or None)]."""
    urlset = ElementTree.Element("urlset", xmlns=SITEMAP)
    for url, changed in urls:
        entry = ElementTree.SubElement(urlset, "url")
        _text(entry, "loc", url)
        if changed is not None:
            _text(entry, "lastmod", changed.isoformat())
    return _xml(urlset)


def sharing_card(cache, scene, title, subtitle, palette):
    """Return the PNG card of a scene (or None), title and subtitle, as a Verified cache file.

    Cards are made once per inputs into cache/cards/ (a card takes a tenth of a second; a build
    of a series makes one per page), each with a sidecar holding its sha256, which the write stage
    checks as it copies the card into the site.
    """
    key = hashlib.sha256(
        json.dumps(
            [CARD_VERSION, scene, title, subtitle, sorted(palette.items())],
            sort_keys=True,
            separators=(",", ":"),
        ).encode()
    ).hexdigest()[:32]
    card = Path(cache) / "cards" / f"{key}.png"
    sidecar = card.with_suffix(".sha256")
    if not (card.is_file() and sidecar.is_file()):
        png = render_social_image(scene, title, subtitle, palette)
        card.parent.mkdir(parents=True, exist_ok=True)
        for target, content in ((card, png), (sidecar, hashlib.sha256(png).hexdigest().encode())):
            scratch = target.with_name(f".{target.name}.tmp")
            scratch.write_bytes(content)
            scratch.replace(target)
    advice = f"delete {card} and {sidecar.name} and build again"
    return Verified(card, sidecar.read_text(encoding="ascii").strip(), advice)


def _text(parent, tag, text):
    """Add <tag>text</tag> to parent."""
    ElementTree.SubElement(parent, tag).text = text


def _timestamp(date):
    """Write a date as an RFC 3339 timestamp at midnight UTC."""
    return f"{date.isoformat()}T00:00:00Z"


def _xml(root):
    """Serialise an element as a UTF-8 XML document."""
    ElementTree.indent(root)
    out = io.BytesIO()
    ElementTree.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)
    return out.getvalue() + b"\n"
