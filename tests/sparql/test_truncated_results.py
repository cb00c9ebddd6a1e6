"""Issue 14 (item 4): over the row cap a SELECT or CONSTRUCT answers 200 with its first rows and says
it was truncated (headers, and in the body where the format has a place); at and below the cap it is
whole and unflagged. The cap is set small (5) here; the real default (10,000) is in test_client.py."""
from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from fastapi.testclient import TestClient
from rdflib.query import Result

from policykg.app import create_app
from policykg.config import Settings
from policykg.sparql.truncation import TRUNCATED_LINK

ROOT = Path(__file__).resolve().parents[2]
CAP = 5
SRX = "{http://www.w3.org/2005/sparql-results#}"
RESULT_ACCEPT = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                 "csv": "text/csv", "tsv": "text/tab-separated-values"}
GRAPH_ACCEPT = {"turtle": ("text/turtle", ox.RdfFormat.TURTLE), "ntriples": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
                "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD), "rdfxml": ("application/rdf+xml", ox.RdfFormat.RDF_XML)}


def rows_query(n: int) -> str:
    return "SELECT ?i WHERE { VALUES ?i { " + " ".join(str(i) for i in range(1, n + 1)) + " } }"


def graph_query(n: int) -> str:
    return ("CONSTRUCT { ?s <http://example.org/n> ?i } WHERE { VALUES ?i { " + " ".join(map(str, range(1, n + 1)))
            + " } BIND(IRI(CONCAT(\"http://example.org/\", STR(?i))) AS ?s) }")


@pytest.fixture(scope="module")
def capped() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store="memory", corpus_root=ROOT, max_result_rows=CAP,
                                        query_workers=1, query_workers_extra=0))) as c:
        yield c


def values(fmt: str, body: bytes) -> list[str]:
    """The ?i values of a results document, in order, read by a standard parser (rdflib, csv)."""
    if fmt in ("json", "xml"):
        return [str(row[0]) for row in Result.parse(io.BytesIO(body), format=fmt)]
    text = body.decode("utf-8")
    if fmt == "csv":
        return [r[0] for r in list(csv.reader(io.StringIO(text)))[1:]]
    return [line for line in text.splitlines()[1:]]


def in_body_flag(fmt: str, body: bytes) -> bool:
    if fmt == "json":
        doc = json.loads(body)
        return doc.get("truncated") is True and doc["head"].get("link") == [TRUNCATED_LINK]
    if fmt == "xml":
        links = ET.fromstring(body).find(SRX + "head").findall(SRX + "link")
        return [ln.get("href") for ln in links] == [TRUNCATED_LINK]
    return False


@pytest.mark.parametrize("fmt", list(RESULT_ACCEPT))
def test_a_select_over_the_row_cap_answers_200_with_its_first_rows_and_says_it_was_truncated(capped, fmt) -> None:
    r = capped.post("/sparql", data={"query": rows_query(CAP + 1)}, headers={"accept": RESULT_ACCEPT[fmt]})
    assert r.status_code == 200
    assert r.headers["x-result-truncated"] == "true" and r.headers["x-truncated"] == "true"
    assert r.headers["x-max-result-rows"] == str(CAP) and r.headers["x-result-count"] == str(CAP)
    assert "x-max-result-bytes" not in r.headers
    got = values(fmt, r.content)
    assert len(got) == CAP and set(got) <= {str(i) for i in range(1, CAP + 2)}
    assert in_body_flag(fmt, r.content) == (fmt in ("json", "xml"))  # CSV and TSV: the headers only
    if fmt in ("csv", "tsv"):
        assert r.text.splitlines()[0] in ("i", "?i")  # the header line, then nothing but rows


@pytest.mark.parametrize("fmt", list(RESULT_ACCEPT))
@pytest.mark.parametrize("n", [CAP - 1, CAP])
def test_a_select_at_or_below_the_row_cap_is_whole_and_not_flagged(capped, fmt, n) -> None:
    r = capped.post("/sparql", data={"query": rows_query(n)}, headers={"accept": RESULT_ACCEPT[fmt]})
    assert r.status_code == 200 and r.headers["x-result-count"] == str(n)
    assert not {"x-result-truncated", "x-truncated", "x-max-result-rows"} & set(r.headers)
    assert sorted(values(fmt, r.content), key=int) == [str(i) for i in range(1, n + 1)]
    assert not in_body_flag(fmt, r.content) and b"truncated" not in r.content


def test_a_much_larger_select_is_cut_to_the_cap_too(capped) -> None:
    r = capped.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert r.status_code == 200 and r.headers["x-result-truncated"] == "true"
    assert len(r.json()["results"]["bindings"]) == CAP


@pytest.mark.parametrize("fmt", list(GRAPH_ACCEPT))
@pytest.mark.parametrize("n", [CAP - 1, CAP, CAP + 1])
def test_a_construct_over_the_cap_answers_its_first_triples_and_says_so_and_at_the_cap_is_whole(capped, fmt, n) -> None:
    accept, syntax = GRAPH_ACCEPT[fmt]
    r = capped.get("/sparql", params={"query": graph_query(n)}, headers={"accept": accept})
    assert r.status_code == 200
    triples = list(ox.parse(r.content, format=syntax))
    assert len(triples) == min(n, CAP) == int(r.headers["x-result-count"])
    assert (r.headers.get("x-result-truncated") == "true") == (n > CAP)
    assert (r.headers.get("x-max-result-rows") == str(CAP)) == (n > CAP)
    if fmt in ("turtle", "rdfxml"):  # rdflib reads the commented answer as well
        assert len(rdflib.Graph().parse(data=r.content, format={"turtle": "turtle", "rdfxml": "xml"}[fmt])) == len(triples)


def test_ask_is_never_truncated(capped) -> None:
    r = capped.get("/sparql", params={"query": "ASK { VALUES ?i { 1 2 3 4 5 6 7 } }"})
    assert r.status_code == 200 and r.json()["boolean"] is True and "x-result-truncated" not in r.headers


def test_a_library_query_over_the_row_cap_answers_its_first_rows_and_says_so(capped) -> None:
    r = capped.get("/api/queries/measures-by-kind", params={"kind": "investment-subsidy"})
    assert r.status_code == 200 and r.headers["x-result-truncated"] == "true"
    assert r.headers["x-max-result-rows"] == str(CAP)
    assert len(r.json()["results"]["bindings"]) == CAP and r.json()["truncated"] is True


def test_cross_origin_clients_may_read_the_truncation_headers(capped) -> None:
    r = capped.post("/sparql", data={"query": rows_query(CAP + 1)})
    exposed = {h.strip().lower() for h in r.headers["access-control-expose-headers"].split(",")}
    assert {"x-result-truncated", "x-truncated", "x-max-result-rows"} <= exposed


def test_the_query_page_says_the_result_was_truncated(capped) -> None:
    r = capped.post("/query", data={"query": rows_query(CAP + 1)})
    assert r.status_code == 200
    assert 'id="truncated"' in r.text and f"前 {CAP} 行" in r.text
    whole = capped.post("/query", data={"query": rows_query(CAP)})
    assert 'id="truncated"' not in whole.text


@pytest.mark.parametrize("n", [CAP - 1, CAP, CAP + 1])
def test_a_graph_from_the_remote_store_is_cut_to_the_cap_the_same_way(n) -> None:
    from policykg.sparql import serialize_ntriples
    from policykg.sparql.formats import GRAPH_FORMATS

    nt = "".join(f"<http://example.org/{i}> <http://example.org/n> \"{i}\" .\n" for i in range(n)).encode()
    a = serialize_ntriples(nt, GRAPH_FORMATS["turtle"], CAP)
    assert a.count == min(n, CAP) == len(list(ox.parse(a.body, format=ox.RdfFormat.TURTLE)))
    assert a.truncated == (n > CAP) and a.cut_by == ("rows" if n > CAP else None)

