"""The README's reference of what an author writes is the code's own: site.toml's keys, the front
matter's and every figure kind's settings (with their types, defaults and ranges) are made from
the declarations the build checks against, and must be what README.md says."""

from conftest import ROOT

from pgcore import figures
from sitebuild.frontmatter import SCHEMA
from sitebuild.reference import END, START, reference, with_reference
from sitebuild.series import SITE_SCHEMA

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_reference_is_made_from_the_code():
    assert with_reference(README, figures) == README, (
        "README.md's reference is out of date: run .venv/bin/python -m sitebuild.reference"
    )


def test_the_reference_names_every_key_and_every_setting_with_its_range():
    generated = README.split(START, 1)[1].split(END, 1)[0]
    assert generated.strip() == reference(figures).strip()
    for key in [*SITE_SCHEMA, *SCHEMA]:
        assert f"| `{key}` |" in generated, key
    tables = generated.split("Settings of ")[1:]  # one table per settings class
    for kind, (_, settings) in figures.FIGURES.items():
        table = next(table for table in tables if f"`{kind}`" in table.split(":", 1)[0])
        for row in settings.describe():
            line = next(line for line in table.splitlines() if f"| `{row['key']}` |" in line)
            assert row["doc"] in line and (row["range"] or "") in line, row
    assert "| `rows` | whole number | `3` | 2..8 |" in generated
    assert "| `max_steps` | whole number | `20` | 1..200 |" in generated
