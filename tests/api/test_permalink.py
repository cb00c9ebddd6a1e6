"""Issue 14 (item 8) with issue 12's privacy: a stored submission's printable report at /submissions/{id}, opened by
the capability link the submitter gets (`?key=`, an HMAC of the id under the server's secret) or by a token that
may read it; without either, and with a wrong key, 404 as for a submission that does not exist."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from policykg.app import create_app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = (ROOT / "docs" / "examples" / "RenovationProject.json").read_text(encoding="utf-8")


@pytest.fixture
def app_client(auth) -> Iterator[tuple[TestClient, dict]]:
    """A fresh registry; the example stored by a submitter, whose answer holds the link."""
    with TestClient(create_app(auth.settings())) as c:
        r = c.post("/api/submissions", content=EXAMPLE, headers={**auth.headers("submitter"),
                                                                 "Content-Type": "application/json"})
        assert r.status_code == 201, r.text
        yield c, r.json()


def test_the_answer_of_a_stored_submission_holds_its_permalink_which_opens_the_printable_report(app_client):
    c, stored = app_client
    link = stored["permalink"]
    assert link.startswith(f"/submissions/{stored['id']}?key=") and len(link.rsplit("=", 1)[1]) == 32
    page = c.get(link)  # no token: the key is the capability
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["referrer-policy"] == "no-referrer" and page.headers["cache-control"] == "private, no-store"
    html = page.text
    assert stored["id"] in html and "@media print" in html
    assert "✔ 符合 Conforms" in html  # the stored verdict
    assert "资金支持" in html and "万元" in html  # the amounts with their computation
    assert "/api/clauses/" in html or "/doc/" in html  # clauses linked


def test_without_a_key_or_with_a_wrong_key_the_page_is_404_like_a_submission_that_does_not_exist(app_client):
    c, stored = app_client
    sid, key = stored["id"], stored["permalink"].rsplit("=", 1)[1]
    wrong = ("0" if key[0] != "0" else "1") + key[1:]
    answers = [c.get(f"/submissions/{sid}"), c.get(f"/submissions/{sid}?key={wrong}"), c.get(f"/submissions/{sid}?key="),
               c.get(f"/submissions/{'f' * len(sid)}?key={key}")]  # another id with this id's key
    assert [r.status_code for r in answers] == [404, 404, 404, 404]
    assert answers[0].json() == {"error": f"no submission {sid}", "detail": {"id": sid}}
    assert answers[3].json() == {"error": f"no submission {'f' * len(sid)}", "detail": {"id": 'f' * len(sid)}}


def test_a_reviewer_opens_it_with_a_token_and_another_submitter_does_not(app_client, auth):
    c, stored = app_client
    sid = stored["id"]
    assert c.get(f"/submissions/{sid}", headers=auth.headers("reviewer")).status_code == 200
    assert c.get(f"/submissions/{sid}", headers=auth.headers("submitter")).status_code == 200  # its own
    assert c.get(f"/api/submissions/{sid}", headers=auth.headers("reviewer")).json()["permalink"] == stored["permalink"]


def test_the_key_survives_a_restart_and_a_configured_secret_replaces_it(auth):
    with TestClient(create_app(auth.settings())) as c:
        first = c.post("/api/submissions", content=EXAMPLE, headers={**auth.headers("submitter"),
                                                                     "Content-Type": "application/json"}).json()
    assert (auth.data_dir / "permalink.key").stat().st_mode & 0o777 == 0o600
    with TestClient(create_app(auth.settings())) as c:  # another process on the same data directory
        again = c.post("/api/submissions", content=EXAMPLE, headers={**auth.headers("admin"),
                                                                     "Content-Type": "application/json"}).json()
    assert again["permalink"] == first["permalink"]
    with TestClient(create_app(auth.settings(permalink_secret="rotated"))) as c:
        assert c.get(first["permalink"]).status_code == 404  # a new secret revokes the old links
