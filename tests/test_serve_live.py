"""`build.py --serve` without a browser: the site from memory, the long poll, and each page's shape.

The shape of a page is everything but its prose; the page swaps its prose in place while the
shape stays, and reloads when it changes. Here the shapes come from real builds of the fixture
(sitebuild.cli.make, in memory), edited the way an author edits.
"""

import http.client
import json
import sys
import threading
from functools import partial

import pytest
from conftest import copy_project
from test_build_errors import ARTICLE, edit

from sitebuild import render, serve
from sitebuild.cli import make
from sitebuild.httpd import PooledHTTPServer
from sitebuild.serve import BuildState, DevHandler, page_shapes, site_path

PAGE = b"<!doctype html><html><body><p>hello</p></body></html>"


@pytest.fixture
def served():
    """A dev server on a free port over a BuildState; yield (state, port)."""
    state = BuildState()
    state.publish(
        {"index.html": PAGE, "a/index.html": PAGE, "assets/x.1234abcd.css": b"p{}"},
        {"index.html": "shape-home", "a/index.html": "shape-a"},
    )
    server = PooledHTTPServer(("127.0.0.1", 0), partial(DevHandler, state))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield state, server.server_port
    server.shutdown()
    server.server_close()


def get(port, path, method="GET"):
    """Request a path; return (status, headers, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_pages_come_from_memory_with_the_live_reload_script(served):
    state, port = served
    status, headers, body = get(port, "/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    script = b'<script src="/__pgsite/livereload.js" data-build="1" data-shape="shape-home" defer>'
    assert script in body and body.index(script) < body.index(b"</body>")
    _, _, body = get(port, "/a/")
    assert b'data-shape="shape-a"' in body
    status, headers, body = get(port, "/assets/x.1234abcd.css")
    assert (status, body, headers["Content-Type"]) == (200, b"p{}", "text/css")
    assert "immutable" in headers["Cache-Control"]
    assert get(port, "/nothing.html")[0] == 404
    status, headers, body = get(port, "/", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > len(PAGE)


def test_the_long_poll_answers_at_the_next_build(served):
    state, port = served
    timer = threading.Timer(0.3, state.publish, ({"index.html": PAGE}, {"index.html": "new"}))
    timer.start()
    _, _, body = get(port, "/__pgsite/wait?after=1&page=/")
    assert json.loads(body) == {"build": 2, "error": False, "shape": "new"}
    _, _, body = get(port, "/__pgsite/wait?after=1&page=/index.html")  # already past: at once
    assert json.loads(body)["build"] == 2


def test_the_long_poll_gives_up_after_a_while(served, monkeypatch):
    monkeypatch.setattr(serve, "WAIT_SECONDS", 0.2)
    _, port = served
    _, _, body = get(port, "/__pgsite/wait?after=1&page=/a/")
    assert json.loads(body) == {"build": 1, "error": False, "shape": "shape-a"}


def test_while_the_build_fails_pages_show_the_error(served):
    state, port = served
    state.publish(error="build.py: error: content/a.md:3: a <mistake>")
    status, _, body = get(port, "/a/index.html")
    assert status == 200 and b"content/a.md:3: a &lt;mistake&gt;" in body
    assert b'data-build="2"' in body
    assert get(port, "/assets/x.1234abcd.css")[2] == b"p{}"  # the last good build's files
    _, _, body = get(port, "/__pgsite/wait?after=1&page=/")
    assert json.loads(body)["error"] is True


def test_urls_name_the_site_files():
    assert site_path("/") == "index.html"
    assert site_path("/contents/") == "contents/index.html"
    assert site_path("/a%20b/x.js") == "a b/x.js"


@pytest.fixture(scope="module")
def project(tmp_path_factory, runtime_dir):
    """A copy of the project on the explainer fixture, built in memory by the tests.

    The build imports the copy's own pgcore (as --serve does after an edit); the suite's pgcore
    modules are set aside meanwhile and put back after.
    """
    root = copy_project(tmp_path_factory.mktemp("shapes"))
    ours = {name: sys.modules.pop(name) for name in list(sys.modules) if _is_pgcore(name)}
    yield root
    for name in [name for name in sys.modules if _is_pgcore(name)]:
        del sys.modules[name]
    sys.modules.update(ours)
    while str(root) in sys.path:
        sys.path.remove(str(root))


def _is_pgcore(name):
    """Tell whether a module name is pgcore or one of its modules."""
    return name.split(".")[0] == "pgcore"


def shapes_after(root, change=None):
    """Apply change(root), build in memory, and return the page shapes (then undo the change)."""
    saved = {path: path.read_bytes() for path in root.rglob("*") if path.is_file()}
    try:
        if change:
            change(root)
        return page_shapes(*make(root))
    finally:
        for path, data in saved.items():
            path.write_bytes(data)


def test_a_prose_edit_keeps_the_shape_and_anything_else_changes_it(project):
    before = shapes_after(project)
    assert set(before) == {"index.html", "contents/index.html"}

    def prose(root):
        edit(root, ARTICLE, "## Why it matters\n", "## Why it matters\n\nA new paragraph.\n")
        edit(root, ARTICLE, 'title = "Fixture', 'title = "Edited fixture')

    assert shapes_after(project, prose) == before
    for change in (
        lambda root: edit(root, ARTICLE, "seed = 7", "seed = 8"),  # a figure's settings
        lambda root: edit(root, "site_templates/base.html", "<body>", "<body>\n<p>x</p>"),
        lambda root: edit(root, "site_templates/assets/style.css", ".t {", ".t { color: red; "),
    ):
        after = shapes_after(project, change)
        assert after["index.html"] != before["index.html"]


def test_a_rebuild_in_the_same_process_renders_only_what_changed(project, monkeypatch):
    memo = {}
    make(project, memo=memo)
    rendered = []
    real = render.page_renderer

    def counting(*args, **kwargs):
        rendered.append(args[5])  # the template
        return real(*args, **kwargs)

    monkeypatch.setattr(render, "page_renderer", counting)
    _, first = make(project, memo=memo)
    assert rendered == []  # nothing changed: every page from the memo
    edit(project, ARTICLE, "## Why it matters\n", "## Why it matters\n\nMore prose.\n")
    try:
        _, second = make(project, memo=memo)
    finally:
        edit(project, ARTICLE, "## Why it matters\n\nMore prose.\n", "## Why it matters\n")
    assert sorted(rendered) == ["contents.html", "page.html"]
    assert b"More prose." in second["index.html"] and b"More prose." not in first["index.html"]
    assert second.keys() == first.keys()


def test_a_changed_linked_file_renders_its_pages_again(project):
    memo, image = {}, project / "content" / "grid.svg"
    image.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    edit(project, ARTICLE, "## Why it matters\n", "## Why it matters\n\n![A grid](grid.svg)\n")
    try:
        _, first = make(project, memo=memo)
        image.write_text("<svg xmlns='http://www.w3.org/2000/svg' width='2'/>", encoding="utf-8")
        _, second = make(project, memo=memo)
    finally:
        edit(project, ARTICLE, "\n![A grid](grid.svg)\n", "")
        image.unlink()
    (old,) = [name for name in first if name.startswith("media/grid.")]
    (new,) = [name for name in second if name.startswith("media/grid.")]
    assert old != new and f'src="{new}"'.encode() in second["index.html"]
