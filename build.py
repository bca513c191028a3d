#!/usr/bin/env python3
"""Build the Policy Gradients explainer into dist/, or serve it with live rebuilds.

    python build.py                   build dist/
    python build.py --out DIR         build into DIR instead
    python build.py --serve [--port N]  build, serve on 127.0.0.1, rebuild and reload on edits

The stages live in sitebuild/: gather (read and check every input), render (make every file in
memory), write (swap the new site into place). A mistake in the inputs ends the build with one
line naming the file and line, exit status 1, and the previous site left untouched.
"""

import argparse
import sys
from pathlib import Path

from sitebuild import BuildError
from sitebuild.gather import gather
from sitebuild.render import render
from sitebuild.runtime import cache_dir
from sitebuild.write import write_site

ROOT = Path(__file__).resolve().parent


def build(root, out, live_reload=False):
    """Build the site from the project at root into the folder out."""
    # Gather: read and validate the article, templates, assets, widget settings, runtime, wheel.
    sources = gather(root, cache_dir())
    # Render: every file of the site, in memory.
    files = render(sources, live_reload=live_reload)
    # Write: into a fresh folder beside out, swapped into place.
    write_site(files, out)
    return files


def report(error, root=ROOT):
    """Format a BuildError as the command line's one-line message."""
    where = error.where(root)
    return (
        f"build.py: error: {where}: {error.message}"
        if where
        else f"build.py: error: {error.message}"
    )


def parse_args(argv):
    """Parse the command line."""
    parser = argparse.ArgumentParser(prog="build.py", description=__doc__.split("\n")[0])
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
    parser.add_argument("--port", type=int, default=8000, help="port for --serve (default 8000)")
    return parser.parse_args(argv)


def main(argv=None):
    """Run the command line; return the exit status."""
    args = parse_args(argv)
    if args.serve:
        from sitebuild.serve import serve

        return serve(
            lambda: build(ROOT, args.out, live_reload=True), ROOT, args.out, args.port, report
        )
    try:
        build(ROOT, args.out)
    except BuildError as error:
        print(report(error), file=sys.stderr)
        return 1
    print(f"build.py: built {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
