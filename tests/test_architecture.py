"""The shape of the package: imports flow one way, and the CLI is a shell.

The import graph counts every import in a module, function-level ones
included (a lazy import is still a dependency). It is drawn to
``tests/artifacts/imports.dot`` (Graphviz: ``dot -Tsvg imports.dot``).
"""

from __future__ import annotations

import ast
import subprocess
import sys
import time
from pathlib import Path

from .conftest import REPO

PACKAGES = ("generator", "demo")
ARTIFACTS = REPO / "tests" / "artifacts"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module → the modules of ``PACKAGES`` it imports."""
    paths = [p for package in PACKAGES for p in (REPO / package).rglob("*.py")]
    modules = {_module_name(p): p for p in paths}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                submodules = {f"{node.module}.{alias.name}" for alias in node.names} & modules.keys()
                # ``from package import submodule`` depends on the submodule; names other than modules on the package
                targets.update(submodules)
                if len(submodules) < len(node.names):
                    targets.add(node.module)
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_imports_have_no_cycle() -> None:
    graph = import_graph()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    edges = "".join(f'  "{a}" -> "{b}";\n' for a in sorted(graph) for b in sorted(graph[a]))
    (ARTIFACTS / "imports.dot").write_text(f"digraph imports {{\n  rankdir=LR;\n{edges}}}\n", encoding="utf-8")
    assert "generator.run.pipeline" in graph and len(graph) > 40  # the walk found the package
    assert cycles(graph) == []


def test_the_product_does_not_import_the_demo() -> None:
    graph = import_graph()
    assert {a: b for a, targets in graph.items() if a.startswith("generator") for b in targets
            if b.startswith("demo")} == {}


def test_the_cli_holds_no_pipeline_logic() -> None:
    """The CLI reaches the run through ``pipeline.run`` only: no engine, store, stamp or reporter internals."""
    allowed = {"generator.errors", "generator.run.reporters", "generator.run.reporters.table",
               "generator.run.pipeline", "generator.run.engine", "generator.fsutil",
               "generator.format.catalog", "generator.format.model", "generator.format.reference",
               "generator.checkscripts.generate", "generator.site.build", "generator.site.printing",
               "generator.run.results", "generator", "generator.format.editor_schema", "generator.scaffold",
               "generator.format.load", "generator.format.schema",  # --version; schema; init; the modes in --help
               # run-checks --every is a loop over pipeline.run; --maintenance is parsed into a window for the request
               "generator.run.schedule", "generator.run.maintenance", "generator.format.maintenance",
               "generator.format.options",  # durations on the command line
               # the runbooks commands alerts, runbook-urls and lint-rules (no run)
               "generator.alerts.rules", "generator.alerts.urls", "generator.alerts.lint", "generator.links",
               "generator.run.shard", "generator.run.merge"}  # --shard; runbooks merge
    assert import_graph()["generator.cli"] - allowed == set()


def test_help_is_fast() -> None:
    """``--help`` imports no stage: it answers well under half a second even on a slow machine."""
    for command in ("run-checks", "runbooks"):
        started = time.perf_counter()
        done = subprocess.run([str(Path(sys.executable).parent / command), "--help"], capture_output=True, timeout=60)
        assert done.returncode == 0
        code = ("import sys, generator.cli; "
                "print(sorted(m for m in sys.modules if m.startswith('generator.') and m.count('.') > 1))")
        loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout
        assert "generator.run.engine" not in loaded and "generator.site" not in loaded, loaded
        assert time.perf_counter() - started < 30  # a hang, not a speed test: speed is measured by make bench
