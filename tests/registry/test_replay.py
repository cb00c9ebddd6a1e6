"""Receipts that can be replayed: every stored decision of a generated registry is reproduced; a changed
clause text is reported as such."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from policykg.app import create_app
from tests.conftest import Auth

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "docs" / "examples").glob("*.json"))
ENV = {k: v for k, v in os.environ.items() if not k.startswith("POLICYKG_")}


def _generated() -> list[dict]:
    """30 submissions of every type: the documented examples, varied (ids, enterprises, amounts, dates)."""
    out = []
    for i in range(30):
        sub = json.loads(EXAMPLES[i % len(EXAMPLES)].read_text(encoding="utf-8"))
        sub["id"] = f"{sub['id']}-{i}"
        sub["applicant"] = {"name": f"企业{i}", "creditCode": f"9111000000000{i:05d}"}
        sub["projectCode"] = f"G-{i}"
        for r in sub.get("requests", []):
            if "amount" in r:
                r["amount"] = r["amount"] + i
        out.append(sub)
    return out


def test_every_stored_decision_of_a_generated_registry_is_reproduced_by_the_api_and_the_cli(tmp_path, role_tokens):
    data = tmp_path / "data"
    auth = Auth(role_tokens, data)  # every request sends the admin token
    with TestClient(create_app(auth.settings(store="oxigraph", corpus_root=ROOT)), headers=auth.headers("admin")) as c:
        ids = []
        for sub in _generated():
            r = c.post("/api/submissions", json=sub)
            assert r.status_code == 201, r.text
            ids.append(r.json()["id"])
            assert r.json()["receipt"]["registry"]["consulted"] is True
        # later records do not change what an earlier decision saw: an award after the first decision
        i, first = next((i, s) for i, s in enumerate(_generated()) if s.get("requests") and s["type"] == "RenovationProject")
        r = c.post("/api/awards", json={"project": first["id"], "measure": first["requests"][0]["measure"],
                                        "amount": 1, "date": first["applicationDate"]})
        assert r.status_code == 201, r.text
        replays = [c.post("/api/replay", json={"id": sid}).json() for sid in ids]
        assert [r["status"] for r in replays] == ["reproduced"] * 30, [r for r in replays if r["status"] != "reproduced"]
        assert all(r["corpusVersion"]["changed"] is False and r["clausesChanged"] == [] for r in replays)
        assert replays[0]["registry"]["writesSince"] == 31  # its own record, 29 later submissions and the award
        assert replays[i]["status"] == "reproduced"  # its award came after its decision
        assert c.post("/api/replay", json={"id": "0" * 32}).status_code == 404
    done = subprocess.run([sys.executable, "-m", "policykg.cli", "replay", "--all", "--data-dir", str(data)],
                          capture_output=True, text=True, timeout=600, env=ENV, cwd=ROOT)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert done.stdout.count(": reproduced") == 30


def test_a_decision_whose_clause_text_changed_is_reported_with_the_clause(tmp_path, role_tokens):
    root = tmp_path / "corpus"
    for d in ("ontology", "policies", "shapes", "queries"):
        shutil.copytree(ROOT / d, root / d)
    small = {"id": "small", "type": "RenovationProject", "projectType": "old-factory", "floorArea": 2000,
             "fixedAssetInvestment": 8000, "status": "under-construction", "applicationDate": "2024-06-01",
             "propertyRightsClear": True, "operationsMechanism": True, "industryPositioning": "高精尖",
             "industryCategory": "high-tech",
             "requests": [{"measure": "jfgg-2023-12-investment-subsidy-old-factory-and-infrastructure", "amount": 100}]}
    data = tmp_path / "data"
    auth = Auth(role_tokens, data)  # every request sends the admin token
    with TestClient(create_app(auth.settings(store="oxigraph", corpus_root=root)), headers=auth.headers("admin")) as c:
        stored = c.post("/api/submissions", json=small).json()
        clause = "https://w3id.org/policykg/doc/jfgg/2023/12/2/1/2"  # 二（一）2. …改造面积超过 3000平方米
        assert clause in {x["iri"] for x in stored["receipt"]["clauses"]}
    # the clause file is edited (3000 → 2500 in the verbatim text; the shapes are not regenerated)
    f = root / "policies" / "clauses" / "jfgg-2023-12.ttl"
    text = f.read_text(encoding="utf-8")
    f.write_text(re.sub(r"(老旧厂房改造项目。[^\"]*?)3000", r"\g<1>2500", text, count=1), encoding="utf-8")
    assert f.read_text(encoding="utf-8") != text
    with TestClient(create_app(auth.settings(store="oxigraph", corpus_root=root)), headers=auth.headers("admin")) as c:
        r = c.post("/api/replay", json={"id": stored["id"]}).json()
    assert r["status"] == "changed" and r["added"] == [] and r["removed"] == []
    assert [x["iri"] for x in r["clausesChanged"]] == [clause]
    assert r["corpusVersion"]["changed"] is True
