"""A real client: SPARQLWrapper against `policykg serve` running on 127.0.0.1."""
from __future__ import annotations

import rdflib
from SPARQLWrapper import JSON, POST, TURTLE, XML, SPARQLWrapper

PFX = "PREFIX eli: <http://data.europa.eu/eli/ontology#>\nPREFIX pkg: <https://w3id.org/policykg/ontology#>\n"
IN_FORCE_ON_LAST_DAY = PFX + """SELECT ?n WHERE {
  ?d pkg:inCorpus true ; eli:id_local ?n ; eli:date_no_longer_in_force ?until .
  FILTER(?until = "2025-07-02"^^<http://www.w3.org/2001/XMLSchema#date>) }"""


def _wrapper(base: str, fmt: str, method: str | None = None) -> SPARQLWrapper:
    w = SPARQLWrapper(base + "/sparql")
    w.setReturnFormat(fmt)
    if method:
        w.setMethod(method)
    return w


def test_sparqlwrapper_select_in_json(live_server: str) -> None:
    w = _wrapper(live_server, JSON)
    w.setQuery(IN_FORCE_ON_LAST_DAY)
    res = w.queryAndConvert()
    # 京发改规〔2023〕7号, 第二十条: 本办法自印发之日起实施，试行期 2年 (issued 2023-07-03)
    assert [b["n"]["value"] for b in res["results"]["bindings"]] == ["京发改规〔2023〕7号"]


def test_sparqlwrapper_select_in_xml_by_post(live_server: str) -> None:
    w = _wrapper(live_server, XML, POST)
    w.setQuery(IN_FORCE_ON_LAST_DAY)
    doc = w.queryAndConvert()  # an xml.dom.minidom Document
    literals = [n.firstChild.nodeValue for n in doc.getElementsByTagName("literal")]
    assert literals == ["京发改规〔2023〕7号"]


def test_sparqlwrapper_ask(live_server: str) -> None:
    w = _wrapper(live_server, JSON)
    w.setQuery(PFX + 'ASK { ?d eli:id_local "京建法〔2024〕3号" }')
    assert w.queryAndConvert()["boolean"] is True
    w.setQuery(PFX + 'ASK { ?d eli:id_local "京建法〔2024〕4号" }')
    assert w.queryAndConvert()["boolean"] is False


def test_sparqlwrapper_construct_gives_an_rdflib_graph(live_server: str) -> None:
    w = _wrapper(live_server, TURTLE)
    w.setQuery(PFX + """CONSTRUCT { ?d eli:date_no_longer_in_force ?u } WHERE {
      ?d pkg:inCorpus true ; eli:date_no_longer_in_force ?u }""")
    data = w.queryAndConvert()  # SPARQLWrapper hands Turtle back as bytes
    graph = rdflib.Graph().parse(data=data, format="turtle")
    ends = {(str(s).rsplit("policykg/", 1)[1], str(o)) for s, _, o in graph}
    # 7号 2025-07-02 (2 years from 2023-07-03); 67号 2029-03-13 (5 years from 2024-03-14);
    # 京建法 1/2/3 2027-05-09 (3 years from 2024-05-10); 20号 2027-12-31 (执行期至 2027 年底)
    assert {("doc/jfgg/2023/7", "2025-07-02"), ("doc/jgzf/2024/67", "2029-03-13"), ("doc/jjf/2024/1", "2027-05-09"),
            ("doc/jjxf/2024/20", "2027-12-31")} <= ends


def test_clients_read_the_service_description_and_void_of_the_running_server(live_server: str) -> None:
    import rdflib
    from rdflib.namespace import RDF

    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    g = rdflib.Graph().parse(live_server + "/sparql")  # rdflib negotiates an RDF format, as linked-data tools do
    service = g.value(predicate=RDF.type, object=sd.Service)
    assert str(service) == live_server + "/sparql"
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in g
    void = rdflib.Graph().parse(live_server + "/.well-known/void", format="turtle")
    endpoint = void.value(rdflib.URIRef("https://w3id.org/policykg/dataset"),
                          rdflib.URIRef("http://rdfs.org/ns/void#sparqlEndpoint"))
    w = SPARQLWrapper(str(endpoint))  # and the endpoint VoID names answers SPARQLWrapper
    w.setQuery("ASK { ?s ?p ?o }")
    w.setReturnFormat(JSON)
    assert w.queryAndConvert()["boolean"] is True


# 101 × 100 = 10,100 solutions: just over the default row cap (10,000), from a query of a few hundred bytes
OVER_THE_CAP = ("SELECT ?a ?b WHERE { VALUES ?a { " + " ".join(map(str, range(101))) + " } VALUES ?b { "
                + " ".join(map(str, range(100))) + " } }")


def test_sparqlwrapper_reads_an_answer_cut_at_the_default_row_cap_and_sees_the_flag(live_server: str) -> None:
    w = _wrapper(live_server, JSON, POST)
    w.setQuery(OVER_THE_CAP)
    res = w.query()
    assert res.info()["x-result-truncated"] == "true" and res.info()["x-max-result-rows"] == "10000"
    doc = res.convert()
    assert len(doc["results"]["bindings"]) == 10_000 and doc["truncated"] is True
    assert doc["head"]["vars"] == ["a", "b"] and doc["head"]["link"] == ["https://w3id.org/policykg/sparql#truncated"]


def test_sparqlwrapper_reads_a_cut_answer_in_xml_with_its_link_in_the_head(live_server: str) -> None:
    w = _wrapper(live_server, XML, POST)
    w.setQuery(OVER_THE_CAP)
    doc = w.queryAndConvert()  # an xml.dom.minidom Document
    assert len(doc.getElementsByTagName("result")) == 10_000
    head = doc.getElementsByTagName("head")[0]
    assert [v.getAttribute("name") for v in head.getElementsByTagName("variable")] == ["a", "b"]
    assert [ln.getAttribute("href") for ln in head.getElementsByTagName("link")] == [
        "https://w3id.org/policykg/sparql#truncated"]
