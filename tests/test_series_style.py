"""The stylesheet's part for what authors write: code colours readable in both themes, a style for
every callout kind the build accepts, and for the token classes the highlighter emits."""

import re

import pytest
from conftest import ROOT

from sitebuild.extensions import ADMONITIONS, CODE_CLASS
from sitebuild.markup import render_markdown
from sitebuild.palette import palette_from_css

CSS = (ROOT / "site_templates" / "assets" / "style.css").read_text(encoding="utf-8")
CODE_ROLES = ("ink", "comment", "keyword", "string", "number", "name", "builtin", "deleted")
CODE_ROLES += ("inserted",)


def luminance(rgb):
    """WCAG 2 relative luminance of an sRGB colour."""
    channels = [c / 255 for c in rgb]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a, b):
    """WCAG 2 contrast ratio of two colours."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_is_computed_as_wcag_defines_it():
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast((119, 119, 119), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_code_colour_reads_against_the_code_background(theme):
    colours = palette_from_css(CSS, theme, roles=(*CODE_ROLES, "bg"), prefix="code")
    for role in CODE_ROLES:
        ratio = contrast(colours[role], colours["bg"])
        assert ratio >= 4.5, f"--code-{role} on --code-bg is {ratio:.2f}:1 in the {theme} theme"


def test_the_themes_give_the_code_its_own_colours():
    light = palette_from_css(CSS, "light", roles=CODE_ROLES, prefix="code")
    dark = palette_from_css(CSS, "dark", roles=CODE_ROLES, prefix="code")
    assert all(light[role] != dark[role] for role in CODE_ROLES)


def test_every_callout_kind_has_its_colour():
    for kind in ADMONITIONS:
        assert re.search(rf"\.admonition\.{kind}\s*\{{[^}}]*--callout", CSS), kind


SAMPLE = '''```python
import math

@cache
def area(r: float) -> float:
    """A circle's area."""
    return math.pi * r ** 2  # pi r squared
```
'''


def test_the_token_classes_python_gets_are_coloured():
    html = str(render_markdown(SAMPLE))
    classes = set(re.findall(r'<span class="([a-z0-9]+)">', html))
    styled = set(re.findall(rf"\.{CODE_CLASS} \.([a-z0-9]+)\b", CSS))
    # Plain names, punctuation, operators and whitespace take the code's own ink.
    assert classes - styled <= {"n", "p", "o", "w"}, classes - styled
    assert {"kn", "nd", "k", "nf", "sd", "mi", "c1", "nb"} <= classes
