"""Source marks: HTML comments that say which file and line the content around them came from.

The prose renderer puts `open` before each rendered field or section, `at` before each block and
`close` after it; checks.py reads them while it walks the page as a browser parses it, so a
mistake found there is reported at its own line, and a fragment that swallows or escapes the
place it was put in (an unclosed comment or element, a stray end tag) is seen as such. A figure
or other HTML the project itself makes can sit inside content between `trusted` and `untrusted`.
The marks carry a random token, so content cannot forge them, and are removed after the checks.
"""

import re
import secrets


class SourceMarks:
    """Make the marks of one page and read them back."""

    def __init__(self):
        self.token = f"pgsrc-{secrets.token_hex(6)}"
        self.positions = []  # index -> (file, line)

    def _comment(self, what, file=None, line=None):
        """Return the comment for a mark; positions get an index."""
        if file is None:
            return f"<!--{self.token} {what}-->"
        self.positions.append((file, line))
        return f"<!--{self.token} {what} {len(self.positions) - 1}-->"

    def open(self, file, line):
        """Mark the start of a fragment of content from file at line."""
        return self._comment("open", file, line)

    def at(self, file, line):
        """Mark that what follows comes from file at line (the text inside a comment)."""
        return self._comment("at", file, line)[4:-3]

    def close(self):
        """Mark the end of a fragment of content."""
        return self._comment("close")

    def trusted(self, html):
        """Wrap HTML the project makes (not the author) that sits inside content."""
        return f"{self._comment('trusted')}{html}{self._comment('untrusted')}"

    def read(self, comment_text):
        """Return (kind, (file, line) or None) for a mark's comment text, or None if not one."""
        parts = comment_text.split(" ")
        if parts[0] != self.token or len(parts) not in (2, 3):
            return None
        kind = parts[1]
        if len(parts) == 3 and parts[2].isdigit() and int(parts[2]) < len(self.positions):
            return kind, self.positions[int(parts[2])]
        return (kind, None) if len(parts) == 2 else None

    def strip(self, html):
        """Remove every mark from the finished page."""
        return re.sub(f"<!--{self.token} [^>]*-->", "", html)
