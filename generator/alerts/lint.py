"""``runbooks lint-rules RULES.yml…``: the alert rules a team has, checked against the runbooks and the site.

Each problem is one line, ``path:line: message``:

- an alert without a ``runbook_url`` annotation;
- a ``runbook_url`` pointing at a page, or an anchor, that the built site does not have;
- a ``runbook_url`` on this site that points at another runbook than the one answering the alert;
- an alert a runbook names (``alerts:``) that no rule defines.

An alert named by two runbooks is already a validation error (exit 78). A templated
``runbook_url`` (``{{ $labels.… }}``, as ``runbooks alerts`` writes) and one on another site
(for an alert no runbook names) cannot be resolved here and are left alone. Rule files are
Prometheus rule files, or Kubernetes PrometheusRule objects (``spec.groups``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import yaml

from generator.format.model import Catalog, Runbook
from generator.links import SiteLinks

__all__ = ["LintProblem", "Rule", "read_rules", "lint_rules"]

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ID = re.compile(r"""\sid=["']?([^"'\s>]+)""")


@dataclass(frozen=True, order=True)
class LintProblem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Rule:
    """An alerting rule: its name and where it is, its runbook_url and that value's line."""

    path: str
    line: int
    alert: str
    runbook_url: str | None
    url_line: int


def _get(node: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key and isinstance(v, yaml.Node):
                return v
    return None


def _items(node: yaml.Node | None) -> list[yaml.Node]:
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _rules_in(path: str, document: yaml.Node) -> Iterator[Rule]:
    spec = _get(document, "spec")
    for group in _items(_get(spec if spec is not None else document, "groups")):
        for rule in _items(_get(group, "rules")):
            name = _get(rule, "alert")
            if not isinstance(name, yaml.ScalarNode):
                continue  # a recording rule
            url = _get(_get(rule, "annotations") or yaml.MappingNode("", []), "runbook_url")
            yield Rule(path, name.start_mark.line + 1, name.value,
                       url.value if isinstance(url, yaml.ScalarNode) else None,
                       (url.start_mark.line if url is not None else name.start_mark.line) + 1)


def read_rules(file: Path, display: str) -> tuple[list[Rule], list[LintProblem]]:
    """The alerting rules of one file, or the problem that kept it from being read."""
    try:
        documents = list(yaml.compose_all(file.read_text(encoding="utf-8"), Loader=_LOADER))
    except OSError as exc:
        return [], [LintProblem(display, 1, f"cannot read the file: {exc.strerror or exc}")]
    except UnicodeDecodeError:
        return [], [LintProblem(display, 1, "not UTF-8 text")]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return [], [LintProblem(display, mark.line + 1 if mark else 1, f"invalid YAML: {exc.problem or exc.context}")]
    rules = [rule for doc in documents if doc is not None for rule in _rules_in(display, doc)]
    return rules, []


class _Site:
    """The built site's pages and the anchors each holds (read once each)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._anchors: dict[str, set[str] | None] = {}

    def anchors(self, page: str) -> set[str] | None:
        if page not in self._anchors:
            try:
                html = (self.directory / page).read_text(encoding="utf-8")
                self._anchors[page] = set(_ID.findall(html))
            except (OSError, UnicodeDecodeError):
                self._anchors[page] = None
        return self._anchors[page]


@dataclass
class _Context:
    site: _Site
    links: SiteLinks
    mode: str | None
    owners: dict[str, Runbook]

    def expected(self, alert: str) -> str:
        owner = self.owners[alert]
        mode = self.mode if self.mode in owner.views else next(iter(owner.views))
        return self.links.alert(mode, owner.id, alert)


def _check_url(rule: Rule, ctx: _Context) -> str | None:
    """What is wrong with a rule's runbook_url, or None."""
    url, owner = rule.runbook_url, ctx.owners.get(rule.alert)
    answered = f"runbook {owner.id} answers {rule.alert}: {ctx.expected(rule.alert)}" if owner else ""
    if url is None:
        return f"alert {rule.alert} has no runbook_url annotation" + (f"; {answered}" if owner else "")
    if "{{" in url:
        return None
    target = ctx.links.file_of(url)
    if target is None:
        return f"alert {rule.alert}: runbook_url {url} is not on this site ({ctx.links.base}); {answered}" if owner else None
    page, fragment = target
    anchors = ctx.site.anchors(page)
    if anchors is None:
        return f"alert {rule.alert}: runbook_url {url} is not a page of the built site (no {page})"
    if fragment and fragment not in anchors:
        return f"alert {rule.alert}: runbook_url {url}: the page has no anchor #{fragment}"
    return _check_owner(rule, url, page, ctx)


def _check_owner(rule: Rule, url: str, page: str, ctx: _Context) -> str | None:
    """A runbook_url on this site goes to the runbook that names the alert (in ``--mode``, when given)."""
    owner = ctx.owners.get(rule.alert)
    mode, runbook = _page_of(page)
    if owner is None or (runbook == owner.id and (ctx.mode is None or mode == ctx.mode)):
        return None
    return f"alert {rule.alert}: runbook_url {url} is not the page of runbook {owner.id}, which answers it; " \
           f"use {ctx.expected(rule.alert)}"


def _page_of(page: str) -> tuple[str, str]:
    """``local/api/index.html`` (or ``local/api.html``) → ("local", "api"); a mode's own page has runbook ""."""
    parts = page.split("/")
    if len(parts) == 2 and parts[1] != "index.html":
        return parts[0], parts[1].removesuffix(".html")
    return parts[0], parts[1] if len(parts) > 2 else ""


def _undefined(catalog: Catalog, defined: set[str]) -> list[LintProblem]:
    return [LintProblem(rb.source, rb.alert_locs[alert][0],
                        f"alert {alert} is named in runbook {rb.id} but no rule defines it")
            for rb in catalog.runbooks.values() for alert in rb.alerts if alert not in defined]


def lint_rules(catalog: Catalog, files: list[tuple[Path, str]], site: Path, links: SiteLinks,
               mode: str | None = None) -> tuple[list[LintProblem], int]:
    """Every problem in ``files`` (path, as shown) and the runbooks' alerts, in order; and how many alerts were read."""
    owners = {alert: rb for rb in catalog.runbooks.values() for alert in rb.alerts}
    ctx = _Context(_Site(site), links, mode, owners)
    problems: list[LintProblem] = []
    rules: list[Rule] = []
    for file, display in files:
        found, unreadable = read_rules(file, display)
        rules += found
        problems += unreadable
    for rule in rules:
        message = _check_url(rule, ctx)
        if message:
            problems.append(LintProblem(rule.path, rule.url_line if rule.runbook_url else rule.line, message))
    return sorted(problems + _undefined(catalog, {rule.alert for rule in rules})), len(rules)

