"""What the figure shows, as plain data: a scene is a list of drawing primitives.

Python decides everything that is drawn; the page's canvas painter and the build's SVG renderer
only translate these dicts, so the static figure and the live canvas cannot drift apart.

    scene = {"width": W, "height": H, "items": [item, ...]}

Every item has a "kind" (rect, circle, ellipse, path, text; an arrow is a path and a triangle)
and optional style keys: "fill" and "stroke" name a colour ROLE (absent = none), "lw" is the
stroke width, "alpha" the opacity, "dash" an [on, off] pattern. Colours are roles, not values,
so that light and dark themes are the stylesheet's business (CSS custom property --pg-<role>).
"""

import math

ROLES = (
    "ink",
    "muted",
    "faint",
    "paper",
    "cell",
    "wall",
    "goal",
    "pit",
    "timeout",
    "agent",
    "accent",
    "a0",
    "a1",
    "a2",
    "a3",
    "heat0",
    "heat1",
    "heat2",
    "heat3",
    "heat4",
    "reinforce",
    "reinforce-baseline",
    "actor-critic",
    "ppo",
)

KINDS = ("rect", "circle", "ellipse", "path", "text")

# An arrow's head: half as wide as it is long (plus a little), and the shaft runs 0.2 of the head
# into it, so the two overlap instead of leaving a hairline gap.
HEAD_HALF_WIDTH = 0.55
SHAFT_INTO_HEAD = 0.2

# Unit vectors of the four actions in screen space (y grows downwards): up, right, down, left.
ACTION_VECTORS = ((0.0, -1.0), (1.0, 0.0), (0.0, 1.0), (-1.0, 0.0))


def _styled(item, fill=None, stroke=None, lw=None, alpha=None, dash=None):
    """Attach the optional style keys that are set, rounding numbers for compact JSON."""
    if fill is not None:
        item["fill"] = fill
    if stroke is not None:
        item["stroke"] = stroke
    if lw is not None:
        item["lw"] = round(lw, 2)
    if alpha is not None and alpha < 1.0:
        item["alpha"] = round(max(alpha, 0.0), 3)
    if dash is not None:
        item["dash"] = list(dash)
    return item


def _r(value):
    """Round a coordinate to 0.01 scene units: invisible, and it keeps the JSON short."""
    return round(value, 2)


def rect(x, y, w, h, r=0.0, **style):
    """A rectangle with its top-left corner at (x, y)."""
    item = {"kind": "rect", "x": _r(x), "y": _r(y), "w": _r(w), "h": _r(h)}
    if r:
        item["r"] = _r(r)
    return _styled(item, **style)


def circle(x, y, r, **style):
    """A circle centred on (x, y)."""
    return _styled({"kind": "circle", "x": _r(x), "y": _r(y), "r": _r(r)}, **style)


def ellipse(x, y, rx, ry, **style):
    """An axis-aligned ellipse centred on (x, y)."""
    return _styled({"kind": "ellipse", "x": _r(x), "y": _r(y), "rx": _r(rx), "ry": _r(ry)}, **style)


def path(points, closed=False, **style):
    """A polyline through points, or a polygon when closed."""
    item = {"kind": "path", "points": [[_r(x), _r(y)] for x, y in points], "closed": closed}
    return _styled(item, **style)


def arrow(x1, y1, x2, y2, head, **style):
    """A stroked shaft from (x1, y1), and a solid head of the stroke's colour, tip at (x2, y2).

    Two items: the shaft, which stops a little inside the head so no gap shows at the join, and
    the head, a triangle `head` long and 1.1 `head` wide (shorter when the arrow is).
    """
    length = math.hypot(x2 - x1, y2 - y1)
    if length == 0:
        return []
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    back = min(head, length)
    bx, by = x2 - ux * back, y2 - uy * back  # the middle of the head's base
    half = back * HEAD_HALF_WIDTH
    inside = back * (1 - SHAFT_INTO_HEAD)
    shaft_style = {key: value for key, value in style.items() if key != "fill"}
    head_style = {"fill": style.get("stroke"), "alpha": style.get("alpha")}
    return [
        path([(x1, y1), (x2 - ux * inside, y2 - uy * inside)], **shaft_style),
        path(
            [(x2, y2), (bx - uy * half, by + ux * half), (bx + uy * half, by - ux * half)],
            closed=True,
            **head_style,
        ),
    ]


def text(x, y, content, size=12.0, anchor="middle", weight="normal", **style):
    """A line of text vertically centred on y."""
    item = {
        "kind": "text",
        "x": _r(x),
        "y": _r(y),
        "text": str(content),
        "size": _r(size),
        "anchor": anchor,
        "weight": weight,
    }
    return _styled(item, **style)


def validate(scene):
    """Raise ValueError unless scene follows the format above (used by tests and the build)."""
    if not {"width", "height", "items"} <= scene.keys():
        raise ValueError("a scene needs width, height and items")
    for item in scene["items"]:
        if item.get("kind") not in KINDS:
            raise ValueError(f"unknown primitive kind {item.get('kind')!r}")
        for key in ("fill", "stroke"):
            if key in item and item[key] not in ROLES:
                raise ValueError(f"unknown colour role {item[key]!r}")
        for key, value in item.items():
            if isinstance(value, float) and not math.isfinite(value):
                raise ValueError(f"{item['kind']}.{key} is not finite")
    return scene


class GridLayout:
    """Where the cells of a rows x cols grid sit in a scene of fixed width."""

    def __init__(self, rows, cols, width=480.0, margin=14.0):
        self.rows, self.cols = rows, cols
        self.margin = margin
        self.size = (width - 2 * margin) / max(rows, cols)
        self.left = (width - cols * self.size) / 2
        self.width = width
        self.height = 2 * margin + rows * self.size

    def origin(self, cell):
        """Top-left corner of a cell."""
        row, col = cell
        return self.left + col * self.size, self.margin + row * self.size

    def centre(self, cell):
        """Centre of a cell."""
        x, y = self.origin(cell)
        return x + self.size / 2, y + self.size / 2

    def cell_at(self, x, y):
        """The cell under scene point (x, y), or None outside the grid."""
        col = math.floor((x - self.left) / self.size)
        row = math.floor((y - self.margin) / self.size)
        if 0 <= row < self.rows and 0 <= col < self.cols:
            return (row, col)
        return None


class PlaneLayout:
    """Maps the continuous action plane [-bound, bound]^2 onto a square scene."""

    def __init__(self, bound=1.0, width=480.0, margin=14.0):
        self.bound, self.margin, self.width, self.height = bound, margin, width, width
        self.scale = (width - 2 * margin) / (2 * bound)

    def to_scene(self, a):
        """Scene point of action a = (a1, a2); a2 grows upwards like a plot's y axis."""
        return (
            self.margin + (a[0] + self.bound) * self.scale,
            self.margin + (self.bound - a[1]) * self.scale,
        )

    def to_action(self, x, y):
        """Action under scene point (x, y), clamped to the plane."""
        a1 = (x - self.margin) / self.scale - self.bound
        a2 = self.bound - (y - self.margin) / self.scale
        return (min(max(a1, -self.bound), self.bound), min(max(a2, -self.bound), self.bound))
