"""GET /api/documents/{id}, /api/clauses/{id}, /api/measures (docs/api.md) on the real corpus.

Facts asserted here are read off policies/sources/*.txt by hand (line numbers in comments).
"""
from __future__ import annotations

import pytest

BASE = "https://w3id.org/policykg/"
JSON = {"accept": "application/json"}
BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
CLAUSE_KEYS = {"iri", "label", "text", "document", "parent", "children", "derived", "anomalies"}
MEASURE_KEYS = {"iri", "slug", "documentNumber", "document", "clause", "clauseLabel", "kind", "projectTypes",
                "rate", "perUnit", "cap", "floor", "capPerYear", "exclusiveWith"}


def test_a_clause_is_served_with_its_verbatim_text_place_and_source_line(client) -> None:
    # jfgg-2023-12.txt line 79: "2.老旧厂房改造项目。重点支持由于疏解腾退…", under 二、（一）
    r = client.get("/api/clauses/doc/jfgg/2023/12/2/1/2", headers=JSON)
    assert r.status_code == 200
    c = r.json()
    assert CLAUSE_KEYS <= set(c)
    assert c["iri"] == BASE + "doc/jfgg/2023/12/2/1/2"
    assert c["label"] == "2."
    assert c["fullLabel"] == "二、（一）2."
    assert c["text"].startswith("2.老旧厂房改造项目")
    assert "改造面积需超过 3000平方米" in c["text"]  # line 83
    assert c["document"]["number"] == "京发改规〔2023〕12号"
    assert c["parent"]["iri"] == BASE + "doc/jfgg/2023/12/2/1"
    assert [p["label"] for p in c["path"]] == ["二、", "（一）", "2."]
    assert c["source"]["file"] == "jfgg-2023-12.txt" and c["source"]["line"] == 79
    assert c["source"]["url"].startswith("/sources/jfgg-2023-12.txt")


@pytest.mark.parametrize("ident", [
    "/api/clauses/doc/jfgg/2023/12/2/1/2",
    "/api/clauses/jfgg-2023-12/2/1/2",
    f"/api/clauses?iri={BASE}doc/jfgg/2023/12/2/1/2",
])
def test_a_clause_is_found_by_iri_path_slug_path_or_full_iri(client, ident: str) -> None:
    r = client.get(ident, headers=JSON)
    assert r.status_code == 200
    assert r.json()["iri"] == BASE + "doc/jfgg/2023/12/2/1/2"


@pytest.mark.parametrize("ident", ["/api/documents/jfgg-2023-12", "/api/documents/doc/jfgg/2023/12",
                                   f"/api/documents?iri={BASE}doc/jfgg/2023/12"])
def test_a_document_is_found_by_slug_iri_path_or_full_iri(client, ident: str) -> None:
    r = client.get(ident, headers=JSON)
    assert r.status_code == 200
    d = r.json()
    assert d["iri"] == BASE + "doc/jfgg/2023/12"
    assert d["number"] == "京发改规〔2023〕12号"
    assert d["title"] == "关于加强腾退低效产业空间改造利用促进产业高质量发展的实施方案"


def test_a_document_lists_its_clause_tree_validity_clause_and_citations(client) -> None:
    d = client.get("/api/documents/jgzf-2024-67", headers=JSON).json()
    assert {"iri", "number", "text", "document", "parent", "children", "derived", "anomalies"} <= set(d)
    assert [c["label"] for c in d["children"] if c["label"]][:2] == ["第一章", "第二章"]
    assert d["issued"] == "2024-03-14"  # notice, line 25: 2024年3月14日
    # line 145: 第二十九条 本细则自印发之日起试行，有效期为五年。
    validity = client.get(f"/api/clauses?iri={d['validity']['clause']['iri']}", headers=JSON).json()
    assert validity["label"] == "第二十九条"
    assert "有效期为五年" in validity["text"]
    assert d["inForceUntil"] == "2029-03-13"
    assert any(c["number"] == "京规自发〔2021〕79号" for c in d["cites"])  # cited in 第十四条, line 75
    assert d["clauseCount"] == len(d["text"].split("\n"))


def test_the_duplicated_article_14_of_67_stays_two_clauses_each_flagged(client) -> None:
    # jgzf-2024-67.txt lines 75 and 79 both print **第十四条** (【消防审核】, 【未登记建筑物】)
    first = client.get("/api/clauses/jgzf-2024-67/2/14", headers=JSON).json()
    second = client.get("/api/clauses/jgzf-2024-67/2/14-2", headers=JSON).json()
    assert first["label"] == second["label"] == "第十四条"
    assert first["text"].startswith("第十四条【消防审核】")
    assert second["text"].startswith("第十四条【未登记建筑物】")
    for c in (first, second):
        assert [a["kind"] for a in c["anomalies"]] == ["duplicate-label"]


@pytest.mark.parametrize("slug", ["jgzf-2024-67", "jjf-2024-3"])
def test_a_missing_article_11_is_visible_on_the_document(client, slug: str) -> None:
    # 67号: 第十条 (line 61) is followed by 第十二条 (line 71); 3号: 第十条 (line 65) then 第十二条 (line 75)
    d = client.get(f"/api/documents/{slug}", headers=JSON).json()
    missing = [a for a in d["anomalies"] if a["kind"] == "missing-number"]
    assert [a["missingLabel"] for a in missing] == ["第十一条"]
    labels = [c["label"] for c in _flat(d["clauses"])]
    assert "第十一条" not in labels and "第十条" in labels and "第十二条" in labels


def _flat(nodes: list[dict]) -> list[dict]:
    return [x for n in nodes for x in [n, *_flat(n["children"])]]


def test_measures_carry_the_contract_fields_and_a_clause_of_their_document(client) -> None:
    measures = client.get("/api/measures").json()
    assert len(measures) > 0
    for m in measures:
        assert MEASURE_KEYS <= set(m), m["iri"]
        assert m["clause"] and m["clauseLabel"], m["iri"]
        assert m["clause"].startswith(m["document"] + "/"), m["iri"]


def test_the_low_efficiency_building_subsidy_is_10_percent_capped_at_5000(client) -> None:
    # jfgg-2023-12.txt lines 130-136, 二、（四）1.: 低效楼宇改造项目 … 10%的比例 … 最高不超过 5000万元
    r = client.get("/api/measures/jfgg-2023-12-investment-subsidy-low-efficiency-building", headers=JSON)
    assert r.status_code == 200
    m = r.json()
    assert (m["rate"], m["cap"], m["kind"]) == (0.1, 5000, "investment-subsidy")
    assert m["projectTypes"] == ["low-efficiency-building"]
    assert m["clause"] == BASE + "doc/jfgg/2023/12/2/4/1" and m["clauseLabel"] == "二、（四）1."
    assert "10%的比例" in m["texts"][m["clause"]]
    # 二、（四）: 投资补助和贷款贴息两种 … 可以申请其中一种
    assert any("loan-interest" in x for x in m["exclusiveWith"])
    assert all("low-efficiency-building" in x["projectTypes"] for x in m["sameProjectType"])


def test_a_clause_lists_the_measures_derived_from_it(client) -> None:
    c = client.get("/api/clauses/jfgg-2023-12/2/4/1", headers=JSON).json()
    slugs = {d.get("slug") for d in c["derived"] if d["category"] == "measure"}
    assert "jfgg-2023-12-investment-subsidy-low-efficiency-building" in slugs


def test_measures_filter_by_project_type(client) -> None:
    measures = client.get("/api/measures?projectType=old-factory").json()
    assert measures and all("old-factory" in m["projectTypes"] for m in measures)


def test_chinese_substring_search_finds_the_clause(client) -> None:
    hits = client.get("/api/search", params={"q": "老旧厂房改造项目。重点支持"}).json()
    # 二、 and （一） hold the text of their sub-clauses too: only the clause itself is a hit
    assert [h["iri"] for h in hits] == [BASE + "doc/jfgg/2023/12/2/1/2"]
    assert hits[0]["snippet"][1] == "老旧厂房改造项目。重点支持"


def test_an_empty_search_finds_nothing_and_a_huge_one_is_refused(client) -> None:
    assert client.get("/api/search", params={"q": ""}).json() == []
    r = client.get("/api/search", params={"q": "长" * 201})
    assert r.status_code == 422


@pytest.mark.parametrize("url,kind", [("/api/documents/jfgg-2099-1", "document"),
                                      ("/api/clauses/doc/jfgg/2023/12/9/9/9", "clause"),
                                      ("/api/measures/no-such-measure", "measure"),
                                      ("/api/clauses/jfgg-2023-12", "clause"),
                                      ("/api/clauses/doc/jfgg/%25%25", "clause"),
                                      # U+0085 is whitespace to Python's strip() but not to the OpenAPI pattern's
                                      # \s: it was "not an id" (400) for a schema-valid id (schemathesis ST202)
                                      ("/api/measures/%C2%85", "measure")])
def test_unknown_ids_are_404_json_errors(client, url: str, kind: str) -> None:
    r = client.get(url, headers=BROWSER)
    assert r.status_code == 404
    body = r.json()
    assert set(body) == {"error", "detail"} and body["detail"]["kind"] == kind


def test_a_malformed_id_is_a_400(client) -> None:
    r = client.get("/api/clauses", params={"iri": "doc/<script>"}, headers=JSON)
    assert r.status_code == 400
    assert set(r.json()) == {"error", "detail"}


def test_browsers_get_html_and_clients_json_from_the_same_url(client) -> None:
    html = client.get("/api/clauses/jfgg-2023-12/2/1/2", headers=BROWSER)
    assert "text/html" in html.headers["content-type"]
    assert "2.老旧厂房改造项目" in html.text and 'href="/sources/jfgg-2023-12.txt?from=79' in html.text
    assert client.get("/api/clauses/jfgg-2023-12/2/1/2").headers["content-type"] == "application/json"
    assert client.get("/api/clauses/jfgg-2023-12/2/1/2?format=json", headers=BROWSER).json()["label"] == "2."


def test_the_source_text_is_served_with_line_anchors(client) -> None:
    r = client.get("/sources/jfgg-2023-12.txt?from=79&to=83")
    assert r.status_code == 200
    assert '<tr id="L79" class="hl">' in r.text
    assert client.get("/sources/..%2Fmanifest.yaml").status_code == 404


def test_resolve_redirects_any_corpus_iri_to_its_page(client) -> None:
    r = client.get("/api/resolve", params={"iri": BASE + "doc/jfgg/2023/12/2/4/1"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/api/clauses/doc/jfgg/2023/12/2/4/1"
    r = client.get("/api/resolve", params={"iri": BASE + "doc/nothing/here"}, follow_redirects=False)
    assert r.status_code == 404
