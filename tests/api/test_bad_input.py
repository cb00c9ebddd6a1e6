"""Bad input on every submission route: a 4xx {error, detail}, never a 500 or a stack trace, nothing half-written."""
from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from policykg.app import create_app
from tests.conftest import Auth

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
def small(role_tokens, tmp_path_factory) -> Iterator[TestClient]:
    """Bad input from a caller allowed to write (the registry routes check the token before the body)."""
    auth = Auth(role_tokens, tmp_path_factory.mktemp("small"))
    with TestClient(create_app(auth.settings(max_body_bytes=LIMIT)), headers=auth.headers("admin")) as c:
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


# -- JSON that is not an object, types that are not names, literals of the wrong type ------------------------
P = "@prefix pkg: <https://w3id.org/policykg/ontology#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
T1 = "<https://w3id.org/policykg/data/t1> a pkg:RenovationProject ; " \
     "pkg:projectType <https://w3id.org/policykg/concept/project-type/old-factory> ; "
INVESTMENT = "https://w3id.org/policykg/doc/jfgg/2023/12/measure/investment-subsidy-old-factory-and-infrastructure"
PKG = "https://w3id.org/policykg/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize("route", RDF_ROUTES)
@pytest.mark.parametrize("ctype", ["application/json", "application/ld+json"])
@pytest.mark.parametrize(("body", "got"), [(b"null", "null"), (b'"str"', "a string"), (b"123", "a number"),
                                           (b"[]", "an empty list")])
def test_a_json_body_that_is_not_an_object_is_a_422_naming_the_root(small: TestClient, route: str, ctype: str,
                                                                     body: bytes, got: str) -> None:
    d = assert_error(small.post(route, content=body, headers={"content-type": ctype}), 422)
    assert d["error"].endswith(f"got {got}")
    assert (d["detail"]["field"], d["detail"]["expected"]) == ("(root)", "object")


@pytest.mark.parametrize("route", RDF_ROUTES)
def test_a_list_item_that_is_not_an_object_is_a_422_naming_the_item(small: TestClient, route: str) -> None:
    r = small.post(route, content=json.dumps([GOOD, 7]).encode(), headers={"content-type": "application/json"})
    assert assert_error(r, 422)["detail"]["field"] == "[1]"


@pytest.mark.parametrize("body", [b"[1, 2]", b"[null]", b'[{"type": "RenovationProject", "id": "b1"}, "x"]'])
def test_each_non_object_of_a_batch_is_its_own_422_entry(small: TestClient, body: bytes) -> None:
    r = small.post("/api/validate/batch", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 200, r.text
    items = json.loads(body)
    bad = [e for e, item in zip(r.json()["reports"], items, strict=True) if not isinstance(item, dict)]
    assert [(e["status"], e["detail"]["field"]) for e in bad] == [(422, "(root)")] * len(bad)
    assert r.json()["errors"] == len(bad)


@pytest.mark.parametrize("route", ROUTES)
def test_a_type_given_as_a_list_is_a_422_naming_type(small: TestClient, route: str) -> None:
    r = small.post(route, content=body_of(route, {**GOOD, "type": ["RenovationProject"]}),
                   headers={"content-type": "application/json"})
    if route.endswith("batch"):
        entry = r.json()["reports"][0]
        assert (r.status_code, entry["status"], entry["detail"][0]["field"]) == (200, 422, "type")
        return
    assert assert_error(r, 422)["detail"][0]["field"] == "type"


TYPED = [  # (Turtle object, JSON-LD value, field, expected): the auditor's examples and their kin
    ('"lots"^^xsd:decimal', {"@value": "lots", "@type": XSD + "decimal"}, "floorArea", "xsd:decimal"),
    ('"8000 万"', "8000 万", "fixedAssetInvestment", "xsd:decimal"),
    ('"2024-02-30"^^xsd:date', {"@value": "2024-02-30", "@type": XSD + "date"}, "applicationDate", "xsd:date"),
    ('"2024-06-01"', "2024-06-01", "applicationDate", "xsd:date"),
    ('"yes"', "yes", "propertyRightsClear", "xsd:boolean"),
    # rdflib's JSON-LD parser reads "1e3"^^xsd:decimal as 1000 (the value meant) before we see it: Turtle only
    ('"1e3"^^xsd:decimal', None, "floorArea", "xsd:decimal"),
    ("1990.5", {"@value": "1990.5", "@type": XSD + "decimal"}, "builtYear", "xsd:integer"),
]


@pytest.mark.parametrize("route", RDF_ROUTES)
@pytest.mark.parametrize(("ttl", "_jsonld", "field", "expected"), TYPED)
def test_a_turtle_literal_of_the_wrong_type_is_a_422_naming_the_field(small: TestClient, route: str, ttl: str,
                                                                      _jsonld: object, field: str,
                                                                      expected: str) -> None:
    body = (P + T1 + f"pkg:{field} {ttl} .\n").encode()
    d = assert_error(small.post(route, content=body, headers={"content-type": "text/turtle"}), 422)
    assert d["error"].startswith(f"{field}: ")
    assert [(x["field"], x["expected"]) for x in d["detail"]] == [(field, expected)]


@pytest.mark.parametrize(("_ttl", "jsonld", "field", "expected"), [t for t in TYPED if t[1] is not None])
def test_a_json_ld_literal_of_the_wrong_type_is_a_422_naming_the_field(small: TestClient, _ttl: str,
                                                                       jsonld: object, field: str,
                                                                       expected: str) -> None:
    doc = {"@id": "https://w3id.org/policykg/data/t1", "@type": PKG + "RenovationProject", PKG + field: jsonld}
    d = assert_error(small.post("/api/validate", json=doc, headers={"content-type": "application/ld+json"}), 422)
    assert [(x["field"], x["expected"]) for x in d["detail"]] == [(field, expected)]


@pytest.mark.parametrize(("field", "value"), [("floorArea", "lots"), ("fixedAssetInvestment", "8000 万"),
                                              ("applicationDate", "2024-02-30"), ("propertyRightsClear", "yes")])
def test_a_json_form_value_of_the_wrong_type_is_a_422_naming_the_field(small: TestClient, field: str,
                                                                       value: str) -> None:
    assert assert_error(small.post("/api/validate", json={**GOOD, field: value}), 422)["detail"][0]["field"] == field


def test_an_investment_written_as_text_no_longer_slips_past_the_amount_rule(small: TestClient) -> None:
    def ttl(fai: str) -> bytes:
        return (P + T1 + f"pkg:fixedAssetInvestment {fai} ; pkg:applicationDate \"2024-06-01\"^^xsd:date ; "
                f"pkg:requests [ a pkg:FundingRequest ; pkg:measure <{INVESTMENT}> ; pkg:amount 4900 ] .\n").encode()
    numeric = small.post("/api/validate", content=ttl("8000"), headers={"content-type": "text/turtle"})
    assert numeric.status_code == 200
    amount_shape = "https://w3id.org/policykg/shape/jfgg/2023/12/measure/investment-subsidy-old-factory-and-" \
                   "infrastructure/amount"  # 4900 > min(30% × 8000, 5000)
    assert amount_shape in [r["sourceShape"] for r in numeric.json()["results"]]
    text = small.post("/api/validate", content=ttl('"8000 万"'), headers={"content-type": "text/turtle"})
    assert assert_error(text, 422)["detail"] == [{"field": "fixedAssetInvestment", "value": "8000 万",
                                                  "expected": "xsd:decimal"}]


def test_an_integer_where_a_decimal_is_due_is_accepted(small: TestClient) -> None:
    r = small.post("/api/validate", content=(P + T1 + "pkg:floorArea 8000 .\n").encode(),
                   headers={"content-type": "text/turtle"})
    assert r.status_code == 200, r.text
    assert isinstance(r.json()["results"], list) and "receipt" in r.json()
    # the integer is read as the number it is: not a finding on floorArea's type or value
    assert not [x for x in r.json()["results"] if (x.get("path") or "").endswith("#floorArea")]


@pytest.mark.parametrize("route", RDF_ROUTES)
def test_text_plain_is_a_415_listing_the_accepted_types(small: TestClient, route: str) -> None:
    nt = b'<https://w3id.org/policykg/data/x> <https://w3id.org/policykg/ontology#floorArea> "1"^^<urn:x> .'
    accepted = assert_error(small.post(route, content=nt, headers={"content-type": "text/plain"}),
                            415)["detail"]["accepted"]
    assert "text/plain" not in accepted
    assert {"application/n-triples", "text/turtle", "application/ld+json", "application/json",
            "application/rdf+xml"} <= set(accepted)
