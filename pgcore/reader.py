"""The reader's own weights function: compiled, tried, and run so that its mistakes stay its own.

The code figure shows pgcore's step_weights (pgcore.weights) as it is written, and lets the
reader edit it and run their version in place of it. Here that version is compiled under the
file name "<your code>" so every error names a line of what the reader wrote, tried once on a
small episode before it is used, and wrapped so that an error while training reports itself and
hands the work back to the last version that worked.

The reader's code is ordinary Python with the powers of any code in the worker; it runs only
when the reader presses Run (never from a link alone), under the page's Content-Security-Policy.
"""

import inspect
import math
import traceback

from .weights import step_weights

READER_FILE = "<your code>"
NAME = "step_weights"  # the function the reader's code must define
# A small episode the reader's function is tried on before it is used: 3 steps to the goal.
TRIAL = ([0.0, 0.0, 1.0], [0.25, 0.5, 0.75], 0.9, 0.3)

# The line of step_weights the guided edits change, and what each makes of it.
ANCHOR = "        w[t] = gamma**t * G_t - b\n"
GUIDED = {
    "no-baseline": "        w[t] = gamma**t * G_t - 0.0  # the baseline b set to zero\n",
    "drop-log": (
        "        w[t] = (gamma**t * G_t - b) * pi_taken[t]  # grad pi = pi grad log pi: no log\n"
    ),
    "last-step": (
        "        w[t] = (gamma**t * G_t - b) if t == T - 1 else 0.0  # only the last step\n"
    ),
}


class ReaderError(Exception):
    """A mistake in the reader's code, with the line of their text it happened at."""

    def __init__(self, line, message):
        super().__init__(f"line {line}: {message}" if line else message)
        self.line = line


def own_source():
    """The source of pgcore's step_weights, exactly as the figures run it."""
    return inspect.getsource(step_weights)


def guided_source(edit):
    """pgcore's source with one of the guided edits made (KeyError for an unknown one)."""
    source = own_source()
    if ANCHOR not in source:
        raise ValueError("step_weights no longer has the line the guided edits change")
    return source.replace(ANCHOR, GUIDED[edit], 1)


def compile_weights(text):
    """Compile the reader's text, take its step_weights and try it; raise ReaderError if bad."""
    try:
        code = compile(text, READER_FILE, "exec")
    except SyntaxError as error:
        raise ReaderError(error.lineno, f"SyntaxError: {error.msg}") from None
    namespace = {"__name__": "reader"}
    try:
        exec(code, namespace)  # noqa: S102 - the reader's own code, run because they asked
    except Exception as error:  # noqa: BLE001 - whatever it raises is the reader's to see
        raise _reader_error(error) from None
    function = namespace.get(NAME)
    if not callable(function):
        raise ReaderError(
            None, f"the code must define a function {NAME}(rewards, pi_taken, gamma, b)"
        )
    checked(function, *TRIAL)
    return function


def checked(function, rewards, pi_taken, gamma, b):
    """Call the reader's function once; its answer must be one finite number per step."""
    try:
        w = list(function(rewards, pi_taken, gamma, b))
    except ReaderError:
        raise
    except Exception as error:  # noqa: BLE001
        raise _reader_error(error) from None
    if len(w) != len(rewards):
        raise ReaderError(None, f"{NAME} returned {len(w)} weights for {len(rewards)} steps")
    if not all(isinstance(x, int | float) and math.isfinite(x) for x in w):
        raise ReaderError(None, f"{NAME} returned a weight that is not a finite number")
    return w


class ReaderWeights:
    """The reader's function in the trainer's hands: on its first error, it reports the error
    (report(ReaderError)) and from then on lets fallback, the last good function, do the work."""

    def __init__(self, function, fallback, report):
        self.function, self.fallback, self.report = function, fallback, report
        self.failed = False

    def __call__(self, rewards, pi_taken, gamma, b):
        if not self.failed:
            try:
                return checked(self.function, rewards, pi_taken, gamma, b)
            except ReaderError as error:
                self.failed = True
                self.report(error)
        return self.fallback(rewards, pi_taken, gamma, b)


def _reader_error(error):
    """A ReaderError at the last line of the reader's text in error's traceback."""
    line = next(
        (
            frame.lineno
            for frame in reversed(traceback.extract_tb(error.__traceback__))
            if frame.filename == READER_FILE
        ),
        None,
    )
    return ReaderError(line, f"{type(error).__name__}: {error}")
