"""``tls``: verify a server's certificate and judge how many days it has left.

The handshake verifies the chain (default trust store, or ``ca_file``) and
the name. When verification fails, a second, non-verifying handshake fetches
the certificate anyway, so the page shows what the server presented
(subject, issuer, dates, SANs) next to what was expected.
"""

from __future__ import annotations

import asyncio
import functools
import ssl
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from generator.format.options import Int, Number, Obj, Str, Threshold
from generator.run.kinds.base import (
    CONNECTING,
    NO_VAR_DEFAULTS,
    Judge,
    ProbeContext,
    no_secret_quoting,
    nothing_to_seed,
)
from generator.run.results import Outcome, State

__all__ = ["NAME", "DOC", "SCHEMA", "ASSERTIONS", "IMPLICIT", "VAR_DEFAULTS", "USES_HTTP", "EMULATOR", "describe", "probe",
           "secret_quoting", "seed", "CertFacts", "read_cert", "trust_context", "default_context", "verifying_context",
           "no_verify_context", "peer_certificate", "CaFileError"]

NAME = "tls"
DOC = ("Connect with TLS, verify the certificate chain and name, and judge the days it has left. "
       "An expired, not yet valid, untrusted or wrong-host certificate is CRITICAL (reason tls), with the "
       "certificate the server presented as evidence.")
SCHEMA = Obj({
    "host": Str("Host name or address to connect to.", required=True, example="api.example.com"),
    "port": Int("Port number.", min=1, max=65535, default=443, example=443),
    "servername": Str("Name sent as SNI and verified against the certificate (default: host).",
                      example="api.example.com"),
    "ca_file": Str("PEM file of a CA to trust instead of the default trust store (an internal CA); "
                   "relative paths start at the project root; empty means the default trust store.",
                   example="certs/internal-ca.pem"),
    "days_left": Threshold(Number(min=0), "Days-left thresholds; fewer days than warn is WARNING, than crit "
                           "CRITICAL.", higher_is_worse=False, example={"warn": 30, "crit": 7}),
})
ASSERTIONS: tuple[str, ...] = ()  # a verified handshake is the assertion; days_left adds thresholds
IMPLICIT = CONNECTING
VAR_DEFAULTS = NO_VAR_DEFAULTS
USES_HTTP = False
EMULATOR: str | None = None
secret_quoting = no_secret_quoting
seed = nothing_to_seed

# OpenSSL verify codes (X509_V_ERR_*) that have their own wording.
_NOT_YET_VALID, _EXPIRED, _HOST_MISMATCH, _IP_MISMATCH = 9, 10, 62, 64


class CaFileError(Exception):
    """``ca_file`` is missing or not a readable PEM: the check cannot run."""


def describe(params: dict[str, Any]) -> str:
    name = params.get("servername")
    return f"tls://{params['host']}:{params['port']}" + (f" ({name})" if name and name != params["host"] else "")


async def probe(params: dict[str, Any], ctx: ProbeContext) -> Outcome:
    try:
        context = trust_context(ctx.root, params.get("ca_file"))
    except CaFileError as exc:
        return Outcome(State.UNKNOWN, f"cannot probe: {exc}", "error")
    host, port = params["host"], params["port"]
    name = params.get("servername") or host
    try:
        der = await peer_certificate(host, port, context, name)
    except ssl.SSLCertVerificationError as exc:
        try:
            der = await peer_certificate(host, port, no_verify_context(), name)
        except (OSError, ssl.SSLError):
            raise exc from None  # the server is gone: report the verification error alone
        return rejected(read_cert(der), exc, name, ctx.now())
    return judge(read_cert(der), params.get("days_left"), ctx.now())


def trust_context(root: Path, ca_file: str | None) -> ssl.SSLContext:
    """The verifying context: the default trust store (certifi's, as for http checks), or only ``ca_file``."""
    if not ca_file:
        return default_context()
    try:
        return _ca_context(str((root / ca_file).resolve()))
    except FileNotFoundError:
        raise CaFileError(f"ca_file {ca_file}: no such file") from None
    except (OSError, ssl.SSLError) as exc:
        raise CaFileError(f"ca_file {ca_file}: not a readable PEM CA certificate ({exc})") from None


@functools.lru_cache(maxsize=64)
def _ca_context(path: str) -> ssl.SSLContext:
    """One context per CA file and process: every probe of a run shares it (and the HTTP pool keys on it)."""
    return ssl.create_default_context(cafile=path)


@functools.lru_cache(maxsize=1)
def default_context() -> ssl.SSLContext:
    import certifi  # http and tls checks trust the same CAs

    return ssl.create_default_context(cafile=certifi.where())  # ~25 ms: load it once


def verifying_context(verify: bool | ssl.SSLContext | None) -> ssl.SSLContext | None:
    """The context that verifies as an http check's TLS settings say: the context itself (a ``ca_file``'s), the
    default trust store for True, None where nothing is verified (False, or None: plain http)."""
    if isinstance(verify, ssl.SSLContext):
        return verify
    return default_context() if verify else None


def no_verify_context() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


async def peer_certificate(host: str, port: int, context: ssl.SSLContext, name: str) -> bytes:
    """The peer's certificate (DER) after a completed handshake."""
    _reader, writer = await asyncio.open_connection(host, port, ssl=context, server_hostname=name)
    try:
        der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except (OSError, ssl.SSLError):
            pass  # the peer may drop a connection we only opened to read its certificate
    if not der:
        raise ssl.SSLError("the server sent no certificate")
    return bytes(der)


@dataclass(frozen=True)
class CertFacts:
    """What a page shows about a certificate."""

    subject: str
    issuer: str
    not_before: datetime
    not_after: datetime
    names: tuple[str, ...]  # SANs, or the subject CN when there are none

    def days_left(self, now: datetime) -> float:
        return (self.not_after - now).total_seconds() / 86400

    def lines(self) -> list[str]:
        return [f"subject: {self.subject}", f"issuer: {self.issuer}", f"notBefore: {_date(self.not_before)}",
                f"notAfter: {_date(self.not_after)}", f"SANs: {', '.join(self.names) or '(none)'}"]


def read_cert(der: bytes) -> CertFacts:
    from cryptography import x509

    cert = x509.load_der_x509_certificate(der)
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        names = [str(n.value) for n in san if isinstance(n, (x509.DNSName, x509.IPAddress))]  # in the cert's order
    except x509.ExtensionNotFound:
        names = [str(a.value) for a in cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)]
    return CertFacts(cert.subject.rfc4514_string(), cert.issuer.rfc4514_string(), cert.not_valid_before_utc,
                     cert.not_valid_after_utc, tuple(names))


def judge(facts: CertFacts, limits: dict[str, Any] | None, now: datetime) -> Outcome:
    verdict = Judge()
    days = facts.days_left(now)
    verdict.threshold("days_left", round(days, 1), limits, " days", below=True)
    observed = f"certificate valid for {days:.0f} more days (until {_date(facts.not_after)})"
    return verdict.outcome(observed, "\n".join(facts.lines()))


def rejected(facts: CertFacts, error: ssl.SSLCertVerificationError, name: str, now: datetime) -> Outcome:
    """CRITICAL (tls) with the certificate as evidence: expired, not yet valid, wrong host, untrusted."""
    code, message = error.verify_code, error.verify_message or str(error)
    days = facts.days_left(now)
    if code == _EXPIRED:
        summary = f"certificate expired {_ago(-days)} (notAfter {_date(facts.not_after)})"
    elif code == _NOT_YET_VALID:
        starts = (facts.not_before - now).total_seconds() / 86400
        summary = f"certificate not valid until {_date(facts.not_before)} (in {_ago(starts, ago=False)})"
    elif code in (_HOST_MISMATCH, _IP_MISMATCH):
        summary = f"expected a certificate valid for {name}, got one for {', '.join(facts.names) or facts.subject}"
    else:
        summary = f"certificate not trusted: {message} (issuer {facts.issuer})"
    verdict = Judge()
    verdict.threshold("days_left", round(days, 1), None, " days", below=True)
    evidence = "\n".join([f"verification failed: {message} (X509 error {code})", *facts.lines()])
    return Outcome(State.CRITICAL, summary, "tls", summary, evidence, verdict.perfdata, verdict.metrics)


def _ago(days: float, ago: bool = True) -> str:
    """``3 days ago``; under a day, in hours (``5 hours ago``)."""
    amount, unit = (round(days), "day") if days >= 1 else (max(1, round(days * 24)), "hour")
    return f"{amount} {unit}{'s' if amount != 1 else ''}" + (" ago" if ago else "")


def _date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")
