"""Query helpers shared by the corpus tests (facts checked by hand against policies/sources/)."""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

PFX = """PREFIX pkg: <https://w3id.org/policykg/ontology#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def objs(store: Any, s: str, p: str) -> list[str]:
    """The distinct values of `p` (a prefixed name or <IRI>) on `s`, sorted."""
    return sorted(r["o"].value for r in store.select(PFX + f"SELECT DISTINCT ?o WHERE {{ <{s}> {p} ?o }}"))


def one(store: Any, s: str, p: str) -> str:
    v = objs(store, s, p)
    assert len(v) == 1, (s, p, v)
    return v[0]


def clause_text(store: Any, clause: str) -> str:
    """A clause's verbatim text with whitespace removed (the sources are PDF extractions)."""
    rows = store.select(PFX + f"SELECT ?t WHERE {{ <{clause}> prov:value ?t }}")
    assert rows, f"clause {clause} has no text"
    return re.sub(r"\s+", "", rows[0]["t"].value)


def part_of(store: Any, clause: str, doc: str) -> bool:
    return store.ask(PFX + f"ASK {{ <{clause}> eli:is_part_of+ <{doc}> }}")


def derived_clause(store: Any, iri: str, doc: str) -> str:
    """The clause `iri` derives from, asserted to belong to `doc`."""
    clause = one(store, iri, "prov:wasDerivedFrom")
    assert part_of(store, clause, doc), clause
    return clause


def props(store: Any, iri: str) -> dict[str, list[str]]:
    """All values of `iri`, keyed by the local name of the property."""
    out: dict[str, list[str]] = {}
    for r in store.select(f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"):
        p = r["p"].value
        key = p.split("#")[-1] if "#" in p else p.rsplit("/", 1)[-1]
        out.setdefault(key, []).append(r["o"].value)
    return out


def only(values: dict[str, list[str]], key: str) -> str:
    assert key in values, f"missing {key}"
    assert len(values[key]) == 1, values[key]
    return values[key][0]


def num(values: dict[str, list[str]], key: str) -> Decimal:
    return Decimal(only(values, key))


def provision_clauses(store: Any, doc: str) -> list[tuple[str, str]]:
    """(provision, clause) for every provision IRI under `doc` with its prov:wasDerivedFrom."""
    rows = store.select(PFX + f"""SELECT DISTINCT ?x ?cl WHERE {{
        ?x prov:wasDerivedFrom ?cl . FILTER(STRSTARTS(STR(?x), "{doc}/")) }}""")
    return [(r["x"].value, r["cl"].value) for r in rows]


def non_checkable_without_reason(store: Any, doc: str) -> list[str]:
    """Provisions under `doc` marked not machine-checkable that give no reason (must be none)."""
    rows = store.select(PFX + f"""SELECT ?x WHERE {{ ?x pkg:machineCheckable false .
        FILTER(STRSTARTS(STR(?x), "{doc}/")) FILTER NOT EXISTS {{ ?x pkg:notCheckableReason ?r }} }}""")
    return [r["x"].value for r in rows]


def check_measure_clause(store: Any, doc: str, slug: str, measure: str, path: str, needles: list[str]) -> None:
    """`measure` derives from clause `doc/path` of `doc`, has slug `slug`, and the clause's text has `needles`."""
    p = props(store, measure)
    clause = only(p, "wasDerivedFrom")
    assert clause == f"{doc}/{path}"
    assert part_of(store, clause, doc)
    assert only(p, "definedIn") == doc
    assert only(p, "slug") == slug
    text = clause_text(store, clause)
    for n in needles:
        assert n in text, (n, text)


def measures_of(store: Any, doc: str) -> set[str]:
    """Every support measure defined in `doc`."""
    rows = store.select(PFX + f"""SELECT ?m WHERE {{ ?m pkg:definedIn <{doc}> ; a ?cls .
        ?cls rdfs:subClassOf* pkg:SupportMeasure }}""")
    return {r["m"].value for r in rows}
