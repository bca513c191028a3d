"""The gradient cloud's plot: single-batch estimates as points around the exact gradient.

Both axes share one scale, so an ellipse looks its true shape. The window is centred on the
exact gradient, which stays put while theta is frozen, and sized by the widest of the clouds
(window_half_width), so switching the estimator shows the spread shrink instead of the axes
stretching to fit it.
"""

import math

from .cloud import ellipse
from .scene import circle, path, rect, text

WIDTH = 480.0
SIDE_MARGIN, TOP, BOTTOM = 16.0, 30.0, 42.0
SIDE = WIDTH - 2 * SIDE_MARGIN  # the square plot area
POINTS = 200  # newest estimates drawn; older ones only count in the statistics
FADES = 4  # steps of opacity from the oldest points drawn to the newest
SPREADS = 3.0  # the window reaches this many standard deviations of the widest cloud
SHRINK = 2.5  # the window narrows only once it is this many times wider than needed
MINUS = "\u2212"


def nice_ceiling(x):
    """The smallest of 1, 2, 5 times a power of ten that is >= x (x > 0)."""
    # Multiplying by ten, not log10: the same steps on every platform's libm.
    step = 1.0
    while step > x:
        step /= 10.0
    while step * 10.0 <= x:
        step *= 10.0
    return next(m * step for m in (1.0, 2.0, 5.0, 10.0) if m * step >= x)


def window_half_width(half, spread):
    """The window's half-width for clouds whose widest standard deviation is spread.

    A nice number, and sticky: it grows as soon as the cloud needs it, and shrinks only when it
    is SHRINK times too wide, so a settling estimate does not make the axes twitch.
    """
    needed = nice_ceiling(SPREADS * spread)
    if half is None or needed > half or needed * SHRINK <= half:
        return needed
    return half


def _number(value):
    """A tick label: two significant digits and a real minus sign."""
    return f"{value:.2g}".replace("-", MINUS)


def _outline(shape, to_scene, steps=48):
    """An ellipse from pgcore.cloud.ellipse (any angle) as a closed path in scene space."""
    (cx, cy), (major, minor), angle = shape["centre"], shape["semi_axes"], shape["angle"]
    cos_a, sin_a = math.cos(angle), math.sin(angle)
    points = []
    for k in range(steps):
        u, v = major * math.cos(2 * math.pi * k / steps), minor * math.sin(2 * math.pi * k / steps)
        points.append(to_scene((cx + u * cos_a - v * sin_a, cy + u * sin_a + v * cos_a)))
    return points


def cloud_scene(exact, points, summary, half, labels):
    """The plot: points (oldest first), the exact gradient, the running mean and its ellipses.

    summary is Cloud.summary() of the shown cloud, or None below two points; half is the
    window's half-width in gradient units; labels name the two components (x, y).
    """
    left, top = SIDE_MARGIN, TOP
    unit = SIDE / (2 * half)

    def to_scene(g):
        return (
            left + SIDE / 2 + (g[0] - exact[0]) * unit,
            top + SIDE / 2 - (g[1] - exact[1]) * unit,
        )

    def inside(g):
        return abs(g[0] - exact[0]) <= half and abs(g[1] - exact[1]) <= half

    items = [rect(left, top, SIDE, SIDE, fill="cell")]
    # The axes through the origin, where the window reaches them: the sign of each component.
    x0, y0 = to_scene((0.0, 0.0))
    if abs(exact[0]) <= half:
        items.append(path([(x0, top), (x0, top + SIDE)], stroke="faint", lw=1))
    if abs(exact[1]) <= half:
        items.append(path([(left, y0), (left + SIDE, y0)], stroke="faint", lw=1))
    shown = points[-POINTS:]
    count = len(shown)
    for index, g in enumerate(shown):  # oldest first, so the newest is drawn on top
        if inside(g):
            x, y = to_scene(g)
            # older points fade, in FADES steps: few distinct alphas keep the frame's JSON short
            fade = FADES - (FADES * (count - 1 - index)) // count
            items.append(circle(x, y, 2.6, fill="accent", alpha=0.2 + 0.65 * fade / FADES))
    if summary is not None:
        # Where 95 % of single estimates land (dashed), and where the mean is, with 95 %
        # confidence (solid): the first is the estimator's spread, the second shrinks with n.
        spread = ellipse(summary["mean"], summary["cov"])
        items.append(path(_outline(spread, to_scene), closed=True, stroke="muted", dash=(5, 4)))
        items.append(
            path(_outline(summary["ellipse"], to_scene), closed=True, fill="agent", alpha=0.25)
        )
        items.append(
            path(_outline(summary["ellipse"], to_scene), closed=True, stroke="agent", lw=2)
        )
    # Mask what the ellipses spill past the plot, then the frame, the exact gradient, labels.
    items += [
        rect(0, 0, WIDTH, top, fill="paper"),
        rect(0, top + SIDE, WIDTH, BOTTOM, fill="paper"),
        rect(0, 0, left, top + SIDE + BOTTOM, fill="paper"),
        rect(left + SIDE, 0, SIDE_MARGIN, top + SIDE + BOTTOM, fill="paper"),
        rect(left, top, SIDE, SIDE, stroke="faint", lw=1),
    ]
    ex, ey = to_scene(exact)
    for role, lw in (("paper", 4.5), ("ink", 1.8)):
        items.append(path([(ex - 9, ey - 9), (ex + 9, ey + 9)], stroke=role, lw=lw))
        items.append(path([(ex - 9, ey + 9), (ex + 9, ey - 9)], stroke=role, lw=lw))
    items.append(
        text(ex + 12, ey - 12, "exact", size=12, anchor="start", weight="bold", fill="ink")
    )
    if summary is not None and inside(summary["mean"]):
        # The mean as a ring drawn over the cross, so that when it sits on the exact gradient
        # both stay visible.
        mx, my = to_scene(summary["mean"])
        items.append(circle(mx, my, 6.5, stroke="paper", lw=4.5))
        items.append(circle(mx, my, 6.5, stroke="agent", lw=2.5))
    if not points:
        items.append(
            text(left + SIDE / 2, top + SIDE * 0.8, "no estimates yet", size=13, fill="muted")
        )
    bottom = top + SIDE
    items += [
        text(left + SIDE / 2, bottom + 14, f"{labels[0]} \u2192", size=13, fill="ink"),
        text(left, top - 12, f"\u2191 {labels[1]}", size=13, anchor="start", fill="ink"),
        text(
            left + SIDE / 2,
            bottom + 31,
            f"both axes: exact \u00b1 {_number(half)} \u00b7 faint lines: 0",
            size=10,
            fill="muted",
        ),
    ]
    return {"width": WIDTH, "height": top + SIDE + BOTTOM, "items": items}
