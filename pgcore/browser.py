"""The page's side of the live figure: the only pgcore module that imports js or pyodide.

The page must provide:
- a root element with data-widget="policy-gradient", its settings as JSON in data-config, and
  the data-pg children of site_templates/widget.html (canvas, curve, status, controls, table);
- window.pgPainter (site_templates/assets/painter.js) with paint(canvas, sceneJson),
  start(frame) and stop().

Everything the figure decides lives in pgcore.explainer; this module forwards events to it and
hands its scenes to the painter as JSON strings, so no Python object is lent to JavaScript per
frame. The proxies it does create (one per event listener and one for the frame loop) live as
long as the widget and are destroyed by Widget.destroy().
"""

import json
import math
import traceback

from js import document, window
from pyodide.ffi import create_proxy

from .explainer import FRAME_BUDGET_S, SPEEDS, Explainer
from .settings import Settings

LR_STEPS = 60  # the learning-rate slider is logarithmic: alpha = 10 ** ((v - 40) / 20)
TABLE_EVERY_MS = 200  # the accessible table is refreshed at most this often while training
REDUCED_MOTION_EVERY_MS = 600  # with prefers-reduced-motion, training shows in discrete steps

_widgets = []


def mount(root):
    """Start the live figure in root and draw its first frame. Called from JS (loader.js)."""
    widget = Widget(root)
    _widgets.append(widget)
    widget.draw()


def unmount_all():
    """Stop every live figure and release every proxy (used by tests and page teardown)."""
    while _widgets:
        _widgets.pop().destroy()


def lr_from_slider(value):
    """Learning rate for a slider position."""
    return 10 ** ((float(value) - 40) / 20)


def slider_from_lr(lr):
    """Slider position for a learning rate."""
    return round(40 + 20 * math.log10(lr))


class Widget:
    """One figure on the page, wired to one Explainer."""

    def __init__(self, root):
        self.root = root
        settings = Settings.from_mapping(json.loads(root.dataset.config))
        self.explainer = Explainer(settings)
        self.el = {
            name: root.querySelector(f'[data-pg="{name}"]')
            for name in (
                "canvas",
                "curve",
                "status",
                "train",
                "step",
                "reset",
                "lr",
                "lr-out",
                "speed",
                "speed-out",
                "baseline",
                "policy-table",
                "continuous-readout",
                "error",
            )
        }
        self.reduced_motion = window.matchMedia("(prefers-reduced-motion: reduce)").matches
        self.listeners = []
        self.dirty = True
        self.last_table = -math.inf
        self.last_step = -math.inf
        self.scene_size = (1.0, 1.0)
        self._init_controls()
        self.frame_proxy = create_proxy(self._guarded(self.frame))
        window.pgPainter.start(self.frame_proxy)

    # -- wiring --------------------------------------------------------------------------------

    def _guarded(self, handler):
        """Wrap a handler so that a Python error stops the figure visibly instead of silently."""

        def guarded(*args):
            try:
                return handler(*args)
            except Exception as error:  # noqa: BLE001 - every failure must reach the reader
                self.fail(error)

        return guarded

    def listen(self, element, event, handler):
        """Add an event listener whose proxy lives until destroy()."""
        proxy = create_proxy(self._guarded(handler))
        element.addEventListener(event, proxy)
        self.listeners.append((element, event, proxy))

    def _init_controls(self):
        """Give the controls their ranges and current values, then enable them."""
        lr, speed = self.el["lr"], self.el["speed"]
        lr.min, lr.max, lr.step = "0", str(LR_STEPS), "1"
        lr.value = str(slider_from_lr(self.explainer.hp.lr))
        speed.min, speed.max, speed.step = "0", str(len(SPEEDS) - 1), "1"
        speed.value = str(self.explainer.speed)
        self.el["baseline"].checked = self.explainer.hp.baseline
        for radio in self.root.querySelectorAll('input[name="pg-mode"]'):
            radio.checked = radio.value == self.explainer.mode
            self.listen(radio, "change", self.on_mode)
        self.listen(self.el["train"], "click", lambda event: self.toggle_training())
        self.listen(self.el["step"], "click", lambda event: self.step())
        self.listen(self.el["reset"], "click", lambda event: self.reset())
        self.listen(lr, "input", lambda event: self.set_lr(lr.value))
        self.listen(speed, "input", lambda event: self.set_speed(speed.value))
        self.listen(
            self.el["baseline"],
            "change",
            lambda event: self.set_baseline(self.el["baseline"].checked),
        )
        self.listen(self.el["canvas"], "click", self.on_canvas_click)
        self.listen(self.el["canvas"], "keydown", self.on_canvas_key)
        self.listen(self.el["policy-table"], "click", self.on_table_click)
        for control in self.root.querySelectorAll("[data-pg-control], button, input"):
            control.disabled = False
        self._show_values()

    def destroy(self):
        """Stop the frame loop and release every proxy this widget created."""
        window.pgPainter.stop()
        for element, event, proxy in self.listeners:
            element.removeEventListener(event, proxy)
            proxy.destroy()
        self.listeners.clear()
        self.frame_proxy.destroy()

    def fail(self, error):
        """Show a Python error in the widget and stop, leaving the last frame on screen."""
        window.pgPainter.stop()
        self.explainer.running = False
        self.root.dataset.state = "error"
        box = self.el["error"]
        box.textContent = (
            f"The live figure stopped: {type(error).__name__}: {error}. "
            "Reload the page to start it again."
        )
        box.hidden = False
        for control in self.root.querySelectorAll("button, input"):
            control.disabled = True
        window.console.error("".join(traceback.format_exception(error)))

    # -- events (called from JS) ---------------------------------------------------------------

    def on_mode(self, event):
        if event.target.checked:
            self.explainer.set_mode(event.target.value)
            self.root.dataset.mode = event.target.value
            self.changed()

    def toggle_training(self):
        self.explainer.running = not self.explainer.running
        self.changed()

    def step(self):
        self.explainer.running = False
        self.explainer.step()
        self.changed()

    def reset(self):
        self.explainer.running = False
        self.explainer.reset()
        self.changed()

    def set_lr(self, value):
        self.explainer.set_lr(lr_from_slider(value))
        self._show_values()

    def set_speed(self, value):
        self.explainer.set_speed(int(value))
        self._show_values()

    def set_baseline(self, on):
        self.explainer.set_baseline(on)

    def on_canvas_click(self, event):
        canvas = self.el["canvas"]
        scale = self.scene_size[0] / max(canvas.clientWidth, 1)
        if self.explainer.click(event.offsetX * scale, event.offsetY * scale):
            self.changed()

    def on_canvas_key(self, event):
        """In Continuous, the arrow keys move the target (the keyboard's way to click)."""
        moves = {
            "ArrowUp": (0, 0.1),
            "ArrowDown": (0, -0.1),
            "ArrowLeft": (-0.1, 0),
            "ArrowRight": (0.1, 0),
        }
        if self.explainer.mode == "continuous" and event.key in moves:
            event.preventDefault()
            dx, dy = moves[event.key]
            tx, ty = self.explainer.task.target
            self.explainer.move_target((tx + dx, ty + dy))
            self.changed()

    def on_table_click(self, event):
        button = event.target.closest("[data-pg-goal]")
        if button is not None:
            row, col = (int(part) for part in button.dataset.pgGoal.split(","))
            if self.explainer.move_goal((row, col)):
                self.changed()

    def frame(self, now):
        """Train this frame's share, then repaint what changed. Called from JS every frame."""
        explainer = self.explainer
        if explainer.running:
            if not self.reduced_motion:
                if SPEEDS[explainer.speed] is None and now - self.last_table >= TABLE_EVERY_MS:
                    # This frame also redraws the curve and rewrites the table: train for a third
                    # of the budget so it stays as short as the others (the benchmark's p95).
                    explainer.train_for(FRAME_BUDGET_S / 3)
                else:
                    explainer.train()
                self.dirty = True
            elif now - self.last_step >= REDUCED_MOTION_EVERY_MS:
                explainer.train(min(8 * (SPEEDS[explainer.speed] or 16), 128))
                self.last_step = now
                self.dirty = True
        if self.dirty:
            self.draw(now)

    # -- drawing -------------------------------------------------------------------------------

    def changed(self):
        """Mark the figure for repainting on the next frame, and refresh the controls now."""
        self.dirty = True
        self.last_table = -math.inf
        self._show_values()

    def draw(self, now=math.inf):
        """Paint the scenes and refresh the readouts."""
        explainer = self.explainer
        scene = explainer.scene()
        self.scene_size = (scene["width"], scene["height"])
        window.pgPainter.paint(self.el["canvas"], _dumps(scene))
        # The curve, the status line (an aria-live region) and the table change little from one
        # frame to the next: refreshing them a few times a second spares the frame and a screen
        # reader 60 announcements a second.
        if now - self.last_table >= TABLE_EVERY_MS or not explainer.running:
            window.pgPainter.paint(self.el["curve"], _dumps(explainer.curve_scene()))
            self.el["status"].textContent = explainer.status()
            self._update_table()
            self._update_readout()
            self.last_table = now
        self.dirty = False

    def _show_values(self):
        explainer = self.explainer
        self.el["train"].textContent = "Pause" if explainer.running else "Train"
        self.el["train"].setAttribute("aria-pressed", "true" if explainer.running else "false")
        self.el["lr-out"].textContent = f"\u03b1 = {explainer.hp.lr:.2g}"
        per_frame = SPEEDS[explainer.speed]
        self.el["speed-out"].textContent = (
            "as many as a frame allows"
            if per_frame is None
            else f"{per_frame} rollout{'s' * (per_frame > 1)}/frame"
        )
        self.root.dataset.mode = explainer.mode
        self.root.dataset.running = "true" if explainer.running else "false"

    def _update_table(self):
        """Write the current roles and pi(a|s) into the accessible table, row by row."""
        body = self.el["policy-table"].tBodies[0]
        for row_data, tr in zip(self.explainer.table_rows(), body.rows, strict=True):
            cells = tr.cells
            if cells[1].textContent != row_data["role"]:
                cells[1].textContent = row_data["role"]
                tr.dataset.role = row_data["role"]
                self._set_goal_button(cells[cells.length - 1], row_data)
            for cell, prob in zip(
                (cells[2], cells[3], cells[4], cells[5]), row_data["probs"], strict=True
            ):
                cell.textContent = prob

    @staticmethod
    def _set_goal_button(td, row_data):
        """Give an empty cell's row its "Make (r, c) the goal" button; other rows none."""
        td.textContent = ""
        if row_data["goal_button"]:
            button = document.createElement("button")
            button.type = "button"
            button.className = "pg-goal-button"
            button.dataset.pgGoal = f"{row_data['row']},{row_data['col']}"
            button.textContent = f"Make {row_data['label']} the goal"
            td.appendChild(button)

    def _update_readout(self):
        readout = self.explainer.readout()
        for name, values in readout.items():
            slot = self.el["continuous-readout"].querySelector(f'[data-pg-value="{name}"]')
            if slot is not None:
                slot.textContent = f"({values[0]:+.3f}, {values[1]:+.3f})"


def _dumps(scene):
    """Serialise a scene compactly; a string crosses into JS without any proxy."""
    return json.dumps(scene, separators=(",", ":"))
