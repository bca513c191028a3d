#!/usr/bin/env python3
"""Build the Machine Learning, Visualized series into dist/, check it, or serve it while editing.

    python3 build.py                   build dist/
    python3 build.py --out DIR         build into DIR instead
    python3 build.py --check           gather, render and check everything; write nothing
    python3 build.py --serve [--port N]  serve on 127.0.0.1, rebuild and update the page on edits
    python3 build.py --debug ...       on an internal error, print the whole traceback

Any Python 3 may start it: without Python >= 3.12 and the site's packages it runs itself again
in the project's .venv if there is one, and otherwise says in one line how to make one. The
command line is sitebuild/cli.py; the stages (gather, render, write) are sitebuild/'s modules.
"""

import sys
from pathlib import Path

from sitebuild.environment import ensure_environment

ROOT = Path(__file__).resolve().parent


def main(argv=None):
    """Run the command line (in a Python that can build the site); return the exit status."""
    ensure_environment(ROOT, sys.argv[1:] if argv is None else argv)
    from sitebuild.cli import run  # after the check: it needs the site's packages

    return run(ROOT, argv)


if __name__ == "__main__":
    sys.exit(main())
