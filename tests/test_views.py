"""Scenes: valid primitives, and pictures that mean what the article says they mean."""

import random

import pytest

from pgcore import GridWorld, Rollout, SoftmaxPolicy
from pgcore.figures import make_figure
from pgcore.figures.explainer import MODES
from pgcore.scene import ROLES, GridLayout, PlaneLayout, arrow, validate
from pgcore.views import policy_scene, trajectories_scene


def arrows(scene):
    """The arrows of a scene as (shaft, head) pairs: a stroked path, then its closed head."""
    items = scene["items"]
    return [
        (items[i - 1], item)
        for i, item in enumerate(items)
        if item["kind"] == "path" and item.get("closed") and items[i - 1]["kind"] == "path"
    ]


def test_every_mode_draws_a_valid_scene_before_and_after_training():
    explainer = make_figure("policy-gradient", {})
    for mode in MODES:
        explainer.set_mode(mode)
        validate(explainer.shown.scene())
        validate(explainer.shown.curve_scene())
        explainer.shown._train(40)
        scene = validate(explainer.shown.scene())
        assert scene["items"], mode
        validate(explainer.shown.curve_scene())


def test_an_arrow_is_a_shaft_and_a_head_that_meet_at_the_tip():
    shaft, head = arrow(10, 20, 110, 20, head=10, stroke="goal", lw=3, dash=(4, 2), alpha=0.5)
    assert shaft["points"][0] == [10, 20] and shaft["points"][-1][0] < 110
    assert head["closed"] and head["points"][0] == [110, 20] and head["fill"] == "goal"
    assert {p[0] for p in head["points"][1:]} == {100}  # the base, one head length back
    assert sorted(p[1] for p in head["points"][1:]) == [14.5, 25.5]  # 1.1 heads wide
    assert "dash" in shaft and "dash" not in head and head["alpha"] == shaft["alpha"] == 0.5
    assert arrow(5, 5, 5, 5, head=4) == []


def test_validate_rejects_unknown_roles_and_kinds():
    with pytest.raises(ValueError, match="role"):
        validate({"width": 1, "height": 1, "items": [{"kind": "rect", "fill": "red"}]})
    with pytest.raises(ValueError, match="kind"):
        validate({"width": 1, "height": 1, "items": [{"kind": "blob"}]})
    with pytest.raises(ValueError, match="finite"):
        validate({"width": 1, "height": 1, "items": [{"kind": "circle", "r": float("nan")}]})


def _bars_of(scene, layout, cell):
    """The four bar rects (fills a0..a3) inside one cell, in action order."""
    x, y = layout.origin(cell)
    bars = [
        item
        for item in scene["items"]
        if item["kind"] == "rect"
        and item.get("fill", "").startswith("a")
        and x <= item["x"] < x + layout.size
        and y <= item["y"] < y + layout.size
    ]
    return sorted(bars, key=lambda item: item["fill"])


def test_bar_heights_are_proportional_to_pi_and_arrows_thicken_with_it():
    env = GridWorld()
    policy = SoftmaxPolicy(env.n_states, theta=[[0.0, 2.0, -1.0, 0.5] for _ in range(9)])
    scene = policy_scene(env, policy)
    layout = GridLayout(3, 3)
    pi = policy.probs(env.state((2, 0)))
    heights = [bar["h"] for bar in _bars_of(scene, layout, (2, 0))]
    assert len(heights) == 4
    for h, p in zip(heights, pi, strict=True):
        assert h / heights[1] == pytest.approx(p / pi[1], rel=0.02)
    x, y = layout.origin((2, 0))
    in_cell = [
        shaft
        for shaft, _ in arrows(scene)
        if x <= shaft["points"][0][0] < x + layout.size
        and y <= shaft["points"][0][1] < y + layout.size
    ]
    widths = {item["stroke"]: item["lw"] for item in in_cell}
    order = sorted(range(4), key=lambda a: pi[a])
    assert [widths[f"a{a}"] for a in order] == sorted(widths.values())


def test_terminal_cells_have_no_bars():
    env = GridWorld()
    scene = policy_scene(env, SoftmaxPolicy(env.n_states))
    layout = GridLayout(3, 3)
    assert _bars_of(scene, layout, env.goal) == []
    assert _bars_of(scene, layout, env.pit) == []
    assert len(_bars_of(scene, layout, (2, 2))) == 4


def test_trajectory_arrows_are_coloured_and_dashed_by_outcome():
    env = GridWorld()
    # (2, 2) up, up -> goal (0, 2); (1, 0) right -> pit (1, 1); (2, 0) left (bump) then timeout.
    to_goal = Rollout([8, 5], [0, 0], [0.0, 1.0], 2, "goal", 0.9)
    to_pit = Rollout([3], [1], [-1.0], 4, "pit", -1.0)
    timeout = Rollout([6], [3], [0.0], 6, "timeout", 0.0)
    scene = validate(trajectories_scene(env, [(1, to_goal), (2, to_pit), (3, timeout)]))
    shafts = [shaft for shaft, _ in arrows(scene)]
    by_role = {}
    for item in shafts:
        by_role.setdefault(item["stroke"], []).append(item)
    assert len(by_role["goal"]) == 2 and len(by_role["pit"]) == 1 and len(by_role["timeout"]) == 1
    assert all("dash" not in item for item in by_role["goal"])
    assert by_role["pit"][0]["dash"] != by_role["timeout"][0]["dash"]
    # The newest rollout (the timeout) is drawn last and strongest.
    assert shafts[-1]["stroke"] == "timeout" and "alpha" not in shafts[-1]


def test_layouts_invert():
    layout = GridLayout(4, 6)
    for cell in [(0, 0), (3, 5), (2, 1)]:
        assert layout.cell_at(*layout.centre(cell)) == cell
    assert layout.cell_at(-5, -5) is None
    plane = PlaneLayout(1.0)
    for a in [(0.0, 0.0), (0.5, -0.25), (-1.0, 1.0)]:
        assert plane.to_action(*plane.to_scene(a)) == pytest.approx(a)


def test_roles_used_by_every_view_are_declared():
    explainer = make_figure("policy-gradient", {})
    rng = random.Random(3)
    used = set()
    for _ in range(30):
        explainer.set_mode(rng.choice(MODES))
        explainer.shown._train(rng.randint(1, 20))
        for scene in (explainer.shown.scene(), explainer.shown.curve_scene()):
            for item in scene["items"]:
                used |= {item[key] for key in ("fill", "stroke") if key in item}
    assert used <= set(ROLES)
