"""runbooks init: a project that validates, whose example checks pass here, and that never overwrites a file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.cli import runbooks_main
from generator.format.catalog import load_catalog
from generator.format.editor_schema import SCHEMA_FILES, schema_text
from generator.run.pipeline import RunRequest, run
from generator.scaffold import WORKFLOW

RUNBOOKS = str(Path(sys.executable).parent / "runbooks")
WRITTEN = ["mkdocs.yml", "runbooks/_project.yaml", "runbooks/getting-started.yaml", "schemas/runbook.schema.json",
           "schemas/project.schema.json", "docs/.gitkeep", ".gitignore", ".github/workflows/runbooks.yml"]


@pytest.fixture
def initialised(tmp_path: Path) -> Path:
    out = subprocess.run([RUNBOOKS, "init", str(tmp_path / "ops"), "--modes", "staging,prod"], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[1:9] == [f"  {rel}" for rel in WRITTEN]
    return tmp_path / "ops"


def test_init_writes_a_valid_project_with_the_modes_asked_for(initialised: Path) -> None:
    catalog = load_catalog(initialised)
    assert list(catalog.project.modes) == ["staging", "prod"]
    assert catalog.project.title == "ops runbooks"
    assert sorted(str(p.relative_to(initialised)) for p in initialised.rglob("*") if p.is_file()) == sorted(WRITTEN)
    for rel in ("runbooks/_project.yaml", "runbooks/getting-started.yaml"):
        first = (initialised / rel).read_text().splitlines()[0]
        which = "project" if rel.endswith("_project.yaml") else "runbook"
        assert first == f"# yaml-language-server: $schema=../{SCHEMA_FILES[which]}"
        assert (initialised / SCHEMA_FILES[which]).read_text() == schema_text(which)  # what `runbooks schema` prints
    assert "site/" in (initialised / ".gitignore").read_text().splitlines()


def test_the_example_checks_pass_on_this_machine(initialised: Path) -> None:
    for mode in ("staging", "prod"):
        report = run(RunRequest(initialised, mode, record=False, commit=""))
        assert [(r.check, r.state.value) for r in report.run.results] == [
            ("project-file", "OK"), ("disk", "OK"), ("shell", "OK")], [r.summary for r in report.run.results]


def check_workflow(path: Path) -> subprocess.CompletedProcess[str]:
    """check-jsonschema with the GitHub workflow schema it vendors (schemastore's), reading YAML as GitHub does."""
    return subprocess.run([str(Path(sys.executable).parent / "check-jsonschema"), "--builtin-schema",
                           "vendor.github-workflows", str(path)], capture_output=True, text=True, timeout=120)


def test_the_workflow_is_a_valid_github_workflow_running_each_mode(initialised: Path) -> None:
    done = check_workflow(initialised / WORKFLOW)
    assert done.returncode == 0, done.stdout + done.stderr
    workflow = yaml.safe_load((initialised / WORKFLOW).read_text())
    assert workflow["jobs"]["checks"]["strategy"]["matrix"]["mode"] == ["staging", "prod"]
    steps = [step.get("run", "") for step in workflow["jobs"]["checks"]["steps"]]
    assert 'run-checks --mode "${{ matrix.mode }}" --site site --junit results.xml --json results.json' in steps
    broken = initialised / "broken.yml"  # the check is strict enough to catch a broken workflow
    broken.write_text((initialised / WORKFLOW).read_text().replace("runs-on: ubuntu-latest", "runs_on: ubuntu"))
    assert check_workflow(broken).returncode == 1


def test_init_never_overwrites_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "runbooks").mkdir()
    (tmp_path / "runbooks" / "_project.yaml").write_text("mine\n")
    (tmp_path / ".gitignore").write_text("mine too\n")
    assert runbooks_main(["init", str(tmp_path)]) == 1
    assert capsys.readouterr().err == (
        f"runbooks: {tmp_path}: runbooks/_project.yaml, .gitignore already exist; nothing written "
        "(init never overwrites a file)\n")
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == [
        ".gitignore", "runbooks", "runbooks/_project.yaml"]
    assert (tmp_path / "runbooks" / "_project.yaml").read_text() == "mine\n"


@pytest.mark.parametrize("modes, message", [
    ("", "--modes: name at least one mode, e.g. --modes staging,prod"),
    ("prod,Prod", "--modes: mode id 'Prod' is not a safe file name (use 1-64 lowercase letters, digits, '-' or "
                  "'_', starting with a letter or digit)"),
    ("prod,prod", "--modes: mode 'prod' is named twice"),
    ("assets", "--modes: mode id 'assets' is taken by a folder of the site; reserved: assets, search"),
])
def test_bad_modes_are_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str], modes: str, message: str) -> None:
    assert runbooks_main(["--root", str(tmp_path), "init", "--modes", modes]) == 2
    assert capsys.readouterr().err == f"runbooks: {message}\n"
    assert list(tmp_path.iterdir()) == []


def test_one_mode_by_default_and_root_as_the_directory(tmp_path: Path) -> None:
    assert runbooks_main(["init", "--root", str(tmp_path)]) == 0
    assert list(load_catalog(tmp_path).project.modes) == ["prod"]
