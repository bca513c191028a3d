"""Read an author's text file: UTF-8 (a byte-order mark is fine), one kind of newline, no controls.

Every refusal names the line (and column) of the offending byte or character, so an editor can
jump to it. Newlines are normalised to \\n here, once, so that every later line count agrees
with what the author's editor shows.
"""

import re
from pathlib import Path

from . import BuildError

BOM = "\ufeff"
# Characters that Python's str.splitlines() (and so TOML's and markdown's line counts) would take
# for a line break, though no editor shows one: refused so that every line number stays true.
HIDDEN_BREAKS = {"\u2028": "a line separator", "\u2029": "a paragraph separator"}
# Unicode's control characters (category Cc) but tab and newline, and the hidden breaks.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def read_source(path, what="file"):
    """Return the text of path, or raise BuildError at the line of what makes it unreadable."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise BuildError(f"file not found: the {what} must be at this path", path) from None
    except IsADirectoryError:
        raise BuildError(f"is a folder: the {what} must be a text file", path) from None
    except OSError as error:
        raise BuildError(f"cannot read: {error.strerror}; make it a readable file", path) from None
    return decode_source(data, path)


def decode_source(data, path):
    """Decode bytes as UTF-8 source text with \\n newlines, or raise BuildError with the line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        line_start = data.rfind(b"\n", 0, error.start) + 1
        column = len(data[line_start : error.start].decode("utf-8", errors="replace")) + 1
        raise BuildError(
            f"column {column}: byte 0x{data[error.start]:02x} is not UTF-8 text "
            f"({error.reason}); save the file as UTF-8 (your editor's encoding setting)",
            path,
            line,
        ) from None
    text = text.removeprefix(BOM).replace("\r\n", "\n").replace("\r", "\n")
    check_characters(text, path)
    return text


def check_characters(text, path, first_line=1):
    """Raise BuildError at the first control character (other than tab and newline) in text."""
    found = FORBIDDEN.search(text)
    if found is None:
        return
    char = found.group()
    number = first_line + text.count("\n", 0, found.start())
    column = found.start() - text.rfind("\n", 0, found.start())
    if char in HIDDEN_BREAKS:
        what = f"{HIDDEN_BREAKS[char]} (U+{ord(char):04X}) is an invisible line break"
        advice = "replace it with a newline or a space"
    else:
        what = f"control character U+{ord(char):04X} ({_control_name(char)})"
        advice = "delete it (most editors do not show it)"
    raise BuildError(f"column {column}: {what}; {advice}", path, number)


def _control_name(char):
    """Name a control character, e.g. NUL or ESC."""
    names = {0: "NUL", 8: "backspace", 11: "vertical tab", 12: "form feed", 27: "ESC", 127: "DEL"}
    return names.get(ord(char), "a control code")
