"""Bad input on every submission route: a 4xx {error, detail}, never a 500 or a stack trace, nothing half-written."""
from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from server.app import create_app
from server.config import Settings

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 64 * 1024
ROUTES = ["/api/validate", "/api/validate/batch", "/api/eligibility", "/api/submissions"]
RDF_ROUTES = ["/api/validate", "/api/eligibility", "/api/submissions"]
GOOD = {"type": "RenovationProject", "id": "p1", "projectType": "old-factory", "floorArea": 8000,
        "applicationDate": "2024-06-01"}
BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:p="https://w3id.org/policykg/ontology#">
<rdf:Description rdf:about="https://w3id.org/policykg/data/x"><p:name>&lol3;</p:name></rdf:Description></rdf:RDF>"""


@pytest.fixture(scope="module")
def small() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store="memory", corpus_root=ROOT, max_body_bytes=LIMIT))) as c:
        yield c


def submission_graphs(client: TestClient) -> list[str]:
    return [g for g in client.app.state.store.named_graphs() if "/graph/submission/" in g]


def body_of(route: str, obj: object) -> bytes:
    return json.dumps([obj] if route.endswith("batch") and not isinstance(obj, list) else obj).encode()


def assert_error(r, status: int) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error", "detail"}
    assert "Traceback" not in r.text
    return body


@pytest.fixture(autouse=True)
def nothing_half_written(small: TestClient) -> Iterator[None]:
    before = submission_graphs(small)
    yield
    assert submission_graphs(small) == before


@pytest.mark.parametrize("route", RDF_ROUTES)
def test_malformed_turtle_is_a_400_with_line_and_column(small: TestClient, route: str) -> None:
    ttl = b'@prefix p: <https://w3id.org/policykg/ontology#> .\n<https://w3id.org/policykg/data/x> p:floorArea "3000 .\n'
    d = assert_error(small.post(route, content=ttl, headers={"content-type": "text/turtle"}), 400)["detail"]
    assert (d["format"], d["line"]) == ("turtle", 2)
    assert isinstance(d["column"], int)


@pytest.mark.parametrize("route", ROUTES + ["/api/awards"])
def test_malformed_json_is_a_400_with_line_and_column(small: TestClient, route: str) -> None:
    r = small.post(route, content=b'{"type": "RenovationProject",\n  "id": }', headers={"content-type": "application/json"})
    d = assert_error(r, 400)["detail"]
    assert (d["line"], d["column"]) == (2, 9)


@pytest.mark.parametrize("route", ROUTES)
def test_an_unknown_type_is_a_422_naming_the_field(small: TestClient, route: str) -> None:
    r = small.post(route, content=body_of(route, {**GOOD, "type": "Spaceship"}),
                   headers={"content-type": "application/json"})
    if route.endswith("batch"):  # the batch answers; the bad item is its own entry
        entry = r.json()["reports"][0]
        assert (r.status_code, entry["status"], entry["detail"][0]["field"]) == (200, 422, "type")
        return
    assert assert_error(r, 422)["detail"][0]["field"] == "type"


@pytest.mark.parametrize("route", ROUTES)
def test_a_share_above_one_is_a_422_naming_the_field(small: TestClient, route: str) -> None:
    r = small.post(route, content=body_of(route, {**GOOD, "occupancyRate": 80}),
                   headers={"content-type": "application/json"})
    detail = r.json()["reports"][0]["detail"] if route.endswith("batch") else assert_error(r, 422)["detail"]
    assert detail[0]["field"] == "occupancyRate"


@pytest.mark.parametrize("route", ROUTES + ["/api/awards"])
def test_a_body_over_the_limit_is_a_413(small: TestClient, route: str) -> None:
    big = json.dumps({**GOOD, "industryPositioning": "x" * (LIMIT + 1)}).encode()
    assert_error(small.post(route, content=big, headers={"content-type": "application/json"}), 413)


@pytest.mark.parametrize("route", ROUTES + ["/api/awards"])
def test_an_unsupported_content_type_is_a_415_listing_the_accepted_ones(small: TestClient, route: str) -> None:
    r = small.post(route, content=b"floorArea=3000", headers={"content-type": "application/x-www-form-urlencoded"})
    assert "application/json" in assert_error(r, 415)["detail"]["accepted"]


@pytest.mark.parametrize("route", RDF_ROUTES)
def test_an_rdf_xml_entity_bomb_is_refused_before_any_parser_sees_it(small: TestClient, route: str) -> None:
    t = time.monotonic()
    r = small.post(route, content=BOMB, headers={"content-type": "application/rdf+xml"})
    assert time.monotonic() - t < 1.0
    assert "ENTITY" in assert_error(r, 400)["error"]


@pytest.mark.parametrize("route", ROUTES)
def test_a_doctype_in_any_format_is_refused(small: TestClient, route: str) -> None:
    r = small.post(route, content=b'<!DOCTYPE x>{"type": "RenovationProject"}', headers={"content-type": "application/json"})
    assert_error(r, 400)


@pytest.mark.parametrize("route", ROUTES)
def test_a_remote_json_ld_context_is_refused_and_never_fetched(small: TestClient, route: str) -> None:
    doc = {"@context": "http://127.0.0.1:9/evil.jsonld", "@id": "https://w3id.org/policykg/data/x",
           "@type": "https://w3id.org/policykg/ontology#RenovationProject"}
    r = small.post(route, content=body_of(route, doc), headers={"content-type": "application/ld+json"})
    detail = r.json()["reports"][0] if route.endswith("batch") else assert_error(r, 403)
    assert detail.get("status", 403) == 403
    assert detail["detail"]["field"] == "@context"


@pytest.mark.parametrize("route", RDF_ROUTES)
def test_deeply_nested_turtle_is_a_400(small: TestClient, route: str) -> None:
    ttl = b"<https://w3id.org/policykg/data/x> <https://w3id.org/policykg/ontology#p> " + b"[ <urn:p> " * 200 + \
        b"1" + b" ]" * 200 + b" ."
    d = assert_error(small.post(route, content=ttl, headers={"content-type": "text/turtle"}), 400)["detail"]
    assert d["line"] == 1 and "nesting" in d["message"]


@pytest.mark.parametrize("route", ROUTES + ["/api/awards"])
def test_deeply_nested_json_is_a_400(small: TestClient, route: str) -> None:
    deep = b'{"type": "RenovationProject", "id": "x", "applicant": ' + b'{"a": ' * 3000 + b"1" + b"}" * 3001
    assert "nesting" in assert_error(small.post(route, content=deep, headers={"content-type": "application/json"}),
                                     400)["detail"]["message"]


@pytest.mark.parametrize("route", RDF_ROUTES)
def test_nul_bytes_and_invalid_utf8_are_a_400(small: TestClient, route: str) -> None:
    assert_error(small.post(route, content=b"<a> <b> \"\x00\" .", headers={"content-type": "text/turtle"}), 400)
    d = assert_error(small.post(route, content=b"<a> <b> \"\xff\" .", headers={"content-type": "text/turtle"}),
                     400)["detail"]
    assert (d["line"], d["column"]) == (1, 10)


@pytest.mark.parametrize("route", RDF_ROUTES)
def test_a_submission_may_not_describe_corpus_resources(small: TestClient, route: str) -> None:
    ttl = (b"<https://w3id.org/policykg/doc/jfgg/2023/12/measure/loan-interest-subsidy> "
           b"<https://w3id.org/policykg/ontology#cap> 999999.0 .")
    assert assert_error(small.post(route, content=ttl, headers={"content-type": "text/turtle"}),
                        422)["detail"]["field"] == "@id"


def test_an_award_for_an_unknown_measure_is_a_422_naming_the_measure(small: TestClient) -> None:
    r = small.post("/api/awards", json={"project": "9111/P", "measure": "no-such-measure", "amount": 10,
                                        "date": "2024-01-01"})
    assert assert_error(r, 422)["detail"]["field"] == "measure"


@pytest.mark.parametrize(("field", "value"), [("amount", -5), ("amount", "100"), ("date", "2024-02-30"),
                                              ("project", ""), ("colour", "red")])
def test_an_award_with_a_bad_field_is_a_422_naming_it(small: TestClient, field: str, value: object) -> None:
    award = {"project": "9111/P", "measure": "jfgg-2023-12-loan-interest-subsidy", "amount": 10,
             "date": "2024-01-01", field: value}
    assert assert_error(small.post("/api/awards", json=award), 422)["detail"]["field"] == field
    assert small.get("/api/awards?project=9111/P").json() == []


def test_an_unknown_submission_is_a_404(small: TestClient) -> None:
    assert_error(small.get("/api/submissions/0123456789abcdef0123456789abcdef"), 404)
    assert_error(small.get("/api/submissions/..%2F..%2Fetc"), 404)


@pytest.mark.parametrize("route", RDF_ROUTES)
def test_a_submission_may_not_smuggle_in_an_award_record(small: TestClient, route: str) -> None:
    ttl = (b"@prefix p: <https://w3id.org/policykg/ontology#> .\n"
           b"<https://w3id.org/policykg/data/x> a p:RenovationProject .\n"
           b"[] a p:AwardRecord ; p:projectKey \"victim/1\" ; p:amount 1.0 ; p:awardDate \"2024-01-01\" .\n")
    assert assert_error(small.post(route, content=ttl, headers={"content-type": "text/turtle"}),
                        422)["detail"]["field"] == "@type"
