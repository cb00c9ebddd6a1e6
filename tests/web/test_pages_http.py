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


def test_the_query_page_lists_the_library_with_parameters_as_fields(client, root) -> None:
    from server.queries import load_library

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
