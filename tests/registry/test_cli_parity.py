"""The CLI gives the API's answer: every registry scenario of test_semantics.py (an award named by the JSON
id, awards up to the as-of date, a duplicate application, pending submissions that exclude each other) is
answered by POST /api/validate, by `policykg validate --data-dir` on the stopped server's directory and by
`policykg validate --server URL` through a running server, and the three answers are the same."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from policykg.app import create_app
from tests.conftest import Auth
from tests.registry.scenario import LOAN_12, NO_DOUBLE_12, ONE_MODE_12, ROOT, SPACE_000, SUBSIDY_12, project
from tests.sparql.support import serve

ENV = {k: v for k, v in os.environ.items() if not k.startswith("POLICYKG_")}


PROJECT = project("par-1")


def _with(**changes) -> dict:
    return project(changes.pop("id", "par-1"), **changes)


LOAN = _with(id="par-3", fixedAssetInvestment=None, requests=[{"measure": LOAN_12, "amount": 100}], loanAmount=5000,
             loanInterestRate=0.04, lprRate=0.0345, loanYears=2)
# (name, submission, asOf): each validated by the API and by the CLI
SCENARIOS = [
    ("other-channels", _with(fixedAssetInvestment=8001), None),  # par-1's award of 000 counts: 12号 二（五）
    ("before-the-award", _with(fixedAssetInvestment=8001), "2024-07-31"),  # the award was decided 2024-08-01
    ("duplicate", _with(id="par-2", applicationDate="2024-11-01"), None),  # par-2's own award of the 12号 subsidy
    ("exclusive-pending", LOAN, None),  # par-3's stored subsidy submission: 二（四）one support mode
]


def _answer(report: dict) -> tuple:
    """What a validator reads: conforms, and each finding's severity, shape, message, clause, focus and value."""
    return report["conforms"], sorted(
        (r["severity"], r["sourceShape"], r["message"], (r.get("clause") or {}).get("iri"), r["focusNode"] or "",
         json.dumps(r["value"], sort_keys=True)) for r in report["results"])


@pytest.fixture(scope="module")
def answers(tmp_path_factory, role_tokens) -> dict:
    """The registry set up through the API, each scenario's API answer, and the files the CLI reads."""
    data_dir, files = tmp_path_factory.mktemp("parity-data"), tmp_path_factory.mktemp("parity-files")
    auth = Auth(role_tokens, data_dir)  # a reviewer's token: the registry is read (anonymous calls do not read it)
    with TestClient(create_app(auth.settings(store="oxigraph")), headers=auth.headers("admin")) as api:
        stored = {}
        for p in (PROJECT, _with(id="par-2"), _with(id="par-3")):
            r = api.post("/api/submissions", json=p)
            assert r.status_code == 201, r.text
            stored[p["id"]] = r.json()["id"]
        for body in ({"project": "par-1", "measure": SPACE_000, "amount": 1000, "date": "2024-08-01"},
                     {"project": "par-2", "measure": SUBSIDY_12, "amount": 2400, "date": "2024-10-01"}):
            r = api.post("/api/awards", json=body)
            assert r.status_code == 201, r.text
        out = {}
        for name, sub, as_of in SCENARIOS:
            (files / f"{name}.json").write_text(json.dumps(sub, ensure_ascii=False), encoding="utf-8")
            r = api.post("/api/validate", json=sub, params={"asOf": as_of} if as_of else {},
                         headers={"accept-language": "en"})
            assert r.status_code == 200, r.text
            out[name] = r.json()
    return {"data_dir": data_dir, "files": files, "api": out, "stored": stored, "token": auth.tokens["reviewer"]}


def _cli(answers: dict, *where: str) -> dict:
    """`policykg validate` of every scenario's file (one run per as-of date), by scenario name."""
    out = {}
    for as_of in sorted({a for _n, _s, a in SCENARIOS}, key=str):
        names = [n for n, _s, a in SCENARIOS if a == as_of]
        cmd = [sys.executable, "-m", "policykg.cli", "validate", *(str(answers["files"] / f"{n}.json") for n in names),
               "--format", "json", "--lang", "en", *where, *(["--as-of", as_of] if as_of else [])]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=ENV, cwd=ROOT)
        assert done.returncode in (0, 1), done.stderr[-2000:]
        got = json.loads(done.stdout)
        for n, rep in zip(names, got if isinstance(got, list) else [got], strict=True):
            out[n] = rep
    return out


def test_the_api_answers_each_registry_scenario_as_the_registry_says(answers):
    api = answers["api"]
    other = {r["severity"]: r["message"] for r in api["other-channels"]["results"] if r["sourceShape"] == NO_DOUBLE_12}
    assert api["other-channels"]["conforms"] is False  # par-1's award of 000, and its stored request pending:
    assert other["Violation"].startswith("The project already received municipal funds")
    assert other["Warning"].startswith(f"Duplicate application: submission {answers['stored']['par-1']}")
    assert not any(r["sourceShape"] == NO_DOUBLE_12 and r["severity"] == "Violation"
                   for r in api["before-the-award"]["results"])
    dup = [r for r in api["duplicate"]["results"] if r["severity"] == "Violation"]
    assert [r["message"].split(":")[0] for r in dup] == ["Duplicate application"]
    warn = [r for r in api["exclusive-pending"]["results"] if r["severity"] == "Warning"
            and answers["stored"]["par-3"] in r["message"]]
    assert [r["sourceShape"] for r in warn] == [ONE_MODE_12]
    assert {a["receipt"]["registry"]["sequence"] for a in api.values()} == {5}  # 3 submissions, 2 awards


def test_the_cli_on_the_data_directory_gives_the_apis_answer_in_every_scenario(answers):
    cli = _cli(answers, "--data-dir", str(answers["data_dir"]))
    for name, _s, _a in SCENARIOS:
        assert _answer(cli[name]) == _answer(answers["api"][name]), name
        assert cli[name]["registry"]["consulted"] is True and cli[name]["registry"]["sequence"] == 5


def test_the_cli_through_a_running_server_gives_the_apis_answer_and_replays_its_decisions(answers):
    with serve(answers["data_dir"], store="oxigraph") as url:
        cli = _cli(answers, "--server", url, "--token", answers["token"])
        anonymous = _cli(answers, "--server", url)
        done = subprocess.run([sys.executable, "-m", "policykg.cli", "replay", "--server", url, "--token", answers["token"],
                               *answers["stored"].values()], capture_output=True, text=True, timeout=300,
                              env=ENV, cwd=ROOT)
        bad = answers["files"] / "bad.json"
        bad.write_text('{"type": "RenovationProject", "floorArea": 1}', encoding="utf-8")
        # --lang en: the CLI asks the server for its own language (zh by default), so errors come in English
        refused = subprocess.run([sys.executable, "-m", "policykg.cli", "validate", str(bad), "--server", url,
                                  "--lang", "en"],
                                 capture_output=True, text=True, timeout=300, env=ENV, cwd=ROOT)
    assert refused.returncode == 2 and f"{bad}: the server answered 422: id: " in refused.stdout
    for name, _s, _a in SCENARIOS:
        assert _answer(cli[name]) == _answer(answers["api"][name]), name
        assert cli[name]["registry"]["sequence"] == 5 and cli[name]["registry"]["server"] == url
    assert all(r["registry"]["consulted"] is False for r in anonymous.values())  # without a token: the corpus alone
    assert anonymous["duplicate"]["conforms"] is True
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    assert done.stdout.count(": reproduced") == 3


def test_the_cli_without_the_registry_says_so_and_finds_no_registry_finding(answers):
    alone = _cli(answers, "--no-registry")
    assert all(r["registry"] == {"consulted": False} for r in alone.values())
    assert alone["duplicate"]["conforms"] is True and alone["other-channels"]["conforms"] is True


def test_replay_says_plainly_what_it_needs(tmp_path):
    def replay(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "policykg.cli", "replay", *args], capture_output=True, text=True,
                              timeout=120, env=ENV, cwd=ROOT)

    none = replay("--data-dir", str(tmp_path))
    assert (none.returncode, none.stderr.strip()) == (2, "policykg replay: give submission ids or --all")
    empty = replay("--all", "--data-dir", str(tmp_path))
    assert empty.returncode == 2 and f"no registry in {tmp_path}" in empty.stderr
    remote_all = replay("--all", "--server", "http://127.0.0.1:9")
    assert remote_all.returncode == 2 and "give the ids" in remote_all.stderr
    unreachable = replay("x" * 32, "--server", "http://127.0.0.1:9")
    assert unreachable.returncode == 2 and "cannot reach http://127.0.0.1:9" in unreachable.stderr
