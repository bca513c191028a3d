"""How the gridworld's views are drawn: world state in, scene out (see scene.py).

Policy: every cell shows pi(up), pi(right), pi(down), pi(left) as four bars, and four arrows whose
thickness grows with pi(a|s). Trajectories: each recent rollout's sampled actions as arrows,
coloured and dashed by how the rollout ended, or by the weight its update gave each step.
The plane of the Gaussian is drawn by plane_view.py, learning curves by curve_view.py.
"""

from .scene import ACTION_VECTORS, GridLayout, arrow, circle, path, rect, text

# Outcome of a rollout -> (colour role, dash). The dash is the second cue, for readers who do not
# see the colours apart.
OUTCOME_STYLE = {"goal": ("goal", None), "pit": ("pit", (6, 4)), "timeout": ("timeout", (1.5, 3.5))}


def _cells(env, layout, faded=False):
    """Cell backgrounds and the goal/pit/wall/start marks shared by both grid views."""
    items = []
    s = layout.size
    for row in range(env.rows):
        for col in range(env.cols):
            cell = (row, col)
            x, y = layout.origin(cell)
            role = env.role(cell)
            fill = {"wall": "wall", "goal": "goal", "pit": "pit"}.get(role, "cell")
            alpha = 0.22 if role in ("goal", "pit") else (0.55 if faded else 1.0)
            items.append(rect(x + 2, y + 2, s - 4, s - 4, r=6, fill=fill, alpha=alpha))
            items.append(rect(x + 2, y + 2, s - 4, s - 4, r=6, stroke="faint", lw=1))
            cx, cy = x + s / 2, y + s * 0.3
            if role == "goal":
                items.append(rect(x + 2, y + 2, s - 4, s - 4, r=6, stroke="goal", lw=2.5))
                items.append(text(cx, cy, "+1 goal", size=s * 0.13, weight="bold", fill="goal"))
            elif role == "pit":
                items.append(
                    rect(x + 2, y + 2, s - 4, s - 4, r=6, stroke="pit", lw=2.5, dash=(6, 4))
                )
                items.append(text(cx, cy, "\u22121 pit", size=s * 0.13, weight="bold", fill="pit"))
            elif role == "start":
                items.append(
                    text(x + s - 8, y + s - 10, "start", size=s * 0.09, anchor="end", fill="muted")
                )
    return items


def _body_centre(layout, cell):
    """Centre of the part of a cell below its bars, where arrows, the trail and the agent go."""
    x, y = layout.origin(cell)
    return x + layout.size / 2, y + layout.size * 0.68


def policy_scene(env, policy, last_rollout=None, agent_state=None):
    """The Policy view: bars and arrows for pi(.|s) in every cell, the agent and its last trail."""
    layout = GridLayout(env.rows, env.cols)
    items = _cells(env, layout)
    s = layout.size
    for state in range(env.n_states):
        cell = env.cell(state)
        if env.role(cell) in ("goal", "pit", "wall"):
            continue
        pi = policy.probs(state)
        x, y = layout.origin(cell)
        # Bars: four columns in the top band of the cell, full band height = probability 1.
        band_top, band_h = y + s * 0.08, s * 0.26
        bar_w, gap = s * 0.13, s * 0.04
        left = x + (s - 4 * bar_w - 3 * gap) / 2
        items.append(
            path(
                [
                    (left - 3, band_top + band_h),
                    (left + 4 * bar_w + 3 * gap + 3, band_top + band_h),
                ],
                stroke="faint",
                lw=1,
            )
        )
        for a, p in enumerate(pi):
            h = max(p * band_h, 0.5)
            items.append(
                rect(left + a * (bar_w + gap), band_top + band_h - h, bar_w, h, r=1.5, fill=f"a{a}")
            )
        # Arrows: thickness and length grow with pi(a|s).
        cx, cy = _body_centre(layout, cell)
        for (dx, dy), p, a in zip(ACTION_VECTORS, pi, range(4), strict=True):
            length = s * (0.07 + 0.19 * p)
            lw = 0.8 + 7.0 * p
            start = s * 0.05
            items.extend(
                arrow(
                    cx + dx * start,
                    cy + dy * start,
                    cx + dx * length,
                    cy + dy * length,
                    head=2.5 + 1.6 * lw,
                    stroke=f"a{a}",
                    lw=lw,
                    alpha=0.35 + 0.65 * p,
                )
            )
    if last_rollout is not None:
        visited = last_rollout.states + [last_rollout.final_state]
        trail = [_body_centre(layout, env.cell(state)) for state in visited]
        items.append(path(trail, stroke="agent", lw=3, alpha=0.3))
    if agent_state is not None:
        ax, ay = _body_centre(layout, env.cell(agent_state))
        items.append(circle(ax, ay, s * 0.075, fill="agent", stroke="paper", lw=2))
    return {"width": layout.width, "height": layout.height, "items": items}


def _step_style(rollout, t, colour_by, w_max):
    """(role, dash, width factor) of step t's arrow: by the rollout's outcome, or by its w_t."""
    if colour_by == "outcome":
        return (*OUTCOME_STYLE[rollout.outcome], 1.0)
    if rollout.weights is None:  # its batch has not been used for an update yet
        return (*OUTCOME_STYLE["timeout"], 0.6)
    w_t = rollout.weights[t]
    size = 0.35 + 0.9 * abs(w_t) / w_max if w_max else 0.35
    if w_t > 0:
        return "goal", None, size  # log pi(a_t|s_t) pushed up
    if w_t < 0:
        return "pit", (6, 4), size  # pushed down
    return (*OUTCOME_STYLE["timeout"], 0.35)


def trajectories_scene(env, rollouts, colour_by="outcome"):
    """The Trajectories view: recent rollouts' actions as arrows, newest last and strongest.

    colour_by "outcome": green at the goal, red (dashed) in the pit, grey (dotted) timed out;
    "weight": green where the update pushed the step's log-probability up (w_t > 0), red
    (dashed) where it pushed it down (w_t < 0), thicker the larger |w_t|; dotted grey for
    rollouts whose batch is still being collected.
    """
    layout = GridLayout(env.rows, env.cols)
    items = _cells(env, layout, faded=True)
    s = layout.size
    count = len(rollouts)
    w_max = max(
        (abs(w) for _, ro in rollouts if ro.weights is not None for w in ro.weights), default=0.0
    )
    for index, (serial, rollout) in enumerate(rollouts):
        age = count - 1 - index  # oldest first, so the newest is drawn on top
        strength = 1.0 - age / max(count, 1)
        # Each rollout gets its own small offset so overlapping paths stay distinguishable.
        off = ((serial * 37) % 11 - 5) / 5 * s * 0.14
        base = 3.0 if age == 0 else 1.8
        next_states = rollout.states[1:] + [rollout.final_state]
        for t, (state, action, next_state) in enumerate(
            zip(rollout.states, rollout.actions, next_states, strict=True)
        ):
            role, dash, size = _step_style(rollout, t, colour_by, w_max)
            lw = base * (size if colour_by == "weight" else 1.0)
            x1, y1 = layout.centre(env.cell(state))
            dx, dy = ACTION_VECTORS[action]
            if next_state == state:
                # Bumped into an edge or a wall: a short stub in the direction it tried.
                x2, y2 = x1 + dx * s * 0.3, y1 + dy * s * 0.3
            else:
                x2, y2 = layout.centre(env.cell(next_state))
                x1, y1, x2, y2 = (
                    x1 + dx * s * 0.12,
                    y1 + dy * s * 0.12,
                    x2 - dx * s * 0.2,
                    y2 - dy * s * 0.2,
                )
            ox, oy = -dy * off, dx * off
            items.extend(
                arrow(
                    x1 + ox,
                    y1 + oy,
                    x2 + ox,
                    y2 + oy,
                    head=4 + lw * 1.5,
                    stroke=role,
                    lw=lw,
                    alpha=0.12 + 0.88 * strength,
                    dash=dash,
                )
            )
    return {"width": layout.width, "height": layout.height, "items": items}


def trajectory_counts(rollouts, colour_by="outcome"):
    """What the Trajectories view shows, in words, for readers who cannot see the arrows."""
    if colour_by == "outcome":
        outcomes = [rollout.outcome for rollout in rollouts]
        return ", ".join(f"{outcomes.count(o)} {o}" for o in ("goal", "pit", "timeout"))
    weighed = [w for ro in rollouts if ro.weights is not None for w in ro.weights]
    waiting = sum(len(ro.actions) for ro in rollouts if ro.weights is None)
    up, down = sum(w > 0 for w in weighed), sum(w < 0 for w in weighed)
    return f"{up} steps pushed up, {down} pushed down, {waiting} waiting for their batch"
