"""Scenes (pgcore.scene's plain data) to inline SVG: the figure shown before Python runs.

Colours stay roles: a fill becomes class f-<role>, a stroke class s-<role>, and the stylesheet maps
them to the --pg-<role> custom properties, as the canvas painter does. Numbers go in presentation
attributes and never in style attributes, so the page keeps working under a strict CSP.
"""

import math
from html import escape

from markupsafe import Markup


def render_svg(scene, roles, pg=None, label=None):
    """Render a scene to an inline <svg> element; pg sets data-pg, label the accessible name."""
    width, height = _number(scene["width"]), _number(scene["height"])
    attrs = {
        "xmlns": "http://www.w3.org/2000/svg",
        "viewBox": f"0 0 {width} {height}",
        "width": width,
        "height": height,
        "data-pg": pg,
        "stroke-linecap": "round",
        "stroke-linejoin": "round",
    }  # as the canvas painter
    attrs |= {"role": "img", "aria-label": label} if label else {"aria-hidden": "true"}
    items = "".join(render_item(item, roles) for item in scene["items"])
    return Markup(f"<svg{_attributes(attrs)}>{items}</svg>")


def render_item(item, roles):
    """Render one scene item to SVG markup, or raise ValueError naming what is wrong with it."""
    kind = item.get("kind")
    style = _style(item, roles)
    if kind == "rect":
        r = item.get("r", 0) or None
        return _tag(
            "rect", x=item["x"], y=item["y"], width=item["w"], height=item["h"], rx=r, ry=r, **style
        )
    if kind == "circle":
        return _tag("circle", cx=item["x"], cy=item["y"], r=item["r"], **style)
    if kind == "ellipse":
        return _tag("ellipse", cx=item["x"], cy=item["y"], rx=item["rx"], ry=item["ry"], **style)
    if kind == "path":
        points = " ".join(f"{_number(x)},{_number(y)}" for x, y in item["points"])
        return _tag("polygon" if item.get("closed") else "polyline", points=points, **style)
    if kind == "text":
        anchor = item.get("anchor", "start")
        weight = item.get("weight", "normal")
        if anchor not in ("start", "middle", "end") or weight not in ("normal", "bold"):
            raise ValueError(f"text item has anchor {anchor!r} and weight {weight!r}")
        style["class"] = " ".join(filter(None, ("t", style.get("class") or "f-ink")))
        body = escape(str(item["text"]), quote=False)
        attrs = dict(x=item["x"], y=item["y"], **style)
        attrs |= {
            "font-size": item.get("size"),
            "text-anchor": anchor,
            "font-weight": 600 if weight == "bold" else None,
            "dominant-baseline": "central",
        }
        return f"<text{_attributes(attrs)}>{body}</text>"
    raise ValueError(f"unknown scene item kind {kind!r}")


def _style(item, roles):
    """Turn an item's fill/stroke roles and numbers into SVG attributes."""
    for key in ("fill", "stroke"):
        if key in item and item[key] not in roles:
            raise ValueError(f"{item.get('kind')} item has unknown colour role {item[key]!r}")
    fill, stroke = item.get("fill"), item.get("stroke")
    classes = [f"f-{fill}" if fill else None, f"s-{stroke}" if stroke else None]
    dash = item.get("dash")
    return {
        "class": " ".join(filter(None, classes)) or None,
        "fill": None if fill or item.get("kind") == "text" else "none",
        "stroke-width": item.get("lw", 1) if stroke else None,
        "stroke-dasharray": " ".join(_number(d) for d in dash) if dash else None,
        "opacity": item["alpha"] if item.get("alpha", 1) != 1 else None,
    }


def _tag(name, **attrs):
    """Render an empty SVG element."""
    return f"<{name}{_attributes({k.replace('_', '-'): v for k, v in attrs.items()})}/>"


def _attributes(attrs):
    """Render attributes in order, skipping None, numbers in compact form, text escaped."""
    return "".join(
        f' {key}="{_number(value) if isinstance(value, int | float) else escape(str(value))}"'
        for key, value in attrs.items()
        if value is not None
    )


def _number(value):
    """Format a number with at most two decimals and no trailing zeros."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {value!r}")
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
