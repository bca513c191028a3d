"""The series: content/site.toml (what every page shares), the articles in volume order, and
where each page of the site lives.

Every content/*.md is an article. site.toml's `home` article is the site's index.html; every other
article is <slug>/index.html, the slug being its file name without .md; the contents page is
contents/index.html. Links between pages are relative and name index.html, so the site works from
a domain's root, under a project path and straight from disk.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from . import BuildError
from .frontmatter import TEXT, FrontMatterError, Key, parse_toml
from .textfile import read_source

SITE_FILE = "site.toml"
CONTENTS = "contents/index.html"
HOME = "index.html"
# Names at the top of the site that a slug may not take.
RESERVED_SLUGS = {"assets", "media", "social", "contents", "index", "feed", "sitemap"}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
ROMAN = re.compile(r"^M{0,4}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}

SITE_SCHEMA = {
    "name": Key(
        TEXT, "the site's name, in every masthead and colophon", required=True, form="plain text"
    ),
    "series": Key(
        TEXT,
        "the series' title: the contents page's heading, window titles and the feed's title",
        default="name",
        form="plain text",
    ),
    "description": Key(
        TEXT,
        "one line on the series: the contents page and the feed",
        default="none",
        form="plain text",
    ),
    "base_url": Key(
        TEXT,
        "where the site is published, e.g. https://example.org/ml/: canonical URLs, the feed, "
        "the sitemap and the sharing cards need it",
        default="none: the build leaves those out and says so in one line",
        form="http(s) URL",
    ),
    "author": Key(
        TEXT, "who writes the series: the feed's author", default="name", form="plain text"
    ),
    "language": Key(
        TEXT,
        "the language of the pages, a BCP 47 tag like en or de-CH",
        default="en",
        form="plain text",
    ),
    "home": Key(
        TEXT,
        "the article the site opens on (index.html): its file name without .md",
        default="the first volume",
        form="plain text",
    ),
}


@dataclass(frozen=True)
class Site:
    """What every page shares, from site.toml, with its defaults filled in."""

    name: str
    series: str
    description: str
    base_url: str  # "" when site.toml has none; else ends with /
    author: str
    language: str
    home: str
    path: object  # content/site.toml
    locate: object  # locate(key) -> its line


def read_site(content):
    """Read and check content/site.toml."""
    path = content / SITE_FILE
    if not path.is_file():
        raise BuildError(
            f'{SITE_FILE} is missing: create it with at least a line name = "…" (the site\'s '
            "name); the README's Writing section lists every key",
            path,
        )
    data, locate = parse_toml(read_source(path, "site config"), path, SITE_SCHEMA, what=SITE_FILE)
    base_url = data.get("base_url", "")
    if base_url:
        parts = urlsplit(base_url)
        if (
            parts.scheme not in ("http", "https")
            or not parts.netloc
            or parts.query
            or re.search(r"[\s\\#]", base_url)
        ):
            raise FrontMatterError(
                f"base_url {base_url!r} is not a web address: write it as https://host/path/",
                path,
                locate("base_url"),
                ("base_url",),
            )
        base_url = base_url if base_url.endswith("/") else base_url + "/"
    language = data.get("language", "en")
    check_language(language, path, locate("language"))
    name = data["name"]
    return Site(
        name=name,
        series=data.get("series", name),
        description=data.get("description", ""),
        base_url=base_url,
        author=data.get("author", name),
        language=language,
        home=data.get("home", ""),
        path=path,
        locate=locate,
    )


def check_language(tag, path, line):
    """Raise BuildError unless tag looks like a BCP 47 language tag."""
    if not LANGUAGE.match(tag):
        raise BuildError(
            f"language {tag!r} is not a language tag: write one like en, fr or pt-BR", path, line
        )


def check_slug(path):
    """Return an article's slug, its file name without .md, or raise BuildError."""
    slug = path.stem
    if not SLUG.match(slug):
        raise BuildError(
            f"the file name {path.name!r} becomes the page's address: use lower-case letters, "
            "digits and single hyphens (e.g. policy-gradients.md)",
            path,
        )
    if slug in RESERVED_SLUGS:
        raise BuildError(
            f"the file name {path.name!r} would take the site's own {slug}/ address: rename it "
            f"(not {', '.join(sorted(RESERVED_SLUGS))})",
            path,
        )
    return slug


def volume_number(volume):
    """Return a volume's number: a whole number, digits, or a Roman numeral; None if none."""
    if isinstance(volume, int):
        return volume if volume >= 0 else None
    text = volume.strip()
    if text.isdigit():
        return int(text)
    if text and ROMAN.match(text):
        values = [ROMAN_VALUES[c] for c in text]
        return sum(-v if v < w else v for v, w in zip(values, [*values[1:], 0], strict=True))
    return None


def in_volume_order(articles):
    """Return the articles numbered volumes first, by number, then the rest by slug.

    Two articles may not share a volume number: the second is refused at its volume line.
    """
    seen = {}
    for article in sorted(articles, key=lambda a: a.slug):
        if article.number is None:
            continue
        if article.number in seen:
            raise FrontMatterError(
                f"volume {article.front['volume']!r} is also {seen[article.number].path.name}'s: "
                "give each article its own volume",
                article.path,
                article.locate("volume"),
                ("volume",),
            )
        seen[article.number] = article
    return sorted(articles, key=lambda a: (a.number is None, a.number or 0, a.slug))


def choose_home(site, articles):
    """Return the slug of the home article: site.toml's home, else the first volume."""
    slugs = [article.slug for article in articles]
    if not site.home:
        return slugs[0]
    if site.home not in slugs:
        raise BuildError(
            f"home = {site.home!r} names no article: use one of {', '.join(slugs)} (a file "
            "name in content/ without .md)",
            site.path,
            site.locate("home"),
        )
    return site.home


def page_path(slug, home):
    """Return the output path of an article's page."""
    return HOME if slug == home else f"{slug}/index.html"


def relative_url(target, source):
    """Return the URL of output path target relative to the page at output path source."""
    source_parts, target_parts = source.split("/")[:-1], target.split("/")
    common = 0
    while (
        common < min(len(source_parts), len(target_parts) - 1)
        and source_parts[common] == target_parts[common]
    ):
        common += 1
    return "/".join([".."] * (len(source_parts) - common) + target_parts[common:])
