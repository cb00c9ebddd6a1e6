"""Every report says what was checked, and "nothing checked" is never "conforms".

Generated from the corpus: for every submission type of the JSON form (jsonform.TYPES) and every document
that governs it, one submission per document state (in force, not yet in force, expired, without a date).
"""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from rdflib import Graph

from policykg.config import ROOT
from policykg.namespaces import PKG
from policykg.store import OxiStore
from policykg.submission.jsonform import TYPES
from policykg.submission.parse import parse_submission
from policykg.validation.bundle import get_bundle
from policykg.validation.checked import NOT_EVALUATED, governance
from policykg.validation.engine import validate

D7 = "https://w3id.org/policykg/doc/jfgg/2023/7"
SHAPE7 = "https://w3id.org/policykg/shape/jfgg/2023/7/"


def _store() -> OxiStore:
    s = OxiStore(None)
    s.ensure_corpus(ROOT)
    return s


def _states() -> list[tuple[str, str, str | None]]:
    """(type, document, application date or None) for every type, governing document and document state."""
    store = _store()
    gov = governance(store, get_bundle(store))
    out: list[tuple[str, str, str | None]] = []
    for t in TYPES:
        docs = gov.governs.get(PKG[t], [])
        assert docs, f"no document governs {t}"
        for d in docs:
            doc = gov.docs[d]
            assert doc.start is not None
            days = [doc.start, doc.start - timedelta(days=1)] + ([doc.end + timedelta(days=1)] if doc.end else [])
            out += [(t, str(d), x.isoformat()) for x in days]
        out.append((t, "", None))
    return out


STATES = _states()


def form(store, t: str, app: str | None, **fields) -> Graph:
    body = {"id": f"chk-{t}", "type": t, **({"applicationDate": app} if app else {}), **fields}
    return parse_submission(json.dumps(body).encode(), "application/json", 1 << 20, store).graph


@pytest.mark.parametrize(("t", "doc", "app"), STATES, ids=[f"{t}-{d.rsplit('doc/', 1)[-1]}-{a or 'no-date'}"
                                                           for t, d, a in STATES])
def test_no_submission_conforms_when_no_rule_in_force_applied(store, t: str, doc: str, app: str | None) -> None:
    out = validate(store, form(store, t, app))
    c = out.checked("en")
    assert c is not None
    assert c["asOf"] == (app or date.today().isoformat())
    assert c["asOfSource"] == ("applicationDate" if app else "today")
    assert c["submissionTypes"] == [t]
    if c["rulesInForceApplied"] == 0:
        assert out.conforms is False and out.status == "not-evaluated" and c["status"] == "not-evaluated"
        assert any(r["severity"] == "Violation" for r in out.results)
    else:
        assert out.status in ("conforms", "does-not-conform")
    if out.conforms:
        assert c["rulesInForceApplied"] > 0 and out.status == "conforms"
    if not c["documentsInForce"]:  # every governing document out of force: the finding says which and when
        assert out.status == "not-evaluated"
        for d in c["documentsNotInForce"]:
            said = [r for r in out.results if d["validFrom"] in r["message"]["en"]
                    and (d["validUntil"] or "") in r["message"]["en"] and c["asOf"] in r["message"]["en"]]
            assert said, (d, [r["message"]["en"] for r in out.results])
            assert said[0]["clause"]["iri"] == d["validityClause"]


def test_a_demo_park_application_is_checked_against_article_5_without_a_request(store) -> None:
    out = validate(store, form(store, "DemoParkApplication", "2024-01-01", annualRevenue=1))
    shapes = {r["sourceShape"] for r in out.results}
    assert out.conforms is False and out.status == "does-not-conform"
    assert SHAPE7 + "criterion/park-revenue-or-new-park" in shapes
    c = out.checked("en")
    assert [(m["slug"], m["how"]) for m in c["measuresEvaluated"]] == [("jfgg-2023-7-demo-park-recognition",
                                                                       "application")]
    assert [d["iri"] for d in c["documentsInForce"]] == [D7] and c["shapesApplied"] >= 9


def test_a_pilot_enterprise_application_is_checked_against_article_6_for_its_category(store) -> None:
    out = validate(store, form(store, "PilotEnterpriseApplication", "2024-01-01", category="leading"))
    shapes = {r["sourceShape"] for r in out.results}
    assert SHAPE7 + "criterion/leading-service-input-min-20" in shapes
    assert not any("growth" in s for s in shapes)
    assert [m["slug"] for m in out.checked("en")["measuresEvaluated"]] == ["jfgg-2023-7-pilot-enterprise-leading"]
    growth = validate(store, form(store, "PilotEnterpriseApplication", "2024-01-01", category="growth"))
    assert SHAPE7 + "criterion/growth-certification" in {r["sourceShape"] for r in growth.results}
    assert not any("leading" in r["sourceShape"] for r in growth.results)


def test_an_expired_demo_park_application_names_the_document_its_validity_and_the_as_of_date(store) -> None:
    out = validate(store, form(store, "DemoParkApplication", None, annualRevenue=1))
    assert out.conforms is False and out.status == "not-evaluated"
    v = [r for r in out.results if r["sourceShape"] == SHAPE7 + "in-force"]
    assert len(v) == 1 and "京发改规〔2023〕7号" in v[0]["message"]["en"]
    assert "2023-07-03" in v[0]["message"]["en"] and "2025-07-02" in v[0]["message"]["en"]
    assert date.today().isoformat() in v[0]["message"]["en"]
    assert v[0]["clause"]["iri"] == D7 + "/6/20"
    c = out.checked("en")
    assert c["documentsNotInForce"][0]["state"] == "expired" and c["rulesInForceApplied"] == 0


def test_a_submission_in_force_that_no_rule_reaches_is_not_evaluated_with_its_own_finding(store) -> None:
    out = validate(store, form(store, "UrbanRenewalProjectEntry", "2025-01-01"))
    f = [r for r in out.results if r["sourceConstraintComponent"] == str(NOT_EVALUATED)]
    assert out.conforms is False and out.status == "not-evaluated" and len(f) == 1
    assert "京建法〔2024〕2号" in f[0]["message"]["en"] and "2025-01-01" in f[0]["message"]["en"]
    assert f[0]["sourceShape"].endswith("/submission-type/UrbanRenewalProjectEntry/not-evaluated")


def test_the_turtle_report_carries_what_was_checked(store) -> None:
    out = validate(store, form(store, "CoordinatorEntity", "2024-01-01"))
    g = out.report_graph
    scope = next(g.objects(None, PKG.checked))
    assert str(g.value(scope, PKG.validationStatus)) == "not-evaluated"
    assert str(g.value(scope, PKG.asOfSource)) == "applicationDate"
    assert str(g.value(scope, PKG.asOf)) == "2024-01-01"
    assert [str(d) for d in g.objects(scope, PKG.documentNotInForce)] == ["https://w3id.org/policykg/doc/jjf/2024/1"]
    assert int(g.value(scope, PKG.shapesApplied)) == 0


def test_the_api_report_has_status_and_checked_and_the_as_of_parameter_is_its_source(client) -> None:
    body = {"id": "api-chk", "type": "DemoParkApplication", "annualRevenue": 1, "applicationDate": "2024-01-01"}
    r = client.post("/api/validate?asOf=2026-12-04", json=body, headers={"accept-language": "en"})
    assert r.status_code == 200
    j = r.json()
    assert j["conforms"] is False and j["status"] == "not-evaluated"
    assert j["checked"]["asOf"] == "2026-12-04" and j["checked"]["asOfSource"] == "parameter"
    assert j["checked"]["documentsNotInForce"][0]["number"] == "京发改规〔2023〕7号"
    ttl = client.post("/api/validate", json=body, headers={"accept": "text/turtle"})
    assert "pkg:validationStatus" in ttl.text and "pkg:checked" in ttl.text
    batch = client.post("/api/validate/batch", json=[body, {**body, "id": "api-chk-2"}]).json()
    assert [x["status"] for x in batch["reports"]] == ["does-not-conform", "does-not-conform"]
    assert all(x["checked"]["rulesInForceApplied"] > 0 for x in batch["reports"])


def test_the_cli_says_not_evaluated_and_what_was_checked(tmp_path, capsys) -> None:
    from policykg.cli.main import main

    f = tmp_path / "park.json"
    f.write_text(json.dumps({"id": "cli-chk", "type": "DemoParkApplication", "applicationDate": "2026-01-05"}))
    assert main(["validate", "--lang", "en", str(f)]) == 1
    text = capsys.readouterr().out
    assert "NOT EVALUATED" in text and "documents not in force: 京发改规〔2023〕7号 2023-07-03–2025-07-02" in text
    assert main(["validate", "--format", "json", str(f)]) == 1
    j = json.loads(capsys.readouterr().out)
    assert j["status"] == "not-evaluated" and j["checked"]["asOfSource"] == "applicationDate"


def test_the_report_never_makes_statements_about_corpus_resources(store) -> None:
    """A stored report is read back as data (registry, reforms): its subjects must be its own nodes."""
    from policykg.validation.engine import RESERVED

    out = validate(store, form(store, "PilotEnterpriseApplication", "2026-01-05", category="leading"))
    assert out.checked("en")["documentsNotInForce"][0]["number"] == "京发改规〔2023〕7号"
    assert not [s for s in out.report_graph.subjects() if str(s).startswith(RESERVED)]
