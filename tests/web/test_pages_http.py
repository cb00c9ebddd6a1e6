"""The pages as HTML over the in-process client (the browser flows are in test_web_pages.py)."""
from __future__ import annotations

import re

BROWSER = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def test_the_home_page_lists_the_eleven_documents_with_search_and_tools(client) -> None:
    html = client.get("/").text
    assert len(re.findall(r'<a href="/api/documents/[a-z0-9-]+">', html)) == 11
    assert 'action="/api/search"' in html
    for tool in ("/validate", "/query", "/graph", "/timeline", "/api/measures"):
        assert f'href="{tool}"' in html


def test_every_page_s_navigation_links_to_matching_and_reforms(client) -> None:
    for page in ("/", "/validate", "/reforms", "/match"):
        nav = client.get(page).text.split("<nav>", 1)[1].split("</nav>", 1)[0]
        assert 'href="/match"' in nav and 'href="/reforms"' in nav, page


def test_the_pictures_are_inline_svg_with_one_mark_per_document(client) -> None:
    graph = client.get("/graph").text
    assert graph.count("<svg") == 2
    assert graph.count('stroke="#8c1c13"/>') == 11  # the corpus documents' boxes
    timeline = client.get("/timeline").text
    assert timeline.count('<a href="/api/documents/') == 11
    assert "今日 today" in timeline


def test_the_measures_table_links_each_measure_to_its_page_and_clause(client) -> None:
    html = client.get("/api/measures?projectType=old-factory", headers=BROWSER).text
    measures = client.get("/api/measures?projectType=old-factory").json()
    assert html.count('<a href="/api/measures/doc/') == len(measures)
    assert html.count('class="clause-ref" href="/api/clauses/doc/') == len(measures)


def test_the_validation_page_offers_paste_upload_and_form(client) -> None:
    html = client.get("/validate").text
    assert 'name="text"' in html and 'type="file"' in html
    assert 'name="projectType"' in html and '<option value="old-factory"' in html



def test_the_form_sends_each_field_by_its_kind_and_leaves_unset_declarations_out(client) -> None:
    from policykg.web.tools import form_to_submission

    sub = form_to_submission({"projectType": "old-factory", "loanAmount": "800", "builtYear": "1990",
                              "energySavingRate": "0.2", "applicationDate": "2024-06-01",
                              "propertyRightsClear": "true", "operationsMechanism.no": "true", "inDemoPark": ""})
    assert sub == {"id": "web-project", "type": "RenovationProject", "projectType": "old-factory",
                   "loanAmount": 800.0, "builtYear": 1990, "energySavingRate": 0.2, "applicationDate": "2024-06-01",
                   "propertyRightsClear": True, "operationsMechanism": False}
    html = client.get("/validate").text
    for name in ("loanAmount", "financeLeaseAmount", "totalInvestment", "energySavingRate", "ownerConsentAreaShare",
                 "landLeaseYears", "greenRatioAfter"):
        assert f'name="{name}"' in html, name
    assert 'name="industryCategory"' in html and '<option value="high-tech"' in html

def test_the_query_page_lists_the_library_with_parameters_as_fields(client, root) -> None:
    from policykg.sparql.library import load_library

    library = load_library(root)
    html = client.get("/query").text
    assert all(f'href="/query?name={name}"' in html for name in library)
    with_params = next((q for q in library.values() if q.params), None)
    if with_params is not None:
        page = client.get(f"/query?name={with_params.name}").text
        assert all(f'name="p_{p.name}"' in page for p in with_params.params)


def test_an_unknown_source_file_or_query_is_a_404(client) -> None:
    assert client.get("/sources/nope.txt").status_code == 404
    assert client.get("/query?name=nope").status_code == 404


CONSTRUCT_TITLES = ("PREFIX eli: <http://data.europa.eu/eli/ontology#>\n"
                    "CONSTRUCT { ?d eli:title ?t } WHERE { ?d eli:id_local \"京发改规〔2023〕12号\" ; eli:title ?t }")


def test_a_construct_query_on_the_page_shows_its_triples_and_offers_graph_downloads(client) -> None:
    html = client.post("/query", data={"query": CONSTRUCT_TITLES}).text
    assert "406" not in html and 'class="error-box"' not in html
    assert '<table class="result-table triples">' in html
    assert "<th>subject</th><th>predicate</th><th>object</th>" in html
    assert "关于加强腾退低效产业空间改造利用促进产业高质量发展的实施方案" in html
    for fmt in ("turtle", "ntriples", "jsonld", "rdfxml"):
        assert f'name="format" value="{fmt}"' in html
    assert 'value="csv"' not in html


def test_a_construct_query_downloads_as_turtle_that_parses(client) -> None:
    import pyoxigraph as ox

    answer = client.post("/query/download", data={"query": CONSTRUCT_TITLES, "format": "turtle"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/turtle")
    assert 'filename="results.ttl"' in answer.headers["content-disposition"]
    triples = list(ox.parse(answer.content, format=ox.RdfFormat.TURTLE))
    assert len(triples) == 1
    assert triples[0].object.value == "关于加强腾退低效产业空间改造利用促进产业高质量发展的实施方案"


def test_a_select_query_on_the_page_still_offers_the_result_formats(client) -> None:
    html = client.post("/query", data={"query": "SELECT ?x WHERE { BIND(1 AS ?x) }"}).text
    assert '<table class="result-table">' in html
    assert all(f'name="format" value="{f}"' in html for f in ("json", "xml", "csv", "tsv"))
    assert 'value="turtle"' not in html


def _rows(html: str) -> int:
    body = html.split('<table class="result-table">', 1)[1].split("</tbody>", 1)[0]
    return body.count("<tr>") - 1  # the header row


def test_a_library_parameter_cleared_on_the_page_means_all_not_the_default(client) -> None:
    # measures-for-project-type: "Leave projectType empty for every type" (default old-factory)
    every = client.get("/api/queries/measures-for-project-type?projectType=").json()
    old_factory = client.get("/api/queries/measures-for-project-type").json()
    cleared = client.get("/query?name=measures-for-project-type&run=1&p_projectType=").text
    assert _rows(cleared) == len(every["results"]["bindings"]) > len(old_factory["results"]["bindings"])
    assert '<option value="" selected' not in cleared and '<option value="old-factory" selected' not in cleared


def test_a_concept_parameter_is_a_choice_of_the_schemes_concepts(client) -> None:
    html = client.get("/query?name=measures-for-project-type").text
    field = html.split('<select name="p_projectType">', 1)[1].split("</select>", 1)[0]
    assert '<option value="old-factory" selected>' in field
    assert '<option value="low-efficiency-building"' in field and '<option value="">' in field
