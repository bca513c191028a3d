"""The gradient cloud figure: many single-batch gradient estimates at a theta the reader froze.

Three clouds, one per baseline (none, leave-one-out, learned value), are sampled in lockstep from
one seed, so they play the very same batches and only the estimator differs. The plot shows the
chosen estimator's cloud around the exact gradient; the table compares all three. Anything that
changes what is estimated (theta, the cell, the pair of actions, reward-to-go, the batch size,
the space) starts the clouds again; Clear starts them again with the next seed.
"""

import math
import time

from .. import share
from ..cloud import BASELINES
from ..figure import REDUCED_MOTION_S, REFRESH_S, FigureError, dispatch, number
from .cloud_lockstep import Lockstep, status_line
from .cloud_spaces import TRAIN_ROLLOUTS, GaussianSpace, GridSpace

SPACES = ("grid", "gaussian")
BATCH_MAX = 64
# Rollouts each cloud plays per animation frame: the estimates per frame are this over the batch
# size (at least one), so a frame's sampling costs the same whatever the batch.
ROLLOUTS_PER_FRAME = 32
REDUCED_MOTION_FRAMES = 12  # with reduced motion: this many frames' estimates at once


class CloudFigure:
    """The frozen policy in two spaces, three clouds, and what the reader can do to them."""

    KEYS = ()  # the plot takes no keys; the map takes arrow keys of its own (see the template)

    def __init__(self, settings, reduced_motion=False):
        self.settings = settings
        self.reduced_motion = bool(reduced_motion)
        self.spaces = {"grid": GridSpace(settings), "gaussian": GaussianSpace(settings)}
        self.space_name = "grid"
        self.baseline = "none"  # the estimator on show
        self.reward_to_go = True
        self.batch_size = settings.batch_size
        self.round = 0  # Clear counts up; each round samples from a seed of its own
        self.sampling = False
        self._last_refresh = -math.inf
        self._last_step = -math.inf  # reduced motion: when sampling last happened
        self._changed = True  # something the reader did must show in the next frame
        self._sampled = False  # the clouds grew since the last frame
        self._controls_stale = True
        self._new_clouds()

    @property
    def space(self):
        return self.spaces[self.space_name]

    def _new_clouds(self):
        """Empty clouds for what is estimated now, at this round's seed."""
        seed = f"{self.settings.seed}:{self.round}"
        self.clouds = Lockstep(self.space.clouds(self.reward_to_go, self.batch_size, seed))
        self._map_stale = True

    def sample(self, n):
        """Add n estimates to each of the three clouds."""
        self.clouds.sample(n)
        self._sampled = True

    # -- events --------------------------------------------------------------------------------

    def handle(self, event):
        """Apply one event of the reader's; unknown names and malformed values are FigureErrors."""
        dispatch(self, event)

    def on_sample(self, event):
        """Start / Pause sampling."""
        self.sampling = not self.sampling

    def on_clear(self, event):
        """Throw the estimates away and sample afresh, from the next seed."""
        self.round += 1
        self._new_clouds()

    def on_train(self, event):
        """Move the frozen policy by TRAIN_ROLLOUTS of training; the clouds start again there."""
        self.space.train(TRAIN_ROLLOUTS)
        self._new_clouds()

    def on_reset(self, event):
        """Back to the untrained policy; the clouds start again there."""
        self.space.reset()
        self._new_clouds()

    def on_space(self, event):
        """Parameters: two scores of a cell, or the Gaussian's mu."""
        if event.get("value") not in SPACES:
            raise FigureError(f"unknown space {event.get('value')!r} (one of {', '.join(SPACES)})")
        if event["value"] != self.space_name:
            self.space_name = event["value"]
            self._new_clouds()

    def on_baseline(self, event):
        """Show another estimator's cloud (all three are sampled all along)."""
        if event.get("value") not in BASELINES:
            raise FigureError(f"unknown baseline {event.get('value')!r}")
        self.baseline = event["value"]

    def on_reward_to_go(self, event):
        """Weigh each step by the reward that followed it, or every step by the whole return."""
        if not isinstance(event.get("value"), bool):
            raise FigureError(f"reward-to-go needs true or false, got {event.get('value')!r}")
        if event["value"] != self.reward_to_go:
            self.reward_to_go = event["value"]
            self._new_clouds()

    def on_batch(self, event):
        """The batch-size slider moved."""
        batch_size = int(number(event, 1, BATCH_MAX))
        if batch_size != self.batch_size:
            self.batch_size = batch_size
            self._new_clouds()

    def on_pair(self, event):
        """The pair of actions whose scores are plotted: value "a,b"."""
        if self.spaces["grid"].choose_pair(event.get("value")) and self.space_name == "grid":
            self._new_clouds()

    def on_map(self, event):
        """A click on the map, or an arrow key on it, chooses the cell (in the grid space)."""
        if self.space_name == "grid" and self.spaces["grid"].on_map(event):
            self._new_clouds()

    def on_canvas(self, event):
        """The plot only shows; a click on it changes nothing."""

    # -- time ----------------------------------------------------------------------------------

    def per_frame(self):
        """Estimates per cloud and animation frame at this batch size."""
        return max(1, ROLLOUTS_PER_FRAME // self.batch_size)

    def advance(self, now):
        """Sample this animation frame's share (nothing when paused)."""
        if not self.sampling:
            return
        if not self.reduced_motion:
            self.sample(self.per_frame())
        elif now - self._last_step >= REDUCED_MOTION_S:
            self.sample(REDUCED_MOTION_FRAMES * self.per_frame())
            self._last_step = now

    def trains_freely(self):
        """Sampling is paced by the frames, never free-running."""
        return False

    def train_for(self, seconds, clock=time.perf_counter):
        """Sample a frame's share at a time until seconds have passed; return the estimates."""
        start, done = clock(), 0
        while True:
            self.sample(self.per_frame())
            done += self.per_frame()
            if clock() - start >= seconds:
                return done

    def dirty(self, now):
        """Tell whether frame(now) would show anything new."""
        return self._changed or self._sampled or self._controls_stale

    def wake_in(self, now):
        """With reduced motion, seconds until the next chunk of sampling; else None."""
        if self.sampling and self.reduced_motion:
            return max(self._last_step + REDUCED_MOTION_S - now, 0.0)
        return None

    # -- frames --------------------------------------------------------------------------------

    def frame(self, now):
        """What the page must show now; the host sends only the parts that changed."""
        refresh = self._changed or not self.sampling or now - self._last_refresh >= REFRESH_S
        summaries = self.clouds.summaries()
        frame = {
            "root": {"space": self.space_name, "sampling": "true" if self.sampling else "false"},
            "text": {
                "sample": "Pause sampling" if self.sampling else "Start sampling",
                "batch-out": f"{self.batch_size} {self.space.UNIT}",
                "train": f"Train {self.space.PARAMETERS} (+{TRAIN_ROLLOUTS})",
                "reset": f"Reset {self.space.PARAMETERS}",
                "axes": "Plotted: {} across, {} up".format(*self.space.labels()),
            },
            "attrs": {
                "sample": {"aria-pressed": "true" if self.sampling else "false"},
                "grid-only": {"hidden": self.space_name != "grid" or None},
            },
        }
        if self._controls_stale:
            frame["controls"] = self.controls()
            self._controls_stale = False
        if self._changed or self._sampled:
            scene = self.clouds.scene(summaries, self.baseline, self.space.labels())
            frame["scenes"] = {"canvas": scene}
        if self._map_stale:
            frame.setdefault("scenes", {})["map"] = self.space.map_scene()
            self._map_stale = False
        if refresh:
            frame["text"] |= {
                "status": status_line(summaries, self.baseline),
                "theta": self.space.theta_line(),
            }
            frame["tables"] = {"variance-table": self.clouds.table_rows(summaries, self.baseline)}
            self._last_refresh = now
        if self._changed:
            frame["resume"] = self.resume_state()
        self._changed = self._sampled = False
        return frame

    def controls(self):
        """The state of the figure's inputs, sent when the page must be told (not echoed)."""
        grid = self.spaces["grid"]
        return {
            "space": {"value": self.space_name},
            "baseline": {"value": self.baseline},
            "reward-to-go": {"checked": self.reward_to_go},
            "batch": {"min": 1, "max": BATCH_MAX, "step": 1, "value": self.batch_size},
            "pair": {"value": ",".join(str(a) for a in grid.pair)},
        }

    # -- links -----------------------------------------------------------------------------------

    def share(self):
        """What a link carries: the knobs, each space's training and the cell and pair."""
        state = self.resume_state()
        grid, gauss = state["grid"], state["gaussian"]
        return {
            "space": self.space_name,
            "baseline": self.baseline,
            "rtg": "1" if self.reward_to_go else "0",
            "batch": str(self.batch_size),
            "round": str(self.round),
            "cell": "{}.{}".format(*grid["cell"]),
            "pair": ",".join(str(a) for a in grid["pair"]),
            "trained": str(grid["trained"]),
            "mu-trained": str(gauss["trained"]),
        }

    def apply_share(self, reader):
        """Take a link's values, as a restart takes its resume state."""
        count = share.number(0, 10**6, int)
        state = {
            "space_name": reader.take("space", share.choice(SPACES)),
            "baseline": reader.take("baseline", share.choice(BASELINES)),
            "reward_to_go": reader.take("rtg", lambda text: {"1": True, "0": False}[text]),
            "batch_size": reader.take("batch", share.number(1, BATCH_MAX, int)),
            "round": reader.take("round", count),
            "grid": {
                "cell": _listed(reader.take("cell", share.cell)),
                "pair": _listed(reader.take("pair", lambda t: tuple(map(int, t.split(","))))),
                "trained": reader.take("trained", count),
            },
            "gaussian": {"trained": reader.take("mu-trained", count)},
        }
        self.resume({key: value for key, value in state.items() if value is not None})

    # -- resume ----------------------------------------------------------------------------------

    def resume_state(self):
        """The knobs, and each space's cell and training (training replays from the seed)."""
        knobs = ("space_name", "baseline", "reward_to_go", "batch_size", "round")
        state = {knob: getattr(self, knob) for knob in knobs}
        return state | {name: space.resume_state() for name, space in self.spaces.items()}

    def resume(self, state):
        """Come back where resume_state() was taken (malformed parts are ignored)."""
        checks = {
            "space_name": lambda v: v in SPACES,
            "baseline": lambda v: v in BASELINES,
            "reward_to_go": lambda v: isinstance(v, bool),
            "batch_size": lambda v: isinstance(v, int) and 1 <= v <= BATCH_MAX,
            "round": lambda v: isinstance(v, int) and v >= 0,
        }
        for knob, ok in checks.items():
            if knob in state and ok(state[knob]):
                setattr(self, knob, state[knob])
        for name, space in self.spaces.items():
            if isinstance(state.get(name), dict):
                space.resume(state[name])
        self._new_clouds()
        self._changed = self._controls_stale = True


def _listed(value):
    """A tuple as the list resume() takes (None stays None)."""
    return None if value is None else list(value)
