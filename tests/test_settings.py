"""The [widget] settings: every mistake an author can make is named, every valid value kept."""

import json

import pytest

from pgcore.settings import GaussianSettings, GridSettings, SettingsError


def test_defaults_describe_the_article_world():
    settings = GridSettings.from_mapping({})
    world = settings.world()
    assert (world.rows, world.cols, world.goal, world.pit) == (3, 3, (0, 2), (1, 1))


def test_json_round_trip_keeps_every_value():
    settings = GridSettings.from_mapping(
        {
            "rows": 4,
            "cols": 5,
            "goal": [0, 4],
            "pit": [2, 2],
            "walls": [[1, 1], [3, 0]],
            "start": [3, 4],
            "gamma": 0.95,
            "lr": 2,
            "batch_size": 4,
            "algorithm": "actor_critic",
            "lam": 0.5,
            "seed": 11,
        }
    )
    again = GridSettings.from_mapping(json.loads(json.dumps(settings.to_json_dict())))
    assert again == settings
    assert again.walls == ((1, 1), (3, 0)) and again.lr == 2.0


@pytest.mark.parametrize(
    ("mapping", "key", "fragment"),
    [
        ({"colour": "red"}, "colour", "unknown setting"),
        ({"rows": "3"}, "rows", "whole number"),
        ({"rows": True}, "rows", "whole number"),
        ({"algorithm": "sarsa"}, "algorithm", "not one of reinforce, reinforce_baseline"),
        ({"algorithm": 3}, "algorithm", "expected text"),
        ({"lam": 1.5}, "lam", "out of range"),
        ({"gamma": "high"}, "gamma", "number"),
        ({"gamma": 1.5}, "gamma", "out of range"),
        ({"lr": 0}, "lr", "out of range"),
        ({"rows": 9}, "rows", "out of range"),
        ({"goal": [0]}, "goal", "cell [row, col]"),
        ({"goal": [5, 0]}, "goal", "outside"),
        ({"goal": [1, 1]}, "pit", "on the goal"),
        ({"walls": [[0, 2]]}, "goal", "wall"),
        ({"walls": "none"}, "walls", "list of [row, col] cells"),
    ],
)
def test_bad_settings_name_the_setting(mapping, key, fragment):
    with pytest.raises(SettingsError) as caught:
        GridSettings.from_mapping(mapping)
    assert caught.value.key == key
    assert fragment in str(caught.value)


def test_the_gaussian_target_must_lie_on_the_plane():
    assert GaussianSettings.from_mapping({"target": [1, -1]}).target == (1.0, -1.0)
    with pytest.raises(SettingsError) as caught:
        GaussianSettings.from_mapping({"target": [1.5, 0]})
    assert caught.value.key == "target"


def test_every_setting_describes_itself_for_the_readme():
    for settings in (GridSettings, GaussianSettings):
        for row in settings.describe():
            assert row["doc"] and row["type"], row
    rows = {row["key"]: row for row in GridSettings.describe()}
    assert rows["rows"]["range"] == "2..8" and rows["rows"]["default"] == 3
    assert rows["gamma"]["range"] == "0 < gamma <= 1"
    assert GridSettings.bounds("max_steps") == (1, 200)
