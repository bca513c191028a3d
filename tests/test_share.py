"""Links: the page's state in its fragment, read back exactly, and every bad link only a note."""

import json
import zlib

from pgcore.host import Host
from pgcore.reader import own_source
from pgcore.share import MAX_LINK, decode, encode, pack_text, unpack_text

FIGURES = [
    {"id": "figure-1", "kind": "policy-gradient", "config": {}},
    {"id": "gauss", "kind": "gaussian", "config": {"target": [-0.5, 0.4]}},
    {"id": "code", "kind": "code", "config": {"target": "figure-1"}},
]


def mounted(link="", figures=FIGURES):
    """A host with the figures mounted from a link; its first frames taken."""
    host = Host()
    host.receive(json.dumps({"type": "mount", "figures": figures, "link": link, "baseLength": 30}))
    return host, want(host, 0)


def want(host, now_ms):
    host.receive('{"type": "want"}')
    out = host.tick(now_ms)
    return json.loads(out) if out else None


def send(host, figure_id, name, **fields):
    host.receive(json.dumps({"type": "event", "id": figure_id, "event": {"name": name, **fields}}))


def test_fragments_round_trip_and_text_packs_small():
    states = {"figure-1": {"mode": "trajectories", "goal": "2.0", "walls": "1.1;2.2"}}
    assert decode(encode(states)) == (states, [])
    code = own_source()
    assert unpack_text(pack_text(code)) == code and len(pack_text(code)) < len(code)


def test_the_readers_changes_make_a_link_that_rebuilds_the_same_figures_and_run():
    host, first = mounted()
    assert first["link"] == "", "the figures as the article set them need no fragment"
    for name, fields in (
        ("mode", {"value": "trajectories"}),
        ("goal", {"value": "2,0"}),
        ("algorithm", {"value": "actor_critic"}),
        ("lam", {"value": "0.5"}),
        ("lr", {"value": "34"}),
        ("colour", {"value": "weight"}),
    ):
        send(host, "figure-1", name, **fields)
    send(host, "gauss", "canvas", type="key", key="ArrowUp")
    link = want(host, 16)["link"]
    assert len(link) < 2000
    again, _ = mounted(link)
    grid, twin = host.figures["figure-1"], again.figures["figure-1"]
    assert twin.mode == "trajectories" and twin.grid.env.goal == (2, 0)
    assert twin.grid.learning.name == "actor_critic" and twin.grid.learning.hp.lam == 0.5
    assert twin.grid.lr == grid.grid.lr and twin.grid.colouring == "weight"
    assert again.figures["gauss"].task.target == host.figures["gauss"].task.target
    assert again.link.fragment == link  # the page's address says the same again
    # The same seed and settings, the same run: the same status after the same steps.
    fresh, _ = mounted(link)
    for h in (again, fresh):
        for _ in range(5):
            send(h, "figure-1", "step")
    assert (
        again.figures["figure-1"].grid.policy.theta == fresh.figures["figure-1"].grid.policy.theta
    )
    assert (
        again.figures["figure-1"].grid.status_line() == fresh.figures["figure-1"].grid.status_line()
    )


def test_code_in_a_link_is_shown_and_never_run():
    code = own_source().replace("w[t] = gamma**t * G_t - b", "w[t] = 0.0")
    link = encode({"code": {"code": pack_text(code)}})
    host, first = mounted(link)
    assert first["frames"]["code"]["controls"]["code"]["value"] == code
    assert "press Run" in first["frames"]["code"]["text"]["code-status"]
    assert host.figures["figure-1"].grid.learning.weights is None
    assert "characters)" in first["frames"]["figure-1"]["text"]["copy-link"]


def test_bad_values_are_ignored_with_a_note_and_good_ones_kept():
    link = (
        "v=1&figure-1.lr=99&figure-1.speed=2&figure-1.algorithm=sarsa&figure-1.goal=1.1"
        "&figure-1.colour=weight&nobody.x=1&figure-1.fly=high&junk&code.code=%%%"
    )
    host, first = mounted(link)
    grid = host.figures["figure-1"].grid
    assert grid.speed == 2 and grid.colouring == "weight"  # the good ones
    assert grid.lr == 1.0 and grid.learning.name == "reinforce_baseline" and grid.env.goal == (0, 2)
    note = first["frames"]["figure-1"]["text"]["link-note"]
    for words in (
        "lr='99'",
        "algorithm='sarsa'",
        "the link's world is not a valid one",
        "'nobody'",
        "fly='high' (unknown)",
        "'junk'",
    ):
        assert words in note, words
    assert first["frames"]["figure-1"]["attrs"]["link-note"] == {"hidden": None}
    assert "code='%%%'" in first["frames"]["code"]["text"]["link-note"]
    assert first["errors"] == {}


def test_hostile_links_are_notes_not_errors():
    huge = "v=1&figure-1.mode=" + "x" * (100 * 1024)
    host, first = mounted(huge)
    assert "longer than any link" in first["frames"]["figure-1"]["text"]["link-note"]
    bomb = pack_text("a" * (10 * 1024 * 1024))  # a small link that would unpack to 10 MB
    assert len(bomb) < MAX_LINK and unpack_text(bomb) is None
    host, first = mounted(encode({"code": {"code": bomb}}))
    assert "ignored code=" in first["frames"]["code"]["text"]["link-note"]
    assert unpack_text(zlib.compress(b"x").hex()) is None
    host, first = mounted("v=7&figure-1.mode=continuous")  # a later version: tried all the same
    assert host.figures["figure-1"].mode == "continuous" and first["errors"] == {}


def test_a_plain_anchor_is_not_a_link_state():
    host, first = mounted("the-concept")
    assert first["frames"]["figure-1"]["text"]["link-note"] == ""


def test_an_old_link_without_a_version_still_opens():
    host, _ = mounted("figure-1.mode=trajectories&figure-1.speed=5")
    assert host.figures["figure-1"].mode == "trajectories"
    assert host.figures["figure-1"].grid.speed == 5


def test_copying_is_acknowledged_under_the_figure():
    host, _ = mounted()
    send(host, "figure-1", "copied", value=True)
    assert want(host, 16)["frames"]["figure-1"]["text"]["link-note"] == "Link copied."


def test_every_kind_round_trips_through_a_link_under_2000_characters():
    figures = [
        {"id": "figure-1", "kind": "policy-gradient", "config": {}},
        {"id": "critics", "kind": "gridworld", "config": {"algorithm": "actor_critic"}},
        {"id": "gradient-cloud", "kind": "gradient-cloud", "config": {"step_reward": -0.04}},
        {"id": "race", "kind": "race", "config": {}},
        {"id": "code", "kind": "code", "config": {"target": "figure-1"}},
    ]
    host, _ = mounted(figures=figures)
    for figure_id, name, fields in (
        ("gradient-cloud", "train", {}),
        ("gradient-cloud", "baseline", {"value": "value"}),
        ("gradient-cloud", "pair", {"value": "0,2"}),
        ("gradient-cloud", "batch", {"value": "16"}),
        ("race", "seeds", {"value": "8"}),
        ("race", "algorithm-reinforce", {"value": True}),
        ("critics", "algorithm", {"value": "ppo"}),
        ("figure-1", "mode", {"value": "continuous"}),
    ):
        send(host, figure_id, name, **fields)
    link = want(host, 16)["link"]
    assert 0 < len(link) < 2000
    again, first = mounted(link, figures)
    assert first["link"] == link and all(not n for n in again.notes.values())
    cloud, twin = host.figures["gradient-cloud"], again.figures["gradient-cloud"]
    assert twin.resume_state() == cloud.resume_state()
    assert again.figures["race"].share() == host.figures["race"].share()
