"""The output folder (issue 9): never lose a file that is not ours, never share one with the cache.

A build replaces a folder only if its manifest proves build.py made it and nobody changed it;
outputs inside the sources are refused (for --serve too); a build killed between its steps is
recovered by the next one; dist/ files are copies, and every cached file is checked before use.
"""

import hashlib
import os
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT, build_site
from test_build_errors import ARTICLE, add_to_body, tree_digest
from test_reliability_build import assert_clean_failure, assert_untouched

from sitebuild import BuildError, packs
from sitebuild.manifest import MANIFEST
from sitebuild.runtime import PAGE_FILES, read_runtime_pins
from sitebuild.write import Verified, read_content

PACKAGE, VERSION, PINS = read_runtime_pins(ROOT / "pyproject.toml")


def contents(folder):
    """Map every file under folder to its bytes (and every folder to None)."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in folder.rglob("*")
    }


# -- never lose a file that is not ours -----------------------------------------------------------


def github_pages_docs(folder):
    """Someone's own site: an index.html, a .nojekyll, other files and a subfolder."""
    (folder / "img").mkdir(parents=True)
    (folder / "index.html").write_text("<h1>My site</h1>", encoding="utf-8")
    (folder / ".nojekyll").write_bytes(b"")
    (folder / "notes.md").write_text("years of work", encoding="utf-8")
    (folder / "img" / "me.png").write_bytes(b"\x89PNG")
    return folder


def test_a_folder_that_looks_like_a_site_but_is_not_ours_is_refused(broken, tmp_path):
    docs = github_pages_docs(tmp_path / "docs")
    before = contents(docs)
    result = build_site(broken, docs)
    assert_clean_failure(
        result, f"{docs}: ", f"no site from build.py (it has no {MANIFEST})", "choose a new"
    )
    assert contents(docs) == before


@pytest.mark.parametrize(
    "change, why",
    [
        (lambda dist: (dist / "index.html").write_text("edited", encoding="utf-8"), "changed"),
        (lambda dist: (dist / "mine.txt").write_text("mine", encoding="utf-8"), "not part"),
        (lambda dist: (dist / "drafts").mkdir(), "the folder drafts/ is not part"),
        (lambda dist: (dist / ".nojekyll").unlink(), ".nojekyll is missing"),
        (lambda dist: (dist / MANIFEST).unlink(), "no site from build.py"),
    ],
)
def test_a_built_folder_changed_since_is_refused_and_kept(broken, change, why):
    dist = broken / "dist"
    for path in dist.rglob("*"):  # the fixture hard-links dist/: give the test its own copy
        if path.is_file():
            data = path.read_bytes()
            path.unlink()
            path.write_bytes(data)
    change(dist)
    before = contents(dist)
    result = build_site(broken, dist)
    assert_clean_failure(result, "dist: ", why, "")
    assert "delete it or choose another --out" in result.stderr or "choose a new" in result.stderr
    assert contents(dist) == before


@pytest.mark.parametrize("inside", ["content", "site_templates", "pgcore", "site_templates/x"])
def test_an_output_inside_the_sources_is_refused(broken, inside):
    before = contents(broken / inside.split("/")[0])
    result = build_site(broken, broken / inside / "out")
    name = inside.split("/")[0]
    assert_clean_failure(result, f"{inside}/out: ", f"inside the project's {name}/", "outside it")
    assert contents(broken / name) == before


def test_serve_writes_no_folder_not_even_one_it_is_given(broken):
    before = contents(broken / "dist")
    server = subprocess.Popen(
        [sys.executable, str(broken / "build.py"), "--serve", "--port", "0", "--out", "served"],
        cwd=broken,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = []
        for line in server.stdout:
            lines.append(line)
            if "serving http://" in line:
                break
        assert any("--out is not used" in line for line in lines), lines
        assert any("serving http://127.0.0.1:" in line for line in lines), lines
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert not (broken / "served").exists()
    assert contents(broken / "dist") == before
    assert sorted(p.name for p in broken.iterdir() if p.name.startswith(".dist")) == []


def test_the_project_itself_is_refused_as_output(broken):
    result = build_site(broken, broken)
    assert_clean_failure(result, "", "holds the project itself", "choose a folder of its own")


# -- builds killed between their steps ------------------------------------------------------------


def killed_between_renames(broken):
    """Leave what a kill between `dist -> .dist-old-*` and `.dist-new-* -> dist` leaves."""
    dist = broken / "dist"
    site = tree_digest(dist)
    dist.rename(broken / ".dist-old-k1ll3d")
    (broken / ".dist-new-h4lfw4y" / "assets").mkdir(parents=True)
    (broken / ".dist-new-h4lfw4y" / "index.html").write_text("half", encoding="utf-8")
    return site


def test_the_next_build_restores_the_site_a_kill_moved_aside(broken):
    site = killed_between_renames(broken)
    line = add_to_body(broken, "So $\\nablaa$ fails.")  # even a failing build restores it
    result = build_site(broken, broken / "dist")
    assert_clean_failure(result, f"{ARTICLE}:{line}: ", "unknown LaTeX command", "")
    assert_untouched(broken / "dist", site)


def test_the_next_build_clears_stale_staging_folders(broken):
    (broken / ".dist-new-st4le").mkdir()
    (broken / ".dist-old-st4le" / "x").mkdir(parents=True)
    result = build_site(broken, broken / "dist")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in broken.iterdir() if p.name.startswith(".dist")) == []


def test_git_ignores_the_staging_folders():
    for name in (".dist-new-abc123", ".dist-old-abc123"):
        ignored = subprocess.run(["git", "-C", str(ROOT), "check-ignore", "-q", name], check=False)
        assert ignored.returncode == 0, f"{name} is not in .gitignore"


# -- the cache: copied, never linked; verified before use -----------------------------------------


def test_no_file_of_the_site_shares_an_inode_with_the_cache(project, runtime_dir):
    dist = project / "dist"
    cache = {(s.st_dev, s.st_ino) for s in map(os.stat, runtime_dir.parent.rglob("*"))}
    for path in dist.rglob("*"):
        if path.is_file():
            stat = path.stat()
            assert (stat.st_dev, stat.st_ino) not in cache, path
    for name in PAGE_FILES:  # the runtime ships as packs, copied from the cache's
        (pack,) = (dist / "assets" / "runtime").glob(f"{name}.*.js")
        (cached,) = (runtime_dir.parent / "packs").glob(
            f"{name}.{PINS[name][:16]}.{packs.FORMAT}.js"
        )
        assert pack.read_bytes() == cached.read_bytes()


@pytest.fixture
def private_cache(runtime_dir, tmp_path):
    """A cache of its own: the runtime copied in, the wheel built by the first build."""
    cache = tmp_path / "cache"
    shutil.copytree(runtime_dir, cache / runtime_dir.name)
    return cache


def test_an_edit_in_dist_never_reaches_the_cached_wheel(broken, private_cache):
    env = {**os.environ, "PGSITE_CACHE": str(private_cache)}
    out = broken.parent / "site"
    assert build_site(broken, out, env=env).returncode == 0
    (shipped,) = out.glob("assets/runtime/pgcore-*.js")
    (cached,) = (private_cache / "wheels").glob("*/*.whl")
    original = cached.read_bytes()
    with open(shipped, "r+b") as wheel:  # in place, as an editor or a script would
        wheel.write(b"altered")
    assert cached.read_bytes() == original
    result = build_site(broken, out, env=env)
    assert_clean_failure(result, "", "was changed after the build", "")


def test_a_truncated_cached_wheel_is_one_line_saying_to_delete_it(broken, private_cache):
    env = {**os.environ, "PGSITE_CACHE": str(private_cache)}
    assert build_site(broken, broken.parent / "first", env=env).returncode == 0
    (cached,) = (private_cache / "wheels").glob("*/*.whl")
    data = cached.read_bytes()
    cached.unlink()
    cached.write_bytes(data[: len(data) // 2])
    before = tree_digest(broken / "dist")
    result = build_site(broken, broken / "dist", env=env)
    assert_clean_failure(
        result,
        f"{cached}: ",
        "the cached pgcore wheel is corrupt",
        f"delete the folder {cached.parent} and build again",
    )
    assert_untouched(broken / "dist", before)


def test_a_cached_file_that_changes_after_its_check_is_not_shipped(tmp_path):
    cached = tmp_path / "pyodide.js"
    cached.write_bytes(b"checked")
    checked = Verified(cached, hashlib.sha256(b"checked").hexdigest(), "delete it")
    assert read_content(checked) == b"checked"
    cached.write_bytes(b"swapped")
    with pytest.raises(BuildError, match="changed after it was checked.*delete it"):
        read_content(checked)
