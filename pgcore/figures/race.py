"""The race figure: K seeds of each chosen algorithm learning one gridworld side by side.

The reader starts and stops the race, resets it, sets K and the rollout budget per seed, and
picks the algorithms. The race trains only between frames (train_for), one learner at a time
(pgcore.race's laps): however many learners race, a call overruns its time by at most one
learner's LAP rollouts and its score, so Stop is answered at once. Changing K or the algorithms
drops the race (a running one starts again from zero); the budget only moves the finish line.
"""

import math
import time

from .. import share
from ..algorithms import ALGORITHMS, LABELS
from ..exact import exact_return, optimal_return
from ..figure import REDUCED_MOTION_S, REFRESH_S, FigureError, number, table_row
from ..race import Race
from ..race_view import race_scene
from ..reinforce import Hyperparams
from ..settings import BUDGET_STEP, RaceSettings
from ..softmax import SoftmaxPolicy

LAP = 32  # rollouts a learner trains in its turn; also the rollouts between two checkpoints
CHOOSE = "algorithm-"  # event name prefix of the algorithm checkboxes: algorithm-<name>


class RaceFigure:
    """The race, its knobs, and the chart and table that report it."""

    def __init__(self, settings, reduced_motion=False):
        self.settings = settings
        self.env = settings.world()
        self.hp = Hyperparams(lr=settings.lr, batch_size=settings.batch_size, gamma=settings.gamma)
        self.seeds, self.budget = settings.seeds, settings.budget
        self.algorithms = tuple(name for name in ALGORITHMS if name in settings.algorithms)
        # With reduced motion the chart moves in fewer, larger steps.
        self.refresh_s = REDUCED_MOTION_S if reduced_motion else REFRESH_S
        self.best = optimal_return(self.env, settings.gamma)
        J_0 = exact_return(self.env, SoftmaxPolicy(self.env.n_states), settings.gamma)
        # The chart's J axis, in steps of 0.2: room below the untrained policy and 0, above J*.
        self.low = 0.2 * math.floor(min(J_0, 0.0) / 0.2 - 0.25)
        self.high = 0.2 * math.ceil(self.best / 0.2 + 0.25)
        self.race = None  # until the reader presses Start
        self.running = False
        self._lap = None  # the lap under way, a generator from Race.lap
        self._last_refresh = -math.inf
        self._changed = True  # something the reader did must show in the next frame
        self._controls_stale = True  # the page's inputs must be told their values

    # -- events --------------------------------------------------------------------------------

    def handle(self, event):
        """Apply one event of the reader's; unknown names are a FigureError."""
        name = str(event.get("name", ""))
        if name.startswith(CHOOSE) and name[len(CHOOSE) :] in ALGORITHMS:
            self.choose(name[len(CHOOSE) :], bool(event.get("value")))
        elif name in ("train", "reset", "seeds", "budget"):
            getattr(self, "on_" + name)(event)
        else:
            raise FigureError(f"RaceFigure has no event {name!r}")
        self._changed = True

    def on_train(self, event):
        """Start / Stop; Start after the finish races again from zero."""
        if self.race is None or (self.race.finished and not self.running):
            self.race, self._lap = self._new_race(), None
        self.running = not self.running

    def on_reset(self, event):
        """Drop the race: back to the start line, stopped."""
        self.race, self._lap, self.running = None, None, False

    def on_seeds(self, event):
        """The K slider moved: a new race with K seeds of each algorithm."""
        low, high = RaceSettings.bounds("seeds")
        seeds = int(number(event, low, high))
        if seeds != self.seeds:
            self.seeds = seeds
            self._restart()

    def on_budget(self, event):
        """The budget slider moved: the finish line moves, the race goes on."""
        low, high = RaceSettings.bounds("budget")
        self.budget = int(round(number(event, low, high) / BUDGET_STEP)) * BUDGET_STEP
        if self.race is not None:
            self.race.budget = self.budget

    def choose(self, name, racing):
        """An algorithm's checkbox: add it to the race or take it out (never the last one)."""
        chosen = set(self.algorithms) | {name} if racing else set(self.algorithms) - {name}
        if not chosen:
            return  # the page disables the last box; an event that slipped past changes nothing
        self.algorithms = tuple(a for a in ALGORITHMS if a in chosen)
        self._restart()

    def _restart(self):
        """Drop the race for the new knobs; a running race starts again from zero."""
        self._lap = None
        self.race = self._new_race() if self.running else None

    def _new_race(self):
        """A race from theta = 0 with the knobs as they are."""
        return Race(
            self.env,
            self.algorithms,
            self.hp,
            seeds=self.seeds,
            seed=self.settings.seed,
            budget=self.budget,
        )

    # -- time ----------------------------------------------------------------------------------

    def advance(self, now):
        """Nothing is paced per frame: the race trains between frames, in train_for."""

    def trains_freely(self):
        """Tell whether the race is running (it then trains between frames)."""
        return self.running

    def train_for(self, seconds, clock=time.perf_counter):
        """Train learner by learner until `seconds` have passed (at least one); return rollouts."""
        start, done = clock(), 0
        while self.running:
            if self.race.finished:  # stopped by itself: the frame must say so
                self.running, self._changed, self._lap = False, True, None
                break
            if self._lap is None:
                self._lap = self.race.lap(LAP)
            trained = next(self._lap, None)
            if trained is None:  # the lap is over: its checkpoint is in the history
                self._lap = None
                continue
            done += trained
            if clock() - start >= seconds and not self.race.finished:
                break
        return done

    def wake_in(self, now):
        """The race never needs a tick of its own (it trains freely or waits)."""
        return None

    def dirty(self, now):
        """Tell whether frame(now) would show anything new."""
        due = self.running and now - self._last_refresh >= self.refresh_s
        return self._changed or self._controls_stale or due

    # -- frames --------------------------------------------------------------------------------

    def frame(self, now):
        """What the page must show now; the host sends only the parts that changed."""
        only = self.algorithms[0] if len(self.algorithms) == 1 else None
        frame = {
            "root": {"running": "true" if self.running else "false"},
            "text": {
                "train": "Stop" if self.running else "Start",
                "seeds-out": f"{self.seeds} seeds",
                "budget-out": f"{self.budget:,} rollouts",
            },
            "attrs": {"train": {"aria-pressed": "true" if self.running else "false"}}
            | {CHOOSE + name: {"disabled": True if name == only else None} for name in ALGORITHMS},
        }
        if self._controls_stale:
            frame["controls"] = self.controls()
            frame["text"] |= {CHOOSE + name + "-label": LABELS[name] for name in ALGORITHMS}
            self._controls_stale = False
        if self._changed or not self.running or now - self._last_refresh >= self.refresh_s:
            history = self.race.history if self.race is not None else {}
            frame["scenes"] = {
                "chart": race_scene(
                    history, self.best, self.low, self.high, self.budget, self.seeds
                )
            }
            frame["text"]["status"] = self.status_line()
            frame["tables"] = {"race-table": self.table_rows()}
            self._last_refresh = now
        if self._changed:
            frame["resume"] = self.resume_state()
        self._changed = False
        return frame

    def controls(self):
        """The state of the figure's inputs, sent when the page must be told (not echoed)."""
        seeds, budget = RaceSettings.bounds("seeds"), RaceSettings.bounds("budget")
        return {
            "seeds": {"min": seeds[0], "max": seeds[1], "step": 1, "value": self.seeds},
            "budget": {
                "min": budget[0],
                "max": budget[1],
                "step": BUDGET_STEP,
                "value": self.budget,
            },
        } | {CHOOSE + name: {"checked": name in self.algorithms} for name in ALGORITHMS}

    def status_line(self):
        """Where the race stands, and how fast it trains (rollouts of all learners per second)."""
        if self.race is None:
            count = len(self.algorithms)
            return (
                f"Not started \u00b7 {count} algorithm{'s' * (count > 1)} \u00d7 "
                f"{self.seeds} seeds, {self.budget:,} rollouts each"
            )
        state = "Racing" if self.running else "Finished" if self.race.finished else "Stopped"
        learners = self.seeds * len(self.race.algorithms)
        return (
            f"{state} \u00b7 {self.race.rollouts:,} of {self.budget:,} rollouts per seed "
            f"\u00b7 {self.race.rollouts_per_second():,.0f} rollouts/s over {learners} learners"
        )

    def table_rows(self):
        """One row per racing algorithm: label, mean J, its band, rollouts per seed so far."""
        if self.race is None:
            return []
        return [
            table_row(
                [
                    LABELS[row["algorithm"]],
                    f"{row['mean_J']:.3f}",
                    f"\u00b1 {row['band']:.3f}",
                    f"{row['rollouts']:,}",
                ],
                **{"data-algorithm": row["algorithm"]},
            )
            for row in self.race.standings()
        ]

    # -- resume ----------------------------------------------------------------------------------

    def share(self):
        """What a link carries: K, the budget and the algorithms that race."""
        return {
            "seeds": str(self.seeds),
            "budget": str(self.budget),
            "algorithms": ",".join(self.algorithms),
        }

    def apply_share(self, reader):
        """Take a link's K, budget and algorithms, as a restart takes its resume state."""
        state = {
            "seeds": reader.take("seeds", share.number(2, 32, int)),
            "budget": reader.take("budget", share.number(100, 5000, int)),
            "algorithms": reader.take("algorithms", _algorithms),
        }
        self.resume({key: value for key, value in state.items() if value is not None})

    def resume_state(self):
        """The knobs (the race itself starts again: its learners are too many to carry)."""
        return {"seeds": self.seeds, "budget": self.budget, "algorithms": list(self.algorithms)}

    def resume(self, state):
        """Take back the knobs resume_state() gave (malformed parts are ignored)."""
        for name in ("seeds", "budget"):
            if isinstance(state.get(name), int):
                getattr(self, "on_" + name)({"name": name, "value": state[name]})
        chosen = state.get("algorithms")
        if isinstance(chosen, list) and any(name in ALGORITHMS for name in chosen):
            self.algorithms = tuple(name for name in ALGORITHMS if name in chosen)
        self._controls_stale = self._changed = True


def _algorithms(text):
    """Algorithm names written a,b,c (ValueError unless every one is known)."""
    names = text.split(",")
    if not names or any(name not in ALGORITHMS for name in names):
        raise ValueError(text)
    return names
