"""The code figure's editor: CodeMirror 6 bundled by esbuild into one classic script.

site_templates/editor/ holds entry.js and the npm manifest and lock that pin every package to an
exact version, esbuild and its platform binaries included. The packages are installed once with
`npm ci --ignore-scripts` into the cache (never into the source tree), in a folder named by the
lock's sha256; the lock's own esbuild binary then bundles entry.js into one minified IIFE, cached
by a hash of the lock, entry.js and the flags. Once both are cached the build needs no network
and no npm, and equal inputs give equal bytes.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from . import BuildError

EDITOR = Path("site_templates") / "editor"
ENTRY = "entry.js"
MANIFEST = "package.json"
LOCK = "package-lock.json"

# One classic script (an IIFE that sets window.pgEditor), minified, without a source map. Errors
# only, without colour, so a failure's message and location can be read from stderr.
ESBUILD_FLAGS = ("--bundle", "--format=iife", "--minify", "--log-level=error", "--color=false")

EXACT_VERSION = re.compile(r"^\d+\.\d+\.\d+$")
ESBUILD_LOCATION = re.compile(r"^\s+(\S+?):(\d+):(\d+):\s*$", re.MULTILINE)
NPM_ERROR = re.compile(r"^npm (?:error|ERR!) ?(.*)$", re.MULTILINE)

# npm and esbuild are quick or broken; a registry that neither answers nor refuses must not
# hang the build.
NPM_TIMEOUT_S = 600
ESBUILD_TIMEOUT_S = 120


def build_editor(root, cache):
    """Return the editor bundle of the project at root, built unless the cache holds it."""
    source = root / EDITOR
    lock, entry = check_sources(source)
    key = hashlib.sha256(b"\0".join([lock, entry, " ".join(ESBUILD_FLAGS).encode()])).hexdigest()[
        :16
    ]
    bundle = cache / "editor" / f"editor-{key}.js"
    if bundle.is_file():
        return bundle
    try:
        packages = install_packages(source, lock, cache / "editor")
        bundle_entry(source / ENTRY, packages, bundle)
    except OSError as error:
        raise BuildError(
            f"cannot use the cache folder: {error.strerror or error} ({error.filename}); set "
            "PGSITE_CACHE to a folder you can write, or delete this one",
            cache,
        ) from None
    return bundle


def check_sources(source):
    """Read the lock and entry.js; check package.json pins exact versions that the lock holds."""
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
        lock = (source / LOCK).read_bytes()
        entry = (source / ENTRY).read_bytes()
        locked = json.loads(lock)["packages"][""]
    except FileNotFoundError as error:
        raise BuildError(
            f"{Path(error.filename).name} is missing: restore it from git (the editor needs "
            f"{MANIFEST}, {LOCK} and {ENTRY})",
            error.filename,
        ) from None
    except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError) as error:
        raise BuildError(
            f"cannot read the editor's npm manifest and lock: {error!r}; restore them from git",
            source / LOCK,
        ) from None
    for group in ("dependencies", "devDependencies"):
        for name, version in manifest.get(group, {}).items():
            if not EXACT_VERSION.match(version):
                raise BuildError(
                    f"{group} pins {name} to {version!r}, not an exact version: write one "
                    "x.y.z so every build bundles the same code",
                    source / MANIFEST,
                )
        if manifest.get(group, {}) != locked.get(group, {}):
            raise BuildError(
                f"{group} differ from {LOCK}'s: run `npm install --package-lock-only "
                f"--ignore-scripts` in {EDITOR.as_posix()} and commit both files",
                source / MANIFEST,
            )
    return lock, entry


def install_packages(source, lock, editor_cache):
    """Return the folder whose node_modules holds the lock's packages, installed once by npm ci."""
    folder = editor_cache / f"packages-{hashlib.sha256(lock).hexdigest()[:16]}"
    if (folder / "node_modules").is_dir():
        return folder
    npm = shutil.which("npm")
    if npm is None:
        raise BuildError(
            f"npm not found, and the editor's packages are not in the cache ({folder}): install "
            "Node.js (npm) so the build can install them once",
            source / LOCK,
        )
    editor_cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=editor_cache, prefix=".install-") as scratch:
        packages = Path(scratch) / "packages"
        packages.mkdir()
        shutil.copy2(source / MANIFEST, packages / MANIFEST)
        shutil.copy2(source / LOCK, packages / LOCK)
        # No install scripts run (esbuild's only checks its binary); --include keeps dev and
        # optional packages, where esbuild and its platform binary live, whatever npm's config.
        command = [npm, "ci", "--ignore-scripts", "--include=dev", "--include=optional"]
        command += ["--no-audit", "--no-fund", "--loglevel=error"]
        result = run(command, packages, NPM_TIMEOUT_S)
        if result.returncode != 0:
            raise BuildError(
                f"`npm ci` of the editor's packages failed: {npm_error(result)}; check the "
                f"network and npm's registry settings, then build again",
                source / LOCK,
            )
        try:
            packages.rename(folder)
        except OSError:
            if not (folder / "node_modules").is_dir():  # else a parallel build installed it
                raise
    return folder


def bundle_entry(entry, packages, bundle):
    """Bundle entry.js with the lock's esbuild into bundle (atomically)."""
    esbuild = esbuild_binary(packages, entry.parent / LOCK)
    # entry.js is bundled from beside node_modules so that imports resolve to the locked
    # packages only, never to a node_modules folder that happens to sit above the source tree.
    with tempfile.TemporaryDirectory(dir=packages, prefix=".bundle-") as scratch:
        shutil.copy2(entry, Path(scratch) / ENTRY)
        result = run([esbuild, ENTRY, f"--outfile={bundle.name}", *ESBUILD_FLAGS], scratch)
        if result.returncode != 0:
            raise esbuild_error(result, entry)
        os.replace(Path(scratch) / bundle.name, bundle)


def esbuild_binary(packages, lock):
    """Return the esbuild binary npm ci picked from the lock's @esbuild/<platform> packages."""
    platforms = packages / "node_modules" / "@esbuild"
    binaries = sorted([*platforms.glob("*/bin/esbuild"), *platforms.glob("*/esbuild.exe")])
    if len(binaries) != 1:
        raise BuildError(
            f"npm ci installed {len(binaries)} esbuild binaries in {platforms}, not one: this "
            f"platform may have no @esbuild package in {LOCK}; delete {packages} and build again",
            lock,
        )
    return binaries[0]


def esbuild_error(result, entry):
    """Return the BuildError for esbuild's first error, at its line of entry.js when there."""
    message = next(
        (
            line.partition("[ERROR] ")[2]
            for line in result.stderr.splitlines()
            if "[ERROR] " in line
        ),
        last_words(result),
    )
    location = ESBUILD_LOCATION.search(result.stderr)
    if location and location.group(1) == ENTRY:
        return BuildError(
            f"esbuild cannot bundle the editor: {message}; fix the code on this line",
            entry,
            int(location.group(2)),
        )
    where = f" (in {location.group(1)})" if location else ""
    return BuildError(
        f"esbuild cannot bundle the editor: {message}{where}; check {ENTRY}'s imports against "
        f"the packages in {LOCK}",
        entry,
    )


def run(command, cwd, timeout=ESBUILD_TIMEOUT_S):
    """Run a command quietly; a timeout comes back as a failed run saying so."""
    try:
        return subprocess.run(
            [str(part) for part in command],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(command, 1, "", f"no answer after {timeout} s")


def npm_error(result):
    """Return npm's error code and the first line of its message, else the end of its output."""
    lines = [line.strip() for line in NPM_ERROR.findall(result.stderr)]
    code = next((line.split()[1] for line in lines if line.startswith("code ")), None)
    detail = (
        line for line in lines if line and not line.startswith(("code ", "errno ", "syscall "))
    )
    message = next(detail, None)
    if message is None:
        return last_words(result)
    return f"{code}: {message}"[:400] if code else message[:400]


def last_words(result):
    """Return the end of a failed command's output on one line."""
    return " ".join((result.stderr or result.stdout or "no output").split())[-400:]
