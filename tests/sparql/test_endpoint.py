"""GET|POST /sparql against the SPARQL 1.1 Protocol, on the embedded store (the `client` fixture)."""
from __future__ import annotations

import csv
import http.server
import io
import json
import threading
from collections.abc import Iterator

import pyoxigraph as ox
import pytest

DOC12 = "https://w3id.org/policykg/doc/jfgg/2023/12"
GRAPH12 = "https://w3id.org/policykg/graph/doc/jfgg-2023-12"
GRAPH7 = "https://w3id.org/policykg/graph/doc/jfgg-2023-7"
NUMBER_Q = "SELECT ?n WHERE { <https://w3id.org/policykg/doc/jfgg/2023/12> eli:id_local ?n }"
SELECT_RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


def numbers(body: bytes, fmt: ox.QueryResultsFormat = ox.QueryResultsFormat.JSON) -> list[str]:
    return [row["n"].value for row in ox.parse_query_results(body, format=fmt)]


def test_a_get_query_answers_sparql_json_by_default(client) -> None:
    r = client.get("/sparql", params={"query": NUMBER_Q})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    assert numbers(r.content) == ["京发改规〔2023〕12号"]


@pytest.mark.parametrize("media_type", sorted(SELECT_RESULT_TYPES))
def test_select_results_come_in_every_results_format_by_accept(client, media_type: str) -> None:
    r = client.get("/sparql", params={"query": NUMBER_Q}, headers={"Accept": media_type})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(media_type)
    if media_type == "text/csv":  # CSV carries no datatypes: the value is there as text
        assert list(csv.reader(io.StringIO(r.text))) == [["n"], ["京发改规〔2023〕12号"]]
    else:
        assert numbers(r.content, SELECT_RESULT_TYPES[media_type]) == ["京发改规〔2023〕12号"]


@pytest.mark.parametrize("media_type", sorted(GRAPH_TYPES))
def test_construct_answers_come_in_every_graph_format_by_accept(client, media_type: str) -> None:
    q = f"CONSTRUCT {{ ?d eli:id_local ?n }} WHERE {{ VALUES ?d {{ <{DOC12}> }} ?d eli:id_local ?n }}"
    r = client.get("/sparql", params={"query": q}, headers={"Accept": media_type})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(media_type)
    triples = list(ox.parse(r.content, format=GRAPH_TYPES[media_type]))
    assert [(t.subject.value, t.object.value) for t in triples] == [(DOC12, "京发改规〔2023〕12号")]


def test_a_format_parameter_chooses_the_format_for_browsers(client) -> None:
    r = client.get("/sparql", params={"query": NUMBER_Q, "format": "csv"},
                   headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.headers["content-type"].startswith("text/csv")
    assert r.text.splitlines() == ["n", "京发改规〔2023〕12号"]


def test_accept_q_values_pick_the_preferred_available_format(client) -> None:
    accept = "text/csv;q=0.5, application/sparql-results+xml;q=0.9, text/html"
    r = client.get("/sparql", params={"query": NUMBER_Q}, headers={"Accept": accept})
    assert r.headers["content-type"].startswith("application/sparql-results+xml")
    r = client.get("/sparql", params={"query": NUMBER_Q}, headers={"Accept": "*/*;q=0.1, text/tab-separated-values"})
    assert r.headers["content-type"].startswith("text/tab-separated-values")


def test_an_accept_that_no_format_can_satisfy_is_406(client) -> None:
    r = client.get("/sparql", params={"query": NUMBER_Q}, headers={"Accept": "image/png"})
    assert r.status_code == 406
    assert "application/sparql-results+json" in r.json()["detail"]["available"]
    r = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": "text/turtle"})
    assert r.status_code == 406
    assert r.json()["error"] == "none of the media types in Accept can carry the result of a ASK query"
    assert r.json()["detail"]["accept"] == "text/turtle" and "text/turtle" not in r.json()["detail"]["available"]


def test_a_refused_media_type_with_q_zero_is_not_chosen(client) -> None:
    r = client.get("/sparql", params={"query": NUMBER_Q}, headers={"Accept": "application/sparql-results+json;q=0, */*"})
    assert r.status_code == 200
    assert not r.headers["content-type"].startswith("application/sparql-results+json")


def test_ask_answers_true_and_false(client) -> None:
    yes = client.get("/sparql", params={"query": "ASK { ?d eli:id_local \"京发改规〔2023〕12号\" }"})
    no = client.get("/sparql", params={"query": "ASK { ?d eli:id_local \"京发改规〔2099〕1号\" }"})
    assert (yes.json()["boolean"], no.json()["boolean"]) == (True, False)


def test_post_form_encoded_and_post_sparql_query_give_the_same_answer(client) -> None:
    form = client.post("/sparql", data={"query": NUMBER_Q})
    direct = client.post("/sparql", content=NUMBER_Q.encode(), headers={"Content-Type": "application/sparql-query"})
    assert form.status_code == direct.status_code == 200
    assert numbers(form.content) == numbers(direct.content) == ["京发改规〔2023〕12号"]


def test_a_syntax_error_is_400_with_line_and_column(client) -> None:
    r = client.get("/sparql", params={"query": "SELECT ?s WHERE {\n  ?s ?p \n}"})
    assert r.status_code == 400
    detail = r.json()["detail"]
    # the position is the engine's (pyoxigraph reports where its parser gave up)
    assert detail["line"] == 3 and isinstance(detail["column"], int)
    assert f"line 3, column {detail['column']}" in r.json()["error"]


def test_a_missing_or_repeated_query_is_400(client) -> None:
    # (GET /sparql with no parameter at all is the service description: tests/api/test_dataset.py)
    missing = client.get("/sparql?format=json")
    assert missing.status_code == 400
    assert missing.json() == {"error": "missing `query` parameter (SPARQL 1.1 Protocol)", "detail": {"param": "query"}}
    r = client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert r.status_code == 400
    assert r.json()["detail"] == {"param": "query"}


@pytest.mark.parametrize("update", [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "PREFIX x: <urn:x#> DELETE WHERE { ?s ?p ?o }",
    "DROP ALL",
    "LOAD <http://127.0.0.1:9/evil.ttl>",
    "CLEAR GRAPH <https://w3id.org/policykg/graph/ontology>",
])
def test_every_update_is_refused_and_changes_nothing(client, update: str) -> None:
    before = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}).json()
    for r in (client.get("/sparql", params={"query": update}),
              client.post("/sparql", data={"update": update}),
              client.post("/sparql", content=update.encode(), headers={"Content-Type": "application/sparql-update"})):
        assert r.status_code == 403, r.text
        assert "read-only" in r.json()["error"]
    after = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}).json()
    assert after == before


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405_with_allow(client, method: str) -> None:
    r = client.request(method, "/sparql", content=b"x")
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, HEAD, POST, OPTIONS"


def test_an_unknown_post_content_type_is_415(client) -> None:
    r = client.post("/sparql", content=b"{}", headers={"Content-Type": "application/json"})
    assert r.status_code == 415
    assert r.json() == {"error": "POST a query as application/x-www-form-urlencoded or application/sparql-query",
                        "detail": {"contentType": "application/json"}}


def test_a_body_over_the_limit_is_413(client) -> None:
    limit = client.app.state.settings.max_body_bytes
    r = client.post("/sparql", content=b"#" * (limit + 1), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413
    assert r.json() == {"error": f"request body over {limit} bytes", "detail": {"maxBytes": limit}}


@pytest.fixture
def sentinel_http() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that records every request: proof that nothing was fetched."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/turtle")
            self.end_headers()
            self.wfile.write(b"<urn:s> <urn:p> <urn:o> .")

        do_POST = do_GET  # noqa: N815

        def log_message(self, *args: object) -> None:
            pass

    srv = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}", hits
    finally:
        srv.shutdown()
        srv.server_close()


def test_service_is_refused_and_never_fetched(client, sentinel_http) -> None:
    url, hits = sentinel_http
    for q in (f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
              f"select * {{ service silent <{url}/x> {{ ?s ?p ?o }} }}",
              f"SELECT * WHERE {{ ?s ?p ?o . SERVICE ?endpoint {{ ?s ?p ?o }} VALUES ?endpoint {{ <{url}> }} }}"):
        r = client.get("/sparql", params={"query": q})
        assert r.status_code == 403
        assert "SERVICE" in r.json()["error"]
    assert hits == []


def test_the_word_service_inside_a_string_or_iri_is_not_refused(client) -> None:
    q = 'SELECT ?x WHERE { BIND("SERVICE <http://x> {}" AS ?x) FILTER(?x != <urn:SERVICE>) }'
    r = client.get("/sparql", params={"query": q}, headers={"accept": "application/sparql-results+json"})
    assert r.status_code == 200
    assert [b["x"]["value"] for b in r.json()["results"]["bindings"]] == ["SERVICE <http://x> {}"]


def test_from_names_only_graphs_of_the_store_and_is_never_fetched(client, sentinel_http) -> None:
    url, hits = sentinel_http
    r = client.get("/sparql", params={"query": f"SELECT * FROM <{url}/data.ttl> WHERE {{ ?s ?p ?o }}"})
    assert r.status_code == 200
    assert r.json()["results"]["bindings"] == []
    r = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }", "default-graph-uri": f"{url}/data.ttl"})
    assert r.json()["boolean"] is False
    assert hits == []


def test_extension_functions_are_refused(client) -> None:
    q = 'PREFIX bif: <bif:> SELECT ?x WHERE { BIND(bif:file_to_string("/etc/passwd") AS ?x) }'
    r = client.get("/sparql", params={"query": q})
    assert r.status_code == 403
    assert r.json()["detail"]["function"] == "bif:file_to_string"
    ok = client.get("/sparql", params={"query": 'SELECT ?x WHERE { BIND(xsd:integer("3") AS ?x) }'})
    assert ok.json()["results"]["bindings"][0]["x"]["value"] == "3"


def test_the_default_graph_is_the_union_of_the_graphs(client) -> None:
    q = "SELECT DISTINCT ?n WHERE { ?d eli:id_local ?n FILTER(?n IN (\"京发改规〔2023〕12号\", \"京发改规〔2023〕7号\")) }"
    assert sorted(numbers(client.get("/sparql", params={"query": q}).content)) == \
        ["京发改规〔2023〕12号", "京发改规〔2023〕7号"]


def test_each_document_is_a_named_graph_that_from_and_graph_can_address(client) -> None:
    q = f"SELECT DISTINCT ?n FROM <{GRAPH7}> WHERE {{ ?d a eli:LegalResource ; pkg:inCorpus true ; eli:id_local ?n }}"
    assert numbers(client.get("/sparql", params={"query": q}).content) == ["京发改规〔2023〕7号"]
    q = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{DOC12}> eli:id_local ?n }} }}"
    r = client.get("/sparql", params={"query": q}).json()
    assert [b["g"]["value"] for b in r["results"]["bindings"]] == [GRAPH12]
    q = "ASK { GRAPH <https://w3id.org/policykg/graph/ontology> { pkg:SupportMeasure a owl:Class } }"
    assert client.get("/sparql", params={"query": q}).json()["boolean"] is True


def test_default_graph_uri_and_named_graph_uri_replace_the_querys_dataset(client) -> None:
    q = f"SELECT DISTINCT ?n FROM <{GRAPH7}> WHERE {{ ?d pkg:inCorpus true ; eli:id_local ?n }}"
    r = client.get("/sparql", params={"query": q, "default-graph-uri": GRAPH12})
    assert numbers(r.content) == ["京发改规〔2023〕12号"]  # the protocol's dataset wins (SPARQL 1.1 Protocol 2.1.4)
    q = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?d pkg:inCorpus true } }"
    r = client.get("/sparql", params={"query": q, "named-graph-uri": [GRAPH7, GRAPH12]}).json()
    assert sorted(b["g"]["value"] for b in r["results"]["bindings"]) == [GRAPH12, GRAPH7]
    bad = client.get("/sparql", params={"query": q, "default-graph-uri": "not an iri"})
    assert bad.status_code == 400
    assert bad.json() == {"error": "default-graph-uri must be an absolute IRI",
                          "detail": {"param": "default-graph-uri", "value": "not an iri"}}


def test_relative_iris_resolve_against_the_project_base_and_prefixes_are_predeclared(client) -> None:
    r = client.get("/sparql", params={"query": "SELECT ?n WHERE { <doc/jfgg/2023/12> eli:id_local ?n }"})
    assert numbers(r.content) == ["京发改规〔2023〕12号"]


def test_answers_allow_cross_origin_tools_and_preflight(client) -> None:
    r = client.get("/sparql", params={"query": "ASK {}"})
    assert r.headers["access-control-allow-origin"] == "*"
    pre = client.options("/sparql", headers={"Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 204
    assert "POST" in pre.headers["access-control-allow-methods"]


def test_the_library_query_text_runs_unchanged_on_the_endpoint(client, root) -> None:
    text = (root / "queries" / "source-anomalies.rq").read_text(encoding="utf-8")
    r = client.post("/sparql", content=text.encode(), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 200
    got = {b["missingLabel"]["value"] for b in r.json()["results"]["bindings"] if "missingLabel" in b}
    assert got == {"第十一条"}
    assert json.loads(r.content)["head"]["vars"][0] == "document"


@pytest.mark.parametrize("query", [
    "ASK { " + "{" * 3000 + "}" * 3000 + " }",  # overflowed the engine's stack: the worker died, a 500
    "ASK { ?s ?p " + "[ ?p " * 1000 + "1" + " ]" * 1000 + " }",  # ran into the 10 s time limit
])
def test_a_deeply_nested_query_is_400_naming_the_limit_before_any_engine_sees_it(client, query: str) -> None:
    r = client.post("/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 400
    body = r.json()
    assert body["error"].startswith("the query nests brackets more than 64 levels deep (at line 1, column ")
    assert body["detail"]["maxNesting"] == 64 and body["detail"]["line"] == 1


def test_a_parameter_value_full_of_brackets_is_bound_not_counted_as_nesting(client) -> None:
    deep = "(" * 100 + "1" + ")" * 100
    r = client.get("/api/queries/clause-search", params={"phrase": deep},  # a value is bound, never parsed
                   headers={"accept": "application/sparql-results+json"})
    assert r.status_code == 200
    assert r.json()["results"]["bindings"] == []  # no clause contains a hundred brackets
