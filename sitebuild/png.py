"""Scenes (pgcore.scene's plain data) to PNG with Pillow: the figure in a shared link's preview.

The third painter beside painter.js (canvas) and svg.py (SVG). Like them it decides nothing about
the figure: each primitive becomes Pillow drawing calls (an arrow is two paths), round caps
and joins, dash phase and centred text, and colours looked up by role in a palette read from the
stylesheet's --pg-<role> custom properties, so the three share one set of colours.

Pillow draws shapes without antialiasing, so everything is drawn SUPERSAMPLE times larger and
shrunk with a Lanczos filter. Text is Noto Sans from a pinned package (one of the page's own
font choices), so the image does not depend on the fonts of the machine that builds it.
"""

import functools
import io
import itertools
import math

import fontpkg
from PIL import Image, ImageDraw, ImageFont

SUPERSAMPLE = 2
CORNER_STEPS = 8  # points on each rounded corner of a dashed rect
ELLIPSE_STEPS = 96  # points on a dashed circle or ellipse
ANCHORS = {"start": "lm", "middle": "mm", "end": "rm"}  # centred on y, as canvas "middle"
WEIGHTS = {"normal": 400, "bold": 600}  # the weights svg.py and painter.js ask for


def paint_scene(pen, scene, palette):
    """Paint every item of a scene with pen, in order; translucent ones as their own layer."""
    for item in scene["items"]:
        alpha = item.get("alpha", 1)
        if alpha >= 1:
            _paint_item(pen, item, palette)
        elif alpha > 0:
            _paint_translucent(pen, item, palette, alpha)


class Pen:
    """Draws on an image in scene units: scaled by factor, then shifted by -origin pixels."""

    def __init__(self, image, factor, origin=(0.0, 0.0)):
        self.image, self.draw = image, ImageDraw.Draw(image)
        self.factor, self.origin = factor, origin

    def point(self, x, y):
        """Return the pixel position of scene point (x, y)."""
        return (x * self.factor - self.origin[0], y * self.factor - self.origin[1])

    def box(self, x0, y0, x1, y1):
        """Return the Pillow box of a scene box."""
        # Pillow fills a box's last row and column too: stop a pixel short so that a box from 0
        # to 10 covers 10 pixels, not 11.
        (left, top), (right, bottom) = self.point(x0, y0), self.point(x1, y1)
        return (left, top, right - 1, bottom - 1)


def _paint_translucent(pen, item, palette, alpha):
    """Paint an item at opacity alpha as one layer over the pixels under it.

    This is SVG's group opacity: where the item's fill and stroke overlap, alpha applies once.
    """
    x0, y0, x1, y1 = _pixel_extent(pen, item)
    x0, y0 = max(x0, 0), max(y0, 0)
    x1, y1 = min(x1, pen.image.width), min(y1, pen.image.height)
    if x0 >= x1 or y0 >= y1:
        return
    shifted = (pen.origin[0] + x0, pen.origin[1] + y0)
    roles = {item[key] for key in ("fill", "stroke") if key in item} or {"ink"}
    if len(roles) == 1:  # the common case, and faster: paint a coverage mask of the one colour
        (role,) = roles
        colour = role_colour(palette, role, item.get("kind"))
        mask = Image.new("L", (x1 - x0, y1 - y0))
        _paint_item(Pen(mask, pen.factor, shifted), item, {role: round(255 * alpha)})
        pen.image.paste(colour, (x0, y0, x1, y1), mask)
        return
    # Two colours: paint opaquely on a copy of the pixels under the item and blend it back in.
    under = pen.image.crop((x0, y0, x1, y1))
    layer = under.copy()
    _paint_item(Pen(layer, pen.factor, shifted), item, palette)
    pen.image.paste(Image.blend(under, layer, alpha), (x0, y0))


def _paint_item(pen, item, palette):
    """Paint one item opaquely, or raise ValueError naming what is wrong with it."""
    kind = item.get("kind")
    fill = role_colour(palette, item["fill"], kind) if "fill" in item else None
    stroke = role_colour(palette, item["stroke"], kind) if "stroke" in item else None
    lw, dash = item.get("lw", 1), item.get("dash")
    if kind == "rect":
        x, y, w, h, r = item["x"], item["y"], item["w"], item["h"], item.get("r", 0)
        if fill:
            pen.draw.rounded_rectangle(pen.box(x, y, x + w, y + h), r * pen.factor, fill=fill)
        if stroke and dash:
            _stroke(pen, _rect_outline(x, y, w, h, r), stroke, lw, dash, closed=True)
        elif stroke:  # Pillow strokes inside the box: grow it by lw/2 to centre the stroke
            grown = pen.box(x - lw / 2, y - lw / 2, x + w + lw / 2, y + h + lw / 2)
            radius = (r + lw / 2) * pen.factor  # round joins round a square corner by lw/2
            pen.draw.rounded_rectangle(grown, radius, outline=stroke, width=_width(pen, lw))
    elif kind in ("circle", "ellipse"):
        x, y = item["x"], item["y"]
        rx, ry = (item["r"], item["r"]) if kind == "circle" else (item["rx"], item["ry"])
        if fill:
            pen.draw.ellipse(pen.box(x - rx, y - ry, x + rx, y + ry), fill=fill)
        if stroke and dash:
            _stroke(pen, _ellipse_outline(x, y, rx, ry), stroke, lw, dash, closed=True)
        elif stroke:
            grown = pen.box(x - rx - lw / 2, y - ry - lw / 2, x + rx + lw / 2, y + ry + lw / 2)
            pen.draw.ellipse(grown, outline=stroke, width=_width(pen, lw))
    elif kind == "path":
        points = [tuple(point) for point in item["points"]]
        if fill and len(points) >= 3:  # the canvas fills an open path as if closed
            pen.draw.polygon([pen.point(*point) for point in points], fill=fill)
        if stroke and points:
            _stroke(pen, points, stroke, lw, dash, closed=item.get("closed", False))
    elif kind == "text":
        anchor, font = _text_style(pen, item)
        colour = fill or role_colour(palette, "ink", kind)
        pen.draw.text(pen.point(item["x"], item["y"]), str(item["text"]), colour, font, anchor)
    else:
        raise ValueError(f"unknown scene item kind {kind!r}")


def _stroke(pen, points, colour, lw, dash, closed):
    """Stroke a polyline with round caps and joins, in dashes when a dash pattern is given."""
    if closed:
        points = [*points, points[0]]
    pattern = list(dash or ())
    if any(d < 0 for d in pattern):
        raise ValueError(f"dash pattern {dash!r} has a negative length")
    if len(pattern) % 2:  # the canvas repeats an odd-length pattern to make it even
        pattern *= 2
    pieces = _dashes(points, pattern) if sum(pattern) > 0 else [points]
    width = _width(pen, lw)
    for piece in pieces:
        pixels = [pen.point(*point) for point in piece]
        pen.draw.line(pixels, fill=colour, width=width)
        # A round cap or join is a disc of the line's width at the vertex.
        r = width / 2
        for px, py in pixels:
            pen.draw.ellipse((px - r, py - r, px + r, py + r), fill=colour)


def _dashes(points, pattern):
    """Split a polyline into the 'on' pieces of a dash pattern that runs on across vertices."""
    pieces, piece = [], [points[0]]
    index, left = 0, pattern[0]
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        length, done = math.hypot(x1 - x0, y1 - y0), 0.0
        while length - done > left:
            done += left
            t = done / length
            cut = (x0 + (x1 - x0) * t, y0 + (y1 - y0) * t)
            if index % 2 == 0:
                pieces.append([*piece, cut])
            piece = [cut]
            index = (index + 1) % len(pattern)
            left = pattern[index]
        left -= length - done
        piece.append((x1, y1))
    if index % 2 == 0:
        pieces.append(piece)
    return pieces


def _rect_outline(x, y, w, h, r):
    """Return a (rounded) rect's outline clockwise from the top-left, where the canvas starts."""
    r = max(min(r, w / 2, h / 2), 0)
    if r == 0:
        return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
    points = [(x + r, y)]
    for cx, cy, start in (
        (x + w - r, y + r, -90),
        (x + w - r, y + h - r, 0),
        (x + r, y + h - r, 90),
    ):
        points += _arc(cx, cy, r, start)
    return points + _arc(x + r, y + r, r, 180)


def _arc(cx, cy, r, start):
    """Return a quarter circle clockwise (y down) from angle start, in degrees."""
    angles = (math.radians(start + 90 * k / CORNER_STEPS) for k in range(CORNER_STEPS + 1))
    return [(cx + r * math.cos(a), cy + r * math.sin(a)) for a in angles]


def _ellipse_outline(x, y, rx, ry):
    """Return an ellipse's outline clockwise from angle 0, where the canvas starts."""
    angles = (2 * math.pi * k / ELLIPSE_STEPS for k in range(ELLIPSE_STEPS))
    return [(x + rx * math.cos(a), y + ry * math.sin(a)) for a in angles]


def _pixel_extent(pen, item):
    """Return a whole-pixel box that holds everything an item paints (with a margin)."""
    kind = item.get("kind")
    if kind == "text":
        anchor, font = _text_style(pen, item)
        px, py = pen.point(item["x"], item["y"])
        x0, y0, x1, y1 = font.getbbox(str(item["text"]), anchor=anchor)
        box = (px + x0, py + y0, px + x1, py + y1)
    else:
        if kind == "rect":
            xs, ys = (item["x"], item["x"] + item["w"]), (item["y"], item["y"] + item["h"])
        elif kind in ("circle", "ellipse"):
            rx, ry = (item["r"], item["r"]) if kind == "circle" else (item["rx"], item["ry"])
            xs, ys = (item["x"] - rx, item["x"] + rx), (item["y"] - ry, item["y"] + ry)
        elif kind == "path":
            xs, ys = [p[0] for p in item["points"]] or [0], [p[1] for p in item["points"]] or [0]
        else:
            raise ValueError(f"unknown scene item kind {kind!r}")
        pad = item.get("lw", 1)
        box = pen.box(min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad)
    return (
        math.floor(box[0]) - 2,
        math.floor(box[1]) - 2,
        math.ceil(box[2]) + 2,
        math.ceil(box[3]) + 2,
    )


def _text_style(pen, item):
    """Return the Pillow anchor and font of a text item, or raise ValueError if it has none."""
    anchor, weight = item.get("anchor", "start"), item.get("weight", "normal")
    if anchor not in ANCHORS or weight not in WEIGHTS:
        raise ValueError(f"text item has anchor {anchor!r} and weight {weight!r}")
    return ANCHORS[anchor], typeface(round(item.get("size", 12) * pen.factor, 2), WEIGHTS[weight])


@functools.cache
def typeface(size, weight):
    """Return Noto Sans at size pixels and the given weight (its variable wght axis)."""
    # BASIC layout places glyphs the same whatever libraqm and fribidi the machine has.
    font = ImageFont.truetype(
        str(fontpkg.path("Noto Sans")), size, layout_engine=ImageFont.Layout.BASIC
    )
    font.set_variation_by_axes(
        [
            weight if axis["name"] == b"Weight" else axis["default"]
            for axis in font.get_variation_axes()
        ]
    )
    return font


def role_colour(palette, role, what):
    """Return the RGB of a role, or raise ValueError naming the role the palette lacks."""
    try:
        return palette[role]
    except KeyError:
        raise ValueError(
            f"{what} item has unknown colour role {role!r}: the stylesheet defines no --pg-{role}"
        ) from None


def _width(pen, lw):
    """Return a stroke width in whole pixels, never less than one."""
    return max(1, round(lw * pen.factor))


def supersampled(size):
    """Return the size of the canvas that is drawn on before the Lanczos shrink."""
    return (size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE)


def encode_png(image):
    """Encode as PNG with no metadata, so equal pixels give equal bytes."""
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=6)
    return out.getvalue()
