"""The corpus checks of `policykg check` catch what they claim to catch."""
from pathlib import Path

from policykg.check.runner import run_checks


def _problems(root: Path, name: str) -> list[str]:
    return [str(p) for p in run_checks(root, [name]).problems]


def test_a_clause_text_that_is_not_in_its_source_is_reported(corpus_copy: Path) -> None:
    src = corpus_copy / "policies" / "sources" / "jfgg-2023-12.txt"
    text = src.read_text(encoding="utf-8")
    assert "改造面积需超" in text
    src.write_text(text.replace("改造面积需超", "改造面积需不低于", 1), encoding="utf-8")
    probs = _problems(corpus_copy, "clause-texts")
    assert any("policies/sources/jfgg-2023-12.txt" in p and "doc/jfgg/2023/12/2/1/1" in p for p in probs), probs


def test_a_hand_edited_clause_file_is_reported(corpus_copy: Path) -> None:
    f = corpus_copy / "policies" / "clauses" / "jfgg-2023-7.ttl"
    f.write_text(f.read_text(encoding="utf-8").replace("第五条", "第伍条", 1), encoding="utf-8")
    probs = _problems(corpus_copy, "clause-files")
    assert probs == ["[clause-files] policies/clauses/jfgg-2023-7.ttl: differs from a fresh segmentation "
                     "of the source (run `python -m policykg.corpus`)"]


def test_a_provision_derived_from_another_documents_clause_is_reported(corpus_copy: Path) -> None:
    (corpus_copy / "policies" / "zz-test.ttl").write_text("""
@prefix pkg: <https://w3id.org/policykg/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
<https://w3id.org/policykg/doc/jfgg/2023/7/measure/zz> a pkg:InvestmentSubsidy ;
    pkg:definedIn <https://w3id.org/policykg/doc/jfgg/2023/7> ;
    prov:wasDerivedFrom <https://w3id.org/policykg/doc/jfgg/2023/12/2/4/1> .
<https://w3id.org/policykg/doc/jfgg/2023/7/measure/zz2> a pkg:Reward .
""", encoding="utf-8")
    probs = _problems(corpus_copy, "provenance")
    assert ("[provenance] https://w3id.org/policykg/doc/jfgg/2023/7/measure/zz derives from "
            "https://w3id.org/policykg/doc/jfgg/2023/12/2/4/1, not a clause of "
            "https://w3id.org/policykg/doc/jfgg/2023/7") in probs
    assert "[provenance] https://w3id.org/policykg/doc/jfgg/2023/7/measure/zz2 has no prov:wasDerivedFrom" in probs


def test_a_reference_to_a_clause_that_does_not_exist_is_reported(corpus_copy: Path) -> None:
    (corpus_copy / "policies" / "zz-test.ttl").write_text("""
@prefix prov: <http://www.w3.org/ns/prov#> .
<urn:x:a> prov:wasDerivedFrom <https://w3id.org/policykg/doc/jfgg/2023/12/9/9/9> .
""", encoding="utf-8")
    probs = _problems(corpus_copy, "references")
    assert ("[references] https://w3id.org/policykg/doc/jfgg/2023/12/9/9/9 is referenced but not described"
            in probs)


def test_a_document_without_dates_or_an_explicit_not_stated_is_reported(corpus_copy: Path) -> None:
    (corpus_copy / "policies" / "zz-test.ttl").write_text("""
@prefix pkg: <https://w3id.org/policykg/ontology#> .
@prefix eli: <http://data.europa.eu/eli/ontology#> .
<https://w3id.org/policykg/doc/zz/2024/1> a eli:LegalResource ; pkg:inCorpus true ; pkg:slug "zz" .
""", encoding="utf-8")
    probs = _problems(corpus_copy, "document-dates")
    for what in ("no eli:date_document", "no entry into force", "no end of validity"):
        assert any(p.startswith("[document-dates] https://w3id.org/policykg/doc/zz/2024/1: " + what) for p in probs)
