"""POST /api/match and `policykg match`: the same answer over HTTP and on the command line."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from policykg.api.match import EXAMPLE

ROOT = Path(__file__).resolve().parents[2]


def test_the_openapi_example_profile_is_matched(client):
    r = client.post("/api/match", json=EXAMPLE, headers={"accept-language": "en"})
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["asOf"] == "2024-09-01" and out["counts"]["eligible"] >= 2
    combo = out["bestCombinations"][0]
    assert combo["project"] == "energy-1" and combo["total"] == 1200  # 30% × 4000; the 2% green credit needs review
    spec = client.get("/openapi.json").json()["paths"]["/api/match"]["post"]["requestBody"]
    assert spec["content"]["application/json"]["example"] == EXAMPLE


def test_bad_profiles_are_4xx_with_their_reason(client):
    assert client.post("/api/match", content=b"{", headers={"content-type": "application/json"}).status_code == 400
    r = client.post("/api/match", content=b"<a> <b> <c> .", headers={"content-type": "text/turtle"})
    assert r.status_code == 415 and r.json()["detail"] == {"contentType": "text/turtle"}
    r = client.post("/api/match", json={"projects": [{"type": "RenovationProject", "floorArea": "big"}]})
    assert r.status_code == 422 and "floorArea" in json.dumps(r.json()["detail"])
    r = client.post("/api/match", json={"applicant": {"salary": 1}})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "applicant.salary"


def test_the_cli_gives_the_same_answer_as_the_api(client, tmp_path):
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(EXAMPLE, ensure_ascii=False), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYKG_")}
    done = subprocess.run([sys.executable, "-m", "policykg.cli", "match", str(path), "--format", "json", "--lang", "en"],
                          capture_output=True, text=True, timeout=300, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    api = client.post("/api/match", json=EXAMPLE, headers={"accept-language": "en"}).json()
    assert api.pop("registryConsulted") is False  # anonymous: like the CLI, which has no registry
    assert json.loads(done.stdout) == api
    text = subprocess.run([sys.executable, "-m", "policykg.cli", "match", str(path), "--lang", "en"],
                          capture_output=True, text=True, timeout=300, env=env, cwd=ROOT).stdout
    assert "best combination (energy-1): 1200 万元 = energy-saving-reward-listed\n" in text
