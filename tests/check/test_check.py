from pathlib import Path

from policykg.check.runner import run_checks
from policykg.cli.main import main


def test_policykg_check_passes_on_the_corpus(root: Path, capsys) -> None:
    assert main(["check"]) == 0
    assert "0 problem(s)" in capsys.readouterr().out


def test_a_broken_turtle_file_is_named_with_its_line(corpus_copy: Path, capsys) -> None:
    bad = corpus_copy / "ontology" / "policykg.ttl"
    lines = bad.read_text(encoding="utf-8").splitlines()
    lines.insert(40, "pkg:Broken a owl:Class ; rdfs:label ] .")
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rc = main(["check", "--root", str(corpus_copy)])
    err = capsys.readouterr().err
    assert rc == 1
    assert "ontology/policykg.ttl:41:" in err


def test_an_inconsistent_ontology_fails_the_check(corpus_copy: Path) -> None:
    (corpus_copy / "ontology" / "zz-inconsistent.ttl").write_text(
        """@prefix pkg: <https://w3id.org/policykg/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
pkg:InvestmentSubsidy owl:disjointWith pkg:Reward .
<https://w3id.org/policykg/x> a pkg:InvestmentSubsidy , pkg:Reward .
""",
        encoding="utf-8",
    )
    report = run_checks(corpus_copy, ["ontology"])
    assert not report.ok
    assert any("inconsistent" in p.message for p in report.problems)


def test_a_machine_without_java_is_told_how_to_get_it(corpus_copy: Path, monkeypatch) -> None:
    import owlready2

    monkeypatch.setattr(owlready2, "JAVA_EXE", "no-such-java-binary")
    report = run_checks(corpus_copy, ["ontology"])
    assert [p.message for p in report.problems] == [
        "HermiT needs Java: `no-such-java-binary` is not on PATH "
        "(Debian: apt-get install default-jre-headless; `make test` installs it)"]
