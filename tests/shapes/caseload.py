"""Loading the data-driven validation cases of tests/cases/<document>/<case>.yaml.

A case holds a submission – the JSON form under `submission` (merged over a named `base` of
the directory's _bases.yaml; a null value removes a field), or Turtle under `turtle` – an
optional `as_of` date and `registry` of awards, and the expected outcome: `conforms` and the
exact list of `results` as (shape, clause, severity), shape IRIs relative to
https://w3id.org/policykg/shape/ and clause IRIs relative to https://w3id.org/policykg/doc/.
Expectations are derived from the clause text, written by hand.
"""
from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from rdflib import XSD, Graph, Literal, URIRef
from rdflib.namespace import RDF

from policykg.namespaces import BASE, PKG

CASES = Path(__file__).resolve().parent.parent / "cases"
SHAPE = BASE + "shape/"
DOC = BASE + "doc/"


@dataclass
class Case:
    path: Path
    submission: dict[str, Any] | None
    turtle: str | None
    as_of: date | None
    registry: list[dict[str, Any]]
    conforms: bool
    expected: Counter = field(default_factory=Counter)

    @property
    def id(self) -> str:
        return f"{self.path.parent.name}/{self.path.stem}"


class _Loader(yaml.SafeLoader):
    """YAML without implicit timestamps: a date in a submission stays the string the JSON form carries."""


_Loader.yaml_implicit_resolvers = {k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
                                   for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def _yaml(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - a SafeLoader subclass


def case_files() -> list[Path]:
    return sorted(p for p in CASES.rglob("*.yaml") if not p.name.startswith("_"))


def _bases(directory: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for d in (CASES, directory):
        f = d / "_bases.yaml"
        if f.exists():
            out.update(_yaml(f) or {})
    return out


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = copy.deepcopy(v)
    return out


def load(path: Path) -> Case:
    data = _yaml(path)
    sub = data.get("submission")
    if data.get("base"):
        sub = merge(_bases(path.parent)[data["base"]], sub or {})
    expected = Counter((SHAPE + r["shape"], DOC + r["clause"] if r.get("clause") else None, r["severity"])
                       for r in data.get("results") or [])  # clause null: the not-evaluated finding in force
    as_of = data.get("as_of")
    return Case(path, sub, data.get("turtle"), date.fromisoformat(str(as_of)) if as_of else None,
                data.get("registry") or [], bool(data["conforms"]), expected)


def registry_graph(awards: list[dict[str, Any]], index: Any) -> Graph | None:
    """Award records as the registry gives them to validation (pkg:AwardRecord nodes)."""
    if not awards:
        return None
    g = Graph()
    for i, a in enumerate(awards):
        n = URIRef(f"{BASE}registry/award/case-{i}")
        g.add((n, RDF.type, PKG.AwardRecord))
        g.add((n, PKG.projectKey, Literal(a["projectKey"])))
        g.add((n, PKG.measure, URIRef(index.measure(a["measure"]))))
        g.add((n, PKG.amount, Literal(str(a["amount"]), datatype=XSD.decimal)))
        g.add((n, PKG.awardDate, Literal(str(a["date"]), datatype=XSD.date)))
        if a.get("creditCode"):
            g.add((n, PKG.creditCode, Literal(a["creditCode"])))
    return g
