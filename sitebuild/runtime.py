"""What the page runs: the pinned Pyodide runtime, the pgcore wheel and the lock file naming it.

The runtime comes from one npm release (pyproject's [tool.pgsite.runtime]), fetched once with
`npm pack` into a cache and checked file by file against the sha256 pins on every build. The wheel
is built from this repository through PEP 517 (pypa/build, no isolation, no network) and cached
by a hash of its sources. The lock is the runtime's own pyodide-lock.json with pgcore added by
pyodide-lock's add_wheels_to_spec (what `pyodide lockfile add-wheels` runs), then trimmed to the
packages the page loads.
"""

import contextlib
import functools
import hashlib
import importlib.machinery
import importlib.util
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from . import BuildError

# The files of the npm package the page needs: the loader, the Emscripten module, the
# interpreter and the standard library. The lock is ours (see make_lock), so pyodide-lock.json
# stays in the cache as the lock's source.
PAGE_FILES = ("pyodide.js", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
LOCK_FILE = "pyodide-lock.json"

# Zip timestamps of the wheel (1980-01-01, the earliest a zip can hold), so equal sources give
# equal wheels and equal hashed URLs.
SOURCE_DATE_EPOCH = "315532800"


@dataclass(frozen=True)
class Runtime:
    """The verified runtime in the cache: its folder, version and the files' sha256 pins."""

    folder: Path
    package: str
    version: str
    pins: dict


def read_runtime_pins(pyproject):
    """Read [tool.pgsite.runtime] from pyproject.toml: (package, version, sha256 pins)."""
    try:
        table = tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["pgsite"]["runtime"]
        package, version, pins = table["package"], table["version"], table["sha256"]
    except (OSError, KeyError, tomllib.TOMLDecodeError) as error:
        raise BuildError(
            f"cannot read [tool.pgsite.runtime] (package, version, sha256): {error!r}; restore "
            "that table in pyproject.toml",
            pyproject,
        ) from None
    for name in (*PAGE_FILES, LOCK_FILE):
        if name not in pins:
            raise BuildError(
                f"[tool.pgsite.runtime.sha256] has no pin for {name}: add its sha256 (of the "
                "file in the npm release) there",
                pyproject,
            )
    return package, version, pins


def cache_dir():
    """Return the cache folder: $PGSITE_CACHE, else ~/.cache/pgsite."""
    return Path(os.environ.get("PGSITE_CACHE") or Path.home() / ".cache" / "pgsite")


def ensure_runtime(pyproject, cache):
    """Fetch the pinned runtime into the cache unless there, then check every pinned file."""
    package, version, pins = read_runtime_pins(pyproject)
    folder = cache / f"{package}-{version}"
    if not folder.is_dir():
        fetch_runtime(package, version, folder)
    for name, expected in pins.items():
        file = folder / name
        if not file.is_file():
            raise BuildError(
                f"the cached runtime lacks {name}; delete the folder {folder} and "
                "build again to fetch it afresh",
                file,
            )
        if sha256_file(file) != expected:
            raise BuildError(
                f"sha256 mismatch for the cached runtime file (corrupt or altered); "
                f"delete the folder {folder} and build again",
                file,
            )
    return Runtime(folder, package, version, pins)


def fetch_runtime(package, version, folder):
    """Fetch one npm release with `npm pack` and unpack it as folder (atomically)."""
    npm = shutil.which("npm")
    if npm is None:
        raise BuildError(
            f"npm not found, and no cached runtime in {folder}: install Node.js "
            f"(npm) so the build can fetch {package}@{version} once"
        )
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.parent, prefix=".fetch-") as scratch:
        result = subprocess.run(
            [npm, "pack", f"{package}@{version}", "--pack-destination", scratch, "--silent"],
            capture_output=True,
            text=True,
            check=False,
        )
        tarballs = list(Path(scratch).glob("*.tgz"))
        if result.returncode != 0 or len(tarballs) != 1:
            output = " ".join((result.stderr or result.stdout).split())[-400:]
            raise BuildError(
                f"`npm pack {package}@{version}` failed: {output}; check the network and npm's "
                f"registry settings, then build again (or unpack the release into {folder})"
            )
        unpacked = Path(scratch) / "unpacked"
        with tarfile.open(tarballs[0]) as tar:
            tar.extractall(unpacked, filter="data")
        (unpacked / "package").rename(folder)


def build_wheel(root, cache):
    """Return the pgcore wheel, built through PEP 517 unless the cache has one for these sources.

    A cached wheel is used only if it still has the sha256 recorded beside it when it was built.
    """
    key = hash_sources(root)
    folder = cache / "wheels" / key
    wheels = sorted(folder.glob("*.whl")) if folder.is_dir() else []
    if wheels:
        check_cached_wheel(wheels[0], folder)
        return wheels[0]
    import pyproject_hooks

    def runner(cmd, cwd=None, extra_environ=None):
        """Run the backend quietly with a fixed SOURCE_DATE_EPOCH."""
        env = {**(extra_environ or {}), "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
        pyproject_hooks.quiet_subprocess_runner(cmd, cwd, env)

    (cache / "wheels").mkdir(parents=True, exist_ok=True)
    with (
        pypa_build() as build,
        tempfile.TemporaryDirectory(dir=cache / "wheels", prefix=".build-") as scratch,
    ):
        try:
            builder = build.ProjectBuilder(root, runner=runner)
            missing = builder.check_dependencies("wheel")
            if missing:
                raise BuildError(
                    f"cannot build the pgcore wheel, missing {sorted(missing)}: "
                    "install the site group (pip install --group site)",
                    root / "pyproject.toml",
                )
            built = Path(builder.build("wheel", Path(scratch) / key))
        except build.BuildException as error:
            raise BuildError(
                f"the pgcore wheel does not build: {error}", root / "pyproject.toml"
            ) from None
        except build.BuildBackendException as error:
            detail = getattr(error.exception, "output", b"") or b""  # the backend's stderr
            if isinstance(detail, bytes):
                detail = detail.decode(errors="replace")
            last = detail.strip().splitlines()[-1:] or [str(error)]  # the backend's own error
            raise BuildError(
                f"the pgcore wheel does not build: {last[0]}", root / "pyproject.toml"
            ) from None
        checksum(built).write_text(sha256_file(built) + "\n", encoding="ascii")
        built.parent.rename(folder)
    return folder / built.name


def checksum(wheel):
    """Return the file beside a cached wheel that records its sha256."""
    return wheel.with_name(wheel.name + ".sha256")


def check_cached_wheel(wheel, folder):
    """Raise BuildError unless the cached wheel has the sha256 recorded when it was built."""
    try:
        recorded = checksum(wheel).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        recorded = None
    if recorded != sha256_file(wheel):
        raise BuildError(
            "the cached pgcore wheel is corrupt (truncated or altered since it was built): "
            f"delete the folder {folder} and build again",
            wheel,
        )


@contextlib.contextmanager
def pypa_build():
    """Import pypa/build as `build`, which this project's own build.py shadows on sys.path."""
    ours = sys.modules.get("build")
    if ours is not None and hasattr(ours, "ProjectBuilder"):
        yield ours
        return
    path = [entry for entry in sys.path if not (Path(entry or ".") / "build.py").is_file()]
    spec = importlib.machinery.PathFinder.find_spec("build", path)
    if spec is None:
        raise BuildError("pypa/build is not installed: pip install --group site")
    module = importlib.util.module_from_spec(spec)
    sys.modules["build"] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        if ours is not None:
            sys.modules["build"] = ours


def hash_sources(root):
    """Hash what the wheel is made of: pgcore/, pyproject.toml and the README it embeds."""
    digest = hashlib.sha256(b"pgsite wheel cache 2: with a recorded sha256\0")
    files = [
        p
        for p in sorted((root / "pgcore").rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    ]
    files += [root / "pyproject.toml", root / "README.md"]
    for file in files:
        if file.is_file():
            digest.update(file.relative_to(root).as_posix().encode() + b"\0")
            digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def make_lock(runtime, wheel, base_url):
    """Return the page's lock: the runtime's lock plus the wheel under base_url, trimmed to pgcore.

    base_url is the wheel's folder relative to the lock's own URL, which is where Pyodide resolves
    a relative file_name (its packageBaseUrl defaults to the lock's folder).
    """
    return _make_lock(runtime.folder / LOCK_FILE, wheel, base_url)


@functools.cache  # its inputs are content-addressed: a pinned lock, a wheel named by its sources
def _make_lock(lock_file, wheel, base_url):
    """Add the wheel to the lock file and trim it (see make_lock)."""
    from pyodide_lock import PyodideLockSpec
    from pyodide_lock.utils import add_wheels_to_spec

    spec = PyodideLockSpec.from_json(lock_file)
    spec = add_wheels_to_spec(spec, [wheel], base_path=wheel.parent, base_url=base_url)
    lock = spec.to_dict()
    wanted = dependency_closure(lock["packages"], "pgcore")
    lock["packages"] = {name: entry for name, entry in lock["packages"].items() if name in wanted}
    return lock


def dependency_closure(packages, name):
    """Return name and every package it depends on, transitively, in the lock's packages."""
    wanted, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current not in wanted:
            wanted.add(current)
            todo.extend(packages[current].get("depends", []))
    return wanted


def sha256_file(file):
    """Return the hex sha256 of a file."""
    with open(file, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()
