"""A series as built from the fixture of five articles (tests/fixtures/series): one page each, the
home article at index.html, a contents page, previous/next in volume order, the feed, the
sitemap, the sharing tags and cards, and the markdown an author writes, all in the output.

The fixture's volumes are written I, 2, III, "4" and none; its home is volume III.
"""

import io
import struct
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from PIL import Image

BASE = "https://series.example/ml/"
# Slug -> page, in volume order: I, 2, III (home), "4", then the article without a volume.
PAGES = {
    "gridworlds": "gridworlds/index.html",
    "gaussian-policies": "gaussian-policies/index.html",
    "policy-gradients": "index.html",
    "baselines": "baselines/index.html",
    "notes-on-notation": "notes-on-notation/index.html",
}
ATOM = "{http://www.w3.org/2005/Atom}"


class Page(HTMLParser):
    """What these tests read from a page: links, metadata, ids, headings, scripts, SVGs."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.links, self.meta, self.heads, self.ids, self.scripts = [], {}, {}, [], []
        self.h2, self.svgs, self.classes, self.text = [], 0, set(), []
        self._h2 = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.classes.update((attrs.get("class") or "").split())
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "a" and "href" in attrs:
            self.links.append(attrs)
        elif tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta[attrs.get("property") or attrs["name"]] = attrs["content"]
        elif tag == "link":
            self.heads[attrs["rel"]] = attrs
        elif tag == "script":
            self.scripts.append(attrs["src"])
        elif tag == "svg":
            self.svgs += 1
        elif tag == "h2":
            self._h2 = [attrs.get("id"), ""]
        if self._h2 is not None and tag != "h2":
            self._h2[1] += f"<{tag}>"

    def handle_endtag(self, tag):
        if tag == "h2" and self._h2 is not None:
            self.h2.append(tuple(self._h2))
            self._h2 = None

    def handle_data(self, data):
        self.text.append(data)
        if self._h2 is not None:
            self._h2[1] += data


@pytest.fixture(scope="module")
def pages(series_site):
    """Every page of the series, parsed, by its path."""
    return {
        path.relative_to(series_site).as_posix(): Page(path.read_text(encoding="utf-8"))
        for path in series_site.rglob("*.html")
    }


def files_of(site):
    """Every file of the site, by its path."""
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


def test_every_article_has_its_page_and_the_home_article_is_index(series_site, pages):
    assert set(pages) == {*PAGES.values(), "contents/index.html"}
    assert "Policy Gradients" in pages["index.html"].text  # site.toml's home, not volume I


def test_the_contents_page_lists_every_volume_in_order(pages):
    contents = pages["contents/index.html"]
    titles = [link["href"] for link in contents.links if "class" not in link]
    assert [urljoin("contents/index.html", href) for href in titles] == list(PAGES.values())
    text = " ".join(contents.text)
    for number in ("Vol. I", "Vol. 2", "Vol. III", "Vol. 4"):
        assert number in text
    assert "Cells, moves and a goal" in text  # a lede
    # A snapshot of the first figure for each of the four articles that have one.
    assert contents.svgs == 4


def test_previous_and_next_follow_the_volume_order(pages):
    order = list(PAGES.values())
    for index, path in enumerate(order):
        rel = {
            link["rel"]: urljoin(path, link["href"]) for link in pages[path].links if "rel" in link
        }
        assert rel.get("prev") == (order[index - 1] if index else None), path
        assert rel.get("next") == (order[index + 1] if index + 1 < len(order) else None), path


def test_every_page_links_to_the_contents_and_every_local_url_resolves(series_site, pages):
    files = files_of(series_site)
    for path, page in pages.items():
        contents = [link for link in page.links if link.get("class") == "masthead-contents"]
        assert [urljoin(path, link["href"]) for link in contents] == ["contents/index.html"]
        urls = [link["href"] for link in page.links] + page.scripts
        urls += [head["href"] for rel, head in page.heads.items() if rel != "canonical"]
        for url in urls:
            parts = urlsplit(url)
            if parts.scheme:
                continue
            assert not url.startswith("/"), (path, url)
            if parts.path:
                assert unquote(urljoin(path, parts.path)) in files, (path, url)
            elif parts.fragment:
                assert parts.fragment in page.ids, (path, url)


def test_links_between_articles_become_links_between_pages(pages):
    home = {link["href"] for link in pages["index.html"].links}
    assert "gridworlds/index.html#the-world" in home
    assert "gaussian-policies/index.html" in home
    assert "../index.html#the-idea" in {link["href"] for link in pages[PAGES["baselines"]].links}


def test_the_feed_lists_the_dated_articles_newest_first(series_site):
    feed = ElementTree.parse(series_site / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}id") == BASE
    assert feed.findtext(f"{ATOM}title") == "Fixture Series"
    assert feed.findtext(f"{ATOM}updated") == "2026-04-01T00:00:00Z"
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "Series Editors"
    self_link = feed.find(f"{ATOM}link[@rel='self']").get("href")
    assert self_link == BASE + "feed.xml"
    entries = feed.findall(f"{ATOM}entry")
    ids = [entry.findtext(f"{ATOM}id") for entry in entries]
    assert ids == [BASE + "baselines/", BASE, BASE + "gaussian-policies/", BASE + "gridworlds/"]
    gridworlds = entries[-1]
    assert gridworlds.findtext(f"{ATOM}published") == "2026-01-10T00:00:00Z"
    assert gridworlds.findtext(f"{ATOM}updated") == "2026-02-01T00:00:00Z"
    assert gridworlds.findtext(f"{ATOM}author/{ATOM}name") == "A. Guest"
    assert gridworlds.findtext(f"{ATOM}summary") == "A gridworld, in code and in a table."
    # Without a description, the lede's text.
    assert entries[0].findtext(f"{ATOM}summary") == "Subtract what a typical episode earns."
    for entry in entries:
        assert entry.find(f"{ATOM}link").get("href") == entry.findtext(f"{ATOM}id")


def test_the_sitemap_names_every_page_absolutely(series_site):
    sitemap = ElementTree.parse(series_site / "sitemap.xml").getroot()
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    urls = {u.findtext(f"{ns}loc"): u.findtext(f"{ns}lastmod") for u in sitemap}
    expected = {BASE + path.removesuffix("index.html") for path in PAGES.values()}
    assert set(urls) == expected | {BASE + "contents/"}
    assert urls[BASE + "gridworlds/"] == "2026-02-01"  # updated wins over date
    assert urls[BASE + "notes-on-notation/"] is None


def png_size(data):
    """Width and height from a PNG's IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("path", [*PAGES.values(), "contents/index.html"])
def test_each_page_has_a_canonical_url_and_a_sharing_card(series_site, pages, path):
    page = pages[path]
    canonical = page.heads["canonical"]["href"]
    assert canonical == BASE + path.removesuffix("index.html")
    assert page.meta["og:url"] == canonical
    image = page.meta["og:image"]
    assert image.startswith(BASE + "social/") and page.meta["twitter:image"] == image
    card = (series_site / image.removeprefix(BASE)).read_bytes()
    size = png_size(card)
    assert size == (int(page.meta["og:image:width"]), int(page.meta["og:image:height"]))
    assert size == (1200, 630)
    assert page.meta["twitter:card"] == "summary_large_image"
    assert page.heads["alternate"]["type"] == "application/atom+xml"


def right_half_colours(series_site, page):
    """How many colours the right half of a page's card holds."""
    image = page.meta["og:image"].removeprefix(BASE)
    card = Image.open(io.BytesIO((series_site / image).read_bytes())).convert("RGB")
    return len(card.crop((700, 80, 1140, 550)).getcolors(maxcolors=1 << 16) or [])


def test_a_card_shows_the_first_figure_and_a_page_without_one_gets_the_title_alone(
    series_site, pages
):
    with_figure = right_half_colours(series_site, pages[PAGES["baselines"]])
    without = right_half_colours(series_site, pages[PAGES["notes-on-notation"]])
    assert with_figure > 50, "the figure's scene fills the card's right half"
    assert without < 10, "a page without a figure: the title alone on paper"


def test_markdown_code_is_highlighted_at_build_time(pages):
    page = pages[PAGES["gridworlds"]]
    assert {"highlight", "k", "nf", "sd", "c1"} <= page.classes  # keyword, name, docstring
    assert all("pygments" not in src and "highlight" not in src for src in page.scripts)
    text = "".join(page.text)
    assert "# $not math$" in text  # math stays text inside code
    assert "plain text, not highlighted" in text


def test_tables_footnotes_and_callouts_render(series_site, pages):
    html = (series_site / PAGES["gridworlds"]).read_text(encoding="utf-8")
    assert '<th align="right">reward</th>' in html and '<td align="right">+1</td>' in html
    page = pages[PAGES["gridworlds"]]
    assert "fn:cost" in page.ids and "fnref:cost" in page.ids and "notes" in page.ids
    assert ("notes-title", "<a>Notes") in page.h2
    gaussian = pages[PAGES["gaussian-policies"]]
    assert {"admonition", "tip", "warning", "admonition-title"} <= gaussian.classes
    assert "Try it" in gaussian.text


def test_headings_keep_their_inline_markdown_and_get_ids_from_their_text(pages):
    h2 = dict(pages[PAGES["baselines"]].h2)
    assert h2["why-less-noise-title"] == "<a>Why <em>less noise"
    assert h2["the-b-in-the-formula-title"] == "<a>The <code>b in the formula"


def test_a_title_only_article_has_no_empty_parts(pages):
    page = pages[PAGES["notes-on-notation"]]
    assert not {"lede", "kicker", "gradient-box", "legend", "examples", "references"} & page.classes
    assert page.scripts == [], "no figure: no scripts"
    assert "description" not in page.meta
    assert [h for h, _ in page.h2] == ["symbols-title"]
