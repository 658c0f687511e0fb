"""Free ports for the demo's servers, so demos and test runs never collide.

The stack binds port 0 itself. Programs we start (Prometheus, moto_server)
need a port on their command line: we ask the kernel for a free one, and
when another process takes it in the instant before the program binds it,
we try again with another.
"""

from __future__ import annotations

import socket
from typing import Callable, TypeVar

__all__ = ["PortTaken", "free_port", "on_free_port"]

T = TypeVar("T")
ATTEMPTS = 5


class PortTaken(RuntimeError):
    """The program could not bind its port: another process holds it."""

    def __init__(self, port: int) -> None:
        super().__init__(f"port {port} is in use by another process")
        self.port = port


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def on_free_port(start: Callable[[int], T], port: int | None = None, host: str = "127.0.0.1") -> T:
    """``start(port)``; without a ``port``, on a free one, again on another when it raises PortTaken."""
    if port is not None:
        return start(port)
    for attempt in range(ATTEMPTS):
        try:
            return start(free_port(host))
        except PortTaken:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")
