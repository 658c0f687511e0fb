"""Validation: every error is one line, path:line:col: message, all at once, exit 78."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import runbooks_main
from generator.errors import ConfigError
from generator.format.catalog import load_catalog
from generator.run.kinds import KINDS

ALL_KINDS = "http, tcp, command, file, disk, tls, prometheus"  # the registry's order, spelled out once

RUNBOOKS = str(Path(sys.executable).parent / "runbooks")
KIND_NAMES = ", ".join(KINDS)  # the registry grows; the message lists it in order


def errors(project) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_catalog(project.root)
    return [str(d) for d in info.value.diagnostics]


def test_valid_project_loads(project):
    project.check("api", """\
        - id: health
          title: Health
          http: {url: "{{ api }}/health", status: 200}
    """)
    catalog = load_catalog(project.root)
    assert catalog.view("api", "local").checks[0].params["url"] == "http://127.0.0.1:1/health"
    assert catalog.view("api", "hybrid").checks[0].params["url"] == "http://hybrid.invalid/health"


def test_all_errors_reported_at_once_with_positions(project):
    project.write("api", """\
        title: API
        summary: API health
        severity: P9
        colour: blue
        sections:
          - title: Check
            steps:
              - text: look
                check: nope
        checks:
          - id: health
            title: Health
            http:
              url: "{{ api }}/health"
              status: ok
              latency_ms: {warn: 300, crit: 200}
          - id: health
            title: dup
            htp: {url: x}
          - id: Bad Id
            title: t
            tcp: {host: x, port: 99999}
            timeout: 5x
          - id: c
            title: no assertion
            command: {run: "true"}
          - id: d
            title: two kinds
            tcp: {host: x, port: 1}
            disk: {used_percent: {warn: 1}}
          - id: e
            title: no kind
        title: again
    """)
    assert errors(project) == [
        "runbooks/api.yaml:3:1: severity: unknown severity 'P9'; expected one of: P1, P2",
        "runbooks/api.yaml:4:1: unknown key 'colour'; expected one of: title, summary, owner, severity, tags, "
        "alerts, modes, vars, sections, checklist, checks, maintenance",
        "runbooks/api.yaml:9:9: sections[0].steps[0].check: unknown check 'nope'; checks in this runbook: "
        "health, Bad Id, c, d, e",
        "runbooks/api.yaml:15:7: checks[0].http.status: expected an integer 100-599, got 'ok'",
        "runbooks/api.yaml:16:7: checks[0].http.latency_ms: warn (300) must not be greater than crit (200)",
        "runbooks/api.yaml:17:5: checks[1].id: duplicate check id 'health' (first at checks[0])",
        f"runbooks/api.yaml:19:5: checks[1]: unknown check kind 'htp'; expected one of: {KIND_NAMES}",
        "runbooks/api.yaml:20:5: checks[2].id: 'Bad Id' is not a safe file name (use 1-64 lowercase letters, "
        "digits, '-' or '_', starting with a letter or digit)",
        "runbooks/api.yaml:22:20: checks[2].tcp.port: expected an integer 1-65535, got 99999",
        "runbooks/api.yaml:23:5: checks[2].timeout: expected a duration such as 30s, 5m, 26h or 7d, got '5x'",
        "runbooks/api.yaml:26:5: checks[3].command: no assertion; add at least one of: exit_code, "
        "stdout_contains, stdout_regex",
        "runbooks/api.yaml:30:5: checks[4]: more than one check kind (tcp, disk); a check has exactly one",
        f"runbooks/api.yaml:31:5: checks[5]: no check kind; add exactly one of: {KIND_NAMES}",
        "runbooks/api.yaml:33:1: title: duplicate key (first defined at line 1)",
    ]


def test_undeclared_mode_in_runbook_check_and_run_map(project):
    project.write("api", """\
        title: API
        summary: s
        modes: [local, prod]
        sections:
          - title: s
            steps:
              - text: t
                run: {local: a, staging: b}
        checks:
          - id: c
            title: t
            modes: [qa]
            tcp: {host: h, port: 1}
    """)
    assert errors(project) == [
        "runbooks/api.yaml:3:16: modes[1]: undeclared mode 'prod'; declared modes: local, hybrid, aws",
        "runbooks/api.yaml:8:25: sections[0].steps[0].run.staging: undeclared mode 'staging'; "
        "declared modes: local, hybrid, aws",
        "runbooks/api.yaml:12:13: checks[0].modes[0]: undeclared mode 'qa'; declared modes: local, hybrid, aws",
    ]


def test_undefined_variable_is_an_error_for_the_mode_that_lacks_it(project):
    project.write("_project", (project.root / "runbooks/_project.yaml").read_text().replace(
        'vars: {api: "https://aws.invalid"}', "vars: {}"))
    project.check("api", """\
        - id: health
          title: Health
          http: {url: "{{ api }}/health", status: 200}
    """)
    assert errors(project) == [
        "runbooks/api.yaml:6:12: checks[0].http.url: undefined variable 'api' in mode 'aws'",
    ]


def test_check_limited_to_modes_does_not_need_other_modes_vars(project):
    project.write("_project", (project.root / "runbooks/_project.yaml").read_text().replace(
        'vars: {api: "https://aws.invalid"}', "vars: {}"))
    project.check("api", """\
        - id: health
          title: Health
          modes: [local, hybrid]
          http: {url: "{{ api }}/health", status: 200}
    """)
    assert load_catalog(project.root).view("api", "aws").checks[0].applies is False


def test_malformed_durations_and_thresholds(project):
    project.check("files", """\
        - id: a
          title: t
          file: {path: /x, newest_age: {warn: 26x, crit: 48h}}
        - id: b
          title: t
          file: {path: /x, newest_age: 26h}
        - id: c
          title: t
          disk: {used_percent: {warning: 80}}
        - id: d
          title: t
          disk: {used_percent: {warn: 101}}
        - id: e
          title: t
          file: {path: /x, min_size: big}
    """)
    assert errors(project) == [
        "runbooks/files.yaml:6:35: checks[0].file.newest_age.warn: expected a duration such as 30s, 5m, 26h "
        "or 7d, got '26x'",
        "runbooks/files.yaml:9:22: checks[1].file.newest_age: expected a mapping with warn and/or crit, got '26h'",
        "runbooks/files.yaml:12:27: checks[2].disk.used_percent: unknown key 'warning'; expected warn or crit",
        "runbooks/files.yaml:15:27: checks[3].disk.used_percent.warn: expected a number 0-100, got 101",
        "runbooks/files.yaml:18:22: checks[4].file.min_size: expected a size such as 512, 10KB or 5MiB, got 'big'",
    ]


def test_unsafe_runbook_file_name(project):
    project.write("Bad Name", "title: t\nsummary: s\n")
    assert errors(project) == [
        "runbooks/Bad Name.yaml:1:1: runbook id 'Bad Name' (the file name) is not a safe file name (use 1-64 "
        "lowercase letters, digits, '-' or '_', starting with a letter or digit)",
    ]


def test_yaml_syntax_error_points_at_the_problem(project):
    project.write("broken", "title: t\nsummary: [unclosed\nchecks: []\n")
    (message,) = errors(project)
    assert message.startswith("runbooks/broken.yaml:3:")
    assert "invalid YAML" in message


def test_bad_regex_and_bad_template(project):
    project.check("api", """\
        - id: a
          title: t
          http: {url: "http://x", body_regex: "(unclosed"}
        - id: b
          title: t
          http: {url: "{{ api | nofilter }}", status: 200}
    """)
    assert errors(project) == [
        "runbooks/api.yaml:6:29: checks[0].http.body_regex: invalid regular expression '(unclosed': "
        "missing ), unterminated subpattern at position 0",
        "runbooks/api.yaml:9:12: checks[1].http.url: invalid template: No filter named 'nofilter'.",
    ]


def test_project_file_errors(project):
    project.write("_project", """\
        title: T
        modes: {}
        escalation:
          - {level: First, contact: nobody}
        severities:
          P1: {title: C}
    """)
    assert errors(project) == [
        "runbooks/_project.yaml:2:1: modes: expected at least one mode, e.g. prod: {title: Production, "
        "description: ...}",
        "runbooks/_project.yaml:4:20: escalation[0].contact: unknown contact 'nobody'; contacts: (none)",
        "runbooks/_project.yaml:6:3: severities.P1: missing required key 'response'",
    ]


def test_a_project_declares_its_own_modes(project):
    """Any mode ids, one or more: no local, hybrid or aws required; messages list the project's own."""
    project.write("_project", """\
        title: T
        modes:
          staging: {title: Staging, description: d, vars: {api: "http://127.0.0.1:1"}}
          prod: {title: Production, description: d, vars: {api: "https://api.invalid"}}
        severities:
          P1: {title: C, response: 15m}
    """)
    project.check("api", """\
        - id: a
          title: t
          modes: [staging, local]
          http: {url: "{{ api }}/health", status: 200}
    """)
    assert errors(project) == [
        "runbooks/api.yaml:6:22: checks[0].modes[1]: undeclared mode 'local'; declared modes: staging, prod"]
    project.check("api", """\
        - id: a
          title: t
          http: {url: "{{ api }}/health", status: 200}
    """)
    catalog = load_catalog(project.root)
    assert list(catalog.project.modes) == ["staging", "prod"]
    assert catalog.view("api", "prod").checks[0].params["url"] == "https://api.invalid/health"
    project.write("_project", "title: T\nmodes: {assets: {title: A, description: d}}\n"
                              "severities: {P1: {title: C, response: 15m}}\n")
    assert errors(project) == ["runbooks/_project.yaml:2:9: modes.assets: mode id 'assets' is taken by a folder "
                               "of the site; reserved: assets, search"]


def test_cli_validate_exits_78_one_line_per_error_no_traceback(project):
    project.check("api", """\
        - id: a
          title: t
          htp: {url: x}
    """)
    out = subprocess.run([RUNBOOKS, "--root", str(project.root), "validate"], capture_output=True, text=True)
    assert out.returncode == 78
    assert "Traceback" not in out.stderr
    assert out.stderr.splitlines() == [
        f"runbooks/api.yaml:6:5: checks[0]: unknown check kind 'htp'; expected one of: {KIND_NAMES}",
        "runbooks: 1 error in runbooks",
    ]


def test_cli_validate_ok(project):
    project.check("api", """\
        - id: a
          title: t
          tcp: {host: 127.0.0.1, port: 1}
    """)
    assert runbooks_main(["--root", str(project.root), "validate"]) == 0


def test_needs_unknown_check_and_cycles_point_at_the_needs_key(project):
    project.check("deps", """\
        - id: a
          title: t
          needs: b
          tcp: {host: 127.0.0.1, port: 1}
        - id: b
          title: t
          needs: [c]
          tcp: {host: 127.0.0.1, port: 1}
        - id: c
          title: t
          needs: [a, ghost]
          tcp: {host: 127.0.0.1, port: 1}
        - id: d
          title: t
          needs: d
          tcp: {host: 127.0.0.1, port: 1}
    """)
    assert errors(project) == [
        "runbooks/deps.yaml:6:5: checks[0].needs: dependency cycle: a → b → c → a",
        "runbooks/deps.yaml:14:5: checks[2].needs: unknown check 'ghost'; checks in this runbook: a, b, c, d",
        "runbooks/deps.yaml:18:5: checks[3].needs: dependency cycle: d → d",
    ]


def test_malformed_retries(project):
    project.check("retry", """\
        - id: a
          title: t
          retries: 3
          tcp: {host: 127.0.0.1, port: 1}
        - id: b
          title: t
          retries: {count: 0, delay: soon}
          tcp: {host: 127.0.0.1, port: 1}
        - id: c
          title: t
          retries: {delay: 1s}
          tcp: {host: 127.0.0.1, port: 1}
    """)
    assert errors(project) == [
        "runbooks/retry.yaml:6:5: checks[0].retries: expected a mapping, got 3",
        "runbooks/retry.yaml:10:15: checks[1].retries.count: expected an integer 1-10, got 0",
        "runbooks/retry.yaml:10:25: checks[1].retries.delay: expected a duration such as 30s, 5m, 26h or 7d, got 'soon'",
        "runbooks/retry.yaml:14:5: checks[2].retries: missing required key 'count'",
    ]


def test_tls_keys_and_http_certificate_and_header_keys(project):
    project.check("certs", """\
        - id: a
          title: t
          tls: {port: 99999, days_left: {warn: 7, crit: 30}}
        - id: b
          title: t
          tls: {host: h, days_left: 30, sni: x}
        - id: c
          title: t
          http: {url: "http://x/", tls_days_left: {warn: 30}}
        - id: d
          title: t
          http: {url: "https://x/", verify: false, ca_file: ca.pem, status: 200}
        - id: e
          title: t
          http:
            url: "https://x/"
            headers: {X-A: [1], X-B: {regex: "("}, X-C: {rx: a}}
    """)
    assert errors(project) == [
        "runbooks/certs.yaml:6:5: checks[0].tls: missing required key 'host'",
        "runbooks/certs.yaml:6:11: checks[0].tls.port: expected an integer 1-65535, got 99999",
        "runbooks/certs.yaml:6:24: checks[0].tls.days_left: warn (7) must not be less than crit (30)",
        "runbooks/certs.yaml:9:20: checks[1].tls.days_left: expected a mapping with warn and/or crit, got 30",
        "runbooks/certs.yaml:9:35: checks[1].tls: unknown key 'sni'; expected one of: host, port, servername, "
        "ca_file, days_left",
        "runbooks/certs.yaml:12:30: checks[2].http.tls_days_left: only https URLs have a certificate; "
        "url is 'http://x/'",
        "runbooks/certs.yaml:15:46: checks[3].http.ca_file: has no effect with verify: false; remove one of them",
        "runbooks/certs.yaml:20:17: checks[4].http.headers.X-A: expected a string, got a list",
        "runbooks/certs.yaml:20:33: checks[4].http.headers.X-B.regex: invalid regular expression '(': "
        "missing ), unterminated subpattern at position 0",
        "runbooks/certs.yaml:20:46: checks[4].http.headers.X-C: missing required key 'regex'",
        "runbooks/certs.yaml:20:52: checks[4].http.headers.X-C: unknown key 'rx'; expected one of: regex",
    ]


def test_runbook_ids_of_generated_pages_are_reserved(project):
    project.check("binder", "[]")
    project.check("status", "[]")
    assert errors(project) == [
        "runbooks/binder.yaml:1:1: runbook id 'binder' (the file name) is taken by a generated page; "
        "reserved: index, status, binder",
        "runbooks/status.yaml:1:1: runbook id 'status' (the file name) is taken by a generated page; "
        "reserved: index, status, binder",
    ]
