"""How the Gaussian's plane is drawn: the policy over a 2-D action plane, its samples coloured by
reward, mu and its sigma ellipses over the reward landscape (see scene.py)."""

import math

from .scene import PlaneLayout, circle, ellipse, path, rect, text


def _reward_levels(task):
    """Radii (action units) where the reward falls to 0.9, 0.7, 0.5, 0.3, 0.1: heat4 .. heat0."""
    # reward = exp(-d^2 / (2 w^2)) = R  <=>  d = w * sqrt(-2 ln R)
    return [
        (f"heat{4 - i}", task.width * math.sqrt(-2 * math.log(level)))
        for i, level in enumerate((0.9, 0.7, 0.5, 0.3, 0.1))
    ]


def continuous_scene(task, policy, samples, mu_trail):
    """The Continuous view: reward landscape, samples by reward, mu and the sigma ellipse."""
    plane = PlaneLayout(task.bounds)
    m, side = plane.margin, plane.width - 2 * plane.margin
    items = [rect(m, m, side, side, fill="cell")]
    tx, ty = plane.to_scene(task.target)
    for role, radius in reversed(_reward_levels(task)):
        items.append(circle(tx, ty, radius * plane.scale, fill=role, alpha=0.4))
    mx, my = plane.to_scene(policy.mu)
    sx, sy = policy.sigma[0] * plane.scale, policy.sigma[1] * plane.scale
    # One and two sigma: where about 39% and 86% of the samples land.
    items.append(ellipse(mx, my, 2 * sx, 2 * sy, stroke="accent", lw=1.2, dash=(4, 4)))
    items.append(ellipse(mx, my, sx, sy, stroke="accent", lw=2.2))
    # Mask what the landscape and the ellipses spill past the plane's edge.
    w = plane.width
    items += [
        rect(0, 0, w, m, fill="paper"),
        rect(0, w - m, w, m, fill="paper"),
        rect(0, 0, m, w, fill="paper"),
        rect(w - m, 0, m, w, fill="paper"),
    ]
    items.append(rect(m, m, side, side, stroke="faint", lw=1))
    cx, cy = plane.to_scene((0.0, 0.0))
    items.append(path([(m, cy), (w - m, cy)], stroke="faint", lw=1, dash=(3, 4)))
    items.append(path([(cx, m), (cx, w - m)], stroke="faint", lw=1, dash=(3, 4)))
    items.append(text(w - m - 6, cy - 10, "a\u2081", size=13, anchor="end", fill="muted"))
    items.append(text(cx + 8, m + 12, "a\u2082", size=13, anchor="start", fill="muted"))
    bound = task.bounds
    for index, (action, reward) in enumerate(samples):
        age = len(samples) - 1 - index  # oldest first, so the newest is drawn on top
        if abs(action[0]) > bound or abs(action[1]) > bound:
            continue
        x, y = plane.to_scene(action)
        items.append(
            circle(
                x,
                y,
                4.5,
                fill=f"heat{min(int(reward * 5), 4)}",
                stroke="ink",
                lw=0.6,
                alpha=1.0 - 0.7 * age / max(len(samples), 1),
            )
        )
    if len(mu_trail) > 1:
        items.append(
            path([plane.to_scene(mu) for mu in mu_trail], stroke="accent", lw=2, alpha=0.5)
        )
    items.append(circle(mx, my, 6, fill="accent", stroke="paper", lw=2))
    items.append(
        text(mx + 12, my - 12, "\u03bc", size=15, weight="bold", anchor="start", fill="accent")
    )
    # The target: a cross-hair with a paper-coloured halo, drawn last so it is never hidden.
    for role, lw in (("paper", 4.5), ("ink", 1.6)):
        items.append(circle(tx, ty, 9, stroke=role, lw=lw))
        items.append(path([(tx - 14, ty), (tx + 14, ty)], stroke=role, lw=lw))
        items.append(path([(tx, ty - 14), (tx, ty + 14)], stroke=role, lw=lw))
    items.append(text(tx, ty + 24, "target", size=12, weight="bold", fill="ink"))
    return {"width": plane.width, "height": plane.height, "items": items}
