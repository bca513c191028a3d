"""Stage three: put the rendered files in place, all at once or not at all.

The site is written into a fresh folder beside the output folder and then swapped in by renaming,
so a build that fails, or is interrupted, leaves the previous site exactly as it was.
"""

import os
import shutil
import tempfile
from pathlib import Path


def write_site(files, out):
    """Write {relative path: bytes or source file} as the folder out, replacing it atomically."""
    out = Path(out)
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
