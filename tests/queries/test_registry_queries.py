"""The registry queries on awards recorded through policykg.registry.records (the code POST /api/awards runs)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from policykg.registry.records import record_award
from policykg.store import OxiStore
from tests.queries.test_library import D000, D7, D12, col, run

ROOT = Path(__file__).resolve().parents[2]
M = "https://w3id.org/policykg/"
OLD12 = f"{M}{D12}/measure/investment-subsidy-old-factory-and-infrastructure"
LOAN12 = f"{M}{D12}/measure/loan-interest-subsidy"
OLD7 = f"{M}{D7}/measure/renovation-support-old-factory-and-infrastructure"
SRDI_GRANT, SRDI_AWARD = f"{M}{D000}/measure/srdi-park-construction-grant", f"{M}{D000}/measure/srdi-park-performance-award"
LEASE = f"{M}{D000}/measure/finance-lease-subsidy"
PILOT = f"{M}{D000}/measure/pilot-line-award"

AWARDS = [  # (project, credit code, measure, 万元, date)
    ("C1/P1", "C1", OLD12, "3000", "2024-03-01"), ("C1/P1", "C1", OLD7, "1000", "2024-06-01"),
    ("C2/P2", "C2", SRDI_GRANT, "400", "2024-05-01"), ("C2/P2", "C2", SRDI_AWARD, "80", "2025-05-01"),
    ("C3/P3", "C3", OLD12, "4000", "2024-04-01"), ("C3/P3", "C3", LOAN12, "1000", "2024-09-01"),
    ("C9/L1", "C9", LEASE, "600", "2024-02-01"), ("C9/L1", "C9", LEASE, "500", "2024-11-30"),
    ("C9/L1", "C9", LEASE, "900", "2025-01-15"), ("C9/L2", "C9", LEASE, "1000", "2026-03-01"),
    ("C4/P4", "C4", PILOT, "2000", "2024-01-10"), ("C4/P4", "C4", PILOT, "1000", "2024-12-10"),
    ("C5/P5", "C5", PILOT, "2000", "2024-01-10"), ("C5/P5", "C5", PILOT, "1500", "2024-12-10"),
]


@pytest.fixture(scope="module")
def registry() -> OxiStore:
    store = OxiStore(None)
    store.ensure_corpus(ROOT)
    for i, (project, cc, measure, amount, when) in enumerate(AWARDS):
        record_award(store, project_key=project, measure=measure, amount=Decimal(amount),
                     when=date.fromisoformat(when), credit_code=cc, body_sha=f"test-{i}")
    return store


def test_a_project_funded_by_two_documents_breaks_their_no_double_funding_rules(registry) -> None:
    rows = run(registry, "registry-projects-with-several-measures")
    got = {(r["project"], r["forbidden"], r["reason"]) for r in rows}
    assert got == {
        ("C1/P1", True, "no-double-funding"),  # 12号 二（五）and 7号 第三条: other municipal funds
        ("C3/P3", True, "exclusive"),          # 12号 二（四）可以申请其中一种支持方式
        ("C2/P2", False, "no rule against"),   # (八) 资金补助，并…奖励: both from one clause
    }
    assert col(run(registry, "registry-projects-with-several-measures", project="C1/P1"), "project") == {"C1/P1"}


def test_finance_lease_subsidies_per_enterprise_per_year_against_the_1000_cap(registry) -> None:
    rows = run(registry, "registry-awards-per-enterprise-year")
    lease = {r["year"]: (r["total"], r["capPerYear"], r["overCap"]) for r in rows if r["measure"].endswith("lease-subsidy")}
    # (五) 单个企业年度补贴金额不超过 1000 万元: per enterprise (both of C9's projects), per calendar year, inclusive
    assert lease == {
        2024: (Decimal(1100), Decimal(1000), True),
        2025: (Decimal(900), Decimal(1000), False),
        2026: (Decimal(1000), Decimal(1000), False),  # exactly the cap: 不超过 includes it
    }
    only_2024 = run(registry, "registry-awards-per-enterprise-year", year="2024")
    assert col(only_2024, "year") == {2024}
    assert ("C1", OLD12.removeprefix(M), False) in col(only_2024, "creditCode", "measure", "overCap")  # no per-year cap


def test_awards_under_a_measure_against_its_per_project_cap(registry) -> None:
    rows = {(r["project"], r["measure"].rsplit("/", 1)[-1]): (r["total"], r["overCap"])
            for r in run(registry, "registry-awards-over-project-cap")}
    # (七) 单个项目奖励金额最高不超过 3000 万元
    assert rows[("C4/P4", "pilot-line-award")] == (Decimal(3000), False)
    assert rows[("C5/P5", "pilot-line-award")] == (Decimal(3500), True)
    assert rows[("C3/P3", "investment-subsidy-old-factory-and-infrastructure")] == (Decimal(4000), False)  # ≤ 5000
    assert ("C9/L1", "finance-lease-subsidy") not in rows  # no per-project cap, only per enterprise per year


def _served(store: OxiStore, name: str, **params: str) -> list[dict]:
    """As GET /api/queries/{name} runs it: a registry job, its parameters bound by VALUES (sparql.formats.evaluate)."""
    import json

    from policykg.namespaces import PREFIXES
    from policykg.sparql import QueryJob, evaluate
    from tests.queries.test_library import LIB

    q = LIB[name]
    job = QueryJob(text=q.text, fmt="json", form="SELECT", max_rows=10_000, union_default=True,
                   bindings=q.bindings(params), prefixes=dict(PREFIXES))
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(evaluate(store.ox, job).body)["results"]["bindings"]]


def test_the_per_enterprise_year_query_answers_for_one_enterprise_and_one_year(registry) -> None:
    rows = _served(registry, "registry-awards-per-enterprise-year", creditCode="C9", year="2024")
    assert [(r["creditCode"], r["year"], r["measure"].rsplit("/", 1)[-1], r["total"], r["overCap"]) for r in rows] == [
        ("C9", "2024", "finance-lease-subsidy", "1100", "true")]  # 600 + 500 > 1000 (不超过 1000 万元)
    assert {(r["year"], r["total"], r["overCap"]) for r in _served(registry, "registry-awards-per-enterprise-year",
                                                                    creditCode="C9")} == {
        ("2024", "1100", "true"), ("2025", "900", "false"), ("2026", "1000", "false")}  # exactly the cap: not over
    assert {r["creditCode"] for r in _served(registry, "registry-awards-per-enterprise-year", year="2025")} == {"C2", "C9"}
    assert _served(registry, "registry-awards-per-enterprise-year", creditCode="nobody") == []


def test_the_over_cap_query_answers_for_one_project(registry) -> None:
    rows = _served(registry, "registry-awards-over-project-cap", project="C5/P5")
    # (七) 单个项目奖励金额最高不超过 3000 万元: 2000 + 1500 is over it
    assert [(r["measure"].rsplit("/", 1)[-1], r["total"], r["cap"], r["overCap"]) for r in rows] == [
        ("pilot-line-award", "3500", "3000", "true")]
    assert {r["project"] for r in _served(registry, "registry-awards-over-project-cap")} >= {"C3/P3", "C4/P4", "C5/P5"}
