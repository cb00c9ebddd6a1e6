"""The dataset describes itself: the vocabulary page, VoID, the service description, the dump."""
from __future__ import annotations

import hashlib

import pyoxigraph as ox
import rdflib
from rdflib import RDF, Namespace, URIRef

from policykg.store import is_corpus_graph

VOID = Namespace("http://rdfs.org/ns/void#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
PKG = "https://w3id.org/policykg/ontology#"
LOAN = "https://w3id.org/policykg/doc/jfgg/2023/12/measure/loan-interest-subsidy"


def _ttl(response) -> rdflib.Graph:
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/turtle")
    return rdflib.Graph().parse(data=response.text, format="turtle")


def test_the_vocabulary_page_lists_every_pkg_term_with_labels_domain_range_and_unit(client, root):
    onto = rdflib.Graph().parse(root / "ontology" / "policykg.ttl", format="turtle")
    owl = Namespace("http://www.w3.org/2002/07/owl#")
    declared = {str(s) for k in (owl.Class, owl.ObjectProperty, owl.DatatypeProperty, owl.AnnotationProperty)
                for s in onto.subjects(RDF.type, k) if str(s).startswith(PKG)}
    assert len(declared) > 100
    page = client.get("/ontology", headers={"accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for iri in declared:  # each pkg: term IRI resolves to its entry (its fragment is an anchor)
        assert f'id="{iri.split("#")[1]}"' in page.text, iri
    row = page.text.split('id="floorArea"')[1].split("</tr>")[0]
    assert "改造面积" in row and "floor area renovated" in row and "m²" in row and "xsd:decimal" in row
    cap = page.text.split('id="cap"')[1].split("</tr>")[0]
    assert "最高金额" in cap and "万元" in cap


def test_the_vocabulary_in_turtle_is_the_ontology_graph(client, root):
    served = _ttl(client.get("/ontology", headers={"accept": "text/turtle"}))
    assert (URIRef(PKG + "cap"), RDF.type, URIRef("http://www.w3.org/2002/07/owl#DatatypeProperty")) in served
    jsonld = client.get("/ontology", params={"format": "jsonld"})
    assert jsonld.status_code == 200 and jsonld.headers["content-type"].startswith("application/ld+json")
    assert len(rdflib.Graph().parse(data=jsonld.text, format="json-ld")) == len(served)


def test_void_counts_the_public_graphs_and_names_the_endpoint_and_the_dump(client, store):
    g = _ttl(client.get("/.well-known/void"))
    ds = URIRef("https://w3id.org/policykg/dataset")
    assert (ds, RDF.type, VOID.Dataset) in g
    assert g.value(ds, VOID.sparqlEndpoint) == URIRef("http://testserver/sparql")
    assert g.value(ds, VOID.dataDump) == URIRef("http://testserver/dump.nq")
    public = sorted(n for n in store.named_graphs() if is_corpus_graph(n))
    subsets = {str(g.value(s, SD.name)): int(g.value(s, VOID.triples)) for s in g.objects(ds, VOID.subset)}
    assert sorted(subsets) == public
    assert subsets == {n: len(store.graph_quads(n)) for n in public}
    assert int(g.value(ds, VOID.triples)) == sum(subsets.values())
    examples = list(g.objects(ds, VOID.exampleResource))
    assert len(examples) == 3
    for e in examples:  # each example is a resource of the corpus that resolves
        assert client.get("/api/resolve", params={"iri": str(e)}, follow_redirects=False).status_code == 303


def test_the_dump_is_the_public_dataset_with_its_sha256(client, store):
    r = client.get("/dump.nq")
    assert r.status_code == 200 and r.headers["content-type"] == "application/n-quads"
    digest = hashlib.sha256(r.content).hexdigest()
    assert r.headers["x-content-sha256"] == digest
    assert client.get("/dump.nq.sha256").text == f"{digest}  policykg.nq\n"
    quads = list(ox.parse(r.content, format=ox.RdfFormat.N_QUADS))
    graphs = {q.graph_name.value for q in quads}
    assert all(is_corpus_graph(g) for g in graphs)
    assert len(quads) == sum(len(store.graph_quads(n)) for n in store.named_graphs() if is_corpus_graph(n))


def test_get_sparql_without_a_query_is_the_service_description(client, store):
    g = _ttl(client.get("/sparql", headers={"accept": "text/turtle"}))
    s = URIRef("http://testserver/sparql")
    assert (s, RDF.type, SD.Service) in g
    assert (s, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert (s, SD.resultFormat, URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON")) in g
    named = {str(g.value(n, SD.name)) for n in g.objects(g.value(s, SD.defaultDataset), SD.namedGraph)}
    assert named == {n for n in store.named_graphs() if is_corpus_graph(n)}


def test_head_on_sparql_answers_as_get_does_without_a_body(client):
    q = {"query": "ASK { ?s ?p ?o }"}
    get, head = client.get("/sparql", params=q), client.head("/sparql", params=q)
    assert head.status_code == get.status_code == 200
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.content == b"" and get.content
    bad = client.head("/sparql", params={"query": "SELEC"})
    assert bad.status_code == 400 and bad.content == b""


def test_money_is_xsd_decimal_so_compare_it_by_value_as_the_vocabulary_page_says(client):
    def ask(pattern: str) -> bool:
        r = client.get("/sparql", params={"query": f"PREFIX pkg: <{PKG}> ASK {{ {pattern} }}"},
                       headers={"accept": "application/sparql-results+json"})
        assert r.status_code == 200
        return r.json()["boolean"]

    # 京发改规〔2023〕12号: 贷款贴息…总金额不超过 5000万元
    assert ask(f"<{LOAN}> pkg:cap 5000.0")
    assert not ask(f"<{LOAN}> pkg:cap 5000")  # an xsd:integer term is another term
    assert ask(f"<{LOAN}> pkg:cap ?c FILTER(?c = 5000)")


def test_a_vocabulary_term_iri_resolves_to_its_entry_on_the_vocabulary_page(client):
    r = client.get("/api/resolve", params={"iri": PKG + "cap"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/ontology#cap"
