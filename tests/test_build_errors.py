"""Every bad input ends the build with exit status 1, one line naming file and line, dist/ intact.

Each case edits a copy of the project on the explainer fixture (tests/fixtures/explainer), runs
its build.py in a subprocess, and checks the message and that the previous dist/ is
byte-identical.
"""

import hashlib
import os
import shutil

import pytest
from conftest import build_site

ARTICLE = "content/policy-gradients.md"
PAGE = "site_templates/base.html"
PARTS = "site_templates/figures/_parts.html"


def edit(root, name, old, new):
    """Replace the first old with new in root/name; return the line where new begins."""
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {name}: update this test to the new content"
    start = text.index(old)
    path.write_text(text[:start] + new + text[start + len(old) :], encoding="utf-8")
    return text.count("\n", 0, start) + 1


def removed(root, old):
    """Comment out (or drop the fence line of) old in the article; return True."""
    edit(root, ARTICLE, old, "\n" if old.strip() == "+++" else f"# {old}")
    return True


def first_section_line(root):
    """The line of the article's first `## ` heading."""
    lines = (root / ARTICLE).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if line.startswith("## "))


def add_to_body(root, text):
    """Add a paragraph right after the first section heading; return its line."""
    line = first_section_line(root)
    lines = (root / ARTICLE).read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(line, f"\n{text}\n\n")
    (root / ARTICLE).write_text("".join(lines), encoding="utf-8")
    return line + 2


def after_body_tag(root, text):
    """Add a line to page.html right after <body>; return its line."""
    return edit(root, PAGE, "<body>\n", "<body>\n" + text + "\n") + 1


# Each case breaks the project and returns (file, line or None, words the message must hold).
CASES = {
    "toml syntax": lambda r: (
        ARTICLE,
        edit(r, ARTICLE, "gamma = ", "gamma = = "),
        "not valid TOML",
    ),
    "no closing fence": lambda r: (ARTICLE, 1, removed(r, "\n+++\n") and "no closing"),
    "missing field": lambda r: (ARTICLE, 1, removed(r, "title = ") and "'title'"),
    "wrong type": lambda r: (
        ARTICLE,
        edit(r, ARTICLE, "description = ", "description = 3 #"),
        "description: expected a string",
    ),
    "unknown key": lambda r: (
        ARTICLE,
        edit(r, ARTICLE, "date = ", "colour = 'red'\ndate = "),
        "unknown key 'colour'",
    ),
    "bad figure setting": lambda r: (
        ARTICLE,
        edit(r, ARTICLE, "goal = [0, 2]", "goal = [9, 9]"),
        "figure policy-gradient: goal",
    ),
    "figure setting of the wrong type": lambda r: (
        ARTICLE,
        edit(r, ARTICLE, "rows = 3", 'rows = "3"'),
        "figure policy-gradient: rows",
    ),
    "unknown figure kind": lambda r: (
        ARTICLE,
        edit(r, ARTICLE, "```figure policy-gradient", "```figure spiral"),
        "unknown figure kind 'spiral'",
    ),
    "unknown LaTeX in the body": lambda r: (
        ARTICLE,
        add_to_body(r, r"So $\nablaa J$ is bad."),
        r"unknown LaTeX command \nablaa",
    ),
    "unknown LaTeX in the formula": lambda r: (
        ARTICLE,
        edit(r, ARTICLE, "formula = '", r"formula = '\foo "),
        r"\foo",
    ),
    "unparsable LaTeX in a symbol": lambda r: (
        ARTICLE,
        edit(r, ARTICLE, "symbol = '", "symbol = 'x^{ "),
        "cannot parse LaTeX",
    ),
    "LaTeX outside math": lambda r: (
        ARTICLE,
        edit(r, ARTICLE, 'title = "', r'title = "\\theta '),
        "LaTeX left unrendered",
    ),
    "missing linked file": lambda r: (
        ARTICLE,
        add_to_body(r, "See [the data](data/missing.csv)."),
        "does not exist",
    ),
    "root-absolute link": lambda r: (
        ARTICLE,
        add_to_body(r, "See [home](/index.html)."),
        "must be relative",
    ),
    "link to no section": lambda r: (ARTICLE, add_to_body(r, "See [below](#nowhere)."), "#nowhere"),
    "template syntax error": lambda r: (
        PAGE,
        after_body_tag(r, "{% endif %}"),
        "template syntax error",
    ),
    "undefined template variable": lambda r: (
        PAGE,
        after_body_tag(r, "{{ page.subtitle }}"),
        "undefined template variable",
    ),
    "undefined variable in a figure template": lambda r: (
        PARTS,
        edit(r, PARTS, "<canvas", "{{ fig.nothing }}<canvas"),
        "undefined",
    ),
    "missing asset": lambda r: (
        PAGE,
        after_body_tag(r, "{{ asset('missing.css') }}"),
        "missing.css",
    ),
    "missing stylesheet url": lambda r: (
        "site_templates/assets/style.css",
        edit(
            r, "site_templates/assets/style.css", ".t {", ".x { background: url(gone.png); }\n.t {"
        ),
        "gone.png",
    ),
    "unclosed stylesheet block": lambda r: (
        "site_templates/assets/style.css",
        edit(r, "site_templates/assets/style.css", ".t {", "@media print {\n.t {"),
        "never closed",
    ),
    "script from elsewhere": lambda r: (
        PAGE,
        after_body_tag(r, '<script src="https://example.org/x.js"></script>'),
        "loads nothing from elsewhere",
    ),
}


def tree_digest(folder):
    """Map every file under folder to its sha256."""
    return {
        p.relative_to(folder): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


def assert_failed_cleanly(result, root, before, where, words):
    """Exit 1, one line `build.py: error: <where>: ...words...`, no traceback, dist/ intact."""
    message = result.stderr.strip()
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in message and len(message.splitlines()) == 1, message
    assert message.startswith(f"build.py: error: {where}: "), message
    assert words in message, message
    assert tree_digest(root / "dist") == before
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".dist")) == []


@pytest.mark.parametrize("case", CASES)
def test_bad_input_fails_cleanly(broken, case):
    before = tree_digest(broken / "dist")
    file, line, words = CASES[case](broken)
    result = build_site(broken, broken / "dist")
    assert_failed_cleanly(result, broken, before, f"{file}:{line}" if line else file, words)


def test_a_corrupt_runtime_cache_names_the_file_and_the_fix(broken, runtime_dir, tmp_path):
    cache = tmp_path / "cache"
    shutil.copytree(runtime_dir, cache / runtime_dir.name)
    wasm = cache / runtime_dir.name / "pyodide.asm.wasm"
    wasm.write_bytes(wasm.read_bytes()[:-1] + b"\0")
    before = tree_digest(broken / "dist")
    result = build_site(broken, broken / "dist", env={**os.environ, "PGSITE_CACHE": str(cache)})
    assert_failed_cleanly(result, broken, before, str(wasm), "delete the folder")


def test_no_npm_and_no_cache_says_so(broken, tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {**os.environ, "PGSITE_CACHE": str(tmp_path / "cache"), "PATH": str(empty)}
    before = tree_digest(broken / "dist")
    result = build_site(broken, broken / "dist", env=env)
    assert result.returncode == 1
    assert result.stderr.startswith("build.py: error: npm not found"), result.stderr
    assert tree_digest(broken / "dist") == before


def test_the_copy_builds_again_identically(broken):
    before = tree_digest(broken / "dist")
    result = build_site(broken, broken / "dist")
    assert result.returncode == 0, result.stderr
    assert tree_digest(broken / "dist") == before


def test_files_linked_from_the_article_ship_under_hashed_names(broken):
    (broken / "content" / "figures").mkdir()
    (broken / "content" / "figures" / "grid.svg").write_text("<svg/>", encoding="utf-8")
    add_to_body(broken, "See [the grid](figures/grid.svg#top).")
    result = build_site(broken, broken / "dist")
    assert result.returncode == 0, result.stderr
    (shipped,) = (broken / "dist" / "media").glob("grid.*.svg")
    assert shipped.read_text(encoding="utf-8") == "<svg/>"
    html = (broken / "dist" / "index.html").read_text(encoding="utf-8")
    assert f'href="media/{shipped.name}#top"' in html
