"""Runbook site generator with executable checks.

The package is laid out as its pipeline: ``format`` (load, validate, model)
→ ``site`` (pages, the MkDocs plugin, result slots) and ``checkscripts``
(``checks/``) → ``run`` (``pipeline.run``: select, run, record, report,
stamp) → ``alerts`` (alert rules and runbook_url links over what runs report).
``cli`` is a thin shell over those; ``scaffold`` is ``runbooks init``.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
