"""GET /api/queries and GET /api/queries/{name}?param=… on the embedded store."""
from __future__ import annotations

import csv
import io

import pyoxigraph as ox


def test_the_library_lists_every_query_with_its_params(client) -> None:
    r = client.get("/api/queries")
    assert r.status_code == 200
    by_name = {q["name"]: q for q in r.json()}
    assert len(by_name) >= 26
    q = by_name["documents-in-force"]
    assert q["params"] == [{"name": "date", "type": "date", "default": "2025-07-02",
                            "description": "the date (YYYY-MM-DD)"}]
    assert q["iri"] == "https://w3id.org/policykg/query/documents-in-force"
    assert "SELECT" in q["text"]
    tagged = client.get("/api/queries", params={"tag": "registry"}).json()
    assert {q["name"] for q in tagged} == {"registry-projects-with-several-measures",
                                           "registry-awards-per-enterprise-year", "registry-awards-over-project-cap",
                                           "registry-measure-candidates"}


def test_running_a_named_query_binds_its_parameter(client) -> None:
    on_last_day = client.get("/api/queries/documents-in-force", params={"date": "2025-07-02"}).json()
    day_after = client.get("/api/queries/documents-in-force", params={"date": "2025-07-03"}).json()
    docs = lambda r: {b["document"]["value"].rsplit("policykg/", 1)[1] for b in r["results"]["bindings"]}  # noqa: E731
    assert docs(on_last_day) - docs(day_after) == {"doc/jfgg/2023/7"}  # 7号 试行期 2年 from 2023-07-03


def test_a_named_query_answers_in_every_results_format(client) -> None:
    r = client.get("/api/queries/source-anomalies", headers={"Accept": "text/csv"})
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert sorted(x["missingLabel"] for x in rows if x["missingLabel"]) == ["第十一条", "第十一条"]
    xml = client.get("/api/queries/source-anomalies", params={"format": "xml"})
    assert len(list(ox.parse_query_results(xml.content, format=ox.QueryResultsFormat.XML))) == len(rows)


def test_a_default_can_be_overridden_and_emptied(client) -> None:
    pue = client.get("/api/queries/clauses-by-authority").json()["results"]["bindings"]
    everything = client.get("/api/queries/clauses-by-authority", params={"phrase": ""}).json()["results"]["bindings"]
    assert 0 < len(pue) < len(everything)


def test_an_unknown_query_is_404_and_bad_parameters_are_400(client) -> None:
    assert client.get("/api/queries/no-such-question").status_code == 404
    r = client.get("/api/queries/documents-in-force", params={"date": "2025-02-30"})
    assert r.status_code == 400
    assert r.json()["detail"] == {"param": "date", "type": "date", "value": "2025-02-30"}
    r = client.get("/api/queries/documents-in-force", params={"day": "2025-01-01"})
    assert (r.status_code, r.json()["detail"]["unknown"]) == (400, ["day"])
    r = client.get("/api/queries/documents-in-force?date=2025-01-01&date=2025-01-02")
    assert r.status_code == 400


def test_an_unknown_concept_slug_is_400_listing_the_known_ones(client) -> None:
    r = client.get("/api/queries/measures-for-project-type", params={"projectType": "castle"})
    assert r.status_code == 400
    assert r.json()["detail"]["param"] == "projectType"
    assert "old-factory" in r.json()["detail"]["known"]


def test_a_spliced_looking_value_is_only_ever_a_value(client) -> None:
    evil = '重复支持") } } ; DROP ALL ; SELECT * { ?s ?p ?o FILTER("'
    r = client.get("/api/queries/clause-search", params={"phrase": evil})
    assert r.status_code == 200
    assert r.json()["results"]["bindings"] == []
