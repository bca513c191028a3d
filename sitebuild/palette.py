"""The scene's colours, read from the stylesheet, so the PNG painter and the page share them.

Each colour role of pgcore.scene is a --pg-<role> custom property in style.css, with a light value
in the top-level :root block and a dark one in the :root block of the prefers-color-scheme: dark
media query. The canvas painter reads them from the browser; the PNG painter reads them here.
"""

import re

from PIL import ImageColor


def palette_from_css(css_text, theme="light", roles=None, prefix="pg"):
    """Read {role: (r, g, b)} from the --<prefix>-<role> properties of a stylesheet's text.

    light is the top-level :root block; dark is that block overridden by the :root block inside
    the prefers-color-scheme: dark media query, as the browser cascades them. Every name in roles
    must be there with a colour, or ValueError names the first that is not.
    """
    if theme not in ("light", "dark"):
        raise ValueError(f"unknown theme {theme!r} (expected 'light' or 'dark')")
    values = {}
    for preludes, body in _css_blocks(re.sub(r"/\*.*?\*/", "", css_text, flags=re.S)):
        light = preludes == (":root",)
        dark = len(preludes) == 2 and preludes[1] == ":root" and _is_dark_query(preludes[0])
        if light or (dark and theme == "dark"):
            values |= dict(re.findall(rf"--{prefix}-([\w-]+)\s*:\s*([^;]+?)\s*(?:;|$)", body))
    palette = {}
    for role, value in values.items():
        try:
            rgb = ImageColor.getrgb(value)
        except ValueError:
            rgb = None
        if rgb is not None and len(rgb) == 3:
            palette[role] = rgb
        elif role in (roles or ()):
            raise ValueError(
                f"--{prefix}-{role} is {value!r}, not an opaque colour ({theme} theme)"
            )
    for role in roles or ():
        if role not in palette:
            raise ValueError(f"the stylesheet defines no --{prefix}-{role} for the {theme} theme")
    return palette


def _css_blocks(css):
    """Yield (preludes, body) for each {...} block, preludes from the outermost rule in."""
    preludes, last = [], 0
    for brace in re.finditer(r"[{}]", css):
        if brace.group() == "{":
            preludes.append(" ".join(css[last : brace.start()].rsplit(";", 1)[-1].split()))
        elif preludes:
            yield tuple(preludes), css[last : brace.start()]
            preludes.pop()
        last = brace.end()


def _is_dark_query(prelude):
    """Say whether an @media prelude asks for the dark colour scheme."""
    return prelude.startswith("@media") and re.search(r"prefers-color-scheme:\s*dark", prelude)
