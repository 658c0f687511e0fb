"""The runbook format, declared once: the project file and a runbook file.

Each key is declared with its type, default and doc string (``options``);
the validator (``catalog``), the format reference in the README
(``reference``), the JSON Schema for editors (``editor_schema``) and the
kinds' blocks (``generator.run.kinds``) all read these declarations.
"""

from __future__ import annotations

import re

from generator.format.options import (
                                      SAFE_ID,
                                      SAFE_ID_HINT,
                                      Choice,
                                      Duration,
                                      Int,
                                      KeyedMap,
                                      ListOf,
                                      MapOf,
                                      ModeList,
                                      Obj,
                                      Option,
                                      PerMode,
                                      Str,
)
from generator.format.defaults import DEFAULT_HISTORY, DEFAULT_STALE_AFTER
from generator.format.maintenance import window_list

__all__ = ["PROJECT_FILE", "PROJECT_SCHEMA", "RUNBOOK_SCHEMA", "CHECK_FIELDS", "MODE_VARS", "RESERVED_IDS",
           "RESERVED_MODE_IDS", "ALERT_NAME"]

PROJECT_FILE = "_project.yaml"
# <mode>/<id>/ is a runbook page; these ids are the mode's own generated pages.
RESERVED_IDS = ("index", "status", "binder")
# Prometheus' rule for an alert name (a metric name); it is also the page anchor ``#alert-<name>``.
ALERT_NAME = re.compile(r"^[A-Za-z_:][A-Za-z0-9_:]*$")
# /<mode>/ is a mode's page tree; these top-level folders of the site belong to the theme and the plugin.
RESERVED_MODE_IDS = ("assets", "search")

_VARS = MapOf(PerMode(Option()), "Variables: a plain value, or a map from mode to value.",
              default={}, example={"api_url": {"staging": "https://api.staging.example.com", "prod": "https://api.example.com"}})
MODE_VARS = MapOf(Option(), "Variables for this mode, used as {{ name }}.", default={})

PROJECT_SCHEMA = Obj({
    "title": Str("Site title.", required=True, example="Operations runbooks"),
    "description": Str("One paragraph shown on the home page.", default=""),
    "modes": KeyedMap(Obj({
        "title": Str("Name shown in the mode switcher.", required=True, example="Local"),
        "description": Str("What this deployment mode is.", required=True),
        "vars": MODE_VARS,
        "vars_file": Str("A YAML file of variables that override `vars` while it exists (relative to the "
                         "project root): values known only at run time, such as the ports the demo stack "
                         "bound, or a deployment tool's outputs. Check scripts keep the declared `vars`.",
                         example=".demo/vars.yaml"),
    }), "Deployment modes, keyed by id: one or more, named as the team likes (staging and prod; the demo's "
       "local, hybrid and aws). Each gets its own page tree, navigation tab and checks/<mode>/.", required=True,
       example={"staging": {"title": "Staging", "description": "Pre-production."},
                "prod": {"title": "Production", "description": "What customers use."}}),
    "contacts": KeyedMap(Obj({
        "name": Str("Person or team.", required=True),
        "role": Str("What they do in an incident.", default=""),
        "email": Str(default=""),
        "phone": Str(default=""),
        "chat": Str("Chat channel or handle.", default=""),
    }), "People and teams to call, keyed by id.", default={}),
    "escalation": ListOf(Obj({
        "level": Str("Name of the level.", required=True, example="First line"),
        "contact": Str("A contact id.", required=True, example="sre-oncall"),
        "after": Duration("Escalate to this level when unresolved after this long.", default=0.0, example="15m"),
    }), "The escalation chain, first line first.", default=[]),
    "severities": KeyedMap(Obj({
        "title": Str("Short name.", required=True, example="Critical"),
        "description": Str("When to use it.", default=""),
        "response": Duration("Time to first response.", required=True, example="15m"),
        "resolution": Duration("Target time to resolution.", example="1h"),
    }), "Severity levels P1-P4.", required=True, id_pattern=re.compile(r"^P[1-9]$")),
    "stale_after": Duration("A result older than this is shown as stale (judged in the browser, at view time).",
                            default=DEFAULT_STALE_AFTER, example="6h"),
    "history": Obj({
        "keep": Int("Runs kept per mode in the results store (oldest dropped first).", min=1,
                    default=DEFAULT_HISTORY["keep"], example=100),
        "flapping": Int("A check whose state changed more than this many times in the kept runs is marked flapping.",
                        min=1, default=DEFAULT_HISTORY["flapping"], example=5),
    }, "Result history: the strips of recent states on the pages.", default=DEFAULT_HISTORY,
        example={"keep": 100, "flapping": 5}),
    "maintenance": window_list(in_runbook=False),
})

CHECK_FIELDS: dict[str, Option] = {
    "id": Str("Check id, unique in the runbook; a safe file name.", required=True, pattern=SAFE_ID, hint=SAFE_ID_HINT),
    "title": Str("What the check proves, in words.", required=True),
    "modes": ModeList("Modes the check applies to (default: the runbook's modes).", example=["staging", "prod"]),
    "timeout": Duration("Time limit for one probe (default 10s, or run-checks --timeout).", example="5s"),
    "severity": Choice(["critical", "warning"], "critical: a failure is CRITICAL; warning: failures are capped at WARNING.",
                       default="critical"),
    "retries": Obj({
        "count": Int("Extra attempts after a result that is not OK.", min=1, max=10, required=True, example=2),
        "delay": Duration("Pause before each retry.", default=1.0, example="2s"),
    }, "Try again before reporting a failure; a check that passes on a retry is OK and marked "
       "\"passed after N retries\".", example={"count": 2, "delay": "2s"}),
    "needs": ListOf(Str(pattern=SAFE_ID, hint=SAFE_ID_HINT), "Ids of checks in this runbook that must be OK first; "
                    "otherwise this check is SKIPPED with the reason \"needs X\".", single=True, example=["db-up"]),
}

_STEP = Obj({
    "text": Str("What to do, in markdown.", required=True),
    "run": PerMode(Str(), "A command to copy: one string, or a map from mode to command. Shown, never executed."),
    "check": Str("Id of a check in this runbook whose latest result is shown beside the step."),
    "modes": ModeList("Modes the step applies to."),
})

RUNBOOK_SCHEMA = Obj({
    "title": Str("Runbook title.", required=True),
    "summary": Str("One or two sentences: when to use this runbook.", required=True),
    "owner": Str("Owning team or person.", default=""),
    "severity": Str("Default incident severity (a key of severities in _project.yaml).", example="P2"),
    "tags": ListOf(Str(), "Free-form tags; run-checks --tag selects by them.", default=[]),
    "alerts": ListOf(Str(pattern=ALERT_NAME, hint="is not an alert name (letters, digits, _ and :, not starting "
                                                  "with a digit, as Prometheus requires)"),
                     "Names of the alerts this runbook answers: `runbooks runbook-urls` links each to its anchor "
                     "on this page, and `runbooks lint-rules` checks the rules that define them. An alert belongs "
                     "to one runbook.", default=[], example=["SearchDown"]),
    "modes": ModeList("Modes this runbook applies to (default: every mode)."),
    "vars": _VARS,
    "sections": ListOf(Obj({
        "title": Str("Section heading.", required=True),
        "body": Str("Markdown text.", default=""),
        "steps": ListOf(_STEP, "Numbered steps.", default=[]),
        "modes": ModeList("Modes the section applies to."),
    }), "The runbook's sections, in order.", default=[]),
    "checklist": ListOf(Obj({
        "group": Str("Group name.", required=True),
        "items": ListOf(Str(), "Items to tick.", required=True),
    }), "The checklist, as groups of items.", default=[]),
    "checks": ListOf(Option(), "Checks: id, title, options, and exactly one kind block.", default=[]),
    "maintenance": window_list(in_runbook=True),
})
