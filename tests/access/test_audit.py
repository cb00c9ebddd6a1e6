"""The audit trail: every write and registry read by a token holder, in a hash chain the API cannot rewrite."""
from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from policykg.access import verify
from policykg.app import create_app
from tests.access.test_tokens import AWARD, PROJECT
from tests.conftest import Auth

NO_DOUBLE_12 = "https://w3id.org/policykg/shape/jfgg/2023/12/rule/no-double-funding"


@pytest.fixture
def env(auth: Auth) -> Iterator[tuple[TestClient, Auth]]:
    with TestClient(create_app(auth.settings())) as c:
        yield c, auth


def lines(auth: Auth) -> list[dict]:
    return [json.loads(x) for x in auth.audit_file.read_text().splitlines()]


def test_each_write_and_registry_read_appears_in_the_trail_with_who_what_when_and_outcome(env) -> None:
    client, auth = env
    sub = client.post("/api/submissions", json=PROJECT, headers={**auth.headers("submitter"), "X-Request-ID": "req-1"})
    assert sub.status_code == 201 and sub.headers["x-request-id"] == "req-1"
    sid = sub.json()["id"]
    award = client.post("/api/awards", json=AWARD, headers=auth.headers("reviewer"))
    assert award.status_code == 201
    read = client.get("/api/awards", params={"creditCode": "91110000000000001X"}, headers=auth.headers("auditor"))
    denied = client.post("/api/awards", json=AWARD, headers=auth.headers("auditor"))
    got = client.get(f"/api/submissions/{sid}", headers=auth.headers("reviewer"))
    query = client.get("/api/queries/registry-awards-per-enterprise-year", headers=auth.headers("reviewer"))
    client.get("/api/documents")  # a public read: not in the trail
    client.post("/api/awards", json=AWARD)  # anonymous: 401, not in the trail (no person to name)
    assert (read.status_code, denied.status_code, got.status_code, query.status_code) == (200, 403, 200, 200)

    trail = lines(auth)
    assert [(e["who"], e["role"], e["action"], e["status"], e["outcome"]) for e in trail] == [
        ("test submitter", "submitter", "POST /api/submissions", 201, "ok"),
        ("test reviewer", "reviewer", "POST /api/awards", 201, "ok"),
        ("test auditor", "auditor", "GET /api/awards", 200, "ok"),
        ("test auditor", "auditor", "POST /api/awards", 403, "refused"),
        ("test reviewer", "reviewer", "GET /api/submissions/" + sid, 200, "ok"),
        ("test reviewer", "reviewer", "GET /api/queries/registry-awards-per-enterprise-year", 200, "ok"),
    ]
    assert trail[0]["target"] == sid and trail[0]["requestId"] == "req-1"
    assert trail[1]["target"] == award.json()["id"] and trail[1]["requestId"] == award.headers["x-request-id"]
    assert trail[2]["query"] == "creditCode=91110000000000001X"
    assert all(e["time"].endswith("Z") and e["tokenId"] for e in trail)
    assert [e["seq"] for e in trail] == list(range(1, 7))
    assert not any(v in json.dumps(trail) for v in auth.tokens.values())  # never a token
    assert verify(auth.audit_file).ok


def test_an_auditor_reads_the_trail_and_nobody_can_change_it_through_the_api(env) -> None:
    client, auth = env
    client.post("/api/submissions", json=PROJECT, headers=auth.headers("submitter"))
    r = client.get("/api/audit", headers=auth.headers("auditor"))
    assert r.status_code == 200
    body = r.json()
    assert body["verified"] is True and body["items"][0]["action"] == "POST /api/submissions"
    assert client.get("/api/audit", headers=auth.headers("reviewer")).status_code == 403
    for method in ("PUT", "POST", "DELETE", "PATCH"):
        assert client.request(method, "/api/audit", headers=auth.headers("admin"), json={}).status_code == 405
    assert lines(auth)[-1]["action"] == "GET /api/audit"  # reading the trail is in it too
    assert len(client.get("/api/audit", params={"limit": 1}, headers=auth.headers("auditor")).json()["items"]) == 1


def test_changing_or_removing_a_line_breaks_the_chain_and_the_cli_says_where(env) -> None:
    client, auth = env
    for i in range(3):
        client.post("/api/awards", json={**AWARD, "amount": 10 + i}, headers=auth.headers("reviewer"))
    ok = subprocess.run([sys.executable, "-m", "policykg.cli", "audit", "--data-dir", str(auth.data_dir), "verify"],
                        capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and "3 entries, chain intact" in ok.stdout
    original = auth.audit_file.read_text()
    rows = original.splitlines()
    rows[1] = rows[1].replace('"who":"test reviewer"', '"who":"someone else"')
    auth.audit_file.write_text("\n".join(rows) + "\n")
    v = verify(auth.audit_file)
    assert (v.ok, v.line, v.entries) == (False, 2, 1) and "changed" in v.problem
    bad = subprocess.run([sys.executable, "-m", "policykg.cli", "audit", "--data-dir", str(auth.data_dir), "verify"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and "line 2" in bad.stderr
    rows = original.splitlines()
    auth.audit_file.write_text("\n".join([rows[0], rows[2]]) + "\n")  # a line removed
    v = verify(auth.audit_file)
    assert (v.ok, v.line) == (False, 2) and "removed" in v.problem
    assert client.get("/api/audit", headers=auth.headers("auditor")).json()["verified"] is False


def test_the_trail_keeps_its_chain_across_restarts_and_cli_token_management(auth) -> None:
    with TestClient(create_app(auth.settings())) as c:
        c.post("/api/awards", json=AWARD, headers=auth.headers("reviewer"))
    done = subprocess.run([sys.executable, "-m", "policykg.cli", "tokens", "--data-dir", str(auth.data_dir), "add",
                           "--role", "submitter", "--name", "Ms Wang"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("pkg_")
    with TestClient(create_app(auth.settings())) as c:
        r = c.post("/api/submissions", json=PROJECT, headers={"Authorization": f"Bearer {done.stdout.strip()}"})
        assert r.status_code == 201
    trail = lines(auth)
    assert [(e["who"], e["action"]) for e in trail] == [
        ("test reviewer", "POST /api/awards"), (trail[1]["who"], "tokens add"), ("Ms Wang", "POST /api/submissions")]
    assert trail[1]["who"].startswith("cli:") and verify(auth.audit_file).ok


def test_an_anonymous_validation_does_not_read_the_registry_so_it_reveals_no_enterprise_s_awards(env) -> None:
    client, auth = env
    first = client.post("/api/submissions", json=PROJECT, headers=auth.headers("submitter")).json()
    award = {"submission": first["id"], "measure": "jjxj-2022-old-factory-space-upgrade-support", "amount": 1000,
             "date": "2023-12-01"}
    assert client.post("/api/awards", json=award, headers=auth.headers("reviewer")).status_code == 201
    again = {**PROJECT, "id": "of1-again"}
    with_token = client.post("/api/validate", json=again, headers=auth.headers("submitter")).json()
    assert with_token["registryConsulted"] is True and with_token["conforms"] is False
    assert any(r["sourceShape"] == NO_DOUBLE_12 for r in with_token["results"])
    anonymous = client.post("/api/validate", json=again).json()
    assert anonymous["registryConsulted"] is False
    assert not any(r["sourceShape"] == NO_DOUBLE_12 for r in anonymous["results"])
    assert "1000" not in json.dumps(anonymous["results"])
    elig = client.post("/api/eligibility", json=again)
    assert elig.status_code == 200 and elig.json()["registryConsulted"] is False
    assert lines(auth)[-1]["action"] == "POST /api/validate"  # the token holder's validation read the registry


def test_matching_an_enterprise_reads_the_registry_only_for_a_caller_with_a_token(env) -> None:
    from policykg.api.match import EXAMPLE

    client, auth = env
    anonymous = client.post("/api/match", json=EXAMPLE)
    assert anonymous.status_code == 200 and anonymous.json()["registryConsulted"] is False
    with_token = client.post("/api/match", json=EXAMPLE, headers=auth.headers("reviewer"))
    assert with_token.status_code == 200 and with_token.json()["registryConsulted"] is True
    assert lines(auth)[-1]["action"] == "POST /api/match"


def test_a_line_cut_by_a_crash_is_set_aside_and_the_chain_goes_on(tmp_path) -> None:
    from policykg.access import AuditLog

    log = AuditLog(tmp_path / "audit.jsonl")
    for i in range(2):
        log.append({"who": "w", "action": f"a{i}", "status": 200})
    with open(log.path, "ab") as f:
        f.write(b'{"who":"w","action":"half')  # power lost in the middle of a write
    assert not verify(log.path).ok
    log.append({"who": "w", "action": "a2", "status": 200})
    v = verify(log.path)
    assert v.ok and v.entries == 3
    torn = list(tmp_path.glob("audit.jsonl.torn-*"))
    assert len(torn) == 1 and torn[0].read_bytes() == b'{"who":"w","action":"half'
