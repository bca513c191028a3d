"""The worker's host under CPython: the messages of a page, and the frames it answers with."""

import json

import pytest

from pgcore.host import Host


def mount(*figures, reduced_motion=False):
    """A host with figures mounted, as the page's first message does."""
    host = Host()
    specs = [
        {"id": f"f{i}", "kind": kind, "config": config} for i, (kind, config) in enumerate(figures)
    ]
    host.receive(json.dumps({"type": "mount", "figures": specs, "reducedMotion": reduced_motion}))
    return host


def want(host, now_ms):
    """The page asks for a frame; return the parsed answer (None if there is no news)."""
    host.receive('{"type": "want"}')
    out = host.tick(now_ms)
    return None if out is None else json.loads(out)


def event(host, figure_id, name, **fields):
    host.receive(json.dumps({"type": "event", "id": figure_id, "event": {"name": name, **fields}}))


def test_the_first_frame_is_whole_and_the_next_only_says_what_changed():
    host = mount(("gridworld", {}), ("gaussian", {}))
    first = want(host, 0)
    assert set(first["frames"]) == {"f0", "f1"} and first["errors"] == {}
    assert {"text", "controls", "scenes", "tables", "resume"} <= set(first["frames"]["f0"])
    assert want(host, 16) is None, "nothing changed: no frame, and the want stays pending"
    assert host.wanted
    event(host, "f0", "train")
    news = json.loads(host.tick(20))
    f0 = news["frames"]["f0"]
    assert f0["text"]["train"] == "Pause" and f0["root"] == {"running": "true"}
    assert "f1" not in news["frames"]
    assert "controls" not in f0 and "lr-out" not in f0["text"]


def test_frames_wait_for_the_page_to_want_them():
    host = mount(("gridworld", {}))
    want(host, 0)
    assert want(host, 5) is None  # nothing new: this want stays pending
    event(host, "f0", "train")
    assert host.tick(10) is not None  # the pending want is answered
    assert host.tick(26) is None, "no new want: nothing is sent, however much changed"
    assert want(host, 42)["frames"]["f0"]["scenes"]["canvas"]


def test_the_fastest_speed_trains_between_frames_and_asks_to_be_woken_at_once():
    host = mount(("gridworld", {"seed": 1}))
    want(host, 0)
    event(host, "f0", "speed", value="7")
    event(host, "f0", "train")
    assert host.wake_in(0) == 0
    for now in range(1, 6):
        host.tick(now)  # no want: these ticks only train
    figure = host.figures["f0"]
    assert figure.learning.done > 0
    done = figure.learning.done
    frame = want(host, 100)["frames"]["f0"]
    assert figure.learning.done == done, "the page's frame goes out before the next slice"
    assert frame["text"]["status"].startswith(f"{done:,} rollouts")
    assert host.wake_in(100) == 0 and host.tick(101) is None and figure.learning.done > done


def run_page(host, seconds, paint_ms=1000 / 60):
    """Play the page and the worker for `seconds` of simulated time; return the frames sent.

    The worker ticks when a message comes and when wake_in says; the page, given a frame,
    paints it and wants the next one a vsync later. Ends early if both would wait forever.
    """
    end, frames = seconds * 1000, 0
    next_want, next_wake = 0.0, float("inf")
    while min(next_want, next_wake) < end:
        now = min(next_want, next_wake)
        if now == next_want:
            host.receive('{"type": "want"}')
            next_want = float("inf")
        if host.tick(now) is not None:
            frames += 1
            next_want = now + paint_ms
        wait = host.wake_in(now)
        next_wake = now + wait if wait >= 0 else float("inf")
        if next_want == next_wake == float("inf"):
            break  # nothing will ever tick again
    return frames


def test_paced_training_goes_on_when_a_frame_shows_nothing_new():
    # A settled policy draws the same canvas frame after frame; the status line changes only at
    # each refresh. Training at 8 rollouts per frame must not wait for the reader to touch it.
    host = mount(("gridworld", {"seed": 3}))
    event(host, "f0", "train")
    run_page(host, 30)
    figure = host.figures["f0"]
    assert figure.learning.done >= 0.9 * 8 * 60 * 30, figure.learning.done


def test_an_idle_host_sleeps_and_reduced_motion_wakes_it_on_time():
    host = mount(("gridworld", {}))
    want(host, 0)
    assert host.wake_in(10) == -1
    host = mount(("gridworld", {}), reduced_motion=True)
    want(host, 0)
    event(host, "f0", "train")
    want(host, 1000)
    assert host.wake_in(1100) == pytest.approx(500)


def test_a_failing_figure_stops_alone_and_says_why_once():
    host = mount(("gridworld", {}), ("gaussian", {}))
    want(host, 0)
    event(host, "f0", "fly")
    event(host, "f1", "train")
    out = want(host, 10)
    assert out["errors"] == {"f0": "FigureError: GridFigure has no event 'fly'"}
    assert "f1" in out["frames"] and "f0" not in out["frames"]
    event(host, "f0", "train")  # ignored from now on
    assert want(host, 30)["errors"] == {}


def test_a_mount_with_resume_states_comes_back_where_it_was():
    host = mount(("gridworld", {}))
    want(host, 0)
    event(host, "f0", "goal", value="2,0")
    event(host, "f0", "step")
    resume = want(host, 5)["frames"]["f0"]["resume"]
    again = Host()
    spec = {"id": "f0", "kind": "gridworld", "config": {}, "resume": resume}
    again.receive(json.dumps({"type": "mount", "figures": [spec]}))
    assert again.figures["f0"].env.goal == (2, 0)
    assert again.figures["f0"].policy.theta == host.figures["f0"].policy.theta


def test_unknown_messages_are_refused():
    with pytest.raises(ValueError, match="unknown message type"):
        Host().receive('{"type": "dance"}')
