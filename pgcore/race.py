"""The race: K seeds of each algorithm learning one world side by side, scored by exact J(theta).

One seed's learning curve says little (the next seed may be lucky); K of them give a mean and
a band, so the reader sees which algorithm is more sample-efficient and how much seeds spread.
Seed k of every algorithm draws from random.Random(seed + k): the algorithms face the same luck.
"""

import math
import random
import time

from .algorithms import ALGORITHMS, LABELS, make_learner
from .exact import exact_return
from .softmax import SoftmaxPolicy

Z_95 = 1.96  # two-sided 95 % quantile of the normal: the band is mean +- Z_95 * std / sqrt(K)


class Race:
    """K learners per algorithm on env, each with its own policy from theta = 0, shared hp.

    history[name] is a list of checkpoints, one at the start and one per record() or recorded
    lap (advance() records unless told not to), never two at the same rollout count:
    {"rollouts": rollouts so far per seed, "mean_J": mean exact J over the K seeds,
    "band": 1.96 * std / sqrt(K), the half-width of the 95 % band of that mean (sample std)}.
    budget (rollouts per seed, None for no limit) is where advance() and lap() stop training.
    """

    def __init__(self, env, algorithms, hp, seeds=16, seed=0, budget=None):
        unknown = [name for name in algorithms if name not in ALGORITHMS]
        if unknown or not algorithms:
            raise ValueError(f"algorithms must be some of {', '.join(ALGORITHMS)}, got {unknown}")
        if not isinstance(seeds, int) or seeds < 1:
            raise ValueError(f"seeds must be a positive integer, got {seeds!r}")
        if budget is not None and (not isinstance(budget, int) or budget < 0):
            raise ValueError(f"budget must be None or a non-negative integer, got {budget!r}")
        self.env, self.hp, self.seeds, self.budget = env, hp, seeds, budget
        self.algorithms = tuple(algorithms)
        self.learners = {
            name: [
                make_learner(name, env, SoftmaxPolicy(env.n_states), hp, random.Random(seed + k))
                for k in range(seeds)
            ]
            for name in self.algorithms
        }
        self.rollouts = 0  # per seed
        self.seconds = 0.0  # wall time spent training and scoring, for rollouts_per_second
        self.history = {name: [self._checkpoint(name)] for name in self.algorithms}

    @property
    def finished(self):
        return self.budget is not None and self.rollouts >= self.budget

    def advance(self, n, record=True):
        """Give every learner n more rollouts (fewer at the budget), then record a checkpoint.

        Scoring is not free: exact J costs every learner about as much as a few rollouts, so
        a page can train with record=False on most frames and call record() now and then.
        """
        for _ in self.lap(n, record):
            pass

    def lap(self, n, record=True):
        """advance(n, record) one learner at a time: a generator yielding n after each learner.

        A page spreads a lap over short calls: all K x algorithms learners updating in one go
        take about 14 ms in Pyodide (3 x 16), one of them well under a millisecond. With record,
        each learner is scored right after it trains, so scoring is spread the same way. The
        count and the checkpoint move with the last learner's step; a lap left unfinished
        leaves its learners ahead of the count, so finish it or drop the race.
        """
        if self.budget is not None:
            n = min(n, self.budget - self.rollouts)
        if n <= 0:
            if record:
                self.record()
            return
        J = {name: [] for name in self.algorithms}
        turns = [(name, learner) for name in self.algorithms for learner in self.learners[name]]
        for turn, (name, learner) in enumerate(turns, start=1):
            start = time.perf_counter()
            learner.train(n)
            if record:
                J[name].append(exact_return(self.env, learner.policy, self.hp.gamma))
            if turn == len(turns):  # the last learner: the lap is over before it yields
                self.rollouts += n
                if record:
                    for each in self.algorithms:
                        self.history[each].append(self._summary(J[each]))
            self.seconds += time.perf_counter() - start
            yield n

    def record(self):
        """Append a checkpoint for every algorithm, unless one was taken at this rollout count."""
        if self.history[self.algorithms[0]][-1]["rollouts"] == self.rollouts:
            return
        start = time.perf_counter()
        for name in self.algorithms:
            self.history[name].append(self._checkpoint(name))
        self.seconds += time.perf_counter() - start

    def _checkpoint(self, name):
        """Score every learner of an algorithm by exact J now, and summarise (_summary)."""
        return self._summary(
            [exact_return(self.env, ln.policy, self.hp.gamma) for ln in self.learners[name]]
        )

    def _summary(self, J):
        """Rollouts per seed, mean exact J over the seeds and its 95 % band half-width."""
        K = len(J)
        mean = sum(J) / K
        std = math.sqrt(sum((j - mean) ** 2 for j in J) / (K - 1)) if K > 1 else 0.0
        return {"rollouts": self.rollouts, "mean_J": mean, "band": Z_95 * std / math.sqrt(K)}

    def rollouts_per_second(self):
        """Rollouts trained per second spent training and scoring, over all learners (or 0)."""
        total = self.rollouts * self.seeds * len(self.algorithms)
        return total / self.seconds if self.seconds > 0.0 else 0.0

    def standings(self):
        """The latest checkpoint of each algorithm with its label, as plain data (the table)."""
        return [
            {"algorithm": name, "label": LABELS[name], **self.history[name][-1]}
            for name in self.algorithms
        ]
