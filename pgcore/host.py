"""The worker's Python: the page's figures by id, their events in, their frames out.

The page's worker script (site_templates/assets/worker.js) calls three functions with strings and
posts whatever they return; no Python object crosses into JavaScript, and nothing here imports
`js` or `pyodide`, so the host runs, and is tested, under CPython exactly as in the page.

    receive(message) -> None        a JSON message from the page: mount, event or want
    tick(now_ms) -> str | None      train, and when the page wants a frame, the changed parts
    wake_in(now_ms) -> float        ms until the next tick is due: 0 now, -1 when idle

Messages from the page:
    {"type": "mount", "figures": [{"id", "kind", "config", "resume"?, "inputs"?}],
     "reducedMotion": bool,
     "link": the address's fragment (first mount only), "baseLength": the address's length}
    {"type": "event", "id": figure id, "event": {...}}
    {"type": "want"}   the page painted the last frame and can take the next one

Only the parts of a frame that changed since the last frame are sent, so a paused figure costs
nothing and a training one sends its canvas and, five times a second, its slower parts. When what
the figures would share changes, the frames message carries the new fragment ("link") for the
page's address (pgcore.share), and every figure's Copy link button its words.
"""

import json
import traceback

from .figures import make_figure
from .share import PageLink

SLICE_S = 0.012  # training between two looks at the page's messages, at the fastest speed
FRAME_S = 1 / 60  # an animation frame: the pace of paced training when a frame shows no news
# Frame parts sent whole whenever a figure includes them: a figure includes its controls only
# when it must set them (the reader may have changed them since), and its resume state.
EVERY_TIME = ("controls", "resume")


class Host:
    """The figures of one page and what the page last received of each."""

    def __init__(self):
        self.figures = {}
        self.sent = {}  # id -> {(part, slot): the JSON of what the page has}
        self.failed = {}  # id -> message, for figures that raised
        self.reported = set()
        self.wanted = False
        self.pacing = False  # the last tick found a figure that moved but had nothing new
        self.last_look = 0.0  # when it did, in seconds
        self.link = PageLink()
        self.notes = {}  # id -> what the figure's note says (about the link it came with)

    def receive(self, message):
        """Take one JSON message from the page."""
        message = json.loads(message)
        kind = message.get("type")
        if kind == "mount":
            for spec in message["figures"]:
                self._guard(spec["id"], lambda spec=spec: self._mount(spec, message))
            self.link = PageLink(message.get("baseLength", 0))
            found = self.link.apply(message.get("link") or "", self.figures)
            self.notes = {i: "From the link: " + "; ".join(n) + "." for i, n in found.items()}
        elif kind == "event" and message["event"].get("name") == "copied":
            # The page copied the link (or the browser refused): say so under the figure.
            copied = message["event"].get("value")
            self.notes[message["id"]] = (
                "Link copied." if copied else "The browser did not copy: copy the address instead."
            )
        elif kind == "event":
            figure = self.figures.get(message.get("id"))
            if figure is not None and message["id"] not in self.failed:
                self._guard(message["id"], lambda: figure.handle(message["event"]))
                self._deliver(message["id"], figure)
        elif kind == "want":
            self.wanted = True
        else:
            raise ValueError(f"unknown message type {kind!r}")

    def _mount(self, spec, message):
        """Make one figure, back where it was if the page kept its resume state."""
        figure = make_figure(spec["kind"], spec["config"], message.get("reducedMotion", False))
        if spec.get("resume"):
            figure.resume(spec["resume"])
        if spec.get("inputs") and hasattr(figure, "take_inputs"):
            figure.take_inputs(spec["inputs"])  # what the page's text inputs hold now
        self.figures[spec["id"]] = figure
        self.sent[spec["id"]] = {}

    def _deliver(self, sender_id, sender):
        """Pass on what one figure has for others (the code figure's function, its Stop)."""
        outbox = getattr(sender, "outbox", None)
        while outbox:
            target, event = outbox.pop(0)
            targets = [i for i in self.figures if i != sender_id] if target == "*" else [target]
            for figure_id in targets:
                figure = self.figures.get(figure_id)
                if figure is None:
                    self.failed[sender_id] = f"ValueError: no figure {figure_id!r} on the page"
                elif figure_id not in self.failed:
                    self._guard(figure_id, lambda f=figure, e=event: f.handle(e))

    def tick(self, now_ms):
        """Answer the page if it wants a frame and there is news; else train what trains freely.

        A frame goes out before any free training, so the page never waits for a slice; the
        worker ticks again at once (wake_in) and the slice follows.
        """
        now = now_ms / 1000
        live = [(i, f) for i, f in self.figures.items() if i not in self.failed]
        frames, link, self.pacing = {}, None, False
        if self.wanted:
            for figure_id, figure in live:
                self._guard(figure_id, lambda figure=figure: figure.advance(now))
            link = self.link.update(dict(live))
            for figure_id, figure in live:
                frame = {}
                if figure_id not in self.failed and figure.dirty(now):
                    self.pacing = True
                    frame = self._guard(figure_id, lambda figure=figure: figure.frame(now)) or {}
                frame = self._page_parts(figure_id, frame)
                news = self._news(figure_id, frame)
                if news:
                    frames[figure_id] = news
        errors = {i: m for i, m in self.failed.items() if i not in self.reported}
        self.reported |= errors.keys()
        if frames or errors:
            self.wanted = self.wanted and not frames
            return _message(frames, errors, link)
        # Nothing to show yet. A figure that moved (trained at its paced speed, say) but drew
        # the same picture still owes the page its next frame: wake_in paces the next look.
        self.last_look = now
        free = [(i, f) for i, f in live if i not in self.failed and f.trains_freely()]
        for figure_id, figure in free:
            self._guard(figure_id, lambda figure=figure: figure.train_for(SLICE_S / len(free)))
        return None

    def _page_parts(self, figure_id, frame):
        """Add what the host shows in every figure: its note, its Copy link button's words."""
        note = self.notes.get(figure_id, "")
        frame.setdefault("text", {}).update({"link-note": note, "copy-link": self.link.label()})
        frame.setdefault("attrs", {})["link-note"] = {"hidden": not note or None}
        return frame

    def wake_in(self, now_ms):
        """Milliseconds until a tick is due without a message: 0 at once, -1 when idle."""
        now = now_ms / 1000
        live = [f for i, f in self.figures.items() if i not in self.failed]
        if any(f.trains_freely() for f in live):
            return 0
        if self.wanted and any(f.dirty(now) for f in live):
            return 0
        waits = [w for w in (f.wake_in(now) for f in live) if w is not None]
        if self.wanted and self.pacing:  # the page waits on a figure that moved: next frame
            waits.append(max(self.last_look + FRAME_S - now, 0.0))
        return min(waits) * 1000 if waits else -1

    def _news(self, figure_id, frame):
        """The parts of frame that differ from what the page shows: {part: {slot: JSON}}."""
        sent, news = self.sent[figure_id], {}
        for part, slots in frame.items():
            if part in EVERY_TIME:
                news[part] = {slot: _json(value) for slot, value in slots.items()}
                continue
            for slot, value in slots.items():
                text = _json(value)
                if sent.get((part, slot)) != text:
                    sent[(part, slot)] = text
                    news.setdefault(part, {})[slot] = text
        return news

    def _guard(self, figure_id, call):
        """Run call; a figure that raises stops, and the page is told why, once."""
        try:
            return call()
        except Exception as error:  # noqa: BLE001 - every failure must reach the reader
            self.failed[figure_id] = f"{type(error).__name__}: {error}"
            print("".join(traceback.format_exception(error)))
            return None


def _json(value):
    """Compact JSON."""
    return json.dumps(value, separators=(",", ":"))


def _message(frames, errors, link):
    """The frames message, assembled from the slots' JSON so nothing is serialised twice."""

    def obj(pairs):
        return "{" + ",".join(f"{_json(key)}:{text}" for key, text in pairs) + "}"

    body = obj(
        (figure_id, obj((part, obj(slots.items())) for part, slots in parts.items()))
        for figure_id, parts in frames.items()
    )
    tail = "" if link is None else f',"link":{_json(link)}'
    return f'{{"type":"frames","frames":{body},"errors":{_json(errors)}{tail}}}'


_host = Host()
receive, tick, wake_in = _host.receive, _host.tick, _host.wake_in
