"""``runbooks init``: a new project that builds, with an example runbook whose checks pass on any machine.

It writes ``mkdocs.yml``, ``runbooks/_project.yaml`` (the modes asked for),
``runbooks/getting-started.yaml``, the editor schemas its modelines point at
(``schemas/``), ``docs/`` (MkDocs needs it), ``.gitignore`` and a GitHub
Actions workflow. It never overwrites a file: when one of them exists,
nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator import __version__
from generator.errors import RunbooksError, UsageError
from generator.format.editor_schema import SCHEMA_FILES, schema_text
from generator.format.options import SAFE_ID, SAFE_ID_HINT
from generator.format.schema import PROJECT_FILE, RESERVED_MODE_IDS
from generator.fsutil import write_atomic

__all__ = ["EXAMPLE_RUNBOOK", "WORKFLOW", "InitRequest", "scaffold", "init_project"]

EXAMPLE_RUNBOOK = "runbooks/getting-started.yaml"
WORKFLOW = ".github/workflows/runbooks.yml"


@dataclass
class InitRequest:
    directory: Path
    modes: list[str]
    title: str


def parse_modes(text: str) -> list[str]:
    """``staging,prod`` → ["staging", "prod"]; each a safe, unreserved id, once."""
    modes = [m.strip() for m in text.split(",") if m.strip()]
    if not modes:
        raise UsageError("--modes: name at least one mode, e.g. --modes staging,prod")
    for mode in modes:
        if not SAFE_ID.match(mode):
            raise UsageError(f"--modes: mode id '{mode}' {SAFE_ID_HINT}")
        if mode in RESERVED_MODE_IDS:
            raise UsageError(f"--modes: mode id '{mode}' is taken by a folder of the site; "
                             f"reserved: {', '.join(RESERVED_MODE_IDS)}")
    duplicate = next((m for i, m in enumerate(modes) if m in modes[:i]), None)
    if duplicate:
        raise UsageError(f"--modes: mode '{duplicate}' is named twice")
    return modes


def scaffold(request: InitRequest) -> dict[str, str]:
    """The files of a new project, by path relative to its directory."""
    from generator.site.templates import environment

    env = environment()
    values = {"title": request.title, "modes": request.modes, "version": __version__}

    def render(template: str, **extra: str) -> str:
        return str(env.get_template(f"init/{template}").render(**values, **extra))

    return {
        "mkdocs.yml": render("mkdocs.yml.j2"),
        f"runbooks/{PROJECT_FILE}": render("project.yaml.j2", schema=SCHEMA_FILES["project"]),
        EXAMPLE_RUNBOOK: render("runbook.yaml.j2", schema=SCHEMA_FILES["runbook"]),
        SCHEMA_FILES["runbook"]: schema_text("runbook"),
        SCHEMA_FILES["project"]: schema_text("project"),
        "docs/.gitkeep": render("gitkeep.j2"),
        ".gitignore": render("gitignore.j2"),
        WORKFLOW: render("workflow.yml.j2"),
    }


def init_project(request: InitRequest) -> list[str]:
    """Write the new project; return the paths written. Nothing is written when one of them exists."""
    files = scaffold(request)
    root = request.directory
    existing = [rel for rel in files if (root / rel).exists() or (root / rel).is_symlink()]
    if existing:
        raise RunbooksError(f"{root}: {', '.join(existing)} already exist{'s' if len(existing) == 1 else ''}; "
                            f"nothing written (init never overwrites a file)")
    for rel, text in files.items():
        try:
            write_atomic(root / rel, text, exclusive=True)
        except FileExistsError:
            raise RunbooksError(f"{root / rel}: appeared while init was writing; stopped there") from None
    return list(files)
