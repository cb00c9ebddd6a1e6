"""POST /api/labels (issue 14, item 1): the zh/en labels of a bounded list of IRIs, from the corpus graphs only."""
from __future__ import annotations

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from policykg.api.labels import MAX_IRIS

M = "https://w3id.org/policykg/doc/jfgg/2023/12/measure/investment-subsidy-district-bundle"
DOC = "https://w3id.org/policykg/doc/jfgg/2023/12"
PT = "https://w3id.org/policykg/concept/project-type/old-factory"


def post(client: TestClient, body: object) -> object:
    return client.post("/api/labels", json=body)


def test_a_measure_iri_gets_its_chinese_and_english_labels(client: TestClient) -> None:
    r = post(client, {"iris": [M]})
    assert r.status_code == 200
    assert r.json() == {M: {"zh": "片区统筹改造项目投资补助", "en": "Investment subsidy for district bundle renovation"}}


def test_a_document_is_labelled_by_its_title_and_a_concept_by_its_preferred_label(client: TestClient) -> None:
    got = post(client, {"iris": [DOC, PT]}).json()
    assert got[DOC] == {"zh": "关于加强腾退低效产业空间改造利用促进产业高质量发展的实施方案"}
    assert set(got[PT]) == {"zh", "en"} and got[PT]["zh"]


def test_an_iri_without_a_label_is_left_out_and_an_empty_list_is_an_empty_answer(client: TestClient) -> None:
    assert post(client, {"iris": ["http://example.org/nothing", M]}).json().keys() == {M}
    assert post(client, {"iris": []}).json() == {}


def test_a_label_outside_the_corpus_graphs_is_never_answered(client: TestClient) -> None:
    iri, graph = "http://example.org/applicant", "https://w3id.org/policykg/graph/registry/test-labels"
    lbl = ox.Literal("申请人", language="zh")
    client.app.state.store.replace_graph(graph, [ox.Quad(ox.NamedNode(iri), ox.NamedNode(
        "http://www.w3.org/2000/01/rdf-schema#label"), lbl, ox.NamedNode(graph))])
    try:
        assert post(client, {"iris": [iri]}).json() == {}
    finally:
        client.app.state.store.replace_graph(graph, [])


@pytest.mark.parametrize("body", [["not", "an", "object"], {"iri": [M]}, {"iris": M}, {"iris": [5]},
                                  {"iris": ["relative/iri"]}, {"iris": ["http://example.org/" + "a" * 3000]}])
def test_bad_input_is_a_400_naming_the_problem(client: TestClient, body: object) -> None:
    r = post(client, body)
    assert r.status_code == 400 and r.json()["error"] and "detail" in r.json()


def test_more_iris_than_the_bound_is_a_413(client: TestClient) -> None:
    r = post(client, {"iris": [f"http://example.org/{i}" for i in range(MAX_IRIS + 1)]})
    assert r.status_code == 413 and r.json()["detail"]["maxIris"] == MAX_IRIS


def test_a_body_that_is_not_json_is_refused(client: TestClient) -> None:
    assert client.post("/api/labels", content=b"{", headers={"content-type": "application/json"}).status_code == 400
    assert client.post("/api/labels", content=M.encode(), headers={"content-type": "text/plain"}).status_code == 415


def test_the_query_page_without_javascript_shows_labels_beside_iris(client: TestClient) -> None:
    r = client.post("/query", data={"query": f"SELECT ?m WHERE {{ VALUES ?m {{ <{M}> <http://example.org/x> }} }}"})
    assert '<span class="iri-label" lang="zh">片区统筹改造项目投资补助</span>' in r.text
    assert r.text.count('class="iri-labels"') == 1  # the IRI without a label gets none
