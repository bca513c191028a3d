"""The gridworld figure: a softmax policy learning a grid, in two views, by the reader's choice
of algorithm (REINFORCE, with a baseline, actor-critic or PPO: pgcore.figures.learners).

Policy: bars and arrows for pi(.|s) in every cell, the agent and its latest rollout. Trajectories:
the recent rollouts as chains of arrows, coloured by how they ended or by the weight their update
gave each step. A click on an empty cell, or a "Make (r, c) the goal" button of the policy table,
moves the goal; theta is kept, so the policy relearns from where it stands.
"""

import random
from collections import deque

from .. import views
from ..curve_view import curve_scene
from ..exact import exact_return, optimal_return
from ..figure import FigureError, TrainingFigure, button, table_row
from ..scene import GridLayout
from ..softmax import SoftmaxPolicy
from .learners import CHOICES, LearnerChoice
from .links import COLOURINGS, VIEWS, GridLinks

RECENT = 100  # window of the status line's mean return, in rollouts
TRAILS = 12  # rollouts kept for the Trajectories view


class GridFigure(GridLinks, TrainingFigure):
    """The gridworld, its softmax policy, and everything the reader can do to them."""

    CHOICES = {"algorithm": CHOICES}  # the options of the figure's selects, for its template

    def __init__(self, settings, reduced_motion=False):
        super().__init__(settings, reduced_motion)
        self.article = settings  # what the article set; a link may change the world from it
        self.env = settings.world()
        self.view = "policy"
        self.colouring = "outcome"
        self._best = None  # (goal, J*), recomputed when the goal moves
        self._reset_learning()

    # -- learning ------------------------------------------------------------------------------

    def _reset_learning(self):
        """A uniform policy (theta = 0), a fresh critic and random stream, an empty curve.

        The algorithm and its knobs are the reader's, and stay.
        """
        self.rng = random.Random(self.settings.seed)
        self.policy = SoftmaxPolicy(self.env.n_states)
        before = getattr(self, "learning", None)
        self.learning = LearnerChoice(self.settings, self.env, self.policy, self.rng, self.lr)
        if before is not None:
            self.learning.resume(before.resume_state())
        self.recent = deque(maxlen=TRAILS)  # (serial, Rollout)
        self.recent_returns = deque(maxlen=RECENT)
        self.serial = 0
        self.curve = [(0, self._exact())]

    def _train(self, n):
        """Play n rollouts with the reader's algorithm and knobs, updating theta every batch."""
        for rollout in self.learning.train(n, self.lr):
            self.serial += 1
            self.recent.append((self.serial, rollout))
            self.recent_returns.append(rollout.G)

    def _exact(self):
        """J(theta): the exact expected discounted return of the policy."""
        return exact_return(self.env, self.policy, self.settings.gamma)

    def _progress(self):
        return self.learning.done

    # -- events --------------------------------------------------------------------------------

    def on_view(self, event):
        """Switch between the Policy and Trajectories views."""
        if event.get("value") not in VIEWS:
            raise FigureError(f"unknown view {event.get('value')!r}")
        self.view = event["value"]
        self._controls_stale = True

    def on_algorithm(self, event):
        """Another algorithm trains from now on; theta and the critic are kept."""
        self.learning.switch(event.get("value"))

    def on_lam(self, event):
        """GAE's lambda moved."""
        self.learning.set_lam(event)

    def on_clip(self, event):
        """PPO's epsilon moved."""
        self.learning.set_clip(event)

    def on_weights(self, event):
        """The code figure's Run or Restore: REINFORCE's weights from now on (None: pgcore's)."""
        self.learning.set_weights(event.get("value"))
        self._controls_stale = True

    def on_colour(self, event):
        """Colour the Trajectories view's arrows by outcome or by weight."""
        if event.get("value") not in COLOURINGS:
            raise FigureError(f"unknown colouring {event.get('value')!r}")
        self.colouring = event["value"]

    def on_goal(self, event):
        """A "Make (r, c) the goal" button: value "r,c"."""
        try:
            row, col = (int(part) for part in str(event.get("value")).split(","))
        except ValueError:
            raise FigureError(f"goal needs 'row,col', got {event.get('value')!r}") from None
        self.move_goal((row, col))

    def on_canvas(self, event):
        """A click on the grid makes the empty cell under it the goal."""
        if event.get("type") == "click":
            cell = GridLayout(self.env.rows, self.env.cols).cell_at(event["x"], event["y"])
            if cell is not None:
                self.move_goal(cell)

    def move_goal(self, cell):
        """Make an empty cell the goal (theta is kept); return whether it moved."""
        if not (0 <= cell[0] < self.env.rows and 0 <= cell[1] < self.env.cols):
            return False
        if self.env.role(cell) != "empty":
            return False
        self.env.move_goal(cell)
        self._trained = True  # the curve gets a point for the new world
        return True

    # -- frames --------------------------------------------------------------------------------

    def parts(self, now, refresh):
        """The canvas every frame; curve, status, table and the algorithm's readouts when due."""
        parts = {
            "root": {"view": self.view},
            "scenes": {"canvas": self.scene()},
            "attrs": self.learning.hidden()
            | {"colour-group": {"hidden": self.view != "trajectories" or None}},
        }
        if refresh:
            parts["scenes"]["curve"] = self.curve_scene()
            parts["text"] = {"status": self.status_line(), **self.learning.texts()}
            parts["tables"] = {"policy-table": self.table_rows()}
        return parts

    def controls(self):
        """The knobs, the algorithm's, and which view and colouring the switches show."""
        return (
            super().controls()
            | self.learning.controls()
            | {"view": {"value": self.view}, "colour": {"value": self.colouring}}
        )

    def scene(self):
        """The main canvas in the current view."""
        if self.view == "trajectories":
            return views.trajectories_scene(self.env, list(self.recent), self.colouring)
        last = self.recent[-1][1] if self.recent else None
        agent = last.final_state if last is not None else self._first_start()
        return views.policy_scene(self.env, self.policy, last, agent)

    def curve_scene(self):
        """J(theta) against rollouts, under the dashed ceiling J*."""
        if self._best is None or self._best[0] != self.env.goal:
            self._best = (self.env.goal, optimal_return(self.env, self.settings.gamma))
        return curve_scene(self.curve, self._best[1], -1.0, 1.0, "J(\u03b8)", "rollouts")

    def status_line(self):
        """Rollouts so far and the recent mean return; in Trajectories, what the arrows show."""
        line = self.status(self.learning.done, self.recent_returns, "mean return")
        if self.view == "trajectories" and self.recent:
            # What the arrows show, in words, for readers who cannot see them.
            line += " \u00b7 shown: " + views.trajectory_counts(
                [rollout for _, rollout in self.recent], self.colouring
            )
        return line

    def table_rows(self):
        """One row per cell: the cell, its role, pi(a|s) for each move, a goal button if empty."""
        rows = []
        for state in range(self.env.n_states):
            cell = self.env.cell(state)
            role = self.env.role(cell)
            label = f"({cell[0]}, {cell[1]})"
            goal = (
                button(f"Make {label} the goal", "goal", f"{cell[0]},{cell[1]}")
                if role == "empty"
                else ""
            )
            probs = [f"{p:.3f}" for p in self.policy.probs(state)]
            rows.append(table_row([label, role, *probs, goal], **{"data-role": role}))
        return rows

    def _first_start(self):
        """Where the agent dot waits before the first rollout: the bottom-left-most start."""
        return max(
            self.env.start_states(), key=lambda s: (self.env.cell(s)[0], -self.env.cell(s)[1])
        )

    # -- resume ----------------------------------------------------------------------------------

    def resume_state(self):
        """The knobs, the algorithm, the view, the goal and theta."""
        return (
            super().resume_state()
            | self.learning.resume_state()
            | {
                "view": self.view,
                "colour": self.colouring,
                "goal": list(self.env.goal),
                "theta": [row[:] for row in self.policy.theta],
            }
        )

    def resume(self, state):
        """Come back where resume_state() was taken (malformed parts are ignored)."""
        super().resume(state)
        self.learning.resume(state)
        if state.get("view") in VIEWS:
            self.view = state["view"]
        if state.get("colour") in COLOURINGS:
            self.colouring = state["colour"]
        goal = state.get("goal")
        if isinstance(goal, list) and len(goal) == 2 and tuple(goal) != self.env.goal:
            self.move_goal(tuple(goal))
        theta = state.get("theta")
        if isinstance(theta, list) and len(theta) == self.env.n_states:
            self.policy.theta = SoftmaxPolicy(self.env.n_states, theta=theta).theta
            self.curve = [(0, self._exact())]
