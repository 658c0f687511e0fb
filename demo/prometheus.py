"""A real Prometheus (Debian package ``prometheus``) scraping the demo stack.

Used by ``runbooks demo`` and by the tests of the ``prometheus`` check kind,
so both exercise the same process control::

    server = start_prometheus(workdir, targets)       # a free port; config, data and log under workdir
    server.wait_scraped()                             # every target scraped twice: rate() works
    ...
    server.stop()

Scrapes and rule evaluation run every second, so the demo waits about two
seconds for data instead of the usual thirty.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from demo.ports import PortTaken, on_free_port
from demo.stack import DEFAULT_HOST, SERVICES, RunningStack

__all__ = ["INSTALL_HINT", "PrometheusError", "PrometheusMissing", "Prometheus", "find_prometheus",
           "demo_targets", "write_config", "start_prometheus"]

INSTALL_HINT = "prometheus is not installed (Debian package 'prometheus'); install it with: make system-deps"
SCRAPES_NEEDED = 2  # rate() and increase() need two samples per series
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # always local: ignore *_proxy


class PrometheusError(RuntimeError):
    """Prometheus did not start or did not scrape in time; the message is for the operator."""


class PrometheusMissing(PrometheusError):
    """The prometheus binary is not on PATH."""

    def __init__(self) -> None:
        super().__init__(INSTALL_HINT)


def find_prometheus() -> str:
    """The path of the prometheus binary, or PrometheusMissing."""
    found = shutil.which("prometheus")
    if not found:
        raise PrometheusMissing()
    return found


def demo_targets(stack: RunningStack) -> dict[str, str]:
    """Service id → ``host:port`` of each demo stack service's ``/metrics``."""
    return {sid: f"{stack.host}:{stack.ports[sid]}" for sid in SERVICES}


def write_config(path: Path, targets: Mapping[str, str]) -> None:
    """One job per service (label ``service`` = its id), scraped every second.

    JSON is valid YAML, and needs no YAML writer here.
    """
    config = {
        "global": {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"},
        "scrape_configs": [
            {"job_name": sid, "metrics_path": "/metrics",
             "static_configs": [{"targets": [address], "labels": {"service": sid}}]}
            for sid, address in targets.items()
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")


@dataclass
class Prometheus:
    """A running Prometheus; ``url`` is its base URL."""

    proc: subprocess.Popen[bytes]
    url: str
    log: Path
    targets: dict[str, str] = field(default_factory=dict)

    def query(self, promql: str, timeout: float = 5.0) -> Any:
        """The ``data`` of an instant query (for waiting and for tests)."""
        url = f"{self.url}/api/v1/query?" + urllib.parse.urlencode({"query": promql})
        with _OPENER.open(url, timeout=timeout) as response:
            return json.loads(response.read())["data"]

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Until ``/-/ready`` answers 200 (TSDB opened, config loaded)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._check_alive()
            try:
                with _OPENER.open(f"{self.url}/-/ready", timeout=1) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.05)
        raise PrometheusError(f"prometheus was not ready after {timeout:g}s; see {self.log}")

    def wait_scraped(self, scrapes: int = SCRAPES_NEEDED, timeout: float = 30.0) -> None:
        """Until every target has been scraped successfully ``scrapes`` times."""
        deadline = time.monotonic() + timeout
        promql = f"count_over_time(up[1m]) >= {scrapes} and min_over_time(up[1m]) == 1"
        done: set[str] = set()
        while time.monotonic() < deadline:
            self._check_alive()
            done = {s["metric"].get("job") for s in self.query(promql)["result"]}
            if set(self.targets) <= done:
                return
            time.sleep(0.1)
        missing = ", ".join(sorted(set(self.targets) - done))
        raise PrometheusError(f"prometheus did not scrape {missing} {scrapes} times within {timeout:g}s; see {self.log}")

    def stop(self, grace: float = 10.0) -> int | None:
        """SIGTERM (Prometheus flushes its head block), then kill after ``grace`` seconds."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def _check_alive(self) -> None:
        if self.proc.poll() is None:
            return
        why = _last_line(self.log)
        if "address already in use" in why:
            raise PortTaken(int(self.url.rsplit(":", 1)[1]))
        raise PrometheusError(f"prometheus exited with {self.proc.returncode}: {why}")


def _last_line(log: Path) -> str:
    """The log line that says why Prometheus stopped (the last error, else the last line)."""
    lines = log.read_text(encoding="utf-8", errors="replace").strip().splitlines() if log.exists() else []
    errors = [line for line in lines if "level=error" in line]
    return (errors or lines or ["no log output"])[-1][:500]


def start_prometheus(workdir: Path, targets: Mapping[str, str], port: int | None = None, *,
                     host: str = DEFAULT_HOST, timeout: float = 30.0) -> Prometheus:
    """Start Prometheus on ``host:port`` (default: a free port) scraping ``targets`` (job → ``host:port``).

    ``workdir`` holds ``prometheus.yml``, ``prometheus.log`` and ``data/``; the
    TSDB starts empty each time so old samples never mix into a run. Returns
    once ``/-/ready`` answers; call ``wait_scraped`` before querying rates.
    """
    binary = find_prometheus()
    return on_free_port(lambda chosen: _start(binary, workdir, dict(targets), chosen, host, timeout), port, host)


def _start(binary: str, workdir: Path, targets: dict[str, str], port: int, host: str, timeout: float) -> Prometheus:
    config, data, log = workdir / "prometheus.yml", workdir / "data", workdir / "prometheus.log"
    shutil.rmtree(data, ignore_errors=True)
    write_config(config, targets)
    cmd = [binary, f"--config.file={config}", f"--storage.tsdb.path={data}",
           f"--web.listen-address={host}:{port}", "--log.level=warn"]
    with log.open("wb") as sink:
        # Its own session: a Ctrl-C in the terminal reaches us, and we stop it cleanly.
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=sink, stderr=sink, start_new_session=True)
    server = Prometheus(proc, f"http://{host}:{port}", log, targets)
    try:
        server.wait_ready(timeout)
    except BaseException:
        server.stop()
        raise
    return server
