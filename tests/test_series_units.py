"""The series' pure parts on hand-made inputs: volumes, slugs, URLs, site.toml, the markdown
constructs and their lines, and the feed's XML."""

import datetime
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from types import SimpleNamespace

import pytest

from sitebuild import BuildError
from sitebuild.feeds import atom_feed, sitemap
from sitebuild.frontmatter import FrontMatterError, parse_front_matter
from sitebuild.markup import MarkupError, heading_text, render_body, render_markdown
from sitebuild.series import (
    check_slug,
    choose_home,
    in_volume_order,
    read_site,
    relative_url,
    volume_number,
)

# -- volumes, slugs and URLs ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "volume, number",
    [
        (3, 3),
        ("12", 12),
        ("I", 1),
        ("IV", 4),
        ("IX", 9),
        ("XIV", 14),
        ("XXVIII", 28),
        ("XL", 40),
        ("MCMXCIV", 1994),
        ("MMXXVI", 2026),
        (" VII ", 7),
        ("IIII", None),
        ("VV", None),
        ("IC", None),
        ("2a", None),
        ("", None),
        (-1, None),
        ("xii", None),
    ],
)
def test_a_volume_is_a_whole_number_or_a_roman_numeral(volume, number):
    assert volume_number(volume) == number


def article(slug, volume=None, line=3):
    """A stand-in article for ordering: a slug, a volume and where the volume is written."""
    front = {} if volume is None else {"volume": volume}
    return SimpleNamespace(
        slug=slug,
        path=Path(f"content/{slug}.md"),
        front=front,
        number=volume_number(volume) if volume is not None else None,
        locate=lambda *key: line,
    )


def test_volumes_order_the_articles_and_unnumbered_ones_come_last_by_name():
    articles = [
        article("b", "III"),
        article("z"),
        article("a", 10),
        article("c", "I"),
        article("y"),
    ]
    assert [a.slug for a in in_volume_order(articles)] == ["c", "b", "a", "y", "z"]


def test_two_articles_with_one_volume_are_refused_at_the_second():
    with pytest.raises(FrontMatterError, match="volume 'IV' is also a.md's") as caught:
        in_volume_order([article("b", "IV", line=7), article("a", 4)])
    assert (caught.value.file, caught.value.line) == (Path("content/b.md"), 7)


def test_the_home_article_is_site_tomls_or_the_first_volume():
    articles = [article("one", 1), article("two", 2)]
    site = SimpleNamespace(home="", path=Path("content/site.toml"), locate=lambda key: 6)
    assert choose_home(site, articles) == "one"
    assert choose_home(SimpleNamespace(**{**vars(site), "home": "two"}), articles) == "two"
    with pytest.raises(BuildError, match="home = 'three' names no article: use one of one, two"):
        choose_home(SimpleNamespace(**{**vars(site), "home": "three"}), articles)


@pytest.mark.parametrize("name", ["Policy.md", "a_b.md", "two--hyphens.md", "-a.md", "é.md"])
def test_a_file_name_must_make_a_plain_address(name):
    with pytest.raises(BuildError, match="becomes the page's address"):
        check_slug(Path("content") / name)


def test_the_sites_own_folders_are_not_slugs():
    assert check_slug(Path("content/policy-gradients.md")) == "policy-gradients"
    for name in ("contents", "assets", "social"):
        with pytest.raises(BuildError, match=f"would take the site's own {name}/"):
            check_slug(Path("content") / f"{name}.md")


@pytest.mark.parametrize(
    "target, source, url",
    [
        ("a/index.html", "index.html", "a/index.html"),
        ("index.html", "a/index.html", "../index.html"),
        ("b/index.html", "a/index.html", "../b/index.html"),
        ("assets/x.css", "contents/index.html", "../assets/x.css"),
        ("feed.xml", "index.html", "feed.xml"),
        ("a/x.png", "a/index.html", "x.png"),
    ],
)
def test_urls_between_pages_are_relative(target, source, url):
    assert relative_url(target, source) == url


# -- site.toml ------------------------------------------------------------------------------------


def site_toml(tmp_path, text):
    """Write content/site.toml and read it."""
    (tmp_path / "site.toml").write_text(text, encoding="utf-8")
    return read_site(tmp_path)


def test_site_toml_fills_in_its_defaults(tmp_path):
    site = site_toml(tmp_path, 'name = "x.site"\nbase_url = "https://x.site/ml"\n')
    assert (site.name, site.series, site.author, site.language, site.home) == (
        "x.site",
        "x.site",
        "x.site",
        "en",
        "",
    )
    assert site.base_url == "https://x.site/ml/"


@pytest.mark.parametrize(
    "text, line, words",
    [
        ('series = "S"\n', 1, "missing required key 'name'"),
        ('name = "x"\nbase_url = "ftp://x/"\n', 2, "is not a web address"),
        ('name = "x"\nbase_url = "https://x/?q=1"\n', 2, "is not a web address"),
        ('name = "x"\nlanguage = "english language"\n', 2, "is not a language tag"),
        ('name = "x"\n\ncolour = "red"\n', 3, "unknown key 'colour'"),
        ('name = "x"\nname = "y"\n', 2, "not valid TOML"),
    ],
)
def test_site_toml_mistakes_name_their_line(tmp_path, text, line, words):
    with pytest.raises(BuildError, match=words) as caught:
        site_toml(tmp_path, text)
    assert (caught.value.file, caught.value.line) == (tmp_path / "site.toml", line)


def test_site_toml_must_exist(tmp_path):
    with pytest.raises(BuildError, match='create it with at least a line name = "…"'):
        read_site(tmp_path)


# -- front matter ---------------------------------------------------------------------------------


def test_a_title_is_all_an_article_needs():
    data, _ = parse_front_matter('title = "T"\n', "a.md")
    assert data == {"title": "T"}


def test_extra_holds_anything_and_dates_are_dates():
    data, _ = parse_front_matter(
        'title = "T"\ndate = 2026-11-25\n[extra]\nlevel = 3\nnested = { a = [1, "b"] }\n', "a.md"
    )
    assert data["date"] == datetime.date(2026, 11, 25)
    assert data["extra"] == {"level": 3, "nested": {"a": [1, "b"]}}


@pytest.mark.parametrize(
    "text, line, words",
    [
        ('title = "T"\ndate = 2026-11-25T10:00:00\n', 3, "date: expected a date like 2026-11-25"),
        ('title = "T"\ndate = "2026-11-25"\n', 3, "date: expected a date"),
        ('title = "T"\nextra = 3\n', 3, "extra: expected a table"),
        ('title = "T"\nsite = "s"\n', 3, "move it to content/site.toml as name = …"),
        ('title = "T"\nmood = "s"\n', 3, "under an [extra] table (templates read it as"),
    ],
)
def test_front_matter_mistakes_say_what_to_do(text, line, words):
    with pytest.raises(FrontMatterError, match=words.replace("[", r"\[").replace("(", r"\(")) as e:
        parse_front_matter(text, "a.md")
    assert e.value.line == line


# -- the markdown authors write, each mistake at its own line -------------------------------------

BODY = """## One **bold** $x$

Text with a note.[^a]

```python
def f(x):
    return x  # $not math$
```

After the code.

!!! note "Careful"
    Inside the *box*.

| a | b |
|---|--:|
| 1 | 2 |

[^a]: The note with $y$.

## Two

More.
"""


def test_a_body_splits_into_sections_with_footnotes_apart():
    sections, notes = render_body(BODY, 10)
    assert [(line, str(heading)) for line, heading, _ in sections] == [
        (
            10,
            'One <strong>bold</strong> <math xmlns="http://www.w3.org/1998/Math/MathML" '
            'display="inline"><mrow><mi>x</mi></mrow></math>',
        ),
        (30, "Two"),
    ]
    first = str(sections[0][2])
    assert '<div class="highlight"><pre><span></span><code><span class="k">def</span>' in first
    assert "# $not math$" in first and "<math" not in first.split("After")[0].split("</h2>")[-1]
    assert '<div class="admonition note">' in first and "admonition-title" in first
    assert '<th align="right">b</th>' in first
    assert '<sup id="fnref:a"><a class="footnote-ref" href="#fn:a">1</a></sup>' in first
    assert '<li id="fn:a">' in str(notes) and 'href="#fnref:a"' in str(notes)
    assert "fn:a" not in str(sections[1][2])


@pytest.mark.parametrize(
    "body, line, words",
    [
        ("## A\n\n```pyhton\nx\n```\n", 12, "unknown code language 'pyhton'"),
        ("## A\n\n```python\nx\n```\n\nbad $\\foo$\n", 16, "unknown LaTeX command \\foo"),
        ("## A\n\n~~~~\n```\n~~~~\n\n$\\foo$\n", 16, "unknown LaTeX command"),
        ("## A\n\ntext[^b]\n", 12, "footnote [^b] has no definition"),
        ("## A\n\ntext\n\n[^b]: def\n", 14, "footnote [^b] is never cited"),
        ("## A\n\nt[^b]\n\n[^b]: def\n\n    more $\\foo$\n", 16, "unknown LaTeX"),
        ("## A\n\nt[^b]\n\n[^b]: one\n    two $\\foo$\n", 15, "unknown LaTeX"),
        ("## A\n\n!!! notr\n    x\n", 12, "unknown admonition !!! notr"),
        ("## A\n\n!!! note\n    x\n    y $\\foo$\n", 14, "unknown LaTeX"),
        ("## A\n\n!!! tip\n    x\n\n    z $\\foo$\n", 15, "unknown LaTeX"),
        ("## A\n\n```python\nx\n", 12, "this fence opens no code block"),
        ("## A\n\n- item\n\n  ```python\n  x\n  ```\n", 14, "this fence opens no code block"),
        ("## [A](#b)\n", 10, "a section heading may not hold a link"),
        ("## A\n\nSee [the paper][wiliams].\n", 12, "link reference [wiliams] has no definition"),
        ("## A\n\nSee\n[the paper][].\n", 13, "link reference [the paper] has no definition"),
        ("intro\n\n## A\n", 10, "text before the first"),
    ],
)
def test_each_construct_reports_a_mistake_at_its_own_line(body, line, words):
    with pytest.raises(MarkupError) as caught:
        render_body(body, 10)
    assert caught.value.line == line and words in str(caught.value), str(caught.value)


def test_a_defined_reference_link_builds():
    html = str(render_markdown("See [the paper][w].\n\n[w]: https://example.org/w\n"))
    assert '<a href="https://example.org/w">the paper</a>' in html


@pytest.mark.parametrize("fence", ["```", "```text", "```toml", "~~~js", "``` {.python}"])
def test_plain_and_known_languages_build(fence):
    closing = fence[:3]
    html = str(render_markdown(f"{fence}\nx = 1\n{closing}\n"))
    assert html.startswith('<div class="highlight"><pre>') and "x" in html


def test_a_heading_id_comes_from_its_plain_text():
    assert heading_text("Why *less* `noise` $\\theta$") == "Why less noise θ"


# -- feed and sitemap -----------------------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"
SITE = SimpleNamespace(
    series="S", description="", base_url="https://x.org/", author="Ed", language="en"
)


def entry(url, day, author="Ed"):
    """A feed entry published on the day-th of January."""
    date = datetime.date(2026, 1, day)
    return {
        "title": f"T & {day}",
        "url": url,
        "published": date,
        "updated": date,
        "summary": "<b>s</b>",
        "author": author,
    }


def test_the_feed_is_atom_with_escaped_text_and_no_build_time():
    xml = atom_feed(
        SITE, [entry("https://x.org/b/", 9, author="Guest"), entry("https://x.org/", 2)]
    )
    assert xml == atom_feed(
        SITE, [entry("https://x.org/b/", 9, "Guest"), entry("https://x.org/", 2)]
    )
    feed = ElementTree.fromstring(xml)
    assert feed.findtext(f"{ATOM}updated") == "2026-01-09T00:00:00Z"
    first, second = feed.findall(f"{ATOM}entry")
    assert (
        first.findtext(f"{ATOM}title") == "T & 9" and first.findtext(f"{ATOM}summary") == "<b>s</b>"
    )
    assert first.findtext(f"{ATOM}author/{ATOM}name") == "Guest"
    assert second.find(f"{ATOM}author") is None  # the feed's author covers it
    assert b"&lt;b&gt;s&lt;/b&gt;" in xml


def test_the_sitemap_lists_urls_with_their_dates():
    xml = sitemap([("https://x.org/", datetime.date(2026, 1, 2)), ("https://x.org/a/", None)])
    root = ElementTree.fromstring(xml)
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    assert [(u.findtext(f"{ns}loc"), u.findtext(f"{ns}lastmod")) for u in root] == [
        ("https://x.org/", "2026-01-02"),
        ("https://x.org/a/", None),
    ]
