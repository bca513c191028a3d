"""What the race figure draws: each algorithm's mean exact J(theta) with its 95 % band.

One line per algorithm against rollouts per seed, its band (mean +- 1.96 std / sqrt(K)) shaded
behind it, and the ceiling J* dashed. Colour is not the only cue: every algorithm has its own
dash pattern and its name at the end of its line, so the chart reads in greyscale too.
"""

import math

from .scene import circle, path, rect, text

# Per algorithm: its colour role (a --pg-<role> of the stylesheet) and its line's dash pattern
# (None: solid); SHORT is the name written at the line's end (b is the article's baseline).
STYLE = {
    "reinforce": ("reinforce", (1.5, 4)),
    "reinforce_baseline": ("reinforce-baseline", (7, 4)),
    "actor_critic": ("actor-critic", (12, 4, 2, 4)),
    "ppo": ("ppo", None),
}
SHORT = {
    "reinforce": "REINFORCE",
    "reinforce_baseline": "REINFORCE + b",
    "actor_critic": "Actor-critic",
    "ppo": "PPO",
}
BAND_ALPHA = 0.18
LABEL_GAP = 12.0  # the least vertical distance between two end labels, in scene units
WIDTH, HEIGHT = 520.0, 300.0
LEFT, RIGHT, TOP, BOTTOM = 40.0, 100.0, 26.0, 30.0


def race_scene(history, best, low, high, budget, seeds):
    """The chart: history[name] lists {"rollouts", "mean_J", "band"} ({} before the start)."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    last = max((points[-1]["rollouts"] for points in history.values()), default=0)
    x_max = max(budget, last)

    def at(n, value):
        clamped = min(max(value, low), high)
        return LEFT + plot_w * n / x_max, TOP + plot_h * (high - clamped) / (high - low)

    items = [
        rect(LEFT, TOP, plot_w, plot_h, fill="cell"),
        text(
            LEFT,
            TOP - 13,
            f"mean J(\u03b8) over {seeds} seeds, 95 % band",
            11,
            "start",
            fill="muted",
        ),
        text(LEFT, HEIGHT - 10, "0", 10, "start", fill="muted"),
        text(LEFT + plot_w / 2, HEIGHT - 10, "rollouts per seed", 10, fill="muted"),
        text(LEFT + plot_w, HEIGHT - 10, f"{x_max:,}", 10, "end", fill="muted"),
    ]
    for tick in _ticks(low, high):
        y = at(0, tick)[1]
        items.append(path([(LEFT, y), (LEFT + plot_w, y)], stroke="faint", lw=1))
        items.append(text(LEFT - 6, y, f"{tick:.1f}", 10, "end", fill="muted"))
    y_best = at(0, best)[1]
    items.append(
        path([(LEFT, y_best), (LEFT + plot_w, y_best)], stroke="muted", lw=1.2, dash=(5, 4))
    )
    items.append(
        text(LEFT + 6, y_best - 8, f"best possible J* = {best:.2f}", 10, "start", fill="muted")
    )
    if not history:
        items.append(
            text(
                LEFT + plot_w / 2,
                TOP + plot_h / 2,
                f"Press Start: {seeds} seeds each, to {budget:,} rollouts",
                11,
                fill="muted",
            )
        )
        return {"width": WIDTH, "height": HEIGHT, "items": items}
    for name, points in history.items():  # the bands first, so no band hides a line
        upper = [at(p["rollouts"], p["mean_J"] + p["band"]) for p in points]
        lower = [at(p["rollouts"], p["mean_J"] - p["band"]) for p in reversed(points)]
        items.append(path(upper + lower, closed=True, fill=STYLE[name][0], alpha=BAND_ALPHA))
    ends = []
    for name, points in history.items():
        role, dash = STYLE[name]
        line = [at(p["rollouts"], p["mean_J"]) for p in points]
        items.append(path(line, stroke=role, lw=2, dash=dash))
        items.append(circle(*line[-1], 3, fill=role))
        ends.append((line[-1][1], name, line[-1][0]))
    for y, name, x in _spread(ends, TOP, TOP + plot_h):
        items.append(text(x + 6, y, SHORT[name], 10, "start", "bold", fill=STYLE[name][0]))
    return {"width": WIDTH, "height": HEIGHT, "items": items}


def _ticks(low, high):
    """The multiples of 0.2 in [low, high], for the y axis."""
    return [k * 0.2 for k in range(math.ceil(low / 0.2 - 1e-9), math.floor(high / 0.2 + 1e-9) + 1)]


def _spread(ends, top, bottom):
    """Move end labels (y, name, x) apart by LABEL_GAP, keeping them inside [top, bottom]."""
    placed = sorted(ends)
    for i in range(1, len(placed)):
        y, name, x = placed[i]
        placed[i] = (max(y, placed[i - 1][0] + LABEL_GAP), name, x)
    overflow = placed[-1][0] - bottom if placed else 0.0
    if overflow > 0:  # pushed below the plot: shift the stack up, never above its top
        placed = [
            (max(y - overflow, top + LABEL_GAP * i), n, x) for i, (y, n, x) in enumerate(placed)
        ]
    return placed
