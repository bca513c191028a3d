"""The PNG painter against the scene format: each primitive lands where its numbers say.

The oracle is the geometry itself: a pixel well inside a shape must have the shape's colour and
one well outside must have the paper's, a half-transparent colour over paper must come out at
the midpoint, and a dashed line must have paper in its gaps.
"""

import io
import struct
from pathlib import Path

import pytest
from PIL import Image

from pgcore.figures import make_figure
from pgcore.figures.explainer import MODES
from pgcore.scene import ROLES, arrow
from sitebuild.palette import palette_from_css
from sitebuild.png import SUPERSAMPLE, Pen, encode_png, paint_scene, role_colour, supersampled
from sitebuild.social import render_social_image

STYLESHEET = Path(__file__).parent.parent / "site_templates" / "assets" / "style.css"
PAPER, INK, GOAL, PIT, A0 = (250, 248, 240), (20, 20, 20), (0, 160, 60), (200, 30, 30), (0, 90, 200)
PALETTE = {"paper": PAPER, "ink": INK, "goal": GOAL, "pit": PIT, "a0": A0}
SCALE = 2


def scene(*items, width=100, height=60):
    """A scene of the given items."""
    return {"width": width, "height": height, "items": list(items)}


def render_png(scene, palette, scale=2):
    """A scene alone as PNG bytes, scale pixels per scene unit on the paper colour, drawn as the
    sharing card draws its figure (sitebuild/social.py)."""
    size = (round(scene["width"] * scale), round(scene["height"] * scale))
    image = Image.new("RGB", supersampled(size), role_colour(palette, "paper", "scene"))
    paint_scene(Pen(image, scale * SUPERSAMPLE), scene, palette)
    return encode_png(image.resize(size, Image.Resampling.LANCZOS))


def draw(*items, **size):
    """Render items with the test palette and return the image."""
    return Image.open(io.BytesIO(render_png(scene(*items, **size), PALETTE, scale=SCALE)))


def at(image, x, y):
    """The colour under scene point (x, y)."""
    return image.getpixel((int(x * SCALE), int(y * SCALE)))


def near(colour, expected, tolerance=3):
    """Whether two colours agree channel by channel within tolerance."""
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=True))


def mix(colour, alpha):
    """colour at opacity alpha over the paper."""
    return [alpha * c + (1 - alpha) * p for c, p in zip(colour, PAPER, strict=True)]


def share(pixel, colour):
    """How far a pixel is from the paper towards colour: 0 is paper, 1 is colour."""
    span = [c - p for c, p in zip(colour, PAPER, strict=True)]
    moved = [c - p for c, p in zip(pixel, PAPER, strict=True)]
    return sum(m * s for m, s in zip(moved, span, strict=True)) / sum(s * s for s in span)


def shows(image, x, y, colour):
    """Whether scene point (x, y) is at least 3/4 of the way from the paper to colour.

    Antialiasing and the Lanczos filter's slight ringing move pixels near an edge a little; a
    point that is inside a shape by a pixel or more still clears this bar, and one outside never.
    """
    return share(at(image, x, y), colour) >= 0.75


def blank(image, x, y):
    """Whether scene point (x, y) shows the paper (within the filter's ringing)."""
    return near(at(image, x, y), PAPER, 12)


def colours(image):
    """The set of colours in an image."""
    return {colour for _, colour in image.getcolors(image.width * image.height)}


def darkest(image):
    """The lowest grey level in an image."""
    return image.convert("L").getextrema()[0]


def chunks(png):
    """The chunk types of a PNG file, in order."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    types, offset = [], 8
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        types.append(png[offset + 4 : offset + 8].decode("ascii"))
        offset += 12 + length
    return types


# -- primitives -----------------------------------------------------------------------------------


def test_image_has_the_scene_size_times_scale_on_paper():
    image = draw(width=100, height=60)
    assert image.size == (200, 120) and image.mode == "RGB"
    assert colours(image) == {PAPER}


def test_rect_fills_its_box_and_nothing_else():
    image = draw({"kind": "rect", "x": 20, "y": 10, "w": 40, "h": 30, "fill": "goal"})
    for x, y in [(22, 12), (40, 25), (58, 38)]:
        assert shows(image, x, y, GOAL), (x, y)
    for x, y in [(18, 25), (62, 25), (40, 8), (40, 42)]:
        assert blank(image, x, y), (x, y)


def test_shapes_cover_exactly_their_pixels_on_both_sides():
    # A box from 10 to 50 at scale 2 covers pixel columns 20 to 99, as the canvas does.
    for item in (
        {"kind": "rect", "x": 10, "y": 10, "w": 40, "h": 40, "fill": "ink"},
        {"kind": "circle", "x": 30, "y": 30, "r": 20, "fill": "ink"},
    ):
        image = draw(item)
        row = [share(image.getpixel((column, 60)), INK) for column in (19, 20, 99, 100)]
        assert row[0] < 0.1 and row[1] > 0.9 and row[2] > 0.9 and row[3] < 0.1, (item, row)


def test_rounded_rect_leaves_its_corners_to_the_paper():
    image = draw({"kind": "rect", "x": 20, "y": 10, "w": 40, "h": 30, "r": 10, "fill": "goal"})
    assert blank(image, 21, 11)  # inside the box, outside the corner's arc
    assert shows(image, 30, 20, GOAL)  # at the arc's centre
    assert shows(image, 21, 25, GOAL)  # along the straight left side


def test_rect_stroke_is_centred_on_the_edge():
    image = draw({"kind": "rect", "x": 20, "y": 10, "w": 40, "h": 30, "stroke": "pit", "lw": 4})
    assert shows(image, 20, 25, PIT) and shows(image, 60, 25, PIT)
    assert shows(image, 40, 10, PIT) and shows(image, 40, 40, PIT)
    assert blank(image, 40, 25)  # no fill
    assert blank(image, 16, 25) and blank(image, 24, 25)


def test_circle_and_ellipse_cover_their_radii():
    image = draw(
        {"kind": "circle", "x": 25, "y": 30, "r": 15, "fill": "a0"},
        {"kind": "ellipse", "x": 70, "y": 30, "rx": 20, "ry": 10, "fill": "pit"},
    )
    assert shows(image, 25, 30, A0) and shows(image, 25 + 9, 30 + 9, A0)  # 12.7 < 15
    assert blank(image, 25 + 12, 30 + 12)  # 17 > 15
    assert shows(image, 70 + 18, 30, PIT) and shows(image, 70, 30 + 8, PIT)
    assert blank(image, 70 + 16, 30 + 8)  # (0.8, 0.8) lies outside the unit circle
    assert blank(image, 70, 30 + 12)


def test_circle_stroke_without_fill_is_a_ring():
    image = draw({"kind": "circle", "x": 50, "y": 30, "r": 20, "stroke": "ink", "lw": 4})
    assert shows(image, 50 + 20, 30, INK) and shows(image, 50, 30 - 20, INK)
    assert blank(image, 50, 30) and blank(image, 50 + 25, 30)


def test_path_strokes_its_segments_and_fills_when_closed():
    open_path = {
        "kind": "path",
        "points": [[10, 10], [50, 10], [50, 50]],
        "closed": False,
        "stroke": "ink",
        "lw": 3,
    }
    triangle = {"kind": "path", "points": [[60, 50], [95, 50], [95, 15]], "closed": True}
    image = draw(open_path, triangle | {"fill": "goal"})
    assert shows(image, 30, 10, INK) and shows(image, 50, 30, INK)
    assert blank(image, 30, 30)  # an open path without fill is only its line
    assert shows(image, 88, 44, GOAL) and blank(image, 65, 20)


def test_round_caps_extend_a_line_by_half_its_width():
    image = draw(
        {"kind": "path", "points": [[20, 30], [80, 30]], "closed": False, "stroke": "ink", "lw": 8}
    )
    assert shows(image, 17, 30, INK) and shows(image, 83, 30, INK)
    assert blank(image, 15, 30) and blank(image, 85, 30)


def test_arrow_head_sits_at_x2_y2():
    image = draw(*arrow(10, 30, 90, 30, head=16, stroke="a0", lw=2))
    assert shows(image, 88, 30, A0)  # just behind the tip
    assert shows(image, 76, 30 + 6, A0)  # the head is 0.55 head wide on each side at its base
    assert blank(image, 93, 30)  # beyond the tip
    assert shows(image, 40, 30, A0) and blank(image, 40, 30 + 4)  # a thin shaft


def test_arrow_points_whichever_way_x1_y1_to_x2_y2_goes():
    image = draw(*arrow(50, 55, 50, 5, head=16, stroke="a0"))
    assert shows(image, 50, 7, A0) and shows(image, 50 + 6, 5 + 14, A0)
    assert blank(image, 50 + 6, 55 - 16)


def test_text_anchors_on_x_and_centres_on_y():
    def ink_box(anchor, weight="normal"):
        text = {"kind": "text", "x": 100, "y": 30, "text": "J(θ) a₁", "size": 16}
        image = draw(text | {"anchor": anchor, "weight": weight}, width=200)
        mask = image.convert("L").point(lambda v: 255 if v < 128 else 0)
        left, top, right, bottom = (edge / SCALE for edge in mask.getbbox())
        return left, top, right, bottom, mask.histogram()[255]

    start, middle, end = ink_box("start"), ink_box("middle"), ink_box("end")
    # The ink starts at x and ends at x, give or take a glyph's side bearing.
    assert 98 <= start[0] < 102 and 96 < end[2] <= 100 and start[2] - start[0] > 20
    # Middle moves the text back by half of what end moves it: half its advance.
    assert abs((start[0] - middle[0]) - (start[0] - end[0]) / 2) <= 1 / SCALE
    for _, top, _, bottom, _ in (start, middle, end):
        assert abs((top + bottom) / 2 - 30) < 16 * 0.2
    assert ink_box("start", "bold")[4] > 1.2 * start[4]


def test_text_draws_in_ink_unless_it_has_a_fill():
    text = {"kind": "text", "x": 50, "y": 30, "text": "HHH", "size": 30, "anchor": "middle"}
    plain, coloured = draw(text), draw(text | {"fill": "pit"})
    assert darkest(plain) < 60
    assert any(near(c, PIT, 10) for c in colours(coloured))
    assert not any(near(c, PIT, 10) for c in colours(plain))


def test_half_alpha_over_paper_blends_to_the_midpoint():
    image = draw(
        {"kind": "rect", "x": 10, "y": 10, "w": 30, "h": 40, "fill": "a0", "alpha": 0.5},
        {"kind": "circle", "x": 70, "y": 30, "r": 15, "fill": "pit", "alpha": 0.25},
    )
    assert near(at(image, 25, 30), mix(A0, 0.5), 2)
    assert near(at(image, 70, 30), mix(PIT, 0.25), 2)
    assert blank(image, 50, 30)


def test_translucent_text_blends_like_any_other_item():
    text = {"kind": "text", "x": 50, "y": 30, "text": "HHH", "size": 40, "anchor": "middle"}
    image = draw(text | {"weight": "bold", "fill": "pit", "alpha": 0.5})
    assert any(near(c, mix(PIT, 0.5), 2) for c in colours(image))  # inside the stems
    assert max(share(c, PIT) for c in colours(image)) < 0.65  # ringing at most, never opaque


def test_alpha_applies_once_to_an_items_fill_and_stroke_together():
    rect = {"kind": "rect", "x": 10, "y": 10, "w": 60, "h": 40, "fill": "goal", "stroke": "pit"}
    image = draw(rect | {"lw": 6, "alpha": 0.5})
    assert near(at(image, 10, 30), mix(PIT, 0.5), 2)  # the stroke over the fill, not a half fill
    assert near(at(image, 40, 30), mix(GOAL, 0.5), 2)


def test_dashed_line_has_gaps_where_the_pattern_is_off():
    line = {"kind": "path", "points": [[0, 30], [100, 30]], "closed": False, "stroke": "ink"}
    image = draw(line | {"lw": 1, "dash": [6, 4]})
    for start in range(0, 90, 10):
        assert shows(image, start + 3, 30, INK), start  # middle of an 'on' stretch
        assert blank(image, start + 8, 30), start  # middle of a gap


def test_dash_pattern_runs_on_across_a_vertex():
    corner = {"kind": "path", "points": [[10, 10], [14, 10], [14, 50]], "closed": False}
    image = draw(corner | {"stroke": "ink", "lw": 1, "dash": [10, 10]})
    assert shows(image, 14, 14, INK)  # the first dash: 4 units along x, then 6 down
    assert blank(image, 14, 20)  # its gap
    assert shows(image, 14, 31, INK)  # the next dash


def test_dashed_outlines_of_rect_and_ellipse_have_gaps():
    rect = {"kind": "rect", "x": 5, "y": 5, "w": 40, "h": 50, "stroke": "ink", "lw": 1}
    ellipse = {"kind": "ellipse", "x": 72, "y": 30, "rx": 22, "ry": 25, "stroke": "ink", "lw": 1}
    dash = {"dash": [4, 4]}
    image = draw(rect | dash, ellipse | dash)
    left_side = [at(image, 5, y / 4) for y in range(40, 200)]
    assert any(near(c, INK, 30) for c in left_side) and any(near(c, PAPER, 10) for c in left_side)
    right_edge = [
        at(image, 72 + 22 * (1 - (t / 50) ** 2) ** 0.5, 30 + t / 2) for t in range(-40, 40)
    ]
    assert any(near(c, PAPER, 10) for c in right_edge)
    assert sum(1 for c in right_edge if not near(c, PAPER, 10)) > len(right_edge) / 4
    solid = draw(rect)
    assert not any(blank(solid, 5, y / 4) for y in range(40, 200))


def test_items_paint_in_order():
    image = draw(
        {"kind": "rect", "x": 10, "y": 10, "w": 40, "h": 40, "fill": "goal"},
        {"kind": "rect", "x": 30, "y": 10, "w": 40, "h": 40, "fill": "pit"},
    )
    assert shows(image, 20, 30, GOAL) and shows(image, 40, 30, PIT)


# -- errors ---------------------------------------------------------------------------------------


def test_unknown_kind_raises_naming_it():
    with pytest.raises(ValueError, match="'hexagon'"):
        render_png(scene({"kind": "hexagon", "x": 1, "y": 1}), PALETTE)
    with pytest.raises(ValueError, match="'hexagon'"):
        render_png(scene({"kind": "hexagon", "x": 1, "y": 1, "alpha": 0.5}), PALETTE)


def test_unknown_role_raises_naming_it():
    item = {"kind": "rect", "x": 1, "y": 1, "w": 5, "h": 5, "fill": "mauve"}
    with pytest.raises(ValueError, match="'mauve'"):
        render_png(scene(item), PALETTE)
    with pytest.raises(ValueError, match="'mauve'"):
        render_png(scene(item | {"fill": "goal", "stroke": "mauve", "alpha": 0.5}), PALETTE)
    with pytest.raises(ValueError, match="'mauve'"):
        render_social_image(scene(item), "Title", "Series", PALETTE)


def test_bad_text_anchor_and_weight_raise():
    text = {"kind": "text", "x": 5, "y": 5, "text": "x", "size": 10}
    with pytest.raises(ValueError, match="'left'"):
        render_png(scene(text | {"anchor": "left"}), PALETTE)
    with pytest.raises(ValueError, match="'heavy'"):
        render_png(scene(text | {"weight": "heavy"}), PALETTE)


# -- palette --------------------------------------------------------------------------------------

CSS = """
/* --pg-ink: #ff0000; in a comment does not count */
:root {
  color-scheme: light dark;
  --pg-ink: #112233;
  --pg-paper: #fff;   /* short hex */
  --pg-font: system-ui, sans-serif;
}
.f-ink { fill: var(--pg-ink); }
@media screen and (prefers-color-scheme: dark) {
  :root {
    --pg-paper: #000000;
  }
}
@media print { :root { --pg-ink: #999999; } }
"""


def test_palette_reads_the_light_root_block():
    assert palette_from_css(CSS, "light", roles=("ink", "paper")) == {
        "ink": (0x11, 0x22, 0x33),
        "paper": (255, 255, 255),
    }


def test_palette_dark_overrides_light_as_the_cascade_does():
    dark = palette_from_css(CSS, "dark", roles=("ink", "paper"))
    assert dark == {"ink": (0x11, 0x22, 0x33), "paper": (0, 0, 0)}


def test_palette_names_a_missing_role():
    with pytest.raises(ValueError, match="--pg-goal"):
        palette_from_css(CSS, "light", roles=("ink", "goal"))
    with pytest.raises(ValueError, match="--pg-font"):
        palette_from_css(CSS, "light", roles=("font",))
    with pytest.raises(ValueError, match="'sepia'"):
        palette_from_css(CSS, "sepia")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_stylesheet_has_every_scene_role(theme):
    palette = palette_from_css(STYLESHEET.read_text(encoding="utf-8"), theme, roles=ROLES)
    assert set(ROLES) <= palette.keys()
    assert all(len(rgb) == 3 and all(0 <= c <= 255 for c in rgb) for rgb in palette.values())


def test_dark_paper_is_darker_than_its_ink_and_light_the_reverse():
    css = STYLESHEET.read_text(encoding="utf-8")
    light, dark = (palette_from_css(css, theme, roles=ROLES) for theme in ("light", "dark"))
    assert sum(light["paper"]) > sum(light["ink"]) and sum(dark["paper"]) < sum(dark["ink"])


# -- the real figure ------------------------------------------------------------------------------


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("mode", MODES)
def test_every_pgcore_scene_renders(mode, theme):
    palette = palette_from_css(STYLESHEET.read_text(encoding="utf-8"), theme, roles=ROLES)
    explainer = make_figure("policy-gradient", {})
    explainer.set_mode(mode)
    for trained in (False, True):
        if trained:
            explainer.shown._train(100)
        for figure in (explainer.shown.scene(), explainer.shown.curve_scene()):
            image = Image.open(io.BytesIO(render_png(figure, palette)))
            assert image.size == (round(figure["width"] * 2), round(figure["height"] * 2))
            assert len(colours(image)) > 20  # something besides paper was drawn


def test_same_inputs_give_the_same_bytes_and_no_metadata():
    palette = palette_from_css(STYLESHEET.read_text(encoding="utf-8"), "light", roles=ROLES)
    grid = make_figure("gridworld", {})
    grid._train(50)
    first = render_png(grid.scene(), palette)
    assert render_png(grid.scene(), palette) == first
    card = render_social_image(grid.scene(), "Policy Gradients", "Vol. I", palette)
    assert render_social_image(grid.scene(), "Policy Gradients", "Vol. I", palette) == card
    for png in (first, card):
        assert chunks(png)[0] == "IHDR" and chunks(png)[-1] == "IEND"
        assert set(chunks(png)) <= {"IHDR", "IDAT", "IEND"}  # no tIME, tEXt, pHYs, ...


def test_social_image_is_open_graph_sized_with_text_left_and_scene_right():
    figure = make_figure("gridworld", {}).scene()
    palette = dict(PALETTE, cell=(230, 225, 210), faint=(200, 200, 200), muted=(120, 120, 120))
    palette |= {role: (10 * i, 100, 100) for i, role in enumerate(ROLES) if role not in palette}
    card = Image.open(io.BytesIO(render_social_image(figure, "Gradients", "Vol. I", palette)))
    assert card.size == (1200, 630)
    assert card.getpixel((2, 2)) == PAPER and card.getpixel((1197, 627)) == PAPER
    left, right = card.crop((0, 0, 560, 630)), card.crop((620, 0, 1200, 630))
    assert darkest(left) < 60  # the title in ink
    assert palette["cell"] in colours(right)  # the grid's cells
    assert palette["cell"] not in colours(left)


def test_social_image_wraps_a_long_title_inside_the_left_column():
    figure = make_figure("gridworld", {}).curve_scene()
    palette = palette_from_css(STYLESHEET.read_text(encoding="utf-8"), "light", roles=ROLES)
    title = "A very long title about policy gradients that must wrap onto several lines " * 2
    card = Image.open(io.BytesIO(render_social_image(figure, title, "Series", palette)))
    text_column = card.crop((0, 0, 600, 630)).convert("L").point(lambda v: 255 if v < 100 else 0)
    left, top, right, bottom = text_column.getbbox()
    assert left >= 60 and right < 600 and top > 0 and bottom < 630


def test_social_image_clips_the_scene_to_its_box():
    overflowing = scene({"kind": "circle", "x": 50, "y": 50, "r": 200, "fill": "pit"}, height=100)
    palette = PALETTE | {"muted": INK}
    card = Image.open(io.BytesIO(render_social_image(overflowing, "T", "S", palette)))
    # The 100x100 scene is scaled to 502 px and sits 64 px from the right edge: x 634 to 1136.
    assert near(card.getpixel((700, 315)), PIT) and near(card.getpixel((700, 70)), PIT)
    assert card.getpixel((620, 315)) == PAPER and card.getpixel((1150, 315)) == PAPER
    assert card.getpixel((700, 50)) == PAPER and card.getpixel((700, 580)) == PAPER
