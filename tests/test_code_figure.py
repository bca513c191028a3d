"""The code figure under CPython: the reader's step_weights compiled, tried, run by the grid, and
stopped at its first mistake with the line it made it on."""

import json

import pytest

from pgcore.host import Host
from pgcore.reader import (
    ANCHOR,
    GUIDED,
    ReaderError,
    ReaderWeights,
    compile_weights,
    guided_source,
    own_source,
)
from pgcore.weights import step_weights

EPISODE = ([0.0, -0.04, 0.0, 1.0], [0.2, 0.5, 0.9, 0.4], 0.9, 0.25)


def host_with_code():
    """A host with a grid and a code figure that drives it; the first frames taken."""
    host = Host()
    figures = [
        {"id": "grid", "kind": "gridworld", "config": {}},
        {"id": "code", "kind": "code", "config": {"target": "grid"}},
    ]
    host.receive(json.dumps({"type": "mount", "figures": figures}))
    host.receive('{"type": "want"}')
    host.tick(0)
    return host


def send(host, figure_id, name, **fields):
    host.receive(json.dumps({"type": "event", "id": figure_id, "event": {"name": name, **fields}}))


def frame(host, now_ms):
    host.receive('{"type": "want"}')
    out = host.tick(now_ms)
    return json.loads(out) if out else None


def test_the_editor_shows_the_function_pgcore_runs_and_it_compiles_to_the_same():
    source = own_source()
    assert source.startswith("def step_weights(rewards, pi_taken, gamma, b):")
    assert ANCHOR in source
    assert compile_weights(source)(*EPISODE) == step_weights(*EPISODE)


def test_each_guided_edit_changes_what_the_formula_says():
    rewards, pi_taken, gamma, b = EPISODE
    own = step_weights(*EPISODE)
    no_baseline = compile_weights(guided_source("no-baseline"))(*EPISODE)
    assert no_baseline == step_weights(rewards, pi_taken, gamma, 0.0)
    drop_log = compile_weights(guided_source("drop-log"))(*EPISODE)
    assert drop_log == pytest.approx([w * p for w, p in zip(own, pi_taken, strict=True)])
    last = compile_weights(guided_source("last-step"))(*EPISODE)
    assert last == [0.0, 0.0, 0.0, own[-1]]
    assert set(GUIDED) == {"no-baseline", "drop-log", "last-step"}


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (
            "def step_weights(rewards, pi_taken, gamma, b):\n    return [0.0 for r in rewards\n",
            2,
            "SyntaxError",
        ),
        (
            "def step_weights(rewards, pi_taken, gamma, b):\n    x = 1\n    return 1 / 0\n",
            3,
            "ZeroDivisionError: division by zero",
        ),
        (
            "import math\ndef step_weights(rewards, pi_taken, gamma, b):\n    return nope\n",
            3,
            "NameError",
        ),
        (
            "def weights(rewards, pi_taken, gamma, b):\n    return rewards\n",
            None,
            "must define a function step_weights",
        ),
        (
            "def step_weights(rewards, pi_taken, gamma, b):\n    return [1.0]\n",
            None,
            "returned 1 weights for 3 steps",
        ),
        (
            "def step_weights(rewards, pi_taken, gamma, b):\n    return [float('nan')] * 3\n",
            None,
            "not a finite number",
        ),
    ],
)
def test_a_mistake_is_reported_at_its_line_of_the_readers_code(text, line, words):
    with pytest.raises(ReaderError) as caught:
        compile_weights(text)
    assert caught.value.line == line
    assert words in str(caught.value)
    assert str(caught.value).startswith(f"line {line}: ") == (line is not None)


def test_a_failure_while_training_hands_over_to_the_last_good_function():
    reports = []
    fails_late = compile_weights(
        "def step_weights(rewards, pi_taken, gamma, b):\n"
        "    if len(rewards) > 3:\n"
        "        raise ValueError('too long')\n"
        "    return [1.0] * len(rewards)\n"
    )
    weights = ReaderWeights(fails_late, step_weights, reports.append)
    assert weights([0.0, 1.0], None, 0.9, 0.0) == [1.0, 1.0]
    assert weights(*EPISODE) == step_weights(*EPISODE)  # it failed: the fallback answered
    assert [str(e) for e in reports] == ["line 3: ValueError: too long"]
    assert weights([0.0, 1.0], None, 0.9, 0.0) == step_weights([0.0, 1.0], None, 0.9, 0.0)


def test_zero_weights_keep_the_grid_uniform_and_restore_brings_pgcores_back():
    host = host_with_code()
    zero = own_source().replace(ANCHOR, "        w[t] = 0.0\n")
    send(host, "code", "run", value=zero)
    grid = host.figures["grid"]
    assert grid.learning.weights is not None and grid.learning.name == "reinforce_baseline"
    send(host, "grid", "step")
    send(host, "grid", "step")
    assert all(x == 0.0 for row in grid.policy.theta for x in row)
    news = frame(host, 16)["frames"]
    assert news["code"]["text"]["code-status"] == "Running your step_weights."
    assert "controls" not in news["code"], "the reader's text is theirs: never echoed"
    assert news["grid"]["text"]["algorithm-stats"] == "weights: yours (the code figure)"
    send(host, "code", "restore")
    assert grid.learning.weights is None
    send(host, "grid", "step")
    assert any(x != 0.0 for row in grid.policy.theta for x in row)
    assert frame(host, 32)["frames"]["code"]["controls"]["code"]["value"] == own_source()


def test_a_syntax_error_changes_nothing_but_says_where():
    host = host_with_code()
    send(host, "code", "run", value="def step_weights(:\n")
    news = frame(host, 16)["frames"]["code"]
    assert news["text"]["code-error"].startswith("line 1: SyntaxError")
    assert news["attrs"]["code-error"] == {"hidden": None}
    assert host.figures["grid"].learning.weights is None


def test_a_guided_edit_runs_and_shows_its_text():
    host = host_with_code()
    send(host, "code", "guided", value="last-step")
    news = frame(host, 16)["frames"]["code"]
    assert "only the last step" in news["controls"]["code"]["value"]
    assert host.figures["grid"].learning.weights is not None


def test_stop_stops_every_figure_and_after_a_restart_the_text_stays_unrun():
    host = host_with_code()
    send(host, "grid", "train")
    text = own_source().replace(ANCHOR, "        w[t] = 1.0\n")
    send(host, "code", "run", value=text)
    send(host, "code", "stop")
    assert not host.figures["grid"].running
    resume = frame(host, 16)["frames"]["code"]["resume"]
    again = Host()  # Python restarted; the page still shows the reader's text, and says so
    specs = [
        {"id": "grid", "kind": "gridworld", "config": {}},
        {
            "id": "code",
            "kind": "code",
            "config": {"target": "grid"},
            "resume": resume,
            "inputs": {"code": text},
        },
    ]
    again.receive(json.dumps({"type": "mount", "figures": specs}))
    first = frame(again, 0)["frames"]["code"]
    assert "controls" not in first, "the page's text is the reader's: never overwritten"
    assert "until you press Run" in first["text"]["code-status"]
    assert again.figures["code"].text == text
    assert again.figures["grid"].learning.weights is None


def test_a_code_figure_aiming_at_no_figure_stops_with_a_reason():
    host = Host()
    spec = {"id": "code", "kind": "code", "config": {"target": "nowhere"}}
    host.receive(json.dumps({"type": "mount", "figures": [spec]}))
    send(host, "code", "restore")
    assert "no figure 'nowhere'" in frame(host, 0)["errors"]["code"]
