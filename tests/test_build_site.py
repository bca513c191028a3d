"""The site as built from the fixtures: sections and figures in place, MathML, relative URLs that
resolve, the runtime packs that decode to the pinned files, and figures rendered from pgcore."""

import base64
import gzip
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from conftest import FIXTURES, ROOT, build_site, copy_project

from pgcore.figure import DEFAULT_SPEED, SPEEDS, slider_from_lr, speed_text
from sitebuild.frontmatter import parse_front_matter, split_front_matter
from sitebuild.gather import parse_sections
from sitebuild.markup import RAW_COMMAND
from sitebuild.runtime import PAGE_FILES, read_runtime_pins

PACKAGE, VERSION, PINS = read_runtime_pins(ROOT / "pyproject.toml")
NAMESPACES = ("http://www.w3.org/2000/svg", "http://www.w3.org/1998/Math/MathML")
HASHED = re.compile(r"(?P<stem>.+)\.(?P<hash>[0-9a-f]{8})(?P<suffix>\.[a-z0-9]+)$")


class Page(HTMLParser):
    """The parts of a page these tests read: ids, URL attributes, scripts, prose, figures."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.ids, self.urls, self.scripts, self.text, self.skip = [], [], [], [], []
        self.order = []  # section ids and figure ids, in document order
        self.figures = []  # the attributes of every figure root
        self.controls = {}  # (figure id, data-pg) -> attributes of the control
        self.figure = None
        self.canonical = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "section":
            self.order.append(attrs.get("id"))
        if attrs.get("data-widget"):
            self.order.append(attrs["id"])
            self.figures.append(attrs)
            self.figure = attrs["id"]
        if self.figure and "data-pg" in attrs and tag in ("input", "button", "output"):
            key = (self.figure, attrs["data-pg"])
            self.controls.setdefault(key, []).append(attrs)
        if tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs["href"]  # the page's published address: named, never loaded
            return
        for name in ("href", "src"):
            if attrs.get(name) is not None:
                self.urls.append((tag, name, attrs[name]))
        if tag == "script":
            self.scripts.append(attrs)
        if tag in ("script", "style", "code", "pre", "math"):
            self.skip.append(tag)

    def handle_endtag(self, tag):
        if self.skip and self.skip[-1] == tag:
            self.skip.pop()
        if tag == "figure":
            self.figure = None

    def handle_data(self, data):
        if not self.skip:
            self.text.append(data)


@pytest.fixture(scope="module")
def index(site):
    """The explainer fixture's index.html, parsed."""
    return Page((site / "index.html").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def many(figures_site):
    """The figures fixture's index.html, parsed."""
    return Page((figures_site / "index.html").read_text(encoding="utf-8"))


def fixture_article(name):
    """A fixture article's front matter and sections."""
    path = FIXTURES / name / "content" / "policy-gradients.md"
    front_text, body, first_line = split_front_matter(path.read_text(encoding="utf-8"), path)
    front, _ = parse_front_matter(front_text, path)
    return front, parse_sections(body, first_line, path)


def files_of(site):
    """Every output file, relative to the site root, as a posix path."""
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


def loader_settings(site):
    """The runtime settings build.py wrote into the loader."""
    (loader,) = site.glob("assets/loader.*.js")
    match = re.search(r"var RUNTIME = (\{.*?\});\n", loader.read_text(encoding="utf-8"))
    return loader, json.loads(match.group(1))


def unpack(pack_file):
    """The bytes a runtime pack carries, decoded as the worker decodes them."""
    text = pack_file.read_text(encoding="ascii")
    record = json.loads(re.search(r"\] = (\{.*\});\n$", text).group(1))
    data = base64.b64decode(record["b64"])
    return gzip.decompress(data) if record["gzip"] else data


def test_sections_and_figures_are_on_the_page_in_article_order(index, many):
    _, sections = fixture_article("explainer")
    ids = {s.id for s in sections} | {"figure-1"}
    assert [i for i in index.order if i in ids] == [
        sections[0].id,
        "figure-1",
        *(s.id for s in sections[1:]),
    ]
    assert index.order[-4:] == ["gradient", "legend", "where-youve-seen-this", "further-reading"]
    assert many.order == [
        "two-grids",
        "small-grid",
        "figure-2",
        "a-gaussian",
        "figure-3",
        "the-explainer",
        "figure-4",
    ]


def test_every_id_on_the_page_is_unique(index, many):
    for page in (index, many):
        assert len(page.ids) == len(set(page.ids)), sorted(
            i for i in page.ids if page.ids.count(i) > 1
        )


def test_each_figure_is_its_kind_with_its_own_settings(many):
    kinds = [(f["id"], f["data-widget"], f["data-state"]) for f in many.figures]
    assert kinds == [
        ("small-grid", "gridworld", "static"),
        ("figure-2", "gridworld", "static"),
        ("figure-3", "gaussian", "static"),
        ("figure-4", "policy-gradient", "static"),
    ]
    configs = {f["id"]: json.loads(f["data-config"]) for f in many.figures}
    assert configs["small-grid"]["rows"] == 2 and configs["figure-2"]["walls"] == [[1, 1]]
    assert configs["figure-3"]["target"] == [-0.5, 0.4]


def test_static_controls_show_each_figures_own_settings(many):
    """Before Python starts (or without it) the controls say what the article set."""
    for figure_id, lr, baseline in (
        ("small-grid", 0.01, None),
        ("figure-2", 2.0, None),
        ("figure-3", 0.5, True),
        ("figure-4", 1.0, True),
    ):
        (slider,) = many.controls[(figure_id, "lr")]
        assert int(slider["value"]) == slider_from_lr(lr), figure_id
        assert slider["id"] == f"{figure_id}-lr" and "disabled" in slider
        if baseline is not None:  # the Gaussian's switch (the grids choose an algorithm)
            (switch,) = many.controls[(figure_id, "baseline")]
            assert ("checked" in switch) == baseline, figure_id
    (speed,) = many.controls[("small-grid", "speed")]
    assert int(speed["value"]) == DEFAULT_SPEED and int(speed["max"]) == len(SPEEDS) - 1


def test_static_readouts_come_from_the_first_frame(figures_site):
    html = (figures_site / "index.html").read_text(encoding="utf-8")
    small = html[html.index('id="small-grid"') : html.index('id="figure-2"')]
    assert "\u03b1 = 0.01" in small and speed_text(DEFAULT_SPEED) in small
    assert '<option value="reinforce" selected>REINFORCE</option>' in small
    assert re.search(r'data-pg="lam-group"[^>]* hidden', small), "REINFORCE uses no lambda"
    gaussian = html[html.index('id="figure-3"') : html.index('id="figure-4"')]
    assert "(-0.500, +0.400)" in gaussian  # the target readout


def test_math_is_mathml_and_no_latex_is_left(site, index):
    front, _ = fixture_article("explainer")
    html = (site / "index.html").read_text(encoding="utf-8")
    formulas = 1 + len(front["gradient"]["glossary"])
    assert html.count('<math xmlns="http://www.w3.org/1998/Math/MathML"') >= formulas
    assert html.count('display="block"') >= 1
    prose = "".join(index.text)
    assert not RAW_COMMAND.search(prose), RAW_COMMAND.search(prose)
    assert not re.search(r"\$[^$\s][^$]*[\\^_{}][^$]*\$", prose)


def test_every_local_url_resolves(site, index):
    files = files_of(site)
    for tag, attribute, url in index.urls:
        parts = urlsplit(url)
        if parts.scheme:
            continue
        if parts.path:
            assert unquote(parts.path) in files, f"<{tag} {attribute}={url}>"
        if parts.fragment and not parts.path:
            assert parts.fragment in index.ids, f"<{tag} {attribute}={url}>"


def test_the_runtime_packs_carry_the_pinned_files(site, runtime_dir):
    loader, settings = loader_settings(site)
    base = loader.relative_to(site).as_posix()
    assert set(settings["files"]) == set(PAGE_FILES)
    for name, entry in [*settings["files"].items(), (settings["wheel"]["name"], settings["wheel"])]:
        data = unpack(site / urljoin(base, entry["url"]))
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], name
        if name in PAGE_FILES:
            assert (
                entry["sha256"]
                == PINS[name]
                == hashlib.sha256((runtime_dir / name).read_bytes()).hexdigest()
            )
    assert not (site / "pyodide").exists(), "the runtime ships only as packs"


def test_the_lock_names_the_wheel_the_worker_unpacks(site, runtime_dir):
    _, settings = loader_settings(site)
    lock = settings["lock"]
    original = json.loads((runtime_dir / "pyodide-lock.json").read_text(encoding="utf-8"))
    assert lock["info"] == original["info"]
    assert set(lock["packages"]) == {"pgcore"}
    entry = lock["packages"]["pgcore"]
    assert entry["file_name"] == settings["wheel"]["name"]
    assert entry["sha256"] == settings["wheel"]["sha256"]
    assert entry["depends"] == [] and entry["imports"] == ["pgcore"]
    assert re.fullmatch(r"pgcore-[\d.]+-py3-none-any\.whl", settings["wheel"]["name"])


def test_stylesheet_urls_resolve(site):
    files = files_of(site)
    for css in site.glob("assets/**/*.css"):
        base = css.relative_to(site).as_posix()
        for target in re.findall(r"""url\(\s*['"]?([^'")]+)""", css.read_text(encoding="utf-8")):
            if not target.startswith(("data:", "#")):
                assert urljoin(base, target.split("#")[0]) in files, f"{css.name}: {target}"


def test_nothing_is_loaded_from_elsewhere(site, index):
    for tag, attribute, url in index.urls:
        assert not url.startswith("/"), f"<{tag} {attribute}={url}>"
        if tag != "a":  # links out to references are prose; nothing else may leave the site
            assert not urlsplit(url).scheme, f"<{tag} {attribute}={url}>"
    for file in [*site.glob("assets/*.js"), *site.glob("assets/*.css")]:
        for url in re.findall(r"https?://[^\s\"'`)]+", file.read_text(encoding="utf-8")):
            assert url.startswith(NAMESPACES), f"{file.name}: {url}"


def test_the_policy_allows_no_connection_and_no_third_party(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html).group(1)
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["connect-src"] == "'none'"
    assert directives["worker-src"] == "blob:"
    assert directives["script-src"] == "'self' 'wasm-unsafe-eval' blob:"
    assert "http" not in policy


def test_no_inline_scripts_or_styles(site, index):
    html = (site / "index.html").read_text(encoding="utf-8")
    assert all(script.get("src") for script in index.scripts)
    assert " style=" not in html and "<style" not in html
    assert "__pgsite" not in html, "livereload belongs to --serve only"


def test_assets_have_content_hashed_names(site):
    sources = {
        p.relative_to(ROOT / "site_templates/assets").as_posix()
        for p in (ROOT / "site_templates/assets").rglob("*")
        if p.is_file()
    }
    shipped = set()
    for file in (site / "assets").rglob("*.*"):
        match = HASHED.match(file.name)
        assert match, file.name
        shipped.add(match["stem"] + match["suffix"])
        if match["stem"] in PAGE_FILES:  # a runtime pack is named by its pinned file's sha256
            assert match["hash"] == PINS[match["stem"]][:8], file.name
        else:
            assert match["hash"] == hashlib.sha256(file.read_bytes()).hexdigest()[:8], file.name
    assert sources <= shipped


def test_nojekyll(site):
    assert (site / ".nojekyll").is_file()


def test_figures_are_prerendered_from_pgcore(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    for pg in ("static", "curve-static"):
        svg = re.search(rf'<svg[^>]*data-pg="{pg}"[^>]*>(.*?)</svg>', html, re.S)
        assert svg and re.search(r'class="[^"]*\bf-', svg.group(1)), pg


def test_equal_sources_build_to_equal_sites(site, tmp_path):
    root = copy_project(tmp_path / "again")
    result = build_site(root, tmp_path / "out")
    assert result.returncode == 0, result.stderr

    def digest(folder):
        return {
            p.relative_to(folder): hashlib.sha256(p.read_bytes()).digest()
            for p in Path(folder).rglob("*")
            if p.is_file()
        }

    assert digest(site) == digest(tmp_path / "out")
