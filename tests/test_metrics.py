"""The openmetrics and markdown formats on real runs: the textfile node_exporter reads, promtool's
verdict on it, and the CI summary's links into the site."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import datetime, timedelta, timezone

import pytest

from generator.cli import run_checks_main
from generator.run.pipeline import Output, RunRequest, run

from .conftest import require_command


@pytest.fixture
def mixed(project, http_server):
    ok = http_server.route("/metrics-ok", body={"status": "ok"})
    bad = http_server.route("/metrics-bad", status=500, body="<b>boom</b> | `x` *y*")
    project.check("web", f"""\
        - id: up
          title: Up
          http: {{url: "{ok}", status: 200, latency_ms: {{warn: 1000, crit: 5000}}}}
        - id: broken
          title: Broken
          http: {{url: "{bad}", status: 200}}
        - id: after
          title: After broken
          needs: broken
          http: {{url: "{ok}", status: 200}}
        - id: soft
          title: Warning only
          severity: warning
          http: {{url: "{bad}", status: 200}}
        - id: aws-only
          title: AWS only
          modes: [aws]
          tcp: {{host: 127.0.0.1, port: 1}}
    """)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    project.check("db", f"""\
        - id: primary
          title: Primary
          http: {{url: "{bad}", status: 200}}
    """, maintenance=json.dumps([{"reason": "upgrade", "start": (now - timedelta(hours=1)).isoformat(),
                                  "end": (now + timedelta(hours=1)).isoformat()}]))
    return project


def samples(text: str, name: str) -> dict[str, float]:
    """``{labels}`` → value of every sample of family ``name``."""
    return {m["labels"]: float(m["value"]) for m in re.finditer(rf"^{name}(?P<labels>{{[^}}]*}}) (?P<value>\S+)$",
                                                                  text, re.M)}


def test_run_checks_writes_a_textfile_promtool_accepts(mixed, tmp_path):
    promtool = require_command("promtool", "prometheus")
    textfiles = tmp_path / "node-exporter"
    textfiles.mkdir()
    prom = textfiles / "runbooks_local.prom"
    code = run_checks_main(["--root", str(mixed.root), "--mode", "local", "-q", "--openmetrics", str(prom)])
    assert code == 1
    assert sorted(p.name for p in textfiles.iterdir()) == ["runbooks_local.prom"]  # no temporary file left
    text = prom.read_text(encoding="utf-8")
    lint = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True, timeout=60)
    assert lint.returncode == 0 and lint.stdout + lint.stderr == "", lint.stdout + lint.stderr

    labels = 'mode="local",runbook="web",check="{}",kind="http",severity="{}"'
    state = samples(text, "runbooks_check_state")
    assert state[f"{{{labels.format('up', 'critical')}}}"] == 0
    assert state[f"{{{labels.format('broken', 'critical')}}}"] == 2
    assert state[f"{{{labels.format('soft', 'warning')}}}"] == 1  # capped at WARNING by its severity
    assert f"{{{labels.format('after', 'critical')}}}" not in state  # skipped: no state, a skipped series
    assert samples(text, "runbooks_check_skipped")[f"{{{labels.format('after', 'critical')}}}"] == 1
    assert not any("aws-only" in key for key in samples(text, "runbooks_check_skipped"))  # not a check of this mode
    db = '{mode="local",runbook="db",check="primary",kind="http",severity="critical"}'
    assert state[db] == 2 and samples(text, "runbooks_check_maintenance")[db] == 1  # what it saw, and why it is quiet

    perf = samples(text, "runbooks_check_perfdata")
    latency = perf[f"{{{labels.format('up', 'critical')},label=\"latency\",uom=\"ms\"}}"]
    duration = samples(text, "runbooks_check_duration_seconds")[f"{{{labels.format('up', 'critical')}}}"]
    assert 0 < latency < 5000 and 0 < duration < 5
    ran = samples(text, "runbooks_check_last_run_timestamp_seconds")[f"{{{labels.format('up', 'critical')}}}"]
    finished = samples(text, "runbooks_run_last_timestamp_seconds")['{mode="local"}']
    assert abs(datetime.now(timezone.utc).timestamp() - finished) < 300 and ran <= finished
    assert samples(text, "runbooks_run_checks")['{mode="local",state="MAINTENANCE"}'] == 1
    assert text.endswith("# EOF\n")


def test_a_vantage_labels_every_series(mixed, tmp_path):
    prom = tmp_path / "runbooks_local_eu.prom"
    run(RunRequest(mixed.root, "local", runbooks=["web"], outputs=[Output("openmetrics", prom)], record=False,
                   vantage="eu-west-1"))
    text = prom.read_text(encoding="utf-8")
    series = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert series and all('vantage="eu-west-1"' in line for line in series)


def test_the_markdown_summary_links_to_the_pages(mixed, tmp_path):
    mixed.set_site_url("https://ops.example.com/runbooks/")
    summary = tmp_path / "summary.md"
    code = run_checks_main(["--root", str(mixed.root), "--mode", "local", "-q", "--markdown", str(summary)])
    text = summary.read_text(encoding="utf-8")
    assert code == 1 and text.startswith("## ❌ run-checks `local`: 1 failed (--fail-on unknown)\n")
    assert "| ❌ CRITICAL | 1 |" in text and "| 🔧 MAINTENANCE | 1 |" in text
    assert ("- ❌ **CRITICAL** [`web/broken`](https://ops.example.com/runbooks/local/web/#check-broken) (assertion): "
            "status: expected 200, got 500") in text
    assert "maintenance: upgrade; the probe saw CRITICAL" in text
    assert "[status page](https://ops.example.com/runbooks/local/status/)" in text
    # what the server sent is evidence, folded and inert
    assert "<details><summary>Evidence</summary>" in text and "&lt;b&gt;boom&lt;/b&gt;" in text and "<b>" not in text
    assert "`web/up`" not in text  # OK checks are counted, not listed


def test_without_site_url_the_summary_names_checks_without_links(mixed, tmp_path):
    summary = tmp_path / "summary.md"
    run_checks_main(["--root", str(mixed.root), "--mode", "local", "-q", "--format", f"markdown={summary}"])
    text = summary.read_text(encoding="utf-8")
    assert "- ❌ **CRITICAL** `web/broken` (assertion)" in text and "](http" not in text
