"""The ``http`` kind over HTTPS: ca_file trust, untrusted CAs, tls_days_left.

A real HTTPS server on 127.0.0.1 presents certificates made for each test
by a test CA (tests/tlsutil.py).
"""

from __future__ import annotations

import pytest

from generator.run.results import State
from tests.helpers import each_http_client, run_one  # noqa: F401  (a fixture)
from tests.tlsutil import Pki, https_server, self_signed

# Every test here runs through both HTTP clients: they must agree on every feature.
pytestmark = pytest.mark.usefixtures("each_http_client")


@pytest.fixture
def pki(project):
    return Pki(project.root / "certs")


def test_ca_file_trusts_an_internal_ca_and_headers_are_judged_over_https(project, pki, tmp_path):
    with https_server(pki.leaf(expires=90), tmp_path) as server:
        url = server.route("/h", body={"status": "ok"}, headers={"Strict-Transport-Security": "max-age=63072000"})
        key = project.add_check("http", {"url": url, "ca_file": "certs/ca.pem", "status": 200, "json": {"status": "ok"},
                                  "headers": {"strict-transport-security": {"regex": r"max-age=\d+"}},
                                  "tls_days_left": {"warn": 30, "crit": 7}})
        result = run_one(project.root, key)
    assert result.state is State.OK, result.summary
    assert result.summary.startswith("HTTP 200 in ") and result.summary.endswith(", certificate valid for 90 more days")
    assert 89.9 <= result.metrics["tls_days_left_value"] <= 90
    assert any(p.startswith("tls_days_left=") and p.endswith(";30:;7:") for p in result.perfdata)


def test_a_certificate_from_an_untrusted_ca_is_critical_tls(project, pki, tmp_path):
    other = Pki(tmp_path / "other", name="Other CA")
    with https_server(other.leaf(), tmp_path) as server:
        key = project.add_check("http", {"url": server.route("/u"), "ca_file": "certs/ca.pem", "status": 200})
        result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert result.reason == "tls"
    assert "certificate verify failed" in result.summary


def test_without_ca_file_an_internal_ca_is_untrusted(project, pki, tmp_path):
    with https_server(pki.leaf(), tmp_path) as server:
        key = project.add_check("http", {"url": server.route("/n"), "status": 200})
        result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert result.reason == "tls"


def test_tls_days_left_under_warn_is_warning_with_the_certificate_in_evidence(project, pki, tmp_path):
    with https_server(pki.leaf(expires=10), tmp_path) as server:
        key = project.add_check("http", {"url": server.route("/w"), "ca_file": "certs/ca.pem",
                                  "tls_days_left": {"warn": 30, "crit": 7}})
        result = run_one(project.root, key)
    assert result.state is State.WARNING, result.summary
    assert result.reason == "assertion"
    assert result.summary == "tls_days_left 10 days < warn 30 days"
    assert "certificate issuer: CN=Test CA" in result.evidence
    assert "certificate SANs: 127.0.0.1, localhost" in result.evidence


def test_tls_days_left_works_with_verify_false(project, tmp_path):
    with https_server(self_signed(expires=5), tmp_path) as server:
        key = project.add_check("http", {"url": server.route("/v"), "verify": False, "tls_days_left": {"crit": 7}})
        result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert result.reason == "assertion"
    assert result.summary == "tls_days_left 5 days < crit 7 days"


def test_missing_ca_file_is_unknown(project, pki, tmp_path):
    with https_server(pki.leaf(), tmp_path) as server:
        key = project.add_check("http", {"url": server.route("/m"), "ca_file": "certs/missing.pem", "status": 200})
        result = run_one(project.root, key)
    assert result.state is State.UNKNOWN
    assert result.reason == "error"
    assert result.summary == "cannot probe: ca_file certs/missing.pem: no such file"


def test_tls_days_left_on_a_templated_http_url_is_unknown_at_run_time(project):
    key = project.add_check("http", {"url": "{{ api }}/x", "tls_days_left": {"warn": 30}})
    result = run_one(project.root, key)
    assert result.state is State.UNKNOWN
    assert result.reason == "error"
    assert result.summary == "cannot probe: tls_days_left needs an https URL, got http://127.0.0.1:1/x"


def test_a_redirect_from_http_to_https_is_verified_as_an_https_url_would_be(project, pki, http_server, tmp_path):
    """``verify`` and ``ca_file`` hold where a redirect leads: an http URL is no way around the certificate."""
    with https_server(pki.leaf(), tmp_path) as server:
        http_server.route("/tls/upgrade", status=301, body="", headers={"Location": server.route("/secure")})
        url = http_server.url("/tls/upgrade")
        untrusted = run_one(project.root, project.add_check("http", {"url": url, "status": 200,
                                                                      "follow_redirects": True}))
        trusted = run_one(project.root, project.add_check("http", {"url": url, "status": 200, "follow_redirects": True,
                                                                    "ca_file": "certs/ca.pem"}))
        unverified = run_one(project.root, project.add_check("http", {"url": url, "status": 200,
                                                                       "follow_redirects": True, "verify": False}))
    assert untrusted.state is State.CRITICAL and untrusted.reason == "tls", untrusted.summary
    assert "certificate verify failed" in untrusted.summary
    assert trusted.state is State.OK, trusted.summary
    assert unverified.state is State.OK, unverified.summary
