"""What content may hold, and every mistake at its own line (issue 9).

Each case edits a copy of the project built on the fixture article, runs its build.py in a
subprocess and checks: exit 1, one line, no traceback, the exact file:line, and the previous
dist/ byte-identical (or, for valid input, a site with what the input asked for).
"""

import re
import sys

import pytest
from conftest import build_site
from test_build_errors import ARTICLE, add_to_body, edit, tree_digest
from test_reliability_build import assert_clean_failure, assert_untouched

PLACEHOLDER_BYTES = ("\x02", "\x03", "klzzwxh", "wzxhzdk")


def fails_at(broken, line, words, advice="", file=ARTICLE):
    """Build the broken copy: exit 1 at file:line with words and advice, dist/ untouched."""
    before = tree_digest(broken / "dist")
    result = build_site(broken, broken / "dist")
    assert_clean_failure(result, f"{file}:{line}: ", words, advice)
    assert not any(mark in result.stderr for mark in PLACEHOLDER_BYTES), result.stderr
    assert_untouched(broken / "dist", before)
    return result.stderr


def builds(broken):
    """Build the broken copy successfully; return the page's HTML."""
    result = build_site(broken, broken / "dist")
    assert result.returncode == 0, result.stderr
    return (broken / "dist" / "index.html").read_text(encoding="utf-8")


# -- content cannot leave the page ----------------------------------------------------------------

# Markup a browser would act on (navigate, submit, embed, load from elsewhere, run code), each
# as the author would write it in the body, with what the one-line refusal must say.
HOSTILE = {
    "meta refresh": ('<meta http-equiv="refresh" content="2; url=https://example.org">', "<meta>"),
    "base": ('<base href="https://example.org/">', "<base>"),
    "form": ('<form action="https://example.org"><input name="q"></form>', "<form>"),
    "button formaction": ('<p><button formaction="https://example.org">Go</button></p>', "<button"),
    "iframe srcdoc": ('<iframe srcdoc="<script>alert(1)</script>"></iframe>', "<iframe>"),
    "object": ('<object data="https://example.org/x.swf"></object>', "<object>"),
    "embed": ('<embed src="https://example.org/x">', "<embed>"),
    "link": ('<link rel="stylesheet" href="https://example.org/x.css">', "<link>"),
    "script": ("<script>alert(1)</script>", "an inline <script> element"),
    "style element": ("<style>p { color: red }</style>", "an inline <style> element"),
    "onerror in a raw-text element": (
        "<textarea><img src=x onerror=alert(1)></textarea>",
        "<textarea>",
    ),
    "title hides markup": ("<title><img src=x onerror=alert(1)></title>", "<title>"),
    "noscript": ("<noscript><p>no</p></noscript>", "<noscript>"),
    "javascript link": ('<a href="javascript:alert(1)">x</a>', "javascript:alert(1)"),
    "javascript link, tab inside": ('<a href="java\tscript:alert(1)">x</a>', "script:alert(1)"),
    "vbscript link": ('<a href="vbscript:msgbox(1)">x</a>', "vbscript:"),
    "data image": ('<img src="data:image/png;base64,AAAA" alt="x">', "data:image/png"),
    "data link": ('<a href="data:text/html,<p>x</p>">x</a>', "data:text/html"),
    "foreign image": ('<img src="https://example.org/x.png" alt="x">', "https://example.org"),
    "protocol-relative image": ('<img src="//example.org/x.png" alt="x">', "//example.org"),
    "backslash image": ('<img src="\\\\example.org/x.png" alt="x">', "example.org"),
    "svg with a link": ('<svg><a href="https://example.org"><text>x</text></a></svg>', "<svg>"),
    "math with a link": ('<math><mi href="https://example.org">x</mi></math>', "href"),
    "style attribute": ('<p style="color: red">x</p>', "a style attribute"),
    "data attribute": ('<p data-x="1">x</p>', "data-x"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_markup_that_could_act_is_refused_at_its_line(broken, case):
    html, words = HOSTILE[case]
    line = add_to_body(broken, html)
    fails_at(broken, line, words)


def test_a_meta_refresh_in_a_markdown_field_is_refused_at_the_field(broken):
    line = edit(
        broken,
        ARTICLE,
        'caption = "',
        'caption = "<meta http-equiv=\\"refresh\\" content=\\"0; url=https://example.org\\"> ',
    )
    fails_at(broken, line, "<meta> is not allowed in content")


def test_an_unclosed_comment_cannot_hide_the_rest_of_the_page(broken):
    line = add_to_body(broken, "<div>\n<!-- the rest of the page\n</div>")
    fails_at(broken, line + 1, "swallows what follows it", "close it or remove it")


def test_markdown_shows_an_unclosed_comment_in_a_paragraph_as_text(broken):
    add_to_body(broken, "Text <!-- not a comment")
    html = builds(broken)
    assert "Text &lt;!&ndash; not a comment" in html and 'id="further-reading"' in html


def test_an_unclosed_element_cannot_take_in_the_page(broken):
    text = (broken / ARTICLE).read_text(encoding="utf-8")
    (broken / ARTICLE).write_text(text + "\nLast words.\n\n<div>\n\nOpen.\n", encoding="utf-8")
    fails_at(broken, text.count("\n") + 4, "<div> is never closed", "add </div>")


def test_a_stray_end_tag_cannot_close_the_page_s_own_elements(broken):
    line = add_to_body(broken, "</section></main><p>Outside.</p>")
    fails_at(broken, line, "an end tag closes what the content did not open")


def test_an_inline_element_left_open_cannot_run_on_into_the_page(broken):
    line = add_to_body(broken, "Start of a paragraph,\nthen <b>bold that never ends.")
    fails_at(broken, line + 1, "an element is left open across the end of its paragraph")


def test_an_id_of_the_page_s_own_is_refused_in_content(broken):
    line = add_to_body(broken, '<p id="legend">Mine.</p>')
    fails_at(broken, line, "the id 'legend' is used twice", "rename one")


def test_the_html_markdown_makes_builds(broken):
    add_to_body(
        broken,
        '<abbr title="REINFORCE">R</abbr>, <kbd>Ctrl</kbd>, x<sup>2</sup>, <mark>m</mark>.\n\n'
        "| move | π |\n|:--|--:|\n| up | 0.25 |\n\n"
        "> A quote with `code \\theta` and $$\\sum_t G_t$$.\n\n"
        '<a href="https://example.org" title="out">out</a> and <a href="#try-this">in</a>.',
    )
    html = builds(broken)
    assert '<abbr title="REINFORCE">' in html and '<td align="right">0.25</td>' in html
    assert "pgsrc-" not in html, "the source marks are removed from the finished page"


# -- every mistake at its own line ----------------------------------------------------------------


def test_latex_outside_math_in_a_paragraph_is_reported_at_that_paragraph(broken):
    # The fixture has \theta earlier (in the glossary): the old search reported that line.
    line = add_to_body(broken, "First line of a paragraph,\nthen \\theta outside any $ signs.")
    fails_at(broken, line + 1, "LaTeX left unrendered: \\theta", "math belongs between $...$")


def test_latex_outside_math_in_a_heading_is_reported_at_the_heading(broken):
    line = edit(broken, ARTICLE, "## Why it matters", "## Why \\theta matters")
    fails_at(broken, line, "LaTeX left unrendered: \\theta")


def test_a_mistake_after_a_block_of_raw_html_keeps_its_line(broken):
    line = add_to_body(broken, '<div class="note">\n<p>One.</p>\n\n<p>Two.</p>\n</div>\n\nAfter.')
    lines = (broken / ARTICLE).read_text(encoding="utf-8").splitlines()
    after = lines.index("After.", line) + 1
    edit(broken, ARTICLE, "After.", "After $\\nablaa$.")
    fails_at(broken, after, "unknown LaTeX command \\nablaa")


def test_a_mistake_in_a_list_item_is_reported_at_the_item(broken):
    line = edit(broken, ARTICLE, "2. Move the goal.", "2. Move the $\\nope$ goal.")
    fails_at(broken, line, "unknown LaTeX command \\nope")


def test_a_mistake_in_a_table_row_is_reported_at_the_row(broken):
    line = add_to_body(broken, "| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | $\\zz$ |")
    fails_at(broken, line + 3, "unknown LaTeX command \\zz")


def test_an_escape_in_a_link_target_resolves(broken):
    (broken / "content" / "my_file.txt").write_text("notes", encoding="utf-8")
    add_to_body(broken, "See [notes](my\\_file.txt).")
    html = builds(broken)
    (shipped,) = (broken / "dist" / "media").glob("my_file.*.txt")
    assert f'href="media/{shipped.name}"' in html


def test_a_missing_link_target_is_named_without_placeholder_bytes(broken):
    line = add_to_body(broken, "See [notes](gone\\_file.txt).")
    fails_at(broken, line, "linked file 'gone_file.txt' does not exist", "add the file there")


def test_a_backslash_in_a_reference_url_is_reported_at_the_url(broken):
    line = edit(broken, ARTICLE, 'url = "http://', 'url = "http:\\\\')
    fails_at(broken, line, "is not a web address", "without spaces or backslashes")


def test_a_script_url_in_a_reference_is_refused_at_the_url(broken):
    line = edit(broken, ARTICLE, 'url = "http://', 'url = "javascript:alert(1)//')
    fails_at(broken, line, "is not a web address")


# -- one line, exit 1, no traceback ---------------------------------------------------------------


def test_lists_nested_hundreds_deep_fail_in_one_line(broken):
    nested = "\n".join("    " * depth + "- x" for depth in range(250))
    line = add_to_body(broken, nested)
    fails_at(broken, line, "nested too deeply", "flatten it")


def test_a_bad_port_is_one_line_and_exit_1(broken):
    import subprocess

    result = subprocess.run(
        [sys.executable, str(broken / "build.py"), "--serve", "--port", "99999"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "build.py: error: argument --port: 99999 is not a port: use a number from 0 to 65535 "
        "(see build.py --help)"
    )


def test_an_internal_error_is_one_line_unless_debug(tmp_path, monkeypatch, capsys):
    import build

    def broken_render(sources, live_reload=False, memo=None):
        raise ValueError("a bug")

    monkeypatch.setattr("sitebuild.cli.render", broken_render)
    out = tmp_path / "dist"
    assert build.main(["--out", str(out)]) == 1
    message = capsys.readouterr().err
    assert message == (
        "build.py: error: internal error (ValueError: a bug); this is a bug in build.py: run it "
        "again with --debug and report the traceback\n"
    )
    assert build.main(["--out", str(out), "--debug"]) == 1
    message = capsys.readouterr().err
    assert message.startswith("Traceback") and "ValueError: a bug" in message
    assert not out.exists()


# -- input text -----------------------------------------------------------------------------------


def test_a_byte_order_mark_is_accepted(broken):
    plain = builds(broken)
    path = broken / ARTICLE
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert builds(broken) == plain


def test_windows_newlines_keep_every_line_number(broken):
    line = add_to_body(broken, "So $\\nablaa$ here.")
    path = broken / ARTICLE
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    fails_at(broken, line, "unknown LaTeX command \\nablaa")


def test_a_latin_1_byte_is_reported_with_line_and_column(broken):
    line = add_to_body(broken, "Café au lait.")
    path = broken / ARTICLE
    path.write_bytes(path.read_bytes().replace("Café".encode(), "Café".encode("latin-1")))
    fails_at(broken, line, "column 4: byte 0xe9 is not UTF-8 text", "save the file as UTF-8")


@pytest.mark.parametrize("char, name", [("\x00", "U+0000 (NUL)"), ("\x1b", "U+001B (ESC)")])
def test_control_characters_are_refused_at_their_line(broken, char, name):
    line = add_to_body(broken, f"Invisible{char}here.")
    fails_at(broken, line, f"column 10: control character {name}", "delete it")


def test_an_invisible_line_separator_is_refused(broken):
    line = add_to_body(broken, "One\u2028two.")
    fails_at(broken, line, "a line separator (U+2028)", "replace it with a newline")


# -- ids ------------------------------------------------------------------------------------------


def page_ids(html):
    """Every id attribute of a page, in order."""
    return re.findall(r'\sid="([^"]*)"', html)


def test_sections_named_like_the_page_s_own_parts_get_their_own_ids(broken):
    for title in ("Further reading", "Figure 1", "Legend", "Gradient", "Article"):
        add_to_body(broken, f"## {title}\n\nText.")
    ids = page_ids(builds(broken))
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for expected in ("further-reading-2", "figure-1-2", "legend-2", "gradient-2", "article-2"):
        assert expected in ids


def test_headings_in_any_script_keep_their_letters_and_stay_unique(broken):
    for title in ("مرحبا بالعالم", "你好 世界", "🎉", "🎉", "Ünïcödé"):
        add_to_body(broken, f"## {title}\n\nText.")
    html = builds(broken)
    ids = page_ids(html)
    assert len(ids) == len(set(ids))
    assert {"مرحبا-بالعالم", "你好-世界", "ünïcödé"} <= set(ids)
    assert len([i for i in ids if re.fullmatch(r"section-\d+", i)]) == 2


def test_a_link_to_a_unicode_heading_resolves(broken):
    add_to_body(broken, "## 你好 世界\n\nSee [above](#你好-世界).")
    assert 'href="#你好-世界"' in builds(broken)


def test_a_link_to_no_id_is_reported_at_its_line(broken):
    line = add_to_body(broken, "Para one.\n\nSee [below](#nowhere).")
    fails_at(broken, line + 2, "no element has that id", "link to a section")


def test_the_page_template_cannot_give_two_elements_one_id(broken):
    page = "site_templates/page.html"
    edit(broken, page, "{% block main %}\n", '{% block main %}\n<p id="gradient">Twice.</p>\n')
    before = tree_digest(broken / "dist")
    result = build_site(broken, broken / "dist")
    assert_clean_failure(result, f"{page}: ", "the id 'gradient' is used twice", "rename one")
    assert_untouched(broken / "dist", before)
