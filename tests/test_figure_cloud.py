"""The gradient cloud figure under CPython: events in, frames out, and numbers that check out.

Oracles: numpy's statistics of the points the figure plotted, the forward-mode numpy gradient of
tests/oracle.py (not pgcore's policy-gradient theorem), and pgcore's own trainer run apart.
"""

import json
import random

import numpy as np
import pytest

from pgcore import GridWorld, Hyperparams, SoftmaxPolicy, exact_gradient, make_learner
from pgcore.cloud import BASELINE_LABELS, BASELINES
from pgcore.cloud_plot import POINTS, cloud_scene, nice_ceiling, window_half_width
from pgcore.figure import REDUCED_MOTION_S, FigureError
from pgcore.figures import make_figure, settings_for
from pgcore.figures.cloud import ROLLOUTS_PER_FRAME
from pgcore.figures.cloud_spaces import TRAIN_BATCH, TRAIN_ROLLOUTS
from pgcore.scene import GridLayout, validate
from pgcore.settings import CloudSettings, SettingsError
from tests.oracle import grid_model, policy_gradient
from tests.test_figures import frames, press

PER_FRAME = ROLLOUTS_PER_FRAME // 8  # estimates per frame at the default batch of 8


def cloud(**settings):
    return make_figure("gradient-cloud", settings)


def count(figure):
    """Estimates in each cloud, as the table's last column says (one count for all three)."""
    rows = figure.clouds.table_rows(figure.clouds.summaries(), figure.baseline)
    (n,) = {row["cells"][-1] for row in rows}
    return int(n.replace(",", ""))


def test_the_first_frame_is_the_whole_static_figure():
    figure = cloud()
    frame = figure.frame(0)
    assert frame["root"] == {"space": "grid", "sampling": "false"}
    assert frame["text"]["sample"] == "Start sampling"
    assert frame["text"]["theta"] == "frozen after 0 rollouts of training \u00b7 J(\u03b8) = -0.425"
    assert frame["text"]["status"] == "No estimates yet: press Start sampling."
    assert frame["text"]["train"] == f"Train \u03b8 (+{TRAIN_ROLLOUTS})"
    assert frame["controls"]["baseline"] == {"value": "none"}
    assert frame["controls"]["reward-to-go"] == {"checked": True}
    assert frame["controls"]["batch"]["value"] == 8 and frame["controls"]["pair"]["value"] == "0,1"
    assert frame["attrs"]["grid-only"] == {"hidden": None}
    rows = frame["tables"]["variance-table"]
    assert [row["cells"][0] for row in rows] == [BASELINE_LABELS[b] for b in BASELINES]
    assert [row["cells"][1:] for row in rows] == [["\u2013"] * 4 + ["0"]] * 3
    for scene in frame["scenes"].values():
        validate(scene)
    labels = [item["text"] for item in frame["scenes"]["canvas"]["items"] if item["kind"] == "text"]
    assert "\u2202J/\u2202\u03b8[(2,0), \u2191] \u2192" in labels  # the x axis: up at (2, 0)
    assert "\u2191 \u2202J/\u2202\u03b8[(2,0), \u2192]" in labels
    json.dumps(frame)  # plain data all through
    assert not figure.dirty(0.1), "nothing new until the reader acts"


def test_sampling_fills_the_plot_and_the_table_with_the_clouds_numbers():
    figure = cloud()
    press(figure, "sample")
    last = frames(figure, 30)
    assert last["root"]["sampling"] == "true" and last["text"]["sample"] == "Pause sampling"
    assert count(figure) == 30 * PER_FRAME
    circles = [i for i in last["scenes"]["canvas"]["items"] if i["kind"] == "circle"]
    assert len(circles) <= POINTS + 2  # the points shown, and the mean's ring
    # The table against numpy, from the very points each cloud keeps (all 120 of them).
    table = figure.frame(1.0)["tables"]["variance-table"]
    rows = {row["attrs"]["data-baseline"]: row["cells"] for row in table}
    variances = {}
    for baseline, c in figure.clouds.clouds.items():
        points = np.array(c.points)
        assert len(points) == 30 * PER_FRAME
        variances[baseline] = np.trace(np.cov(points.T))
        distance = np.linalg.norm(points.mean(axis=0) - c.exact)
        standard_error = np.sqrt(variances[baseline] / len(points))
        assert rows[baseline][1:] == [
            f"{variances[baseline]:.3g}",
            f"{variances['none'] / variances[baseline]:.2f}\u00d7",
            f"{distance:.2g}",
            f"{standard_error:.2g}",
            f"{len(points)}",
        ]
    press(figure, "sample")
    frames(figure, 10, start=10)
    assert count(figure) == 30 * PER_FRAME, "paused: no more estimates"


def test_the_three_baselines_play_the_same_batches():
    figure = cloud(batch_size=1)
    press(figure, "sample")
    frames(figure, 5)
    clouds = figure.clouds.clouds
    # the same draws from one seed (the value baseline learns V from a stream of its own)
    assert len({str(c.rng.getstate()) for c in clouds.values()}) == 1
    # with one episode per batch the leave-one-out baseline is 0: the very same estimates
    assert clouds["leave_one_out"].points == clouds["none"].points
    assert clouds["value"].points != clouds["none"].points
    # Clear draws new batches, from the next seed
    before = clouds["none"].points[:]
    press(figure, "clear")
    assert count(figure) == 0
    frames(figure, 5)
    assert figure.clouds.clouds["none"].points != before


def test_the_exact_gradient_is_the_oracles_at_the_frozen_theta():
    settings = {"rows": 3, "cols": 4, "goal": [0, 3], "pit": [1, 1], "walls": [[0, 2]]}
    figure = cloud(**settings, gamma=0.8, step_reward=-0.1, max_steps=12)
    for _ in range(2):
        press(figure, "train")
    press(figure, "pair", "1,3")
    press(figure, "map", type="click", x=GridLayout(3, 4).centre((2, 2))[0], y=300.0)
    space = figure.space
    assert (space.cell, space.pair) == ((2, 2), (1, 3))
    theta = np.array(space.policy.theta)
    model = grid_model(3, 4, (0, 3), (1, 1), [(0, 2)], None, 12, -0.1)
    oracle = policy_gradient(model, theta, 0.8)[2 * 4 + 2, [1, 3]]
    np.testing.assert_allclose(figure.clouds.exact, oracle, rtol=1e-9, atol=1e-13)
    pgcore_exact = exact_gradient(space.env, space.policy, 0.8)[2 * 4 + 2]
    assert figure.clouds.exact == [pgcore_exact[1], pgcore_exact[3]]


def test_train_moves_theta_as_reinforce_with_baseline_from_the_seed_and_reset_undoes_it():
    figure = cloud(seed=12, lr=0.5)
    press(figure, "train")
    press(figure, "train")
    env = GridWorld(step_reward=-0.04)
    policy = SoftmaxPolicy(env.n_states)
    hp = Hyperparams(lr=0.5, batch_size=TRAIN_BATCH, gamma=0.9)
    make_learner("reinforce_baseline", env, policy, hp, random.Random(12)).train(400)
    assert figure.space.policy.theta == policy.theta
    assert figure.frame(0)["text"]["theta"].startswith("frozen after 400 rollouts of training")
    press(figure, "reset")
    assert figure.space.policy.theta == SoftmaxPolicy(env.n_states).theta


def test_a_frozen_theta_stays_frozen_while_sampling():
    figure = cloud()
    press(figure, "train")
    theta = [row[:] for row in figure.space.policy.theta]
    J = figure.space.J()
    press(figure, "sample")
    frames(figure, 60)
    press(figure, "space", "gaussian")
    mu, sigma = list(figure.space.policy.mu), figure.space.policy.sigma
    frames(figure, 30)
    assert (figure.space.policy.mu, figure.space.policy.sigma) == (mu, sigma)
    press(figure, "space", "grid")
    frames(figure, 30)
    assert figure.spaces["grid"].policy.theta == theta and figure.space.J() == J


def test_what_is_estimated_changes_start_the_clouds_again_and_the_baseline_only_shows():
    figure = cloud()
    press(figure, "sample")
    frames(figure, 4)
    press(figure, "baseline", "value")
    assert count(figure) == 4 * PER_FRAME, "all three were sampled all along"
    shown = [r["attrs"]["data-shown"] for r in figure.frame(1)["tables"]["variance-table"]]
    assert shown == ["false", "false", "true"]
    for name, value in [("reward-to-go", False), ("batch", "16"), ("pair", "0,2")]:
        frames(figure, 4)
        press(figure, name, value)
        assert count(figure) == 0, name
    frames(figure, 4)
    assert count(figure) == 4 * (ROLLOUTS_PER_FRAME // 16)
    assert figure.frame(1)["text"]["batch-out"] == "16 rollouts"


def test_reward_to_go_is_the_whole_return_when_only_the_end_pays():
    # gamma^t G_t = G_0 at every step when the only reward is the last: the switch does nothing
    def points(step_reward, reward_to_go):
        figure = cloud(step_reward=step_reward)
        press(figure, "train")
        if not reward_to_go:
            press(figure, "reward-to-go", False)
        figure.sample(40)
        return figure.clouds.clouds["none"].points

    np.testing.assert_allclose(points(0.0, True), points(0.0, False), rtol=1e-12, atol=1e-15)
    assert not np.allclose(points(-0.04, True), points(-0.04, False))


def test_the_map_chooses_cells_where_the_agent_acts():
    figure = cloud()
    layout = GridLayout(3, 3)
    for cell in [(0, 2), (1, 1)]:  # the goal and the pit: nothing to estimate there
        press(figure, "map", type="click", x=layout.centre(cell)[0], y=layout.centre(cell)[1])
        assert figure.space.cell == (2, 0)
    press(figure, "map", type="click", x=layout.centre((0, 1))[0], y=layout.centre((0, 1))[1])
    assert figure.space.cell == (0, 1)
    press(figure, "map", type="key", key="ArrowDown")  # over the pit, to the cell beyond
    assert figure.space.cell == (2, 1)
    press(figure, "map", type="key", key="ArrowDown")  # the edge: it stays
    assert figure.space.cell == (2, 1)
    ringed = figure.frame(0)["scenes"]["map"]["items"][-1]
    assert ringed["stroke"] == "accent" and (ringed["x"], ringed["y"]) == (
        round(layout.origin((2, 1))[0] + 1, 2),
        round(layout.origin((2, 1))[1] + 1, 2),
    )
    press(figure, "space", "gaussian")
    press(figure, "map", type="click", x=10.0, y=10.0)
    frame = figure.frame(0)
    assert frame["attrs"]["grid-only"] == {"hidden": True}
    assert frame["text"]["batch-out"] == "8 samples"
    assert figure.spaces["grid"].cell == (2, 1)
    labels = [i["text"] for i in frame["scenes"]["canvas"]["items"] if i["kind"] == "text"]
    assert "\u2202J/\u2202\u03bc\u2081 \u2192" in labels


@pytest.mark.parametrize(
    ("name", "value", "extra", "message"),
    [
        ("fly", None, {}, "no event 'fly'"),
        ("space", "polar", {}, "unknown space"),
        ("baseline", "median", {}, "unknown baseline"),
        ("reward-to-go", "yes", {}, "true or false"),
        ("batch", "many", {}, "numeric"),
        ("pair", "0,0", {}, "two actions"),
        ("pair", "1,4", {}, "two actions"),
        ("pair", "up,right", {}, "two actions"),
        ("map", None, {"type": "click", "x": "left"}, "numbers x and y"),
    ],
)
def test_malformed_events_are_errors(name, value, extra, message):
    figure = cloud()
    with pytest.raises(FigureError, match=message):
        press(figure, name, value, **extra)


def test_the_mean_stays_on_the_exact_gradient_and_the_baselines_cut_the_variance():
    figure = cloud()
    for _ in range(5):
        press(figure, "train")
    figure.sample(1500)
    summaries = figure.clouds.summaries()
    for summary in summaries.values():
        for m, e, se in zip(summary["mean"], summary["exact"], summary["se"], strict=True):
            assert abs(m - e) <= 4.5 * se
    none = summaries["none"]["variance"]
    assert summaries["leave_one_out"]["variance"] < none / 2
    assert summaries["value"]["variance"] < summaries["leave_one_out"]["variance"] / 2


def test_resume_brings_back_theta_the_knobs_and_the_same_batches():
    figure = cloud()
    for name, value in [("train", None), ("train", None), ("pair", "1,2"), ("baseline", "value")]:
        press(figure, name, value)
    press(figure, "map", type="key", key="ArrowUp")
    press(figure, "batch", "4")
    press(figure, "clear")
    state = json.loads(json.dumps(figure.frame(0)["resume"]))
    again = cloud()
    again.resume(state)
    assert again.spaces["grid"].policy.theta == figure.spaces["grid"].policy.theta
    assert (again.space.cell, again.space.pair) == ((1, 0), (1, 2))
    assert (again.baseline, again.batch_size, again.round) == ("value", 4, 1)
    figure.sample(20)
    again.sample(20)
    assert again.clouds.clouds["value"].points == figure.clouds.clouds["value"].points
    broken = cloud()
    broken.resume(
        {"space_name": "polar", "batch_size": 0, "grid": {"cell": [1, 1], "trained": "x"}}
    )
    assert (broken.space_name, broken.batch_size, broken.space.cell) == ("grid", 8, (2, 0))


def test_reduced_motion_samples_in_steps():
    figure = make_figure("gradient-cloud", {}, reduced_motion=True)
    press(figure, "sample")
    figure.advance(0.0)
    assert count(figure) == 12 * PER_FRAME
    assert figure.wake_in(0.1) == pytest.approx(REDUCED_MOTION_S - 0.1)
    figure.advance(0.1)
    assert count(figure) == 12 * PER_FRAME
    figure.advance(REDUCED_MOTION_S)
    assert count(figure) == 24 * PER_FRAME
    assert not figure.trains_freely()


def test_train_for_samples_until_its_budget_is_spent():
    ticks = iter(range(100))
    figure = cloud()
    done = figure.train_for(2.5, clock=lambda: next(ticks))
    assert done == count(figure) == 3 * PER_FRAME  # checked after each frame's share: 1, 2, 3


def test_the_plot_window_is_a_sticky_nice_number():
    assert [nice_ceiling(x) for x in (0.03, 0.1, 0.11, 0.35, 3.0, 7.0)] == [
        0.05,
        0.1,
        0.2,
        0.5,
        5.0,
        10.0,
    ]
    assert window_half_width(None, 0.1) == 0.5  # three deviations, rounded up
    assert window_half_width(0.5, 0.2) == 1.0  # grows at once
    assert window_half_width(1.0, 0.1) == 1.0  # shrinks only when far too wide
    assert window_half_width(1.0, 0.05) == 0.2
    # points beyond the window are left out; the newest are drawn last and darkest
    points = [[0.0, 0.0], [5.0, 0.0], [0.1, 0.1]]
    scene = cloud_scene([0.0, 0.0], points, None, 1.0, ["x", "y"])
    dots = [i for i in scene["items"] if i["kind"] == "circle"]
    assert [(d["x"], d["y"]) for d in dots] == [(240.0, 254.0), (262.4, 231.6)]
    assert dots[0]["alpha"] < dots[1].get("alpha", 1.0)


def test_settings_default_to_a_step_cost_and_check_the_cell():
    settings = settings_for("gradient-cloud", {})
    assert settings.step_reward == -0.04 and settings.cell is None
    assert settings_for("gradient-cloud", {"cell": [0, 0]}).cell == (0, 0)
    for cell, fragment in [([1, 1], "pit"), ([0, 2], "goal"), ([3, 0], "outside")]:
        with pytest.raises(SettingsError, match=fragment) as caught:
            CloudSettings.from_mapping({"cell": cell})
        assert caught.value.key == "cell"
    with pytest.raises(SettingsError) as caught:
        CloudSettings.from_mapping({"batch_size": 65})
    assert caught.value.key == "batch_size"
    assert all(row["doc"] for row in CloudSettings.describe())
    assert cloud(cell=[0, 0]).space.cell == (0, 0)
