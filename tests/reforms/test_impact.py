"""A reform over a registry: who gains, who loses, what it costs (answers derived by hand from 京发改规〔2023〕12号)."""
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
from policykg.errors import UnprocessableInput
from policykg.reforms import impact, load_reform, parse_reform
from tests.conftest import Auth

D12 = "https://w3id.org/policykg/doc/jfgg/2023/12"
SUBSIDY = f"{D12}/measure/investment-subsidy-old-factory-and-infrastructure"
AREA = f"{D12}/criterion/old-factory-area"
BASE = {"type": "RenovationProject", "projectType": "old-factory", "status": "under-construction",
        "industryPositioning": "集成电路设计", "operationsMechanism": True, "industryCategory": "high-tech",
        "propertyRightsClear": True, "applicationDate": "2024-09-01",
        "requests": [{"measure": "jfgg-2023-12-investment-subsidy-old-factory-and-infrastructure", "amount": 1000}]}
# 12号 二（一）2: 老旧厂房…改造面积超过 3000平方米; 二（四）1: 30% of fixed-asset investment, at most 5000万
PROJECTS = {"a": (2500, 8000), "b": (4000, 20000), "c": (1500, 8000), "d": (4000, 8000)}  # area m², investment 万元
EXAMPLE = (Path(__file__).resolve().parents[2] / "docs" / "reforms" / "jfgg-2023-12-old-factory-2000m2.yaml").read_text(
    encoding="utf-8")  # the worked example of docs/reforms.md


@pytest.fixture(scope="module")
def registry(root, role_tokens, tmp_path_factory) -> Iterator[tuple[object, dict[str, str]]]:
    auth = Auth(role_tokens, tmp_path_factory.mktemp("reforms"))
    with TestClient(create_app(auth.settings(corpus_root=root)), headers=auth.headers("submitter")) as c:
        ids = {}
        for name, (area, fai) in PROJECTS.items():
            r = c.post("/api/submissions", json={**BASE, "id": f"reform-{name}", "floorArea": area,
                                                 "fixedAssetInvestment": fai,
                                                 "applicant": {"name": name, "creditCode": f"9111000000000000{ord(name)}"}})
            assert r.status_code == 201, r.text
            ids[name] = r.json()["id"]
        yield c.app.state.store, ids


def _rows(out: dict, ids: dict[str, str]) -> dict[str, tuple]:
    by_id = {v: k for k, v in ids.items()}
    return {by_id[r["id"]]: (r["before"]["status"], r["before"]["maxAmount"], r["after"]["status"], r["after"]["maxAmount"])
            for r in out["submissions"] if r["measure"] == SUBSIDY}


def test_the_worked_example_lowers_the_area_threshold_and_the_cap(registry, root):
    store, ids = registry
    out = impact(store, root, load_reform(EXAMPLE))
    assert _rows(out, ids) == {
        "a": ("not-eligible", 2400.0, "eligible", 2400.0),   # 2500 m² > 2000 now; 30% × 8000 = 2400
        "b": ("eligible", 5000.0, "eligible", 3000.0),        # 30% × 20000 = 6000 → cap 5000, then 3000
        "c": ("not-eligible", 2400.0, "not-eligible", 2400.0),  # 1500 m² is below both thresholds
        "d": ("eligible", 2400.0, "eligible", 2400.0),        # under both caps
    }
    measure = next(t for t in out["totals"] if t["scope"] == "measure" and t["iri"] == SUBSIDY)
    assert (measure["before"], measure["after"], measure["difference"]) == (7400.0, 7800.0, 400.0)
    assert out["counts"]["becameEligible"] == 1 and out["counts"]["becameIneligible"] == 0
    assert out["counts"]["amountChanged"] == 1
    assert {(c["target"], c["property"], c["after"]) for c in out["clauses"]} == {
        (AREA, "https://w3id.org/policykg/ontology#thresholdValue", "2000"),
        (SUBSIDY, "https://w3id.org/policykg/ontology#cap", "3000")}
    assert all(c["clauses"] for c in out["clauses"])


def test_a_higher_threshold_makes_a_known_set_ineligible_with_exact_totals(registry, root):
    store, ids = registry
    reform = parse_reform({"name": "5000 m²", "asOf": "2024-09-01",
                           "changes": [{"target": AREA, "property": "pkg:thresholdValue", "value": 5000}]})
    out = impact(store, root, reform)
    rows = _rows(out, ids)
    assert {k for k, r in rows.items() if r[0] == "eligible" and r[2] != "eligible"} == {"b", "d"}
    measure = next(t for t in out["totals"] if t["scope"] == "measure" and t["iri"] == SUBSIDY)
    assert (measure["before"], measure["after"], measure["difference"]) == (7400.0, 0.0, -7400.0)


def test_the_corpus_in_the_store_is_never_modified(registry, root):
    store, _ = registry
    ask = f"ASK {{ <{AREA}> <https://w3id.org/policykg/ontology#thresholdValue> ?v FILTER(?v = 3000) }}"
    impact(store, root, load_reform(EXAMPLE))
    assert store.ask(ask)


@pytest.mark.parametrize("reform, field", [
    ({"name": "x", "changes": [{"target": AREA, "property": "pkg:label", "value": 1}]}, "changes[0].property"),
    ({"name": "x", "changes": [{"target": AREA, "property": "pkg:thresholdValue", "value": "big"}]}, "changes[0].value"),
    ({"name": "x", "changes": [{"target": "https://evil.example/x", "property": "pkg:cap", "value": 1}]}, "changes[0].target"),
    ({"name": "x", "changes": []}, "changes"), ({"changes": []}, "name"),
    ({"name": "x", "changes": [{"target": AREA, "property": "pkg:comparator", "value": "approx"}]}, "changes[0].value"),
])
def test_a_malformed_reform_is_422_naming_the_field(reform, field):
    with pytest.raises(UnprocessableInput, match="must|required|not a resource") as e:
        parse_reform(reform)
    assert e.value.detail[0]["field"] == field


def test_a_change_of_a_parameter_the_target_does_not_have_is_refused(registry, root):
    store, _ = registry
    with pytest.raises(UnprocessableInput, match="has no"):
        impact(store, root, parse_reform({"name": "x", "changes": [{"target": AREA, "property": "pkg:cap", "value": 1}]}))


def test_the_cli_reads_a_data_directory_and_gives_the_same_totals_with_a_progress_bar(root, tmp_path, role_tokens):
    auth = Auth(role_tokens, tmp_path)
    with TestClient(create_app(auth.settings(store="oxigraph", corpus_root=root)),
                    headers=auth.headers("submitter")) as c:
        for name, (area, fai) in PROJECTS.items():
            r = c.post("/api/submissions", json={**BASE, "id": f"reform-{name}", "floorArea": area,
                                                 "fixedAssetInvestment": fai})
            assert r.status_code == 201, r.text
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYKG_")}
    yaml_file = root / "docs" / "reforms" / "jfgg-2023-12-old-factory-2000m2.yaml"
    done = subprocess.run([sys.executable, "-m", "policykg.cli", "reform", str(yaml_file), "--data-dir", str(tmp_path),
                           "--format", "json"], capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout)
    measure = next(t for t in out["totals"] if t["scope"] == "measure" and t["iri"] == SUBSIDY)
    assert (measure["before"], measure["after"]) == (7400.0, 7800.0)
    assert "[##############################] 4/4 submissions" in done.stderr
