"""`policykg validate FILE…`: each result with its clause; exit 0 conforms, 1 does not, 2 bad input."""
from __future__ import annotations

import json
from pathlib import Path

from server.cli import main

GOOD = {
    "id": "cli-1", "type": "RenovationProject", "projectType": "old-factory", "floorArea": 5000,
    "fixedAssetInvestment": 8000, "status": "under-construction", "propertyRightsClear": True,
    "industryPositioning": "高精尖", "operationsMechanism": True, "industryCategory": "high-tech",
    "applicationDate": "2024-06-01",
    "requests": [{"measure": "jfgg-2023-12-investment-subsidy-old-factory-and-infrastructure", "amount": 2400}],
}
TTL = """@prefix pkg: <https://w3id.org/policykg/ontology#> .
<https://w3id.org/policykg/data/cli-2> a pkg:RenovationProject ;
  pkg:projectType <https://w3id.org/policykg/concept/project-type/old-factory> ;
  pkg:floorArea 3000.0 ; pkg:fixedAssetInvestment 8000.0 ;
  pkg:status <https://w3id.org/policykg/concept/status/under-construction> ;
  pkg:propertyRightsClear true ; pkg:industryPositioning "高精尖" ; pkg:operationsMechanism true ;
  pkg:industryCategory <https://w3id.org/policykg/concept/industry-category/high-tech> ;
  pkg:applicationDate "2024-06-01"^^<http://www.w3.org/2001/XMLSchema#date> ;
  pkg:requests [ pkg:measure <https://w3id.org/policykg/doc/jfgg/2023/12/measure/investment-subsidy-old-factory-and-infrastructure> ;
                 pkg:amount 2400.0 ] .
"""


def _files(tmp_path: Path) -> tuple[Path, Path, Path]:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(GOOD, ensure_ascii=False), encoding="utf-8")
    bad = tmp_path / "small.ttl"
    bad.write_text(TTL, encoding="utf-8")
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix pkg: <https://w3id.org/policykg/ontology#> .\n<a> pkg:b [\n", encoding="utf-8")
    return good, bad, broken


def test_a_conforming_file_exits_0(tmp_path: Path, capsys) -> None:
    good, _, _ = _files(tmp_path)
    assert main(["validate", str(good)]) == 0
    assert capsys.readouterr().out.startswith(f"{good}: 符合")


def test_a_violation_exits_1_with_the_clause_label_number_and_text(tmp_path: Path, capsys) -> None:
    _, bad, _ = _files(tmp_path)
    assert main(["validate", str(bad), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "does not conform (1 violations" in out
    assert "[Violation] Renovated area of an old factory must exceed 3,000 m²" in out
    assert "京发改规〔2023〕12号 二、（一）2. <https://w3id.org/policykg/doc/jfgg/2023/12/2/1/2>" in out
    assert "“2.老旧厂房改造项目。" in out


def test_an_unparseable_file_exits_2_with_file_line_and_column(tmp_path: Path, capsys) -> None:
    good, _, broken = _files(tmp_path)
    assert main(["validate", str(good), str(broken)]) == 2
    out = capsys.readouterr().out
    assert f"{broken}:3:" in out
    assert "malformed turtle" in out


def test_json_output_is_the_api_report(tmp_path: Path, capsys) -> None:
    _, bad, _ = _files(tmp_path)
    assert main(["validate", str(bad), "--format", "json", "--lang", "zh"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["conforms"] is False
    assert out["results"][0]["message"].startswith("老旧厂房改造面积需超过 3000平方米")
    assert out["results"][0]["clause"]["documentNumber"] == "京发改规〔2023〕12号"


def test_turtle_output_is_the_report_graph(tmp_path: Path, capsys) -> None:
    _, bad, _ = _files(tmp_path)
    assert main(["validate", str(bad), "--format", "turtle"]) == 1
    assert "sh:ValidationReport" in capsys.readouterr().out


def test_as_of_selects_the_policies_in_force(tmp_path: Path, capsys) -> None:
    good, _, _ = _files(tmp_path)
    assert main(["validate", str(good), "--as-of", "2023-08-30", "--lang", "en"]) == 1
    assert "is in force from 2023-08-31" in capsys.readouterr().out


def test_several_files_and_an_unknown_extension(tmp_path: Path, capsys) -> None:
    good, bad, _ = _files(tmp_path)
    odd = tmp_path / "x.yaml"
    odd.write_text("a: 1", encoding="utf-8")
    assert main(["validate", str(good), str(bad)]) == 1
    assert main(["validate", str(odd)]) == 2
    assert "unknown file extension '.yaml'" in capsys.readouterr().out
