"""The sharing card: a 1200x630 PNG of an article's title beside its figure's scene.

Open Graph and Twitter cards show it when a link to the article is shared. The scene is painted by
the PNG painter (png.py), so the card shows the same figure as the page; the title and subtitle
(the series) are wrapped into the left column on the paper colour. A page without a figure (the
contents page, an article of prose) gets the same card without the scene, its title across the
whole width.
"""

from PIL import Image, ImageDraw

from .png import (
    SUPERSAMPLE,
    WEIGHTS,
    Pen,
    encode_png,
    paint_scene,
    role_colour,
    supersampled,
    typeface,
)

SOCIAL_SIZE = (1200, 630)  # Open Graph's recommended image size
SOCIAL_MARGIN = 64
TITLE_SIZES = (64, 56, 48, 40)  # the largest at which the title fits TITLE_LINES lines wins
TITLE_LINES = 4
SUBTITLE_SIZE = 26
SUBTITLE_GAP = 20  # between the subtitle and the title
# Downsampling averages each SUPERSAMPLE x SUPERSAMPLE block of samples into one pixel
# (Image.reduce: the box filter integer supersampling calls for, a tenth of LANCZOS' time).


def render_social_image(scene, title, subtitle, palette):
    """Render a 1200x630 sharing card: subtitle and title on the left, the scene (if any) right."""
    width, height = SOCIAL_SIZE
    image = Image.new("RGB", supersampled(SOCIAL_SIZE), role_colour(palette, "paper", "card"))
    if scene is None:
        _paint_heading(image, title, subtitle, palette, width - 2 * SOCIAL_MARGIN)
        return encode_png(image.reduce(SUPERSAMPLE))
    # The scene fills the card's height inside the margins, flush with the right margin.
    box = height - 2 * SOCIAL_MARGIN
    scale = min(box / scene["width"], box / scene["height"])
    left = width - SOCIAL_MARGIN - scene["width"] * scale
    top = (height - scene["height"] * scale) / 2
    # Painted on its own image, the scene is clipped to its box as the canvas and SVG clip it.
    size = (round(scene["width"] * scale), round(scene["height"] * scale))
    figure = Image.new("RGB", supersampled(size), role_colour(palette, "paper", "card"))
    paint_scene(Pen(figure, scale * SUPERSAMPLE), scene, palette)
    image.paste(figure, (round(left * SUPERSAMPLE), round(top * SUPERSAMPLE)))
    _paint_heading(image, title, subtitle, palette, left - 2 * SOCIAL_MARGIN)
    return encode_png(image.reduce(SUPERSAMPLE))


def _paint_heading(image, title, subtitle, palette, width):
    """Paint the subtitle over the title in the card's left column, wrapped to width pixels."""
    s = SUPERSAMPLE
    for size in TITLE_SIZES:
        title_font = typeface(size * s, WEIGHTS["bold"])
        lines = _wrap(title, title_font, width * s)
        if len(lines) <= TITLE_LINES:
            break
    if len(lines) > TITLE_LINES:  # even the smallest size is too large: cut the title short
        last = lines[TITLE_LINES - 1].split()
        while len(last) > 1 and title_font.getlength(" ".join(last) + " …") > width * s:
            last.pop()
        lines = lines[: TITLE_LINES - 1] + [" ".join(last) + " …"]
    subtitle_font = typeface(SUBTITLE_SIZE * s, WEIGHTS["normal"])
    rows = [
        (line, subtitle_font, "muted", SUBTITLE_SIZE * 1.3)
        for line in _wrap(subtitle, subtitle_font, width * s)
    ]
    rows[-1:] = [(*row[:3], row[3] + SUBTITLE_GAP) for row in rows[-1:]]
    rows += [(line, title_font, "ink", size * 1.15) for line in lines]
    y = (SOCIAL_SIZE[1] - sum(row[3] for row in rows)) / 2  # the block centred vertically
    draw = ImageDraw.Draw(image)
    for line, font, role, leading in rows:
        draw.text((SOCIAL_MARGIN * s, y * s), line, role_colour(palette, role, "card"), font, "la")
        y += leading


def _wrap(text, font, width):
    """Break text into lines at spaces so each fits width pixels (a longer word gets its own)."""
    lines = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines
