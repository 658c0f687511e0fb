"""Throw-away certificates: a CA and the leaf certificates it signs.

The demo stack serves HTTPS with them, and the tests build expired,
not-yet-valid, self-signed and wrong-host certificates from the same
function. Keys are P-256 (a few ms to make; RSA-2048 takes ~100 ms).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Sequence

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = ["Issued", "issue"]


@dataclass(frozen=True)
class Issued:
    """A certificate and its private key."""

    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    @property
    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def key_pem(self) -> bytes:
        return self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())

    def write(self, directory: Path, name: str) -> tuple[Path, Path]:
        """``<name>.pem`` and ``<name>.key`` (owner-only) in ``directory``."""
        directory.mkdir(parents=True, exist_ok=True)
        cert_path, key_path = directory / f"{name}.pem", directory / f"{name}.key"
        cert_path.write_bytes(self.cert_pem)
        key_path.touch(mode=0o600)
        key_path.write_bytes(self.key_pem)
        return cert_path, key_path


def issue(common_name: str, hosts: Sequence[str] = (), *, signer: Issued | None = None, ca: bool = False,
          starts: float = -1.0, expires: float = 60.0, now: datetime | None = None) -> Issued:
    """A certificate valid from ``starts`` to ``expires`` days from now.

    ``hosts`` become SANs (IP addresses or DNS names); without ``signer``
    the certificate signs itself.
    """
    now = now or datetime.now(timezone.utc)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    issuer = signer.cert.subject if signer else subject
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now + timedelta(days=starts)).not_valid_after(now + timedelta(days=expires))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    builder = _as_ca(builder) if ca else _as_server(builder, hosts)
    if signer:
        aki = x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.key.public_key())
        builder = builder.add_extension(aki, critical=False)
    return Issued(builder.sign(signer.key if signer else key, hashes.SHA256()), key)


def _as_ca(builder: x509.CertificateBuilder) -> x509.CertificateBuilder:
    usage = x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                          key_encipherment=False, data_encipherment=False, key_agreement=False,
                          encipher_only=False, decipher_only=False)
    return builder.add_extension(usage, critical=True)


def _as_server(builder: x509.CertificateBuilder, hosts: Sequence[str]) -> x509.CertificateBuilder:
    builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    return builder.add_extension(x509.SubjectAlternativeName([_san(h) for h in hosts]), critical=False) \
        if hosts else builder


def _san(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)
