"""A generated check script, run as Nagios runs a plugin.

From ``/``, under ``env -i PATH=/usr/bin:/bin``, with ``-t``, ``--help`` and
bad options, beside Debian's ``check_http`` (monitoring-plugins) for what a
plugin answers to those; the first line, the exit code and unique perfdata
labels; a script moved out of its project.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.checkscripts.generate import write_scripts
from generator.format.catalog import load_catalog

from .conftest import HttpServer, Project

CHECK_HTTP = Path("/usr/lib/nagios/plugins/check_http")
NAGIOS_ENV = {"PATH": "/usr/bin:/bin"}  # what `env -i PATH=/usr/bin:/bin` leaves


@pytest.fixture(scope="module")
def plugin(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, HttpServer]:
    """A project whose runbook ``web`` has one CRITICAL and two OK checks (two of them http, each with latency)."""
    server = HttpServer()
    ok, down = server.route("/plugin-ok", body={"status": "ok"}), server.route("/plugin-down", status=503)
    server.route("/plugin-slow", delay=5.0)
    project = Project(tmp_path_factory.mktemp("nagios") / "proj")
    (project.root / "data").mkdir()
    (project.root / "data" / "fresh.txt").write_text("x")
    project.check("web", f"""\
        - id: ok
          title: Up
          http: {{url: "{ok}", json: {{status: ok}}, latency_ms: {{warn: 5000, crit: 9000}}}}
        - id: down
          title: Down
          http: {{url: "{down}", status: 200}}
        - id: file
          title: A relative path, from the project root
          file: {{path: data/fresh.txt, exists: true}}
    """)
    project.check("slow", f"""\
        - id: hang
          title: Hangs
          http: {{url: "{server.url('/plugin-slow')}", status: 200}}
    """)
    write_scripts(load_catalog(project.root))
    yield project.root, server
    server.close()


def nagios(argv: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    """As Nagios runs a plugin: from /, with nothing in the environment but a minimal PATH (and ``env``)."""
    return subprocess.run(["env", "-i", *(f"{k}={v}" for k, v in {**NAGIOS_ENV, **env}.items()), *argv],
                          capture_output=True, text=True, cwd="/", timeout=120)


def require_check_http() -> None:
    if not CHECK_HTTP.is_file():
        message = f"{CHECK_HTTP} is missing: apt-get install monitoring-plugins-basic (make system-deps)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)


def test_first_line_exit_code_and_unique_perfdata_labels(plugin: tuple[Path, HttpServer]) -> None:
    root, _ = plugin
    done = nagios([str(root / "checks/local/web.py"), "-t", "30"], RUNBOOKS_PYTHON=sys.executable)
    assert done.returncode == 2, done.stdout + done.stderr
    first, *long_output = done.stdout.splitlines()
    text, perfdata = first.split(" | ")
    assert text == "CRITICAL - web: 1 critical, 2 ok: down: status: expected 200, got 503"
    labels = [item.split("=")[0] for item in perfdata.split()]
    assert labels == ["ok.latency", "down.latency"]  # one per measure, named after its check
    assert re.fullmatch(r"ok\.latency=[0-9.]+ms;5000;9000 down\.latency=[0-9.]+ms;;", perfdata), perfdata
    assert long_output[0] == "CRITICAL - down: status: expected 200, got 503"  # worst first
    assert long_output[1].startswith("OK - ok: HTTP 200 in ")
    assert long_output[2].startswith("OK - file: newest fresh.txt: ")  # data/ found from /, at the project root
    assert all("|" not in line for line in long_output)  # perfdata only where Nagios reads it
    assert done.stderr == ""


def test_a_plugin_probes_http_without_importing_aiohttp(plugin: tuple[Path, HttpServer]) -> None:
    """A plugin runs a few checks once: http.client in threads (generator/run/stdhttp.py) starts far sooner
    than aiohttp, whose import alone took longer than the rest of a cold script."""
    root, _ = plugin
    done = nagios([sys.executable, "-X", "importtime", str(root / "checks/local/web.py"), "-t", "30"])
    assert done.returncode == 2 and done.stdout.startswith("CRITICAL - web: 1 critical, 2 ok"), done.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "http.client" in imported and "generator.run.stdhttp" in imported
    assert not {name for name in imported if name.split(".")[0] == "aiohttp"}


def test_the_interpreter_named_or_a_missing_package_is_one_unknown_line(plugin: tuple[Path, HttpServer]) -> None:
    root, _ = plugin
    script = str(root / "checks/local/web.py")
    named = nagios([sys.executable, script])  # the interpreter named on the command line, no variable needed
    assert named.returncode == 2 and named.stdout.startswith("CRITICAL - web: 1 critical, 2 ok: ")
    system_has_it = subprocess.run(["/usr/bin/python3", "-c", "import generator"], cwd="/", env=NAGIOS_ENV,
                                   capture_output=True).returncode == 0
    bare = nagios([script])  # #!/usr/bin/env python3 → /usr/bin/python3; no RUNBOOKS_PYTHON, no .venv in the project
    if system_has_it:
        assert bare.returncode == 2 and bare.stdout.startswith("CRITICAL - web: ")
    else:
        assert bare.returncode == 3
        assert bare.stdout == (
            "UNKNOWN - web: cannot import the runbooks package with /usr/bin/python3 (No module named 'generator'); "
            "install it for that Python (pip install runbooks) or set RUNBOOKS_PYTHON to a Python that has it\n")


def test_help_version_and_bad_options_answer_as_check_http_does(plugin: tuple[Path, HttpServer]) -> None:
    require_check_http()
    root, _ = plugin
    script = str(root / "checks/local/web.py")
    ours = {}
    for option in ("--help", "-V", "--no-such-option"):
        ours[option] = nagios([script, option], RUNBOOKS_PYTHON=sys.executable)
        theirs = nagios([str(CHECK_HTTP), option])
        assert ours[option].returncode == theirs.returncode == 3, (option, ours[option], theirs)
    assert ours["--help"].stdout.startswith("usage: web.py [-h] [-V] [-v] [-t SECONDS] [--root DIR]\n")
    assert ours["-V"].stdout.startswith("web.py (runbooks ")
    bad = ours["--no-such-option"]
    assert bad.stdout.startswith("usage: web.py ") and "unrecognized arguments: --no-such-option" in bad.stderr
    assert nagios([script, "-t", "soon"], RUNBOOKS_PYTHON=sys.executable).returncode == 3


def test_timeout_bounds_the_plugin_and_is_critical_as_for_check_http(plugin: tuple[Path, HttpServer]) -> None:
    require_check_http()
    root, server = plugin
    ours = nagios([str(root / "checks/local/slow.py"), "-t", "1"], RUNBOOKS_PYTHON=sys.executable)
    assert ours.returncode == 2, ours.stdout
    assert ours.stdout.startswith("CRITICAL - slow: 1 critical: hang: run deadline of 1s reached")
    theirs = nagios([str(CHECK_HTTP), "-H", "127.0.0.1", "-p", str(server.port), "-u", "/plugin-slow", "-t", "1"])
    assert theirs.returncode == 2 and "timeout" in theirs.stdout.lower()


def test_a_moved_script_never_probes_another_path(plugin: tuple[Path, HttpServer], tmp_path: Path) -> None:
    root, _ = plugin
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    moved = plugins / "web.py"
    shutil.copy(root / "checks/local/web.py", moved)
    lost = nagios([str(moved)], RUNBOOKS_PYTHON=sys.executable)
    assert lost.returncode == 3
    assert lost.stdout == ("UNKNOWN - web: this script is not in its project (as checks/local/web.py, beside "
                           "runbooks/web.yaml); give --root DIR or set RUNBOOKS_ROOT to the project root its relative "
                           "paths start at\n")
    for found in (nagios([str(moved), "--root", str(root)], RUNBOOKS_PYTHON=sys.executable),
                  nagios([str(moved)], RUNBOOKS_PYTHON=sys.executable, RUNBOOKS_ROOT=str(root))):
        assert found.returncode == 2 and "OK - file: " in found.stdout  # data/fresh.txt under the given root
