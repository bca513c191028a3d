"""The Pages workflow: tested before it publishes, pinned actions, least privilege per job.

zizmor (static analysis for GitHub Actions) runs offline on the workflow and must report nothing
of high severity; its JSON is parsed, and the same run on a deliberately bad workflow must find
what it should, so a zizmor that silently audits nothing cannot pass.
"""

import fnmatch
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sitebuild.runtime import cache_dir, read_runtime_pins

ROOT = Path(__file__).parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"
PYPROJECT = ROOT / "pyproject.toml"
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<action>\S+?)@(?P<ref>\S+)(?:\s+#\s*(?P<comment>.*))?$")
PINNED = re.compile(r"[0-9a-f]{40}")
VERSION = re.compile(r"v\d+\.\d+\.\d+")

# The workflow as it was before it was hardened: actions by tag, Pages rights for every job.
UNSAFE = """\
name: Pages
on:
  push:
    branches: [main]
permissions:
  contents: read
  pages: write
  id-token: write
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: python build.py
      - uses: actions/upload-pages-artifact@v3
        with:
          path: dist
  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"""


def zizmor(path):
    """Run zizmor offline on one workflow, honouring no ignore comment; return its findings."""
    executable = shutil.which("zizmor", path=str(Path(sys.executable).parent))
    assert executable, "zizmor is not installed: ./dev test installs the test dependency group"
    command = [executable, "--offline", "--no-config", "--no-ignores", "--no-exit-codes"]
    result = subprocess.run(
        [*command, "--format", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def high(findings):
    """The findings of high severity, as 'ident: annotation' lines."""
    return [
        f"{finding['ident']}: {finding['locations'][0]['symbolic']['annotation']}"
        for finding in findings
        if finding["determinations"]["severity"] == "High"
    ]


def workflow():
    """The workflow, parsed."""
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps(job):
    """The steps of one job."""
    return workflow()["jobs"][job]["steps"]


def test_zizmor_reports_nothing_of_high_severity():
    assert high(zizmor(WORKFLOW)) == []


def test_zizmor_finds_unpinned_actions_and_broad_permissions(tmp_path):
    unsafe = tmp_path / "pages.yml"
    unsafe.write_text(UNSAFE, encoding="utf-8")
    idents = sorted(line.split(":")[0] for line in high(zizmor(unsafe)))
    assert idents == ["excessive-permissions"] * 2 + ["unpinned-uses"] * 3


def test_every_action_is_pinned_to_a_commit_with_its_version_beside_it():
    lines = [line for line in WORKFLOW.read_text(encoding="utf-8").splitlines() if "uses:" in line]
    assert len(lines) >= 7
    for line in lines:
        uses = USES.match(line)
        assert uses, f"cannot read this uses: line: {line.strip()}"
        assert PINNED.fullmatch(uses["ref"]), f"not pinned to a full commit SHA: {line.strip()}"
        assert uses["comment"] and VERSION.fullmatch(uses["comment"]), (
            f"no '# vX.Y.Z' comment naming the pinned release: {line.strip()}"
        )


def test_jobs_run_test_then_build_then_deploy():
    jobs = workflow()["jobs"]
    assert list(jobs) == ["test", "build", "deploy"]
    assert jobs["build"]["needs"] == "test" and jobs["deploy"]["needs"] == "build"
    assert any(step.get("run") == "./dev test" for step in jobs["test"]["steps"])
    runs = [step.get("run", "") for step in jobs["build"]["steps"]]
    assert ".venv/bin/python build.py" in runs
    # The content is checked before the site is built from it.
    assert runs.index(".venv/bin/python build.py --check") < runs.index(".venv/bin/python build.py")
    upload = [
        step for step in jobs["build"]["steps"] if "upload-pages-artifact" in step.get("uses", "")
    ]
    assert [step["with"]["path"] for step in upload] == ["dist"]
    assert any("deploy-pages" in step.get("uses", "") for step in jobs["deploy"]["steps"])


def test_only_the_deploy_job_may_write_and_nothing_is_granted_by_default():
    parsed = workflow()
    assert parsed["permissions"] == {}
    for name, job in parsed["jobs"].items():
        writes = {scope for scope, level in job["permissions"].items() if level == "write"}
        assert writes == ({"pages", "id-token"} if name == "deploy" else set()), name
    assert parsed["jobs"]["deploy"]["environment"]["name"] == "github-pages"
    assert parsed["concurrency"]["group"] == "pages"


@pytest.mark.parametrize("job", ["test", "build"])
def test_checkout_keeps_no_credentials(job):
    checkouts = [step for step in steps(job) if "actions/checkout" in step.get("uses", "")]
    assert checkouts and all(step["with"]["persist-credentials"] is False for step in checkouts)


@pytest.mark.parametrize("job", ["test", "build"])
def test_pip_and_the_runtime_are_cached(job, monkeypatch):
    python = next(step for step in steps(job) if "actions/setup-python" in step.get("uses", ""))
    assert python["with"]["cache"] == "pip"
    assert python["with"]["cache-dependency-path"] == "pyproject.toml"
    caches = [step for step in steps(job) if "actions/cache" in step.get("uses", "")]
    assert [step["with"]["path"] for step in caches] == ["~/.cache/pgsite/pyodide-*"]
    # The glob covers the folder the build fetches the runtime into (CI sets no PGSITE_CACHE).
    monkeypatch.delenv("PGSITE_CACHE", raising=False)
    package, version, _ = read_runtime_pins(PYPROJECT)
    folder = cache_dir() / f"{package}-{version}"
    assert fnmatch.fnmatch(str(folder), caches[0]["with"]["path"].replace("~", str(Path.home())))


def runtime_key(project, tmp_path):
    """Run the test job's 'Read the runtime's pins' step in project; return the key it outputs."""
    step = next(step for step in steps("test") if step.get("id") == "runtime")
    output = tmp_path / "github_output"
    output.write_text("", encoding="utf-8")
    env = {"GITHUB_OUTPUT": str(output), "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"}
    subprocess.run(["bash", "-e", "-c", step["run"]], cwd=project, env=env, check=True, timeout=30)
    (line,) = output.read_text(encoding="utf-8").splitlines()
    assert line.startswith("key=")
    return line.removeprefix("key=")


def test_runtime_cache_key_follows_the_pins_and_only_them(tmp_path):
    pyproject = PYPROJECT.read_text(encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    keys = []
    for text in (
        pyproject,
        pyproject.replace('"pytest>=8.0"', '"pytest>=8.1"'),
        re.sub(r'("pyodide.asm.wasm" = ")[0-9a-f]', r"\g<1>x", pyproject),
    ):
        (project / "pyproject.toml").write_text(text, encoding="utf-8")
        keys.append(runtime_key(project, tmp_path))
    assert keys[0] == keys[1] != keys[2]
    package, version, _ = read_runtime_pins(PYPROJECT)
    assert keys[0].startswith(f"pgsite-{package}-{version}-")
