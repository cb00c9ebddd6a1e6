"""What a reform would do to the registry: every stored submission evaluated before and after, for the
measures it requests (or, when it requests none, the measures the reform touches that apply to it).

Only submissions a reform can affect are evaluated twice: those of a submission type of a measure
whose parameters (or whose criteria's, or whose document's dates) change. The others cannot change
outcome, and are counted as unchanged. Those evaluated are read in batches (eligibility/batch.py: their
data graphs, their projects' awards and pending requests in bulk queries), and eligibility runs unchanged
on the batch's view of the registry, before (kept across reforms per corpus version: registry/judged.py)
and after (on the reformed corpus: reforms/apply.py). `impact(..., baseline=True)` is the per-submission
path the batch is tested equal to (tests/reforms/test_batch.py) and measured against (bench/matching.py).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, Literal, URIRef

from policykg.eligibility import Batch, catalogue, eligibility
from policykg.namespaces import PKG, PREFIXES
from policykg.reforms.apply import reform_store
from policykg.reforms.model import Reform
from policykg.registry import SUBMISSION_GRAPH, cache_for, load_submission
from policykg.validation import get_bundle, project_key

PFX = "\n".join(f"PREFIX {k}: <{v}>" for k, v in PREFIXES.items())
OWNERS_Q = PFX + """SELECT ?m WHERE { VALUES ?t { %s }
  { ?m pkg:slug ?s FILTER(?m = ?t) } UNION { ?m pkg:hasCriterion/pkg:alternative* ?t }
  UNION { ?m pkg:definedIn ?t } UNION { ?x pkg:appliesToMeasure ?m FILTER(?x = ?t) } }"""

TYPED_Q = PFX + """SELECT DISTINCT ?g WHERE { VALUES ?type { %s }
  GRAPH ?g { ?s a ?type . ?rec a pkg:SubmissionRecord } }"""  # as the loop below: any subject of the type


def affected_measures(store: Any, reform: Reform) -> set[str]:
    values = " ".join(f"<{c.target}>" for c in reform.changes)
    return {r["m"].value for r in store.select(OWNERS_Q % values)}


def typed(store: Any, types: set[str]) -> set[str]:
    """The ids of the stored submissions whose subject has one of `types` (one registry query, the types as VALUES)."""
    if not types:
        return set()
    values = " ".join(str(ox.NamedNode(t)) for t in sorted(types))
    rows = store.select(TYPED_Q % values, registry=True)
    return {g[len(SUBMISSION_GRAPH):] for r in rows if (g := r["g"].value).startswith(SUBMISSION_GRAPH)}


def _day(data: Any, s: URIRef, reform: Reform) -> date | None:
    if reform.as_of:
        return reform.as_of
    app = data.value(s, PKG.applicationDate)
    return app.toPython() if isinstance(app, Literal) and isinstance(app.toPython(), date) else None


def _entry(e: dict[str, Any] | None) -> dict[str, Any]:
    if e is None:
        return {"status": "not-evaluated", "maxAmount": None}
    st = e.get("status") or ("eligible" if e.get("eligible") else "not-eligible")
    return {"status": st, "maxAmount": e.get("maxAmount"), "computation": e.get("computation")}


class Run:
    """One reform's evaluation on one store: the reformed corpus, what the reform touches, today's answers kept.
    `baseline`: each submission loaded and evaluated on its own (load_submission, eligibility on the store), nothing
    kept: what bench/ and tests/reforms/test_batch.py compare the batch with."""

    def __init__(self, store: Any, root: Path, reform: Reform, baseline: bool = False) -> None:
        self.store, self.reform, self.baseline = store, reform, baseline
        self.batch = Batch(store)
        self.after, self.changed = reform_store(store if baseline else self.batch.view, root, reform)
        self.touched = affected_measures(store, reform)
        cat = catalogue(store, get_bundle(store))
        self.types_of = {str(m.iri): {str(t) for t in m.subtypes} for m in cat.values()}
        self.touched_types = {t for m in self.touched for t in self.types_of.get(m, ())}
        self.kept = cache_for(store)  # today's answers, kept per corpus version across reforms (registry/judged.py)
        if not baseline:
            self.kept.load(lang="reform-before")  # and on disk beside the store

    def stored(self) -> tuple[int, list[str]]:
        """(how many submissions are stored, the sorted ids of those of the touched types: the others cannot change
        outcome and are never loaded)."""
        total = sum(1 for g in self.store.named_graphs() if g.startswith(SUBMISSION_GRAPH))
        return total, sorted(typed(self.store, self.touched_types))

    def rows(self, ids: list[str], progress: Callable[[int], None] | None = None) -> tuple[list[dict[str, Any]], int]:
        """(the rows of the stored submissions `ids`, how many of them were evaluated)."""
        store, reform, touched, types_of = self.store, self.reform, self.touched, self.types_of
        if self.baseline:
            read: Iterable[tuple[str, Any]] = ((sid, load_submission(store, sid)["data"]) for sid in ids)
        else:
            read = ((x.sid, x.data) for x in self.batch.read(ids))
        rows: list[dict[str, Any]] = []
        evaluated = 0
        for i, (sid, data) in enumerate(read):
            if progress:
                progress(i)
            subjects = [s for s in data.subjects(RDF.type, None) if isinstance(s, URIRef)
                        and {str(t) for t in data.objects(s, RDF.type)} & self.touched_types]
            if not subjects:
                continue
            evaluated += 1
            s = subjects[0]
            day = _day(data, s, reform)
            requested = {str(m) for r in data.objects(s, PKG.requests) for m in data.objects(r, PKG.measure)}
            wanted = requested or {m for m in touched
                                   if types_of.get(m, set()) & {str(t) for t in data.objects(s, RDF.type)}}
            if self.baseline:
                before = _answers(store, data, day, wanted)
            else:
                before = self.kept.get((sid, " ".join(sorted(wanted)), day.isoformat() if day else "", "reform-before"),
                                       lambda data=data, s=s, day=day, wanted=wanted:
                                       _before(self.batch.view, data, s, day, wanted))
            after = _answers(self.after, data, day, wanted)
            for m in sorted(wanted):
                x, y = _entry(before.get(m)), _entry(after.get(m))
                rows.append({"id": sid, "measure": m, "slug": (before.get(m) or after.get(m) or {}).get("slug"),
                             "document": (before.get(m) or after.get(m) or {}).get("document"),
                             "requested": m in requested, "before": x, "after": y,
                             "changed": x["status"] != y["status"] or x["maxAmount"] != y["maxAmount"]})
        self.kept.persist()
        return rows, evaluated


def impact(store: Any, root: Path, reform: Reform, progress: Callable[[int, int], None] | None = None,
           baseline: bool = False, among: set[str] | None = None) -> dict[str, Any]:
    """The answer of POST /api/reforms/impact. The submissions of the touched types are read in batches with their
    projects' registry records (eligibility/batch.py), "before" answers kept across reforms (registry/judged.py).
    `baseline`: Run's. `among`: only these stored ids are evaluated (bench/ times the baseline on a sample)."""
    run = Run(store, root, reform, baseline)
    total, of_types = run.stored()
    if among is not None:
        of_types = [x for x in of_types if x in among]
    skipped = total - len(of_types)
    rows, evaluated = run.rows(of_types, (lambda i: progress(skipped + i, total)) if progress else None)
    if progress:
        progress(total, total)
    return answer(reform, run.changed, total, rows, evaluated)


def answer(reform: Reform, changed: list[dict[str, Any]], total: int, rows: list[dict[str, Any]],
           evaluated: int) -> dict[str, Any]:
    return {"name": reform.name, "description": reform.description,
            "asOf": reform.as_of.isoformat() if reform.as_of else None,
            "submissions": rows, "totals": totals(rows), "clauses": changed,
            "counts": {"submissions": total, "evaluated": evaluated, "unaffected": total - evaluated,
                       "becameIneligible": sum(1 for r in rows if r["before"]["status"] == "eligible"
                                               and r["after"]["status"] != "eligible"),
                       "becameEligible": sum(1 for r in rows if r["before"]["status"] != "eligible"
                                             and r["after"]["status"] == "eligible"),
                       "amountChanged": sum(1 for r in rows if r["before"]["maxAmount"] != r["after"]["maxAmount"])}}


SHOWN = ("status", "eligible", "maxAmount", "computation", "slug", "document")  # what a row shows of an entry


def _answers(store: Any, data: Any, day: date | None, wanted: set[str]) -> dict[str, dict[str, Any]]:
    """measure -> what a row shows of its eligibility entry."""
    return {e["measure"]: {k: e.get(k) for k in SHOWN} for e in eligibility(store, data, day, only=wanted)["measures"]}


def _before(store: Any, data: Any, s: URIRef, day: date | None, wanted: set[str]
            ) -> tuple[dict[str, Any], str | None, str | None]:
    """Today's answers for the wanted measures, and the project key and credit code they depend on."""
    cc = next((str(o) for a in data.objects(s, PKG.applicant) for o in data.objects(a, PKG.creditCode)), None)
    return _answers(store, data, day, wanted), project_key(data, s), cc


def totals(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The budget (sum of the maximum amounts of eligible entries) per measure and per document, before and after."""
    acc: dict[tuple[str, str], list[Decimal]] = {}
    for r in rows:
        for scope, key in (("measure", r["measure"]), ("document", r["document"] or "")):
            b = acc.setdefault((scope, key), [Decimal(0), Decimal(0)])
            for i, side in enumerate(("before", "after")):
                if r[side]["status"] == "eligible" and r[side]["maxAmount"] is not None:
                    b[i] += Decimal(str(r[side]["maxAmount"]))
    return [{"scope": scope, "iri": key, "before": float(v[0]), "after": float(v[1]), "difference": float(v[1] - v[0])}
            for (scope, key), v in sorted(acc.items())]
