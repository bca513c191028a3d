"""build.py's command line: build dist/, check the sources without writing, or serve while editing.

    python3 build.py                   build dist/
    python3 build.py --out DIR         build into DIR instead
    python3 build.py --check           gather, render and check everything; write nothing
    python3 build.py --serve [--port N]  serve on 127.0.0.1, rebuild and update the page on edits
    python3 build.py --debug ...       on an internal error, print the whole traceback

The stages live in sitebuild/: gather (read and check every input), render (make every file in
memory), write (swap the new site into place). Every failure ends the build with one line (the
file and line where there is one, and what to do), exit status 1, and the previous site left
untouched.
"""

import argparse
import sys
import traceback
from pathlib import Path

from . import BuildError, describe_failure
from .gather import gather
from .manifest import recover_interrupted
from .render import render
from .runtime import cache_dir
from .write import check_output_location, write_site


def build(root, out, live_reload=False):
    """Build the site from the project at root into the folder out; return its files."""
    check_output_location(out, root)
    recover_interrupted(out)  # a build killed mid-swap: put its old site back, clear its staging
    sources, files = make(root, live_reload)
    # Write: into a fresh folder beside out, with its manifest, swapped into place.
    write_site(files, out)
    return files


def make(root, live_reload=False, memo=None):
    """Gather and render the site in memory; return (sources, files). Nothing is written.

    memo: a dict kept across builds to re-render only the pages whose inputs changed.
    """
    # Gather: the series, its articles and figures, templates, assets, runtime, wheel.
    sources = gather(root, cache_dir())
    # Render: every file of the site, checked, in memory.
    files = render(sources, live_reload=live_reload, memo=memo)
    for note in sources.notes:  # after a failure, only the error's one line
        print(f"build.py: note: {note}", file=sys.stderr)
    return sources, files


def report(error, root=None):
    """Format a BuildError as the command line's one-line message."""
    where = error.where(root)
    message = " ".join(error.message.split())  # one line, whatever the message quotes
    return f"build.py: error: {where}: {message}" if where else f"build.py: error: {message}"


class _Parser(argparse.ArgumentParser):
    """An argument parser whose mistakes are one line and exit status 1, like every failure."""

    def error(self, message):
        """Print the mistake in one line and exit 1."""
        self.exit(1, f"build.py: error: {message} (see build.py --help)\n")


def port_number(text):
    """Parse a TCP port, 0 (any free port) to 65535."""
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text} is not a port: use a number from 0 to 65535")
    return port


def parse_args(root, argv):
    """Parse the command line."""
    parser = _Parser(prog="build.py", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--out", type=Path, help="output folder (default: dist/ beside build.py; not with --serve)"
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--check",
        action="store_true",
        help="read, render and check every page as a build does, but write nothing",
    )
    mode.add_argument(
        "--serve",
        action="store_true",
        help="serve the site from memory on 127.0.0.1 and update it when sources change "
        "(writes no folder)",
    )
    parser.add_argument(
        "--port", type=port_number, default=8000, help="port for --serve (default 8000)"
    )
    parser.add_argument(
        "--debug", action="store_true", help="print the traceback of an internal error"
    )
    return parser.parse_args(argv)


def run(root, argv=None):
    """Run the command line for the project at root; return the exit status."""
    args = parse_args(root, argv)
    try:
        if args.serve:
            from .serve import serve

            if args.out is not None:
                print(
                    "build.py: note: --serve keeps the site in memory and writes no folder; "
                    "--out is not used",
                    file=sys.stderr,
                )
            memo = {}
            return serve(
                lambda: make(root, live_reload=True, memo=memo), root, args.port, report, args.debug
            )
        if args.check:
            _, files = make(root)
            pages = sum(name.endswith(".html") for name in files)
            print(f"build.py: checked {pages} pages; nothing written")
            return 0
        args.out = args.out or root / "dist"
        build(root, args.out)
    except BuildError as error:
        print(report(error, root), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("build.py: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # a bug, not a mistake in the inputs: one line unless --debug
        if args.debug:
            traceback.print_exc()
        print(describe_failure(error), file=sys.stderr)
        return 1
    print(f"build.py: built {args.out}")
    return 0
