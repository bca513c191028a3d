"""The editor bundle in a real Chromium under the page's strict CSP, over http and from disk.

A test page carries the site's policy (no 'unsafe-inline') and loads the bundle as a classic
script; a harness script creates the editor as the code figure will. Every securitypolicyviolation
is recorded from before the first script runs, and any console error fails the test (conftest's
page fixture), so each test also proves that what it did broke no rule of the policy.
"""

import json
import shutil

import pytest
from conftest import ROOT

from devtools.serving import serving
from sitebuild import BuildError
from sitebuild.editor import build_editor
from sitebuild.runtime import cache_dir

pytestmark = pytest.mark.e2e

# The site's policy (site_templates/page.html) without the runtime's CDN, which the editor needs
# neither for scripts nor for connections.
POLICY = (
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; "
    "style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'"
)
LABEL = "Python code of the update"
DOC = '''def discounted_returns(rewards, gamma):
    """Return G_t for every step t."""
    G_t, G = [], 0.0
    for r in reversed(rewards):  # from the last step back
        G = r + gamma * G
        G_t.append(G)
    return G_t[::-1]
'''

PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{POLICY}">
<title>The editor under the page's policy</title>
<link rel="stylesheet" href="page.css">
<link rel="icon" href="favicon.svg">
<script src="editor.js" defer></script>
<script src="harness.js" defer></script>
</head>
<body>
<button id="before" type="button">Before</button>
<div id="editor"></div>
<button id="after" type="button">After</button>
</body>
</html>
"""
# The page's colour scheme follows the reader's; a fixed height makes a long text scroll.
STYLE = """:root { color-scheme: light dark; }
body { font: 16px/1.5 system-ui, sans-serif; }
#editor .cm-editor { height: 12em; }
"""
FAVICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>'
# Creates the editor as the code figure will, and keeps what the tests read.
HARNESS = f"""window.pgChanges = [];
window.pgHandle = window.pgEditor.create(document.getElementById("editor"), {{
  doc: {json.dumps(DOC)},
  label: {json.dumps(LABEL)},
  onChange: (text) => window.pgChanges.push(text),
}});
document.documentElement.dataset.editor = "ready";
"""
# Records every CSP violation the page reports, from before any of its scripts runs.
RECORD_VIOLATIONS = """
window.pgViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.pgViolations.push([event.effectiveDirective, event.blockedURI, event.sourceFile,
                            event.lineNumber, event.sample].join(" | "));
}, true);
"""


@pytest.fixture(scope="module")
def editor_bundle():
    """The editor bundle, built into the build's cache unless it is there."""
    try:
        return build_editor(ROOT, cache_dir())
    except BuildError as error:
        pytest.fail(f"the editor does not build: {error}")


@pytest.fixture(scope="module")
def editor_folder(tmp_path_factory, editor_bundle):
    """A folder with the test page, its stylesheet and harness, and the bundle as editor.js."""
    folder = tmp_path_factory.mktemp("editor-page")
    (folder / "index.html").write_text(PAGE, encoding="utf-8")
    (folder / "page.css").write_text(STYLE, encoding="utf-8")
    (folder / "harness.js").write_text(HARNESS, encoding="utf-8")
    (folder / "favicon.svg").write_text(FAVICON, encoding="utf-8")
    shutil.copy2(editor_bundle, folder / "editor.js")
    return folder


@pytest.fixture(scope="module")
def editor_server(editor_folder):
    """The folder served over http on 127.0.0.1 (a free port)."""
    with serving(editor_folder) as url:
        yield url + "index.html"


@pytest.fixture(params=["http", "file"])
def editor_page(request, page, editor_folder):
    """The test page with the editor created, served over http or opened from disk."""
    if request.param == "http":
        url = request.getfixturevalue("editor_server")
    else:
        url = (editor_folder / "index.html").as_uri()
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(url)
    page.wait_for_selector('html[data-editor="ready"]')
    yield page
    assert page.evaluate("window.pgViolations") == [], "the editor broke the page's policy"


def value(page):
    """The editor's text, from its getValue()."""
    return page.evaluate("window.pgHandle.getValue()")


def set_value(page, text):
    """Replace the editor's text through setValue()."""
    page.evaluate("text => window.pgHandle.setValue(text)", text)


def focused(page):
    """Describe the focused element: its id, or its class for CodeMirror's content."""
    return page.evaluate("document.activeElement.id || document.activeElement.className")


def tokens(page, name):
    """The texts of the highlighted tokens of one class (tok-keyword, tok-string, ...)."""
    return page.locator(f".cm-content .tok-{name}").all_text_contents()


def line_numbers(page):
    """The line numbers the gutter shows (not its hidden element that sets the gutter's width)."""
    return page.locator(".cm-lineNumbers .cm-gutterElement").evaluate_all(
        "all => all.filter((e) => getComputedStyle(e).visibility !== 'hidden')"
        ".map((e) => e.textContent)"
    )


def colour(page, selector):
    """The computed text colour of the first element matching selector."""
    return page.locator(selector).first.evaluate("e => getComputedStyle(e).color")


def test_the_textbox_is_labelled_and_holds_the_text(editor_page):
    textbox = editor_page.get_by_role("textbox", name=LABEL)
    assert textbox.count() == 1
    assert textbox.get_attribute("aria-multiline") == "true"
    assert textbox.get_attribute("contenteditable") == "true"
    assert value(editor_page) == DOC
    assert line_numbers(editor_page) == [str(n) for n in range(1, DOC.count("\n") + 2)]
    # CodeMirror's own styles apply, from an adopted stylesheet, never a <style> element.
    assert editor_page.locator(".cm-editor").evaluate("e => getComputedStyle(e).display") == "flex"
    assert editor_page.evaluate("document.adoptedStyleSheets.length") == 1
    assert editor_page.locator("style").count() == 0


def test_python_is_highlighted_in_colours_that_follow_the_page(editor_page):
    assert {"def", "for", "in", "return"} <= set(tokens(editor_page, "keyword"))
    assert tokens(editor_page, "string") == ['"""Return G_t for every step t."""']
    assert tokens(editor_page, "number") == ["0.0", "1"]
    assert tokens(editor_page, "comment") == ["# from the last step back"]
    assert tokens(editor_page, "definition") == ["discounted_returns"]
    kinds = (".tok-keyword", ".tok-string", ".tok-number", ".tok-comment", ".tok-definition")
    light = {kind: colour(editor_page, kind) for kind in kinds}
    assert len(set(light.values())) == len(kinds), light
    assert colour(editor_page, ".cm-content") not in light.values()
    editor_page.emulate_media(color_scheme="dark")
    dark = {kind: colour(editor_page, kind) for kind in kinds}
    assert all(dark[kind] != light[kind] for kind in kinds), (light, dark)
    # The caret and the plain text take the page's ink, in either scheme.
    ink = editor_page.evaluate("getComputedStyle(document.body).color")
    assert colour(editor_page, ".cm-content") == ink
    caret = editor_page.locator(".cm-content").evaluate("e => getComputedStyle(e).caretColor")
    assert caret == ink


def test_typing_python_indents_and_reports_each_change(editor_page):
    set_value(editor_page, "")
    editor_page.get_by_role("textbox", name=LABEL).click()
    editor_page.keyboard.type("def baseline(G):")
    editor_page.keyboard.press("Enter")  # Python's indentation after a colon
    editor_page.keyboard.type("return sum(G) / len(G)")
    expected = "def baseline(G):\n    return sum(G) / len(G)"
    assert value(editor_page) == expected
    assert editor_page.evaluate("window.pgChanges.at(-1)") == expected
    assert editor_page.evaluate("window.pgChanges.length") > len(expected) // 2
    editor_page.keyboard.press("Control+z")
    assert value(editor_page) != expected  # the history undoes typing


def test_tab_indents_and_escape_then_tab_leaves(editor_page):
    set_value(editor_page, "x = 1\ny = 2")
    editor_page.evaluate("window.pgHandle.focus()")
    editor_page.keyboard.press("Control+Home")
    editor_page.keyboard.press("Tab")
    assert value(editor_page) == "    x = 1\ny = 2"
    assert focused(editor_page) == "cm-content"
    editor_page.keyboard.press("Shift+Tab")
    assert value(editor_page) == "x = 1\ny = 2"
    assert focused(editor_page) == "cm-content"
    editor_page.keyboard.press("Escape")
    editor_page.keyboard.press("Tab")
    assert focused(editor_page) == "after"
    assert value(editor_page) == "x = 1\ny = 2"
    editor_page.keyboard.press("Shift+Tab")
    assert focused(editor_page) == "cm-content"
    editor_page.keyboard.press("Escape")
    editor_page.keyboard.press("Shift+Tab")
    assert focused(editor_page) == "before"


def test_set_value_replaces_the_text_and_reports_only_real_changes(editor_page):
    set_value(editor_page, "theta = [0.0] * 4")
    assert value(editor_page) == "theta = [0.0] * 4"
    assert editor_page.evaluate("window.pgChanges") == ["theta = [0.0] * 4"]
    set_value(editor_page, "theta = [0.0] * 4")
    assert editor_page.evaluate("window.pgChanges.length") == 1
    assert editor_page.locator(".cm-content").inner_text().strip() == "theta = [0.0] * 4"


def test_brackets_match_and_a_long_text_scrolls_and_selects(editor_page):
    set_value(editor_page, "print((1 + 2) * 3)")
    editor_page.evaluate("window.pgHandle.focus()")
    editor_page.keyboard.press("Control+Home")
    for _ in range(len("print(")):
        editor_page.keyboard.press("ArrowRight")
    assert editor_page.locator(".cm-matchingBracket").all_text_contents() == ["(", ")"]

    lines = [f"step_{n} = {n} * gamma  # line {n + 1}" for n in range(200)]
    set_value(editor_page, "\n".join(lines))
    assert "1" in line_numbers(editor_page) and "200" not in line_numbers(editor_page)
    editor_page.locator(".cm-scroller").hover()
    for _ in range(40):
        editor_page.mouse.wheel(0, 400)
    # CodeMirror draws the lines (and their numbers) of the new viewport after the scroll.
    editor_page.wait_for_function(
        """() => [...document.querySelectorAll('.cm-lineNumbers .cm-gutterElement')]
             .some((e) => e.textContent === '200' && getComputedStyle(e).visibility !== 'hidden')"""
    )
    assert editor_page.evaluate("document.querySelector('.cm-scroller').scrollTop") > 0
    assert "1" not in line_numbers(editor_page)
    editor_page.keyboard.press("Control+End")
    editor_page.keyboard.press("Shift+ArrowUp")
    editor_page.keyboard.press("Shift+ArrowUp")
    selected = editor_page.evaluate("document.getSelection().toString()")
    assert "line 199" in selected and "line 200" in selected
    editor_page.keyboard.press("Control+a")
    editor_page.keyboard.press("Delete")
    assert value(editor_page) == ""


def test_destroy_removes_the_editor_and_create_works_again(editor_page):
    editor_page.evaluate("window.pgHandle.destroy()")
    assert editor_page.locator("#editor").evaluate("e => e.children.length") == 0
    editor_page.evaluate(
        """label => { window.pgHandle = window.pgEditor.create(
             document.getElementById("editor"), {doc: "pi = softmax(theta)", label}); }""",
        "Python code of the policy",
    )
    assert editor_page.get_by_role("textbox", name="Python code of the policy").count() == 1
    assert value(editor_page) == "pi = softmax(theta)"


def test_the_recorder_sees_what_the_policy_refuses(page, editor_server, console_errors):
    # The zero-violation checks above mean something only if a refused style is reported.
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(editor_server)
    page.wait_for_selector('html[data-editor="ready"]')
    page.evaluate(
        """() => {
             const style = document.createElement("style");
             style.textContent = ".cm-editor { color: red; }";
             document.head.append(style);
             document.body.setAttribute("style", "color: red");
           }"""
    )
    page.wait_for_function("window.pgViolations.length >= 2")
    directives = sorted(v.split(" | ")[0] for v in page.evaluate("window.pgViolations"))
    assert directives == ["style-src-attr", "style-src-elem"]
    assert all("Content Security Policy" in error for error in console_errors)
    console_errors.clear()
