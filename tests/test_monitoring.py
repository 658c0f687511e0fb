"""The monitoring loop end to end, on Debian's own daemons, each started here on a free port:

    run-checks --openmetrics → textfile → prometheus-node-exporter → prometheus (the rules
    `runbooks alerts` wrote) → prometheus-alertmanager → the alert's runbook_url → the page

A project with two broken checks: ``api``, and ``db`` inside a maintenance window. The alert
for ``api`` must reach Alertmanager with its labels and a runbook_url that resolves, anchor
included, in the built site served over HTTP; ``db``, just as broken, must raise none, and its
page shows the maintenance banner in Chromium (judged at view time: with the browser's clock
moved outside the window, the banner is gone).
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from playwright.sync_api import Browser

from demo.ports import PortTaken, on_free_port
from generator.cli import run_checks_main, runbooks_main
from generator.format.maintenance import iso
from generator.site.build import build

from .conftest import HttpServer, Project, require_command
from .test_browser import chromium, open_page, serve  # noqa: F401  (one browser for the module)

pytestmark = pytest.mark.browser

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
HOLD = "1s"  # the rules' `for:`, short for the test
NOW = datetime.now(timezone.utc).replace(microsecond=0)
WINDOW = (NOW - timedelta(hours=1), NOW + timedelta(hours=2))


@dataclass
class Daemon:
    name: str
    proc: subprocess.Popen[bytes]
    url: str
    log: Path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def get(self, path: str) -> Any:
        with OPENER.open(self.url + path, timeout=5) as response:
            return json.loads(response.read())


def start_daemon(name: str, command: Callable[[int], list[str]], workdir: Path, ready: str) -> Daemon:
    """``command(port)`` on a free port of 127.0.0.1, until ``ready`` answers 200 (again on another port if taken)."""

    def attempt(port: int) -> Daemon:
        log = workdir / f"{name}.log"
        with log.open("wb") as sink:
            proc = subprocess.Popen(command(port), stdout=sink, stderr=sink, stdin=subprocess.DEVNULL, cwd=workdir,
                                    start_new_session=True)
        daemon = Daemon(name, proc, f"http://127.0.0.1:{port}", log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                text = log.read_text(errors="replace")
                if "address already in use" in text:
                    raise PortTaken(port)
                raise AssertionError(f"{name} exited with {proc.returncode}:\n{text[-2000:]}")
            try:
                with OPENER.open(daemon.url + ready, timeout=1) as response:
                    if response.status == 200:
                        return daemon
            except OSError:
                pass
            time.sleep(0.1)
        daemon.stop()
        raise AssertionError(f"{name} was not ready within 60 s; see {log}")

    return on_free_port(attempt)


@dataclass
class Loop:
    root: Path
    site_url: str
    prometheus: Daemon
    alertmanager: Daemon
    run_code: int

    def alerts(self, **labels: str) -> list[dict[str, Any]]:
        """Alerts Alertmanager holds (API v2) whose labels include ``labels``."""
        matchers = "&".join("filter=" + urllib.parse.quote(f'{k}="{v}"') for k, v in labels.items())
        return list(self.alertmanager.get(f"/api/v2/alerts?{matchers}"))

    def query(self, promql: str) -> list[dict[str, Any]]:
        data = self.prometheus.get("/api/v1/query?" + urllib.parse.urlencode({"query": promql}))
        return list(data["data"]["result"])


def wait_for(what: str, probe: Callable[[], Any], timeout: float = 90.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.25)
    raise AssertionError(f"{what}: not within {timeout:g} s")


def write_project(root: Path, targets: HttpServer, site_url: str) -> Project:
    project = Project(root)
    project.set_site_url(site_url)
    api = targets.route("/loop-api", status=500, body="upstream failed")
    db = targets.route("/loop-db", status=503, body="read-only: upgrading")
    window = {"reason": "Database upgrade", "start": iso(WINDOW[0]), "end": iso(WINDOW[1]), "scope": {"checks": ["db"]}}
    project.check("shop", f"""\
        - id: api
          title: API answers
          http: {{url: "{api}", status: 200}}
        - id: db
          title: Database answers
          http: {{url: "{db}", status: 200}}
    """, alerts="[ShopDown]", maintenance=json.dumps([window]))
    return project


def _start_monitoring(work: Path, textfiles: Path, rules: Path) -> tuple[Daemon, Daemon, Daemon]:
    node = start_daemon("node-exporter", lambda port: [
        require_command("prometheus-node-exporter", "prometheus-node-exporter"),
        f"--web.listen-address=127.0.0.1:{port}", "--collector.disable-defaults", "--collector.textfile",
        f"--collector.textfile.directory={textfiles}"], work, "/metrics")
    (work / "alertmanager.yml").write_text(json.dumps({
        "route": {"receiver": "nobody", "group_wait": "1s", "group_interval": "1s", "repeat_interval": "1h"},
        "receivers": [{"name": "nobody"}]}))
    alertmanager = start_daemon("alertmanager", lambda port: [
        require_command("prometheus-alertmanager", "prometheus-alertmanager"), "--config.file=alertmanager.yml",
        f"--storage.path={work / 'alertmanager-data'}", f"--web.listen-address=127.0.0.1:{port}",
        "--cluster.listen-address=", "--log.level=warn"], work, "/-/ready")

    def prometheus_config(port: int) -> list[str]:
        (work / "prometheus.yml").write_text(json.dumps({
            "global": {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"},
            "rule_files": [str(rules)],
            "alerting": {"alertmanagers": [{"static_configs": [{"targets": [alertmanager.url.split("//")[1]]}]}]},
            "scrape_configs": [{"job_name": "node", "static_configs": [{"targets": [node.url.split("//")[1]]}]}]}))
        return [require_command("prometheus", "prometheus"), "--config.file=prometheus.yml",
                f"--storage.tsdb.path={work / 'prometheus-data'}", f"--web.listen-address=127.0.0.1:{port}",
                "--rules.alert.resend-delay=1s", "--log.level=warn"]

    return node, alertmanager, start_daemon("prometheus", prometheus_config, work, "/-/ready")


@pytest.fixture(scope="module")
def loop(http_server: HttpServer) -> Iterator[Loop]:
    tmp = Path(tempfile.mkdtemp(prefix="runbooks-loop-"))
    daemons: list[Daemon] = []
    try:
        (tmp / "proj" / "site").mkdir(parents=True)
        with serve(tmp / "proj" / "site") as base:
            project = write_project(tmp / "proj", http_server, base + "/")
            build(project.root, project.root / "site")
            textfiles = tmp / "textfile"
            textfiles.mkdir()
            code = run_checks_main(["--root", str(project.root), "--mode", "local", "-q", "--site",
                                    str(project.root / "site"), "--openmetrics", str(textfiles / "runbooks_local.prom")])
            rules = tmp / "runbooks-local.rules.yml"
            assert runbooks_main(["--root", str(project.root), "alerts", "--mode", "local", "--for", HOLD,
                                  "--out", str(rules)]) == 0
            daemons += _start_monitoring(tmp, textfiles, rules)
            yield Loop(project.root, base + "/", daemons[2], daemons[1], code)
    finally:
        for daemon in reversed(daemons):
            daemon.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def test_a_broken_check_reaches_alertmanager_with_a_runbook_url_that_resolves(loop):
    assert loop.run_code == 1  # api is CRITICAL; db is MAINTENANCE and fails nothing
    (alert,) = wait_for("the alert for shop/api in Alertmanager",
                        lambda: loop.alerts(alertname="RunbookCheckCritical", check="api"))
    labels = {k: v for k, v in alert["labels"].items() if k not in ("instance", "job")}
    assert labels == {"alertname": "RunbookCheckCritical", "mode": "local", "runbook": "shop", "check": "api",
                      "kind": "http", "severity": "critical"}
    assert alert["status"]["state"] == "active"
    assert alert["annotations"]["summary"] == "Check shop/api is CRITICAL in mode local"
    url = alert["annotations"]["runbook_url"]
    assert url == f"{loop.site_url}local/shop/#check-api"
    with OPENER.open(url, timeout=10) as response:  # the fragment stays in the browser; the page is served
        assert response.status == 200
        html = response.read().decode("utf-8")
    assert '<tr id="check-api">' in html and 'data-rb-state="CRITICAL"' in html


def test_inside_a_maintenance_window_the_same_break_raises_no_alert(loop):
    wait_for("the alert for shop/api in Alertmanager", lambda: loop.alerts(alertname="RunbookCheckCritical"))
    # Prometheus has db's series, as broken as api's, and knows it is in maintenance ...
    db = wait_for("db's state in Prometheus", lambda: loop.query('runbooks_check_state{check="db"} == 2'))
    assert len(db) == 1
    assert loop.query('runbooks_check_maintenance{check="db"} == 1')
    # ... and through further evaluations (each a second; for: 1s), no alert for db, pending or firing
    until = time.monotonic() + 5
    while time.monotonic() < until:
        assert loop.query('ALERTS{check="db"}') == []
        assert loop.alerts(check="db") == []
        time.sleep(0.5)
    assert [a["labels"]["check"] for a in loop.alerts(alertname="RunbookCheckCritical")] == ["api"]


def test_the_page_shows_the_maintenance_banner_while_the_window_is_active(loop, chromium: Browser):
    with open_page(chromium, loop.site_url) as page:
        for path in ("local/shop/", "local/status/", "local/shop/print/"):
            page.goto(path)
            banner = page.locator(".rb-maintenance")
            banner.wait_for(state="visible")
            text = banner.inner_text()
            assert "Maintenance" in text and "Database upgrade" in text, (path, text)
            assert f"until {WINDOW[1].strftime('%Y-%m-%d %H:%M')} UTC" in text, (path, text)
        page.goto("local/shop/")
        row = page.locator("tr#check-db")
        assert row.locator('[data-rb-state="MAINTENANCE"]').count() == 1
        assert "maintenance: Database upgrade · the probe saw CRITICAL" in row.inner_text()
    for outside in (WINDOW[0] - timedelta(minutes=5), WINDOW[1] + timedelta(minutes=5)):
        with open_page(chromium, loop.site_url) as page:
            page.clock.set_fixed_time(outside)  # the same page, viewed at another time
            page.goto("local/shop/")
            page.locator("tr#check-db [data-rb-state]").wait_for()
            assert page.locator(".rb-maintenance").is_hidden()
