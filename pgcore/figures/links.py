"""What a link carries for the gridworld figure, and how the figure takes a link back.

The view and colouring, the world the reader made (the goal; the pit and walls only when a link
changes them from the article's), the seed, the algorithm and its knobs: enough that a link
opened elsewhere rebuilds the same figure, and, for the same seed, the same run (pgcore.share).
"""

import dataclasses

from .. import share
from ..algorithms import ALGORITHMS

VIEWS = ("policy", "trajectories")
COLOURINGS = ("outcome", "weight")  # what the Trajectories view colours its arrows by


class GridLinks:
    """share() and apply_share() of GridFigure (a mixin: it reads the figure's own state)."""

    # -- links -----------------------------------------------------------------------------------

    def share(self):
        """The view, the world the reader made (goal; pit and walls only if not the article's),
        the seed, the algorithm and its knobs."""
        values = super().share() | {
            "view": self.view,
            "colour": self.colouring,
            "goal": f"{self.env.goal[0]}.{self.env.goal[1]}",
            "seed": str(self.settings.seed),
            "algorithm": self.learning.name,
            "lam": repr(self.learning.hp.lam),
            "clip": repr(self.learning.hp.clip_eps),
        }
        if self.settings.pit != self.article.pit:
            pit = self.settings.pit
            values["pit"] = "" if pit is None else f"{pit[0]}.{pit[1]}"
        if self.settings.walls != self.article.walls:
            values["walls"] = ";".join(f"{r}.{c}" for r, c in self.settings.walls)
        return values

    def apply_share(self, reader):
        """Take a link's world (rebuilt, and checked like the article's), then its knobs."""
        world = {
            key: value
            for key, value in (
                ("goal", reader.take("goal", share.cell)),
                ("pit", reader.take("pit", lambda text: share.cell(text) if text else None)),
                ("walls", reader.take("walls", _walls)),
                ("seed", reader.take("seed", share.number(0, 2**31 - 1, int))),
            )
            if value is not None or key == "pit" and "pit" in reader.values
        }
        if world:
            try:
                settings = dataclasses.replace(self.settings, **world)
                settings.check()
            except ValueError:
                reader.notes.append(f"{reader.figure_id}: the link's world is not a valid one")
            else:
                self.settings, self.env, self._best = settings, settings.world(), None
                self._reset_learning()
        super().apply_share(reader)
        for key, handler, parse in (
            ("algorithm", self.learning.switch, share.choice(ALGORITHMS)),
            ("lam", lambda v: self.learning.set_lam({"value": v}), share.number(0.0, 1.0)),
            ("clip", lambda v: self.learning.set_clip({"value": v}), share.number(0.05, 0.5)),
            ("view", lambda v: setattr(self, "view", v), share.choice(VIEWS)),
            ("colour", lambda v: setattr(self, "colouring", v), share.choice(COLOURINGS)),
        ):
            value = reader.take(key, parse)
            if value is not None:
                handler(value)


def _walls(text):
    """Walls written r.c;r.c (empty: none)."""
    return tuple(share.cell(part) for part in text.split(";") if part)
