"""Alerts ↔ runbooks: generated alert rules, the alert → page map, and a linter for existing rules.

- ``rules``: ``runbooks alerts --mode MODE``, Prometheus alerting rules over the metrics
  ``run-checks --openmetrics`` writes, each alert linking to its check's row on its runbook page;
- ``urls``: ``runbooks runbook-urls --mode MODE``, alert name → the anchor of that alert on the
  page of the runbook that names it (``alerts:``), for annotating rules a team already has;
- ``lint``: ``runbooks lint-rules RULES.yml…``, which checks those rules against the runbooks and
  the built site.

Every URL comes from ``generator.links`` (mkdocs.yml's ``site_url``), so it matches the pages.
"""
