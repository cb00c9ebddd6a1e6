"""The registry means what it says: each scenario through the HTTP API, and the same through the CLI."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from policykg.app import create_app
from tests.conftest import Auth
from tests.registry.scenario import LOAN_12, NO_DOUBLE_12, ONE_MODE_12, ROOT, SPACE_000, SUBSIDY_12, project

ENV = {k: v for k, v in os.environ.items() if not k.startswith("POLICYKG_")}


PROJECT = project("sem-1")


def _with(**changes) -> dict:
    return project(changes.pop("id", "sem-1"), **changes)


def _shapes(report: dict) -> list[tuple[str, str]]:
    return sorted((r["sourceShape"], r["severity"]) for r in report["results"])


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("registry-semantics")


@pytest.fixture(scope="module")
def api(data_dir, role_tokens) -> Iterator[TestClient]:
    """Every request sends the admin token: it stores, awards, and validates with the registry."""
    auth = Auth(role_tokens, data_dir)
    with TestClient(create_app(auth.settings(store="oxigraph")), headers=auth.headers("admin")) as c:
        yield c


def test_an_award_names_its_project_by_the_json_id_and_is_found_again(api):
    stored = api.post("/api/submissions", json=PROJECT)
    assert stored.status_code == 201, stored.text
    a = api.post("/api/awards", json={"project": "sem-1", "measure": SPACE_000, "amount": 1000, "date": "2024-08-01"})
    assert a.status_code == 201, a.text
    assert a.json()["project"] == "https://w3id.org/policykg/data/sem-1"  # the key the JSON form's id resolves to
    listed = api.get("/api/awards", params={"project": "https://w3id.org/policykg/data/sem-1"}).json()
    assert [(x["measure"].rsplit("/", 1)[-1], x["date"]) for x in listed] == [("space-upgrade-support", "2024-08-01")]
    # 12号 二（五）: 通过其他渠道获得过市级财政性资金支持的项目，不再予以支持
    again = api.post("/api/validate", json=_with(fixedAssetInvestment=8001), headers={"accept-language": "en"}).json()
    hit = [r for r in again["results"] if r["sourceShape"] == NO_DOUBLE_12 and r["severity"] == "Violation"]
    assert again["conforms"] is False and len(hit) == 1 and "already received municipal funds" in hit[0]["message"]
    assert again["receipt"]["registry"]["consulted"] is True and again["receipt"]["registry"]["sequence"] == 2


def test_an_award_for_a_project_no_submission_has_is_refused_unless_external(api):
    body = {"project": "nobody", "measure": SPACE_000, "amount": 10, "date": "2024-08-01"}
    r = api.post("/api/awards", json=body)
    assert r.status_code == 422 and r.json()["detail"]["field"] == "project"
    assert r.json()["detail"]["value"] == "https://w3id.org/policykg/data/nobody"
    assert api.post("/api/awards", json={**body, "external": True}).status_code == 201


def test_only_awards_decided_by_the_as_of_date_count(api):
    early = api.post("/api/validate", params={"asOf": "2024-07-31"}, json=_with(fixedAssetInvestment=8001)).json()
    assert (NO_DOUBLE_12, "Violation") not in _shapes(early)  # the 2024-08-01 award did not exist yet
    assert early["conforms"] is True  # (a Warning remains: sem-1's stored submission requests the same measure)
    on_the_day = api.post("/api/validate", params={"asOf": "2024-08-01"}, json=_with(fixedAssetInvestment=8001)).json()
    assert (NO_DOUBLE_12, "Violation") in _shapes(on_the_day)


def test_the_projects_own_award_of_the_measure_it_requests_again_is_a_duplicate_application(api):
    p = _with(id="sem-2")
    assert api.post("/api/submissions", json=p).status_code == 201
    assert api.post("/api/awards", json={"project": "sem-2", "measure": SUBSIDY_12, "amount": 2400,
                                         "date": "2024-10-01"}).status_code == 201
    rep = api.post("/api/validate", json=_with(id="sem-2", applicationDate="2024-11-01"),
                   headers={"accept-language": "en"}).json()
    violations = [r for r in rep["results"] if r["severity"] == "Violation"]
    assert [r["message"].split(":")[0] for r in violations] == ["Duplicate application"]
    assert violations[0]["sourceShape"] == NO_DOUBLE_12  # 二（五）不再予以支持
    assert violations[0]["clause"]["iri"] == "https://w3id.org/policykg/doc/jfgg/2023/12/2/5"
    assert "already received municipal funds" not in json.dumps(rep["results"])  # not "other channels"


def test_pending_submissions_to_measures_that_exclude_each_other_get_a_warning_naming_the_other(api):
    first = api.post("/api/submissions", json=_with(id="sem-3")).json()
    loan = _with(id="sem-3", fixedAssetInvestment=None, requests=[{"measure": LOAN_12, "amount": 100}],
                 loanAmount=5000, loanInterestRate=0.04, lprRate=0.0345, loanYears=2)
    rep = api.post("/api/validate", json=loan, headers={"accept-language": "en"}).json()
    warn = [r for r in rep["results"] if r["severity"] == "Warning" and first["id"] in r["message"]]
    assert len(warn) == 1 and warn[0]["sourceShape"] == ONE_MODE_12  # 12号 二（四）: 可以申请其中一种支持
    assert "cannot be held together" in warn[0]["message"]


def test_the_cli_reads_the_same_registry_and_gives_the_same_answer(api, data_dir, tmp_path):
    sub = tmp_path / "again.json"
    sub.write_text(json.dumps(_with(fixedAssetInvestment=8001), ensure_ascii=False), encoding="utf-8")
    from_api = api.post("/api/validate", json=_with(fixedAssetInvestment=8001)).json()
    api.__exit__(None, None, None)  # stop the server: the CLI opens its data directory

    def cli(*extra: str) -> dict:
        done = subprocess.run([sys.executable, "-m", "policykg.cli", "validate", str(sub), "--format", "json", *extra],
                              capture_output=True, text=True, timeout=300, env=ENV, cwd=ROOT)
        assert done.returncode in (0, 1), done.stderr[-2000:]
        return json.loads(done.stdout)

    with_registry = cli("--data-dir", str(data_dir))
    assert with_registry["conforms"] == from_api["conforms"] is False
    assert _shapes(with_registry) == _shapes(from_api)
    assert with_registry["registry"]["consulted"] is True
    assert with_registry["registry"]["sequence"] == from_api["receipt"]["registry"]["sequence"]
    alone = cli("--no-registry")
    assert alone["conforms"] is True and alone["registry"] == {"consulted": False}
