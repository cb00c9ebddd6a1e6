"""The shapes are generated from the corpus, deterministically, and `policykg check` holds them to it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from policykg.check.runner import run_checks
from policykg.shapes.generate import generate
from tests.conftest import clean_env

SHAPE_CHECKS = ["shapes-generated", "shapes-annotated", "coverage"]


def test_generation_is_deterministic_across_processes(root: Path) -> None:
    assert generate(root) == generate(root)
    env = clean_env(PYTHONHASHSEED="12345")
    r = subprocess.run([sys.executable, "-m", "policykg.shapes", "--check"], cwd=root, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr


def test_the_committed_shapes_pass_the_shape_checks(root: Path) -> None:
    report = run_checks(root, SHAPE_CHECKS)
    assert report.problems == []
    assert any(line.startswith("coverage: ") for line in report.info)
    assert any("not checkable: jfgg/2023/12/provision/district-bundle-single-entity" in line for line in report.info)


def test_a_changed_threshold_makes_the_shapes_stale(corpus_copy: Path) -> None:
    f = corpus_copy / "policies" / "jfgg-2023-12.ttl"
    text = f.read_text(encoding="utf-8")
    f.write_text(text.replace('pkg:thresholdValue 3000.0 ; pkg:unit "m²" ;\n    pkg:appliesToProjectType '
                              '<concept/project-type/old-factory>',
                              'pkg:thresholdValue 3500.0 ; pkg:unit "m²" ;\n    pkg:appliesToProjectType '
                              '<concept/project-type/old-factory>', 1), encoding="utf-8")
    report = run_checks(corpus_copy, ["shapes-generated"])
    assert [(p.check, p.file) for p in report.problems] == [("shapes-generated", "shapes/jfgg-2023-12.ttl")]


def test_a_criterion_no_rule_uses_fails_the_coverage_lint(corpus_copy: Path) -> None:
    with (corpus_copy / "policies" / "jfgg-2023-12.ttl").open("a", encoding="utf-8") as fh:
        fh.write('\n<doc/jfgg/2023/12/criterion/orphan> a pkg:Threshold ; rdfs:label "x"@zh , "x"@en ;\n'
                 '    pkg:onProperty pkg:floorArea ; pkg:comparator "gt" ; pkg:thresholdValue 1.0 ;\n'
                 '    prov:wasDerivedFrom <doc/jfgg/2023/12/2/1/2> .\n')
    report = run_checks(corpus_copy, ["coverage"])
    assert [p.message.split(">")[0] for p in report.problems] == [
        "<https://w3id.org/policykg/doc/jfgg/2023/12/criterion/orphan"]


def test_a_not_checkable_provision_needs_a_reason(corpus_copy: Path) -> None:
    with (corpus_copy / "policies" / "jfgg-2023-12.ttl").open("a", encoding="utf-8") as fh:
        fh.write('\n<doc/jfgg/2023/12/provision/silent> a pkg:Provision ; pkg:machineCheckable false ;\n'
                 '    prov:wasDerivedFrom <doc/jfgg/2023/12/2/1/2> .\n')
    report = run_checks(corpus_copy, ["coverage"])
    assert len(report.problems) == 1
    assert "provision/silent> is marked not machine-checkable without a pkg:notCheckableReason" in \
        report.problems[0].message


def test_a_numeric_clause_no_provision_derives_from_fails_the_coverage_lint(corpus_copy: Path) -> None:
    with (corpus_copy / "policies" / "clauses" / "jfgg-2023-12.ttl").open("a", encoding="utf-8") as fh:
        fh.write('\n<https://w3id.org/policykg/doc/jfgg/2023/12/9> a eli:LegalResourceSubdivision ;\n'
                 '    eli:is_part_of <https://w3id.org/policykg/doc/jfgg/2023/12> ;\n'
                 '    prov:value "九、单个项目补助不超过 100 万元。"@zh .\n')
    report = run_checks(corpus_copy, ["coverage"])
    assert [p.message for p in report.problems] == [
        "clause <https://w3id.org/policykg/doc/jfgg/2023/12/9> states a numeric condition (不超过 100 万元) but no "
        "provision derives from it"]


def test_a_shape_without_clause_or_messages_fails(corpus_copy: Path) -> None:
    (corpus_copy / "shapes" / "zz-hand-written.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<https://w3id.org/policykg/shape/x> a sh:NodeShape ; sh:name \"x\"@zh ; sh:severity sh:Violation .\n",
        encoding="utf-8")
    report = run_checks(corpus_copy, ["shapes-annotated", "shapes-generated"])
    messages = sorted(p.message for p in report.problems)
    assert messages == [
        "<https://w3id.org/policykg/shape/x> has no clause (prov:wasDerivedFrom)",
        "<https://w3id.org/policykg/shape/x> lacks sh:message @zh and @en",
        "<https://w3id.org/policykg/shape/x> lacks sh:name @zh and @en",
        "differs from the corpus: run `python -m policykg.shapes`",
    ]
