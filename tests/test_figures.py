"""The figures as the page drives them, under CPython: events in, frames of plain data out."""

import json
import math
import random

import numpy as np
import pytest

from pgcore.figure import CHUNK, CURVE_POINTS, REFRESH_S, SPEEDS, FigureError, slider_from_lr
from pgcore.figures import FIGURES, UnknownFigure, make_figure, settings_for
from pgcore.figures.explainer import MODES
from pgcore.scene import GridLayout, PlaneLayout, validate
from pgcore.settings import SettingsError


def press(figure, name, value=None, **extra):
    """Send one event as the page does."""
    event = {"name": name, **extra}
    if value is not None:
        event["value"] = value
    figure.handle(event)


def frames(figure, count, start=0.0, step=1 / 60):
    """Run count animation frames as the host does: advance, then frame; return the last."""
    frame = None
    for i in range(count):
        now = start + i * step
        figure.advance(now)
        frame = figure.frame(now)
    return frame


def greedy_path_reaches_goal(grid):
    """Follow the most probable action from every start state; True if all reach the goal."""
    env = grid.env
    for start in env.start_states():
        state = start
        for _ in range(env.max_steps):
            probs = grid.policy.probs(state)
            state, _, done = env.step(state, probs.index(max(probs)))
            if done:
                break
        if env.cell(state) != env.goal:
            return False
    return True


def test_training_raises_the_exact_return_and_learns_a_greedy_path():
    figure = make_figure("gridworld", {})
    before = figure._exact()
    press(figure, "train")
    frames(figure, 150)
    assert figure._exact() > before + 0.5
    assert greedy_path_reaches_goal(figure)
    assert figure.curve[0] == (0, pytest.approx(before))
    assert figure.curve[-1][0] == figure.learning.done == 150 * 8


def test_moving_the_goal_keeps_theta_and_training_finds_the_new_goal():
    figure = make_figure("gridworld", {})
    press(figure, "train")
    frames(figure, 100)
    theta = [row[:] for row in figure.policy.theta]
    x, y = GridLayout(3, 3).centre((2, 0))
    press(figure, "canvas", type="click", x=x, y=y)
    assert figure.env.goal == (2, 0)
    assert figure.policy.theta == theta
    frames(figure, 300)
    assert greedy_path_reaches_goal(figure)


def test_only_empty_cells_can_become_the_goal_and_the_table_offers_them():
    figure = make_figure("gridworld", {"start": [2, 0], "walls": [[2, 2]]})
    for cell in ["1,1", "0,2", "2,0", "2,2", "7,7"]:
        press(figure, "goal", cell)
        assert figure.env.goal == (0, 2)
    press(figure, "goal", "0,0")
    assert figure.env.goal == (0, 0)
    rows = figure.frame(0)["tables"]["policy-table"]
    buttons = [row["cells"][-1]["value"] for row in rows if row["cells"][-1]]
    assert buttons == ["0,1", "0,2", "1,0", "1,2", "2,1"]
    assert [row["attrs"]["data-role"] for row in rows][:3] == ["goal", "empty", "empty"]


def test_reset_forgets_learning_but_keeps_the_readers_world():
    figure = make_figure("gridworld", {})
    press(figure, "goal", "2,2")
    press(figure, "step")
    press(figure, "reset")
    assert figure.env.goal == (2, 2)
    assert all(value == 0.0 for row in figure.policy.theta for value in row)
    assert figure.learning.done == 0 and len(figure.curve) == 1


def test_same_events_same_run():
    def run():
        figure = make_figure("policy-gradient", {})
        press(figure, "train")
        for speed in (2, 6, 0):
            press(figure, "speed", str(speed))
            frames(figure, 3)
        press(figure, "mode", "continuous")
        frames(figure, 4)
        return figure.grid.policy.theta, figure.gauss.policy.mu

    assert run() == run()


def test_the_gaussian_pulls_mu_to_a_moved_target_and_keys_move_it():
    figure = make_figure("gaussian", {})
    x, y = PlaneLayout(1.0).to_scene((-0.5, -0.4))
    press(figure, "canvas", type="click", x=x, y=y)
    assert figure.task.target == pytest.approx((-0.5, -0.4), abs=1e-6)
    press(figure, "canvas", type="key", key="ArrowRight")
    assert figure.task.target == pytest.approx((-0.4, -0.4), abs=1e-6)
    press(figure, "canvas", type="key", key="Enter")  # not one of its keys: nothing moves
    press(figure, "train")
    frames(figure, 400)
    assert math.dist(figure.policy.mu, figure.task.target) < 0.15
    assert figure._exact() > 0.6


def test_the_gaussian_exact_return_matches_monte_carlo():
    figure = make_figure("gaussian", {})
    figure.policy.mu[:] = [0.2, -0.1]
    rng = np.random.default_rng(0)
    sigma = np.array(figure.policy.sigma)
    samples = rng.normal(figure.policy.mu, sigma, size=(200_000, 2))
    target = np.array(figure.task.target)
    rewards = np.exp(-((samples - target) ** 2).sum(axis=1) / (2 * figure.task.width**2))
    standard_error = rewards.std() / math.sqrt(len(rewards))
    assert abs(figure._exact() - rewards.mean()) < 4 * standard_error


def test_status_counts_rollouts_and_averages_recent_returns():
    figure = make_figure("gridworld", {})
    assert figure.frame(0)["text"]["status"].startswith("0 rollouts")
    press(figure, "step")
    returns = [rollout.G for _, rollout in figure.recent]
    status = figure.frame(0)["text"]["status"]
    assert status.startswith("8 rollouts")
    assert f"{sum(returns) / len(returns):+.2f}" in status


def test_the_slow_parts_refresh_five_times_a_second_while_training():
    figure = make_figure("gridworld", {})
    press(figure, "train")
    seen = []
    for i in range(60):  # one second of frames
        now = i / 60
        figure.advance(now)
        seen.append("tables" in figure.frame(now))
    assert 1 / REFRESH_S - 1 <= sum(seen) <= 1 / REFRESH_S + 1
    press(figure, "train")  # paused: everything is sent at once
    assert "tables" in figure.frame(1.01)


def test_learning_curve_stays_short():
    figure = make_figure("gridworld", {})
    press(figure, "speed", "0")
    press(figure, "train")
    frames(figure, 3 * CURVE_POINTS)
    assert len(figure.curve) <= CURVE_POINTS
    assert figure.curve[0][0] == 0 and figure.curve[-1][0] == 3 * CURVE_POINTS * SPEEDS[0]
    assert [n for n, _ in figure.curve] == sorted(n for n, _ in figure.curve)


def test_random_events_never_break_a_figure():
    rng = random.Random(5)
    figure = make_figure("policy-gradient", {})
    for i in range(400):
        action = rng.randrange(8)
        if action == 0:
            press(figure, "mode", rng.choice(MODES))
        elif action == 1:
            press(figure, "canvas", type="click", x=rng.uniform(0, 480), y=rng.uniform(0, 480))
        elif action == 2:
            press(figure, "reset")
        elif action == 3:
            press(figure, "lr", str(rng.randint(0, 60)))
        elif action == 4:
            press(figure, "speed", str(rng.randrange(len(SPEEDS))))
        elif action == 5:
            press(figure, "baseline", rng.random() < 0.5)
        elif action == 6:
            press(figure, "train")
        else:
            press(figure, "canvas", type="key", key=rng.choice(["ArrowUp", "ArrowLeft", "x"]))
        figure.advance(i / 60)
        frame = figure.frame(i / 60)
        for scene in frame.get("scenes", {}).values():
            validate(scene)
        json.dumps(frame)
    for state in range(figure.grid.env.n_states):
        assert math.isclose(sum(figure.grid.policy.probs(state)), 1.0)


def test_fastest_speed_trains_for_a_time_budget_not_a_count():
    figure = make_figure("gridworld", {})
    press(figure, "speed", str(len(SPEEDS) - 1))
    press(figure, "train")
    assert figure.trains_freely()
    figure.advance(0.0)  # paced training does nothing at the fastest speed
    assert figure.learning.done == 0
    ticks = iter(range(1000))
    # A fake clock advancing 1 ms per look: a 3 ms budget is spent after 3 chunks.
    assert figure.train_for(0.003, clock=lambda: next(ticks) / 1000) == 3 * CHUNK
    assert figure.learning.done == 3 * CHUNK
    assert figure.frame(0.1) and figure.curve[-1][0] == 3 * CHUNK


def test_reduced_motion_trains_in_discrete_steps():
    figure = make_figure("gridworld", {}, reduced_motion=True)
    press(figure, "train")
    assert not figure.trains_freely()
    figure.advance(0.0)
    first = figure.learning.done
    figure.advance(0.3)  # too soon for the next step
    assert figure.learning.done == first == 64
    assert figure.wake_in(0.3) == pytest.approx(0.3)
    figure.advance(0.6)
    assert figure.learning.done == 128


def test_the_target_stays_inside_the_plane():
    figure = make_figure("gaussian", {})
    figure.move_target((1.7, -3.0))
    assert tuple(figure.task.target) == (1.0, -1.0)


def test_the_first_frame_says_what_the_settings_say():
    figure = make_figure("gridworld", {"lr": 0.01, "algorithm": "ppo", "clip_eps": 0.3})
    frame = figure.frame(0)
    assert frame["controls"]["lr"]["value"] == slider_from_lr(0.01)
    assert frame["controls"]["algorithm"] == {"value": "ppo"}
    assert frame["controls"]["clip"]["value"] == pytest.approx(0.3)
    assert frame["attrs"]["clip-group"] == {"hidden": None}  # PPO's epsilon is shown
    assert frame["attrs"]["colour-group"] == {"hidden": True}  # only in Trajectories
    assert frame["text"]["lr-out"] == "\u03b1 = 0.01"
    assert frame["text"]["train"] == "Train"
    assert {"canvas", "curve"} <= frame["scenes"].keys()
    assert "controls" not in figure.frame(0.1), "controls are sent when stale, never echoed"


@pytest.mark.parametrize("algorithm", ["reinforce", "reinforce_baseline", "actor_critic", "ppo"])
def test_every_algorithm_teaches_a_greedy_path_and_switching_keeps_theta(algorithm):
    figure = make_figure("gridworld", {"algorithm": algorithm})
    press(figure, "train")
    frames(figure, 400)
    assert greedy_path_reaches_goal(figure), algorithm
    theta = [row[:] for row in figure.policy.theta]
    other = "ppo" if algorithm != "ppo" else "reinforce"
    press(figure, "algorithm", other)
    assert figure.policy.theta == theta and figure.learning.name == other
    frame = frames(figure, 30)
    assert figure.curve[-1][0] == figure.learning.done == 430 * 8
    if other == "ppo":
        assert "clip fraction" in figure.frame(9)["text"]["algorithm-stats"] or frame


def test_trajectories_colour_by_weight_says_what_each_arrow_means():
    figure = make_figure("gridworld", {"batch_size": 4})
    press(figure, "view", "trajectories")
    press(figure, "colour", "weight")
    press(figure, "speed", "0")  # one rollout a frame: the last batch is still being collected
    press(figure, "train")
    frame = frames(figure, 6)
    status = figure.frame(1)["text"]["status"]
    waiting = sum(len(ro.actions) for _, ro in list(figure.recent)[4:])  # the unfinished batch
    assert "steps pushed up" in status and f"{waiting} waiting for their batch" in status
    roles = {item.get("stroke") for item in frame["scenes"]["canvas"]["items"]}
    assert roles & {"goal", "pit"} and "timeout" in roles
    with pytest.raises(ValueError, match="unknown colouring"):
        press(figure, "colour", "rainbow")


def test_the_explainer_hands_training_to_the_view_on_show():
    figure = make_figure("policy-gradient", {})
    press(figure, "train")
    frames(figure, 5)
    grid_done = figure.grid.learning.done
    press(figure, "mode", "continuous")
    assert figure.gauss.running and not figure.grid.running
    frame = figure.frame(0.5)
    assert frame["root"]["mode"] == "continuous"
    assert frame["controls"]["mode"]["value"] == "continuous"
    assert frame["text"]["status"].startswith("0 samples")
    frames(figure, 5)
    assert figure.grid.learning.done == grid_done
    assert figure.gauss.trainer.samples_done == 40
    assert figure.frame(2)["attrs"]["algorithm-group"] == {"hidden": True}
    press(figure, "lr", "20")  # the knobs reach both worlds
    assert figure.grid.lr == figure.gauss.lr == pytest.approx(0.1)


def test_the_policy_tables_goal_buttons_work_in_every_view():
    # Found by the soak: in Continuous the table is still on the page, and its buttons must
    # move the grid's goal, not reach the Gaussian.
    figure = make_figure("policy-gradient", {})
    press(figure, "mode", "continuous")
    press(figure, "goal", "2,2")
    assert figure.grid.env.goal == (2, 2) and figure.mode == "continuous"


def test_a_figure_resumes_where_it_was():
    figure = make_figure("policy-gradient", {})
    press(figure, "goal", "2,2")
    press(figure, "lr", "30")
    press(figure, "train")
    frames(figure, 20)
    press(figure, "mode", "continuous")
    press(figure, "canvas", type="key", key="ArrowUp")
    frames(figure, 20)
    state = json.loads(json.dumps(figure.resume_state()))  # it crosses the page as JSON
    again = make_figure("policy-gradient", {})
    again.resume(state)
    assert again.mode == "continuous" and again.grid.env.goal == (2, 2)
    assert again.grid.policy.theta == figure.grid.policy.theta
    assert again.gauss.policy.mu == figure.gauss.policy.mu
    assert again.gauss.task.target == figure.gauss.task.target
    assert again.grid.lr == figure.grid.lr and not again.gauss.running


def test_unknown_events_and_kinds_are_errors():
    figure = make_figure("gridworld", {})
    with pytest.raises(ValueError, match="no event 'fly'"):
        press(figure, "fly")
    with pytest.raises(ValueError, match="numeric"):
        press(figure, "lr", "fast")
    with pytest.raises(UnknownFigure, match="no figure is called 'spiral'"):
        make_figure("spiral", {})
    with pytest.raises(SettingsError, match="unknown setting"):
        settings_for("gaussian", {"rows": 3})


def test_every_kind_draws_valid_scenes_in_every_view():
    for kind in FIGURES:
        figure = make_figure(kind, {})
        try:
            press(figure, "train")
        except FigureError:
            continue  # a figure that does not train (the code figure) has no views to draw
        for view_event, values in (("mode", MODES), ("view", ("policy", "trajectories"))):
            for value in values:
                try:
                    press(figure, view_event, value)
                except ValueError:
                    continue  # this kind has no such switch
                frame = frames(figure, 3)
                for scene in frame.get("scenes", {}).values():
                    validate(scene)
