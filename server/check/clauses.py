"""Corpus checks of the documents and clauses: `policykg check` runs them.

- every clause text appears in its source (whitespace- and markup-normalised);
- the committed clause files equal a fresh, deterministic segmentation (stable IRIs);
- every provision derives from an existing clause of its own document;
- every reference into the doc/ namespace resolves (no dangling clause IRIs);
- every in-corpus document has its dates or an explicit "not stated";
- counts of clauses per document, and of measures, are reported.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from policykg.check.report import Problem, Report, check
from policykg.namespaces import BASE, PREFIXES
from policykg.store import OxiStore

PFX = "\n".join(f"PREFIX {k}: <{v}>" for k, v in PREFIXES.items())


@lru_cache(maxsize=4)
def _store(root: Path, version: str) -> OxiStore:
    s = OxiStore(None)
    s.ensure_corpus(root)
    return s


def corpus_store(root: Path) -> OxiStore:
    """An in-memory store of the corpus at `root` (cached per corpus version)."""
    from policykg.corpus import corpus_version

    return _store(root, corpus_version(root))


def _rel(root: Path, p: Path) -> str:
    return p.relative_to(root).as_posix()


@check("clause-texts")
def check_clause_texts(root: Path, report: Report) -> None:
    """Each clause's prov:value is in its source file, whitespace aside."""
    from policykg.corpus import load_entries, normalise_for_match

    store = corpus_store(root)
    for e in load_entries(root):
        src = root / "policies" / "sources" / e.source
        if not src.exists():
            report.problems.append(Problem("clause-texts", "source file missing", _rel(root, src)))
            continue
        norm = normalise_for_match(src.read_text(encoding="utf-8"))
        rows = store.select(PFX + """
            SELECT ?c ?text ?line ?doc WHERE {
              ?c eli:is_part_of+ ?doc ; prov:value ?text . OPTIONAL { ?c pkg:sourceLine ?line } }""",
                            {"doc": _node(BASE + e.iri)})
        bad = [r for r in rows if normalise_for_match(r["text"].value) not in norm]
        for r in bad:
            report.problems.append(Problem(
                "clause-texts", f"text of {r['c'].value} is not in the source",
                f"policies/sources/{e.source}", int(r["line"].value) if "line" in r else None))
        report.info.append(f"{e.slug}: {len(rows)} clauses, texts verbatim: {len(rows) - len(bad)}/{len(rows)}")


@check("clause-files")
def check_clause_files(root: Path, report: Report) -> None:
    """policies/clauses/*.ttl are what the deterministic segmenter produces from the sources."""
    from policykg.corpus import clauses_graph, load_entries, serialise

    for e in load_entries(root):
        path = root / "policies" / "clauses" / f"{e.slug}.ttl"
        fresh = serialise(clauses_graph(e), e.source)
        if not path.exists():
            report.problems.append(Problem("clause-files", "missing: run `python -m policykg.corpus`", _rel(root, path)))
        elif path.read_bytes() != fresh:
            report.problems.append(Problem(
                "clause-files", "differs from a fresh segmentation of the source (run `python -m policykg.corpus`)",
                _rel(root, path)))
        if fresh != serialise(clauses_graph(e), e.source):
            report.problems.append(Problem("clause-files", "segmentation is not deterministic", _rel(root, path)))


@check("provenance")
def check_provenance(root: Path, report: Report) -> None:
    """Every provision is prov:wasDerivedFrom an existing clause of its own document."""
    store = corpus_store(root)
    rows = store.select(PFX + """
        SELECT ?p ?clause ?doc ?ok WHERE {
          ?p a/rdfs:subClassOf* pkg:Provision .
          OPTIONAL { ?p prov:wasDerivedFrom ?clause }
          OPTIONAL { ?p pkg:definedIn ?doc }
          BIND(EXISTS { ?clause a eli:LegalResourceSubdivision } AS ?ok)
        }""")
    n = 0
    for r in rows:
        p = r["p"].value
        if "clause" not in r:
            report.problems.append(Problem("provenance", f"{p} has no prov:wasDerivedFrom"))
            continue
        n += 1
        clause = r["clause"].value
        if r["ok"].value != "true":
            report.problems.append(Problem("provenance", f"{p} derives from {clause}, which is not a clause"))
            continue
        doc = r["doc"].value if "doc" in r else _doc_of_iri(p)
        if doc and not clause.startswith(doc + "/"):
            report.problems.append(Problem("provenance", f"{p} derives from {clause}, not a clause of {doc}"))
    report.info.append(f"{n} provision-to-clause links checked")


@check("ambiguities")
def check_ambiguities(root: Path, report: Report) -> None:
    """Each ambiguity is one node with one text per language (@zh, @en), its own chosen reading and its clause;
    a provision with several has one pkg:Ambiguity node (pkg:ambiguityOf it) each."""
    store = corpus_store(root)
    rows = store.select(PFX + """
        SELECT ?n (COUNT(DISTINCT ?zh) AS ?zhs) (COUNT(DISTINCT ?en) AS ?ens) (COUNT(DISTINCT ?r) AS ?rs)
               (COUNT(DISTINCT ?c) AS ?cs) WHERE {
          { ?n pkg:ambiguity|pkg:chosenReading ?any } UNION { ?n a pkg:Ambiguity }
          OPTIONAL { ?n pkg:ambiguity ?zh FILTER(lang(?zh) = "zh") }
          OPTIONAL { ?n pkg:ambiguity ?en FILTER(lang(?en) = "en") }
          OPTIONAL { ?n pkg:chosenReading ?r }
          OPTIONAL { ?n prov:wasDerivedFrom|pkg:validityDerivedFrom ?c }
        } GROUP BY ?n""")
    for r in rows:
        n, counts = r["n"].value, {k: int(r[k].value) for k in ("zhs", "ens", "rs", "cs")}
        if counts["zhs"] != 1 or counts["ens"] != 1 or counts["rs"] != 1:
            report.problems.append(Problem(
                "ambiguities", f"{n} has {counts['zhs']} @zh and {counts['ens']} @en pkg:ambiguity and "
                f"{counts['rs']} pkg:chosenReading: one ambiguity per node, with its own reading"))
        if counts["cs"] == 0:
            report.problems.append(Problem("ambiguities", f"{n} records an ambiguity without its clause"))
    for r in store.select(PFX + "SELECT ?n WHERE { ?n a pkg:Ambiguity FILTER NOT EXISTS { ?n pkg:ambiguityOf ?p } }"):
        report.problems.append(Problem("ambiguities", f"{r['n'].value} names no provision (pkg:ambiguityOf)"))
    report.info.append(f"{len(rows)} recorded ambiguities checked")


@check("references")
def check_references(root: Path, report: Report) -> None:
    """No IRI under doc/ is referenced without being described (dangling clause or measure IRIs)."""
    store = corpus_store(root)
    rows = store.select(PFX + f"""
        SELECT DISTINCT ?o WHERE {{
          ?s ?p ?o . FILTER(isIRI(?o) && STRSTARTS(STR(?o), "{BASE}doc/"))
          FILTER NOT EXISTS {{ ?o ?p2 ?o2 }}
        }}""")
    for r in rows:
        report.problems.append(Problem("references", f"{r['o'].value} is referenced but not described"))


@check("document-dates")
def check_document_dates(root: Path, report: Report) -> None:
    """Every in-corpus document states its dates, or says explicitly that the text does not."""
    store = corpus_store(root)
    rows = store.select(PFX + """
        SELECT ?doc ?slug ?issued ?from ?until ?noEnd (GROUP_CONCAT(?ns; separator=" ") AS ?notStated) WHERE {
          ?doc a eli:LegalResource ; pkg:inCorpus true .
          OPTIONAL { ?doc pkg:slug ?slug }
          OPTIONAL { ?doc eli:date_document ?issued }
          OPTIONAL { ?doc eli:first_date_entry_in_force ?from }
          OPTIONAL { ?doc eli:date_no_longer_in_force ?until }
          OPTIONAL { ?doc pkg:noEndDateStated ?noEnd }
          OPTIONAL { ?doc pkg:dateNotStated ?ns }
        } GROUP BY ?doc ?slug ?issued ?from ?until ?noEnd""")
    from policykg.corpus import load_manifest

    expected = {d["slug"] for d in load_manifest(root)["documents"]}
    seen = set()
    for r in rows:
        doc = r["doc"].value
        seen.add(r["slug"].value if "slug" in r else doc)
        not_stated = set(r["notStated"].value.split()) if "notStated" in r else set()
        if "issued" not in r and "date_document" not in not_stated:
            report.problems.append(Problem("document-dates", f"{doc}: no eli:date_document and no pkg:dateNotStated"))
        if "from" not in r and "first_date_entry_in_force" not in not_stated:
            report.problems.append(Problem("document-dates", f"{doc}: no entry into force and no pkg:dateNotStated"))
        if "until" not in r and not ("noEnd" in r and r["noEnd"].value == "true"):
            report.problems.append(Problem("document-dates", f"{doc}: no end of validity and no pkg:noEndDateStated"))
    for slug in sorted(expected - seen):
        report.problems.append(Problem("document-dates", f"{slug}: no document record (policies/{slug}.ttl)"))


@check("counts")
def check_counts(root: Path, report: Report) -> None:
    """Report documents, clauses, measures and anomalies per document."""
    store = corpus_store(root)
    rows = store.select(PFX + """
        SELECT ?slug (COUNT(DISTINCT ?c) AS ?clauses) (COUNT(DISTINCT ?m) AS ?measures)
               (COUNT(DISTINCT ?a) AS ?anomalies) WHERE {
          ?doc a eli:LegalResource ; pkg:inCorpus true ; pkg:slug ?slug .
          OPTIONAL { ?c eli:is_part_of+ ?doc }
          OPTIONAL { ?m a/rdfs:subClassOf* pkg:SupportMeasure ; pkg:definedIn ?doc }
          OPTIONAL { ?x eli:is_part_of* ?doc ; pkg:hasAnomaly ?a }
        } GROUP BY ?slug ORDER BY ?slug""")
    for r in rows:
        report.info.append(f"{r['slug'].value}: {r['clauses'].value} clauses, {r['measures'].value} measures, "
                           f"{r['anomalies'].value} source anomalies")
    report.info.append(f"{len(rows)} documents in the corpus")


def _doc_of_iri(iri: str) -> str | None:
    """The document IRI a provision IRI sits under (…/measure/…, …/criterion/…)."""
    for marker in ("/measure/", "/criterion/", "/constraint/", "/target/", "/rule/"):
        if marker in iri:
            return iri.split(marker, 1)[0]
    return None


def _node(iri: str):
    import pyoxigraph as ox

    return ox.NamedNode(iri)
