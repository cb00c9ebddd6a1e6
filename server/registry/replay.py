"""Replaying a stored decision: evaluate the stored submission again, as of its date, with the registry as
it was when the decision was made, and report "reproduced" or exactly what changed: the corpus version,
the text of a clause the findings rest on (SHA-256 of its verbatim prov:value), the findings themselves,
and the registry writes since."""
from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date
from typing import Any

from rdflib import Graph, Literal

from policykg.corpus import store_version
from policykg.namespaces import PROV, SH
from policykg.registry import records
from policykg.registry.checks import check
from policykg.store import VERSION_Q

TEXT_Q = "SELECT ?c ?t WHERE { ?c <http://www.w3.org/ns/prov#value> ?t }"
# the registry's records (submissions and awards: the writes its sequence counts) written before a moment; each
# the record of its own graph (a submission's triples cannot pass for a record)
BEFORE_Q = records.PFX + """
SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE {
  { GRAPH ?g { ?r a pkg:SubmissionRecord ; pkg:submittedAt ?at }
    FILTER (STR(?g) = CONCAT("SUBMISSIONS", STRAFTER(STR(?r), "RECORDS"))) }
  UNION
  { GRAPH ?g { ?r a pkg:AwardRecord ; pkg:submittedAt ?at } FILTER (STR(?g) = CONCAT("AWARDS", STRAFTER(STR(?r), "AWARD_BASE"))) }
  FILTER (STR(?at) < ?before) }""".replace("SUBMISSIONS", records.SUBMISSION_GRAPH).replace(
    "RECORDS", records.RECORD).replace("AWARDS", records.AWARD_GRAPH).replace("AWARD_BASE", records.AWARD)


def records_before(store: Any, before: str) -> int:
    """How many registry records written before `before` (an ISO timestamp) the registry holds now."""
    rows = store.select(BEFORE_Q.replace("?before", Literal(before).n3()), registry=True)
    return int(rows[0]["n"].value) if rows else 0


_CLAUSE_SHA: dict[tuple[str, str], str] = {}  # (corpus version, clause) -> the hash of its text


def clause_hashes(store: Any, iris: list[str]) -> list[dict[str, str]]:
    """[{iri, sha256}] of the verbatim text of each clause (the receipt of a stored decision lists them); each text
    read once per corpus version."""
    version = store_version(store)
    out = []
    for iri in sorted(set(iris)):
        sha = _CLAUSE_SHA.get((version, iri))
        if sha is None:
            rows = store.select(f"SELECT ?t WHERE {{ <{iri}> <{PROV.value}> ?t }}") if iri.startswith("https://") else []
            text = rows[0]["t"].value if rows else ""
            sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
            if version and len(_CLAUSE_SHA) < 100_000:
                _CLAUSE_SHA[(version, iri)] = sha
        out.append({"iri": iri, "sha256": sha})
    return out


def result_clauses(results: list[dict[str, Any]]) -> list[str]:
    return [r["clause"]["iri"] for r in results if isinstance(r.get("clause"), dict) and r["clause"].get("iri")]


def _stored_results(report: Graph) -> Counter:
    out: Counter = Counter()
    for top in report.subjects(None, SH.ValidationReport):
        for r in report.objects(top, SH.result):
            sev = report.value(r, SH.resultSeverity)
            out[(str(report.value(r, SH.sourceShape)), str(sev).rsplit("#", 1)[-1] if sev else "",
                 str(report.value(r, SH.focusNode)))] += 1
    return out


def _conforms(report: Graph) -> bool | None:
    v = next(iter(report.objects(None, SH.conforms)), None)
    return None if v is None else bool(v.toPython())


def replay(store: Any, sid: str) -> dict[str, Any]:
    rec = records.load_submission(store, sid)
    receipt = rec["receipt"] or {}
    as_of = date.fromisoformat(receipt["asOf"]) if receipt.get("asOf") else None
    engine = (receipt.get("engine") or {}).get("mode") or "fast"
    outcome = check(store, rec["data"], as_of, engine if engine in ("compiled", "fast", "pyshacl") else "fast",
                    cutoff=rec["submittedAt"] or None)
    then, now = _stored_results(rec["report"]), Counter(
        (r["sourceShape"], r["severity"], r["focusNode"] or "") for r in outcome.results)
    rows = store.select(VERSION_Q)
    corpus_now = rows[0]["v"].value if rows else None
    clauses = [c for c, old in ((clause_hashes(store, [x["iri"]])[0], x) for x in receipt.get("clauses", []))
               if c["sha256"] != old["sha256"]]
    state = records.registry_state(store)
    seen = (receipt.get("registry") or {}).get("sequence")
    # the registry as the decision saw it: as many records written before it as the sequence it quotes
    held = records_before(store, rec["submittedAt"]) if isinstance(seen, int) and rec["submittedAt"] else None
    # stored after other enterprises' writes (registry/scopes.py): those decided before it count before it too
    after = (receipt.get("registry") or {}).get("storedAfter", seen)
    lost = held is not None and not (seen <= held <= (after if isinstance(after, int) else seen))
    # reproduced: the same findings, resting on clauses whose verbatim text has not changed, the same registry
    same = then == now and _conforms(rec["report"]) == outcome.conforms and not clauses and not lost
    return {
        "id": sid, "status": "reproduced" if same else "changed",
        "conforms": {"then": _conforms(rec["report"]), "now": outcome.conforms},
        "added": sorted([list(k) for k in (now - then).elements()]),
        "removed": sorted([list(k) for k in (then - now).elements()]),
        "corpusVersion": {"then": receipt.get("corpusVersion"), "now": corpus_now,
                          "changed": receipt.get("corpusVersion") not in (None, corpus_now)},
        "clausesChanged": [{"iri": c["iri"], "sha256Now": c["sha256"]} for c in clauses],
        "registry": {"sequenceThen": seen, "sequenceNow": state["sequence"],
                     "writesSince": (state["sequence"] - seen) if isinstance(seen, int) else None,
                     # records the decision saw that the registry no longer holds (or holds more of): changed
                     "recordsThenNow": held, "changed": lost},
        "asOf": receipt.get("asOf"), "decidedAt": rec["submittedAt"],
    }
