"""Clause pages and their JSON, as legal staff read them (issue 11, item 5): every rule derived from a clause
says what it checks in words, never a message template (`申报值：{$value}`, `{?priorZh}`); labels follow the
printed numbering and name the document by its title where it has no number (the 2022 old-factory measures).

No clause text of the corpus contains a brace (policies/clauses/*.ttl), so any `{` in a clause's JSON or on its
page is template text that leaked.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from policykg.app import create_app
from policykg.config import Settings
from policykg.namespaces import BASE

ROOT = Path(__file__).resolve().parents[2]
OLD = "doc/jjxj/2022/old-factory"
OLD_TITLE = "《关于促进本市老旧厂房更新利用的若干措施》"
CLAUSE_IRI = re.compile(r"<(https://w3id\.org/policykg/doc/[^>]+)> a eli:LegalResourceSubdivision")
CLAUSES = sorted({m.group(1)[len(BASE):] for f in (ROOT / "policies" / "clauses").glob("*.ttl")
                  for m in CLAUSE_IRI.finditer(f.read_text(encoding="utf-8"))})


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store="memory", corpus_root=ROOT))) as c:
        yield c


def strings(x: Any, where: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(x, str):
        yield where, x
    elif isinstance(x, dict):
        for k, v in x.items():
            yield from strings(v, f"{where}.{k}")
    elif isinstance(x, list):
        for i, v in enumerate(x):
            yield from strings(v, f"{where}[{i}]")


class Visible(HTMLParser):
    """The text a reader sees: everything outside <script> and <style>."""

    def __init__(self) -> None:
        super().__init__()
        self.skip, self.parts = 0, []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def visible(html: str) -> str:
    v = Visible()
    v.feed(html)
    return "".join(v.parts)


def test_the_corpus_has_the_clauses_the_pages_are_checked_for() -> None:
    assert len(CLAUSES) > 300 and f"{OLD}/p3" in CLAUSES


def test_no_clause_json_holds_template_text(client: TestClient) -> None:
    leaks = []
    for c in CLAUSES:
        r = client.get(f"/api/clauses/{c}", headers={"accept": "application/json"})
        assert r.status_code == 200, c
        leaks += [(c, where, s[:80]) for where, s in strings(r.json()) if "{" in s or "}" in s]
    assert leaks == []


def test_no_clause_page_shows_template_text(client: TestClient) -> None:
    leaks = []
    for c in CLAUSES:
        r = client.get(f"/api/clauses/{c}", headers={"accept": "text/html"})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), c
        text = visible(r.text)
        leaks += [(c, m.group(0)) for m in re.finditer(r".{0,30}[{}].{0,30}", text)]
    assert leaks == []


def test_a_rule_derived_from_a_clause_says_what_it_checks_in_words(client: TestClient) -> None:
    # 京发改规〔2023〕12号 二、（一）2. 改造面积需超过 3000平方米
    d = client.get("/api/clauses/doc/jfgg/2023/12/2/1/2", headers={"accept": "application/json"}).json()
    crit = next(x for x in d["derived"] if x["iri"].endswith("/criterion/old-factory-area"))
    assert (crit["checks"], crit["checksEn"]) == ("“改造面积” 超过 3000 m²", "floor area renovated above 3000 m²")
    shape = next(x for x in d["derived"] if x["category"] == "shape" and x["iri"].endswith("/criterion/old-factory-area"))
    assert shape["checks"] == "“改造面积” 超过 3000 m²"
    assert "〔申报值〕" in shape["message"] and "{" not in shape["message"]
    page = visible(client.get("/api/clauses/doc/jfgg/2023/12/2/1/2", headers={"accept": "text/html"}).text)
    assert "校验内容 checks: “改造面积” 超过 3000 m²" in page
    # 二、（一）1. 整栋空置、…或单位面积年区级税收低于 200元/平方米…: the alternatives of an OR read as one of them
    d = client.get("/api/clauses/doc/jfgg/2023/12/2/1/1", headers={"accept": "application/json"}).json()
    either = next(x for x in d["derived"] if x["category"] == "shape"
                  and x["iri"].endswith("/criterion/low-efficiency-condition"))
    assert "“单位面积年区级税收” 低于 200 元/m²" in either["checks"] and "；或 " in either["checks"]
    built = next(x for x in d["derived"] if x["category"] == "criterion" and x["iri"].endswith("/built-10-years"))
    assert built["checks"] == "“建成年份”（自建成至申报日的年数） 不低于 10 年"
    # 二、（二） 改造项目需产权清晰: a declaration; 二、（二）1. the allowed categories by name
    d = client.get("/api/clauses/doc/jfgg/2023/12/2/2/p1", headers={"accept": "application/json"}).json()
    rights = next(x for x in d["derived"] if x["iri"].endswith("/criterion/property-rights-clear"))
    assert rights["checks"].endswith("须声明为是")
    # 12号 二、（五）: the no-double-funding shape names the funds in words, not {?priorZh}
    d = client.get("/api/clauses/doc/jfgg/2023/12/2/5", headers={"accept": "application/json"}).json()
    prior = next(x for x in d["derived"] if x["category"] == "shape" and x["iri"].endswith("/rule/no-double-funding"))
    assert "〔已获的市级资金〕" in prior["message"] and "[the municipal funds received]" in prior["messageEn"]


@pytest.mark.parametrize(("clause", "label"), [
    (f"{OLD}/p3", "¶3"),            # 本措施自发布之日起实施: the third unnumbered paragraph, not ¶7 (its position)
    (f"{OLD}/p1", "¶1"),
    (f"{OLD}/1/1", "一、（一）"),
    ("doc/jfgg/2023/12/2/1/2", "二、（一）2."),
])
def test_clause_labels_follow_the_printed_numbering_and_name_the_document(client: TestClient, clause: str,
                                                                          label: str) -> None:
    d = client.get(f"/api/clauses/{clause}", headers={"accept": "application/json"}).json()
    assert d["fullLabel"] == label
    number = d["document"]["number"]
    assert d["document"]["label"] == (number or OLD_TITLE)
    page = client.get(f"/api/clauses/{clause}", headers={"accept": "text/html"}).text
    h1 = re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)
    assert visible(h1).startswith(f"{number or OLD_TITLE} {label}")


def test_a_finding_of_the_old_factory_measures_is_filed_under_their_title(client: TestClient) -> None:
    body = {"type": "RenovationProject", "id": "f-1", "projectType": "old-factory", "floorArea": 3000,
            "inOldFactoryLedger": True, "inHighTechProjectDatabase": True, "applicationDate": "2024-06-01",
            "requests": [{"measure": "jjxj-2022-old-factory-space-upgrade-support"}]}
    rep = client.post("/api/validate", json=body).json()
    area = [r for r in rep["results"] if r["sourceShape"].endswith("/criterion/space-upgrade-area")]
    assert area and area[0]["clause"]["documentLabel"] == OLD_TITLE and area[0]["clause"]["label"] == "二、（三）"
    import json
    page = client.post("/validate", data={"mode": "text", "format": "json", "text": json.dumps(body)}).text
    assert "未关联条款" not in visible(page)
    assert f"{OLD_TITLE} 二、（三）" in visible(page)
