"""The corpus files parse (Turtle with file and line, query headers) and HermiT finds the ontology consistent."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import rdflib

from policykg.check.report import Problem, Report, check
from policykg.corpus import corpus_files, parse_file
from policykg.errors import CorpusError


@check("turtle")
def check_turtle(root: Path, report: Report) -> None:
    """Every Turtle file parses; a syntax error names the file and line."""
    n = 0
    for f in corpus_files(root):
        if f.suffix == ".ttl":
            n += 1
            try:
                parse_file(f, "urn:x-check:g", root)
            except CorpusError as e:
                report.problems.append(Problem("turtle", str(e.args[0]).split(": ", 1)[-1], e.file, e.line))
    report.info.append(f"{n} Turtle files parsed")


@check("queries")
def check_queries(root: Path, report: Report) -> None:
    from policykg.sparql import parse_query_file

    files = sorted((root / "queries").glob("*.rq"))
    for f in files:
        try:
            parse_query_file(f)
        except CorpusError as e:
            report.problems.append(Problem("queries", e.message.split(": ", 1)[-1], f"queries/{f.name}", e.line))
    report.info.append(f"{len(files)} named queries")


@check("ontology")
def check_ontology(root: Path, report: Report) -> None:
    """HermiT (owlready2) finds the ontology and its concept schemes consistent."""
    import owlready2

    if shutil.which(owlready2.JAVA_EXE) is None:
        report.problems.append(Problem(
            "ontology", f"HermiT needs Java: `{owlready2.JAVA_EXE}` is not on PATH "
                        "(Debian: apt-get install default-jre-headless; `make test` installs it)", "ontology/"))
        return

    tmp = Path(tempfile.mkdtemp(prefix="policykg-owl-"))
    try:
        old_cwd: str | None = os.getcwd()
    except FileNotFoundError:  # started from a directory that no longer exists
        old_cwd = None
    os.chdir(tmp)  # rdflib and Java (HermiT) resolve their default base against the working directory
    try:
        _reason(root.resolve(), tmp, report)
    finally:
        os.chdir(old_cwd or root.resolve())
        shutil.rmtree(tmp, ignore_errors=True)


def _reason(root: Path, tmp: Path, report: Report) -> None:
    import owlready2

    g = rdflib.Graph()
    for f in sorted(root.joinpath("ontology").glob("*.ttl")):
        try:  # from the text, with an explicit base: nothing depends on the working directory
            g.parse(data=f.read_text(encoding="utf-8"), format="turtle", publicID=f.as_uri())
        except Exception as e:  # noqa: BLE001 - turtle errors are reported by check_turtle
            report.problems.append(Problem("ontology", f"cannot parse for reasoning: {e}", f"ontology/{f.name}"))
            return
    nt = tmp / "ontology.nt"
    g.serialize(nt, format="nt", encoding="utf-8")
    world = owlready2.World()
    world.get_ontology(nt.as_uri()).load()
    try:
        with world.get_ontology("http://policykg.local/inferred#"):
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyJavaError as e:
        msg = str(e).splitlines()
        report.problems.append(Problem("ontology", "HermiT failed: " + " ".join(msg[1:4]), "ontology/"))
        return
    except owlready2.OwlReadyInconsistentOntologyError:
        bad = [str(c) for c in world.inconsistent_classes()]
        report.problems.append(
            Problem("ontology", "HermiT: the ontology is inconsistent" + (f" (unsatisfiable: {bad})" if bad else ""),
                    "ontology/")
        )
        return
    unsat = [c.iri for c in world.inconsistent_classes()]
    if unsat:
        report.problems.append(Problem("ontology", f"HermiT: unsatisfiable classes {unsat}", "ontology/"))
    report.info.append(f"HermiT: ontology consistent ({len(g)} triples)")
