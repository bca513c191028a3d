"""The gradient cloud as built, before any Python runs: the page says what the settings say.

Two clouds on one page (the "cloud" fixture): each keeps its own ids, settings and first frame,
and its numbers match an independent computation (tests/oracle.py), not pgcore's.
"""

import json
from html.parser import HTMLParser

import numpy as np
import pytest
from conftest import built_fixture

from tests.oracle import grid_model, policy_return


class Slots(HTMLParser):
    """Every element of the page with an id or a data-pg slot: (figure id, tag, attrs, text)."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.ids, self.figures, self.slots, self.open = [], {}, [], []
        self.figure = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if attrs.get("data-widget"):
            self.figure = attrs["id"]
            self.figures[self.figure] = attrs
        if "data-pg" in attrs or tag == "option":
            self.slots.append([self.figure, tag, attrs, ""])
            self.open.append(self.slots[-1])

    def handle_data(self, data):
        for slot in self.open:
            slot[3] += data

    def handle_endtag(self, tag):
        if self.open and self.open[-1][1] == tag:
            self.open.pop()

    def find(self, figure, slot, tag=None):
        """The elements of a figure with this data-pg slot (and tag)."""
        return [
            (t, attrs, text.strip())
            for f, t, attrs, text in self.slots
            if f == figure and attrs.get("data-pg") == slot and tag in (None, t)
        ]


@pytest.fixture(scope="module")
def page(tmp_path_factory, runtime_dir):
    site = built_fixture(tmp_path_factory, "cloud")
    return Slots((site / "index.html").read_text(encoding="utf-8"))


def text(page, figure, slot):
    ((_, _, content),) = page.find(figure, slot)
    return content


def test_two_clouds_keep_their_own_ids_and_settings(page):
    assert len(page.ids) == len(set(page.ids))
    assert {f: (a["data-widget"], a["data-state"]) for f, a in page.figures.items()} == {
        "cloud": ("gradient-cloud", "static"),
        "cloud-small": ("gradient-cloud", "static"),
    }
    config = json.loads(page.figures["cloud-small"]["data-config"])
    assert (config["rows"], config["cell"], config["batch_size"]) == (2, [0, 0], 4)
    assert json.loads(page.figures["cloud"]["data-config"])["step_reward"] == -0.04


def test_the_static_figure_is_its_first_frame(page):
    zero = np.zeros((6, 4))
    J = policy_return(grid_model(2, 3, (0, 2), (1, 1), step_reward=0.0), zero, 0.8)
    assert text(page, "cloud-small", "theta") == (
        f"frozen after 0 rollouts of training \u00b7 J(\u03b8) = {J:.3f}"
    )
    dJ = "\u2202J/\u2202\u03b8"
    assert text(page, "cloud-small", "axes") == (
        f"Plotted: {dJ}[(0,0), \u2191] across, {dJ}[(0,0), \u2192] up"
    )
    assert text(page, "cloud", "axes").startswith(f"Plotted: {dJ}[(2,0), \u2191]")
    assert text(page, "cloud-small", "batch-out") == "4 rollouts"
    ((_, slider, _),) = page.find("cloud-small", "batch", "input")
    assert (slider["value"], slider["min"], slider["max"]) == ("4", "1", "64")
    assert text(page, "cloud-small", "status") == "No estimates yet: press Start sampling."
    assert text(page, "cloud-small", "sample") == "Start sampling"
    assert text(page, "cloud-small", "train") == "Train \u03b8 (+200)"
    ((_, switch, _),) = page.find("cloud-small", "reward-to-go", "input")
    assert "checked" in switch
    for figure in page.figures:
        controls = [
            a
            for f, t, a, _ in page.slots
            if f == figure and "data-pg-event" in a and t in ("input", "button", "select")
        ]
        assert len(controls) == 11 and all("disabled" in a for a in controls)  # Copy link too
        assert page.find(figure, "static") and page.find(figure, "map-static")
        assert [a.get("hidden") for _, a, _ in page.find(figure, "grid-only")] == [None] * 3


def test_the_selects_and_the_table_start_where_the_figure_does(page):
    selected = {
        (f, t, a.get("value")) for f, t, a, _ in page.slots if t == "option" and "selected" in a
    }
    assert selected == {
        (figure, "option", value) for figure in page.figures for value in ("none", "0,1")
    }
    ((_, _, table),) = page.find("cloud", "variance-table")
    assert table.split()[:3] == ["Variance", "of", "single-batch"]
    for label in ("no baseline", "leave-one-out baseline", "learned value baseline"):
        assert label in table
