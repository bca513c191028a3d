"""The race figure under CPython: events in, frames out, the table against a numpy oracle."""

import itertools
import json

import numpy as np
import pytest

from pgcore.algorithms import ALGORITHMS, LABELS
from pgcore.figure import REDUCED_MOTION_S, REFRESH_S, FigureError
from pgcore.figures import make_figure
from pgcore.figures.race import LAP
from pgcore.host import Host
from pgcore.race_view import LABEL_GAP, STYLE
from pgcore.scene import validate
from pgcore.settings import RaceSettings, SettingsError
from tests.oracle import grid_model, optimal_return, policy_return

SMALL = {"seeds": 4, "budget": 200}  # a race that finishes in a fraction of a second


def press(figure, name, value=None):
    """Send one event as the page does."""
    figure.handle({"name": name} if value is None else {"name": name, "value": value})


def race_to_the_finish(figure, seconds=0.002, now=0.0):
    """Run the figure as the host does, train_for between frames, until it stops; last frame."""
    frame = None
    while figure.running:
        figure.train_for(seconds)
        now += 1 / 60
        if figure.dirty(now):
            frame = figure.frame(now)
    return figure.frame(now + 1) if frame is None or figure.dirty(now + 1) else frame


def chart_lines(scene):
    """The chart's algorithm lines: {colour role: (points, dash)}."""
    roles = {role for role, _ in STYLE.values()}
    return {
        item["stroke"]: (item["points"], item.get("dash"))
        for item in scene["items"]
        if item["kind"] == "path" and item.get("stroke") in roles
    }


def test_the_first_frame_is_the_static_page_before_the_start():
    frame = make_figure("race", {}).frame(0.0)
    assert frame["tables"] == {"race-table": []}
    assert (
        frame["text"]["status"]
        == "Not started \u00b7 3 algorithms \u00d7 16 seeds, 1,000 rollouts each"
    )
    assert frame["text"]["train"] == "Start" and frame["attrs"]["train"]["aria-pressed"] == "false"
    assert {name: c["checked"] for name, c in frame["controls"].items() if "-" in name} == {
        "algorithm-reinforce": False,
        "algorithm-reinforce_baseline": True,
        "algorithm-actor_critic": True,
        "algorithm-ppo": True,
    }
    assert [frame["text"][f"algorithm-{name}-label"] for name in ALGORITHMS] == [
        LABELS[name] for name in ALGORITHMS
    ]
    chart = validate(frame["scenes"]["chart"])
    assert chart_lines(chart) == {}  # no lines yet, only the ceiling, dashed, at the oracle's J*
    J_star = optimal_return(grid_model(3, 3, (0, 2), (1, 1)), 0.9)
    texts = [item["text"] for item in chart["items"] if item["kind"] == "text"]
    assert f"best possible J* = {J_star:.2f}" in texts and "1,000" in texts


def test_start_races_between_frames_and_the_table_is_numpys_mean_and_band():
    figure = make_figure("race", SMALL)
    press(figure, "train")
    assert figure.trains_freely() and figure.frame(0.0)["text"]["train"] == "Stop"
    figure.advance(0.0)  # nothing is paced per frame: the race trains only in train_for
    assert figure.race.rollouts == 0
    frame = race_to_the_finish(figure)
    assert not figure.running and frame["text"]["train"] == "Start"
    assert frame["text"]["status"].startswith("Finished \u00b7 200 of 200 rollouts per seed")
    model = grid_model(3, 3, (0, 2), (1, 1))
    rows = frame["tables"]["race-table"]
    assert [row["attrs"]["data-algorithm"] for row in rows] == list(RaceSettings().algorithms)
    for row in rows:
        name = row["attrs"]["data-algorithm"]
        J = [
            policy_return(model, np.array(ln.policy.theta), 0.9)
            for ln in figure.race.learners[name]
        ]
        band = 1.96 * np.std(J, ddof=1) / np.sqrt(4)
        assert row["cells"] == [LABELS[name], f"{np.mean(J):.3f}", f"\u00b1 {band:.3f}", "200"]
    lines = chart_lines(validate(frame["scenes"]["chart"]))
    assert len(lines) == 3 and len({str(dash) for _, dash in lines.values()}) == 3  # a dash apiece
    # a point per lap of LAP rollouts, and the last one at the budget (a cut lap)
    assert [len(points) for points, _ in lines.values()] == [1 + -(-200 // LAP)] * 3


def test_every_algorithm_climbs_well_above_where_it_started():
    figure = make_figure("race", {"algorithms": list(ALGORITHMS), "seeds": 8, "budget": 800})
    press(figure, "train")
    race_to_the_finish(figure, seconds=0.05)
    for name in ALGORITHMS:
        start, end = figure.race.history[name][0], figure.race.history[name][-1]
        assert end["mean_J"] - end["band"] > start["mean_J"] + 0.5, name


def test_the_same_seed_gives_the_same_race_however_the_calls_are_sliced():
    finished = []
    for seconds in (0.0, 0.003, 1.0):  # one learner per call, a few, whole laps
        figure = make_figure("race", SMALL)
        press(figure, "train")
        frame = race_to_the_finish(figure, seconds)
        finished.append((frame["tables"], frame["scenes"]))
    assert finished[0] == finished[1] == finished[2]
    other = make_figure("race", {**SMALL, "seed": 8})
    press(other, "train")
    assert race_to_the_finish(other)["tables"] != finished[0][0]


def test_a_call_overruns_its_time_by_one_learners_turn_however_many_race():
    figure = make_figure("race", {"algorithms": list(ALGORITHMS), "seeds": 32})
    press(figure, "train")
    learners = [ln for name in ALGORITHMS for ln in figure.race.learners[name]]
    assert len(learners) == 128
    for turn in range(len(learners)):
        # A clock that says the time is up at its first look after the start.
        before = [(ln.rollouts_done, ln.updates_done) for ln in learners]
        assert figure.train_for(0.5, clock=itertools.count().__next__) == LAP
        after = [(ln.rollouts_done, ln.updates_done) for ln in learners]
        moved = [i for i, (b, a) in enumerate(zip(before, after, strict=True)) if a != b]
        assert moved == [turn]  # one learner per call, round robin
        assert after[turn][1] - before[turn][1] == LAP // figure.hp.batch_size
    assert figure.race.rollouts == LAP  # the lap is over: every learner had its turn
    assert len(figure.race.history["ppo"]) == 2


def test_the_call_that_trains_the_last_learner_to_the_budget_stops_the_race():
    figure = make_figure("race", SMALL)
    press(figure, "train")
    turns = 12 * -(-200 // LAP)  # 4 seeds x 3 algorithms, 7 laps (the last one cut to 8)
    for turn in range(1, turns + 1):
        assert figure.running, turn
        figure.train_for(0.5, clock=itertools.count().__next__)
    assert not figure.running and figure.dirty(0.0) and figure.race.rollouts == 200


def test_the_budget_stops_the_race_and_a_higher_one_lets_it_go_on():
    figure = make_figure("race", SMALL)
    press(figure, "train")
    race_to_the_finish(figure)
    assert figure.race.finished and figure.race.rollouts == 200
    assert figure.train_for(1.0) == 0 and not figure.trains_freely()
    press(figure, "budget", "430")  # rounded to the slider's step of 100
    assert figure.budget == 400 and not figure.running
    assert figure.frame(1.0)["text"]["status"].startswith("Stopped \u00b7 200 of 400")
    press(figure, "train")  # goes on from 200
    frame = race_to_the_finish(figure)
    points = [p["rollouts"] for p in figure.race.history["ppo"]]
    assert points[:9] == [0, 32, 64, 96, 128, 160, 192, 200, 232] and points[-1] == 400
    assert frame["text"]["budget-out"] == "400 rollouts"
    press(figure, "train")  # Start after the finish: a new race from zero
    assert figure.running and figure.race.rollouts == 0


def test_stop_reset_K_and_the_algorithms():
    figure = make_figure("race", SMALL)
    press(figure, "train")
    figure.train_for(0.0)
    press(figure, "train")  # Stop: the lap waits half done, and goes on at the next Start
    assert not figure.running and figure.train_for(1.0) == 0
    press(figure, "train")
    race_to_the_finish(figure)
    press(figure, "reset")
    assert figure.race is None and figure.frame(0.0)["tables"]["race-table"] == []
    press(figure, "train")
    press(figure, "seeds", "6")  # running: a new race of 6 seeds starts at once
    assert figure.running and figure.race.seeds == 6 and figure.race.rollouts == 0
    press(figure, "train")
    press(figure, "algorithm-reinforce", True)  # stopped: back to the start line
    assert figure.race is None and figure.algorithms == ALGORITHMS
    press(figure, "seeds", "99")
    assert figure.seeds == 32
    for name in ("reinforce", "reinforce_baseline", "ppo"):
        press(figure, f"algorithm-{name}", False)
    frame = figure.frame(0.0)
    assert figure.algorithms == ("actor_critic",)
    assert frame["attrs"]["algorithm-actor_critic"] == {"disabled": True}  # the last one stays
    assert frame["attrs"]["algorithm-ppo"] == {"disabled": None}
    press(figure, "algorithm-actor_critic", False)
    assert figure.algorithms == ("actor_critic",)
    press(figure, "train")
    assert [row["cells"][0] for row in figure.frame(0.0)["tables"]["race-table"]] == [
        "Actor-critic"
    ]
    with pytest.raises(FigureError, match="no event 'algorithm-a3c'"):
        press(figure, "algorithm-a3c", True)
    with pytest.raises(FigureError, match="numeric"):
        press(figure, "budget", "far")


def test_frames_while_racing_refresh_five_times_a_second_or_less_with_reduced_motion():
    for reduced, every in ((False, REFRESH_S), (True, REDUCED_MOTION_S)):
        figure = make_figure("race", SMALL, reduced_motion=reduced)
        press(figure, "train")
        figure.frame(0.0)
        figure.train_for(0.0)
        assert not figure.dirty(every * 0.9) and figure.dirty(every)
        assert "tables" in figure.frame(every)


def test_the_knobs_survive_a_restart_of_the_worker_the_race_starts_again():
    figure = make_figure("race", SMALL)
    press(figure, "seeds", "9")
    press(figure, "budget", "700")
    press(figure, "algorithm-reinforce", True)
    press(figure, "train")
    figure.train_for(0.01)
    state = json.loads(json.dumps(figure.frame(0.0)["resume"]))
    again = make_figure("race", SMALL)
    again.resume(state)
    assert (again.seeds, again.budget, again.algorithms) == (9, 700, ALGORITHMS)
    assert again.race is None and not again.running
    assert again.frame(0.0)["controls"]["budget"]["value"] == 700
    again.resume({"seeds": "many", "algorithms": ["a3c"], "budget": None})  # ignored
    assert (again.seeds, again.budget, again.algorithms) == (9, 700, ALGORITHMS)


def test_end_labels_never_overlap_and_stay_on_the_chart():
    figure = make_figure("race", {**SMALL, "algorithms": list(ALGORITHMS)})
    press(figure, "train")
    for _ in range(3):  # the four lines start together and stay close: their labels must not
        figure.train_for(1.0)
        chart = figure.frame(0.0)["scenes"]["chart"]
        labels = sorted(item["y"] for item in chart["items"] if item.get("weight") == "bold")
        assert len(labels) == 4
        assert all(b - a >= LABEL_GAP - 0.01 for a, b in itertools.pairwise(labels))
        assert 0 <= labels[0] and labels[-1] <= chart["height"]


def test_the_host_answers_stop_at_the_next_tick():
    host = Host()
    figures = [{"id": "race", "kind": "race", "config": SMALL}]
    host.receive(json.dumps({"type": "mount", "figures": figures}))
    host.receive(json.dumps({"type": "event", "id": "race", "event": {"name": "train"}}))
    race = host.figures["race"]
    for frame in range(3):
        host.receive('{"type": "want"}')
        host.tick(frame * 1000 / 60)
    assert race.race.rollouts > 0 and host.wake_in(100.0) == 0
    host.receive(json.dumps({"type": "event", "id": "race", "event": {"name": "train"}}))
    done = [ln.rollouts_done for ln in race.race.learners["ppo"]]
    host.receive('{"type": "want"}')
    out = json.loads(host.tick(100.0))
    assert [ln.rollouts_done for ln in race.race.learners["ppo"]] == done
    assert out["frames"]["race"]["text"]["train"] == "Start"
    assert out["errors"] == {} and host.wake_in(200.0) == -1


def test_race_settings_are_checked_like_the_grids():
    assert RaceSettings.from_mapping({"rows": 4, "walls": [[2, 1]]}).world().walls == {(2, 1)}
    for mapping, key in (
        ({"algorithms": ["ppo", "a3c"]}, "algorithms"),
        ({"algorithms": []}, "algorithms"),
        ({"algorithms": ["ppo", "ppo"]}, "algorithms"),
        ({"algorithms": "ppo"}, "algorithms"),
        ({"budget": 250}, "budget"),
        ({"seeds": 1}, "seeds"),
        ({"batch_size": 64}, "batch_size"),
        ({"baseline": True}, "baseline"),  # each algorithm decides that
        ({"goal": [1, 1]}, "pit"),
    ):
        with pytest.raises(SettingsError) as caught:
            RaceSettings.from_mapping(mapping)
        assert caught.value.key == key, mapping
    rows = {row["key"]: row for row in RaceSettings.describe()}
    assert rows["algorithms"]["type"] == "list of names" and rows["seeds"]["range"] == "2..32"
    assert rows["max_steps"]["doc"] == "horizon: an episode is cut off after this many steps"
