"""Debian's Chromium, driven by Playwright, with the flags a closed network needs."""

from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
# As root in a sandboxed machine with no network: no sandbox, no GPU, and none of Chromium's own
# background connections (refused here, many at a time).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def launch(browser_type, extra_args=()):
    """Start Debian's Chromium headless through Playwright's browser type (playwright.chromium).

    Raise FileNotFoundError if it is not installed.
    """
    if not Path(CHROMIUM).is_file():
        raise FileNotFoundError(f"{CHROMIUM} is missing: apt-get install -y chromium")
    return browser_type.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *extra_args])
