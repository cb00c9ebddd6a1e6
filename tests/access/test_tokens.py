"""Access control: 401 without a valid token, 403 with the wrong role, on every write and registry read.

The finding of issue 12: anyone could POST /api/awards against another enterprise's project,
and read every enterprise's awards. Tokens are stored only as argon2id hashes; the first
start with none configured makes an admin token and prints it once.
"""
from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from policykg.access import TokenStore
from policykg.app import create_app
from policykg.config import Settings
from tests.conftest import ROOT, Auth

PROJECT = {
    "type": "RenovationProject", "id": "of1", "projectType": "old-factory", "floorArea": 8000,
    "fixedAssetInvestment": 8000, "status": "under-construction", "applicationDate": "2024-06-01",
    "propertyRightsClear": True, "operationsMechanism": True, "industryPositioning": "高精尖",
    "industryCategory": "high-tech", "inOldFactoryLedger": True, "inHighTechProjectDatabase": True,
    "applicant": {"name": "甲公司", "creditCode": "91110000000000001X"}, "projectCode": "P-1",
    "requests": [{"measure": "jfgg-2023-12-investment-subsidy-old-factory-and-infrastructure", "amount": 2400}],
}
AWARD = {"project": "91110000000000001X/P-1", "measure": "jfgg-2023-12-loan-interest-subsidy", "amount": 10,
         "date": "2024-01-02", "external": True}  # a grant of a project not stored here
# (method, path, body, the roles allowed)
ROUTES = [
    ("POST", "/api/submissions", PROJECT, {"submitter", "admin"}),
    ("POST", "/api/awards", AWARD, {"reviewer", "admin"}),
    ("GET", "/api/awards?creditCode=91110000000000001X", None, {"reviewer", "auditor", "admin"}),
    ("GET", "/api/awards?project=91110000000000001X/P-1", None, {"reviewer", "auditor", "admin"}),
    ("GET", "/api/queries/registry-awards-per-enterprise-year", None, {"reviewer", "auditor", "admin"}),
    ("GET", "/api/audit", None, {"auditor", "admin"}),
]


@pytest.fixture(scope="module")
def env(role_tokens, tmp_path_factory) -> Iterator[tuple[TestClient, Auth]]:
    auth = Auth(role_tokens, tmp_path_factory.mktemp("tokens-api"))
    with TestClient(create_app(auth.settings())) as c:
        yield c, auth


def call(client: TestClient, method: str, path: str, body: object, headers: dict[str, str] | None = None):
    return client.request(method, path, json=body, headers=headers or {})


@pytest.mark.parametrize(("method", "path", "body", "allowed"), ROUTES, ids=[f"{m} {p}" for m, p, _, _ in ROUTES])
def test_each_write_and_registry_read_is_401_anonymous_403_for_other_roles_and_allowed_for_its_own(
        env, method, path, body, allowed) -> None:
    client, auth = env
    anon = call(client, method, path, body)
    assert anon.status_code == 401 and anon.headers["www-authenticate"] == 'Bearer realm="policykg"'
    assert set(anon.json()) == {"error", "detail"}
    bad = call(client, method, path, body, {"Authorization": "Bearer pkg_000000000000_" + "x" * 43})
    assert bad.status_code == 401 and 'error="invalid_token"' in bad.headers["www-authenticate"]
    basic = call(client, method, path, body, {"Authorization": "Basic dXNlcjpwYXNz"})
    assert basic.status_code == 401
    for role in ("submitter", "reviewer", "auditor", "admin"):
        r = call(client, method, path, body, auth.headers(role))
        if role in allowed:
            assert r.status_code in (200, 201), (role, r.text)
        else:
            assert r.status_code == 403, (role, r.status_code, r.text)
            assert r.json()["detail"]["role"] == role


def test_an_anonymous_award_is_refused_before_anything_is_written(env) -> None:
    client, auth = env
    before = [g for g in client.app.state.store.named_graphs() if "/award/" in g]
    r = client.post("/api/awards", json={**AWARD, "project": "91110000000000009Z/P-9"})
    assert r.status_code == 401
    assert [g for g in client.app.state.store.named_graphs() if "/award/" in g] == before


def test_a_submitter_reads_the_submissions_it_stored_and_no_other(env, role_tokens, tmp_path) -> None:
    client, auth = env
    sid = client.post("/api/submissions", json={**PROJECT, "projectCode": "OWN-1"},
                      headers=auth.headers("submitter")).json()["id"]
    other = client.post("/api/submissions", json={**PROJECT, "projectCode": "OTHER-1"},
                        headers=auth.headers("admin")).json()["id"]
    assert client.get(f"/api/submissions/{sid}", headers=auth.headers("submitter")).status_code == 200
    assert client.get(f"/api/submissions/{other}", headers=auth.headers("submitter")).status_code == 404
    assert client.get(f"/api/submissions/{other}").status_code == 401
    for role in ("reviewer", "auditor", "admin"):
        assert client.get(f"/api/submissions/{sid}", headers=auth.headers(role)).status_code == 200
    # a second submitter (another token of the same role) does not read the first one's submission
    store = TokenStore(auth.data_dir / "tokens.json")
    _rec, second = store.add("submitter", "second submitter")
    assert client.get(f"/api/submissions/{sid}", headers={"Authorization": f"Bearer {second}"}).status_code == 404


def test_a_revoked_token_is_refused_at_the_next_request(role_tokens, tmp_path) -> None:
    auth = Auth(role_tokens, tmp_path / "data")
    store = TokenStore(auth.data_dir / "tokens.json")
    rec, token = store.add("reviewer", "temporary reviewer")
    h = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(auth.settings())) as c:
        assert c.get("/api/awards?project=x/y", headers=h).status_code == 200
        TokenStore(auth.data_dir / "tokens.json").revoke(rec.id)  # as `policykg tokens revoke` does
        assert c.get("/api/awards?project=x/y", headers=h).status_code == 401


def test_the_environment_admin_token_is_hashed_and_never_written(tmp_path, capsys) -> None:
    secret = "env-admin-secret-0123456789abcdefghij"
    s = Settings(store="memory", corpus_root=ROOT, data_dir=tmp_path, admin_token=secret)
    assert secret not in repr(s)
    with TestClient(create_app(s)) as c:
        r = c.post("/api/awards", json=AWARD, headers={"Authorization": f"Bearer {secret}"})
        assert r.status_code == 201, r.text
        assert c.post("/api/awards", json=AWARD, headers={"Authorization": "Bearer wrong"}).status_code == 401
    out = capsys.readouterr()
    assert "admin token was made" not in out.out  # a token was configured: nothing made, nothing printed
    for f in tmp_path.rglob("*"):
        if f.is_file() and f.suffix in (".json", ".jsonl"):
            assert secret not in f.read_text(errors="replace")
    assert not (tmp_path / "tokens.json").exists()


def test_a_first_start_without_tokens_prints_one_admin_token_once_and_stores_only_its_hash(tmp_path, capsys) -> None:
    s = Settings(store="memory", corpus_root=ROOT, data_dir=tmp_path)
    with TestClient(create_app(s)) as c:
        assert c.post("/api/submissions", json=PROJECT).status_code == 401  # no anonymous write, ever
    printed = capsys.readouterr().out
    token = next(w for w in printed.split() if w.startswith("pkg_"))
    stored = json.loads((tmp_path / "tokens.json").read_text())["tokens"]
    assert [t["role"] for t in stored] == ["admin"] and stored[0]["hash"].startswith("$argon2id$")
    assert token not in (tmp_path / "tokens.json").read_text()
    assert oct((tmp_path / "tokens.json").stat().st_mode & 0o777) == "0o600"
    with TestClient(create_app(s)) as c:
        assert c.post("/api/submissions", json=PROJECT, headers={"Authorization": f"Bearer {token}"}).status_code == 201
    assert "pkg_" not in capsys.readouterr().out  # the second start prints no token
    for f in tmp_path.rglob("*.jsonl"):
        assert token not in f.read_text()


def test_verifying_a_token_is_cheap_after_the_first_time(tmp_path) -> None:
    store = TokenStore(tmp_path / "tokens.json")
    _rec, token = store.add("reviewer", "r")
    t0 = time.perf_counter()
    assert store.verify(token) is not None  # argon2id, once
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in range(1000):
        assert store.verify(token) is not None
    cached = (time.perf_counter() - t0) / 1000
    print(f"\nfirst verification {first * 1000:.1f} ms, then {cached * 1e6:.1f} µs per request")
    assert cached < 0.001 and cached < first / 10
    # a wrong secret under a real id costs one argon2 check, then none; an unknown id none at all
    wrong = token[:-4] + "AAAA"
    assert store.verify(wrong) is None
    t0 = time.perf_counter()
    for _ in range(1000):
        assert store.verify(wrong) is None
        assert store.verify("pkg_ffffffffffff_" + "y" * 43) is None
    assert (time.perf_counter() - t0) / 2000 < 0.001


def test_guessing_secrets_under_a_known_id_is_throttled_without_hashing(tmp_path) -> None:
    from policykg.access.tokens import FAIL_LIMIT

    store = TokenStore(tmp_path / "tokens.json")
    _rec, token = store.add("admin", "a")
    assert store.verify(token) is not None
    prefix = token[: len("pkg_") + 12 + 1]
    for i in range(FAIL_LIMIT):
        assert store.verify(prefix + f"{i:043d}") is None
    t0 = time.perf_counter()
    for i in range(200):
        assert store.verify(prefix + f"{i + 1000:043d}") is None
    assert (time.perf_counter() - t0) / 200 < 0.002  # no argon2 while throttled
    assert store.verify(token) is not None  # the real token, verified before, still works


# The routes that take a body but write nothing and read no registry for an anonymous caller.
# (The pages' POSTs call the API in-process with the caller's token, so the API's checks apply to them.)
PUBLIC_POSTS = {"/api/validate", "/api/validate/batch", "/api/eligibility", "/api/match", "/sparql",
                "/api/labels",  # the corpus's labels of a list of IRIs (tests/api/test_labels.py: never the registry's)
                "/validate", "/validate/report", "/query", "/query/download", "/query/registry", "/match"}


def test_every_route_that_could_write_answers_401_to_an_anonymous_caller_unless_it_is_a_known_public_one(env) -> None:
    """Safe by default: a new writing route that forgets its token check fails here (routes from OpenAPI)."""
    client, _auth = env
    checked = []
    for path, ops in client.app.openapi()["paths"].items():
        if path in PUBLIC_POSTS:
            continue
        for method in sorted({m.upper() for m in ops} & {"POST", "PUT", "PATCH", "DELETE"}):
            r = client.request(method, path.replace("{", "").replace("}", ""), json={})
            assert r.status_code == 401, (method, path, r.status_code)
            checked.append((method, path, r.status_code))
    assert ("POST", "/api/submissions", 401) in checked and ("POST", "/api/awards", 401) in checked
