"""The SPARQL editor of /query: YASGUI served from our own static files, permalinks, the no-JS form."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from policykg.web import editor

pytestmark = pytest.mark.browser

COUNT_Q = ("PREFIX eli: <http://data.europa.eu/eli/ontology#>\nPREFIX pkg: <https://w3id.org/policykg/ontology#>\n"
           "SELECT ?number WHERE { ?d a eli:LegalResource ; pkg:inCorpus true ; eli:id_local ?number . "
           "FILTER(?number = \"京发改规〔2023〕12号\") }")


@pytest.fixture
def page_nojs(browser: Any, web_server: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=web_server, java_script_enabled=False)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    try:
        yield pg
    finally:
        context.close()


def test_the_editor_is_yasgui_served_from_our_own_static_files(page, shot) -> None:
    assert editor.available(), "make installs YASGUI from package-lock.json into server/web/static/vendor"
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto("/query")
    page.wait_for_selector("#yasgui .yasqe .CodeMirror")
    assert page.locator("#editor-form").is_hidden()
    base = page.url.split("/query")[0]
    outside = [u for u in requests if not (u.startswith(base) or u.startswith("data:"))]
    assert outside == []  # nothing from a CDN
    assert page.locator("#editor-examples option").count() > 10  # the library's corpus queries
    shot(page, "16-yasgui-editor")


def test_typing_a_query_in_the_editor_and_running_it_shows_a_result_cell(page, shot) -> None:
    page.goto("/query")
    page.wait_for_selector("#yasgui .yasqe .CodeMirror")
    page.locator("#yasgui .CodeMirror").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(COUNT_Q)
    page.locator("#yasgui .yasqe_queryButton").click()
    cell = page.locator("#yasgui .yasr table tbody td", has_text="京发改规〔2023〕12号")
    cell.first.wait_for()
    assert "京发改规〔2023〕12号" in cell.first.inner_text()
    href = page.locator("#editor-permalink").get_attribute("href")
    assert href == "/query?" + urlencode({"query": COUNT_Q, "run": 1})
    shot(page, "17-yasgui-result")


def test_a_permalink_reproduces_the_query_and_its_results(page, page_nojs) -> None:
    link = "/query?" + urlencode({"query": COUNT_Q, "run": 1})
    page.goto(link)
    page.locator("#yasgui .yasr table tbody td", has_text="京发改规〔2023〕12号").first.wait_for()
    assert page.evaluate("document.querySelector('#yasgui .CodeMirror').CodeMirror.getValue()") == COUNT_Q
    # the same link without JavaScript: the server runs it and shows the rows
    page_nojs.goto(link)
    assert page_nojs.locator("#editor-form textarea").input_value() == COUNT_Q
    assert page_nojs.locator("table.result-table tbody tr").all_inner_texts() == ["京发改规〔2023〕12号"]


def test_without_javascript_a_construct_query_from_the_form_shows_triples_and_downloads_turtle(page_nojs, shot) -> None:
    """Without JavaScript the editor is a plain form that still runs every kind of query."""
    page = page_nojs
    import pyoxigraph as ox

    page.goto("/query")
    page.locator("#editor-form textarea[name=query]").fill(
        "PREFIX eli: <http://data.europa.eu/eli/ontology#>\n"
        "CONSTRUCT { ?d eli:title ?t ; eli:id_local ?n } WHERE { ?d eli:id_local ?n ; eli:title ?t . "
        "FILTER(?n = \"京发改规〔2023〕12号\") }")
    page.locator("#editor-form button[type=submit]").click()
    page.wait_for_selector("#results")
    assert page.locator(".error-box").count() == 0
    table = page.locator("table.result-table.triples")
    assert table.locator("thead th").all_inner_texts() == ["subject", "predicate", "object"]
    assert table.locator("tbody tr").count() == 2
    assert "京发改规〔2023〕12号" in table.inner_text()
    assert page.locator("form.downloads button").all_inner_texts() == ["Turtle", "N-Triples", "JSON-LD", "RDF/XML"]
    shot(page, "15-construct-triples", full=True)
    with page.expect_download() as dl:
        page.get_by_role("button", name="Turtle").click()
    assert dl.value.suggested_filename == "results.ttl"
    triples = list(ox.parse(Path(dl.value.path()).read_bytes(), format=ox.RdfFormat.TURTLE))
    assert sorted(t.object.value for t in triples) == [
        "京发改规〔2023〕12号", "关于加强腾退低效产业空间改造利用促进产业高质量发展的实施方案"]


