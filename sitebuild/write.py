"""Stage three: put the rendered files in place, all at once or not at all.

The site is written into a fresh folder beside the output folder, with a manifest of every file
(manifest.py), and then swapped in by renaming, so a build that fails, or is interrupted, leaves
the previous site exactly as it was. The swap replaces the whole output folder, so it must be
new, empty or a site this generator wrote and nobody changed since; and it may not lie inside
the project's sources. Files from the cache are copied (never hard-linked: an edit in the output
must not reach the cache) and checked against their sha256 as they are copied.
"""

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import BuildError
from .manifest import MANIFEST, check_replaceable, digest, manifest_bytes, recover_interrupted

# The project's own folders: an output inside one would overwrite sources (or, under --serve,
# rebuild forever on its own writes).
SOURCE_FOLDERS = ("content", "site_templates", "pgcore", "sitebuild", "tests", "bench", ".git")


@dataclass(frozen=True)
class Verified:
    """A file to copy into the site that must still have the sha256 it was checked with."""

    path: Path
    sha256: str
    advice: str  # what to do if it changed, e.g. "delete the folder ... and build again"


def check_output_location(out, root):
    """Refuse an output folder that holds the project or lies inside one of its sources."""
    out, root = Path(out).resolve(), Path(root).resolve()
    if root.is_relative_to(out):
        raise BuildError(
            "the output folder holds the project itself, and a build replaces the whole "
            "folder: choose a folder of its own for --out, e.g. dist",
            out,
        )
    for name in SOURCE_FOLDERS:
        if out.is_relative_to(root / name):
            raise BuildError(
                f"the output folder is inside the project's {name}/, whose files are sources "
                "(and --serve would rebuild on its own writes): choose a folder outside it, "
                "e.g. dist",
                out,
            )


def write_site(files, out):
    """Write {relative path: bytes, Path or Verified} as the folder out, replacing it atomically."""
    out = Path(out)
    try:
        recover_interrupted(out)
        check_replaceable(out)
        stage_and_swap(files, out)
    except OSError as error:
        where = f" ({error.filename})" if error.filename else ""
        raise BuildError(
            f"cannot write the site: {error.strerror or error}{where}; choose another --out or "
            "make its parent folder writable (the previous site is untouched)",
            out,
        ) from None


def stage_and_swap(files, out):
    """Write the files and their manifest into a fresh folder beside out, then swap it in."""
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-", dir=out.parent))
    try:
        stage.chmod(0o755)
        digests = {}
        for name, content in sorted(files.items()):
            target = stage / name
            target.parent.mkdir(parents=True, exist_ok=True)
            data = read_content(content)
            target.write_bytes(data)
            digests[name] = digest(data)
        (stage / MANIFEST).write_bytes(manifest_bytes(digests))
        swap_in(stage, out)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def read_content(content):
    """Return the bytes of one file of the site; a Verified file must match its sha256."""
    if isinstance(content, bytes):
        return content
    if isinstance(content, Verified):
        data = content.path.read_bytes()
        if digest(data)[1] != content.sha256:
            raise BuildError(
                f"the cached file changed after it was checked (sha256 mismatch); {content.advice}",
                content.path,
            )
        return data
    return Path(content).read_bytes()


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
