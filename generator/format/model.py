"""The typed model of a project: modes, runbooks, and each runbook as one mode sees it.

``generator.format.catalog.load_catalog`` builds it from the YAML files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.format.defaults import DEFAULT_HISTORY, DEFAULT_STALE_AFTER
from generator.format.maintenance import Window

__all__ = ["Mode", "Project", "CheckSpec", "RunbookView", "Runbook", "Catalog"]


@dataclass
class Mode:
    id: str
    title: str
    description: str
    vars: dict[str, Any]
    vars_file: str | None = None  # applied to ``vars`` when the catalog was loaded with overlays and it exists
    overlaid: bool = False


@dataclass
class Project:
    title: str
    description: str
    modes: dict[str, Mode]
    contacts: dict[str, dict[str, Any]]
    escalation: list[dict[str, Any]]
    severities: dict[str, dict[str, Any]]
    stale_after: float = DEFAULT_STALE_AFTER
    history: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_HISTORY))
    maintenance: list[Window] = field(default_factory=list)


@dataclass
class CheckSpec:
    """One check made concrete for one mode: everything a probe needs."""

    runbook: str
    id: str
    title: str
    kind: str
    params: dict[str, Any]
    timeout: float | None = None
    severity: str = "critical"
    applies: bool = True
    source: str = ""
    needs: list[str] = field(default_factory=list)  # check ids in the same runbook that run in this mode
    retries: int = 0
    retry_delay: float = 0.0

    @property
    def key(self) -> str:
        return f"{self.runbook}/{self.id}"

    @property
    def need_keys(self) -> list[str]:
        return [f"{self.runbook}/{need}" for need in self.needs]


@dataclass
class RunbookView:
    """A runbook rendered for one mode: only that mode's steps, commands and values."""

    id: str
    mode: str
    title: str
    summary: str
    owner: str
    severity: str | None
    tags: list[str]
    alerts: list[str]
    sections: list[dict[str, Any]]
    checklist: list[dict[str, Any]]
    checks: list[CheckSpec]

    @property
    def active_checks(self) -> list[CheckSpec]:
        return [c for c in self.checks if c.applies]


@dataclass
class Runbook:
    id: str
    source: str
    modes: list[str]
    data: dict[str, Any]
    views: dict[str, RunbookView] = field(default_factory=dict)
    maintenance: list[Window] = field(default_factory=list)  # its own windows, scoped to this runbook
    alert_locs: dict[str, tuple[int, int]] = field(default_factory=dict)  # alert name → where alerts: names it

    @property
    def alerts(self) -> list[str]:
        return list(self.data["alerts"])


@dataclass
class Catalog:
    root: Path
    project: Project
    runbooks: dict[str, Runbook]

    def view(self, runbook_id: str, mode: str) -> RunbookView | None:
        return self.runbooks[runbook_id].views.get(mode)

    def views(self, mode: str) -> list[RunbookView]:
        return [rb.views[mode] for rb in self.runbooks.values() if mode in rb.views]

    def check_keys(self, mode: str) -> set[str]:
        """The ``runbook/check`` keys of the checks that exist in ``mode`` (what the store keeps for it)."""
        return {c.key for v in self.views(mode) for c in v.active_checks}

    def windows(self) -> list[Window]:
        """Every declared maintenance window: the project's, then each runbook's."""
        return [*self.project.maintenance, *(w for rb in self.runbooks.values() for w in rb.maintenance)]
