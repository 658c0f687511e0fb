"""The results store: latest results plus a bounded run history per mode, safe under
concurrent ``run-checks`` processes, readable from the previous file version, and
kept across rebuilds."""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import run_checks_main, runbooks_main
from generator.run.results import Result, State
from generator.run.store import STORE_VERSION, RunInfo, load_index, record_run, store_dir

RUN_CHECKS = str(Path(sys.executable).parent / "run-checks")


def result(check: str, state: State, started_at: str = "2026-01-01T00:00:00Z", runbook: str = "web") -> Result:
    return Result("local", runbook, check, check, "http", state, f"{check} is {state.value}", started_at=started_at)


def stored(root: Path, mode: str = "local") -> dict:
    return json.loads((store_dir(root) / f"{mode}.json").read_text(encoding="utf-8"))


def web_and_db(project, http_server) -> None:
    up = http_server.route("/store-up", body="ok")
    down = http_server.route("/store-down", status=503, body="down")
    project.check("web", f"""\
        - id: up
          title: Up
          http: {{url: "{up}", status: 200}}
        - id: down
          title: Down
          http: {{url: "{down}", status: 200}}
    """)
    project.check("db", f"""\
        - id: up
          title: DB up
          http: {{url: "{up}", status: 200}}
    """)


def test_each_run_is_appended_to_the_history_oldest_first(tmp_path):
    keep = {"web/a", "web/b"}
    for i, state in enumerate([State.OK, State.CRITICAL, State.OK]):
        at = f"2026-01-01T00:0{i}:00Z"
        record_run(tmp_path, RunInfo("local", at, "abc"), [result("a", state, at), result("b", State.OK, at)], keep)
    index = load_index(tmp_path, ["local"])
    assert [r.started_at[-6:-1] for r in index.history["local"]] == ["00:00", "01:00", "02:00"]
    assert index.states_of("local", "web/a") == [("2026-01-01T00:00:00Z", "OK"), ("2026-01-01T00:01:00Z", "CRITICAL"),
                                                 ("2026-01-01T00:02:00Z", "OK")]
    assert len({r.id for r in index.history["local"]}) == 3
    assert index.get("local", "web/a").state is State.OK and index.runs["local"].commit == "abc"


@pytest.mark.parametrize("aligned", [True, False], ids=["same-checks-every-run", "checks-differ-between-runs"])
def test_states_and_strip_signatures_follow_the_history_whatever_its_shape(tmp_path, aligned):
    """Runs that ran the same checks in the same order take the transposed path; the others the pair-by-pair
    one. Both give each check its own states, and equal signatures exactly for equal histories."""
    plan = [{"a": State.OK, "b": State.OK, "c": State.CRITICAL}, {"a": State.CRITICAL, "b": State.OK, "c": State.OK},
            {"a": State.OK, "b": State.OK, "c": State.OK}]
    if not aligned:
        plan[1] = {"b": State.OK, "a": State.CRITICAL}  # c did not run, and the order differs
    for i, states in enumerate(plan):
        at = f"2026-01-01T00:0{i}:00Z"
        record_run(tmp_path, RunInfo("local", at, ""), [result(c, s, at) for c, s in states.items()],
                   {"web/a", "web/b", "web/c"})
    index = load_index(tmp_path, ["local"])
    for check in "abc":
        expected = [(f"2026-01-01T00:0{i}:00Z", states[check].value) for i, states in enumerate(plan) if check in states]
        assert index.states_of("local", f"web/{check}") == expected
    signature = {c: index.history_signature("local", f"web/{c}") for c in "abc"}
    assert signature["a"] != signature["b"] != signature["c"] != signature["a"]
    assert index.history_signature("local", "web/none") == index.history_signature("local", "web/other")
    assert index.states_of("local", "web/none") == []


def test_history_keeps_only_the_last_n_runs(tmp_path):
    for i in range(7):
        at = f"2026-01-01T00:00:0{i}Z"
        record_run(tmp_path, RunInfo("local", at, ""), [result("a", State.OK, at)], {"web/a"}, limit=5)
    history = stored(tmp_path)["history"]
    assert [h["started_at"][-3:-1] for h in history] == ["02", "03", "04", "05", "06"]


def test_a_removed_check_leaves_the_results_and_the_history(tmp_path):
    record_run(tmp_path, RunInfo("local", "2026-01-01T00:00:00Z", ""), [result("a", State.OK), result("gone", State.OK)],
               {"web/a", "web/gone"})
    record_run(tmp_path, RunInfo("local", "2026-01-01T00:01:00Z", ""), [result("a", State.OK)], {"web/a"})
    data = stored(tmp_path)
    assert list(data["checks"]) == ["web/a"]
    assert [sorted(h["states"]) for h in data["history"]] == [["web/a"], ["web/a"]]


def test_a_version_1_store_is_read_and_upgraded(tmp_path):
    path = store_dir(tmp_path) / "local.json"
    path.parent.mkdir(parents=True)
    old = {"schema_version": 1, "mode": "local", "last_run": {"mode": "local", "started_at": "2025-12-31T00:00:00Z",
                                                                "commit": "old"},
           "checks": {"web/a": result("a", State.WARNING).to_dict()}}
    path.write_text(json.dumps(old), encoding="utf-8")
    index = load_index(tmp_path, ["local"])
    assert index.get("local", "web/a").state is State.WARNING and index.history["local"] == []
    record_run(tmp_path, RunInfo("local", "2026-01-01T00:00:00Z", ""), [result("b", State.OK)], {"web/a", "web/b"})
    data = stored(tmp_path)
    assert data["store_version"] == STORE_VERSION and sorted(data["checks"]) == ["web/a", "web/b"]
    assert [h["states"] for h in data["history"]] == [{"web/b": "OK"}]


def test_an_unreadable_store_counts_as_empty(tmp_path):
    path = store_dir(tmp_path) / "local.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"schema_version": 1, "history": "not a list", "checks": {}', encoding="utf-8")
    assert load_index(tmp_path, ["local"]).history["local"] == []
    path.write_text('{"schema_version": 1, "store_version": 2, "history": [7, {"states": 3}], "checks": {}}')
    assert [r.states for r in load_index(tmp_path, ["local"]).history["local"]] == [{}]


def _record_many(root: str, worker: int, count: int) -> None:
    for i in range(count):
        at = f"2026-01-01T00:{worker:02d}:{i:02d}Z"
        record_run(Path(root), RunInfo("local", at, ""), [result(f"w{worker}", State.OK, at)],
                   {f"web/w{n}" for n in range(4)}, limit=1000)


def test_concurrent_writers_lose_no_run(tmp_path):
    """Four processes append 40 runs each as fast as they can: 160 runs, one valid file."""
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=_record_many, args=(str(tmp_path), w, 40)) for w in range(4)]
    for proc in workers:
        proc.start()
    for proc in workers:
        proc.join(60)
        assert proc.exitcode == 0
    data = stored(tmp_path)
    assert len(data["history"]) == 160 and len({h["id"] for h in data["history"]}) == 160
    assert sorted(data["checks"]) == [f"web/w{n}" for n in range(4)]
    leftovers = [p.name for p in store_dir(tmp_path).iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_concurrent_run_checks_processes_record_every_run(project, http_server):
    """Real ``run-checks`` processes started together, again and again (one per runbook, one for both)."""
    web_and_db(project, http_server)
    selections = {"web": (["--runbook", "web"], 1), "db": (["--runbook", "db"], 0), "both": ([], 1)}
    rounds = 5
    for _ in range(rounds):
        procs = [(subprocess.Popen([RUN_CHECKS, "--root", str(project.root), "--mode", "local", "-q", *argv],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True), code)
                 for argv, code in selections.values()]
        for proc, code in procs:
            out, _ = proc.communicate(timeout=60)
            assert proc.returncode == code, out  # web/down is CRITICAL
    data = stored(project.root)  # valid JSON, or this raises
    history = data["history"]
    assert len(history) == rounds * len(selections) and len({h["id"] for h in history}) == len(history)
    assert sorted(len(h["states"]) for h in history) == [1] * rounds + [2] * rounds + [3] * rounds
    assert data["checks"].keys() == {"db/up", "web/up", "web/down"}
    assert data["checks"]["web/down"]["state"] == "CRITICAL" and data["checks"]["db/up"]["state"] == "OK"
    assert [h["started_at"] for h in history] == sorted(h["started_at"] for h in history)


def test_history_survives_a_rebuild(project, http_server):
    web_and_db(project, http_server)
    assert runbooks_main(["--root", str(project.root), "build"]) == 0
    site = project.root / "site"
    for _ in range(3):
        run_checks_main(["--root", str(project.root), "--mode", "local", "--site", str(site), "-q"])
    before = stored(project.root)
    assert runbooks_main(["--root", str(project.root), "build"]) == 0
    assert stored(project.root) == before
    html = (site / "local" / "web" / "index.html").read_text(encoding="utf-8")
    assert html.count('data-rb-runs="3"') == 2 and html.count('class="rb-strip__cell ') == 6


def test_the_keep_limit_comes_from_the_project_file(project, http_server):
    web_and_db(project, http_server)
    project.write("_project", (project.root / "runbooks/_project.yaml").read_text() + "history: {keep: 2}\n")
    for _ in range(4):
        run_checks_main(["--root", str(project.root), "--mode", "local", "-q", "--runbook", "db"])
    assert len(stored(project.root)["history"]) == 2
