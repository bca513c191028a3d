"""A copy of the project on given content, and a build of it in a fresh interpreter."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What build.py reads besides the content (itself included).
CODE = ("build.py", "sitebuild", "site_templates", "pgcore", "pyproject.toml", "README.md")


def copy_project(root, content):
    """Copy the project's code to root, with the folder `content` as its content/."""
    root.mkdir(parents=True, exist_ok=True)
    for name in CODE:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.is_file():
            shutil.copy2(source, root / name)
    shutil.copytree(content, root / "content")
    return root


def build_site(root, out, env=None, args=()):
    """Run build.py of the project at root into out; return the CompletedProcess."""
    return subprocess.run(
        [sys.executable, str(root / "build.py"), "--out", str(out), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
