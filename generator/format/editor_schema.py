"""The runbook format as JSON Schema (draft 2020-12), for editors: ``runbooks schema``.

Generated from the same declarations as the validator and the format
reference (``schema``, each kind's ``SCHEMA``), so completion, hover text
(descriptions, enums, defaults, examples) and the red squiggles in an editor
follow the format. The validator stays the judge: rules that span files or
fields (a severity declared in ``_project.yaml``, unique check ids, a mode's
variables) are beyond a schema.

An editor finds the schema through a modeline at the top of a file, as
``runbooks init`` writes it::

    # yaml-language-server: $schema=../schemas/runbook.schema.json
"""

from __future__ import annotations

import json
from typing import Any

from generator.format.schema import CHECK_FIELDS, PROJECT_SCHEMA, RUNBOOK_SCHEMA
from generator.run.kinds import KINDS

__all__ = ["DIALECT", "SCHEMA_FILES", "runbook_schema", "project_schema", "schema_text"]

DIALECT = "https://json-schema.org/draft/2020-12/schema"
# Where `runbooks init` writes them, relative to the project root; the files' modelines point there.
SCHEMA_FILES = {"runbook": "schemas/runbook.schema.json", "project": "schemas/project.schema.json"}
_TEMPLATE = {"type": "string", "pattern": r"\{\{|\{%",
             "description": "A template ({{ name }}) filled in per mode from the variables; "
                            "its value is checked once filled in."}


def _document(title: str, description: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": DIALECT, "title": title, "description": description, **body,
            "$defs": {"template": _TEMPLATE}}


def _check() -> dict[str, Any]:
    """A check: the common keys and exactly one kind block; a kind with assertions needs one of them."""
    properties = {name: option.json_schema() for name, option in CHECK_FIELDS.items()}
    for name, kind in KINDS.items():
        block = kind.SCHEMA.json_schema()
        block["description"] = kind.DOC
        if kind.ASSERTIONS:  # "no assertion; add at least one of: …"
            block["allOf"] = [{"anyOf": [{"required": [key]} for key in kind.ASSERTIONS]}]
        properties[name] = block
    required = [name for name, option in CHECK_FIELDS.items() if option.required]
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False,
            "oneOf": [{"required": [name]} for name in KINDS]}


def runbook_schema() -> dict[str, Any]:
    """The schema of ``runbooks/<id>.yaml``."""
    body = RUNBOOK_SCHEMA.json_type()
    body["properties"]["checks"]["items"] = _check()
    return _document("Runbook", "A runbook: runbooks/<id>.yaml (the file name is its id).", body)


def project_schema() -> dict[str, Any]:
    """The schema of ``runbooks/_project.yaml``."""
    return _document("Runbooks project", "The project file: runbooks/_project.yaml.", PROJECT_SCHEMA.json_type())


def schema_text(which: str = "runbook") -> str:
    schema = runbook_schema() if which == "runbook" else project_schema()
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
