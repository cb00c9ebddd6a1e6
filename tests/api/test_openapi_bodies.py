"""Issue 14 (item 6): the OpenAPI document describes the JSON form per submission type (generated from the field
catalogue of GET /api/fields) and carries one example per submission type, those of docs/examples/, each of
which the server accepts and validates."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema_rs
import pytest

from policykg.submission import TYPES

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "docs" / "examples").glob("*.json"))}
SUBMISSION_ROUTES = ["/api/validate", "/api/eligibility", "/api/submissions"]


@pytest.fixture(scope="module")
def doc(client):
    return client.get("/openapi.json").json()


def _examples(doc, path):
    return doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["examples"]


def _validator(doc):
    return jsonschema_rs.Draft202012Validator({"$ref": "#/components/schemas/Submission", "components": doc["components"]})


def test_every_submission_route_has_one_example_per_submission_type_the_same_as_docs_examples(doc):
    assert set(EXAMPLES) == set(TYPES)
    for path in SUBMISSION_ROUTES:
        found = _examples(doc, path)
        assert {t: e["value"] for t, e in found.items()} == EXAMPLES, path
    batch = doc["paths"]["/api/validate/batch"]["post"]["requestBody"]["content"]["application/json"]
    assert batch["example"] == list(EXAMPLES.values()) and batch["schema"]["items"]["$ref"].endswith("/Submission")


@pytest.mark.parametrize("submission_type", sorted(TYPES))
def test_each_example_in_the_openapi_document_is_accepted_and_validated(client, doc, submission_type):
    example = _examples(doc, "/api/validate")[submission_type]["value"]
    _validator(doc).validate(example)  # the schema allows what the docs show
    r = client.post("/api/validate", json=example)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] in ("conforms", "does-not-conform") and body["checked"]["shapesApplied"], body["status"]


def test_the_json_form_schema_is_the_field_catalogue_with_labels_units_bounds_and_allowed_values(client, doc):
    reno = doc["components"]["schemas"]["SubmissionRenovationProject"]
    fields = {f["name"]: f for f in client.get("/api/fields?type=RenovationProject").json()["types"]["RenovationProject"]}
    assert set(reno["properties"]) == set(fields) | {"@context", "id", "type"}
    assert reno["required"] == ["id", "type"] and reno["additionalProperties"] is False
    area = reno["properties"]["floorArea"]
    assert (area["type"], area["minimum"], area["description"]) == ("number", 0, f"{fields['floorArea']['labelZh']} / "
                                                                     f"{fields['floorArea']['labelEn']} (m²)")
    assert reno["properties"]["occupancyRate"]["maximum"] == 1
    assert reno["properties"]["projectType"]["enum"] == [a["value"] for a in fields["projectType"]["allowed"]]
    measure = reno["properties"]["requests"]["items"]["properties"]["measure"]
    assert "jfgg-2023-12-investment-subsidy-old-factory-and-infrastructure" in measure["enum"]


def test_the_schema_refuses_what_the_server_refuses_an_unknown_field_and_a_share_above_one(doc):
    v = _validator(doc)
    bad_field = {**EXAMPLES["RenovationProject"], "colour": "red"}
    bad_share = {**EXAMPLES["RenovationProject"], "occupancyRate": 1.5}
    for bad in (bad_field, bad_share):
        assert not v.is_valid(bad)


def test_rdf_bodies_are_declared_by_their_media_types(doc):
    content = doc["paths"]["/api/validate"]["post"]["requestBody"]["content"]
    assert {"text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"} <= set(content)
    assert content["text/turtle"]["schema"]["type"] == "string"


def test_the_match_profile_is_described_with_its_projects_in_the_json_form_and_its_example_fits(doc):
    body = doc["paths"]["/api/match"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/MatchProfile"}
    profile = doc["components"]["schemas"]["MatchProfile"]
    assert profile["properties"]["projects"]["items"] == {"$ref": "#/components/schemas/Submission"}
    v = jsonschema_rs.Draft202012Validator({"$ref": "#/components/schemas/MatchProfile", "components": doc["components"]})
    assert v.is_valid(body["example"]) and not v.is_valid({**body["example"], "colour": "red"})
