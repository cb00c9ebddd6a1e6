"""Eligibility looks the project up in the registry once (hypothetical.recorded) and still sees what it holds: an
award of a measure makes requesting it again a duplicate application, in the answer for that measure only."""
from __future__ import annotations

import copy
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from policykg.app import create_app
from policykg.eligibility.hypothetical import recorded
from tests.api.test_eligibility import OLD_FACTORY, elig, measure
from tests.conftest import Auth


@pytest.fixture(scope="module")
def client(role_tokens, tmp_path_factory) -> Iterator[TestClient]:
    auth = Auth(role_tokens, tmp_path_factory.mktemp("eligibility-registry"))
    with TestClient(create_app(auth.settings()), headers=auth.headers("admin")) as c:
        yield c


def test_an_award_of_a_measure_makes_it_a_duplicate_application_and_leaves_the_others_alone(client) -> None:
    body = copy.deepcopy(OLD_FACTORY)
    before = elig(client, body)
    once = [m for m in before["measures"] if m["status"] != "not-eligible" and m["registry"] is None
            and m["maxAmount"] and m["kind"] != "non-monetary"]
    assert once
    slug = once[0]["slug"]
    assert not any("Duplicate application" in r["message"] for r in measure(before, slug)["reasons"])
    store = client.app.state.store
    key = f"{body['applicant']['creditCode']}/{body['projectCode']}"
    assert not recorded(store, {key, "no-such-project"})
    assert client.post("/api/awards", json={"project": key, "measure": slug, "amount": 10, "date": "2024-01-15",
                                            "external": True}).status_code == 201
    assert recorded(store, {key, 'a "quoted" key'}) and not recorded(store, {'a "quoted" key'})
    after = elig(client, body)
    got = measure(after, slug)
    assert got["status"] == "not-eligible"
    assert any("Duplicate application" in r["message"] for r in got["reasons"]), got["reasons"]
    for m in after["measures"]:
        if m["slug"] != slug:
            assert not any("Duplicate application" in r["message"] for r in m["reasons"]), m["slug"]
