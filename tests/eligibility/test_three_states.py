"""Eligibility answers three ways (eligible | not-eligible | needs-review), and every requested measure is answered.

The needs-review tests are generated from the corpus: every measure with a condition marked
pkg:machineCheckable false (the measure itself, a criterion it lists, or a provision applying to it),
read here straight from the policy files with rdflib, independently of the code under test.
"""
from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
import rdflib
from rdflib import Literal, URIRef

from policykg.config import ROOT
from policykg.eligibility import eligibility
from policykg.namespaces import PKG, PROV
from policykg.submission.jsonform import TYPES
from policykg.submission.parse import parse_submission

D7 = "https://w3id.org/policykg/doc/jfgg/2023/7"


def _corpus() -> rdflib.Graph:
    g = rdflib.Graph()
    for f in sorted((ROOT / "policies").glob("*.ttl")):
        g.parse(f, format="turtle")
    return g


def _unchecked() -> list[tuple[str, str, str, dict[str, set[str]]]]:
    """(slug, submission type, application date, {provision: its clauses}) per measure with such a condition."""
    g = _corpus()
    out = []
    false = Literal(False)
    for m, slug in sorted(g.subject_objects(PKG.slug), key=lambda x: str(x[1])):
        if g.value(m, PKG.kind) is None:
            continue
        provs = {p for p in [m, *g.subjects(PKG.appliesToMeasure, m), *g.objects(m, PKG.hasCriterion)]
                 if (p, PKG.machineCheckable, false) in g}
        types = [str(t).rsplit("#", 1)[-1] for t in g.objects(m, PKG.appliesToSubmissionType)]
        types = sorted(t for t in types if t in TYPES)
        start = g.value(g.value(m, PKG.definedIn), URIRef("http://data.europa.eu/eli/ontology#first_date_entry_in_force"))
        if provs and types and start is not None:
            out.append((str(slug), types[0], str(start),
                        {str(p): {str(c) for c in g.objects(p, PROV.wasDerivedFrom)} for p in provs}))
    return out


UNCHECKED = _unchecked()


def answer(store, form: dict[str, Any], lang: str = "en", as_of: date | None = None) -> dict[str, Any]:
    g = parse_submission(json.dumps(form).encode(), "application/json", 1 << 20, store).graph
    return eligibility(store, g, as_of, lang)


_ANSWERS: dict[tuple[str, str], dict[str, Any]] = {}


def _by_type(store, t: str, day: str) -> dict[str, Any]:
    """One submission of type t on `day` requesting every such measure of that type and day (computed once)."""
    if (t, day) not in _ANSWERS:
        slugs = sorted(u[0] for u in UNCHECKED if u[1] == t and u[2] == day)
        form = {"id": f"rev-{t}", "type": t, "applicationDate": day, "requests": [{"measure": x} for x in slugs]}
        _ANSWERS[(t, day)] = answer(store, form)
    return _ANSWERS[(t, day)]


def test_the_corpus_has_measures_a_machine_cannot_judge() -> None:
    assert len(UNCHECKED) >= 10
    assert "jgzf-2024-67-direct-construction-permit" in {u[0] for u in UNCHECKED}


@pytest.mark.parametrize(("slug", "t", "day", "provs"), UNCHECKED, ids=[u[0] for u in UNCHECKED])
def test_a_measure_with_a_condition_no_machine_can_judge_is_never_eligible(store, slug, t, day, provs) -> None:
    out = _by_type(store, t, day)
    m = next(x for x in out["measures"] if x["slug"] == slug)
    assert m["eligible"] is False and m["status"] in ("needs-review", "not-eligible") and m["requested"] is True
    assert m["status"] == ("not-eligible" if m["reasons"] else "needs-review")
    assert {v["provision"] for v in m["reviews"]} == set(provs)
    for v in m["reviews"]:
        assert v["reason"]
        if provs[v["provision"]]:
            assert v["clause"]["iri"] in provs[v["provision"]] and v["clause"]["label"]


def test_the_direct_construction_permit_of_67_needs_review_with_its_reason_and_clause(store) -> None:
    out = answer(store, {"id": "p67", "type": "RenovationProject", "projectType": "old-factory",
                         "applicationDate": "2025-01-01",
                         "requests": [{"measure": "jgzf-2024-67-direct-construction-permit"}]})
    m = next(x for x in out["measures"] if x["slug"] == "jgzf-2024-67-direct-construction-permit")
    assert (m["status"], m["eligible"], m["reasons"]) == ("needs-review", False, [])
    assert len(m["reviews"]) == 1 and m["reviews"][0]["clause"]["iri"].startswith(
        "https://w3id.org/policykg/doc/jgzf/2024/67/")


def test_a_computable_amount_under_review_is_shown_as_at_most_and_is_never_the_best(store) -> None:
    out = answer(store, {"id": "sp", "type": "RenovationProject", "projectType": "service-platform",
                         "inDemoPark": True, "fixedAssetInvestment": 8000, "applicationDate": "2024-06-01"})
    m = next(x for x in out["measures"] if x["slug"] == "jfgg-2023-7-service-platform-support")
    assert (m["status"], m["maxAmount"], m["atMost"]) == ("needs-review", 2400.0, True)
    assert out["best"] is None or out["best"]["slug"] != m["slug"]


def test_a_requested_measure_out_of_force_is_answered_not_eligible_with_the_validity(store) -> None:
    slug = "jfgg-2023-7-renovation-support-old-factory-and-infrastructure"
    out = answer(store, {"id": "late", "type": "RenovationProject", "projectType": "old-factory",
                         "applicationDate": "2026-06-01", "requests": [{"measure": slug, "amount": 10}]})
    m = next(x for x in out["measures"] if x["slug"] == slug)
    assert (m["status"], m["eligible"], m["requested"], m["documentInForce"]) == ("not-eligible", False, True, False)
    assert m["validity"] == {"from": "2023-07-03", "until": "2025-07-02", "state": "expired"}
    assert m["reasons"][0]["message"].startswith("document not in force on 2026-06-01")
    assert m["reasons"][0]["clause"]["iri"] == D7 + "/6/20"
    early = answer(store, {"id": "early", "type": "RenovationProject", "projectType": "old-factory",
                           "applicationDate": "2023-07-02", "requests": [{"measure": slug, "amount": 10}]})
    assert next(x for x in early["measures"] if x["slug"] == slug)["validity"]["state"] == "not-yet-in-force"


def test_the_measures_of_the_submission_type_out_of_force_are_listed_as_such(store) -> None:
    out = answer(store, {"id": "park", "type": "DemoParkApplication", "applicationDate": "2026-01-05"})
    slugs = {x["slug"]: x for x in out["measures"]}
    assert slugs["jfgg-2023-7-demo-park-recognition"]["status"] == "not-eligible"
    assert slugs["jfgg-2023-7-demo-park-recognition"]["requested"] is False
    assert all(not x["documentInForce"] for x in out["measures"])


def test_a_demo_park_application_is_not_eligible_for_recognition_when_it_fails_article_5(store) -> None:
    out = answer(store, {"id": "park1", "type": "DemoParkApplication", "annualRevenue": 1,
                         "applicationDate": "2024-01-01"})
    m = next(x for x in out["measures"] if x["slug"] == "jfgg-2023-7-demo-park-recognition")
    assert m["status"] == "not-eligible"
    assert "https://w3id.org/policykg/shape/jfgg/2023/7/criterion/park-revenue-or-new-park" in {
        r["sourceShape"] for r in m["reasons"]}
    assert not any("park-revenue" in r["sourceShape"] for r in out["generalFindings"])


def test_the_api_gives_each_entry_a_status_and_keeps_eligible_as_a_boolean(client) -> None:
    r = client.post("/api/eligibility", json={"id": "api67", "type": "RenovationProject",
                                              "projectType": "old-factory", "applicationDate": "2025-01-01"})
    assert r.status_code == 200
    ms = r.json()["measures"]
    assert {m["status"] for m in ms} <= {"eligible", "not-eligible", "needs-review"}
    assert all(m["eligible"] is (m["status"] == "eligible") for m in ms)
    assert any(m["status"] == "needs-review" for m in ms)
