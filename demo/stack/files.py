"""The files a demo stack stands behind: backups of fixed ages, data, logs, config and a demo TLS CA."""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import shutil
import tarfile
import time
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from pathlib import Path

from demo.stack.services import (
    DEFAULT_HOST,
    DEMO_DIRNAME,
    MANAGED_DIRS,
    SERVICES,
    TCP_SERVICES,
    TLS_DAYS,
    TLS_HOSTS,
    VERSION,
    Service,
    demo_dir,
)

_FRESH_AGES_H = (2, 26, 50)
_STALE_AGES_H = (74, 98, 122)
_PAYLOAD_BYTES = 3000  # incompressible, so every archive stays above 2 KB

_DATA_FILES: dict[str, dict[str, str]] = {
    "omnichat": {
        "channels.json": '{"channels": ["web", "slack", "teams"]}\n',
        "conversations.jsonl": '{"id": "c-1", "turns": 6}\n{"id": "c-2", "turns": 3}\n',
    },
    "search": {
        "index.meta.json": '{"shards": 4, "replicas": 2, "documents": 1284000}\n',
        "synonyms.txt": "runbook, playbook\nlatency, response time\n",
    },
    "intentbot": {
        "intents.json": '{"intents": ["greeting", "billing", "cancel", "handoff"]}\n',
        "model-manifest.json": '{"models": ["svm", "bert"], "accuracy": 0.93}\n',
    },
    "openframe": {
        "topics.json": '{"topics": ["events.raw", "events.enriched"], "partitions": 32}\n',
        "offsets.json": '{"events.raw": 918273645, "events.enriched": 918270001}\n',
    },
    "platform": {
        "migrations.txt": "0001_init\n0002_users\n0003_sessions\n",
        "feature-flags.json": '{"canary": false, "color": "blue"}\n',
    },
}

_LOG_MESSAGES: dict[str, tuple[str, ...]] = {
    "omnichat": ("channel gateway connected (web, slack, teams)",
                 "nlu model warm-up finished"),
    "search": ("index shards loaded (4/4)", "query cache hit ratio 0.82"),
    "intentbot": ("svm and bert models loaded", "session store connected"),
    "openframe": ("stream processor assigned 32 partitions", "event bus lag 120 ms"),
    "platform": ("postgres pool ready (100 connections)", "redis connected"),
}

_CONFIG_EXTRA: dict[str, str] = {
    "omnichat": "channels: [web, slack, teams]\nsession_ttl_minutes: 30\n",
    "search": "slo:\n  latency_p95_ms: 100\nshards: 4\n",
    "intentbot": "models: [svm, bert]\nsession_ttl_minutes: 20\n",
    "openframe": "target_events_per_second: 100000\npartitions: 32\n",
    "platform": (
        "database: postgres://127.0.0.1:{postgres}/platform\n"
        "cache: redis://127.0.0.1:{redis}/0\n"
        "deployment:\n  strategy: blue-green\n  color: blue\n  canary_percent: 0\n"
    ),
}


def prepare(root: Path, *, failed: Iterable[str] = (), now: float | None = None,
            ports: Mapping[str, int] | None = None) -> None:
    """(Re)create the demo files under ``<root>/.demo/``.

    Backups get fixed ages (newest 2 h, intentbot sessions deliberately 74 h),
    logs of ``failed`` services get ERROR lines, ``tls/`` gets a fresh demo CA
    and server certificate. Safe to call repeatedly.
    """
    now = time.time() if now is None else now
    failed_ids = set(failed)
    base = demo_dir(root)
    for sub in MANAGED_DIRS:
        shutil.rmtree(base / sub, ignore_errors=True)
    for sid, service in SERVICES.items():
        _write_backups(base / "backups" / sid, sid, now)
        _write_files(base / "data" / sid, _DATA_FILES[sid])
        _write_log(base / "logs" / sid / "app.log", sid, sid in failed_ids, now)
        _write_files(base / "config", {f"{sid}.yaml": _config_text(service, ports or {})})
    _write_tls(base / "tls", now)


def _write_tls(directory: Path, now: float) -> None:
    """``ca.pem`` (for a check's ca_file), ``server.pem`` and ``server.key`` (~5 ms with P-256 keys)."""
    from demo.certs import issue  # here: callers that only start or stop the stack skip cryptography

    moment = datetime.fromtimestamp(now, timezone.utc)
    ca = issue("Runbooks demo CA", ca=True, expires=3 * TLS_DAYS, now=moment)
    issue(DEFAULT_HOST, TLS_HOSTS, signer=ca, expires=TLS_DAYS, now=moment).write(directory, "server")
    (directory / "ca.pem").write_bytes(ca.cert_pem)  # its key is never written: nothing else gets signed


def _backup_plan(service_id: str) -> list[tuple[str, tuple[int, ...]]]:
    if service_id == "intentbot":
        return [("sessions", _STALE_AGES_H), ("model", _FRESH_AGES_H)]
    return [(f"{service_id}-db", _FRESH_AGES_H)]


def _write_backups(directory: Path, service_id: str, now: float) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for prefix, ages in _backup_plan(service_id):
        for hours in ages:
            mtime = now - hours * 3600
            stamp = time.strftime("%Y%m%d-%H%M", time.gmtime(mtime))
            _write_archive(directory / f"{prefix}-{stamp}.tar.gz", service_id, prefix, mtime)


def _write_archive(path: Path, service_id: str, kind: str, mtime: float) -> None:
    created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(mtime))
    manifest = f"system: {service_id}\nkind: {kind}\ncreated: {created}\nversion: {VERSION}\n"
    payload = hashlib.shake_256(path.name.encode()).digest(_PAYLOAD_BYTES)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in (("MANIFEST", manifest.encode()), (f"{kind}.dump", payload)):
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), int(mtime), 0o644
            tar.addfile(info, io.BytesIO(data))
    path.write_bytes(gzip.compress(buffer.getvalue(), mtime=int(mtime)))
    os.utime(path, (mtime, mtime))


def _write_files(directory: Path, files: Mapping[str, str]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(text)


def _write_log(path: Path, service_id: str, failed: bool, now: float) -> None:
    def line(minutes_ago: int, level: str, message: str) -> str:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - minutes_ago * 60))
        return f"{stamp} {level:<5} [{service_id}] {message}\n"

    first, second = _LOG_MESSAGES[service_id]
    lines = [
        line(45, "INFO", f"starting {service_id} version {VERSION}"),
        line(44, "INFO", first),
        line(30, "WARN", "slow request: GET /health took 240 ms"),
        line(5, "INFO", second),
    ]
    if failed:
        component = SERVICES[service_id].failing_component
        lines.append(line(1, "ERROR", f"health check failed: {component} unreachable"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(lines))


def _config_text(service: Service, ports: Mapping[str, int]) -> str:
    """What a service's config file says; the ports are the ones bound (0 before)."""
    where = {name: ports.get(name, 0) for name in (*SERVICES, *TCP_SERVICES)}
    return (
        f"# Demo configuration for {service.title} (written by the demo stack)\n"
        f"service: {service.id}\n"
        f"version: {VERSION}\n"
        f"listen: {DEFAULT_HOST}:{where[service.id]}\n"
        f"health_path: /health\n"
        f"metrics_path: /metrics\n"
        f"backup_dir: {DEMO_DIRNAME}/backups/{service.id}\n"
        f"log_file: {DEMO_DIRNAME}/logs/{service.id}/app.log\n"
        + _CONFIG_EXTRA[service.id].format(**where)
    )
