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


def test_the_hermit_check_works_from_any_working_directory_even_a_deleted_one(tmp_path):
    """`policykg check` from elsewhere: HermiT once failed with "unable to create default IRI base"."""
    import os
    import subprocess
    import sys

    gone = tmp_path / "gone"
    gone.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYKG_")}
    for cwd, remove in ((tmp_path, False), (gone, True)):
        code = ("import os, sys; os.chdir(sys.argv[1]); " + ("os.rmdir(sys.argv[1]); " if remove else "")
                + "from policykg.cli import main; sys.exit(main(['check', '--only', 'ontology']))")
        done = subprocess.run([sys.executable, "-c", code, str(cwd)], capture_output=True, text=True, timeout=300,
                              env=env)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        assert "HermiT: ontology consistent" in done.stdout
