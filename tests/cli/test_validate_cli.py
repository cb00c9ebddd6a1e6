"""`policykg validate FILE…`: each result with its clause; exit 0 conforms, 1 does not, 2 bad input."""
from __future__ import annotations

import json
from pathlib import Path

from policykg.cli.main import main

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
    assert "does not conform (1 violation, 0 warnings, 0 infos)" in out
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


ILL_TYPED = ("@prefix pkg: <https://w3id.org/policykg/ontology#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
             "<https://w3id.org/policykg/data/t1> a pkg:RenovationProject ;\n"
             "  pkg:projectType <https://w3id.org/policykg/concept/project-type/old-factory> ;\n"
             '  pkg:floorArea "lots"^^xsd:decimal .\n')


def _bad_inputs(tmp_path: Path) -> list[tuple[Path, str]]:
    null = tmp_path / "null.json"
    null.write_text("null", encoding="utf-8")
    t1 = tmp_path / "t1.ttl"
    t1.write_text(ILL_TYPED, encoding="utf-8")
    return [(null, "a submission is a JSON object (or a list of objects), got null"),
            (t1, "floorArea: 'lots' is not a valid xsd:decimal")]


def test_validate_answers_a_null_body_and_an_ill_typed_literal_with_one_line_and_exit_2(tmp_path: Path,
                                                                                         capsys) -> None:
    for path, message in _bad_inputs(tmp_path):
        assert main(["validate", str(path), "--lang", "en"]) == 2
        out, err = capsys.readouterr()
        assert out.strip() == f"bad input: {path}: {message}"
        assert "Traceback" not in err


def test_eligibility_answers_a_null_body_and_an_ill_typed_literal_with_one_line_and_exit_2(tmp_path: Path,
                                                                                            capsys) -> None:
    for path, message in _bad_inputs(tmp_path):
        assert main(["eligibility", str(path)]) == 2
        out, err = capsys.readouterr()
        assert (out, err.strip()) == ("", f"{path}: {message}")


def test_eligibility_as_turtle_is_one_shacl_report_per_measure_with_its_amount(tmp_path: Path, capsys) -> None:
    from rdflib import RDF, Graph, Literal, URIRef
    from rdflib.namespace import SH

    from policykg.namespaces import PKG

    good = tmp_path / "good.json"
    good.write_text(json.dumps(GOOD, ensure_ascii=False), encoding="utf-8")
    assert main(["eligibility", str(good), "--format", "json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert main(["eligibility", str(good), "--format", "turtle", "--lang", "en"]) == 0
    g = Graph().parse(data=capsys.readouterr().out, format="turtle")
    by_measure = {g.value(r, PKG.measure): r for r in g.subjects(RDF.type, SH.ValidationReport)}
    assert len(by_measure) == len(answer["measures"]) + 1  # and one for the findings whatever is requested
    for m in answer["measures"]:
        r = by_measure[URIRef(m["measure"])]
        assert g.value(r, SH.conforms) == Literal(m["eligible"])
        amount = g.value(r, PKG.amount)
        assert (float(amount) if amount is not None else None) == m["maxAmount"]
        assert len(list(g.objects(r, SH.result))) == len(m["reasons"]) + len(m["warnings"]) + len(m["reviews"])
        assert str(g.value(r, PKG.validationStatus)) == m["status"]


def test_the_text_report_of_one_violation_is_exactly_one_header_and_one_finding_with_its_clause(tmp_path: Path,
                                                                                                capsys) -> None:
    """Issue 14: the CLI said "1 violations" and printed the project IRI twice; the exact text, once each."""
    _, bad, _ = _files(tmp_path)
    assert main(["validate", str(bad), "--lang", "en", "--no-registry"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"{bad}: does not conform (1 violation, 0 warnings, 0 infos)"
    assert [x.split(":", 1)[0] for x in lines[1:6]] == ["  as of", "  documents in force", "  documents not in force",
                                                        "  measures evaluated", "  shapes applied"]
    assert lines[6] == ("  [Violation] Renovated area of an old factory must exceed 3,000 m²" + lines[6].split("m²", 1)[1])
    assert lines[7] == "      京发改规〔2023〕12号 二、（一）2. <https://w3id.org/policykg/doc/jfgg/2023/12/2/1/2>"
    assert lines[8].startswith("      “2.老旧厂房改造项目。") and len(lines) == 9
    assert sum(x.count("https://w3id.org/policykg/data/cli-2") for x in lines) <= 1
