"""Proactive matching (免申即享): the stored submissions of the registry that meet every machine-checkable
condition of one measure on a day, and have not been awarded it, with their maximum amounts.

Two steps, the first only a sieve:
1. the library query `registry-measure-candidates` (queries/) reads what SPARQL can: the submission type
   and project type the measure applies to, its document in force on the day, its numeric thresholds
   (a declared figure on the wrong side excludes; an undeclared one does not), and no award of the
   measure to the project. Its answer is a superset of the candidates.
2. each submission left is evaluated by eligibility (policykg.eligibility, the same code as
   POST /api/eligibility) as of the day: a candidate is one for which the measure is eligible, i.e.
   no criterion of it is violated; what only a person can judge is listed under `review`, never taken
   as met or failed. The project's awards (awards_for_project) are read once more before it is named.

In the server both steps are kept between requests: the sieve (matching/sieve.py) runs in Python over an
index of the stored projects, and each judgement is kept per corpus version until that project's or
enterprise's records change (registry/judged.py); those not yet judged are read and evaluated in batches
(eligibility/batch.py: data graphs only, the projects' registry records in bulk), so a first request costs
the index (once) and ~3 ms per sieved submission, a repeated one the sieve and the kept judgements.
The per-submission baseline (eligibility of every stored submission) gives the same answer; bench/
measures both.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from rdflib import URIRef

from policykg.eligibility import Batch, catalogue, eligibility
from policykg.errors import NotFound, UnprocessableInput
from policykg.matching.sieve import Index
from policykg.matching.sieve import sieve as fast_sieve
from policykg.namespaces import BASE, PKG
from policykg.registry import SUBMISSION_GRAPH, awards_for_project, cache_for, load_submission
from policykg.sparql import NamedQuery, load_library
from policykg.validation import get_bundle

QUERY = "registry-measure-candidates"
_LIBRARY: dict[Path, NamedQuery] = {}


def sieve_query(root: Path) -> NamedQuery:
    """The library query of step 1 (read once per corpus root)."""
    q = _LIBRARY.get(root)
    if q is None:
        q = _LIBRARY[root] = load_library(root)[QUERY]
    return q


def resolve(store: Any, measure: str) -> Any:
    """The measure of the catalogue named by its IRI, its path under the base, or its slug; 404 otherwise."""
    cat = catalogue(store, get_bundle(store))
    iri = measure if measure.startswith("http") else BASE + measure.lstrip("/")
    for m in cat.values():
        if str(m.iri) == iri or m.slug == measure:
            return m
    raise NotFound(f"no measure {measure!r}", {"measure": measure})


def kept_index(store: Any, cache: Any = None) -> Index:
    """The index of stored projects kept for `store` (registry/judged.py's cache), brought up to its registry."""
    cache = cache or cache_for(store)
    if cache.index is None:
        cache.index = Index()
    cache.index.update(store, (cache.state or {}).get("sequence"), cache.file, cache.version)
    return cache.index


def parse_day(text: str | None) -> date:
    if text is None or text == "":
        return date.today()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise UnprocessableInput("asOf must be a date YYYY-MM-DD", [{"field": "asOf", "message": "not a date"}])


def sieve(store: Any, root: Path, measure: str, day: date) -> list[str]:
    """Step 1: the ids of the stored submissions the library query leaves (superset of the candidates)."""
    q = sieve_query(root)
    rows = store.select(q.text, q.bindings({"measure": measure, "date": day.isoformat()}), registry=True)
    return sorted({r["submission"].value.rsplit("/", 1)[-1] for r in rows})


def stored_ids(store: Any) -> list[str]:
    return sorted(g[len(SUBMISSION_GRAPH):] for g in store.named_graphs() if g.startswith(SUBMISSION_GRAPH))


def judge(store: Any, sid: str, measure: str, day: date, lang: str, full: bool = False) -> dict[str, Any] | None:
    """Step 2 for one stored submission: its candidate entry, or None (not eligible, or already awarded).
    Eligibility of this measure only; `full`: of every measure (the baseline, as POST /api/eligibility)."""
    return _judge(store, sid, measure, day, lang, full)[0]


def _judge(store: Any, sid: str, measure: str, day: date, lang: str,
           full: bool = False) -> tuple[dict[str, Any] | None, str | None, str | None]:
    """(judge's answer, the project key and credit code it depends on: what the judgement cache keys it by)."""
    rec = load_submission(store, sid)
    return _judge_data(store, sid, rec["data"], rec["submittedAt"], measure, day, lang, full)


def _judge_data(store: Any, sid: str, data: Any, submitted_at: str, measure: str, day: date, lang: str,
                full: bool = False) -> tuple[dict[str, Any] | None, str | None, str | None]:
    try:
        answer = eligibility(store, data, day, lang, None if full else {measure})
    except UnprocessableInput:  # not one project (eligibility is per project): never a candidate
        return None, None, None
    key, s = answer["project"]["projectKey"], URIRef(answer["project"]["iri"])
    who = {k: str(v) for a in data.objects(s, PKG.applicant) for k, v in
           (("name", data.value(a, PKG.name)), ("creditCode", data.value(a, PKG.creditCode))) if v is not None}
    e = next((x for x in answer["measures"] if x["measure"] == measure), None)
    if e is None or not e["eligible"] or not e.get("appliesToProjectType", True):
        return None, key, who.get("creditCode")
    if any(a["measure"] == measure for a in awards_for_project(store, key)):
        return None, key, who.get("creditCode")
    return {"id": sid, "project": str(s), "projectKey": key, "applicant": who,
            "projectType": answer["project"]["projectType"], "submittedAt": submitted_at,
            "maxAmount": e["maxAmount"], "computation": e["computation"], "basis": e["basis"],
            "review": [{"message": w["message"], "clause": w["clause"]} for w in e["warnings"]]}, key, who.get("creditCode")


def candidates(store: Any, root: Path, measure: str, as_of: date | None = None, lang: str = "zh",
               progress: Callable[[int, int], None] | None = None, baseline: bool = False) -> dict[str, Any]:
    """The answer of GET /api/measures/{id}/candidates. `baseline`: no sieve, and the full eligibility of every
    stored submission (as POST /api/eligibility answers it), for bench/ and the tests that check the sieve
    and the one-measure evaluation never lose or add a candidate."""
    m = resolve(store, measure)
    day = as_of or date.today()
    iri = str(m.iri)
    head = {"measure": iri, "slug": m.slug, "documentNumber": m.number, "document": m.doc, "clause": m.clause,
            "asOf": day.isoformat(), "inForce": m.in_force(day)}
    if not m.in_force(day):
        return {**head, "candidates": [], "counts": {"stored": len(stored_ids(store)), "sieved": 0, "evaluated": 0,
                                                     "candidates": 0}}
    if baseline:
        ids = everything = stored_ids(store)
        out = [e for sid in ids if (e := judge(store, sid, iri, day, lang, full=True)) is not None]
        hits = 0
    else:  # the sieve in plain Python over the kept index (matching/sieve.py), the judgements kept per corpus
        # version (registry/judged.py), those missing evaluated in batches (eligibility/batch.py)
        cache = cache_for(store)
        seq = (cache.state or {}).get("sequence")
        kept = cache.sieves.get(iri)
        if kept is not None and kept[0] == seq:
            ids = kept[1]
        else:
            ids = fast_sieve(store, m, iri, kept_index(store, cache))
        cache.sieves[iri] = (seq, ids)  # until the registry's next write
        everything = cache.index.projects if cache.index is not None else stored_ids(store)  # the stored ones
        hits = cache.hits
        out = _judged(store, cache, ids, iri, day, lang, progress)
    out.sort(key=lambda c: (-(c["maxAmount"] or 0), c["id"]))
    total = sum(c["maxAmount"] or 0 for c in out)
    return {**head, "candidates": out, "total": total,
            "counts": {"stored": len(everything), "sieved": len(ids), "evaluated": len(ids), "candidates": len(out),
                       "judgedBefore": 0 if baseline else cache.hits - hits},  # evaluated: kept from an earlier request
            "method": "every stored submission evaluated" if baseline else
                      f"the conditions of library query {QUERY} as a sieve, then eligibility per submission left "
                      "(each judgement kept until the corpus or that project's or enterprise's records change)"}


def _judged(store: Any, cache: Any, ids: list[str], iri: str, day: date, lang: str,
            progress: Callable[[int, int], None] | None) -> list[dict[str, Any]]:
    """The candidate entries of `ids`: kept judgements, the others evaluated a batch at a time and kept."""
    key = (day.isoformat(), lang)
    cache.load(iri, *key)  # those kept on disk (registry/judgement_file.py), e.g. by `policykg judge`
    todo = [sid for sid in ids if (sid, iri, *key) not in cache.entries]
    batch = Batch(store)
    found: dict[str, Any] = {}
    for i, x in enumerate(batch.read(todo)):
        if progress:
            progress(len(ids) - len(todo) + i, len(ids))
        found[x.sid] = cache.get((x.sid, iri, *key), lambda x=x: _judge_data(
            batch.view, x.sid, x.data, x.submitted_at, iri, day, lang))
    if progress:
        progress(len(ids), len(ids))
    out = []
    for sid in ids:
        entry = found[sid] if sid in found else cache.get((sid, iri, *key), lambda sid=sid: _judge(store, sid, iri, day, lang))
        if entry is not None:
            out.append(entry)
    cache.persist()
    return out
