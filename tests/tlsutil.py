"""Real TLS servers on 127.0.0.1 with certificates made for each test.

``Pki`` holds a test CA (written as ``ca.pem``) and issues leaf certificates
from it; ``https_server`` serves one of them over HTTPS (the conftest
``HttpServer`` with its socket wrapped), for the ``tls`` and ``http`` kinds.
"""

from __future__ import annotations

import ssl
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

from demo.certs import Issued, issue
from tests.conftest import HttpServer

LOCAL = ("127.0.0.1", "localhost")


class Pki:
    """A test CA in ``directory`` and the certificates it signs."""

    def __init__(self, directory: Path, name: str = "Test CA") -> None:
        self.directory = directory
        self.ca = issue(name, ca=True, expires=3650)
        self.ca_file, _ = self.ca.write(directory, "ca")

    def leaf(self, hosts: Sequence[str] = LOCAL, *, starts: float = -1.0, expires: float = 90.0) -> Issued:
        return issue(hosts[0] if hosts else "leaf", hosts, signer=self.ca, starts=starts, expires=expires)


def self_signed(hosts: Sequence[str] = LOCAL, expires: float = 90.0) -> Issued:
    return issue(hosts[0], hosts, expires=expires)


def server_context(cert: Issued, directory: Path) -> ssl.SSLContext:
    """A server-side context presenting ``cert`` (files: ssl loads chains from paths only)."""
    cert_path, key_path = cert.write(directory, f"server-{cert.cert.serial_number:x}")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    return context


@contextmanager
def https_server(cert: Issued, directory: Path) -> Iterator[HttpServer]:
    server = HttpServer(tls=server_context(cert, directory))
    try:
        yield server
    finally:
        server.close()
