"""End-to-end in headless Chromium: the flows legal staff, researchers and validators follow.

Screenshots go to tests/artifacts/. Facts are from policies/sources/*.txt (line numbers in comments).
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from policykg.sparql.library import load_library

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]


def _needs(api: Any, path: str) -> None:
    status, spec = api("/openapi.json")
    if status != 200 or not any(p == path or p.startswith(path + "/") for p in spec.get("paths", {})):
        pytest.fail(f"{path} is missing from /openapi.json: the route this page test needs is gone")


def test_home_leads_to_a_document_then_to_a_clause_and_its_source_line(page, shot) -> None:
    page.goto("/")
    assert page.locator("table.docs tbody tr").count() == 11
    shot(page, "01-home")
    page.get_by_role("link", name="关于加强腾退低效产业空间改造利用促进产业高质量发展的实施方案").click()
    page.wait_for_url("**/api/documents/jfgg-2023-12")
    assert page.locator("h1").inner_text() == "关于加强腾退低效产业空间改造利用促进产业高质量发展的实施方案"
    shot(page, "02-document")
    # jfgg-2023-12.txt line 79, under 二、（一）支持类型
    page.locator("#c-jfgg-2023-12-2-1-2 > .clause-head > a.clause-label").click()
    page.wait_for_url("**/api/clauses/doc/jfgg/2023/12/2/1/2")
    assert page.locator("blockquote.clause-text").inner_text().startswith("2.老旧厂房改造项目")
    assert "改造面积需超过 3000平方米" in page.locator("blockquote.clause-text").inner_text()  # line 83
    shot(page, "03-clause")
    page.locator("a.src").first.click()
    page.wait_for_url(re.compile(r".*/sources/jfgg-2023-12\.txt\?from=79.*#L79$"))
    assert page.locator("tr#L79.hl td.tx").inner_text().startswith("2.老旧厂房改造项目")
    shot(page, "04-source")
    assert page.dialogs == []


def test_searching_clause_text_in_chinese_finds_the_clause(page, shot) -> None:
    page.goto("/")
    page.locator("#q").fill("老旧厂房改造项目。重点支持")
    page.locator("form.bigsearch button").click()
    page.wait_for_url("**/api/search?q=*")
    hits = page.locator("ol.hits li")
    assert hits.count() == 1
    assert hits.first.locator("mark").inner_text() == "老旧厂房改造项目。重点支持"
    hits.first.locator("a").click()
    page.wait_for_url("**/api/clauses/doc/jfgg/2023/12/2/1/2")
    shot(page, "05-search-to-clause")


def test_a_document_shows_validity_anomalies_and_the_duplicated_article(page, shot) -> None:
    page.goto("/api/documents/jgzf-2024-67")
    meta = page.locator("dl.meta").inner_text()
    assert "2029-03-13" in meta and "有效期为五年" in meta  # line 145: 第二十九条 … 有效期为五年
    anomalies = page.locator(".anomaly")
    assert anomalies.filter(has_text="第十一条").count() >= 1
    # lines 75 and 79: 第十四条 printed twice, both kept and both flagged
    for sid in ("c-jgzf-2024-67-2-14", "c-jgzf-2024-67-2-14-2"):
        sec = page.locator(f"#{sid}")
        assert sec.locator("> .clause-head > a.clause-label").inner_text() == "第十四条"
        assert sec.locator("> .anomaly").count() >= 1
    page.locator("#c-jgzf-2024-67-2-14-2").scroll_into_view_if_needed()
    shot(page, "06-document-anomalies")


def test_a_measure_page_compares_measures_for_the_same_project_type(page, shot) -> None:
    page.goto("/api/measures/jfgg-2023-12-investment-subsidy-low-efficiency-building")
    params = page.locator("dl.params").first.inner_text()
    assert "10%" in params and "5000 万元" in params  # lines 130-132
    assert "10%的比例" in page.locator("blockquote.verbatim").first.inner_text()
    assert page.locator("table.compare tbody tr").count() >= 1
    shot(page, "07-measure", full=True)


def test_the_pictures_draw_every_document(page, shot) -> None:
    page.goto("/graph")
    assert page.locator("svg[aria-label='citation graph'] rect[stroke='#8c1c13']").count() == 11
    shot(page, "08-graph", full=True)
    page.goto("/timeline")
    assert page.locator("svg[aria-label='validity timeline'] > a").count() == 11
    shot(page, "09-timeline")


def _old_factory_subsidy(api: Any) -> str:
    status, measures = api("/api/measures?projectType=old-factory&format=json")
    assert status == 200
    return next(m["slug"] for m in measures if m["documentNumber"] == "京发改规〔2023〕12号"
                and m["kind"] == "investment-subsidy")


def test_a_failing_form_submission_leads_to_its_clause_in_two_clicks(page, api, shot) -> None:
    _needs(api, "/api/validate")
    page.goto("/validate")
    page.get_by_role("link", name="填写表单 Fill in a form").click()
    form = page.locator("form#form")
    form.locator("select[name=projectType]").select_option("old-factory")
    # jfgg-2023-12.txt line 83: 老旧厂房 改造面积需超过 3000平方米 — 2500 m² fails
    form.locator("input[name=floorArea]").fill("2500")
    form.locator("input[name=fixedAssetInvestment]").fill("1000")
    form.locator("input[name=applicationDate]").fill("2024-06-01")
    form.locator("input[name=propertyRightsClear]").check()
    form.locator("input[name=operationsMechanism]").check()
    form.locator("select[name=request1]").select_option(_old_factory_subsidy(api))
    form.locator("input[name=amount1]").fill("300")
    form.get_by_role("button", name="校验 Validate").click()  # click 1
    page.wait_for_selector("#results")
    assert page.locator("#results .verdict.bad").count() == 1
    shot(page, "10-validation-findings", full=True)
    with page.expect_download() as dl:
        page.get_by_role("button", name="JSON").click()
    report = json.loads(Path(dl.value.path()).read_text(encoding="utf-8"))
    assert report["validation"]["conforms"] is False
    with page.expect_download() as dl:
        page.get_by_role("button", name="Turtle (SHACL)").click()
    assert "ValidationReport" in Path(dl.value.path()).read_text(encoding="utf-8")
    finding = page.locator(".finding").filter(has=page.locator("blockquote", has_text="3000平方米")).first
    finding.locator("a.clause-link").click()  # click 2
    page.wait_for_url("**/api/clauses/**")
    assert "3000平方米" in page.locator("blockquote.clause-text").inner_text()
    shot(page, "11-finding-clause")
    assert page.dialogs == []


def test_the_eligibility_table_puts_the_best_monetary_measure_first_and_folds_the_rest(page, api, shot) -> None:
    _needs(api, "/api/eligibility")
    page.goto("/validate")
    page.get_by_role("link", name="填写表单 Fill in a form").click()
    form = page.locator("form#form")
    form.locator("select[name=projectType]").select_option("old-factory")
    # 京发改规〔2023〕7号 第十一条: in a demo park, old-factory renovation 30% of the fixed-asset investment
    form.locator("input[name=floorArea]").fill("5000")
    form.locator("input[name=fixedAssetInvestment]").fill("1000")
    form.locator("input[name=applicationDate]").fill("2024-06-01")
    form.locator("select[name=industryCategory]").select_option("high-tech")
    for box in ("propertyRightsClear", "operationsMechanism", "inDemoPark", "inOldFactoryLedger",
                "inHighTechProjectDatabase"):
        form.locator(f"input[name={box}]").check()
    form.get_by_role("button", name="校验 Validate").click()
    page.wait_for_selector("#eligibility")
    section = page.locator("#eligibility")
    best = section.locator("table.monetary tbody tr").first
    assert "best" in (best.get_attribute("class") or "")
    assert best.locator(".best-tag").is_visible()
    assert best.locator("td.num").inner_text() == "300 万元"
    assert "30% × 1000万元" in best.locator("td.computation").inner_text()
    assert section.locator(".best-option").inner_text().startswith("★ 最优选择 Best option")
    assert section.locator("table.monetary .best").count() == 1
    # only monetary measures in the main table; the non-monetary ones are folded by document
    kinds = page.evaluate("Array.from(document.querySelectorAll('table.monetary tbody tr')).length")
    assert 0 < kinds < 15
    folded = section.locator("details.doc-group")
    assert folded.count() >= 3
    assert all(not d.is_visible() for d in section.locator("details.doc-group table").all())
    assert section.locator("table.monetary a[href*='civil-air-defence']").count() == 0
    section.scroll_into_view_if_needed()
    page.locator("#eligibility h2").evaluate("e => e.scrollIntoView()")
    shot(page, "16-eligibility")
    folded.first.locator("summary").click()
    assert folded.first.locator("table").is_visible()
    folded.first.evaluate("e => e.previousElementSibling.scrollIntoView()")
    shot(page, "17-eligibility-by-document")


def test_an_uploaded_turtle_file_is_validated_and_each_finding_quotes_its_clause(page, api, shot, tmp_path) -> None:
    _needs(api, "/api/validate")
    import yaml

    case = yaml.safe_load((ROOT / "tests/cases/cross-policy/turtle-submission.yaml").read_text(encoding="utf-8"))
    upload = tmp_path / "project.ttl"
    upload.write_text(case["turtle"], encoding="utf-8")
    page.goto("/validate")
    page.locator("form#paste input[type=file]").set_input_files(str(upload))
    page.locator("form#paste button[type=submit]").click()
    page.wait_for_selector("#results")
    assert page.locator("#results .verdict.bad").count() == 1
    findings = page.locator("#results .finding")
    assert findings.count() == len(case["results"])  # 二（一）2., 二（四）1., 二（五）
    for f in findings.all():
        assert f.locator("a.clause-link").count() == 1 and f.locator("blockquote.verbatim").inner_text()
    assert "3000平方米" in page.locator("#results").inner_text()
    assert "pkg:floorArea 3000.0" in page.locator("form#paste textarea[name=text]").input_value()
    shot(page, "18-turtle-upload", full=True)


def _library_query() -> Any:
    for q in load_library(ROOT).values():
        if not q.is_violation_check and all(p.default is not None for p in q.params):
            return q
    pytest.fail("the query library has no query runnable with its defaults")


def test_a_library_query_runs_from_the_page_and_shows_its_rows(page, api, shot) -> None:
    _needs(api, "/api/queries")
    q = _library_query()
    page.goto("/query")
    page.locator("#library-filter").fill(q.name)  # the filter box narrows the list to the query
    visible = page.locator("ul.library li:visible")
    assert 1 <= visible.count() < page.locator("ul.library li").count()
    assert all(q.name in t for t in visible.all_inner_texts())
    page.get_by_role("link", name=q.name, exact=True).click()
    page.wait_for_url(f"**/query?name={q.name}")
    page.locator("#library-form button").click()
    page.wait_for_selector("#results")
    rows = page.locator("table.result-table tbody tr")
    from policykg.web.pages_more import table

    status, answer = api(f"/api/queries/{q.name}")
    assert status == 200
    assert rows.count() == len(table(answer)["rows"]) > 0
    shot(page, "12-query-results", full=True)


def test_source_and_user_text_is_shown_escaped_never_run(page, api, shot, xss_clause_text) -> None:
    _needs(api, "/api/validate")
    page.goto("/api/clauses/doc/test/xss/1")
    assert page.locator("blockquote.clause-text").inner_text() == xss_clause_text
    assert "<b>1.</b>" in page.locator("h1").inner_text()
    shot(page, "13-xss-clause")
    page.goto("/api/documents/doc/test/xss")
    assert "<img src=x onerror=" in page.locator("h1").inner_text()
    page.goto("/api/search?q=" + "<script>window.__xss=5</script>")
    assert page.locator("input[name=q]").first.input_value() == "<script>window.__xss=5</script>"
    submission: dict[str, Any] = {
        "id": "xss-1", "type": "RenovationProject", "projectType": "old-factory", "floorArea": 2500,
        "applicant": {"name": "<script>window.__xss=6;alert('name')</script>"},
        "industryPositioning": "<img src=x onerror=\"window.__xss=7;alert(7)\">"}
    submission["requests"] = [{"measure": _old_factory_subsidy(api), "amount": 100}]
    page.goto("/validate")
    page.locator("form#paste textarea[name=text]").fill(json.dumps(submission, ensure_ascii=False))
    page.locator("form#paste button[type=submit]").click()
    page.wait_for_load_state()
    assert "<script>window.__xss=6;alert('name')</script>" in page.locator("form#paste textarea").input_value()
    shot(page, "14-xss-validation", full=True)
    # a value the API rejects comes back in its error message: shown as text too
    submission["status"] = "<script>window.__xss=8;alert(8)</script>"
    page.locator("form#paste textarea[name=text]").fill(json.dumps(submission, ensure_ascii=False))
    page.locator("form#paste button[type=submit]").click()
    page.wait_for_load_state()
    assert "<script>window.__xss=8;alert(8)</script>" in page.locator(".error-box").inner_text()
    assert page.evaluate("window.__xss") is None
    assert page.dialogs == []


@pytest.mark.parametrize("spec", [(200, {"paths": {"/api/documents": {}}}), (404, None), (200, {})])
def test_a_page_test_fails_rather_than_skips_when_its_route_is_gone_from_openapi(spec) -> None:
    with pytest.raises(pytest.fail.Exception, match="^/api/validate is missing from /openapi.json"):
        _needs(lambda path: spec, "/api/validate")
    _needs(lambda path: (200, {"paths": {"/api/validate": {}}}), "/api/validate")  # present: no failure
