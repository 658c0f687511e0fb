"""Many runners, one site: shards, vantages, upload to S3 (a real moto_server) and ``runbooks merge``.

The main test runs 3 shards × 2 vantages as six separate ``run-checks``
processes against the same servers, each uploading its report to S3. Merged,
the store and the pages must say what one unsharded run per vantage says, and
merging again must change nothing. The vantages disagree on one check on
purpose (a command that passes only from us-east), which a browser then sees.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import boto3
import pytest

from generator.cli import runbooks_main
from generator.format.model import CheckSpec
from generator.run.merge import merge
from generator.run.shard import parse_shard, shard_checks
from generator.run.store import load_index, store_dir

from .checks.test_aws import CREDENTIALS, REGION, Moto
from .conftest import Project
from .test_browser import chromium, open_page, serve  # noqa: F401  (chromium is a fixture)
from .test_content import article

BIN = Path(sys.executable).parent
VANTAGES = ("eu-west", "us-east")
SHARDS = 3
BUCKET = "runbooks-results"


def _runbook(url: str) -> str:
    checks = [f"  - {{id: c{i:02d}, title: Check {i}, http: {{url: \"{url}/merge/{i}\", status: 200}}"
              + (f", needs: [c{i - 1:02d}]" if i % 4 else "") + "}" for i in range(12)]
    region = ('  - {id: region, title: Probed from us-east, command: {run: ["sh", "-c", "test \\"$PROBE_REGION\\" = us-east"], '
              "exit_code: 0}}")
    return "title: Merge\nsummary: many runners\nchecks:\n" + "\n".join(checks + [region]) + "\n"


@pytest.fixture(scope="module")
def moto() -> Iterator[Moto]:
    server = Moto()
    yield server
    server.stop()


def _env(moto: Moto, vantage: str) -> dict[str, str]:
    return {**os.environ, **CREDENTIALS, "AWS_DEFAULT_REGION": REGION, "AWS_ENDPOINT_URL": moto.url,
            "PROBE_REGION": vantage}


def _project(root: Path, url: str) -> Project:
    project = Project(root)
    project.write("merge", _runbook(url))
    assert runbooks_main(["--root", str(root), "build"]) == 0
    return project


def _run_checks(root: Path, env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([str(BIN / "run-checks"), "--root", str(root), "--mode", "local", "-q", *args],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _wait(procs: list[subprocess.Popen[str]]) -> None:
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode in (0, 1), out  # the region check fails from eu-west: exit 1, and nothing worse
        assert "unexpected error" not in out, out


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, http_server, moto: Moto) -> dict[str, Path]:
    for i in range(12):
        http_server.route(f"/merge/{i}")
    boto3.client("s3", endpoint_url=moto.url, region_name=REGION,
                 aws_access_key_id="testing", aws_secret_access_key="testing").create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    base = tmp_path_factory.mktemp("merge")
    sharded, single = _project(base / "sharded", http_server.url()), _project(base / "single", http_server.url())
    for vantage in VANTAGES:  # one vantage after the other, a second apart, so both histories hold them in one order
        procs = [_run_checks(sharded.root, _env(moto, vantage), "--shard", f"{k}/{SHARDS}", "--vantage", vantage,
                             "--run-id", f"ci-42-{vantage}", "--no-store", "--upload", f"s3://{BUCKET}/runs")
                 for k in range(1, SHARDS + 1)]
        procs.append(_run_checks(single.root, _env(moto, vantage), "--vantage", vantage, "--site",
                                 str(single.root / "site")))
        _wait(procs)
        time.sleep(1.1)
    return {"sharded": sharded.root, "single": single.root}


def _merge(root: Path, moto: Moto, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in _env(moto, "").items():
        monkeypatch.setenv(name, value)
    assert runbooks_main(["--root", str(root), "merge", f"s3://{BUCKET}/runs"]) == 0


def _store_view(root: Path) -> tuple[dict[str, tuple[str, str, str]], list[tuple[str, list[tuple[str, str]]]]]:
    """What a store says, without times, durations and ids: per check and vantage its state and summary,
    and the history as (vantage, states)."""
    data = json.loads((store_dir(root) / "local.json").read_text(encoding="utf-8"))
    checks = {slot: (r["state"], re.sub(r"\d+ ms", "N ms", r["summary"]), r.get("vantage", ""))
              for slot, r in data["checks"].items()}
    history = sorted((r.get("vantage", ""), sorted(r["states"].items())) for r in data["history"])
    return checks, history


def _page(root: Path, page: str) -> str:
    text = article((root / "site" / page).read_text(encoding="utf-8"))
    text = re.sub(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\dZ?( UTC)?", "TIME", text)
    return re.sub(r"\d+(\.\d+)? ms", "N ms", text)


def test_shards_and_vantages_merged_say_what_one_run_per_vantage_says(runs, moto, monkeypatch) -> None:
    _merge(runs["sharded"], moto, monkeypatch)
    assert _store_view(runs["sharded"]) == _store_view(runs["single"])
    checks, history = _store_view(runs["sharded"])
    assert len(checks) == 2 * 13 and len(history) == 2  # one history entry per vantage: shards of a run are one
    for page in ("local/merge/index.html", "local/status/index.html"):
        assert _page(runs["sharded"], page) == _page(runs["single"], page), page

    store = (store_dir(runs["sharded"]) / "local.json").read_bytes()
    pages = {p: p.read_bytes() for p in (runs["sharded"] / "site").rglob("*.html")}
    _merge(runs["sharded"], moto, monkeypatch)
    assert (store_dir(runs["sharded"]) / "local.json").read_bytes() == store, "merging again changed the store"
    assert {p: p.read_bytes() for p in (runs["sharded"] / "site").rglob("*.html")} == pages


def test_the_headline_is_the_worst_vantage_and_the_page_says_they_disagree(runs) -> None:
    index = load_index(runs["single"], ["local"])
    assert index.get("local", "merge/region").state.value == "CRITICAL"
    assert {v: r.state.value for v, r in index.by_vantage("local", "merge/region").items()} == {
        "eu-west": "CRITICAL", "us-east": "OK"}
    page = _page(runs["single"], "local/merge/index.html")
    assert "Vantages disagree:" in page
    assert re.search(r">CRITICAL from eu-west</span>, <span[^>]*>OK from us-east<", page)
    assert ">OK from eu-west</span>, <span" in page  # the checks they agree on list both, without the mark


def _report(root: Path, started: datetime, uploaded: datetime, run_id: str, state: str) -> str:
    stamp = "%Y-%m-%dT%H:%M:%SZ"
    result = {"mode": "local", "runbook": "merge", "check": "c00", "title": "Check 0", "kind": "http", "state": state,
              "summary": f"it is {state}", "started_at": started.strftime(stamp)}
    return json.dumps({"schema_version": 1, "mode": "local", "commit": "", "started_at": started.strftime(stamp),
                       "run_id": run_id, "vantage": "eu-west", "uploaded_at": uploaded.strftime(stamp),
                       "results": [result]})


def test_the_newest_run_wins_whatever_the_order_and_the_runners_clocks(runs, moto, tmp_path, monkeypatch) -> None:
    """Run B started after run A, on a runner whose clock is an hour slow: merged in either order, B wins."""
    root = tmp_path / "skew"
    shutil.copytree(runs["single"] / "runbooks", root / "runbooks")
    s3 = boto3.client("s3", endpoint_url=moto.url, region_name=REGION,
                      aws_access_key_id="testing", aws_secret_access_key="testing")
    now = datetime.now(timezone.utc)
    slow = timedelta(hours=1)
    a = _report(root, now - timedelta(minutes=2), now, "run-a", "CRITICAL")  # started 2 minutes ago, a good clock
    b = _report(root, now - slow, now - slow, "run-b", "OK")  # started now, by a clock an hour slow
    for order, keys in (("ab", ("a", "b")), ("ba", ("b", "a"))):
        prefix = f"skew-{order}"
        for key in keys:
            s3.put_object(Bucket=BUCKET, Key=f"{prefix}/{key}.json", Body={"a": a, "b": b}[key].encode())
        env = _env(moto, "")
        for name in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"):
            monkeypatch.setenv(name, env[name])
        shutil.rmtree(store_dir(root), ignore_errors=True)
        merge(root, [f"s3://{BUCKET}/{prefix}"])
        index = load_index(root, ["local"])
        assert index.get("local", "merge/c00").summary == "it is OK", order
        assert [r.id for r in index.history["local"]] == ["run-a", "run-b"]
    # From paths the runner's clock is all there is: B's slow clock makes it the older run.
    (tmp_path / "a.json").write_text(a)
    (tmp_path / "b.json").write_text(b)
    shutil.rmtree(store_dir(root))
    merge(root, [str(tmp_path / "b.json"), str(tmp_path / "a.json")])
    assert load_index(root, ["local"]).get("local", "merge/c00").summary == "it is CRITICAL"


def test_a_file_that_is_not_a_report_is_one_line_naming_it(tmp_path, runs, capsys) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": 1}')
    assert runbooks_main(["--root", str(runs["single"]), "merge", str(bad)]) == 1
    assert capsys.readouterr().err == f"runbooks: {bad}: cannot merge it: 'mode'\n"


def _spec(key: str, needs: list[str] = []) -> CheckSpec:  # noqa: B006
    runbook, check = key.split("/")
    return CheckSpec(runbook, check, check, "http", {}, needs=needs)


def test_shards_split_the_checks_deterministically_and_keep_needs_together() -> None:
    specs = [_spec(f"rb{i % 7}/c{i}") for i in range(200)]
    specs += [_spec("rb0/child", ["c0"]), _spec("rb0/grandchild", ["child"]), _spec("rb1/other", ["c1"])]
    shards = [shard_checks(specs, (k, 4)) for k in range(1, 5)]
    assert sorted(c.key for shard in shards for c in shard) == sorted(c.key for c in specs)  # each check once
    assert all(20 < len(shard) < 80 for shard in shards), [len(s) for s in shards]
    home = {c.key: k for k, shard in enumerate(shards) for c in shard}
    assert home["rb0/c0"] == home["rb0/child"] == home["rb0/grandchild"]
    assert home["rb1/c1"] == home["rb1/other"]
    assert [c.key for c in shard_checks(list(reversed(specs)), (2, 4))] == [c.key for c in reversed(shards[1])]
    assert parse_shard(" 2/3 ") == (2, 3)
    for bad in ("0/3", "4/3", "2", "a/b"):
        with pytest.raises(Exception, match=r"expected K/N with 1 ≤ K ≤ N"):
            parse_shard(bad)


@pytest.mark.browser
def test_a_browser_sees_both_vantages_states(runs, chromium) -> None:
    with serve(runs["single"] / "site") as url, open_page(chromium, url) as page:
        page.goto("/local/merge/")
        row = page.locator("table.rb-checks tbody tr", has_text="Probed from us-east")
        assert row.locator('[data-rb-state="CRITICAL"]').count() == 1  # the headline: the worst vantage
        vantages = row.locator(".rb-vantages--disagree")
        vantages.wait_for(state="visible")
        assert vantages.inner_text() == "Vantages disagree: CRITICAL from eu-west, OK from us-east"
        page.goto("/local/status/")
        row = page.locator("tr", has_text="Probed from us-east")
        assert "CRITICAL from eu-west, OK from us-east" in row.locator(".rb-vantages").inner_text()


def test_bad_shard_or_vantage_is_a_usage_error(runs, capsys) -> None:
    from generator.cli import run_checks_main

    root = str(runs["single"])
    assert run_checks_main(["--root", root, "--mode", "local", "--shard", "4/3"]) == 2
    assert capsys.readouterr().err == "run-checks: --shard 4/3: expected K/N with 1 ≤ K ≤ N, e.g. 2/3\n"
    assert run_checks_main(["--root", root, "--mode", "local", "--vantage", "eu west"]) == 2
    assert capsys.readouterr().err.startswith("run-checks: --vantage 'eu west': ")


def test_a_result_record_carries_every_field() -> None:
    """to_dict is written by hand (asdict was too slow): a field added to Result must not be left out."""
    from dataclasses import fields

    from generator.run.results import Result, State

    result = Result("local", "rb", "c", "t", "http", State.OK, "s", vantage="eu-west")
    assert list(result.to_dict()) == [f.name for f in fields(Result)]
    assert Result.from_dict(result.to_dict()) == result
    assert "vantage" not in Result("local", "rb", "c", "t", "http", State.OK, "s").to_dict()  # JSON as it was
