"""The figures an article can place, by kind: each a pure-Python object behind one interface.

    figure = make_figure(kind, settings_mapping, reduced_motion=False)
    figure.handle(event)          an event of the reader's (see pgcore.figure)
    figure.advance(now)           one animation frame's share of training, at a paced speed
    figure.trains_freely()        whether it trains between frames (the fastest speed)
    figure.train_for(seconds)     train for that long (the host calls it between frames)
    figure.wake_in(now)           seconds until it needs a tick on its own, or None
    figure.dirty(now)             whether frame(now) has anything new
    figure.frame(now)             what the page shows now, as plain data
    figure.resume_state() / figure.resume(state)   survive a restart of the worker

`now` is in seconds on any monotonic clock. The build calls frame(0) of a fresh figure to render
the page before Python starts, so the static figure is the live one's first frame.
"""

from ..settings import (
    CloudSettings,
    CodeSettings,
    GaussianSettings,
    GridSettings,
    RaceSettings,
    SettingsError,
)
from .code import CodeFigure
from .explainer import ExplainerFigure
from .gaussian import GaussianFigure
from .grid import GridFigure
from .race import RaceFigure


def _cloud_figure(settings, reduced_motion=False):
    """A CloudFigure, its modules compiled only on a page that places one (see pgcore's doc)."""
    from .cloud import CloudFigure

    return CloudFigure(settings, reduced_motion)


# kind -> (figure class or a function that makes one, settings class). The kind names the figure
# in the article's ```figure <kind> block and its template, site_templates/figures/<kind>.html.
FIGURES = {
    "policy-gradient": (ExplainerFigure, GridSettings),
    "gridworld": (GridFigure, GridSettings),
    "gaussian": (GaussianFigure, GaussianSettings),
    "gradient-cloud": (_cloud_figure, CloudSettings),
    "race": (RaceFigure, RaceSettings),
    "code": (CodeFigure, CodeSettings),
}


class UnknownFigure(SettingsError):
    """A figure kind no class is registered for."""

    def __init__(self, kind):
        super().__init__("kind", f"no figure is called {kind!r} (known: {', '.join(FIGURES)})")


def settings_for(kind, mapping):
    """Check a figure's settings mapping; raise UnknownFigure or SettingsError."""
    if kind not in FIGURES:
        raise UnknownFigure(kind)
    return FIGURES[kind][1].from_mapping(mapping)


def make_figure(kind, mapping, reduced_motion=False):
    """A fresh figure of this kind with these (checked) settings."""
    settings = settings_for(kind, mapping)
    return FIGURES[kind][0](settings, reduced_motion)
