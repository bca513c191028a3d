"""The page's Content-Security-Policy: what it allows, that it holds, that the figure needs no more.

The policy is a <meta> in page.html. The figures' worker is a blob: worker, so it runs under the
same policy (a worker loaded from a URL would not). Every browser test here records each
`securitypolicyviolation` event from before the first script runs, and every console message
(the worker's included) that mentions the policy, while the figure boots, trains and shows every
mode.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from conftest import READY

pytestmark = pytest.mark.e2e

FIGURE = '[data-widget="policy-gradient"]'

# Records every CSP violation the page reports, from before any of its scripts runs.
RECORD_VIOLATIONS = """
window.pgViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.pgViolations.push([event.effectiveDirective, event.blockedURI, event.sourceFile,
                            event.lineNumber, event.sample].join(" | "));
}, true);
"""


def expected_policy():
    """The policy as shipped, directive by directive."""
    return {
        "default-src": ["'none'"],
        "script-src": ["'self'", "'wasm-unsafe-eval'", "blob:"],
        "worker-src": ["blob:"],
        "connect-src": ["'none'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "base-uri": ["'none'"],
        "form-action": ["'none'"],
    }


class HeadParser(HTMLParser):
    """The start tags of a page in order, with their attributes, and inline script text."""

    def __init__(self):
        super().__init__()
        self.tags, self.inline_code, self.in_script = [], [], False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self.in_script = tag == "script"

    def handle_endtag(self, tag):
        self.in_script = False

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.inline_code.append(data)


def parse_policy(content):
    """{directive: [sources]} of a CSP string."""
    policy = {}
    for directive in filter(None, (part.strip() for part in content.split(";"))):
        name, *sources = directive.split()
        policy[name] = sources
    return policy


def test_the_page_carries_the_strict_policy_before_anything_it_loads(site):
    parser = HeadParser()
    parser.feed((site / "index.html").read_text(encoding="utf-8"))
    tags = parser.tags
    metas = [a for t, a in tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert len(metas) == 1
    assert parse_policy(metas[0]["content"]) == expected_policy()
    position = next(i for i, (t, a) in enumerate(tags) if a is metas[0])
    assert all(t not in ("script", "link", "style") for t, _ in tags[:position])
    assert "unsafe-inline" not in metas[0]["content"]
    assert "'unsafe-eval'" not in metas[0]["content"]
    # Nothing inline for the policy to refuse: every script is a file of the site.
    assert parser.inline_code == []
    for tag, attrs in tags:
        assert tag != "style" and "style" not in attrs, (tag, attrs)
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        if tag == "script":
            assert not urlsplit(attrs["src"]).scheme, attrs


def watch(page):
    """Record violations, console messages about the policy, and every request of the page."""
    seen = {"requests": [], "console": []}
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("request", lambda request: seen["requests"].append(request.url))
    page.on(
        "console",
        lambda m: "Content Security Policy" in m.text and seen["console"].append(m.text),
    )
    return seen


def violations(page, seen):
    """Every violation reported so far, by event or on the console."""
    return page.evaluate("window.pgViolations") + seen["console"]


def frames(page, count=3):
    """Let the page draw a few animation frames."""
    page.evaluate(
        """n => new Promise(done => { const tick = () => (--n ? requestAnimationFrame(tick)
        : done()); requestAnimationFrame(tick); })""",
        count,
    )


def exercise_every_mode(page):
    """Boot, then train and touch every control in every mode, as a reader might."""
    page.wait_for_selector(READY, timeout=60_000)
    assert page.get_attribute(FIGURE, "data-state") == "ready"
    page.locator("details:has([data-pg='policy-table'])").evaluate("d => { d.open = true; }")
    page.locator("[data-pg='speed']").fill("6")
    page.click("[data-pg='train']")
    for mode in ("trajectories", "continuous", "policy"):
        page.locator(f"[data-pg-event='mode'][value='{mode}']").click()
        page.wait_for_timeout(600)
        canvas = page.locator("[data-pg='canvas']")
        box = canvas.bounding_box()
        page.mouse.click(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.8)
        if mode == "continuous":
            canvas.focus()
            page.keyboard.press("ArrowLeft")
    page.locator("[data-pg='lr']").fill("60")
    page.locator("[data-pg='algorithm']").select_option("ppo")
    page.locator("[data-pg-event='goal']").first.click()
    page.click("[data-pg='step']")
    page.click("[data-pg='reset']")
    page.click("[data-pg='train']")
    page.wait_for_timeout(600)
    page.click("[data-pg='train']")
    frames(page)
    assert page.get_attribute(FIGURE, "data-state") == "ready"


def test_served_boot_training_and_every_mode_break_no_rule_and_stay_on_the_site(page, server_url):
    seen = watch(page)
    page.goto(server_url)
    exercise_every_mode(page)
    assert violations(page, seen) == []
    origin = urlsplit(server_url)
    foreign = [
        url
        for url in seen["requests"]
        if urlsplit(url.removeprefix("blob:"))[:2] != (origin.scheme, origin.netloc)
    ]
    assert foreign == [], "served over http, the page asks nothing of any other origin"
    assert len(seen["requests"]) >= 8  # the page, its assets, the runtime and the wheel


def test_from_disk_nothing_is_loaded_but_the_sites_own_files(page, site):
    seen = watch(page)
    page.goto((site / "index.html").as_uri())
    exercise_every_mode(page)
    assert violations(page, seen) == []
    assert all(url.startswith(("file://", "blob:")) for url in seen["requests"]), seen["requests"]


def test_the_worker_runs_under_the_pages_policy(page, server_url, console_errors):
    seen = watch(page)
    page.goto(server_url)
    page.wait_for_selector(READY, timeout=60_000)
    (worker,) = page.workers
    assert worker.url.startswith("blob:")
    outcome = worker.evaluate(
        """async () => {
        const refused = [];
        self.addEventListener("securitypolicyviolation", (e) => refused.push(e.effectiveDirective));
        let fetched = "yes";
        try { await fetch("https://example.org/"); } catch (error) { fetched = "refused"; }
        let imported = "yes";
        try { importScripts("https://example.org/x.js"); } catch (error) { imported = "refused"; }
        await new Promise((done) => setTimeout(done, 100));
        return {fetched, imported, refused: refused.sort()};
        }"""
    )
    assert outcome == {
        "fetched": "refused",
        "imported": "refused",
        "refused": ["connect-src", "script-src-elem"],
    }
    assert not any(url.startswith("https://example.org") for url in seen["requests"])
    console_errors.clear()  # the refusals this test provoked


def test_the_policy_refuses_inline_code_styles_and_other_origins(page, server_url, console_errors):
    seen = watch(page)
    page.goto(server_url)
    page.wait_for_selector(READY, timeout=60_000)
    outcome = page.evaluate(
        """async () => {
        const script = document.createElement("script");
        script.textContent = "window.pgInjected = 'inline script'";
        document.body.appendChild(script);
        const button = document.createElement("button");
        button.setAttribute("onclick", "window.pgInjected = 'handler'");
        document.body.appendChild(button);
        button.click();
        setTimeout("window.pgInjected = 'string timer'", 0);
        let fetched = "yes";
        try { await fetch("https://example.org/"); } catch (error) { fetched = "refused"; }
        new Image().src = "https://example.org/pixel.png";
        const div = document.createElement("div");
        div.setAttribute("style", "width: 123px");
        document.body.appendChild(div);
        await new Promise(done => setTimeout(done, 200));
        return {injected: window.pgInjected || null, fetched,
                styled: getComputedStyle(div).width === '123px'};
        }"""
    )
    assert outcome == {"injected": None, "fetched": "refused", "styled": False}
    directives = {v.split(" | ")[0] for v in page.evaluate("window.pgViolations")}
    assert {"script-src-elem", "script-src-attr", "script-src", "connect-src", "img-src"} <= (
        directives
    ), directives
    assert "style-src-attr" in directives
    assert seen["console"]  # Chromium says so on the console too
    console_errors.clear()  # the refusals this test provoked


def test_without_wasm_unsafe_eval_the_runtime_cannot_start_and_says_so(
    page, server_url, console_errors
):
    # Why the policy holds 'wasm-unsafe-eval'; and a refused start fails fast and clearly.
    def strip_wasm_eval(route):
        response = route.fetch()
        html = response.text().replace(" 'wasm-unsafe-eval'", "")
        route.fulfill(response=response, body=html)

    page.route(re.compile(re.escape(server_url) + r"(index\.html)?$"), strip_wasm_eval)
    page.add_init_script(RECORD_VIOLATIONS)
    seen = watch(page)
    page.goto(server_url)
    page.wait_for_selector(READY, timeout=20_000)
    assert page.get_attribute(FIGURE, "data-state") == "error"
    # The worker compiles the wasm, and reports the refusal on its (the page's) console.
    assert any("WebAssembly" in m for m in seen["console"]), seen["console"]
    detail = page.text_content("[data-pg='error']")
    assert "The Python runtime could not be loaded" in detail and "Reload the page" in detail
    assert page.is_visible("svg[data-pg='static']")
    console_errors.clear()  # the refusal itself
