"""The author's mistakes, catalogued: each ends the build with status 1 and one line that names the
file (and line) and says what to do, and the previous site stays as it was.

tests/test_build_errors.py holds the first cases (what its messages must name); this file adds the
rest of the catalogue (front matter, figure settings, LaTeX, links, templates, the runtime cache,
npm, the output folder) and checks that every message, old and new, carries its advice.
"""

import os
import shutil

import pytest
from conftest import ROOT, build_site
from test_build_errors import ARTICLE, CASES, PAGE, add_to_body, after_body_tag, edit, tree_digest

import build
from sitebuild.runtime import read_runtime_pins

# What each message of tests/test_build_errors.py must tell the author to do.
ADVICE = {
    "toml syntax": "fix the TOML on this line",
    "no closing fence": "add one after its last setting",
    "missing field": "add a line title = ",
    "wrong type": "write description as a string",
    "unknown key": "put a value of your own under an [extra] table",
    "bad figure setting": "fix it in the figure's settings",
    "figure setting of the wrong type": "fix it in the figure's settings",
    "unknown figure kind": "use one of policy-gradient, gridworld, gaussian",
    "unknown LaTeX in the body": "fix its spelling or use a command latex2mathml supports",
    "unknown LaTeX in the formula": "fix its spelling or use a command latex2mathml supports",
    "unparsable LaTeX in a symbol": "close every { with a }",
    "LaTeX outside math": "math belongs between $...$",
    "missing linked file": "add the file there or fix the link",
    "root-absolute link": "write it as a path from content/",
    "link to no section": "link to a section, e.g. #the-concept",
    "template syntax error": "fix the template on this line",
    "undefined template variable": "use a name build.py provides",
    "undefined variable in a figure template": "use a name build.py provides",
    "missing asset": "add it there or fix the name",
    "missing stylesheet url": "add the file there or fix the url",
    "unclosed stylesheet block": "add its }",
    "script from elsewhere": "put the file in site_templates/assets/",
}


def line_of(root, name, text):
    """The line of root/name where text first appears."""
    lines = (root / name).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if text in line)


def first_heading(root):
    """(line, text) of the article's first `## ` heading."""
    lines = (root / ARTICLE).read_text(encoding="utf-8").splitlines()
    return next((n, line) for n, line in enumerate(lines, start=1) if line.startswith("## "))


def insert_line(root, name, line, text):
    """Insert text as line number `line` of root/name; return line."""
    lines = (root / name).read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(line - 1, text + "\n")
    (root / name).write_text("".join(lines), encoding="utf-8")
    return line


def goal_on_the_pit(root):
    edit(root, ARTICLE, "goal = [0, 2]", "goal = [1, 1]")
    return line_of(root, ARTICLE, "pit = [1, 1]")


def text_before_the_first_heading(root):
    line, _ = first_heading(root)
    return insert_line(root, ARTICLE, line - 1, "A stray paragraph.")


def missing_gradient_key(root):
    edit(root, ARTICLE, "reading = ", "# reading = ")
    return line_of(root, ARTICLE, "[gradient]")


def no_front_matter(root):
    edit(root, ARTICLE, "+++\n", "")
    return 1


def article_removed(root):
    (root / ARTICLE).unlink()


def article_not_utf8(root):
    line = line_of(root, ARTICLE, "×")  # the first ×
    path = root / ARTICLE
    path.write_bytes(path.read_bytes().replace("×".encode(), "×".encode("latin-1"), 1))
    return line


def pin_removed(root):
    edit(root, "pyproject.toml", '"pyodide.asm.wasm" = ', "# pyodide.asm.wasm = ")


# Each case breaks the project and returns (file, line or None, what the message says, advice).
CATALOGUE = {
    "no front matter": lambda r: (
        ARTICLE,
        no_front_matter(r),
        "must start with a line +++",
        "add +++, the TOML settings and a closing +++ line at the top",
    ),
    "missing key of a table": lambda r: (
        ARTICLE,
        missing_gradient_key(r),
        "[gradient] missing required key 'reading'",
        "add a line reading = … to the [gradient] table",
    ),
    "legend mark of no kind": lambda r: (
        ARTICLE,
        edit(r, ARTICLE, 'mark = "arrow"', 'mark = "star"'),
        "'star' is not a mark",
        "use one of agent, bar, arrow, goal, pit, timeout",
    ),
    "unknown figure setting": lambda r: (
        ARTICLE,
        edit(r, ARTICLE, "seed = 7", "seed = 7\ncolour = 'red'") + 1,
        "figure policy-gradient: colour: unknown setting",
        "fix it in the figure's settings",
    ),
    "goal on the pit": lambda r: (
        ARTICLE,
        goal_on_the_pit(r),
        "figure policy-gradient: pit: pit (1, 1) is on the goal",
        "fix it in the figure's settings",
    ),
    "grid too large": lambda r: (
        ARTICLE,
        edit(r, ARTICLE, "rows = 3", "rows = 20"),
        "figure policy-gradient: rows: 20 is out of range (2..8)",
        "fix it in the figure's settings",
    ),
    "learning rate out of range": lambda r: (
        ARTICLE,
        edit(r, ARTICLE, "lr = 1.0", "lr = 50.0"),
        "figure policy-gradient: lr: 50.0 is out of range",
        "fix it in the figure's settings",
    ),
    "figure block never closed": lambda r: (
        ARTICLE,
        edit(r, ARTICLE, "seed = 7\n```", "seed = 7\n") and line_of(r, ARTICLE, "```figure"),
        "the figure block opened here has no closing ```",
        "add a line ``` after its settings",
    ),
    "figure block glued to a paragraph": lambda r: (
        ARTICLE,
        edit(r, ARTICLE, "the return.\n\n```figure", "the return.\n```figure") + 1,
        "a figure block must stand on its own",
        "leave a blank line before and after it",
    ),
    "an inline field holding blocks": lambda r: (
        ARTICLE,
        edit(r, ARTICLE, 'lede = "', 'lede = "- a list item\\n\\n'),
        "expected one line of inline markdown",
        "write this field as one paragraph",
    ),
    "text before the first heading": lambda r: (
        ARTICLE,
        text_before_the_first_heading(r),
        "text before the first `## ` heading",
        "add a `## Heading` line above it",
    ),
    "unsupported LaTeX environment": lambda r: (
        ARTICLE,
        add_to_body(r, r"So $\begin{tikzpicture}x\end{tikzpicture}$ draws."),
        "unsupported LaTeX environment tikzpicture",
        "use one of",
    ),
    "LaTeX fraction missing a part": lambda r: (
        ARTICLE,
        edit(r, ARTICLE, "\\Big]'", "\\Big] \\frac{1}'"),
        "a fraction needs two parts",
        "add the missing part",
    ),
    "LaTeX with unbalanced braces in the body": lambda r: (
        ARTICLE,
        add_to_body(r, "The return $G_{t$ is bad."),
        "unbalanced braces",
        "close every { with a }",
    ),
    "LaTeX with a stray alignment &": lambda r: (
        ARTICLE,
        add_to_body(r, "Either $a & b$ or not."),
        "it gives malformed MathML",
        "remove any & outside a matrix or cases environment",
    ),
    "image of a missing file": lambda r: (
        ARTICLE,
        add_to_body(r, "![The grid](figures/missing.png)"),
        "linked file 'figures/missing.png' does not exist in content/",
        "add the file there or fix the link",
    ),
    "inline script in the article": lambda r: (
        ARTICLE,
        add_to_body(r, "<script>alert(1)</script>"),
        "an inline <script> element",
        "move it into a file in site_templates/assets/",
    ),
    "event handler in a template": lambda r: (
        PAGE,
        after_body_tag(r, '<p><button type="button" onclick="go()">Go</button></p>'),
        "an onclick attribute",
        "move it into a file in site_templates/assets/",
    ),
    "style attribute in the article": lambda r: (
        ARTICLE,
        add_to_body(r, '<p style="color: red">Red</p>'),
        "a style attribute",
        "(a class in style.css)",
    ),
    "template type error": lambda r: (
        PAGE,
        after_body_tag(r, "{{ page.title + 1 }}"),
        "can only concatenate str",
        "fix the template on this line",
    ),
    "no article at all": lambda r: (
        "content",
        article_removed(r),
        "content/ has no articles",
        "add a file like content/first-article.md",
    ),
    "article not UTF-8": lambda r: (
        ARTICLE,
        article_not_utf8(r),
        "byte 0xd7 is not UTF-8 text",
        "save the file as UTF-8",
    ),
    "runtime pin missing": lambda r: (
        "pyproject.toml",
        pin_removed(r),
        "has no pin for pyodide.asm.wasm",
        "add its sha256",
    ),
}


def assert_clean_failure(result, where, words, advice):
    """Exit 1 and one line `build.py: error: <where>: ...` holding words and advice."""
    message = result.stderr.strip()
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in message and len(message.splitlines()) == 1, message
    assert message.startswith(f"build.py: error: {where}"), message
    assert words in message, message
    assert advice in message, f"the message says what happened but not what to do: {message}"


def assert_untouched(folder, before):
    """The folder is as it was, and no staging folder was left beside it."""
    assert tree_digest(folder) == before
    leftovers = [p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}-")]
    assert leftovers == []


@pytest.mark.parametrize("case", CATALOGUE)
def test_bad_input_fails_cleanly_and_says_what_to_do(broken, case):
    before = tree_digest(broken / "dist")
    file, line, words, advice = CATALOGUE[case](broken)
    result = build_site(broken, broken / "dist")
    assert_clean_failure(result, f"{file}:{line}: " if line else f"{file}: ", words, advice)
    assert_untouched(broken / "dist", before)


@pytest.mark.parametrize("case", ADVICE)
def test_every_earlier_message_says_what_to_do(broken, case):
    file, line, words = CASES[case](broken)
    result = build_site(broken, broken / "dist")
    where = f"{file}:{line}: " if line else f"{file}: "
    assert_clean_failure(result, where, words, ADVICE[case])


def test_the_catalogue_is_large_enough():
    assert len(CATALOGUE) + len(CASES) >= 15
    assert set(ADVICE) == set(CASES), "a case of test_build_errors.py has no advice checked"


# -- the runtime cache and npm ---------------------------------------------------------------------


@pytest.fixture
def cache_copy(runtime_dir, tmp_path):
    """A private copy of the runtime cache (hard links), for a case to break."""
    cache = tmp_path / "cache"
    shutil.copytree(runtime_dir, cache / runtime_dir.name, copy_function=os.link)
    return cache


def run_with(broken, **env):
    """Build the broken project with extra environment variables."""
    return build_site(broken, broken / "dist", env={**os.environ, **env})


def test_a_missing_runtime_file_says_to_fetch_it_afresh(broken, cache_copy):
    before = tree_digest(broken / "dist")
    folder = next(cache_copy.iterdir())
    (folder / "python_stdlib.zip").unlink()
    result = run_with(broken, PGSITE_CACHE=str(cache_copy))
    assert_clean_failure(
        result,
        f"{folder / 'python_stdlib.zip'}: ",
        "the cached runtime lacks python_stdlib.zip",
        f"delete the folder {folder} and build again",
    )
    assert_untouched(broken / "dist", before)


def test_a_corrupt_runtime_file_says_to_fetch_it_afresh(broken, cache_copy):
    before = tree_digest(broken / "dist")
    folder = next(cache_copy.iterdir())
    stdlib = folder / "python_stdlib.zip"
    data = stdlib.read_bytes()
    stdlib.unlink()  # a hard link: write a new file, not through the link
    stdlib.write_bytes(data[:1000] + bytes([data[1000] ^ 1]) + data[1001:])
    result = run_with(broken, PGSITE_CACHE=str(cache_copy))
    assert_clean_failure(result, f"{stdlib}: ", "sha256 mismatch", "delete the folder")
    assert_untouched(broken / "dist", before)


def test_no_npm_and_no_cache_says_to_install_npm(broken, tmp_path):
    before = tree_digest(broken / "dist")
    empty = tmp_path / "bin"
    empty.mkdir()
    result = run_with(broken, PGSITE_CACHE=str(tmp_path / "cache"), PATH=str(empty))
    assert_clean_failure(result, "", "npm not found", "install Node.js (npm)")
    assert_untouched(broken / "dist", before)


def test_a_failing_npm_says_to_check_the_network(broken, tmp_path):
    before = tree_digest(broken / "dist")
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    npm = bin_folder / "npm"
    npm.write_text("#!/bin/sh\necho 'npm error code ENOTFOUND' >&2\nexit 1\n", encoding="utf-8")
    npm.chmod(0o755)
    result = run_with(broken, PGSITE_CACHE=str(tmp_path / "cache"), PATH=str(bin_folder))
    package, version, _ = read_runtime_pins(ROOT / "pyproject.toml")
    assert_clean_failure(
        result, "", f"`npm pack {package}@{version}` failed: npm error code ENOTFOUND", "network"
    )
    assert_untouched(broken / "dist", before)
    assert not (tmp_path / "cache" / f"{package}-{version}").exists()


def test_a_cache_that_cannot_be_written_says_where_to_put_it(broken, cache_copy):
    before = tree_digest(broken / "dist")
    (cache_copy / "wheels").write_text("not a folder", encoding="utf-8")
    result = run_with(broken, PGSITE_CACHE=str(cache_copy))
    assert_clean_failure(
        result, f"{cache_copy}: ", "cannot use the cache folder", "set PGSITE_CACHE to a folder"
    )
    assert_untouched(broken / "dist", before)


# -- the output folder -----------------------------------------------------------------------------


def test_an_output_inside_a_file_cannot_be_written(broken, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    result = build_site(broken, blocker / "dist")
    assert_clean_failure(
        result, f"{blocker / 'dist'}: ", "cannot write the site", "choose another --out"
    )
    assert blocker.read_text(encoding="utf-8") == "x"


def permission_bits_apply(folder):
    """Tell whether this user is refused a write into a read-only folder (root is not)."""
    probe = folder / "read-only"
    probe.mkdir()
    probe.chmod(0o555)
    try:
        (probe / "x").touch()
    except PermissionError:
        return True
    finally:
        probe.chmod(0o755)
    return False


def test_a_read_only_output_folder_cannot_be_written(broken, tmp_path):
    if not permission_bits_apply(tmp_path):
        pytest.skip("this user writes through permission bits (root)")
    before = tree_digest(broken / "dist")
    broken.chmod(0o555)
    try:
        result = build_site(broken, broken / "dist")
    finally:
        broken.chmod(0o755)
    assert_clean_failure(result, "dist: ", "Permission denied", "make its parent folder writable")
    assert_untouched(broken / "dist", before)


def test_a_refused_write_fails_cleanly_even_for_root(tmp_path, monkeypatch, capsys):
    # Root ignores permission bits, so the refusal is injected where the write stage meets the OS.
    out = tmp_path / "dist"
    assert build.main(["--out", str(out)]) == 0  # the previous site, and every cache warm
    capsys.readouterr()
    before = tree_digest(out)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(out.parent))

    monkeypatch.setattr("sitebuild.write.tempfile.mkdtemp", refuse)
    assert build.main(["--out", str(out)]) == 1
    message = capsys.readouterr().err
    assert_clean_failure(
        type("Result", (), {"returncode": 1, "stderr": message}),
        f"{out}: ",
        "cannot write the site: Permission denied",
        "make its parent folder writable",
    )
    assert_untouched(out, before)


def test_an_output_that_is_a_file_is_left_alone(broken, tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("mine", encoding="utf-8")
    result = build_site(broken, target)
    assert_clean_failure(result, f"{target}: ", "is a file, not a folder", "choose another --out")
    assert target.read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "project"]


def test_an_output_folder_of_other_files_is_not_replaced(broken, tmp_path):
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "thesis.tex").write_text("years of work", encoding="utf-8")
    result = build_site(broken, folder)
    assert_clean_failure(
        result, f"{folder}: ", "holds files but no site", "choose a new or empty folder"
    )
    assert (folder / "thesis.tex").read_text(encoding="utf-8") == "years of work"


def test_an_aligned_markdown_table_needs_no_inline_style(broken):
    add_to_body(broken, "| move | π |\n|:--|--:|\n| up | 0.25 |")
    result = build_site(broken, broken / "dist")
    assert result.returncode == 0, result.stderr
    html = (broken / "dist" / "index.html").read_text(encoding="utf-8")
    assert '<td align="right">0.25</td>' in html and "style=" not in html
