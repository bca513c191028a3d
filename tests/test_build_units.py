"""The generator's pure parts on hand-made inputs: SVG, LaTeX, markdown, front matter, writing."""

import hashlib
import json
import re
import xml.etree.ElementTree as ET

import pytest

from pgcore.scene import arrow
from sitebuild import BuildError
from sitebuild.checks import check_page
from sitebuild.frontmatter import FrontMatterError, parse_front_matter, split_front_matter
from sitebuild.gather import parse_sections
from sitebuild.manifest import MANIFEST
from sitebuild.marks import SourceMarks
from sitebuild.markup import MarkupError, render_latex, render_markdown
from sitebuild.prose import hashed_name
from sitebuild.series import relative_url
from sitebuild.svg import render_svg
from sitebuild.write import write_site

ROLES = ("ink", "muted", "accent", "goal", "pit", "a0")
SVG = "{http://www.w3.org/2000/svg}"


def svg_tree(scene, **kwargs):
    """Render a scene and parse the SVG back."""
    return ET.fromstring(str(render_svg(scene, ROLES, **kwargs)))


def scene(*items, width=100, height=50):
    """A scene of the given items."""
    return {"width": width, "height": height, "items": list(items)}


# -- SVG ------------------------------------------------------------------------------------------


def test_svg_maps_roles_to_classes_and_numbers_to_attributes():
    rect = {
        "kind": "rect",
        "x": 1,
        "y": 2.5,
        "w": 10,
        "h": 20,
        "r": 3,
        "fill": "goal",
        "stroke": "ink",
        "lw": 2,
        "alpha": 0.5,
        "dash": [4, 2],
    }
    root = svg_tree(scene(rect), pg="static", label="A figure")
    assert root.get("viewBox") == "0 0 100 50"
    assert root.get("data-pg") == "static" and root.get("aria-label") == "A figure"
    (element,) = root
    assert element.tag == SVG + "rect"
    assert element.get("class") == "f-goal s-ink"
    assert (element.get("x"), element.get("y"), element.get("width")) == ("1", "2.5", "10")
    assert (element.get("rx"), element.get("stroke-width")) == ("3", "2")
    assert element.get("opacity") == "0.5" and element.get("stroke-dasharray") == "4 2"


def test_svg_has_no_style_attributes_and_fill_none_when_unfilled():
    items = [
        {"kind": "circle", "x": 5, "y": 5, "r": 2, "stroke": "accent"},
        {"kind": "ellipse", "x": 5, "y": 5, "rx": 2, "ry": 1, "fill": "pit"},
        {"kind": "path", "points": [[0, 0], [1, 1], [2, 0]], "closed": False, "stroke": "ink"},
        {"kind": "path", "points": [[0, 0], [1, 1], [2, 0]], "closed": True, "fill": "a0"},
        *arrow(0, 0, 10, 0, head=4, stroke="ink"),
        {
            "kind": "text",
            "x": 5,
            "y": 5,
            "text": "J(θ) < 1 & more",
            "size": 12,
            "anchor": "middle",
            "weight": "bold",
            "fill": "muted",
        },
    ]
    markup = str(render_svg(scene(*items), ROLES))
    assert "style=" not in markup
    root = ET.fromstring(markup)
    kinds = [element.tag.removeprefix(SVG) for element in root]
    assert kinds == ["circle", "ellipse", "polyline", "polygon", "polyline", "polygon", "text"]
    circle, ellipse, polyline, polygon = root[:4]
    assert circle.get("fill") == "none" and circle.get("class") == "s-accent"
    assert ellipse.get("class") == "f-pit" and ellipse.get("fill") is None
    assert polyline.get("fill") == "none" and polyline.get("points") == "0,0 1,1 2,0"
    text = root[-1]
    assert text.text == "J(θ) < 1 & more"
    assert text.get("class") == "t f-muted" and text.get("text-anchor") == "middle"


def test_an_arrow_reaches_the_svg_as_its_shaft_and_head():
    # pgcore.scene decides the geometry: the shaft stops 0.8 head before the tip; the head is
    # 4 long and 2 * 0.55 * 4 wide. The painters only draw the two paths.
    shaft, head = svg_tree(scene(*arrow(0, 0, 10, 0, head=4, stroke="ink", lw=2)))
    assert shaft.get("points") == "0,0 6.8,0" and shaft.get("stroke-width") == "2"
    assert shaft.get("class") == "s-ink" and shaft.get("fill") == "none"
    assert head.get("points") == "10,0 6,2.2 6,-2.2"
    assert head.get("class") == "f-ink"


def test_svg_text_without_fill_is_ink():
    text = {"kind": "text", "x": 1, "y": 1, "text": "x", "size": 10}
    (element,) = svg_tree(scene(text))
    assert element.get("class") == "t f-ink"


@pytest.mark.parametrize(
    "item, message",
    [
        ({"kind": "blob", "x": 0}, "unknown scene item kind"),
        ({"kind": "circle", "x": 0, "y": 0, "r": 1, "fill": "hotpink"}, "unknown colour role"),
        ({"kind": "circle", "x": float("nan"), "y": 0, "r": 1}, "finite number"),
    ],
)
def test_svg_rejects_what_the_painter_could_not_draw(item, message):
    with pytest.raises(ValueError, match=message):
        render_svg(scene(item), ROLES)


# -- LaTeX and markdown ---------------------------------------------------------------------------


def test_latex_renders_to_mathml():
    mathml = render_latex(r"\nabla_\theta J(\theta)", display=True)
    assert mathml.startswith("<math") and 'display="block"' in mathml
    assert "\\" not in mathml


@pytest.mark.parametrize("tex", [r"\nablaa x", r"\foo", r"\text{\bar}"])
def test_unknown_latex_commands_are_errors(tex):
    # latex2mathml passes unknown commands through as text (<mi>\foo</mi>); the build must not.
    with pytest.raises(MarkupError, match="unknown LaTeX command"):
        render_latex(tex)


@pytest.mark.parametrize("tex", [r"x^{", r"\frac{1}{", r"x^{ y", "a}{b"])
def test_unparsable_latex_is_an_error(tex):
    with pytest.raises(MarkupError, match="cannot parse LaTeX"):
        render_latex(tex)


def test_math_is_protected_from_markdown():
    html = render_markdown(r"Weights $a_t * b_t * c_t$ and *emphasis*, $\pi_\theta$.")
    assert "<em>emphasis</em>" in html
    assert html.count("<math") == 2 and "<em>t" not in html
    assert "\\" not in html


def test_code_spans_and_escaped_dollars_stay_text():
    html = render_markdown(r"Price \$5, code `$x$`, prices $5 and $6.")
    assert "<math" not in html
    assert "<code>$x$</code>" in html and "$5" in html


def test_display_math():
    assert 'display="block"' in render_markdown("$$\\sum_t G_t$$")


def test_inline_markdown_drops_the_paragraph():
    assert render_markdown("one *line*", inline=True) == "one <em>line</em>"
    with pytest.raises(MarkupError):
        render_markdown("two\n\nparagraphs", inline=True)


def test_links_go_through_the_resolver():
    html = render_markdown("[a](figure.png) [b](#sec)", resolve_link=lambda url: "x/" + url)
    assert 'href="x/figure.png"' in html and 'href="x/#sec"' in html


# -- front matter and sections --------------------------------------------------------------------

ARTICLE = """+++
title = "T"
lede = "L"
description = "D"
date = 2026-01-02
author = "S"
edition = "E"

[[legend]]
mark = "agent"
text = "A"

[gradient]
title = "G"
formula = 'x'
reading = "R"

[[gradient.glossary]]
symbol = 'x'
meaning = "M"

[[references]]
authors = "A"
year = 1992
title = "T"
venue = "V"
+++

## One

Text.

## Two $x$

More.
"""


def parse(text, path="a.md"):
    """Split and parse an article."""
    front, body, first = split_front_matter(text, path)
    return (*parse_front_matter(front, path), body, first)


def test_front_matter_parses_and_locates_keys():
    data, locate, body, first = parse(ARTICLE)
    lines = ARTICLE.splitlines()
    assert data["legend"] == [{"mark": "agent", "text": "A"}]
    assert lines[locate("legend", 0, "mark") - 1] == 'mark = "agent"'
    assert lines[locate("gradient", "glossary", 0, "meaning") - 1] == 'meaning = "M"'
    assert lines[locate("references", 0, "year") - 1] == "year = 1992"
    assert lines[first - 1] == ""  # the body starts right after the closing +++


@pytest.mark.parametrize(
    "old, new, line, message",
    [
        # an array may span lines, so TOML notices the missing ] on the next line
        ('mark = "agent"', 'mark = ["agent"', 11, "not valid TOML"),
        ("year = 1992", "year = 19.92", 24, "expected a whole number or a string"),
        ('title = "T"\n', "", 1, "missing required key 'title'"),
        ('venue = "V"', 'venue = "V"\npages = 3', 27, "unknown key 'pages'"),
        ("symbol = 'x'", "symbol = 3", 19, "gradient.glossary.symbol: expected a string"),
    ],
)
def test_front_matter_errors_name_the_line(old, new, line, message):
    with pytest.raises(BuildError) as caught:
        parse(ARTICLE.replace(old, new, 1))
    assert (caught.value.file, caught.value.line) == ("a.md", line)
    if message != "not valid TOML":
        assert isinstance(caught.value, FrontMatterError) and caught.value.key
    assert message in caught.value.message


def test_front_matter_needs_its_fences():
    with pytest.raises(BuildError, match="must start"):
        parse("title = 1\n")
    with pytest.raises(BuildError, match="no closing"):
        parse("+++\ntitle = 1\n")


def test_sections_split_at_level_two_headings():
    _, _, body, first = parse(ARTICLE)
    sections = parse_sections(body, first, "a.md")
    assert [(s.id, s.title, s.line) for s in sections] == [
        ("one", "One", 29),
        ("two-x", "Two $x$", 33),
    ]
    with pytest.raises(BuildError, match="before the first"):
        parse_sections("intro\n## One\n", 5, "a.md")
    with pytest.raises(BuildError, match=r"LaTeX left unrendered: \\theta") as caught:
        parse_sections("## One\n## The \\theta trick\n", 5, "a.md")
    assert caught.value.line == 6


def test_section_ids_are_unique_over_the_page_and_keep_every_script():
    body = "## One\n## One\n## Further reading\n## 你好 世界\n## 🎉\n## 🎉\n## Figure\n"
    sections = parse_sections(body, 1, "a.md", reserved={"figure", "further-reading"})
    assert [s.id for s in sections] == [
        "one",
        "one-2",
        "further-reading-2",
        "你好-世界",
        "section-5",
        "section-6",
        "figure-2",
    ]


# -- names and writing ----------------------------------------------------------------------------


def test_hashed_names_and_relative_urls():
    assert re.fullmatch(r"assets/style\.[0-9a-f]{8}\.css", hashed_name("assets/style.css", b"x"))
    assert hashed_name("a/b.css", b"x") != hashed_name("a/b.css", b"y")
    assert relative_url("pyodide/1/", "assets/loader.js") == "../pyodide/1/"
    assert relative_url("assets/lock.json", "assets/loader.js") == "lock.json"


def tree(folder):
    """Map every file under folder but the manifest to its bytes."""
    return {
        p.relative_to(folder): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and p.name != MANIFEST
    }


def test_the_manifest_lists_every_file_with_its_size_and_sha256(tmp_path):
    out = tmp_path / "dist"
    write_site({"index.html": b"one", "a/b.txt": b"bb"}, out)
    listed = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert listed == {
        "a/b.txt": {"size": 2, "sha256": hashlib.sha256(b"bb").hexdigest()},
        "index.html": {"size": 3, "sha256": hashlib.sha256(b"one").hexdigest()},
    }


def test_write_swaps_the_new_site_in(tmp_path):
    out = tmp_path / "dist"
    write_site({"index.html": b"one", "a/b.txt": b"b"}, out)
    write_site({"index.html": b"two"}, out)
    assert tree(out) == {out.joinpath("index.html").relative_to(out): b"two"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_a_failed_write_leaves_the_previous_site(tmp_path):
    out = tmp_path / "dist"
    write_site({"index.html": b"one"}, out)
    before = tree(out)
    with pytest.raises(BuildError, match="cannot write the site"):
        write_site({"index.html": b"two", "x": tmp_path / "missing-file"}, out)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


# -- the page check: content against the allow-list, trusted islands against the CSP ---------------


def check(body, marks):
    """Run the page check on a minimal page around body."""
    page = f"<!doctype html><html><head><title>t</title></head><body><main>{body}</main></body>"
    check_page(page, {"index.html"}, marks, example_id="one")


def test_html_the_project_makes_may_sit_inside_content_as_a_trusted_island():
    marks = SourceMarks()
    figure = (
        '<figure id="f" data-pg="x"><canvas></canvas><button type="button">Go</button></figure>'
    )
    check(f"{marks.open('a.md', 3)}<p>Text</p>{marks.trusted(figure)}{marks.close()}", marks)
    with pytest.raises(BuildError, match="<figure data-pg=…> is not allowed") as caught:
        check(f"{marks.open('a.md', 3)}<p>Text</p>\n{figure}{marks.close()}", marks)
    assert (caught.value.file, caught.value.line) == ("a.md", 4)
    with pytest.raises(BuildError, match="an onclick attribute"):
        check(marks.trusted('<button onclick="go()">Go</button>'), marks)


def test_the_marks_are_removed_from_the_finished_page():
    marks = SourceMarks()
    html = f"{marks.open('a.md', 1)}<p>x</p>{marks.close()}"
    assert marks.strip(html) == "<p>x</p>"
