"""What every live figure is: events in, frames of plain data out.

A figure never touches the page. The worker host (pgcore.host) gives it the reader's events as
small dicts and asks it for frames; the page applies a frame to the figure's DOM without deciding
anything. A frame is a dict of optional parts, each keyed by the name of a `data-pg` slot of the
figure's template:

    root      {attribute: value}          data-* attributes of the figure's root element
    text      {slot: str}                 the slot's text content
    attrs     {slot: {attribute: value}}  attributes to set (None removes one)
    controls  {slot: {property: value}}   value / checked / min / max / step of inputs
    tables    {slot: [row, ...]}          rows of the table's body (see table_row)
    scenes    {slot: scene}               pgcore.scene scenes for the slot's canvas
    resume    {...}                       what the figure needs to come back after a restart

An event is {"name": <the control's data-pg-event>} plus "value" for inputs, or, for a canvas,
"type" ("click" with scene coordinates "x", "y"; or "key" with "key").

TrainingFigure is the common part of the figures that train a policy: Train/Pause, Step, Reset,
the learning rate and the speed, and how training is paced.
"""

import math
import time

from . import share

# Rollouts trained per animation frame at each step of the speed slider (index 0 = slowest).
# None, the last step, trains without pacing: as fast as the worker can, between frames.
SPEEDS = (1, 2, 4, 8, 16, 32, 64, None)
DEFAULT_SPEED = 3
CHUNK = 16  # rollouts between two looks at the clock when training without pacing
REFRESH_S = 0.2  # while training, the curve, status line and tables refresh at most 5 times/s
REDUCED_MOTION_S = 0.6  # with prefers-reduced-motion, training shows in discrete steps
CURVE_POINTS = 240  # the learning curve is thinned to at most this many points
RESUME_S = 0.25  # how often a running figure refreshes what it needs to resume after a restart

# The learning-rate slider is logarithmic: alpha = 10 ** ((position - LR_ZERO) / LR_PER_DECADE).
LR_STEPS, LR_ZERO, LR_PER_DECADE = 60, 40, 20


def lr_from_slider(position):
    """Learning rate for a slider position."""
    return 10 ** ((float(position) - LR_ZERO) / LR_PER_DECADE)


def slider_from_lr(lr):
    """Slider position for a learning rate."""
    return min(max(round(LR_ZERO + LR_PER_DECADE * math.log10(lr)), 0), LR_STEPS)


def speed_text(level):
    """The speed slider's readout."""
    per_frame = SPEEDS[level]
    if per_frame is None:
        return "as fast as it goes"
    return f"{per_frame} rollout{'s' * (per_frame > 1)}/frame"


def table_row(cells, **attrs):
    """A row for a frame's tables: cells are text, or {"text", "event", "value"} for a button."""
    return {"cells": cells, "attrs": attrs}


def button(text, event, value):
    """A table cell holding a button that sends {"name": event, "value": value} when pressed."""
    return {"text": text, "event": event, "value": value}


class FigureError(ValueError):
    """An event the figure cannot take (an unknown name, a malformed value)."""


def dispatch(figure, event):
    """Call figure.on_<name>(event) for the event's name (a - becomes _), and mark the figure
    changed; an event the figure has no method for is a FigureError."""
    handler = getattr(figure, "on_" + str(event.get("name", "")).replace("-", "_"), None)
    if handler is None:
        raise FigureError(f"{type(figure).__name__} has no event {event.get('name')!r}")
    handler(event)
    figure._changed = True


class TrainingFigure:
    """A figure that trains a policy, paced by the page's animation frames.

    Subclasses provide: _train(n) (n rollouts or samples in their world), _reset_learning(),
    _exact() (the curve's exact value), and parts(now, refresh) (their slots of the frame).
    """

    UNIT = "rollouts"  # what _train(n) counts, for the status line
    KEYS = ()  # keys the figure's canvas takes from the page (the page stops their scrolling)

    def __init__(self, settings, reduced_motion=False):
        self.settings = settings
        self.reduced_motion = bool(reduced_motion)
        self.running = False
        self.speed = DEFAULT_SPEED
        self.lr = settings.lr
        self._last_refresh = -math.inf  # when the slow parts of the frame were last sent
        self._last_step = -math.inf  # reduced motion: when training last moved
        self._last_resume = -math.inf
        self._changed = True  # something the reader did must show in the next frame
        self._trained = False  # training happened since the last frame
        self._controls_stale = True  # the page's controls must be told their values

    # -- events --------------------------------------------------------------------------------

    def handle(self, event):
        """Apply one event of the reader's; unknown names are a FigureError."""
        dispatch(self, event)

    def on_train(self, event):
        """Train / Pause."""
        self.running = not self.running

    def on_step(self, event):
        """Train exactly one batch (one policy update), then stay paused."""
        self.running = False
        self._train(self.settings.batch_size)
        self._trained = True

    def on_reset(self, event):
        """Forget everything learned; the world stays as the reader left it."""
        self.running = False
        self._reset_learning()
        self._trained = True

    def on_stop(self, event):
        """Stop training (the code figure's Stop reaches every figure of the page)."""
        self.running = False

    def on_lr(self, event):
        """The learning-rate slider moved (its position, 0..LR_STEPS)."""
        position = number(event, 0, LR_STEPS)
        self.lr = lr_from_slider(position)

    def on_speed(self, event):
        """The speed slider moved (an index into SPEEDS)."""
        self.speed = int(number(event, 0, len(SPEEDS) - 1))

    # -- time ----------------------------------------------------------------------------------

    def advance(self, now):
        """Train this animation frame's share at a paced speed (nothing when not running)."""
        if not self.running:
            return
        if self.reduced_motion:
            if now - self._last_step >= REDUCED_MOTION_S:
                self._train(min(8 * (SPEEDS[self.speed] or 16), 128))
                self._last_step, self._trained = now, True
        elif SPEEDS[self.speed] is not None:
            self._train(SPEEDS[self.speed])
            self._trained = True

    def trains_freely(self):
        """Tell whether the figure trains between frames (the fastest speed, running)."""
        return self.running and not self.reduced_motion and SPEEDS[self.speed] is None

    def train_for(self, seconds, clock=time.perf_counter):
        """Train in chunks until `seconds` have passed (at least one chunk); return the count."""
        start, done = clock(), 0
        while True:
            self._train(CHUNK)
            done += CHUNK
            if clock() - start >= seconds:
                break
        self._trained = True
        return done

    def dirty(self, now):
        """Tell whether frame(now) would show anything new."""
        due = self.running and now - self._last_refresh >= REFRESH_S
        return self._changed or self._trained or self._controls_stale or due

    def wake_in(self, now):
        """Seconds until the figure needs a tick without a page event (None: it can wait)."""
        if self.running and self.reduced_motion:
            return max(self._last_step + REDUCED_MOTION_S - now, 0.0)
        return None

    # -- frames --------------------------------------------------------------------------------

    def frame(self, now):
        """What the page must show now; the host sends only the parts that changed."""
        refresh = self._changed or not self.running or now - self._last_refresh >= REFRESH_S
        if self._trained:
            self._record()
        frame = {
            "root": {"running": "true" if self.running else "false"},
            "text": {
                "train": "Pause" if self.running else "Train",
                "lr-out": f"\u03b1 = {self.lr:.2g}",
                "speed-out": speed_text(self.speed),
            },
            "attrs": {"train": {"aria-pressed": "true" if self.running else "false"}},
        }
        if self._controls_stale:
            frame["controls"] = self.controls()
            self._controls_stale = False
        for key, part in self.parts(now, refresh).items():
            frame.setdefault(key, {}).update(part)
        if refresh:
            self._last_refresh = now
        if now - self._last_resume >= RESUME_S or not self.running:
            frame["resume"] = self.resume_state()
            self._last_resume = now
        self._changed = self._trained = False
        return frame

    def controls(self):
        """The state of the figure's inputs, sent when the page must be told (not echoed)."""
        return {
            "lr": {"min": 0, "max": LR_STEPS, "step": 1, "value": slider_from_lr(self.lr)},
            "speed": {"min": 0, "max": len(SPEEDS) - 1, "step": 1, "value": self.speed},
        }

    def status(self, done, window, what):
        """The status line: count so far, and the mean over the recent window."""
        mean = f"{sum(window) / len(window):+.2f}" if window else "\u2013"
        return f"{done:,} {self.UNIT} \u00b7 {what} (last {len(window)}): {mean}"

    def resume_state(self):
        """The reader's knobs (subclasses add their learned parameters)."""
        return {"lr": self.lr, "speed": self.speed}

    def resume(self, state):
        """Take back what resume_state() gave (after the page restarted the worker)."""
        self.lr = float(state.get("lr", self.lr))
        self.speed = min(max(int(state.get("speed", self.speed)), 0), len(SPEEDS) - 1)
        self._controls_stale = self._changed = True

    def share(self):
        """The knobs a link carries (pgcore.share), exactly: lr as its repr."""
        return {"lr": repr(self.lr), "speed": str(self.speed)}

    def apply_share(self, reader):
        """Take the knobs of a link (a pgcore.share.Reader); it notes what it ignores."""
        lr = reader.take("lr", share.number(1e-3, 10.0))
        if lr is not None:
            self.lr = lr
        speed = reader.take("speed", share.number(0, len(SPEEDS) - 1, int))
        if speed is not None:
            self.speed = speed
        self._controls_stale = self._changed = True

    def _record(self):
        """Append the exact value of the current policy to the learning curve."""
        done, value = self._progress(), self._exact()
        curve = self.curve
        if curve and curve[-1][0] == done:
            curve[-1] = (done, value)
        else:
            curve.append((done, value))
        if len(curve) > CURVE_POINTS:
            del curve[1:-1:2]


def number(event, low, high):
    """The event's numeric value, clamped into [low, high]; FigureError if it is not a number."""
    try:
        value = float(event["value"])
    except (KeyError, TypeError, ValueError):
        raise FigureError(f"event {event.get('name')!r} needs a numeric value") from None
    if not math.isfinite(value):
        raise FigureError(f"event {event.get('name')!r} needs a finite value")
    return min(max(value, low), high)
