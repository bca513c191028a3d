"""Stage three: put the rendered files in place, all at once or not at all.

The site is written into a fresh folder beside the output folder and then swapped in by renaming,
so a build that fails, or is interrupted, leaves the previous site exactly as it was. The swap
replaces the whole output folder, so it must be new, empty or a site this build wrote before.
"""

import os
import shutil
import tempfile
from pathlib import Path

from . import BuildError

# Every site has these files (render.py adds both), so a folder holding one of them is a site.
SITE_MARKS = (".nojekyll", "index.html")


def write_site(files, out):
    """Write {relative path: bytes or source file} as the folder out, replacing it atomically."""
    out = Path(out)
    check_output_folder(out)
    try:
        stage_and_swap(files, out)
    except OSError as error:
        where = f" ({error.filename})" if error.filename else ""
        raise BuildError(
            f"cannot write the site: {error.strerror or error}{where}; choose another --out or "
            "make its parent folder writable (the previous site is untouched)",
            out,
        ) from None


def check_output_folder(out):
    """Refuse an output that is a file, or a folder of something other than a built site."""
    if out.exists() and not out.is_dir():
        raise BuildError("the output is a file, not a folder: choose another --out", out)
    if out.is_dir() and any(out.iterdir()) and not any((out / m).exists() for m in SITE_MARKS):
        raise BuildError(
            "the output folder holds files but no site from build.py, and a build replaces the "
            "whole folder: choose a new or empty folder for --out (or empty this one yourself)",
            out,
        )


def stage_and_swap(files, out):
    """Write the files into a fresh folder beside out, then swap it in."""
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-", dir=out.parent))
    try:
        stage.chmod(0o755)
        for name, content in sorted(files.items()):
            target = stage / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, Path):
                link_or_copy(content, target)
            else:
                target.write_bytes(content)
        swap_in(stage, out)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def swap_in(stage, out):
    """Rename stage to out, moving the previous out aside first and deleting it after."""
    if not out.exists():
        stage.rename(out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
    old.rmdir()
    out.rename(old)
    try:
        stage.rename(out)
    except BaseException:
        old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def link_or_copy(source, target):
    """Hard-link source to target (the runtime is big and never changes), else copy it."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
