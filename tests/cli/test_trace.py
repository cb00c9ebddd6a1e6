"""`policykg trace`: measure -> clause -> parent clauses -> document -> authority (hand-checked facts)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from policykg.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
MEASURE = "jfgg-2023-12-investment-subsidy-low-efficiency-building"


def test_tracing_a_measure_prints_its_clause_parents_document_and_authority(capsys) -> None:
    assert main(["trace", MEASURE]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("measure: 低效楼宇改造项目投资补助")
    # jfgg-2023-12.txt lines 130-136 (二、（四）1.), under （四）支持方式和标准 (line 124) and 二、支持政策
    order = [out.index(s) for s in ("clause: 京发改规〔2023〕12号 二、（四）1. 投资补助",
                                    "“1.投资补助。低效楼宇改造项目，按照固定资产投资总额 10%的比例",
                                    "part of: 京发改规〔2023〕12号 二、（四） 支持方式和标准",
                                    "part of: 京发改规〔2023〕12号 二、 支持政策",
                                    "document: 京发改规〔2023〕12号 《关于加强腾退低效产业空间改造利用促进产业高质量发展的实施方案》",
                                    "authority: 北京市发展和改革委员会")]
    assert order == sorted(order)
    assert "rate 10% of fixedAssetInvestment; cap 5000 万元" in out
    assert "issued 2023-08-31" in out


def test_tracing_a_clause_shows_its_anomaly_and_what_derives_from_it(capsys) -> None:
    # jgzf-2024-67.txt line 75: the first of two clauses printed 第十四条
    assert main(["trace", "doc/jgzf/2024/67/2/14"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("clause: 京规自发〔2024〕67号 第二章第十四条 【消防审核】 [jgzf-2024-67.txt:75-")
    assert "⚠ source anomaly (duplicate-label)" in out
    assert "authority: 北京市规划和自然资源委员会" in out
    assert "derived from this clause and its sub-clauses:" in out


def test_trace_as_json_gives_the_same_chain(capsys) -> None:
    assert main(["trace", "--json", "jfgg-2023-12/2/4/1"]) == 0
    chain = json.loads(capsys.readouterr().out)
    assert chain["kind"] == "clause"
    assert [c["label"] for c in chain["clauses"]] == ["二、", "（四）", "1."]
    assert chain["document"]["number"] == "京发改规〔2023〕12号"
    assert MEASURE in {d.get("slug") for d in chain["derived"]}


def test_an_unknown_id_exits_2_with_a_message() -> None:
    r = subprocess.run([sys.executable, "-m", "policykg.cli", "trace", "jfgg-2023-12/9/9"], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    assert r.stdout == ""
    assert "no resource 'jfgg-2023-12/9/9'" in r.stderr
