"""Every clause page in Chromium, as legal staff see it: no message template text (`{$value}`, `{?priorZh}`),
labels that follow the printed numbering, the document's title where it has no number (issue 11, item 5).

No verbatim clause text of the corpus contains a brace, so a `{` in a page's visible text is leaked template
text. The pages are found from the document pages' clause trees, the way a reader reaches them.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
OLD_TITLE = "《关于促进本市老旧厂房更新利用的若干措施》"


def _clause_paths(api: Any) -> list[str]:
    status, docs = api("/api/documents")
    assert status == 200
    paths: list[str] = []
    for d in docs:
        status, detail = api(f"/api/documents/{d['slug']}")
        stack = list(detail["clauses"])
        while stack:
            c = stack.pop()
            paths.append(c["iri"].removeprefix("https://w3id.org/policykg/"))
            stack.extend(c["children"])
    return sorted(paths)


def test_no_clause_page_shows_template_text(page, api, shot) -> None:
    paths = _clause_paths(api)
    assert len(paths) > 300
    leaks = []
    for path in paths:
        page.goto(f"/api/clauses/{path}")
        text = page.locator("body").inner_text()
        leaks += [(path, m.group(0)) for m in re.finditer(r".{0,30}[{}].{0,30}", text)]
    assert leaks == []
    page.goto("/api/clauses/doc/jfgg/2023/12/2/5")
    shot(page, "30-clause-rules-in-words", full=True)
    assert "〔已获的市级资金〕" in page.locator("ul.derived").first.inner_text()
    assert page.dialogs == []


def test_an_unnumbered_paragraph_of_the_old_factory_measures_is_labelled_by_its_title_and_place(page, shot) -> None:
    page.goto("/api/clauses/doc/jjxj/2022/old-factory/p3")
    assert page.locator("h1").inner_text().startswith(f"{OLD_TITLE} ¶3")  # not ¶7, its position among siblings
    assert "在 2022-2025 年内有效" in page.locator("blockquote.clause-text").inner_text()
    shot(page, "31-old-factory-paragraph")
    page.goto("/api/clauses/doc/jfgg/2023/12/2/1/2")
    assert "校验内容 checks: “改造面积” 超过 3000 m²" in page.locator("body").inner_text()
