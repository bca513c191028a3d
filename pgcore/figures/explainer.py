"""The explainer's own figure: the gridworld's two views and the Gaussian, behind one View switch.

It holds a GridFigure and a GaussianFigure and shows one at a time. Training runs in the world on
show; the learning rate and the speed apply to both, as one control panel should; the algorithm
and its knobs are the grid's, the Baseline switch the Gaussian's, and each shows only with its
world. Switching the view hands the running state over, so Train keeps going in the new world.
"""

from .. import share
from ..figure import FigureError
from ..settings import GaussianSettings
from .gaussian import GaussianFigure
from .grid import VIEWS, GridFigure

MODES = (*VIEWS, "continuous")
SHARED = ("lr", "speed")  # events both worlds take
# Events of the grid's own controls (the policy table is on the page whatever the view).
GRID = ("goal", "algorithm", "lam", "clip", "colour", "weights")


class ExplainerFigure:
    """Policy, Trajectories and Continuous: two figures, one panel."""

    KEYS = GaussianFigure.KEYS
    CHOICES = GridFigure.CHOICES

    def __init__(self, settings, reduced_motion=False):
        self.settings = settings
        self.grid = GridFigure(settings, reduced_motion)
        self.gauss = GaussianFigure(
            GaussianSettings(
                lr=settings.lr,
                batch_size=8,
                baseline=settings.algorithm != "reinforce",
                seed=settings.seed + 1,
            ),
            reduced_motion,
        )
        self.mode = "policy"
        self._mode_stale = True

    @property
    def shown(self):
        """The figure whose world is on show."""
        return self.gauss if self.mode == "continuous" else self.grid

    def handle(self, event):
        """Switch the mode, or pass the event on: knobs to both worlds, the policy table's to the
        grid, the rest to the world on show."""
        name = event.get("name")
        if name == "mode":
            self.set_mode(event.get("value"))
        elif name in SHARED:
            self.grid.handle(event)
            self.gauss.handle(event)
        elif name in GRID:
            self.grid.handle(event)
        elif name == "baseline":
            self.gauss.handle(event)
        elif name in ("reset", "stop"):
            hidden = self.grid if self.shown is self.gauss else self.gauss
            hidden.handle(event)
            self.shown.handle(event)
        else:
            self.shown.handle(event)

    def set_mode(self, mode):
        """Show another view; a running figure keeps running in the new world."""
        if mode not in MODES:
            raise FigureError(f"unknown mode {mode!r} (expected one of {', '.join(MODES)})")
        before = self.shown
        self.mode = mode
        if mode in VIEWS:
            self.grid.view = mode
        after = self.shown
        after.running, after._changed = before.running, True
        if after is not before:
            before.running = False
        self._mode_stale = True

    # -- time and frames: the shown figure's ---------------------------------------------------

    def advance(self, now):
        self.shown.advance(now)

    def trains_freely(self):
        return self.shown.trains_freely()

    def train_for(self, seconds):
        return self.shown.train_for(seconds)

    def wake_in(self, now):
        return self.shown.wake_in(now)

    def dirty(self, now):
        return self._mode_stale or self.shown.dirty(now)

    def frame(self, now):
        """The shown figure's frame, with the mode on the root and in the View switch."""
        frame = self.shown.frame(now)
        frame.setdefault("root", {})["mode"] = self.mode
        continuous = self.mode == "continuous" or None
        frame.setdefault("attrs", {}).update(
            {
                "algorithm-group": {"hidden": continuous},
                "baseline-group": {"hidden": not continuous or None},
            }
        )
        if continuous:
            frame["attrs"]["colour-group"] = {"hidden": True}
        if self._mode_stale:
            # The panel holds both worlds' controls and readouts, each shown only with its
            # world; the page has them all from the start, so they are all filled at once.
            hidden = self.grid if self.shown is self.gauss else self.gauss
            frame["controls"] = {**hidden.controls(), **frame.get("controls", {})}
            frame["controls"]["mode"] = {"value": self.mode}
            if hidden is self.gauss:
                frame["text"] = {**self.gauss.readouts(), **frame.get("text", {})}
            self._mode_stale = False
        if "resume" in frame:
            frame["resume"] = self.resume_state()
        return frame

    def share(self):
        """The mode, the grid's values, and the Gaussian's Baseline switch and target."""
        gauss, grid = self.gauss.share(), self.grid.share()
        del grid["view"]  # the mode says it
        return {"mode": self.mode, **grid} | {key: gauss[key] for key in ("baseline", "target")}

    def apply_share(self, reader):
        """Give each world its values of the link, then show the link's mode."""
        values = reader.values
        for_gauss = {key: values.pop(key) for key in ("baseline", "target") if key in values}
        mode = reader.take("mode", share.choice(MODES))
        self.grid.apply_share(reader)
        seed = self.grid.settings.seed + 1  # the Gaussian draws from the grid's seed + 1
        gauss_reader = share.Reader(reader.figure_id, {**for_gauss, "seed": str(seed)})
        self.gauss.apply_share(gauss_reader)
        self.gauss.lr, self.gauss.speed = self.grid.lr, self.grid.speed
        reader.notes += gauss_reader.notes
        if mode is not None:
            self.set_mode(mode)
        self._mode_stale = True

    def resume_state(self):
        """The mode and both worlds."""
        return {
            "mode": self.mode,
            "grid": self.grid.resume_state(),
            "gauss": self.gauss.resume_state(),
        }

    def resume(self, state):
        """Come back where resume_state() was taken."""
        for part, figure in (("grid", self.grid), ("gauss", self.gauss)):
            if isinstance(state.get(part), dict):
                figure.resume(state[part])
        if state.get("mode") in MODES:
            self.set_mode(state["mode"])
