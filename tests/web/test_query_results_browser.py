"""Issue 14 on /query (YASGUI): an answer over the row cap says it was truncated, and IRI cells show
their labels (zh, and en where there is one) beside the IRI."""
from __future__ import annotations

from urllib.parse import urlencode

import pytest

pytestmark = pytest.mark.browser

# 101 × 100 = 10,100 solutions: over the server's default row cap (10,000)
OVER_THE_CAP = ("SELECT ?a ?b WHERE { VALUES ?a { " + " ".join(map(str, range(101))) + " } VALUES ?b { "
                + " ".join(map(str, range(100))) + " } }")
SMALL = "SELECT ?a WHERE { VALUES ?a { 1 2 3 } }"
MEASURES = ("PREFIX pkg: <https://w3id.org/policykg/ontology#>\n"
            "SELECT ?measure ?cap WHERE { ?measure a pkg:InvestmentSubsidy ; pkg:cap ?cap } ORDER BY ?measure")
BUNDLE = "https://w3id.org/policykg/doc/jfgg/2023/12/measure/investment-subsidy-district-bundle"


def permalink(query: str) -> str:
    return "/query?" + urlencode({"query": query, "run": 1})


def test_a_query_over_the_row_cap_shows_its_first_rows_and_a_truncation_notice(page, shot) -> None:
    page.goto(permalink(OVER_THE_CAP))
    notice = page.locator("#editor-truncated")
    notice.wait_for(state="visible")
    assert "前 10000 行" in notice.inner_text() and "truncated" in notice.inner_text()
    assert page.locator("#yasgui .yasr table tbody tr").count() > 0  # the rows are shown, not an error
    assert page.locator("#yasgui .yasr .errorResult").count() == 0
    notice.scroll_into_view_if_needed()
    shot(page, "18-yasgui-truncated")
    # the next answer, within the cap, takes the notice away
    page.evaluate("q => document.querySelector('#yasgui .CodeMirror').CodeMirror.setValue(q)", SMALL)
    page.locator("#yasgui .yasqe_queryButton").click()
    notice.wait_for(state="hidden")


def test_measure_iris_in_the_result_table_show_their_chinese_label(page, shot) -> None:
    page.goto(permalink(MEASURES))
    link = page.locator(f"#yasgui .yasr table tbody a.iri[href='{BUNDLE}']")
    link.wait_for()
    cell = link.locator("xpath=ancestor::td")
    zh = cell.locator(".iri-label[lang=zh]")
    zh.wait_for()
    assert zh.inner_text() == "片区统筹改造项目投资补助"
    assert cell.locator(".iri-label[lang=en]").inner_text() == "Investment subsidy for district bundle renovation"
    assert BUNDLE.rsplit("/", 1)[-1] in cell.inner_text()  # the IRI stays beside its label
    # literals get no label
    assert page.locator("#yasgui .yasr table tbody td .nonIri ~ .iri-labels").count() == 0
    link.scroll_into_view_if_needed()
    shot(page, "19-yasgui-labels")
