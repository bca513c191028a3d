"""Figures in the article: found where the author placed them, checked, rendered from their kind.

The author places a live figure with a fenced block whose info string names the figure's kind; its
body is TOML: the figure's settings, plus an optional `caption` (markdown) and `id`. In any other
markdown viewer it reads as what it is, a code block of settings:

    ```figure policy-gradient
    caption = "A 3×3 gridworld, learning live."
    rows = 3
    goal = [0, 2]
    ```

gather: extract_figures() takes the blocks out of a section's markdown (each replaced by a token
line, the other lines kept, so every line keeps its number) and checks their settings with pgcore.
render: render_figures() renders each from site_templates/figures/<kind>.html with its first frame,
and put_figures() puts them where their tokens stand in the section's HTML.
"""

import json
import re
import tomllib
from dataclasses import dataclass

from markupsafe import Markup

from . import BuildError

OPENING = re.compile(r"^(?P<fence>`{3,}|~{3,})[ \t]*figure(?:[ \t]+(?P<kind>\S+))?[ \t]*$")
FIGURE_KEYS = ("caption", "id")  # what the block may hold besides the figure's own settings
TOKEN = "pgfigure-{number}-token"
ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


@dataclass
class FigureBlock:
    """One ```figure block: its kind, checked settings, caption, id, and where it was written."""

    kind: str
    settings: object  # the figure kind's settings dataclass, checked by pgcore
    caption: str
    caption_line: int
    id: str
    number: int
    line: int  # the opening fence's line in the article
    target_line: int = 0  # the line of its target setting (a figure that drives another)

    @property
    def token(self):
        """The line that stands in the markdown where the figure goes."""
        return TOKEN.format(number=self.number)


def extract_figures(text, first_line, path, figures_module, numbered_from):
    """Return (text with a token line for each figure block, [FigureBlock]) for one section."""
    lines = text.splitlines(keepends=True)
    out, blocks, index = [], [], 0
    while index < len(lines):
        opening = OPENING.match(lines[index].rstrip("\r\n"))
        if not opening:
            if "pgfigure-" in lines[index]:
                _refuse_token(path, first_line + index)
            out.append(lines[index])
            index += 1
            continue
        line = first_line + index
        fence = opening.group("fence")
        end = next(
            (
                j
                for j in range(index + 1, len(lines))
                if lines[j].strip().startswith(fence[0] * len(fence))
                and set(lines[j].strip()) == {fence[0]}
            ),
            None,
        )
        if end is None:
            raise BuildError(
                f"the figure block opened here has no closing {fence}: add a line {fence} after "
                "its settings",
                path,
                line,
            )
        body = "".join(lines[index + 1 : end])
        number = numbered_from + len(blocks)
        blocks.append(parse_block(opening.group("kind"), body, line, path, figures_module, number))
        newline = "\n" if lines[end].endswith("\n") else ""
        out.append(blocks[-1].token + "\n")
        out.extend("\n" for _ in range(index + 1, end))
        out.append(newline)
        index = end + 1
    return "".join(out), blocks


def parse_block(kind, body, line, path, figures_module, number):
    """Check one block's TOML and settings; raise BuildError at the line of the mistake."""
    known = ", ".join(figures_module.FIGURES)
    if kind is None:
        raise BuildError(
            f"the figure block names no figure: write ```figure <kind> (one of {known})", path, line
        )
    if kind not in figures_module.FIGURES:
        raise BuildError(f"unknown figure kind {kind!r}: use one of {known}", path, line)
    try:
        table = tomllib.loads(body)
    except tomllib.TOMLDecodeError as error:
        at = re.search(r"at line (\d+)", str(error))
        where = line + int(at.group(1)) if at else line
        message = re.sub(r"\s*\(at line \d+, column \d+\)$", "", str(error))
        raise BuildError(
            f"the figure's settings are not valid TOML: {message}; fix the TOML on this line "
            '(text in "quotes", lists in [ ], one key = value per line)',
            path,
            where,
        ) from None
    locate = _locator(body, line)
    caption = table.pop("caption", "")
    figure_id = table.pop("id", f"figure-{number}")
    for key, value in (("caption", caption), ("id", figure_id)):
        if not isinstance(value, str):
            raise BuildError(f"figure {key}: expected a string, got {value!r}", path, locate(key))
    if not ID.match(figure_id):
        raise BuildError(
            f"figure id {figure_id!r}: use letters, digits, - and _, starting with a letter",
            path,
            locate("id"),
        )
    try:
        settings = figures_module.settings_for(kind, table)
    except ValueError as error:
        key = getattr(error, "key", None)
        raise BuildError(
            f"figure {kind}: {error}; fix it in the figure's settings (see the README's table of "
            "figure settings)",
            path,
            locate(key) if key in table else line,
        ) from None
    return FigureBlock(
        kind, settings, caption, locate("caption"), figure_id, number, line, locate("target")
    )


def _locator(body, line):
    """Return locate(key) -> the article line where the block assigns key (else the fence's)."""
    assigned = {}
    for offset, text in enumerate(body.splitlines(), start=1):
        match = re.match(r"""^\s*["']?([A-Za-z0-9_-]+)["']?\s*=""", text)
        if match and match.group(1) not in assigned:
            assigned[match.group(1)] = line + offset
    return lambda key: assigned.get(key, line)


def _refuse_token(path, line):
    """The article may not contain the placeholder the figures use."""
    raise BuildError(
        "this line contains 'pgfigure-', the placeholder the build uses for figures: reword it",
        path,
        line,
    )


def check_targets(blocks, path):
    """A figure that drives another (the code figure) must name one of a kind it can drive."""
    kinds = {block.id: block for block in blocks}
    for block in blocks:
        wanted = getattr(block.settings, "TARGET_KINDS", None)
        if wanted is None:
            continue
        target = kinds.get(block.settings.target)
        if target is None or target.kind not in wanted:
            found = [b.id for b in blocks if b.kind in wanted]
            raise BuildError(
                f"figure {block.kind}: target {block.settings.target!r} is not the id of a "
                f"{' or '.join(wanted)} figure on this page (there is: "
                f"{', '.join(found) or 'none'}); set target to one of them",
                path,
                block.target_line,
            )


def render_figures(blocks, templates, figures_module, render_svg, roles, render_caption, asset):
    """Render each figure block to HTML from its kind's template and its first frame."""
    html = {}
    numbers = {block.id: block.number for block in blocks}
    for block in blocks:
        figure = figures_module.FIGURES[block.kind][0](block.settings)
        frame = figure.frame(0.0)
        scenes = frame.get("scenes", {})

        def svg(slot, label, scenes=scenes):
            """The first frame's scene of a canvas slot, as inline SVG."""
            pg = "static" if slot == "canvas" else f"{slot}-static"
            return render_svg(scenes[slot], roles, pg=pg, label=label)

        context = {
            "fig": {
                "id": block.id,
                "kind": block.kind,
                "number": block.number,
                "config_json": json.dumps(
                    block.settings.to_json_dict(), sort_keys=True, separators=(",", ":")
                ),
                "canvas_keys": " ".join(getattr(figure, "KEYS", ())),
                "choices": getattr(figure, "CHOICES", {}),
                "caption": render_caption(block),
                "frame": frame,
                "svg": svg,
                "target": getattr(block.settings, "target", None),
                "target_number": numbers.get(getattr(block.settings, "target", None)),
            },
            "asset": asset,
        }
        html[block.token] = Markup(
            templates.get_template(f"figures/{block.kind}.html").render(context)
        )
    return html


def first_scene(block, figures_module):
    """Return the scene a fresh figure of the block's kind shows first on its main canvas."""
    figure = figures_module.FIGURES[block.kind][0](block.settings)
    return figure.frame(0.0).get("scenes", {}).get("canvas")


def put_figures(section_html, html, path, blocks, trusted):
    """Replace each figure's token paragraph in a section's HTML by the figure.

    trusted(html) marks the figure as the project's own HTML for the page's content checks.
    """
    section_html = str(section_html)  # plain text from here: Markup would escape the figure
    for block in blocks:
        # The paragraph may open with a source mark (a comment) before the token.
        paragraph = re.compile(rf"<p>((?:<!--[^>]*-->)?)\s*{re.escape(block.token)}\s*</p>")
        match = paragraph.search(section_html)
        if match is None:
            raise BuildError(
                "a figure block must stand on its own: leave a blank line before and after it, "
                "outside lists and quotes",
                path,
                block.line,
            )
        figure = match.group(1) + trusted(html[block.token])
        section_html = section_html[: match.start()] + figure + section_html[match.end() :]
    return Markup(section_html)
