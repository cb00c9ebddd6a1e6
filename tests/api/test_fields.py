"""GET /api/fields: the JSON form described field by field, from the form's own definitions and the ontology."""
from __future__ import annotations

from policykg.submission.jsonform import COMMON, TYPES


def _by_name(fields: list[dict]) -> dict[str, dict]:
    return {f["name"]: f for f in fields}


def test_every_field_of_every_submission_type_is_listed_with_zh_and_en_labels(client):
    r = client.get("/api/fields")
    assert r.status_code == 200
    types = r.json()["types"]
    assert set(types) == set(TYPES)
    for t, fields in types.items():
        assert [f["name"] for f in fields] == list({**COMMON, **TYPES[t]})
        for f in fields + [n for top in fields for n in top.get("fields", [])]:
            assert f["labelZh"] and f["labelEn"], (t, f["name"])
            assert f["property"].startswith("https://w3id.org/policykg/ontology#")


def test_units_types_and_allowed_values_are_those_of_the_form(client):
    reno = _by_name(client.get("/api/fields", params={"type": "RenovationProject"}).json()["types"]["RenovationProject"])
    assert reno["floorArea"]["unit"] == "m²" and reno["floorArea"]["type"] == "number"
    assert reno["fixedAssetInvestment"]["unit"] == "万元"
    assert reno["occupancyRate"]["unit"] == "0–1"
    assert reno["builtYear"]["type"] == "integer" and "unit" not in reno["builtYear"]
    assert reno["withinFifthRing"]["type"] == "boolean"
    assert "old-factory" in {a["value"] for a in reno["projectType"]["allowed"]}
    assert [n["name"] for n in reno["requests"]["fields"]] == ["measure", "amount"]
    assert reno["requests"]["fields"][1]["unit"] == "万元"
    pilot = _by_name(client.get("/api/fields").json()["types"]["PilotEnterpriseApplication"])
    assert [a["value"] for a in pilot["category"]["allowed"]] == ["leading", "growth"]
    assert "little-giant" in {a["value"] for a in pilot["certifications"]["allowed"]}


def test_an_unknown_submission_type_is_404_naming_the_known_ones(client):
    r = client.get("/api/fields", params={"type": "Spaceship"})
    assert r.status_code == 404
    assert r.json() == {"error": "no submission type 'Spaceship'", "detail": {"type": "Spaceship",
                                                                               "known": sorted(TYPES)}}


def test_the_context_points_at_the_field_descriptions(client):
    r = client.get("/context.jsonld")
    assert r.headers["link"] == '</api/fields>; rel="describedby"'
