"""The real site as built: every section, MathML, relative URLs that resolve, the runtime."""

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from conftest import ROOT, build_site

from sitebuild.frontmatter import parse_front_matter, split_front_matter
from sitebuild.gather import ARTICLE, parse_sections
from sitebuild.markup import RAW_COMMAND
from sitebuild.runtime import PAGE_FILES, read_runtime_pins, sri

PACKAGE, VERSION, PINS = read_runtime_pins(ROOT / "pyproject.toml")
CDN = f"https://cdn.jsdelivr.net/npm/{PACKAGE}@{VERSION}/"
NAMESPACES = ("http://www.w3.org/2000/svg", "http://www.w3.org/1998/Math/MathML")
HASHED = re.compile(r"(?P<stem>.+)\.(?P<hash>[0-9a-f]{8})(?P<suffix>\.[a-z0-9]+)$")


class Page(HTMLParser):
    """The parts of a page these tests read: ids, URL attributes, scripts, prose text."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.ids, self.urls, self.scripts, self.text, self.skip = set(), [], [], [], []
        self.section_order = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "section" or attrs.get("data-widget"):
            self.section_order.append(attrs.get("id") or "figure")
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

    def handle_data(self, data):
        if not self.skip:
            self.text.append(data)


@pytest.fixture(scope="module")
def index(site):
    """The built index.html, parsed."""
    return Page((site / "index.html").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def article():
    """The real article's front matter and sections."""
    text = (ROOT / ARTICLE).read_text(encoding="utf-8")
    front_text, body, first_line = split_front_matter(text, ARTICLE)
    front, _ = parse_front_matter(front_text, ARTICLE)
    return front, parse_sections(body, first_line, ARTICLE)


def files_of(site):
    """Every output file, relative to the site root, as a posix path."""
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


def loader_settings(site):
    """The runtime settings build.py wrote into the loader."""
    (loader,) = site.glob("assets/loader.*.js")
    match = re.search(r"var RUNTIME = (\{.*?\});", loader.read_text(encoding="utf-8"))
    return loader, json.loads(match.group(1))


def test_every_section_of_the_article_is_on_the_page_in_order(index, article):
    front, sections = article
    ids = [section.id for section in sections]
    on_page = [name for name in index.section_order if name in ids or name == "figure"]
    expected = []
    for section_id in ids:
        expected.append(section_id)
        if section_id == front["figure_after"]:
            expected.append("figure")
    assert on_page == expected


def test_math_is_mathml_and_no_latex_is_left(site, index, article):
    front, _ = article
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


def test_the_loader_urls_resolve(site):
    loader, settings = loader_settings(site)
    base = loader.relative_to(site).as_posix()
    files = files_of(site)
    assert urljoin(base, settings["lock_url"]) in files
    assert urljoin(base, settings["wheel_js"]) in files
    index = urljoin(base, settings["index_url"])
    assert {index + name for name in PAGE_FILES} <= files
    assert settings["cdn_url"] == CDN


def test_stylesheet_urls_resolve(site):
    files = files_of(site)
    for css in site.glob("assets/**/*.css"):
        base = css.relative_to(site).as_posix()
        for target in re.findall(r"""url\(\s*['"]?([^'")]+)""", css.read_text(encoding="utf-8")):
            if not target.startswith(("data:", "#")):
                assert urljoin(base, target.split("#")[0]) in files, f"{css.name}: {target}"


def test_no_root_absolute_or_external_urls_except_the_pinned_cdn(site, index):
    for tag, attribute, url in index.urls:
        assert not url.startswith("/"), f"<{tag} {attribute}={url}>"
        if tag != "a":  # links out to references are prose; nothing else may leave the site
            assert not urlsplit(url).scheme, f"<{tag} {attribute}={url}>"
    for file in [*site.glob("assets/*.js"), *site.glob("assets/*.css")]:
        for url in re.findall(r"https?://[^\s\"'`)]+", file.read_text(encoding="utf-8")):
            assert url.startswith(CDN) or url.startswith(NAMESPACES), f"{file.name}: {url}"


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
    for file in (site / "assets").glob("*.*"):
        match = HASHED.match(file.name)
        assert match, file.name
        assert match["hash"] == hashlib.sha256(file.read_bytes()).hexdigest()[:8], file.name
        shipped.add(match["stem"] + match["suffix"])
    assert sources <= shipped
    (wheel,) = site.glob("assets/wheels/*/*.whl")
    assert wheel.parent.name == hashlib.sha256(wheel.read_bytes()).hexdigest()[:8]
    assert re.fullmatch(r"pgcore-[\d.]+-py3-none-any\.whl", wheel.name)


def test_nojekyll(site):
    assert (site / ".nojekyll").is_file()


def test_runtime_is_the_pinned_files_and_nothing_else(site):
    folder = site / "pyodide" / VERSION
    assert sorted(p.name for p in folder.iterdir()) == sorted(PAGE_FILES)
    for name in PAGE_FILES:
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == PINS[name], name


def test_lock_names_the_wheel_where_pyodide_looks_for_it(site, runtime_dir):
    _, settings = loader_settings(site)
    lock_path = site / "assets" / settings["lock_url"]
    lock = json.loads(lock_path.read_text(encoding="utf-8"))
    original = json.loads((runtime_dir / "pyodide-lock.json").read_text(encoding="utf-8"))
    assert lock["info"] == original["info"]
    assert set(lock["packages"]) == {"pgcore"}
    entry = lock["packages"]["pgcore"]
    # Pyodide resolves file_name against the lock's own folder (its default packageBaseUrl).
    wheel = lock_path.parent / entry["file_name"]
    assert wheel.is_file()
    assert hashlib.sha256(wheel.read_bytes()).hexdigest() == entry["sha256"]
    assert entry["depends"] == [] and entry["imports"] == ["pgcore"]


def test_file_fallback_embeds_the_same_wheel(site):
    _, settings = loader_settings(site)
    script = (site / "assets" / settings["wheel_js"]).read_text(encoding="utf-8")
    payload = json.loads(re.search(r"globalThis\.pgcoreWheel = (\{.*\});", script).group(1))
    (wheel,) = site.glob("assets/wheels/*/*.whl")
    data = base64.b64decode(payload["b64"])
    assert data == wheel.read_bytes() and payload["file"] == wheel.name
    assert payload["sha256"] == hashlib.sha256(data).hexdigest()


def test_cdn_fallback_is_pinned_by_subresource_integrity(site, runtime_dir):
    _, settings = loader_settings(site)
    assert settings["integrity"] == sri(runtime_dir / "pyodide.js")
    assert settings["integrity"].startswith("sha384-")


def test_the_widget_is_prerendered_from_pgcore(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    figure = re.search(r'<figure[^>]*data-widget="policy-gradient"[^>]*>', html).group(0)
    config = re.search(r'data-config="([^"]*)"', figure).group(1)
    assert json.loads(config.replace("&#34;", '"').replace("&quot;", '"'))["rows"] >= 2
    for pg in ("static", "curve-static"):
        svg = re.search(rf'<svg[^>]*data-pg="{pg}"[^>]*>(.*?)</svg>', html, re.S)
        assert svg and re.search(r'class="[^"]*\bf-', svg.group(1)), pg


def test_equal_sources_build_to_equal_sites(site, tmp_path):
    result = build_site(ROOT, tmp_path / "again")
    assert result.returncode == 0, result.stderr

    def digest(folder):
        return {
            p.relative_to(folder): hashlib.sha256(p.read_bytes()).digest()
            for p in Path(folder).rglob("*")
            if p.is_file()
        }

    assert digest(site) == digest(tmp_path / "again")
