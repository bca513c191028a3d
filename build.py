#!/usr/bin/env python3
"""Build the Policy Gradients explainer into dist/, or serve it with live rebuilds.

    python build.py                   build dist/
    python build.py --out DIR         build into DIR instead
    python build.py --serve [--port N]  build, serve on 127.0.0.1, rebuild and reload on edits
    python build.py --debug ...       on an internal error, print the whole traceback

The stages live in sitebuild/: gather (read and check every input), render (make every file in
memory), write (swap the new site into place). Every failure ends the build with one line (the
file and line where there is one, and what to do), exit status 1, and the previous site left
untouched.
"""

import argparse
import sys
import traceback
from pathlib import Path

from sitebuild import BuildError, describe_failure
from sitebuild.gather import gather
from sitebuild.manifest import recover_interrupted
from sitebuild.render import render
from sitebuild.runtime import cache_dir
from sitebuild.write import check_output_location, write_site

ROOT = Path(__file__).resolve().parent


def build(root, out, live_reload=False):
    """Build the site from the project at root into the folder out."""
    check_output_location(out, root)
    recover_interrupted(out)  # a build killed mid-swap: put its old site back, clear its staging
    # Gather: read and validate the article, templates, assets, widget settings, runtime, wheel.
    sources = gather(root, cache_dir())
    # Render: every file of the site, in memory.
    files = render(sources, live_reload=live_reload)
    # Write: into a fresh folder beside out, with its manifest, swapped into place.
    write_site(files, out)
    return files


def report(error, root=ROOT):
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


def parse_args(argv):
    """Parse the command line."""
    parser = _Parser(prog="build.py", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "dist",
        help="output folder (default: dist/ beside build.py)",
    )
    parser.add_argument(
        "--serve",
        action="store_true",
        help="serve the site on 127.0.0.1 and rebuild when sources change",
    )
    parser.add_argument(
        "--port", type=port_number, default=8000, help="port for --serve (default 8000)"
    )
    parser.add_argument(
        "--debug", action="store_true", help="print the traceback of an internal error"
    )
    return parser.parse_args(argv)


def main(argv=None):
    """Run the command line; return the exit status."""
    args = parse_args(argv)
    try:
        if args.serve:
            from sitebuild.serve import serve

            check_output_location(args.out, ROOT)
            return serve(
                lambda: build(ROOT, args.out, live_reload=True),
                ROOT,
                args.out,
                args.port,
                report,
                debug=args.debug,
            )
        build(ROOT, args.out)
    except BuildError as error:
        print(report(error), file=sys.stderr)
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


if __name__ == "__main__":
    sys.exit(main())
