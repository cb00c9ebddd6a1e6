"""Step 1 of candidates, fast: the library query's sieve (queries/registry-measure-candidates.rq) computed in
plain Python over an index of the stored projects, so that it does not grow with the query engine's joins.

The library query reads, per stored submission, the measure's numeric thresholds with NOT EXISTS per row:
17 s at 10,000 submissions on this machine. Here the measure's thresholds are read once from the corpus
(cached per corpus version); the stored projects (their types, project types, key and their numeric values
of every property some threshold of the corpus reads) are read into an Index kept between requests
(registry/judged.py's cache holds it: a stored submission never changes, so only graphs written since are
read again; at 100,000 submissions ~14 s the first time, then the named-graph listing); the projects
awarded the measure are one small registry query per request (the values as VALUES, never substitutions,
which pyoxigraph does not use to choose an index). The same conditions are then applied in Python:
submission type and project type, every unsoftened threshold for the project's type that a declared figure
fails (an undeclared one does not exclude), and no award of the measure; the caller checks the document is
in force on the day. tests/matching/test_fast_candidates.py checks that it leaves the same submissions as
the library query for every measure in force.
"""
from __future__ import annotations

import operator
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox

from policykg.namespaces import PREFIXES
from policykg.registry import SUBMISSION_GRAPH
from policykg.validation import get_bundle

PFX = "\n".join(f"PREFIX {k}: <{v}>" for k, v in PREFIXES.items())
THRESHOLDS_Q = PFX + """SELECT ?c ?p ?cmp ?v ?soft ?cpt WHERE { VALUES ?m { %s }
  ?m pkg:hasCriterion ?c . ?c a pkg:Threshold ; pkg:onProperty ?p ; pkg:comparator ?cmp ; pkg:thresholdValue ?v .
  OPTIONAL { ?c pkg:softened ?soft } OPTIONAL { ?c pkg:appliesToProjectType ?cpt } }"""
ALL_THRESHOLD_PROPS_Q = PFX + "SELECT DISTINCT ?p WHERE { ?c a pkg:Threshold ; pkg:onProperty ?p }"
PROJECTS_Q = PFX + """SELECT ?g ?project ?key ?type ?pt WHERE {
  GRAPH ?g { ?rec a pkg:SubmissionRecord ; foaf:primaryTopic ?project ; pkg:projectKey ?key . ?project a ?type .
             OPTIONAL { ?project pkg:projectType ?pt } } }"""
FIGURES_Q = PFX + """SELECT ?g ?project ?p ?v WHERE {
  GRAPH ?g { ?project ?p ?v . ?rec a pkg:SubmissionRecord ; foaf:primaryTopic ?project } }"""
AWARDED_Q = PFX + """SELECT DISTINCT ?key WHERE { ?a a pkg:AwardRecord ; pkg:measure ?m ; pkg:projectKey ?key
  FILTER(STRSTARTS(STR(?a), "https://w3id.org/policykg/registry/award/")) }"""
COMPARE = {"gt": operator.gt, "ge": operator.ge, "lt": operator.lt, "le": operator.le}


@dataclass(frozen=True)
class Threshold:
    prop: str
    comparator: str
    value: Decimal
    types: frozenset[str]  # the project types it is for (empty: all)

    def fails(self, declared: Decimal, project_type: str | None) -> bool:
        if self.types and project_type not in self.types:
            return False
        return not COMPARE.get(self.comparator, operator.eq)(declared, self.value)


def _num(term: Any) -> Decimal | None:
    if not isinstance(term, ox.Literal) or term.datatype.value.rsplit("#", 1)[-1] not in (
            "integer", "decimal", "double", "float", "int", "long", "short", "nonNegativeInteger", "positiveInteger"):
        return None
    try:
        return Decimal(term.value)
    except InvalidOperation:
        return None


def thresholds(store: Any, measure: str) -> list[Threshold]:
    """The measure's unsoftened numeric thresholds (per corpus version, in the bundle's cache)."""
    cache = get_bundle(store).cache.setdefault("matching-thresholds", {})
    if measure not in cache:
        by: dict[str, dict[str, Any]] = {}
        for r in store.select(THRESHOLDS_Q % str(ox.NamedNode(measure))):
            c = by.setdefault(r["c"].value, {"p": r["p"].value, "cmp": r["cmp"].value, "v": _num(r["v"]),
                                             "soft": "soft" in r and r["soft"].value == "true", "types": set()})
            if "cpt" in r:
                c["types"].add(r["cpt"].value)
        cache[measure] = [Threshold(c["p"], c["cmp"], c["v"], frozenset(c["types"])) for c in by.values()
                          if not c["soft"] and c["v"] is not None]
    return cache[measure]


def _rows(store: Any, query: str, bindings: dict[str, list[Any]]) -> list[dict[str, Any]]:
    head, body = query.split("WHERE {", 1)
    blocks = " ".join(f"VALUES ?{k} {{ {' '.join(str(v) for v in vs)} }}" for k, vs in bindings.items())
    return store.select(f"{head}WHERE {{ {blocks} {body}", registry=True)


@dataclass(frozen=True, slots=True)
class Project:
    """A stored submission's project as the sieve reads it (its strings and sets shared with every other project's)."""

    key: str
    iri: str  # the project (the submission's subject), as N-Triples writes it: <…>
    types: frozenset[str]
    ptypes: frozenset[str]  # its project types (empty: none declared)
    # its numeric values of the properties some threshold of the corpus reads; as text when read from the judgement
    # file, parsed the first time a sieve needs them (Index.figures): most projects are of another measure's type
    figures: tuple[tuple[str, Decimal], ...] | str


class Index:
    """The stored projects, kept between requests (registry/judged.py keeps one per store and corpus version): a
    stored submission never changes (its id is its content's hash), so the index only reads the submission graphs
    written since its last look (CHUNK graphs a query; the first look reads them all in one scan); those gone are
    dropped. At 100,000 submissions the first read costs ~15 s, then a request costs the named-graph listing
    (0.3 s) and Python."""

    def __init__(self) -> None:
        self.projects: dict[str, tuple[Project, ...]] = {}  # submission id -> its project(s)
        self.sequence: Any = None
        self._lock = threading.Lock()
        self._shared: dict[Any, Any] = {}  # one object per distinct string or set
        self._sets: dict[str, frozenset[str]] = {}  # a set's text in the judgement file -> the set
        self._figures: dict[str, tuple[tuple[str, Decimal], ...]] = {}  # figures' text -> figures

    def _one(self, x: Any) -> Any:
        return self._shared.setdefault(x, x)

    def figures(self, p: Project) -> tuple[tuple[str, Decimal], ...]:
        if not isinstance(p.figures, str):
            return p.figures
        found = self._figures.get(p.figures)
        if found is None:
            found = self._figures[p.figures] = tuple((self._one(f[0]), Decimal(f[1])) for f in (
                x.split(" ") for x in p.figures.split(US) if x))
        return found

    def update(self, store: Any, sequence: Any, file: Any = None, version: str = "") -> None:
        """Read what was written since the last look (`sequence`: the registry's; unchanged: nothing to read).
        `file`: the judgement file beside the store (registry/judgement_file.py), which keeps the index of corpus
        `version` across restarts: the first look reads it, then only the graphs it lacks, and writes those."""
        with self._lock:  # two requests at once: one reads, the other finds it read
            if self.sequence is not None and sequence == self.sequence:
                return
            if file is not None and self.sequence is None and not self.projects:
                for sid, text in file.sieve_rows(FORMAT + version):
                    self.projects[sys.intern(sid)] = tuple(self._project(p) for p in text.split(RS) if p)
            now = {g[len(SUBMISSION_GRAPH):] for g in store.named_graphs() if g.startswith(SUBMISSION_GRAPH)}
            for sid in [sid for sid in self.projects if sid not in now]:
                del self.projects[sid]
            new = sorted(now - self.projects.keys())
            if new and not self.projects:  # the first read: every graph in one scan (VALUES ?g costs ~1.4 ms a graph)
                self._read(store, new, every=True)
            else:
                for i in range(0, len(new), CHUNK):
                    self._read(store, new[i:i + CHUNK])
            if file is not None and new:
                file.put_sieve(FORMAT + version, [(sid, RS.join(_plain(p) for p in self.projects[sid])) for sid in new
                                         if sid in self.projects and _plain_ok(self.projects[sid])])
            self.sequence = sequence

    def _project(self, text: str) -> Project:
        """A project as _plain wrote it; its sets shared with every other project's (read by their text)."""
        key, iri, types, ptypes, figures = text.split(FS)
        sets = self._sets
        t = sets.get(types) or sets.setdefault(types, self._one(frozenset(self._one(x) for x in types.split(US) if x)))
        pt = sets.get(ptypes) or sets.setdefault(ptypes, self._one(frozenset(self._one(x) for x in ptypes.split(US) if x)))
        return Project(self._one(key), iri, t, pt, figures)

    def _read(self, store: Any, sids: list[str], every: bool = False) -> None:
        where = {} if every else {"g": [ox.NamedNode(SUBMISSION_GRAPH + sid) for sid in sids]}
        rows: dict[tuple[str, str], dict[str, Any]] = {}
        for r in _rows(store, PROJECTS_Q, where):
            x = rows.setdefault((r["g"].value, r["project"].value), {"key": r["key"].value, "types": set(), "pts": set(),
                                                                    "iri": str(r["project"])})
            x["types"].add(r["type"].value)
            if "pt" in r:
                x["pts"].add(r["pt"].value)
        props = _threshold_props(store)
        figures: dict[tuple[str, str], list[tuple[str, Decimal]]] = {}
        if props:
            for r in _rows(store, FIGURES_Q, {**where, "p": [ox.NamedNode(p) for p in props]}):
                v = _num(r["v"])
                if v is not None:
                    figures.setdefault((r["g"].value, r["project"].value), []).append((self._one(r["p"].value), v))
        found: dict[str, list[Project]] = {sid: [] for sid in sids}  # a graph without a record: no project
        for (g, p), x in sorted(rows.items()):
            if not g.startswith(SUBMISSION_GRAPH) or g[len(SUBMISSION_GRAPH):] not in found:
                continue  # a graph written after the listing: read at the next look
            found[g[len(SUBMISSION_GRAPH):]].append(Project(
                x["key"], x["iri"], self._one(frozenset(self._one(t) for t in x["types"])),
                self._one(frozenset(self._one(t) for t in x["pts"])), tuple(figures.get((g, p), ()))))
        for sid, ps in found.items():
            self.projects[sys.intern(sid)] = tuple(ps)


CHUNK = 2000


RS, FS, US = "\x1e", "\x1d", "\x1f"  # between projects, fields, items: characters no IRI or key holds
FORMAT = "2:"  # of the lines below, before the corpus version in the file's key: another format is not read


def _plain_ok(projects: tuple[Project, ...]) -> bool:
    """False if a project key holds a separator (a submission may say anything): that one is read from the store."""
    return not any(c in x for p in projects for x in (p.key, p.iri) for c in (RS, FS, US, " "))


def _plain(p: Project) -> str:
    """A project as the judgement file keeps it (a line of text: a quarter of the time of JSON to read)."""
    return FS.join((p.key, p.iri, US.join(sorted(p.types)), US.join(sorted(p.ptypes)),
                    p.figures if isinstance(p.figures, str) else US.join(f"{k} {v}" for k, v in p.figures)))


def _threshold_props(store: Any) -> list[str]:
    cache = get_bundle(store).cache
    if "matching-threshold-props" not in cache:
        cache["matching-threshold-props"] = sorted(r["p"].value for r in store.select(ALL_THRESHOLD_PROPS_Q))
    return cache["matching-threshold-props"]


def sieve(store: Any, m: Any, measure: str, index: Index | None = None) -> list[str]:
    """The ids of the stored submissions the library query would leave for measure `m` (a catalogue Measure,
    in force on the day: the caller checks that), sorted. `index`: the stored projects kept between requests
    (read here when not given)."""
    return sorted({sid for sid, _x, _t, _pt in passing(store, m, measure, index)})


def passing(store: Any, m: Any, measure: str, index: Index | None = None
            ) -> Iterator[tuple[str, Project, str, str | None]]:
    """The library query's rows before projection: (submission id, project, submission type, project type or None)
    for every stored project of a type `m` applies to, never awarded it, whose project type (each declared one, or
    none) passes the measure's project types and fails none of its unsoftened thresholds."""
    types = {str(t) for t in m.subtypes}
    if not types:
        return
    if index is None:
        index = Index()
        index.update(store, None)
    ptypes = {str(t) for t in m.ptypes}
    limits = thresholds(store, measure)
    awarded = {r["key"].value for r in _rows(store, AWARDED_Q, {"m": [ox.NamedNode(measure)]})}
    for sid, found in index.projects.items():
        for x in found:
            if not types & x.types or x.key in awarded:
                continue
            # one row per project type in the library query (none declared: one row, unbound)
            figures = index.figures(x) if limits else ()
            for pt in x.ptypes or (None,):
                if (not ptypes or pt in ptypes) and not any(t.fails(v, pt) for t in limits for p, v in figures
                                                            if p == t.prop):
                    for t in sorted(types & x.types):
                        yield sid, x, t, pt
