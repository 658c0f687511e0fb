"""The ``tls`` check kind, against real TLS servers on 127.0.0.1.

Each test makes the certificate it needs (tests/tlsutil.py), serves it on a
free port and runs the real engine: nothing is mocked.
"""

from __future__ import annotations

import re

import pytest

from generator.run.results import State
from tests.conftest import closed_port
from tests.helpers import run_one
from tests.tlsutil import Pki, https_server, self_signed

LIMITS = {"warn": 30, "crit": 7}


@pytest.fixture
def pki(project):
    """A test CA inside the project, so ``ca_file`` can be relative: certs/ca.pem."""
    return Pki(project.root / "certs")


def probe(project, tmp_path, cert, **params):
    with https_server(cert, tmp_path) as server:
        key = project.add_check("tls", {"host": "127.0.0.1", "port": server.port, "ca_file": "certs/ca.pem", **params})
        return run_one(project.root, key), server.port


def test_90_days_left_is_ok_with_a_days_left_metric(project, pki, tmp_path):
    result, port = probe(project, tmp_path, pki.leaf(expires=90), days_left=LIMITS)
    assert result.state is State.OK, result.summary
    assert result.reason == ""
    assert re.fullmatch(r"certificate valid for 90 more days \(until \d{4}-\d\d-\d\d \d\d:\d\d UTC\)", result.summary)
    assert 89.9 <= result.metrics["days_left_value"] <= 90
    assert result.perfdata == [f"days_left={result.metrics['days_left_value']:g};30:;7:"]
    assert result.target == f"tls://127.0.0.1:{port}"


def test_10_days_left_is_warning_under_warn_30(project, pki, tmp_path):
    result, _ = probe(project, tmp_path, pki.leaf(expires=10), days_left=LIMITS)
    assert result.state is State.WARNING, result.summary
    assert result.reason == "assertion"
    assert result.summary == "days_left 10 days < warn 30 days"
    assert "SANs: 127.0.0.1, localhost" in result.evidence


def test_5_days_left_is_critical_under_crit_7(project, pki, tmp_path):
    result, _ = probe(project, tmp_path, pki.leaf(expires=5), days_left=LIMITS)
    assert result.state is State.CRITICAL
    assert result.reason == "assertion"
    assert result.summary == "days_left 5 days < crit 7 days"


def test_without_days_left_a_verified_certificate_is_ok(project, pki, tmp_path):
    result, _ = probe(project, tmp_path, pki.leaf(expires=3))
    assert result.state is State.OK, result.summary
    assert result.summary.startswith("certificate valid for 3 more days")


def test_expired_certificate_is_critical_tls_expired_n_days_ago(project, pki, tmp_path):
    result, _ = probe(project, tmp_path, pki.leaf(starts=-90, expires=-3), days_left=LIMITS)
    assert result.state is State.CRITICAL
    assert result.reason == "tls"
    assert result.summary.startswith("certificate expired 3 days ago (notAfter ")
    assert result.evidence.startswith("verification failed: certificate has expired (X509 error 10)\n")
    assert "subject: CN=127.0.0.1" in result.evidence
    assert "issuer: CN=Test CA" in result.evidence
    assert "notBefore: " in result.evidence and "notAfter: " in result.evidence
    assert "SANs: 127.0.0.1, localhost" in result.evidence
    assert -3.01 <= result.metrics["days_left_value"] <= -2.99


def test_self_signed_certificate_is_critical_tls_untrusted(project, pki, tmp_path):
    result, _ = probe(project, tmp_path, self_signed())
    assert result.state is State.CRITICAL
    assert result.reason == "tls"
    assert result.summary == "certificate not trusted: self-signed certificate (issuer CN=127.0.0.1)"
    assert "subject: CN=127.0.0.1\nissuer: CN=127.0.0.1\n" in result.evidence


def test_a_private_ca_is_untrusted_without_ca_file(project, pki, tmp_path):
    with https_server(pki.leaf(), tmp_path) as server:
        key = project.add_check("tls", {"host": "127.0.0.1", "port": server.port})
        result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert result.reason == "tls"
    assert result.summary == "certificate not trusted: unable to get local issuer certificate (issuer CN=Test CA)"


def test_wrong_host_is_critical_tls_expected_vs_got(project, pki, tmp_path):
    result, _ = probe(project, tmp_path, pki.leaf(["bar.example"]), servername="foo.example")
    assert result.state is State.CRITICAL
    assert result.reason == "tls"
    assert result.summary == "expected a certificate valid for foo.example, got one for bar.example"
    assert "Hostname mismatch" in result.evidence
    assert "SANs: bar.example" in result.evidence
    assert result.target.endswith(" (foo.example)")


def test_the_host_is_the_name_verified_by_default(project, pki, tmp_path):
    result, _ = probe(project, tmp_path, pki.leaf(["localhost"]))
    assert result.state is State.CRITICAL
    assert result.reason == "tls"
    assert result.summary == "expected a certificate valid for 127.0.0.1, got one for localhost"


def test_servername_selects_the_name_verified(project, pki, tmp_path):
    result, _ = probe(project, tmp_path, pki.leaf(["api.example"]), servername="api.example", days_left=LIMITS)
    assert result.state is State.OK, result.summary


def test_not_yet_valid_certificate_is_critical_tls(project, pki, tmp_path):
    result, _ = probe(project, tmp_path, pki.leaf(starts=5, expires=90))
    assert result.state is State.CRITICAL
    assert result.reason == "tls"
    assert re.fullmatch(r"certificate not valid until \S+ \S+ UTC \(in 5 days\)", result.summary), result.summary
    assert "certificate is not yet valid (X509 error 9)" in result.evidence


def test_missing_ca_file_is_unknown(project, pki, tmp_path):
    result, _ = probe(project, tmp_path, pki.leaf(), ca_file="certs/nope.pem")
    assert result.state is State.UNKNOWN
    assert result.reason == "error"
    assert result.summary == "cannot probe: ca_file certs/nope.pem: no such file"


def test_a_ca_file_that_is_not_pem_is_unknown(project, pki, tmp_path):
    (project.root / "certs" / "junk.pem").write_text("not a certificate\n")
    result, _ = probe(project, tmp_path, pki.leaf(), ca_file="certs/junk.pem")
    assert result.state is State.UNKNOWN
    assert result.reason == "error"
    assert result.summary.startswith("cannot probe: ca_file certs/junk.pem: not a readable PEM CA certificate")


def test_closed_port_is_critical_connect(project, pki):
    key = project.add_check("tls", {"host": "127.0.0.1", "port": closed_port(), "ca_file": "certs/ca.pem"})
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert result.reason == "connect"
    assert result.summary.startswith("connection failed")
