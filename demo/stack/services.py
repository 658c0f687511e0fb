"""The demo stack's catalogue: its services, listeners, errors and where its files live."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

VERSION = "1.4.2"
DEFAULT_HOST = "127.0.0.1"
FAIL_ENV = "DEMO_FAIL"
READY_PREFIX = "demo stack ready:"

MODULE = "demo.stack"
DEMO_DIRNAME = ".demo"
PIDFILE_NAME = "stack.pid"
LOCK_NAME = "stack.lock"
PORTS_FILE = "ports.json"  # the port map: listener name → port, while the stack runs
MANAGED_DIRS = ("backups", "data", "logs", "config", "tls")

# Pretend every service has already been running this long (in its initial
# state), so even the first scrape has stable ratios and quantiles.
VIRTUAL_HISTORY_S = 600.0
IDLE_TIMEOUT_S = 30.0
MAX_BODY_BYTES = 64 * 1024




@dataclass(frozen=True)
class Service:
    """One HTTP stand-in service.

    ``delay`` (seconds) is added to every response; paths in ``slow_paths``
    get ``slow_delay`` instead. ``failing_component`` is the health component
    reported "down" while the service is failed.
    """

    id: str
    title: str
    delay: float
    components: tuple[str, ...]
    failing_component: str
    slow_paths: frozenset[str] = frozenset()
    slow_delay: float = 0.0

    def delay_for(self, path: str) -> float:
        """Response delay in seconds for a request path."""
        return self.slow_delay if path in self.slow_paths else self.delay

    @property
    def var(self) -> str:
        """The local mode variable holding this service's base URL."""
        return f"{self.id}_url"


@dataclass(frozen=True)
class TcpService:
    """A plain TCP listener standing in for a database.

    With ``reply`` set, every chunk received is answered with it; without,
    the connection is closed right after accept (enough for a connect check).
    """

    id: str
    title: str
    var: str  # the local mode variable holding its port
    reply: bytes | None = None


SERVICES: Mapping[str, Service] = MappingProxyType(
    {
        s.id: s
        for s in (
            Service(
                "omnichat", "Horizons OmniChat chatbot platform", 0.005,
                ("api", "nlu", "session_store", "channel_gateway"), "nlu",
            ),
            Service(
                "search", "Search service", 0.005,
                ("api", "index", "query_cache"), "index",
                # Above the 100 ms SLO on purpose: latency checks show WARNING.
                slow_paths=frozenset({"/health", "/search"}), slow_delay=0.120,
            ),
            Service(
                "intentbot", "Intent-classifier chatbot API", 0.005,
                ("api", "model", "session_store"), "model",
            ),
            Service(
                "openframe", "OpenFrame event platform", 0.005,
                ("api", "event_bus", "stream_processor"), "event_bus",
            ),
            Service(
                "platform", "Web platform API gateway", 0.005,
                ("api", "postgres", "redis"), "postgres",
            ),
        )
    }
)

TCP_SERVICES: Mapping[str, TcpService] = MappingProxyType(
    {
        t.id: t
        for t in (
            TcpService("postgres", "PostgreSQL stand-in", "db_port"),
            TcpService("redis", "Redis stand-in", "cache_port", reply=b"+PONG\r\n"),
        )
    }
)


# The platform gateway is also served over HTTPS, so a tls check sees a real
# certificate: issued by a demo CA for 127.0.0.1 and localhost, ~60 days left.
TLS_SERVICE = "platform"
TLS_LISTENER = "platform-tls"  # its name in the port map
TLS_VAR = "platform_tls_port"
TLS_DAYS = 60
TLS_HOSTS = (DEFAULT_HOST, "localhost")


class StackError(Exception):
    """The demo stack cannot start; the message is meant for the operator."""


class AlreadyRunning(StackError):
    """Another demo stack serves this project (it holds ``.demo/stack.lock``)."""

    def __init__(self, root: Path, pid: str) -> None:
        super().__init__(
            f"a demo stack is already running for {root} (pid {pid or 'unknown'}, "
            f"see {DEMO_DIRNAME}/{PIDFILE_NAME}); stop it first"
        )


def parse_fail_ids(values: Iterable[str]) -> tuple[str, ...]:
    """Parse ``ID[,ID...]`` strings into known service ids (catalogue order).

    Raises ValueError naming the first unknown id.
    """
    wanted: set[str] = set()
    for value in values:
        wanted.update(part.strip() for part in value.split(",") if part.strip())
    unknown = sorted(wanted - SERVICES.keys())
    if unknown:
        raise ValueError(
            f"unknown service id {unknown[0]!r} (choose from {', '.join(SERVICES)})"
        )
    return tuple(sid for sid in SERVICES if sid in wanted)


def demo_dir(root: Path) -> Path:
    """The ``.demo`` directory the stack manages under ``root``."""
    return Path(root) / DEMO_DIRNAME
