"""How a learning curve is drawn: an exact value against training, under its ceiling."""

from .scene import circle, path, rect, text


def curve_scene(history, best, low, high, label, unit, width=480.0, height=132.0):
    """The learning curve: exact J(theta) against rollouts, with the best attainable J dashed."""
    left, right, top, bottom = 44.0, 12.0, 12.0, 26.0
    plot_w, plot_h = width - left - right, height - top - bottom
    x_max = max(100, history[-1][0] if history else 0)

    def at(n, value):
        return (
            left + plot_w * n / x_max,
            top + plot_h * (1 - (min(max(value, low), high) - low) / (high - low)),
        )

    items = [
        rect(left, top, plot_w, plot_h, fill="cell"),
        path([at(0, best), at(x_max, best)], stroke="goal", lw=1.2, dash=(5, 4)),
        text(
            left + plot_w - 4,
            at(0, best)[1] - 8,
            f"best possible {best:.2f}",
            size=10,
            anchor="end",
            fill="goal",
        ),
        text(left - 6, at(0, high)[1], f"{high:.2g}", size=10, anchor="end", fill="muted"),
        text(left - 6, at(0, low)[1], f"{low:.2g}", size=10, anchor="end", fill="muted"),
        text(left, height - 9, "0", size=10, anchor="start", fill="muted"),
        text(left + plot_w, height - 9, f"{x_max:,} {unit}", size=10, anchor="end", fill="muted"),
    ]
    if low < 0 < high:
        items.append(path([at(0, 0), at(x_max, 0)], stroke="faint", lw=1))
    if history:
        items.append(path([at(n, value) for n, value in history], stroke="accent", lw=2))
        n, value = history[-1]
        x, y = at(n, value)
        items.append(circle(x, y, 3.5, fill="accent"))
        # The readout sits in whichever half of the plot the curve has left.
        label_y = top + 12 if value < (low + high) / 2 else at(0, low)[1] - 10
        items.append(
            text(
                left + 6,
                label_y,
                f"{label} = {value:.3f}",
                size=11,
                anchor="start",
                weight="bold",
                fill="accent",
            )
        )
    else:
        items.append(
            text(
                left + 6,
                at(0, low)[1] - 10,
                f"{label}: press Train",
                size=11,
                anchor="start",
                fill="muted",
            )
        )
    return {"width": width, "height": height, "items": items}
