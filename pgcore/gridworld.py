"""The gridworld: cells, walls, a goal worth +1, a pit worth -1, and a step budget.

Cells are (row, col) with row 0 at the top; state s = row * cols + col. The dynamics are
deterministic and precomputed into a transition table, so a rollout is a chain of table lookups.
"""

MOVES = ((-1, 0), (0, 1), (1, 0), (0, -1))
ACTIONS = ("up", "right", "down", "left")


class GridWorld:
    """A rows x cols grid; entering the goal (+1) or the pit (-1) ends the episode.

    Every other step is worth step_reward (0 by default; a small cost such as -0.04 makes short
    paths pay, and gives actions before the last their own share of the return), and an episode
    is cut off after max_steps actions (a timeout).
    A move off the grid or into a wall leaves the agent where it is. start=None draws each
    episode's first cell uniformly from the cells that are not goal, pit or wall.
    """

    n_actions = len(ACTIONS)

    def __init__(
        self,
        rows=3,
        cols=3,
        goal=(0, 2),
        pit=(1, 1),
        start=None,
        walls=(),
        max_steps=20,
        step_reward=0.0,
    ):
        for name, value in (("rows", rows), ("cols", cols), ("max_steps", max_steps)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if not -1.0 <= step_reward <= 1.0:
            raise ValueError(f"step_reward must be in [-1, 1], got {step_reward!r}")
        self.rows, self.cols, self.max_steps = rows, cols, max_steps
        self.step_reward = float(step_reward)
        self.n_states = rows * cols
        self.walls = frozenset(self._cell("wall", w) for w in walls)
        self.goal = self._open_cell("goal", goal)
        self.pit = None if pit is None else self._open_cell("pit", pit)
        if self.pit == self.goal:
            raise ValueError(f"pit {self.pit} is on the goal")
        self.start = None if start is None else self._open_cell("start", start)
        if self.start is not None and self.start in (self.goal, self.pit):
            raise ValueError(f"start {self.start} is on the {self.role(self.start)}")
        self.layout_version = 0
        self._build_tables()

    def _cell(self, name, cell):
        """Validate that cell is an in-grid (row, col) pair and return it as a tuple."""
        try:
            r, c = cell
        except (TypeError, ValueError):
            raise ValueError(f"{name} {cell!r} is not a (row, col) pair") from None
        if not (
            isinstance(r, int) and isinstance(c, int) and 0 <= r < self.rows and 0 <= c < self.cols
        ):
            raise ValueError(f"{name} {cell!r} is outside the {self.rows}x{self.cols} grid")
        return (r, c)

    def _open_cell(self, name, cell):
        """Validate an in-grid cell that is not a wall."""
        cell = self._cell(name, cell)
        if cell in self.walls:
            raise ValueError(f"{name} {cell} is on a wall")
        return cell

    def state(self, cell):
        return cell[0] * self.cols + cell[1]

    def cell(self, s):
        return divmod(s, self.cols)

    def role(self, cell):
        """'goal', 'pit', 'wall', 'start' (only for a fixed start) or 'empty'."""
        cell = tuple(cell)
        if cell == self.goal:
            return "goal"
        if cell == self.pit:
            return "pit"
        if cell in self.walls:
            return "wall"
        if cell == self.start:
            return "start"
        return "empty"

    def is_terminal(self, s):
        return s in self._terminal

    def start_states(self):
        """The support of the start distribution (uniform over it)."""
        return list(self._starts)

    def step(self, s, a):
        """(s_next, reward, done) for taking action a in state s; terminal states absorb."""
        return self.transitions[s][a]

    def move_goal(self, cell):
        """Move the goal; the policy is untouched, only the dynamics change."""
        cell = self._open_cell("goal", cell)
        if cell == self.pit:
            raise ValueError(f"goal {cell} is on the pit")
        if cell == self.start:
            raise ValueError(f"goal {cell} is on the fixed start")
        self.goal = cell
        self._build_tables()

    def _build_tables(self):
        """Precompute transitions[s][a] = (s_next, reward, done) and the start states."""
        outcome = {self.state(self.goal): (1.0, True)}
        if self.pit is not None:
            outcome[self.state(self.pit)] = (-1.0, True)
        self._terminal = frozenset(outcome)
        wall_states = frozenset(self.state(w) for w in self.walls)
        if self.start is not None:
            self._starts = (self.state(self.start),)
        else:
            self._starts = tuple(
                s for s in range(self.n_states) if s not in self._terminal and s not in wall_states
            )
        if not self._starts:
            raise ValueError(f"the {self.rows}x{self.cols} grid has no cell left to start in")
        table = []
        for s in range(self.n_states):
            r, c = self.cell(s)
            row = []
            for dr, dc in MOVES:
                nr, nc = r + dr, c + dc
                blocked = (
                    not (0 <= nr < self.rows and 0 <= nc < self.cols) or (nr, nc) in self.walls
                )
                s_next = s if blocked else nr * self.cols + nc
                if s in self._terminal:
                    row.append((s, 0.0, True))
                else:
                    row.append((s_next, *outcome.get(s_next, (self.step_reward, False))))
            table.append(tuple(row))
        self.transitions = tuple(table)
        # lets a trainer drop a half-collected batch that was gathered under the old layout
        self.layout_version += 1
