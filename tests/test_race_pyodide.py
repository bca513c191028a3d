"""The race's frames in real Pyodide under Node equal CPython's, for the same messages.

The race trains between frames for a wall-clock slice, so how far it gets by a given frame is
the machine's business; what the page shows at each milestone is not: before the start, at the
finish, at the finish after a raised budget, after Reset. The session folds every frame into
the page's state, as the page's script does, and prints that state at each milestone (the
status line's rollouts per second, a wall-clock rate, becomes N).
"""

import pytest
from pyodide_runs import assert_same, run_in_both

SESSION = """
import json, re
from pgcore.host import Host

host = Host()
config = {"seeds": 5, "budget": 300, "algorithms": ["reinforce", "ppo"], "seed": 11}
host.receive(json.dumps({"type": "mount", "figures": [{"id": "race", "kind": "race",
                                                        "config": config}]}))
page, clock = {}, [0]

def send(event):
    host.receive(json.dumps({"type": "event", "id": "race", "event": event}))

def tick():
    host.receive('{"type": "want"}')
    out = host.tick(clock[0] * 1000 / 60)
    clock[0] += 1
    if out is not None:
        message = json.loads(out)
        assert message["errors"] == {}, message["errors"]
        for part, slots in message["frames"].get("race", {}).items():
            page.setdefault(part, {}).update(slots)

def snapshot():
    state = json.loads(json.dumps(page))
    state["text"]["status"] = re.sub(r"[\\d,]+ rollouts/s", "N rollouts/s", state["text"]["status"])
    return state

def until_finished():
    for _ in range(100_000):
        tick()
        if page["text"]["status"].startswith("Finished"):
            return snapshot()
    raise AssertionError("the race never finished")

milestones = {}
tick()
milestones["static"] = snapshot()
send({"name": "train"})
send({"name": "seeds", "value": "6"})  # while running: a new race of 6 seeds at once
send({"name": "algorithm-actor_critic", "value": True})  # and again, with three algorithms
milestones["finish"] = until_finished()
send({"name": "budget", "value": "500"})
send({"name": "train"})
milestones["longer"] = until_finished()
send({"name": "reset"})
tick()
milestones["reset"] = snapshot()
print(json.dumps(milestones))
"""


@pytest.mark.node
def test_the_race_shows_the_same_at_every_milestone_in_pyodide_and_cpython():
    cpython, pyodide = run_in_both(SESSION)
    finish, longer = cpython["finish"], cpython["longer"]
    assert cpython["static"]["tables"]["race-table"] == []
    assert [row["cells"][3] for row in finish["tables"]["race-table"]] == ["300"] * 3
    assert [row["cells"][3] for row in longer["tables"]["race-table"]] == ["500"] * 3
    assert finish["text"]["status"] == (
        "Finished \u00b7 300 of 300 rollouts per seed \u00b7 N rollouts/s over 18 learners"
    )
    assert cpython["reset"]["tables"]["race-table"] == []
    assert_same(cpython, pyodide, "milestones")
