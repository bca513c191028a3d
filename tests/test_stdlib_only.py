"""pgcore imports the standard library only, and no module imports js or pyodide.

The page runs pgcore in Pyodide without installing anything, so a stray third-party import
would only fail in the browser; and the worker's host (pgcore.host) talks to the page through
strings, so every module, the host included, runs under CPython as in the page. The check reads
every module's syntax tree (imports inside functions included), and a second check imports
pgcore and drives the host in a fresh interpreter where js and pyodide cannot be imported.
"""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PGCORE = ROOT / "pgcore"


def imported_names(tree, package):
    """(absolute dotted name, line) for every import; relative ones resolved against package."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")
            if node.level == 0:
                module = node.module
            elif node.level <= len(parts):
                module = ".".join(parts[: len(parts) - node.level + 1] + [node.module or ""])
                module = module.rstrip(".")
            else:
                module = "<outside pgcore>"
            yield module, node.lineno
            for alias in node.names:  # "from pgcore import browser" names a module too
                yield f"{module}.{alias.name}", node.lineno
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in ("__import__", "import_module"):
                yield "<dynamic import>", node.lineno


def violations(source, filename):
    """Messages for every import the module at pgcore/<filename> may not make."""
    package = ".".join(["pgcore", *Path(filename).parent.parts])
    allowed = set(sys.stdlib_module_names) | {"pgcore"}
    found = []
    for name, line in imported_names(ast.parse(source, filename), package):
        if name.split(".")[0] not in allowed:
            found.append(f"{filename}:{line} imports {name}")
    return sorted(set(found))


def test_every_pgcore_module_imports_only_the_standard_library():
    modules = sorted(PGCORE.glob("**/*.py"))
    assert {
        "__init__.py",
        "gridworld.py",
        "softmax.py",
        "reinforce.py",
        "exact.py",
        "gaussian.py",
        "host.py",
        "figure.py",
    } <= {path.name for path in modules}
    found = [
        message
        for path in modules
        for message in violations(
            path.read_text(encoding="utf-8"), path.relative_to(PGCORE).as_posix()
        )
    ]
    assert found == []


@pytest.mark.parametrize(
    ("source", "filename", "bad"),
    [
        ("import numpy", "softmax.py", True),
        ("import numpy.linalg as la", "softmax.py", True),
        ("from numpy import exp", "softmax.py", True),
        ("def f():\n    import scipy\n", "exact.py", True),
        ("import js", "figure.py", True),
        ("from pyodide.ffi import create_proxy", "scene.py", True),
        ("from js import document", "host.py", True),
        ("import pyodide", "figures/grid.py", True),
        ("from .. import elsewhere", "exact.py", True),
        ("from ..softmax import cumulative", "figures/grid.py", False),
        ("importlib.import_module('numpy')", "exact.py", True),
        ("__import__('numpy')", "exact.py", True),
        ("import math, random\nfrom dataclasses import dataclass", "reinforce.py", False),
        (
            "from __future__ import annotations\nfrom collections import deque",
            "explainer.py",
            False,
        ),
        ("from .softmax import cumulative\nfrom . import views", "reinforce.py", False),
        ("import numpy", "host.py", True),
    ],
)
def test_the_check_tells_allowed_from_forbidden(source, filename, bad):
    assert bool(violations(source, filename)) is bad


def test_importing_pgcore_loads_no_third_party_module():
    probe = """
import json, random, sys
for name in ("numpy", "js", "pyodide"):
    sys.modules[name] = None  # any attempt to import them now raises ImportError
before = set(sys.modules)
import pgcore
env = pgcore.GridWorld()
policy = pgcore.SoftmaxPolicy(env.n_states)
pgcore.Trainer(env, policy, pgcore.Hyperparams(), random.Random(0)).train(20)
pgcore.exact_gradient(env, policy)
task, gaussian = pgcore.ContinuousTask(), pgcore.GaussianPolicy()
pgcore.GaussianTrainer(task, gaussian, pgcore.Hyperparams(), random.Random(0)).train(20)
from pgcore import host
kinds = ("policy-gradient", "gaussian")
figures = [{"id": kind, "kind": kind, "config": {}} for kind in kinds]
host.receive(json.dumps({"type": "mount", "figures": figures}))
host.receive('{"type": "want"}')
assert json.loads(host.tick(0))["frames"].keys() == set(kinds)
print(json.dumps(sorted(set(sys.modules) - before)))
"""
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    loaded = set(json.loads(result.stdout))
    assert {name.split(".")[0] for name in loaded} - set(sys.stdlib_module_names) == {"pgcore"}
