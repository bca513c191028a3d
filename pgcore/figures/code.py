"""The code figure: pgcore's own step_weights in an editor, and the reader's version run in its
place by a gridworld figure of the page.

Run compiles the reader's text and tries it (pgcore.reader); if it works, the target figure
trains with it from then on, else the error is shown at its line and nothing changes. An error
while training sends the grid back to the last version that worked. Restore brings pgcore's own
function back; the guided edits show what each part of the formula does; Stop stops every
figure on the page (and if Python does not answer, the page restarts its worker). Code that
came with a link is shown, never run, until the reader presses Run.
"""

from .. import share
from ..figure import FigureError, dispatch
from ..reader import GUIDED, ReaderError, ReaderWeights, compile_weights, guided_source, own_source
from ..weights import step_weights

MAX_TEXT = 64 * 1024  # more than any reader writes; keeps a hostile link or paste in check
OWN = "Running pgcore\u2019s own step_weights."


class CodeFigure:
    """The editor's state and the function the target figure trains with."""

    KEYS = ()

    def __init__(self, settings, reduced_motion=False):
        self.settings = settings
        self.text = own_source()
        self.good = step_weights  # the last function that worked: the fallback of the next
        self.status, self.error = OWN, ""
        self.outbox = []  # (figure id or "*", event) for the host to deliver
        self._text_stale = self._changed = True

    # -- events ------------------------------------------------------------------------------------

    def handle(self, event):
        """Apply one event of the reader's; unknown names and malformed values are FigureErrors."""
        dispatch(self, event)

    def on_run(self, event):
        """Compile the text in the editor and, if it works, train the target figure with it."""
        text = event.get("value")
        if not isinstance(text, str):
            raise FigureError("run needs the code as text")
        self.run(text[:MAX_TEXT])

    def on_restore(self, event):
        """pgcore's own function again, in the editor and in the target figure."""
        self.text, self._text_stale = own_source(), True
        self.good = step_weights
        self.status, self.error = OWN, ""
        self.outbox.append((self.settings.target, {"name": "weights", "value": None}))

    def on_guided(self, event):
        """Make one of the guided edits to pgcore's function, and run it."""
        if event.get("value") not in GUIDED:
            raise FigureError(f"unknown guided edit {event.get('value')!r}")
        self.text, self._text_stale = guided_source(event["value"]), True
        self.run(self.text)

    def on_stop(self, event):
        """Stop whatever every figure of the page is running."""
        self.outbox.append(("*", {"name": "stop"}))

    def run(self, text):
        """Try text; on success hand it to the target figure, else say what is wrong where."""
        self.text = text
        try:
            function = compile_weights(text)
        except ReaderError as error:
            self.error = str(error)
            self.status = "Your code did not run; the grid keeps the last version that worked."
            return
        self.good = ReaderWeights(function, self.good, self.reader_failed)
        self.error, self.status = "", "Running your step_weights."
        self.outbox.append((self.settings.target, {"name": "weights", "value": self.good}))

    def reader_failed(self, error):
        """Called by the reader's function when it fails while the grid trains."""
        self.error = str(error)
        self.status = "Your code failed while training; the grid went back to the last version "
        self.status += "that worked."
        self._changed = True

    # -- time and frames ---------------------------------------------------------------------------

    def advance(self, now):
        """The code figure does not train."""

    def trains_freely(self):
        return False

    def train_for(self, seconds):
        return 0

    def wake_in(self, now):
        return None

    def dirty(self, now):
        return self._changed

    def frame(self, now):
        """The status, the error under the editor, and the text when it changed here."""
        frame = {
            "text": {"code-status": self.status, "code-error": self.error},
            "attrs": {"code-error": {"hidden": not self.error or None}},
        }
        if self._text_stale:
            frame["controls"] = {"code": {"value": self.text}}
            self._text_stale = False
        frame["resume"] = self.resume_state()
        self._changed = False
        return frame

    def share(self):
        """The reader's text, compressed, when it is not pgcore's own."""
        return {} if self.text == own_source() else {"code": share.pack_text(self.text)}

    def apply_share(self, reader):
        """Show a link's code; it runs only when the reader presses Run."""
        text = reader.take("code", _unpacked)
        if text is not None and text != self.text:
            self.text, self._text_stale = text, True
            self.status = "This link brought code: read it, then press Run to use it."
            self._changed = True

    def resume_state(self):
        """Nothing: the reader's text is in the page (take_inputs), and runs only on Run."""
        return {}

    def resume(self, state):
        """Come back after a restart: pgcore's own function runs until the reader presses Run."""
        self.status = "Python restarted: pgcore\u2019s own step_weights runs."

    def take_inputs(self, inputs):
        """The text the page's editor holds (the reader's, kept across a restart of Python)."""
        text = inputs.get("code")
        if isinstance(text, str) and text[:MAX_TEXT] != self.text:
            self.text, self._text_stale = text[:MAX_TEXT], False  # the page shows it already
            self.status = "Your code is in the editor; pgcore\u2019s own step_weights runs "
            self.status += "until you press Run."


def _unpacked(packed):
    """The code a link carries (ValueError if it is not a packed text)."""
    text = share.unpack_text(packed)
    if text is None:
        raise ValueError(packed)
    return text
