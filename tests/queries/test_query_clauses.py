"""`clauses:` in a query header: the clauses a query is about, shown on each clause's page as a query that uses it."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from policykg.namespaces import BASE
from policykg.sparql.library import QUERY_BASE, load_library

ROOT = Path(__file__).resolve().parents[2]
LIB = load_library(ROOT)
USES = sorted((name, c) for name, q in LIB.items() for c in q.clauses)
D = BASE + "doc/"
NO_DOUBLE_FUNDING = {  # read in the texts
    D + "jjxj/2022/old-factory/p2",  # 对已获得市级其他财政资金支持的项目，不再重复支持。
    D + "jfgg/2023/12/2/5",  # 12号 二（五）通过其他渠道获得过市级财政性资金支持的项目，不再予以支持。
    D + "jfgg/2023/7/1/3",  # 7号 第三条 对获得过其他市级财政资金支持的项目不再予以资金支持。
    D + "jfgg/2023/7/4/10",  # 7号 第十条 符合其他相关市级园区支持政策的项目，可按相关政策予以支持，不重复支持。
}


def test_the_queries_about_specific_clauses_name_them() -> None:
    assert set(LIB["no-double-funding-rules"].clauses) == NO_DOUBLE_FUNDING
    assert D + "jfgg/2023/12/2/4/p1" in LIB["exclusive-measure-pairs"].clauses  # 12号 二（四）…可以申请其中一种支持方式
    assert set(LIB["source-anomalies"].clauses) == {  # 67号: 第十一条 never printed, 第十四条 printed twice
        D + "jgzf/2024/67/2", D + "jgzf/2024/67/2/14", D + "jgzf/2024/67/2/14-2"}
    assert NO_DOUBLE_FUNDING <= set(LIB["measure-combinations"].clauses)


@pytest.mark.parametrize(("name", "clause"), USES, ids=[f"{n}:{c.removeprefix(D)}" for n, c in USES])
def test_every_listed_clause_exists_in_the_corpus(store, name: str, clause: str) -> None:
    ask = "ASK { ?c a <http://data.europa.eu/eli/ontology#LegalResourceSubdivision> }"
    assert store.ask(ask, {"c": ox.NamedNode(clause)}), f"{name}: no clause {clause}"


@pytest.mark.parametrize(("name", "clause"), USES, ids=[f"{n}:{c.removeprefix(D)}" for n, c in USES])
def test_a_clause_page_lists_the_queries_that_use_it(client, name: str, clause: str) -> None:
    r = client.get("/api/clauses/" + clause.removeprefix(BASE), headers={"Accept": "application/json"})
    assert r.status_code == 200
    queries = {d["iri"]: d for d in r.json()["derived"] if d["category"] == "query"}
    assert QUERY_BASE + name in queries
    assert queries[QUERY_BASE + name]["name"] == name
