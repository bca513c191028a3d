"""The site generator behind build.py, split along its stages: gather, render, write.

cli.py is the command line (environment.py first makes sure the Python can build). gather.py reads
and validates every input: series.py the series (site.toml, the articles' slugs and volumes),
textfile.py the author's text, frontmatter.py the front matter's schema, figures.py the figure
blocks, ids.py section ids; runtime.py fetches and checks the pinned Pyodide runtime and builds
the pgcore wheel. render.py turns the inputs into the site's files in memory: pages.py says what
each template gets, prose.py, markup.py, extensions.py and lines.py make markdown and LaTeX into
HTML with source lines, svg.py, png.py and social.py draw scenes, feeds.py makes the feed, the
sitemap and the sharing cards, and marks.py, checks.py and sanitize.py check each page as a
browser parses it. write.py puts the files in place atomically (manifest.py: only over a folder
it made); serve.py and httpd.py serve the site from memory while you edit; reference.py writes
the README's tables from the code's declarations.
"""

from pathlib import Path


class BuildError(Exception):
    """A mistake in the site's inputs, with the file and (where it has one) the line it concerns."""

    def __init__(self, message, file=None, line=None):
        super().__init__(message)
        self.message, self.file, self.line = message, file, line

    def where(self, root=None):
        """Return 'file:line' for messages, the file relative to root when it lies inside it."""
        if self.file is None:
            return ""
        file = Path(self.file)
        if root is not None and file.is_absolute() and file.is_relative_to(root):
            file = file.relative_to(root)
        return f"{file.as_posix()}:{self.line}" if self.line else file.as_posix()

    def __str__(self):
        where = self.where()
        return f"{where}: {self.message}" if where else self.message


REPORT_BUG = "this is a bug in build.py: run it again with --debug and report the traceback"


def describe_failure(error):
    """Return the one-line message for an exception that is not a BuildError (a bug, mostly)."""
    if isinstance(error, RecursionError):
        return (
            f"build.py: error: an input is nested too deeply to build; flatten it, or {REPORT_BUG}"
        )
    if isinstance(error, MemoryError):
        return "build.py: error: out of memory; close other programs or simplify the input"
    detail = " ".join(f"{type(error).__name__}: {error}".split())[:200]
    return f"build.py: error: internal error ({detail}); {REPORT_BUG}"
