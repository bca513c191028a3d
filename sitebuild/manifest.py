"""The output folder's manifest: proof that build.py made a folder, so that it may replace it.

Every build writes MANIFEST into the site, listing each of its files with size and sha256. A
later build replaces an existing, non-empty folder only if the folder holds exactly those files,
unchanged: a folder without a manifest (someone's docs/, a site from another tool) or with a file
added, changed or removed since (an edit made in dist/) is refused, and nothing in it changes.

Staging folders beside the output (.NAME-new-*, .NAME-old-*, see write.py) are ours by name: a
build killed between its renames can leave them, and the next build puts the old site back if
the output is missing, then removes them.
"""

import hashlib
import json
import shutil

from . import BuildError

MANIFEST = ".pgsite-manifest.json"
GENERATOR = "pgsite build.py"


def manifest_bytes(digests):
    """Return the manifest for {relative path: (size, sha256)}."""
    files = {name: {"size": size, "sha256": sha} for name, (size, sha) in sorted(digests.items())}
    return (json.dumps({"generator": GENERATOR, "files": files}, indent=1) + "\n").encode()


def digest(data):
    """Return (size, sha256) of bytes."""
    return len(data), hashlib.sha256(data).hexdigest()


def check_replaceable(out):
    """Raise BuildError unless out is missing, empty, or exactly a site this generator wrote."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise BuildError("the output is a file, not a folder: choose another --out", out)
    if not out.exists() or not any(out.iterdir()):
        return
    listed = read_manifest(out)
    for path in sorted(out.rglob("*")):
        name = path.relative_to(out).as_posix()
        if path.is_symlink() or not (path.is_dir() or path.is_file()):
            _refuse(out, f"{name} is not a plain file or folder")
        if path.is_dir():
            if not any(file.startswith(name + "/") for file in listed):
                _refuse(out, f"the folder {name}/ is not part of the site")
            continue
        if name == MANIFEST:
            continue
        if name not in listed:
            _refuse(out, f"{name} is not part of the site")
        size, sha = listed[name]
        if path.stat().st_size != size or _sha256_file(path) != sha:
            _refuse(out, f"{name} was changed after the build")
    for name in listed:
        if not (out / name).is_file():
            _refuse(out, f"{name} is missing")


def read_manifest(out):
    """Return {name: (size, sha256)} from out's manifest, or raise BuildError if it has none."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        files = data["files"]
        return {name: (entry["size"], entry["sha256"]) for name, entry in files.items()}
    except FileNotFoundError:
        raise BuildError(
            "the output folder holds files but no site from build.py (it has no "
            f"{MANIFEST}), and a build replaces the whole folder: choose a new or empty folder "
            "for --out, or move those files away yourself",
            out,
        ) from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        _refuse(out, f"its {MANIFEST} is not one build.py wrote")


def _refuse(out, why):
    """Raise the BuildError for a folder that is not (or no longer) exactly a built site."""
    raise BuildError(
        f"the output folder is not a site as build.py left it ({why}), and a build replaces the "
        "whole folder: keep what you need from it, then delete it or choose another --out",
        out,
    )


def _sha256_file(path):
    """Return the hex sha256 of a file."""
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def staging_folders(out, kind):
    """Return the staging folders of a kind ('new' or 'old') beside out, oldest first."""
    folders = [p for p in out.parent.glob(f".{out.name}-{kind}-*") if p.is_dir()]
    return sorted(folders, key=lambda p: p.stat().st_mtime_ns)


def recover_interrupted(out):
    """Put back the site a killed build moved aside, and remove stale staging folders."""
    if not out.parent.is_dir():
        return
    old = staging_folders(out, "old")
    if not out.exists() and old:
        old[-1].rename(out)  # the last complete site: a kill came between the two renames
        old = old[:-1]
    for folder in [*old, *staging_folders(out, "new")]:
        shutil.rmtree(folder, ignore_errors=True)
