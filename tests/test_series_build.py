"""The generator on whole series, run as an author runs it: without a base URL, twice over, with
--check, from a Python that cannot build, and on the mistakes a series adds (site.toml, volumes,
file names, the markdown constructs), each one line with its file and line.
"""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import build_site, copy_project
from test_build_errors import edit

SERIES = "content/gridworlds.md"


def tree_digest(folder):
    """Map every file under folder to its sha256."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in Path(folder).rglob("*")
        if p.is_file()
    }


def test_without_a_base_url_there_is_no_feed_and_the_build_says_so_once(tmp_path, runtime_dir):
    root = copy_project(tmp_path / "project", "figures")
    result = build_site(root, root / "dist")
    assert result.returncode == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if line.startswith("build.py: note:")]
    assert notes == [
        "build.py: note: content/site.toml has no base_url, so the site has no feed, sitemap, "
        'canonical URLs or sharing cards: add base_url = "https://…/" to make them'
    ]
    files = tree_digest(root / "dist")
    assert not {"feed.xml", "sitemap.xml"} & set(files)
    assert not any(name.startswith("social/") for name in files)
    html = (root / "dist" / "index.html").read_text(encoding="utf-8")
    assert 'rel="canonical"' not in html and "og:" not in html and "application/atom" not in html
    # The page has no optional boxes: no empty headings for them.
    for absent in ("gradient-box", "Reading the figure", "examples", "Further reading", "Notes"):
        assert absent not in html


def test_equal_sources_give_equal_sites_with_fresh_wheels_and_cards(
    series_site, tmp_path, runtime_dir
):
    cache = tmp_path / "cache"
    shutil.copytree(runtime_dir, cache / runtime_dir.name, copy_function=os.link)
    shutil.copytree(runtime_dir.parent / "packs", cache / "packs", copy_function=os.link)
    root = copy_project(tmp_path / "project", "series")
    result = build_site(root, tmp_path / "out", env={**os.environ, "PGSITE_CACHE": str(cache)})
    assert result.returncode == 0, result.stderr
    assert (cache / "wheels").is_dir() and (cache / "cards").is_dir()  # made afresh
    assert tree_digest(series_site) == tree_digest(tmp_path / "out")


def test_templates_read_an_articles_extra_values(tmp_path, runtime_dir):
    root = copy_project(tmp_path / "project", "series")
    edit(
        root,
        "site_templates/page.html",
        "{% block main %}\n",
        '{% block main %}\n<p class="lede">{{ page.extra.difficulty|default("none") }}</p>\n',
    )
    result = build_site(root, root / "dist")
    assert result.returncode == 0, result.stderr
    home = (root / "dist" / "index.html").read_text(encoding="utf-8")
    assert '<p class="lede">gentle</p>' in home  # the home article's [extra] difficulty
    other = (root / "dist" / "baselines" / "index.html").read_text(encoding="utf-8")
    assert '<p class="lede">none</p>' in other


def test_check_renders_everything_and_writes_nothing(tmp_path, runtime_dir):
    root = copy_project(tmp_path / "project", "series")
    result = build_site(root, root / "dist", args=("--check",))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "build.py: checked 6 pages; nothing written\n"
    assert not (root / "dist").exists()
    line = edit(root, SERIES, "```python", "```pyhton")
    result = build_site(root, root / "dist", args=("--check",))
    assert result.returncode == 1
    assert result.stderr.startswith(f"build.py: error: {SERIES}:{line}: unknown code language")
    assert not (root / "dist").exists()


BASE_PYTHON = getattr(sys, "_base_executable", sys.executable)


def lacks_the_packages(python):
    """Tell whether python is a Python >= 3.12 without the site's packages."""
    probe = (
        "import sys, importlib.util as u; "
        "sys.exit(sys.version_info < (3, 12) or bool(u.find_spec('jinja2')))"
    )
    return subprocess.run([python, "-c", probe], check=False).returncode == 0


@pytest.mark.skipif(
    not lacks_the_packages(BASE_PYTHON), reason="needs a Python >= 3.12 without the packages"
)
def test_a_python_without_the_packages_reruns_in_the_venv_or_says_how_to_make_one(tmp_path):
    root = copy_project(tmp_path / "project", "series")
    env = {key: value for key, value in os.environ.items() if key != "PGSITE_REEXEC"}
    command = [BASE_PYTHON, str(root / "build.py"), "--check"]
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"build.py: error: {BASE_PYTHON} lacks the packages jinja2,")
    assert result.stderr.rstrip().endswith(
        "run ./dev site once (it makes .venv with everything "
        "the build needs), then python3 build.py again"
    )
    assert len(result.stderr.splitlines()) == 1
    (root / ".venv").symlink_to(Path(sys.prefix))  # the project's .venv, as ./dev makes it
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "build.py: checked 6 pages; nothing written\n"


@pytest.mark.skipif(
    not Path("/usr/bin/python3").is_file()
    or subprocess.run(
        ["/usr/bin/python3", "-c", "import sys; sys.exit(sys.version_info >= (3, 12))"],
        check=False,
    ).returncode,
    reason="needs a system python3 older than 3.12",
)
def test_an_old_python_says_in_one_line_what_it_needs(tmp_path):
    root = copy_project(tmp_path / "project", "series")
    result = subprocess.run(
        ["/usr/bin/python3", str(root / "build.py")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1 and len(result.stderr.splitlines()) == 1, result.stderr
    assert "is Python 3." in result.stderr and "the build needs Python >= 3.12" in result.stderr
    assert "./dev site" in result.stderr and not (root / "dist").exists()


def broken_series(root, file, old, new):
    """Edit file of a series copy (or create it when old is None); return the edited line."""
    if old is None:
        (root / file).write_text(new, encoding="utf-8")
        return None
    return edit(root, file, old, new)


# Each case: (file, old text or None to write the file, new text, line or None, words, advice).
MISTAKES = {
    "site.toml missing": ("content/site.toml", "", "", None, "site.toml is missing", "create it"),
    "site name missing": (
        "content/site.toml",
        'name = "series.example"\n',
        "",
        1,
        "missing required key 'name'",
        "add a line name = …",
    ),
    "base URL not a web address": (
        "content/site.toml",
        'base_url = "https://series.example/ml"',
        'base_url = "series.example/ml"',
        "edited",
        "is not a web address",
        "write it as https://host/path/",
    ),
    "home names no article": (
        "content/site.toml",
        'home = "policy-gradients"',
        'home = "policy-gradient"',
        "edited",
        "names no article",
        "use one of",
    ),
    "site-wide key in an article": (
        SERIES,
        'title = "Gridworlds"',
        'title = "Gridworlds"\nseries = "Other"',
        "next",
        "unknown key 'series'",
        "move it to content/site.toml",
    ),
    "two articles, one volume": (  # the second by file name is refused, the first named
        "content/policy-gradients.md",
        'volume = "III"',
        'volume = "4"',
        "edited",
        "volume '4' is also baselines.md's",
        "give each article its own volume",
    ),
    "a volume that is no number": (
        "content/baselines.md",
        'volume = "4"',
        'volume = "four"',
        "edited",
        "volume 'four'",
        "write a whole number (28) or a Roman numeral (XXVIII)",
    ),
    "a file name that is no address": (
        "content/Second Article.md",
        None,
        '+++\ntitle = "Second"\n+++\n\n## One\n',
        None,
        "becomes the page's address",
        "use lower-case letters, digits and single hyphens",
    ),
    "a misspelt code language": (
        SERIES,
        "```python",
        "```pyhton",
        "edited",
        "unknown code language 'pyhton'",
        "or text for plain text",
    ),
    "a footnote without a definition": (
        SERIES,
        "Every step costs nothing;[^cost]",
        "Every step costs nothing;[^costs]",
        "edited",
        "footnote [^costs] has no definition",
        "add a line [^costs]: …",
    ),
    "an unknown callout": (
        "content/gaussian-policies.md",
        "!!! warning",
        "!!! warn",
        "edited",
        "unknown admonition !!! warn",
        "use one of note, tip, important, warning, caution",
    ),
    "a link in a section heading": (
        "content/baselines.md",
        "## The `b` in the formula",
        "## The [b](#why-less-noise) in the formula",
        "edited",
        "a section heading may not hold a link",
        "move the link into the text below it",
    ),
}


@pytest.mark.parametrize("case", MISTAKES)
def test_a_series_mistake_is_one_line_with_its_place_and_advice(tmp_path, runtime_dir, case):
    file, old, new, line, words, advice = MISTAKES[case]
    root = copy_project(tmp_path / "project", "series")
    if old == "" and new == "":
        (root / file).unlink()
    else:
        edited = broken_series(root, file, old, new)
        line = {"edited": edited, "next": (edited or 0) + 1}.get(line, line)
    result = build_site(root, root / "dist", args=("--check",))
    message = result.stderr.strip()
    assert result.returncode == 1 and len(message.splitlines()) == 1, message
    where = f"{file}:{line}" if line else file
    assert message.startswith(f"build.py: error: {where}: "), message
    assert words in message and advice in message, message
