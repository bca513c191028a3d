"""Three gradient clouds in lockstep, one per baseline, and what the page says about them.

The clouds are made with one seed and grow by the same number of estimates every time, so
estimate k of each is the same batch of episodes weighted three ways: the table's rows differ
only by the estimator.
"""

import math

from ..cloud import BASELINE_LABELS
from ..cloud_plot import POINTS, cloud_scene, window_half_width
from ..figure import table_row


class Lockstep:
    """The clouds {baseline: Cloud} of one setting, sampled together."""

    def __init__(self, clouds):
        self.clouds = clouds
        self.exact = clouds["none"].exact
        self.half = None  # the plot's window, sized by the clouds once they have a spread

    def sample(self, n):
        """Add n estimates to each cloud: the same n batches, weighted three ways."""
        for cloud in self.clouds.values():
            cloud.sample(n)
            del cloud.points[:-POINTS]  # only the plot reads them; the statistics are running sums

    def summaries(self):
        """Cloud.summary() per baseline (None for a cloud of fewer than two estimates)."""
        return {b: c.summary() if len(c.points) >= 2 else None for b, c in self.clouds.items()}

    def spread(self, summaries):
        """The widest standard deviation of one component over the clouds; before any is known,
        the size of the exact gradient, so the plot's window starts at its scale."""
        deviations = [
            math.sqrt(max(s["cov"][0][0], s["cov"][1][1])) for s in summaries.values() if s
        ]
        return max(deviations, default=0.0) or max(abs(g) for g in self.exact) or 1.0

    def scene(self, summaries, shown, labels):
        """The plot of the shown baseline's cloud, in a window that fits the widest cloud."""
        self.half = window_half_width(self.half, self.spread(summaries))
        points = self.clouds[shown].points
        return cloud_scene(self.exact, points, summaries[shown], self.half, labels)

    def table_rows(self, summaries, shown):
        """Per baseline: the variance, how many times smaller it is than without a baseline, the
        mean's distance from the exact gradient, its standard error, the number of estimates."""
        none, rows = summaries["none"], []
        for baseline, summary in summaries.items():
            shown_attr = "true" if baseline == shown else "false"
            attrs = {"data-baseline": baseline, "data-shown": shown_attr}
            if summary is None:
                cells = ["\u2013"] * 4 + [str(len(self.clouds[baseline].points))]
            else:
                cut = none["variance"] / summary["variance"] if summary["variance"] else None
                cells = [
                    f"{summary['variance']:.3g}",
                    "\u2013" if cut is None else f"{cut:.2f}\u00d7",
                    f"{summary['distance']:.2g}",
                    f"{standard_error(summary):.2g}",
                    f"{summary['n']:,}",
                ]
            rows.append(table_row([BASELINE_LABELS[baseline], *cells], **attrs))
        return rows


def standard_error(summary):
    """The standard error of the mean as one length: sqrt(trace(cov) / n)."""
    return math.sqrt(summary["variance"] / summary["n"])


def status_line(summaries, baseline):
    """How many estimates, and the shown estimator's variance and error, in words."""
    summary = summaries[baseline]
    if summary is None:
        return "No estimates yet: press Start sampling."
    return (
        f"{summary['n']:,} estimates each \u00b7 {BASELINE_LABELS[baseline]}: "
        f"variance {summary['variance']:.3g}, mean {summary['distance']:.2g} from the exact "
        f"gradient (standard error {standard_error(summary):.2g})"
    )
