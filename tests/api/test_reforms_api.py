"""POST /api/reforms/impact: the reform of docs/reforms.md over HTTP, YAML or JSON, with the answers of
tests/reforms/test_impact.py (derived by hand from 京发改规〔2023〕12号 二（一）2 and 二（四）1)."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
import yaml
from fastapi.testclient import TestClient

from policykg.app import create_app
from tests.conftest import Auth
from tests.reforms.test_impact import BASE, EXAMPLE, PROJECTS, SUBSIDY

URL = "/api/reforms/impact"


@pytest.fixture(scope="module")
def client_with_registry(root, role_tokens, tmp_path_factory) -> Iterator[tuple[TestClient, dict[str, str]]]:
    auth = Auth(role_tokens, tmp_path_factory.mktemp("reforms-api"))
    with TestClient(create_app(auth.settings(corpus_root=root)), headers=auth.headers("reviewer")) as c:
        c.auth_headers = {role: auth.headers(role) for role in ("submitter", "auditor")}
        ids = {}
        for name, (area, fai) in PROJECTS.items():
            r = c.post("/api/submissions", json={**BASE, "id": f"reform-{name}", "floorArea": area,
                                                 "fixedAssetInvestment": fai,
                                                 "applicant": {"name": name, "creditCode": f"9111000000000000{ord(name)}"}},
                       headers=c.auth_headers["submitter"])
            assert r.status_code == 201, r.text
            ids[name] = r.json()["id"]
        yield c, ids


def _subsidy_rows(out: dict, ids: dict[str, str]) -> dict[str, tuple]:
    by_id = {v: k for k, v in ids.items()}
    return {by_id[r["id"]]: (r["before"]["status"], r["before"]["maxAmount"], r["after"]["status"], r["after"]["maxAmount"])
            for r in out["submissions"] if r["measure"] == SUBSIDY}


def test_the_worked_example_posted_as_yaml_gives_the_hand_derived_table(client_with_registry):
    c, ids = client_with_registry
    r = c.post(URL, content=EXAMPLE.encode(), headers={"content-type": "application/yaml"})
    assert r.status_code == 200, r.text
    out = r.json()
    assert _subsidy_rows(out, ids) == {
        "a": ("not-eligible", 2400.0, "eligible", 2400.0),   # 2500 m² > 2000 now; 30% × 8000
        "b": ("eligible", 5000.0, "eligible", 3000.0),        # 6000 → cap 5000, then 3000
        "c": ("not-eligible", 2400.0, "not-eligible", 2400.0),  # 1500 m² under both thresholds
        "d": ("eligible", 2400.0, "eligible", 2400.0),
    }
    measure = next(t for t in out["totals"] if t["scope"] == "measure" and t["iri"] == SUBSIDY)
    assert (measure["before"], measure["after"], measure["difference"]) == (7400.0, 7800.0, 400.0)
    assert out["counts"]["evaluated"] == 4 and out["counts"]["becameEligible"] == 1


def test_a_reform_over_the_registry_needs_a_token_that_may_read_it(client_with_registry):
    c, _ = client_with_registry
    yaml_type = {"content-type": "application/yaml"}
    r = c.post(URL, content=EXAMPLE.encode(), headers={**yaml_type, "Authorization": ""})
    assert r.status_code == 401
    r = c.post(URL, content=EXAMPLE.encode(), headers={**yaml_type, **c.auth_headers["submitter"]})
    assert r.status_code == 403 and r.json()["detail"]["needs"] == "read-registry"


def test_the_same_reform_as_json_gives_the_same_answer(client_with_registry):
    c, ids = client_with_registry
    as_yaml = c.post(URL, content=EXAMPLE.encode(), headers={"content-type": "application/yaml"}).json()
    as_json = c.post(URL, json=yaml.safe_load(EXAMPLE) | {"asOf": "2024-09-01"}).json()
    assert _subsidy_rows(as_json, ids) == _subsidy_rows(as_yaml, ids)


def test_bad_reforms_are_4xx_naming_the_problem(client_with_registry):
    c, _ = client_with_registry
    r = c.post(URL, content=b"<a/>", headers={"content-type": "application/xml"})
    assert r.status_code == 415 and r.json()["detail"] == {"contentType": "application/xml"}
    r = c.post(URL, content=b"\xff\xfe", headers={"content-type": "application/yaml"})
    assert r.status_code == 400
    r = c.post(URL, content=b"name: x\nchanges: [", headers={"content-type": "application/yaml"})
    assert r.status_code == 422 and r.json()["error"].startswith("not YAML")
    r = c.post(URL, json={"name": "x", "changes": [{"target": SUBSIDY, "property": "pkg:cap", "value": -1}]})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "changes[0].value"
    r = c.post(URL, json={"name": "x", "changes": [{"target": SUBSIDY, "property": "pkg:thresholdValue", "value": 1}]})
    assert r.status_code == 422 and "has no" in r.json()["error"]  # a reform changes existing parameters only
    big = b"name: x\ndescription: " + b"a" * (3 * 1024 * 1024)
    assert c.post(URL, content=big, headers={"content-type": "application/yaml"}).status_code == 413
