"""Fuzz the content: random front matter and markdown either build or fail with the one clear error.

Hypothesis mutates the fixture article (drops keys, swaps values for random ones of any type, adds
keys, writes random prose full of markdown, LaTeX, HTML and links) or writes raw random text, and
the real gather and render stages run on it in-process. Whatever the input, the outcome is a site
or a BuildError whose one-line message starts with the content file's path; never a traceback.
One subprocess run checks the same of the command line. How many examples, and whether they are
the same every run, is the Hypothesis profile's (tests/conftest.py: fixed under CI).
"""

import copy
import json
import re
import shutil
import tomllib

import pytest
from conftest import FIXTURE_CONTENT, ROOT, build_site, copy_project
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sitebuild import BuildError, gather
from sitebuild.cli import report
from sitebuild.frontmatter import split_front_matter
from sitebuild.render import render
from sitebuild.runtime import cache_dir

REAL = (FIXTURE_CONTENT / "policy-gradients.md").read_text(encoding="utf-8")
REAL_TOML, REAL_BODY, _ = split_front_matter(REAL, "real")
REAL_FRONT = tomllib.loads(REAL_TOML)

# Pieces of prose an author writes, and slips of the keyboard that the build must catch.
WELL_FORMED = [
    *("$\\theta$", "$x^{2}$", "$$x$$", "\\$5", "$\\begin{cases}a\\end{cases}$", "π", "→", "word"),
    *("*", "_", "**bold**", "`code`", "    indented", "> quote", "- item", "1. ", "### ", " "),
    *("[b](https://example.org)", "[f](#the-concept)", "![i](x.png)", "[d](mailto:a@b.c)"),
    *("<b>", "</i>", "<!--", "&amp;", "{{ page.title }}", "{% if %}", "| a |\n|:-|\n", "\n"),
    *("\n\n", "\u200b", "\t", "\r"),
]
SLIPS = [
    *("$\\frac{1}$", "$G_{t$", "$\\nablaa$", "$", "\\", "$\\begin{foo}x\\end{foo}$", "$a\nb$"),
    *("\\theta", "```\n", "~~~", "[link](missing.png)", "[a](#nowhere)", "[c](/abs)", "-->"),
    *("[e](javascript:go())", "[g](data:,)", "<script>x()</script>", '<p style="x">', "&#0;"),
    *('<img src="x" onerror="y">', "<", ">", "# ", "## ", "## The concept"),
]
prose = st.lists(
    st.sampled_from(WELL_FORMED)
    | st.sampled_from(WELL_FORMED)
    | st.sampled_from(SLIPS)
    | st.text(max_size=6),
    max_size=8,
).map("".join)
scalars = (
    st.booleans()
    | st.integers(-3, 12)
    | st.floats(allow_nan=True, allow_infinity=True)
    | prose
    | st.lists(st.integers(-2, 9), max_size=3)
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["title", "mark", "x", "rows"]), inner, max_size=3)
    ),
    max_leaves=6,
)


def paths(tree, prefix=()):
    """Every key path in a parsed front matter, tables and array entries included."""
    found = []
    items = tree.items() if isinstance(tree, dict) else enumerate(tree)
    for key, value in items:
        found.append((*prefix, key))
        if isinstance(value, dict) or (isinstance(value, list) and value):
            if isinstance(value, dict) or all(isinstance(entry, dict) for entry in value):
                found.extend(paths(value, (*prefix, key)))
    return found


@st.composite
def mutated_front_matter(draw):
    """The real front matter with a few random deletions, replacements and additions."""
    front = copy.deepcopy(REAL_FRONT)
    for _ in range(draw(st.integers(0, 4))):
        path = draw(st.sampled_from(paths(front)))
        *parents, key = path
        parent = front
        for part in parents:
            parent = parent[part]
        operation = draw(st.sampled_from(["delete", "replace", "prose", "add"]))
        if operation == "delete":
            del parent[key]
        elif operation == "replace":
            parent[key] = draw(values)
        elif operation == "prose":
            parent[key] = draw(prose)
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(["colour", "rows", "goal", "note", "walls"]))] = draw(
                values
            )
        if not front:
            break
    return to_toml(front)


def to_toml(table, prefix=()):
    """Write a parsed front matter back as TOML text (tables after keys, as TOML requires)."""
    lines, tables, arrays = [], [], []
    for key, value in table.items():
        if isinstance(value, dict):
            tables.append((key, value))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            arrays.append((key, value))
        else:
            lines.append(f"{_key(key)} = {_value(value)}")
    for key, value in tables:
        name = ".".join(_key(part) for part in (*prefix, key))
        lines += ["", f"[{name}]", to_toml(value, (*prefix, key))]
    for key, entries in arrays:
        name = ".".join(_key(part) for part in (*prefix, key))
        for entry in entries:
            lines += ["", f"[[{name}]]", to_toml(entry, (*prefix, key))]
    return "\n".join(lines)


def _key(key):
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _value(key)


def _value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return (
            "nan"
            if value != value
            else {float("inf"): "inf", float("-inf"): "-inf"}.get(value, repr(value))
        )
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"
    return str(value)


@st.composite
def bodies(draw):
    """The real body with random blocks spliced in, or random blocks alone."""
    blocks = [draw(prose) for _ in range(draw(st.integers(0, 4)))]
    if draw(st.booleans()):
        return "".join(f"\n{block}\n" for block in blocks)
    lines = REAL_BODY.splitlines(keepends=True)
    for block in blocks:
        lines.insert(draw(st.integers(0, len(lines))), f"\n{block}\n")
    return "".join(lines)


mutated = st.builds(
    lambda front, body: f"+++\n{front}\n+++\n{body}", mutated_front_matter(), bodies()
)
raw = st.builds(lambda raw, body: f"+++\n{raw}\n+++\n{body}", prose, bodies())
# Mostly the real article mutated, so that most examples get past the TOML parser.
articles = st.sampled_from(["raw", "text", *["mutated"] * 8]).flatmap(
    {"raw": raw, "text": st.text(max_size=200), "mutated": mutated}.get
)


@pytest.fixture(scope="module")
def article(tmp_path_factory, runtime_dir):
    """Where the fuzzed article goes: a content folder of its own, outside the checkout."""
    folder = tmp_path_factory.mktemp("content")
    (folder / "x.png").write_bytes(b"\x89PNG")  # so some links and images resolve
    shutil.copy(FIXTURE_CONTENT / "site.toml", folder)
    return folder / "policy-gradients.md"


def assert_builds_or_fails_cleanly(article, text):
    """Gather and render text as the article: a site, or one BuildError about the article."""
    article.write_text(text, encoding="utf-8")
    try:
        files = render(gather.gather(ROOT, cache_dir(), article.parent))
    except BuildError as error:
        message = report(error)
        assert message.startswith(f"build.py: error: {article}"), message
        assert len(message.splitlines()) == 1, message
        return "error"
    assert "index.html" in files
    return "site"


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=articles)
def test_any_article_builds_or_fails_with_one_clear_error(article, text):
    assert_builds_or_fails_cleanly(article, text)


def test_the_fuzzer_reaches_both_outcomes(article):
    # Guards the generator: if every example failed early, the fuzz would test nothing.
    assert assert_builds_or_fails_cleanly(article, REAL) == "site"
    outcomes = {
        assert_builds_or_fails_cleanly(article, f"+++\n{front}\n+++\n{REAL_BODY}")
        for front in (to_toml(REAL_FRONT), to_toml({**REAL_FRONT, "title": 3}))
    }
    assert outcomes == {"site", "error"}


def test_the_command_line_prints_no_traceback_for_a_mangled_article(tmp_path, runtime_dir):
    root = copy_project(tmp_path / "project")
    mangled = REAL.replace("[widget]", "[widget\n", 1).replace("## ", "## $\\frac{", 1)
    (root / "content" / "policy-gradients.md").write_text(
        mangled + "\x00<script>", encoding="utf-8"
    )
    result = build_site(root, root / "dist")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("build.py: error: content/policy-gradients.md:"), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (root / "dist").exists()


# -- every mistake at its own line, whatever markdown comes before it ------------------------------

MISTAKE = "A slip: $\\nablaa$ here."
# Blocks that are valid on their own (raw HTML left open or closed twice is an error of its own).
SOUND = [piece for piece in WELL_FORMED if piece not in ("<!--", "<b>", "</i>", "\r")]
sound_prose = st.lists(
    st.sampled_from(SOUND) | st.text(alphabet="abc xyz*_-#>|1.", max_size=8), max_size=8
).map("".join)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(blocks=st.lists(sound_prose, max_size=6), data=st.data())
def test_a_mistake_after_any_markdown_is_reported_at_its_own_line(article, blocks, data):
    lines = REAL_BODY.splitlines(keepends=True)
    first_body_line = next(n for n, line in enumerate(lines) if line.startswith("## ")) + 1
    for block in blocks:
        lines.insert(data.draw(st.integers(first_body_line, len(lines))), f"\n{block}\n")
    lines.insert(data.draw(st.integers(first_body_line, len(lines))), f"\n{MISTAKE}\n\n")
    text = f"+++\n{REAL_TOML}+++\n{''.join(lines)}"
    expected = text.replace("\r\n", "\n").replace("\r", "\n").split("\n").index(MISTAKE) + 1
    article.write_text(text, encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        render(gather.gather(ROOT, cache_dir(), article.parent))
    assume("\\nablaa" in caught.value.message)  # not a mistake that the random blocks made
    assert (caught.value.file, caught.value.line) == (article, expected), caught.value.message
