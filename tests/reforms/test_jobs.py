"""A reform's impact as a job: the page follows its progress (done/total) and then reads the same answer as
POST /api/reforms/impact; bounded (one running job per user, jobs expire) and readable only by its user."""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from policykg.app import create_app
from policykg.reforms.jobs import Busy, Jobs
from tests.conftest import Auth
from tests.reforms.test_impact import BASE, EXAMPLE, PROJECTS, SUBSIDY


@pytest.fixture(scope="module")
def client(root, role_tokens, tmp_path_factory) -> Iterator[tuple[TestClient, Auth]]:
    auth = Auth(role_tokens, tmp_path_factory.mktemp("reform-jobs"))
    with TestClient(create_app(auth.settings(corpus_root=root)), headers=auth.headers("submitter")) as c:
        for name, (area, fai) in PROJECTS.items():
            r = c.post("/api/submissions", json={**BASE, "id": f"job-{name}", "floorArea": area,
                                                 "fixedAssetInvestment": fai,
                                                 "applicant": {"name": name, "creditCode": f"9111000000000000{ord(name)}"}})
            assert r.status_code == 201, r.text
        yield c, auth


def _wait(c: TestClient, url: str, headers: dict[str, str]) -> list[dict]:
    seen = []
    for _ in range(600):
        s = c.get(url, headers=headers).json()
        seen.append(s)
        if s["state"] != "running":
            return seen
        time.sleep(0.05)
    raise AssertionError("the job never ended")


def test_a_job_reports_its_progress_then_the_same_answer_as_the_impact_endpoint(client):
    c, auth = client
    h = auth.headers("reviewer") | {"content-type": "application/yaml"}
    r = c.post("/api/reforms/jobs", content=EXAMPLE.encode(), headers=h)
    assert r.status_code == 202, r.text
    assert r.headers["location"] == r.json()["url"]
    seen = _wait(c, r.json()["url"], auth.headers("reviewer"))
    last = seen[-1]
    assert last["state"] == "done" and last["done"] == last["total"] == 4
    direct = c.post("/api/reforms/impact", content=EXAMPLE.encode(), headers=h).json()
    assert last["result"]["totals"] == direct["totals"]
    measure = next(t for t in last["result"]["totals"] if t["scope"] == "measure" and t["iri"] == SUBSIDY)
    assert (measure["before"], measure["after"]) == (7400.0, 7800.0)


def test_a_job_is_read_only_by_its_user_and_needs_the_reviewer_role(client):
    c, auth = client
    r = c.post("/api/reforms/jobs", content=EXAMPLE.encode(),
               headers=auth.headers("reviewer") | {"content-type": "application/yaml"})
    url = r.json()["url"]
    assert c.get(url, headers=auth.headers("admin")).status_code == 404  # another user's job does not exist for it
    assert c.get(url, headers={"Authorization": ""}).status_code == 401
    assert c.post("/api/reforms/jobs", content=EXAMPLE.encode(),
                  headers=auth.headers("submitter") | {"content-type": "application/yaml"}).status_code == 403
    _wait(c, url, auth.headers("reviewer"))


def test_a_bad_reform_is_refused_before_any_job_starts(client):
    c, auth = client
    r = c.post("/api/reforms/jobs", content=b"name: x\nchanges: []\n",
               headers=auth.headers("reviewer") | {"content-type": "application/yaml"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "changes"


def test_one_running_job_per_user_and_finished_jobs_expire():
    jobs, gate = Jobs(max_jobs=2, expire_s=0.2), threading.Event()
    first = jobs.start("u1", "slow", lambda progress: (progress(0, 1), gate.wait(5), {"ok": 1})[2], lambda e: {})
    with pytest.raises(Busy) as e:
        jobs.start("u1", "again", lambda progress: {}, lambda e: {})
    assert e.value.running == first.id
    other = jobs.start("u2", "other", lambda progress: {"ok": 2}, lambda e: {})  # another user may
    with pytest.raises(Busy, match="2 reform jobs"):
        jobs.start("u3", "third", lambda progress: {}, lambda e: {})
    assert jobs.get("u1", first.id).view()["done"] == 0
    gate.set()
    for _ in range(100):
        if jobs.get("u1", first.id).state == "done":
            break
        time.sleep(0.02)
    assert jobs.get("u1", first.id).view()["result"] == {"ok": 1}
    time.sleep(0.3)
    assert jobs.get("u1", first.id) is None and jobs.get("u2", other.id) is None  # expired, result with them


def test_a_failing_job_says_why_instead_of_vanishing():
    jobs = Jobs()

    def boom(progress):
        raise ValueError("no")

    j = jobs.start("u", "bad", boom, lambda e: {"status": 500, "error": str(e)})
    for _ in range(100):
        if j.state != "running":
            break
        time.sleep(0.02)
    assert j.view() | {"elapsedSeconds": 0} == {"id": j.id, "name": "bad", "state": "failed", "done": 0, "total": 0,
                                                "elapsedSeconds": 0, "error": {"status": 500, "error": "no"}}
