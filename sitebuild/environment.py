"""Make sure build.py runs in a Python that can build the site, or say in one line how to get one.

The machine's python3 may be older than 3.12 or lack the site's packages. Then build.py runs itself
again in the project's .venv (as ./dev makes it) if that has what it needs; otherwise it prints
one line naming the command that sets everything up, and exits 1, never with a traceback.
This module is imported before anything else, so it uses only what every Python 3 has.
"""

import importlib.util
import os
import sys

MINIMUM = (3, 12)
# What the build imports, by module name (the site dependency group in pyproject.toml).
MODULES = (
    "jinja2",
    "markdown",
    "pygments",
    "latex2mathml",
    "html5lib",
    "PIL",
    "fontpkg",
    "pyodide_lock",
    "pyproject_hooks",
    "hatchling",
)
SETUP = "./dev site"
AGAIN = "PGSITE_REEXEC"  # set in the re-run, so a .venv that lacks something cannot loop


def missing():
    """Say what this Python lacks to build the site ("" if nothing)."""
    if sys.version_info < MINIMUM:
        found = ".".join(str(part) for part in sys.version_info[:3])
        return f"is Python {found}, and the build needs Python >= {MINIMUM[0]}.{MINIMUM[1]}"
    absent = [name for name in MODULES if importlib.util.find_spec(name) is None]
    return f"lacks the packages {', '.join(absent)}" if absent else ""


def ensure_environment(root, argv):
    """Return if this Python can build; else re-run build.py in root/.venv, or exit with advice."""
    lacking = missing()
    if not lacking:
        return
    venv = os.path.join(str(root), ".venv", "bin", "python")
    inside = os.path.realpath(sys.prefix) == os.path.realpath(os.path.join(str(root), ".venv"))
    if os.path.isfile(venv) and not inside and not os.environ.get(AGAIN):
        os.environ[AGAIN] = "1"
        script = os.path.join(str(root), "build.py")
        os.execv(venv, [venv, script] + list(argv))
    where = "the project's .venv" if inside or os.environ.get(AGAIN) else sys.executable
    sys.stderr.write(
        f"build.py: error: {where} {lacking}: run {SETUP} once (it makes .venv with everything "
        "the build needs), then python3 build.py again\n"
    )
    sys.exit(1)
